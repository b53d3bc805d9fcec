"""What follows once every batch of a record map is settled: self-references linked, duplicates recorded as merged
into their survivor, and (on a delta) records deleted in the source archived."""

from __future__ import annotations

from typing import Any

from crm2odoo.ledger.db import Issue, Landing
from crm2odoo.load.batch import Deferred
from crm2odoo.load.context import LoadContext
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.rules import PARTNER_ADDRESS, keeps_parent_address_once_linked
from crm2odoo.load.writer import Writer
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.odoo import versions

FieldsMeta = dict[str, dict[str, Any]]


def link_deferred(ctx: LoadContext, writer: Writer, obj: ObjectMap, fields_meta: FieldsMeta,
                  deferred: list[Deferred]) -> None:
    """Self-references (a company's parent company) once every record of the map exists."""
    relinked: list[tuple[Any, dict[str, str]]] = []
    for odoo_id, target, refs, created in deferred:
        if not odoo_id:
            continue
        vals: dict[str, Any] = {}
        for name, ref in refs.items():
            found = ctx.resolver.id_of(ref)
            if found is None:
                ctx.outcomes.warn(obj.name, target.source_id, f"references {ref.object} {ref.source_id}, which is "
                                  "not in Odoo; link left out", field_name=name, value=ref.source_id,
                                  locator=target.locator)
            else:
                vals[name] = found
        if not vals:
            continue
        own = _own_address(ctx, obj, target.source_id) if obj.model == "res.partner" and "parent_id" in vals else {}
        syncs_with_parent = versions.child_address_is_parents(ctx.schema.major)
        if syncs_with_parent and any(own.values()):
            vals["type"] = "other"  # see load/addresses.py: never synced with the parent
        ctx.client.write(obj.model, [odoo_id], vals, context=ctx.context)
        shows_parents = keeps_parent_address_once_linked(own, created, ctx.schema.major)
        if own and not shows_parents:
            relinked.append((target, own))
        elif own:  # it shows its parent's now, which is not a change to report
            _forget_address(ctx, obj, target.source_id, odoo_id)
    if relinked:
        # Writing parent_id copied the parent's address over this one; put the record's own address back.
        rows = [Prepared(target, {f: own.get(f, "") for f in PARTNER_ADDRESS}) for target, own in relinked]
        writer.load(obj, rows, sorted(PARTNER_ADDRESS), fields_meta, ObjectResult(obj.name, obj.model), count=False)


def _own_address(ctx: LoadContext, obj: ObjectMap, source_id: str) -> dict[str, str]:
    row = ctx.ledger.get(obj.name, source_id)
    return {f: str(v) for f, v in ((row.written if row else None) or {}).items() if f in PARTNER_ADDRESS}


def _forget_address(ctx: LoadContext, obj: ObjectMap, source_id: str, odoo_id: int) -> None:
    row = ctx.ledger.get(obj.name, source_id)
    if row is not None and row.written:
        kept = {k: v for k, v in row.written.items() if k not in PARTNER_ADDRESS}
        ctx.ledger.mark_landed(ctx.run_id, [Landing(obj.name, source_id, odoo_id, row.state, kept)])


def settle_merged(ctx: LoadContext, obj: ObjectMap, merged: list[tuple[str, str, str]], result: ObjectResult) -> None:
    """(duplicate, survivor, reason): a duplicate stands for its survivor's Odoo record; skipped if that did not land."""
    ids = ctx.resolver.ids_of(obj.name, [survivor for _, survivor, _ in merged])
    rows: list[Landing] = []
    for duplicate, survivor, reason in merged:
        odoo_id = ids.get(survivor)
        if odoo_id is None:
            ctx.ledger.mark_skipped(ctx.run_id, obj.name, duplicate, reason + " (not loaded)", model=obj.model)
            result.skipped += 1
            continue
        ctx.ledger.mark_merged(ctx.run_id, obj.name, duplicate, reason, model=obj.model)
        rows.append(Landing(obj.name, duplicate, odoo_id, "merged", {}))
        result.merged += 1
    if rows:
        ctx.ledger.mark_landed(ctx.run_id, rows)
        ctx.resolver.register(obj.name, {row.source_id: row.odoo_id for row in rows})


def archive_deleted(ctx: LoadContext, obj: ObjectMap, fields_meta: FieldsMeta, result: ObjectResult) -> None:
    """Records deleted in the source since the last run: archived in Odoo (restored by rollback)."""
    present = set(ctx.source.list_ids(obj.source_object))
    gone = [r for r in ctx.ledger.records(obj.name, states=("created", "updated", "unchanged", "matched"))
            if r.source_id not in present and r.odoo_id]
    if not gone:
        return
    if "active" not in fields_meta:
        ctx.outcomes.issues(Issue(obj.name, r.source_id, "warning", f"deleted in the source; {obj.model} cannot be "
                                  "archived, left as is", locator=r.locator) for r in gone)
        return
    ids = [int(r.odoo_id or 0) for r in gone]
    ctx.ledger.save_prior(ctx.run_id, obj.model, {i: {"active": True} for i in ids})
    ctx.client.write(obj.model, ids, {"active": False}, context=ctx.context)
    for record in gone:
        ctx.ledger.mark_archived(ctx.run_id, obj.name, record.source_id, "deleted in the source")
    ctx.outcomes.issues(Issue(obj.name, r.source_id, "warning", "deleted in the source: archived in Odoo",
                              locator=r.locator) for r in gone)
    result.archived += len(gone)
