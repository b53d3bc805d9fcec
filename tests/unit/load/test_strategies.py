"""Each load strategy on its own, against the sandbox Odoo: what it writes, what it records, what it refuses."""

from __future__ import annotations

from typing import Any

from loadrun import Run

from crm2odoo.odoo.client import OdooClient

HEAD = '''
source_kind: ontraport
system: SYSTEM
odoo_version: "18.0"
objects:
'''
CONTACT = '''
  contact:
    source_object: contact
    model: res.partner
    constants: {is_company: false, type: contact}
    fields:
      - {source: name, target: name, transform: text}
      - {source: email, target: email, transform: email}
'''


def people(tag: str, count: int = 3) -> list[dict[str, Any]]:
    return [{"id": str(n), "name": f"Person {tag} {n}", "email": f"p{n}.{tag}@example.com"} for n in range(1, count + 1)]


def test_records_land_once_and_a_second_pass_finds_them_unchanged(odoo: OdooClient, tag: str) -> None:
    run = Run(odoo, HEAD + CONTACT, {"contact": people(tag)}, tag)
    result = run.load("contact")
    assert (result.read, result.created, result.quarantined) == (3, 3, 0)
    landed = run.ledger.id_map("contact")
    names = {r["name"] for r in odoo.read("res.partner", sorted(landed.values()), ["name"])}
    assert names == {f"Person {tag} {n}" for n in range(1, 4)}
    again = run.load("contact")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert run.ledger.id_map("contact") == landed


def test_a_record_odoo_refuses_is_quarantined_and_the_rest_land(odoo: OdooClient, tag: str) -> None:
    rows = people(tag)
    rows[1]["name"] = ""  # a contact needs a name: Odoo refuses this one, in a batch with another
    run = Run(odoo, HEAD + CONTACT, {"contact": rows}, tag)
    result = run.load("contact")
    assert (result.created, result.quarantined) == (2, 1)
    kept = run.ledger.get("contact", "2")
    assert kept is not None and kept.state == "quarantined" and kept.reason.startswith("Odoo: ")
    assert ("2", "quarantine", kept.reason) in run.issues()


def test_tags_go_onto_partners_that_exist(odoo: OdooClient, tag: str) -> None:
    enrolment = '''
  campaign: {source_object: campaign, model: res.partner.category,
             fields: [{source: name, target: name, transform: text}]}
  enrolment:
    source_object: enrolment
    model: res.partner
    options: {apply_tags: true}
    fields:
      - {source: contact, target: id, transform: ref, params: {object: contact}}
      - {source: campaign, target: category_id, transform: ref, params: {object: campaign}}
'''
    run = Run(odoo, HEAD + CONTACT + enrolment, {
        "contact": people(tag, 2), "campaign": [{"id": "c1", "name": f"Spring {tag}"}],
        "enrolment": [{"id": "e1", "contact": "1", "campaign": "c1"}, {"id": "e2", "contact": "9", "campaign": "c1"}],
    }, tag)
    run.load("contact")
    run.load("campaign")
    result = run.load("enrolment")
    assert (result.updated, result.quarantined) == (1, 1)
    partner, campaign = run.odoo_id("contact", "1"), run.odoo_id("campaign", "c1")
    assert odoo.read("res.partner", [partner], ["category_id"])[0]["category_id"] == [campaign]
    row = run.ledger.get("enrolment", "e1")
    assert row is not None and row.origin == "matched" and row.odoo_id == partner, "rollback never deletes it"
    again = run.load("enrolment")
    assert again.unchanged == 1


USERS = '''
  user:
    source_object: user
    model: res.users
    options: {match_only: true}
    fields:
      - {source: name, target: name, transform: text}
      - {source: email, target: email, transform: email}
'''


def test_owners_are_matched_to_users_and_an_unknown_one_blocks_the_map(odoo: OdooClient, tag: str) -> None:
    run = Run(odoo, HEAD + USERS, {"user": [{"id": "u1", "name": "Someone", "email": "admin@example.com"},
                                            {"id": "u2", "name": f"Nobody {tag}", "email": f"n.{tag}@example.com"}]},
              tag)
    result = run.load("user")
    assert result.matched == 1 and result.skipped == 1
    assert "1 owner(s) have no Odoo user" in result.blocked
    assert run.odoo_id("user", "u1") == 2  # the sandbox's admin user
    assert any(kind == "owner" for _, kind, _ in run.issues())


def test_a_fallback_owner_takes_the_owners_without_a_user(odoo: OdooClient, tag: str) -> None:
    run = Run(odoo, HEAD + USERS, {"user": [{"id": "u2", "name": f"Nobody {tag}", "email": f"n.{tag}@x.com"}]}, tag,
              fallback_owner="admin")
    result = run.load("user")
    assert (result.matched, result.blocked) == (1, "")
    row = run.ledger.get("user", "u2")
    assert row is not None and row.odoo_id == 2 and "fallback owner admin" in row.reason


def test_aggregates_are_summed_onto_the_partners(odoo: OdooClient, tag: str) -> None:
    totals = '''
  engagement:
    source_object: engagement
    model: res.partner
    options: {aggregate: true}
    fields:
      - {source: contact, target: id, transform: ref, params: {object: contact}}
      - {source: kind, target: ref, transform: text, params: {aggregate: count}}
      - {source: kind, target: function, transform: text, params: {aggregate: tally}}
'''
    run = Run(odoo, HEAD + CONTACT + totals, {
        "contact": people(tag, 2),
        "engagement": [{"id": "g1", "contact": "1", "kind": "Open"}, {"id": "g2", "contact": "1", "kind": "Click"},
                       {"id": "g3", "contact": "1", "kind": "Open"}, {"id": "g4", "contact": "7", "kind": "Open"}],
    }, tag)
    run.load("contact")
    result = run.load("engagement")
    assert (result.read, result.updated, result.quarantined) == (4, 3, 1)
    [partner] = odoo.read("res.partner", [run.odoo_id("contact", "1")], ["ref", "function"])
    assert (partner["ref"], partner["function"]) == ("3", "Open: 2; Click: 1")
    assert run.load("engagement").unchanged == 3, "the same totals are not written again"


def test_a_payment_naming_no_invoice_is_quarantined(odoo: OdooClient, tag: str) -> None:
    payments = '''
  payment:
    source_object: payment
    model: account.payment
    options: {register_payments: true}
    fields:
      - {source: amount, target: amount, transform: number}
'''
    run = Run(odoo, HEAD + payments, {"payment": [{"id": "p1", "amount": "10"}]}, tag)
    result = run.load("payment")
    assert (result.created, result.quarantined) == (0, 1)
    assert ("p1", "quarantine", "names no invoice to pay") in run.issues()


def test_messages_land_in_date_order_on_their_document(odoo: OdooClient, tag: str) -> None:
    notes = '''
  note:
    source_object: note
    model: mail.message
    constants: {message_type: comment}
    fields:
      - {source: contact, target: res_id, transform: record_ref, params: {objects: [contact]}}
      - {source: body, target: body, transform: text}
      - {source: date, target: date, transform: datetime}
'''
    run = Run(odoo, HEAD + CONTACT + notes, {
        "contact": people(tag, 1),
        "note": [{"id": "n1", "contact": "1", "body": "second", "date": "2024-02-01 10:00:00"},
                 {"id": "n2", "contact": "1", "body": "first", "date": "2024-01-01 10:00:00"},
                 {"id": "n3", "contact": "1", "body": "third", "date": "2024-03-01 10:00:00"}],
    }, tag)
    run.load("contact")
    result = run.load("note")
    assert result.created == 3, run.issues()
    ids = run.ledger.id_map("note")
    assert ids["n2"] < ids["n1"] < ids["n3"], "a document's chatter is sorted by id: ids follow the dates"
    documents = {(r["model"], r["res_id"]) for r in odoo.read("mail.message", list(ids.values()), ["model", "res_id"])}
    assert documents == {("res.partner", run.odoo_id("contact", "1"))}


def test_outcomes_settle_refused_records_with_one_issue_per_problem(odoo: OdooClient, tag: str) -> None:
    from crm2odoo.mapping.engine import RecordProblem, TargetRecord

    run = Run(odoo, HEAD + CONTACT, {}, tag)
    result = run.load("contact")
    skipped = TargetRecord("contact", "s1", "res.partner", "crm2odoo.x_s1", {}, locator="row 2", outcome="skip",
                           problems=[RecordProblem("email", "nope", "not an e-mail", "skip"),
                                     RecordProblem("name", None, "made from the e-mail", "warning"),
                                     RecordProblem("phone", None, "emptied", "set_empty")])
    run.ctx.outcomes.problems(skipped, result)
    row = run.ledger.get("contact", "s1")
    assert row is not None and row.state == "skipped" and row.reason == "email: not an e-mail (value 'nope')"
    assert sorted(run.issues()) == [("s1", "skip", "not an e-mail"), ("s1", "warning", "made from the e-mail")]
    assert (result.skipped, result.quarantined) == (1, 0)
