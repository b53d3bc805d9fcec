"""Payments registered against the invoices they pay, through Odoo's own register-payment wizard.

A payment is not a plain record: Odoo must post it on a bank journal and reconcile it with the invoice's receivable
line, and the rules for that differ between 17, 18 and 19 (outstanding accounts, payments without entries). The
wizard ``account.payment.register`` knows them, so the tool drives it: one wizard per payment, opened on the invoice
(``active_model``/``active_ids``), with the source's amount, date and memo. Partial payments stay partial. A negative
amount is a refund: a credit note for it, paid back by an outbound payment (load/refunds.py).

The wizard gives no external ID, so the tool adds one (``ir.model.data``) right after. Intent is recorded first; a
run killed between the wizard and the external ID leaves a payment without it, and the next run adopts that payment
(same invoice, amount and date, not claimed by any other external ID) instead of paying the invoice twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from crm2odoo.errors import OdooRecordError
from crm2odoo.ledger.db import Intent, Issue, Landing
from crm2odoo.load.cells import read_cells
from crm2odoo.load.context import LoadContext
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.refunds import CreditNotes, is_refund
from crm2odoo.load.xmlids import give_name, named_by, named_ids
from crm2odoo.mapping.engine import RecordProblem, TargetRecord
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.validate.runnable import filled_by

log = logging.getLogger("crm2odoo.load")

PAYMENT_MODEL = "account.payment"
WIZARD_MODEL = "account.payment.register"
#: the map's target on account.payment that names the invoice a payment settles (exists on 17, 18 and 19)
INVOICE_FIELD = "reconciled_invoice_ids"
#: account.payment field -> wizard field (the memo is ``ref`` on 17, ``memo`` from 18)
WIZARD_FIELDS = {"amount": "amount", "date": "payment_date", "memo": "communication", "ref": "communication",
                 "journal_id": "journal_id", "payment_method_line_id": "payment_method_line_id"}


def wizard_target_fields() -> frozenset[str]:
    """Targets a register-payments map may use (everything else would be silently ignored, so validation says so)."""
    return frozenset({*WIZARD_FIELDS, INVOICE_FIELD})


class PaymentRegistrar:
    """Registers one map's payments."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self.client, self.ledger, self.run_id = ctx.client, ctx.ledger, ctx.run_id

    def register(self, obj: ObjectMap, ids: set[str] | None, result: ObjectResult) -> ObjectResult:
        known = {r.source_id: r for r in self.ledger.records(obj.name)}
        for target in self.ctx.transformed(obj, ids, result):
            row = known.get(target.source_id)
            if row is not None and row.odoo_id and row.state in ("created", "matched", "unchanged", "updated"):
                if row.content_hash != target.content_hash:
                    # a registered payment is an accounting entry: changing it is the accountant's call
                    self.ledger.add_issues(self.run_id, [Issue(
                        obj.name, target.source_id, "warning",
                        f"changed in the source since it was registered as {PAYMENT_MODEL} {row.odoo_id}; "
                        "payments are not re-registered: adjust it in Odoo if needed", locator=target.locator)])
                result.unchanged += 1
                continue
            self._one(obj, target, resumed=row is not None and row.state == "sending", result=result)
        return result

    # -- one payment ---------------------------------------------------------------------------------------------
    def _one(self, obj: ObjectMap, target: TargetRecord, *, resumed: bool, result: ObjectResult) -> None:
        vals, problems, _ = self.ctx.resolver.resolve(target)
        hard = [p for p in problems if p.policy == "quarantine"]
        if hard or not vals.get(INVOICE_FIELD):
            if not hard:
                hard = [RecordProblem(INVOICE_FIELD, None, "names no invoice to pay", "quarantine")]
            target.problems.extend(hard)
            target.outcome = "quarantine"
            self.ctx.outcomes.problems(target, result)
            return
        invoice_id = _single_id(vals[INVOICE_FIELD])
        refund = is_refund(vals)
        wizard_vals = self._wizard_values({**vals, "amount": -_plain(vals["amount"])} if refund else vals)
        refunded_invoice = invoice_id
        if refund:
            # money sent back: a credit note for what was refunded, and the refund payment settles that credit note
            note_id = CreditNotes(self.ctx).for_refund(target, invoice_id, wizard_vals["amount"],
                                                   wizard_vals.get("payment_date"), result)
            if note_id is None:
                return
            invoice_id = note_id
        self.ledger.mark_sending(self.run_id, [Intent(obj.name, target.source_id, PAYMENT_MODEL, target.xmlid,
                                                      target.content_hash, target.locator)])
        named = named_by(self.client, target.xmlid) if resumed else None
        payment_id = named if named is not None else (
            self._unclaimed(invoice_id, wizard_vals) if resumed else None)
        if payment_id is None:
            payment_id = self._run_wizard(target, invoice_id, wizard_vals, result)
            if payment_id is None:
                return
        if named is None:
            give_name(self.client, target.xmlid, PAYMENT_MODEL, payment_id, self.ctx.context)
        if refund:
            CreditNotes(self.ctx).link(invoice_id, refunded_invoice)
        # what rollback and reconcile compare later: the payment as Odoo made it (the wizard pays the invoice's
        # commercial partner, not always the contact the source names); not the invoice link, which resetting the
        # invoice to draft (rollback's first step) legitimately clears
        meta = self.ctx.schema.fields(PAYMENT_MODEL)
        names = [k for k in vals if k in meta and k != INVOICE_FIELD]
        rows = self.client.read(PAYMENT_MODEL, [payment_id], names) if names else []
        written = read_cells(rows[0], names, meta) if rows else {}
        self.ledger.mark_landed(self.run_id, [Landing(obj.name, target.source_id, payment_id, "created", written)])
        self.ctx.resolver.register(obj.name, {target.source_id: payment_id})
        result.created += 1

    def _wizard_values(self, vals: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in vals.items():
            wizard_field = WIZARD_FIELDS.get(name)
            if wizard_field is None or value in (None, "", False):
                continue
            out[wizard_field] = _plain(value)
        if "amount" in out:
            out["amount"] = float(out["amount"])
        if "payment_date" in out:
            out["payment_date"] = str(out["payment_date"])[:10]
        return out

    def _run_wizard(self, target: TargetRecord, invoice_id: int, wizard_vals: dict[str, Any],
                    result: ObjectResult) -> int | None:
        context = {**self.ctx.context, "active_model": "account.move", "active_ids": [invoice_id]}
        try:
            wizard = self.client.create(WIZARD_MODEL, [wizard_vals], context=context)
            wizard_ids = wizard if isinstance(wizard, list) else [wizard]
            action = self.client.execute(WIZARD_MODEL, "action_create_payments", wizard_ids, context=context)
        except OdooRecordError as exc:
            # an unposted invoice, one already paid in full, a missing bank journal: the record's reason, not a stop
            self.ctx.outcomes.refuse(target, INVOICE_FIELD, str(invoice_id),
                                     f"Odoo refused to register the payment: {exc}", result)
            return None
        # the wizard keeps its partner with ondelete=restrict, which would block deleting that partner on rollback
        # until Odoo's hourly vacuum; nothing else needs the finished wizard
        self.client.write(WIZARD_MODEL, wizard_ids, {"partner_id": False}, context=context)
        payment_id = action.get("res_id") if isinstance(action, dict) else None
        if not payment_id:
            found = self._unclaimed(invoice_id, wizard_vals)
            if found is None:
                raise OdooRecordError(f"{WIZARD_MODEL}.action_create_payments created no payment for "
                                      f"account.move {invoice_id}")
            payment_id = found
        return int(payment_id)

    def _unclaimed(self, invoice_id: int, wizard_vals: dict[str, Any]) -> int | None:
        """A payment of this invoice, amount and date that no external ID claims: registered by a run killed before
        it could name it."""
        domain: list[Any]
        if "invoice_ids" in self.ctx.schema.fields(PAYMENT_MODEL):
            domain = [["invoice_ids", "in", [invoice_id]]]  # 18+: the payment names its invoices
        else:
            invoice = self.client.read("account.move", [invoice_id], ["commercial_partner_id"])
            if not invoice:
                return None
            # the wizard pays the invoice's commercial partner (a contact's company)
            partner = invoice[0]["commercial_partner_id"]
            domain = [["partner_id", "=", partner[0] if isinstance(partner, list) else partner]]
        if "amount" in wizard_vals:
            domain.append(["amount", "=", wizard_vals["amount"]])
        if "payment_date" in wizard_vals:
            domain.append(["date", "=", wizard_vals["payment_date"]])
        candidates = [int(r["id"]) for r in self.client.search_read(PAYMENT_MODEL, domain, ["id"], order="id")]
        if not candidates:
            return None
        claimed = named_ids(self.client, PAYMENT_MODEL, candidates)
        free = [c for c in candidates if c not in claimed]
        return free[0] if free else None


def _single_id(value: Any) -> int:
    if isinstance(value, list | tuple):
        return int(value[0])
    return int(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def payment_map_problems(obj: ObjectMap) -> list[str]:
    """Odoo's wizard fills journal, type and method; only what it takes can be mapped, and the invoice is a must."""
    problems: list[str] = []
    allowed = wizard_target_fields()
    for line in obj.fields:
        if not line.ignore and line.target and line.target not in allowed:
            problems.append(f"objects.{obj.name}: {line.key()} -> {line.target}: payments are registered "
                            f"through Odoo's wizard, which takes only {', '.join(sorted(allowed))}")
    if INVOICE_FIELD not in filled_by(obj):
        problems.append(f"objects.{obj.name}: no line names the invoice each payment pays "
                        f"(target {INVOICE_FIELD}, transform ref to the invoice object)")
    return problems
