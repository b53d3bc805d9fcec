"""Money as the source has it, in Odoo's own terms: refunds become credit notes paid back by refund payments, each
invoice shows the payment state and balance the source implies, each partner owes what the source says, reconcile
says so (and says NO when a credit note is changed or removed in Odoo afterwards), and rollback removes all of it.

An Ontraport account with paid, refunded, partially refunded, unpaid and void transactions; once with payments
derived from the transactions (refunded Purchases say how much a partial refund gave back), once with a Payments
object (227) whose refunds are amounts below zero, including a customer with a partial payment and a refund.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import OntraportAccount, OntraportSimulator, add_payments, generate_account

from . import snapshot
from .world import API_KEY, APP_ID, admin, ledger_rows, ontraport_source, prepare, write_config

DAY = 86400
TXN, PURCHASE = 46, 17
#: transaction -> (status, contact): paid, refunded, partially refunded, unpaid, void, and a partly paid one
STATUSES = {1: ("1", 1), 2: ("2", 1), 3: ("3", 1), 4: ("0", 2), 5: ("4", 3), 6: ("3", 2)}


@dataclass
class Truth:
    """One transaction as the source has it."""

    total: Decimal
    received: Decimal
    refunded: Decimal
    posted: bool

    @property
    def owed(self) -> Decimal:
        return self.total - self.received if self.posted else Decimal(0)

    @property
    def payment_state(self) -> str:
        if not self.received:
            return "not_paid"
        return "paid" if self.received >= self.total else "partial"


def money_account(*, payments_object: bool) -> tuple[OntraportAccount, dict[int, Truth]]:
    account = generate_account(seed=61, contacts=6, companies=2, deals=0, notes_per_contact=0, transactions=6,
                               products=3, properties=0)
    txns = account.records[TXN]
    for tid, (status, contact) in STATUSES.items():
        txns[tid].update(status=status, contact_id=str(contact), dlm=str(int(txns[tid]["date"]) + 9 * DAY))
    purchases = account.records[PURCHASE]
    for row in purchases.values():
        row["status"] = {"1": "1", "2": "4", "3": "1"}.get(txns[int(row["invoice_id"])]["status"], "0")
        row["contact_id"] = txns[int(row["invoice_id"])]["contact_id"]
    # a partial refund gives back one of the transaction's products: that Purchase says so
    first = min(pid for pid, row in purchases.items() if row["invoice_id"] == "3")
    purchases[first]["status"] = "4"
    part = Decimal(purchases[first]["total_price"])
    totals = {tid: Decimal(row["total"]) for tid, row in txns.items()}
    if not payments_object:
        truth = {tid: Truth(totals[tid], totals[tid] if s in "123" else Decimal(0),
                            {"2": totals[tid], "3": part if tid == 3 else Decimal(0)}.get(s, Decimal(0)), s != "4")
                 for tid, (s, _) in STATUSES.items()}
        # without a refunded Purchase the source cannot say what transaction 6 gave back: keep it paid only
        txns[6]["status"] = "1"
        return account, truth
    half = (totals[6] / 2).quantize(Decimal("0.01"))
    stamp = int(txns[1]["date"])
    rows = [(1, totals[1], 0), (2, totals[2], 0), (2, -totals[2], 9), (3, totals[3], 0), (3, -part, 9),
            (6, half, 1), (6, Decimal("-20.00"), 12)]
    add_payments(account, [(tid, f"{amount:.2f}", stamp + days * DAY) for tid, amount, days in rows])
    truth = {tid: Truth(totals[tid], sum((a for t, a, _ in rows if t == tid and a > 0), Decimal(0)),
                        sum((-a for t, a, _ in rows if t == tid and a < 0), Decimal(0)), s != "4")
             for tid, (s, _) in STATUSES.items()}
    return account, truth


@dataclass
class Migrated:
    root: Path
    odoo: OdooClient
    account: OntraportAccount
    truth: dict[int, Truth]
    before: snapshot.Snapshot

    def ids(self, obj: str) -> dict[str, int]:
        return {r["source_id"]: int(r["odoo_id"]) for r in ledger_rows(self.root) if r["object"] == obj and r["odoo_id"]}


@contextmanager
def migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, *,
             payments_object: bool) -> Iterator[Migrated]:
    account, truth = money_account(payments_object=payments_object)
    with SandboxServer(version=version) as server, \
            OntraportSimulator(account, app_id=APP_ID, api_key=API_KEY, rate_limit=100_000) as source:
        write_config(tmp_path, ontraport_source(source.url), server, monkeypatch)
        client = admin(server)
        try:
            before = snapshot.take(client)
            prepare(tmp_path)
            info = api.migrate(tmp_path)
            assert info.ok, info.shortfall.lines(info.tolerance)
            yield Migrated(tmp_path, client, account, truth, before)
        finally:
            client.close()


def assert_money_is_the_sources(world: Migrated) -> None:
    invoices = world.ids("invoice")
    moves = {int(r["id"]): r for r in world.odoo.read("account.move", list(invoices.values()), [
        "state", "amount_total", "amount_residual", "payment_state", "commercial_partner_id", "partner_id",
        "invoice_date", "invoice_date_due"])}
    notes = world.odoo.search_read("account.move", [["move_type", "=", "out_refund"]], [
        "state", "amount_total", "amount_residual", "payment_state", "reversed_entry_id", "partner_id",
        "invoice_date", "invoice_date_due"])
    owed: dict[int, Decimal] = {}
    for tid, want in world.truth.items():
        move = moves[invoices[str(tid)]]
        assert move["invoice_date_due"] == move["invoice_date"], "with no due date in the source, due on its date"
        if not want.posted:
            assert move["state"] == "draft", f"void transaction {tid} stays a draft invoice"
            continue
        assert move["state"] == "posted"
        assert Decimal(str(move["amount_total"])).quantize(Decimal("0.01")) == want.total, tid
        assert Decimal(str(move["amount_residual"])).quantize(Decimal("0.01")) == want.owed, tid
        assert move["payment_state"] == want.payment_state, (tid, move["payment_state"])
        credit = [n for n in notes if n["reversed_entry_id"] and n["reversed_entry_id"][0] == move["id"]]
        assert sum(Decimal(str(n["amount_total"])) for n in credit) == want.refunded, f"credit notes of {tid}"
        for note in credit:
            assert note["invoice_date_due"] == note["invoice_date"], "a credit note falls due on its own date"
            assert note["state"] == "posted" and note["payment_state"] == "paid" and not note["amount_residual"]
            assert note["partner_id"] == move["partner_id"], "the credit note is the invoice's customer's"
        partner = move["commercial_partner_id"][0]
        owed[partner] = owed.get(partner, Decimal(0)) + want.owed
    assert len(notes) == sum(1 for t in world.truth.values() if t.refunded), "one credit note per refund, no more"
    balances = {r["id"]: Decimal(str(r["credit"])).quantize(Decimal("0.01"))
                for r in world.odoo.read("res.partner", list(owed), ["credit"])}
    assert balances == owed, "each customer owes in Odoo what the source says"


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
@pytest.mark.parametrize("payments_object", [False, True], ids=["derived", "payments227"])
def test_refunds_become_credit_notes_paid_back_and_balances_are_the_sources(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, payments_object: bool) -> None:
    with migrated(tmp_path, monkeypatch, version, payments_object=payments_object) as world:
        payments = [r for r in ledger_rows(world.root) if r["object"] == "payment"]
        assert all(r["state"] == "created" for r in payments), [(r["source_id"], r["reason"]) for r in payments
                                                                 if r["state"] != "created"]
        assert_money_is_the_sources(world)
        refunds = world.odoo.search_read("account.payment", [["payment_type", "=", "outbound"]],
                                         ["amount", "partner_type", "date"])
        assert sorted(Decimal(str(r["amount"])) for r in refunds) == sorted(
            t.refunded for t in world.truth.values() if t.refunded)
        assert all(r["partner_type"] == "customer" for r in refunds)
        if not payments_object:
            # dated when the refund changed the transaction, not at the time of the load
            refunded = world.account.records[TXN][2]
            day = api_date(int(refunded["dlm"]))
            note = world.odoo.search_read("account.move", [["move_type", "=", "out_refund"],
                                                           ["reversed_entry_id", "=", world.ids("invoice")["2"]]],
                                          ["invoice_date"])
            assert note[0]["invoice_date"] == day
        info = api.reconcile(world.root)
        money = next(o for o in info.objects if o.name == "money")
        assert info.adds_up and money.ok and money.spot_checked, [d.__dict__ for o in info.objects
                                                                  for d in o.differences][:10]
        again = api.migrate(world.root)
        assert again.ok
        assert world.odoo.search_count("account.move", [["move_type", "=", "out_refund"]]) == sum(
            1 for t in world.truth.values() if t.refunded), "a second run makes no second credit note"


def api_date(stamp: int) -> str:
    import datetime as dt
    return dt.datetime.fromtimestamp(stamp, dt.UTC).date().isoformat()


def test_reconcile_says_no_when_a_credit_note_is_changed_or_removed_in_odoo(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with migrated(tmp_path, monkeypatch, "18.0", payments_object=True) as world:
        assert api.reconcile(world.root).adds_up
        invoice = world.ids("invoice")["3"]
        note = world.odoo.search_read("account.move", [["reversed_entry_id", "=", invoice]], ["id", "line_ids"])[0]
        world.odoo.execute("account.move", "button_draft", [note["id"]])
        lines = world.odoo.search_read("account.move.line", [["move_id", "=", note["id"]],
                                                             ["display_type", "=", "product"]], ["id"])
        world.odoo.write("account.move.line", [lines[0]["id"]], {"price_unit": 1.0})
        world.odoo.execute("account.move", "action_post", [note["id"]])
        changed = api.reconcile(world.root)
        found = [d.detail for o in changed.objects if o.name == "money" for d in o.differences]
        assert not changed.adds_up
        assert any("credit notes worth 1.00" in d for d in found), found
        world.odoo.execute("account.move", "button_draft", [note["id"]])
        world.odoo.unlink("account.move", [note["id"]])
        removed = api.reconcile(world.root)
        found = [d.detail for o in removed.objects if o.name == "money" for d in o.differences]
        assert not removed.adds_up
        assert any("credit notes worth 0.00" in d for d in found), found
        assert any("receivable" in d for d in found), "the refund paid back without its credit note: owed differs"


def test_reconcile_says_no_when_a_payment_is_removed_in_odoo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with migrated(tmp_path, monkeypatch, "17.0", payments_object=False) as world:
        payment = world.ids("payment")["1"]
        world.odoo.execute("account.payment", "action_draft", [payment])
        world.odoo.unlink("account.payment", [payment])
        info = api.reconcile(world.root)
        found = [d.detail for o in info.objects if o.name == "money" for d in o.differences]
        assert not info.adds_up
        assert any("left to pay" in d and "payment state 'not_paid'" in d for d in found), found


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_rollback_removes_credit_notes_and_refunds_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           version: str) -> None:
    with migrated(tmp_path, monkeypatch, version, payments_object=True) as world:
        assert world.odoo.search_count("account.move", [["move_type", "=", "out_refund"]])
        result = api.rollback(world.root, all_runs=True)
        assert result.verified, [left.line() for left in result.left][:10]
        assert snapshot.differences(world.before, snapshot.take(world.odoo)) == []


def test_rollback_resets_a_credit_note_whose_posting_the_ledger_missed(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A run killed between posting a credit note and writing that down: the ledger has the posting pending, Odoo
    has the credit note posted; rollback still resets it to draft before deleting it."""
    import sqlite3
    with migrated(tmp_path, monkeypatch, "18.0", payments_object=False) as world:
        with sqlite3.connect(world.root / ".crm2odoo" / "ledger.sqlite") as db:
            missed = db.execute("UPDATE actions SET state='pending' WHERE object='credit_note'").rowcount
        assert missed
        result = api.rollback(world.root, all_runs=True)
        assert result.verified, [left.line() for left in result.left][:10]
        assert snapshot.differences(world.before, snapshot.take(world.odoo)) == []


def test_a_partial_refund_the_export_gives_no_amount_for_is_quarantined_with_that_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The transactions export lists no Purchases: a partially refunded transaction says money went back, not how
    much. Its payment lands; its refund is quarantined saying so, never registered with a guessed amount; a fully
    refunded one becomes its credit note."""
    from crm2odoo.testing.ontraport_sim import write_csv_exports
    account, _ = money_account(payments_object=False)
    account.records[TXN][6]["status"] = "3"
    api.init_project(tmp_path, "ontraport-csv")
    write_csv_exports(account, tmp_path / "exports")
    with SandboxServer(version="19.0") as server:
        write_config(tmp_path, '[source]\nkind = "ontraport-csv"\npath = "exports/"\n', server, monkeypatch,
                     migration_extra="max_quarantine = 5")
        prepare(tmp_path)
        api.migrate(tmp_path)
        rows = {r["source_id"]: r for r in ledger_rows(tmp_path) if r["object"] == "payment"}
        assert {sid for sid, r in rows.items() if r["state"] == "quarantined"} == {"3-refund", "6-refund"}
        assert all("does not say how much" in rows[sid]["reason"] for sid in ("3-refund", "6-refund"))
        assert rows["2-refund"]["state"] == "created" and rows["3"]["state"] == rows["6"]["state"] == "created"
        client = admin(server)
        try:
            assert client.search_count("account.move", [["move_type", "=", "out_refund"]]) == 1
        finally:
            client.close()
