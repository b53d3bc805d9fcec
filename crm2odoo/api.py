"""One function per command. The CLI calls exactly one of these; they never print (they return *Info objects
and report progress through an ``events`` callback)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crm2odoo.config import Config, config_template, load_config
from crm2odoo.errors import ApprovalRequired, Interrupted, MappingError, ProjectError
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.addon import AddonInfo, plan_addon
from crm2odoo.load.addon import write_addon as write_addon_files
from crm2odoo.load.executor import Loader, ObjectResult
from crm2odoo.load.order import parts, spec_order
from crm2odoo.load.provision import Provisioner, ProvisionResult
from crm2odoo.load.resolve import Resolver
from crm2odoo.load.rollback import Rollback, RollbackPlan, RollbackResult
from crm2odoo.lock import current_holder, project_lock
from crm2odoo.mapping.engine import Engine, TargetRecord, is_derived
from crm2odoo.mapping.spec import MappingSpec, ObjectMap, dump_spec, load_spec, save_spec, spec_from_data
from crm2odoo.mapping.transforms import Ref, Refs, TransformContext
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.project import Project
from crm2odoo.report import render
from crm2odoo.sources import Source, open_source
from crm2odoo.sources.base import Catalog
from crm2odoo.sources.catalog import load_catalog, save_catalog
from crm2odoo.validate.approvable import refuse_unrunnable, save_schema_snapshot
from crm2odoo.validate.engine import ValidationInfo, Validator, check_map
from crm2odoo.validate.reconcile import ReconcileInfo, Reconciler
from crm2odoo.verdict import Shortfall, Tolerance, top_reasons

Events = Callable[..., None]


def _quiet(kind: str, **data: Any) -> None:
    return None


# -- init ----------------------------------------------------------------------------------------------------------
def init_project(root: Path, kind: str, *, force: bool = False) -> Path:
    """Write a commented crm2odoo.toml for ``kind``; refuses to overwrite unless ``force``."""
    project = Project(root)
    text = config_template(kind)
    if project.config_path.exists() and not force:
        raise ProjectError(f"{project.config_path} already exists", hint="edit it, or pass --force to start over")
    root.mkdir(parents=True, exist_ok=True)
    project.config_path.write_text(text, encoding="utf-8")
    project.ensure()
    return project.config_path


# -- shared plumbing -----------------------------------------------------------------------------------------------
@dataclass
class Context:
    project: Project
    config: Config
    ledger: Ledger
    _client: OdooClient | None = None
    _schema: Schema | None = None

    @property
    def client(self) -> OdooClient:
        if self._client is None:
            self._client = OdooClient(self.config.odoo)
            self.ledger.bind(self.config.odoo.url, self.config.odoo.database)
        return self._client

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = Schema(self.client)
        return self._schema

    def source(self) -> Source:
        return open_source(self.config.source)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self.ledger.close()


def open_context(root: Path) -> Context:
    project = Project(root)
    config = load_config(root)
    project.ensure()
    return Context(project=project, config=config, ledger=Ledger(project.ledger_path))


def _catalog(ctx: Context) -> Catalog:
    if not ctx.project.catalog_path.exists():
        raise ProjectError("the source has not been discovered yet", hint="run `crm2odoo discover` first")
    return load_catalog(ctx.project.catalog_path)


def _spec(ctx: Context) -> MappingSpec:
    if not ctx.project.mapping_path.exists():
        raise ProjectError("there is no mapping.yaml yet", hint="run `crm2odoo plan` first")
    return load_spec(ctx.project.mapping_path)


def _transform_context(config: Config) -> TransformContext:
    return TransformContext(default_country=config.migration.default_country,
                            source_timezone=config.migration.source_timezone)


# -- discover ------------------------------------------------------------------------------------------------------
@dataclass
class DiscoveryInfo:
    catalog: Catalog
    grade: str
    reasons: list[str]
    report: Path

    def asdict(self) -> dict[str, Any]:
        return {
            "source_kind": self.catalog.source_kind,
            "grade": self.grade,
            "reasons": self.reasons,
            "objects": [{"name": o.name, "label": o.label, "count": o.count, "fields": len(o.fields),
                         "custom_fields": sum(1 for f in o.fields if f.custom), "custom_object": o.custom,
                         "fit": object_fit(o.name, o.custom)}
                        for o in self.catalog.objects],
            "inventory": [{"kind": i.kind, "name": i.name} for i in self.catalog.inventory],
            "warnings": list(self.catalog.warnings),
        }


#: source objects that become something of another shape in Odoo (information is condensed)
LOSSY_OBJECTS = {"engagement": "opens, clicks and form submissions become chatter notes (or totals on the contact)",
                 "campaign_enrollment": "membership becomes a tag (or a field) on the contact",
                 "task": "completed tasks become chatter messages", "activity": "calls and emails become chatter messages"}


def object_fit(name: str, custom: bool) -> str:
    """'1:1' (a standard Odoo home), 'needs a mapping' (custom: a new x_ model), or 'lossy: why'."""
    from crm2odoo.mapping.defaults import OBJECT_DEFAULTS

    if name in LOSSY_OBJECTS:
        return "lossy: " + LOSSY_OBJECTS[name]
    if custom or name not in OBJECT_DEFAULTS:
        return "needs a mapping"
    return "1:1"


def grade(catalog: Catalog) -> tuple[str, list[str]]:
    """Complexity: simple / moderate / complex, with the reasons a person can check."""
    records = sum(o.count or 0 for o in catalog.objects)
    uncounted = [o.name for o in catalog.objects if o.count is None]
    custom_fields = sum(1 for o in catalog.objects for f in o.fields if f.custom)
    custom_objects = sum(1 for o in catalog.objects if o.custom)
    counted = f"{records:,} records in {len(catalog.objects)} objects" + (
        f" (not counted by this source: {', '.join(uncounted)})" if uncounted else "")
    reasons = [counted,
               f"{custom_fields} custom fields", f"{custom_objects} custom objects",
               f"{len(catalog.inventory)} items that cannot be migrated (automations, campaigns, forms)"]
    score = (records > 50_000) + (records > 500_000) + (custom_fields > 20) + (custom_objects > 0) + (
        custom_objects > 3) + (len(catalog.inventory) > 10) + bool(catalog.warnings)
    return ("simple" if score <= 1 else "moderate" if score <= 3 else "complex"), reasons


def measured_throughput(ledger: Ledger) -> float | None:
    """Records per second of the most recent finished run against this Odoo (sample runs count)."""
    for run in reversed(ledger.runs()):
        if run["kind"] not in ("migrate", "sample", "delta") or run["state"] != "done":
            continue
        summary = json.loads(run["summary"] or "{}")
        written = sum(o.get("created", 0) + o.get("updated", 0) + o.get("matched", 0)
                      for o in summary.get("objects") or [])
        elapsed = float(summary.get("elapsed_seconds") or 0)
        if written >= 20 and elapsed > 0:
            return float(written / elapsed)
    return None


def discover(root: Path, *, events: Events = _quiet) -> DiscoveryInfo:
    ctx = open_context(root)
    try:
        source = ctx.source()
        try:
            catalog = source.discover()
        finally:
            source.close()
        save_catalog(catalog, ctx.project.catalog_path)
        level, reasons = grade(catalog)
        rate = measured_throughput(ctx.ledger)
        total = sum(o.count or 0 for o in catalog.objects)
        if rate:
            minutes = total / rate / 60
            reasons.append(f"estimated load time {minutes:,.0f} min at {rate:,.1f} records/s, as measured against "
                           "this Odoo by the last run")
        else:
            reasons.append("estimated load time: unknown until a run has been measured against this Odoo "
                           "(`crm2odoo migrate --sample 25` on a staging copy measures it)")
        info = DiscoveryInfo(catalog, level, reasons, ctx.project.reports_dir / "discovery.md")
        render.write_report(ctx.project.reports_dir, "discovery", info.asdict(), render.discovery_markdown(info.asdict()))
        return info
    finally:
        ctx.close()


# -- plan ----------------------------------------------------------------------------------------------------------
@dataclass
class PlanInfo:
    spec: MappingSpec
    review: str
    path: Path
    kept: int  # lines kept from an earlier map (edited or confirmed)


def plan(root: Path, *, sample_size: int = 200, color: bool = False, events: Events = _quiet) -> PlanInfo:
    from crm2odoo.mapping.propose import ProposeOptions, propose
    from crm2odoo.mapping.review import render_review
    from crm2odoo.mapping.values import known_names

    ctx = open_context(root)
    try:
        catalog = _catalog(ctx)
        source = ctx.source()
        samples: dict[str, list[Any]] = {}
        try:
            for obj in catalog.objects:
                rows = []
                for record in source.read(obj.name):
                    rows.append(record)
                    if len(rows) >= sample_size:
                        break
                samples[obj.name] = rows
        finally:
            source.close()
        schema = ctx.schema
        candidates = ["res.partner", "res.partner.category", "res.users", "crm.lead", "crm.stage", "crm.team",
                      "crm.tag", "crm.lost.reason", "mail.message", "mail.activity", "calendar.event", "product.product",
                      "product.template", "sale.order", "sale.order.line", "account.move", "account.move.line",
                      "account.payment", "project.project", "project.task", "project.task.type", "ir.attachment",
                      "utm.source", "utm.campaign", "utm.medium", "res.country", "res.country.state",
                      "res.partner.industry", "res.lang", "product.category"]
        previous = load_spec(ctx.project.mapping_path) if ctx.project.mapping_path.exists() else None
        if previous:
            candidates += [o.model for o in previous.objects.values()]
        # a custom object's x_ model may exist already (an earlier migration, Studio): its fields are reused
        candidates += [m for m in schema.models() if m.startswith("x_")]
        odoo_fields = schema.all_fields(sorted(set(candidates)))
        settings = ctx.config.migration
        options = ProposeOptions(default_country=settings.default_country, task_target=settings.tasks,
                                 campaign_as=settings.campaigns, engagement=settings.engagement,
                                 sample_size=sample_size)
        known = known_names(lambda model, fields, limit: ctx.client.search_read(
            model, [], fields, limit=limit, context={"active_test": False}), odoo_fields)
        spec = propose(catalog, samples, odoo_fields, system=ctx.config.system, odoo_version=schema.version,
                       previous=previous, options=options, known=known)
        if ctx.config.migration.fallback_owner and not spec.fallback_owner_login:
            spec.fallback_owner_login = ctx.config.migration.fallback_owner
        save_spec(spec, ctx.project.mapping_path)
        save_schema_snapshot(ctx.project, odoo_fields, schema.models())
        kept = sum(1 for o in spec.objects.values() for line in o.fields if line.status in ("edited", "confirmed"))
        review = render_review(spec, samples, odoo_fields, color=color)
        return PlanInfo(spec, review, ctx.project.mapping_path, kept)
    finally:
        ctx.close()


# -- approve -------------------------------------------------------------------------------------------------------
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


# -- migrate -------------------------------------------------------------------------------------------------------
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


def sample_ids(source: Source, engine: Engine, spec: MappingSpec, size: int) -> dict[str, set[str]]:
    """N records per object plus every record they link to (parents of parents included), and every part of a
    whole that comes (all lines of an invoice or an order, all columns of a board): a sample of whole records,
    whose invoices add up and whose payments have something to settle."""
    steps = spec_order(spec)
    needed: dict[str, set[str]] = {}
    chosen: dict[str, set[str]] = {step.map.name: set() for step in steps}

    def note(obj: ObjectMap, record: Any, target: TargetRecord | None = None) -> None:
        chosen[obj.name].add(record.id)
        for ref in (target or engine.transform(obj, record)).refs():
            needed.setdefault(ref.object, set()).add(ref.source_id)

    def linked(obj: ObjectMap) -> None:
        extra = needed.get(obj.name, set()) - chosen[obj.name]
        if extra:
            for record in source.read(obj.source_object, ids=extra):
                if engine.applies(obj, record):
                    note(obj, record)

    # dependents come before the maps they link to in this order, so one pass reaches every parent's parent
    for step in reversed(steps):
        for record in source.read(step.map.source_object):
            if len(chosen[step.map.name]) >= size:
                break
            if engine.applies(step.map, record):
                note(step.map, record)
        linked(step.map)
    # a part brought in may link to a new whole (a line's other order) or a new parent: repeat until nothing moves
    scanned: dict[tuple[str, str], int] = {}
    while True:
        grew = False
        for part in parts(spec):
            key = (part.part.name, part.whole)
            wholes = chosen[part.whole]
            if scanned.get(key) == len(wholes) or not wholes:
                continue
            scanned[key] = len(wholes)
            for record in source.read(part.part.source_object):
                if record.id in chosen[part.part.name] or not engine.applies(part.part, record):
                    continue
                target = engine.transform(part.part, record)
                if _points_into(target.vals.get(part.field), wholes):
                    note(part.part, record, target)
                    grew = True
        if not grew:
            return chosen
        for step in reversed(steps):
            linked(step.map)


def _points_into(value: Any, source_ids: set[str]) -> bool:
    if isinstance(value, Ref):
        return value.source_id in source_ids
    if isinstance(value, Refs):
        return any(sid in source_ids for sid in value.source_ids)
    return False


def migrate(root: Path, *, sample: int | None = None, only: list[str] | None = None, delta: bool = False,
            dry_run: bool = False, events: Events = _quiet, stop: threading.Event | None = None) -> MigrateInfo:
    """Load into Odoo. ``stop``: set it (from a signal handler) to end the run between records, once the batches in
    flight are settled; the run is then marked interrupted and the next migrate resumes it."""
    if dry_run:
        return _dry_run(root, only=only, events=events)
    started = dt.datetime.now(dt.UTC)
    ctx = open_context(root)
    try:
        with _writing(ctx, "migrate", events):
            return _migrate(ctx, started, sample=sample, only=only, delta=delta, events=events, stop=stop)
    finally:
        ctx.close()


@contextmanager
def _writing(ctx: Context, command: str, events: Events) -> Iterator[None]:
    """The project's lock for a command that writes; taking over a dead holder's lock is said."""
    with project_lock(ctx.project.state_dir, command) as lock:
        if lock.stale is not None:
            events("stale_lock", holder=lock.stale.describe())
        yield


def _migrate(ctx: Context, started: dt.datetime, *, sample: int | None, only: list[str] | None, delta: bool,
             events: Events, stop: threading.Event | None) -> MigrateInfo:
    spec = _spec(ctx)
    require_approval(ctx.ledger, spec)
    engine = Engine(spec, _transform_context(ctx.config))
    client = ctx.client
    try:
        _preflight(ctx, spec)
    except MappingError as exc:
        _stopped_report(ctx, exc)
        raise
    unfinished = ctx.ledger.unfinished_run()
    kind = "delta" if delta else "sample" if sample else "migrate"
    if delta and sample:
        raise ProjectError("--delta and --sample do not go together", hint="use one of them")
    if delta and not any(r["state"] == "done" and r["kind"] == "migrate" for r in ctx.ledger.runs()):
        raise ProjectError("a delta run needs a completed full migration first",
                           hint="run `crm2odoo migrate` once; afterwards `migrate --delta` reads only changes")
    resumed = unfinished is not None
    if unfinished is not None:
        run_id = int(unfinished["id"])
        options = json.loads(unfinished["options"])
        sample = options.get("sample") or sample
        only = options.get("only") or only
        kind = unfinished["kind"]
        delta = kind == "delta"
        ctx.ledger.finish_run(run_id, "running", json.loads(unfinished["summary"] or "{}"))
        events("resume", run_id=run_id, state=unfinished["state"])
    else:
        run_id = ctx.ledger.start_run(kind, mapping_hash=spec.content_hash(),
                                      options={"sample": sample, "only": only})
    settings = ctx.config.migration
    results: list[ObjectResult] = []
    source = ctx.source()
    ids: dict[str, set[str]] | None = None
    loader: Loader | None = None
    provisioned = ProvisionResult()
    try:
        provisioned = Provisioner(client, ctx.schema, ctx.ledger, run_id).provision(spec)
        ids = sample_ids(source, engine, spec, sample) if sample else None
        loader = Loader(client=client, schema=ctx.schema, ledger=ctx.ledger, spec=spec, engine=engine,
                        source=source, run_id=run_id, batch_size=settings.batch_size,
                        workers=settings.workers, fallback_owner=settings.fallback_owner,
                        events=events, delta=delta, conflicts=settings.conflicts,
                        delta_deletes=settings.delta_deletes, stop=stop)
        # If this raises, the run stays 'running' and the next `migrate` resumes it from the ledger's intents.
        results = loader.run(only=set(only) if only else None, ids=ids)
    except Interrupted:
        info = MigrateInfo(run_id, kind, resumed, list(loader.results) if loader else [], provisioned,
                           ctx.project.reports_dir / f"migrate-run{run_id}.md", "interrupted", 0)
        return _settle_run(ctx, info, started, "interrupted")
    except MappingError as exc:
        # a line that cannot run stops the run; the report says which, and the next migrate resumes once it is fixed
        info = MigrateInfo(run_id, kind, resumed, list(loader.results) if loader else [], provisioned,
                           ctx.project.reports_dir / f"migrate-run{run_id}.md", "stopped", 0,
                           stopped_by=f"{exc.message}" + (f" ({exc.hint})" if exc.hint else ""))
        _settle_run(ctx, info, started, "interrupted")
        raise
    finally:
        source.close()
    state = "blocked" if any(r.blocked for r in results) else "conflicts" if any(
        r.conflicts for r in results) and settings.conflicts == "stop" else "done"
    info = MigrateInfo(run_id, kind, resumed, results, provisioned,
                       ctx.project.reports_dir / f"migrate-run{run_id}.md", state, 0)
    info.reconcile = _reconcile(ctx, spec, spot_check=0, only_ids=ids)
    # a blocked run stays open: the next migrate resumes it once owners exist; conflicts are listed and done
    return _settle_run(ctx, info, started, "running" if state == "blocked" else "done")


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


def _dry_run(root: Path, *, only: list[str] | None, events: Events) -> MigrateInfo:
    """The same map, engine and validation as migrate; nothing is sent. Writes reports/dry-run-plan.jsonl."""
    started = dt.datetime.now(dt.UTC)
    validation = validate(root, events=events)
    ctx = open_context(root)
    try:
        spec = _spec(ctx)
        engine = Engine(spec, _transform_context(ctx.config))
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


# -- reconcile -----------------------------------------------------------------------------------------------------
def _reconcile(ctx: Context, spec: MappingSpec, *, spot_check: int, source: Source | None = None,
               only_ids: dict[str, set[str]] | None = None) -> ReconcileInfo:
    engine = Engine(spec, _transform_context(ctx.config))
    own = source is None
    src = ctx.source() if own else source
    try:
        info = Reconciler(ctx.client, ctx.schema, ctx.ledger, spec, engine, src,
                          only_ids=only_ids).run(spot_check=spot_check)
        info.tolerance = ctx.config.migration.tolerance
        return info
    finally:
        if own and src is not None:
            src.close()


def reconcile(root: Path, *, spot_check: int = 25) -> ReconcileInfo:
    """Counts per object that add up, each difference explained, and N records per object read back."""
    ctx = open_context(root)
    try:
        info = _reconcile(ctx, _spec(ctx), spot_check=spot_check)
        render.write_report(ctx.project.reports_dir, "reconcile", info.asdict(), render.reconcile_markdown(info.asdict()))
        return info
    finally:
        ctx.close()


# -- rollback, validate (later releases) ---------------------------------------------------------------------------
def _rollback_targets(ledger: Ledger, run_id: int | None, all_runs: bool) -> list[int]:
    """The runs a rollback undoes. Runs rolled back before are included again: what they left (records kept or
    refused) is retried and counted, never taken for done."""
    if (run_id is None) == (not all_runs):
        raise ProjectError("say which run to undo", hint="`crm2odoo rollback --run ID` or `crm2odoo rollback --all`")
    runs = [r for r in ledger.runs() if r["kind"] in ("migrate", "sample", "delta")]
    if all_runs:
        return [int(r["id"]) for r in runs]
    if run_id not in {int(r["id"]) for r in runs}:
        raise ProjectError(f"run {run_id} cannot be rolled back (there is no migrate, sample or delta run {run_id})",
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
             events: Events = _quiet) -> RollbackResult:
    """Undo one run (the newest first) or every run; resumable, and harmless to repeat. ``verified`` only when a
    read-back of everything the runs touched equals the state before them."""
    ctx = open_context(root)
    try:
        with _writing(ctx, "rollback", events):
            targets = _rollback_targets(ctx.ledger, run_id, all_runs)
            spec = load_spec(ctx.project.mapping_path) if ctx.project.mapping_path.exists() else None
            result = Rollback(ctx.client, ctx.schema, ctx.ledger, spec, events).run(targets, force=force)
            render.write_report(ctx.project.reports_dir, "rollback", result.asdict(),
                                render.rollback_markdown(result.asdict()))
            return result
    finally:
        ctx.close()


def validate(root: Path, *, events: Events = _quiet) -> ValidationInfo:
    """Check every transformed record against the live Odoo schema and the map; writes reports/validation.*"""
    ctx = open_context(root)
    try:
        spec = _spec(ctx)
        require_approval(ctx.ledger, spec)
        engine = Engine(spec, _transform_context(ctx.config))
        models = {o.model for o in spec.enabled_objects()}
        odoo_fields = ctx.schema.all_fields(sorted(models))
        resolver = Resolver(ctx.client, ctx.schema, ctx.ledger, spec)
        source = ctx.source()
        try:
            info = Validator(spec, engine, source, odoo_fields, resolver.lookup, resolver.ids).run(
                ctx.schema.models(), events=events)
        finally:
            source.close()
        info.tolerance = ctx.config.migration.tolerance
        render.write_report(ctx.project.reports_dir, "validation", info.asdict(),
                            render.validation_markdown(info.asdict()))
        return info
    finally:
        ctx.close()


def _preflight(ctx: Context, spec: MappingSpec) -> None:
    """The map-level checks of validate, run at the start of every migrate (no record is read)."""
    models = {o.model for o in spec.enabled_objects()}
    problems = check_map(spec, ctx.schema.all_fields(sorted(models)), ctx.schema.models())
    if problems:
        raise MappingError("mapping.yaml does not fit this Odoo:\n  " + "\n  ".join(problems),
                           hint="fix these lines (or re-run `crm2odoo plan`), approve, and run again")


# -- inventory -----------------------------------------------------------------------------------------------------
def inventory(root: Path) -> Path:
    ctx = open_context(root)
    try:
        catalog = _catalog(ctx)
        data = {"items": [{"kind": i.kind, "name": i.name, "details": i.details, "advice": i.advice}
                          for i in catalog.inventory], "warnings": list(catalog.warnings)}
        return render.write_report(ctx.project.reports_dir, "inventory", data, render.inventory_markdown(data))
    finally:
        ctx.close()


# -- status --------------------------------------------------------------------------------------------------------
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


# -- addon ---------------------------------------------------------------------------------------------------------
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
