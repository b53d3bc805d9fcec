"""Questions about external IDs (``ir.model.data``) that several loaders ask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from crm2odoo.mapping.engine import XMLID_MODULE
from crm2odoo.odoo.client import OdooClient

#: ids per ``in`` clause
CHUNK = 1000


def named_ids(client: OdooClient, model: str, ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` that hold an external ID of any module: a record without one is nobody's yet."""
    out: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        out |= {int(r["res_id"]) for r in client.search_read(
            "ir.model.data", [["model", "=", model], ["res_id", "in", list(ids[start:start + CHUNK])]], ["res_id"])}
    return out


def existing_names(client: OdooClient, names: Iterable[str]) -> set[str]:
    """Those of our external ID ``names`` (the part after ``crm2odoo.``) that Odoo holds."""
    return {str(r["name"]) for r in client.search_read(
        "ir.model.data", [["module", "=", XMLID_MODULE], ["name", "in", list(names)]], ["name"])}


def named_by(client: OdooClient, xmlid: str) -> int | None:
    """The record an external ID (``module.name``) names, if Odoo holds it."""
    module, name = xmlid.split(".", 1)
    rows = client.search_read("ir.model.data", [["module", "=", module], ["name", "=", name]], ["res_id"])
    return int(rows[0]["res_id"]) if rows else None


def give_name(client: OdooClient, xmlid: str, model: str, res_id: int, context: dict[str, Any]) -> None:
    """Give a record made without one (by a wizard, by a create the tool adopted) its external ID."""
    module, name = xmlid.split(".", 1)
    client.create("ir.model.data", [{"module": module, "name": name, "model": model, "res_id": res_id,
                                     "noupdate": True}], context=context)
