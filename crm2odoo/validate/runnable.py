"""Whether a map can run at all, judged without reading a record: the rule ``plan``, ``approve``, ``validate`` and
``migrate`` share.

Two questions, each answered from the map and the live schema alone:

* **Required targets.** Every field Odoo requires on a model (and does not fill itself) needs a line, a constant
  or a record link that fills it. What is missing is phrased as the question a person answers ("which column links
  each task to its record?").
* **Transform parameters.** Every line's transform must accept its params: the line is tried on a stand-in value,
  and the params each transform reads are checked for shape. A line that fails here would stop ``migrate`` at its
  first record.

Light on purpose (no loader, no Odoo client): the proposer imports it to mark what it could not fill.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from crm2odoo.errors import TransformError
from crm2odoo.mapping.spec import FieldMap, ObjectMap
from crm2odoo.mapping.transforms import TRANSFORMS, TransformContext
from crm2odoo.models import odoo_model

FieldsGet = Mapping[str, Mapping[str, Mapping[str, Any]]]

#: fields that say which record a note, activity or attachment belongs to
_LINK_FIELDS = frozenset({"res_model_id", "res_model", "model", "res_id"})


def filled_by(obj: ObjectMap) -> set[str]:
    """Every Odoo field a map can fill: targets, constants, record_ref model fields, value-map merges."""
    out = {line.target for line in obj.fields if not line.ignore and line.target} | set(obj.constants)
    for line in obj.fields:
        if line.ignore:
            continue
        if line.transform == "record_ref":
            out.add(str(line.params.get("model_field", "model")))
        if line.transform == "end":
            out.add("stop")  # a meeting's start and end come from one line
        if line.transform == "value_map" and isinstance(line.params.get("map"), Mapping):
            for target in line.params["map"].values():
                if isinstance(target, dict):
                    out.update(target)
    return out


def required_fields(model: str, fields: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """What Odoo refuses a record of ``model`` without, less what it fills itself."""
    record = odoo_model(model)
    needed = {n for n, m in fields.items() if m.get("required") and m.get("store", True)
              and not m.get("readonly")} - record.required_filled_by_odoo
    return needed | record.required_by_constraint


def needs_required(obj: ObjectMap) -> bool:
    """Maps that create records of their own (not matching users, tagging partners or adding up totals)."""
    creates_model = bool(obj.new_model) or obj.model.startswith("x_")
    return not creates_model and obj.load_kind in ("records", "chatter")


def unfilled_required(obj: ObjectMap, fields: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Required Odoo fields of the map's model that no line, constant or record link fills, sorted."""
    if not needs_required(obj):
        return []
    return sorted(required_fields(obj.model, fields) - filled_by(obj))


def required_question(obj: ObjectMap, name: str, meta: Mapping[str, Any]) -> str:
    """'Odoo requires mail.activity.res_model_id: which column links each task to its record?'"""
    what = obj.source_object.replace("_", " ")
    label = str(meta.get("string") or name)
    kind = str(meta.get("type") or "")
    if name in _LINK_FIELDS:
        ask = f"which column links each {what} to its record (the record's kind and id)?"
    elif kind in ("date", "datetime"):
        ask = f"which column holds each {what}'s {label.lower()} (a date{' and time' if kind == 'datetime' else ''})?"
    elif kind in ("many2one", "many2many"):
        ask = f"which column names each {what}'s {label.lower()} ({meta.get('relation') or 'a linked record'})?"
    else:
        ask = f"which column fills each {what}'s {label.lower()}? (or add a constant)"
    return f"Odoo requires {obj.model}.{name}: {ask}"


# -- transform parameters ------------------------------------------------------------------------------------------
def _text(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    return None if value is None or isinstance(value, str) else f"params.{key} must be text, not {value!r}"


def _check_ref(params: Mapping[str, Any]) -> str | None:
    obj = params.get("object")
    return None if isinstance(obj, str) and obj else "params.object must name the source object it links to"


def _check_lookup(params: Mapping[str, Any]) -> str | None:
    if not isinstance(params.get("model"), str) or not params.get("model"):
        return "params.model must name the Odoo model to search"
    by = params.get("by", ["name"])
    if not isinstance(by, list | tuple) or not by or not all(isinstance(b, str) for b in by):
        return "params.by must list the fields to search by (or 'xmlid')"
    return _text(params, "format") or _text(params, "within")


def _check_record_ref(params: Mapping[str, Any]) -> str | None:
    objects = params.get("objects")
    if not isinstance(objects, list | tuple) or not objects or not all(isinstance(o, str) and o for o in objects):
        return "params.objects must list the source objects a record may belong to"
    return _text(params, "model_field")


def _check_value_map(params: Mapping[str, Any]) -> str | None:
    mapping = params.get("map")
    return None if isinstance(mapping, Mapping) else "params.map must be a table of source value -> Odoo value"


def _check_number(params: Mapping[str, Any]) -> str | None:
    return None if params.get("decimal", ".") in (".", ",") else "params.decimal must be '.' or ','"


def _check_dates(params: Mapping[str, Any]) -> str | None:
    problem = _text(params, "format") or _text(params, "tz")
    if problem is None and params.get("tz"):
        try:
            ZoneInfo(str(params["tz"]))
        except (KeyError, ValueError):
            return f"params.tz {params['tz']!r} is not a time zone"
    return problem


def _check_phone(params: Mapping[str, Any]) -> str | None:
    country = params.get("default_country")
    ok = country is None or (isinstance(country, str) and len(country) == 2 and country.isalpha())
    return None if ok else "params.default_country must be a two-letter country code"


def _check_split(params: Mapping[str, Any]) -> str | None:
    problem = _text(params, "sep")
    if problem is None and not isinstance(params.get("index", 0), int):
        return "params.index must be a whole number"
    return problem


def _check_template(params: Mapping[str, Any]) -> str | None:
    fmt = params.get("format", "{0}")
    if not isinstance(fmt, str):
        return "params.format must be text such as '{0} ({1})'"
    try:
        list(string.Formatter().parse(fmt))
    except ValueError as exc:
        return f"params.format {fmt!r} is not a valid template ({exc})"
    return None


_CHECKS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "ref": _check_ref, "refs": _check_ref, "lookup": _check_lookup, "record_ref": _check_record_ref,
    "value_map": _check_value_map, "number": _check_number, "taxes": _check_number, "date": _check_dates,
    "datetime": _check_dates, "phone": _check_phone, "split": _check_split,
    "join": lambda p: _text(p, "sep") or _text(p, "split"),
    "template": _check_template,
}
_PROBE = "1"  # a stand-in value every transform either takes or refuses as a value (never as a param)


def line_problem(line: FieldMap) -> str | None:
    """Why ``line``'s transform cannot run with its params, or None when it can."""
    if line.ignore or not line.target:
        return None
    run = TRANSFORMS.get(line.transform)
    if run is None:
        return f"unknown transform {line.transform!r} (known: {', '.join(sorted(TRANSFORMS))})"
    if not isinstance(line.params, Mapping):
        return "params must be a table"
    check = _CHECKS.get(line.transform)
    problem = check(line.params) if check else None
    if problem:
        return problem
    if line.transform == "template" and line.sources:
        try:
            str(line.params.get("format", "{0}")).format(*[""] * len(line.sources))
        except (IndexError, KeyError) as exc:
            return f"params.format names a value the line does not have ({exc}); it has {len(line.sources)}"
    try:
        run([_PROBE] * max(1, len(line.sources)), line.params, TransformContext())
    except TransformError:
        return None  # the stand-in is refused as a value: the params themselves are fine
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        return f"fails on any value ({type(exc).__name__}: {exc})"
    return None


def param_problems(obj: ObjectMap) -> list[str]:
    """One line per map line whose transform cannot run: 'objects.card: tags -> tag_ids: transform refs ...'."""
    out: list[str] = []
    for line in obj.fields:
        problem = line_problem(line)
        if problem:
            out.append(f"objects.{obj.name}: {line.key()} -> {line.target}: transform {line.transform} cannot run "
                       f"with params {dict(line.params) if isinstance(line.params, Mapping) else line.params}: "
                       f"{problem}")
    return out




def mark_unfilled(maps: Mapping[str, ObjectMap], odoo_fields: FieldsGet) -> None:
    """Say on each proposed map what Odoo requires and nothing fills, as the question to answer; such a map is a
    review item (low confidence) and approve refuses it until a line fills the field."""
    for omap in maps.values():
        if not omap.enabled:
            continue
        fields = odoo_fields.get(omap.model) or {}
        missing = unfilled_required(omap, fields)
        if not missing:
            continue
        questions = "; ".join(q for name in missing
                              if (q := required_question(omap, name, fields.get(name, {}))) not in omap.reason)
        if questions:
            omap.reason = f"{omap.reason}; needs attention: {questions}" if omap.reason else f"needs attention: {questions}"
        omap.confidence = min(omap.confidence, 0.5)


__all__ = ["filled_by", "line_problem", "mark_unfilled", "param_problems",
           "required_fields", "required_question", "unfilled_required"]


def line_problems(obj: ObjectMap, fields: Mapping[str, Mapping[str, Any]], creates_model: bool) -> list[str]:
    """Lines whose target field does not exist, and value maps to a choice the selection does not have."""
    problems: list[str] = []
    for line in obj.fields:
        if line.ignore or not line.target:
            continue
        if line.new_field is None and line.target not in fields and not creates_model:
            problems.append(f"objects.{obj.name}: {line.key()} -> {line.target}: {obj.model} has no field "
                            f"{line.target} (map it elsewhere, or plan it as new_field)")
        meta = fields.get(line.target, {})
        keys = {str(k) for k, _ in meta.get("selection") or []}
        if line.new_field is not None and line.new_field.type == "selection":
            keys = {k for k, _ in line.new_field.options}
        if keys and line.transform == "value_map" and isinstance(line.params.get("map"), Mapping):
            for source_value, target in line.params["map"].items():
                if not isinstance(target, dict) and str(target) not in keys:
                    problems.append(f"objects.{obj.name}: {line.key()}: value {source_value!r} maps to "
                                    f"{target!r}, which is not a choice of {line.target} ({', '.join(sorted(keys))})")
    return problems


def record_map_problems(obj: ObjectMap, fields: Mapping[str, Mapping[str, Any]], creates_model: bool) -> list[str]:
    """A map whose records become records of their own: its lines' targets exist and Odoo's required fields are
    filled."""
    problems = line_problems(obj, fields, creates_model)
    for name in unfilled_required(obj, fields):
        problems.append(f"objects.{obj.name}: {required_question(obj, name, fields.get(name) or {})} "
                        "(no line of the map fills it)")
    return problems
