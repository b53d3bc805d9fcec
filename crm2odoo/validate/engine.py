"""Validate every transformed record against the live Odoo schema and the map, before anything is loaded.

Checks: target fields exist (or are planned as new x_ fields), required fields are present, selection values
are valid keys, text fits the field size, references resolve (to a record of the source that will be loaded,
or one already in Odoo), lookups find their record, values transform (emails, phones, dates, numbers), and
records that share a dedupe key. Each finding names the object, source id, file/row, field, value and a fix;
the object's ``on_error`` policy in the map says what migrate will do with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.load.context import no_events
from crm2odoo.load.payments import INVOICE_FIELD
from crm2odoo.load.stages import UNUSED_DEFAULT_CHOICES
from crm2odoo.load.strategies import creates_records, map_problems
from crm2odoo.mapping.engine import Engine, TargetRecord
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.mapping.transforms import Lookup, RecordRef, Ref, Refs
from crm2odoo.models import ACTIONS
from crm2odoo.progress import run_plan
from crm2odoo.sources.base import Source
from crm2odoo.textnorm import fold
from crm2odoo.validate.grouping import group_findings
from crm2odoo.validate.runnable import param_problems, required_fields
from crm2odoo.verdict import Tolerance

#: object options the loader implements
SUPPORTED_OPTIONS = {"match_only", "apply_tags", "actions", "register_payments", "aggregate", "unused_default_stages"}
Events = Callable[..., None]


@dataclass
class Finding:
    object: str
    source_id: str
    locator: str
    field: str | None
    value: str | None
    severity: str  # error | warning
    kind: str  # transform | required | selection | size | reference | lookup | unknown_field | duplicate | row
    message: str
    fix: str
    action: str  # what migrate will do: quarantine | skip | stop | set_empty | load

    def asdict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ObjectValidation:
    name: str
    model: str
    records: int = 0
    valid: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    policy: str = "quarantine"


@dataclass
class ValidationInfo:
    objects: list[ObjectValidation]
    findings: list[Finding] = field(default_factory=list)
    schema_problems: list[str] = field(default_factory=list)
    tolerance: Tolerance = field(default_factory=Tolerance)

    @property
    def stops(self) -> bool:
        """True when migrate would stop: a schema problem, or an error in an object whose policy is stop."""
        return bool(self.schema_problems) or any(f.severity == "error" and f.action == "stop" for f in self.findings)

    @property
    def would_quarantine(self) -> dict[str, int]:
        """object -> records migrate would quarantine (errors under the object's quarantine policy)."""
        out: Counter[str] = Counter()
        seen: set[tuple[str, str]] = set()
        for f in self.findings:
            if f.severity == "error" and f.action == "quarantine" and (f.object, f.source_id) not in seen:
                seen.add((f.object, f.source_id))
                out[f.object] += 1
        return dict(out)

    @property
    def records(self) -> int:
        return sum(o.records for o in self.objects)

    @property
    def over_tolerance(self) -> bool:
        """A run would leave more quarantined records than migration.max_quarantine allows."""
        return not self.tolerance.allows(sum(self.would_quarantine.values()), self.records)

    @property
    def ok(self) -> bool:
        return not self.stops and not self.over_tolerance

    def asdict(self) -> dict[str, Any]:
        kinds = Counter(f.kind for f in self.findings if f.severity == "error")
        return {"stops": self.stops, "ok": self.ok, "would_quarantine": self.would_quarantine,
                "records": self.records, "over_tolerance": self.over_tolerance,
                "max_quarantine": self.tolerance.describe(), "schema_problems": self.schema_problems,
                "objects": [o.__dict__ for o in self.objects], "errors_by_kind": dict(kinds),
                "findings": [f.asdict() for f in self.findings[:5000]], "findings_total": len(self.findings),
                "finding_groups": [g.asdict() for g in group_findings(f.asdict() for f in self.findings)]}


#: validate reads without batches: it tells how far it is every this many records
PROGRESS_EVERY = 200


def check_map(spec: MappingSpec, odoo_fields: Mapping[str, Mapping[str, Mapping[str, Any]]],
              odoo_models: set[str]) -> list[str]:
    """Problems in the map itself, found without reading a record (run at the start of every migrate)."""
    problems: list[str] = []
    for obj in spec.enabled_objects():
        creates_model = bool(obj.new_model) or obj.model.startswith("x_")
        if obj.model not in odoo_models and not creates_model:
            problems.append(f"objects.{obj.name}: model {obj.model} is not installed in this Odoo "
                            "(install its app, or set enabled: false)")
            continue
        fields = odoo_fields.get(obj.model, {})
        problems.extend(param_problems(obj))
        problems.extend(_option_problems(obj))
        # what the map must hold depends on how its records are loaded: each strategy checks its own
        problems.extend(map_problems(obj, fields, creates_model))
    return problems


def _option_problems(obj: ObjectMap) -> list[str]:
    """Options this crm2odoo does not know, and known options with a value it cannot act on."""
    problems: list[str] = []
    unsupported = sorted(set(obj.options) - SUPPORTED_OPTIONS)
    if unsupported:
        problems.append(f"objects.{obj.name}: options {', '.join(unsupported)} are not supported by this "
                        "crm2odoo (remove them, or set enabled: false)")
    stage_choice = obj.options.get("unused_default_stages")
    if stage_choice is not None and (obj.model != "crm.stage" or stage_choice not in UNUSED_DEFAULT_CHOICES):
        problems.append(f"objects.{obj.name}: options.unused_default_stages: {stage_choice!r} must be one of "
                        f"{', '.join(UNUSED_DEFAULT_CHOICES)}, on a crm.stage map")
    for action in obj.options.get("actions") or []:
        if not isinstance(action, dict) or action.get("call") not in ACTIONS:
            problems.append(f"objects.{obj.name}: options.actions: {action!r} is not one of "
                            f"{', '.join(sorted(ACTIONS))} (with an optional when: {{source field: [values]}})")
    return problems


class Validator:
    def __init__(self, spec: MappingSpec, engine: Engine, source: Source,
                 odoo_fields: Mapping[str, Mapping[str, Mapping[str, Any]]],
                 lookup: Callable[[Lookup], int | None], landed: Callable[[str], Mapping[str, int]]) -> None:
        self.spec, self.engine, self.source = spec, engine, source
        self.odoo_fields, self.lookup, self.landed = odoo_fields, lookup, landed
        self._source_ids: dict[str, set[str]] = {}
        self._source_names: dict[str, set[str]] = {}

    def source_ids(self, map_name: str) -> set[str]:
        if map_name not in self._source_ids:
            obj = self.spec.objects.get(map_name)
            self._source_ids[map_name] = set(self.source.list_ids(obj.source_object)) if obj else set()
        return self._source_ids[map_name]

    def run(self, models: set[str], *, events: Events | None = None,
            totals: Mapping[str, int | None] | None = None) -> ValidationInfo:
        """Every enabled map's records checked. ``events`` hears ``run_plan``, then per map ``object_start``,
        ``object_progress`` every ``PROGRESS_EVERY`` records met and ``validated``; ``totals``: records expected."""
        info = ValidationInfo(objects=[], schema_problems=check_map(self.spec, self.odoo_fields, models))
        totals = totals or {}
        tell = events or no_events
        objects = self.spec.enabled_objects()
        tell("run_plan", **run_plan(objects, totals))
        for obj in objects:
            result = ObjectValidation(obj.name, obj.model, policy=obj.on_error)
            info.objects.append(result)
            keys: dict[str, str] = {}
            total = totals.get(obj.name)
            tell("object_start", name=obj.name, model=obj.model, total=total)
            for met, record in enumerate(self.source.read(obj.source_object), start=1):
                if met % PROGRESS_EVERY == 0:
                    # a map with where counts the records it takes: its part of an object maps split
                    tell("object_progress", name=obj.name, done=result.records if obj.where else met, total=total, quarantined=result.with_errors,
                         blocked=0)
                if not self.engine.applies(obj, record):
                    continue
                result.records += 1
                findings = self.check(obj, self.engine.transform(obj, record), keys)
                info.findings.extend(findings)
                if any(f.severity == "error" for f in findings):
                    result.with_errors += 1
                else:
                    result.valid += 1
                    if findings:
                        result.with_warnings += 1
            tell("validated", result=result)
        return info

    def check(self, obj: ObjectMap, target: TargetRecord, keys: dict[str, str]) -> list[Finding]:
        out: list[Finding] = []

        def add(field_name: str | None, value: Any, severity: str, kind: str, message: str, fix: str,
                action: str | None = None) -> None:
            shown = None if value is None else str(value)[:200]
            out.append(Finding(obj.name, target.source_id, target.locator, field_name, shown, severity, kind,
                               message, fix, action or (obj.on_error if severity == "error" else "load")))

        for p in target.problems:
            if p.policy == "set_empty":
                add(p.field, p.value, "warning", "transform", p.message, "fix the value in the source, or leave it empty",
                    "set_empty")
            elif p.policy == "warning":
                add(p.field, p.value, "warning", "derived", p.message,
                    "nothing, if the value made is right; otherwise fill it in the source", "load")
            else:
                add(p.field, p.value, "error", "row" if p.field is None else "transform", p.message,
                    "fix the value in the source, or change the line's transform or on_error in mapping.yaml",
                    p.policy)
        fields = self.odoo_fields.get(obj.model, {})
        planned = {line.target: line.new_field for line in obj.fields if line.new_field is not None}
        for name, value in target.vals.items():
            meta = fields.get(name)
            if meta is None and name not in planned:
                if not obj.model.startswith("x_"):
                    add(name, None, "error", "unknown_field", f"{obj.model} has no field {name}",
                        "map the line to an existing field, or plan a new_field")
                continue
            self._check_value(obj, name, value, meta or {}, planned.get(name), add)
        present = {n for n, v in target.vals.items() if v not in (None, "", [])}
        present |= {v.model_field for v in target.vals.values() if isinstance(v, RecordRef)}
        # users are matched, tags and totals go onto partners that exist: none creates a record of its own
        required = self._required(obj) if creates_records(obj.load_kind) else set()
        for name in sorted(required - present):
            add(name, None, "error", "required", f"Odoo requires {name} and this record has no value for it",
                "fill it in the source, map another field to it, or add a constant in mapping.yaml")
        if obj.dedupe_fields:
            parts = [target.vals.get(f) for f in obj.dedupe_fields]
            if all(p not in (None, "") for p in parts):
                key = "\x1f".join(fold(str(p)) for p in parts)
                first = keys.setdefault(key, target.source_id)
                if first != target.source_id:
                    add(obj.dedupe_fields[0], parts[0], "warning", "duplicate",
                        f"same {', '.join(obj.dedupe_fields)} as {obj.name} {first}: it will be merged into that one",
                        "nothing, if they are the same; otherwise make the value distinct in the source", "merge")
        return out

    def _required(self, obj: ObjectMap) -> set[str]:
        if obj.load_kind == "payments":
            return {INVOICE_FIELD}
        return required_fields(obj.model, self.odoo_fields.get(obj.model, {}))

    def _check_value(self, obj: ObjectMap, name: str, value: Any, meta: Mapping[str, Any], planned: Any,
                     add: Callable[..., None]) -> None:
        if value is None:
            return
        kind = planned.type if planned is not None else meta.get("type")
        if kind == "selection" and not isinstance(value, Ref | Lookup):
            keys = {k for k, _ in planned.options} if planned is not None else {str(k) for k, _ in meta.get("selection") or []}
            if keys and str(value) not in keys:
                add(name, value, "error", "selection", f"{value!r} is not a choice of {name}",
                    f"map it to one of: {', '.join(sorted(keys))} (value_map in mapping.yaml)")
        size = meta.get("size")
        if size and isinstance(value, str) and len(value) > int(size):
            add(name, value[:40], "error", "size", f"longer than the field's {size} characters",
                "shorten it in the source, or map it to a text field")
        if isinstance(value, Ref):
            self._check_ref(value, name, add)
        elif isinstance(value, Refs):
            for sid in value.source_ids:
                self._check_ref(Ref(value.object, sid), name, add, severity="warning")
        elif isinstance(value, RecordRef):
            if not any(self._resolvable(c) for c in value.candidates):
                shown = ", ".join(f"{c.object} {c.source_id}" for c in value.candidates)
                add(name, shown, "error", "reference", f"belongs to {shown}, which is neither in the source nor in Odoo",
                    "check the link in the source; the record would have nowhere to go")
        elif isinstance(value, Lookup) and not value.create and value.within is None and self.lookup(value) is None:
            add(name, value.value, "warning", "lookup", f"no {value.model} matches {value.value!r}; it will be left empty",
                f"correct the value, or map it with a value_map to an existing {value.model}")

    def _resolvable(self, ref: Ref) -> bool:
        if ref.by == "name":
            return fold(ref.source_id) in self.source_names(ref.object)
        return ref.source_id in self.landed(ref.object) or ref.source_id in self.source_ids(ref.object)

    def source_names(self, map_name: str) -> set[str]:
        """Folded names the map's records will have in Odoo (what a link by name is resolved against)."""
        if map_name not in self._source_names:
            obj = self.spec.objects.get(map_name)
            names: set[str] = set()
            for record in self.source.read(obj.source_object) if obj else ():
                if obj is not None and self.engine.applies(obj, record):
                    name = self.engine.transform(obj, record).vals.get("name")
                    if isinstance(name, str) and name.strip():
                        names.add(fold(name))
            self._source_names[map_name] = names
        return self._source_names[map_name]

    def _check_ref(self, ref: Ref, name: str, add: Callable[..., None], severity: str = "error") -> None:
        if not self._resolvable(ref):
            add(name, ref.source_id, severity, "reference",
                f"points to {ref.object} {ref.source_id}, which is neither in the source nor in Odoo",
                "fix the link in the source, or set the line's on_error to set_empty",
                None if severity == "error" else "load without that link")
