"""The verdicts of the money check and of reconcile, from what Odoo answered (no Odoo needed to judge it)."""

from __future__ import annotations

from typing import Any

import pytest

from crm2odoo.validate.money import Expected, MoneyCheck
from crm2odoo.validate.reconcile import Difference, ObjectReconcile, ReconcileInfo
from crm2odoo.verdict import Tolerance


def _move(**values: Any) -> dict[str, Any]:
    return {"state": "posted", "amount_total": 100.0, "amount_residual": 0.0, "payment_state": "paid", **values}


def _problems(move: dict[str, Any], want: Expected, notes: list[dict[str, Any]] | None = None) -> list[str]:
    return MoneyCheck._invoice_problems(move, want, notes or [])


def test_an_invoice_paid_as_the_source_says_has_no_problem() -> None:
    assert _problems(_move(), Expected("invoice 1", total=100.0, received=100.0)) == []
    assert _problems(_move(amount_residual=40.0, payment_state="partial"),
                     Expected("invoice 2", total=100.0, received=60.0)) == []
    assert _problems(_move(amount_residual=100.0, payment_state="not_paid"), Expected("invoice 3", total=100.0)) == []


def test_a_cent_is_no_difference_and_more_is() -> None:
    assert _problems(_move(amount_total=100.004), Expected("invoice", total=100.0, received=100.0)) == []
    assert _problems(_move(amount_total=100.02), Expected("invoice", total=100.0, received=100.0))[0] == (
        "total 100.02, the source says 100.00")


@pytest.mark.parametrize(("move", "want", "expected"), [
    (_move(state="draft"), Expected("i", total=100.0, received=10.0),
     ["not posted (draft), yet the source has payments on it"]),
    (_move(amount_residual=100.0, payment_state="not_paid"), Expected("i", total=100.0, received=100.0),
     ["100.00 left to pay, the source says 0.00 (paid 100.00)",
      "payment state 'not_paid', the source says 'paid' or 'in_payment'"]),
    (_move(amount_residual=50.0, payment_state="partial"), Expected("i", total=100.0, received=50.0, refunded=20.0),
     ["credit notes worth 0.00, the source refunded 20.00"]),
])
def test_what_differs_from_the_source_is_said(move: dict[str, Any], want: Expected, expected: list[str]) -> None:
    assert _problems(move, want) == expected


def test_a_credit_note_not_paid_back() -> None:
    notes = [{"name": "RINV/1", "amount_total": 20.0, "amount_residual": 20.0}]
    problems = _problems(_move(amount_residual=50.0, payment_state="partial"),
                         Expected("i", total=100.0, received=50.0, refunded=20.0), notes)
    assert problems == ["credit note RINV/1 not paid back, the source refunded it"]


def test_reconcile_is_ok_only_when_every_difference_is_explained() -> None:
    contacts = ObjectReconcile("contact", "res.partner", in_source=3, expected=2, landed=2, present_in_odoo=2,
                               quarantined=1, differences=[Difference("3", "quarantined", "bad e-mail")])
    assert contacts.ok and ReconcileInfo([contacts], Tolerance(count=1)).ok
    assert ReconcileInfo([contacts]).adds_up and not ReconcileInfo([contacts]).within_tolerance
    contacts.differences.append(Difference("2", "missing_in_odoo", "deleted in Odoo"))
    info = ReconcileInfo([contacts], Tolerance(count=1))
    assert not contacts.ok and not info.adds_up and not info.ok
    assert info.asdict()["objects"][0]["differences_total"] == 2


def test_the_quarantine_share_is_of_the_records_in_the_source() -> None:
    deals = ObjectReconcile("deal", "crm.lead", in_source=None, expected=9, quarantined=1)
    assert ReconcileInfo([deals], Tolerance(share=0.1)).within_tolerance  # 1 of 10
    assert not ReconcileInfo([deals], Tolerance(share=0.05)).within_tolerance
