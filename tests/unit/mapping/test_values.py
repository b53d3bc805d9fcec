"""Values, not headers: lookups judged by what Odoo has, list separators, selection options, phones by version."""

from __future__ import annotations

from typing import Any

import pytest

from crm2odoo.mapping.propose import propose
from crm2odoo.mapping.spec import FieldMap, MappingSpec
from crm2odoo.mapping.values import judge_lookup, lookup_evidence
from crm2odoo.sources.base import Catalog, FieldInfo, ObjectInfo, SourceRecord

Schemas = dict[str, dict[str, dict[str, dict[str, Any]]]]  # the odoo_schemas fixture (conftest.py)


def F(name: str, label: str, type: str = "text", **kw: Any) -> FieldInfo:
    return FieldInfo(name=name, label=label, type=type, **kw)  # type: ignore[arg-type]


def rows(obj: str, columns: dict[str, list[Any]]) -> list[SourceRecord]:
    n = max(len(v) for v in columns.values())
    return [SourceRecord(obj, str(i + 1), {k: (v[i] if i < len(v) else None) for k, v in columns.items()})
            for i in range(n)]


def line(spec: MappingSpec, obj: str, source: str) -> FieldMap:
    return next(ln for ln in spec.objects[obj].fields if source in ln.sources)


CONTACT = ObjectInfo("contact", "Contacts", (F("id", "Contact ID", "id"), F("email", "Email", "email"),
                                             F("sector", "Industry"), F("country", "Country")))
KNOWN = {"res.partner.industry": {"retail", "information technology"}, "res.country": {"us", "tr", "turkiye"}}


def _contacts(sectors: list[str], countries: list[str]) -> dict[str, list[SourceRecord]]:
    return {"contact": rows("contact", {"id": [str(i) for i in range(1, len(sectors) + 1)],
                                        "email": [f"p{i}@example.com" for i in range(len(sectors))],
                                        "sector": sectors, "country": countries})}


def test_a_lookup_none_of_whose_values_resolve_is_low_confidence_and_offers_creation(odoo_schemas: Schemas) -> None:
    samples = _contacts(["Farming", "Mining", "Shipping"], ["US", "TR", "Narnia"])
    spec = propose(Catalog("ontraport-csv", (CONTACT,)), samples, odoo_schemas["18.0"], system="t", odoo_version="18.0",
                   known=KNOWN)
    industry = line(spec, "contact", "sector")
    assert industry.target == "industry_id" and industry.transform == "lookup"
    assert industry.confidence <= 0.6 and industry.params["create"] is True
    assert "0 of 3 distinct sampled values match an existing res.partner.industry" in industry.reason
    assert "create: false leaves them empty" in industry.reason
    country = line(spec, "contact", "country")
    # two of three countries exist: still a decision, and a country is never invented
    assert country.confidence <= 0.6 and country.params["create"] is False
    assert "2 of 3" in country.reason and "'Narnia'" in country.reason


def test_a_lookup_whose_values_resolve_keeps_its_confidence(odoo_schemas: Schemas) -> None:
    samples = _contacts(["Retail", "Information Technology", "retail"], ["US", "TR", "us"])
    spec = propose(Catalog("ontraport-csv", (CONTACT,)), samples, odoo_schemas["18.0"], system="t", odoo_version="18.0",
                   known=KNOWN)
    industry = line(spec, "contact", "sector")
    assert industry.confidence >= 0.9 and "create" not in industry.params
    assert "all 2 distinct sampled values match an existing res.partner.industry" in industry.reason


def test_lookup_evidence_folds_both_sides_and_uses_the_format() -> None:
    names = {"istanbul", "campaign spring"}
    assert lookup_evidence(["İSTANBUL", " Istanbul ", "Ankara"], names) == lookup_evidence(["istanbul", "Ankara"], names)
    assert lookup_evidence(["Spring"], names, "Campaign {0}").resolved == 1
    params: dict[str, Any] = {"model": "utm.source", "create": False}
    cap, why = judge_lookup("utm.source", params, ["Fair"], {"utm.source": set()})
    assert cap is not None and params["create"] is False and "create: true creates them" in why


@pytest.mark.parametrize(("values", "known", "expected"), [
    (["Finance*/*Travel", "Real Estate", "*/*Travel*/*"], (), "*/*"),
    (["customer, vip", "vip", "customer, partner", "partner", "customer"], (), ","),
    (["a; b", "b; c", "c"], (), ";"),
    (["hot | cold", "cold", "hot | warm", "warm"], (), "|"),
    (["sales\nsupport", "support\nbilling", "sales"], (), "\n"),
    # surnames and first names do not recur: a name column is not a list
    (["Smith, John", "Doe, Jane", "Kaya, Ayşe", "Lovelace, Ada"], (), None),
    # an address repeats its city, not its street: not a list either
    (["Bağdat Cd. 12, Istanbul", "Atatürk Cd. 5, Ankara", "Bağdat Cd. 7, Istanbul", "İnönü Cd. 3, Ankara"], (), None),
    # a value that is itself a known tag or option name is never split
    (["Sales, Marketing", "Sales, Marketing", "Support"], ("Sales, Marketing",), None),
    # notes written over several lines are prose, not lists
    (["Called about the renewal of the contract\nwill call back next week", "Sent the offer by mail\nno answer yet"],
     (), None),
    (["Gold", "Silver", "Gold"], (), None),
])
def test_list_separator_is_learnt_from_the_values(values: list[str], known: tuple[str, ...],
                                                  expected: str | None) -> None:
    from crm2odoo.mapping.profile import list_separator

    assert list_separator(values, known) == expected


def test_an_ontraport_multi_select_is_not_kept_raw_but_joined_readably(odoo_schemas: Schemas) -> None:
    from crm2odoo.mapping.engine import Engine

    contact = ObjectInfo("contact", "Contacts", (F("id", "Contact ID", "id"), F("email", "Email", "email"),
                                                 F("Interests", "Interests", custom=True)))
    samples = {"contact": rows("contact", {"id": ["1", "2", "3"], "email": ["a@x.co", "b@x.co", "c@x.co"],
                                           "Interests": ["*/*Finance*/*Travel*/*", "Real Estate", None]})}
    for version in ("17.0", "18.0", "19.0"):
        spec = propose(Catalog("ontraport-csv", (contact,)), samples, odoo_schemas[version], system="t", odoo_version=version)
        interests = line(spec, "contact", "Interests")
        assert interests.transform == "join" and interests.params == {"split": "*/*", "sep": ", "}
        assert interests.new_field is not None and interests.new_field.type == "char"
        landed = Engine(spec).transform(spec.objects["contact"], samples["contact"][0])
        assert landed.vals[str(interests.target)] == "Finance, Travel"


def _phones(header: str, custom: bool, sms: list[Any], office: list[Any]) -> tuple[Catalog, dict[str, Any]]:
    contact = ObjectInfo("contact", "Contacts", (
        F("id", "Contact ID", "id"), F("email", "Email", "email"), F("office_phone", "Office Phone", "phone"),
        F("sms_number", "SMS Number", "phone"), F("cell", header, custom=custom)))
    samples = {"contact": rows("contact", {"id": ["1", "2", "3"], "email": ["a@x.co", "b@x.co", "c@x.co"],
                                           "office_phone": office, "sms_number": sms,
                                           "cell": ["+1 212 555 0100", "+1 917 555 0101", "+1 646 555 0102"]})}
    return Catalog("ontraport", (contact,)), samples


@pytest.mark.parametrize("header", ["Cell Phone", "Mobile", "Cep Telefonu", "Handy"])
def test_a_mobile_column_fills_mobile_where_the_version_has_it(header: str, odoo_schemas: Schemas) -> None:
    # the account's standard 'SMS Number' is empty everywhere: it must not take mobile from the column that has numbers
    catalog, samples = _phones(header, True, [None, None, None], ["+1 212 555 0199", None, None])
    for version in ("17.0", "18.0"):
        spec = propose(catalog, samples, odoo_schemas[version], system="t", odoo_version=version)
        cell = line(spec, "contact", "cell")
        assert (cell.target, cell.transform, cell.new_field) == ("mobile", "phone", None), (version, cell)
    spec = propose(catalog, samples, odoo_schemas["19.0"], system="t", odoo_version="19.0")
    cell = line(spec, "contact", "cell")
    # 19 has no mobile on res.partner and phone holds the office numbers: an x_ field, still a phone number
    assert cell.target == "x_mobile" and cell.transform == "phone" and cell.new_field is not None
    assert "this Odoo has no mobile on res.partner" in cell.reason


def test_on_19_a_mobile_column_takes_phone_when_it_is_free(odoo_schemas: Schemas) -> None:
    catalog, samples = _phones("Cell Phone", False, [None, None, None], [None, None, None])
    spec = propose(catalog, samples, odoo_schemas["19.0"], system="t", odoo_version="19.0")
    cell = line(spec, "contact", "cell")
    assert (cell.target, cell.transform) == ("phone", "phone")
    assert "this Odoo has no mobile on res.partner: phone instead" in cell.reason


def test_a_selection_read_from_part_of_the_records_leaves_unseen_values_empty_instead_of_refusing(odoo_schemas: Schemas) -> None:
    from crm2odoo.mapping.engine import Engine

    def contact(count: int | None) -> ObjectInfo:
        return ObjectInfo("contact", "Contacts", (F("id", "Contact ID", "id"), F("email", "Email", "email"),
                                                  F("tier", "Tier", "select", custom=True, options=("Gold",))),
                          count=count)

    samples = {"contact": rows("contact", {"id": ["1", "2", "3"], "email": ["a@x.co", "b@x.co", "c@x.co"],
                                           "tier": ["Gold", "Silver", "Gold"]})}
    whole = line(propose(Catalog("t", (contact(3),)), samples, odoo_schemas["18.0"], system="t", odoo_version="18.0"),
                 "contact", "tier")
    # every record was read: the declared option and the one the records hold, nothing else to expect
    assert whole.new_field is not None and [k for k, _ in whole.new_field.options] == ["gold", "silver"]
    assert "default" not in whole.params
    part = propose(Catalog("t", (contact(5000),)), samples, odoo_schemas["18.0"], system="t", odoo_version="18.0")
    tier = line(part, "contact", "tier")
    assert tier.params["default"] is None and "outside the 3 sampled records are left empty" in tier.reason
    unseen = SourceRecord("contact", "9", {"id": "9", "email": "z@x.co", "tier": "Platinum"})
    target = Engine(part).transform(part.objects["contact"], unseen)
    assert target.outcome == "ok" and target.vals[str(tier.target)] is None


def _shop(line_codes: list[str], product_count: int = 2) -> tuple[Catalog, dict[str, list[SourceRecord]]]:
    product = ObjectInfo("product", "Products", (F("code", "Product Code", "id"), F("name", "Product Name")),
                         count=product_count)
    quote_line = ObjectInfo("quote_line", "Quote Lines", (
        F("quote", "Quote No", "ref", ref_object="quote"), F("product", "Product Code", "ref", ref_object="product"),
        F("quantity", "Quantity", "float")))
    quote = ObjectInfo("quote", "Quotes", (F("number", "Quote No", "id"),))
    samples = {"product": [SourceRecord("product", c, {"code": c, "name": f"Item {c}"}) for c in ("P-1", "P-2")],
               "quote": [SourceRecord("quote", "Q1", {"number": "Q1"})],
               "quote_line": rows("quote_line", {"quote": ["Q1"] * len(line_codes), "product": line_codes,
                                                 "quantity": [1.0] * len(line_codes)})}
    return Catalog("planports-api", (product, quote, quote_line)), samples


def test_a_line_naming_a_product_outside_the_list_creates_it_by_lookup(odoo_schemas: Schemas) -> None:
    catalog, samples = _shop(["P-1", "P-9", "P-2"])
    spec = propose(catalog, samples, odoo_schemas["18.0"], system="t", odoo_version="18.0")
    product = line(spec, "quote_line", "product")
    assert (product.target, product.transform) == ("product_id", "lookup")
    assert product.params == {"model": "product.product", "by": ["name", "default_code"], "create": True}
    assert "1 of 3 sampled products are not in the product list ('P-9')" in product.reason
    # every product listed: the reference stays, and the reason says why
    listed = line(propose(*_shop(["P-1", "P-2"]), odoo_schemas["18.0"], system="t", odoo_version="18.0"), "quote_line",
                  "product")
    assert listed.transform == "ref" and "all 2 sampled products are in the product list" in listed.reason
    # a product list read only in part proves nothing: the reference stays
    partial = line(propose(*_shop(["P-1", "P-9"], product_count=500), odoo_schemas["18.0"], system="t",
                           odoo_version="18.0"), "quote_line", "product")
    assert partial.transform == "ref"


def test_a_map_missing_a_required_target_says_what_to_answer(odoo_schemas: Schemas) -> None:
    # nothing in these columns says which record a task belongs to
    task = ObjectInfo("task", "Tasks", (F("id", "ID", "id"), F("subject", "Subject"), F("due", "Due Date", "date")))
    samples = {"task": rows("task", {"id": ["1", "2"], "subject": ["Call", "Mail"], "due": ["2024-01-02", None]})}
    spec = propose(Catalog("t", (task,)), samples, odoo_schemas["18.0"], system="t", odoo_version="18.0")
    omap = spec.objects["task"]
    assert "needs attention: Odoo requires mail.activity.res_model_id: which column links each task to its " \
           "record" in omap.reason
    assert omap.confidence <= 0.5


def test_a_declared_option_holding_a_comma_is_one_value(odoo_schemas: Schemas) -> None:
    contact = ObjectInfo("contact", "Contacts", (
        F("id", "Contact ID", "id"), F("email", "Email", "email"),
        F("team", "Team", "text", custom=True, options=("Sales, Marketing", "Support"))))
    samples = {"contact": rows("contact", {"id": ["1", "2", "3", "4"],
                                           "email": ["a@x.co", "b@x.co", "c@x.co", "d@x.co"],
                                           "team": ["Sales, Marketing", "Support", "Sales, Marketing", "Support"]})}
    team = line(propose(Catalog("t", (contact,)), samples, odoo_schemas["18.0"], system="t", odoo_version="18.0"),
                "contact", "team")
    assert team.transform != "join" and "split" not in team.params


def test_tags_the_export_joined_with_commas_are_flagged_not_taken_as_tag_names(odoo_schemas: Schemas) -> None:
    contact = ObjectInfo("contact", "Contacts", (F("id", "Contact ID", "id"), F("email", "Email", "email"),
                                                 F("contact_cat", "Contact Tags", "refs", ref_object="tag")))
    tag = ObjectInfo("tag", "Tags", (F("id", "ID", "id"), F("tag_name", "Tag Name")))

    def tags(values: list[list[str]]) -> dict[str, list[SourceRecord]]:
        return {"contact": rows("contact", {"id": [str(i) for i in range(len(values))],
                                            "email": [f"p{i}@x.co" for i in range(len(values))],
                                            "contact_cat": values})}

    joined = tags([["customer, vip"], ["vip"], ["customer, partner"], ["partner, vip"]])
    flagged = line(propose(Catalog("ontraport-csv", (contact, tag)), joined, odoo_schemas["18.0"], system="t",
                           odoo_version="18.0"), "contact", "contact_cat")
    assert flagged.confidence <= 0.4 and "lists joined by ','" in flagged.reason
    split = tags([["customer", "vip"], ["vip"], ["customer", "partner"], ["partner", "vip"]])
    kept = line(propose(Catalog("ontraport-csv", (contact, tag)), split, odoo_schemas["18.0"], system="t",
                        odoo_version="18.0"), "contact", "contact_cat")
    assert kept.confidence >= 0.9 and "joined" not in kept.reason
