"""The REST connector against the simulator over real HTTP."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crm2odoo.errors import SourceAuthError, SourceTransientError
from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.ontraport.api import OntraportApiSource
from crm2odoo.testing.ontraport_sim import Faults, OntraportAccount, OntraportSimulator, generate_account

APP_ID, KEY = "2_AppID_12345678", "Key5678secret"
FAST = {"rate_limit": 10_000, "retry_backoff": 0.01, "timeout": 5}


def make_source(sim: OntraportSimulator, key: str = KEY, **options: Any) -> OntraportApiSource:
    settings = SourceSettings(
        kind="ontraport", values={"base_url": sim.url, "app_id": APP_ID, "api_key": Secret(key)},
        base_dir=Path("."), options={**FAST, **options},
    )
    source = open_source(settings)
    assert isinstance(source, OntraportApiSource)
    return source


@pytest.fixture(scope="module")
def account() -> OntraportAccount:
    return generate_account(seed=3, contacts=130, companies=12, deals=30)


@pytest.fixture(scope="module")
def sim(account: OntraportAccount) -> Iterator[OntraportSimulator]:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=100_000) as server:
        yield server


@pytest.fixture(scope="module")
def source(sim: OntraportSimulator) -> Iterator[OntraportApiSource]:
    src = make_source(sim)
    yield src
    src.close()


def test_discovery_objects_fields_counts_inventory(source: OntraportApiSource) -> None:
    catalog = source.discover()
    names = {o.name for o in catalog.objects}
    assert {"contact", "company", "deal", "user", "tag", "note", "task", "product", "invoice", "invoice_line",
            "payment", "engagement", "campaign_enrollment", "stage", "pipeline", "custom_properties"} <= names
    contact = catalog.object("contact")
    assert contact is not None and contact.count == 130 and contact.supports_delta
    plan = contact.field("f1557")
    assert plan is not None and plan.custom and plan.label == "Plan" and plan.type == "select"
    assert plan.options == ("Gold", "Silver", "Bronze")
    interests = contact.field("f1558")
    assert interests is not None and interests.type == "multiselect" and "Yazılım" in interests.options
    assert contact.field("owner") == contact.field("owner") and contact.field("owner").ref_object == "user"  # type: ignore[union-attr]
    assert contact.field("contact_cat").type == "refs" and contact.field("contact_cat").ref_object == "tag"  # type: ignore[union-attr]
    assert contact.field("company_id").ref_object == "company"  # type: ignore[union-attr]
    assert contact.field("firstname").label == "First Name" and not contact.field("firstname").custom  # type: ignore[union-attr]
    deal = catalog.object("deal")
    assert deal is not None and deal.field("sales_stage").ref_object == "stage"  # type: ignore[union-attr]
    assert {"contact", "company", "stage", "user"} <= set(deal.depends_on)
    prop = catalog.object("custom_properties")
    assert prop is not None and prop.custom and prop.field("f3003").ref_object == "contact"  # type: ignore[union-attr]
    kinds = {i.kind for i in catalog.inventory}
    assert {"automation_rule", "sequence", "campaign", "form", "landing_page"} <= kinds
    rule = next(i for i in catalog.inventory if i.kind == "automation_rule")
    assert rule.details["trigger"] and rule.advice
    seq = next(i for i in catalog.inventory if i.kind == "sequence" and i.details["id"] == "1")
    assert seq.details["step_count"] == 5 and seq.details["enrolled_count"] > 0
    assert catalog.account["account_id"] == "53"
    assert "Key5678" not in repr(source) and "Key5678" not in str(catalog)


def test_stages_in_order_with_won_and_lost(source: OntraportApiSource) -> None:
    stages = list(source.read("stage"))
    assert [s.values["sequence"] for s in stages] == list(range(1, 8))
    won = [s.values["name"] for s in stages if s.values["is_won"]]
    lost = [s.values["name"] for s in stages if s.values["is_lost"]]
    assert won == ["Closed - Won"] and lost == ["Closed - Lost"]
    assert [p.values["name"] for p in source.read("pipeline")] == ["New Business", "Renewals"]


def test_contact_decoding(source: OntraportApiSource, account: OntraportAccount) -> None:
    records = {r.id: r for r in source.read("contact")}
    assert len(records) == 130  # three pages of 50
    raw = account.records[0][1]
    rec = records["1"]
    assert rec.locator == "GET /Contacts id=1"
    assert rec.values["date"] == dt.datetime.fromtimestamp(int(raw["date"]), tz=dt.UTC)
    assert rec.modified_at == dt.datetime.fromtimestamp(int(raw["dlm"]), tz=dt.UTC)
    tags = {t.id: t.values["tag_name"] for t in source.read("tag")}
    assert rec.values["contact_cat"] == [t for t in raw["contact_cat"].split("*/*") if t]
    assert all(t in tags for r in records.values() for t in r.values["contact_cat"])
    for r in records.values():
        assert r.values["f1557"] in (None, "Gold", "Silver", "Bronze")
        assert isinstance(r.values["f1562"], bool)
        assert r.values["birthday"] is None or isinstance(r.values["birthday"], dt.date)
    assert any(r.values["f1560"] is not None and r.values["f1560"] % 1 == 0.5 for r in records.values())
    assert not [r for r in records.values() if r.problems]


def test_deals_money_and_refs(source: OntraportApiSource) -> None:
    deals = list(source.read("deal"))
    assert all(isinstance(d.values["value"], Decimal) for d in deals)
    closed = [d for d in deals if d.values["sales_stage"] in ("6", "7")]
    assert closed and all(isinstance(d.values["actual_close_date"], dt.date) for d in closed)
    assert all(d.values["actual_close_date"] is None for d in deals if d.values["sales_stage"] not in ("6", "7"))


def test_commerce_objects(source: OntraportApiSource) -> None:
    invoices = {r.id: r for r in source.read("invoice")}
    lines = list(source.read("invoice_line"))
    assert lines and all(line.values["invoice_id"] in invoices for line in lines)
    payments = list(source.read("payment"))
    assert payments and all(p.values["invoice_id"] in invoices and isinstance(p.values["amount"], Decimal)
                            for p in payments)


def test_since_ids_and_list_ids(sim: OntraportSimulator, account: OntraportAccount) -> None:
    src = make_source(sim)
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    assert list(src.read("contact", since=before)) == []
    account.touch(7, firstname="Zehra")
    account.touch(99)
    changed = list(src.read("contact", since=before))
    assert sorted(r.id for r in changed) == ["7", "99"]
    assert changed[0].values["firstname"] == "Zehra"
    conditions = [e["params"].get("condition", "") for e in sim.request_log if e["params"].get("objectID") == "0"]
    assert any('"dlm"' in c for c in conditions)
    picked = list(src.read("contact", ids=["3", "120", "5", "999"]))
    assert sorted(r.id for r in picked) == ["120", "3", "5"]
    new_id = account.add(0, firstname="Yeni", lastname="Kişi")
    account.delete(0, 2)
    ids = list(src.list_ids("contact"))
    assert str(new_id) in ids and "2" not in ids and len(ids) == 130
    listed = [e for e in sim.request_log if e["params"].get("listFields") == "id"]
    assert listed
    src.close()


def test_legacy_condition_fallback(account: OntraportAccount) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, legacy_conditions_only=True,
                            rate_limit=100_000) as server:
        src = make_source(server)
        picked = list(src.read("contact", ids=["4", "6"]))
        assert sorted(r.id for r in picked) == ["4", "6"]
        assert len(list(src.read("contact"))) == len(account.records[0])
        src.close()


def test_absent_objects_are_warnings_and_lines_come_from_offers(account: OntraportAccount) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, hidden_objects={4, 17},
                            forbidden_objects={8}, rate_limit=100_000) as server:
        src = make_source(server)
        catalog = src.discover()
        names = {o.name for o in catalog.objects}
        assert "engagement" not in names and "campaign_enrollment" not in names
        assert any("Log item" in w for w in catalog.warnings)
        assert any("403" in w for w in catalog.warnings)
        lines = list(src.read("invoice_line"))
        products = {str(pid) for pid in account.records[16]}
        products_lines = [line for line in lines if not line.id.endswith("-shipping")]
        assert products_lines and all(line.values["product_id"] in products for line in products_lines)
        shipped = {str(t) for t, r in account.records[46].items() if float(r["shipping"])}
        shipping = {line.values["invoice_id"]: line for line in lines if line.id.endswith("-shipping")}
        assert set(shipping) == shipped, "a shipped transaction has a shipping line"
        assert all(line.values["product_id"] is None and line.values["tax_rate"] == 0.0 for line in shipping.values())
        first = lines[0]
        assert first.id.startswith(first.values["invoice_id"] + "-") and isinstance(first.values["price"], Decimal)
        src.close()


def test_auth_failure_names_no_key(account: OntraportAccount) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY) as server:
        src = make_source(server, key="WrongKey9876")
        with pytest.raises(SourceAuthError) as info:
            src.discover()
        text = f"{info.value} {info.value.hint} {info.value!r}"
        assert "WrongKey9876" not in text and KEY not in text
        assert "401" in str(info.value) and info.value.hint
        src.close()


def test_recovers_from_500_502_and_drops(account: OntraportAccount) -> None:
    faults = Faults(seed=11, error_500=0.15, error_502=0.15, drop=0.15)
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, faults=faults, rate_limit=100_000) as server:
        src = make_source(server, max_retries=8)
        assert len(list(src.read("contact"))) == len(account.records[0])
        assert len(list(src.read("note"))) == len(account.records[12])
        assert len(list(src.read("engagement"))) == len(account.records[4])
        assert server.counters["500"] and server.counters["502"] and server.counters["dropped"]
        src.close()


def test_gives_up_as_transient_error(account: OntraportAccount) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, faults=Faults(error_500=1.0)) as server:
        src = make_source(server, max_retries=2)
        with pytest.raises(SourceTransientError):
            list(src.read("contact"))
        src.close()


def test_429_backs_off_per_headers(account: OntraportAccount) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=8,
                            rate_window_seconds=0.6) as server:
        server.consume(8)  # another integration just spent the whole window
        src = make_source(server, rate_limit=180, rate_window_seconds=0.6)
        started = time.monotonic()
        assert len(list(src.read("product"))) == len(account.records[16])
        assert server.counters["429"] >= 1 and time.monotonic() - started < 20
        src.close()


def test_a_window_full_of_our_own_calls_is_waited_out_not_given_up(account: OntraportAccount) -> None:
    """A spent rolling window answers each 429 with the time until its *oldest* call ages out; with many of our
    own calls in it those are many short waits. Patience is measured in time, not in the number of waits."""
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=100_000,
                            rate_window_seconds=1.0) as server:
        src = make_source(server, rate_limit=100_000, rate_window_seconds=1.0)
        for _ in range(40):  # our own calls, spread over most of the window
            src.http.get("/objects/getInfo", {"objectID": "16"})
            time.sleep(0.015)
        server.consume(100_000)  # then another integration spends the rest
        assert len(list(src.read("product"))) == len(account.records[16])
        assert server.counters["429"] > 12, "the case this test is about: more short waits than the old count"
        src.close()


def test_a_budget_someone_else_keeps_spending_ends_in_a_transient_error(account: OntraportAccount) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=50,
                            rate_window_seconds=0.3) as server:
        src = make_source(server, rate_limit=50, rate_window_seconds=0.3)
        stop = threading.Event()

        def neighbour() -> None:
            while not stop.is_set():
                server.consume(50)
                time.sleep(0.05)

        spender = threading.Thread(target=neighbour, daemon=True)
        spender.start()
        started = time.monotonic()
        try:
            with pytest.raises(SourceTransientError) as caught:
                list(src.read("product"))
        finally:
            stop.set()
            spender.join()
        assert "rate limited" in str(caught.value) and "s)" in str(caught.value)
        assert caught.value.retry_after and caught.value.retry_after >= 0.3
        assert 0.9 <= time.monotonic() - started < 10, "gives up after about three windows of waiting"
        src.close()


def test_deletes_during_a_read_do_not_skip_records() -> None:
    account = generate_account(seed=8, contacts=160, companies=3, deals=3, notes_per_contact=0)
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=100_000) as server:
        src = make_source(server)
        seen = []
        for record in src.read("contact"):
            seen.append(record.id)
            if len(seen) == 10:
                for gone in range(1, 11):  # rows already read: offset paging would now skip ten rows
                    account.delete(0, gone)
        assert seen == [str(i) for i in range(1, 161)]
        src.close()


def test_timeouts_are_retried(account: OntraportAccount) -> None:
    faults = Faults(seed=2, slow=0.3, slow_seconds=0.6)
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, faults=faults, rate_limit=100_000) as server:
        src = make_source(server, timeout=0.2, max_retries=10)
        assert len(list(src.read("product"))) == len(account.records[16])
        assert len(list(src.read("contact"))) == len(account.records[0])
        assert server.counters["slow"] >= 1 and src.stats["retries"] >= 1
        src.close()
