"""Which field is an Ontraport object's key, learnt from its meta or from a record it returns.

Most objects are keyed ``id``; Tags are keyed ``tag_id`` and forms ``form_id``, and a custom object may use yet
another name. ``/objects/meta`` need not list the key at all, so a name in the meta settles it and otherwise
one returned record does: sorting, keyset paging, ``ids`` filters and source ids all use the learnt key, since
Ontraport answers 400 ("Invalid sort field: id") to a sort by a field the object lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from crm2odoo.textnorm import slug

#: fields that end in "id" and are never a record's own key: links to other objects and other identifiers
_NOT_KEYS = {"object_type_id", "object_id", "unique_id", "contact_id", "drip_id", "import_id", "program_id",
             "tag_id", "form_id", "product_id", "invoice_id", "company_id", "deal_id", "owner_id", "user_id",
             "task_id", "note_id", "order_id", "offer_id", "gateway_id", "cc_id", "lp_id", "template_id",
             "call_outcome_id", "item_id", "subscription_id", "package_id", "coupon_id", "coupon_code_id",
             "affiliate_id", "external_order_id", "group_id", "parent_id", "uri_id"}
_WHOLE_NUMBER = re.compile(r"^\d+$")


def own_key_names(*object_names: str) -> tuple[str, ...]:
    """The key spellings objects of these names may use: ``id``, then ``<name>_id`` (``tag_id``, ``form_id``)."""
    names = ["id"]
    for object_name in object_names:
        words = slug(object_name)
        if words:
            singular = words[:-3] + "y" if words.endswith("ies") else words[:-1] if words.endswith("s") else words
            names += [f"{singular}_id", f"{words}_id"]
    return tuple(dict.fromkeys(names))


def key_from_meta(names: tuple[str, ...], fields_meta: Mapping[str, Any]) -> str | None:
    """The key when the meta names it: one of ``names`` (from :func:`own_key_names`) listed, not as a link."""
    for name in names:
        meta = fields_meta.get(name)
        if isinstance(meta, Mapping) and str(meta.get("type") or "") == "parent":
            continue
        if name in fields_meta:
            return name
    return None


def key_from_record(names: tuple[str, ...], rows: Sequence[Mapping[str, Any]], fields_meta: Mapping[str, Any],
                    label: str = "") -> str | None:
    """The key as returned records show it: a field whose values are whole numbers, filled in every record and
    distinct across them (one page is enough to tell ``tag_id`` from ``object_type_id``). Among such fields the
    spellings in ``names`` come first, then ``…id`` fields that are no link, then ``<word>_id`` fields whose word is
    in the object's label (``tag_id`` on "Tags (of deals)"), then other ``_id`` fields the meta does not declare as
    links."""
    if not rows:
        return None
    label_words = set(re.findall(r"[a-z]+", label.lower()))
    best: tuple[int, int, str] | None = None
    for position, name in enumerate(rows[0]):
        values = [str(row.get(name, "")).strip() for row in rows]
        if not all(_whole(v) for v in values) or len(set(values)) != len(values):
            continue
        rank = _key_rank(name, names, fields_meta, label_words)
        if rank == 1 and len(rows) < 2:
            continue  # a link-like name is taken as the key only when several records show it distinct
        if rank and (best is None or (rank, -position) > (best[0], best[1])):
            best = (rank, -position, name)
    return best[2] if best else None


def _key_rank(name: str, names: tuple[str, ...], fields_meta: Mapping[str, Any], label_words: set[str]) -> int:
    """How likely a unique whole-number field is the key by its name (0: never)."""
    meta = fields_meta.get(name)
    if isinstance(meta, Mapping) and (str(meta.get("type") or "") == "parent" or meta.get("parent_object")):
        return 0
    lowered = name.lower()
    if lowered in names:
        return 4
    if lowered.endswith("id") and lowered not in _NOT_KEYS:
        return 3
    stem = lowered[:-3] if lowered.endswith("_id") else ""
    if stem and (stem in label_words or f"{stem}s" in label_words):
        return 2
    return 1 if stem and lowered not in ("object_type_id", "unique_id") else 0


def _whole(value: Any) -> bool:
    return value is not None and bool(_WHOLE_NUMBER.match(str(value).strip()))


__all__ = ["key_from_meta", "key_from_record", "own_key_names"]
