"""The run page and the terminal say one rate and one ETA for the same landings: the page replays the ledger's
landing times through the terminal's RateMeter (a 30-s window), not an average since the phase began."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from crm2odoo.ledger.db import Ledger
from crm2odoo.progress import RateMeter
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
