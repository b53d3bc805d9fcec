"""Sample and delta completeness: a sample brings the children its parents need to be whole (an invoice with
every line, an order with every line, a board with every column), and a delta on export files catches a row whose
content changed although its modified date did not move."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from crm2odoo import api
from crm2odoo.ledger.db import Ledger
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.testing.ontraport_sim import OntraportAccount, OntraportSimulator, generate_account
from crm2odoo.testing.planports_workbook import generate_workbook

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
    assert info.kind == "sample" and info.reconcile is not None and info.reconcile.ok, info.asdict()
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
