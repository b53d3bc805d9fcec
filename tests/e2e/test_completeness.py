"""Sample and delta completeness: a sample brings the children its parents need to be whole (an invoice with
every line, an order with every line, a board with every column), and a delta on export files catches a row whose
content changed although its modified date did not move."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crm2odoo import api
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader, ObjectResult
from crm2odoo.mapping.engine import Engine
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Catalog
from crm2odoo.testing.memory import MemorySource
from crm2odoo.testing.ontraport_sim import (
    OntraportAccount,
    OntraportSimulator,
    generate_account,
    write_csv_exports,
)
from crm2odoo.testing.planports_workbook import generate_workbook

from .test_delta import stamped
from .test_loader import _track, make_spec, run
from .test_sources_e2e import API_KEY, APP_ID, write_config


@pytest.fixture
def account() -> OntraportAccount:
    return generate_account(seed=11, contacts=40, companies=8, deals=16, notes_per_contact=2, transactions=10,
                            properties=6)


@pytest.fixture
def ontraport_api(account: OntraportAccount) -> Iterator[OntraportSimulator]:
    with OntraportSimulator(account, app_id=APP_ID, api_key=API_KEY, rate_limit=100000,
                            rate_window_seconds=1.0) as sim:
        yield sim


def ledger_of(root: Path) -> Ledger:
    return Ledger(root / ".crm2odoo" / "ledger.sqlite")


def planned(root: Path) -> None:
    api.discover(root)
    api.plan(root)
    api.approve(root, confirm=lambda changes: True, login="e2e")


def test_sample_brings_every_line_of_its_invoices_and_their_payments_land(
        tmp_path: Path, odoo: OdooClient, odoo_settings: OdooSettings, account: OntraportAccount,
        ontraport_api: OntraportSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "sample"
    api.init_project(root, "ontraport")
    write_config(root, f'[source]\nkind = "ontraport"\nbase_url = "{ontraport_api.url}"\napp_id = "${{E2E_OP_APP}}"\n'
                       'api_key = "${E2E_OP_KEY}"\n', odoo_settings, monkeypatch)
    planned(root)
    info = api.migrate(root, sample=2)
    assert info.kind == "sample" and info.reconcile is not None and info.reconcile.ok, info.asdict()
    ledger = ledger_of(root)
    try:
        invoices = ledger.id_map("invoice")
        lines = ledger.records("invoice_line")
        quarantined = [(r.object, r.source_id, r.reason) for r in ledger.records(states=["quarantined"])
                       if r.object in ("invoice", "invoice_line", "payment")]
        payments = ledger.id_map("payment")
    finally:
        ledger.close()
    assert invoices, "the sample has invoices"
    assert not quarantined, quarantined
    transactions = account.records[46]
    line_moves = {r["move_id"][0] for r in odoo.read("account.move.line", [r.odoo_id for r in lines if r.odoo_id],
                                                      ["move_id"])}
    assert line_moves == set(invoices.values()), "every sampled invoice has its lines, and no line is alone"
    moves = {r["id"]: r for r in odoo.read("account.move", list(invoices.values()), ["amount_total"])}
    for sid, oid in invoices.items():
        assert Decimal(str(moves[oid]["amount_total"])) == Decimal(transactions[int(sid)]["total"]).quantize(
            Decimal("0.01")), f"invoice {sid}: total"
    paid = {sid for sid in invoices if transactions[int(sid)]["status"] in ("1", "2", "3")}
    assert set(payments) == paid, "every sampled invoice paid in the source is paid in Odoo"


def test_sample_brings_every_line_of_its_orders_and_every_column_of_its_boards(
        tmp_path: Path, odoo: OdooClient, odoo_settings: OdooSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "pp"
    api.init_project(root, "planports-xlsx")
    dataset = generate_workbook(root / "export.xlsx", seed=4, language="en")
    write_config(root, '[source]\nkind = "planports-xlsx"\npath = "export.xlsx"\n', odoo_settings, monkeypatch,
                 extra='default_country = "TR"\nsource_timezone = "Europe/Istanbul"\n')
    planned(root)
    info = api.migrate(root, sample=2)
    assert info.kind == "sample" and info.reconcile is not None and info.reconcile.adds_up, info.asdict()
    truth = dataset.records
    ledger = ledger_of(root)
    try:
        landed = {obj: ledger.id_map(obj) for obj in ("quote", "quote_line", "order", "order_line", "board",
                                                       "board_column", "card")}
    finally:
        ledger.close()
    for whole, part in (("quote", "quote_line"), ("order", "order_line"), ("board", "board_column")):
        assert landed[whole], f"the sample has {whole}s"
        for sid in landed[whole]:
            expected = {lid for lid, line in truth[part].items() if line[whole] == sid}
            assert expected <= set(landed[part]), f"{whole} {sid}: only {set(landed[part]) & expected} of {expected}"
    sums: dict[int, Decimal] = {}
    for line in odoo.search_read("sale.order.line", [["order_id", "in", list(landed["order"].values())]],
                                 ["order_id", "product_uom_qty", "price_unit"]):
        amount = Decimal(str(line["product_uom_qty"])) * Decimal(str(line["price_unit"]))
        sums[line["order_id"][0]] = sums.get(line["order_id"][0], Decimal(0)) + amount
    for sid, oid in landed["order"].items():
        assert sums.get(oid, Decimal(0)).quantize(Decimal("0.01")) == truth["order"][sid]["amount_total"], \
            f"order {sid}: its lines add up to its total"
    columns = {r["id"]: r["project_ids"] for r in odoo.read("project.task.type",
                                                            list(landed["board_column"].values()), ["project_ids"])}
    boards = set(landed["board"].values())
    assert all(set(projects) & boards for projects in columns.values())
    assert len(landed["card"]) < len(truth["card"]), "still a sample"


def test_csv_delta_catches_a_row_changed_without_a_new_date_modified_and_ignores_unmapped_columns(
        tmp_path: Path, odoo: OdooClient, odoo_settings: OdooSettings, account: OntraportAccount,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "csv"
    api.init_project(root, "ontraport-csv")
    write_csv_exports(account, root / "exports")
    write_config(root, '[source]\nkind = "ontraport-csv"\npath = "exports/"\n', odoo_settings, monkeypatch)
    planned(root)
    spec = api.load_spec(root / "mapping.yaml")
    assert any(line.sources == ["unique_id"] and line.ignore for line in spec.objects["contact"].fields), \
        "Unique ID is a column the map leaves out"
    first = api.migrate(root)
    assert first.state == "done"
    contacts = account.records[0]
    later = str(max(int(c["dlm"]) for c in contacts.values()) + 86400)  # after the cursor
    contacts[1]["city"] = "Basel"  # edited, and the export's Date Modified did not move
    contacts[2]["unique_id"], contacts[2]["dlm"] = "U-CHANGED-2", later
    contacts[3]["unique_id"] = "U-CHANGED-3"  # an unmapped column, same date
    contacts[4]["city"], contacts[4]["dlm"] = "Bern", later  # an ordinary change
    write_csv_exports(account, root / "exports")

    info = api.migrate(root, delta=True)
    result = next(o for o in info.objects if o.name == "contact")
    assert result.updated == 2, result.asdict()
    assert result.changed_undated == 1, result.asdict()
    ids = odoo_ids(root, "contact")
    cities = {r["id"]: r["city"] for r in odoo.read("res.partner", [ids["1"], ids["4"]], ["city"])}
    assert cities == {ids["1"]: "Basel", ids["4"]: "Bern"}
    assert all(o.changed_undated == 0 for o in info.objects if o.name != "contact")
    ledger = ledger_of(root)
    try:
        warnings = [(i["object"], i["source_id"]) for i in ledger.issues(run_id=info.run_id, kinds=["warning"])
                    if "changed without a new modified date" in i["reason"]]
    finally:
        ledger.close()
    assert warnings == [("contact", "1")]
    report = info.report.read_text(encoding="utf-8").lower()
    assert "changed without a new modified date" in report and "| contact | 1 | 1 |" in report

    again = api.migrate(root, delta=True)
    assert all(o.created == o.updated == o.changed_undated == 0 for o in again.objects), \
        [o.asdict() for o in again.objects]


def odoo_ids(root: Path, obj: str) -> dict[str, int]:
    ledger = ledger_of(root)
    try:
        return ledger.id_map(obj)
    finally:
        ledger.close()


def test_delta_over_an_api_asks_for_changes_since_and_over_files_reads_all(
        odoo: OdooClient, tmp_path: Path, tag: str, cleanup: Any) -> None:
    """The same edit without a new modified date: a source that reads cheaply (files) finds it by content; an API
    source is asked only for what changed since the cursor, and does not see it (the README says so)."""
    ledger = Ledger(tmp_path / "l.sqlite")
    spec = make_spec(tag)
    data = stamped(tag)
    run(odoo, ledger, spec, data)
    _track(cleanup, ledger, odoo, tag)
    ayse = next(r for r in data["contact"] if r.id == "11")
    ayse.values["city"] = "Ankara"  # its modified date, a day before the newest, stays as it was

    def delta(files: bool) -> ObjectResult:
        run_id = ledger.start_run("delta", mapping_hash=spec.content_hash(), options={})
        source = MemorySource(Catalog("memory", ()), data, full_read_is_cheap=files)
        loader = Loader(client=odoo, schema=Schema(odoo), ledger=ledger, spec=spec, engine=Engine(spec),
                        source=source, run_id=run_id, batch_size=2, workers=1, delta=True)
        results = {r.name: r for r in loader.run()}
        ledger.finish_run(run_id, "done")
        return results["contact"]

    over_api = delta(files=False)
    assert (over_api.updated, over_api.changed_undated) == (0, 0), "not asked for, not seen"
    assert over_api.read < len(data["contact"])
    from_files = delta(files=True)
    assert (from_files.updated, from_files.changed_undated, from_files.changed_undated_ids) == (1, 1, ["11"])
    assert from_files.read == len(data["contact"]), "files are read whole"
    assert odoo.read("res.partner", [ledger.id_map("contact")["11"]], ["city"])[0]["city"] == "Ankara"
    warnings = [i["source_id"] for i in ledger.issues(kinds=["warning"])
                if i["reason"].startswith("changed without a new modified date")]
    assert warnings == ["11"]
    ledger.close()
