"""Registering payments: ``account.payment.register`` and what it does to invoices, as Odoo 17-19 do it.

What the tool meets, reproduced from ``addons/account/wizard/account_payment_register.py`` and
``models/account_payment.py`` (18.0) and checked on a live 18: the wizard is opened on invoices through the context
(``active_model``/``active_ids``) and defaults amount, date, memo and journal from them; ``action_create_payments``
creates one payment per invoice and returns an act_window with ``res_id``; the invoice becomes ``partial`` or
``paid``; a payment that is not draft refuses ``unlink``; ``action_draft`` reverts it and its invoice; the finished
wizard keeps its partner with ondelete=restrict and nobody may delete wizards.

The sandbox keeps no journal entries: an invoice's total is the sum of its lines (no taxes), and a payment remembers
the invoices it settles in a private key of its row.

Credit notes (``out_refund``) are invoices the other way round: the wizard opened on one sends money (an ``outbound``
customer payment, as ``_compute_payment_type`` of the wizard does from the line's balance), and the partner's
receivable (``res.partner.credit``, ``_credit_debit_get``) is what invoices ask minus what credit notes give back,
minus what was received plus what was sent back. The payment amount can never be negative (the SQL constraint
``check_amount_not_negative`` on account.payment, 17-19).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .exceptions import AccessError, UserError, ValidationError

if TYPE_CHECKING:
    from .orm import Env

WIZARD = "account.payment.register"
PAYMENT = "account.payment"
PAID_MOVES = "_sandbox_invoice_ids"
#: on a move: {other move id (as text): amount} settled by reconciling the two moves' receivable lines directly
SETTLED_BY_MOVES = "_sandbox_settled_by_moves"


#: move types whose payment the wizard sends out (a customer credit note refunds, a vendor bill pays)
OUTBOUND_TYPES = ("out_refund", "in_invoice", "in_receipt")
NEGATIVE_AMOUNT = "The payment amount cannot be negative."


def invoice_total(env: Env, invoice_id: int) -> float:
    total = 0.0
    for _, line in env.store.scan("account.move.line", [("json_extract(data, '$.move_id') = ?", [invoice_id])]):
        if line.get("display_type") not in (None, "product"):
            continue
        quantity = float(line.get("quantity") or 0)
        price = float(line.get("price_unit") or 0)
        total += quantity * price * (1 - float(line.get("discount") or 0) / 100)
    return round(total, 2)


def invoice_paid(env: Env, invoice_id: int) -> float:
    paid = 0.0
    for _, payment in env.store.scan(PAYMENT):
        if invoice_id in (payment.get(PAID_MOVES) or []) and payment.get("state") not in ("draft", "canceled", "cancel"):
            paid += float(payment.get("amount") or 0)
    return round(paid, 2)


def refresh_invoice(env: Env, invoice_id: int) -> None:
    row = env.store.get("account.move", invoice_id)
    if row is None:
        return
    total, paid = invoice_total(env, invoice_id), invoice_paid(env, invoice_id)
    by_moves = round(sum(float(a) for a in (row.get(SETTLED_BY_MOVES) or {}).values()), 2)
    residual = round(max(total - paid - by_moves, 0.0), 2)
    row["amount_total"] = total
    row["amount_residual"] = residual
    if paid + by_moves <= 0:
        row["payment_state"] = "not_paid"
    elif residual > 0:
        row["payment_state"] = "partial"
    else:
        # _compute_payment_state: settled only by its reversal (or the move it reverses) reads 'reversed'
        row["payment_state"] = "reversed" if paid <= 0 else "paid"
    env.store.update("account.move", invoice_id, row)


def reconcile_reversal(env: Env, note_id: int) -> None:
    """account_move.py _post: a move posted with ``reversed_entry_id`` whose original is posted is reconciled with
    it (_reconcile_reversed_moves), settling the smaller of the two open amounts on both."""
    note = env.store.get("account.move", note_id) or {}
    original_id = int(note.get("reversed_entry_id") or 0)
    original = env.store.get("account.move", original_id) if original_id else None
    if original is None or original.get("state") != "posted":
        return
    amount = round(min(float(note.get("amount_residual") or 0), float(original.get("amount_residual") or 0)), 2)
    if amount <= 0:
        return
    for mid, other in ((note_id, original_id), (original_id, note_id)):
        row = env.store.get("account.move", mid) or {}
        settled = dict(row.get(SETTLED_BY_MOVES) or {})
        settled[str(other)] = round(float(settled.get(str(other), 0)) + amount, 2)
        row[SETTLED_BY_MOVES] = settled
        env.store.update("account.move", mid, row)
        refresh_invoice(env, mid)


def wizard_defaults(env: Env, row: dict[str, Any], vals: dict[str, Any]) -> None:
    """default_get of the wizard: the invoices come from the context."""
    if env.context.get("active_model") != "account.move":
        raise UserError("The register payment wizard should only be called on account.move or account.move.line "
                        "records.")
    moves = [int(i) for i in env.context.get("active_ids") or []]
    open_moves = []
    for mid in moves:
        move = env.store.get("account.move", mid)
        if move is None or move.get("state") == "cancel":
            continue
        refresh_invoice(env, mid)
        if float((env.store.get("account.move", mid) or {}).get("amount_residual") or 0) > 0.005:
            open_moves.append(mid)
    if not open_moves:
        raise UserError("You can't register a payment because there is nothing left to pay on the selected journal "
                        "items.")
    first = env.store.get("account.move", open_moves[0]) or {}
    row[PAID_MOVES] = open_moves
    if not row.get("partner_id"):
        row["partner_id"] = first.get("partner_id")
    if "amount" not in vals:
        row["amount"] = round(sum(invoice_total(env, m) - invoice_paid(env, m) for m in open_moves), 2)
    if not row.get("payment_date"):
        row["payment_date"] = str(first.get("invoice_date") or "")[:10] or None
    if not vals.get("communication"):
        row["communication"] = first.get("name")
    if not row.get("journal_id"):
        banks = env.search_ids("account.journal", [("type", "in", ["bank", "cash"])], active_test=True)
        row["journal_id"] = banks[0] if banks else None
    if not row.get("currency_id"):
        row["currency_id"] = first.get("currency_id")


def create_payments(env: Env, model: str, ids: list[int] | None) -> Any:
    created: list[int] = []
    for wid in ids or []:
        wizard = env.store.get(WIZARD, wid) or {}
        if not wizard.get("journal_id"):
            raise UserError("Please define a payment method line on your payment.")
        moves = [int(m) for m in wizard.get(PAID_MOVES) or []]
        for mid in moves:
            amount = float(wizard.get("amount") or 0) if len(moves) == 1 else \
                invoice_total(env, mid) - invoice_paid(env, mid)
            move = env.store.get("account.move", mid) or {}
            partner = env.store.get("res.partner", int(move["partner_id"])) if move.get("partner_id") else None
            # the payment goes to the invoice's commercial partner (the company of a contact), as on 18
            commercial = (partner or {}).get("commercial_partner_id") or move.get("partner_id")
            if amount < 0:
                raise ValidationError(f"The operation cannot be completed: {NEGATIVE_AMOUNT}")
            direction = "outbound" if move.get("move_type") in OUTBOUND_TYPES else "inbound"
            vals: dict[str, Any] = {"amount": round(amount, 2), "date": wizard.get("payment_date"),
                                    "partner_id": commercial, "journal_id": wizard.get("journal_id"),
                                    "payment_type": direction, "partner_type": "customer"}
            memo = "memo" if "memo" in env.model(PAYMENT).fields else "ref"
            vals[memo] = wizard.get("communication")
            settled = invoice_total(env, mid) - invoice_paid(env, mid) - amount <= 0.005
            pid = env.sudo_call().create(PAYMENT, [vals])[0]
            payment = env.store.get(PAYMENT, pid) or {}
            payment[PAID_MOVES] = [mid]
            # 18 and 19: a payment that settles its invoice is paid, a partial one stays in process (seen on 18)
            payment["state"] = ("paid" if settled else "in_process") if env.registry.major >= 18 else "posted"
            env.store.update(PAYMENT, pid, payment)
            if "invoice_ids" in env.model(PAYMENT).fields:
                env.sudo_call().apply_x2many(env.model(PAYMENT), pid, "invoice_ids", [[4, mid]])
            refresh_invoice(env, mid)
            created.append(pid)
    action: dict[str, Any] = {"name": "Payments", "type": "ir.actions.act_window", "res_model": PAYMENT,
                              "context": {"create": False}}
    if env.context.get("dont_redirect_to_payments"):
        return True
    if len(created) == 1:
        action.update({"view_mode": "form", "res_id": created[0]})
    else:
        action.update({"view_mode": "list,form", "domain": [["id", "in", created]]})
    return action


#: account.move.get_sale_types(include_receipts=True)
SALE_TYPES = ("out_invoice", "out_refund", "out_receipt")


def reconciled_invoices(env: Env, payment_id: int, row: dict[str, Any]) -> list[int]:
    """account.payment._compute_stat_buttons_from_reconciliation (18.0): the customer invoices among the payment's
    ``invoice_ids``, and those its journal items are reconciled with (here: the invoices it settles)."""
    found: set[int] = set()
    linked: list[int] = []
    if "invoice_ids" in env.model(PAYMENT).fields:
        tbl, col = env.registry.m2m(PAYMENT, "invoice_ids")
        linked = list(env.store.rel_get(tbl, col, payment_id))
    settled = [] if row.get("state") in ("draft", "canceled", "cancel") else list(row.get(PAID_MOVES) or [])
    for mid in [*linked, *settled]:
        move = env.store.get("account.move", int(mid))
        if move is not None and move.get("move_type") in SALE_TYPES:
            found.add(int(mid))
    return sorted(found)


def payment_draft(env: Env, model: str, ids: list[int] | None) -> bool:
    for pid in ids or []:
        row = env.store.get(PAYMENT, pid)
        if row is None:
            continue
        row["state"] = "draft"
        env.store.update(PAYMENT, pid, row)
        for mid in row.get(PAID_MOVES) or []:
            refresh_invoice(env, int(mid))
    return True


def payment_cancel(env: Env, model: str, ids: list[int] | None) -> bool:
    payment_draft(env, model, ids)
    for pid in ids or []:
        row = env.store.get(PAYMENT, pid)
        if row is not None:
            row["state"] = "canceled" if env.registry.major >= 18 else "cancel"
            env.store.update(PAYMENT, pid, row)
    return True


def before_unlink(env: Env, model_name: str, ids: list[int]) -> None:
    if model_name == WIZARD:
        raise AccessError("You are not allowed to delete 'Pay' (account.payment.register) records.\n\n"
                          "No group currently allows this operation.\n\n"
                          "Contact your administrator to request access if necessary.")
    if model_name == PAYMENT:
        for pid in ids:
            row = env.store.get(PAYMENT, pid) or {}
            if row.get("state") not in ("draft", "canceled", "cancel", None):
                raise ValidationError("A payment with an outstanding account cannot be confirmed without having a "
                                      "journal entry.")


def invoice_reset(env: Env, invoice_ids: list[int]) -> None:
    """button_draft on an invoice removes its reconciliation: the payments stay, settling nothing."""
    gone = set(invoice_ids)
    for pid, payment in env.store.scan(PAYMENT):
        moves = payment.get(PAID_MOVES) or []
        if gone & set(moves):
            payment[PAID_MOVES] = [m for m in moves if m not in gone]
            env.store.update(PAYMENT, pid, payment)
    for mid in invoice_ids:
        row = env.store.get("account.move", mid) or {}
        for other in (row.pop(SETTLED_BY_MOVES, None) or {}):
            counterpart = env.store.get("account.move", int(other))
            if counterpart is not None:
                counterpart.setdefault(SETTLED_BY_MOVES, {}).pop(str(mid), None)
                env.store.update("account.move", int(other), counterpart)
                refresh_invoice(env, int(other))
        if row:
            env.store.update("account.move", mid, row)
        refresh_invoice(env, mid)


def partner_receivable(env: Env, partner_id: int) -> float:
    """res.partner.credit (partner.py _credit_debit_get): the residual of the partner's posted receivable lines. The
    lines carry the commercial partner, so a contact of a company has none of its own; reconciliation moves residual
    between lines without changing their sum, so the sum is invoices minus credit notes minus money received plus
    money sent back."""
    balance = 0.0
    for _, move in env.store.scan("account.move", [("json_extract(data, '$.commercial_partner_id') = ?",
                                                    [partner_id])]):
        if move.get("state") != "posted" or move.get("move_type") not in ("out_invoice", "out_refund", "out_receipt"):
            continue
        total = float(move.get("amount_total") or 0)
        balance += -total if move.get("move_type") == "out_refund" else total
    for _, payment in env.store.scan(PAYMENT, [("json_extract(data, '$.partner_id') = ?", [partner_id])]):
        if payment.get("state") in ("draft", "canceled", "cancel", "rejected", None) \
                or payment.get("partner_type") != "customer":
            continue
        amount = float(payment.get("amount") or 0)
        balance += amount if payment.get("payment_type") == "outbound" else -amount
    return round(balance, 2)


def check_payment_amount(row: dict[str, Any]) -> None:
    if float(row.get("amount") or 0) < 0:
        raise ValidationError(f"The operation cannot be completed: {NEGATIVE_AMOUNT}")
