"""Reads that send nothing until they end, told while they run: a message map reading and sorting all its records
by date before its first batch (load/objectpass.py), a file source reading its whole export once to learn the
columns (the CSV source's ``scanning_progress`` hook) and once more for the names of users, tags, stages and
pipelines (its ``reading_progress`` hook). Without this a big account's run looks hung for minutes.

The events (the progress contract): ``waiting(what, done=0, total)`` once the read has something to tell,
``waiting_progress(what, done, total)`` every few records (the displays throttle), ``waiting_done(what)`` at its
end, after a last ``waiting_progress`` with the final count. A read that never reports says nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, runtime_checkable

from crm2odoo.sources.base import SourceRecord
from crm2odoo.textnorm import plural

Events = Callable[..., None]

#: records between two reports of a long read (the renderers throttle what they show)
READING_STEP = 1000


class LongRead:
    """A read that sends nothing until it ends (a message map sorting its records by date, names gathered from a
    whole export), told as ``waiting`` (with ``done``/``total``), ``waiting_progress`` and ``waiting_done``."""

    def __init__(self, events: Events, what: str, total: int | None) -> None:
        self.events, self.what, self.total = events, what, total
        self.started = self.ended = False

    def progress(self, done: int, total: int | None = None) -> None:
        if self.ended:
            return
        if total is not None:
            self.total = total
        if not self.started:
            self.started = True
            self.events("waiting", what=self.what, done=0, total=self.total)
        self.events("waiting_progress", what=self.what, done=done, total=self.total)

    def end(self, done: int | None = None) -> None:
        """The read is over; ``done``: its final count, told first (reports come only every few records)."""
        if self.started and not self.ended:
            if done is not None:
                self.events("waiting_progress", what=self.what, done=done, total=self.total)
            self.events("waiting_done", what=self.what)
        self.ended = True


@runtime_checkable
class ReportsReading(Protocol):
    """A source that tells how far a long read is (rows read, rows in all) through this hook while it runs."""

    reading_progress: Callable[[int, int | None], None] | None


@runtime_checkable
class ReportsScanning(Protocol):
    """A source that reads its whole export once to learn the columns, and tells the rows read through this hook."""

    scanning_progress: Callable[[int], None] | None


#: what the scan of a file source's exports is called while it runs (once a run, whichever step needs it first)
SCANNING = "reading the export files to learn their columns"


def watched(events: Events, source: Any, object_name: str, records: Iterator[SourceRecord]) -> Iterator[SourceRecord]:
    """``records`` of ``source``; a source that reads a whole export before its first record (its columns learnt,
    names gathered from rows) tells its rows read meanwhile, shown as long reads (a read never told says nothing)."""
    scanning, reading = isinstance(source, ReportsScanning), isinstance(source, ReportsReading)
    if not scanning and not reading:
        yield from records
        return
    scan = LongRead(events, SCANNING, None)
    names = LongRead(events, f"{plural(object_name)}: reading the export for the names in its rows", None)

    def read_names(done: int, total: int | None) -> None:
        scan.end()  # the names are read once the columns are known
        names.progress(done, total)

    if scanning:
        source.scanning_progress = scan.progress
    if reading:
        source.reading_progress = read_names
    try:
        for record in records:
            scan.end()  # the first record comes once the reads are over (their last counts told already)
            names.end()
            yield record
    finally:
        if scanning:
            source.scanning_progress = None
        if reading:
            source.reading_progress = None
        scan.end()
        names.end()
