"""What the links found in the values (:mod:`.links`) become in the map: fields re-typed as links, a parent line
from a kind + id pair, names read by name, and a meeting's end."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from crm2odoo.mapping.links import KindLink, ObjectLinks, describe_kinds, kinds_table
from crm2odoo.mapping.spec import FieldMap, ObjectMap
from crm2odoo.mapping.synonyms import stem, stems
from crm2odoo.models import odoo_model
from crm2odoo.sources.base import ObjectInfo

#: kinds whose records are all partners: a model without res_model/res_id takes them as its partner_id
PARTNER_KINDS = frozenset({"contact", "company"})
_MINUTE_WORDS = frozenset(stem(w) for w in ("minute", "minutes", "min", "dakika", "dk", "minuten"))


def linked_object(obj: ObjectInfo, found: ObjectLinks) -> ObjectInfo:
    """The object as its values describe it: a column whose values are ids or names of another object is a link to
    it, whatever its header or the connector said (and no longer a customer's own text field)."""
    if not found.links:
        return obj
    fields = tuple(replace(fi, type="refs" if link.many else "ref", ref_object=link.object, custom=False)
                   if (link := found.links.get(fi.name)) is not None else fi for fi in obj.fields)
    return replace(obj, fields=fields)


def names_read_by_name(lines: list[FieldMap], found: ObjectLinks) -> None:
    """A link whose values are names reads them as names, whatever field it fills (a new x_ link field too)."""
    for line in lines:
        link = found.links.get(line.source) if isinstance(line.source, str) else None
        if link is not None and link.by == "name" and line.transform == "ref":
            line.params["by"] = "name"


def parent_by_kind(obj: ObjectInfo, model: str, fields: Mapping[str, Mapping[str, Any]], lines: list[FieldMap],
                   kind: KindLink | None) -> list[FieldMap]:
    """A kind column next to an id column (and maybe a name column) names each record's parent: one record_ref
    line (res_model/res_id) replaces what the three columns would have become."""
    if kind is None:
        return lines
    model_field = odoo_model(model).owner_model_field
    target = "res_id"
    if model_field is None and set(kind.objects) <= PARTNER_KINDS and "partner_id" in fields:
        model_field, target = "", "partner_id"  # a card of a person or a company: its customer
    if model_field is None or (model_field and model_field not in fields):
        return lines
    used = {kind.kind_field, kind.id_field} | ({kind.name_field} if kind.name_field else set())
    unseen = {label: o for label, o in kind.unseen.items() if model_field or o in PARTNER_KINDS}
    objects = list(dict.fromkeys([*kind.objects, *kind.fallbacks.values(), *unseen.values()]))
    params: dict[str, Any] = {"objects": objects, "kinds": kinds_table([*unseen.items(), *kind.kinds.items()]),
                              "model_field": model_field}
    if kind.fallbacks:
        params["fallbacks"] = dict(kind.fallbacks)
    if model_field and str(fields[model_field].get("type")) == "many2one":
        params["model_field_kind"] = "ir_model"
    label = {fi.name: fi.label or fi.name for fi in obj.fields}
    line = FieldMap(source=[kind.kind_field, kind.id_field], target=target, transform="record_ref",
                    params=params, confidence=kind.confidence,
                    reason=f"'{label[kind.kind_field]}' names the kind of the record it belongs to "
                           f"({describe_kinds(kind.kinds)}) and '{label[kind.id_field]}' its id: "
                           f"{round(kind.share * 100)}% of {kind.count} sampled pairs resolve"
                           + (f"; also {', '.join(sorted(set(unseen.values())))}, not in the sample"
                              if unseen else ""))
    out: list[FieldMap] = []
    for ln in lines:
        replaced = (ln.target == target and ln.transform in ("record_ref", "ref")) or (
            bool(ln.sources) and set(ln.sources) <= used)
        if not replaced:
            out.append(ln)
        elif line not in out:
            out.append(line)  # where the first of the columns it replaces stood
    if line not in out:
        out.append(line)
    covered = {s for ln in out for s in ln.sources}
    for name in sorted(used - covered, key=[fi.name for fi in obj.fields].index):
        why = "the display name of the record it belongs to" if name == kind.name_field else \
            "read with the parent link"
        out.append(FieldMap(source=name, ignore=True, confidence=0.9, reason=why))
    return out


def meeting_end(obj: ObjectInfo, meeting: ObjectMap) -> None:
    """Odoo needs a meeting's end: without an end column, one line sets start and end from the start column and
    the duration (or an hour), in place of the start and duration lines."""
    targets = {ln.target: ln for ln in meeting.fields if not ln.ignore and ln.target}
    start = targets.get("start")
    if "stop" in targets or start is None or len(start.sources) != 1:
        return
    duration = targets.get("duration")
    if duration is not None and len(duration.sources) != 1:
        duration = None
    params: dict[str, Any] = {k: v for k, v in start.params.items() if k in ("format", "tz")} | {"default_hours": 1}
    why = "an hour after the start (no end or duration column)"
    sources = list(start.sources)
    if duration is not None:
        fi = obj.field(duration.sources[0])
        label = (fi.label or fi.name) if fi is not None else duration.sources[0]
        params["unit"] = "minutes" if set(stems(label)) & _MINUTE_WORDS else "hours"
        why = f"the start plus '{label}' ({params['unit']})"
        sources.append(duration.sources[0])
    line = FieldMap(source=sources if len(sources) > 1 else sources[0], target="start", transform="end",
                    params=params, confidence=min(start.confidence, 0.8), reason=f"{start.reason}; the end is {why}")
    meeting.fields = [line if ln is start else ln for ln in meeting.fields if ln is not duration]


__all__ = ["linked_object", "meeting_end", "names_read_by_name", "parent_by_kind"]
