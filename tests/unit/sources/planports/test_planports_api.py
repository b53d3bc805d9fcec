"""The API connector over real HTTP against the simulator: login, paging shapes, expiry, 404s, faults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm2odoo.errors import SourceAuthError, SourceError, SourceTransientError
from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.planports.api import PlanportsApiSource, snake
from crm2odoo.testing.planports_sim import PAGE_STYLES, PlanportsSimulator
from crm2odoo.testing.planports_workbook import PlanportsDataset, generate_workbook

EMAIL = "3f2a9c1e-0000-4000-8000-1234567890ab@api.planports.com"
PASSWORD = "Gizli-Parola-2024!"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> PlanportsDataset:
    return generate_workbook(tmp_path_factory.mktemp("ppapi") / "export.xlsx", seed=3, contacts=30, companies=5,
                             leads=12, deals=15, quotes=4, orders=2, activities=8, notes=5, cards=6, attachments=2)


def _source(url: str, password: str = PASSWORD, **values: Any) -> PlanportsApiSource:
    settings = SourceSettings("planports-api", {"base_url": url, "email": EMAIL, "password": Secret(password), **values},
                              Path("."), {"page_size": 5, "backoff": 0, "retries": 4, "timeout": 5})
    source = open_source(settings)
    assert isinstance(source, PlanportsApiSource)
    return source


@pytest.fixture
def sim(dataset: PlanportsDataset) -> Iterator[PlanportsSimulator]:
    with PlanportsSimulator(dataset, email=EMAIL, password=PASSWORD) as simulator:
        yield simulator


def _compare(dataset: PlanportsDataset, source: PlanportsApiSource, objects: tuple[str, ...]) -> None:
    for obj in objects:
        got = {r.id: r for r in source.read(obj)}
        assert set(got) == set(dataset.records[obj]), obj
        for ident, expected in dataset.records[obj].items():
            for key, value in expected.items():
                if key in ("currency", "data", "path") or key.startswith("x_reklam"):
                    continue
                assert got[ident].values.get(key) == value, (obj, ident, key)


def test_snake_case_of_pascal_properties() -> None:
    assert snake("NameSurname") == "name_surname"
    assert snake("IsOrganization") == "is_organization"
    assert snake("ExternalLeadId") == "external_lead_id"
    assert snake("CRMId") == "crm_id"


@pytest.mark.parametrize("style", PAGE_STYLES)
def test_every_paging_shape_reads_every_record(dataset: PlanportsDataset, style: str) -> None:
    with PlanportsSimulator(dataset, email=EMAIL, password=PASSWORD, page_style=style) as simulator:
        source = _source(simulator.url)
        _compare(dataset, source, ("contact", "company", "deal", "lead", "pipeline", "stage", "lost_reason"))
        source.close()
        tokens = [entry for entry in simulator.request_log if entry[1] == "/api/token"]
        assert len(tokens) == 1  # one login, reused


def test_all_objects_match_truth(dataset: PlanportsDataset, sim: PlanportsSimulator) -> None:
    source = _source(sim.url)
    _compare(dataset, source, ("product", "quote", "quote_line", "order", "order_line", "activity", "note", "card",
                               "board", "board_column"))
    users = {r.id for r in source.read("user")}
    # the users list, plus the owner named only on records (no longer a user in Planports)
    assert users == set(dataset.records["user"])
    contact = next(source.read("contact"))
    assert contact.locator.startswith("GET /api/v1/PpContacts Id=")


def test_discover_names_fields_and_custom_fields(sim: PlanportsSimulator) -> None:
    catalog = _source(sim.url).discover()
    contact = catalog.object("contact")
    deal = catalog.object("deal")
    assert contact is not None and deal is not None
    assert contact.field("mobile") is not None and contact.field("mobile").type == "phone"  # type: ignore[union-attr]
    assert contact.field("company").ref_object == "company"  # type: ignore[union-attr]
    custom = deal.field("x_tedavi_paketi")
    assert custom is not None and custom.custom
    assert deal.field("stage").ref_object == "stage"  # type: ignore[union-attr]
    assert catalog.object("stage") is not None and catalog.object("pipeline") is not None
    assert any("attachments" in w for w in catalog.warnings)


def test_missing_endpoint_is_skipped_with_the_key_to_set(dataset: PlanportsDataset) -> None:
    with PlanportsSimulator(dataset, email=EMAIL, password=PASSWORD, missing={"order", "user"}) as simulator:
        source = _source(simulator.url)
        catalog = source.discover()
        assert catalog.object("order") is None
        warning = next(w for w in catalog.warnings if "PpOrders" in w)
        assert "404" in warning and '[source.endpoints] order = "' in warning
        with pytest.raises(SourceError, match="PpOrders"):
            list(source.read("order"))
        # no users endpoint: owners found on the records become the users
        owners = {r.id for r in source.read("user")}
        expected = {values["owner"] for obj in ("contact", "company", "lead", "deal", "activity")
                    for values in dataset.records[obj].values() if values.get("owner")}
        assert owners == expected


def test_endpoint_override(dataset: PlanportsDataset) -> None:
    with PlanportsSimulator(dataset, email=EMAIL, password=PASSWORD) as simulator:
        simulator.lists["/api/v2/firsatlar"] = simulator.lists.pop("/api/v1/ppopportunities")
        source = _source(simulator.url, endpoints={"deal": "/api/v2/Firsatlar"})
        assert {r.id for r in source.read("deal")} == set(dataset.records["deal"])


def test_expired_token_logs_in_again_once(sim: PlanportsSimulator, dataset: PlanportsDataset) -> None:
    source = _source(sim.url)
    records = source.read("contact")
    first = next(records)
    sim.expire_tokens()
    rest = list(records)
    assert 1 + len(rest) == len(dataset.records["contact"]) and first.id
    assert sum(1 for entry in sim.request_log if entry[1] == "/api/token") == 2
    assert any(entry[2] == 401 for entry in sim.request_log)


def test_second_401_is_an_auth_error_without_the_password(sim: PlanportsSimulator) -> None:
    source = _source(sim.url)
    list(source.read("lead"))
    sim.fail_next.extend(["401", "401"])
    with pytest.raises(SourceAuthError) as caught:
        list(source.read("lead"))
    assert PASSWORD not in str(caught.value) and PASSWORD not in repr(caught.value.attrs)


def test_wrong_password_is_an_auth_error_without_the_password(sim: PlanportsSimulator) -> None:
    wrong = "Yanlis-Parola-99"
    with pytest.raises(SourceAuthError) as caught:
        _source(sim.url, password=wrong).discover()
    text = str(caught.value) + caught.value.hint + repr(caught.value.args)
    assert wrong not in text and EMAIL in text


def test_faults_are_retried(dataset: PlanportsDataset) -> None:
    with PlanportsSimulator(dataset, email=EMAIL, password=PASSWORD, seed=5,
                            faults={"429": 0.15, "500": 0.15, "drop": 0.1}) as simulator:
        source = _source(simulator.url)
        simulator.fail_next.extend(["drop", "429", "500"])  # each kind at least once, then the seeded ones
        _compare(dataset, source, ("contact", "deal"))
        statuses = [entry[2] for entry in simulator.request_log]
        assert 429 in statuses and 500 in statuses and 0 in statuses


def test_exhausted_retries_are_transient_without_the_password(sim: PlanportsSimulator) -> None:
    source = _source(sim.url)
    list(source.read("lead"))
    sim.fail_next.extend(["500", "drop", "429", "500", "500"])
    with pytest.raises(SourceTransientError) as caught:
        list(source.read("lead"))
    assert "5 times" in str(caught.value) and PASSWORD not in str(caught.value)


def test_unreachable_server_is_transient() -> None:
    source = _source("http://127.0.0.1:9", retries=0)
    with pytest.raises(SourceTransientError):
        source.discover()
