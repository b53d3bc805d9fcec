"""Names the source does not give (a contact's, a custom record's) and the second phone on Odoo 19, in the map."""

from __future__ import annotations

from typing import Any

import pytest

from crm2odoo.errors import TransformError
from crm2odoo.mapping.engine import Engine, is_derived
from crm2odoo.mapping.naming import derive_partner_names, name_field
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.mapping.transforms import TRANSFORMS, Derived, TransformContext
from crm2odoo.sources.base import Catalog, ObjectInfo, SourceRecord
from tests.unit.mapping.test_propose import F, line, plan, records

FALLBACKS = [["email", "e-mail"], ["company", "company"], ["phone", "phone"], ["mobile", "mobile"]]


def name_or(values: list[Any]) -> Any:
    return TRANSFORMS["name_or"](values, {"fallbacks": FALLBACKS}, TransformContext())


def test_name_or_keeps_the_name_and_else_names_by_the_first_fallback_set() -> None:
    assert name_or(["Ada", "Lovelace", "ada@example.com", "", "", ""]) == "Ada Lovelace"
    assert name_or(["", " ", "ada@example.com", "Engines", "", ""]) == Derived("ada@example.com", "e-mail")
    assert name_or(["", "", "", "Engines Ltd", "+1 212", ""]) == Derived("Engines Ltd", "company")
    assert name_or([None, None, None, None, None, "+1 917 555 0199"]) == Derived("+1 917 555 0199", "mobile")


def test_name_or_with_nothing_to_name_by_says_so() -> None:
    with pytest.raises(TransformError, match="no name in the source, and no e-mail or company or phone or mobile"):
        name_or(["", "", "", "", "", ""])


def test_phone_takes_its_fallback_only_where_it_is_empty() -> None:
    phone = TRANSFORMS["phone"]
    params = {"default_country": "US", "fallbacks": [["cell", "mobile"]]}
    assert phone(["+1 212 555 0100", "+1 917 555 0199"], params, TransformContext()) == "+12125550100"
    assert phone(["", "+1 917 555 0199"], params, TransformContext()) == "+19175550199"
    assert phone(["", "+1 917 555 0199"], {"default_country": "US"}, TransformContext()) is None


def _contacts(version: str) -> tuple[MappingSpec, list[SourceRecord]]:
    obj = ObjectInfo("contact", "Contacts", (
        F("id", "Contact ID", "id"), F("firstname", "First Name"), F("lastname", "Last Name"),
        F("email", "Email", "email"), F("office_phone", "Office Phone", "phone"),
        F("cell_phone", "Cell Phone", "phone"), F("company", "Company")))
    rows = records("contact", {
        "id": ["1", "2", "3", "4", "5", "6"], "firstname": ["Ada", "", "", "", "", ""],
        "lastname": ["Lovelace", "", "", "", "", ""], "email": ["ada@example.com", "solo@example.com", "", "", "", ""],
        "office_phone": ["+1 212 555 0100", "", "", "+1 212 555 0101", "", ""],
        # every number differs from every other: an office and a cell number are not 'the same information'
        "cell_phone": ["+1 917 555 0199", "", "", "", "+1 917 555 0198", ""],
        "company": ["", "", "Engines Ltd", "", "", ""]}, "id")
    more = records("contact", {"id": [str(10 + i) for i in range(6)],
                               "firstname": [f"P{i}" for i in range(6)], "lastname": ["X"] * 6,
                               "office_phone": [f"+1 212 555 01{10 + i}" for i in range(6)],
                               "cell_phone": [f"+1 917 555 01{10 + i}" for i in range(6)]}, "id")
    return plan(Catalog("ontraport", (obj,)), {"contact": rows + more}, version), rows


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_contacts_are_named_by_what_they_have_and_each_made_name_is_a_warning(version: str) -> None:
    spec, rows = _contacts(version)
    engine = Engine(spec)
    omap = spec.objects["contact"]
    out = {r.id: engine.transform(omap, r) for r in rows}
    assert [out[i].vals["name"] for i in "12345"] == ["Ada Lovelace", "solo@example.com", "Engines Ltd",
                                                      "+1 212 555 0101", "+1 917 555 0198"]
    for rid in "2345":
        assert out[rid].outcome == "ok"
        warnings = [p for p in out[rid].problems if p.policy == "warning"]
        assert len(warnings) == 1 and is_derived(warnings[0].message)
    assert not out["1"].problems
    assert out["6"].outcome == "quarantine"
    assert "no name in the source" in out["6"].problems[0].message


@pytest.mark.parametrize("version", ["17.0", "18.0", "19.0"])
def test_a_mobile_is_never_dropped(version: str) -> None:
    spec, rows = _contacts(version)
    engine = Engine(spec)
    omap = spec.objects["contact"]
    only_mobile, both = engine.transform(omap, rows[4]), engine.transform(omap, rows[0])
    cell = line(spec, "contact", "cell_phone")
    assert not cell.ignore
    if version == "19.0":  # no mobile field: the phone shows the mobile where it has none; x_mobile keeps it
        assert cell.target == "x_mobile"
        assert only_mobile.vals["phone"] == "+19175550198"
        assert (both.vals["phone"], both.vals["x_mobile"]) == ("+12125550100", "+19175550199")
    else:
        assert cell.target == "mobile" and "fallbacks" not in line(spec, "contact", "office_phone").params
        assert only_mobile.vals["phone"] is None and only_mobile.vals["mobile"] == "+19175550198"
        assert (both.vals["phone"], both.vals["mobile"]) == ("+12125550100", "+19175550199")


def test_a_name_line_the_person_edited_is_left_alone() -> None:
    spec, _ = _contacts("18.0")
    name = line(spec, "contact", "firstname")
    name.transform, name.params, name.status = "join", {}, "edited"
    derive_partner_names(spec.objects)
    assert (name.transform, name.params) == ("join", {})


def test_the_name_field_of_a_custom_object_by_header_else_by_values() -> None:
    rows = records("custom_workshop", {
        "id": ["1", "2", "3", "4"], "f1": ["Online", "Online", "Berlin", "Online"],
        "f2": ["Focus Workshop 1", "Resilience Workshop 2", "Feedback Workshop 3", "Focus Workshop 4"],
        "f3": ["12", "8", "20", "12"]}, "id")
    fields = [("id", "ID"), ("f1", "Venue"), ("f2", "Session"), ("f3", "Seats")]
    assert name_field(fields, rows) == "f2"  # the first text field mostly filled and distinct
    assert name_field([*fields, ("f4", "Title")], [*rows]) == "f2"  # 'Title' has no text values: not chosen
    titled = [SourceRecord(r.object, r.id, {**r.values, "f4": f"T{r.id}"}) for r in rows]
    assert name_field([*fields, ("f4", "Title")], titled) == "f4"  # a name-like header wins
    # NO: repeated values (a venue) and numbers (seats) never name records; nor a 'Name' column left mostly empty
    assert name_field([("f1", "Venue"), ("f3", "Seats")], rows) is None
    sparse = [SourceRecord(r.object, r.id, {**r.values, "f5": "Only one" if r.id == "1" else ""}) for r in rows]
    assert name_field([("f1", "Venue"), ("f5", "Name")], sparse) is None
    assert name_field([("f1", "Venue"), ("f5", "Name")], []) == "f5"  # nothing sampled: the header says it


def test_a_custom_objects_name_field_fills_x_name() -> None:
    obj = ObjectInfo("custom_workshop", "Workshops", (F("id", "ID", "id"), F("f2301", "Title", custom=True),
                                                       F("f2303", "Seats", "integer", custom=True)), custom=True)
    rows = records("custom_workshop", {"id": ["1", "2", "3"], "f2301": ["Focus 1", "Feedback 2", "Focus 3"],
                                       "f2303": [8, 12, 20]}, "id")
    spec = plan(Catalog("ontraport", (obj,)), {"custom_workshop": rows}, "19.0")
    title = line(spec, "custom_workshop", "f2301")
    assert (title.target, title.transform, title.new_field) == ("x_name", "text", None)
    assert line(spec, "custom_workshop", "f2303").target != "x_name"


@pytest.mark.parametrize(("version", "phone_label"), [("18.0", "mobile"), ("19.0", "phone")])
def test_a_planports_person_without_a_name_is_named_by_e_mail_else_cell(version: str, phone_label: str) -> None:
    kisiler = ObjectInfo("contact", "Kişiler", (F("No", "No", "id"), F("Ad Soyad", "Ad Soyad"),
                                                 F("E-posta", "E-posta"), F("Cep Telefonu", "Cep Telefonu", "phone")))
    rows = records("contact", {"No": ["1", "2", "3"], "Ad Soyad": ["Emma Clarke", "", ""],
                               "E-posta": ["emma@example.co.uk", "ahmet@firma.com.tr", ""],
                               "Cep Telefonu": ["+44 7700 900123", "", "0532 123 45 67"]}, "No")
    spec = plan(Catalog("planports", (kisiler,)), {"contact": rows}, version)
    name = line(spec, "contact", "Ad Soyad")
    assert (name.transform, name.params["fallbacks"]) == ("name_or", [["E-posta", "e-mail"],
                                                                      ["Cep Telefonu", phone_label]])
    engine = Engine(spec)
    assert [engine.transform(spec.objects["contact"], r).vals["name"] for r in rows] == [
        "Emma Clarke", "ahmet@firma.com.tr", "0532 123 45 67"]
