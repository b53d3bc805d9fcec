from __future__ import annotations

import datetime as dt

import pytest
import yaml

from crm2odoo.errors import MappingError, TransformError
from crm2odoo.load.order import CycleDetected, parts, spec_order
from crm2odoo.mapping.engine import Engine, safe_id, xmlid_for
from crm2odoo.mapping.spec import spec_from_data
from crm2odoo.mapping.transforms import Merge, RecordRef, Ref, Refs
from crm2odoo.sources.base import FieldProblem, SourceRecord

SPEC = yaml.safe_load('''
source_kind: ontraport
system: ontraport
odoo_version: "18.0"
objects:
  company: {source_object: company, model: res.partner, constants: {is_company: true},
            fields: [{source: name, target: name, transform: text}]}
  contact:
    source_object: contact
    model: res.partner
    on_error: quarantine
    constants: {is_company: false}
    fields:
      - {source: [first, last], target: name, transform: join}
      - {source: email, target: email, transform: email}
      - {source: phone, target: phone, transform: phone, params: {default_country: TR}, on_error: set_empty}
      - {source: company, target: parent_id, transform: ref, params: {object: company}}
      - {source: tags, target: category_id, transform: refs, params: {object: tag}}
      - {source: internal, ignore: true, reason: counter}
  tag: {source_object: tag, model: res.partner.category, fields: [{source: name, target: name}]}
  deal:
    source_object: deal
    model: crm.lead
    where: {kind: [Sale]}
    fields:
      - {source: status, target: probability, transform: value_map,
         params: {map: {Won: {probability: 100}, Lost: {active: false, probability: 0}}}}
  note:
    source_object: note
    model: mail.message
    fields:
      - {source: [contact, deal], target: res_id, transform: record_ref, params: {objects: [contact, deal]}}
      - {source: date, target: date, transform: datetime, params: {format: "%d.%m.%Y %H:%M", tz: Europe/Istanbul}}
''')


def record(obj: str, rid: str, **values: object) -> SourceRecord:
    return SourceRecord(obj, rid, dict(values), locator=f"{obj}.csv row {rid}")


@pytest.fixture
def engine() -> Engine:
    return Engine(spec_from_data(SPEC))


def test_external_ids_are_stable_and_safe() -> None:
    assert xmlid_for("ontraport", "contact", "1234") == "crm2odoo.ontraport_contact_1234"
    assert safe_id("a b/c") != safe_id("a_b_c")
    assert safe_id("a_b") != safe_id("a__b") and safe_id("x.y") == "x_2ey"


def test_contact_values_and_references(engine: Engine) -> None:
    obj = engine.spec.objects["contact"]
    target = engine.transform(obj, record("contact", "7", first="Ayşe", last="Yılmaz", email=" AYSE@Example.com ",
                                          phone="0532 123 45 67", company="3", tags=["vip", "vip", "new"], internal=9))
    assert target.outcome == "ok"
    assert target.vals == {"is_company": False, "name": "Ayşe Yılmaz", "email": "ayse@example.com",
                           "phone": "+905321234567", "parent_id": Ref("company", "3"),
                           "category_id": Refs("tag", ("vip", "new"))}
    assert target.xmlid == "crm2odoo.ontraport_contact_7"
    assert {r.object for r in target.refs()} == {"company", "tag"}


def test_policies_quarantine_and_set_empty(engine: Engine) -> None:
    obj = engine.spec.objects["contact"]
    bad_phone = engine.transform(obj, record("contact", "8", first="A", email="a@b.co", phone="12"))
    assert bad_phone.outcome == "ok" and bad_phone.vals["phone"] is None
    assert bad_phone.problems[0].policy == "set_empty"
    bad_email = engine.transform(obj, record("contact", "9", first="A", email="not-an-email"))
    assert bad_email.outcome == "quarantine"
    assert bad_email.problems[0].field == "email" and bad_email.problems[0].value == "not-an-email"


def test_unreadable_row_is_quarantined_not_dropped(engine: Engine) -> None:
    obj = engine.spec.objects["contact"]
    rec = record("contact", "row-12", first="A")
    rec.problems.append(FieldProblem(None, "row has 3 columns, header has 9", raw="a,b,c"))
    target = engine.transform(obj, rec)
    assert target.outcome == "quarantine" and "3 columns" in target.problems[0].message


def test_value_map_merges_several_fields_and_where_routes(engine: Engine) -> None:
    obj = engine.spec.objects["deal"]
    assert engine.applies(obj, record("deal", "1", kind="sale"))
    assert not engine.applies(obj, record("deal", "2", kind="Rental"))
    lost = engine.transform(obj, record("deal", "1", kind="Sale", status="lost"))
    assert lost.vals == {"active": False, "probability": 0}
    with pytest.raises(TransformError):
        from crm2odoo.mapping.transforms import TransformContext, t_value_map
        t_value_map(["Maybe"], {"map": {"Won": 1}}, TransformContext())
    assert isinstance(Merge({"a": 1}).vals, dict)


def test_record_ref_and_local_time_to_utc(engine: Engine) -> None:
    obj = engine.spec.objects["note"]
    target = engine.transform(obj, record("note", "5", deal="44", date="01.02.2024 12:30"))
    assert target.vals["res_id"] == RecordRef((Ref("deal", "44"),), "model", "name")
    assert target.vals["date"] == dt.datetime(2024, 2, 1, 9, 30, tzinfo=dt.UTC)


def test_content_hash_follows_values(engine: Engine) -> None:
    obj = engine.spec.objects["company"]
    a = engine.transform(obj, record("company", "1", name="Acme"))
    b = engine.transform(obj, record("company", "1", name="Acme"))
    c = engine.transform(obj, record("company", "1", name="Acme Ltd"))
    assert a.content_hash == b.content_hash != c.content_hash


def test_unknown_transform_is_refused_up_front() -> None:
    data = yaml.safe_load(yaml.safe_dump(SPEC))
    data["objects"]["tag"]["fields"][0]["transform"] = "magic"
    with pytest.raises(MappingError) as info:
        Engine(spec_from_data(data))
    assert "magic" in str(info.value)


def test_load_order_parents_first_and_cycles_refused() -> None:
    names = [s.map.name for s in spec_order(spec_from_data(SPEC))]
    assert names.index("company") < names.index("contact") < names.index("note")
    assert names.index("tag") < names.index("contact") and names.index("deal") < names.index("note")
    data = yaml.safe_load(yaml.safe_dump(SPEC))
    data["objects"]["company"]["fields"].append({"source": "x", "target": "child_ids", "transform": "ref",
                                                 "params": {"object": "contact"}})
    with pytest.raises(CycleDetected):
        spec_order(spec_from_data(data))


def test_self_reference_is_deferred_not_a_cycle() -> None:
    data = yaml.safe_load(yaml.safe_dump(SPEC))
    data["objects"]["company"]["fields"].append({"source": "parent", "target": "parent_id", "transform": "ref",
                                                 "params": {"object": "company"}})
    steps = {s.map.name: s for s in spec_order(spec_from_data(data))}
    assert steps["company"].deferred_self and not steps["contact"].deferred_self


def test_parts_of_wholes_come_from_target_models_not_map_names() -> None:
    def line(source: str, target: str, obj: str, transform: str = "ref") -> dict[str, object]:
        return {"source": source, "target": target, "transform": transform, "params": {"object": obj}}

    data = {"objects": {
        "rechnung": {"source_object": "invoice", "model": "account.move", "fields": []},
        "posten": {"source_object": "invoice_line", "model": "account.move.line",
                   "fields": [line("rechnung_id", "move_id", "rechnung"), line("artikel", "product_id", "artikel")]},
        "artikel": {"source_object": "product", "model": "product.product", "fields": []},
        "tafel": {"source_object": "board", "model": "project.project", "fields": []},
        "spalte": {"source_object": "board_column", "model": "project.task.type",
                   "fields": [line("tafel", "project_ids", "tafel", "refs")]},
        "karte": {"source_object": "card", "model": "project.task", "fields": [line("tafel", "project_id", "tafel")]},
        # a line whose whole-field points at a map of another model is no part of it
        "notiz": {"source_object": "note", "model": "sale.order.line", "fields": [line("k", "order_id", "karte")]},
    }}
    found = {(p.part.name, p.whole, p.field) for p in parts(spec_from_data(data))}
    assert found == {("posten", "rechnung", "move_id"), ("spalte", "tafel", "project_ids")}
    data["objects"]["posten"]["fields"][0]["ignore"] = True  # type: ignore[index]
    assert {p.part.name for p in parts(spec_from_data(data))} == {"spalte"}
    # a pipeline's stages are its parts on 17/18 (team_id) and on 19 (team_ids) alike
    data["objects"]["team"] = {"source_object": "pipeline", "model": "crm.team", "fields": []}
    data["objects"]["stufe"] = {"source_object": "stage", "model": "crm.stage",
                                "fields": [line("pipeline", "team_ids", "team", "refs")]}
    assert ("stufe", "team", "team_ids") in {(p.part.name, p.whole, p.field) for p in parts(spec_from_data(data))}
    data["objects"]["stufe"]["fields"] = [line("pipeline", "team_id", "team")]
    assert ("stufe", "team", "team_id") in {(p.part.name, p.whole, p.field) for p in parts(spec_from_data(data))}
