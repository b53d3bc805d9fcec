"""State changes after loading (confirm orders, post invoices): the map's ``options.actions``, kept in the ledger
as pending until they ran, then run in load order (an invoice is posted once its lines exist), in batches."""

from __future__ import annotations

from typing import Any

from crm2odoo.errors import OdooRecordError
from crm2odoo.ledger.db import Issue
from crm2odoo.load.context import LoadContext
from crm2odoo.load.order import spec_order
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.writer import Writer
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.models import ACTIONS

ACTION_BATCH = 50


def run_actions(ctx: LoadContext, writer: Writer, results: list[ObjectResult]) -> None:
    """Pending actions, in load order, in batches.

    Business methods overwrite dates (action_confirm sets date_order to now): the ``overwrites`` fields of the
    action are written back from what the tool loaded. A record Odoo refuses to change is listed, not lost.
    """
    pending = ctx.ledger.actions(states=("pending",))
    if not pending:
        return
    by_result = {r.name: r for r in results}
    order = {step.map.name: n for n, step in enumerate(spec_order(ctx.spec))}
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in pending:
        groups.setdefault((row["object"], row["action"]), []).append(row)
    for (obj_name, action), rows in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])):
        obj = ctx.spec.objects.get(obj_name)
        if obj is None or action not in ACTIONS:
            continue
        ctx.events("actions", name=obj_name, action=action, count=len(rows))
        for start in range(0, len(rows), ACTION_BATCH):
            _act(ctx, writer, obj, action, rows[start:start + ACTION_BATCH], by_result.get(obj_name))


def _act(ctx: LoadContext, writer: Writer, obj: ObjectMap, action: str, rows: list[Any],
         result: ObjectResult | None) -> None:
    ids = [int(r["odoo_id"]) for r in rows]
    try:
        ctx.client.execute(obj.model, action, ids, context=ctx.context)
    except OdooRecordError as exc:
        if len(rows) > 1:
            middle = len(rows) // 2
            _act(ctx, writer, obj, action, rows[:middle], result)
            _act(ctx, writer, obj, action, rows[middle:], result)
            return
        row = rows[0]
        ctx.ledger.set_action(row["object"], row["source_id"], action, "failed", str(exc)[:500])
        ctx.outcomes.issues([Issue(row["object"], row["source_id"], "warning",
                                   f"loaded, but Odoo refused {action}: {exc}")])
        return
    _write_back(ctx, writer, obj, action, rows)
    for row in rows:
        ctx.ledger.set_action(row["object"], row["source_id"], action, "done")


def _write_back(ctx: LoadContext, writer: Writer, obj: ObjectMap, action: str, rows: list[Any]) -> None:
    """The loaded values of the fields ``action`` overwrites, written again (one load per record)."""
    fields_meta = ctx.schema.fields(obj.model)
    restore = [f for f in ACTIONS[action].overwrites if f in fields_meta]
    if not restore:
        return
    for row in rows:
        landed = ctx.ledger.get(row["object"], row["source_id"])
        cells = {f: str((landed.written or {}).get(f, "")) for f in restore} if landed else {}
        if landed and any(cells.values()):
            target = TargetRecord(obj.name, row["source_id"], obj.model, landed.xmlid, {})
            p = Prepared(target, {f: v for f, v in cells.items() if v})
            writer.load(obj, [p], sorted(p.cells), fields_meta, ObjectResult(obj.name, obj.model), count=False)
