"""The sandbox with base_automation refuses what Odoo refuses when an automation rule or its actions are created
(base_automation.py, ir_actions_server.py, mail's ir_actions_server.py, base's ir_actions.py), and has no
automation models when the module is not installed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crm2odoo.errors import OdooError
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import SandboxServer


def _client(server: SandboxServer) -> OdooClient:
    return OdooClient(OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                                   password=Secret(server.admin_password),
                                   api_key=Secret(server.admin_api_key) if server.version >= "19" else None))


@pytest.fixture(scope="module", params=["18.0", "19.0"])
def odoo(request: pytest.FixtureRequest) -> Iterator[OdooClient]:
    with SandboxServer(version=request.param, modules=("base_automation",)) as server:
        client = _client(server)
        yield client
        client.close()


def _model(odoo: OdooClient, name: str) -> int:
    return int(odoo.search_read("ir.model", [["model", "=", name]], ["id"])[0]["id"])


def _rule(odoo: OdooClient, model: str = "res.partner", **extra: Any) -> dict[str, Any]:
    return {"name": "r", "model_id": _model(odoo, model), "trigger": "on_create", "active": False, **extra}


def _action(odoo: OdooClient, model: str = "res.partner", **extra: Any) -> list[Any]:
    return [0, 0, {"name": "a", "model_id": _model(odoo, model), "usage": "base_automation", **extra}]


def test_a_valid_draft_is_created_with_its_actions(odoo: OdooClient) -> None:
    [rid] = odoo.create("base.automation", [_rule(odoo, action_server_ids=[
        _action(odoo, state="object_write", update_path="comment", value="x"),
        _action(odoo, state="next_activity", activity_summary="call")])])
    row = odoo.read("base.automation", [rid], ["active", "action_server_ids"], context={"active_test": False})[0]
    assert row["active"] is False and len(row["action_server_ids"]) == 2
    odoo.unlink("base.automation", [rid])
    assert not odoo.search_read("ir.actions.server", [["base_automation_id", "=", rid]], ["id"])


@pytest.mark.parametrize(("rule", "action", "said"), [
    ({"trigger": "on_tag_set"}, None, "mandatory field"),  # res.partner has no tag_ids: Odoo leaves no trigger
    ({}, {"model": "crm.lead", "state": "object_write", "update_path": "name"}, "should match"),
    ({}, {"state": "object_write", "update_path": "no_such_field"}, "no_such_field"),
    ({}, {"state": "object_write", "update_path": "name.id"}, "non-relational"),
    ({}, {"state": "next_activity", "model": "res.partner.category"}, "use activities"),
    ({"trigger": "on_unlink"}, {"state": "next_activity"}, "deleting records"),
    ({}, {"state": "next_activity", "activity_date_deadline_range": -1}, "can't be negative"),
])
def test_what_odoo_refuses_the_sandbox_refuses(odoo: OdooClient, rule: dict[str, Any],
                                               action: dict[str, Any] | None, said: str) -> None:
    action = dict(action) if action else None  # the parameters are shared between the versions
    model = action.pop("model", "res.partner") if action else "res.partner"
    rule_model = "res.partner.category" if model == "res.partner.category" else "res.partner"
    actions = [_action(odoo, model, **action)] if action else []
    with pytest.raises(OdooError) as refused:
        odoo.create("base.automation", [_rule(odoo, rule_model, **rule, action_server_ids=actions)])
    assert said in str(refused.value)


def test_a_negative_delay_is_refused_on_19_only(odoo: OdooClient) -> None:
    date_field = odoo.search_read("ir.model.fields", [["model", "=", "res.partner"], ["name", "=", "create_date"]],
                                  ["id"])[0]["id"]
    vals = _rule(odoo, trigger="on_time", trg_date_id=date_field, trigger_field_ids=[[6, 0, [date_field]]],
                 trg_date_range=-2, trg_date_range_type="day")
    if odoo.server.major >= 19:
        with pytest.raises(OdooError, match="Delay must be positive"):
            odoo.create("base.automation", [vals])
    else:
        odoo.unlink("base.automation", odoo.create("base.automation", [vals]))


def test_without_the_module_there_is_no_automation_model() -> None:
    with SandboxServer(version="18.0") as server:
        odoo = _client(server)
        assert odoo.search_read("ir.module.module", [["name", "=", "base_automation"]], ["state"])[0]["state"] == \
            "uninstalled"
        assert not odoo.search_read("ir.model", [["model", "=", "base.automation"]], ["id"])
        odoo.close()
