"""`migrate --sample N`: which records make a sample of whole records."""

from __future__ import annotations

from typing import Any

from crm2odoo.load.order import parts, spec_order
from crm2odoo.mapping.engine import Engine, TargetRecord
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.mapping.transforms import Ref, Refs
from crm2odoo.sources import Source


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
