"""`rollback` says "verified" only when Odoo is as it was before the runs, record for record and field for field.

Each test takes a snapshot of the Odoo database before migrating (every stored value of every model a migration
touches, and the record count of every model), rolls back, and compares: "verified" and exit 0 only when the two are
equal; otherwise exit 1 with each record left named. Runs against the sandbox, or a real Odoo with the
CRM2ODOO_TEST_ODOO_* variables set.
"""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crm2odoo import api
from crm2odoo.cli import main
from crm2odoo.errors import OdooError
from crm2odoo.ledger.db import Ledger, RecordRow
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.testing.ontraport_sim import OntraportAccount, OntraportSimulator, generate_account

from . import snapshot
from .edge import CuttingProxy
from .world import API_KEY, APP_ID, ontraport_source, prepare

CONTACT = 0  # Ontraport's object id of contacts
DEAL = 149


@dataclass
class World:
    root: Path
    account: OntraportAccount
    odoo: OdooClient
    proxy: CuttingProxy
    tag: str


def tiny_account(tag: str) -> OntraportAccount:
    account = generate_account(seed=47, contacts=18, companies=4, deals=6, notes_per_contact=1, transactions=4,
                               products=2, properties=2)
    # unique names and emails: a persistent real Odoo may hold what an earlier run of this test left behind
    for row in account.records[CONTACT].values():
        if row.get("email"):
            row["email"] = row["email"].replace("@", f".{tag}@")
    for row in account.records[150].values():
        row["name"] = f"{row['name']} {tag}"
    return account


@pytest.fixture
def world(tmp_path: Path, odoo: OdooClient, odoo_settings: OdooSettings,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    tag = uuid.uuid4().hex[:8]
    account = tiny_account(tag)
    with OntraportSimulator(account, app_id=APP_ID, api_key=API_KEY, rate_limit=100000,
                            rate_window_seconds=1.0) as sim, CuttingProxy(odoo_settings.url) as proxy:
        root = tmp_path / "p"
        api.init_project(root, "ontraport")
        monkeypatch.setenv("FT_OP_APP", APP_ID)
        monkeypatch.setenv("FT_OP_KEY", API_KEY)
        monkeypatch.setenv("FT_ODOO_SECRET", odoo_settings.secret.reveal())
        key = "api_key" if odoo_settings.api_key else "password"
        (root / "crm2odoo.toml").write_text(
            f'{ontraport_source(sim.url)}\n[odoo]\nurl = "{proxy.url}"\ndatabase = "{odoo_settings.database}"\n'
            f'login = "{odoo_settings.login}"\n{key} = "${{FT_ODOO_SECRET}}"\ntimeout = 30\nmax_retries = 1\n\n'
            f'[migration]\nfallback_owner = "{odoo_settings.login}"\nbatch_size = 10\nworkers = 1\n'
            f'namespace = "{tag}"\n', encoding="utf-8")
        prepare(root)
        yield World(root, account, odoo, proxy, tag)


def cli(world: World, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["rollback", "--project", str(world.root), *args], input=stdin,
                              catch_exceptions=False)


def existing_partner(world: World) -> int:
    """A contact in Odoo before the migration, with the email of a source contact: the run matches and updates it."""
    row = next(r for r in world.account.records[CONTACT].values() if r.get("email"))
    return world.odoo.create("res.partner", [{"name": f"Known before {world.tag}", "email": row["email"],
                                              "city": "Lyon", "comment": "<p>kept</p>", "phone": "+33 1 00 00"}],
                             context={"tracking_disable": True})[0]


def change_the_source(world: World) -> None:
    """A cutover delta: one contact edited, one added, one deleted."""
    ids = sorted(world.account.records[CONTACT])
    world.account.touch(ids[1], firstname="Changed", city="Bursa")
    world.account.add(CONTACT, firstname="New", lastname="Person", email=f"new.{world.tag}@example.com")
    world.account.delete(CONTACT, ids[2])


def migrate_and_delta(world: World) -> None:
    assert api.migrate(world.root).state == "done"
    change_the_source(world)
    info = api.migrate(world.root, delta=True)
    assert info.state == "done", info.asdict()
    assert sum(o.created + o.updated for o in info.objects) >= 2, "the delta wrote something"


def assert_verdict_is_the_snapshots(world: World, before: snapshot.Snapshot, done: Result) -> None:
    """Odoo is exactly as before, Odoo's lead-scoring statistics included (the runs paused their counting), and the
    tool says "verified" (exit 0)."""
    diffs = snapshot.differences(before, snapshot.take(world.odoo))
    assert diffs == [], diffs
    assert done.exit_code == 0, done.output
    assert "verified" in done.output and "NOT verified" not in done.output


def remove(odoo: OdooClient, model: str, ids: list[int]) -> None:
    alive = [r["id"] for r in odoo.search_read(model, [["id", "in", ids]], ["id"], context={"active_test": False})]
    if alive:
        odoo.unlink(model, alive)


def test_migrate_delta_rollback_all_leaves_odoo_as_before(world: World) -> None:
    known = existing_partner(world)
    try:
        before = snapshot.take(world.odoo)
        migrate_and_delta(world)
        assert snapshot.differences(before, snapshot.take(world.odoo)), "the runs changed Odoo"

        done = cli(world, "--all", "--yes")
        assert_verdict_is_the_snapshots(world, before, done)
        again = cli(world, "--all", "--yes")
        assert_verdict_is_the_snapshots(world, before, again)
    finally:
        remove(world.odoo, "res.partner", [known])


#: where a rollback is cut (a query on the project's ledger that starts to return a row part-way through)
CUTS = {
    "delta-run-half-undone": "SELECT 1 FROM prior_values WHERE run_id=2 AND restored=1",
    "delta-run-undone": "SELECT 1 FROM runs WHERE id=2 AND state='rolled_back'",
    "notes-deleted": "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM records WHERE object='note')",
    "contacts-deleted": "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM records WHERE object='contact' AND "
                        "origin='created')",
}


def ledger_says(root: Path, query: str) -> bool:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite", timeout=30) as db:
        return db.execute(query).fetchone() is not None


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_interrupted_rollback_is_finished_by_the_next_one(world: World, cut: str) -> None:
    known = existing_partner(world)
    try:
        before = snapshot.take(world.odoo)
        migrate_and_delta(world)
        loaded = snapshot.take(world.odoo)
        world.proxy.cut_when(lambda: ledger_says(world.root, CUTS[cut]))
        with pytest.raises(OdooError):
            api.rollback(world.root, all_runs=True)
        world.proxy.heal()
        midway = snapshot.take(world.odoo)
        assert snapshot.differences(loaded, midway), "the interrupted rollback undid part of the runs"
        assert snapshot.differences(before, midway), "... but not all of them"

        done = cli(world, "--all", "--yes")
        assert_verdict_is_the_snapshots(world, before, done)
    finally:
        world.proxy.heal()
        remove(world.odoo, "res.partner", [known])


def ledger_dump(root: Path) -> list[str]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        return list(db.iterdump())


def test_dry_run_prints_the_plan_and_writes_nothing_and_scripts_must_say_yes(world: World) -> None:
    assert api.migrate(world.root).state == "done"
    odoo_before, ledger_before = snapshot.take(world.odoo), ledger_dump(world.root)

    dry = cli(world, "--all", "--dry-run")
    assert dry.exit_code == 0, dry.output
    contacts = sum(1 for r in world.account.records[CONTACT].values())
    assert f"contact                {contacts} to delete" in dry.output, dry.output
    with sqlite3.connect(world.root / ".crm2odoo" / "ledger.sqlite") as db:
        created = {r[0] for r in db.execute("SELECT DISTINCT object FROM records WHERE origin='created' AND "
                                            "odoo_id IS NOT NULL AND state NOT IN ('merged', 'matched')")}
        schema_created = db.execute("SELECT COUNT(*) FROM schema_changes WHERE state='done'").fetchone()[0]
    # on a shared Odoo an earlier test may have created the custom fields, or the companies this one matched
    assert created and all(f"\n    {obj} " in dry.output for obj in created if obj != "user"), (created, dry.output)
    assert ("schema to remove" in dry.output) == bool(schema_created), dry.output
    assert "nothing was written" in dry.output

    unattended = cli(world, "--all", stdin="")
    assert unattended.exit_code == 2, unattended.output
    assert "--yes" in unattended.output

    declined, shown = in_a_terminal(world, "n")
    assert declined == 2 and "undo these runs?" in shown and "nothing undone" in shown, shown

    assert snapshot.differences(odoo_before, snapshot.take(world.odoo)) == [], "the plan changed Odoo"
    assert ledger_dump(world.root) == ledger_before, "the plan changed the ledger"
    confirmed, shown = in_a_terminal(world, "y")
    assert "verified" in shown and confirmed == (1 if "NOT verified" in shown else 0), shown


def in_a_terminal(world: World, answer: str) -> tuple[int, str]:
    """`crm2odoo rollback --all` run by a person at a terminal who answers the question with ``answer``."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "crm2odoo", "rollback", "--all", "--project", str(world.root)],
                               stdin=slave, stdout=slave, stderr=slave, env=dict(os.environ), close_fds=True)
    os.close(slave)
    shown, answered, deadline = b"", False, time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            shown += chunk
            if not answered and b"undo these runs?" in shown:
                os.write(master, answer.encode() + b"\n")
                answered = True
        elif process.poll() is not None:
            break
    os.close(master)
    return process.wait(timeout=60), shown.decode(errors="replace")


def source_id_of(world: World, obj: str, odoo_id: int) -> str:
    with sqlite3.connect(world.root / ".crm2odoo" / "ledger.sqlite") as db:
        return str(db.execute("SELECT source_id FROM records WHERE object=? AND odoo_id=?", (obj, odoo_id)
                              ).fetchone()[0])


def landed(world: World, obj: str) -> dict[str, int]:
    with sqlite3.connect(world.root / ".crm2odoo" / "ledger.sqlite") as db:
        return {str(s): int(i) for s, i in db.execute(
            "SELECT source_id, odoo_id FROM records WHERE object=? AND state='created'", (obj,))}


def test_a_record_changed_in_odoo_since_is_kept_and_named_and_not_verified(world: World) -> None:
    before = snapshot.take(world.odoo)
    assert api.migrate(world.root).state == "done"
    source_id, company = sorted(landed(world, "company").items())[0]
    world.odoo.write("res.partner", [company], {"name": f"Renamed by a user {world.tag}"})

    kept = cli(world, "--all", "--yes")
    assert kept.exit_code == 1, kept.output
    assert "NOT verified" in kept.output
    assert f"company {source_id} (res.partner {company}): kept: changed in Odoo since" in kept.output
    assert "name" in kept.output.split(f"(res.partner {company})")[1].splitlines()[0]
    assert "reports/rollback.md" in kept.output
    assert world.odoo.search_count("res.partner", [["id", "=", company]], context={"active_test": False}) == 1
    again = cli(world, "--all", "--yes")
    assert again.exit_code == 1 and f"(res.partner {company})" in again.output, "a second rollback still says no"

    forced = cli(world, "--all", "--yes", "--force")
    assert_verdict_is_the_snapshots(world, before, forced)


def test_a_record_odoo_refuses_to_delete_is_named_with_what_holds_it(world: World) -> None:
    before = snapshot.take(world.odoo)
    assert api.migrate(world.root).state == "done"
    lone = [r["id"] for r in world.account.records[CONTACT].values() if r["company_id"] in ("", "0")]
    contact = landed(world, "contact")[str(lone[0])]
    # a user invoices one of the migrated contacts: Odoo will not delete a partner an invoice points at
    invoice = world.odoo.create("account.move", [{"move_type": "out_invoice", "partner_id": contact}])[0]
    try:
        refused = cli(world, "--all", "--yes")
        assert refused.exit_code == 1, refused.output
        assert "NOT verified" in refused.output
        assert f"contact {lone[0]} (res.partner {contact}): Odoo refused to delete it" in refused.output
        assert f"(account.move {invoice}): a record that is not the tool's points at it" in refused.output
    finally:
        world.odoo.unlink("account.move", [invoice])
    # the invoice gone, the next rollback finishes the job
    done = cli(world, "--all", "--yes")
    assert_verdict_is_the_snapshots(world, before, done)


PLS_MODEL = "crm.lead.scoring.frequency"


def lead_scoring(odoo: OdooClient) -> list[tuple[str, str, object, float, float]]:
    rows = odoo.search_read(PLS_MODEL, [], ["variable", "value", "team_id", "won_count", "lost_count"], order="id")
    return [(r["variable"], r["value"], r["team_id"], r["won_count"], r["lost_count"]) for r in rows]


def pls_start_day(odoo: OdooClient) -> object:
    return odoo.execute("ir.config_parameter", "get_param", key="crm.pls_start_date")


def test_lead_scoring_statistics_are_left_as_they_were(world: World) -> None:
    """Odoo counts every deal created won into its lead-scoring statistics, rows nobody may change or delete over the
    API: a won deal created by hand is counted (the 'no'), the migration's are not, and the start day is put back."""
    day = pls_start_day(world.odoo)
    assert day, "Odoo (and the sandbox) count deals created from crm.pls_start_date on"
    won = world.odoo.search_read("crm.stage", [["is_won", "=", True]], ["id"], limit=1)[0]["id"]
    by_hand = lead_scoring(world.odoo)
    lead = world.odoo.create("crm.lead", [{"name": f"Won by hand {world.tag}", "type": "opportunity",
                                           "stage_id": won}], context={"tracking_disable": True})
    remove(world.odoo, "crm.lead", lead)
    assert lead_scoring(world.odoo) != by_hand, "a deal created won is counted, and deleting it does not undo that"

    deal = next(iter(world.account.records[DEAL].values()))
    deal["sales_stage"] = "6"  # Closed - Won
    before = lead_scoring(world.odoo)
    migrate_and_delta(world)
    leads = world.odoo.search_read("crm.lead", [["id", "in", [int(r.odoo_id or 0) for r in _ledger_rows(world)]]],
                                   ["stage_id", "active"], context={"active_test": False})
    won_ids = {s["id"] for s in world.odoo.search_read("crm.stage", [["is_won", "=", True]], ["id"])}
    assert any(lead["stage_id"] and lead["stage_id"][0] in won_ids for lead in leads), "the account has won deals"
    assert lead_scoring(world.odoo) == before, "the migration's deals were not counted"
    assert pls_start_day(world.odoo) == day, "the start day is the person's again once the run ended"
    done = cli(world, "--all", "--yes")
    assert done.exit_code == 0 and "NOT verified" not in done.output, done.output
    assert lead_scoring(world.odoo) == before and pls_start_day(world.odoo) == day


def _ledger_rows(world: World) -> list[RecordRow]:
    ledger = Ledger(world.root / ".crm2odoo" / "ledger.sqlite")
    try:
        return [r for r in ledger.records() if r.model == "crm.lead" and r.odoo_id]
    finally:
        ledger.close()
