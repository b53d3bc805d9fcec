"""Progress as a person sees it: the real `crm2odoo` in a pseudo-terminal (bars, rate, ETA, then the summary), and
the same commands piped into a log (plain lines, not one control code). Only the network edge is faked (the
sandbox Odoo); the CLI runs in a subprocess, as in test_verdicts.py.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

from crm2odoo import api
from crm2odoo.sandbox import SandboxServer

from .test_verdicts import prepare, project

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # anything but tab and newline: escapes, carriage returns
SHARE = re.compile(r"\d[\d,]*/[\d,]+ \(\d+%\)")


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as sandbox:
        yield sandbox


def env() -> dict[str, str]:
    return {**os.environ, "VERDICT_ODOO_PASSWORD": "admin", "TERM": "xterm-256color", "COLUMNS": "150"}


def in_terminal(root: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in a pseudo-terminal; (exit code, everything it drew, escapes and all)."""
    child = pexpect.spawn(sys.executable, ["-m", "crm2odoo", *args, "--project", str(root)], env=env(),
                          dimensions=(40, 150), encoding="utf-8", timeout=600)
    drawn = child.read()
    child.close()
    assert "Traceback" not in drawn, drawn[-3000:]
    return int(child.exitstatus if child.exitstatus is not None else -1), drawn


def piped(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "crm2odoo", *args, "--project", str(root)], env=env(),
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def plain(drawn: str) -> str:
    """The text of a terminal recording, escapes removed (what the eye reads, frame after frame)."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn)


def test_migrate_and_validate_in_a_terminal_show_bars_rate_eta_then_the_summary(tmp_path: Path,
                                                                               server: SandboxServer) -> None:
    project(tmp_path, server, contacts=600, batch_size=25)
    prepare(tmp_path)
    code, drawn = in_terminal(tmp_path, "validate")
    seen = plain(drawn)
    assert code == 0 and "ready to migrate" in seen
    assert "━" in seen and "overall" in seen and "contact → res.partner" in seen

    code, drawn = in_terminal(tmp_path, "migrate")
    seen = plain(drawn)
    assert code == 0, seen[-2000:]
    assert "\x1b[" in drawn  # a live display, redrawn in place
    assert "━" in seen and "contact → res.partner" in seen
    assert re.search(r"\d[\d,]*/600\b", seen), "the contacts' bar counts records done of the total"
    assert re.search(r"\d[\d,.]* rec/s", seen), "a rate once the contacts have run a second"
    assert re.search(r"ETA \d+:\d\d", seen), "an ETA with a number in it"
    assert re.search(r"\d+/\d+ objects", seen), "the overall line"
    # the live display is gone: the verdict is the last thing on the screen, as without a terminal
    tail = seen.strip().splitlines()
    assert tail[-2].strip().startswith("run 1 (migrate): done in") and tail[-1].startswith("report:")


def test_piped_output_is_plain_lines_one_per_object_start_and_end_and_periodic_progress(
        tmp_path: Path, server: SandboxServer) -> None:
    project(tmp_path, server, contacts=400, batch_size=20)
    prepare(tmp_path)
    done = piped(tmp_path, "migrate", "--progress-interval", "0.2")
    assert done.returncode == 0, done.stderr[-2000:]
    assert not CONTROL.search(done.stderr) and not CONTROL.search(done.stdout)
    lines = done.stderr.splitlines()
    assert lines[0].startswith("plan: 11 objects, ")
    for name in ("company", "contact", "deal", "note"):
        starts = [line for line in lines if re.match(rf"  {name} +-> ", line)]
        ends = [line for line in lines if re.match(rf"  {name} +read \d+", line)]
        assert len(starts) == 1 and len(ends) == 1, (name, starts, ends)
    contact_progress = [line for line in lines if line.startswith("  contact ") and SHARE.search(line)]
    assert contact_progress, "a progress line at least every 0.2 s while 400 contacts load"
    assert all("records/s" in line and "ETA" in line and "objects" in line for line in contact_progress)
    assert done.stdout.strip().splitlines()[-2].startswith("run 1 (migrate): done in")

    # the default interval (10 s) gives a short run no progress line at all: a log is not flooded
    rerun = piped(tmp_path, "migrate")
    assert not [line for line in rerun.stderr.splitlines() if SHARE.search(line)]

    quiet = piped(tmp_path, "reconcile", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout.strip().splitlines()[-1].startswith("everything adds up")
    loud = piped(tmp_path, "-q", "validate")  # before the command or after it: the same
    assert loud.stderr == "" and "ready to migrate" in loud.stdout


def test_a_blocked_object_shows_as_blocked_never_as_done(tmp_path: Path, server: SandboxServer) -> None:
    project(tmp_path, server, contacts=40, batch_size=20)
    config = tmp_path / "crm2odoo.toml"
    # no fallback owner: the export's owners have no Odoo user, so owners block and everything owned waits
    config.write_text(config.read_text(encoding="utf-8").replace('fallback_owner = "admin"\n', ""), encoding="utf-8")
    prepare(tmp_path)
    done = piped(tmp_path, "migrate", "--progress-interval", "0.1")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    user_lines = [line for line in lines if line.startswith("  user ")]
    assert user_lines[-1].split()[1] == "BLOCKED:", user_lines
    assert not any("100%" in line for line in user_lines)
    contact_lines = [line for line in lines if line.startswith("  contact ")]
    assert contact_lines and contact_lines[-1].split()[1] == "BLOCKED:", contact_lines
    assert not any(SHARE.search(line) for line in contact_lines), "a blocked object never started"

    code, drawn = in_terminal(tmp_path, "migrate")
    seen = plain(drawn)
    assert code == 1
    assert re.search(r"  user +BLOCKED: ", seen) and re.search(r"  contact +BLOCKED: waits for", seen)
    assert not re.search(r"contact → res\.partner\S* +\S* +\d[\d,]*/\d", seen)


def test_maps_that_split_an_object_count_their_part_and_the_overall_eta_stays(tmp_path: Path,
                                                                              server: SandboxServer) -> None:
    """The export's tasks go to two maps by status (open -> mail.activity, done -> chatter): neither can say its
    part before reading, so neither shows a total it would end short of; the overall line counts the tasks once
    and keeps its ETA."""
    project(tmp_path, server, contacts=600, batch_size=5)
    prepare(tmp_path)
    code, drawn = in_terminal(tmp_path, "migrate")
    seen = plain(drawn)
    assert code == 0, seen[-2000:]
    # each map's end line ("  contact   read 600, created ...", printed above the bars as they redraw)
    read = {m.group(1): int(m.group(2).replace(",", "")) for m in re.finditer(r"  (\w+) +read ([\d,]+), created", seen)}
    assert {"task", "task_done", "contact", "note"} <= set(read), read
    for name, met in read.items():
        # the column right of the map's bar: "575/600", or "95" for a map with no total
        shown = re.findall(rf"{name} → \S+ +[━╸╺]+ +[\d,]+(/[\d,]+)? ", seen)
        totals = {int(t[1:].replace(",", "")) for t in shown if t}
        # a bar's total is what the map meets: a finished map's bar ends at 100 %, never short of it
        assert totals <= {met}, (name, totals, met)
        if name in ("task", "task_done"):
            assert not totals, "a map with where shows its count, no total"
    tasks_began = re.search(r"task(?:_done)? → ", seen)
    assert tasks_began, "the tasks' bars"
    assert re.search(r"overall \d+/11 objects +[━╸╺]+ +[\d,]+/[\d,]+ +[\d,]+ rec/s +ETA \d+:\d\d", seen[tasks_began.start():]), \
        "the overall ETA while the tasks load"


def test_every_object_that_ends_done_has_told_all_its_records_first(tmp_path: Path, server: SandboxServer,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A bar that stays at "0 of 3" while its object ends done says something false: each object's last progress
    before it ends done counts every record it expected (the owners' step, which matches users and creates nothing,
    once told none)."""
    project(tmp_path, server, contacts=60, batch_size=25)
    prepare(tmp_path)
    monkeypatch.setenv("VERDICT_ODOO_PASSWORD", "admin")
    told: dict[str, tuple[int, int | None]] = {}
    short: list[str] = []

    def events(kind: str, **data: Any) -> None:
        if kind == "object_progress":
            told[data["name"]] = (data["done"], data["total"])
        elif kind == "object_done":
            result = data["result"]
            done, total = told.get(result.name, (0, None))
            if total is not None and done < total:
                short.append(f"{result.name}: {done} of {total}")

    info = api.migrate(tmp_path, events=events)
    assert info.state == "done", info.asdict()
    assert "user" in told and told["user"][0] == told["user"][1] and told["user"][0] > 0
    assert not short, short


def test_a_second_run_is_planned_with_the_paces_the_first_measured(tmp_path: Path, server: SandboxServer,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The overall ETA of a re-run or a resumed run prices each object at the seconds per record the project's
    earlier run took for it (ledger/paces.py), so the plan event carries them; a first run has none to carry."""
    project(tmp_path, server, contacts=600, batch_size=25)
    prepare(tmp_path)
    monkeypatch.setenv("VERDICT_ODOO_PASSWORD", "admin")
    plans: list[dict[str, float]] = []

    def events(kind: str, **data: Any) -> None:
        if kind == "run_plan":
            plans.append(data["paces"])

    assert api.migrate(tmp_path, events=events).state == "done"
    with sqlite3.connect(tmp_path / ".crm2odoo" / "ledger.sqlite") as db:
        # a sandbox run is quick: its phases stretched to 50 ms a record read, as a real Odoo might take
        read = {name: json.loads(counts).get("read", 0) for name, counts in db.execute(
            "SELECT name, counts FROM phases WHERE run_id=1")}
        for name, count in read.items():
            db.execute("UPDATE phases SET finished_at=datetime(started_at, ?) WHERE run_id=1 AND name=?",
                       (f"+{count // 20} seconds", name))
    assert api.migrate(tmp_path, events=events).state == "done"
    assert plans[0] == {}, "nothing measured before the first run"
    assert read["contact"] == 600 and plans[1]["contact"] == pytest.approx(0.05)
    assert set(plans[1]) == {name for name, count in read.items() if count >= 200}
