"""`init`, `discover` and `plan`: a project file, the audit of the source, the proposed map."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm2odoo.api.context import Events, open_context, project_catalog, quiet
from crm2odoo.config import config_template
from crm2odoo.errors import ProjectError
from crm2odoo.ledger.db import Ledger
from crm2odoo.mapping.spec import MappingSpec, load_spec, save_spec
from crm2odoo.project import Project
from crm2odoo.report import render
from crm2odoo.sources.base import Catalog
from crm2odoo.sources.catalog import save_catalog
from crm2odoo.validate.approvable import save_schema_snapshot


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


def discover(root: Path, *, events: Events = quiet) -> DiscoveryInfo:
    ctx = open_context(root)
    try:
        source = ctx.source()
        what = "reading the source: objects, fields, and the records of each counted"
        events("waiting", what=what)
        try:
            catalog = source.discover()
        finally:
            events("waiting_done", what=what)
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


@dataclass
class PlanInfo:
    spec: MappingSpec
    review: str
    path: Path
    kept: int  # lines kept from an earlier map (edited or confirmed)


def plan(root: Path, *, sample_size: int = 200, color: bool = False, events: Events = quiet) -> PlanInfo:
    from crm2odoo.mapping.propose import ProposeOptions, propose
    from crm2odoo.mapping.review import render_review
    from crm2odoo.mapping.values import known_names

    ctx = open_context(root)
    try:
        catalog = project_catalog(ctx)
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
