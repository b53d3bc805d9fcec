"""`crm2odoo migrate` killed with SIGKILL at random points, then run again: every trial ends with every record in
Odoo exactly once and the same records as an uninterrupted run.

One generated Ontraport account (served by the REST simulator) and one discovered and planned project are reused;
each trial gets a fresh project folder and a fresh sandbox database file. The kill points are seeded random delays
and ledger-state triggers across every phase: provisioning (custom model, custom fields), the first batch of an
object in flight ('sending'), N records created in an object, an object's phase started; two trials kill the resumed
run as well.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crm2odoo import api
from crm2odoo.sandbox import FaultPlan, SandboxServer
from crm2odoo.testing.ontraport_sim import OntraportSimulator

from .world import (
    API_KEY,
    APP_ID,
    admin,
    assert_exactly_once,
    baseline,
    odoo_picture,
    ontraport_source,
    outcomes,
    prepare,
    small_account,
    write_config,
)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")]

#: every load answers 40 ms late in the killed runs, so a kill often lands while a batch is in flight (Odoo then
#: commits a batch whose reply nobody reads) and short-lived ledger states are seen by the trigger
SLOW_LOADS = FaultPlan(share=1.0, kinds=("slow",), slow_seconds=0.04, methods={"load"})


@dataclass(frozen=True)
class Trigger:
    """When to kill: after ``delay`` seconds, or once the SQL ``query`` on the ledger returns a row."""

    label: str
    delay: float | None = None
    query: str | None = None
    args: tuple[Any, ...] = ()


def created(obj: str, n: int) -> Trigger:
    return Trigger(f"{n} {obj} created", query="SELECT 1 FROM records WHERE object=? AND state IN "
                   "('created','updated') GROUP BY object HAVING COUNT(*) >= ?", args=(obj, n))


def sending(obj: str) -> Trigger:
    return Trigger(f"{obj} batch in flight", query="SELECT 1 FROM records WHERE object=? AND state='sending' LIMIT 1",
                   args=(obj,))


def address_pending(obj: str) -> Trigger:
    """A person linked to its company, its own address not written yet (17/18 write it in a second call)."""
    return Trigger(f"{obj} linked, own address pending", query="SELECT 1 FROM records WHERE object=? AND "
                   "state='created' AND content_hash IS NULL LIMIT 1", args=(obj,))


def phase(obj: str) -> Trigger:
    return Trigger(f"{obj} phase started", query="SELECT 1 FROM phases WHERE name=? LIMIT 1", args=(obj,))


def schema(kind: str, state: str) -> Trigger:
    return Trigger(f"provisioning: {kind} {state}", query="SELECT 1 FROM schema_changes WHERE kind=? AND state=? "
                   "LIMIT 1", args=(kind, state))


def landed_so_far(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    with sqlite3.connect(ledger) as db:
        return int(db.execute("SELECT COUNT(*) FROM records WHERE state NOT IN ('sending')").fetchone()[0])


def progress_trigger(trigger: Trigger, ledger: Path, total: int) -> Trigger:
    """A random moment as a fraction of the work left (records settled), not of seconds: a busy machine makes an
    uninterrupted run's time a poor yardstick, and a kill that comes after the end tests nothing."""
    assert trigger.delay is not None
    done = landed_so_far(ledger)
    target = done + max(1, int(trigger.delay * (total - done)))
    return Trigger(f"{trigger.label} ({target} of {total} records settled)",
                   query="SELECT 1 WHERE (SELECT COUNT(*) FROM records WHERE state != 'sending') >= ?", args=(target,))


@dataclass
class Template:
    root: Path
    sim: OntraportSimulator
    clean_seconds: float
    fates: dict[tuple[str, str], str]
    picture: dict[str, Any]
    env: dict[str, str]


def migrate_cmd(root: Path) -> list[str]:
    return [sys.executable, "-m", "crm2odoo", "migrate", "--project", str(root)]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    """Discover and plan once; one uninterrupted run (as a subprocess, like the trials) gives the expected end."""
    base = tmp_path_factory.mktemp("crash")
    account = small_account(seed=33)
    with pytest.MonkeyPatch.context() as mp, OntraportSimulator(
            account, app_id=APP_ID, api_key=API_KEY, rate_limit=100000, rate_window_seconds=1.0) as sim:
        server = SandboxServer(version="18.0", db_path=str(base / "template-odoo.sqlite")).start()
        try:
            root = base / "template"
            api.init_project(root, "ontraport")
            write_config(root, ontraport_source(sim.url), server, mp, migration_extra="workers = 2\n")
            prepare(root)
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            server.set_faults(SLOW_LOADS)
            started = time.monotonic()
            done = subprocess.run(migrate_cmd(root), env=env, capture_output=True, text=True, timeout=120)
            clean_seconds = time.monotonic() - started
            server.set_faults(None)
            assert done.returncode == 0, done.stdout + done.stderr
            client = admin(server)
            picture = odoo_picture(client)
            client.close()
            yield Template(root, sim, clean_seconds, outcomes(root), picture, env)
        finally:
            server.stop()


def ledger_hit(path: Path, trigger: Trigger) -> bool:
    if not path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2) as db:
            return db.execute(str(trigger.query), trigger.args).fetchone() is not None
    except sqlite3.Error:
        return False  # not created yet, or mid-migration of its schema


def kill_when(process: subprocess.Popen[str], ledger: Path, trigger: Trigger, started: float) -> bool:
    """SIGKILL ``process`` at the trigger; False if it finished first."""
    deadline = started + 60
    while process.poll() is None and time.monotonic() < deadline:
        if trigger.delay is not None and time.monotonic() - started >= trigger.delay:
            break
        if trigger.query is not None and ledger_hit(ledger, trigger):
            break
        time.sleep(0.002)
    if process.poll() is not None:
        return False
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return True


def trials() -> list[tuple[Trigger, Trigger | None]]:
    rng = random.Random(20261123)
    ledger_triggers = [
        # Not here: a kill between creating the custom model and its access rule. Resuming then never creates the
        # rule (a product bug, reproduced deterministically by test_odoo_faults.py::
        # test_a_lost_reply_while_creating_a_custom_model_is_repaired_by_running_again); a kill trigger cannot
        # hit that window reliably enough for a strict xfail, and would make these trials flaky.
        schema("access", "done"), schema("field", "sending"), schema("field", "done"),
        phase("pipeline"), sending("stage"), sending("tag"), sending("company"), created("company", 4),
        sending("contact"), created("contact", 12), created("contact", 35), address_pending("contact"), sending("deal"),
        phase("campaign_enrollment"), sending("note"), created("note", 30), sending("engagement"), sending("task"),
        sending("task_done"), sending("product"), sending("custom_properties"),
    ]
    out: list[tuple[Trigger, Trigger | None]] = [(t, None) for t in ledger_triggers]
    # seeded random moments (as a fraction of an uninterrupted run, resolved against its measured length)
    out += [(Trigger(f"random {f:.2f}", delay=f), None) for f in (rng.uniform(0.35, 0.75) for _ in range(5))]
    # the resumed run killed too
    out += [(created("contact", 20), sending("note")), (Trigger("random then again", delay=rng.uniform(0.3, 0.6)),
                                                         Trigger("random", delay=0.5))]
    return out


TRIALS = trials()


@pytest.mark.parametrize("first,second", TRIALS, ids=[t.label + (f" + {s.label}" if s else "") for t, s in TRIALS])
def test_killed_migration_resumes_with_every_record_exactly_once(first: Trigger, second: Trigger | None,
                                                                 template: Template, tmp_path: Path) -> None:
    assert len(TRIALS) >= 20
    root = tmp_path / "project"
    (root / ".crm2odoo").mkdir(parents=True)
    shutil.copy(template.root / "mapping.yaml", root / "mapping.yaml")
    shutil.copy(template.root / ".crm2odoo" / "catalog.json", root / ".crm2odoo" / "catalog.json")
    server = SandboxServer(version="18.0", db_path=str(tmp_path / "odoo.sqlite")).start()
    try:
        config = (template.root / "crm2odoo.toml").read_text(encoding="utf-8")
        old_url = next(line.split('"')[1] for line in config.splitlines() if line.startswith("url = "))
        (root / "crm2odoo.toml").write_text(config.replace(old_url, server.url), encoding="utf-8")
        api.approve(root, confirm=lambda changes: True, login="crash-trials")
        client = admin(server)
        before = baseline(client)
        start_day = client.execute("ir.config_parameter", "get_param", key="crm.pls_start_date")
        ledger = root / ".crm2odoo" / "ledger.sqlite"

        kills = 0
        server.set_faults(SLOW_LOADS)
        for trigger in (first, second):
            if trigger is None:
                break
            if trigger.delay is not None and trigger.delay < 1:
                trigger = progress_trigger(trigger, ledger, len(template.fates))
            started = time.monotonic()
            process = subprocess.Popen(migrate_cmd(root), env=template.env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, text=True)
            kills += kill_when(process, ledger, trigger, started)
        server.set_faults(None)
        assert kills >= 1, f"the migration finished before {first.label}: the trial killed nothing"
        with sqlite3.connect(ledger) as db:
            unfinished = db.execute("SELECT COUNT(*) FROM runs WHERE state='running'").fetchone()[0]
        assert unfinished <= 1  # 0: killed before the run began (still starting up, or provisioning's lookups)

        resumed = subprocess.run(migrate_cmd(root), env=template.env, capture_output=True, text=True, timeout=120)
        assert resumed.returncode == 0, resumed.stdout + resumed.stderr
        assert "Traceback" not in resumed.stderr
        assert ("resuming unfinished run" in resumed.stderr) == bool(unfinished)

        assert_exactly_once(root, client, before)
        assert client.execute("ir.config_parameter", "get_param", key="crm.pls_start_date") == start_day, \
            "a killed run paused lead scoring; the run that resumed it put the start day back"
        assert outcomes(root) == template.fates, "every record ends as in the uninterrupted run"
        assert odoo_picture(client) == template.picture, "the same records under the same external IDs"
        with sqlite3.connect(ledger) as db:
            assert [r[0] for r in db.execute("SELECT state FROM runs")] == ["done"]
        custom = client.search_read("ir.model.fields", [["name", "=like", "x_%"], ["state", "=", "manual"]],
                                    ["model", "name"])
        assert len(custom) == len({(f["model"], f["name"]) for f in custom}), "each custom field once"
        # (whether the ledger settles a field intent the kill left 'sending' is test_odoo_faults.py::
        # test_a_lost_reply_on_a_custom_field_create_is_settled_by_running_again)
        client.close()
    finally:
        server.stop()
