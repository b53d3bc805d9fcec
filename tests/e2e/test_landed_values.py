"""What Odoo holds after the tool writes is the landed value; reconcile, delta and rollback agree on it.

Odoo normalises what it stores (a website gains its scheme, an HTML body is sanitised and wrapped) and fills what
the loader leaves to it (a person without an address shows the company's, a won deal without a closing date and
a done task without a date get the time of the load). A clean migration must reconcile without differences and
roll back without "changed in Odoo" records; a real edit in Odoo, or a source change not migrated yet, must
still be caught.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader, ObjectResult
from crm2odoo.load.provision import Provisioner
from crm2odoo.load.rollback import Rollback
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import MappingSpec, spec_from_data
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.memory import MemorySource
from crm2odoo.validate.reconcile import ObjectReconcile, Reconciler

from .test_loader import rec

MAP = '''
source_kind: ontraport
system: SYSTEM
odoo_version: "18.0"
objects:
  company:
    source_object: company
    model: res.partner
    constants: {is_company: true}
    fields:
      - {source: name, target: name, transform: text}
      - {source: street, target: street, transform: text}
      - {source: city, target: city, transform: text}
      - {source: website, target: website, transform: text}
  contact:
    source_object: contact
    model: res.partner
    constants: {is_company: false, type: contact}
    fields:
      - {source: name, target: name, transform: text}
      - {source: email, target: email, transform: email}
      - {source: company, target: parent_id, transform: ref, params: {object: company}}
      - {source: street, target: street, transform: text}
      - {source: city, target: city, transform: text}
      - {source: website, target: website, transform: text}
      - {source: about, target: comment, transform: text}
  deal:
    source_object: deal
    model: crm.lead
    constants: {type: opportunity}
    fields:
      - {source: title, target: name, transform: text}
      - {source: contact, target: partner_id, transform: ref, params: {object: contact}}
      - {source: status, target: probability, transform: value_map,
         params: {map: {won: {probability: 100}, open: {probability: 20}}}}
      - {source: closed, target: date_closed, transform: datetime}
  task_done:
    source_object: task
    model: mail.message
    constants: {message_type: comment}
    fields:
      - {source: notes, target: body, transform: text}
      - {source: done_date, target: date, transform: datetime}
      - {source: contact, target: res_id, transform: record_ref, params: {objects: [contact]}}
      - {source: null, target: subtype_id, transform: lookup,
         params: {model: mail.message.subtype, by: [xmlid], value: mail.mt_note}}
'''

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def make_spec(tag: str) -> MappingSpec:
    return spec_from_data(yaml.safe_load(MAP.replace("SYSTEM", f"t{tag}")))


def dataset(tag: str) -> dict[str, list[SourceRecord]]:
    data = {
        "company": [rec("company", 1, name=f"Initech {tag}", street="1 Office Park", city="Austin",
                        website="initech.example.com")],
        "contact": [
            # no address of her own: she shows the company's, as Odoo intends
            rec("contact", 10, name=f"Peter {tag}", email=f"peter.{tag}@example.com", company="1",
                website="peter.example.com", about="Likes\n\nfishing"),
            rec("contact", 11, name=f"Joanna {tag}", email=f"joanna.{tag}@example.com", company="1",
                street="5 Main St", city="Dallas"),
            rec("contact", 12, name=f"Milton {tag}", email=f"milton.{tag}@example.com", website="stapler.example.com"),
        ],
        "deal": [
            rec("deal", 100, title=f"Won without a date {tag}", contact="10", status="won"),
            rec("deal", 101, title=f"Open {tag}", contact="11", status="open"),
        ],
        "task": [
            rec("task", 1000, notes="Called back\n\nabout the <b>stapler</b>", contact="12"),  # done, no date
            rec("task", 1001, notes="Sent the TPS report", done_date=dt.datetime(2023, 2, 1, 9, tzinfo=dt.UTC),
                contact="10"),
        ],
    }
    for records in data.values():
        for record in records:
            record.modified_at = T0
    return data


def load(odoo: OdooClient, ledger: Ledger, spec: MappingSpec, data: dict[str, list[SourceRecord]], *,
         delta: bool = False) -> dict[str, ObjectResult]:
    run_id = ledger.start_run("delta" if delta else "migrate", mapping_hash=spec.content_hash(), options={})
    schema = Schema(odoo)
    Provisioner(odoo, schema, ledger, run_id).provision(spec)
    loader = Loader(client=odoo, schema=schema, ledger=ledger, spec=spec, engine=Engine(spec),
                    source=MemorySource(Catalog("memory", ()), data), run_id=run_id, batch_size=10, workers=1,
                    delta=delta)
    results = {r.name: r for r in loader.run()}
    ledger.finish_run(run_id, "done")
    return results


def reconcile(odoo: OdooClient, ledger: Ledger, spec: MappingSpec,
              data: dict[str, list[SourceRecord]]) -> dict[str, ObjectReconcile]:
    info = Reconciler(odoo, Schema(odoo), ledger, spec, Engine(spec), MemorySource(Catalog("memory", ()), data),
                      seed=3).run(spot_check=100)
    return {o.name: o for o in info.objects}


def mismatches(objs: dict[str, ObjectReconcile]) -> list[str]:
    return [f"{o.name} {d.source_id}: {d.detail}" for o in objs.values() for d in o.differences]


def track(cleanup: list[tuple[str, list[int]]], ledger: Ledger) -> None:
    for obj, model in [("task_done", "mail.message"), ("deal", "crm.lead"), ("contact", "res.partner"),
                       ("company", "res.partner")]:
        cleanup.insert(0, (model, sorted(set(ledger.id_map(obj).values()))))


def test_a_clean_migration_reconciles_with_what_odoo_normalised_and_filled(
        odoo: OdooClient, tmp_path: Path, tag: str, cleanup: list[tuple[str, list[int]]]) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    spec, data = make_spec(tag), dataset(tag)
    load(odoo, ledger, spec, data)
    track(cleanup, ledger)
    contacts, tasks = ledger.id_map("contact"), ledger.id_map("task_done")

    # what Odoo did with the values, as the real Odoo 18 does it
    peter = odoo.read("res.partner", [contacts["10"]], ["street", "city", "website", "comment"])[0]
    assert (peter["street"], peter["city"]) == ("1 Office Park", "Austin"), "a person shows the company's address"
    assert peter["website"] == "http://peter.example.com" and peter["comment"] == "<p>Likes\n\nfishing</p>"
    undated = odoo.read("mail.message", [tasks["1000"]], ["date", "body"])[0]
    assert undated["date"] and undated["body"] == "<p>Called back\n\nabout the <b>stapler</b></p>"

    objs = reconcile(odoo, ledger, spec, data)
    assert all(o.ok for o in objs.values()), mismatches(objs)
    assert sum(o.spot_checked for o in objs.values()) == 8 and not mismatches(objs)

    # the ledger keeps what Odoo stored, beside what was sent
    row = ledger.get("contact", "12")
    assert row is not None and row.written is not None and row.written["website"] == "stapler.example.com"
    assert row.landed_value("website") == "http://stapler.example.com"
    assert not [i for i in ledger.issues(kinds=["warning"]) if i["object"] in ("contact", "deal", "task_done")], \
        "Odoo's known normalisation is no warning"



def test_reconcile_still_catches_an_edit_in_odoo_and_a_source_change_not_migrated(
        odoo: OdooClient, tmp_path: Path, tag: str, cleanup: list[tuple[str, list[int]]]) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    spec, data = make_spec(tag), dataset(tag)
    load(odoo, ledger, spec, data)
    track(cleanup, ledger)
    contacts, deals = ledger.id_map("contact"), ledger.id_map("deal")

    odoo.write("res.partner", [contacts["12"]], {"website": "http://elsewhere.example.com"})
    odoo.write("crm.lead", [deals["100"]], {"date_closed": "2020-01-01 00:00:00"})
    milton = next(r for r in data["contact"] if r.id == "11")
    milton.values["city"] = "Houston"  # changed in the source, not migrated yet

    objs = reconcile(odoo, ledger, spec, data)
    details = {f"{o.name} {d.source_id}": d.detail for o in objs.values() for d in o.differences}
    assert "changed in Odoo since" in details["contact 12"] and "website" in details["contact 12"]
    assert "date_closed" in details["deal 100"] and "changed in Odoo since" in details["deal 100"]
    assert "city" in details["contact 11"] and "not migrated" in details["contact 11"]
    assert set(details) == {"contact 12", "deal 100", "contact 11"}, details
    assert not objs["contact"].ok and not objs["deal"].ok and objs["task_done"].ok


def test_rollback_after_migrate_and_delta_finds_nothing_changed_in_odoo(
        odoo: OdooClient, tmp_path: Path, tag: str, cleanup: list[tuple[str, list[int]]]) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    spec, data = make_spec(tag), dataset(tag)
    load(odoo, ledger, spec, data)
    track(cleanup, ledger)
    contacts = ledger.id_map("contact")

    # the source changes Joanna's city and Peter's notes; nobody touches anything in Odoo
    joanna = next(r for r in data["contact"] if r.id == "11")
    joanna.values["city"], joanna.modified_at = "Houston", T1
    peter = next(r for r in data["contact"] if r.id == "10")
    peter.values["about"], peter.modified_at = "Likes\n\nfishing and <i>kung fu</i>", T1
    second = load(odoo, ledger, spec, data, delta=True)
    assert (second["contact"].updated, second["contact"].conflicts) == (2, 0), "Odoo's normalisation is no conflict"
    assert odoo.read("res.partner", [contacts["11"]], ["city"])[0]["city"] == "Houston"
    objs = reconcile(odoo, ledger, spec, data)
    assert all(o.ok for o in objs.values()), mismatches(objs)

    result = Rollback(odoo, Schema(odoo), ledger, spec).run([int(r["id"]) for r in ledger.runs()])
    assert result.changed_in_odoo == [], result.changed_in_odoo
    assert result.verified, result.problems
    assert odoo.search_count("res.partner", [["id", "in", sorted(contacts.values())]],
                             context={"active_test": False}) == 0


def test_rollback_keeps_a_record_edited_in_odoo_after_the_load(
        odoo: OdooClient, tmp_path: Path, tag: str, cleanup: list[tuple[str, list[int]]]) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    spec, data = make_spec(tag), dataset(tag)
    load(odoo, ledger, spec, data)
    track(cleanup, ledger)
    contacts = ledger.id_map("contact")
    odoo.write("res.partner", [contacts["10"]], {"comment": "<p>Fired, but still here</p>"})
    result = Rollback(odoo, Schema(odoo), ledger, spec).run([int(r["id"]) for r in ledger.runs()])
    assert [line for line in result.changed_in_odoo if "comment" in line] == \
        [f"contact 10 (res.partner {contacts['10']}): comment changed"]
    assert odoo.search_count("res.partner", [["id", "=", contacts["10"]]]) == 1


ATTACHMENT_MAP = '''
source_kind: ontraport
system: SYSTEM
odoo_version: "18.0"
objects:
  contact:
    source_object: contact
    model: res.partner
    fields: [{source: name, target: name, transform: text}]
  link:
    source_object: link
    model: ir.attachment
    constants: {type: url}
    fields:
      - {source: name, target: name, transform: text}
      - {source: url, target: url, transform: text}
      - {source: contact, target: res_id, transform: record_ref,
         params: {objects: [contact], model_field: res_model}}
'''


def test_a_value_odoo_cut_short_is_a_warning_and_the_landed_value(odoo: OdooClient, tmp_path: Path, tag: str,
                                                                  cleanup: list[tuple[str, list[int]]]) -> None:
    """ir.attachment.url holds 1,024 characters (fields._String.convert_to_cache cuts longer values)."""
    ledger = Ledger(tmp_path / "l.sqlite")
    spec = spec_from_data(yaml.safe_load(ATTACHMENT_MAP.replace("SYSTEM", f"t{tag}")))
    long_url = "https://files.example.com/" + "x" * 1100
    data: dict[str, Any] = {
        "contact": [rec("contact", 1, name=f"Bob {tag}")],
        "link": [rec("link", 1, name="short", url="https://files.example.com/a", contact="1"),
                 rec("link", 2, name="long", url=long_url, contact="1")],
    }
    load(odoo, ledger, spec, data)
    cleanup.insert(0, ("res.partner", sorted(ledger.id_map("contact").values())))
    cleanup.insert(0, ("ir.attachment", sorted(ledger.id_map("link").values())))
    warnings = [i for i in ledger.issues(kinds=["warning"]) if i["object"] == "link"]
    assert [(w["source_id"], w["field"]) for w in warnings] == [("2", "url")]
    assert "Odoo stored" in warnings[0]["reason"]
    row = ledger.get("link", "2")
    assert row is not None and row.landed_value("url") == long_url[:1024]
    objs = reconcile(odoo, ledger, spec, data)
    link = objs["link"]
    assert [d.source_id for d in link.differences] == ["2"] and "url" in link.differences[0].detail
