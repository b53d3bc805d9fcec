"""Refunds: money sent back to a customer becomes a credit note and the refund payment that settles it.

A source payment with a negative amount (Ontraport's refunded and partially refunded transactions, a Payments row
below zero) is what a person does in Odoo with "Add credit note" on the invoice and "Register payment" on that credit
note: an ``out_refund`` for the invoice's partner, dated the day of the refund, worth exactly what was refunded (a
partial refund is a credit note for that part), posted; then an ``outbound`` customer payment of the same amount
through the register-payment wizard, reconciled with the credit note; then the credit note is marked as reversing the
invoice (``reversed_entry_id``), which Odoo would otherwise have reconciled with the invoice's open amount on posting. The invoice
keeps the payments it received, so it stays paid (as Odoo shows a paid invoice after a refund) and the partner's
receivable is what the source says is still owed.

The credit note carries one line without taxes: its total is the amount refunded whatever the invoice's taxes were
(the source says how much went back, not how it splits). It gets the payment's external ID plus ``_credit_note``;
intent is in the ledger first (object ``credit_note``), and a run killed before naming it adopts the unnamed credit
note of the same invoice, amount and date. Its posting is a ledger action, so rollback resets it to draft before
deleting it, as Odoo requires.
"""

from __future__ import annotations

from typing import Any

from crm2odoo.errors import OdooRecordError
from crm2odoo.ledger.db import Intent, Landing
from crm2odoo.load.context import LoadContext
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.xmlids import give_name, named_by, named_ids
from crm2odoo.mapping.engine import TargetRecord

MOVE_MODEL = "account.move"
#: the ledger object of the credit notes the tool makes (rollback deletes them before the payments that settle them)
CREDIT_NOTE = "credit_note"
SUFFIX = "_credit_note"


def is_refund(vals: dict[str, Any]) -> bool:
    amount = vals.get("amount")
    try:
        return amount is not None and amount is not False and float(amount) < 0
    except (TypeError, ValueError):
        return False


def as_registered(vals: dict[str, Any]) -> dict[str, Any]:
    """A payment's values as Odoo holds them: a refund is a payment of the amount sent back, settling its credit note
    (checked by the money reconcile), not the invoice."""
    if not is_refund(vals):
        return vals
    out = {k: v for k, v in vals.items() if k != "reconciled_invoice_ids"}
    out["amount"] = -vals["amount"]
    return out


def refund_label(invoice: dict[str, Any], invoice_id: int) -> str:
    return f"Refund of {invoice.get('name') or invoice_id}"


class CreditNotes:
    """Makes (or finds again) the posted credit note a refund payment settles."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self.client, self.ledger, self.run_id = ctx.client, ctx.ledger, ctx.run_id

    def for_refund(self, target: TargetRecord, invoice_id: int, amount: float, date: str | None,
                   result: ObjectResult) -> int | None:
        """The credit note's id, posted; None when the record was quarantined (with Odoo's reason)."""
        xmlid = target.xmlid + SUFFIX
        note_id = named_by(self.client, xmlid)
        try:
            if note_id is None:
                invoice = self.client.read(MOVE_MODEL, [invoice_id], ["partner_id", "name", "state"])
                if not invoice or invoice[0].get("state") != "posted":
                    self._refuse(target, invoice_id, "the invoice it refunds is not posted in Odoo", result)
                    return None
                self.ledger.mark_sending(self.run_id, [Intent(CREDIT_NOTE, target.source_id, MOVE_MODEL, xmlid,
                                                        target.content_hash, target.locator)])
                note_id = self._unclaimed(invoice[0], invoice_id, amount, date)
                if note_id is None:
                    note_id = self._create(invoice[0], invoice_id, amount, date)
                give_name(self.client, xmlid, MOVE_MODEL, note_id, self.ctx.context)
            self._post(target, note_id)
        except OdooRecordError as exc:
            self._refuse(target, invoice_id, f"Odoo refused the credit note: {exc}", result)
            return None
        self.ledger.mark_landed(self.run_id, [Landing(CREDIT_NOTE, target.source_id, note_id, "created", {})])
        return note_id

    def _create(self, invoice: dict[str, Any], invoice_id: int, amount: float, date: str | None) -> int:
        partner = invoice.get("partner_id")
        label = refund_label(invoice, invoice_id)
        # no reversed_entry_id yet: posted with it, Odoo reconciles the credit note with whatever the invoice still
        # has open (_reconcile_reversed_moves), and a refund of a partly paid invoice would leave nothing for the
        # money actually sent back; link() sets it once the refund payment has settled the credit note
        vals: dict[str, Any] = {
            "move_type": "out_refund", "partner_id": partner[0] if isinstance(partner, list) else partner,
            "ref": label,
            # no taxes: the line is the amount refunded, whatever the invoice's taxes were
            "invoice_line_ids": [[0, 0, {"name": label, "quantity": 1, "price_unit": amount, "tax_ids": [[6, 0, []]]}]],
        }
        if date:
            vals["invoice_date"] = vals["date"] = vals["invoice_date_due"] = date
        created = self.client.create(MOVE_MODEL, [vals], context=self.ctx.context)
        return int(created[0] if isinstance(created, list) else created)

    def _post(self, target: TargetRecord, note_id: int) -> None:
        rows = self.client.read(MOVE_MODEL, [note_id], ["state"])
        if rows and rows[0].get("state") == "draft":
            self.ledger.add_actions(self.run_id, [(CREDIT_NOTE, target.source_id, "action_post", MOVE_MODEL, note_id)])
            self.client.execute(MOVE_MODEL, "action_post", [note_id], context=self.ctx.context)
            self.ledger.set_action(CREDIT_NOTE, target.source_id, "action_post", "done")

    def link(self, note_id: int, invoice_id: int) -> None:
        """Shows the credit note as the invoice's reversal ("Reversal of"), once its refund payment settled it (a
        write to a posted move Odoo allows, and one that reconciles nothing)."""
        rows = self.client.read(MOVE_MODEL, [note_id], ["reversed_entry_id"])
        current = rows[0].get("reversed_entry_id") if rows else None
        if not current:
            self.client.write(MOVE_MODEL, [note_id], {"reversed_entry_id": invoice_id}, context=self.ctx.context)

    def _unclaimed(self, invoice: dict[str, Any], invoice_id: int, amount: float, date: str | None) -> int | None:
        """A credit note of this invoice, amount and date no external ID claims: made by a run killed before naming it."""
        domain: list[Any] = [["move_type", "=", "out_refund"], "|", ["reversed_entry_id", "=", invoice_id],
                             ["ref", "=", refund_label(invoice, invoice_id)], ["amount_total", "=", amount]]
        if date:
            domain.append(["invoice_date", "=", date])
        found = [int(r["id"]) for r in self.client.search_read(MOVE_MODEL, domain, ["id"], order="id")]
        claimed = named_ids(self.client, MOVE_MODEL, found) if found else set()
        free = [f for f in found if f not in claimed]
        return free[0] if free else None

    def _refuse(self, target: TargetRecord, invoice_id: int, reason: str, result: ObjectResult) -> None:
        self.ctx.outcomes.refuse(target, "reconciled_invoice_ids", str(invoice_id), reason, result)
