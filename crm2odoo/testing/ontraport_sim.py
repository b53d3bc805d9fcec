"""A fake Ontraport REST API (v1) on 127.0.0.1, a deterministic account generator and a UI-CSV export writer.

The simulator reproduces what the connector depends on, per the reference notes: the two auth headers,
the ``{"code":0,"data":...,"account_id":...}`` envelope with string scalars, ``start``/``range`` paging
capped at 50, ``sort``/``sortDir``, JSON and legacy string ``condition`` filters, ``ids``, ``listFields``,
``/objects/meta`` and ``/objects/getInfo`` (generic and per named alias), a rolling rate limit with
``X-Rate-Limit-*`` headers and 429, and injected faults (500, 502, dropped connections) that are
deterministic for a seed.

Users of a generated account: ``owner1@example.com`` (Ayşe Yılmaz) and ``owner2@example.com`` (Jürgen Groß)
are meant to exist in Odoo; ``owner3@example.com`` (Chris Unmatched) deliberately has no Odoo user, so the
owner queue is exercised.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crm2odoo.testing.loopback import LoopbackServer

AUTH_FAILED = "Your App ID and API Key do not authenticate."

# ---------------------------------------------------------------------------------------------- schema


def _f(alias: str, type_: str, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"alias": alias, "type": type_, "required": "0", "unique": "0", "editable": "1",
                           "deletable": "0"}
    out.update(extra)
    return out


_STAMPS = {"date": _f("Date Added", "timestamp"), "dlm": _f("Date Modified", "timestamp")}
_OWNER = {"owner": _f("Owner", "parent", parent_object="2")}

SALES_STAGES = {"1": "New Prospect", "2": "Qualified Lead", "3": "Demo Scheduled", "4": "Consideration",
                "5": "Committed", "6": "Closed - Won", "7": "Closed - Lost"}
PIPELINES = {"701": "New Business", "702": "Renewals"}


def _schema() -> dict[int, dict[str, Any]]:
    """objectID -> {'name', 'plural', 'id_key', 'fields'}; field dicts are /objects/meta entries."""
    contact = {
        "firstname": _f("First Name", "text"), "lastname": _f("Last Name", "text"), "email": _f("Email", "email"),
        "title": _f("Title", "text"), "company": _f("Company", "text"), "address": _f("Address", "address"),
        "city": _f("City", "text"), "state": _f("State", "state"), "zip": _f("Zip Code", "text"),
        "country": _f("Country", "country"), "office_phone": _f("Office Phone", "phone"),
        "sms_number": _f("SMS Number", "sms"), "website": _f("Website", "url"),
        "birthday": _f("Birthday", "fulldate"), **_STAMPS, **_OWNER,
        "contact_cat": _f("Contact Tags", "subscription"),
        "priority": _f("Priority", "drop", options={"8": "High", "9": "Medium", "10": "Low"}),
        "bulk_mail": _f("Email Status", "drop", options={"0": "Transactional Only", "1": "Single Opt-in",
                                                          "2": "Double Opt-in", "-2": "Hard Bounce",
                                                          "-5": "Under Review"}),
        "company_id": _f("Company Record", "parent", parent_object="150"),
        "unique_id": _f("Unique ID", "text", editable="0"),
        "f1557": _f("Plan", "drop", options={"586": "Gold", "587": "Silver", "588": "Bronze"}),
        "f1558": _f("Interests", "list", options={"601": "Real Estate", "602": "Finance", "603": "Travel",
                                                   "604": "Yazılım", "605": "Gärten"}),
        "f1559": _f("Renewal Date", "fulldate"), "f1560": _f("Lead Score", "numeric"),
        "f1561": _f("Referral Code", "text"), "f1562": _f("VIP", "check"),
    }
    return {
        0: {"name": "Contact", "plural": "Contacts", "fields": contact},
        1: {"name": "Task", "plural": "Tasks", "fields": {
            "subject": _f("Subject", "text"), "details": _f("Details", "longtext"), **_OWNER,
            "contact_id": _f("Contact", "parent", parent_object="0"), "object_type_id": _f("Object Type", "numeric"),
            "date_assigned": _f("Date Assigned", "timestamp"), "date_due": _f("Due Date", "timestamp"),
            "date_complete": _f("Date Completed", "timestamp"),
            "status": _f("Status", "drop", options={"0": "Pending", "1": "Complete", "2": "Cancelled"}),
            **_STAMPS}},
        2: {"name": "User", "plural": "Users", "fields": {
            "firstname": _f("First Name", "text"), "lastname": _f("Last Name", "text"),
            "email": _f("Email", "email"), "date": _f("Date Added", "timestamp")}},
        4: {"name": "Log item", "plural": "LogItems", "fields": {
            "contact_id": _f("Contact", "parent", parent_object="0"),
            "type": _f("Type", "drop", options={"1": "Email Open", "2": "Link Click", "3": "Form Submission"}),
            "item_name": _f("Item", "text"), "date": _f("Date", "timestamp")}},
        5: {"name": "Sequence", "plural": "Sequences", "fields": {
            "name": _f("Name", "text"), "steps": _f("Steps", "numeric"), "date": _f("Date Added", "timestamp")}},
        6: {"name": "Rule", "plural": "Rules", "fields": {
            "name": _f("Name", "text"), "events": _f("Events", "longtext"), "conditions": _f("Conditions", "longtext"),
            "actions": _f("Actions", "longtext"), "pause": _f("Paused", "check"),
            "object_type_id": _f("Object Type", "numeric")}},
        7: {"name": "Message", "plural": "Messages", "fields": {
            "alias": _f("Name", "text"), "subject": _f("Subject", "text"), "type": _f("Type", "text")}},
        8: {"name": "Sequence subscriber", "plural": "SequenceSubscribers", "fields": {
            "contact_id": _f("Contact", "parent", parent_object="0"), "drip_id": _f("Sequence", "parent",
                                                                                  parent_object="5"),
            "status": _f("Status", "drop", options={"0": "Active", "1": "Paused", "2": "Completed"}),
            "date": _f("Date Added", "timestamp")}},
        12: {"name": "Note", "plural": "Notes", "fields": {
            "contact_id": _f("Contact", "parent", parent_object="0"), "data": _f("Note", "longtext"),
            "author": _f("Author", "parent", parent_object="2"), "object_type_id": _f("Object Type", "numeric"),
            **_STAMPS}},
        14: {"name": "Tag", "plural": "Tags", "id_key": "tag_id", "fields": {
            "tag_id": _f("Tag ID", "numeric"), "tag_name": _f("Tag Name", "text"),
            "object_type_id": _f("Object Type", "numeric")}},
        16: {"name": "Product", "plural": "Products", "fields": {
            "name": _f("Product Name", "text"), "price": _f("Price", "price"), "sku": _f("SKU", "text"),
            "description": _f("Product Description", "longtext"), "taxable": _f("Taxable", "check"), **_STAMPS}},
        17: {"name": "Purchase", "plural": "Purchases", "fields": {
            "contact_id": _f("Contact", "parent", parent_object="0"),
            "product_id": _f("Product", "parent", parent_object="16"),
            "invoice_id": _f("Invoice", "parent", parent_object="46"), "name": _f("Name", "text"),
            "price": _f("Price", "price"), "quantity": _f("Quantity", "numeric"),
            "discount": _f("Discount", "price"), "total_price": _f("Total", "price"),
            "status": _f("Status", "drop", options={"0": "Collections", "1": "Paid", "2": "Declined",
                                                     "3": "Voided", "4": "Refunded"}), **_STAMPS}},
        20: {"name": "Landing page", "plural": "LandingPages", "fields": {
            "name": _f("Name", "text"), "domain": _f("Domain", "text"), "visits_0": _f("Visits", "numeric")}},
        22: {"name": "Form", "plural": "Forms", "id_key": "form_id", "fields": {
            "form_id": _f("Form ID", "numeric"), "formname": _f("Name", "text"), "type": _f("Type", "numeric"),
            "fillouts": _f("Fillouts", "numeric"), "visits": _f("Visits", "numeric")}},
        46: {"name": "Transaction", "plural": "Transactions", "fields": {
            "contact_id": _f("Contact", "parent", parent_object="0"),
            "status": _f("Status", "drop", options={"0": "Unpaid", "1": "Paid", "2": "Refunded",
                                                     "3": "Partially Refunded", "4": "Void", "5": "Declined",
                                                     "6": "Written Off", "7": "Pending"}),
            "subtotal": _f("Subtotal", "price"), "tax": _f("Tax", "price"), "shipping": _f("Shipping", "price"),
            "total": _f("Total", "price"), "offer_data": _f("Offer Data", "longtext"), **_STAMPS}},
        138: {"name": "Tag subscriber", "plural": "TagSubscribers", "fields": {
            "object_id": _f("Record", "numeric"), "tag_id": _f("Tag", "parent", parent_object="14"),
            "object_type_id": _f("Object Type", "numeric")}},
        140: {"name": "Campaign", "plural": "CampaignBuilderItems", "fields": {
            "name": _f("Name", "text"), "subscribers": _f("Subscribers", "numeric"), "pause": _f("Paused", "check"),
            **_STAMPS}},
        149: {"name": "Deal", "plural": "Deals", "fields": {
            "name": _f("Deal Name", "text"), "value": _f("Deal Value", "price"),
            "expected_close_date": _f("Expected Close Date", "fulldate"),
            "actual_close_date": _f("Actual Close Date", "fulldate"),
            "expected_win_percent": _f("Expected Win %", "numeric"),
            "primary_contact": _f("Primary Contact", "parent", parent_object="0"),
            "company": _f("Deal Company", "parent", parent_object="150"),
            "sales_stage": _f("Sales Stage", "drop", options=dict(SALES_STAGES)), **_OWNER, **_STAMPS,
            "f2101": _f("Pipeline", "drop", options=dict(PIPELINES)),
            "f2102": _f("Deal Source", "text")}},
        150: {"name": "Company", "plural": "Companies", "fields": {
            "name": _f("Company Name", "text"), "phone": _f("Phone", "phone"), "industry": _f("Industry", "text"),
            "description": _f("Description", "longtext"), "annual_revenue": _f("Annual Revenue", "price"),
            "employee_count": _f("Employee Count", "numeric"), "address": _f("Address", "address"),
            "city": _f("City", "text"), "state": _f("State", "state"), "zipcode": _f("Zip Code", "text"),
            "country": _f("Country", "country"), **_OWNER, **_STAMPS}},
        10000: {"name": "Property", "plural": "Properties", "fields": {
            "f3001": _f("Property Name", "text"), "f3002": _f("Asking Price", "price"),
            "f3003": _f("Contact", "parent", parent_object="0"),
            "f3004": _f("Property Type", "drop", options={"801": "House", "802": "Apartment", "803": "Land"}),
            "f3005": _f("Listed On", "fulldate"), **_OWNER, **_STAMPS}},
    }


# ---------------------------------------------------------------------------------------------- account


@dataclass
class OntraportAccount:
    """All records of one simulated account, as the API stores them: string maps keyed by objectID and id."""

    account_id: int
    schema: dict[int, dict[str, Any]]
    records: dict[int, dict[int, dict[str, str]]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def id_key(self, object_id: int) -> str:
        return str(self.schema[object_id].get("id_key", "id"))

    def rows(self, object_id: int) -> list[dict[str, str]]:
        with self.lock:
            return [dict(r) for _, r in sorted(self.records.get(object_id, {}).items())]

    def _stamp(self, row: dict[str, str]) -> None:
        now = int(time.time())
        row["dlm"] = str(max(now, int(row.get("dlm") or 0) + 1))

    def touch(self, contact_id: int | str, **changes: Any) -> dict[str, str]:
        """Modify a contact (or nothing but its dlm), as a user editing it in the UI would."""
        return self.update(0, contact_id, **changes)

    def update(self, object_id: int, record_id: int | str, **changes: Any) -> dict[str, str]:
        with self.lock:
            row = self.records[object_id][int(record_id)]
            row.update({k: str(v) for k, v in changes.items()})
            if "dlm" in self.schema[object_id]["fields"]:
                self._stamp(row)
            return dict(row)

    def add(self, object_id: int, **values: Any) -> int:
        with self.lock:
            table = self.records.setdefault(object_id, {})
            new_id = max(table, default=0) + 1
            row = {self.id_key(object_id): str(new_id)}
            row.update({k: str(v) for k, v in values.items()})
            fields = self.schema[object_id]["fields"]
            for key in fields:
                row.setdefault(key, "")
            if "date" in fields and not row.get("date"):
                row["date"] = str(int(time.time()))
            if "dlm" in fields:
                self._stamp(row)
            table[new_id] = row
            return new_id

    def delete(self, object_id: int, record_id: int | str) -> None:
        with self.lock:
            self.records.get(object_id, {}).pop(int(record_id), None)

    def rekey(self, object_id: int, key: str) -> None:
        """Give an object another key field (as some accounts' custom objects have): rows and schema both."""
        with self.lock:
            old = self.id_key(object_id)
            spec = self.schema[object_id]
            spec["id_key"] = key
            fields = spec["fields"]
            fields[key] = fields.pop(old) if old in fields else _f(f"{spec['name']} ID", "numeric")
            for rid, row in self.records.get(object_id, {}).items():
                self.records[object_id][rid] = {key if k == old else k: v for k, v in row.items()}


_FIRST = ["Ayşe", "Mehmet", "Zeynep", "İsmail", "Jürgen", "Käthe", "Maria", "John", "Émilie", "Łukasz",
          "Özlem", "Günther", "Sophie", "Çağla", "Noah", "Liam", "Ава", "Ömer", "Ilse", "Şule"]
_LAST = ["Yılmaz", "Öztürk", "Müller", "Schäfer", "Smith", "Doğan", "Weiß", "Çelik", "García", "Brown",
         "Groß", "Kaya", "Nguyen", "Fischer", "Demir", "O'Brien", "Şahin", "Lee", "Koç", "Björk"]
_CITIES = [("İstanbul", "TR"), ("Ankara", "TR"), ("München", "DE"), ("Köln", "DE"), ("Austin", "US"),
           ("Zürich", "CH"), ("Izmir", "TR"), ("Düsseldorf", "DE")]
_INDUSTRIES = ["Software", "Real Estate", "Manufacturing", "Retail", "Consulting", "Tekstil"]
_TAGS = ["Customer", "Prospect", "Newsletter", "VIP 🌟", "Webinar 2024", "Müşteri", "Partner"]
#: tags of deals (object_type_id 149): Ontraport keeps them in the same Tag table, joined through Tag Subscribers
_DEAL_TAGS = ["Hot", "Renewal", "Upsell 🚀", "Partner"]
_NOTE_TEXTS = [
    "Called, left a voicemail.",
    "<p>Met at the <b>trade fair</b>; wants a quote.</p>",
    "Follow-up: sent brochure 📎",
    "<p>Requested demo</p><script>alert('x')</script>",
    "Görüşme yapıldı, teklif bekliyor.",
    "Rückruf am Montag vereinbart.",
]
_BASE = int(dt.datetime(2021, 1, 4, tzinfo=dt.UTC).timestamp())
_DAY = 86400


def generate_account(
    seed: int = 1,
    contacts: int = 120,
    companies: int = 20,
    deals: int = 40,
    *,
    notes_per_contact: int = 3,
    products: int = 8,
    transactions: int = 30,
    properties: int = 15,
) -> OntraportAccount:
    """A deterministic, realistic account: same seed, same data."""
    rnd = random.Random(seed)
    tag_rnd = random.Random(seed * 7919 + 1)  # deal tags draw apart, so adding them changed no other record
    account = OntraportAccount(account_id=50 + seed, schema=_schema())
    rec = account.records

    def put(object_id: int, row: dict[str, Any]) -> None:
        fields = account.schema[object_id]["fields"]
        key = account.id_key(object_id)
        full = {key: str(row[key])}
        for name in fields:
            value = row.get(name, "")
            full[name] = "" if value is None else str(value)
        rec.setdefault(object_id, {})[int(row[key])] = full

    def stamp(lo: int = 0, hi: int = 1300) -> int:
        return _BASE + rnd.randint(lo, hi) * _DAY + rnd.randint(0, _DAY - 1)

    users = [(1, "Ayşe", "Yılmaz", "owner1@example.com"), (2, "Jürgen", "Groß", "owner2@example.com"),
             (3, "Chris", "Unmatched", "owner3@example.com")]
    for uid, first, last, email in users:
        put(2, {"id": uid, "firstname": first, "lastname": last, "email": email, "date": _BASE})
    for i, name in enumerate(_TAGS, start=1):
        put(14, {"tag_id": i, "tag_name": name, "object_type_id": 0})
    deal_tag_ids = list(range(len(_TAGS) + 1, len(_TAGS) + len(_DEAL_TAGS) + 1))
    for i, name in zip(deal_tag_ids, _DEAL_TAGS, strict=True):
        put(14, {"tag_id": i, "tag_name": name, "object_type_id": 149})
    subscription_id = 0

    def subscribe(object_type: int, record_id: int, tag_ids: list[int]) -> None:
        nonlocal subscription_id
        for tag in tag_ids:
            subscription_id += 1
            put(138, {"id": subscription_id, "object_id": record_id, "tag_id": tag, "object_type_id": object_type})
    for cid in range(1, companies + 1):
        city, country = rnd.choice(_CITIES)
        created = stamp(0, 400)
        put(150, {"id": cid, "name": f"{rnd.choice(_LAST)} {rnd.choice(['GmbH', 'A.Ş.', 'LLC', 'Ltd'])} {cid}",
                  "phone": f"+90 212 555 {cid:04d}", "industry": rnd.choice(_INDUSTRIES),
                  "description": "Key account\nSince 2019" if cid % 4 == 0 else "",
                  "annual_revenue": f"{rnd.randint(1, 900) * 1000}.00", "employee_count": str(rnd.randint(2, 500)),
                  "address": f"Street {cid}", "city": city, "state": "", "zipcode": f"{34000 + cid}",
                  "country": country, "owner": rnd.randint(1, 3), "date": created,
                  "dlm": created + rnd.randint(0, 200) * _DAY})
    for n in range(1, contacts + 1):
        first, last = rnd.choice(_FIRST), rnd.choice(_LAST)
        city, country = rnd.choice(_CITIES)
        created = stamp(0, 900)
        tags = rnd.sample(range(1, len(_TAGS) + 1), rnd.randint(0, 3))
        interests = rnd.sample(["601", "602", "603", "604", "605"], rnd.randint(0, 2))
        ascii_first = first.encode("ascii", "ignore").decode().lower() or "x"
        put(0, {
            "id": n, "firstname": first, "lastname": last,
            "email": f"{ascii_first}.{n}@example.{'com' if n % 3 else 'de'}" if n % 17 else "",
            "title": rnd.choice(["CEO", "Müdür", "Einkäufer", "", "Sales Manager"]),
            "company": "" if n % 5 == 0 else f"Company text {n % companies + 1}",
            "address": f"{rnd.randint(1, 200)} Main St", "city": city, "state": "", "zip": f"{10000 + n}",
            "country": country, "office_phone": f"+49 30 {n:07d}" if n % 2 else "",
            "sms_number": f"+90 532 {n:07d}" if n % 3 == 0 else "", "website": "https://example.org" if n % 7 == 0 else "",
            "birthday": str(_BASE - rnd.randint(7000, 20000) * _DAY // _DAY * _DAY) if n % 4 == 0 else "0",
            "date": created, "dlm": created + rnd.randint(0, 300) * _DAY, "owner": rnd.randint(1, 3),
            "contact_cat": "*/*" + "*/*".join(str(t) for t in tags) + "*/*" if tags else "",
            "priority": rnd.choice(["0", "8", "9", "10"]), "bulk_mail": rnd.choice(["0", "1", "2", "-2"]),
            "company_id": str(rnd.randint(1, companies)) if companies and n % 5 else "0",
            "unique_id": f"U{seed:02d}{n:07d}",
            "f1557": rnd.choice(["586", "587", "588", "0"]),
            "f1558": "*/*" + "*/*".join(interests) + "*/*" if interests else "",
            "f1559": str((_BASE // _DAY + rnd.randint(500, 1500)) * _DAY) if n % 3 else "",
            "f1560": str(rnd.randint(0, 100)) if n % 6 else f"{rnd.randint(0, 100)}.5",
            "f1561": f"REF-{n:05d}" if n % 2 else "", "f1562": "1" if n % 9 == 0 else "0",
        })
        subscribe(0, n, tags)
    note_id = task_id = log_id = sub_id = 0
    for n in range(1, contacts + 1):
        for k in range(rnd.randint(0, notes_per_contact)):
            note_id += 1
            created = stamp(300, 1200)
            put(12, {"id": note_id, "contact_id": n, "data": rnd.choice(_NOTE_TEXTS) + (f" #{k}" if k else ""),
                     "author": rnd.randint(1, 3), "object_type_id": 0, "date": created, "dlm": created})
        if n % 3 == 0:
            task_id += 1
            done = task_id % 2 == 0
            due = stamp(900, 1400)
            put(1, {"id": task_id, "subject": f"Call {n}", "details": "Discuss renewal", "owner": rnd.randint(1, 3),
                    "contact_id": n, "object_type_id": 0, "date_assigned": due - 5 * _DAY, "date_due": due,
                    "date_complete": due - _DAY if done else "0", "status": "1" if done else "0",
                    "date": due - 5 * _DAY, "dlm": due})
        for _ in range(n % 3):
            log_id += 1
            put(4, {"id": log_id, "contact_id": n, "type": str(rnd.randint(1, 3)),
                    "item_name": rnd.choice(["Welcome email", "https://example.org/offer", "Contact form"]),
                    "date": stamp(500, 1300)})
        if n % 4 == 0:
            sub_id += 1
            put(8, {"id": sub_id, "contact_id": n, "drip_id": 1 + n % 2, "status": str(n % 3),
                    "date": stamp(500, 1300)})
    for d in range(1, deals + 1):
        stage = str(rnd.randint(1, 7))
        created = stamp(200, 1000)
        closed = created + rnd.randint(10, 120) * _DAY
        put(149, {"id": d, "name": f"Deal {d} – {rnd.choice(['Lizenz', 'Kurulum', 'Upgrade 🚀', 'Consulting'])}",
                  "value": f"{rnd.randint(5, 500) * 100}.{rnd.choice(['00', '50', '99'])}",
                  "expected_close_date": str(closed // _DAY * _DAY),
                  "actual_close_date": str(closed // _DAY * _DAY) if stage in ("6", "7") else "0",
                  "expected_win_percent": str({"6": 100, "7": 0}.get(stage, int(stage) * 12)),
                  "primary_contact": rnd.randint(1, contacts) if contacts else 0,
                  "company": rnd.randint(1, companies) if companies and d % 4 else 0,
                  "sales_stage": stage, "owner": rnd.randint(1, 3), "date": created, "dlm": created + 3 * _DAY,
                  "f2101": "701" if d % 3 else "702", "f2102": rnd.choice(["Web", "Referral", "Messe", ""])})
        subscribe(149, d, tag_rnd.sample(deal_tag_ids, tag_rnd.randint(0, 2)))
    for p in range(1, products + 1):
        put(16, {"id": p, "name": f"Product {p}{' ✓' if p == 2 else ''}", "price": f"{p * 25}.00",
                 "sku": f"SKU-{p:03d}", "description": "", "taxable": str(p % 2), "date": _BASE, "dlm": _BASE})
    purchase_id = 0
    for t in range(1, transactions + 1):
        lines = []
        for _ in range(rnd.randint(1, 3)):
            pid = rnd.randint(1, products)
            qty = rnd.randint(1, 4)
            lines.append((pid, qty, _money(pid * 25)))
        subtotal = sum(q * pid * 25 for pid, q, _ in lines)
        status = rnd.choice(["0", "1", "1", "1", "2"])
        when = stamp(300, 1300)
        contact = rnd.randint(1, contacts) if contacts else 0
        offer = {"products": [{"id": str(pid), "name": f"Product {pid}", "quantity": str(q),
                               "price": [{"price": price, "payment_count": "1", "unit": "month"}],
                               "total": f"{q * pid * 25}.00"} for pid, q, price in lines]}
        shipping = tag_rnd.choice([0, 0, 990])  # cents: some orders were shipped
        put(46, {"id": t, "contact_id": contact, "status": status, "subtotal": f"{subtotal}.00", "tax": "0.00",
                 "shipping": f"{shipping // 100}.{shipping % 100:02d}",
                 "total": f"{subtotal + shipping // 100}.{shipping % 100:02d}", "offer_data": json.dumps(offer),
                 "date": when, "dlm": when})
        for pid, q, price in lines:
            purchase_id += 1
            put(17, {"id": purchase_id, "contact_id": contact, "product_id": pid, "invoice_id": t,
                     "name": f"Product {pid}", "price": price, "quantity": str(q), "discount": "0.00",
                     "total_price": f"{q * pid * 25}.00", "status": {"1": "1", "2": "4"}.get(status, "0"),
                     "date": when, "dlm": when})
    for x in range(1, properties + 1):
        created = stamp(100, 1000)
        put(10000, {"id": x, "f3001": f"Villa {rnd.choice(['Boğaziçi', 'Seeblick', 'Sunset'])} {x}",
                    "f3002": f"{rnd.randint(100, 900) * 1000}.00", "f3003": rnd.randint(1, contacts) if contacts else 0,
                    "f3004": rnd.choice(["801", "802", "803"]), "f3005": str((created // _DAY) * _DAY),
                    "owner": rnd.randint(1, 3), "date": created, "dlm": created})
    put(6, {"id": 1, "name": "Tag new leads", "events": "Contact is added to the database",
            "conditions": "Email contains @", "actions": "Add tag Prospect", "pause": "0", "object_type_id": 0})
    put(6, {"id": 2, "name": "Notify owner on purchase", "events": "Contact purchases product",
            "conditions": "", "actions": "Send email to owner*/*Add tag Customer", "pause": "1", "object_type_id": 0})
    put(5, {"id": 1, "name": "Welcome series", "steps": "5", "date": _BASE})
    put(5, {"id": 2, "name": "Hoş geldin serisi", "steps": "3", "date": _BASE})
    put(140, {"id": 1, "name": "Webinar funnel", "subscribers": "42", "pause": "0", "date": _BASE, "dlm": _BASE})
    put(22, {"form_id": 1, "formname": "Contact us", "type": "11", "fillouts": "17", "visits": "300"})
    put(20, {"id": 1, "name": "Spring offer", "domain": "offers.example.org", "visits_0": "120"})
    put(7, {"id": 1, "alias": "Welcome email", "subject": "Willkommen!", "type": "e-mail"})
    return account


#: Payments (227, since 2025): one row per charge or refund of a transaction; a refund is an amount below zero
PAYMENT_OBJECT = {"name": "Payment", "plural": "Payments", "fields": {
    "transaction_id": _f("Transaction", "parent", parent_object="46"),
    "contact_id": _f("Contact", "parent", parent_object="0"), "amount": _f("Amount", "price"), **_STAMPS}}


def add_payments(account: OntraportAccount, payments: list[tuple[int, str, int]]) -> None:
    """Give the account a Payments object holding (transaction id, amount, unix time) rows, ids from 1."""
    account.schema[227] = PAYMENT_OBJECT
    rows = account.records.setdefault(227, {})
    for pid, (txn, amount, when) in enumerate(payments, start=len(rows) + 1):
        contact = account.records[46][txn]["contact_id"]
        rows[pid] = {"id": str(pid), "transaction_id": str(txn), "contact_id": contact, "amount": amount,
                     "date": str(when), "dlm": str(when)}


def _money(amount: int) -> str:
    return f"{amount}.00"


# ---------------------------------------------------------------------------------------------- conditions


class BadRequest(Exception):
    pass


def _num(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _compare(actual: str, op: str, expected: Any) -> bool:
    if op in ("IN", "NOT IN"):
        items = [str(v) for v in expected]
        hit = actual in items or any(_num(actual) is not None and _num(actual) == _num(v) for v in items)
        return hit if op == "IN" else not hit
    if op == "IS":
        return (actual in ("", "0")) == (str(expected).upper() == "NULL")
    if op == "LIKE":
        pattern = "^" + re.escape(str(expected)).replace("%", ".*") + "$"
        return re.match(pattern, actual, re.IGNORECASE) is not None
    a, b = _num(actual), _num(str(expected))
    left: Any = a if a is not None and b is not None else actual
    right: Any = b if a is not None and b is not None else str(expected)
    return bool({"=": left == right, "<>": left != right, ">": left > right, "<": left < right,
            ">=": left >= right, "<=": left <= right}[op])


_OPS = ("NOT IN", "IN", "IS", "LIKE", "<>", ">=", "<=", "=", ">", "<")


def parse_condition(text: str, fields: set[str]) -> list[Any]:
    """Parse a JSON condition or the legacy SQL-like string into [clause, 'AND'|'OR', clause, ...]."""
    text = text.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as err:
            raise BadRequest(f"condition is not valid JSON: {err}") from None
        out: list[Any] = []
        for item in items:
            if isinstance(item, str):
                if item.upper() not in ("AND", "OR"):
                    raise BadRequest(f"bad condition joiner {item!r}")
                out.append(item.upper())
                continue
            try:
                name = item["field"]["field"]
                op = str(item["op"]).upper()
                value = item["value"]
            except (KeyError, TypeError):
                raise BadRequest("malformed condition clause") from None
            if op not in _OPS:
                raise BadRequest(f"unknown operator {op}")
            if isinstance(value, dict) and "list" in value:
                expected: Any = [v["value"] if isinstance(v, dict) else v for v in value["list"]]
            elif isinstance(value, dict):
                expected = value.get("value")
            else:
                expected = value
            out.append((name, op, expected))
        return _check_fields(out, fields)
    out = []
    for part in re.split(r"\s+(AND|OR)\s+", text, flags=re.IGNORECASE):
        if part.upper() in ("AND", "OR"):
            out.append(part.upper())
            continue
        m = re.match(r"^\s*(\w+)\s*(NOT IN|IN|IS|LIKE|<>|>=|<=|=|>|<)\s*(.+?)\s*$", part, re.IGNORECASE)
        if not m:
            raise BadRequest(f"cannot parse condition {part!r}")
        name, op, raw = m.group(1), m.group(2).upper(), m.group(3)
        expected = ([v.strip().strip("'\"") for v in raw.strip("()").split(",")] if op in ("IN", "NOT IN")
                    else raw.strip("'\""))
        out.append((name, op, expected))
    return _check_fields(out, fields)


def _check_fields(clauses: list[Any], fields: set[str]) -> list[Any]:
    for c in clauses:
        if isinstance(c, tuple) and c[0] not in fields:
            raise BadRequest(f"unknown field {c[0]!r} in condition")
    return clauses


def matches(row: dict[str, str], clauses: list[Any]) -> bool:
    result: bool | None = None
    joiner = "AND"
    for c in clauses:
        if isinstance(c, str):
            joiner = c
            continue
        hit = _compare(row.get(c[0], ""), c[1], c[2])
        result = hit if result is None else (result and hit if joiner == "AND" else result or hit)
    return True if result is None else result


# ---------------------------------------------------------------------------------------------- server


@dataclass
class Faults:
    """Share of requests (0..1) answered with 500 / 502 or dropped without a response; seeded."""

    seed: int = 7
    error_500: float = 0.0
    error_502: float = 0.0
    drop: float = 0.0
    slow: float = 0.0  # share of requests answered only after ``slow_seconds`` (for client timeouts)
    slow_seconds: float = 1.0


class OntraportSimulator(LoopbackServer):
    """The fake API. ``url`` is the base URL to configure (``http://127.0.0.1:<port>/1``)."""

    def __init__(
        self,
        account: OntraportAccount,
        *,
        app_id: str,
        api_key: str,
        rate_limit: int = 180,
        rate_window_seconds: float = 60.0,
        page_cap: int = 50,
        faults: Faults | None = None,
        hidden_objects: set[int] | None = None,
        forbidden_objects: set[int] | None = None,
        legacy_conditions_only: bool = False,
        meta_omits_key: set[int] | None = None,
        refuse: dict[int, tuple[int, str]] | None = None,
    ) -> None:
        self.account = account
        self.app_id, self.api_key = app_id, api_key
        self.rate_limit, self.rate_window = rate_limit, rate_window_seconds
        self.page_cap = page_cap
        self.faults = faults or Faults()
        self._rnd = random.Random(self.faults.seed)
        self.hidden = set(hidden_objects or ())
        self.forbidden = set(forbidden_objects or ())
        self.legacy_conditions_only = legacy_conditions_only
        #: objects whose /objects/meta does not list the key field (real meta need not list it at all)
        self.meta_omits_key = set(meta_omits_key or ())
        #: objectID -> (status, Ontraport's words): collection reads of that object are refused so (a 4xx seam)
        self.refuse = dict(refuse or {})
        self.request_log: list[dict[str, Any]] = []
        self.counters = {"requests": 0, "429": 0, "500": 0, "502": 0, "dropped": 0, "401": 0, "slow": 0}
        self._window: deque[float] = deque()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("simulator not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/1"

    def start(self) -> OntraportSimulator:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # one buffered write per response: headers and body in separate segments meet delayed ACKs
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                sim._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._serve(Handler, "ontraport-sim")
        return self

    def consume(self, n: int) -> None:
        """Spend ``n`` calls of the rate budget as another integration of the customer would."""
        with self._lock:
            now = time.monotonic()
            self._window.extend([now] * n)

    def max_in_window(self) -> int:
        """Most requests the server accepted within any rolling window (for budget-use measurements)."""
        times = sorted(e["t"] for e in self.request_log if e["status"] != 429)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while times[lo] <= t - self.rate_window:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    # ------------------------------------------------------------------ request handling
    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        now = time.monotonic()
        entry: dict[str, Any] = {"t": now, "path": parts.path, "params": params, "status": 0}
        with self._lock:
            self.counters["requests"] += 1
            self.request_log.append(entry)
        key, app = h.headers.get("Api-Key"), h.headers.get("Api-Appid")
        if key != self.api_key or app != self.app_id:
            self.counters["401"] += 1
            self._send(h, 401, AUTH_FAILED.encode(), entry, content_type="text/plain")
            return
        with self._lock:
            while self._window and self._window[0] <= now - self.rate_window:
                self._window.popleft()
            if len(self._window) >= self.rate_limit:
                self.counters["429"] += 1
                reset = self._window[0] + self.rate_window - now
                headers = self._rate_headers(0, reset)
                limited = True
            else:
                self._window.append(now)
                reset = self._window[0] + self.rate_window - now
                headers = self._rate_headers(self.rate_limit - len(self._window), reset)
                limited = False
            roll = self._rnd.random()
        if limited:
            body = f"Rate limit exceeded: {self.rate_limit} requests per minute.".encode()
            self._send(h, 429, body, entry, headers=headers, content_type="text/plain")
            return
        f = self.faults
        if roll < f.drop:
            self.counters["dropped"] += 1
            entry["status"] = -1
            h.close_connection = True
            return
        if roll < f.drop + f.error_500:
            self.counters["500"] += 1
            self._send(h, 500, b'{"code":500,"data":"Internal error"}', entry, headers=headers)
            return
        if roll < f.drop + f.error_500 + f.error_502:
            self.counters["502"] += 1
            self._send(h, 502, b"<html>Bad Gateway</html>", entry, headers=headers, content_type="text/html")
            return
        if roll < f.drop + f.error_500 + f.error_502 + f.slow:
            self.counters["slow"] += 1
            time.sleep(f.slow_seconds)
        try:
            status, data = self._route(parts.path, params)
        except BadRequest as err:
            status, data = 400, str(err)
        envelope = {"code": 0 if status == 200 else status, "data": data, "account_id": str(self.account.account_id)}
        self._send(h, status, json.dumps(envelope).encode(), entry, headers=headers)

    def _rate_headers(self, remaining: int, reset: float) -> dict[str, str]:
        return {"X-Rate-Limit-Limit": str(self.rate_limit), "X-Rate-Limit-Remaining": str(max(0, remaining)),
                "X-Rate-Limit-Reset": f"{max(0.0, reset):.3f}"}

    def _send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, entry: dict[str, Any], *,
              headers: dict[str, str] | None = None, content_type: str = "application/json") -> None:
        entry["status"] = status
        try:
            h.send_response(status)
            h.send_header("Content-Type", content_type)
            h.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body)
        except OSError:
            pass

    def _alias_index(self) -> dict[str, tuple[int, bool]]:
        out: dict[str, tuple[int, bool]] = {}
        for oid, spec in self.account.schema.items():
            out[str(spec["plural"]).lower()] = (oid, True)
            out[str(spec["name"]).replace(" ", "").lower()] = (oid, False)
        return out

    def _route(self, path: str, params: dict[str, str]) -> tuple[int, Any]:
        segs = [s for s in path.split("/") if s]
        if not segs or segs[0] != "1":
            return 404, "Not found"
        segs = segs[1:]
        if not segs:
            return 404, "Not found"
        head = segs[0].lower()
        if head in ("objects", "object"):
            if len(segs) == 2 and segs[1] == "meta" and "objectID" not in params:
                return 200, {str(k): self._meta(k) for k in self.account.schema
                             if k not in self.hidden and k not in self.forbidden}
            try:
                oid = int(params.get("objectID", ""))
            except ValueError:
                return 400, "objectID is required"
            plural = head == "objects"
        else:
            found = self._alias_index().get(head)
            if found is None:
                return 404, "Not found"
            oid, plural = found
        rest = segs[1:]
        if oid not in self.account.schema or oid in self.hidden:
            return 404, "Object type does not exist"
        if oid in self.forbidden:
            return 403, "You do not have permission to access this resource"
        if rest == ["meta"]:
            return 200, {str(oid): self._meta(oid)}
        if rest == ["getInfo"]:
            rows = self._select(oid, params)
            return 200, {"listFields": list(self.account.schema[oid]["fields"])[:6], "listFieldSettings": [],
                         "cardViewSettings": [], "viewMode": [], "count": str(len(rows))}
        if rest:
            return 404, "Not found"
        if not plural:
            key = self.account.id_key(oid)
            rid = params.get("id", "")
            with self.account.lock:
                row = self.account.records.get(oid, {}).get(int(rid)) if rid.isdigit() else None
            if row is None:
                return 404, f"No {key} {rid}"
            return 200, dict(row)
        if oid in self.refuse:
            status, words = self.refuse[oid]
            return status, words
        rows = self._select(oid, params)
        key = self.account.id_key(oid)
        sort = params.get("sort") or key
        if sort not in self._field_names(oid):
            # what Ontraport answers when asked to sort an object by a field it lacks (Tags by `id`)
            raise BadRequest(f"Invalid sort field: {sort}")
        numeric = all(_num(r.get(sort, "")) is not None for r in rows)
        rows.sort(key=lambda r: _num(r.get(sort, "")) or 0.0 if numeric else r.get(sort, ""),
                  reverse=params.get("sortDir", "asc").lower() == "desc")
        start = int(params.get("start") or 0)
        size = min(int(params.get("range") or self.page_cap), self.page_cap)
        page = rows[start:start + size]
        if params.get("listFields"):
            wanted = [k.strip() for k in params["listFields"].split(",") if k.strip()]
            page = [{k: r[k] for k in wanted if k in r} for r in page]
        return 200, page

    def _field_names(self, oid: int) -> set[str]:
        return set(self.account.schema[oid]["fields"]) | {self.account.id_key(oid)}

    def _meta(self, oid: int) -> dict[str, Any]:
        spec = self.account.schema[oid]
        fields = spec["fields"]
        if oid in self.meta_omits_key:
            fields = {k: v for k, v in fields.items() if k != self.account.id_key(oid)}
        out = {"name": spec["name"], "fields": fields}
        if oid >= 10000:
            out["plural"] = spec["plural"]
        return out

    def _select(self, oid: int, params: dict[str, str]) -> list[dict[str, str]]:
        rows = self.account.rows(oid)
        key = self.account.id_key(oid)
        if params.get("ids") and params["ids"] != "0":
            wanted = {i.strip() for i in params["ids"].split(",")}
            rows = [r for r in rows if r.get(key) in wanted]
        if params.get("condition"):
            text = params["condition"]
            if self.legacy_conditions_only and text.strip().startswith("["):
                raise BadRequest("Invalid condition")
            clauses = parse_condition(text, self._field_names(oid))
            rows = [r for r in rows if matches(r, clauses)]
        return rows


# ---------------------------------------------------------------------------------------------- CSV export


def _ui_datetime(raw: str) -> str:
    if not raw or raw == "0":
        return ""
    return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).strftime("%m/%d/%Y %H:%M:%S")


def _ui_date(raw: str) -> str:
    if not raw or raw == "0":
        return ""
    return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).strftime("%m/%d/%Y")


def _ui_value(account: OntraportAccount, meta: dict[str, Any], key: str, raw: str) -> str:
    kind = meta["type"]
    if kind == "timestamp":
        return _ui_datetime(raw)
    if kind == "fulldate":
        return _ui_date(raw)
    if kind == "drop":
        return str(meta.get("options", {}).get(raw, ""))
    if kind == "list":
        return "*/*".join(meta.get("options", {}).get(p, p) for p in raw.split("*/*") if p)
    if key == "contact_cat":
        tags = {r["tag_id"]: r["tag_name"] for r in account.rows(14)}
        return "*/*".join(tags.get(p, p) for p in raw.split("*/*") if p)
    if key in ("owner", "author"):
        users = {r["id"]: f"{r['firstname']} {r['lastname']}" for r in account.rows(2)}
        return users.get(raw, "")
    if kind == "parent":
        return "" if raw in ("", "0") else raw
    if kind == "check":
        return "Yes" if raw == "1" else "No"
    return raw


#: columns the UI's export leaves out (the transactions screen shows no offer detail)
_NOT_EXPORTED = {46: {"offer_data"}}


def _export(account: OntraportAccount, oid: int, id_label: str) -> Iterator[tuple[list[str], dict[str, str]]]:
    fields = {k: m for k, m in account.schema[oid]["fields"].items() if k not in _NOT_EXPORTED.get(oid, set())}
    header = [id_label] + [m["alias"] for m in fields.values()]
    for row in account.rows(oid):
        yield header, {id_label: row["id"], **{m["alias"]: _ui_value(account, m, k, row.get(k, ""))
                                               for k, m in fields.items()}}


def write_csv_exports(account: OntraportAccount, folder: Path, *, encoding: str = "utf-8-sig",
                      with_notes: bool = True) -> list[Path]:
    """Write what the Ontraport UI exports: display-label headers, UI dates, labels for dropdowns, tag names.

    File names are deliberately unhelpful (``export-<n>.csv``) because the connector must detect the
    object from headers. The contacts file repeats the contact once per note when ``with_notes``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    notes_by_contact: dict[str, list[dict[str, str]]] = {}
    if with_notes:
        for note in account.rows(12):
            notes_by_contact.setdefault(note["contact_id"], []).append(note)
    users = {r["id"]: f"{r['firstname']} {r['lastname']}" for r in account.rows(2)}
    plan = [(0, "Contact ID"), (150, "Company ID"), (149, "Deal ID"), (16, "Product ID"), (1, "Task ID"),
            (46, "Transaction ID")]
    for n, (oid, id_label) in enumerate(plan, start=1):
        path = folder / f"export-{n}.csv"
        with path.open("w", encoding=encoding, newline="", errors="replace") as fh:
            writer: Any = None
            for header, values in _export(account, oid, id_label):
                if writer is None:
                    if oid == 0 and with_notes:
                        header = [*header, "Note", "Note Date", "Note Author"]
                    writer = csv.DictWriter(fh, fieldnames=header)
                    writer.writeheader()
                if oid == 0 and with_notes:
                    notes = notes_by_contact.get(values[id_label], [])
                    for note in notes or [{}]:
                        writer.writerow({**values, "Note": note.get("data", ""),
                                         "Note Date": _ui_datetime(note.get("date", "")),
                                         "Note Author": users.get(note.get("author", ""), "")})
                else:
                    writer.writerow(values)
        written.append(path)
    return written
