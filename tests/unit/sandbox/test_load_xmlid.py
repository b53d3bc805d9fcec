"""load() (all-or-nothing import) and external IDs (ir.model.data)."""

from __future__ import annotations

from typing import Any

import pytest

POSSIBLE = {"name": "Possible Values", "type": "ir.actions.act_window", "target": "new", "view_mode": "list,form",
            "views": [[False, "list"], [False, "form"]], "context": {"create": False},
            "help": "See all possible values"}


def test_load_creates_then_updates_by_xmlid(odoo: Any) -> None:
    res = odoo.j("res.partner", "load", ["id", "name", "country_id", "is_company", "ref"],
                 [["ld_acme", "Acme Load", "Türkiye", "1", "A"], ["mig.ld_bob", "Bob Load", "", "0", "B"]])
    assert res["messages"] == [] and res["nextrow"] == 0 and len(res["ids"]) == 2
    acme, bob = res["ids"]
    assert odoo.j("res.partner", "get_external_id", [acme, bob]) == {str(acme): "__import__.ld_acme",
                                                                     str(bob): "mig.ld_bob"}
    tr = odoo.j("ir.model.data", "check_object_reference", "base", "tr")[1]
    assert odoo.j("res.partner", "read", [acme], ["country_id", "is_company"])[0] == {
        "id": acme, "country_id": [tr, "Türkiye"], "is_company": True}
    again = odoo.j("res.partner", "load", ["id", "name", "parent_id/id"],
                   [["ld_acme", "Acme Load 2", ""], ["mig.ld_bob", "Bob Load", "__import__.ld_acme"]])
    assert again["ids"] == [acme, bob]
    assert odoo.j("res.partner", "read", [bob], ["parent_id"])[0]["parent_id"] == [acme, "Acme Load 2"]
    by_id = odoo.j("res.partner", "load", [".id", "ref"], [[str(bob), "B2"]])
    assert by_id["ids"] == [bob]


def test_load_is_all_or_nothing(odoo: Any) -> None:
    before = odoo.j("res.partner", "search_count", [])
    res = odoo.j("res.partner", "load", ["name", "country_id"], [["Fine", "Türkiye"], ["Bad", "Nowhereland"]])
    assert res["ids"] is False
    assert res["messages"] == [{"rows": {"from": 1, "to": 1}, "type": "error", "record": 1, "field": "country_id",
                                "message": "No matching record found for name 'Nowhereland' in field 'Country'",
                                "moreinfo": {**POSSIBLE, "res_model": "res.country"}, "field_name": "Country"}]
    assert odoo.j("res.partner", "search_count", []) == before
    res = odoo.j("res.partner", "load", ["name", "is_company"], [["A", "maybe"]])
    assert res["messages"][0]["message"] == "Unknown value 'maybe' for boolean field 'Is a Company'"
    assert res["messages"][0]["moreinfo"] == "Use '1' for yes and '0' for no"
    res = odoo.j("res.partner", "load", ["name", "parent_id/id"], [["A", "nomod.nope"]])
    assert res["messages"][0]["message"] == (
        "No matching record found for external id 'nomod.nope' in field 'Related Company'")
    assert res["messages"][0]["moreinfo"]["domain"] == [["model", "=", "res.partner"]]
    res = odoo.j("crm.lead", "load", ["name", "type"], [["x", "nope"]])
    assert res["messages"][0]["message"] == "Value 'nope' not found in selection field 'Type'"
    res = odoo.j("res.partner", "load", ["id", "name"], [["ld_rollback", "kept?"], ["ld_rb2", ""]])
    assert res["ids"] is False and res["messages"][0]["message"] == (
        "The operation cannot be completed: Contacts require a name")
    assert odoo.j("ir.model.data", "search_count", [("name", "=", "ld_rollback")]) == 0


def test_load_refuses_module_prefixes_when_importing_a_file(odoo: Any) -> None:
    res = odoo.j("res.partner", "load", ["id", "name"], [["crm.ld_x", "X"]], context={"import_file": True})
    assert res["ids"] is False
    assert res["messages"][0]["message"].startswith("The record crm.ld_x has the module prefix crm.")
    ok = odoo.j("res.partner", "load", ["id", "name"], [["crm2odoo.ld_x", "X"]], context={"import_file": True})
    assert ok["messages"] == [] and len(ok["ids"]) == 1


def test_load_invalid_column_is_a_fault(h: Any, odoo: Any) -> None:
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("res.partner", "load", ["name", "nope"], [["A", "x"]])
    assert (info.value.name, info.value.message) == ("builtins.ValueError", "Invalid field name 'nope'")


def test_load_many2many_and_selection_labels(odoo: Any) -> None:
    tags = odoo.j("crm.tag", "create", [{"name": "ld one"}, {"name": "ld two"}])
    odoo.j("ir.model.data", "create", [{"module": "mig", "name": "tag_one", "model": "crm.tag", "res_id": tags[0]},
                                       {"module": "mig", "name": "tag_two", "model": "crm.tag", "res_id": tags[1]}])
    res = odoo.j("crm.lead", "load", ["name", "tag_ids/id", "priority", "type"],
                 [["Loaded lead", "mig.tag_one,mig.tag_two", "2", "Opportunity"]])
    assert res["messages"] == []
    lead = res["ids"][0]
    assert odoo.j("crm.lead", "read", [lead], ["tag_ids", "type"])[0] == {"id": lead, "tag_ids": tags,
                                                                          "type": "opportunity"}
    res = odoo.j("crm.lead", "load", ["name", "tag_ids"], [["by names", "ld one, ld two"]])
    assert odoo.j("crm.lead", "read", res["ids"], ["tag_ids"])[0]["tag_ids"] == tags


def test_xmlid_rules(h: Any, odoo: Any) -> None:
    rid = odoo.j("ir.model.data", "create", {"module": "mig", "name": "p_1", "model": "res.partner", "res_id": 3})
    assert odoo.j("ir.model.data", "read", [rid], ["complete_name", "noupdate"])[0] == {
        "id": rid, "complete_name": "mig.p_1", "noupdate": False}
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model.data", "create", {"module": "base", "name": "main_partner", "model": "res.partner",
                                           "res_id": 1})
    assert info.value.message == (
        'The operation cannot be completed: duplicate key value violates unique constraint '
        '"ir_model_data_module_name_uniq_index"\nDETAIL:  Key (module, name)=(base, main_partner) already exists.\n')
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model.data", "create", {"module": "mig", "name": "has space", "model": "res.partner",
                                           "res_id": 1})
    assert info.value.message == "The operation cannot be completed: External IDs cannot contain spaces"
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model.data", "check_object_reference", "base", "nope_x")
    assert (info.value.name, info.value.message) == ("builtins.ValueError",
                                                     "External ID not found in the system: base.nope_x")
    found = odoo.j("ir.model.data", "search_read", [("module", "=", "mig"), ("name", "in", ["p_1", "zz"])],
                   ["name", "model", "res_id"])
    assert found == [{"id": rid, "name": "p_1", "model": "res.partner", "res_id": 3}]


@pytest.mark.parametrize("xmlid, model", [
    ("sales_team.team_sales_department", "crm.team"), ("crm.stage_lead4", "crm.stage"),
    ("mail.mt_note", "mail.message.subtype"), ("mail.mt_comment", "mail.message.subtype"),
    ("mail.mt_activities", "mail.message.subtype"), ("mail.mail_activity_data_call", "mail.activity.type"),
    ("uom.product_uom_unit", "uom.uom"), ("base.uk", "res.country"), ("base.state_tr_34", "res.country.state"),
    ("base.EUR", "res.currency"), ("crm.lost_reason_1", "crm.lost.reason"), ("utm.utm_source_facebook",
                                                                             "utm.source"),
    ("base.user_admin", "res.users"), ("account.1_sale", "account.journal"), ("base.model_res_partner",
                                                                                "ir.model"),
])
def test_seeded_xmlids(odoo: Any, xmlid: str, model: str) -> None:
    module, name = xmlid.split(".")
    found_model, res_id = odoo.j("ir.model.data", "check_object_reference", module, name)
    assert found_model == model and isinstance(res_id, int) and res_id > 0


def test_seed_contents(odoo: Any) -> None:
    stages = odoo.j("crm.stage", "search_read", [], ["name", "is_won", "sequence"])
    assert [(s["name"], s["is_won"]) for s in stages][:4] == [("New", False), ("Qualified", False),
                                                              ("Proposition", False), ("Won", True)]
    assert odoo.j("res.country", "search_count", []) == 250
    states = odoo.j("res.country.state", "search_read", [("country_id.code", "=", "TR"),
                                                         ("code", "in", ["34", "06", "35"])], ["name"])
    assert sorted(s["name"] for s in states) == ["Ankara", "İstanbul", "İzmir"]
    currencies = odoo.j("res.currency", "search_read", [], ["name"])
    assert {c["name"] for c in currencies} == {"USD", "EUR", "TRY", "GBP"}
    assert odoo.j("res.users", "search_read", [("login", "=", "salesman")], ["email", "share"]) == [
        {"id": 6, "email": "salesman@example.com", "share": False}]
    model = odoo.j("ir.model", "search_read", [("model", "=", "res.partner")], ["name", "state"])
    assert len(model) == 1 and model[0]["name"] == "Contact" and model[0]["state"] == "base"
    fields = odoo.j("ir.model.fields", "search_read", [("model", "=", "res.partner"), ("name", "=", "parent_id")],
                    ["ttype", "relation", "model_id"])
    assert fields[0]["ttype"] == "many2one" and fields[0]["relation"] == "res.partner"
    assert fields[0]["model_id"] == [model[0]["id"], "Contact"]
