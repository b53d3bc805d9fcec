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
from typing import TYPE_CHECKING, Any

from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.sources.base import SourceRecord
from crm2odoo.spill import SpillMap, spilled_sort

if TYPE_CHECKING:
    from crm2odoo.load.executor import Loader, ObjectResult
    from crm2odoo.load.order import LoadStep


def chatter_date(target: TargetRecord) -> str:
    """The date a message shows in the chatter, as text that sorts in time order (Odoo's format)."""
    return str(target.vals.get("date") or "")


class ObjectPass:
    def __init__(self, loader: Loader, step: LoadStep, ids: set[str] | None, result: ObjectResult) -> None:
        self.loader, self.step, self.obj, self.ids, self.result = loader, step, step.map, ids, result
        self.fields_meta = loader.schema.fields(self.obj.model)
        self.ordered = self.obj.model == "mail.message"  # chatter sorts by id: a record's history oldest first
        self.merged: list[tuple[str, str, str]] = []  # (duplicate id, survivor id, reason)
        self.deferred: list[tuple[int | None, TargetRecord, dict[str, Any]]] = []
        self.wanted_actions: dict[str, list[str]] = {}
        self.newest: dt.datetime | None = None
        self.since = loader._since(self.obj) if loader.delta and ids is None else None
        # files are read whole and the content hash decides; an API is asked only for what changed since the cursor
        self.read_since = None if loader.source.full_read_is_cheap else self.since
        self.undated: set[str] = set()  # read, though a since-filtered read would have left them out
        loader._map_has_xmlids.pop(self.obj.name, None)
        loader._match_index.pop(self.obj.name, None)
        loader.creator.start_object(self.obj)

    def _source_records(self) -> Iterator[SourceRecord]:
        loader, obj = self.loader, self.obj
        if self.read_since is None:
            yield from loader._records(obj, self.ids)
            return
        retry = set(loader._retry.get(obj.name, ()))
        seen: set[str] = set()
        for record in loader.source.read(obj.source_object, since=self.read_since):
            if record.id in retry:
                seen.add(record.id)
            yield record
        # quarantined records unchanged in the source are tried again too (the map or Odoo may have changed)
        if retry - seen:
            yield from loader.source.read(obj.source_object, ids=retry - seen)

    def _targets(self) -> Iterator[TargetRecord]:
        from crm2odoo.load.executor import actions_for

        loader, obj = self.loader, self.obj
        for record in self._source_records():
            if record.modified_at is not None and (self.newest is None or record.modified_at > self.newest):
                self.newest = record.modified_at
            if not loader.engine.applies(obj, record):
                continue
            if self.since is not None and record.modified_at is not None and record.modified_at < self.since:
                self.undated.add(record.id)
            self.result.read += 1
            calls = actions_for(obj, record)
            if calls:
                self.wanted_actions[record.id] = calls
            yield loader.engine.transform(obj, record)

    def changed(self, size_of: Callable[[TargetRecord], int] | None = None) -> Iterator[list[TargetRecord]]:
        """The records to send, in lists of at most one batch; a message map's in date order."""
        from crm2odoo.load.executor import MAX_BATCH_BYTES

        loader, obj, result = self.loader, self.obj, self.result
        stream: Iterator[TargetRecord] = self._targets()
        if self.ordered:
            stream = spilled_sort(stream, lambda t: (chatter_date(t), t.source_id))
        waiting: list[TargetRecord] = []  # read, not yet checked against the ledger (one read per batch)
        waiting_bytes = 0
        batch_undated: set[str] = set()
        # dedupe key -> first source id: on disk, as one entry per record would grow memory with the run's size
        with SpillMap() as survivors:
            for target in stream:
                loader.check_stop()
                if target.source_id in self.undated:
                    self.undated.discard(target.source_id)
                    batch_undated.add(target.source_id)
                if target.outcome != "ok":
                    loader._record_problem_outcome(target, result)
                    continue
                key = loader._dedupe_key(obj, target)
                if key is not None:
                    first = survivors.setdefault(key, target.source_id)
                    if first != target.source_id:
                        self.merged.append((target.source_id, first,
                                            f"duplicate of {obj.name} {first} by {', '.join(obj.dedupe_fields)}"))
                        continue
                waiting.append(target)
                if size_of is not None:
                    waiting_bytes += size_of(target)
                if len(waiting) >= loader.batch_size or waiting_bytes >= MAX_BATCH_BYTES:
                    yield self._checked(waiting, batch_undated)
                    waiting, waiting_bytes, batch_undated = [], 0, set()
            yield self._checked(waiting, batch_undated)

    def _checked(self, waiting: list[TargetRecord], undated: set[str]) -> list[TargetRecord]:
        changed = self.loader._changed(self.obj, waiting, self.result, undated)
        if self.ordered and changed:
            self.loader.resolver.prefetch(changed)  # the documents the messages go to (their lanes)
        return changed

    def send(self, batch: list[TargetRecord]) -> None:
        self.loader._batch(self.step, batch, self.fields_meta, self.result, self.deferred)

    def finish(self) -> None:
        """What needs every batch of the map settled."""
        loader, obj, result = self.loader, self.obj, self.result
        if self.deferred:
            loader._second_pass(obj, self.fields_meta, self.deferred, result)
        if self.merged:
            loader._settle_merged(obj, self.merged, result)
        if self.wanted_actions:
            landed = loader.resolver.ids(obj.name)
            loader.ledger.add_actions(loader.run_id, [(obj.name, sid, call, obj.model, landed[sid])
                                                      for sid, calls in self.wanted_actions.items() if sid in landed
                                                      for call in calls])
        if loader.delta and self.ids is None and loader.delta_deletes == "archive":
            loader._archive_deleted(obj, self.fields_meta, result)
        loader.creator.finish_object(obj)
        if self.newest is not None and self.ids is None:
            loader.ledger.set_cursor(obj.name, self.newest.isoformat(), loader.run_id)
