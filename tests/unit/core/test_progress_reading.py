"""A long read before anything is sent (a message map reading and sorting its records by date, names gathered from
a whole export), as the library tells it (load/objectpass.LongRead) and as both displays show it."""

from __future__ import annotations

import io
import re
from typing import Any

from crm2odoo.cli_lines import reading_line
from crm2odoo.cli_progress import PlainDisplay
from crm2odoo.cli_progress_rich import RichDisplay
from crm2odoo.load.longread import LongRead
from tests.unit.core.test_progress import FakeClock

WHAT = "notes: reading to send in date order"


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, kind: str, **data: Any) -> None:
        self.events.append((kind, data))


def test_a_long_read_says_waiting_then_its_counts_then_done() -> None:
    seen = Recorder()
    read = LongRead(seen, WHAT, 3000)
    read.progress(0)
    read.progress(1000)
    read.end(1234)  # the final count, between two reports
    read.end(1234)
    read.progress(2000)  # after the end: nothing more is said
    assert seen.events == [("waiting", {"what": WHAT, "done": 0, "total": 3000}),
                           ("waiting_progress", {"what": WHAT, "done": 0, "total": 3000}),
                           ("waiting_progress", {"what": WHAT, "done": 1000, "total": 3000}),
                           ("waiting_progress", {"what": WHAT, "done": 1234, "total": 3000}),
                           ("waiting_done", {"what": WHAT})]


def test_a_read_that_never_reported_says_nothing() -> None:
    seen = Recorder()
    read = LongRead(seen, "users: reading the export for the names in its rows", None)
    read.end()  # the source read nothing long (names already gathered): no waiting line, no done line
    short = LongRead(seen, WHAT, 40)
    short.end(40)  # 40 notes sorted before a single report was due: nothing to tell
    assert seen.events == []


def test_a_total_the_source_learns_later_is_taken() -> None:
    seen = Recorder()
    read = LongRead(seen, "users: reading the export for the names in its rows", None)
    read.progress(5000, 60000)
    assert seen.events[0] == ("waiting", {"what": "users: reading the export for the names in its rows", "done": 0,
                                          "total": 60000})
    assert seen.events[1][1]["total"] == 60000


def test_reading_line_counts_rate_and_eta() -> None:
    assert reading_line(WHAT, 120_000, 200_000, 2400.0, 33.0) == \
        "  notes: reading to send in date order 120,000 of 200,000 (2,400/s, ETA 0:33)"


def test_reading_line_claims_no_eta_it_cannot_know() -> None:
    # no total: a count and a rate, no share and no ETA
    assert reading_line(WHAT, 5_000, None, 900.0, None) == "  notes: reading to send in date order 5,000 (900/s)"
    # every record counted, the sort still running: no "ETA 0:00" that would say it is over
    assert reading_line(WHAT, 200_000, 200_000, 2400.0, 0.0) == \
        "  notes: reading to send in date order 200,000 of 200,000 (2,400/s)"
    # more records met than discover counted (an export changed since): no ETA either
    assert "ETA" not in reading_line(WHAT, 210_000, 200_000, 2400.0, 0.0)
    # too early for a rate
    assert reading_line(WHAT, 0, 200_000, None, None) == "  notes: reading to send in date order 0 of 200,000"


def test_plain_display_shows_the_read_every_interval_and_leaves_the_records_done_alone() -> None:
    clock = FakeClock()
    out = io.StringIO()
    display = PlainDisplay(out, interval=10, clock=clock)
    display("run_plan", objects=[("note", "mail.message", 30_000)])
    display("object_start", name="note", model="mail.message", total=30_000)
    display("waiting", what=WHAT, done=0, total=30_000)
    for n in range(1, 31):  # 1,000 records a second for 30 s
        clock.advance(1)
        display("waiting_progress", what=WHAT, done=1000 * n, total=30_000)
    clock.advance(4)
    display("waiting_done", what=WHAT)
    lines = out.getvalue().splitlines()
    reads = [line for line in lines if line.startswith(f"  {WHAT} ")]
    assert len(reads) == 3, lines  # 30 s at one line per 10 s, not 30 lines
    assert reads[0] == f"  {WHAT} 10,000 of 30,000 (1,000/s, ETA 0:20)"
    assert reads[-1] == f"  {WHAT} 30,000 of 30,000 (1,000/s)"  # all read, the sort still running: no ETA
    assert lines[-1] == f"  {WHAT}: 30,000 of 30,000 read in 34.0s"
    # reading is not sending: the object's records done, and the overall line, have not moved
    assert display.run.meters["note"].done == 0 and display.run.overall.done == 0
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out.getvalue())


def test_plain_display_ignores_counts_of_a_read_it_was_not_told_of() -> None:
    clock = FakeClock()
    out = io.StringIO()
    display = PlainDisplay(out, interval=0.1, clock=clock)
    display("waiting", what="creating 11 fields on res.partner: Odoo reloads its registry")  # no counts
    clock.advance(1)
    display("waiting_progress", what=WHAT, done=5000, total=10_000)  # no waiting before it
    display("waiting_progress", what="creating 11 fields on res.partner: Odoo reloads its registry", done=1,
            total=None)
    assert out.getvalue().splitlines() == [
        "  waiting: creating 11 fields on res.partner: Odoo reloads its registry ..."]


def test_rich_display_draws_the_read_as_a_bar_with_its_counts() -> None:
    out = io.StringIO()
    with RichDisplay(out) as display:
        display("waiting", what=WHAT, done=0, total=30_000)
        display("waiting_progress", what=WHAT, done=12_000, total=30_000)
        task = display.progress.tasks[-1]
        assert task.total == 30_000 and task.completed == 12_000 and task.fields["kind"] == "reading"
        assert WHAT in task.description
        display("waiting_done", what=WHAT)
        assert not [t for t in display.progress.tasks if WHAT in t.description]
        assert display.run.overall.done == 0
    assert f"{WHAT}: 12,000 of 30,000 read in " in out.getvalue()  # stopped early: what it read, not the total


def test_rich_display_keeps_a_plain_wait_a_spinner() -> None:
    out = io.StringIO()
    with RichDisplay(out) as display:
        display("waiting", what="creating 11 fields on res.partner: Odoo reloads its registry")
        display("waiting_progress", what="creating 11 fields on res.partner: Odoo reloads its registry", done=3,
                total=10)
        task = display.progress.tasks[-1]
        assert task.fields["kind"] == "waiting" and task.total is None and task.completed == 0
