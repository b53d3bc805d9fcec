"""On 17/18 a stage belongs to one team, so the run copies the source's shared stages for the other pipelines
(load/stages.py through load/autocreate.create_auto). When Odoo refuses those copies, the run stops: a message with
Odoo's own words and a hint, exit 2, no traceback, and nothing half-recorded, so the next run finishes the job.

The refusal is the sandbox's ``load_refused`` fault (its answer is a real Odoo's to a user without the rights);
the CLI runs in a subprocess, as in test_verdicts.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import FaultPlan, SandboxServer
from crm2odoo.sandbox.faults import LOAD_REFUSED_ANSWER

from .test_verdicts import cli, prepare, project

REFUSAL = str(LOAD_REFUSED_ANSWER["messages"][0]["message"]).splitlines()[0]


def ledger_rows(root: Path, obj: str) -> list[tuple[str, str, int | None, str]]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        return db.execute("SELECT source_id, state, odoo_id, reason FROM records WHERE object=? ORDER BY source_id",
                          (obj,)).fetchall()


def in_flight(root: Path) -> int:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        return int(db.execute("SELECT COUNT(*) FROM records WHERE state='sending'").fetchone()[0])


def stage_names(server: SandboxServer) -> list[tuple[str, int]]:
    client = OdooClient(OdooSettings(url=server.url, database=server.database, login="admin",
                                     password=Secret("admin")))
    try:
        rows = client.search_read("crm.stage", [["team_id", "!=", False]], ["name", "team_id"])
    finally:
        client.close()
    return sorted((str(r["name"]), int(r["team_id"][0])) for r in rows)


def test_refused_stage_copies_stop_the_run_with_odoos_message_and_the_next_run_finishes(tmp_path: Path) -> None:
    with SandboxServer(version="18.0") as server:
        project(tmp_path, server)
        prepare(tmp_path)
        before = stage_names(server)
        # the source's stages load (the first crm.stage load); their copies for the other pipeline are refused,
        # in one load and again one by one
        server.set_faults(FaultPlan(share=1.0, kinds=("load_refused",), methods={"load"}, models={"crm.stage"},
                                    after=1))
        stopped = cli(tmp_path, "migrate")  # asserts no traceback
        assert stopped.returncode == 2, stopped.stderr[-2000:]
        assert f"error: Odoo refused the copies of stages for the other pipelines: {REFUSAL}" in stopped.stderr
        assert "hint: fix what Odoo says" in stopped.stderr and "this is a bug" not in stopped.stderr
        # nothing half-recorded: no intent left in flight; each copy quarantined with Odoo's words, none in Odoo;
        # no deal was sent into pipelines that miss their stages
        copies = ledger_rows(tmp_path, "auto:crm.stage")
        assert copies and in_flight(tmp_path) == 0
        assert {(state, odoo_id) for _, state, odoo_id, _ in copies} == {("quarantined", None)}
        assert all(reason.startswith(REFUSAL) for *_, reason in copies), copies
        assert ledger_rows(tmp_path, "deal") == []
        landed_stages = len(ledger_rows(tmp_path, "stage"))
        assert len(stage_names(server)) == len(before) + landed_stages, "the source's stages only, no copy"

        server.set_faults(None)
        again = cli(tmp_path, "migrate")
        assert again.returncode == 0, again.stderr[-2000:]
        copies = ledger_rows(tmp_path, "auto:crm.stage")
        assert {state for _, state, _, _ in copies} == {"created"} and all(odoo_id for _, _, odoo_id, _ in copies)
        in_odoo = {f"{name.lower()}@team{team}" for name, team in stage_names(server)}
        assert {source_id for source_id, *_ in copies} <= in_odoo, "each copy in its pipeline now"
