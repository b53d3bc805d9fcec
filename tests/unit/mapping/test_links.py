"""Links learnt from values: ids and names of other objects, the id preferred, polymorphic kind + id pairs."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.links import LinkFinder
from crm2odoo.mapping.propose import propose
from crm2odoo.mapping.spec import FieldMap, MappingSpec
from crm2odoo.mapping.transforms import RecordRef, Ref, TransformContext, t_record_ref, t_ref
from crm2odoo.sources.base import Catalog, FieldInfo, ObjectInfo, SourceRecord

ROOT = Path(__file__).resolve().parents[3]


def _odoo18() -> Any:
    spec = importlib.util.spec_from_file_location("mapping_accuracy", ROOT / "bench" / "mapping_accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mapping_accuracy", module)
    spec.loader.exec_module(module)
    return module.load_odoo_fields("18.0")


ODOO18 = _odoo18()
COMPANIES = ["Kuzey Yazılım Ltd. Şti.", "İstanbul Dental A.Ş.", "Ege Sağlık Ltd.", "Bosphorus Estates GmbH",
             "Işıklar Medikal", "Pera Reklam A.Ş."]
PEOPLE = ["Ayşe Kaya", "Mehmet Öz", "İrem Işık", "Oğuz Şahin", "Jürgen Groß", "Maria García", "Ada Lovelace",
          "Chris Clarke"]


def F(name: str, label: str | None = None, type: str = "text", **kw: Any) -> FieldInfo:
    return FieldInfo(name=name, label=label or name, type=type, **kw)  # type: ignore[arg-type]


def _company() -> tuple[ObjectInfo, list[SourceRecord]]:
    obj = ObjectInfo("company", "Firmalar", (F("id", "ID", "id"), F("name", "Company Name")))
    return obj, [SourceRecord("company", str(100 + i), {"id": str(100 + i), "name": n}) for i, n in enumerate(COMPANIES)]


def _contacts(columns: dict[str, Any], fields: tuple[FieldInfo, ...]) -> tuple[ObjectInfo, list[SourceRecord]]:
    obj = ObjectInfo("contact", "Contacts", (F("id", "ID", "id"), F("name", "Full Name"), *fields))
    records = []
    for i, person in enumerate(PEOPLE):
        values: dict[str, Any] = {"id": str(i + 1), "name": person}
        for key, fill in columns.items():
            values[key] = fill(i)
        records.append(SourceRecord("contact", str(i + 1), values))
    return obj, records


def _finder(*objects: tuple[ObjectInfo, list[SourceRecord]], kind: str = "planports-xlsx") -> LinkFinder:
    catalog = Catalog(kind, tuple(o for o, _ in objects))
    return LinkFinder(catalog, {o.name: recs for o, recs in objects})


def test_a_column_of_company_ids_links_to_companies() -> None:
    contacts = _contacts({"Firma Kodu": lambda i: str(100 + i % 6)}, (F("Firma Kodu", custom=True),))
    links = _finder(_company(), contacts).of(contacts[0])
    link = links.links["Firma Kodu"]
    assert (link.object, link.by, link.share) == ("company", "id", 1.0)
    assert "100% of 8 sampled values of 'Firma Kodu' are ids of company" in link.reason("Firma Kodu")


def test_a_column_of_company_names_in_other_case_links_by_name() -> None:
    contacts = _contacts({"Şirket": lambda i: COMPANIES[i % 6].upper()}, (F("Şirket", custom=True),))
    link = _finder(_company(), contacts).of(contacts[0]).links["Şirket"]
    assert (link.object, link.by) == ("company", "name"), "İSTANBUL DENTAL A.Ş. is İstanbul Dental A.Ş."


def test_the_id_column_links_and_the_name_column_next_to_it_is_redundant() -> None:
    contacts = _contacts({"Company": lambda i: COMPANIES[i % 6], "Company ID": lambda i: str(100 + i % 6)},
                         (F("Company", custom=True), F("Company ID", custom=True)))
    found = _finder(_company(), contacts).of(contacts[0])
    assert found.links["Company ID"].by == "id"
    assert "Company" not in found.links
    assert found.redundant["Company"].by_field == "Company ID"


def test_a_name_column_naming_other_records_than_the_id_column_is_not_redundant() -> None:
    contacts = _contacts({"Company": lambda i: COMPANIES[(i + 1) % 6], "Company ID": lambda i: str(100 + i % 6)},
                         (F("Company", custom=True), F("Company ID", custom=True)))
    found = _finder(_company(), contacts).of(contacts[0])
    assert "Company" not in found.redundant


def test_low_overlap_is_no_link() -> None:
    contacts = _contacts({"Firma Kodu": lambda i: str(100 + i) if i < 2 else str(900 + i)},
                         (F("Firma Kodu", custom=True),))
    assert "Firma Kodu" not in _finder(_company(), contacts).of(contacts[0]).links


def test_numbers_that_fit_ids_without_a_header_saying_so_are_no_link() -> None:
    contacts = _contacts({"Lead Score": lambda i: str(100 + i % 6)}, (F("Lead Score", custom=True),))
    assert "Lead Score" not in _finder(_company(), contacts).of(contacts[0]).links


def _tasks(kind_values: list[str], parent_ids: list[str], kind_header: str = "Bağlı Kayıt Türü",
           names: list[str] | None = None) -> tuple[ObjectInfo, list[SourceRecord]]:
    fields = (F("id", "ID", "id"), F("Konu"), F(kind_header, custom=True), F("Bağlı No", custom=True),
              F("Bağlı Ad", custom=True))
    obj = ObjectInfo("task", "Görevler", fields)
    recs = [SourceRecord("task", f"T{i}", {"id": f"T{i}", "Konu": f"Ara {i}", kind_header: k, "Bağlı No": p,
                                           "Bağlı Ad": names[i] if names else None})
            for i, (k, p) in enumerate(zip(kind_values, parent_ids, strict=True))]
    return obj, recs


def _deals() -> tuple[ObjectInfo, list[SourceRecord]]:
    obj = ObjectInfo("deal", "Deals", (F("id", "ID", "id"), F("name", "Deal Name")))
    return obj, [SourceRecord("deal", f"D{i}", {"id": f"D{i}", "name": f"Deal {i}"}) for i in range(1, 7)]


@pytest.mark.parametrize("contact_word, deal_word", [("Kişi", "Fırsat"), ("Contacts", "Deal"),
                                                      ("Kontakt", "Geschäft"), ("KİŞİ", "Satış Fırsatı")])
def test_a_kind_column_next_to_an_id_column_is_a_polymorphic_parent(contact_word: str, deal_word: str) -> None:
    kinds = [contact_word, deal_word] * 4
    ids = [str(i + 1) if i % 2 == 0 else f"D{i % 6 + 1}" for i in range(8)]
    names = [PEOPLE[i] if i % 2 == 0 else f"Deal {i % 6 + 1}" for i in range(8)]
    tasks = _tasks(kinds, ids, names=names)
    found = _finder(_contacts({}, ()), _deals(), tasks).of(tasks[0])
    assert found.kind is not None
    assert (found.kind.kind_field, found.kind.id_field) == ("Bağlı Kayıt Türü", "Bağlı No")
    assert found.kind.kinds == {contact_word: "contact", deal_word: "deal"}
    assert found.kind.name_field == "Bağlı Ad", "the display name column says what the pair says"


def test_kind_labels_whose_ids_do_not_resolve_are_no_parent() -> None:
    tasks = _tasks(["Kişi", "Fırsat"] * 4, [str(500 + i) for i in range(8)])
    assert _finder(_contacts({}, ()), _deals(), tasks).of(tasks[0]).kind is None


def test_ontraport_numeric_type_ids_name_kinds_only_under_a_type_header() -> None:
    ids = [str(i + 1) for i in range(8)]
    typed = _tasks(["0"] * 8, ids, kind_header="Object Type")
    found = _finder(_contacts({}, ()), typed, kind="ontraport-csv").of(typed[0])
    assert found.kind is not None and found.kind.kinds == {"0": "contact"}
    scored = _tasks(["0"] * 8, ids, kind_header="Bounces")
    assert _finder(_contacts({}, ()), scored, kind="ontraport-csv").of(scored[0]).kind is None
    assert _finder(_contacts({}, ()), typed, kind="planports-xlsx").of(typed[0]).kind is None, \
        "numbers are Ontraport's type ids only"


def _line(spec: MappingSpec, obj: str, source: str) -> FieldMap:
    return next(ln for ln in spec.objects[obj].fields if source in ln.sources)


def test_the_proposer_links_by_id_never_an_integer_x_field_and_ignores_the_name() -> None:
    company = _company()
    contacts = _contacts({"Company": lambda i: COMPANIES[i % 6], "Company ID": lambda i: str(100 + i % 6)},
                         (F("Company", custom=True), F("Company ID", custom=True)))
    catalog = Catalog("ontraport-csv", (company[0], contacts[0]))
    spec = propose(catalog, {"company": company[1], "contact": contacts[1]}, ODOO18, system="t",
                   odoo_version="18.0")
    line = _line(spec, "contact", "Company ID")
    assert (line.target, line.transform, line.new_field) == ("parent_id", "ref", None)
    assert "ids of company" in line.reason and line.confidence >= 0.9
    assert _line(spec, "contact", "Company").ignore


def test_the_proposer_gives_tasks_with_a_kind_column_a_runnable_parent() -> None:
    kinds = ["Kişi", "Fırsat"] * 4
    ids = [str(i + 1) if i % 2 == 0 else f"D{i % 6 + 1}" for i in range(8)]
    tasks = _tasks(kinds, ids)
    contacts, deals = _contacts({}, ()), _deals()
    catalog = Catalog("planports-xlsx", (contacts[0], deals[0], tasks[0]))
    spec = propose(catalog, {"contact": contacts[1], "deal": deals[1], "task": tasks[1]}, ODOO18, system="t",
                   odoo_version="18.0")
    line = _line(spec, "task", "Bağlı No")
    assert (line.target, line.transform, line.sources) == ("res_id", "record_ref", ["Bağlı Kayıt Türü", "Bağlı No"])
    assert line.params["model_field"] == "res_model_id" and line.params["model_field_kind"] == "ir_model"
    target = Engine(spec).transform(spec.objects["task"], tasks[1][1])
    value = target.vals["res_id"]
    assert isinstance(value, RecordRef) and value.candidates == (Ref("deal", "D2"),)


def test_record_ref_by_kind_and_ref_by_name_transforms() -> None:
    ctx = TransformContext()
    params = {"objects": ["contact", "deal"], "kinds": {"kisi": "contact", "firsat": "deal", "0": "contact"}}
    assert t_record_ref(["KİŞİ", "7"], params, ctx).candidates == (Ref("contact", "7"),)
    assert t_record_ref([0.0, "7"], params, ctx).candidates == (Ref("contact", "7"),)
    assert t_record_ref(["Fırsat", None], params, ctx) is None
    with pytest.raises(Exception, match="kind of record not in the map"):
        t_record_ref(["Ticket", "7"], params, ctx)
    assert t_ref([" Ege Sağlık Ltd. "], {"object": "company", "by": "name"}, ctx) == \
        Ref("company", "Ege Sağlık Ltd.", by="name")
    assert t_ref(["12"], {"object": "company"}, ctx) == Ref("company", "12")


def _activities(columns: dict[str, Any], fields: tuple[FieldInfo, ...]) -> tuple[ObjectInfo, list[SourceRecord]]:
    obj = ObjectInfo("activity", "Aktivitäten", (F("id", "ID", "id"), F("Typ", "Activity Type", "select"),
                                                  F("Betreff", "Subject"), *fields))
    recs = []
    for i in range(8):
        values: dict[str, Any] = {"id": f"A{i}", "Typ": "Besprechung" if i % 2 else "Anruf", "Betreff": f"B{i}"}
        values.update({key: fill(i) for key, fill in columns.items()})
        recs.append(SourceRecord("activity", f"A{i}", values))
    return obj, recs


def _meeting(obj: tuple[ObjectInfo, list[SourceRecord]]) -> tuple[MappingSpec, dict[str, Any]]:
    spec = propose(Catalog("planports-api", (obj[0],)), {"activity": obj[1]}, ODOO18, system="t",
                   odoo_version="18.0")
    return spec, Engine(spec).transform(spec.objects["activity_meeting"], obj[1][1]).vals


def test_a_meeting_with_a_start_and_a_duration_in_minutes_gets_its_end() -> None:
    start = dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.UTC)
    spec, vals = _meeting(_activities({"Beginn": lambda i: start, "Dauer (Minuten)": lambda i: 45},
                                      (F("Beginn", type="datetime"), F("Dauer (Minuten)", type="integer"))))
    line = _line(spec, "activity_meeting", "Beginn")
    assert (line.target, line.transform, line.sources) == ("start", "end", ["Beginn", "Dauer (Minuten)"])
    assert line.params["unit"] == "minutes"
    assert (vals["start"], vals["stop"]) == (start, start + dt.timedelta(minutes=45))


def test_a_meeting_with_only_a_due_date_starts_then_and_lasts_an_hour() -> None:
    spec, vals = _meeting(_activities({"Due Date": lambda i: dt.date(2024, 5, 6)}, (F("Due Date", type="date"),)))
    assert _line(spec, "activity_meeting", "Due Date").transform == "end"
    assert vals["stop"] - vals["start"] == dt.timedelta(hours=1)
    assert vals["start"].date() == dt.date(2024, 5, 6)


def test_a_meeting_with_an_end_column_keeps_it() -> None:
    start = dt.datetime(2024, 5, 6, 9, 30, tzinfo=dt.UTC)
    spec, vals = _meeting(_activities({"Başlangıç": lambda i: start, "Bitiş": lambda i: start + dt.timedelta(hours=2)},
                                      (F("Başlangıç", type="datetime"), F("Bitiş", type="datetime"))))
    assert _line(spec, "activity_meeting", "Başlangıç").target == "start"
    assert vals["stop"] == start + dt.timedelta(hours=2)


def test_notes_with_kind_id_and_display_name_columns_get_model_and_res_id() -> None:
    fields = (F("id", "ID", "id"), F("Text", "Note", "longtext"), F("Regarding Kind", custom=True),
              F("Regarding", custom=True), F("Regarding Name", custom=True))
    notes = ObjectInfo("note", "Notes", fields)
    rows = [SourceRecord("note", f"N{i}", {"id": f"N{i}", "Text": f"note {i}",
                                          "Regarding Kind": "Contacts" if i % 2 == 0 else "Deals",
                                          "Regarding": str(i + 1) if i % 2 == 0 else f"D{i % 6 + 1}",
                                          "Regarding Name": PEOPLE[i] if i % 2 == 0 else f"Deal {i % 6 + 1}"})
            for i in range(8)]
    contacts, deals = _contacts({}, ()), _deals()
    catalog = Catalog("planports-api", (contacts[0], deals[0], notes))
    spec = propose(catalog, {"contact": contacts[1], "deal": deals[1], "note": rows}, ODOO18, system="t",
                   odoo_version="18.0")
    line = _line(spec, "note", "Regarding")
    assert (line.target, line.transform, line.params["model_field"]) == ("res_id", "record_ref", "model")
    assert "model_field_kind" not in line.params, "mail.message names its model as text"
    assert _line(spec, "note", "Regarding Name").ignore
    value = Engine(spec).transform(spec.objects["note"], rows[0]).vals["res_id"]
    assert isinstance(value, RecordRef) and value.candidates == (Ref("contact", "1"),)


def test_a_records_own_name_is_no_link_even_when_it_names_someone_else() -> None:
    leads = ObjectInfo("lead", "Leads", (F("id", "ID", "id"), F("Full Name"), F("Contact Person", custom=True)))
    rows = [SourceRecord("lead", f"L{i}", {"id": f"L{i}", "Full Name": PEOPLE[i], "Contact Person": PEOPLE[i]})
            for i in range(8)]
    found = _finder(_contacts({}, ()), (leads, rows)).of(leads)
    assert "Full Name" not in found.links, "the lead is named like its contact, and keeps its name"
    assert found.links["Contact Person"].by == "name"


def test_ids_of_a_large_uncounted_object_link_although_the_sample_holds_few_of_them() -> None:
    contacts = ObjectInfo("contact", "Contacts", (F("id", "ID", "id"), F("name", "Full Name")))
    sampled = [SourceRecord("contact", str(i), {"id": str(i), "name": f"Person {i}"}) for i in range(1, 201)]
    deals = ObjectInfo("deal", "Deals", (F("id", "ID", "id"), F("Contact ID", custom=True)))
    rows = [SourceRecord("deal", f"D{i}", {"id": f"D{i}", "Contact ID": str(1 + (i * 37) % 1000)}) for i in range(60)]
    link = _finder((contacts, sampled), (deals, rows)).of(deals).links["Contact ID"]
    assert (link.object, link.by) == ("contact", "id")
    strays = [SourceRecord("deal", f"D{i}", {"id": f"D{i}", "Contact ID": str(5000 + i)}) for i in range(60)]
    assert "Contact ID" not in _finder((contacts, sampled), (deals, strays)).of(deals).links


def _cards(kinds: list[str], ids: list[str]) -> tuple[ObjectInfo, list[SourceRecord]]:
    fields = (F("id", "ID", "id"), F("Title", "Card Title"), F("Linked Type", custom=True), F("Linked No", custom=True))
    obj = ObjectInfo("card", "Cards", fields)
    return obj, [SourceRecord("card", f"C{i}", {"id": f"C{i}", "Title": f"Card {i}", "Linked Type": k,
                                                "Linked No": p}) for i, (k, p) in enumerate(zip(kinds, ids, strict=True))]


def test_cards_of_people_and_companies_take_them_as_their_customer() -> None:
    cards = _cards(["Kişi", "Firma"] * 4, [str(i + 1) if i % 2 == 0 else str(100 + i % 6) for i in range(8)])
    contacts, company = _contacts({}, ()), _company()
    catalog = Catalog("planports-xlsx", (company[0], contacts[0], cards[0]))
    spec = propose(catalog, {"company": company[1], "contact": contacts[1], "card": cards[1]}, ODOO18, system="t",
                   odoo_version="18.0")
    line = _line(spec, "card", "Linked No")
    assert (line.target, line.transform, line.params["model_field"]) == ("partner_id", "record_ref", "")
    value = Engine(spec).transform(spec.objects["card"], cards[1][1]).vals["partner_id"]
    assert isinstance(value, RecordRef) and value.candidates == (Ref("company", "101"),)


def test_cards_of_deals_get_no_customer_line_from_the_kind() -> None:
    cards = _cards(["Kişi", "Fırsat"] * 4, [str(i + 1) if i % 2 == 0 else f"D{i % 6 + 1}" for i in range(8)])
    contacts, deals = _contacts({}, ()), _deals()
    catalog = Catalog("planports-xlsx", (contacts[0], deals[0], cards[0]))
    spec = propose(catalog, {"contact": contacts[1], "deal": deals[1], "card": cards[1]}, ODOO18, system="t",
                   odoo_version="18.0")
    assert _line(spec, "card", "Linked No").transform != "record_ref", "project.task has no res_model/res_id"


def test_a_deal_with_a_contact_column_and_a_company_column_has_the_contact_else_the_company_as_partner() -> None:
    """Every fifth deal is made with a company alone: its partner is that company, the others' their contact; the
    company column never becomes a field of its own."""
    company, contacts = _company(), _contacts({}, ())
    deal_fields = (F("id", "Deal ID", "id"), F("name", "Deal Name"),
                   F("primary_contact", "Primary Contact", "ref", ref_object="contact"),
                   F("company", "Company", "ref", ref_object="company"))
    deals = ObjectInfo("deal", "Deals", deal_fields)
    records = [SourceRecord("deal", str(d), {"id": str(d), "name": f"Deal {d}",
                                             "primary_contact": None if d % 5 == 0 else str(d % 8 + 1),
                                             "company": str(100 + d % 6)}) for d in range(1, 11)]
    catalog = Catalog("ontraport", (company[0], contacts[0], deals))
    spec = propose(catalog, {"company": company[1], "contact": contacts[1], "deal": records}, ODOO18, system="t",
                   odoo_version="18.0")
    line = _line(spec, "deal", "company")
    assert (line.target, line.transform, line.sources) == ("partner_id", "record_ref", ["primary_contact", "company"])
    assert line.params == {"objects": ["contact", "company"], "model_field": "", "first_set": True}
    assert line.new_field is None
    assert [ln for ln in spec.objects["deal"].fields if ln.target == "partner_id"] == [line]
    engine = Engine(spec)
    with_contact = engine.transform(spec.objects["deal"], records[0]).vals["partner_id"]
    company_only = engine.transform(spec.objects["deal"], records[4]).vals["partner_id"]
    assert with_contact.candidates == (Ref("contact", "2"),), "a contact that is set is the partner or a gap"
    assert company_only.candidates == (Ref("company", "105"),) and company_only.model_field == ""


def _firms(first_id: int) -> tuple[ObjectInfo, list[SourceRecord]]:
    obj = ObjectInfo("company", "Firmalar", (F("id", "ID", "id"), F("name", "Company Name")))
    return obj, [SourceRecord("company", str(first_id + i), {"id": str(first_id + i), "name": n})
                 for i, n in enumerate(COMPANIES)]


def test_a_person_kind_pointing_at_a_firm_of_the_same_numbering_falls_back_to_the_firm() -> None:
    """One Kişiler sheet numbers persons and firms in one sequence: 'Kişi 1001' may be the firm 1001."""
    people = _contacts({}, ())  # ids 1..n
    firm = _firms(1001)
    tasks = _tasks(["Kişi", "Fırsat", "Kişi", "Kişi", "Fırsat", "Kişi"], ["1", "D1", "1001", "2", "D2", "3"])
    finder = _finder(people, firm, _deals(), tasks)
    found = finder.of(tasks[0])
    assert found.kind is not None and dict(found.kind.fallbacks) == {"contact": "company"}
    spec = propose(Catalog("planports-xlsx", (people[0], firm[0], _deals()[0], tasks[0])),
                   {"contact": people[1], "company": firm[1], "deal": _deals()[1], "task": tasks[1]}, ODOO18,
                   system="t", odoo_version="18.0")
    line = next(ln for ln in spec.objects["task"].fields if ln.transform == "record_ref")
    assert line.params["fallbacks"] == {"contact": "company"} and "company" in line.params["objects"]
    ctx = TransformContext()
    assert t_record_ref(["Kişi", "1001"], line.params, ctx).candidates == (Ref("contact", "1001"),
                                                                            Ref("company", "1001"))
    assert t_record_ref(["Fırsat", "D1"], line.params, ctx).candidates == (Ref("deal", "D1"),)


def test_persons_and_firms_numbered_apart_get_no_fallback() -> None:
    """Contacts 1..n and companies 1..3 are two sequences: 'Kişi 2' is the person 2, never the firm 2; and a
    pair never seen pointing across needs no fallback."""
    people = _contacts({}, ())
    tasks = _tasks(["Kişi", "Fırsat", "Kişi", "Kişi"], ["1", "D1", "2", "3"])
    found = _finder(people, _firms(1), _deals(), tasks).of(tasks[0])
    assert found.kind is not None and not found.kind.fallbacks
    found = _finder(people, _firms(1001), _deals(), tasks).of(tasks[0])
    assert found.kind is not None and not found.kind.fallbacks
    assert t_record_ref(["Kişi", "2"], {"objects": ["contact"], "kinds": {"kisi": "contact"}},
                        TransformContext()).candidates == (Ref("contact", "2"),)


def test_a_parent_kind_the_sample_did_not_show_still_finds_its_record() -> None:
    """Every sampled Ontraport task is on a contact ('0'); a task on a deal ('149') beyond the sample hangs on its
    deal, never refused as an unknown kind nor read as a contact."""
    ids = [str(i + 1) for i in range(8)]
    typed = _tasks(["0"] * 8, ids, kind_header="Object Type")
    contacts, deals = _contacts({}, ()), _deals()
    found = _finder(contacts, deals, typed, kind="ontraport-csv").of(typed[0])
    assert found.kind is not None and found.kind.kinds == {"0": "contact"}
    assert found.kind.unseen == {"149": "deal"}
    catalog = Catalog("ontraport-csv", (contacts[0], deals[0], typed[0]))
    spec = propose(catalog, {"contact": contacts[1], "deal": deals[1], "task": typed[1]}, ODOO18, system="t",
                   odoo_version="18.0")
    line = _line(spec, "task", "Bağlı No")
    assert line.params["kinds"]["149"] == "deal" and "deal" in line.params["objects"]
    beyond = SourceRecord("task", "T99", {"id": "T99", "Konu": "Ara", "Object Type": "149", "Bağlı No": "D3"})
    value = Engine(spec).transform(spec.objects["task"], beyond).vals["res_id"]
    assert isinstance(value, RecordRef) and value.candidates == (Ref("deal", "D3"),)
    words = _tasks(["Kişi"] * 8, ids)
    found = _finder(contacts, deals, words).of(words[0])
    assert found.kind is not None and found.kind.unseen.get("firsat") == "deal"
    assert "149" not in found.kind.unseen, "type ids are Ontraport's, and only where the column holds numbers"
