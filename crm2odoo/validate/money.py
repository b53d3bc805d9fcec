"""Money as the source has it: each invoice's total, what was paid and refunded on it, and each partner's balance.

Counts and spot checks prove that records landed; they do not prove that an invoice shows the right balance (a
payment registered on the wrong invoice, a credit note deleted or changed in Odoo afterwards). This reads the
source's invoices and payments through the map (as the loader did) and compares, per invoice the tool loaded:

* the total, with the source's own total where the invoice object has one (``total`` / ``amount_total``);
* what is still owed (``amount_residual``) and ``payment_state``, from the money received (payments above zero);
* the credit notes reversing it (posted ``out_refund`` with ``reversed_entry_id``): together worth what was refunded
  (payments below zero), each paid back in full;

and per commercial partner Odoo's receivable (``res.partner.credit``) with what the source says is still owed:
totals minus money received (a refund gives money back and takes the same amount off with its credit note), plus
what the partner owes on invoices the migration did not make (a matched customer's history in Odoo).

Payments the run quarantined or skipped are left out of the expectation: they are listed as such already.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.payments import INVOICE_FIELD
from crm2odoo.load.resolve import Resolver
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.odoo.client import OdooClient
from crm2odoo.sources.base import Source

CENT = 0.005
#: what a source invoice may call its total
TOTAL_KEYS = ("total", "amount_total")
PAID = ("paid", "in_payment")
NOT_COUNTED = ("quarantined", "skipped", "merged")
LANDED = ("created", "updated", "matched", "unchanged", "conflict", "archived")


@dataclass
class Expected:
    """One invoice as the source has it."""

    label: str  # object and source id
    total: float | None = None
    received: float = 0.0
    refunded: float = 0.0


@dataclass
class MoneyFinding:
    source_id: str
    detail: str


@dataclass
class MoneyReport:
    invoices: int = 0
    partners: int = 0
    findings: list[MoneyFinding] = field(default_factory=list)


class MoneyCheck:
    def __init__(self, client: OdooClient, ledger: Ledger, spec: MappingSpec, engine: Engine, resolver: Resolver,
                 source: Source) -> None:
        self.client, self.ledger, self.spec, self.engine, self.resolver = client, ledger, spec, engine, resolver
        self.source = source

    def run(self) -> MoneyReport | None:
        maps = self.spec.enabled_objects()
        invoice_maps = [o for o in maps if o.model == "account.move"]
        if not invoice_maps:
            return None
        expected: dict[int, Expected] = {}
        for obj in invoice_maps:
            expected.update(self._invoices(obj))
        for obj in maps:
            if obj.load_kind == "payments":
                self._payments(obj, expected)
        report = MoneyReport(invoices=len(expected))
        if expected:
            owed, ours = self._compare_invoices(expected, report)
            self._compare_partners(owed, ours, report)
        return report

    # -- the source ------------------------------------------------------------------------------------------------
    def _invoices(self, obj: ObjectMap) -> dict[int, Expected]:
        landed = {r.source_id: int(r.odoo_id) for r in self.ledger.records(obj.name) if r.state in LANDED and r.odoo_id}
        out = {oid: Expected(f"{obj.name} {sid}") for sid, oid in landed.items()}
        for record in self.source.read(obj.source_object, ids=set(landed)):
            oid = landed.get(record.id)
            if oid is not None:
                out[oid].total = _number(next((record.values.get(k) for k in TOTAL_KEYS
                                               if record.values.get(k) not in (None, "")), None))
        return out

    def _payments(self, obj: ObjectMap, expected: dict[int, Expected]) -> None:
        states = {r.source_id: r.state for r in self.ledger.records(obj.name)}
        for record in self.source.read(obj.source_object):
            if states.get(record.id) in NOT_COUNTED or not self.engine.applies(obj, record):
                continue
            target = self.engine.transform(obj, record)
            if target.outcome in ("quarantine", "skip"):
                continue
            vals, _, _ = self.resolver.resolve(target)
            invoice, amount = vals.get(INVOICE_FIELD), _number(vals.get("amount"))
            invoice_id = int(invoice[0] if isinstance(invoice, list | tuple) else invoice) if invoice else None
            if invoice_id not in expected or amount is None:
                continue
            if amount < 0:
                expected[invoice_id].refunded += -amount
            else:
                expected[invoice_id].received += amount

    # -- Odoo --------------------------------------------------------------------------------------------------------
    def _compare_invoices(self, expected: dict[int, Expected],
                          report: MoneyReport) -> tuple[dict[int, float], set[int]]:
        """Findings per invoice; returns what the source says each commercial partner still owes, and the ids of
        the migration's invoices and of the credit notes reversing them."""
        ids = sorted(expected)
        moves = {int(r["id"]): r for r in self._read("account.move", ids, [
            "name", "state", "amount_total", "amount_residual", "payment_state", "commercial_partner_id"])}
        notes: dict[int, list[dict[str, Any]]] = {}
        for start in range(0, len(ids), 500):
            for note in self.client.search_read("account.move", [
                    ["move_type", "=", "out_refund"], ["state", "=", "posted"],
                    ["reversed_entry_id", "in", ids[start:start + 500]]],
                    ["name", "amount_total", "amount_residual", "reversed_entry_id"]):
                notes.setdefault(_id(note["reversed_entry_id"]), []).append(note)
        owed: dict[int, float] = {}
        for oid, want in expected.items():
            move = moves.get(oid)
            if move is None:
                continue  # missing invoices are the invoice object's own difference
            problems = self._invoice_problems(move, want, notes.get(oid, []))
            if problems:
                report.findings.append(MoneyFinding(want.label, f"{move.get('name')} (account.move {oid}): "
                                                    + "; ".join(problems)))
            if move.get("state") == "posted":
                partner = _id(move.get("commercial_partner_id"))
                total = want.total if want.total is not None else float(move.get("amount_total") or 0)
                owed[partner] = owed.get(partner, 0.0) + total - want.received
        return owed, set(expected) | {int(n["id"]) for found in notes.values() for n in found}

    @staticmethod
    def _invoice_problems(move: dict[str, Any], want: Expected, notes: list[dict[str, Any]]) -> list[str]:
        problems: list[str] = []
        if move.get("state") != "posted":
            if want.received or want.refunded:
                problems.append(f"not posted ({move.get('state')}), yet the source has payments on it")
            return problems
        total = float(move.get("amount_total") or 0)
        if want.total is not None and abs(total - want.total) > CENT:
            problems.append(f"total {total:.2f}, the source says {want.total:.2f}")
        basis = want.total if want.total is not None else total
        residual, owing = float(move.get("amount_residual") or 0), max(basis - want.received, 0.0)
        if abs(residual - owing) > CENT:
            problems.append(f"{residual:.2f} left to pay, the source says {owing:.2f} (paid {want.received:.2f})")
        state = str(move.get("payment_state") or "")
        should = PAID if owing <= CENT and want.received else ("partial",) if want.received else ("not_paid",)
        if state not in should:
            problems.append(f"payment state {state!r}, the source says {' or '.join(repr(s) for s in should)}")
        credited = sum(float(n.get("amount_total") or 0) for n in notes)
        if abs(credited - want.refunded) > CENT:
            problems.append(f"credit notes worth {credited:.2f}, the source refunded {want.refunded:.2f}")
        unpaid = [str(n.get("name")) for n in notes if abs(float(n.get("amount_residual") or 0)) > CENT]
        if unpaid:
            problems.append(f"credit note {', '.join(unpaid)} not paid back, the source refunded it")
        return problems

    def _compare_partners(self, owed: dict[int, float], ours: set[int], report: MoneyReport) -> None:
        report.partners = len(owed)
        others = self._other_invoices(sorted(owed), ours)
        for row in self._read("res.partner", sorted(owed), ["display_name", "credit"]):
            pid = int(row["id"])
            balance, want = float(row.get("credit") or 0), owed[pid] + others.get(pid, 0.0)
            if abs(balance - want) > CENT:
                besides = f" (and {others[pid]:.2f} on invoices that are not the migration's)" if pid in others else ""
                report.findings.append(MoneyFinding(
                    f"partner {pid}", f"{row.get('display_name')} (res.partner {pid}): receivable {balance:.2f}, the "
                    f"source says {owed[pid]:.2f} is still owed{besides}"))

    def _other_invoices(self, partners: list[int], ours: set[int]) -> dict[int, float]:
        """What the partners owe on posted customer invoices and credit notes the migration did not make (a matched
        customer's own history in Odoo, another project's)."""
        out: dict[int, float] = {}
        for start in range(0, len(partners), 500):
            for move in self.client.search_read("account.move", [
                    ["commercial_partner_id", "in", partners[start:start + 500]], ["state", "=", "posted"],
                    ["move_type", "in", ["out_invoice", "out_refund", "out_receipt"]]],
                    ["move_type", "amount_residual", "commercial_partner_id"]):
                if int(move["id"]) in ours:
                    continue
                residual = float(move.get("amount_residual") or 0)
                partner = _id(move["commercial_partner_id"])
                out[partner] = out.get(partner, 0.0) + (-residual if move["move_type"] == "out_refund" else residual)
        return out

    def _read(self, model: str, ids: list[int], names: list[str]) -> Iterable[dict[str, Any]]:
        for start in range(0, len(ids), 500):
            yield from self.client.read(model, ids[start:start + 500], names, context={"active_test": False})


def _id(value: Any) -> int:
    if isinstance(value, list | tuple):
        return int(value[0]) if value else 0
    return int(value or 0)


def _number(value: Any) -> float | None:
    if value in (None, "", False):
        return None
    try:
        return round(float(Decimal(str(value))), 2)
    except (InvalidOperation, ValueError):
        return None
