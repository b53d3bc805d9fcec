"""The chosen candidates as map lines: name parts joined, the records a note belongs to in one line, a message body
built from its parts, and each other field on its own line, in the source's field order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crm2odoo.mapping.defaults import RECORD_OWNERS
from crm2odoo.mapping.propose.scoring import Cand, label_of, placeholder_field
from crm2odoo.mapping.spec import FieldMap
from crm2odoo.mapping.synonyms import concept_scores
from crm2odoo.models import odoo_model
from crm2odoo.sources.base import FieldInfo, ObjectInfo


@dataclass(frozen=True)
class _Groups:
    """Source fields that share one line."""

    name_parts: list[str]
    record_refs: list[str]
    body_parts: list[str]


def assemble(obj: ObjectInfo, chosen: dict[str, Cand], model: str, body_template: bool) -> list[FieldMap]:
    names = [fi.name for fi in obj.fields]
    groups = _Groups(_name_parts(names, chosen), _record_refs(names, chosen),
                     _body_parts(obj, chosen, names, model) if body_template else [])
    has_country = any(c.target == "country_id" for c in chosen.values())
    lines: list[FieldMap] = []
    done_parts: set[str] = set()
    for fi in obj.fields:
        n = fi.name
        if n in done_parts:
            continue
        joined = _joined_line(obj, n, chosen, model, groups)
        if joined is not None:
            lines.append(joined)
            done_parts.update(joined.sources)
            continue
        lines.append(_single_line(n, chosen[n], has_country))
    # a won/lost status must win over a plain probability column, so it goes after it
    status_lines = [ln for ln in lines if ln.target == "active" and ln.transform == "value_map"]
    if status_lines:
        lines = [ln for ln in lines if ln not in status_lines] + status_lines
    return lines


def _name_parts(names: Sequence[str], chosen: Mapping[str, Cand]) -> list[str]:
    return [n for n in names if chosen[n].special == "name" and not chosen[n].ignore]


def _record_refs(names: list[str], chosen: Mapping[str, Cand]) -> list[str]:
    """Fields naming the record a note belongs to, in the order of RECORD_OWNERS (the first set one wins)."""
    refs = [n for n in names if chosen[n].special == "record_ref"]
    refs.sort(key=lambda n: (RECORD_OWNERS.index(str(chosen[n].params.get("object")))
                             if chosen[n].params.get("object") in RECORD_OWNERS else 99, names.index(n)))
    return refs


def _field(obj: ObjectInfo, name: str) -> FieldInfo:
    return obj.field(name) or placeholder_field(name)


def _body_parts(obj: ObjectInfo, chosen: Mapping[str, Cand], names: Sequence[str], model: str) -> list[str]:
    """A message's kind, subject and text, the first of each, to be joined into its body."""
    kinds = [n for n in names if concept_scores(n, label_of(_field(obj, n))).get("activity_type", 0) >= 0.85]
    subj = [n for n in names if chosen[n].target in ("subject", "summary", "name")]
    body = [n for n in names if chosen[n].target in ("body", "note", "description")]
    if not subj and model == "mail.message":
        # no subject column: the first free-text column nothing else uses names the event
        subj = [n for n in names if chosen[n].ignore and n not in kinds
                and _field(obj, n).type in ("text", "url") and "no matching field" in chosen[n].reason]
    return kinds[:1] + subj[:1] + body[:1]


def _joined_line(obj: ObjectInfo, n: str, chosen: Mapping[str, Cand], model: str,
                 groups: _Groups) -> FieldMap | None:
    """The one line for the group ``n`` belongs to, if any."""
    name_parts, record_refs, body_parts = groups.name_parts, groups.record_refs, groups.body_parts
    if n in name_parts and len(name_parts) > 1:
        return FieldMap(source=list(name_parts), target=chosen[n].target or "name", transform="join",
                        confidence=round(min(chosen[p].confidence for p in name_parts), 2),
                        reason="first and last name are joined into one name")
    if n in record_refs:
        params: dict[str, Any] = {"objects": [str(chosen[r].params.get("object")) for r in record_refs],
                                  "model_field": odoo_model(model).owner_model_field}
        if model == "mail.activity":
            params["model_field_kind"] = "ir_model"
        return FieldMap(source=list(record_refs) if len(record_refs) > 1 else record_refs[0],
                        target="res_id", transform="record_ref", params=params, confidence=0.95,
                        reason="the record it belongs to: first of " + ", ".join(params["objects"]) + " that is set")
    if n in body_parts and model == "mail.message" and len(body_parts) > 1:
        fmt = ": ".join(f"{{{i}}}" for i in range(len(body_parts)))
        return FieldMap(source=list(body_parts), target="body", transform="template", params={"format": fmt},
                        confidence=0.8, reason="message text built from " + ", ".join(
                            label_of(_field(obj, p)) for p in body_parts))
    return None


def _single_line(n: str, cand: Cand, has_country: bool) -> FieldMap:
    if cand.ignore or cand.target is None:
        return FieldMap(source=n, ignore=True, confidence=round(cand.confidence, 2), reason=cand.reason)
    params = dict(cand.params)
    if cand.special == "state" and not has_country:
        params.pop("within", None)
    return FieldMap(source=n, target=cand.target, transform=cand.transform, params=params,
                    new_field=cand.new_field, confidence=round(max(0.0, min(1.0, cand.confidence)), 2),
                    reason=cand.reason)
