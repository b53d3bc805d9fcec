"""What a pipeline view shows and what "lost" means, as the stage layout relies on it (load/stages.py).

crm's pipeline view of a team lists that team's stages and every stage of no team (crm_lead.py
``_read_group_stage_ids``); a lead archived at 0 % is lost. Run against the sandbox a failure is a sandbox bug, run
against a real Odoo a wrong assumption.
"""

from __future__ import annotations

from typing import Any

from crm2odoo.load.resolve import quiet_context
from crm2odoo.odoo import versions
from crm2odoo.odoo.client import OdooClient

CTX = quiet_context()


def _team_field(odoo: OdooClient) -> str:
    return versions.stage_team_field_of(odoo.fields_get("crm.stage", ["type"]))


def _view(odoo: OdooClient, team: int) -> set[int]:
    field = _team_field(odoo)
    mine: list[Any] = [field, "in", [team]] if field == "team_ids" else [field, "=", team]
    return {int(r["id"]) for r in odoo.search_read("crm.stage", ["|", [field, "=", False], mine], ["id"])}


def test_a_stage_of_a_team_shows_in_that_teams_pipeline_only(odoo: OdooClient, tag: str) -> None:
    field = _team_field(odoo)
    first, second = odoo.create("crm.team", [{"name": f"A {tag}"}, {"name": f"B {tag}"}], context=CTX)
    own: Any = [(6, 0, [first])] if field == "team_ids" else first
    stages = odoo.create("crm.stage", [{"name": f"Own {tag}", field: own}, {"name": f"Shared {tag}"}], context=CTX)
    try:
        assert set(stages) <= _view(odoo, first)
        assert stages[0] not in _view(odoo, second) and stages[1] in _view(odoo, second)
    finally:
        odoo.unlink("crm.stage", stages, context=CTX)
        odoo.unlink("crm.team", [first, second], context=CTX)


def test_a_lead_archived_at_zero_is_lost(odoo: OdooClient, tag: str) -> None:
    lead = odoo.create("crm.lead", [{"name": f"Lost {tag}", "type": "opportunity", "active": False,
                                     "probability": 0}], context=CTX)[0]
    try:
        row = odoo.read("crm.lead", [lead], ["active", "probability"], context={"active_test": False})[0]
        assert row["active"] is False and row["probability"] == 0
        if "won_status" in odoo.fields_get("crm.lead", ["type"]):
            status = odoo.read("crm.lead", [lead], ["won_status"], context={"active_test": False})[0]
            assert status["won_status"] == "lost"
    finally:
        odoo.unlink("crm.lead", [lead], context=CTX)
