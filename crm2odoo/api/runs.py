"""`rollback`, `inventory`, `status` and `addon`: what was done, undoing it, and what the source cannot give."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm2odoo.api.approval import approval_state, require_approval
from crm2odoo.api.automations import guide_of
from crm2odoo.api.context import Events, open_context, project_catalog, quiet, writing
from crm2odoo.config import load_config
from crm2odoo.errors import ProjectError
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.addon import AddonInfo, plan_addon
from crm2odoo.load.addon import write_addon as write_addon_files
from crm2odoo.load.rollback import Rollback, RollbackPlan, RollbackResult
from crm2odoo.lock import current_holder
from crm2odoo.mapping.spec import load_spec
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.project import Project
from crm2odoo.report import render


def _rollback_targets(ledger: Ledger, run_id: int | None, all_runs: bool) -> list[int]:
    """The runs a rollback undoes. Runs rolled back before are included again: what they left (records kept or
    refused) is retried and counted, never taken for done."""
    if (run_id is None) == (not all_runs):
        raise ProjectError("say which run to undo", hint="`crm2odoo rollback --run ID` or `crm2odoo rollback --all`")
    # an automations run created drafts (base.automation) recorded like any record: undone the same way
    runs = [r for r in ledger.runs() if r["kind"] in ("migrate", "sample", "delta", "automations")]
    if all_runs:
        return [int(r["id"]) for r in runs]
    if run_id not in {int(r["id"]) for r in runs}:
        raise ProjectError(f"run {run_id} cannot be rolled back (there is no migrate, sample, delta or automations run {run_id})",
                           hint="`crm2odoo status` lists the runs")
    later = [int(r["id"]) for r in runs if int(r["id"]) > run_id and r["state"] != "rolled_back"]
    if later:
        raise ProjectError(f"runs {', '.join(map(str, later))} came after run {run_id} and build on it",
                           hint="roll back the newest run first, or use --all")
    return [run_id]


def rollback_plan(root: Path, *, run_id: int | None = None, all_runs: bool = False) -> RollbackPlan:
    """What `rollback` would undo, per run and object; reads the ledger and Odoo, writes nothing."""
    project = Project(root)
    config = load_config(root)
    if not project.ledger_path.exists():
        raise ProjectError("this project has no ledger yet: nothing was migrated", hint="`crm2odoo status`")
    ledger = Ledger(project.ledger_path)
    try:
        targets = _rollback_targets(ledger, run_id, all_runs)
        client = OdooClient(config.odoo)
        try:
            bound = ledger.meta("odoo_identity")
            if bound is not None and bound != f"{config.odoo.url.rstrip('/')}|{config.odoo.database}":
                ledger.bind(config.odoo.url, config.odoo.database)  # raises: the ledger is another Odoo's
            spec = load_spec(project.mapping_path) if project.mapping_path.exists() else None
            return Rollback(client, Schema(client), ledger, spec).plan(targets)
        finally:
            client.close()
    finally:
        ledger.close()


def rollback(root: Path, *, run_id: int | None = None, all_runs: bool = False, force: bool = False,
             events: Events = quiet) -> RollbackResult:
    """Undo one run (the newest first) or every run; resumable, and harmless to repeat. ``verified`` only when a
    read-back of everything the runs touched equals the state before them."""
    ctx = open_context(root)
    try:
        with writing(ctx, "rollback", events):
            targets = _rollback_targets(ctx.ledger, run_id, all_runs)
            spec = load_spec(ctx.project.mapping_path) if ctx.project.mapping_path.exists() else None
            result = Rollback(ctx.client, ctx.schema, ctx.ledger, spec, events).run(targets, force=force)
            render.write_report(ctx.project.reports_dir, "rollback", result.asdict(),
                                render.rollback_markdown(result.asdict()))
            return result
    finally:
        ctx.close()


#: what a file export cannot show, and how to see it, per file source kind
EXPORT_BLIND_SPOTS = {
    "ontraport-csv": "A CSV export holds records only: automations (campaigns, sequences, rules), forms, landing "
                     "pages and message templates are not in it. To list them, point a project at the Ontraport API "
                     "(`crm2odoo init --source ontraport`, an API key is enough) and run `crm2odoo inventory` there, "
                     "or take screenshots of each rule and campaign in Ontraport for the Odoo administrator.",
    "planports-xlsx": "An Excel export holds lists only: workflows, reminders and e-mail templates are not in it. "
                      "The Planports API source (`crm2odoo init --source planports-api`) reads what the API "
                      "offers; otherwise take screenshots of each workflow for the Odoo administrator.",
}


def inventory(root: Path) -> Path:
    ctx = open_context(root)
    try:
        catalog = project_catalog(ctx)
        data = {"items": [{"kind": i.kind, "name": i.name, "details": i.details, "advice": i.advice}
                          for i in catalog.inventory], "warnings": list(catalog.warnings),
                "rebuild_guide": guide_of(ctx, catalog),
                "unseen": EXPORT_BLIND_SPOTS.get(catalog.source_kind, "")}
        return render.write_report(ctx.project.reports_dir, "inventory", data, render.inventory_markdown(data))
    finally:
        ctx.close()


@dataclass
class StatusInfo:
    runs: list[dict[str, Any]]
    counts: dict[str, dict[str, int]]
    approval: str
    owners_unmatched: list[dict[str, Any]]
    pending: int
    active: str | None = None  # the writing command running in this project now, if any

    def asdict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def run_state(run: Any, phases: list[dict[str, Any]], writer_active: bool) -> str:
    """What a person should read for a run: the ledger says 'running' for a run that was killed, too."""
    state = str(run["state"])
    if state == "interrupted":
        return "interrupted (`crm2odoo migrate` resumes it)"
    if state != "running":
        return state
    if any(p["state"] == "blocked" for p in phases):
        return "blocked (`crm2odoo migrate` resumes it once the owners have Odoo users)"
    if writer_active:
        return "running"
    return "stopped before it finished (killed or crashed; `crm2odoo migrate` resumes it)"


def status(root: Path) -> StatusInfo:
    project = Project(root)
    if not project.config_path.exists():
        raise ProjectError(f"{root} is not a crm2odoo project", hint="run `crm2odoo init --source KIND` first")
    project.ensure()
    ledger = Ledger(project.ledger_path)
    try:
        approval = "no mapping.yaml yet"
        if project.mapping_path.exists():
            approval, _ = approval_state(ledger, load_spec(project.mapping_path))
        holder = current_holder(project.state_dir)
        runs = []
        for run in ledger.runs():
            phases = [{"name": p["name"], "state": p["state"], "counts": json.loads(p["counts"]),
                       "message": p["message"]} for p in ledger.phases(run["id"])]
            state = run_state(run, phases, writer_active=holder is not None and holder.command == "migrate")
            runs.append({"id": run["id"], "kind": run["kind"], "state": state, "started_at": run["started_at"],
                         "finished_at": run["finished_at"], "phases": phases})
        owners = [{"source_id": o["source_id"], "name": o["name"], "email": o["email"]}
                  for o in ledger.owners() if o["state"] == "unmatched"]
        counts = ledger.counts()
        pending = sum(c.get("sending", 0) for c in counts.values())
        return StatusInfo(runs, counts, approval, owners, pending, holder.describe() if holder else None)
    finally:
        ledger.close()


def write_addon(root: Path, out_dir: Path, *, module: str | None = None,
                odoo_version: str | None = None) -> AddonInfo:
    """Write the approved map's custom fields and models as an installable Odoo addon under ``out_dir``.

    Nothing is sent to Odoo; once the addon is installed, ``migrate`` finds the fields and creates none of them
    over the API.
    """
    project = Project(root)
    if not project.mapping_path.exists():
        raise ProjectError("there is no mapping.yaml yet", hint="run `crm2odoo plan` first")
    project.ensure()
    ledger = Ledger(project.ledger_path)
    try:
        spec = load_spec(project.mapping_path)
        # the addon fixes the schema the data will be loaded into: only an approved map may shape it
        require_approval(ledger, spec)
    finally:
        ledger.close()
    plan = plan_addon(spec, module=module, odoo_version=odoo_version)
    return write_addon_files(plan, out_dir, source_label=spec.system or spec.source_kind or "crm2odoo")
