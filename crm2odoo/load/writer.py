"""Sending prepared records to Odoo: ``load`` with our external IDs (or ``create`` then naming, load/create.py),
split until the records Odoo refuses are isolated, and what Odoo stored read back (load/readback.py).

The write primitive is Odoo's ``load`` with an ``id`` column holding our external ID. It creates the record and its
external ID in one transaction and, for an external ID that exists, updates instead of creating; so a batch sent
again after a lost reply, a crash or a kill duplicates nothing. A batch Odoo rejects for a data reason is split until
the bad records are isolated and quarantined with Odoo's message; the rest load.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from crm2odoo.errors import OdooRecordError
from crm2odoo.load.addresses import AddressKeeper
from crm2odoo.load.cells import column
from crm2odoo.load.context import LoadContext
from crm2odoo.load.create import Creator
from crm2odoo.load.diffing import group_columns, write_groups
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.readback import ReadBacks
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.models import odoo_model
from crm2odoo.odoo.client import CONCURRENCY_SIGNS

FieldsMeta = dict[str, dict[str, Any]]

log = logging.getLogger("crm2odoo.load")
#: a batch whose every error is Odoo failing inside (not a value it refused) is sent again this many times
SERVER_FAULT_RETRIES = 3
SERVER_FAULT_BACKOFF = 1.0  # seconds, doubled on each attempt


def server_fault(message: dict[str, Any]) -> bool:
    """A load() message about Odoo, not about the record: an exception it did not expect ('Unknown error during
    import: <class ...>'), or PostgreSQL's answer to two transactions writing one row (a serialization failure, a
    deadlock, a lock not granted), which load catches per record (models.py, ``except psycopg2.Error``) so Odoo's
    own retry of the request never sees it. Either way the batch rolled back and sending it again is the cure."""
    text = str(message.get("message", ""))
    return text.startswith("Unknown error during import") or any(sign in text for sign in CONCURRENCY_SIGNS)


class Writer:
    """The write path of one run; shared by its worker threads."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self.creator = Creator(ctx)
        self.addresses = AddressKeeper(ctx, self.load)
        self.read_backs = ReadBacks(ctx)

    def send(self, obj: ObjectMap, prepared: list[Prepared], fields_meta: FieldsMeta, result: ObjectResult) -> None:
        """One ``load`` per group of records sharing their default-sensitive columns; split on data errors."""
        after = self.addresses.split(obj, prepared)
        for signature, group in write_groups(prepared).items():
            names = group_columns(signature, group)
            self._send_group(obj, group, names, fields_meta, result)
            again = [n for n in odoo_model(obj.model).write_overwrites if n in names]
            updates = [p for p in group if p.existing_id and any(p.cells.get(n) for n in again)]
            if again and updates:
                self.load(obj, [Prepared(p.target, {n: p.cells.get(n, "") for n in again}) for p in updates], again,
                          fields_meta, ObjectResult(obj.name, obj.model), count=False)
        refused = self.addresses.restore(obj, after, fields_meta) if after else []
        self.read_backs.add(obj, [p for p in prepared if p.landed_id and p.target.source_id not in refused],
                            fields_meta)

    def _send_group(self, obj: ObjectMap, group: list[Prepared], names: list[str], fields_meta: FieldsMeta,
                    result: ObjectResult) -> None:
        """New records by ``create`` where that applies (load/create.py), the rest by ``load``."""
        new = [p for p in group if not p.existing_id and p.full is None] \
            if self.creator.applies(obj, names, fields_meta) else []
        if not new:
            self.load(obj, group, names, fields_meta, result)
            return
        taken = {id(p) for p in new}
        old = [p for p in group if id(p) not in taken]

        def by_load(rows: list[Prepared]) -> None:
            self.load(obj, rows, names, fields_meta, result)

        self.creator.send(obj, new, names, fields_meta, result, by_load)
        if old:
            self.load(obj, old, names, fields_meta, result)

    def load(self, obj: ObjectMap, group: list[Prepared], names: list[str], fields_meta: FieldsMeta,
             result: ObjectResult, *, count: bool = True, attempt: int = 0, refused: list[str] | None = None) -> None:
        """``count=False``: a follow-up write of records that landed; the ones Odoo refuses go in ``refused``."""
        header = ["id", *[column(n, fields_meta[n]) for n in names]]
        rows = [[p.target.xmlid, *[p.cells.get(n, "") for n in names]] for p in group]
        try:
            answer = self.ctx.client.execute(obj.model, "load", fields=header, data=rows, context=self.ctx.context,
                                             retry_writes=True)
            messages = answer.get("messages") or []
            ids = answer.get("ids")
        except OdooRecordError as exc:
            ids, messages = None, [{"type": "error", "message": str(exc)}]
        if ids and len(ids) == len(group):
            if count:
                self.ctx.outcomes.landed(obj.name, group, [int(i) for i in ids], result)
            return
        errors = [m for m in messages if m.get("type") == "error"] or [{"message": "Odoo rejected the batch"}]
        if attempt < SERVER_FAULT_RETRIES and all(server_fault(m) for m in errors):
            # Odoo failed inside, not on our values (seen on 18 right after custom fields changed: "Unknown error
            # during import: <class 'KeyError'>: 'res.partner.phone_sanitized'" while its registry reloaded): the
            # batch rolled back and is sent again whole, before any record is blamed
            log.info("%s: Odoo's load failed for its own reasons (%s); sending the batch of %d again",
                     obj.name, str(errors[0].get("message", "")).strip()[:120], len(group))
            time.sleep(SERVER_FAULT_BACKOFF * 2 ** attempt)
            self.load(obj, group, names, fields_meta, result, count=count, attempt=attempt + 1, refused=refused)
            return
        if len(group) == 1:
            self._refused(obj, group[0], names, errors, result, count=count, refused=refused)
            return
        self._split(obj, group, names, fields_meta, result, errors, count=count, refused=refused)

    def _refused(self, obj: ObjectMap, p: Prepared, names: list[str], errors: list[dict[str, Any]],
                 result: ObjectResult, *, count: bool, refused: list[str] | None) -> None:
        """One record Odoo refuses: quarantined; a follow-up write of one that landed is reported, its state kept."""
        reason = "; ".join(str(m.get("message", "")) for m in errors)[:500]
        if count:
            self.ctx.quarantine(obj, p.target.source_id, f"Odoo: {reason}", p.target.locator, result,
                                xmlid=p.target.xmlid, field_name=errors[0].get("field"))
            return
        self.ctx.outcomes.warn(obj.name, p.target.source_id, f"loaded, but Odoo refused the follow-up write: {reason}",
                               field_name=", ".join(names), locator=p.target.locator)
        if refused is not None:
            refused.append(p.target.source_id)

    def _split(self, obj: ObjectMap, group: list[Prepared], names: list[str], fields_meta: FieldsMeta,
               result: ObjectResult, errors: list[dict[str, Any]], *, count: bool, refused: list[str] | None) -> None:
        """The records Odoo named sent alone, the rest together; without names, two halves."""
        bad = {int(m["record"]) for m in errors if isinstance(m.get("record"), int) and 0 <= m["record"] < len(group)}
        if bad and len(bad) < len(group):
            for index in sorted(bad):
                self.load(obj, [group[index]], names, fields_meta, result, count=count, refused=refused)
            rest = [p for i, p in enumerate(group) if i not in bad]
            self.load(obj, rest, names, fields_meta, result, count=count, refused=refused)
            return
        middle = len(group) // 2
        self.load(obj, group[:middle], names, fields_meta, result, count=count, refused=refused)
        self.load(obj, group[middle:], names, fields_meta, result, count=count, refused=refused)
