"""The seconds per record earlier runs measured (ledger/paces.py): the prior of a run's overall time left."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm2odoo.ledger.db import Intent, Landing, Ledger


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    opened = Ledger(":memory:")
    yield opened
    opened.close()


def _phase(ledger: Ledger, run: int, name: str, read: int, started: str, finished: str | None) -> None:
    """A phase of ``run`` that read ``read`` records between the two stamps (None: cut short, still running)."""
    ledger.phase(run, name, "running")
    if finished is not None:
        ledger.phase(run, name, "done", {"read": read, "created": read})
    with ledger.tx() as db:  # the stamps a run of that length would have left
        db.execute("UPDATE phases SET started_at=?, finished_at=? WHERE run_id=? AND name=?",
                   (started, finished, run, name))


def _settled(ledger: Ledger, run: int, name: str, count: int, last: str) -> None:
    """``count`` records of ``name`` settled by ``run``, the last of them at ``last``."""
    ledger.mark_sending(run, [Intent(name, str(i), "mail.message", f"crm2odoo.x_{name}_{i}", f"h{i}")
                              for i in range(count)])
    ledger.mark_landed(run, [Landing(name, str(i), 1000 + i, "created", {}) for i in range(count)])
    with ledger.tx() as db:
        db.execute("UPDATE records SET updated_at=? WHERE object=? AND last_run=?", (last, name, run))


def test_a_finished_phase_gives_its_seconds_per_record_read(ledger: Ledger) -> None:
    run = ledger.start_run("migrate", mapping_hash="h", options={})
    _phase(ledger, run, "contact", 3000, "2026-12-01 10:00:00", "2026-12-01 10:05:00")
    ledger.finish_run(run, "done")
    now = ledger.start_run("migrate", mapping_hash="h", options={})
    assert ledger.paces(now) == {"contact": pytest.approx(300 / 3000)}


def test_a_run_cut_short_gives_the_pace_of_what_it_settled_before_the_cut(ledger: Ledger) -> None:
    """A resumed run learns the notes' pace from its killed predecessor, which got through part of them."""
    run = ledger.start_run("migrate", mapping_hash="h", options={})
    _phase(ledger, run, "contact", 3000, "2026-12-01 10:00:00", "2026-12-01 10:05:00")
    _phase(ledger, run, "note", 0, "2026-12-01 10:05:00", None)
    _settled(ledger, run, "note", 400, "2026-12-01 10:06:20")
    ledger.finish_run(run, "interrupted")
    resumed = ledger.start_run("migrate", mapping_hash="h", options={})
    assert ledger.paces(resumed) == {"contact": pytest.approx(0.1), "note": pytest.approx(80 / 400)}


def test_the_newest_run_that_measured_an_object_speaks_for_it(ledger: Ledger) -> None:
    old = ledger.start_run("migrate", mapping_hash="h", options={})
    _phase(ledger, old, "contact", 1000, "2026-12-01 10:00:00", "2026-12-01 10:01:40")
    newer = ledger.start_run("migrate", mapping_hash="h", options={})
    _phase(ledger, newer, "contact", 1000, "2026-12-02 10:00:00", "2026-12-02 10:00:20")
    latest = ledger.start_run("migrate", mapping_hash="h", options={})
    _phase(ledger, latest, "contact", 1000, "2026-12-03 10:00:00", "2026-12-03 10:00:30")
    assert ledger.paces(latest) == {"contact": pytest.approx(20 / 1000)}, "the run asking is not its own prior"


def test_no_pace_from_a_sample_a_blink_or_a_run_that_sends_nothing(ledger: Ledger) -> None:
    """Each must say no: 25 records say nothing of 100,000; a 3-second phase stamped to the second is a third off;
    a rollback deletes, a dry run sends nothing."""
    sample = ledger.start_run("sample", mapping_hash="h", options={"sample": 25})
    _phase(ledger, sample, "contact", 25, "2026-12-01 10:00:00", "2026-12-01 10:01:00")
    blink = ledger.start_run("migrate", mapping_hash="h", options={})
    _phase(ledger, blink, "note", 5000, "2026-12-01 11:00:00", "2026-12-01 11:00:03")
    for kind in ("rollback", "dry-run"):
        other = ledger.start_run(kind, mapping_hash="h", options={})
        _phase(ledger, other, "deal", 5000, "2026-12-01 12:00:00", "2026-12-01 12:10:00")
    now = ledger.start_run("migrate", mapping_hash="h", options={})
    assert ledger.paces(now) == {}
    cut = ledger.start_run("migrate", mapping_hash="h", options={})
    _phase(ledger, cut, "note", 0, "2026-12-01 13:00:00", None)
    _settled(ledger, cut, "note", 150, "2026-12-01 13:05:00")  # a few records: no pace, however long
    assert ledger.paces(cut + 1) == {}
