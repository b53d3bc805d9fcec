"""`validate` and `reconcile`: every transformed record against the live schema before, and what landed after."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crm2odoo.api.approval import require_approval
from crm2odoo.api.context import Context, Events, catalog_totals, open_context, project_spec, quiet, transform_context
from crm2odoo.load.resolve import Resolver
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.report import render
from crm2odoo.sources import Source
from crm2odoo.validate.engine import ValidationInfo, Validator
from crm2odoo.validate.reconcile import ReconcileInfo, Reconciler


def reconcile_with(ctx: Context, spec: MappingSpec, *, spot_check: int, source: Source | None = None,
               only_ids: dict[str, set[str]] | None = None, events: Events = quiet,
               counted: Callable[[int], None] | None = None) -> ReconcileInfo:
    engine = Engine(spec, transform_context(ctx.config))
    own = source is None
    src = ctx.source() if own else source
    try:
        info = Reconciler(ctx.client, ctx.schema, ctx.ledger, spec, engine, src,
                          only_ids=only_ids, events=events, counted=counted).run(spot_check=spot_check)
        info.tolerance = ctx.config.migration.tolerance
        return info
    finally:
        if own and src is not None:
            src.close()


def reconcile(root: Path, *, spot_check: int = 25, events: Events = quiet) -> ReconcileInfo:
    """Counts per object that add up, each difference explained, and N records per object read back."""
    ctx = open_context(root)
    try:
        info = reconcile_with(ctx, project_spec(ctx), spot_check=spot_check, events=events)
        render.write_report(ctx.project.reports_dir, "reconcile", info.asdict(), render.reconcile_markdown(info.asdict()))
        return info
    finally:
        ctx.close()


def validate(root: Path, *, events: Events = quiet) -> ValidationInfo:
    """Check every transformed record against the live Odoo schema and the map; writes reports/validation.*"""
    ctx = open_context(root)
    try:
        spec = project_spec(ctx)
        require_approval(ctx.ledger, spec)
        engine = Engine(spec, transform_context(ctx.config))
        models = {o.model for o in spec.enabled_objects()}
        odoo_fields = ctx.schema.all_fields(sorted(models))
        resolver = Resolver(ctx.client, ctx.schema, ctx.ledger, spec)
        source = ctx.source()
        try:
            info = Validator(spec, engine, source, odoo_fields, resolver.lookup, resolver.ids).run(
                ctx.schema.models(), events=events, totals=catalog_totals(ctx, spec))
        finally:
            source.close()
        info.tolerance = ctx.config.migration.tolerance
        render.write_report(ctx.project.reports_dir, "validation", info.asdict(),
                            render.validation_markdown(info.asdict()))
        return info
    finally:
        ctx.close()
