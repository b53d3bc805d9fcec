"""Seed description -> a made-up Ontraport account, with its TRUTH manifest.

The business: "Brightpath Coaching", a three-coach practice selling 1:1 coaching, group programmes and corporate
workshops. About 60 contacts (a few at 10 client companies), two deal pipelines (a custom "Pipeline" dropdown on
Deals: "1:1 Coaching" and "Corporate Workshops", the stage a dropdown of option ids), notes written by the coaches,
tasks on contacts and on deals (open and done), 8 tags, 5 products and a custom object "Workshops".

Record shapes follow the public API notes: every scalar a string, dates Unix seconds with "0" for none, dropdowns
hold option ids, lists and tags are ``*/*``-wrapped id lists, tasks point at their parent with
``object_type_id`` + ``object_id``, the Tag object's key is ``tag_id`` and its meta does not list it, the Note meta
does not list ``id`` either. Invalid on purpose (and said so in the manifest): one contact with no name, no e-mail
and no phone; one note whose contact was deleted before the export.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from tests.independent.truth import ANYWHERE, Link, Owner, Truth

T0 = 1_704_067_200  # 2024-01-01 00:00 UTC
DAY = 86_400

COACHES = [("1", "Maya", "Lindqvist", "maya@brightpath-coaching.example"),
           ("2", "Oskar", "Brandt", "oskar@brightpath-coaching.example"),
           ("3", "Renée", "Dubois", "renee@brightpath-coaching.example")]
TAGS = {"11": "VIP", "12": "Newsletter", "13": "Webinar 2024", "14": "Coaching Client", "15": "Podcast Lead",
        "16": "Alumni", "17": "Follow-up", "18": "Café Meetup"}
PROGRAMS = {"301": "Career Reset", "302": "Leadership Lab", "303": "Burnout Recovery"}
INTERESTS = {"401": "Public Speaking", "402": "Time Management", "403": "Negotiation", "404": "Mindfulness"}
PIPELINES = {"501": "1:1 Coaching", "502": "Corporate Workshops"}
STAGES = {"601": "Discovery Call", "602": "Proposal Sent", "603": "Negotiation", "604": "Won", "605": "Lost"}
VENUES = {"701": "Online", "702": "Berlin Loft", "703": "Lisbon Studio"}
FIRST = ["Anna", "Ben", "Chloé", "David", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kaja", "Liam", "Mara",
         "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wim", "Xenia", "Yusuf", "Zoë"]
LAST = ["Ahlberg", "Bauer", "Costa", "Dijkstra", "Eriksen", "Fischer", "García", "Hansen", "Ivanova", "Jensen",
        "Kowalski", "López", "Müller", "Nowak", "O'Brien", "Petrov", "Quist", "Rossi", "Schmidt", "Taylor"]
COMPANIES = ["Northwind Logistics", "Bluefin Analytics", "Atelier Sørensen", "Kestrel Health", "Mosaic Media",
             "Ridgeline Capital", "Tidewater Schools", "Juniper Robotics", "Orchard & Vine", "Halcyon Hotels"]
PRODUCTS = [("Discovery Session", "0.00", "DISC-0"), ("1:1 Coaching, 6 sessions", "1200.00", "COACH-6"),
            ("Leadership Lab (group)", "890.00", "LAB-G"), ("Corporate Workshop Day", "3500.00", "CORP-D"),
            ("Workbook (print)", "29.90", "BOOK-P")]


BUILT_IN_UNUSED = {4: ("LogItem", "LogItems"), 5: ("Sequence", "Sequences"), 6: ("Rule", "Rules"),
                   7: ("Message", "Messages"), 8: ("SequenceSubscriber", "SequenceSubscribers"),
                   17: ("Purchase", "Purchases"), 20: ("LandingPage", "LandingPages"), 22: ("Form", "Forms"),
                   44: ("OpenOrder", "OpenOrders"), 45: ("CreditCard", "CreditCards"),
                   46: ("Transaction", "Transactions"), 52: ("Order", "Orders"), 65: ("Offer", "Offers"),
                   66: ("TaskOutcome", "TaskOutcomes"), 100: ("AutomationLogItem", "AutomationLogItems"),
                   140: ("CampaignBuilderItem", "CampaignBuilderItems"), 160: ("CalendarEvent", "CalendarEvents"),
                   227: ("Payment", "Payments")}


@dataclass
class ObjectType:
    """One Ontraport object type: its id, names, key field, the meta it answers and its records."""

    type_id: int
    name: str  # singular, as in the meta
    plural: str  # the named alias path
    key: str  # the record's id field
    fields: dict[str, dict[str, Any]]  # meta fields (key -> alias/type/...); may omit the key field
    records: list[dict[str, str]] = field(default_factory=list)


@dataclass
class OntraportAccount:
    account_id: int
    types: dict[int, ObjectType]
    truth: Truth

    def by_plural(self, plural: str) -> ObjectType | None:
        for t in self.types.values():
            if t.plural.lower() == plural.lower() or t.name.lower() == plural.lower():
                return t
        return None

    def user_name(self, user_id: str) -> str:
        for u in self.types[2].records:
            if u["id"] == user_id:
                return f"{u['firstname']} {u['lastname']}"
        raise KeyError(user_id)


def _f(alias: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"alias": alias, "type": kind, "required": "0", "unique": "0", "editable": "1", "deletable": "1", **extra}


def _base_fields() -> dict[str, dict[str, Any]]:
    return {"id": _f("ID", "numeric", editable="0", deletable="0"),
            "owner": _f("Owner", "parent", parent_object="2"),
            "date": _f("Date Added", "timestamp", editable="0", deletable="0"),
            "dlm": _f("Date Modified", "timestamp", editable="0", deletable="0")}


def _listed(ids: list[str]) -> str:
    return "*/*" + "*/*".join(ids) + "*/*" if ids else ""


def _stamp(rng: random.Random, days: int = 300) -> str:
    return str(T0 + rng.randrange(days) * DAY + rng.randrange(8, 18) * 3600)


def _types() -> dict[int, ObjectType]:
    base = _base_fields
    contact = {**base(), "firstname": _f("First Name", "text"), "lastname": _f("Last Name", "text"),
               "email": _f("Email", "email"), "office_phone": _f("Office Phone", "phone"),
               "cell_phone": _f("Cell Phone", "phone"), "title": _f("Title", "text"),
               "company": _f("Company", "text"), "city": _f("City", "text"), "zip": _f("Zip Code", "text"),
               "country": _f("Country", "country"), "birthday": _f("Birthday", "fulldate"),
               "contact_cat": _f("Contact Tags", "subscription"),
               "f2001": _f("Company Record", "parent", parent_object="150"),
               "f1950": _f("Coaching Program", "drop", options=PROGRAMS),
               "f1951": _f("Interests", "list", options=INTERESTS)}
    company = {**base(), "name": _f("Company Name", "text"), "phone": _f("Phone", "phone"),
               "industry": _f("Industry", "text"), "city": _f("City", "text"), "zipcode": _f("Zip Code", "text")}
    deal = {**base(), "name": _f("Deal Name", "text"), "value": _f("Deal Value", "price"),
            "primary_contact": _f("Primary Contact", "parent", parent_object="0"),
            "company": _f("Company", "parent", parent_object="150"),
            "f2101": _f("Pipeline", "drop", options=PIPELINES),
            "sales_stage": _f("Sales Stage", "drop", options=STAGES),
            "expected_win_percent": _f("Expected Win %", "numeric"),
            "expected_close_date": _f("Expected Close Date", "fulldate"),
            "actual_close_date": _f("Actual Close Date", "fulldate")}
    note = {"contact_id": _f("Contact", "parent", parent_object="0"), "data": _f("Note", "longtext"),
            "author": _f("Author", "parent", parent_object="2"), "object_type_id": _f("Object Type", "numeric"),
            "date": _f("Date", "timestamp"), "dlm": _f("Date Modified", "timestamp")}  # no "id": not listed
    task = {**base(), "subject": _f("Subject", "text"), "details": _f("Details", "longtext"),
            "object_type_id": _f("Related Object Type", "numeric"), "object_id": _f("Related Record", "numeric"),
            "date_assigned": _f("Date Assigned", "timestamp"), "date_due": _f("Due Date", "timestamp"),
            "date_complete": _f("Date Completed", "timestamp"),
            "status": _f("Status", "drop", options={"0": "Pending", "1": "Completed", "2": "Cancelled"})}
    tag = {"tag_name": _f("Tag Name", "text"), "object_type_id": _f("Object Type", "numeric")}  # no tag_id
    product = {**base(), "name": _f("Product Name", "text"), "price": _f("Price", "price"),
               "sku": _f("SKU", "text"), "description": _f("Description", "longtext")}
    workshop = {**base(), "f2301": _f("Title", "text"), "f2302": _f("Session Date", "fulldate"),
                "f2303": _f("Seats", "numeric"), "f2304": _f("Venue", "drop", options=VENUES)}
    user = {"id": _f("ID", "numeric"), "firstname": _f("First Name", "text"), "lastname": _f("Last Name", "text"),
            "email": _f("Email", "email")}
    types = {0: ObjectType(0, "Contact", "Contacts", "id", contact),
            1: ObjectType(1, "Task", "Tasks", "id", task),
            2: ObjectType(2, "User", "Users", "id", user),
            12: ObjectType(12, "Note", "Notes", "id", note),
            14: ObjectType(14, "Tag", "Tags", "tag_id", tag),
            16: ObjectType(16, "Product", "Products", "id", product),
            149: ObjectType(149, "Deal", "Deals", "id", deal),
            150: ObjectType(150, "Company", "Companies", "id", company),
            10003: ObjectType(10003, "Workshop", "Workshops", "id", workshop),
            138: ObjectType(138, "TagSubscriber", "TagSubscribers", "id",
                            {"id": _f("ID", "numeric"), "tag_id": _f("Tag", "parent", parent_object="14"),
                             "object_type_id": _f("Object Type", "numeric"), "object_id": _f("Record", "numeric")})}
    for type_id, (name, plural) in BUILT_IN_UNUSED.items():  # every account has them; this one never used them
        types[type_id] = ObjectType(type_id, name, plural, "id", {**base(), "name": _f("Name", "text")})
    types[8].fields = {"id": _f("ID", "numeric"), "contact_id": _f("Contact", "parent", parent_object="0"),
                       "drip_id": _f("Sequence", "parent", parent_object="5")}
    return types


def generate(seed: int = 7, contacts: int = 60) -> OntraportAccount:
    """The account and its manifest; the same seed gives the same account."""
    rng = random.Random(seed)
    types = _types()
    truth = Truth(account="Brightpath Coaching (Ontraport)", objects={})
    for coach_id, first, last, email in COACHES:
        types[2].records.append({"id": coach_id, "firstname": first, "lastname": last, "email": email})
        truth.users.append(Owner(f"{first} {last}", email))
    coach_name = {c[0]: f"{c[1]} {c[2]}" for c in COACHES}
    owner_ids = [c[0] for c in COACHES]
    _tags_and_companies(rng, types, truth, owner_ids, coach_name)
    valid_contacts = _contacts(rng, types, truth, contacts, owner_ids, coach_name)
    _deals(rng, types, truth, valid_contacts, owner_ids, coach_name)
    _notes_and_tasks(rng, types, truth, valid_contacts, owner_ids, coach_name)
    _catalogue(rng, types, truth, owner_ids, coach_name)
    return OntraportAccount(account_id=48_213, types=types, truth=truth)


def _tags_and_companies(rng: random.Random, types: dict[int, ObjectType], truth: Truth, owner_ids: list[str],
                        coach_name: dict[str, str]) -> None:
    t_tag = truth.add("tag", ("tag", "tags"), ("res.partner.category",))
    for tag_id, name in TAGS.items():
        types[14].records.append({"tag_id": tag_id, "tag_name": name, "object_type_id": "0"})
        t_tag.ids.append(tag_id)

    t_company = truth.add("company", ("company", "companies"), ("res.partner",))
    for n, name in enumerate(COMPANIES, start=1):
        owner = rng.choice(owner_ids)
        cid = str(n)
        types[150].records.append({"id": cid, "owner": owner, "date": _stamp(rng), "dlm": _stamp(rng),
                                   "name": name, "phone": f"+49 30 {rng.randrange(1000000, 9999999)}",
                                   "industry": rng.choice(["Logistics", "Software", "Design", "Health", "Media"]),
                                   "city": rng.choice(["Berlin", "Hamburg", "Lisbon", "Vienna"]),
                                   "zipcode": str(rng.randrange(10000, 99999))})
        t_company.ids.append(cid)
        truth.owners[("company", cid)] = coach_name[owner]


def _contacts(rng: random.Random, types: dict[int, ObjectType], truth: Truth, contacts: int, owner_ids: list[str],
              coach_name: dict[str, str]) -> list[str]:
    """The contacts (one invalid, two namesakes); returns the ids of the valid ones."""
    t_contact = truth.add("contact", ("contact", "contacts"), ("res.partner",))
    nameless = str(contacts - 13)  # an id in the middle, not the first nor the last
    pairs = [(f, last) for f in FIRST for last in LAST]
    rng.shuffle(pairs)
    for n in range(1, contacts + 1):
        cid = str(n)
        first, last = pairs[n - 1] if n != contacts - 2 else pairs[4]  # two people share a name (see namesake)
        owner = rng.choice(owner_ids)
        company = str(rng.randrange(1, len(COMPANIES) + 1)) if n % 4 == 0 else ""
        tag_ids = sorted(rng.sample(list(TAGS), rng.choice([0, 1, 1, 2, 3])), key=int)
        rec = {"id": cid, "owner": owner, "date": _stamp(rng), "dlm": _stamp(rng), "firstname": first,
               "lastname": last, "email": f"{first}.{last}{n}@mail.example".lower().replace("'", ""),
               "office_phone": f"+1 415 555 {rng.randrange(1000, 9999)}" if n % 3 else "",
               "cell_phone": f"+1 628 555 {rng.randrange(1000, 9999)}" if n % 2 else "",
               "title": rng.choice(["", "Team Lead", "Founder", "HR Manager", "Engineer"]),
               "company": COMPANIES[int(company) - 1] if company else "", "f2001": company or "0",
               "city": rng.choice(["Boston", "Denver", "Austin", ""]), "zip": str(rng.randrange(10000, 99999)),
               "country": "US", "birthday": str(T0 - rng.randrange(8000, 20000) * DAY) if n % 5 == 0 else "0",
               "contact_cat": _listed(tag_ids),
               "f1950": rng.choice(list(PROGRAMS)) if n % 3 == 0 else "",
               "f1951": _listed(sorted(rng.sample(list(INTERESTS), rng.choice([0, 1, 2])), key=int))}
        if cid == nameless:
            rec.update(firstname="", lastname="", email="", office_phone="", cell_phone="", company="",
                       f2001="0", contact_cat="", title="")
            t_contact.invalid[cid] = "no name, no e-mail and no phone: nothing identifies the person"
            tag_ids = []
            company = ""
        types[0].records.append(rec)
        t_contact.ids.append(cid)
        truth.owners[("contact", cid)] = coach_name[owner]
        for tag_id in tag_ids:  # the join object (138) holds the same tags as contact_cat
            types[138].records.append({"id": str(5001 + len(types[138].records)), "tag_id": tag_id,
                                       "object_type_id": "0", "object_id": cid})
        if cid not in t_contact.invalid:
            truth.tags[cid] = frozenset(TAGS[t] for t in tag_ids)
            shown = [PROGRAMS[rec["f1950"]]] if rec["f1950"] else []
            shown += [INTERESTS[i] for i in rec["f1951"].split("*/*") if i]
            if shown:  # dropdown and list values as their labels, never as option ids or */* strings
                truth.values[("contact", cid)] = {ANYWHERE: shown}
        if company:
            truth.links.append(Link(("contact", cid), "company", ("company", company)))
    return [c for c in t_contact.ids if c not in t_contact.invalid]


def _deals(rng: random.Random, types: dict[int, ObjectType], truth: Truth, contacts: list[str],
           owner_ids: list[str], coach_name: dict[str, str]) -> None:
    t_deal = truth.add("deal", ("deal", "deals"), ("crm.lead",))
    contact_company = {r["id"]: r["f2001"] for r in types[0].records}
    namesake = str(len(types[0].records) - 2)
    for n in range(1, 17):
        did = str(n)
        pipeline = "501" if n % 3 else "502"
        stage = rng.choice(list(STAGES))
        contact = rng.choice(contacts) if n % 5 else ""  # every fifth deal is with a company only
        contact = namesake if n == 3 else contact  # the later of two namesakes: only the id tells them apart
        company = contact_company.get(contact, "0") if contact else str(rng.randrange(1, 11))
        owner = rng.choice(owner_ids)
        closed = stage in ("604", "605")
        types[149].records.append({
            "id": did, "owner": owner, "date": _stamp(rng), "dlm": _stamp(rng),
            "name": f"{PIPELINES[pipeline]} #{n}", "value": f"{rng.randrange(5, 120) * 100}.00",
            "primary_contact": contact or "0", "company": company, "f2101": pipeline, "sales_stage": stage,
            "expected_win_percent": str(rng.choice([10, 25, 50, 75, 90])),
            "expected_close_date": _stamp(rng, 360), "actual_close_date": _stamp(rng, 360) if closed else "0"})
        t_deal.ids.append(did)
        truth.owners[("deal", did)] = coach_name[owner]
        deal = types[149].records[-1]
        truth.values[("deal", did)] = {
            "expected_revenue": float(deal["value"]),
            "date_deadline": dt.datetime.fromtimestamp(int(deal["expected_close_date"]), tz=dt.UTC).date().isoformat(),
            ANYWHERE: [PIPELINES[pipeline]]}
        if contact:
            truth.links.append(Link(("deal", did), "partner", ("contact", contact)))
        else:
            truth.links.append(Link(("deal", did), "partner", ("company", company)))


def _notes_and_tasks(rng: random.Random, types: dict[int, ObjectType], truth: Truth, contacts: list[str],
                     owner_ids: list[str], coach_name: dict[str, str]) -> None:
    t_note = truth.add("note", ("note", "notes"), ("mail.message",))
    deleted_contact = str(len(types[0].records) + 7)  # a contact that existed once; its notes stayed behind
    namesake = str(len(types[0].records) - 2)
    for n in range(1, 41):
        nid = str(500 + n)
        contact = deleted_contact if n == 23 else namesake if n == 4 else rng.choice(contacts)
        types[12].records.append({"id": nid, "contact_id": contact, "object_type_id": "0",
                                  "data": f"Session {n}: talked about goals.\nNext step: {rng.choice(['plan', 'call'])}",
                                  "author": rng.choice(owner_ids), "date": _stamp(rng), "dlm": _stamp(rng)})
        t_note.ids.append(nid)
        if contact == deleted_contact:
            t_note.invalid[nid] = f"its contact {contact} was deleted before the export"
        else:
            truth.links.append(Link(("note", nid), "attached", ("contact", contact)))

    t_task = truth.add("task", ("task", "tasks"), ("mail.activity", "mail.message", "project.task"))
    deals = [d["id"] for d in types[149].records]
    for n in range(1, 25):
        tid = str(900 + n)
        on_deal = n % 3 == 0
        parent_kind, parent = ("149", rng.choice(deals)) if on_deal else ("0", rng.choice(contacts))
        done = n % 2 == 0
        owner = rng.choice(owner_ids)
        due = int(_stamp(rng, 360))
        types[1].records.append({"id": tid, "owner": owner, "date": str(due - 5 * DAY), "dlm": str(due),
                                 "subject": f"{rng.choice(['Call', 'Send recap to', 'Book session with'])} #{n}",
                                 "details": "See last session notes." if n % 4 else "",
                                 "object_type_id": parent_kind, "object_id": parent,
                                 "date_assigned": str(due - 5 * DAY), "date_due": str(due),
                                 "date_complete": str(due - DAY) if done else "0", "status": "1" if done else "0"})
        t_task.ids.append(tid)
        truth.owners[("task", tid)] = coach_name[owner]
        truth.links.append(Link(("task", tid), "attached", ("deal" if on_deal else "contact", parent)))


def _catalogue(rng: random.Random, types: dict[int, ObjectType], truth: Truth, owner_ids: list[str],
               coach_name: dict[str, str]) -> None:
    t_product = truth.add("product", ("product", "products"), ("product.template", "product.product"))
    for n, (name, price, sku) in enumerate(PRODUCTS, start=1):
        pid = str(n)
        types[16].records.append({"id": pid, "owner": "1", "date": _stamp(rng), "dlm": _stamp(rng), "name": name,
                                  "price": price, "sku": sku, "description": f"{name}, as sold on the website"})
        t_product.ids.append(pid)
    t_workshop = truth.add("workshop", ("workshop", "workshops"), ())  # any x_ model the tool creates
    for n in range(1, 7):
        wid = str(n)
        owner = rng.choice(owner_ids)
        types[10003].records.append({"id": wid, "owner": owner, "date": _stamp(rng), "dlm": _stamp(rng),
                                     "f2301": f"{rng.choice(['Focus', 'Resilience', 'Feedback'])} Workshop {n}",
                                     "f2302": str(T0 + (100 + 14 * n) * DAY), "f2303": str(rng.choice([8, 12, 20])),
                                     "f2304": rng.choice(list(VENUES))})
        t_workshop.ids.append(wid)
        truth.owners[("workshop", wid)] = coach_name[owner]
