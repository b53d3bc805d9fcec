"""The run page and the terminal say one rate and one ETA for the same landings: the page replays the ledger's
landing times through the terminal's RateMeter (a 30-s window), not an average since the phase began."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from crm2odoo.ledger.db import Ledger
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.progress import RateMeter, RunProgress, expected_records, run_plan
from crm2odoo.web import ledger_view

START = dt.datetime(2026, 12, 2, 10, 0, 0, tzinfo=dt.UTC)
#: (seconds after the start, records settled then): slow for 30 s, then six times as fast
LANDINGS = [(2 * n, 5) for n in range(1, 16)] + [(30 + 2 * n, 30) for n in range(1, 16)]
NOW = 61


def stamp(seconds: float) -> str:
    return (START + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def ledger_with_landings(path: Path) -> None:
    ledger = Ledger(path)
    try:
        run_id = ledger.start_run("migrate", mapping_hash=None, options={})
        ledger.phase(run_id, "contact", "running")
    finally:
        ledger.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE runs SET started_at=?", (stamp(0),))
        db.execute("UPDATE phases SET started_at=?", (stamp(0),))
        source_id = 0
        for seconds, count in LANDINGS:
            for _ in range(count):
                source_id += 1
                db.execute("INSERT INTO records (object, source_id, model, xmlid, state, last_run, updated_at) "
                           "VALUES ('contact', ?, 'res.partner', ?, 'created', ?, ?)",
                           (str(source_id), f"x{source_id}", run_id, stamp(seconds)))


def test_the_page_and_the_terminal_agree_on_rate_and_eta(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger_with_landings(path)
    page = ledger_view.run_progress(path, {"contact": 1000}, ["contact"], now=START + dt.timedelta(seconds=NOW))
    assert page is not None
    contact = page["objects"][0]

    clock = [0.0]
    terminal = RateMeter(1000, clock=lambda: clock[0])  # made when the phase starts, fed batch by batch
    for seconds, count in LANDINGS:
        clock[0] = seconds
        terminal.update(terminal.done + count)
    clock[0] = NOW
    rate, eta = terminal.rate(), terminal.eta_seconds()
    assert rate is not None and eta is not None

    assert contact["done"] == terminal.done == 525
    assert contact["rate"] == round(rate, 1) and contact["eta_seconds"] == round(eta)
    assert page["rate"] == round(rate, 1)  # the overall line too
    # the recent pace, not the average since the start (525 / 61 = 8.6 records/s)
    assert contact["rate"] == pytest.approx(450 / 31, abs=0.05)
    assert contact["rate"] != round(525 / NOW, 1)


def test_a_phase_that_stalled_a_whole_window_has_no_rate_and_no_eta(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    ledger_with_landings(path)
    page = ledger_view.run_progress(path, {"contact": 1000}, ["contact"], now=START + dt.timedelta(seconds=NOW + 120))
    assert page is not None
    contact = page["objects"][0]
    assert contact["rate"] == 0.0 and contact["eta_seconds"] is None


def test_the_page_counts_a_split_object_once_in_the_whole_runs_total(tmp_path: Path) -> None:
    maps = [ObjectMap("contact", "contact", "res.partner"),
            ObjectMap("task_open", "task", "mail.activity", where={"status": ["open"]}),
            ObjectMap("task_done", "task", "mail.message", where={"status": ["done"]})]
    expected = expected_records(maps, {"contact": 100, "task": 60}.get)
    shared = run_plan(maps, expected)["shared"]
    path = tmp_path / "ledger.sqlite"
    ledger = Ledger(path)
    try:
        run_id = ledger.start_run("migrate", mapping_hash=None, options={})
        for name, count in (("contact", 100), ("task_open", 20), ("task_done", 10)):
            ledger.phase(run_id, name, "running")
            for n in range(count):
                ledger.mark_state(run_id, name, str(n), "created", model="res.partner", xmlid=f"x_{name}_{n}")
        ledger.phase(run_id, "contact", "done")
        ledger.phase(run_id, "task_open", "done")
    finally:
        ledger.close()

    def whole_run() -> tuple[int | None, int | None]:
        page = ledger_view.run_progress(path, expected, [m.name for m in maps], shared=shared)
        assert page is not None
        tasks = [o["expected"] for o in page["objects"] if o["name"].startswith("task")]
        assert tasks == [None, None]  # no total of their own
        return page["expected"], page["done"]

    assert whole_run() == (160, 130)  # the tasks' count once, not unknown, not twice
    ledger = Ledger(path)
    try:
        ledger.phase(run_id, "task_done", "done")
    finally:
        ledger.close()
    assert whole_run() == (130, 130), "the 30 tasks neither map took come off once both ended"


def test_with_an_earlier_runs_paces_the_page_and_the_terminal_price_each_object_alike(tmp_path: Path) -> None:
    """The notes an earlier run measured at 0.5 s a record are not promised the contacts' pace, on either side."""
    path = tmp_path / "ledger.sqlite"
    ledger = Ledger(path)
    try:
        earlier = ledger.start_run("migrate", mapping_hash=None, options={})
        for name, read in (("contact", 1000), ("note", 2000)):
            ledger.phase(earlier, name, "running")
            ledger.phase(earlier, name, "done", {"read": read, "created": read})
        ledger.finish_run(earlier, "done")
    finally:
        ledger.close()
    ledger_with_landings(path)  # the run now going: contacts as in the tests above, notes not reached
    with sqlite3.connect(path) as db:  # the earlier run: 100 s for 1,000 contacts, 1,000 s for 2,000 notes
        for name, started, finished in (("contact", -3000, -2900), ("note", -2900, -1900)):
            db.execute("UPDATE phases SET started_at=?, finished_at=? WHERE run_id=? AND name=?",
                       (stamp(started), stamp(finished), earlier, name))
    expected = {"contact": 1000, "note": 2000}
    page = ledger_view.run_progress(path, expected, ["contact", "note"], now=START + dt.timedelta(seconds=NOW))
    assert page is not None

    clock = [0.0]
    run = RunProgress(clock=lambda: clock[0])
    run.plan([("contact", "res.partner", 1000), ("note", "mail.message", 2000)], paces={"note": 0.5, "contact": 0.1})
    run.start("contact", 1000)
    for seconds, count in LANDINGS:
        clock[0] = seconds
        run.progress("contact", run.meters["contact"].done + count, 1000)
    clock[0] = NOW
    terminal = run.overall.eta_seconds()
    contact_rate = run.meters["contact"].rate()
    assert terminal is not None and contact_rate is not None
    assert terminal == pytest.approx(475 / contact_rate + 2000 * 0.5)
    assert page["eta_seconds"] == pytest.approx(terminal, abs=1)
    assert page["eta_seconds"] > 2 * (2475 / page["rate"]), "not every record at the contacts' pace"
