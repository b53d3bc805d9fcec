"""`crm2odoo demo` killed with SIGKILL mid-load and run again ends with every record present exactly once."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import SandboxServer

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")


def demo(directory: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "crm2odoo", "demo", "--dir", str(directory)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def landed(ledger: Path) -> int:
    try:
        with sqlite3.connect(ledger, timeout=1) as db:
            return int(db.execute("SELECT COUNT(*) FROM records WHERE state='created'").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_killed_demo_resumes_without_duplicates_or_gaps(tmp_path: Path) -> None:
    directory = tmp_path / "demo"
    ledger = directory / ".crm2odoo" / "ledger.sqlite"
    first = demo(directory)
    deadline = time.monotonic() + 120
    while landed(ledger) < 150 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert first.poll() is None, "the demo finished before it could be killed: " + (first.stdout.read() if first.stdout else "")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    with sqlite3.connect(ledger) as db:
        assert db.execute("SELECT COUNT(*) FROM runs WHERE state='running'").fetchone()[0] == 1

    second = subprocess.run([sys.executable, "-m", "crm2odoo", "demo", "--dir", str(directory)],
                            capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "resumed an interrupted run" in second.stdout
    assert "reconciliation: every landed record is in Odoo" in second.stdout
    spot = re.search(r"spot check: (\d+) records read back field by field, (\d+) differ", second.stdout)
    assert spot and int(spot.group(1)) > 0 and spot.group(2) == "0", second.stdout

    # Open the demo's Odoo and count: every landed record once, nothing without our external ID.
    with sqlite3.connect(ledger) as db:
        expected = dict(db.execute("SELECT model, COUNT(DISTINCT odoo_id) FROM records WHERE state IN "
                                   "('created','updated','unchanged') GROUP BY model").fetchall())
        states = dict(db.execute("SELECT state, COUNT(*) FROM records GROUP BY state").fetchall())
        # a refund's credit note is made with its one line inside (the ledger holds the credit note, not the line)
        credit_notes = [int(r[0]) for r in db.execute("SELECT odoo_id FROM records WHERE object = 'credit_note' "
                                                      "AND odoo_id IS NOT NULL")]
    assert "sending" not in states
    fresh = SandboxServer(version="18.0").start()
    try:
        baseline = OdooClient(OdooSettings(url=fresh.url, database=fresh.database, login="admin",
                                           password=Secret("admin")))
        seeded = {m: baseline.search_count(m, [], context={"active_test": False}) for m in expected}
    finally:
        fresh.stop()
    server = SandboxServer(version="18.0", db_path=str(directory / ".crm2odoo" / "odoo-sandbox.sqlite")).start()
    try:
        odoo = OdooClient(OdooSettings(url=server.url, database=server.database, login="admin",
                                       password=Secret("admin")))
        for model, count in expected.items():
            total = odoo.search_count(model, [], context={"active_test": False})
            if model == "account.move.line":
                total -= odoo.search_count(model, [["move_id", "in", credit_notes]])
            assert total - seeded[model] == count, f"{model}: {total - seeded[model]} records, ledger has {count}"
            xmlids = odoo.search_count("ir.model.data", [["module", "=", "crm2odoo"], ["model", "=", model]])
            assert xmlids == count, f"{model}: {xmlids} external IDs for {count} records"
    finally:
        server.stop()
