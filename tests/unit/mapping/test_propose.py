"""The proposer: both sources' shapes, version differences, re-plan, determinism, and the benchmark targets."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.propose import ProposeOptions, propose
from crm2odoo.mapping.spec import FieldMap, MappingSpec, dump_spec, spec_from_data
from crm2odoo.sources.base import Catalog, FieldInfo, ObjectInfo, SourceRecord

ROOT = Path(__file__).resolve().parents[3]


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("mapping_accuracy", ROOT / "bench" / "mapping_accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mapping_accuracy"] = module
    spec.loader.exec_module(module)
    return module


BENCH = _bench()
ODOO: dict[str, dict[str, dict[str, dict[str, Any]]]] = {v: BENCH.load_odoo_fields(v) for v in ("17.0", "18.0", "19.0")}


def F(name: str, label: str, type: str = "text", **kw: Any) -> FieldInfo:
    return FieldInfo(name=name, label=label, type=type, **kw)  # type: ignore[arg-type]


def records(obj: str, columns: dict[str, Sequence[Any]], id_field: str | None = None) -> list[SourceRecord]:
    n = max(len(v) for v in columns.values())
    out = []
    for i in range(n):
        values = {k: (v[i] if i < len(v) else None) for k, v in columns.items()}
        rid = str(values[id_field]) if id_field else str(i + 1)
        out.append(SourceRecord(object=obj, id=rid, values=values))
    return out


# -- an Ontraport-shaped account ----------------------------------------------------------------------------------
OP_CONTACT = ObjectInfo("contact", "Contacts", (
    F("id", "Contact ID", "id"), F("firstname", "First Name"), F("lastname", "Last Name"),
    F("email", "Email", "email"), F("office_phone", "Office Phone", "phone"),
    F("sms_number", "SMS Number", "phone"), F("company", "Company"), F("country", "Country"),
    F("state", "State"), F("contact_cat", "Contact Tags", "refs", ref_object="tag"),
    F("owner", "Owner", "ref", ref_object="user"), F("dlm", "Date Modified", "datetime"),
    F("f1557", "Plan", "select", custom=True, options=("Gold", "Silver")),
    F("f1600", "Renewal Date", "date", custom=True),
))
OP_DEAL = ObjectInfo("deal", "Deals", (
    F("id", "ID", "id"), F("name", "Deal Name"), F("value", "Deal Value", "money"),
    F("status", "Status", "select", options=("Open", "Won", "Lost")),
    F("sales_stage", "Sales Stage", "ref", ref_object="stage"),
    F("primary_contact", "Primary Contact", "ref", ref_object="contact"),
    F("expected_close_date", "Expected Close Date", "date"),
))
OP_STAGE = ObjectInfo("stage", "Stages", (F("id", "ID", "id"), F("name", "Stage Name"),
                                          F("pipeline", "Pipeline", "ref", ref_object="pipeline")))
OP_NOTE = ObjectInfo("note", "Notes", (F("id", "ID", "id"), F("contact_id", "Contact", "ref", ref_object="contact"),
                                       F("deal_id", "Deal", "ref", ref_object="deal"), F("data", "Note", "longtext"),
                                       F("author", "Author", "ref", ref_object="user"),
                                       F("date", "Date", "datetime")))
OP_TASK = ObjectInfo("task", "Tasks", (F("id", "ID", "id"), F("subject", "Subject"),
                                       F("details", "Details", "longtext"),
                                       F("status", "Status", "select", options=("Pending", "Complete")),
                                       F("date_due", "Date Due", "date"),
                                       F("date_complete", "Date Complete", "datetime"),
                                       F("contact_id", "Contact", "ref", ref_object="contact"),
                                       F("owner", "Owner", "ref", ref_object="user")))


def op_catalog() -> tuple[Catalog, dict[str, list[SourceRecord]]]:
    catalog = Catalog("ontraport", (OP_CONTACT, OP_DEAL, OP_STAGE, OP_NOTE, OP_TASK,
                                    ObjectInfo("tag", "Tags", (F("tag_id", "Tag ID", "id"), F("tag_name", "Tag"))),
                                    ObjectInfo("user", "Users", (F("id", "ID", "id"), F("email", "Email", "email"))),
                                    ObjectInfo("pipeline", "Pipelines", (F("name", "Name"),))))
    samples = {
        "contact": records("contact", {
            "id": ["1", "2", "3"], "firstname": ["Ada", "Grace", "Ayşe"], "lastname": ["Lovelace", "Hopper", "Kaya"],
            "email": ["ada@example.com", "grace@example.com", "ayse@example.com.tr"],
            "office_phone": ["+1 212 555 0100", "+44 20 7946 0958", "0212 555 12 34"],
            "sms_number": ["+1 917 555 0199"], "company": ["Engines Ltd"], "country": ["US", "GB", "TR"],
            "state": ["NY"], "contact_cat": [["1"]], "owner": ["7"], "dlm": [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)],
            "f1557": ["Gold", "Silver"], "f1600": [dt.date(2025, 1, 1)],
        }, "id"),
        "deal": records("deal", {"id": ["10", "11", "12"], "name": ["A", "B", "C"],
                                 "value": [Decimal("10.00"), Decimal("99.50"), Decimal("5")],
                                 "status": ["Open", "Won", "Lost"]}, "id"),
        "task": records("task", {"id": ["1", "2"], "subject": ["Call", "Mail"], "status": ["Pending", "Complete"]},
                        "id"),
    }
    return catalog, samples


def plan(catalog: Catalog, samples: dict[str, list[SourceRecord]], version: str = "18.0",
         **kw: Any) -> MappingSpec:
    return propose(catalog, samples, ODOO[version], system=catalog.source_kind, odoo_version=version, **kw)


def line(spec: MappingSpec, obj: str, source: str) -> FieldMap:
    return next(ln for ln in spec.objects[obj].fields if source in ln.sources)


def test_every_source_field_gets_exactly_one_line_and_the_engine_accepts_the_map() -> None:
    catalog, samples = op_catalog()
    spec = plan(catalog, samples)
    Engine(spec)  # no unknown transforms
    for omap in spec.objects.values():
        info = catalog.object(omap.source_object)
        assert info is not None
        seen = [s for ln in omap.fields for s in ln.sources]
        assert sorted(seen) == sorted(f.name for f in info.fields), omap.name
        for ln in omap.fields:
            assert ln.ignore or ln.target, ln
            assert 0.0 <= ln.confidence <= 1.0 and ln.reason


def test_ontraport_contact_lines() -> None:
    spec = plan(*op_catalog())
    contact = spec.objects["contact"]
    assert contact.model == "res.partner"
    assert contact.constants == {"is_company": False, "type": "contact"}
    assert contact.dedupe_fields == ["email"] and contact.match_existing
    name = line(spec, "contact", "firstname")
    assert name.source == ["firstname", "lastname"] and name.target == "name" and name.transform == "name_or"
    # without a name, the e-mail, else the company, else the phone, else the mobile (each flagged in the report)
    assert name.params["fallbacks"] == [["email", "e-mail"], ["company", "company"], ["office_phone", "phone"],
                                        ["sms_number", "mobile"]]
    email = line(spec, "contact", "email")
    assert (email.target, email.transform) == ("email", "email") and email.confidence >= 0.9
    assert "100% of 3 sampled values are valid emails" in email.reason
    assert line(spec, "contact", "office_phone").target == "phone"
    assert line(spec, "contact", "sms_number").target == "mobile"  # 18 still has mobile
    assert line(spec, "contact", "company").target == "company_name"
    country = line(spec, "contact", "country")
    assert country.transform == "lookup" and country.params == {"model": "res.country", "by": ["code", "name"]}
    state = line(spec, "contact", "state")
    assert state.params["model"] == "res.country.state" and state.params["within"] == "country_id"
    tags = line(spec, "contact", "contact_cat")
    assert (tags.target, tags.transform, tags.params) == ("category_id", "refs", {"object": "tag"})
    owner = line(spec, "contact", "owner")
    assert (owner.target, owner.transform, owner.params) == ("user_id", "owner", {"object": "user"})
    ident = line(spec, "contact", "id")
    assert ident.target == "ref" and "external ID" in ident.reason
    assert line(spec, "contact", "dlm").ignore
    plan_line = line(spec, "contact", "f1557")
    assert plan_line.target == "x_plan" and plan_line.new_field is not None
    assert plan_line.new_field.type == "selection"
    assert plan_line.new_field.options == [("gold", "Gold"), ("silver", "Silver")]
    assert plan_line.params == {"map": {"Gold": "gold", "Silver": "silver"}}
    assert line(spec, "contact", "f1600").new_field.type == "date"  # type: ignore[union-attr]


def test_deal_status_stage_and_partner() -> None:
    spec = plan(*op_catalog())
    deal = spec.objects["deal"]
    assert deal.model == "crm.lead" and deal.constants == {"type": "opportunity"}
    status = line(spec, "deal", "status")
    assert status.transform == "value_map"
    assert status.params["map"] == {"Open": {}, "Won": {"probability": 100},
                                    "Lost": {"active": False, "probability": 0}}
    assert deal.fields[-1] is status  # after any probability line, so won/lost wins
    assert line(spec, "deal", "value").target == "expected_revenue"
    assert line(spec, "deal", "sales_stage").params == {"object": "stage"}
    assert line(spec, "deal", "primary_contact").target == "partner_id"
    assert line(spec, "deal", "expected_close_date").target == "date_deadline"


def test_note_and_task_maps() -> None:
    spec = plan(*op_catalog())
    note = spec.objects["note"]
    assert note.model == "mail.message" and note.constants == {"message_type": "comment"}
    ref = line(spec, "note", "contact_id")
    # a note naming a deal and its contact belongs on the deal: the deal is tried first
    assert ref.source == ["deal_id", "contact_id"] and ref.transform == "record_ref"
    assert ref.params == {"objects": ["deal", "contact"], "model_field": "model"}
    author = line(spec, "note", "author")
    assert author.params == {"object": "user", "as": "partner"} and author.target == "author_id"
    assert line(spec, "note", "data").target == "body"
    subtype = next(ln for ln in note.fields if ln.source is None and ln.target == "subtype_id")
    assert subtype.params == {"model": "mail.message.subtype", "by": ["xmlid"], "value": "mail.mt_note"}

    task = spec.objects["task"]
    done = spec.objects["task_done"]
    assert task.model == "mail.activity" and task.where == {"status": ["Pending"]}
    assert done.model == "mail.message" and done.where == {"status": ["Complete"]}
    assert done.constants == {"message_type": "notification"}
    res = line(spec, "task", "contact_id")
    assert res.params == {"objects": ["contact"], "model_field": "res_model_id", "model_field_kind": "ir_model"}
    assert line(spec, "task", "date_due").target == "date_deadline"
    assert line(spec, "task", "status").ignore
    dated = line(spec, "task_done", "date_complete")
    assert dated.target == "date" and dated.params.get("first_set") is True
    assert dated.sources[:2] == ["date_complete", "date_due"], "completed, else due"
    assert any(ln.target == "mail_activity_type_id" for ln in done.fields), "logged as a done To-Do, as Odoo does"
    assert any(ln.params.get("value") == "mail.mt_activities" for ln in done.fields)
    assert any(ln.params.get("value") == "mail.mail_activity_data_todo" for ln in task.fields)
    assert list(spec.objects).index("task_done") == list(spec.objects).index("task") + 1


def test_stage_team_link_differs_between_18_and_19() -> None:
    catalog, samples = op_catalog()
    s18 = plan(catalog, samples, "18.0")
    s19 = plan(catalog, samples, "19.0")
    assert (line(s18, "stage", "pipeline").target, line(s18, "stage", "pipeline").transform) == ("team_id", "ref")
    assert (line(s19, "stage", "pipeline").target, line(s19, "stage", "pipeline").transform) == ("team_ids", "refs")


def test_mobile_on_19_goes_to_phone_when_free_else_x_mobile() -> None:
    catalog, samples = op_catalog()
    s19 = plan(catalog, samples, "19.0")
    sms = line(s19, "contact", "sms_number")
    assert sms.target == "x_mobile" and sms.new_field is not None and sms.new_field.type == "char"
    only_mobile = ObjectInfo("contact", "Contacts", (F("email", "Email", "email"),
                                                     F("sms_number", "SMS Number", "phone")))
    spec = plan(Catalog("ontraport", (only_mobile,)), {}, "19.0")
    assert line(spec, "contact", "sms_number").target == "phone"
    assert line(plan(Catalog("ontraport", (only_mobile,)), {}, "18.0"), "contact", "sms_number").target == "mobile"


def test_existing_x_fields_are_reused_not_duplicated() -> None:
    fields = copy.deepcopy(ODOO["18.0"])
    fields["res.partner"]["x_plan"] = {"type": "selection", "string": "Plan", "store": True,
                                       "selection": [["g", "Gold"], ["s", "Silver"]]}
    fields["res.partner"]["x_old_score"] = {"type": "integer", "string": "Lead Score", "store": True}
    fields["res.partner"]["x_renewal_date"] = {"type": "char", "string": "Something else", "store": True}
    catalog, samples = op_catalog()
    contact = ObjectInfo("contact", "Contacts", (*OP_CONTACT.fields, F("f1601", "Lead Score", "integer", custom=True)))
    catalog = Catalog("ontraport", (contact,))
    spec = propose(catalog, samples, fields, system="ontraport", odoo_version="18.0")
    plan_line = line(spec, "contact", "f1557")
    assert plan_line.target == "x_plan" and plan_line.new_field is None
    assert plan_line.params == {"map": {"Gold": "g", "Silver": "s"}}
    score = line(spec, "contact", "f1601")
    assert score.target == "x_old_score" and score.new_field is None
    renewal = line(spec, "contact", "f1600")  # x_renewal_date exists with an incompatible type
    assert renewal.target == "x_renewal_date_2" and renewal.new_field is not None


def test_planports_turkish_headers_and_value_profiles() -> None:
    kisiler = ObjectInfo("contact", "Kişiler", (
        F("No", "No", "id"), F("Ad Soyad", "Ad Soyad"), F("E-posta", "E-posta"),
        F("Cep Telefonu", "Cep Telefonu", "phone"), F("Şehir", "Şehir"),
        F("Firma", "Firma", "ref", ref_object="company"),
        F("Transfer", "Transfer", custom=True), F("Kapora Tutarı", "Kapora Tutarı", custom=True),
        F("Geliş Tarihi", "Geliş Tarihi", custom=True),
        F("Tedavi Türü", "Tedavi Türü", "select", custom=True, options=("Saç Ekimi", "Diş İmplantı")),
    ))
    rows = records("contact", {
        "No": ["1042", "1043", "1044", "1045"], "Ad Soyad": ["Emma Clarke", "Ahmet Yılmaz", "Olga P", "Jo Li"],
        "E-posta": ["emma@example.co.uk", "ahmet@firma.com.tr", "olga@example.ru", "not an email"],
        "Cep Telefonu": ["+44 7700 900123", "0532 123 45 67"], "Şehir": ["İstanbul", "Ankara"],
        "Transfer": ["Evet", "Hayır", "Evet"], "Kapora Tutarı": ["500 EUR", "1.250,00 TL", "300,00 TL"],
        "Geliş Tarihi": ["10.04.2024", "02.05.2024", "28.05.2024"], "Tedavi Türü": ["Saç Ekimi"],
    }, "No")
    spec = plan(Catalog("planports", (kisiler,)), {"contact": rows}, options=ProposeOptions(default_country="TR"))
    email = line(spec, "contact", "E-posta")
    assert email.target == "email" and "75% of 4 sampled values are valid emails" in email.reason
    assert email.confidence < 0.95  # one bad value costs confidence
    assert line(spec, "contact", "Ad Soyad").target == "name"
    mobile = line(spec, "contact", "Cep Telefonu")
    assert mobile.target == "mobile" and mobile.params == {"default_country": "TR"}
    assert line(spec, "contact", "Şehir").target == "city"
    assert line(spec, "contact", "Firma").target == "parent_id"
    transfer = line(spec, "contact", "Transfer")
    assert transfer.new_field is not None and transfer.new_field.type == "boolean"
    assert transfer.transform == "boolean"
    kapora = line(spec, "contact", "Kapora Tutarı")
    assert kapora.new_field is not None and kapora.new_field.type == "monetary"
    assert kapora.params == {"decimal": ","}
    gelis = line(spec, "contact", "Geliş Tarihi")
    assert gelis.new_field is not None and gelis.new_field.type == "date"
    assert gelis.params == {"format": "%d.%m.%Y"}
    tedavi = line(spec, "contact", "Tedavi Türü")
    assert tedavi.new_field is not None
    assert tedavi.new_field.options == [("sac_ekimi", "Saç Ekimi"), ("dis_implanti", "Diş İmplantı")]


def test_header_contradicted_by_values_is_low_confidence() -> None:
    obj = ObjectInfo("contact", "Kişiler", (F("Telefon", "Telefon"), F("E-posta", "E-posta")))
    rows = records("contact", {"Telefon": ["a@b.com", "c@d.com", "e@f.com"], "E-posta": ["x@y.com"]})
    spec = plan(Catalog("planports", (obj,)), {"contact": rows})
    assert line(spec, "contact", "Telefon").confidence < 0.8


def test_custom_object_becomes_new_model() -> None:
    prop = ObjectInfo("custom_property", "Properties", (
        F("id", "ID", "id"), F("f1", "Listing Title"), F("f2", "Price", "money"),
        F("f3", "Owner Contact", "ref", ref_object="contact"),
    ), custom=True)
    spec = plan(Catalog("ontraport", (prop,)), {"custom_property": records(
        "custom_property", {"id": ["5", "6"], "f1": ["Villa", "Flat"]}, "id")})
    omap = spec.objects["custom_property"]
    assert omap.model == "x_property" and omap.new_model == {"label": "Properties"}
    assert line(spec, "custom_property", "id").ignore
    owner = line(spec, "custom_property", "f3")
    assert owner.new_field is not None and owner.new_field.type == "many2one"
    assert owner.new_field.relation == "res.partner" and owner.transform == "ref"
    assert line(spec, "custom_property", "f2").new_field.type == "monetary"  # type: ignore[union-attr]


def test_a_custom_objects_model_made_by_an_earlier_migration_keeps_its_fields() -> None:
    """x_workshops exists with a float x_seats (the API connector read the column as numeric); the CSV export's
    whole numbers go into it rather than into a second field (nor a map that cannot run)."""
    shop = ObjectInfo("custom_workshops", "Workshops", (F("id", "Workshop ID", "id"), F("Seats", "Seats", custom=True)),
                      custom=True)
    fields = copy.deepcopy(ODOO["18.0"])
    fields["x_workshops"] = {"x_name": {"type": "char", "string": "Name", "store": True},
                             "x_seats": {"type": "float", "string": "Seats", "store": True}}
    rows = records("custom_workshops", {"id": ["1", "2", "3"], "Seats": ["8", "12", "20"]}, "id")
    spec = propose(Catalog("ontraport-csv", (shop,)), {"custom_workshops": rows}, fields, system="ontraport",
                   odoo_version="18.0")
    seats = line(spec, "custom_workshops", "Seats")
    assert (seats.target, seats.new_field, seats.transform) == ("x_seats", None, "number")


def test_accounting_objects_disabled_without_account_move() -> None:
    invoice = ObjectInfo("invoice", "Invoices", (F("id", "ID", "id"),))
    fields = {k: v for k, v in ODOO["18.0"].items() if not k.startswith("account.")}
    spec = propose(Catalog("ontraport", (invoice,)), {}, fields, system="ontraport", odoo_version="18.0")
    assert not spec.objects["invoice"].enabled and "Accounting not installed" in spec.objects["invoice"].reason
    spec = plan(Catalog("ontraport", (invoice,)), {})
    assert spec.objects["invoice"].enabled and spec.objects["invoice"].constants == {"move_type": "out_invoice"}


def test_product_type_field_per_version() -> None:
    product = ObjectInfo("product", "Ürünler", (F("Ürün Adı", "Ürün Adı"), F("Tür", "Tür", "select",
                                                                               options=("Ürün", "Hizmet"))))
    s17 = plan(Catalog("planports", (product,)), {}, "17.0")
    s18 = plan(Catalog("planports", (product,)), {}, "18.0")
    assert line(s17, "product", "Tür").target == "detailed_type"
    assert line(s18, "product", "Tür").target == "type"
    assert line(s18, "product", "Tür").params == {"map": {"Ürün": "consu", "Hizmet": "service"}}


def test_output_is_deterministic() -> None:
    catalog, samples = op_catalog()
    first = dump_spec(plan(catalog, samples))
    second = dump_spec(plan(catalog, samples))
    assert first == second
    reordered = dict(reversed(list(ODOO["18.0"].items())))
    third = dump_spec(propose(catalog, samples, reordered, system="ontraport", odoo_version="18.0"))
    assert first == third


def test_replan_keeps_edited_confirmed_and_ignored_lines_and_proposes_only_new_fields() -> None:
    catalog, samples = op_catalog()
    first = plan(catalog, samples)
    data = first.to_data()
    contact = data["objects"]["contact"]["fields"]
    for ln in contact:
        if ln["source"] == "email":
            ln.update(target="x_work_email", transform="text", status="edited", reason="mine")
        if ln["source"] == "office_phone":
            ln["status"] = "confirmed"
        if ln["source"] == "company":
            for key in ("target", "transform", "params"):
                ln.pop(key, None)
            ln.update(ignore=True, status="edited", reason="not needed")
        if ln["source"] == ["firstname", "lastname"]:
            ln.update(source="firstname", status="edited")
    data["objects"]["deal"]["enabled"] = False
    data["objects"]["deal"]["status"] = "edited"
    previous = spec_from_data(data)

    grown = ObjectInfo("contact", "Contacts", (*OP_CONTACT.fields, F("f1700", "Shoe Size", "integer", custom=True)))
    catalog2 = Catalog("ontraport", tuple(grown if o.name == "contact" else o for o in catalog.objects))
    spec = propose(catalog2, samples, ODOO["18.0"], system="ontraport", odoo_version="18.0", previous=previous)

    email = line(spec, "contact", "email")
    assert (email.target, email.status, email.reason) == ("x_work_email", "edited", "mine")
    assert line(spec, "contact", "office_phone").status == "confirmed"
    company = line(spec, "contact", "company")
    assert company.ignore and company.reason == "not needed"
    first_name = line(spec, "contact", "firstname")
    assert first_name.source == "firstname" and first_name.status == "edited"
    last_name = line(spec, "contact", "lastname")
    assert last_name.source == "lastname"  # the broken-up join leaves lastname visible, not dropped
    shoe = line(spec, "contact", "f1700")
    assert shoe.status == "proposed" and shoe.new_field is not None and shoe.new_field.type == "integer"
    assert not spec.objects["deal"].enabled  # an edited object keeps its settings
    counts = [sum(1 for ln in spec.objects["contact"].fields if s in ln.sources) for s in
              (f.name for f in grown.fields)]
    assert counts == [1] * len(grown.fields)


def test_options_task_target_and_engagement() -> None:
    catalog, samples = op_catalog()
    spec = plan(catalog, samples, options=ProposeOptions(task_target="project_task"))
    assert spec.objects["task"].model == "project.task" and "task_done" not in spec.objects
    eng = ObjectInfo("engagement", "Opens", (F("type", "Type"), F("subject", "Subject"),
                                             F("contact_id", "Contact", "ref", ref_object="contact")))
    spec = plan(Catalog("ontraport", (eng,)), {})
    body = next(ln for ln in spec.objects["engagement"].fields if ln.target == "body")
    assert body.source == ["type", "subject"] and body.params == {"format": "{0}: {1}"}
    spec = plan(Catalog("ontraport", (eng,)), {}, options=ProposeOptions(engagement="aggregate"))
    totals = spec.objects["engagement"]
    assert totals.enabled and totals.model == "res.partner" and totals.options == {"aggregate": True}
    lines = {ln.target: ln for ln in totals.fields if not ln.ignore}
    assert lines["id"].params == {"object": "contact"}
    assert lines["x_engagement_kinds"].source == "type" and lines["x_engagement_kinds"].params == {"aggregate": "tally"}
    assert lines["x_engagement_kinds"].new_field is not None


def test_benchmark_meets_its_targets() -> None:
    outcomes, metrics = BENCH.run()
    misses = [f"{o.group}:{o.key} {o.expected}!={o.got}" for o in outcomes if not o.ok]
    assert metrics["n_standard"] >= 150 and metrics["n_custom"] >= 60
    assert metrics["standard"] >= 0.97, misses
    assert metrics["custom"] >= 0.85, misses
    assert metrics["precision"] >= 0.98, misses


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_every_mapped_target_exists_or_is_planned(version: str) -> None:
    catalog, samples = op_catalog()
    spec = plan(catalog, samples, version)
    for omap in spec.objects.values():
        fields = ODOO[version].get(omap.model, {})
        for ln in omap.fields:
            if ln.ignore or ln.new_field is not None or ln.transform == "record_ref":
                continue
            assert ln.target in fields, (version, omap.name, ln.target)



def test_phone_default_country_is_chosen_from_the_values() -> None:
    obj = ObjectInfo("contact", "Kişiler", (F("Cep", "Cep Telefonu", "phone"),))
    rows = records("contact", {"Cep": ["0532 123 45 67", "0544 222 33 44", "0505 111 22 33"]})
    spec = plan(Catalog("planports", (obj,)), {"contact": rows}, options=ProposeOptions(default_country="US"))
    cep = line(spec, "contact", "Cep")
    assert cep.params == {"default_country": "TR"} and "100% parse as numbers with default country TR" in cep.reason


def test_planports_activities_are_routed_by_type_and_status() -> None:
    act = ObjectInfo("activity", "Etkinlikler", (
        F("No", "No", "id"), F("Tür", "Tür", "select", options=("Görev", "Toplantı", "Arama", "E-posta")),
        F("Konu", "Konu"), F("Durum", "Durum", "select", options=("Planlandı", "Tamamlandı")),
        F("Başlangıç", "Başlangıç", "datetime"), F("Son Tarih", "Son Tarih", "date"),
        F("İlgili Kişi", "İlgili Kişi", "ref", ref_object="contact"),
        F("Sorumlu", "Sorumlu", "ref", ref_object="user"), F("Açıklama", "Açıklama", "longtext"),
    ))
    spec = plan(Catalog("planports", (act,)), {})
    assert [n for n in spec.objects] == ["activity_logged", "activity_meeting", "activity_todo", "activity_done"]
    assert spec.objects["activity_logged"].where == {"Tür": ["Arama", "E-posta"]}
    assert spec.objects["activity_meeting"].where == {"Tür": ["Toplantı"]}
    assert spec.objects["activity_meeting"].model == "calendar.event"
    assert spec.objects["activity_todo"].where == {"Tür": ["Görev"], "Durum": ["Planlandı"]}
    assert spec.objects["activity_done"].where == {"Tür": ["Görev"], "Durum": ["Tamamlandı"]}
    assert line(spec, "activity_meeting", "Başlangıç").target == "start"
    assert line(spec, "activity_meeting", "İlgili Kişi").target == "partner_ids"
    assert line(spec, "activity_todo", "Son Tarih").target == "date_deadline"
    assert line(spec, "activity_todo", "Tür").ignore and line(spec, "activity_todo", "Durum").ignore
    body = line(spec, "activity_logged", "Konu")
    assert body.target == "body" and body.transform == "template" and body.source == ["Tür", "Konu", "Açıklama"]


def test_unknown_object_is_kept_visible_but_disabled() -> None:
    spec = plan(Catalog("ontraport", (ObjectInfo("group", "Groups", (F("name", "Name"),)),)), {})
    group = spec.objects["group"]
    assert not group.enabled and "no default Odoo model" in group.reason
    assert [ln.ignore for ln in group.fields] == [True]


def test_dedupe_key_only_when_a_source_field_fills_it() -> None:
    obj = ObjectInfo("contact", "Contacts", (F("firstname", "First Name"), F("phone", "Phone", "phone")))
    spec = plan(Catalog("ontraport", (obj,)), {})
    assert spec.objects["contact"].dedupe_fields == [] and not spec.objects["contact"].match_existing
    assert "no dedupe on email" in spec.objects["contact"].reason
    spec = plan(*op_catalog())
    assert spec.objects["stage"].dedupe_fields == []  # same-named stages of two pipelines stay apart


def test_redundant_column_is_ignored_not_duplicated() -> None:
    obj = ObjectInfo("contact", "Kişiler", (F("party_type", "Tür", "select", options=("Kişi", "Firma")),
                                            F("is_company", "Firma mı", "boolean")))
    rows = records("contact", {"party_type": ["Kişi", "Firma", "Kişi", "Kişi", "Firma", "Kişi"],
                               "is_company": [False, True, False, False, True, False]})
    spec = plan(Catalog("planports", (obj,)), {"contact": rows})
    assert line(spec, "contact", "party_type").target == "is_company"
    dup = line(spec, "contact", "is_company")
    assert dup.ignore and "same information as party_type" in dup.reason
    rows[0].values["is_company"] = True  # no longer value-for-value: keep it as its own field
    spec = plan(Catalog("planports", (obj,)), {"contact": rows})
    assert not line(spec, "contact", "is_company").ignore


def test_identifier_that_is_also_data_is_mapped() -> None:
    users = ObjectInfo("user", "Kullanıcılar", (F("email", "E-posta", "email"), F("name", "Ad Soyad")))
    rows = records("user", {"email": ["a@x.example", "b@x.example"], "name": ["A", "B"]}, "email")
    spec = plan(Catalog("planports", (users,)), {"user": rows})
    assert line(spec, "user", "email").target == "email"
    assert spec.objects["user"].dedupe_fields == ["email"] and spec.objects["user"].options == {"match_only": True}
    deals = ObjectInfo("deal", "Fırsatlar", (F("no", "Fırsat No", "id"), F("ad", "Fırsat Adı")))
    rows = records("deal", {"no": ["F-1", "F-2"], "ad": ["X", "Y"]}, "no")
    spec = plan(Catalog("planports", (deals,)), {"deal": rows})
    assert line(spec, "deal", "no").ignore and line(spec, "deal", "ad").target == "name"


def test_boolean_won_flag_and_engagement_without_subject() -> None:
    stage = ObjectInfo("stage", "Stages", (F("name", "Name"), F("is_won", "Won stage", "boolean")))
    spec = plan(Catalog("ontraport", (stage,)), {})
    won = line(spec, "stage", "is_won")
    assert (won.target, won.transform, won.params) == ("is_won", "boolean", {})
    eng = ObjectInfo("engagement", "Log", (F("type", "Type"), F("item_name", "Item"),
                                           F("contact_id", "Contact", "ref", ref_object="contact")))
    spec = plan(Catalog("ontraport", (eng,)), {})
    body = line(spec, "engagement", "type")
    assert body.source == ["type", "item_name"] and body.target == "body"


def test_one_x_field_per_label_across_maps_sharing_a_model() -> None:
    company = ObjectInfo("company", "Firmalar", (F("name", "Firma Adı"), F("ref", "Referans Kaynağı", custom=True)))
    contact = ObjectInfo("contact", "Kişiler", (F("email", "E-posta", "email"),
                                                F("ref", "Referans Kaynağı", custom=True)))
    rows = records("contact", {"email": [f"p{i}@x.example" for i in range(30)],
                               "ref": ["Instagram", "Google", "Doktor"] * 10})
    spec = plan(Catalog("planports", (company, contact)), {"contact": rows})
    a, b = line(spec, "company", "ref"), line(spec, "contact", "ref")
    assert a.target == b.target == "x_referans_kaynagi"
    assert a.new_field is not None and b.new_field is not None
    assert a.new_field.type == b.new_field.type == "selection"
