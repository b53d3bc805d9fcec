"""A record whose partner is its contact, else its company (a deal, a quote, an invoice): the export gives both a
contact column and a company column, and both would fill the same partner field. One line tries the contact first
and falls back to the company, so a deal made with a company alone still gets its customer."""

from __future__ import annotations

from crm2odoo.mapping.linklines import PARTNER_KINDS
from crm2odoo.mapping.spec import FieldMap
from crm2odoo.sources.base import ObjectInfo

#: the order the fallback tries: the person before the firm
_ORDER = ("contact", "company")


def _partner_ref(line: FieldMap) -> bool:
    return (not line.ignore and line.transform == "ref" and line.new_field is None and "by" not in line.params
            and line.params.get("object") in PARTNER_KINDS and isinstance(line.source, str))


def partner_fallback(obj: ObjectInfo, lines: list[FieldMap]) -> list[FieldMap]:
    """Ref lines of a contact and a company filling the same field -> one record_ref line (contact, else company)
    with no model field: the target itself names the model."""
    by_target: dict[str, list[FieldMap]] = {}
    for line in lines:
        if _partner_ref(line) and line.target:
            by_target.setdefault(line.target, []).append(line)
    out = list(lines)
    labels = {fi.name: fi.label or fi.name for fi in obj.fields}
    for target, group in by_target.items():
        objects = [str(ln.params["object"]) for ln in group]
        if len(group) != 2 or len(set(objects)) != 2:
            continue
        group.sort(key=lambda ln: _ORDER.index(str(ln.params["object"])))
        first, then = (str(ln.source) for ln in group)
        merged = FieldMap(
            source=[first, then], target=target, transform="record_ref",
            params={"objects": [str(ln.params["object"]) for ln in group], "model_field": "", "first_set": True},
            confidence=round(min(ln.confidence for ln in group), 2),
            reason=f"the {group[0].params['object']} ('{labels.get(first, first)}') where set, else the "
                   f"{group[1].params['object']} ('{labels.get(then, then)}') -> {target}")
        gone = {id(ln) for ln in group}
        at = min(n for n, ln in enumerate(out) if id(ln) in gone)
        out = [ln for ln in out if id(ln) not in gone]
        out.insert(at, merged)
    return out


__all__ = ["partner_fallback"]
