"""Handing batches to the worker connections so that they all finish together.

Two things decide how long an object takes besides Odoo itself:

* the tail. Sending 1,000 records in batches of 200 over two connections takes three rounds, the last one with a
  connection idle. So a full batch is held back until the next record arrives, and what is left when the stream
  ends (the held batch and the partial one) is cut into one piece per connection;
* order. Chatter is sorted by id, so a document's messages must be inserted oldest first. Instead of one
  connection for all of them, records run in *lanes*: every record of one document goes to the same lane, a lane
  sends one batch at a time, and lanes run side by side.

A batch still fills by count or by the size of its file content, whichever comes first.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from crm2odoo.mapping.engine import TargetRecord

#: the tail is not cut into pieces smaller than this (a call has a fixed cost on the server)
MIN_PIECE = 25


@dataclass
class _Lane:
    pending: list[TargetRecord] = field(default_factory=list)
    pending_bytes: int = 0
    held: list[TargetRecord] | None = None


class BatchDispatcher:
    """Collects records into batches and runs ``send(batch)`` on ``workers`` connections.

    ``lanes=True``: records of the same ``key`` are sent in the order they were added, never two of a lane at once.
    ``size_of``: the bytes a record adds to a request (file content); a batch is cut at ``max_bytes``.
    """

    def __init__(self, send: Callable[[list[TargetRecord]], None], *, workers: int, batch_size: int,
                 max_bytes: int, lanes: bool = False, size_of: Callable[[TargetRecord], int] | None = None) -> None:
        self.send, self.workers, self.batch_size, self.max_bytes = send, max(1, workers), max(1, batch_size), max_bytes
        self.lanes, self.size_of = lanes, size_of
        count = self.workers if lanes else 1
        self._pools = [cf.ThreadPoolExecutor(max_workers=1 if lanes else self.workers) for _ in range(count)]
        self._lanes = [_Lane() for _ in range(count)]
        self._futures: list[cf.Future[None]] = []
        # holding a batch back only pays when its pieces can run side by side; a heavy batch is sent at once
        self._hold = self.workers > 1 and not lanes and size_of is None

    def add(self, target: TargetRecord, key: Hashable | None = None) -> None:
        index = hash(key) % len(self._lanes) if self.lanes and key is not None else 0
        lane = self._lanes[index]
        if lane.held is not None:
            self._submit(index, lane.held)
            lane.held = None
        lane.pending.append(target)
        if self.size_of is not None:
            lane.pending_bytes += self.size_of(target)
        if len(lane.pending) >= self.batch_size or lane.pending_bytes >= self.max_bytes:
            batch, lane.pending, lane.pending_bytes = lane.pending, [], 0
            if self._hold:
                lane.held = batch
            else:
                self._submit(index, batch)

    def finish(self) -> None:
        """Send what is left and wait for every batch; the first failure is raised."""
        try:
            for index, lane in enumerate(self._lanes):
                rest = (lane.held or []) + lane.pending
                lane.held, lane.pending, lane.pending_bytes = None, [], 0
                if not rest:
                    continue
                pieces = 1 if self.lanes else max(1, min(self.workers, len(rest) // MIN_PIECE))
                pieces = max(pieces, math.ceil(len(rest) / self.batch_size))
                size = math.ceil(len(rest) / pieces)
                for start in range(0, len(rest), size):
                    self._submit(index, rest[start:start + size])
            self._drain(0)
        finally:
            for pool in self._pools:
                pool.shutdown(wait=True)

    def _submit(self, index: int, batch: list[TargetRecord]) -> None:
        self._futures.append(self._pools[index].submit(self.send, batch))
        # a bounded number in flight: reading the source never runs far ahead of Odoo (memory stays flat)
        self._drain(self.workers * 2)

    def _drain(self, limit: int) -> None:
        while len(self._futures) > limit:
            self._futures.pop(0).result()

    def __enter__(self) -> BatchDispatcher:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:  # a failure: wait for what runs, keep the first error
            for pool in self._pools:
                pool.shutdown(wait=True, cancel_futures=True)
