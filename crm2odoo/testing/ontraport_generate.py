"""A deterministic, realistic Ontraport account: same seed, same data.

The account is built in steps (users, tags, companies, contacts and what hangs off them, deals, products,
transactions, custom objects, automation fixtures), each drawing from the same seeded generator in a fixed
order; deal tags and shipping draw from a second one, so adding them changed no other record.

Users of a generated account: ``owner1@example.com`` (Ayşe Yılmaz) and ``owner2@example.com`` (Jürgen Groß)
are meant to exist in Odoo; ``owner3@example.com`` (Chris Unmatched) deliberately has no Odoo user, so the
owner queue is exercised.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any

from crm2odoo.testing.ontraport_account import OntraportAccount
from crm2odoo.testing.ontraport_schema import schema

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

_USERS = ((1, "Ayşe", "Yılmaz", "owner1@example.com"), (2, "Jürgen", "Groß", "owner2@example.com"),
          (3, "Chris", "Unmatched", "owner3@example.com"))
#: automation and marketing objects every account has one or two of: (objectID, row)
_FIXTURES: tuple[tuple[int, dict[str, Any]], ...] = (
    # rules in Ontraport's documented syntax (Name(params), ';' and, '|' or): one fully translatable, one partly,
    # one whose trigger Odoo has no equivalent for, and one not in the syntax at all (kept and reported)
    (6, {"id": 1, "name": "Tag new leads", "events": "Contact_added_to_my_database()",
         "conditions": "field_is_condition_fieldvalue(email,contains,@)", "actions": "Add_contact_to_category(2)",
         "pause": "0", "object_type_id": 0}),
    (6, {"id": 2, "name": "Notify owner on purchase", "events": "Contact_purchases_product(1)",
         "conditions": "", "actions": "Notify_someone_with_emailmbs(1,1);Add_contact_to_category(1)", "pause": "1",
         "object_type_id": 0}),
    (6, {"id": 3, "name": "VIP follow-up", "events": "Contact_added_to_category(4)",
         "conditions": "Is_not_in_category(1)|Is_in_category(3)",
         "actions": "Send_contact_a_task(2);Assign_contact_to_drip(1);Remove_contact_from_category(2)", "pause": "0",
         "object_type_id": 0}),
    (6, {"id": 4, "name": "Legacy welcome", "events": "Contact is added to the database", "conditions": "",
         "actions": "Add tag Prospect", "pause": "0", "object_type_id": 0}),
    (5, {"id": 1, "name": "Welcome series", "steps": "5", "date": _BASE}),
    (5, {"id": 2, "name": "Hoş geldin serisi", "steps": "3", "date": _BASE}),
    (140, {"id": 1, "name": "Webinar funnel", "subscribers": "42", "pause": "0", "date": _BASE, "dlm": _BASE}),
    (22, {"form_id": 1, "formname": "Contact us", "type": "11", "fillouts": "17", "visits": "300"}),
    (20, {"id": 1, "name": "Spring offer", "domain": "offers.example.org", "visits_0": "120"}),
    (7, {"id": 1, "alias": "Welcome email", "subject": "Willkommen!", "type": "e-mail"}),
)


@dataclass(frozen=True)
class Sizes:
    """How many records of each kind an account gets."""

    contacts: int
    companies: int
    deals: int
    notes_per_contact: int
    products: int
    transactions: int
    properties: int


class _Builder:
    """Puts rows into one account, drawing every random value from the seeded generators in a fixed order."""

    def __init__(self, seed: int, sizes: Sizes) -> None:
        self.seed, self.sizes = seed, sizes
        self.rnd = random.Random(seed)
        self.tag_rnd = random.Random(seed * 7919 + 1)  # deal tags draw apart, so adding them changed no other record
        self.account = OntraportAccount(account_id=50 + seed, schema=schema())
        self.deal_tag_ids = list(range(len(_TAGS) + 1, len(_TAGS) + len(_DEAL_TAGS) + 1))
        self.subscription_id = 0

    def put(self, object_id: int, row: dict[str, Any]) -> None:
        """Store a row with every field of the object, as strings ('' for none)."""
        fields = self.account.schema[object_id]["fields"]
        key = self.account.id_key(object_id)
        full = {key: str(row[key])}
        for name in fields:
            value = row.get(name, "")
            full[name] = "" if value is None else str(value)
        self.account.records.setdefault(object_id, {})[int(row[key])] = full

    def stamp(self, lo: int = 0, hi: int = 1300) -> int:
        """A unix time between ``lo`` and ``hi`` days after 2021-01-04."""
        return _BASE + self.rnd.randint(lo, hi) * _DAY + self.rnd.randint(0, _DAY - 1)

    def subscribe(self, object_type: int, record_id: int, tag_ids: list[int]) -> None:
        """Tag a record: one Tag Subscriber row per tag."""
        for tag in tag_ids:
            self.subscription_id += 1
            self.put(138, {"id": self.subscription_id, "object_id": record_id, "tag_id": tag,
                           "object_type_id": object_type})


def _users_and_tags(b: _Builder) -> None:
    for uid, first, last, email in _USERS:
        b.put(2, {"id": uid, "firstname": first, "lastname": last, "email": email, "date": _BASE})
    for i, name in enumerate(_TAGS, start=1):
        b.put(14, {"tag_id": i, "tag_name": name, "object_type_id": 0})
    for i, name in zip(b.deal_tag_ids, _DEAL_TAGS, strict=True):
        b.put(14, {"tag_id": i, "tag_name": name, "object_type_id": 149})


def _companies(b: _Builder) -> None:
    rnd = b.rnd
    for cid in range(1, b.sizes.companies + 1):
        city, country = rnd.choice(_CITIES)
        created = b.stamp(0, 400)
        b.put(150, {"id": cid, "name": f"{rnd.choice(_LAST)} {rnd.choice(['GmbH', 'A.Ş.', 'LLC', 'Ltd'])} {cid}",
                    "phone": f"+90 212 555 {cid:04d}", "industry": rnd.choice(_INDUSTRIES),
                    "description": "Key account\nSince 2019" if cid % 4 == 0 else "",
                    "annual_revenue": f"{rnd.randint(1, 900) * 1000}.00", "employee_count": str(rnd.randint(2, 500)),
                    "address": f"Street {cid}", "city": city, "state": "", "zipcode": f"{34000 + cid}",
                    "country": country, "owner": rnd.randint(1, 3), "date": created,
                    "dlm": created + rnd.randint(0, 200) * _DAY})


def _contact(b: _Builder, n: int) -> list[int]:
    """Contact ``n``; returns its tag ids."""
    rnd, companies = b.rnd, b.sizes.companies
    first, last = rnd.choice(_FIRST), rnd.choice(_LAST)
    city, country = rnd.choice(_CITIES)
    created = b.stamp(0, 900)
    tags = rnd.sample(range(1, len(_TAGS) + 1), rnd.randint(0, 3))
    interests = rnd.sample(["601", "602", "603", "604", "605"], rnd.randint(0, 2))
    ascii_first = first.encode("ascii", "ignore").decode().lower() or "x"
    b.put(0, {
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
        "unique_id": f"U{b.seed:02d}{n:07d}",
        "f1557": rnd.choice(["586", "587", "588", "0"]),
        "f1558": "*/*" + "*/*".join(interests) + "*/*" if interests else "",
        "f1559": str((_BASE // _DAY + rnd.randint(500, 1500)) * _DAY) if n % 3 else "",
        "f1560": str(rnd.randint(0, 100)) if n % 6 else f"{rnd.randint(0, 100)}.5",
        "f1561": f"REF-{n:05d}" if n % 2 else "", "f1562": "1" if n % 9 == 0 else "0",
    })
    return tags


def _contacts(b: _Builder) -> None:
    for n in range(1, b.sizes.contacts + 1):
        b.subscribe(0, n, _contact(b, n))


def _contact_history(b: _Builder) -> None:
    """Per contact: notes, a task for every third, log items, a sequence subscription for every fourth."""
    rnd = b.rnd
    note_id = task_id = log_id = sub_id = 0
    for n in range(1, b.sizes.contacts + 1):
        for k in range(rnd.randint(0, b.sizes.notes_per_contact)):
            note_id += 1
            created = b.stamp(300, 1200)
            b.put(12, {"id": note_id, "contact_id": n, "data": rnd.choice(_NOTE_TEXTS) + (f" #{k}" if k else ""),
                       "author": rnd.randint(1, 3), "object_type_id": 0, "date": created, "dlm": created})
        if n % 3 == 0:
            task_id += 1
            done = task_id % 2 == 0
            due = b.stamp(900, 1400)
            b.put(1, {"id": task_id, "subject": f"Call {n}", "details": "Discuss renewal", "owner": rnd.randint(1, 3),
                      "contact_id": n, "object_type_id": 0, "date_assigned": due - 5 * _DAY, "date_due": due,
                      "date_complete": due - _DAY if done else "0", "status": "1" if done else "0",
                      "date": due - 5 * _DAY, "dlm": due})
        for _ in range(n % 3):
            log_id += 1
            b.put(4, {"id": log_id, "contact_id": n, "type": str(rnd.randint(1, 3)),
                      "item_name": rnd.choice(["Welcome email", "https://example.org/offer", "Contact form"]),
                      "date": b.stamp(500, 1300)})
        if n % 4 == 0:
            sub_id += 1
            b.put(8, {"id": sub_id, "contact_id": n, "drip_id": 1 + n % 2, "status": str(n % 3),
                      "date": b.stamp(500, 1300)})


def _deals(b: _Builder) -> None:
    rnd, contacts, companies = b.rnd, b.sizes.contacts, b.sizes.companies
    for d in range(1, b.sizes.deals + 1):
        stage = str(rnd.randint(1, 7))
        created = b.stamp(200, 1000)
        closed = created + rnd.randint(10, 120) * _DAY
        b.put(149, {"id": d, "name": f"Deal {d} – {rnd.choice(['Lizenz', 'Kurulum', 'Upgrade 🚀', 'Consulting'])}",
                    "value": f"{rnd.randint(5, 500) * 100}.{rnd.choice(['00', '50', '99'])}",
                    "expected_close_date": str(closed // _DAY * _DAY),
                    "actual_close_date": str(closed // _DAY * _DAY) if stage in ("6", "7") else "0",
                    "expected_win_percent": str({"6": 100, "7": 0}.get(stage, int(stage) * 12)),
                    "primary_contact": rnd.randint(1, contacts) if contacts else 0,
                    "company": rnd.randint(1, companies) if companies and d % 4 else 0,
                    "sales_stage": stage, "owner": rnd.randint(1, 3), "date": created, "dlm": created + 3 * _DAY,
                    "f2101": "701" if d % 3 else "702", "f2102": rnd.choice(["Web", "Referral", "Messe", ""])})
        b.subscribe(149, d, b.tag_rnd.sample(b.deal_tag_ids, b.tag_rnd.randint(0, 2)))


def _products(b: _Builder) -> None:
    for p in range(1, b.sizes.products + 1):
        b.put(16, {"id": p, "name": f"Product {p}{' ✓' if p == 2 else ''}", "price": f"{p * 25}.00",
                   "sku": f"SKU-{p:03d}", "description": "", "taxable": str(p % 2), "date": _BASE, "dlm": _BASE})


def _transactions(b: _Builder) -> None:
    """Transactions of 1-3 product lines each, with their offer data and one Purchase row per line."""
    rnd, purchase_id = b.rnd, 0
    for t in range(1, b.sizes.transactions + 1):
        lines = []
        for _ in range(rnd.randint(1, 3)):
            pid = rnd.randint(1, b.sizes.products)
            qty = rnd.randint(1, 4)
            lines.append((pid, qty, _money(pid * 25)))
        subtotal = sum(q * pid * 25 for pid, q, _ in lines)
        status = rnd.choice(["0", "1", "1", "1", "2"])
        when = b.stamp(300, 1300)
        contact = rnd.randint(1, b.sizes.contacts) if b.sizes.contacts else 0
        offer = {"products": [{"id": str(pid), "name": f"Product {pid}", "quantity": str(q),
                               "price": [{"price": price, "payment_count": "1", "unit": "month"}],
                               "total": f"{q * pid * 25}.00"} for pid, q, price in lines]}
        shipping = b.tag_rnd.choice([0, 0, 990])  # cents: some orders were shipped
        b.put(46, {"id": t, "contact_id": contact, "status": status, "subtotal": f"{subtotal}.00", "tax": "0.00",
                   "shipping": f"{shipping // 100}.{shipping % 100:02d}",
                   "total": f"{subtotal + shipping // 100}.{shipping % 100:02d}", "offer_data": json.dumps(offer),
                   "date": when, "dlm": when})
        for pid, q, price in lines:
            purchase_id += 1
            b.put(17, {"id": purchase_id, "contact_id": contact, "product_id": pid, "invoice_id": t,
                       "name": f"Product {pid}", "price": price, "quantity": str(q), "discount": "0.00",
                       "total_price": f"{q * pid * 25}.00", "status": {"1": "1", "2": "4"}.get(status, "0"),
                       "date": when, "dlm": when})


def _properties(b: _Builder) -> None:
    """The custom object 10000 (Properties)."""
    rnd, contacts = b.rnd, b.sizes.contacts
    for x in range(1, b.sizes.properties + 1):
        created = b.stamp(100, 1000)
        b.put(10000, {"id": x, "f3001": f"Villa {rnd.choice(['Boğaziçi', 'Seeblick', 'Sunset'])} {x}",
                      "f3002": f"{rnd.randint(100, 900) * 1000}.00", "f3003": rnd.randint(1, contacts) if contacts else 0,
                      "f3004": rnd.choice(["801", "802", "803"]), "f3005": str((created // _DAY) * _DAY),
                      "owner": rnd.randint(1, 3), "date": created, "dlm": created})


def _fixtures(b: _Builder) -> None:
    for object_id, row in _FIXTURES:
        b.put(object_id, row)


#: the steps in the order they draw random values; reordering them changes every account
_STEPS = (_users_and_tags, _companies, _contacts, _contact_history, _deals, _products, _transactions, _properties,
          _fixtures)


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
    builder = _Builder(seed, Sizes(contacts, companies, deals, notes_per_contact, products, transactions, properties))
    for step in _STEPS:
        step(builder)
    return builder.account


def _money(amount: int) -> str:
    return f"{amount}.00"
