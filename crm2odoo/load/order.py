"""Load order: a pure dependency graph over object maps, tie-broken by the migration's phase order.

Phase order (the mission's, :mod:`crm2odoo.sources.phases`): schema records (users, teams, stages, tags, lost
reasons) -> companies -> contacts -> deals/leads -> notes and activities -> tasks -> quotes/orders ->
invoices/payments -> custom objects -> attachments; each source's registration puts its objects in a phase.
A map that references another is always loaded after it; a map that references itself (a company's parent
company) has those fields deferred to a second pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crm2odoo.errors import MappingError
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.odoo import versions
from crm2odoo.sources import phases, registry

#: canonical object -> load phase, as the registered sources declare them (crm2odoo/sources/<system>/__init__.py)
PHASE_RANK: Mapping[str, int] = registry.LiveTable({}, registry.load_order)
CUSTOM_RANK = phases.CUSTOM

#: Odoo models whose records are parts of a whole: the field that names the whole and the whole's model. A whole
#: without all its parts is not the record the source has (an invoice's total is the sum of its lines, a board
#: shows its columns, a pipeline its stages), so a sample that brings a whole brings every part of it. Decided by
#: the target models, so it holds whatever the maps are called.
PART_OF: dict[str, tuple[str, str]] = {
    "account.move.line": ("move_id", "account.move"),
    "sale.order.line": ("order_id", "sale.order"),
    "purchase.order.line": ("order_id", "purchase.order"),
    "project.task.type": ("project_ids", "project.project"),
    "crm.stage": ("team_id", "crm.team"),
}


class CycleDetected(MappingError):
    """Maps reference each other in a loop that no deferred field can break."""


def rank(obj: ObjectMap) -> int:
    if obj.source_object.startswith("custom_"):
        return CUSTOM_RANK
    return PHASE_RANK.get(obj.source_object, PHASE_RANK.get(obj.name, phases.UNKNOWN))


def references(obj: ObjectMap) -> set[str]:
    """Map names this map's lines point to (ref/refs/owner/record_ref params)."""
    out: set[str] = set()
    for line in obj.fields:
        if line.ignore:
            continue
        params = line.params
        if line.transform in ("ref", "refs") and params.get("object"):
            out.add(str(params["object"]))
        elif line.transform == "owner":
            out.add(str(params.get("object", "user")))
        elif line.transform == "record_ref":
            out.update(str(o) for o in params.get("objects") or [])
    return out


@dataclass(frozen=True)
class Part:
    """Records of map ``part`` belong to one record of map ``whole``, named by their ``field``."""

    part: ObjectMap
    whole: str
    field: str


def parts(spec: MappingSpec) -> list[Part]:
    """Every (part map, whole map) pair of the enabled maps: a map whose model is a part of another model, with a
    ref line from the field naming the whole to a map of the whole's model."""
    enabled = {o.name: o for o in spec.enabled_objects()}
    out: list[Part] = []
    for obj in enabled.values():
        if obj.model not in PART_OF:
            continue
        field_name, whole_model = PART_OF[obj.model]
        for line in obj.fields:
            whole = enabled.get(str(line.params.get("object") or ""))
            if not line.ignore and line.target in versions.names_across_versions(obj.model, field_name) \
                    and line.transform in ("ref", "refs") and line.target is not None \
                    and whole is not None and whole.model == whole_model and whole.name != obj.name:
                out.append(Part(obj, whole.name, line.target))  # crm.stage's team_ids on 19
    return out


@dataclass(frozen=True)
class LoadStep:
    map: ObjectMap
    depends_on: tuple[str, ...]
    deferred_self: bool  # has references to its own map (second pass)


def order(objects: Iterable[ObjectMap]) -> list[LoadStep]:
    """Topological order of maps (Kahn's algorithm, smallest phase rank first)."""
    maps: Mapping[str, ObjectMap] = {o.name: o for o in objects}
    deps: dict[str, set[str]] = {}
    for name, obj in maps.items():
        deps[name] = {d for d in references(obj) if d in maps and d != name}
    done: list[str] = []
    remaining = dict(deps)
    while remaining:
        ready = sorted((n for n, d in remaining.items() if not d - set(done)), key=lambda n: (rank(maps[n]), n))
        if not ready:
            loop = ", ".join(sorted(remaining))
            raise CycleDetected(f"mapping.yaml: these objects reference each other in a loop: {loop}",
                                hint="set one of the reference lines to ignore, or remove the reference")
        done.append(ready[0])
        del remaining[ready[0]]
    return [LoadStep(maps[n], tuple(sorted(deps[n])), n in references(maps[n])) for n in done]


def spec_order(spec: MappingSpec) -> list[LoadStep]:
    return order(spec.enabled_objects())
