"""Rollback leaves Odoo exactly as it was, including records that existed before and were updated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.rollback import Rollback
from crm2odoo.models import SIDE_TABLES
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema

from .test_loader import dataset, make_spec, run

MODELS = ["res.partner", "res.partner.category", "crm.lead", "mail.message", "ir.model.data", "ir.model.fields"]
SKIP = {"write_date", "write_uid", "__last_update", "display_name", "date_last_stage_update", "message_ids",
        "website_message_ids", "message_follower_ids", "activity_ids", "meeting_count", "message_is_follower"}


def snapshot(odoo: OdooClient) -> dict[str, dict[int, dict[str, Any]]]:
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for model in MODELS:
        meta = odoo.fields_get(model, ["type", "store"])
        names = sorted(n for n, m in meta.items() if m.get("store") and n not in SKIP
                       and m.get("type") not in ("binary", "one2many"))
        rows = odoo.search_read_all(model, [], names, context={"active_test": False})
        out[model] = {int(r["id"]): r for r in rows}
    return out


def test_rollback_restores_the_exact_before_state(odoo: OdooClient, tmp_path: Path, tag: str) -> None:
    # A contact that exists before the migration: the run matches it by email and updates it.
    existing = odoo.create("res.partner", [{"name": f"Old Ada {tag}", "email": f"ada.{tag}@example.com",
                                            "city": "Paris", "comment": "kept"}], context={"tracking_disable": True})[0]
    try:
        before = snapshot(odoo)
        ledger = Ledger(tmp_path / "ledger.sqlite")
        spec = make_spec(tag)
        results = run(odoo, ledger, spec, dataset(tag))
        assert results["contact"].matched == 1, "the existing contact is matched, not duplicated"
        assert odoo.read("res.partner", [existing], ["name"])[0]["name"] == "Ada Lovelace"
        during = snapshot(odoo)
        assert len(during["res.partner"]) > len(before["res.partner"])

        result = Rollback(odoo, Schema(odoo), ledger, spec).run([int(r["id"]) for r in ledger.runs()])
        # a real Odoo counts the won deal in its lead-scoring statistics, which no API call may put back: named
        unrestorable = [left for left in result.left if left.model in SIDE_TABLES]
        assert result.verified or (unrestorable and result.left == unrestorable and not result.problems), \
            [left.line() for left in result.left] + result.problems
        assert result.verified == (not unrestorable)
        assert result.restored >= 1 and result.deleted["note"] == 3 and result.deleted["company"] == 3
        after = snapshot(odoo)
        for model in MODELS:
            assert set(after[model]) == set(before[model]), f"{model}: records differ"
            for rid, row in before[model].items():
                assert after[model][rid] == row, f"{model} {rid} differs"

        again = Rollback(odoo, Schema(odoo), ledger, spec).run([int(r["id"]) for r in ledger.runs()])
        assert sum(again.deleted.values()) == 0, "running it twice is harmless"
        assert again.verified == (not unrestorable) and all(left.model in SIDE_TABLES for left in again.left)
    finally:
        odoo.unlink("res.partner", [existing])


def test_records_changed_in_odoo_are_left_alone_without_force(odoo: OdooClient, tmp_path: Path, tag: str) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    spec = make_spec(tag)
    run(odoo, ledger, spec, dataset(tag))
    globex = ledger.id_map("company")["3"]
    odoo.write("res.partner", [globex], {"name": f"Globex edited by a user {tag}"})
    runs = [int(r["id"]) for r in ledger.runs()]
    first = Rollback(odoo, Schema(odoo), ledger, spec).run(runs)
    assert any(f"company 3 (res.partner {globex})" in line for line in first.changed_in_odoo)
    assert odoo.search_count("res.partner", [["id", "=", globex]]) == 1
    forced = Rollback(odoo, Schema(odoo), ledger, spec).run(runs, force=True)
    assert forced.deleted.get("company") == 1
    assert odoo.search_count("res.partner", [["id", "=", globex]], context={"active_test": False}) == 0


def test_rollback_that_crashed_is_resumed_by_running_it_again(tmp_path: Path, tag: str) -> None:
    from crm2odoo.errors import OdooTransientError
    from crm2odoo.odoo.client import OdooSettings
    from crm2odoo.redact import Secret
    from crm2odoo.sandbox import FaultPlan, SandboxServer

    with SandboxServer(version="18.0") as server:
        odoo = OdooClient(OdooSettings(url=server.url, database=server.database, login="admin",
                                       password=Secret("admin"), max_retries=1, timeout=5))
        before = snapshot(odoo)
        ledger = Ledger(tmp_path / "ledger.sqlite")
        spec = make_spec(tag)
        run(odoo, ledger, spec, dataset(tag))
        runs = [int(r["id"]) for r in ledger.runs()]
        loaded = sum(len(snapshot(odoo)[m]) for m in MODELS)
        interrupted = None
        for seed in range(1, 40):  # a fault pattern that lets part of the rollback happen, then stops it
            server.set_faults(FaultPlan(share=0.5, kinds=("503",), methods={"unlink"}, seed=seed))
            try:
                Rollback(odoo, Schema(odoo), ledger, spec).run(runs)
            except OdooTransientError:
                interrupted = sum(len(snapshot(odoo)[m]) for m in MODELS)
                if interrupted < loaded:
                    break
        server.set_faults(None)
        assert interrupted is not None and interrupted < loaded, "the rollback was interrupted after some progress"
        result = Rollback(odoo, Schema(odoo), ledger, spec).run(runs)
        assert result.verified, result.problems
        after = snapshot(odoo)
        for model in MODELS:
            assert set(after[model]) == set(before[model]), f"{model}: records differ"
