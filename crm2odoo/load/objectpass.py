"""One map's pass over its source: what to send, and what follows once every batch of it is settled.

A pass reads the map's records (all of them, or what changed since the delta's cursor), transforms them, merges
duplicates, and yields in lists of at most one batch the records that are not already in Odoo as they are now.
Its batches go through ``send``; ``finish`` runs what needs the whole map loaded (self-references, duplicates,
actions, deletions, the cursor). The loader drives one pass per map; the chatter's maps are driven together
(load/chatter.py), their batches interleaved by date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from crm2odoo.load.batch import Batches, Deferred
from crm2odoo.load.context import LoadContext
from crm2odoo.load.diffing import actions_for, dedupe_key
from crm2odoo.load.longread import READING_STEP, LongRead
from crm2odoo.load.order import LoadStep
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.settle import archive_deleted, link_deferred, settle_merged
from crm2odoo.load.tally import ObjectTally
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.sources.base import SourceRecord
from crm2odoo.spill import SpillMap, spilled_sort
from crm2odoo.textnorm import plural

#: base64 bytes per load call: a batch of large attachments is cut here, well below proxies' and Odoo's request limits
MAX_BATCH_BYTES = 20 * 1024 * 1024
#: a delta reads again what changed this many seconds before its cursor (the hash skips what did not change)
SINCE_OVERLAP_SECONDS = 60


def chatter_date(target: TargetRecord) -> str:
    """The date a message shows in the chatter, as text that sorts in time order (Odoo's format)."""
    return str(target.vals.get("date") or "")


def since_cursor(cursor: str | None) -> dt.datetime | None:
    """Where a delta reads from: the cursor, less a small overlap (records modified in the same second as the cursor
    are read again; the hash skips them)."""
    if cursor is None:
        return None
    return dt.datetime.fromisoformat(cursor) - dt.timedelta(seconds=SINCE_OVERLAP_SECONDS)


class ObjectPass:
    def __init__(self, ctx: LoadContext, batches: Batches, step: LoadStep, ids: set[str] | None,
                 result: ObjectResult) -> None:
        self.ctx, self.batches = ctx, batches
        self.step, self.obj, self.ids, self.result = step, step.map, ids, result
        self.fields_meta = ctx.schema.fields(self.obj.model)
        self.ordered = self.obj.model == "mail.message"  # chatter sorts by id: a record's history oldest first
        self.merged: list[tuple[str, str, str]] = []  # (duplicate id, survivor id, reason)
        self.deferred: list[Deferred] = []
        self.wanted_actions: dict[str, list[str]] = {}
        self.newest: dt.datetime | None = None
        delta = ctx.settings.delta and ids is None
        self.since = since_cursor(ctx.ledger.cursor(self.obj.name)) if delta else None
        # files are read whole and the content hash decides; an API is asked only for what changed since the cursor
        self.read_since = None if ctx.source.full_read_is_cheap else self.since
        self.undated: set[str] = set()  # read, though a since-filtered read would have left them out
        self.tally = ObjectTally(ctx.events, result, ctx.totals.get(self.obj.name),
                                 conflicts_block=ctx.settings.conflicts == "stop")
        self._settled_unsent = 0  # settled while read (left out, refused, merged): told with the next batch
        self._met = 0  # source records read
        self._long_read: LongRead | None = None
        batches.finder.start_object(self.obj)
        batches.writer.creator.start_object(self.obj)

    def _source_records(self) -> Iterator[SourceRecord]:
        ctx, obj = self.ctx, self.obj
        if self.read_since is None:
            yield from ctx.records(obj, self.ids)
            return
        retry = set(ctx.retry.get(obj.name, ()))
        seen: set[str] = set()
        for record in ctx.source.read(obj.source_object, since=self.read_since):
            if record.id in retry:
                seen.add(record.id)
            yield record
        # quarantined records unchanged in the source are tried again too (the map or Odoo may have changed)
        if retry - seen:
            yield from ctx.source.read(obj.source_object, ids=retry - seen)

    def _targets(self) -> Iterator[TargetRecord]:
        ctx, obj = self.ctx, self.obj
        for record in self._source_records():
            self._met += 1
            if self._long_read is not None and self._met % READING_STEP == 0:
                self._long_read.progress(self._met)
            if record.modified_at is not None and (self.newest is None or record.modified_at > self.newest):
                self.newest = record.modified_at
            if not ctx.engine.applies(obj, record):  # another map's part of the object: not this map's progress
                continue
            if self.since is not None and record.modified_at is not None and record.modified_at < self.since:
                self.undated.add(record.id)
            self.result.read += 1
            calls = actions_for(obj, record)
            if calls:
                self.wanted_actions[record.id] = calls
            yield ctx.engine.transform(obj, record)

    def changed(self, size_of: Callable[[TargetRecord], int] | None = None) -> Iterator[list[TargetRecord]]:
        """The records to send, in lists of at most one batch; a message map's in date order."""
        ctx, obj, result = self.ctx, self.obj, self.result
        stream: Iterator[TargetRecord] = self._targets()
        if self.ordered:
            stream = self._sorted(stream)
        waiting: list[TargetRecord] = []  # read, not yet checked against the ledger (one read per batch)
        waiting_bytes = 0
        per_call = ctx.settings.records_per_call(obj.model)
        batch_undated: set[str] = set()
        # dedupe key -> first source id: on disk, as one entry per record would grow memory with the run's size
        with SpillMap() as survivors:
            for target in stream:
                ctx.check_stop()
                if target.source_id in self.undated:
                    self.undated.discard(target.source_id)
                    batch_undated.add(target.source_id)
                if target.outcome != "ok":
                    ctx.outcomes.problems(target, result)
                    self._settled_unsent += 1
                    continue
                key = dedupe_key(obj, target.vals)
                if key is not None:
                    first = survivors.setdefault(key, target.source_id)
                    if first != target.source_id:
                        self.merged.append((target.source_id, first,
                                            f"duplicate of {obj.name} {first} by {', '.join(obj.dedupe_fields)}"))
                        self._settled_unsent += 1
                        continue
                waiting.append(target)
                if size_of is not None:
                    waiting_bytes += size_of(target)
                if len(waiting) >= per_call or waiting_bytes >= MAX_BATCH_BYTES:
                    yield self._checked(waiting, batch_undated)
                    waiting, waiting_bytes, batch_undated = [], 0, set()
            yield self._checked(waiting, batch_undated)

    def _sorted(self, stream: Iterator[TargetRecord]) -> Iterator[TargetRecord]:
        """A message map's records by date: all of them are read before the first is sent, and the read is told
        once it has met READING_STEP records (a map of a few messages reads in a blink: no lines for it)."""
        read = self._long_read = LongRead(self.ctx.events, f"{plural(self.obj.name)}: reading to send in date order",
                                          self.ctx.totals.get(self.obj.name))
        try:
            for target in spilled_sort(stream, lambda t: (chatter_date(t), t.source_id)):
                read.end(self._met)
                yield target
        finally:
            read.end(self._met)
            self._long_read = None

    def _checked(self, waiting: list[TargetRecord], undated: set[str]) -> list[TargetRecord]:
        changed = self.batches.changed(self.obj, waiting, self.result, undated)
        # the unchanged ones are settled by the ledger check
        settled, self._settled_unsent = self._settled_unsent + len(waiting) - len(changed), 0
        if settled:
            self.tally.settled(settled)
        if self.ordered and changed:
            self.ctx.resolver.prefetch(changed)  # the documents the messages go to (their lanes)
        return changed

    def send(self, batch: list[TargetRecord]) -> None:
        self.batches.send(self.step, batch, self.fields_meta, self.result, self.deferred)
        self.tally.settled(len(batch))

    def finish(self) -> None:
        """What needs every batch of the map settled."""
        ctx, obj, result = self.ctx, self.obj, self.result
        # the records still waiting are read back before anything below writes to them again
        self.batches.writer.read_backs.flush(obj.name)
        if self.deferred:
            link_deferred(ctx, self.batches.writer, obj, self.fields_meta, self.deferred)
        if self.merged:
            settle_merged(ctx, obj, self.merged, result)
        if self.wanted_actions:
            landed = ctx.resolver.ids(obj.name)
            ctx.ledger.add_actions(ctx.run_id, [(obj.name, sid, call, obj.model, landed[sid])
                                                for sid, calls in self.wanted_actions.items() if sid in landed
                                                for call in calls])
        if ctx.settings.delta and self.ids is None and ctx.settings.delta_deletes == "archive":
            archive_deleted(ctx, obj, self.fields_meta, result)
        self.batches.writer.creator.finish_object(obj)
        if self.newest is not None and self.ids is None:
            ctx.ledger.set_cursor(obj.name, self.newest.isoformat(), ctx.run_id)
