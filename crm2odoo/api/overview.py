"""Where a project folder stands in the workflow, for ``crm2odoo`` run without a command (like ``git status``).

Reads files and the ledger only: no source or Odoo call, so it answers at once and works offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crm2odoo.api.approval import approval_state
from crm2odoo.ledger.db import Ledger
from crm2odoo.mapping.spec import load_spec
from crm2odoo.project import Project

WORKFLOW = ("init", "discover", "plan", "approve", "validate", "migrate", "reconcile")


@dataclass
class Overview:
    """What is done (one line each, in workflow order) and the command to run next."""

    folder: Path
    done: list[str] = field(default_factory=list)
    next_command: str = "crm2odoo init --source KIND"
    why: str = "this folder is not a crm2odoo project yet"


def overview(root: Path) -> Overview:
    project = Project(root)
    view = Overview(folder=root.resolve())
    if not project.config_path.exists():
        return view
    view.done.append(f"init: {project.config_path.name} written")
    if not project.catalog_path.exists():
        view.next_command, view.why = "crm2odoo discover", "the source has not been discovered yet"
        return view
    view.done.append("discover: source audited")
    if not project.mapping_path.exists():
        view.next_command, view.why = "crm2odoo plan", "there is no mapping.yaml yet"
        return view
    view.done.append("plan: mapping.yaml written")
    if not project.ledger_path.exists():
        view.next_command, view.why = "crm2odoo approve", "the map has not been approved"
        return view
    ledger = Ledger(project.ledger_path)
    try:
        state, last = approval_state(ledger, load_spec(project.mapping_path))
        if state != "approved":
            view.next_command = "crm2odoo approve"
            view.why = "mapping.yaml was edited after its approval" if state == "edited" else "the map is not approved"
            return view
        view.done.append(f"approve: approved by {last['login']}")
        runs = [run for run in ledger.runs() if run["kind"] != "dry-run"]
    finally:
        ledger.close()
    if not runs:
        view.next_command, view.why = "crm2odoo validate", "then `crm2odoo migrate`: nothing has been loaded yet"
        return view
    last_run = runs[-1]
    view.done.append(f"migrate: {len(runs)} run(s), the last ({last_run['id']}, {last_run['kind']}) "
                     + ("finished" if last_run["finished_at"] else "did not finish"))
    if not last_run["finished_at"]:
        view.next_command, view.why = "crm2odoo migrate", "it resumes the unfinished run"
    else:
        view.next_command, view.why = "crm2odoo reconcile", "to prove what landed (`crm2odoo status` for details)"
    return view
