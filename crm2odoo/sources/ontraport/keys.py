"""Which field is an Ontraport object's key, learnt from its meta or from a record it returns.

Most objects are keyed ``id``; Tags are keyed ``tag_id`` and forms ``form_id``, and a custom object may use yet
another name. ``/objects/meta`` need not list the key at all, so a name in the meta settles it and otherwise
one returned record does: sorting, keyset paging, ``ids`` filters and source ids all use the learnt key, since
Ontraport answers 400 ("Invalid sort field: id") to a sort by a field the object lacks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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


def key_from_record(names: tuple[str, ...], row: Mapping[str, Any], fields_meta: Mapping[str, Any]) -> str | None:
    """The key as a returned record shows it: one of ``names`` if present, else the first field whose name ends in
    ``id``, whose value is a whole number and that the meta does not declare as a link to another object."""
    for name in names:
        if _whole(row.get(name)):
            return name
    for name, value in row.items():
        lowered = name.lower()
        if lowered in _NOT_KEYS or not lowered.endswith("id") or not _whole(value):
            continue
        meta = fields_meta.get(name)
        if isinstance(meta, Mapping) and (str(meta.get("type") or "") == "parent" or meta.get("parent_object")):
            continue
        return name
    return None


def _whole(value: Any) -> bool:
    return value is not None and bool(_WHOLE_NUMBER.match(str(value).strip()))


__all__ = ["key_from_meta", "key_from_record", "own_key_names"]
