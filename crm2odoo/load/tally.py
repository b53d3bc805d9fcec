"""How far a map's load is: its records settled so far, told to the run's events after each batch.

A record is settled once its fate is known: landed (created, updated, matched, unchanged, merged), skipped (by a
rule), quarantined, or held as a conflict (a record a map with ``where`` leaves to another map is none of its
progress: such a map counts its part of the object). Batches settle on the worker threads, so the
count is kept under a lock, and each ``object_progress`` is sent under it too: a renderer never sees it go back.
The library does not throttle these events (one per batch); a renderer draws at its own pace.
"""

from __future__ import annotations

import threading

from crm2odoo.load.context import Events
from crm2odoo.load.outcomes import ObjectResult


class ObjectTally:
    """The settled records of one map (``total``: the records expected, None when nobody can say)."""

    def __init__(self, events: Events, result: ObjectResult, total: int | None, *, conflicts_block: bool) -> None:
        self.events, self.result, self.total = events, result, total
        #: under migration.conflicts = stop a conflict holds its record back until a person decides
        self.conflicts_block = conflicts_block
        self.done = 0
        self._lock = threading.Lock()

    def settled(self, count: int) -> None:
        """``count`` more records are settled (0 still reports: the counts of quarantines may have moved)."""
        with self._lock:
            self.done += count
            self.events("object_progress", name=self.result.name, done=self.done, total=self.total,
                        quarantined=self.result.quarantined,
                        blocked=self.result.conflicts if self.conflicts_block else 0)
