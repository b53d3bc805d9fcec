"""What Odoo stored for the records just written, read back in few calls and kept as their landed values.

Odoo normalises what it stores and fills what the loader leaves to it (see load/rules.py): reconcile, the three-way
merge and rollback compare Odoo with these landed values, never with the values sent. A difference no rule explains
(a value cut short, a field Odoo overrides) is recorded as a warning a person can see.

The records of several batches are read in one ``read``: a call costs Odoo about as much as reading 200 partners
(its request, session and access checks: ~18 ms of a 200-partner read's ~30 ms on 18), so reading once per batch
spent more on calls than on records. Every record waiting is read before its map's pass finishes
(ObjectPass.finish: before self-references are linked and duplicates settled) and when a run stops early.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from crm2odoo.errors import OdooError
from crm2odoo.ledger.db import Issue
from crm2odoo.load.cells import read_cells
from crm2odoo.load.context import LoadContext
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.rules import corresponds
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.redact import redact

FieldsMeta = dict[str, dict[str, Any]]

log = logging.getLogger("crm2odoo.load")
#: records read back in one call: a few batches' worth (Odoo's cost per call is a read of ~200 partners)
READ_BACK_RECORDS = 1000
#: not read back after a write: file content is verified by its checksum (validate/reconcile.py), not re-read
UNREAD_TYPES = frozenset({"binary", "one2many", "properties", "properties_definition"})


@dataclass
class _Waiting:
    obj: ObjectMap
    fields_meta: FieldsMeta
    records: list[Prepared]


class ReadBacks:
    """The records of one run waiting to be read back, per map; shared by the run's worker threads."""

    def __init__(self, ctx: LoadContext, per_call: int = READ_BACK_RECORDS) -> None:
        self.ctx, self.per_call = ctx, per_call
        self._lock = threading.Lock()
        self._waiting: dict[str, _Waiting] = {}

    def add(self, obj: ObjectMap, landed: list[Prepared], fields_meta: FieldsMeta) -> None:
        """Records just written; read back (by the calling thread) once a call's worth of them waits."""
        if not landed:
            return
        with self._lock:
            waiting = self._waiting.setdefault(obj.name, _Waiting(obj, fields_meta, []))
            waiting.records.extend(landed)
            due = waiting.records if len(waiting.records) >= self.per_call else None
            if due is not None:
                waiting.records = []
        if due is not None:
            self.read(obj, due, fields_meta)

    def flush(self, name: str) -> None:
        """Read back every record of map ``name`` still waiting."""
        with self._lock:
            waiting = self._waiting.pop(name, None)
        if waiting is not None and waiting.records:
            self.read(waiting.obj, waiting.records, waiting.fields_meta)

    def flush_after_stop(self, stopped_by: BaseException | None) -> None:
        """A run that ends early (interrupted, a source failing) still reads back what it wrote. Not when Odoo is
        what failed: the read would fail too, and the error to show is the first one."""
        with self._lock:
            names = [name for name, waiting in self._waiting.items() if waiting.records]
        if not names:
            return
        if isinstance(stopped_by, OdooError):
            log.info("not read back after Odoo failed: %d records of %s", sum(
                len(self._waiting[n].records) for n in names), ", ".join(names))
            return
        try:
            for name in names:
                self.flush(name)
        except Exception as exc:  # noqa: BLE001 - the stop's own error is the one to show; this one is logged
            log.warning("reading back what the stopped run wrote failed: %s", redact(str(exc))[:200])

    def read(self, obj: ObjectMap, landed: list[Prepared], fields_meta: FieldsMeta) -> None:
        """One ``read`` for ``landed`` (records of one map, in the order written), kept as their landed values."""
        names = sorted({n for p in landed for n in (*p.cells, *p.later, *p.relink)
                        if n in fields_meta and fields_meta[n].get("type") not in UNREAD_TYPES})
        ids = sorted({int(p.landed_id or 0) for p in landed})
        if not ids or not names:
            return
        rows = {int(r["id"]): r for r in self.ctx.client.read(obj.model, ids, names, link_names=False,
                                                               context={"active_test": False})}
        stored_rows: list[tuple[str, dict[str, tuple[str, str]]]] = []
        issues: list[Issue] = []
        for p in landed:
            row = rows.get(int(p.landed_id or 0))
            if row is None:
                continue
            mine = [n for n in names if n in p.cells or n in p.later or n in p.relink]
            stored = read_cells(row, mine, fields_meta)
            full = p.full or {}
            pairs: dict[str, tuple[str, str]] = {}
            differing: list[str] = []
            for name in mine:
                sent = str(p.later[name] if name in p.later else p.cells[name] if name in p.cells
                           else full.get(name, ""))
                pairs[name] = (sent, stored[name])
                if sent != stored[name]:
                    differing.append(name)
            if differing:  # the rules are asked only where Odoo holds other text than was sent
                sent_all = {**full, **p.cells, **p.later}
                issues.extend(Issue(obj.name, p.target.source_id, "warning",
                                    f"Odoo stored {stored[name][:80]!r} for {name}, the tool sent {pairs[name][0][:80]!r}",
                                    field=name, value=pairs[name][0][:200], locator=p.target.locator)
                              for name in differing if not corresponds(pairs[name][0], stored[name], fields_meta[name],
                                                                       name, model=obj.model, cells=sent_all))
            stored_rows.append((p.target.source_id, pairs))
        self.ctx.ledger.set_landed(obj.name, stored_rows)
        self.ctx.outcomes.issues(issues)
