"""Tags of a Planports workbook: the exports have no tag list, only an Etiketler / Gruplar column whose cells list
tag names ("VIP, Instagram"). Each distinct name becomes one record of a derived tag object (contact and company
tags -> ``tag``, opportunity tags -> ``deal_tag``), and the column holds the ids of those records, so the map links
the records to the tags (res.partner.category / crm.tag) instead of leaving the names behind."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from crm2odoo.sources.base import FieldInfo, SourceRecord
from crm2odoo.sources.planports import values as v

#: sheet kind whose tags column names tags -> the derived object holding those tags
TAG_OBJECT_OF_KIND: dict[str, str] = {"contacts": "tag", "deals": "deal_tag"}
TAG_KEY = "tags"
TAG_FIELDS = (FieldInfo("name", "Etiket", "text", required=True),)


def tag_id(label: str) -> str:
    """The id a tag name gets: folded, so 'VIP' and 'vip ' are one tag, as Odoo's unique tag names would have it."""
    return v.name_key(label) or label.strip()


def labels(cell: Any) -> list[str]:
    """The tag names a decoded tags cell holds (a list already, or text the connector did not split)."""
    if cell in (None, "", [], ()):
        return []
    items = cell if isinstance(cell, list | tuple) else [cell]
    return [label for item in items for label in v.split_list(item)]


def as_ids(values: dict[str, Any]) -> None:
    """Replace the record's tag names by the ids of the derived tag records."""
    if TAG_KEY in values:
        values[TAG_KEY] = list(dict.fromkeys(tag_id(label) for label in labels(values[TAG_KEY]))) or None


def tag_records(obj: str, cells: Iterable[tuple[Any, str]]) -> Iterator[SourceRecord]:
    """One record per distinct tag name of ``cells`` ((cell, locator) pairs), named as first written."""
    seen: set[str] = set()
    for cell, locator in cells:
        for label in labels(cell):
            ident = tag_id(label)
            if ident not in seen:
                seen.add(ident)
                yield SourceRecord(obj, ident, {"name": label}, locator)


def tags_field(obj: str, header: str) -> FieldInfo | None:
    """The tags column of a record whose sheet derives a tag object, as a many-link to it."""
    target = {"contact": "tag", "company": "tag", "deal": "deal_tag"}.get(obj)
    if target is None:
        return None
    return FieldInfo(TAG_KEY, header, "refs", ref_object=target,
                     description=f"the {target} records named in the cell (one per distinct name)")
