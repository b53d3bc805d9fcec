"""The proposer: from a discovered catalog, sampled records and the live Odoo schema to a reviewable field map.

The package: :mod:`.planner` (per source object: which maps, which lines), :mod:`.candidates` (every possible
line for one field), :mod:`.specials` (a concept's line, with one handler per ``special``), :mod:`.assign` (one
line per field, one field per Odoo target), :mod:`.assemble` (lines joined and ordered), :mod:`.newfields` (x_
field design), :mod:`.valuemaps` (values to selection keys, statuses to won/lost), :mod:`.scoring` (the weights).

The tool proposes; a person confirms. So every source field gets exactly one line (mapped, a planned ``x_``
field, or ``ignore`` with a reason), and each line says how sure the proposer is and why.

Scoring (one line's ``confidence``):

* **name** (weight 0.55): how well the key or label matches a concept's vocabulary (:mod:`.synonyms`);
  1.0 for a whole-header match, 0.45-0.85 for a phrase inside a longer header.
* **values** (weight 0.30): share of sampled values that look like what the concept expects (emails for an
  email, dates for a close date...). Without samples this weight moves to the name and type signals.
* **type** (weight 0.15): whether the connector's FieldInfo type fits the concept (1), is generic text (0.7)
  or contradicts it (0).
* A near tie between two concepts costs 0.1. Planned ``x_`` fields never score above 0.88, so every new field
  is a review item; unrecognised standard fields score 0.6 or less.

Output is deterministic: objects in catalog order (derived maps right after their source), lines in field order.

What the map relies on from the loader (beyond what transforms.py reads):

* ``lookup`` params ``create: true`` (utm.*, crm.lost.reason, crm.stage, crm.team, product.category and
  res.partner.category when no source object exists): create the record by name when the search finds none.
* ``lookup`` param ``within: country_id`` on states: narrow the search by the country this record resolves to.
* ``join`` over a multi-select value (a list): join the list's items, not its repr.
* ``ref`` / ``refs`` / ``owner`` on text columns (Planports stages, pipelines, tags, owners written as names):
  the connector's derived objects use those names as their source ids.
* Object options ``match_only`` (users), ``apply_tags`` (campaign_enrollment: the line with target ``id``
  names the partner to update; nothing is created) and ``aggregate`` (engagement, disabled by default).
* Deal status ``value_map`` to ``{probability: 100}``: put the lead in an ``is_won`` stage of its team.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from crm2odoo.mapping.naming import derive_partner_names
from crm2odoo.mapping.phones import mobile_fills_empty_phone
from crm2odoo.mapping.propose.planner import Planner
from crm2odoo.mapping.propose.scoring import FieldsGet, ProposeOptions
from crm2odoo.mapping.propose.state import PlanState
from crm2odoo.mapping.spec import FieldMap, MappingSpec
from crm2odoo.mapping.values import joined_list_links, product_links
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.validate.runnable import mark_unfilled

_DEFAULT_OPTIONS = ProposeOptions()  # frozen, so a shared default is safe


def propose(
    catalog: Catalog,
    samples: Mapping[str, Sequence[SourceRecord]],
    odoo_fields: FieldsGet,
    *,
    system: str,
    odoo_version: str,
    previous: MappingSpec | None = None,
    options: ProposeOptions = _DEFAULT_OPTIONS,
    known: Mapping[str, Collection[str]] | None = None,
) -> MappingSpec:
    """Propose the whole map. With ``previous``, the person's work is kept (see :func:`merge_previous`).
    ``known``: model -> folded names of the records Odoo has (:func:`crm2odoo.mapping.values.known_names`)."""
    # version differences (mobile, team_ids, detailed_type) are read from odoo_fields, not from the version
    state = PlanState.start(catalog, samples, odoo_fields, options, known)
    if previous is not None:
        for omap in previous.objects.values():
            for line in omap.fields:
                if line.new_field is not None and line.target and line.status in ("edited", "confirmed"):
                    state.planned.setdefault(omap.model, {})[line.target] = line.new_field.type
    spec = MappingSpec(source_kind=catalog.source_kind, system=system, odoo_version=odoo_version,
                       objects=Planner(state).plan())
    product_links(spec.objects, samples, catalog)
    joined_list_links(spec.objects, samples)
    if previous is not None:
        spec = merge_previous(previous, spec)
    mobile_fills_empty_phone(spec.objects, odoo_fields)  # after the merge: lines the person edited are theirs
    derive_partner_names(spec.objects, catalog)
    mark_unfilled(spec.objects, odoo_fields)  # after the merge: a kept line may fill what the fresh map left open
    return spec


def merge_previous(previous: MappingSpec, fresh: MappingSpec) -> MappingSpec:
    """Re-plan: keep every edited/confirmed line and every ignore; new proposals only for what is new.

    A kept line wins over any fresh line sharing one of its source fields; a source field left without a line
    by that (a fresh join broken up by an edit) gets its own proposal back, so nothing disappears.
    """
    merged = replace(fresh, objects={}, fallback_owner_login=previous.fallback_owner_login)
    for name, new in fresh.objects.items():
        old = previous.objects.get(name)
        if old is None:
            merged.objects[name] = new
            continue
        base = new
        if old.status in ("edited", "confirmed"):
            base = replace(old, fields=[])
        kept = [ln for ln in old.fields if ln.status in ("edited", "confirmed") or ln.ignore]
        kept_keys = {ln.key() for ln in kept}
        covered = {s for ln in kept for s in ln.sources}
        kept_constant_targets = {ln.target for ln in kept if not ln.sources}
        lines: list[FieldMap] = []
        placed: set[str] = set()
        for ln in new.fields:
            if ln.key() in kept_keys:
                lines.append(next(k for k in kept if k.key() == ln.key()))
                placed.add(ln.key())
                continue
            if not ln.sources and ln.target in kept_constant_targets:
                continue
            overlap = [s for s in ln.sources if s in covered]
            if overlap:
                for s in ln.sources:
                    if s not in covered:
                        lines.append(FieldMap(source=s, ignore=True, confidence=0.4,
                                              reason="its joined line was edited; map it on its own or keep ignored"))
                continue
            lines.append(ln)
        for ln in kept:
            if ln.key() not in placed:
                lines.append(ln)
        merged.objects[name] = replace(base, fields=lines)
    for name, old in previous.objects.items():
        if name not in merged.objects and old.status in ("edited", "confirmed"):
            merged.objects[name] = old
    return merged


__all__ = ["ProposeOptions", "merge_previous", "propose"]
