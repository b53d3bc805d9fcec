"""One line for a source field read as a concept: the target's standard shape, then its ``special`` handler.

A concept's target (:class:`crm2odoo.mapping.defaults.Target`) may name a ``special``: how its values reach Odoo
(countries and states by code or name, owners matched to users, statuses as won/lost, words as selection keys...).
Each special is one small handler registered in :data:`SPECIAL_HANDLERS`; a target without one gets
:func:`_plain`. A handler returns the candidate, changed, or None when the field cannot fill the target after all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crm2odoo.mapping.defaults import Target
from crm2odoo.mapping.profile import Profile, date_format
from crm2odoo.mapping.propose.scoring import (
    MINUTE_WORDS,
    Cand,
    distinct_values,
    evidence,
    first_value,
    fit_score,
    label_of,
)
from crm2odoo.mapping.propose.state import PlanState
from crm2odoo.mapping.propose.valuemaps import status_map, value_map
from crm2odoo.mapping.synonyms import stems
from crm2odoo.mapping.values import judge_lookup
from crm2odoo.odoo import versions
from crm2odoo.sources.base import FieldInfo, SourceRecord


@dataclass(frozen=True)
class ConceptMatch:
    """A source field read as a concept, and the Odoo field that concept lands in."""

    fi: FieldInfo
    prof: Profile
    recs: Sequence[SourceRecord]
    tgt: Target
    target: str
    meta: Mapping[str, Any]  # the target's fields_get entry
    why: str  # "'<label>' reads as <concept>"
    values: list[str]  # distinct source values, declared options first


def concept_candidate(st: PlanState, fi: FieldInfo, prof: Profile, recs: Sequence[SourceRecord], concept: str,
                      nscore: float, tgt: Target, fields: Mapping[str, Mapping[str, Any]], model: str) -> Cand | None:
    target = tgt.field
    if target == "type" and model == "product.product":
        target = versions.product_type_field_of(fields)  # Odoo 17 writes the product kind through detailed_type
    if target not in fields:
        return None
    if fields[target].get("readonly") and not fields[target].get("store", True):
        return None
    conf = round(fit_score(nscore, tgt.kind, fi, prof) * tgt.weight, 3)
    why = f"'{label_of(fi)}' reads as {concept.replace('_', ' ')}"
    cand = Cand(target, tgt.transform, dict(tgt.params), confidence=conf,
                reason=f"{why}; {evidence(tgt.kind, prof)}", special=tgt.special, shareable=tgt.special == "name")
    match = ConceptMatch(fi, prof, recs, tgt, target, fields[target], why, distinct_values(fi, recs))
    handled = SPECIAL_HANDLERS.get(tgt.special, _plain)(st, match, cand)
    return None if handled is None else _finish(st, match, handled)


# -- the specials ---------------------------------------------------------------------------------------------------
Handler = Callable[[PlanState, ConceptMatch, Cand], Cand | None]


def _country(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand:
    cand.params = {"model": "res.country", "by": ["code", "name"]}
    return cand


def _state(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand:
    cand.params = {"model": "res.country.state", "by": ["code", "name"], "within": "country_id"}
    return cand


def _owner(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand:
    cand.params = {"object": "user"} | ({"as": "partner"} if cand.special == "owner_partner" else {})
    cand.reason = f"{match.why}; owners are matched to Odoo users"
    return cand


#: specials naming a source object whose records the values may reference, and the Odoo model found by name else
_LINKED_LABELS = {"stage": "crm.stage", "pipeline": "crm.team", "lost_reason": "crm.lost.reason"}


def _linked_label(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand:
    """A stage, pipeline or lost reason: a reference to the source's records when the values are theirs."""
    ref_obj = cand.special
    by_id, by_name = st.links.shares(ref_obj, [r.values.get(match.fi.name) for r in match.recs])
    blind = not match.recs or not st.records(ref_obj)  # nothing to compare: trust the connector
    if st.catalog.object(ref_obj) is not None and (blind or (by_id > 0 and by_id >= by_name)):
        cand.transform, cand.params = "ref", {"object": ref_obj}
        cand.reason = f"{match.why}; labels reference the {ref_obj} records"
    elif st.catalog.object(ref_obj) is not None and by_name > 0 and ref_obj != "stage":
        # names, not the connector's ids: found by name among the records loaded from that sheet
        cand.transform, cand.params = "ref", {"object": ref_obj, "by": "name"}
        cand.reason = f"{match.why}; {round(by_name * 100)}% of sampled values are names of {ref_obj} records"
    else:
        cand.transform = "lookup"
        cand.params = {"model": _LINKED_LABELS[ref_obj], "by": ["name"], "create": True}
        cand.reason = f"{match.why}; found in Odoo by name, created when missing"
    return cand


def _tags(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand:
    ref_obj = "tag" if cand.special == "tags" else "deal_tag"
    cand.transform, cand.params = "refs", {"object": ref_obj}
    cand.reason = f"{match.why}; each tag references a {ref_obj} record"
    return cand


def _status(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand:
    vmap, unknown = status_map(match.values)
    cand.params = {"map": vmap}
    cand.reason = (f"{match.why}; won -> probability 100 (won stage), lost -> archived with probability 0"
                   + (f"; not understood: {', '.join(unknown)}" if unknown else ""))
    if unknown:
        cand.confidence = min(cand.confidence, 0.7)
    return cand


def _yes_no(match: ConceptMatch, cand: Cand) -> bool:
    """A yes/no source field into a yes/no Odoo field needs no value map to get wrong."""
    if match.fi.type == "boolean" and match.meta.get("type") == "boolean":
        cand.transform, cand.params = "boolean", {}
        return True
    return False


def _mapped_words(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand | None:
    """Words to the target's values (priority stars, languages, company/person, product kind, order state)."""
    if _yes_no(match, cand):
        return cand
    vmap, unknown = value_map(cand.special, match.values, match.meta)
    if not vmap:
        return None
    cand.params = {"map": vmap}
    if cand.special == "lang":
        cand.params["default"] = None
    if unknown:
        cand.confidence = min(cand.confidence, 0.7)
        cand.reason += f"; not understood: {', '.join(unknown[:5])}"
    return cand


def _plain(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand:
    """No special: yes/no as it is, dates in the format the samples use, decimal commas."""
    if _yes_no(match, cand):
        return cand
    prof, transform = match.prof, match.tgt.transform
    if transform in ("date", "datetime") and prof.examples and isinstance(first_value(match.fi, match.recs), str):
        fmt = date_format(prof, prof.examples)
        if fmt:
            cand.params["format"] = fmt
    elif transform == "number" and prof.decimal_comma > 0.5:
        cand.params["decimal"] = ","
    return cand


SPECIAL_HANDLERS: dict[str, Handler] = {
    "country": _country, "state": _state, "owner": _owner, "owner_partner": _owner,
    "stage": _linked_label, "pipeline": _linked_label, "lost_reason": _linked_label,
    "tags": _tags, "deal_tags": _tags, "status": _status,
    **dict.fromkeys(("priority", "lang", "is_company", "stage_kind", "product_type", "order_state"), _mapped_words),
}


# -- what every concept line gets after its special -----------------------------------------------------------------
def _finish(st: PlanState, match: ConceptMatch, cand: Cand) -> Cand:
    fi, tgt = match.fi, match.tgt
    if tgt.transform == "phone":
        region, share = st.phone_region(fi, match.recs)
        if region:
            cand.params["default_country"] = region
            if share is not None:
                cand.reason += f"; {round(share * 100)}% parse as numbers with default country {region}"
    ftype = match.meta.get("type")
    if ftype in ("date", "datetime") and tgt.transform in ("date", "datetime") and tgt.transform != ftype:
        cand.transform = str(ftype)
    if match.target == "duration" and set(stems(label_of(fi))) & MINUTE_WORDS:
        cand.confidence = min(cand.confidence, 0.6)
        cand.reason += "; the source counts minutes, Odoo hours: divide by 60 before loading"
    if ftype == "char" and fi.type in ("longtext", "html") and cand.transform == "text":
        cand.confidence = round(cand.confidence - 0.1, 3)
    if cand.transform == "lookup" and cand.params.get("model") and "value" not in cand.params:
        cap, found = judge_lookup(str(cand.params["model"]), cand.params, match.values, st.known)
        if cap is not None:
            cand.confidence = min(cand.confidence, cap)
        if found:
            cand.reason += f"; {found}"
    return cand
