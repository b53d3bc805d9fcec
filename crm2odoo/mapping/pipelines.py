"""How the plan lays out pipelines and their stages (the loader's side is load/stages.py).

A source with one global stage list (Ontraport's Sales Stage) matches Odoo's own stages by name, so "Won" is
Odoo's "Won" and never a second one beside it; a source whose stages belong to a pipeline keeps one stage per
pipeline (two pipelines may each have a 'Teklif'). What becomes of Odoo's stages no source stage reused is a
choice offered in the plan: ``options.unused_default_stages`` on the stage map.
"""

from __future__ import annotations

from crm2odoo.mapping.spec import ObjectMap

UNUSED_DEFAULT_REASONS = {
    "keep": "Odoo's own stages that no source stage reuses stay as they are (they show in every pipeline)",
    "fold": "Odoo's own stages that no source stage reuses are folded (a collapsed column in every pipeline)",
    "default_team": "Odoo's own stages that no source stage reuses move to Odoo's default 'Sales' team, so the "
                    "migrated pipelines show only their own stages",
}


def settle_stage_map(omap: ObjectMap, source_has_pipelines: bool) -> None:
    """Name matching for a global stage list, and the proposed choice for Odoo's unused stages."""
    per_pipeline = any(not line.ignore and line.target in ("team_id", "team_ids") for line in omap.fields)
    fills_name = any(not line.ignore and line.target == "name" for line in omap.fields)
    if not per_pipeline and fills_name:
        omap.dedupe_fields, omap.match_existing = ["name"], True
        omap.reason += "; an Odoo stage of the same name is reused, never duplicated"
    choice = str(omap.options.setdefault("unused_default_stages",
                                         "default_team" if source_has_pipelines else "fold"))
    if choice not in UNUSED_DEFAULT_REASONS:
        return  # validate names the bad choice
    omap.reason += (f"; unused_default_stages: {choice} ({UNUSED_DEFAULT_REASONS[choice]}; "
                    "other choices: " + ", ".join(c for c in UNUSED_DEFAULT_REASONS if c != choice) + ")")
