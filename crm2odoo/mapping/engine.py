"""Apply the map: SourceRecord -> TargetRecord (Odoo model, external ID, values with symbolic references).

Pure: no Odoo, no ledger. References stay placeholders (Ref, Refs, Lookup, RecordRef) until the loader
resolves them, so the same engine serves validate, dry-run and migrate.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import MappingError, TransformError
from crm2odoo.mapping.spec import FieldMap, MappingSpec, ObjectMap
from crm2odoo.mapping.transforms import (
    TRANSFORMS,
    Derived,
    Lookup,
    Merge,
    RecordRef,
    Ref,
    Refs,
    TransformContext,
)
from crm2odoo.sources.base import SourceRecord
from crm2odoo.textnorm import fold

XMLID_MODULE = "crm2odoo"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def safe_id(source_id: str) -> str:
    """Make a source id usable in an external ID, reversibly: unsafe characters become _xx (hex)."""
    return _UNSAFE.sub(lambda m: "_" + m.group(0).encode().hex(), source_id.replace("_", "_5f"))


def xmlid_name(system: str, map_name: str, source_id: str) -> str:
    return f"{system}_{map_name}_{safe_id(source_id)}"


def xmlid_for(system: str, map_name: str, source_id: str) -> str:
    """``crm2odoo.<system>_<object>_<source id>``, e.g. ``crm2odoo.ontraport_contact_1234``."""
    return f"{XMLID_MODULE}.{xmlid_name(system, map_name, source_id)}"


@dataclass(frozen=True)
class RecordProblem:
    field: str | None
    value: str | None
    message: str
    policy: str  # what happened: set_empty | skip | quarantine | stop | warning


@dataclass
class TargetRecord:
    map_name: str
    source_id: str
    model: str
    xmlid: str
    vals: dict[str, Any]
    locator: str = ""
    problems: list[RecordProblem] = field(default_factory=list)
    outcome: str = "ok"  # ok | skip | quarantine

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(self.vals, sort_keys=True, default=_placeholder_json, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]

    def refs(self) -> Iterator[Ref]:
        """Every record this one points to (for load order, sampling parents and link checks)."""
        for value in self.vals.values():
            yield from _refs_in(value)


def _refs_in(value: Any) -> Iterator[Ref]:
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, Refs):
        yield from (Ref(value.object, sid) for sid in value.source_ids)
    elif isinstance(value, RecordRef):
        yield from value.candidates
    elif isinstance(value, Lookup) and value.within is not None:
        yield from _refs_in(value.within[1])


def _placeholder_json(value: Any) -> Any:
    if isinstance(value, Ref | Refs | Lookup | RecordRef):
        return {type(value).__name__: repr(value)}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def derived_message(field_name: str, basis: str) -> str:
    """The warning of a value the tool made (a contact named by its e-mail): the reports list these."""
    return f"no {field_name} in the source: {field_name} made from its {basis}"


def is_derived(message: str) -> bool:
    return message.startswith("no ") and " in the source: " in message and " made from its " in message


_SEVERITY = {"set_empty": 0, "skip": 1, "quarantine": 2, "stop": 3}


class Engine:
    """Transforms records of one map. Construct once per run; ``transform`` is thread-safe (no state)."""

    def __init__(self, spec: MappingSpec, ctx: TransformContext | None = None) -> None:
        self.spec = spec
        self.ctx = ctx or TransformContext()
        for obj in spec.objects.values():
            for line in obj.fields:
                if not line.ignore and line.transform not in TRANSFORMS:
                    raise MappingError(
                        f"mapping.yaml: objects.{obj.name}: unknown transform {line.transform!r} for {line.key()}",
                        hint="known transforms: " + ", ".join(sorted(TRANSFORMS)),
                    )

    def maps_for(self, source_object: str) -> list[ObjectMap]:
        return [o for o in self.spec.enabled_objects() if o.source_object == source_object]

    @staticmethod
    def applies(obj: ObjectMap, record: SourceRecord) -> bool:
        if not obj.where:
            return True
        for key, allowed in obj.where.items():
            value = record.values.get(key)
            values = value if isinstance(value, list) else [value]
            wanted = {fold(str(a)) for a in allowed}
            if not any(v is not None and fold(str(v)) in wanted for v in values):
                return False
        return True

    def transform(self, obj: ObjectMap, record: SourceRecord) -> TargetRecord:
        target = TargetRecord(
            map_name=obj.name,
            source_id=record.id,
            model=obj.model,
            xmlid=xmlid_for(self.spec.system, obj.name, record.id),
            vals={},
            locator=record.locator,
        )
        # each line's sources, built once per record (a property that makes a list; a big run calls it millions
        # of times)
        lines = [(line, line.sources) for line in obj.fields if not line.ignore]
        mapped_sources = {s for _, sources in lines for s in sources}
        bad_fields: dict[str, str] = {}
        for problem in record.problems:
            if problem.field is None:
                target.problems.append(RecordProblem(None, problem.raw or None, problem.message, "quarantine"))
            elif problem.field in mapped_sources:
                bad_fields[problem.field] = problem.message
        target.vals.update(obj.constants)
        for line, sources in lines:
            if line.target:
                self._apply_line(obj, line, sources, record, target, bad_fields)
        worst = max((_SEVERITY.get(p.policy, -1) for p in target.problems), default=-1)
        if worst >= _SEVERITY["stop"]:
            first = next(p for p in target.problems if p.policy == "stop")
            raise TransformError(
                f"{record.locator or obj.name + ' ' + record.id}: {first.field}: {first.message}"
                f" (policy stop in mapping.yaml objects.{obj.name})",
                field=first.field, value=first.value,
            )
        if worst == _SEVERITY["quarantine"]:
            target.outcome = "quarantine"
        elif worst == _SEVERITY["skip"]:
            target.outcome = "skip"
        return target

    def _apply_line(self, obj: ObjectMap, line: FieldMap, sources: list[str], record: SourceRecord,
                    target: TargetRecord, bad_fields: dict[str, str]) -> None:
        assert line.target is not None
        policy = line.on_error or obj.on_error
        broken = [s for s in sources if s in bad_fields] if bad_fields else None
        if broken:
            raw = record.values.get(broken[0])
            target.problems.append(RecordProblem(broken[0], None if raw is None else str(raw)[:200],
                                                 bad_fields[broken[0]], policy))
            if policy == "set_empty":
                target.vals[line.target] = None
            return
        get = record.values.get
        values = [get(s) for s in (line.reads if line.params.get("fallbacks") else sources)]
        try:
            result = TRANSFORMS[line.transform](values, line.params, self.ctx)
        except TransformError as exc:
            shown = exc.value if exc.value is not None else (values[0] if values else None)
            target.problems.append(RecordProblem(
                "+".join(line.sources) or line.target, None if shown is None else str(shown)[:200],
                f"{exc.message} (-> {line.target}, transform {line.transform})", policy,
            ))
            if policy == "set_empty":
                target.vals[line.target] = None
            return
        except (KeyError, TypeError, ValueError) as exc:
            raise MappingError(
                f"mapping.yaml: objects.{obj.name}: line {line.key()} -> {line.target}: transform {line.transform} "
                f"cannot run with params {line.params}: {exc}",
                hint="fix the line's params",
            ) from None
        if isinstance(result, Derived):
            target.vals[line.target] = result.value
            target.problems.append(RecordProblem(line.target, result.value[:200],
                                                 derived_message(line.target, result.basis), "warning"))
        elif isinstance(result, Merge):
            target.vals.update(result.vals)
        elif isinstance(result, list) and result and all(isinstance(r, Merge) for r in result):
            for merge in result:
                target.vals.update(merge.vals)
        else:
            target.vals[line.target] = result
