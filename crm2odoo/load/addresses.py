"""A person linked to a company keeps its own address, and the company keeps its own (res.partner, per version).

17/18: Odoo copies the parent's address over a ``type=contact`` child whenever ``parent_id`` is written, and the
first contact's address up to a parent that has none. So the address goes in a second write that carries no
parent_id (empty or not: the source's address is the truth).
19: a ``type=contact`` child's address *is* its parent's; writing it is copied up to the parent and on to every
sibling. So a child with an address of its own becomes ``type=other`` (never synced), and a child without one keeps
``type=contact`` and shows its parent's, as Odoo 19 intends; no empty address is sent (partner_cells_for_version).
The ``type=other`` child's address still goes in the second write: created with it, the first contact of a company
without an address gives the company its address (res_partner.py, _handle_first_contact_creation, on every version).
"""

from __future__ import annotations

from typing import Any, Protocol

from crm2odoo.errors import OdooRecordError
from crm2odoo.load.cells import read_cells, same_cell
from crm2odoo.load.context import LoadContext
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.rules import PARTNER_ADDRESS, keeps_parent_address_once_linked
from crm2odoo.mapping.spec import ObjectMap

FieldsMeta = dict[str, dict[str, Any]]

#: persons' addresses are restored with one write per distinct address when there are at most 1/N as many
#: addresses as persons (measured on 18: a grouped write ~2 ms a record plus ~40 ms a call, a load ~10 ms a record)
ADDRESS_GROUP_RATIO = 4


class Load(Protocol):
    """Writer.load: send ``group``'s ``names`` columns by ``load``, splitting on refusals."""

    def __call__(self, obj: ObjectMap, group: list[Prepared], names: list[str], fields_meta: FieldsMeta,
                 result: ObjectResult, *, count: bool = True, attempt: int = 0,
                 refused: list[str] | None = None) -> None: ...


class AddressKeeper:
    def __init__(self, ctx: LoadContext, load: Load) -> None:
        self.ctx, self.load = ctx, load

    def split(self, obj: ObjectMap, prepared: list[Prepared]) -> list[Prepared]:
        """Take the address out of the records linked to a parent; returned as the follow-up writes to send."""
        if obj.model != "res.partner":
            return []
        linked = [p for p in prepared if p.cells.get("parent_id") and any(f in p.cells for f in PARTNER_ADDRESS)]
        if not linked:
            return []
        meta = self.ctx.schema.fields(obj.model)
        # the parents' addresses as they are now (one read per batch): a person whose address is its parent's
        # needs no second write, since the copy Odoo makes is already right
        parent_ids = sorted({int(p.cells["parent_id"]) for p in linked})
        parents = {int(r["id"]): read_cells(r, PARTNER_ADDRESS, meta)
                   for r in self.ctx.client.read(obj.model, parent_ids, list(PARTNER_ADDRESS))}
        after: list[Prepared] = []
        for p in linked:
            own = {f: p.cells.get(f, "") for f in PARTNER_ADDRESS}
            parent = parents.get(int(p.cells["parent_id"]))
            if keeps_parent_address_once_linked(own, not p.existing_id, self.ctx.schema.major):
                # nothing is sent, so nothing is recorded as written for those fields
                for f in PARTNER_ADDRESS:
                    p.cells.pop(f, None)
                continue
            if parent is not None and any(parent.values()) \
                    and all(same_cell(own[f], parent[f], meta[f]) for f in PARTNER_ADDRESS):
                continue
            p.later = {f: p.cells.pop(f, "") for f in PARTNER_ADDRESS}
            after.append(Prepared(p.target, p.later))
        return after

    def restore(self, obj: ObjectMap, after: list[Prepared], fields_meta: FieldsMeta) -> list[str]:
        """Send the follow-up writes of the records that landed and settle them; the source ids Odoo refused."""
        refused: list[str] = []
        landed = self.ctx.resolver.ids_of(obj.name, [p.target.source_id for p in after])
        rows = [p for p in after if p.target.source_id in landed]
        if rows:
            self._write(obj, rows, landed, fields_meta, refused)
            self.ctx.ledger.settle(obj.name, [(p.target.source_id, p.target.content_hash, p.cells) for p in rows
                                              if p.target.source_id not in refused])
        return refused

    def _write(self, obj: ObjectMap, rows: list[Prepared], landed: dict[str, int], fields_meta: FieldsMeta,
               refused: list[str]) -> None:
        """Write back the persons' own addresses after linking them to their parent.

        Odoo writes the rows of an updating ``load`` one record at a time (about 10 ms each on 18), while one
        ``write`` of many records with the same values costs about 2 ms a record: persons sharing an address (a
        city, the office's street) are written together, one call per address; when few share, one load.
        Both are idempotent: a repeat after a lost reply writes the same values again.
        """
        groups: dict[tuple[str, ...], list[Prepared]] = {}
        for p in rows:
            groups.setdefault(tuple(p.cells.get(f, "") for f in PARTNER_ADDRESS), []).append(p)
        if len(groups) * ADDRESS_GROUP_RATIO > len(rows):
            self.load(obj, rows, sorted(PARTNER_ADDRESS), fields_meta, ObjectResult(obj.name, obj.model),
                      count=False, refused=refused)
            return
        for values, group in groups.items():
            vals = {f: (int(v) if v else False) if fields_meta[f].get("type") == "many2one" else (v or False)
                    for f, v in zip(PARTNER_ADDRESS, values, strict=True)}
            try:
                self.ctx.client.write(obj.model, [landed[p.target.source_id] for p in group], vals,
                                      context=self.ctx.context)
            except OdooRecordError:  # the load isolates the record Odoo refuses and reports it
                self.load(obj, group, sorted(PARTNER_ADDRESS), fields_meta, ObjectResult(obj.name, obj.model),
                          count=False, refused=refused)
