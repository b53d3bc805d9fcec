"""Automation rules end to end: the Ontraport simulator's rules (in the documented syntax) through discover, plan,
approve and migrate; the inventory's rebuild guide with references resolved to the migrated records' ids; drafts
created inactive in Odoo (each accepted by Odoo's create), a second run changing nothing, an admin-changed or
activated draft left alone, rollback removing them; and without the automation module, the error says how to
install it and nothing is installed.

Runs against the sandbox (started with base_automation), or a real Odoo through CRM2ODOO_TEST_ODOO_* (see
tests/conftest.py; the database needs base_automation installed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm2odoo import api
from crm2odoo.automations.drafts import AutomationModuleMissing, DraftWriter, require_module
from crm2odoo.automations.syntax import parse_rule
from crm2odoo.automations.translate import translate
from crm2odoo.cli import main
from crm2odoo.ledger.db import Ledger
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import OntraportSimulator

from .world import API_KEY, APP_ID, ontraport_source, prepare, small_account


@pytest.fixture(scope="module")
def settings(request: pytest.FixtureRequest) -> Iterator[OdooSettings]:
    """A real Odoo from the environment, else a sandbox with the automation module installed."""
    if os.environ.get("CRM2ODOO_TEST_ODOO_URL"):
        yield request.getfixturevalue("odoo_settings")
        return
    with SandboxServer(version=os.environ.get("CRM2ODOO_TEST_SANDBOX_VERSION", "18.0"),
                       modules=("base_automation",)) as server:
        yield OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                           password=Secret(server.admin_password),
                           api_key=Secret(server.admin_api_key) if server.version >= "19" else None)


@pytest.fixture(scope="module")
def client(settings: OdooSettings) -> Iterator[OdooClient]:
    odoo = OdooClient(settings)
    yield odoo
    odoo.close()


@pytest.fixture(scope="module")
def project(settings: OdooSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated project: the small account in Odoo, its rules read."""
    root = tmp_path_factory.mktemp("automations")
    secret = settings.api_key or settings.password
    assert secret is not None
    with OntraportSimulator(small_account(seed=19), app_id=APP_ID, api_key=API_KEY, rate_limit=100000,
                            rate_window_seconds=1.0) as sim, pytest.MonkeyPatch.context() as env:
        env.setenv("FT_OP_APP", APP_ID)
        env.setenv("FT_OP_KEY", API_KEY)
        env.setenv("FT_ODOO_SECRET", secret.reveal())
        credential = "api_key" if settings.api_key else "password"
        (root / "crm2odoo.toml").write_text(
            f'{ontraport_source(sim.url)}\n[odoo]\nurl = "{settings.url}"\ndatabase = "{settings.database}"\n'
            f'login = "{settings.login}"\n{credential} = "${{FT_ODOO_SECRET}}"\n\n'
            f'[migration]\nfallback_owner = "{settings.login}"\nbatch_size = 25\n', encoding="utf-8")
        prepare(root)
        api.migrate(root)
        yield root


def _drafts(client: OdooClient, ids: list[int]) -> dict[int, dict[str, object]]:
    rows = client.read("base.automation", ids, ["name", "active", "trigger", "description", "action_server_ids",
                                                "model_id", "filter_domain"], context={"active_test": False})
    return {int(r["id"]): r for r in rows}


def test_inventory_guide_resolves_rules_to_migrated_ids(project: Path, client: OdooClient) -> None:
    api.inventory(project)
    data = json.loads((project / "reports" / "inventory.json").read_text(encoding="utf-8"))
    guide = data["rebuild_guide"]
    by_id = {r["rule_id"]: r for r in guide["rules"]}
    assert guide["summary"] == {"full": 1, "partial": 1, "none": 2, "total": 4}
    prospect = client.search_read("ir.model.data", [["module", "=", "crm2odoo"], ["name", "=", "ontraport_tag_2"]],
                                  ["res_id"])
    assert by_id["1"]["actions"][0]["resource_ref"] == f"res.partner.category,{prospect[0]['res_id']}"
    assert by_id["4"]["problems"] and by_id["4"]["source"]["events"] == "Contact is added to the database"
    text = (project / "reports" / "inventory.md").read_text(encoding="utf-8")
    assert "## Automation rules: rebuild guide" in text and "Marketing Automation" in text


def test_drafts_inactive_idempotent_left_alone_when_touched_and_rolled_back(project: Path,
                                                                             client: OdooClient) -> None:
    printed = CliRunner().invoke(main, ["automations", "--project", str(project)])
    assert printed.exit_code == 0, printed.output
    assert "rule 3 VIP follow-up: partly translatable" in printed.output and "plan only" in printed.output
    plan = api.automations(project)
    assert plan.drafts == [] and plan.run_id is None
    assert not client.search_read("ir.model.data", [["module", "=", "crm2odoo"], ["model", "=", "base.automation"]],
                                  ["id"])

    first = api.automations(project, draft=True)
    fates = {d.rule_id: d.fate for d in first.drafts}
    assert fates == {"1": "created", "2": "not_translatable", "3": "created", "4": "not_translatable"}
    ids = {d.rule_id: int(d.odoo_id or 0) for d in first.drafts if d.odoo_id}
    drafts = _drafts(client, list(ids.values()))
    assert set(drafts) == set(ids.values())  # each accepted by Odoo's create and readable back
    for rule_id, odoo_id in ids.items():
        draft = drafts[odoo_id]
        assert draft["active"] is False and str(draft["name"]).startswith(f"[Ontraport rule {rule_id}]")
        assert "Drafted by crm2odoo from Ontraport rule" in str(draft["description"]) and draft["action_server_ids"]
    assert drafts[ids["3"]]["trigger"] == "on_create_or_write" and drafts[ids["1"]]["trigger"] == "on_create"
    xmlids = client.search_read("ir.model.data", [["module", "=", "crm2odoo"], ["model", "=", "base.automation"]],
                                ["name", "res_id"])
    assert {x["name"]: int(x["res_id"]) for x in xmlids} == {f"ontraport_automation_rule_{r}": i
                                                            for r, i in ids.items()}

    second = api.automations(project, draft=True)
    assert {d.rule_id: d.fate for d in second.drafts if d.odoo_id} == {"1": "unchanged", "3": "unchanged"}
    assert _drafts(client, list(ids.values())) == drafts

    client.write("base.automation", [ids["1"]], {"name": "Tag new leads (reviewed)"})
    client.write("base.automation", [ids["3"]], {"active": True})
    third = api.automations(project, draft=True)
    assert {d.rule_id: d.fate for d in third.drafts if d.odoo_id} == {"1": "kept_changed", "3": "kept_active"}
    assert _drafts(client, [ids["1"]])[ids["1"]]["name"] == "Tag new leads (reviewed)"

    # rollback, newest run first: the drafts the admin changed or switched on stay until --force
    for run_id in (third.run_id, second.run_id, first.run_id):
        assert run_id is not None
        api.rollback(project, run_id=run_id)
    left = client.search_read("base.automation", [["id", "in", list(ids.values())]], ["id"],
                              context={"active_test": False})
    assert {int(r["id"]) for r in left} == {ids["1"], ids["3"]}
    api.rollback(project, run_id=first.run_id, force=True)
    assert not client.search_read("base.automation", [["id", "in", list(ids.values())]], ["id"],
                                  context={"active_test": False})
    assert not client.search_read("ir.actions.server", [["base_automation_id", "in", list(ids.values())]], ["id"])

    # untouched drafts go without --force
    fresh = api.automations(project, draft=True)
    assert fresh.run_id is not None and {d.fate for d in fresh.drafts if d.odoo_id} == {"created"}
    api.rollback(project, run_id=fresh.run_id)
    assert not client.search_read("ir.model.data", [["module", "=", "crm2odoo"], ["model", "=", "base.automation"]],
                                  ["id"])


def test_without_the_automation_module_it_says_how_to_install_and_installs_nothing(tmp_path: Path) -> None:
    with SandboxServer(version="18.0") as server:
        odoo = OdooClient(OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                                       password=Secret(server.admin_password)))
        proposal = translate(parse_rule({"id": "1", "name": "x", "events": "Contact_added_to_my_database()",
                                         "actions": "Send_contact_a_task(1)"}))
        ledger = Ledger(tmp_path / "ledger.sqlite")
        with pytest.raises(AutomationModuleMissing) as refused:
            DraftWriter(odoo, ledger, ledger.start_run("automations", mapping_hash=None, options={}), "ontraport"
                        ).write([proposal])
        assert "not installed" in str(refused.value) and "Automation Rules" in refused.value.hint
        with pytest.raises(AutomationModuleMissing):
            require_module(odoo)  # still not installed: the tool did not install it
        assert ledger.get("automation_rule", "1") is None
        ledger.close()
        odoo.close()


def test_a_draft_opens_in_odoos_web_client(project: Path, settings: OdooSettings, client: OdooClient,
                                           tmp_path: Path) -> None:
    """Real Odoo only (the sandbox has no web client): each draft's form renders, without an error dialog."""
    from .webclient import WebClient, browser_missing

    if not os.environ.get("CRM2ODOO_TEST_ODOO_URL") or browser_missing():
        pytest.skip(browser_missing() or "needs a real Odoo (CRM2ODOO_TEST_ODOO_URL)")
    run = api.automations(project, draft=True)
    ids = [int(d.odoo_id) for d in run.drafts if d.fate == "created" and d.odoo_id]
    assert ids
    secret = settings.password or settings.api_key
    assert secret is not None
    web = WebClient(settings.url, settings.database, settings.login, secret.reveal(), tmp_path / "web")
    try:
        for odoo_id in ids:
            web.open_record("base.automation", odoo_id)
            web.screenshot(f"draft-{odoo_id}")
            assert not web._count(".o_error_dialog, .o_dialog .modal-body .o_error_detail")
            assert "[Ontraport rule" in web.driver.page_source
    finally:
        web.close()
        assert run.run_id is not None
        api.rollback(project, run_id=run.run_id)
    assert not client.search_read("base.automation", [["id", "in", ids]], ["id"], context={"active_test": False})
