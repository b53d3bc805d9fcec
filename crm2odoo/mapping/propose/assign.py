"""Choosing one candidate per source field and one source field per Odoo field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crm2odoo.mapping.profile import profile_field
from crm2odoo.mapping.propose.newfields import new_line
from crm2odoo.mapping.propose.scoring import Cand
from crm2odoo.mapping.propose.state import PlanState
from crm2odoo.models import odoo_model
from crm2odoo.sources.base import ObjectInfo, SourceRecord
from crm2odoo.textnorm import fold


def assign(st: PlanState, obj: ObjectInfo, cands: dict[str, list[Cand]], fields: Mapping[str, Any], model: str,
            recs: Sequence[SourceRecord]) -> dict[str, Cand]:
    """Most confident field first; each Odoo field goes to one source field (first+last name share 'name')."""
    order = {fi.name: i for i, fi in enumerate(obj.fields)}
    custom = {fi.name: fi.custom for fi in obj.fields}
    taken: dict[str, str] = {}
    chosen: dict[str, Cand] = {}
    pending = dict.fromkeys(cands, 0)
    # a column empty in every sampled record claims last: 'SMS Number' left blank must not take mobile from
    # the 'Cell Phone' column that holds the numbers
    unsampled = {n for n in cands if recs and all(r.values.get(n) in (None, "", []) for r in recs)}
    while pending:
        # standard fields claim first: a customer's own field only takes a standard target left free
        best = min(pending, key=lambda n: (n in unsampled, custom[n], -cands[n][pending[n]].confidence, order[n]))
        idx = pending[best]
        cand = cands[best][idx]
        fi = obj.field(best)
        assert fi is not None
        if cand.special == "__new__":
            cand = new_line(st, fi, profile_field(fi.name, recs, fi.options), recs, model, fields, set(taken),
                                  custom=fi.custom, known=cand.concept == "__known__",
                                  version_name=cand.params.get("version_name"))
        holder = taken.get(cand.target) if cand.target and not cand.ignore else None
        if holder is not None and not can_share(cand, chosen[holder]) and not fi.custom \
                and redundant_columns(holder, best, recs):
            cand = Cand(None, ignore=True, confidence=0.8,
                         reason=f"same information as {holder} (value for value), which fills {cand.target}")
            holder = None
        if holder is not None and not can_share(cand, chosen[holder]):
            if idx + 1 < len(cands[best]):
                pending[best] = idx + 1
                continue
            cand = new_line(st, fi, profile_field(fi.name, recs, fi.options), recs, model, fields, set(taken),
                                  custom=fi.custom, known=True) if odoo_model(model).takes_new_fields else \
                Cand(None, ignore=True, confidence=0.5, reason="its Odoo field is taken by another column")
        if cand.target and not cand.ignore:
            taken.setdefault(cand.target, best)
        chosen[best] = cand
        del pending[best]
    return chosen


def redundant_columns(a: str, b: str, recs: Sequence[SourceRecord], minimum: int = 5) -> bool:
    """Whether two columns say the same thing in other words ('Tür: Firma' and 'is_company: True')."""
    forward: dict[str, set[str]] = {}
    backward: dict[str, set[str]] = {}
    pairs = 0
    for r in recs:
        va, vb = r.values.get(a), r.values.get(b)
        if va in (None, "", []) or vb in (None, "", []):
            continue
        ka, kb = fold(str(va)), fold(str(vb))
        forward.setdefault(ka, set()).add(kb)
        backward.setdefault(kb, set()).add(ka)
        pairs += 1
    # values that never repeat pair up one to one by chance (an office and a cell number of the same people):
    # only repeated values, or the very same ones, show two columns say one thing
    repeated = len(forward) <= pairs / 2 or all(ka in kbs for ka, kbs in forward.items())
    return pairs >= minimum and repeated and all(len(v) == 1 for v in forward.values()) \
        and all(len(v) == 1 for v in backward.values())


def can_share(cand: Cand, holder: Cand) -> bool:
    if cand.special == "record_ref" and holder.special == "record_ref":
        return True
    if cand.special == holder.special == "partner_ref":  # a contact and a company: one fallback line
        return cand.target == holder.target and cand.params.get("object") != holder.params.get("object") \
            and "by" not in cand.params and "by" not in holder.params
    split = {"first_name", "last_name"}
    return cand.special == holder.special == "name" and {cand.concept, holder.concept} == split
