"""The human side of the map: what needs a person's eyes, a terminal review, and the diff shown on approval."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crm2odoo.emails import mask_email
from crm2odoo.mapping.spec import FieldMap, MappingSpec, ObjectMap
from crm2odoo.mapping.transforms import LOSSY_TRANSFORMS
from crm2odoo.sources.base import SourceRecord
from crm2odoo.validate.runnable import line_problem, required_question, unfilled_required

LOW_CONFIDENCE = 0.8
WIDTH = 110

#: attention kinds, most urgent first (the review sorts by this)
KINDS = ("required_unmapped", "unrunnable", "unknown_target", "low_confidence", "new_model", "new_field", "lossy", "ignored",
         "disabled")


@dataclass(frozen=True)
class AttentionItem:
    object: str
    field: str  # the line's key (source fields joined by '+', or '=target'); '' for the object itself
    kind: str
    message: str


def _line_items(obj: ObjectMap, line: FieldMap, fields: Mapping[str, Any]) -> list[AttentionItem]:
    key = line.key()
    items: list[AttentionItem] = []
    if line.ignore:
        items.append(AttentionItem(obj.name, key, "ignored", f"not migrated: {line.reason or 'no reason given'}"))
        return items
    problem = line_problem(line)
    if problem:
        items.append(AttentionItem(obj.name, key, "unrunnable", f"transform {line.transform} cannot run: {problem}"))
    if line.confidence < LOW_CONFIDENCE:
        items.append(AttentionItem(obj.name, key, "low_confidence",
                                   f"confidence {line.confidence:.2f} -> {line.target}: {line.reason}"))
    if line.new_field is not None:
        nf = line.new_field
        extra = f" with {len(nf.options)} options" if nf.options else ""
        items.append(AttentionItem(obj.name, key, "new_field",
                                   f"creates {obj.model}.{line.target} ({nf.type}{extra}) labelled '{nf.label}'"))
    elif fields and line.target and line.target not in fields and line.target not in ("id",) \
            and not obj.new_model and line.transform != "record_ref":
        items.append(AttentionItem(obj.name, key, "unknown_target",
                                   f"{obj.model} has no field {line.target} in this Odoo"))
    if line.transform in LOSSY_TRANSFORMS:
        what = {"value_map": "values outside the map fail (or use its default)",
                "split": "keeps only part of the value", "text": "text may be cut by max_length",
                "template": "several fields merged into one text"}[line.transform]
        if line.transform != "text" or line.params.get("max_length"):
            items.append(AttentionItem(obj.name, key, "lossy", f"{line.transform}: {what}"))
    return items


def attention_items(spec: MappingSpec, odoo_fields: Mapping[str, Mapping[str, Mapping[str, Any]]]
                    ) -> list[AttentionItem]:
    """Everything a person should look at before approving, per object, most urgent kind first."""
    out: list[AttentionItem] = []
    for obj in spec.objects.values():
        items: list[AttentionItem] = []
        if not obj.enabled:
            items.append(AttentionItem(obj.name, "", "disabled", f"not migrated: {obj.reason or 'disabled'}"))
            out.extend(items)
            continue
        if obj.new_model:
            items.append(AttentionItem(obj.name, "", "new_model",
                                       f"creates the Odoo model {obj.model} ('{obj.new_model.get('label', '')}')"))
        fields = odoo_fields.get(obj.model) or {}
        for line in obj.fields:
            items.extend(_line_items(obj, line, fields))
        if fields:
            for name in unfilled_required(obj, fields):
                items.append(AttentionItem(obj.name, f"={name}", "required_unmapped",
                                           required_question(obj, name, fields.get(name, {}))
                                           + " Nothing fills it yet: approve refuses the map until a line does"))
        items.sort(key=lambda i: KINDS.index(i.kind))
        out.extend(items)
    return out


# -- terminal review -------------------------------------------------------------------------------------------------
_ANSI = {"red": "\x1b[31m", "yellow": "\x1b[33m", "green": "\x1b[32m", "dim": "\x1b[2m", "bold": "\x1b[1m",
         "reset": "\x1b[0m"}


def _paint(text: str, colour: str, color: bool) -> str:
    return f"{_ANSI[colour]}{text}{_ANSI['reset']}" if color else text


def _cut(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def _trim(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def mask_sample(value: Any, transform: str) -> str:
    """Show enough to recognise a value, not the whole of anyone's contact details."""
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    if transform == "email":
        return mask_email(text)
    if transform == "phone":
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        hide = set(digits[:-2])
        return "".join("•" if i in hide else ch for i, ch in enumerate(text))
    return text


def _samples_for(line: FieldMap, records: Sequence[SourceRecord], limit: int = 3) -> str:
    shown: list[str] = []
    for record in records:
        values = [record.values.get(s) for s in line.sources]
        if all(v in (None, "", []) for v in values):
            continue
        text = " ".join(mask_sample(v, line.transform) for v in values if v not in (None, "", []))
        text = _cut(text, 18)
        if text not in shown:
            shown.append(text)
        if len(shown) >= limit:
            break
    return " | ".join(shown)


def _target_text(line: FieldMap) -> str:
    if line.ignore:
        return "(ignored)"
    target = str(line.target)
    if line.new_field is not None:
        return f"{target} (new {line.new_field.type})"
    return target


def _conf_colour(conf: float) -> str:
    return "green" if conf >= 0.9 else "yellow" if conf >= LOW_CONFIDENCE else "red"


def render_review(spec: MappingSpec, samples: Mapping[str, Sequence[SourceRecord]],
                  odoo_fields: Mapping[str, Mapping[str, Mapping[str, Any]]], *, color: bool) -> str:
    """Per object: lines needing attention first, then the rest; fixed columns, at most ~110 characters."""
    items = attention_items(spec, odoo_fields)
    by_line: dict[tuple[str, str], list[AttentionItem]] = {}
    for item in items:
        by_line.setdefault((item.object, item.field), []).append(item)
    out: list[str] = []
    total = sum(len(o.fields) for o in spec.objects.values())
    flagged = len({(i.object, i.field) for i in items if i.field})
    out.append(_paint(f"Field map proposal: {len(spec.objects)} maps, {total} lines, {flagged} need attention "
                      f"(Odoo {spec.odoo_version}, {spec.source_kind})", "bold", color))
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    if counts:
        summary = ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in KINDS if k in counts)
        out.append(_cut(f"attention: {summary}", WIDTH))
    out.append("conf  source                     -> target                       transform   samples")
    for obj in spec.objects.values():
        out.append("")
        state = "" if obj.enabled else "  [DISABLED]"
        head = f"== {obj.name}: {obj.source_object} -> {obj.model}{state}"
        out.append(_paint(_cut(head, WIDTH), "bold", color))
        if obj.reason:
            out.append("   " + _cut(obj.reason, WIDTH - 3))
        if obj.where:
            where = "; ".join(f"{k} in {', '.join(map(str, v)) or '-'}" for k, v in obj.where.items())
            out.append("   only records where " + _cut(where, WIDTH - 25))
        for item in by_line.get((obj.name, ""), []):
            out.append(_paint("   ! " + _cut(item.message, WIDTH - 5), "yellow", color))
        for key, found in by_line.items():
            if key[0] == obj.name and key[1].startswith("=") and any(i.kind == "required_unmapped" for i in found):
                for item in found:
                    out.append(_paint("   ! " + _cut(item.message, WIDTH - 5), "red", color))
        records = samples.get(obj.source_object) or ()
        ordered = sorted(enumerate(obj.fields), key=lambda il: (
            0 if by_line.get((obj.name, il[1].key())) else 1,
            min((KINDS.index(i.kind) for i in by_line.get((obj.name, il[1].key()), [])), default=99),
            il[1].confidence, il[0]))
        for _, line in ordered:
            flags = by_line.get((obj.name, line.key()), [])
            source = "+".join(line.sources) if line.sources else f"={line.target}"
            conf = f"{line.confidence:.2f}"
            mark = "!" if flags else " "
            row = (f"{conf} {mark}{_cut(source, 26):<26} -> {_cut(_target_text(line), 28):<28} "
                   f"{_cut('' if line.ignore else line.transform, 11):<11} {_samples_for(line, records)}")
            row = _trim(row, WIDTH)
            coloured = _paint(conf, _conf_colour(line.confidence), color) + row[len(conf):]
            out.append(coloured)
            if flags:
                urgent = [i.message for i in flags if i.kind in ("unknown_target", "required_unmapped", "unrunnable")]
                note = "; ".join([*urgent, line.reason]) if line.reason else (urgent or [flags[0].message])[0]
                kinds = ", ".join(dict.fromkeys(i.kind.replace("_", " ") for i in flags))
                out.append(_paint("        " + _cut(f"[{kinds}] {note}", WIDTH - 8), "dim", color))
    return "\n".join(out) + "\n"


# -- approval diff --------------------------------------------------------------------------------------------------
_ANNOTATIONS = ("status", "confidence", "reason")


def _meaning(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _ANNOTATIONS}


def _line_text(line: FieldMap) -> str:
    if line.ignore:
        return f"{line.key()} ignored"
    extra = f" (new {line.new_field.type} field)" if line.new_field else ""
    params = f" {line.params}" if line.params else ""
    return f"{line.key()} -> {line.target}{extra} via {line.transform}{params}"


def diff_specs(old: MappingSpec | None, new: MappingSpec) -> list[str]:
    """What changed between the approved map and this one, one human line per change (annotations ignored)."""
    if old is None:
        lines = [f"first approval: {len(new.objects)} maps, {sum(len(o.fields) for o in new.objects.values())} lines"]
        for obj in new.objects.values():
            lines.append(f"+ map {obj.name}: {obj.source_object} -> {obj.model}"
                         + ("" if obj.enabled else " (disabled)") + f", {len(obj.fields)} lines")
        return lines
    out: list[str] = []
    if old.fallback_owner_login != new.fallback_owner_login:
        out.append(f"~ fallback owner: {old.fallback_owner_login} -> {new.fallback_owner_login}")
    for name in old.objects:
        if name not in new.objects:
            out.append(f"- map {name} removed ({old.objects[name].model})")
    for name, obj in new.objects.items():
        before = old.objects.get(name)
        if before is None:
            out.append(f"+ map {name}: {obj.source_object} -> {obj.model}, {len(obj.fields)} lines")
            continue
        a, b = _meaning(before.to_data()), _meaning(obj.to_data())
        a.pop("fields"), b.pop("fields")
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                out.append(f"~ {name}.{key}: {a.get(key)} -> {b.get(key)}")
        old_lines = {ln.key(): ln for ln in before.fields}
        new_lines = {ln.key(): ln for ln in obj.fields}
        for key, line in old_lines.items():
            if key not in new_lines:
                out.append(f"- {name}: {_line_text(line)}")
        for key, line in new_lines.items():
            prev = old_lines.get(key)
            if prev is None:
                out.append(f"+ {name}: {_line_text(line)}")
            elif _meaning(prev.to_data()) != _meaning(line.to_data()):
                out.append(f"~ {name}: {_line_text(prev)}  =>  {_line_text(line)}")
    return out


__all__ = ["AttentionItem", "attention_items", "diff_specs", "mask_sample", "render_review"]
