"""Records a lookup creates when Odoo has none of that name (contact tags, UTM sources, mediums and campaigns, lost
reasons, stages and teams by name, product categories): each with the tool's external ID and a ledger row (object
``auto:<model>``), so a lost reply is repaired by sending again and rollback removes exactly them.

All the missing ones a batch names of one model go in one ``load``, not one ``load`` each. A ``load`` Odoo refuses
is rolled back whole, so a refused group is sent again one record at a time: only the record Odoo refuses is
quarantined, with its message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from crm2odoo.ledger.db import Intent, Landing, Ledger
from crm2odoo.load.cells import quiet_context
from crm2odoo.mapping.engine import xmlid_for
from crm2odoo.mapping.transforms import Lookup
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.textnorm import fold


@dataclass(frozen=True)
class AutoRecord:
    """One record a lookup creates: its model, ledger key, external ID and ``load`` columns and cells."""

    model: str
    source_id: str
    xmlid: str
    columns: tuple[str, ...]
    row: tuple[str, ...]

    @property
    def obj(self) -> str:
        return f"auto:{self.model}"


def auto_record(item: Lookup, within: tuple[str, Any] | None, schema: Schema, system: str) -> AutoRecord:
    """What creates ``item`` by name (under ``within``'s parent when it has one)."""
    field_name = next((b for b in item.by if b != "xmlid"), "name")
    source_id = fold(item.value)
    xmlid = xmlid_for(system, "auto_" + item.model.replace(".", "_"), source_id)
    columns, row = ["id", field_name], [xmlid, item.value]
    meta = schema.fields(item.model) if schema.has_model(item.model) else {}
    if not meta.get(field_name, {}).get("store", True):
        # the search skips unstored fields (a product's name lives on its template): the value goes into the
        # first stored field the lookup searches too (its code), so the next search finds what was created
        stored = next((b for b in item.by if b not in ("xmlid", field_name) and meta.get(b, {}).get("store", True)
                       and b in meta), None)
        if stored is not None:
            columns.append(stored)
            row.append(item.value)
    if within is not None and within[1]:
        columns.append(f"{within[0]}/.id")
        row.append(str(within[1]))
    return AutoRecord(item.model, source_id, xmlid, tuple(columns), tuple(row))


def create_auto(client: OdooClient, ledger: Ledger, run_id: int, records: Iterable[AutoRecord]) -> dict[str, int | None]:
    """xmlid -> the Odoo id of each record created (None: Odoo refused it; it is quarantined with Odoo's message).
    One ``load`` per model and set of columns; intents recorded before it is sent."""
    groups: dict[tuple[str, tuple[str, ...]], dict[str, AutoRecord]] = {}
    for record in records:
        groups.setdefault((record.model, record.columns), {}).setdefault(record.xmlid, record)
    out: dict[str, int | None] = {}
    for group in groups.values():
        out.update(_load(client, ledger, run_id, list(group.values())))
    return out


def _load(client: OdooClient, ledger: Ledger, run_id: int, group: list[AutoRecord]) -> dict[str, int | None]:
    first = group[0]
    ledger.mark_sending(run_id, [Intent(r.obj, r.source_id, r.model, r.xmlid, "", "") for r in group])
    # load with our external IDs is idempotent: safe to send again after a lost reply
    answer = dict(client.execute(first.model, "load", fields=list(first.columns), data=[list(r.row) for r in group],
                                 context=quiet_context(), retry_writes=True))
    ids = answer.get("ids") or []
    if len(ids) == len(group) and all(ids):
        ledger.mark_landed(run_id, [Landing(r.obj, r.source_id, int(i), "created", {r.columns[1]: r.row[1]})
                                    for r, i in zip(group, ids, strict=True)])
        return {r.xmlid: int(i) for r, i in zip(group, ids, strict=True)}
    if len(group) > 1:
        out: dict[str, int | None] = {}
        for record in group:
            out.update(_load(client, ledger, run_id, [record]))
        return out
    ledger.mark_quarantined(run_id, first.obj, first.source_id,
                            "; ".join(str(m.get("message")) for m in answer.get("messages") or []))
    return {first.xmlid: None}
