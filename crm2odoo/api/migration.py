"""`migrate`: provision the schema, load phase by phase, settle the run's verdict and report; resumes first.
`migrate --dry-run` runs the same map, engine and validation and sends nothing."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.api.approval import require_approval
from crm2odoo.api.checks import reconcile_with, validate
from crm2odoo.api.context import (
    Context,
    Events,
    catalog_totals,
    open_context,
    project_spec,
    quiet,
    transform_context,
    writing,
)
from crm2odoo.api.sampling import sample_ids
from crm2odoo.errors import Interrupted, MappingError, ProjectError
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader, ObjectResult
from crm2odoo.load.longread import LongRead
from crm2odoo.load.order import spec_order
from crm2odoo.load.provision import Provisioner, ProvisionResult
from crm2odoo.load.scoring import scoring_paused
from crm2odoo.mapping.engine import Engine, is_derived
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.report import render
from crm2odoo.validate.engine import check_map
from crm2odoo.validate.reconcile import ReconcileInfo
from crm2odoo.verdict import Shortfall, Tolerance, top_reasons

#: what migrate's own reconciliation is called while it counts the ledger's records against Odoo
RECONCILING = "reconciling: counting what landed in Odoo"


@dataclass
class MigrateInfo:
    run_id: int
    kind: str
    resumed: bool
    objects: list[ObjectResult]
    provisioned: ProvisionResult
    report: Path
    state: str  # done | blocked | conflicts | interrupted | dry-run | would stop
    elapsed_seconds: float
    reconcile: ReconcileInfo | None = None
    shortfall: Shortfall = field(default_factory=Shortfall)
    tolerance: Tolerance = field(default_factory=Tolerance)
    stopped_by: str = ""  # the map problem that stopped the run (state 'stopped')
    derived: list[dict[str, str]] = field(default_factory=list)  # values the tool made (a name from the e-mail)

    @property
    def ok(self) -> bool:
        """Every record read ended created, updated, matched, unchanged, merged or skipped by a rule (or the
        quarantines stay within migration.max_quarantine), nothing is blocked or unsettled, and it reconciles."""
        return (self.state in ("done", "dry-run") and self.shortfall.within(self.tolerance)
                and (self.reconcile is None or self.reconcile.ok))

    @property
    def retried(self) -> tuple[int, int, int]:
        """(quarantined records of earlier runs tried again, of which now in Odoo, of which gone from the source)."""
        return (sum(o.retried for o in self.objects), sum(o.retried_landed for o in self.objects),
                sum(o.retried_gone for o in self.objects))

    def asdict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "kind": self.kind, "resumed": self.resumed, "state": self.state,
                "ok": self.ok, "elapsed_seconds": round(self.elapsed_seconds, 2),
                "provisioned": {"models": self.provisioned.models_created, "fields": self.provisioned.fields_created},
                "objects": [o.asdict() for o in self.objects],
                "shortfall": self.shortfall.asdict(), "max_quarantine": self.tolerance.describe(),
                "verdict": self.shortfall.lines(self.tolerance), "stopped_by": self.stopped_by,
                "reconcile": self.reconcile.asdict() if self.reconcile else None, "derived": self.derived}


def run_shortfall(ledger: Ledger, run_id: int, results: list[ObjectResult], *, conflicts_stop: bool) -> Shortfall:
    """What kept this run from full success: its own counts, what is still unsettled, and the top reasons."""
    names = {r.name for r in results}
    counts = ledger.counts()
    reasons = [(f"{row['field']}: " if row["field"] else "") + str(row["reason"])
               for row in ledger.issues(run_id, kinds=("quarantine",))]
    return Shortfall(read=sum(r.read for r in results),
                     quarantined={r.name: r.quarantined for r in results if r.quarantined},
                     unsettled={n: counts.get(n, {}).get("sending", 0) for n in sorted(names)
                                if counts.get(n, {}).get("sending", 0)},
                     blocked={r.name: r.blocked for r in results if r.blocked},
                     unexplained={r.name: r.read - settled for r in results
                                  if (settled := r.created + r.updated + r.matched + r.unchanged + r.merged + r.skipped
                                      + r.quarantined + r.conflicts) < r.read and not r.blocked},
                     conflicts=sum(r.conflicts for r in results), conflicts_stop=conflicts_stop,
                     reasons=top_reasons(reasons))


def migrate(root: Path, *, sample: int | None = None, only: list[str] | None = None, delta: bool = False,
            dry_run: bool = False, events: Events = quiet, stop: threading.Event | None = None) -> MigrateInfo:
    """Load into Odoo. ``stop``: set it (from a signal handler) to end the run between records, once the batches in
    flight are settled; the run is then marked interrupted and the next migrate resumes it."""
    if dry_run:
        return migrate_dry_run(root, only=only, events=events)
    started = dt.datetime.now(dt.UTC)
    ctx = open_context(root)
    try:
        with writing(ctx, "migrate", events):
            return _migrate(ctx, started, sample=sample, only=only, delta=delta, events=events, stop=stop)
    finally:
        ctx.close()


@dataclass
class RunStart:
    """The run a migrate works on: a new one, or the unfinished one it resumes with that run's own options."""

    run_id: int
    kind: str  # migrate | sample | delta
    resumed: bool
    sample: int | None
    only: list[str] | None
    delta: bool


def _start_run(ctx: Context, spec: MappingSpec, *, sample: int | None, only: list[str] | None, delta: bool,
               events: Events) -> RunStart:
    unfinished = ctx.ledger.unfinished_run()
    kind = "delta" if delta else "sample" if sample else "migrate"
    if delta and sample:
        raise ProjectError("--delta and --sample do not go together", hint="use one of them")
    if delta and not any(r["state"] == "done" and r["kind"] == "migrate" for r in ctx.ledger.runs()):
        raise ProjectError("a delta run needs a completed full migration first",
                           hint="run `crm2odoo migrate` once; afterwards `migrate --delta` reads only changes")
    if unfinished is None:
        run_id = ctx.ledger.start_run(kind, mapping_hash=spec.content_hash(), options={"sample": sample, "only": only})
        return RunStart(run_id, kind, False, sample, only, delta)
    run_id = int(unfinished["id"])
    options = json.loads(unfinished["options"])
    kind = unfinished["kind"]
    ctx.ledger.finish_run(run_id, "running", json.loads(unfinished["summary"] or "{}"))
    events("resume", run_id=run_id, state=unfinished["state"])
    return RunStart(run_id, kind, True, options.get("sample") or sample, options.get("only") or only, kind == "delta")


def _migrate(ctx: Context, started: dt.datetime, *, sample: int | None, only: list[str] | None, delta: bool,
             events: Events, stop: threading.Event | None) -> MigrateInfo:
    spec = project_spec(ctx)
    require_approval(ctx.ledger, spec)
    engine = Engine(spec, transform_context(ctx.config))
    try:
        preflight(ctx, spec)
    except MappingError as exc:
        _stopped_report(ctx, exc)
        raise
    run = _start_run(ctx, spec, sample=sample, only=only, delta=delta, events=events)
    settings = ctx.config.migration
    report = ctx.project.reports_dir / f"migrate-run{run.run_id}.md"
    results: list[ObjectResult] = []
    source = ctx.source()
    ids: dict[str, set[str]] | None = None
    loader: Loader | None = None
    provisioned = ProvisionResult()
    # one lead-scoring pause for the whole run, opened before the field create's registry setup and closed after
    # the reconciliation: each of its two parameter writes clears Odoo's caches, so nothing of the run follows the
    # second one (load/scoring.py; the Loader's own pause inside it sends nothing)
    with scoring_paused(ctx.client, ctx.schema, ctx.ledger):
        try:
            provisioned = Provisioner(ctx.client, ctx.schema, ctx.ledger, run.run_id, events).provision(spec)
            ids = sample_ids(source, engine, spec, run.sample) if run.sample else None
            totals = expected_totals(ctx, spec, ids, reads_changes_only=run.delta and not source.full_read_is_cheap)
            loader = Loader(client=ctx.client, schema=ctx.schema, ledger=ctx.ledger, spec=spec, engine=engine,
                            source=source, run_id=run.run_id, batch_size=settings.batch_size,
                            message_batch_size=settings.message_batch_size, workers=settings.workers,
                            fallback_owner=settings.fallback_owner,
                            events=events, delta=run.delta, conflicts=settings.conflicts,
                            delta_deletes=settings.delta_deletes, stop=stop, totals=totals)
            # If this raises, the run stays 'running' and the next `migrate` resumes it from the ledger's intents.
            results = loader.run(only=set(run.only) if run.only else None, ids=ids)
        except Interrupted:
            info = MigrateInfo(run.run_id, run.kind, run.resumed, list(loader.results) if loader else [],
                               provisioned, report, "interrupted", 0)
            return _settle_run(ctx, info, started, "interrupted")
        except MappingError as exc:
            # a line that cannot run stops the run; the report says which, and the next migrate resumes once fixed
            info = MigrateInfo(run.run_id, run.kind, run.resumed, list(loader.results) if loader else [],
                               provisioned, report, "stopped", 0,
                               stopped_by=f"{exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
            _settle_run(ctx, info, started, "interrupted")
            raise
        finally:
            source.close()
        state = "blocked" if any(r.blocked for r in results) else "conflicts" if any(
            r.conflicts for r in results) and settings.conflicts == "stop" else "done"
        info = MigrateInfo(run.run_id, run.kind, run.resumed, results, provisioned, report, state, 0)
        info.reconcile = _reconciled(ctx, spec, ids, events)
    # a blocked run stays open: the next migrate resumes it once owners exist; conflicts are listed and done
    return _settle_run(ctx, info, started, "running" if state == "blocked" else "done")


def _reconciled(ctx: Context, spec: MappingSpec, ids: dict[str, set[str]] | None, events: Events) -> ReconcileInfo:
    """Migrate's own reconciliation, told as a long read of the ledger's records (minutes after a big run)."""
    maps = {obj.name for obj in spec.enabled_objects()}
    in_ledger = sum(sum(states.values()) for name, states in ctx.ledger.counts().items() if name in maps)
    counting = LongRead(events, RECONCILING, in_ledger)
    counting.progress(0)
    try:
        return reconcile_with(ctx, spec, spot_check=0, only_ids=ids, counted=counting.progress)
    finally:
        counting.end()


def expected_totals(ctx: Context, spec: MappingSpec, ids: dict[str, set[str]] | None, *,
                    reads_changes_only: bool) -> dict[str, int | None]:
    """The records each map will meet, for progress: a sample's chosen ids, else the source's counts as discovered.
    Nothing for a delta that asks an API only for what changed (nobody can say how much that is)."""
    if reads_changes_only:
        return {}
    if ids is not None:
        return {name: len(chosen) for name, chosen in ids.items()}
    return catalog_totals(ctx, spec)


def _settle_run(ctx: Context, info: MigrateInfo, started: dt.datetime, ledger_state: str) -> MigrateInfo:
    """The run's verdict, its ledger state and its report, the same way whether it ended or was interrupted."""
    settings = ctx.config.migration
    info.elapsed_seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    info.tolerance = settings.tolerance
    info.shortfall = run_shortfall(ctx.ledger, info.run_id, info.objects, conflicts_stop=settings.conflicts == "stop")
    info.derived = [{"object": str(r["object"]), "source_id": str(r["source_id"]), "field": str(r["field"]),
                     "value": str(r["value"] or ""), "reason": str(r["reason"]), "locator": str(r["locator"])}
                    for r in ctx.ledger.issues(info.run_id, kinds=("warning",)) if is_derived(str(r["reason"]))]
    ctx.ledger.finish_run(info.run_id, ledger_state, info.asdict())
    render.write_report(ctx.project.reports_dir, f"migrate-run{info.run_id}", info.asdict(),
                        render.migrate_markdown(info.asdict()))
    return info


def _stopped_report(ctx: Context, exc: MappingError) -> Path:
    """The report of a migrate that the map stopped before any record moved: what to fix, in the reports folder."""
    data = {"state": "stopped", "stopped_by": exc.message, "hint": exc.hint}
    markdown = (f"# Migration stopped before it began\n\nNo record was sent. mapping.yaml cannot run:\n\n"
                f"```\n{exc.message}\n```\n\n{exc.hint}\n")
    return render.write_report(ctx.project.reports_dir, "migrate-stopped", data, markdown)


def preflight(ctx: Context, spec: MappingSpec) -> None:
    """The map-level checks of validate, run at the start of every migrate (no record is read)."""
    models = {o.model for o in spec.enabled_objects()}
    known = ctx.schema.models()  # read whole first: one call answers has_model for every model (else one count each)
    problems = check_map(spec, ctx.schema.all_fields(sorted(models)), known)
    if problems:
        raise MappingError("mapping.yaml does not fit this Odoo:\n  " + "\n  ".join(problems),
                           hint="fix these lines (or re-run `crm2odoo plan`), approve, and run again")


def migrate_dry_run(root: Path, *, only: list[str] | None, events: Events) -> MigrateInfo:
    """The same map, engine and validation as migrate; nothing is sent. Writes reports/dry-run-plan.jsonl."""
    started = dt.datetime.now(dt.UTC)
    validation = validate(root, events=events)
    ctx = open_context(root)
    try:
        spec = project_spec(ctx)
        engine = Engine(spec, transform_context(ctx.config))
        plan_path = ctx.project.reports_dir / "dry-run-plan.jsonl"
        results: list[ObjectResult] = []
        source = ctx.source()
        try:
            with plan_path.open("w", encoding="utf-8") as plan:
                for step in spec_order(spec):
                    obj = step.map
                    if only and obj.name not in only and obj.source_object not in only:
                        continue
                    result = ObjectResult(obj.name, obj.model)
                    known = {r.source_id: r for r in ctx.ledger.records(obj.name)}
                    for record in source.read(obj.source_object):
                        if not engine.applies(obj, record):
                            continue
                        result.read += 1
                        target = engine.transform(obj, record)
                        row = known.get(record.id)
                        if target.outcome != "ok":
                            action = target.outcome
                            result.quarantined += target.outcome == "quarantine"
                            result.skipped += target.outcome == "skip"
                        elif obj.options.get("match_only"):
                            # owners are matched to existing Odoo users by migrate, never created
                            action = "match"
                            result.matched += 1
                        elif row is not None and row.odoo_id and row.content_hash == target.content_hash:
                            action = "unchanged"
                            result.unchanged += 1
                        elif row is not None and row.odoo_id:
                            action = "update"
                            result.updated += 1
                        else:
                            action = "create"
                            result.created += 1
                        plan.write(json.dumps({"object": obj.name, "source_id": record.id, "model": obj.model,
                                               "xmlid": target.xmlid, "action": action,
                                               "vals": {k: repr(v) if not isinstance(v, str | int | float | bool)
                                                        and v is not None else v for k, v in target.vals.items()},
                                               "problems": [p.message for p in target.problems]},
                                              ensure_ascii=False, default=str) + "\n")
                    results.append(result)
                    events("object_done", result=result)
        finally:
            source.close()
        elapsed = (dt.datetime.now(dt.UTC) - started).total_seconds()
        state = "would stop" if not validation.ok else "dry-run"
        return MigrateInfo(0, "dry-run", False, results, ProvisionResult(), plan_path, state, elapsed)
    finally:
        ctx.close()
