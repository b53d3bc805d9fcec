"""A map that cannot run is not approvable: the runnable checks, and the proposer never writing a line that fails them.

The invariant is checked against what the connectors read from our simulators (every source kind) and against the
Odoo 17, 18 and 19 schemas: each proposed line's transform accepts its params, and what stays unfilled is asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crm2odoo.mapping.propose import propose
from crm2odoo.mapping.spec import FieldMap, ObjectMap
from crm2odoo.redact import Secret
from crm2odoo.sources import Source, SourceSettings, open_source
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.ontraport_sim import OntraportSimulator, generate_account, write_csv_exports
from crm2odoo.testing.planports_sim import PlanportsSimulator
from crm2odoo.testing.planports_workbook import generate_workbook
from crm2odoo.validate.runnable import line_problem, param_problems, required_question, unfilled_required

VERSIONS = ("17.0", "18.0", "19.0")
Schemas = dict[str, dict[str, dict[str, dict[str, Any]]]]  # the odoo_schemas fixture (conftest.py)
KINDS = ("ontraport", "ontraport-csv", "planports-xlsx", "planports-api")


def _read(source: Source, size: int = 200) -> tuple[Catalog, dict[str, list[SourceRecord]]]:
    try:
        catalog = source.discover()
        samples: dict[str, list[SourceRecord]] = {}
        for obj in catalog.objects:
            rows: list[SourceRecord] = []
            for record in source.read(obj.name):
                rows.append(record)
                if len(rows) >= size:
                    break
            samples[obj.name] = rows
        return catalog, samples
    finally:
        source.close()


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Catalog, dict[str, Any]]]]:
    """What each connector reads from our simulators: the proposer's input for every source kind."""
    folder = tmp_path_factory.mktemp("runnable")
    out: dict[str, tuple[Catalog, dict[str, Any]]] = {}
    account = generate_account(seed=11, contacts=30, companies=6, deals=12, notes_per_contact=1, transactions=6,
                               products=4, properties=4)
    with OntraportSimulator(account, app_id="a", api_key="k-1234", rate_limit=100_000) as sim:
        out["ontraport"] = _read(open_source(SourceSettings(
            "ontraport", {"base_url": sim.url, "app_id": "a", "api_key": Secret("k-1234")}, folder, {})))
    write_csv_exports(account, folder / "exports")
    out["ontraport-csv"] = _read(open_source(SourceSettings("ontraport-csv", {"path": "exports"}, folder, {})))
    dataset = generate_workbook(folder / "export.xlsx", seed=3, contacts=30, companies=5, leads=10, deals=12,
                                quotes=4, orders=2, activities=8, notes=5, cards=6, attachments=2)
    out["planports-xlsx"] = _read(open_source(SourceSettings("planports-xlsx", {"path": "export.xlsx"}, folder, {})))
    email, password = "3f2a9c1e-0000-4000-8000-1234567890ab@api.planports.com", "Gizli-Parola-2024!"
    with PlanportsSimulator(dataset, email=email, password=password) as pp:
        out["planports-api"] = _read(open_source(SourceSettings(
            "planports-api", {"base_url": pp.url, "email": email, "password": Secret(password)}, folder,
            {"page_size": 50, "backoff": 0, "retries": 2, "timeout": 5})))
    yield out


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_line_the_proposer_writes_runs(accounts: dict[str, tuple[Catalog, dict[str, Any]]], kind: str,
                                             version: str, odoo_schemas: Schemas) -> None:
    catalog, samples = accounts[kind]
    odoo = odoo_schemas[version]
    spec = propose(catalog, samples, odoo, system=kind, odoo_version=version)
    broken = [problem for omap in spec.enabled_objects() for problem in param_problems(omap)]
    assert broken == []
    for omap in spec.enabled_objects():
        missing = unfilled_required(omap, odoo.get(omap.model, {}))
        # what the proposer could not fill is said on the map itself, with the question to answer
        for name in missing:
            assert f"Odoo requires {omap.model}.{name}:" in omap.reason, (omap.name, name)
            assert omap.confidence <= 0.5


def _line(transform: str, params: dict[str, Any], source: str | list[str] = "col") -> FieldMap:
    return FieldMap(source=source, target="x", transform=transform, params=params)


@pytest.mark.parametrize(("transform", "params", "words"), [
    ("refs", {}, "params.object"),
    ("ref", {"object": ""}, "params.object"),
    ("lookup", {}, "params.model"),
    ("lookup", {"model": "res.country", "by": "name"}, "params.by"),
    ("record_ref", {"objects": []}, "params.objects"),
    ("value_map", {"map": ["a", "b"]}, "params.map"),
    ("number", {"decimal": ";"}, "params.decimal"),
    ("datetime", {"tz": "Mars/Olympus"}, "not a time zone"),
    ("phone", {"default_country": "Turkey"}, "two-letter"),
    ("split", {"sep": ",", "index": "first"}, "params.index"),
    ("template", {"format": "{0} {1}"}, "names a value the line does not have"),
    ("template", {"format": "{0"}, "not a valid template"),
    ("no_such", {}, "unknown transform"),
])
def test_a_line_whose_params_cannot_run_is_named(transform: str, params: dict[str, Any], words: str) -> None:
    problem = line_problem(_line(transform, params))
    assert problem is not None and words in problem


@pytest.mark.parametrize(("transform", "params"), [
    ("refs", {"object": "tag"}), ("ref", {"object": "contact"}), ("lookup", {"model": "res.country"}),
    ("record_ref", {"objects": ["contact"], "model_field": "res_model_id"}), ("value_map", {"map": {"a": "b"}}),
    ("number", {"decimal": ","}), ("datetime", {"tz": "Europe/Istanbul"}), ("phone", {"default_country": "TR"}),
    ("split", {"sep": ",", "index": 1}), ("template", {"format": "{0}"}), ("date", {"format": "%d.%m.%Y"}),
    ("owner", {}), ("constant", {"value": 3}), ("email", {}), ("boolean", {}), ("copy", {}),
])
def test_a_line_whose_params_run_passes(transform: str, params: dict[str, Any]) -> None:
    assert line_problem(_line(transform, params)) is None


def test_param_problems_name_the_map_and_the_line() -> None:
    card = ObjectMap(name="card", source_object="card", model="project.task",
                     fields=[_line("refs", {}, "owners"), FieldMap(source="x", ignore=True)])
    assert param_problems(card) == ["objects.card: owners -> x: transform refs cannot run with params {}: "
                                    "params.object must name the source object it links to"]


def test_required_question_names_what_to_answer(odoo_schemas: Schemas) -> None:
    task = ObjectMap(name="task", source_object="task", model="mail.activity")
    odoo = odoo_schemas["18.0"]
    fields = odoo["mail.activity"]
    assert "res_model_id" in unfilled_required(task, fields)
    assert required_question(task, "res_model_id", fields["res_model_id"]) == (
        "Odoo requires mail.activity.res_model_id: which column links each task to its record (the record's kind "
        "and id)?")
    meeting = ObjectMap(name="activity_meeting", source_object="activity", model="calendar.event")
    assert "each activity's start" in required_question(meeting, "start", odoo["calendar.event"]["start"])
    users = ObjectMap(name="user", source_object="user", model="res.users", options={"match_only": True})
    assert unfilled_required(users, odoo["res.users"]) == []
