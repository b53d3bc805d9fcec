"""`automations` and the inventory's rebuild guide: each source rule's Odoo equivalent, and drafts in Odoo."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.api.context import Context, Events, open_context, project_catalog, quiet, writing
from crm2odoo.automations.drafts import DraftResult, DraftWriter
from crm2odoo.automations.guide import describe, proposals, rebuild_guide, rule_rows, source_note
from crm2odoo.automations.resolve import MapResolver
from crm2odoo.automations.translate import Proposal
from crm2odoo.mapping.spec import MappingSpec, load_spec
from crm2odoo.sources.base import Catalog


@dataclass
class AutomationsInfo:
    """The plan (every rule's proposal) and, with ``--draft``, what became of each draft in Odoo."""

    rules: list[dict[str, Any]]
    drafts: list[DraftResult] = field(default_factory=list)
    run_id: int | None = None

    def asdict(self) -> dict[str, Any]:
        return {"rules": self.rules, "drafts": [asdict(d) for d in self.drafts], "run_id": self.run_id}

    def lines(self) -> list[str]:
        """What `crm2odoo automations` prints: each rule clause by clause, then what became of each draft."""
        out: list[str] = []
        for rule in self.rules:
            out.append(f"rule {rule['rule_id']} {rule['name']}: {rule['coverage_words']}")
            for clause in rule["clauses"]:
                outcome = clause["outcome"] if clause["outcome"] != "manual" else "NOT translatable"
                said = clause["odoo"] or clause["note"]
                out.append(f"  {clause['part']:<9} {clause['source']}: {outcome}" + (f": {said}" if said else ""))
        if self.run_id is None:
            return [*out, "plan only: nothing was sent to Odoo (`crm2odoo automations --draft` creates the drafts, "
                          "inactive)"]
        out += [f"draft for rule {d.rule_id} {d.name}: {d.fate.replace('_', ' ')}"
                + (f" (base.automation {d.odoo_id})" if d.odoo_id else "") + (f": {d.detail}" if d.detail else "")
                for d in self.drafts]
        return [*out, f"run {self.run_id}: drafts are inactive; review them in Odoo (Settings > Technical > "
                      "Automation Rules) and switch them on; `crm2odoo rollback --run N` removes them"]


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
    guide = rebuild_guide(rule_rows(catalog.inventory), MapResolver(spec, ctx.ledger), _major(spec))
    return {**guide, "note": source_note(catalog.source_kind)}


def automations(root: Path, *, draft: bool = False, events: Events = quiet) -> AutomationsInfo:
    """Every rule's Odoo equivalent; with ``draft`` the translatable ones created in Odoo as inactive drafts."""
    ctx = open_context(root)
    try:
        catalog = project_catalog(ctx)
        spec = _spec_if_any(ctx)
        rows = rule_rows(catalog.inventory)
        major = ctx.schema.major if draft else _major(spec)
        planned: list[Proposal] = proposals(rows, MapResolver(spec, ctx.ledger), major)
        info = AutomationsInfo([describe(p, row.get("enrolled_count")) for p, row in zip(planned, rows, strict=True)])
        if not draft:
            return info
        with writing(ctx, "automations", events):
            run_id = ctx.ledger.start_run("automations", mapping_hash=None, options={"draft": True})
            try:
                info.drafts = DraftWriter(ctx.client, ctx.ledger, run_id, spec.system if spec else "ontraport"
                                          ).write(planned)
            except BaseException:
                ctx.ledger.finish_run(run_id, "failed")
                raise
            info.run_id = run_id
            ctx.ledger.finish_run(run_id, "done", {"drafts": {d.rule_id: d.fate for d in info.drafts}})
        return info
    finally:
        ctx.close()
