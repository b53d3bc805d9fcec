from __future__ import annotations

from pathlib import Path

import pytest

from crm2odoo.errors import LedgerMismatch
from crm2odoo.ledger.db import Intent, Issue, Landing, Ledger


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    return Ledger(tmp_path / "ledger.sqlite")


def test_bound_to_one_odoo(ledger: Ledger) -> None:
    ledger.bind("https://a.example.com/", "prod")
    ledger.bind("https://a.example.com", "prod")
    with pytest.raises(LedgerMismatch) as info:
        ledger.bind("https://b.example.com", "prod")
    assert "a.example.com" in str(info.value)


def test_intent_then_landing(ledger: Ledger) -> None:
    run = ledger.start_run("migrate", mapping_hash="h", options={})
    ledger.mark_sending(run, [Intent("contact", "1", "res.partner", "crm2odoo.x_contact_1", "hash1", "row 2"),
                              Intent("contact", "2", "res.partner", "crm2odoo.x_contact_2", "hash2", "row 3")])
    assert {r.state for r in ledger.records("contact")} == {"sending"}
    assert ledger.id_map("contact") == {}
    ledger.mark_landed(run, [Landing("contact", "1", 41, "created", {"name": "A"})])
    assert ledger.id_map("contact") == {"1": 41}
    row = ledger.get("contact", "1")
    assert row is not None and row.state == "created" and row.written == {"name": "A"} and row.created_run == run
    assert ledger.counts() == {"contact": {"created": 1, "sending": 1}}


def test_records_in_chunks_are_every_record_of_one_object_in_ledger_order(ledger: Ledger) -> None:
    run = ledger.start_run("migrate", mapping_hash="h", options={})
    ledger.mark_sending(run, [Intent(obj, str(n), "res.partner", f"crm2odoo.x_{obj}_{n}", "h", "")
                              for n in range(7) for obj in ("contact", "company")])
    chunks = list(ledger.records_in_chunks("contact", size=3))
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [r.source_id for c in chunks for r in c] == [r.source_id for r in ledger.records("contact")]
    assert {r.object for c in chunks for r in c} == {"contact"}
    assert list(ledger.records_in_chunks("deal")) == []


def test_resending_keeps_the_run_that_created_the_record(ledger: Ledger) -> None:
    first = ledger.start_run("migrate", mapping_hash="h", options={})
    ledger.mark_sending(first, [Intent("contact", "1", "res.partner", "x.c1", "h1", "")])
    ledger.mark_landed(first, [Landing("contact", "1", 5, "created", {})])
    second = ledger.start_run("migrate", mapping_hash="h", options={})
    ledger.mark_sending(second, [Intent("contact", "1", "res.partner", "x.c1", "h2", "")])
    row = ledger.get("contact", "1")
    assert row is not None and row.created_run == first and row.last_run == second and row.state == "sending"


def test_prior_values_keep_the_first_snapshot_of_a_run(ledger: Ledger) -> None:
    run = ledger.start_run("migrate", mapping_hash="h", options={})
    ledger.save_prior(run, "res.partner", {7: {"name": "Before"}})
    ledger.save_prior(run, "res.partner", {7: {"name": "After first write"}})
    assert ledger.priors(run) == [("res.partner", 7, {"name": "Before"}, False)]


def test_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    first = Ledger(path)
    run = first.start_run("migrate", mapping_hash="h", options={"sample": 5})
    first.close()
    again = Ledger(path)
    unfinished = again.unfinished_run()
    assert unfinished is not None and unfinished["id"] == run


def test_approvals_and_issues(ledger: Ledger) -> None:
    assert ledger.last_approval() is None
    ledger.approve("abc", "ada", "objects: {}")
    last = ledger.last_approval()
    assert last is not None and last["mapping_hash"] == "abc" and last["login"] == "ada"
    ledger.add_issues(1, [Issue("contact", "9", "quarantine", "not an email", field="email", value="x" * 500,
                                locator="c.csv row 10")])
    issue = ledger.issues(kinds=["quarantine"])[0]
    assert issue["locator"] == "c.csv row 10" and len(issue["value"]) == 200
