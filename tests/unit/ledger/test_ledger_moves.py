"""The ledger's typed records and its named state changes: each move leaves the record in the state it names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm2odoo.ledger.db import Intent, Issue, Landing, Ledger


@pytest.fixture
def ledger() -> Iterator[Ledger]:
    opened = Ledger(":memory:")
    yield opened
    opened.close()


def _sent(ledger: Ledger, *source_ids: str) -> int:
    run = ledger.start_run("migrate", mapping_hash="h", options={})
    ledger.mark_sending(run, [Intent("contact", sid, "res.partner", f"crm2odoo.x_contact_{sid}", f"h{sid}")
                              for sid in source_ids])
    return run


def test_each_named_move_sets_the_state_it_names(ledger: Ledger) -> None:
    run = _sent(ledger, "1", "2", "3", "4", "5")
    ledger.mark_quarantined(run, "contact", "1", "bad e-mail", locator="row 2")
    ledger.mark_skipped(run, "contact", "2", "no name")
    ledger.mark_merged(run, "contact", "3", "duplicate of contact 4", model="res.partner")
    ledger.mark_archived(run, "contact", "4", "deleted in the source")
    ledger.mark_conflict(run, "contact", "5", "changed in Odoo and in the source")
    states = {r.source_id: (r.state, r.reason) for r in ledger.records("contact")}
    assert states == {"1": ("quarantined", "bad e-mail"), "2": ("skipped", "no name"),
                      "3": ("merged", "duplicate of contact 4"), "4": ("archived", "deleted in the source"),
                      "5": ("conflict", "changed in Odoo and in the source")}


def test_a_landing_keeps_what_was_written_and_unsettled_records_lose_their_hash(ledger: Ledger) -> None:
    run = _sent(ledger, "1", "2")
    assert ledger.has_sending("contact")
    ledger.mark_landed(run, [Landing("contact", "1", 41, "created", {"name": "A"}),
                             Landing("contact", "2", 42, "created", {"name": "B"})], unsettled=["2"])
    assert not ledger.has_sending("contact")
    first, second = ledger.get("contact", "1"), ledger.get("contact", "2")
    assert first is not None and first.written == {"name": "A"} and first.content_hash == "h1"
    assert second is not None and second.content_hash is None, "a follow-up write is still owed: sent again"
    ledger.settle("contact", [("2", "h2", {"street": "Main St"})])
    second = ledger.get("contact", "2")
    assert second is not None and second.content_hash == "h2" and second.written == {"name": "B", "street": "Main St"}


def test_questions_by_odoo_id_answer_for_the_model_or_map_asked(ledger: Ledger) -> None:
    run = _sent(ledger, "1", "2")
    ledger.mark_landed(run, [Landing("contact", "1", 41, "created", {"category_id": "3"}),
                             Landing("contact", "2", 42, "unchanged", {})])
    ledger.mark_matched(run, "enrolment", "e1", "res.partner", "", 41, "")
    ledger.mark_landed(run, [Landing("enrolment", "e1", 41, "updated", {"category_id": "5"})])
    assert ledger.claimed_ids("res.partner", [41, 42, 43]) == {41, 42}
    assert ledger.claimed_ids("crm.lead", [41]) == set()
    assert ledger.held_by("contact", [42, 99]) == {42}
    assert ledger.odoo_ids_in("contact", ("created",)) == {41}
    others = ledger.written_on("res.partner", [41, 42], besides="enrolment")
    assert [(r.object, r.source_id, r.written) for r in others] == [("contact", "1", {"category_id": "3"}),
                                                                    ("contact", "2", {})]


def test_an_issue_keeps_its_locator_and_a_long_value_is_cut(ledger: Ledger) -> None:
    ledger.add_issues(None, [Issue("contact", "9", "quarantine", "not an email", field="email", value="x" * 500,
                                   locator="c.csv row 10"),
                             Issue("user", None, "owner", "2 owners have no Odoo user")])
    rows = ledger.issues()
    assert [(r["kind"], r["field"], r["locator"]) for r in rows] == [("quarantine", "email", "c.csv row 10"),
                                                                     ("owner", None, "")]
    assert len(rows[0]["value"]) == 200 and rows[1]["value"] is None and rows[1]["source_id"] is None
