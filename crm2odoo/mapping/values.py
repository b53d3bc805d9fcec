"""What the proposer learns from values rather than headers: whether a lookup's sampled values exist in Odoo,
whether a column holds lists (and with which separator), and a selection's options from declared and held values.

Pure: Odoo's existing names come in as a mapping (model -> folded names), read once by ``api.plan``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.models import lookup_searches, odoo_model
from crm2odoo.separators import list_separator
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.textnorm import fold

#: below this share of resolved sampled values a lookup needs a person's decision
RESOLVED_ENOUGH = 0.8
LOW_LOOKUP_CONFIDENCE = 0.55
_READ_LIMIT = 20_000

SearchRead = Callable[[str, list[str], int], Iterable[Mapping[str, Any]]]


def known_names(search_read: SearchRead, odoo_fields: Mapping[str, Mapping[str, Any]]) -> dict[str, set[str]]:
    """model -> folded values of its search fields, for every lookup model this Odoo has."""
    out: dict[str, set[str]] = {}
    for model, by in lookup_searches().items():
        fields = odoo_fields.get(model)
        if not fields:
            continue
        readable = [b for b in by if b in fields]
        if not readable:
            continue
        names: set[str] = set()
        for row in search_read(model, readable, _READ_LIMIT):
            names.update(fold(str(row[b])) for b in readable if row.get(b))
        out[model] = names
    return out


@dataclass(frozen=True)
class LookupEvidence:
    resolved: int
    total: int
    missing: tuple[str, ...]

    @property
    def share(self) -> float:
        return self.resolved / self.total if self.total else 1.0


def lookup_evidence(values: Sequence[str], names: Collection[str], fmt: str | None = None) -> LookupEvidence:
    """How many distinct sampled values find an existing record (folded on both sides, as the loader searches)."""
    distinct: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            distinct.setdefault(fold(value), value.strip())
    missing = [v for v in distinct.values() if fold(fmt.format(v) if fmt else v) not in names]
    return LookupEvidence(len(distinct) - len(missing), len(distinct), tuple(missing))


def judge_lookup(model: str, params: dict[str, Any], values: Sequence[str],
                 known: Mapping[str, Collection[str]]) -> tuple[float | None, str]:
    """(confidence cap or None, reason) for a proposed lookup; sets ``params['create']`` when values are missing.

    A lookup whose sampled values mostly do not exist in Odoo needs a decision: create the missing records
    (``create: true``) or leave the field empty (``create: false``).
    """
    names = known.get(model)
    if names is None or not values:
        return None, ""
    evidence = lookup_evidence(values, names, params.get("format"))
    if not evidence.total:
        return None, ""
    if not evidence.missing:
        return None, f"all {evidence.total} distinct sampled values match an existing {model}"
    create = bool(params.get("create")) if "create" in params else not odoo_model(model).never_created
    params["create"] = create
    shown = ", ".join(repr(m) for m in evidence.missing[:3]) + (", ..." if len(evidence.missing) > 3 else "")
    choice = ("missing ones are created (create: false leaves them empty)" if create
              else "the rest are left empty (create: true creates them)")
    reason = (f"{evidence.resolved} of {evidence.total} distinct sampled values match an existing {model} "
              f"(not found: {shown}); {choice}")
    return (None if evidence.share >= RESOLVED_ENOUGH else LOW_LOOKUP_CONFIDENCE), reason


def _column(records: Sequence[SourceRecord], name: str) -> list[str]:
    return [str(v).strip() for r in records if (v := r.values.get(name)) not in (None, "", [])]


def product_links(maps: Mapping[str, ObjectMap], samples: Mapping[str, Sequence[SourceRecord]],
                  catalog: Catalog) -> None:
    """A line item whose product is not in the product list gets one: its link becomes a lookup by code that
    creates the missing product (``create: false`` leaves the line without one), instead of a reference that
    quarantines the line.

    Decided from values: only when the whole product list was read, some sampled lines name a product outside
    it, and the products' ids are their codes (so a lookup by code finds the ones the product map loads).
    """
    info = catalog.object("product")
    products = list(samples.get("product") or ())
    if info is None or not products or (info.count or 0) > len(products):
        return
    ids = {r.id for r in products}
    product_map = next((m for m in maps.values() if m.source_object == "product" and m.enabled), None)
    code = next((ln for ln in product_map.fields if ln.target == "default_code" and len(ln.sources) == 1), None) \
        if product_map else None
    coded = code is not None and all(str(r.values.get(code.sources[0]) or "").strip() == r.id for r in products)
    for omap in maps.values():
        if not odoo_model(omap.model).is_line:
            continue
        for ln in omap.fields:
            if ln.ignore or ln.transform != "ref" or ln.params.get("object") != "product" or len(ln.sources) != 1:
                continue
            values = set(_column(samples.get(omap.source_object) or (), ln.sources[0]))
            missing = sorted(values - ids)
            if not values:
                continue
            if not missing:
                ln.reason += f"; all {len(values)} sampled products are in the product list"
                continue
            shown = ", ".join(repr(m) for m in missing[:3]) + (", ..." if len(missing) > 3 else "")
            if not coded:
                ln.confidence = min(ln.confidence, LOW_LOOKUP_CONFIDENCE)
                ln.reason += (f"; {len(missing)} sampled products are not in the product list ({shown}): "
                              "those lines cannot load until the products exist")
                continue
            ln.transform = "lookup"
            ln.params = {"model": "product.product", "by": ["name", "default_code"], "create": True}
            ln.confidence = min(ln.confidence, 0.75)
            ln.reason += (f"; {len(missing)} of {len(values)} sampled products are not in the product list "
                          f"({shown}): found by code, and created (named by their code) when missing "
                          "(create: false leaves such lines without a product)")


def joined_list_links(maps: Mapping[str, ObjectMap], samples: Mapping[str, Sequence[SourceRecord]]) -> None:
    """Flag a many-link column whose linked names are themselves lists ('customer, vip'): the export joined its
    tags with a separator the connector did not split, so each combination would become its own tag."""
    for omap in maps.values():
        if not omap.enabled:
            continue
        for ln in omap.fields:
            if ln.ignore or ln.transform != "refs" or len(ln.sources) != 1:
                continue
            items = [str(item) for r in samples.get(omap.source_object) or ()
                     for item in _items(r.values.get(ln.sources[0]))]
            sep = list_separator(items)
            if sep is None:
                continue
            example = next(i for i in items if sep in i)
            linked = str(ln.params.get("object") or "record")
            ln.confidence = min(ln.confidence, 0.4)
            ln.reason += (f"; the linked names are lists joined by {sep!r} (e.g. {example!r}): each combination would "
                          f"become its own {linked}; split them in the source (or its export) before loading")


def _items(value: Any) -> list[Any]:
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


__all__ = [
    "LookupEvidence",
    "joined_list_links",
    "judge_lookup",
    "known_names",
    "lookup_evidence",
    "product_links",
]
