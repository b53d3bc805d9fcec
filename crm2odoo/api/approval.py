"""`approve`: nothing loads before a person confirms the field map; every writing command checks it."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from crm2odoo.errors import ApprovalRequired, ProjectError
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.order import spec_order
from crm2odoo.lock import project_lock
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import MappingSpec, dump_spec, load_spec, spec_from_data
from crm2odoo.project import Project
from crm2odoo.validate.approvable import refuse_unrunnable


@dataclass
class ApproveInfo:
    approved: bool
    changes: list[str]
    mapping_hash: str
    login: str


def approval_state(ledger: Ledger, spec: MappingSpec) -> tuple[str, Any]:
    """('approved' | 'unapproved' | 'edited', last approval row)."""
    last = ledger.last_approval()
    if last is None:
        return "unapproved", None
    return ("approved" if last["mapping_hash"] == spec.content_hash() else "edited"), last


def require_approval(ledger: Ledger, spec: MappingSpec) -> None:
    state, last = approval_state(ledger, spec)
    if state == "unapproved":
        raise ApprovalRequired("the field map has not been approved; no record moves before a person confirms it",
                               hint="review mapping.yaml (or the `crm2odoo plan` review), then run `crm2odoo approve`")
    if state == "edited":
        raise ApprovalRequired(
            f"mapping.yaml was edited after it was approved by {last['login']} at {last['approved_at']} UTC",
            hint="run `crm2odoo approve` to review the changes and approve them",
        )


def approve(root: Path, *, confirm: Callable[[list[str]], bool], login: str | None = None) -> ApproveInfo:
    project = Project(root)
    project.ensure()
    with project_lock(project.state_dir, "approve"):
        return _approve(project, confirm=confirm, login=login)


def _approve(project: Project, *, confirm: Callable[[list[str]], bool], login: str | None) -> ApproveInfo:
    from crm2odoo.mapping.review import diff_specs

    ledger = Ledger(project.ledger_path)
    try:
        if not project.mapping_path.exists():
            raise ProjectError("there is no mapping.yaml to approve", hint="run `crm2odoo plan` first")
        spec = load_spec(project.mapping_path)
        Engine(spec)  # refuses unknown transforms before anything is approved
        spec_order(spec)  # and reference loops
        refuse_unrunnable(project, spec)
        state, last = approval_state(ledger, spec)
        previous = spec_from_data(yaml.safe_load(last["mapping"])) if last is not None else None
        changes = diff_specs(previous, spec)
        who = login or getpass.getuser()
        if state == "approved":
            return ApproveInfo(True, [], spec.content_hash(), who)
        if not confirm(changes):
            return ApproveInfo(False, changes, spec.content_hash(), who)
        ledger.approve(spec.content_hash(), who, dump_spec(spec))
        return ApproveInfo(True, changes, spec.content_hash(), who)
    finally:
        ledger.close()
