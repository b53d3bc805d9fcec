"""A deal in its pipeline's won stage is won: probability 100, whatever the source's own estimate said.

Odoo 19 refuses anything else ("A lead in a Won stage cannot be lost", crm_lead.py _check_won_validity); the export
here keeps a 25 % estimate on deals that sit in "Closed - Won", as a salesperson who never updated it would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crm2odoo import api
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import OntraportSimulator, generate_account

from .world import API_KEY, APP_ID, admin, ledger_rows, ontraport_source, prepare, write_config

WON = "6"


def test_a_deal_in_a_won_stage_lands_won_on_odoo_19(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    account = generate_account(seed=31, contacts=12, companies=3, deals=10, notes_per_contact=0, transactions=0,
                               products=0, properties=0)
    deals = account.records[149]
    stale = [did for did, row in deals.items() if row["sales_stage"] == WON] or [next(iter(deals))]
    for did in stale:
        deals[did].update(sales_stage=WON, expected_win_percent="25")
    with SandboxServer(version="19.0") as odoo, \
            OntraportSimulator(account, app_id=APP_ID, api_key=API_KEY, rate_limit=100_000) as source:
        write_config(tmp_path, ontraport_source(source.url), odoo, monkeypatch)
        prepare(tmp_path)
        info = api.migrate(tmp_path)
        assert info.ok, info.shortfall.lines(info.tolerance)
        landed = {r["source_id"]: int(r["odoo_id"]) for r in ledger_rows(tmp_path) if r["object"] == "deal"}
        client = admin(odoo)
        try:
            leads = client.read("crm.lead", [landed[str(d)] for d in stale], ["probability", "stage_id", "active"])
            won = {int(s["id"]) for s in client.search_read("crm.stage", [["is_won", "=", True]], ["id"])}
        finally:
            client.close()
    assert leads and all(r["stage_id"][0] in won and r["probability"] == 100 and r["active"] for r in leads), leads
