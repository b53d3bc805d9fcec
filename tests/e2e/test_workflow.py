"""The workflow through the library API: init -> discover -> plan -> approve -> migrate, and the approval gate."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from crm2odoo import api
from crm2odoo.errors import ApprovalRequired, ConfigError
from crm2odoo.mapping.spec import load_spec, save_spec
from crm2odoo.odoo.client import OdooSettings
from crm2odoo.testing.ontraport_sim import generate_account, write_csv_exports


@pytest.fixture
def project(tmp_path: Path, odoo_settings: OdooSettings, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "acme"
    api.init_project(root, "ontraport-csv")
    write_csv_exports(generate_account(seed=3, contacts=30, companies=6, deals=10), root / "exports")
    secret = odoo_settings.secret.reveal()
    monkeypatch.setenv("TEST_ODOO_SECRET", secret)
    key = "api_key" if odoo_settings.api_key else "password"
    (root / "crm2odoo.toml").write_text(
        f'[source]\nkind = "ontraport-csv"\npath = "exports/"\n\n[odoo]\nurl = "{odoo_settings.url}"\n'
        f'database = "{odoo_settings.database}"\nlogin = "{odoo_settings.login}"\n{key} = "${{TEST_ODOO_SECRET}}"\n'
        f'\n[migration]\nfallback_owner = "admin"\nbatch_size = 25\nnamespace = "{uuid.uuid4().hex[:10]}"\n',
        encoding="utf-8")
    return root


def test_nothing_moves_before_approval_and_edits_need_a_new_one(project: Path) -> None:
    api.discover(project)
    plan = api.plan(project)
    assert plan.path.exists() and plan.review
    with pytest.raises(ApprovalRequired) as unapproved:
        api.migrate(project, sample=3)
    assert "not been approved" in str(unapproved.value)
    with pytest.raises(ApprovalRequired):
        api.validate(project)

    declined = api.approve(project, confirm=lambda changes: False, login="ada")
    assert not declined.approved
    seen: list[list[str]] = []
    approved = api.approve(project, confirm=lambda changes: seen.append(changes) or True, login="ada")
    assert approved.approved and approved.login == "ada"
    assert api.status(project).approval == "approved"

    spec = load_spec(plan.path)
    line = next(f for f in spec.objects["contact"].fields if not f.ignore)
    line.reason = "a person looked at this"  # review notes do not change what the map does
    save_spec(spec, plan.path)
    assert api.status(project).approval == "approved"
    line.ignore = True
    line.status = "edited"
    save_spec(spec, plan.path)
    assert api.status(project).approval == "edited"
    with pytest.raises(ApprovalRequired) as edited:
        api.migrate(project, sample=3)
    assert "edited after it was approved by ada" in str(edited.value)

    again: list[list[str]] = []
    assert api.approve(project, confirm=lambda changes: again.append(changes) or True, login="bob").approved
    changed = [c for c in again[0] if c.startswith("~ contact:")]
    assert len(changed) == 1 and line.key() in changed[0] and "ignore" in changed[0], again[0]
    info = api.migrate(project, sample=3)
    assert info.state == "done" and info.kind == "sample"
    # against a persistent real Odoo the same external IDs may exist from an earlier run: updated, never duplicated
    assert sum(o.created + o.updated + o.unchanged + o.matched for o in info.objects) > 0


def test_config_errors_are_reported_before_any_connection(tmp_path: Path) -> None:
    root = tmp_path / "p"
    api.init_project(root, "ontraport")
    with pytest.raises(ConfigError) as info:
        api.discover(root)
    assert "ONTRAPORT_API_KEY" in str(info.value)
