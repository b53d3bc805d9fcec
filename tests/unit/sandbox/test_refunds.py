"""Credit notes and refund payments as Odoo 17-19 treat them (account_move.py _post, account_payment.py
check_amount_not_negative, account_payment_register.py payment type, partner.py _credit_debit_get)."""

from __future__ import annotations

from typing import Any

import pytest


def err(h: Any, odoo: Any, *call: Any, **kw: Any) -> Any:
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j(*call, **kw)
    return info.value


def move(odoo: Any, partner: int, move_type: str, price: float) -> int:
    mid = odoo.j("account.move", "create", {"move_type": move_type, "partner_id": partner, "invoice_date": "2024-03-01",
                                            "invoice_line_ids": [[0, 0, {"name": "x", "quantity": 1,
                                                                         "price_unit": price}]]})
    return int(mid)


def pay(odoo: Any, mid: int, amount: float) -> int:
    context = {"active_model": "account.move", "active_ids": [mid]}
    wizard = odoo.j("account.payment.register", "create", {"amount": amount, "payment_date": "2024-03-05"},
                    context=context)
    action = odoo.j("account.payment.register", "action_create_payments", [wizard], context=context)
    return int(action["res_id"])


def test_a_credit_note_is_refunded_by_an_outbound_payment_and_the_balance_nets(odoo: Any) -> None:
    partner = odoo.j("res.partner", "create", {"name": "Refunded Customer", "is_company": True})
    invoice = move(odoo, partner, "out_invoice", 100.0)
    odoo.j("account.move", "action_post", [invoice])
    assert odoo.j("res.partner", "read", [partner], ["credit"])[0]["credit"] == 100.0
    pay(odoo, invoice, 100.0)
    note = move(odoo, partner, "out_refund", 30.0)
    odoo.j("account.move", "write", [note], {"reversed_entry_id": invoice})
    odoo.j("account.move", "action_post", [note])
    [posted] = odoo.j("account.move", "read", [note], ["name", "payment_state", "amount_residual"])
    assert posted["name"].startswith("RINV/2024/") and posted["payment_state"] == "not_paid"
    assert odoo.j("res.partner", "read", [partner], ["credit"])[0]["credit"] == -30.0, "the customer is owed 30"
    refund = pay(odoo, note, 30.0)
    [payment] = odoo.j("account.payment", "read", [refund], ["payment_type", "partner_type", "amount"])
    assert (payment["payment_type"], payment["partner_type"], payment["amount"]) == ("outbound", "customer", 30.0)
    states = {r["id"]: r["payment_state"] for r in odoo.j("account.move", "read", [invoice, note], ["payment_state"])}
    assert states == {invoice: "paid", note: "paid"}
    assert odoo.j("res.partner", "read", [partner], ["credit"])[0]["credit"] == 0.0


def test_odoo_refuses_negative_payments_and_negative_invoices(h: Any, odoo: Any) -> None:
    partner = odoo.j("res.partner", "create", {"name": "Negative Customer", "is_company": True})
    invoice = move(odoo, partner, "out_invoice", 50.0)
    odoo.j("account.move", "action_post", [invoice])
    context = {"active_model": "account.move", "active_ids": [invoice]}
    wizard = odoo.j("account.payment.register", "create", {"amount": -10.0}, context=context)
    refused = err(h, odoo, "account.payment.register", "action_create_payments", [wizard], context=context)
    assert "The payment amount cannot be negative." in refused.message
    journal = odoo.j("account.journal", "search", [["type", "=", "bank"]])[0]
    refused = err(h, odoo, "account.payment", "create", {"amount": -1.0, "partner_id": partner, "journal_id": journal})
    assert "cannot be negative" in refused.message
    negative = move(odoo, partner, "out_invoice", -20.0)
    refused = err(h, odoo, "account.move", "action_post", [negative])
    assert "negative total amount" in refused.message


def test_a_credit_note_posted_as_a_reversal_settles_what_its_invoice_still_owes(h: Any, odoo: Any) -> None:
    """account_move.py _post -> _reconcile_reversed_moves: posted with reversed_entry_id, the credit note is reconciled
    with the invoice's open amount, so a refund payment then finds nothing left to pay (as on a real Odoo 18)."""
    partner = odoo.j("res.partner", "create", {"name": "Partly Paid Customer", "is_company": True})
    invoice = move(odoo, partner, "out_invoice", 100.0)
    odoo.j("account.move", "action_post", [invoice])
    pay(odoo, invoice, 40.0)
    note = move(odoo, partner, "out_refund", 20.0)
    odoo.j("account.move", "write", [note], {"reversed_entry_id": invoice})
    odoo.j("account.move", "action_post", [note])
    rows = {r["id"]: r for r in odoo.j("account.move", "read", [invoice, note], ["amount_residual", "payment_state"])}
    assert (rows[invoice]["amount_residual"], rows[invoice]["payment_state"]) == (40.0, "partial")
    assert (rows[note]["amount_residual"], rows[note]["payment_state"]) == (0.0, "reversed")
    context = {"active_model": "account.move", "active_ids": [note]}
    refused = err(h, odoo, "account.payment.register", "create", {"amount": 20.0}, context=context)
    assert "nothing left to pay" in refused.message
    odoo.j("account.move", "button_draft", [note])
    assert odoo.j("account.move", "read", [invoice], ["amount_residual"])[0]["amount_residual"] == 60.0


def test_a_credit_note_linked_after_its_refund_payment_leaves_the_invoice_open(odoo: Any) -> None:
    """What the tool does: post, refund, then mark the reversal; writing reversed_entry_id reconciles nothing."""
    partner = odoo.j("res.partner", "create", {"name": "Refunded Later", "is_company": True})
    invoice = move(odoo, partner, "out_invoice", 100.0)
    odoo.j("account.move", "action_post", [invoice])
    pay(odoo, invoice, 40.0)
    note = move(odoo, partner, "out_refund", 20.0)
    odoo.j("account.move", "action_post", [note])
    pay(odoo, note, 20.0)
    odoo.j("account.move", "write", [note], {"reversed_entry_id": invoice})
    rows = {r["id"]: r for r in odoo.j("account.move", "read", [invoice, note], ["amount_residual", "payment_state"])}
    assert (rows[invoice]["amount_residual"], rows[invoice]["payment_state"]) == (60.0, "partial")
    assert (rows[note]["amount_residual"], rows[note]["payment_state"]) == (0.0, "paid")
    assert odoo.j("res.partner", "read", [partner], ["credit"])[0]["credit"] == 60.0
