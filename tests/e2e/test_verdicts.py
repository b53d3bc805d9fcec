"""The verdict table: for each command, the situations in which it must say no, run through the CLI as a person runs
it, each asserting the exit code and the last lines. A verdict that says "done" or "ok" when a record did not make
it is worse than a crash, so every "yes" here has its "no" beside it.

The exports are generated, then damaged the way real exports come: a contacts file with its ID cells empty, stray
Latin-1 bytes in a UTF-8 file. Only the network edge is faked (the sandbox Odoo); the CLI runs in a subprocess.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crm2odoo.odoo.client import OdooClient
from crm2odoo.sandbox import SandboxServer
from crm2odoo.sandbox.server import FaultPlan
from crm2odoo.testing.ontraport_sim import generate_account, write_csv_exports

from .world import admin, assert_exactly_once, baseline


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as sandbox:
        yield sandbox


def cli(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VERDICT_ODOO_PASSWORD": "admin"}
    done = subprocess.run([sys.executable, "-m", "crm2odoo", *args, "--project", str(root)], env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def start_cli(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "VERDICT_ODOO_PASSWORD": "admin"}
    return subprocess.Popen([sys.executable, "-m", "crm2odoo", *args, "--project", str(root)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def last_lines(done: subprocess.CompletedProcess[str], n: int = 12) -> str:
    """The last lines of what the command printed on standard output (progress goes to standard error)."""
    return "\n".join(done.stdout.strip().splitlines()[-n:])


def project(root: Path, server: SandboxServer, *, contacts: int = 30, migration: str = "",
            batch_size: int = 25) -> list[Path]:
    account = generate_account(seed=61, contacts=contacts, companies=6, deals=10, notes_per_contact=1,
                               transactions=0)
    files = write_csv_exports(account, root / "exports", encoding="utf-8-sig")
    (root / "crm2odoo.toml").write_text(
        f'[source]\nkind = "ontraport-csv"\npath = "exports/"\n\n[odoo]\nurl = "{server.url}"\n'
        f'database = "{server.database}"\nlogin = "admin"\npassword = "${{VERDICT_ODOO_PASSWORD}}"\n\n'
        f'[migration]\nfallback_owner = "admin"\nbatch_size = {batch_size}\n{migration}', encoding="utf-8")
    return files


def prepare(root: Path) -> None:
    for step in (["discover"], ["plan"], ["approve", "--yes", "--as", "verdicts"]):
        done = cli(root, *step)
        assert done.returncode == 0, last_lines(done)


def drop_id_column(contacts: Path) -> bytes:
    """The contacts export with every Contact ID cell empty (a file without the column stops discover); returns
    the file as it was."""
    original = contacts.read_bytes()
    rows = list(csv.reader(io.StringIO(original.decode("utf-8-sig"))))
    assert rows[0][0].lower().endswith("id"), rows[0][:3]
    for row in rows[1:]:
        row[0] = ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    contacts.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return original


def prepared_without_ids(root: Path, server: SandboxServer, migration: str = "") -> tuple[Path, bytes]:
    """A project whose contacts export has its ID cells empty, discovered, planned and approved: (the contacts file, its
    bytes as exported)."""
    contacts = project(root, server, migration=migration)[0]
    original = drop_id_column(contacts)
    prepare(root)
    return contacts, original


def stray_latin1(contacts: Path) -> None:
    """A UTF-8 export with a few Latin-1 bytes in it (an export tool that mixed encodings)."""
    text = contacts.read_bytes()
    lines = text.split(b"\r\n")
    for n in (2, 5, 9):
        lines[n] = lines[n].replace(b",", b",Caf\xe9 ", 1)
    contacts.write_bytes(b"\r\n".join(lines))


def ledger_states(root: Path) -> dict[str, int]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        return {r[0]: r[1] for r in db.execute("SELECT state, COUNT(*) FROM records GROUP BY state")}


def run_states(root: Path) -> list[str]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        return [r[0] for r in db.execute("SELECT state FROM runs ORDER BY id")]


# -- validate ------------------------------------------------------------------------------------------------------
def test_validate_says_no_when_a_run_would_quarantine_records(tmp_path: Path, server: SandboxServer) -> None:
    prepared_without_ids(tmp_path, server)
    done = cli(tmp_path, "validate")
    tail = last_lines(done, 4)
    assert done.returncode == 1, tail
    assert "a run would quarantine 65 of 97 records (contact 30," in tail and "over migration.max_quarantine (0 records)" in tail, tail
    assert "not ready" in tail and "ready to migrate" not in tail.replace("not ready", ""), tail
    assert tail.splitlines()[-1] == "report: reports/validation.md"


def test_validate_within_the_tolerance_the_user_set(tmp_path: Path, server: SandboxServer) -> None:
    prepared_without_ids(tmp_path, server, migration='max_quarantine = "100%"\n')
    done = cli(tmp_path, "validate")
    assert done.returncode == 0, last_lines(done)
    assert "within migration.max_quarantine (100 % of the records read)" in done.stdout
    assert "ready to migrate" in done.stdout


def test_a_tolerance_that_is_not_a_count_or_share_is_refused(tmp_path: Path, server: SandboxServer) -> None:
    project(tmp_path, server, migration='max_quarantine = "some"\n')
    done = cli(tmp_path, "validate")
    assert done.returncode == 2
    assert "migration.max_quarantine" in done.stderr and '"2%"' in done.stderr


# -- migrate and reconcile -----------------------------------------------------------------------------------------
def test_migrate_and_reconcile_say_no_when_every_contact_is_quarantined(tmp_path: Path,
                                                                        server: SandboxServer) -> None:
    contacts, original = prepared_without_ids(tmp_path, server)
    migrated = cli(tmp_path, "migrate")
    tail = last_lines(migrated, 10)
    assert migrated.returncode == 1, tail
    assert "NOT complete" in tail and "done in" not in tail, tail
    assert "records quarantined (" in tail and "contact 30" in tail, tail
    assert "over migration.max_quarantine (0 records)" in tail
    assert " x " in tail, "the top reasons are shown with their counts"
    assert "report: " in tail and "quarantined records are tried again" in tail.splitlines()[-1]
    reconciled = cli(tmp_path, "reconcile", "--spot-check", "5")
    tail = last_lines(reconciled, 4)
    assert reconciled.returncode == 1, tail
    assert "over migration.max_quarantine" in tail and "NOT reconciled" in tail
    assert any(line.startswith("  contact") and line.endswith("QUARANTINED") for line in reconciled.stdout.splitlines())

    # the cause is fixed in the source: the next migrate tries every quarantined record again
    contacts.write_bytes(original)
    again = cli(tmp_path, "migrate")
    tail = last_lines(again, 4)
    assert again.returncode == 0, tail
    assert "retried 65 records quarantined by an earlier run: 20 now in Odoo, 45 no longer in the source (skipped), 0 still quarantined" in tail, tail
    assert "done in" in tail
    assert ledger_states(tmp_path).get("quarantined", 0) == 0
    reconciled = cli(tmp_path, "reconcile", "--spot-check", "5")
    assert reconciled.returncode == 0, last_lines(reconciled)
    assert "everything adds up" in reconciled.stdout
    contact = next(line.split() for line in reconciled.stdout.splitlines() if line.startswith("  contact "))
    assert contact[1:7] == ["source", "30", "expected", "30", "in", "Odoo"] and contact[7] == "30", \
        "rows an earlier run quarantined under ids the export no longer has are history, not expected records"


def test_quarantines_within_the_tolerance_exit_zero_and_say_so(tmp_path: Path, server: SandboxServer) -> None:
    prepared_without_ids(tmp_path, server, migration="max_quarantine = 65\n")
    migrated = cli(tmp_path, "migrate")
    assert migrated.returncode == 0, last_lines(migrated)
    assert "65 of" in migrated.stdout and "within migration.max_quarantine (65 records)" in migrated.stdout
    tighter = (tmp_path / "crm2odoo.toml").read_text().replace("max_quarantine = 65", "max_quarantine = 64")
    (tmp_path / "crm2odoo.toml").write_text(tighter)
    assert cli(tmp_path, "reconcile").returncode == 1


@pytest.mark.parametrize("damage", ["none", "stray_latin1", "no_id_column"])
def test_exit_zero_exactly_when_every_record_landed(tmp_path: Path, server: SandboxServer, damage: str) -> None:
    """Whatever the export looks like, migrate's exit code agrees with the ledger: 0 if and only if nothing is
    quarantined or unsettled, and reconcile agrees with migrate."""
    files = project(tmp_path, server)
    if damage == "stray_latin1":
        stray_latin1(files[0])
    elif damage == "no_id_column":
        drop_id_column(files[0])
    prepare(tmp_path)
    migrated = cli(tmp_path, "migrate")
    states = ledger_states(tmp_path)
    clean = not states.get("quarantined") and not states.get("sending")
    assert (migrated.returncode == 0) == clean, (states, last_lines(migrated))
    assert migrated.returncode in (0, 1)
    reconciled = cli(tmp_path, "reconcile", "--spot-check", "5")
    assert reconciled.returncode == migrated.returncode, last_lines(reconciled)
    if damage == "none":
        assert clean and "done in" in migrated.stdout


# -- one writer at a time ------------------------------------------------------------------------------------------
HOLD_LOCK = ("import sys, time\nfrom pathlib import Path\nfrom crm2odoo.lock import ProjectLock\n"
             "lock = ProjectLock(Path(sys.argv[1]), 'migrate').acquire()\nprint('held', flush=True)\ntime.sleep(120)\n")


def test_a_second_writer_is_refused_and_a_dead_ones_lock_is_taken_over(tmp_path: Path,
                                                                       server: SandboxServer) -> None:
    project(tmp_path, server)
    prepare(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(tmp_path / ".crm2odoo")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for command in (["migrate"], ["approve", "--yes"], ["rollback", "--all", "--yes"]):
            refused = cli(tmp_path, *command)
            assert refused.returncode == 2, (command, last_lines(refused))
            assert f"`crm2odoo migrate` (pid {holder.pid} on " in refused.stderr, refused.stderr
            assert "is writing in this project" in refused.stderr
        status = cli(tmp_path, "status")
        assert status.returncode == 0 and f"now running: `crm2odoo migrate` (pid {holder.pid}" in status.stdout
    finally:
        holder.kill()
        holder.wait()
    taken = cli(tmp_path, "migrate")
    assert taken.returncode == 0, last_lines(taken)
    assert f"(pid {holder.pid} on" in taken.stderr and "taking it over" in taken.stderr
    assert "now running" not in cli(tmp_path, "status").stdout


@dataclass
class SlowRun:
    process: subprocess.Popen[str]
    client: OdooClient
    before: dict[str, int]


@contextlib.contextmanager
def slow_migrate(root: Path, server: SandboxServer) -> Iterator[SlowRun]:
    """`crm2odoo migrate` started in the background against an Odoo that takes 50 ms a write, so a test can act while
    it runs; whatever is still running at the end is killed."""
    project(root, server, contacts=150, batch_size=5)
    prepare(root)
    client = admin(server)
    before = baseline(client)
    server.set_faults(FaultPlan(share=1.0, kinds=("slow",), slow_seconds=0.05, methods={"load", "create"}))
    run = SlowRun(start_cli(root, "migrate"), client, before)
    try:
        yield run
    finally:
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()
        server.set_faults(None)
        client.close()


def wait_until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.1)


def migrate_running(root: Path) -> bool:
    return "now running: `crm2odoo migrate`" in cli(root, "status").stdout


def created(root: Path) -> int:
    return ledger_states(root).get("created", 0) if (root / ".crm2odoo" / "ledger.sqlite").exists() else 0


def test_two_migrates_at_once_load_everything_exactly_once(tmp_path: Path, server: SandboxServer) -> None:
    with slow_migrate(tmp_path, server) as first:
        wait_until(lambda: migrate_running(tmp_path), 60)
        second = cli(tmp_path, "migrate")
        assert second.returncode == 2 and "is writing in this project" in second.stderr, last_lines(second)
        _out, err = first.process.communicate(timeout=300)
        assert first.process.returncode == 0, err[-2000:]
        assert_exactly_once(tmp_path, first.client, first.before)


# -- interrupts ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_migrate_says_how_to_continue_and_resumes(tmp_path: Path, server: SandboxServer,
                                                                  signum: int) -> None:
    with slow_migrate(tmp_path, server) as running:
        wait_until(lambda: created(tmp_path) >= 30, 90)
        running.process.send_signal(signum)
        out, err = running.process.communicate(timeout=120)
        assert running.process.returncode == 130, (out[-1500:], err[-1500:])
        assert "Aborted" not in out + err and "Traceback" not in err
        assert out.rstrip().splitlines()[-1] == "interrupted: run `crm2odoo migrate` again to resume", out[-800:]
        assert run_states(tmp_path) == ["interrupted"]
        states = ledger_states(tmp_path)
        assert not states.get("sending"), f"the batches in flight were settled before stopping: {states}"
        status = cli(tmp_path, "status")
        assert "interrupted (`crm2odoo migrate` resumes it)" in status.stdout, status.stdout
        server.set_faults(None)
        resumed = cli(tmp_path, "migrate")
        assert resumed.returncode == 0, last_lines(resumed)
        assert "resuming interrupted run 1" in resumed.stderr
        assert run_states(tmp_path) == ["done"]
        assert_exactly_once(tmp_path, running.client, running.before)


def test_status_tells_a_killed_run_from_a_running_one(tmp_path: Path, server: SandboxServer) -> None:
    with slow_migrate(tmp_path, server) as running:
        wait_until(lambda: migrate_running(tmp_path), 60)
        assert "run 1 migrate running" in cli(tmp_path, "status").stdout
        running.process.kill()
        running.process.wait()
    status = cli(tmp_path, "status")
    assert "run 1 migrate stopped before it finished (killed or crashed; `crm2odoo migrate` resumes it)" \
        in status.stdout, status.stdout
    assert "now running" not in status.stdout
