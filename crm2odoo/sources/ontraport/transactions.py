"""Invoice lines and payments, derived from Ontraport transactions (the API's and the UI export's alike).

A transaction (object 46) carries its products in ``offer_data`` (a JSON string) and its amounts (subtotal, tax,
total) and status. When an account exposes no Purchases (17), the lines come from ``offer_data``; a transaction with
no readable products still gets one line for its subtotal, so the invoice can be posted with the source's total.
Money received (paid, refunded, partially refunded) becomes a payment registered against the invoice; money sent back
(refunded: the whole total; partially refunded: what its refunded Purchases come to) becomes a second payment of
the transaction with a negative amount, ``<id>-refund``, which the loader turns into a credit note and its refund.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import Any

from crm2odoo.sources.base import FieldInfo, FieldProblem, SourceRecord
from crm2odoo.sources.ontraport.decode import decode_decimal
from crm2odoo.textnorm import fold

LINE_FIELDS: tuple[FieldInfo, ...] = (
    FieldInfo("id", "ID", "id", required=True),
    FieldInfo("invoice_id", "Invoice", "ref", ref_object="invoice"),
    FieldInfo("product_id", "Product", "ref", ref_object="product"),
    FieldInfo("contact_id", "Contact", "ref", ref_object="contact"),
    FieldInfo("name", "Name", "text"), FieldInfo("quantity", "Quantity", "float"),
    FieldInfo("price", "Price", "money"), FieldInfo("total_price", "Total", "money"),
    FieldInfo("tax_rate", "Tax rate", "percent"), FieldInfo("date", "Date", "datetime"),
)
PAYMENT_FIELDS: tuple[FieldInfo, ...] = (
    FieldInfo("id", "ID", "id", required=True),
    FieldInfo("invoice_id", "Invoice", "ref", ref_object="invoice"),
    FieldInfo("contact_id", "Contact", "ref", ref_object="contact"),
    FieldInfo("amount", "Amount", "money"), FieldInfo("date", "Date", "datetime"),
    FieldInfo("status", "Invoice status", "text"),
)
#: statuses under which money was received at some point: paid, refunded, partially refunded (codes and labels)
PAID_CODES = frozenset({"1", "2", "3"})
PAID_LABELS = frozenset({"paid", "refunded", "partially refunded"})
REFUNDED_CODES, REFUNDED_LABELS = frozenset({"2"}), frozenset({"refunded"})
PARTLY_REFUNDED_CODES, PARTLY_REFUNDED_LABELS = frozenset({"3"}), frozenset({"partially refunded"})
#: a Purchase (17) whose status says its money went back
PURCHASE_REFUNDED = frozenset({"4", "refunded"})
REFUND_SUFFIX = "-refund"


def received_money(status: Any) -> bool:
    text = "" if status is None else str(status).strip()
    return text in PAID_CODES or fold(text) in PAID_LABELS


def tax_rate(transaction: Mapping[str, Any]) -> float | None:
    """A transaction's tax as a percentage of its subtotal (None when the amounts cannot be read)."""
    try:
        subtotal, tax = _decimal(transaction.get("subtotal")), _decimal(transaction.get("tax"))
    except ValueError:
        return None
    if tax is None or not tax:
        return 0.0
    return float(round(tax / subtotal * 100, 2)) if subtotal else None


def line_records(txn: str, row: Mapping[str, Any], *, when: dt.datetime | None, modified: dt.datetime | None,
                 locator: str, wanted: Collection[str] | None = None) -> Iterator[SourceRecord]:
    raw_offer = row.get("offer_data")
    try:
        offer = json.loads(str(raw_offer or "{}"))
        products = (offer.get("products") or []) if isinstance(offer, dict) else []
    except ValueError:
        yield SourceRecord("invoice_line", f"{txn}-0", {"id": f"{txn}-0", "invoice_id": txn},
                           locator=f"{locator} offer_data", modified_at=modified,
                           problems=[FieldProblem("offer_data", "offer_data is not JSON", str(raw_offer)[:200])])
        return
    if not products:
        # no product detail (an export without offer data): one line for the subtotal keeps the source's total
        products = [{"name": f"Transaction {txn}", "quantity": "1", "price": row.get("subtotal")}]
    for n, product in enumerate(products, start=1):
        lid = f"{txn}-{n}"
        if wanted is not None and lid not in wanted:
            continue
        yield _line(lid, txn, row, product, when=when, modified=modified, locator=f"{locator} line {lid}")
    shipping = shipping_line(txn, row, when=when, modified=modified, locator=locator)
    if shipping is not None and (wanted is None or shipping.id in wanted):
        yield shipping


def shipping_line(txn: str, row: Mapping[str, Any], *, when: dt.datetime | None, modified: dt.datetime | None,
                  locator: str) -> SourceRecord | None:
    """Shipping is part of the total the customer paid: a line of its own keeps the invoice equal to it."""
    try:
        shipping = _decimal(row.get("shipping"))
    except ValueError:
        return None  # the transaction itself reports the unreadable amount
    if not shipping:
        return None
    lid = f"{txn}-shipping"
    return _line(lid, txn, row, {"name": "Shipping", "quantity": "1", "price": str(shipping), "shipping": True},
                 when=when, modified=modified, locator=f"{locator} shipping")


def payment_record(txn: str, row: Mapping[str, Any], *, when: dt.datetime | None, modified: dt.datetime | None,
                   status_label: str | None, locator: str) -> SourceRecord:
    problems: list[FieldProblem] = []
    try:
        amount = _decimal(row.get("total"))
    except ValueError as err:
        amount = None
        problems.append(FieldProblem("amount", str(err), str(row.get("total"))[:200]))
    values: dict[str, Any] = {"id": txn, "invoice_id": txn, "contact_id": _ref(row.get("contact_id")),
                              "amount": amount, "date": when, "status": status_label}
    return SourceRecord("payment", txn, values, locator=f"{locator} (payment)", modified_at=modified,
                        problems=problems)


def refund_kind(status: Any) -> str | None:
    """'full', 'partial' or None, from a transaction's status code or label."""
    text = "" if status is None else str(status).strip()
    if text in REFUNDED_CODES or fold(text) in REFUNDED_LABELS:
        return "full"
    if text in PARTLY_REFUNDED_CODES or fold(text) in PARTLY_REFUNDED_LABELS:
        return "partial"
    return None


def refund_record(txn: str, row: Mapping[str, Any], *, when: dt.datetime | None, modified: dt.datetime | None,
                  status_label: str | None, locator: str, refunded: Decimal | None) -> SourceRecord | None:
    """The money a refunded transaction sent back, as a payment below zero. A full refund is the total; a partial
    one what its refunded Purchases come to (``refunded``, with the transaction's tax), which an account without
    Purchases does not say: then the record carries the problem instead of a made-up amount. Dated when the
    transaction last changed (the refund changed it), else its own date."""
    kind = refund_kind(row.get("status"))
    if kind is None:
        return None
    problems: list[FieldProblem] = []
    amount: Decimal | None = None
    try:
        total = _decimal(row.get("total"))
    except ValueError:
        total = None  # the payment of the same transaction reports the unreadable total
    if kind == "full":
        amount = total
    elif refunded is not None:
        rate = tax_rate(row) or 0.0
        amount = (refunded * (1 + Decimal(str(rate)) / 100)).quantize(Decimal("0.01"))
        amount = min(amount, total) if total is not None else amount
    else:
        # a record-level problem: quarantined with this reason, never registered with a guessed amount
        problems.append(FieldProblem(None, "partially refunded, but the source does not say how much (no refunded "
                                     "Purchases for this transaction): add the credit note in Odoo by hand",
                                     str(row.get("status"))[:200]))
    rid = f"{txn}{REFUND_SUFFIX}"
    values: dict[str, Any] = {"id": rid, "invoice_id": txn, "contact_id": _ref(row.get("contact_id")),
                              "amount": -amount if amount is not None else None, "date": modified or when,
                              "status": status_label}
    return SourceRecord("payment", rid, values, locator=f"{locator} (refund)", modified_at=modified,
                        problems=problems)


def _line(lid: str, txn: str, row: Mapping[str, Any], product: Any, *, when: dt.datetime | None,
          modified: dt.datetime | None, locator: str) -> SourceRecord:
    problems: list[FieldProblem] = []
    p = product if isinstance(product, Mapping) else {}
    prices = p.get("price")
    unit_raw = prices[0].get("price") if isinstance(prices, list) and prices and isinstance(prices[0], Mapping) \
        else prices
    values: dict[str, Any] = {"id": lid, "invoice_id": txn, "product_id": _ref(p.get("id")),
                              "contact_id": _ref(row.get("contact_id")), "name": p.get("name") or None,
                              "date": when}
    for key, raw, conv in (("quantity", p.get("quantity"), "float"), ("price", unit_raw, "money"),
                           ("total_price", p.get("total"), "money")):
        try:
            number = _decimal(raw)
            values[key] = float(number) if conv == "float" and number is not None else number
        except ValueError as err:
            values[key] = None
            problems.append(FieldProblem(key, str(err), str(raw)[:200]))
    # the transaction's tax as a rate on each line: Odoo then adds exactly that (0 % means no tax, not its default);
    # Ontraport taxes the products, not the shipping
    values["tax_rate"] = 0.0 if p.get("shipping") else tax_rate(row)
    return SourceRecord("invoice_line", lid, values, locator=locator, modified_at=modified, problems=problems)


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Decimal(str(raw))
    return decode_decimal(raw)


def _ref(raw: Any) -> str | None:
    text = "" if raw is None else str(raw).strip()
    return None if text in ("", "0") else text
