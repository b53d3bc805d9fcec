"""The review page's actions on one line of the map, applied to a :class:`MappingSpec` (the page saves it through
:func:`crm2odoo.mapping.spec.save_spec`, the code ``plan`` writes the file with).

Every action marks the line the way a hand edit of mapping.yaml should: ``confirmed`` when a person accepted the
proposal, ``edited`` when they changed it, so a later ``crm2odoo plan`` keeps their decision.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from crm2odoo.mapping.spec import NEW_FIELD_TYPES, FieldMap, MappingSpec, NewField, ObjectMap
from crm2odoo.textnorm import slug

#: a custom field name Odoo accepts: x_ then lowercase letters, digits and underscores
_CUSTOM_NAME = re.compile(r"^x_[a-z0-9_]{1,56}$")
#: new field types the page offers (relations need a model picked with care: mapping.yaml is the place for them)
PAGE_FIELD_TYPES = tuple(t for t in NEW_FIELD_TYPES if t not in ("many2one", "many2many"))
ACTIONS = ("accept", "target", "ignore", "restore", "new_field", "value_map")


class EditError(ValueError):
    """An action the page cannot apply; its message is shown to the reviewer as is."""


def find_line(spec: MappingSpec, object_name: str, key: str) -> tuple[ObjectMap, FieldMap]:
    obj = spec.objects.get(object_name)
    if obj is None:
        raise EditError(f"mapping.yaml has no map {object_name!r}")
    line = next((ln for ln in obj.fields if ln.key() == key), None)
    if line is None:
        raise EditError(f"map {object_name} has no line {key!r}")
    return obj, line


def _text(payload: Mapping[str, Any], name: str) -> str:
    value = payload.get(name)
    return "" if value is None else str(value).strip()


def _set_target(obj: ObjectMap, line: FieldMap, payload: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
    target = _text(payload, "target")
    if not target:
        raise EditError("pick an Odoo field")
    if fields and target not in fields:
        raise EditError(f"{obj.model} has no field {target} in this Odoo; create it as a new x_ field instead")
    taken = [ln.key() for ln in obj.fields if ln is not line and not ln.ignore and ln.target == target]
    if taken and target != "id":
        raise EditError(f"{obj.model}.{target} is already filled by {', '.join(taken)}; ignore that line first")
    line.target, line.new_field, line.ignore = target, None, False
    if line.transform == "value_map" and fields and fields[target].get("type") not in ("selection", "many2one"):
        line.transform, line.params = "copy", {}


def _new_field(obj: ObjectMap, line: FieldMap, payload: Mapping[str, Any], fields: Mapping[str, Any],
               options: list[str]) -> None:
    name, kind, label = _text(payload, "name"), _text(payload, "type"), _text(payload, "label")
    if not _CUSTOM_NAME.match(name):
        raise EditError("a new field's name starts with x_ and has only lowercase letters, digits and _")
    if name in fields:
        raise EditError(f"{obj.model} already has a field {name}: pick it as the target instead")
    if kind not in PAGE_FIELD_TYPES:
        raise EditError(f"type must be one of {', '.join(PAGE_FIELD_TYPES)}")
    if not label:
        raise EditError("give the new field a label (what people see in Odoo)")
    choices = [(slug(o) or f"option_{i}", o) for i, o in enumerate(options, 1)] if kind == "selection" else []
    line.target, line.ignore = name, False
    line.new_field = NewField(type=kind, label=label, options=choices)
    if choices:
        line.transform, line.params = "value_map", {"map": {label_: key for key, label_ in choices}}
    elif line.transform == "value_map":
        line.transform, line.params = "copy", {}


def _map_value(raw: str) -> Any:
    """A value-map entry's target: a JSON object merges several fields ({"probability": 100}); else the text."""
    if raw.startswith("{"):
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise EditError(f"the value looks like JSON but is not: {exc.msg}") from None
        if not isinstance(parsed, dict):
            raise EditError("a JSON value must be an object of field: value")
        return parsed
    return raw


def _value_map(line: FieldMap, payload: Mapping[str, Any]) -> None:
    if line.ignore or line.transform != "value_map":
        raise EditError("only a line with the value_map transform has a value map")
    source_value = _text(payload, "source_value")
    if not source_value:
        raise EditError("name the source value the entry maps")
    mapping = dict(line.params.get("map") or {})
    raw = _text(payload, "target_value")
    if raw:
        mapping[source_value] = _map_value(raw)
    else:
        mapping.pop(source_value, None)
    line.params = {**line.params, "map": mapping}


def apply_edit(spec: MappingSpec, payload: Mapping[str, Any], odoo_fields: Mapping[str, Mapping[str, Any]],
               source_options: list[str]) -> FieldMap:
    """Apply one action from the page to ``spec`` in place; returns the line it changed."""
    action = _text(payload, "action")
    if action not in ACTIONS:
        raise EditError(f"unknown action {action!r}")
    obj, line = find_line(spec, _text(payload, "object"), _text(payload, "line"))
    fields = odoo_fields.get(obj.model) or {}
    if action == "accept":
        if line.ignore:
            raise EditError("an ignored line has nothing to accept: restore it or pick a target")
        line.status = "confirmed" if line.status == "proposed" else line.status
        return line
    if action == "target":
        _set_target(obj, line, payload, fields)
    elif action == "ignore":
        line.ignore = True
        line.reason = _text(payload, "reason") or "ignored in the review page"
    elif action == "restore":
        if not line.target:
            raise EditError("this line never had a target: pick one")
        line.ignore = False
    elif action == "new_field":
        _new_field(obj, line, payload, fields, source_options)
    else:
        _value_map(line, payload)
    line.status = "edited"
    return line


__all__ = ["ACTIONS", "PAGE_FIELD_TYPES", "EditError", "apply_edit", "find_line"]
