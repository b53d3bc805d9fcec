"""The product's real workflow through crm2odoo.api, as a new user runs it: discover -> plan -> approve (the proposal
accepted unchanged) -> validate -> migrate -> reconcile -> migrate again. Each step's result or error is kept so
every test can say where the chain broke."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient, OdooSettings
from tests.independent.checks import LANDED, Row, ledger_rows
from tests.independent.truth import Owner, Truth, fold

STEPS = ("discover", "plan", "approve", "validate", "migrate", "reconcile", "migrate again")


@dataclass
class Outcome:
    root: Path
    truth: Truth
    results: dict[str, Any] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # step -> what went wrong
    rows: list[Row] = field(default_factory=list)  # the ledger after the first migrate
    counts_before_again: dict[str, int] = field(default_factory=dict)
    counts_after_again: dict[str, int] = field(default_factory=dict)

    def reached(self, step: str) -> Any:
        """The step's result; raises AssertionError naming the first step that broke the chain."""
        if step in self.results:
            return self.results[step]
        broken = next((s for s in STEPS if s in self.failed), None)
        raise AssertionError(f"the workflow stopped at {broken}: {self.failed.get(broken or '', '?')}")


def write_config(root: Path, source_table: str, settings: OdooSettings, namespace: str) -> None:
    """crm2odoo.toml with every secret read from the environment (as a user would write it)."""
    secret_key = "api_key" if settings.api_key else "password"
    os.environ["IND_ODOO_SECRET"] = settings.secret.reveal()
    root.mkdir(parents=True, exist_ok=True)
    (root / "crm2odoo.toml").write_text(
        f'{source_table}\n[odoo]\nurl = "{settings.url}"\ndatabase = "{settings.database}"\n'
        f'login = "{settings.login}"\n{secret_key} = "${{IND_ODOO_SECRET}}"\n\n'
        f'[migration]\nnamespace = "{namespace}"\nbatch_size = 50\n', encoding="utf-8")


def namespace(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ensure_owners(client: OdooClient, owners: list[Owner], suffix: str) -> dict[str, int]:
    """An Odoo user per owner, by exactly the owner's name (reused when one exists, so a real database can be
    reused); the login is the owner's e-mail when the source has one."""
    existing = client.search_read("res.users", [], ["name", "login"], context={"active_test": False})
    out: dict[str, int] = {}
    for owner in owners:
        same = [u for u in existing if fold(str(u["name"])) == fold(owner.name)]
        if owner.email:
            same = [u for u in same if u["login"] == owner.email] or same
        if same:
            out[owner.name] = int(same[0]["id"])
            continue
        login = owner.email or f"{fold(owner.name).replace(' ', '.')}.{suffix}"
        out[owner.name] = client.create("res.users", [{"name": owner.name, "login": login}])[0]
    return out


def _model_counts(client: OdooClient, rows: list[Row]) -> dict[str, int]:
    models = sorted({r.model for r in rows if r.state in LANDED and r.model != "res.users"})
    return {m: client.search_count(m, [], context={"active_test": False}) for m in models}


def run(root: Path, truth: Truth, client: OdooClient) -> Outcome:
    outcome = Outcome(root, truth)

    def step(name: str, call: Any) -> bool:
        try:
            outcome.results[name] = call()
            return True
        except Exception as exc:  # noqa: BLE001 - the test reports whatever stopped the user
            outcome.failed[name] = f"{type(exc).__name__}: {exc}"
            return False

    if not (step("discover", lambda: api.discover(root)) and step("plan", lambda: api.plan(root))
            and step("approve", lambda: api.approve(root, confirm=lambda changes: True, login="independent"))):
        return outcome
    step("validate", lambda: api.validate(root))
    if not step("migrate", lambda: api.migrate(root)):
        return outcome
    outcome.rows = ledger_rows(root)
    step("reconcile", lambda: api.reconcile(root))
    outcome.counts_before_again = _model_counts(client, outcome.rows)
    step("migrate again", lambda: api.migrate(root))
    outcome.counts_after_again = _model_counts(client, outcome.rows)
    return outcome


def verdict_lines(info: Any) -> str:
    """What migrate said, for an assertion message."""
    data = info.asdict() if hasattr(info, "asdict") else {}
    objects = ", ".join(f"{o['name']}: read {o.get('read')} created {o.get('created')} quarantined "
                        f"{o.get('quarantined')} skipped {o.get('skipped')}{' BLOCKED ' + o['blocked'] if o.get('blocked') else ''}"
                        for o in data.get("objects", []))
    return f"state={data.get('state')} verdict={data.get('verdict')} objects=[{objects}]"
