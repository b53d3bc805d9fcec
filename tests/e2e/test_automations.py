"""Automation rules end to end: the Ontraport simulator's rules (in the documented syntax) through discover, plan,
approve and migrate, then the inventory's rebuild guide with references resolved to the migrated records' ids.

Runs against the sandbox, or a real Odoo through CRM2ODOO_TEST_ODOO_* (tests/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.testing.ontraport_sim import OntraportSimulator

from .world import API_KEY, APP_ID, ontraport_source, prepare, small_account


@pytest.fixture(scope="module")
def project(odoo_settings: OdooSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A migrated project: the small account in Odoo, its rules read."""
    root = tmp_path_factory.mktemp("automations")
    secret = odoo_settings.api_key or odoo_settings.password
    assert secret is not None
    with OntraportSimulator(small_account(seed=19), app_id=APP_ID, api_key=API_KEY, rate_limit=100000,
                            rate_window_seconds=1.0) as sim, pytest.MonkeyPatch.context() as env:
        env.setenv("FT_OP_APP", APP_ID)
        env.setenv("FT_OP_KEY", API_KEY)
        env.setenv("FT_ODOO_SECRET", secret.reveal())
        credential = "api_key" if odoo_settings.api_key else "password"
        (root / "crm2odoo.toml").write_text(
            f'{ontraport_source(sim.url)}\n[odoo]\nurl = "{odoo_settings.url}"\ndatabase = "{odoo_settings.database}"\n'
            f'login = "{odoo_settings.login}"\n{credential} = "${{FT_ODOO_SECRET}}"\n\n'
            f'[migration]\nfallback_owner = "{odoo_settings.login}"\nbatch_size = 25\n', encoding="utf-8")
        prepare(root)
        api.migrate(root)
        yield root


def test_inventory_guide_resolves_rules_to_migrated_ids(project: Path, odoo: OdooClient) -> None:
    api.inventory(project)
    data = json.loads((project / "reports" / "inventory.json").read_text(encoding="utf-8"))
    guide = data["rebuild_guide"]
    by_id = {r["rule_id"]: r for r in guide["rules"]}
    assert guide["summary"] == {"full": 1, "partial": 1, "none": 2, "total": 4}
    prospect = odoo.search_read("ir.model.data", [["module", "=", "crm2odoo"], ["model", "=", "res.partner.category"],
                                                  ["name", "=", "ontraport_tag_2"]], ["res_id"])
    assert by_id["1"]["actions"][0]["resource_ref"] == f"res.partner.category,{prospect[0]['res_id']}"
    assert by_id["4"]["problems"] and by_id["4"]["source"]["events"] == "Contact is added to the database"
    text = (project / "reports" / "inventory.md").read_text(encoding="utf-8")
    assert "## Automation rules: rebuild guide" in text and "Marketing Automation" in text
