"""The long reads of a migration as a person sees them: the notes, read and sorted by date before the first is sent,
and the names of users and tags gathered from the whole export, say what they read with counts, piped into a log
and in a pseudo-terminal; and they claim no more than they read. Only the network edge is faked (the sandbox Odoo);
the CLI runs in a subprocess, as in test_progress_display.py.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm2odoo.api.migration import RECONCILING
from crm2odoo.load.longread import SCANNING
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_csv import data_rows
from crm2odoo.testing.ontraport_sim import generate_account, write_csv_exports

from .test_progress_display import CONTROL, in_terminal, piped, plain
from .test_verdicts import prepare

NOTES_READ = "notes: reading to send in date order"
READ_LINE = re.compile(rf"  {NOTES_READ} ([\d,]+) of ([\d,]+)\b")
DONE_LINE = re.compile(rf"  {NOTES_READ}: ([\d,]+) of ([\d,]+) read in \d+\.\ds")
SCAN_DONE = re.compile(rf"  {SCANNING}: ([\d,]+) read in \d+\.\ds")
COUNTED = re.compile(rf"  {RECONCILING}: ([\d,]+) of ([\d,]+) read in \d+\.\ds")


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as sandbox:
        yield sandbox


def project(root: Path, server: SandboxServer) -> int:
    """A contacts-with-notes export of some 1,200 notes (more than one report of the read); the notes' count."""
    account = generate_account(seed=17, contacts=300, companies=4, deals=4, notes_per_contact=8, transactions=0)
    write_csv_exports(account, root / "exports", encoding="utf-8-sig")
    (root / "crm2odoo.toml").write_text(
        f'[source]\nkind = "ontraport-csv"\npath = "exports/"\n\n[odoo]\nurl = "{server.url}"\n'
        f'database = "{server.database}"\nlogin = "admin"\npassword = "${{VERDICT_ODOO_PASSWORD}}"\n\n'
        '[migration]\nfallback_owner = "admin"\nbatch_size = 200\n', encoding="utf-8")
    return len(account.records[12])


def ledger_records(root: Path) -> int:
    """The ledger's records of the maps (values created in Odoo for a lookup, ``auto:`` objects, are no map's)."""
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        return int(db.execute("SELECT COUNT(*) FROM records WHERE object NOT LIKE 'auto:%'").fetchone()[0])


def number(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_notes_read_says_its_counts_in_a_log_and_claims_no_more_than_it_read(tmp_path: Path,
                                                                                 server: SandboxServer) -> None:
    notes = project(tmp_path, server)
    assert notes > 1000
    prepare(tmp_path)
    done = piped(tmp_path, "migrate", "--progress-interval", "0.1")
    assert done.returncode == 0, done.stderr[-2000:]
    assert not CONTROL.search(done.stderr)
    lines = done.stderr.splitlines()
    waiting = lines.index(f"  waiting: {NOTES_READ} ...")
    ends = [n for n, line in enumerate(lines) if DONE_LINE.fullmatch(line)]
    assert len(ends) == 1, lines
    end = DONE_LINE.fullmatch(lines[ends[0]])
    assert end is not None and number(end.group(1)) == number(end.group(2)) == notes, "every note read, of as many"
    counts = [(number(m.group(1)), number(m.group(2))) for line in lines[waiting:ends[0]]
              if (m := READ_LINE.match(line))]
    # lines while it reads: as many as the interval lets through (a fast read may end before the first one)
    assert all(total == notes and 0 <= read <= total for read, total in counts)
    assert [read for read, _ in counts] == sorted(read for read, _ in counts), "the count only grows"
    # reading is not sending: no note counted done before the read is over
    note_progress = [n for n, line in enumerate(lines) if re.match(r"  note +\d[\d,]*/", line)]
    assert all(n > ends[0] for n in note_progress)
    # the maps sent as they are read have no read of their own to tell
    assert not [line for line in lines if re.match(r"  (contacts|companys|companies|deals): reading", line)]
    # the users' names come from one read of the export, told when it ends; tags, from the same read: no second one
    assert len([line for line in lines if line.startswith("  users: reading the export for the names in its rows: ")]) == 1
    assert not [line for line in lines if line.startswith("  tags: reading")]
    # before that, the export is read once to learn its columns: told with its rows, every row of every file
    scans = [n for n, line in enumerate(lines) if SCAN_DONE.fullmatch(line)]
    assert len(scans) == 1, "the export's columns are learnt once a run"
    scan = SCAN_DONE.fullmatch(lines[scans[0]])
    assert scan is not None and number(scan.group(1)) == data_rows(tmp_path / "exports")
    names = next(n for n, line in enumerate(lines) if line.startswith("  users: reading the export for the names"))
    assert scans[0] < names, "the columns are learnt before the names are read"
    # after the last object, migrate's own reconciliation counts the ledger's records, every one of them
    counted = [n for n, line in enumerate(lines) if COUNTED.fullmatch(line)]
    assert len(counted) == 1, lines[-20:]
    count = COUNTED.fullmatch(lines[counted[0]])
    assert count is not None and number(count.group(1)) == number(count.group(2)) == ledger_records(tmp_path)
    last_end = max(n for n, line in enumerate(lines) if re.match(r"  \w+ +read \d+", line))
    assert counted[0] > last_end, "the reconciliation counts after the last object ended"


def test_the_notes_read_shows_in_a_terminal(tmp_path: Path, server: SandboxServer) -> None:
    notes = project(tmp_path, server)
    prepare(tmp_path)
    code, drawn = in_terminal(tmp_path, "migrate")
    seen = plain(drawn)
    assert code == 0, seen[-2000:]
    assert re.search(rf"{NOTES_READ}: {notes:,} of {notes:,} read in \d+\.\ds", seen), seen[-3000:]
    tail = seen.strip().splitlines()
    assert tail[-2].strip().startswith("run 1 (migrate): done in")
