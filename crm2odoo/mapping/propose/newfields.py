"""New x_ fields: their names, types and transforms, reserved once per model across the maps that share it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from crm2odoo.mapping.defaults import OBJECT_MODELS
from crm2odoo.mapping.profile import Profile, date_format
from crm2odoo.mapping.propose.scoring import MAX_X_NAME, NEW_FIELD_CAP, Cand, distinct_values, label_of
from crm2odoo.mapping.propose.state import PlanState
from crm2odoo.mapping.propose.valuemaps import map_to_existing_selection, selection_options
from crm2odoo.mapping.spec import FieldMap, NewField, ObjectMap
from crm2odoo.sources.base import FieldInfo, SourceRecord
from crm2odoo.textnorm import slug

NO_SAMPLES = "text (no sampled values)"


def new_line(st: PlanState, fi: FieldInfo, prof: Profile, recs: Sequence[SourceRecord], model: str,
              fields: Mapping[str, Mapping[str, Any]], avoid: set[str], *, custom: bool, known: bool = False,
              version_name: str | None = None) -> Cand:
    label = label_of(fi)
    ftype, why = new_type(fi, prof)
    if ftype == "":
        return Cand(None, ignore=True, confidence=0.7, reason=why)
    name = reserve(st, model, version_name or x_field_name(label, fi.name), ftype, fields, avoid,
                         weak=why == NO_SAMPLES)
    transform, params = transform_for(ftype, fi, prof, {})
    if version_name and ftype == "char" and transform == "text" and prof.phone >= 0.8:
        transform = "phone"  # a mobile column on a version without mobile: still a phone number
    if transform == "phone":
        region = st.phone_region(fi, recs)[0]
        if region:
            params["default_country"] = region
    options: list[tuple[str, str]] = []
    relation = None
    if ftype == "selection":
        options = selection_options(distinct_values(fi, recs))
        params = {"map": {lbl: key for key, lbl in options}}
        if st.unsampled:
            # the options are what the source declares and the sample holds; a value beyond both is left empty
            # rather than refused (add it to the map and the options to keep it)
            params["default"] = None
            why += f"; values outside the {len(recs)} sampled records are left empty (params.default)"
    if ftype in ("many2one", "many2many"):
        relation = OBJECT_MODELS.get(fi.ref_object or "", "res.partner")
        params = {"object": fi.ref_object}
    existing = fields.get(name)
    nf = None if existing else NewField(type=ftype, label=label[:60], options=options, relation=relation)
    if ftype == "selection" and existing:
        params = {"map": map_to_existing_selection(options, existing)}
    conf = 0.85 if fi.type not in ("text",) else 0.8
    if not custom:
        conf = 0.7 if known else 0.6
    if version_name:
        conf = 0.8
    gap = f"version gap: this Odoo has no {version_name[2:]} on {model}: " if version_name else ""
    return Cand(name, transform, params, new_field=nf, confidence=min(conf, NEW_FIELD_CAP),
                reason=f"{gap}new {ftype} field for {'custom field ' if fi.custom else ''}'{label}'; {why}")


def reserve(st: PlanState, model: str, name: str, ftype: str, fields: Mapping[str, Mapping[str, Any]],
             avoid: set[str], weak: bool = False) -> str:
    planned = st.planned.setdefault(model, {})
    base, n = name, 1
    while True:
        existing = fields.get(name)
        clash = (name in avoid
                 or (existing is not None and not compatible_types(str(existing.get("type")), ftype))
                 or (name in planned and planned[name] != ftype and (model, name) not in st.weak)
                 or (existing is not None and not name.startswith("x_")))
        if not clash:
            if name in planned and planned[name] != ftype:
                st.weak.discard((model, name))
            planned[name] = ftype
            if weak:
                st.weak.add((model, name))
            return name
        n += 1
        suffix = f"_{n}"
        name = base[:MAX_X_NAME - len(suffix)] + suffix


def existing_match(fi: FieldInfo, prof: Profile, fields: Mapping[str, Mapping[str, Any]],
                   recs: Sequence[SourceRecord] | None = None) -> Cand | None:
    """An Odoo field with the same label (or the x_ name this field would get): reuse, don't duplicate."""
    label = label_of(fi)
    want = slug(label)
    x_name = x_field_name(label, fi.name)
    planned_type = new_type(fi, prof)[0]
    for name in sorted(fields):
        meta = fields[name]
        if name in ("id", "display_name", "create_date", "write_date", "create_uid", "write_uid"):
            continue
        same = name == x_name or (name.startswith("x_") and slug(str(meta.get("string", ""))) == want)
        if not same:
            continue
        if not compatible_types(str(meta.get("type")), planned_type):
            continue
        transform, params = transform_for(str(meta.get("type")), fi, prof, meta)
        if meta.get("type") == "selection" and not fi.options and recs is not None:
            # exports declare no options: map the values seen to the existing field's choices
            labels = distinct_values(fi, recs)
            params = {"map": map_to_existing_selection(selection_options(labels), meta)}
            missing = [v for v in labels if v not in params["map"]]
            if missing:
                return Cand(name, transform, params, confidence=0.5,
                             reason=f"'{label}' matches the existing Odoo field {name}, but its choices lack "
                                    f"{', '.join(repr(m) for m in missing[:3])}: add them in Odoo or map them")
        return Cand(name, transform, params, confidence=0.86,
                     reason=f"'{label}' matches the existing Odoo field {name} "
                            f"('{meta.get('string', '')}', {meta.get('type')}); reused, not duplicated")
    return None



def unify_new_fields(maps: Mapping[str, ObjectMap]) -> None:
    """One x_ field per model and label: a guess made without samples follows the one made with them.

    Companies and contacts share res.partner; a custom column empty in the company sheet must not become a
    second field next to the contacts' typed one.
    """
    strong: dict[tuple[str, str], FieldMap] = {}
    weak: list[tuple[str, FieldMap]] = []
    for omap in maps.values():
        for ln in omap.fields:
            if ln.new_field is None or ln.ignore:
                continue
            key = (omap.model, ln.new_field.label)
            if ln.reason.endswith(NO_SAMPLES):
                weak.append((omap.model, ln))
            else:
                strong.setdefault(key, ln)
    for model, ln in weak:
        assert ln.new_field is not None
        other = strong.get((model, ln.new_field.label))
        if other is not None and (other.target, new_type_of(other)) != (ln.target, new_type_of(ln)):
            ln.target, ln.transform, ln.params = other.target, other.transform, dict(other.params)
            ln.new_field = replace(other.new_field) if other.new_field else None
            ln.reason = f"same field as the sampled column elsewhere on {model}: {other.reason}"



def new_type_of(line: FieldMap) -> str:
    return line.new_field.type if line.new_field else ""


def x_field_name(label: str, key: str) -> str:
    base = slug(label) or slug(key) or "field"
    if base[0].isdigit():
        base = f"f_{base}"
    return f"x_{base}"[:MAX_X_NAME].rstrip("_")


def compatible_types(existing: str, planned: str) -> bool:
    if existing == planned:
        return True
    texts = {"char", "text"}
    numbers = {"float", "monetary"}
    # whole numbers fit a float field as they are: reuse it rather than plan a second field beside it
    return (existing in texts and planned in texts) or (existing in numbers and planned in numbers | {"integer"})


def new_type(fi: FieldInfo, prof: Profile) -> tuple[str, str]:
    """(Odoo type, why) for a field that gets its own x_ field; '' means it cannot be stored."""
    t = fi.type
    if t == "binary":
        return "", "binary content is kept only as attachments"
    if t == "select":
        return "selection", f"dropdown with {len(fi.options) or prof.distinct} options"
    if t == "multiselect":
        return "char", "multi-select values joined with ', ' (no fitting tags model)"
    if t == "ref":
        return "many2one", f"link to {fi.ref_object}"
    if t == "refs":
        return "many2many", f"links to {fi.ref_object}"
    direct = {"longtext": "text", "html": "html", "integer": "integer", "float": "float", "percent": "float",
              "money": "monetary", "date": "date", "datetime": "datetime", "boolean": "boolean", "email": "char",
              "phone": "char", "url": "char", "id": "char"}
    if t in direct:
        extra = "identifier kept as text (leading zeros)" if t == "id" else f"source type {t}"
        return direct[t], extra
    if prof.empty:
        return "char", NO_SAMPLES
    if prof.separator:
        return "char", f"lists of values separated by {prof.separator!r}, kept as one text joined with ', '"
    if prof.html > 0.2:
        return "html", "values contain HTML"
    if prof.long_text > 0.2:
        return "text", "long or multi-line text"
    if prof.id_like > 0.3:
        return "char", "identifiers kept as text (leading zeros, long digits or codes)"
    if prof.boolean >= 0.98 and prof.distinct <= 4 and prof.number < 1.0:
        return "boolean", f"{round(prof.boolean * 100)}% of values are yes/no"
    if prof.date >= 0.95:
        return ("datetime", "values are dates with times") if prof.datetime > 0.5 else ("date", "values are dates")
    if prof.number + prof.percent >= 0.98:
        if prof.money > 0.5:
            return "monetary", "values are amounts with a currency"
        if prof.integer >= 0.98 and prof.percent == 0:
            return "integer", "values are whole numbers"
        return "float", "values are numbers"
    if prof.count >= 20 and 2 <= prof.distinct <= 12 and prof.distinct * 4 <= prof.count:
        return "selection", f"only {prof.distinct} distinct values in {prof.count} samples"
    return "char", "text"


def transform_for(ftype: str, fi: FieldInfo, prof: Profile, meta: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    if ftype in ("char", "text"):
        if fi.type == "multiselect":
            return "join", {"sep": ", "}
        if prof.separator and fi.type in ("text", "longtext"):
            return "join", {"split": prof.separator, "sep": ", "}
        if fi.type == "email":
            return "email", {}
        if fi.type == "phone":
            return "phone", {}
        return "text", {}
    if ftype == "html":
        return "html", {}
    if ftype in ("integer", "float", "monetary"):
        if ftype == "integer":
            params["integer"] = True
        if prof.decimal_comma > 0.5:
            params["decimal"] = ","
        return "number", params
    if ftype in ("date", "datetime"):
        if prof.examples and all(isinstance(x, str) for x in prof.examples) and fi.type not in ("date", "datetime"):
            fmt = date_format(prof, prof.examples)
            if fmt:
                params["format"] = fmt
        return ftype, params
    if ftype == "boolean":
        return "boolean", {}
    if ftype == "selection":
        options = [(str(k), str(v)) for k, v in meta.get("selection") or []]
        return "value_map", {"map": map_to_existing_selection(selection_options(list(fi.options)), {
            "selection": options}) if options else {}}
    if ftype == "many2one":
        return "ref", {"object": fi.ref_object}
    if ftype == "many2many":
        return "refs", {"object": fi.ref_object}
    return "copy", {}
