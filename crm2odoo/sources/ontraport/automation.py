"""What the Ontraport API gives of its automation and web objects for the inventory: rules (objectID 6) with their
events, conditions and actions in the rule syntax, sequences (5) with their step and subscriber counts, campaign
builder items (140) with theirs, and the other non-migratable objects as they come."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm2odoo.sources.base import InventoryItem
from crm2odoo.sources.ontraport.decode import split_list
from crm2odoo.sources.ontraport.objects import InventoryType


def inventory_item(inv: InventoryType, row: Mapping[str, Any], enrolled: Mapping[str, int]) -> InventoryItem:
    """One row of a non-migratable object (rules, sequences, campaign builder items, forms...) for the handoff;
    a rule keeps its events, conditions and actions as written, for crm2odoo.automations' parser."""
    name = next((str(row[k]) for k in inv.name_keys if row.get(k)), f"{inv.kind} {row.get('id', '?')}")
    rid = str(row.get("id") or row.get("form_id") or "")
    details: dict[str, Any] = {"id": rid}
    if inv.kind == "automation_rule":
        details.update(trigger=row.get("events") or "", conditions=row.get("conditions") or "",
                       steps=split_list(row.get("actions")) if row.get("actions") else [],
                       paused=str(row.get("pause")) == "1",
                       # the strings as written, for the rule-syntax parser (crm2odoo.automations)
                       events=str(row.get("events") or ""), actions=str(row.get("actions") or ""),
                       object_type_id=_int_or_none(row.get("object_type_id")) or 0)
    elif inv.kind == "sequence":
        details.update(step_count=_int_or_none(row.get("steps")), enrolled_count=enrolled.get(rid, 0))
    elif inv.kind == "campaign":
        details.update(enrolled_count=_int_or_none(row.get("subscribers")), paused=str(row.get("pause")) == "1")
    else:
        details.update({k: v for k, v in row.items() if k not in inv.name_keys and v not in ("", None, "0")})
    return InventoryItem(kind=inv.kind, name=name, details=details, advice=inv.advice)


def _int_or_none(raw: Any) -> int | None:
    try:
        return int(str(raw))
    except ValueError:
        return None
