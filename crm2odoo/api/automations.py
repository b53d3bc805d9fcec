"""`automations` and the inventory's rebuild guide: each source rule's Odoo equivalent, and drafts in Odoo."""

from __future__ import annotations

from typing import Any

from crm2odoo.api.context import Context
from crm2odoo.automations.guide import rebuild_guide, rule_rows
from crm2odoo.automations.resolve import MapResolver
from crm2odoo.mapping.spec import MappingSpec, load_spec
from crm2odoo.sources.base import Catalog


def _spec_if_any(ctx: Context) -> MappingSpec | None:
    return load_spec(ctx.project.mapping_path) if ctx.project.mapping_path.exists() else None


def _major(spec: MappingSpec | None) -> int:
    try:
        return int(str(spec.odoo_version).split(".")[0]) if spec else 18
    except ValueError:
        return 18


def guide_of(ctx: Context, catalog: Catalog) -> dict[str, Any]:
    """The rebuild guide for the catalog's rules, references resolved through the map and the ledger (offline)."""
    spec = _spec_if_any(ctx)
    return rebuild_guide(rule_rows(catalog.inventory), MapResolver(spec, ctx.ledger), _major(spec))
