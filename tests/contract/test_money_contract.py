"""What Odoo does with invoices and credit notes that the refund path relies on (load/refunds.py, resolve.py).

Posted with ``reversed_entry_id``, a credit note is reconciled with what its invoice still owes (account_move.py
_post -> _reconcile_reversed_moves), so the tool posts it first, pays it back, and links it afterwards; with no
payment terms and no due date an invoice falls due on the day it is created. Run against the sandbox a failure is a
sandbox bug, run against a real Odoo a wrong assumption.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from crm2odoo.load.resolve import quiet_context
from crm2odoo.odoo.client import OdooClient

CTX = quiet_context()


class Books:
    """Invoices, credit notes and payments made by one test, removed afterwards as Odoo allows (draft first)."""

    def __init__(self, odoo: OdooClient, tag: str) -> None:
        self.odoo, self.moves, self.payments = odoo, [], []  # type: list[int], list[int]
        self.partner = odoo.create("res.partner", [{"name": f"Books {tag}", "is_company": True}], context=CTX)[0]

    def move(self, move_type: str, amount: float, **extra: Any) -> int:
        vals = {"move_type": move_type, "partner_id": self.partner, "invoice_date": "2024-03-01",
                "invoice_line_ids": [[0, 0, {"name": "Coaching", "quantity": 1, "price_unit": amount,
                                             "tax_ids": [[6, 0, []]]}]], **extra}
        created = self.odoo.create("account.move", [vals], context=CTX)[0]
        self.moves.append(created)
        return created

    def post(self, move: int) -> None:
        self.odoo.execute("account.move", "action_post", [move], context=CTX)

    def pay(self, move: int, amount: float) -> int:
        context = {**CTX, "active_model": "account.move", "active_ids": [move]}
        wizard = self.odoo.create("account.payment.register", [{"amount": amount, "payment_date": "2024-03-05"}],
                                  context=context)
        action = self.odoo.execute("account.payment.register", "action_create_payments", wizard, context=context)
        payment = int(action["res_id"])
        self.payments.append(payment)
        return payment

    def state(self, move: int) -> tuple[float, str]:
        row = self.odoo.read("account.move", [move], ["amount_residual", "payment_state"])[0]
        return round(float(row["amount_residual"]), 2), str(row["payment_state"])

    def remove(self) -> None:
        if self.payments:
            self.odoo.execute("account.payment", "action_draft", self.payments, context=CTX)
            self.odoo.unlink("account.payment", self.payments, context=CTX)
        posted = [int(r["id"]) for r in self.odoo.read("account.move", self.moves, ["state"]) if r["state"] != "draft"]
        if posted:
            self.odoo.execute("account.move", "button_draft", posted, context=CTX)
        self.odoo.unlink("account.move", self.moves, context=CTX)
        # the register-payment wizards keep the partner (ondelete restrict) until Odoo's vacuum: archived instead
        self.odoo.write("res.partner", [self.partner], {"active": False}, context=CTX)


@pytest.fixture
def books(odoo: OdooClient, tag: str) -> Iterator[Books]:
    made = Books(odoo, tag)
    yield made
    made.remove()


def test_a_credit_note_posted_as_a_reversal_settles_what_its_invoice_still_owes(books: Books) -> None:
    invoice = books.move("out_invoice", 100.0)
    books.post(invoice)
    books.pay(invoice, 40.0)
    note = books.move("out_refund", 20.0, reversed_entry_id=invoice)
    books.post(note)
    assert books.state(invoice) == (40.0, "partial"), "Odoo took the credit note off what the invoice owed"
    assert books.state(note)[0] == 0.0, "nothing left on the credit note for a refund payment"


def test_a_credit_note_paid_back_then_linked_leaves_the_invoice_open(books: Books, odoo: OdooClient) -> None:
    invoice = books.move("out_invoice", 100.0)
    books.post(invoice)
    books.pay(invoice, 40.0)
    note = books.move("out_refund", 20.0)
    books.post(note)
    refund = books.pay(note, 20.0)
    odoo.write("account.move", [note], {"reversed_entry_id": invoice}, context=CTX)
    assert odoo.read("account.payment", [refund], ["payment_type"])[0]["payment_type"] == "outbound"
    assert books.state(invoice) == (60.0, "partial")
    assert books.state(note) == (0.0, "paid")
    assert odoo.read("account.move", [note], ["reversed_entry_id"])[0]["reversed_entry_id"][0] == invoice
    assert round(float(odoo.read("res.partner", [books.partner], ["credit"])[0]["credit"]), 2) == 60.0


def test_an_invoice_with_no_due_date_falls_due_the_day_it_is_made(books: Books, odoo: OdooClient) -> None:
    left_to_odoo = books.move("out_invoice", 10.0)
    given = books.move("out_invoice", 10.0, invoice_date_due="2024-03-01")
    rows = {r["id"]: r["invoice_date_due"] for r in odoo.read("account.move", [left_to_odoo, given],
                                                               ["invoice_date_due"])}
    assert rows[given] == "2024-03-01"
    today = dt.datetime.now(dt.UTC).date()
    assert rows[left_to_odoo] in {str(today), str(today - dt.timedelta(days=1)), str(today + dt.timedelta(days=1))}
