"""Every possible line for one source field, most fitting first; the assignment (assign.py) picks one.

A field is first checked against what is never loaded (files without a place, card data, bookkeeping, the record's
own id, a second column naming an already-linked record...); then it becomes a reference, the concepts its header
reads as (specials.py), an Odoo field of its own key's name, an existing x_ field, and last a new x_ field or an
ignore.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crm2odoo.mapping.defaults import RECORD_OWNERS, REF_TARGETS, Target
from crm2odoo.mapping.linklines import PARTNER_KINDS
from crm2odoo.mapping.links import Link, ObjectLinks
from crm2odoo.mapping.profile import Profile, id_share
from crm2odoo.mapping.propose.newfields import existing_match, transform_for
from crm2odoo.mapping.propose.scoring import (
    ID_CONCEPTS,
    ID_MARKERS,
    MAIN_OBJECTS,
    MIN_CONCEPT,
    SAME_KIND,
    Cand,
    label_of,
    type_fit,
)
from crm2odoo.mapping.propose.specials import concept_candidate
from crm2odoo.mapping.propose.state import PlanState
from crm2odoo.mapping.synonyms import concept_scores, is_system_key, stems
from crm2odoo.models import odoo_model
from crm2odoo.odoo import versions
from crm2odoo.sources.base import FieldInfo, ObjectInfo, SourceRecord

Ranked = list[tuple[float, str]]  # (header score, concept), best first


@dataclass(frozen=True)
class Column:
    """One source field of one object, on its way to one Odoo model."""

    obj: ObjectInfo
    fi: FieldInfo
    prof: Profile
    recs: Sequence[SourceRecord]
    table: str  # the model, or 'res.partner#<object>' where contacts and companies read differently
    model: str
    fields: Mapping[str, Mapping[str, Any]]
    concepts: Mapping[str, list[Target]]
    label: str
    scores: Mapping[str, float]
    own_id_share: float  # the share of records whose own id this field holds


def candidates(st: PlanState, obj: ObjectInfo, fi: FieldInfo, prof: Profile, recs: Sequence[SourceRecord],
               table: str, model: str, fields: Mapping[str, Mapping[str, Any]],
               concepts: Mapping[str, list[Target]], custom_model: bool, split_name: bool = False) -> list[Cand]:
    label = label_of(fi)
    scores = concept_scores(fi.name, label)
    col = Column(obj, fi, prof, recs, table, model, fields, concepts, label, scores, _own_id_share(fi, recs, scores))
    found = st.links.of(obj)
    settled = (_set_aside(col) or _own_id(col) or _custom_model_field(custom_model) or _users_matched(col)
               or _already_linked(col, found))
    if settled:
        return settled
    out: list[Cand] = []
    if fi.type in ("ref", "refs") and fi.ref_object:
        ref = ref_candidate(col, found.links.get(fi.name))
        if ref is not None:
            out.append(ref)
    if col.scores.get("modified", 0) >= 0.85 and fi.type in ("date", "datetime", "text", "integer"):
        return [Cand(None, ignore=True, confidence=0.9, reason="last-modified stamp: Odoo keeps its own write_date")]
    ranked = _ranked(col)
    refused = _ignored_by_meaning(col, ranked, split_name)
    if refused:
        return refused
    out += _concept_candidates(st, col, ranked)
    same_key = _same_key(col)
    if same_key is not None:
        out.append(same_key)
    existing = existing_match(fi, prof, fields, recs)
    if existing is not None:
        out.append(existing)
    out.append(_last_resort(col, ranked))
    return out


# -- fields settled before any concept is tried ----------------------------------------------------------------------
def _own_id_share(fi: FieldInfo, recs: Sequence[SourceRecord], scores: Mapping[str, float]) -> float:
    """The share of records whose id this field holds (1 or 0 without samples: the connector's word then)."""
    if not recs:
        return 1.0 if (fi.type == "id" and scores.get("record_id", 0) >= 1.0 and not fi.custom) else 0.0
    return id_share(fi.name, recs)


def _set_aside(col: Column) -> list[Cand] | None:
    fi, label = col.fi, col.label
    if fi.type == "binary" and "datas" not in col.fields:
        return [Cand(None, ignore=True, confidence=0.8, reason="file content has no place on this model")]
    if col.scores.get("card_data", 0) >= 1.0:
        return [Cand(None, ignore=True, confidence=0.97, reason="payment card data is never migrated")]
    if not fi.custom and (is_system_key(fi.name) or is_system_key(label)) and col.own_id_share < 0.9:
        return [Cand(None, ignore=True, confidence=0.9,
                     reason=f"'{label}' is source bookkeeping (system counter or log), not customer data")]
    return None


def _own_id(col: Column) -> list[Cand] | None:
    meaningful = [c for c, sc in col.scores.items() if sc >= 0.85 and c in col.concepts and c != "record_id"]
    if set(stems(col.label)) & ID_MARKERS and not set(meaningful) & ID_CONCEPTS:
        meaningful = []  # 'Fırsat No' is the deal's number, not its name
    if col.own_id_share < 0.9 or col.fi.type in ("ref", "refs") or meaningful:
        return None
    out: list[Cand] = []
    if col.model == "res.partner" and "ref" in col.fields:
        out.append(Cand("ref", "text", confidence=0.95,
                        reason="record's own id (used in the external ID); kept in Internal Reference for search"))
    out.append(Cand(None, ignore=True, confidence=0.97 if col.recs else 0.9,
                    reason="record's own id: used in the external ID"))
    return out


def _custom_model_field(custom_model: bool) -> list[Cand] | None:
    return [Cand(None, special="__new__", confidence=0.85, concept="__custom__")] if custom_model else None


def _users_matched(col: Column) -> list[Cand] | None:
    if col.model == "res.users" and not ({"full_name", "first_name", "last_name", "email"}
                                         & {c for c, s in col.scores.items() if s >= 0.85}):
        return [Cand(None, ignore=True, confidence=0.9,
                     reason="users are matched to existing Odoo users by email, never created")]
    return None


def _already_linked(col: Column, found: ObjectLinks) -> list[Cand] | None:
    """A name column for a record the id column already links."""
    names_this_record = any(t.field == "name" for c, sc in col.scores.items() if sc >= 0.85 and c in col.concepts
                            for t in col.concepts[c])  # a quote line's product name is also its description
    if col.fi.name not in found.redundant or names_this_record:
        return None
    same = found.redundant[col.fi.name]
    return [Cand(None, ignore=True, confidence=round(0.5 + 0.45 * same.share, 2),
                 reason=f"names the same {same.object} as '{same.by_field}' in "
                        f"{round(same.share * 100)}% of sampled rows; the id column links")]


# -- concepts -------------------------------------------------------------------------------------------------------
def _ranked(col: Column) -> Ranked:
    ranked = sorted(((s, c) for c, s in col.scores.items() if s >= MIN_CONCEPT and c in col.concepts),
                    key=lambda sc: (-sc[0], sc[1]))
    if col.fi.custom:
        # a customer's own field only lands in a standard Odoo field on a clear, whole-header match
        ranked = [(sc, c) for sc, c in ranked if sc >= 0.85]
    if col.fi.type in ("ref", "refs"):
        ranked = []  # a link never fills a text or number field
    return ranked


def _ignored_by_meaning(col: Column, ranked: Ranked, split_name: bool) -> list[Cand] | None:
    ignores = odoo_model(col.model).ignored_concepts
    top = max(((sc, c) for c, sc in col.scores.items() if c in ignores and sc >= 0.85), default=None)
    if top is not None and (not ranked or top[0] >= ranked[0][0]):
        return [Cand(None, ignore=True, confidence=round(0.6 + 0.3 * top[0], 2),
                     reason=f"'{col.label}' reads as {top[1].replace('_', ' ')}: {ignores[top[1]]}")]
    fi = col.fi
    if split_name and ranked and ranked[0][1] == "full_name" and fi.type in ("text", "id") and not fi.custom:
        return [Cand(None, ignore=True, confidence=0.85,
                     reason=f"'{col.label}' is computed from first and last name, which are mapped")]
    return None


def _concept_candidates(st: PlanState, col: Column, ranked: Ranked) -> list[Cand]:
    """One candidate per concept and target that fits; alternatives and near ties cost confidence."""
    out: list[Cand] = []
    concepts, fields, model = col.concepts, col.fields, col.model
    for rank, (nscore, concept) in enumerate(ranked):
        for alt, tgt in enumerate(concepts[concept]):
            if type_fit(col.fi.type, tgt.kind) == 0.0:
                continue
            cand = concept_candidate(st, col.fi, col.prof, col.recs, concept, nscore, tgt, fields, model)
            if cand is None:
                continue
            cand.concept = concept
            first = concepts[concept][0].field
            if alt > 0 and first not in fields and cand.target != first:
                cand.reason += f"; this Odoo has no {first} on {model}: {cand.target} instead, when free"
            if rank > 0 or alt > 0:
                cand.confidence = round(cand.confidence - 0.05 * (rank + alt), 3)
            if rank == 0 and len(ranked) > 1 and ranked[1][0] >= nscore - 0.05 \
                    and concepts[ranked[1][1]][0].field != tgt.field:
                cand.confidence = round(cand.confidence - 0.1, 3)
            out.append(cand)
    return out


def _same_key(col: Column) -> Cand | None:
    """A source key that is the Odoo field's own name, of a fitting type."""
    fi, same_key = col.fi, col.fields.get(col.fi.name)
    if same_key is None or fi.type not in SAME_KIND.get(str(same_key.get("type")), frozenset()) \
            or same_key.get("readonly") or not same_key.get("store", True) or fi.custom:
        return None
    transform, params = transform_for(str(same_key.get("type")), fi, col.prof, same_key)
    return Cand(fi.name, transform, params, confidence=0.93, concept="__key__",
                reason=f"the source key '{fi.name}' is the Odoo field's own name "
                       f"({same_key.get('type')}, '{same_key.get('string', '')}')")


def _last_resort(col: Column, ranked: Ranked) -> Cand:
    """A new x_ field where the model takes them (planned at assignment), else an ignore with a reason."""
    if not odoo_model(col.model).takes_new_fields:
        return Cand(None, ignore=True, confidence=0.5,
                    reason=f"no matching field on {col.model}; add a line by hand to keep '{col.label}'")
    if col.scores.get("created", 0) >= 0.85 and col.obj.name not in MAIN_OBJECTS:
        return Cand(None, ignore=True, confidence=0.75, reason="creation stamp of a secondary record")
    if col.fi.type == "binary":
        return Cand(None, ignore=True, confidence=0.7, reason="binary content kept only as attachment")
    return Cand(None, special="__new__", confidence=0.6, concept="__known__" if ranked else "",
                params={"version_name": _version_gap_name(ranked, col.concepts, col.fields)})


def _version_gap_name(ranked: Ranked, concepts: Mapping[str, list[Target]], fields: Mapping[str, Any]) -> str | None:
    """x_<field> when the concept's Odoo field is missing in this version (mobile on 19)."""
    if ranked and ranked[0][0] >= 1.0:
        first = concepts[ranked[0][1]][0].field
        if first not in fields and not first.endswith("_id") and first not in ("name",):
            return f"x_{first}"
    return None


# -- references -----------------------------------------------------------------------------------------------------
def ref_candidate(col: Column, link: Link | None = None) -> Cand | None:
    cand = _ref_target(col.fi, col.table, col.model, col.fields)
    if cand is None or link is None:
        return cand
    # the values, not the header, made this a link: confidence and reason come from how many resolve
    cand.confidence = min(cand.confidence, link.confidence)
    cand.reason = f"{cand.reason}; {link.reason(col.label)}"
    if link.by == "name":
        if cand.transform == "record_ref":
            return None  # a record a note belongs to is named by its id; a name could be anyone's
        cand.params["by"] = "name"
        cand.confidence = min(cand.confidence, 0.85)
    return cand


def _ref_target(fi: FieldInfo, table: str, model: str, fields: Mapping[str, Mapping[str, Any]]) -> Cand | None:
    ref_obj = fi.ref_object or ""
    label = label_of(fi)
    if odoo_model(model).takes_record_ref and ref_obj in RECORD_OWNERS:
        return Cand("res_id", "record_ref", {"object": ref_obj}, confidence=0.95, special="record_ref",
                    shareable=True, reason=f"'{label}' links the record it belongs to ({ref_obj})")
    target = REF_TARGETS.get(table, {}).get(ref_obj)
    if target:
        target = versions.renamed_to_many(target, fields)  # crm.stage.team_id became team_ids in 19
    if target is None or (target not in fields and not target.startswith("x_")):
        return None  # where the model takes new fields, a new x_ relation field is planned instead
    ftype = str((fields.get(target) or {}).get("type", "many2one"))
    many = ftype in ("many2many", "one2many") or fi.type == "refs"
    if target.startswith("x_") and target not in fields:
        return None
    shared = ref_obj == "company" and REF_TARGETS.get(table, {}).get("contact") == target
    confidence = 0.93 if shared else 0.95  # a deal's or invoice's partner is its contact before its company
    # contact and company both fill the partner: one line tries the contact, else the company (partnerchain)
    special = "partner_ref" if not many and ref_obj in PARTNER_KINDS and all(
        REF_TARGETS.get(table, {}).get(k) == target for k in PARTNER_KINDS) else ""
    if ref_obj == "user" and not many:
        params: dict[str, Any] = {"object": "user"}
        if target == "author_id":
            params["as"] = "partner"
        return Cand(target, "owner", params, confidence=0.95, special="owner",
                    reason=f"'{label}' is the owning user -> {target} (matched to Odoo users)")
    return Cand(target, "refs" if many else "ref", {"object": ref_obj}, confidence=confidence, special=special,
                reason=f"'{label}' references {ref_obj} -> {target}")
