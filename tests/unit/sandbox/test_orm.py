"""ORM rules: create/write/unlink/read, type checks, required/selection/relation errors, business behaviour."""

from __future__ import annotations

import re
from typing import Any

import pytest

FK = ("The operation cannot be completed: another model requires the record being deleted. If possible, "
      "archive it instead.\n\nModel: {desc} ({model})\nConstraint: {constraint}\n")


def err(h: Any, odoo: Any, *call: Any, **kw: Any) -> Any:
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j(*call, **kw)
    return info.value


def test_create_returns_id_for_dict_and_list_for_list(odoo: Any) -> None:
    one = odoo.j("res.partner", "create", {"name": "Solo"})
    many = odoo.j("res.partner", "create", [{"name": "A1"}, {"name": "A2"}])
    assert isinstance(one, int)
    assert isinstance(many, list) and len(many) == 2 and many[1] == many[0] + 1
    assert odoo.j("res.partner", "create", {"name": "Via kw"}) > many[1]
    assert odoo.j("res.partner", "create", vals_list=[{"name": "kw list"}]) == [many[1] + 2]


def test_required_field_missing(h: Any, odoo: Any) -> None:
    e = err(h, odoo, "crm.lead", "create", {})
    assert e.name == "odoo.exceptions.ValidationError"
    assert e.message == (
        "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
        "Model: Lead/Opportunity (crm.lead)\nField: Opportunity (name)\n")
    e = err(h, odoo, "res.partner", "create", {})
    assert (e.name, e.message) == ("odoo.exceptions.ValidationError",
                                   "The operation cannot be completed: Contacts require a name")


def test_selection_and_unknown_field(h: Any, odoo: Any) -> None:
    e = err(h, odoo, "res.partner", "create", {"name": "x", "type": "zzz"})
    assert (e.name, e.message) == ("builtins.ValueError", "Wrong value for res.partner.type: 'zzz'")
    e = err(h, odoo, "res.partner", "create", {"name": "x", "nope": 1})
    assert (e.name, e.message) == ("builtins.ValueError", "Invalid field 'nope' on model 'res.partner'")
    e = err(h, odoo, "res.partner", "read", [1], ["nope"])
    assert e.message == "Invalid field 'nope' on model 'res.partner'"


def test_type_conversions_like_odoo(h: Any, odoo: Any) -> None:
    pid = odoo.j("res.partner", "create", {"name": 5, "color": "3"})
    assert odoo.j("res.partner", "read", [pid], ["name", "color"]) == [{"id": pid, "name": "5", "color": 3}]
    assert err(h, odoo, "res.partner", "create", {"name": "x", "color": "abc"}).message == (
        "invalid literal for int() with base 10: 'abc'")
    assert err(h, odoo, "crm.lead", "create", {"name": "x", "probability": "abc"}).message == (
        "could not convert string to float: 'abc'")
    assert err(h, odoo, "crm.lead", "create", {"name": "x", "date_deadline": "2024/01/01"}).message == (
        "time data '2024/01/01' does not match format '%Y-%m-%d'")
    assert err(h, odoo, "crm.lead", "create", {"name": "x", "date_closed": "2024-01-01T10:00:00"}).message == (
        "time data '2024-01-01T10:00:00' does not match format '%Y-%m-%d %H:%M:%S'")
    e = err(h, odoo, "res.partner", "create", {"name": "x", "parent_id": "abc"})
    assert e.name == "psycopg2.errors.InvalidTextRepresentation"
    lead = odoo.j("crm.lead", "create", {"name": "dates", "date_closed": "2024-03-05", "date_deadline":
                                         "2024-03-06 11:00:00"})
    assert odoo.j("crm.lead", "read", [lead], ["date_closed", "date_deadline"])[0] == {
        "id": lead, "date_closed": "2024-03-05 00:00:00", "date_deadline": "2024-03-06"}


def test_many2one_must_exist(h: Any, odoo: Any) -> None:
    e = err(h, odoo, "res.partner", "create", {"name": "x", "country_id": 999999})
    assert e.name == "odoo.exceptions.ValidationError"
    assert e.message == FK.format(desc="Contact", model="res.partner", constraint="res_partner_country_id_fkey")
    e = err(h, odoo, "crm.lead", "create", {"name": "x", "tag_ids": [[6, 0, [99999]]]})
    assert e.message == FK.format(desc="Unknown", model="unknown", constraint="crm_tag_rel_tag_id_fkey")


def test_read_missing_ids_and_write_missing(h: Any, odoo: Any) -> None:
    assert odoo.j("res.partner", "read", [99999999], ["name"]) == []
    e = err(h, odoo, "res.partner", "write", [99999999], {"name": "a"})
    assert e.name == "odoo.exceptions.MissingError"
    e = err(h, odoo, "res.partner", "unlink", [99999999])
    assert (e.name, e.message) == ("odoo.exceptions.MissingError", "Record does not exist or has been deleted.\n"
                                                                   "(Record: res.partner(99999999,), User: 2)")
    e = err(h, odoo, "res.partner", "create", {"name": "x", "category_id": [99999]})
    assert e.message == ("Record does not exist or has been deleted.\n"
                         "(Record: res.partner.category(99999,), User: 2)")


def test_read_load_and_many2one_shapes(odoo: Any) -> None:
    assert odoo.j("res.partner", "read", [3], ["company_id"]) == [{"id": 3, "company_id": [1, "My Company"]}]
    assert odoo.j("res.partner", "read", [3], ["company_id"], load=None) == [{"id": 3, "company_id": 1}]
    assert odoo.j("res.users", "read", [2], ["login", "email", "partner_id"]) == [
        {"id": 2, "login": "admin", "email": "admin@example.com", "partner_id": [3, "Administrator"]}]


def test_log_access_fields_are_server_owned(odoo: Any) -> None:
    pid = odoo.j("res.partner", "create", {"name": "Stamp", "create_date": "2001-01-01 00:00:00", "create_uid": 1})
    row = odoo.j("res.partner", "read", [pid], ["create_date", "create_uid", "write_uid"])[0]
    assert row["create_date"] != "2001-01-01 00:00:00"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["create_date"])
    assert row["create_uid"] == [2, "Administrator"] and row["write_uid"] == [2, "Administrator"]


def test_partner_names_addresses_and_website(odoo: Any) -> None:
    tr = odoo.j("ir.model.data", "check_object_reference", "base", "tr")[1]
    company = odoo.j("res.partner", "create", {"name": "Acme", "is_company": True, "street": "Main 1",
                                               "city": "Ankara", "country_id": tr, "website": "acme.example"})
    person = odoo.j("res.partner", "create", {"name": "Jane", "parent_id": company, "street": "Own 2"})
    other = odoo.j("res.partner", "create", {"name": "Depot", "parent_id": company, "type": "other",
                                             "street": "Depot 3"})
    rows = {r["id"]: r for r in odoo.j("res.partner", "read", [company, person, other],
                                       ["display_name", "street", "city", "commercial_partner_id", "website"])}
    assert rows[company]["website"] == "http://acme.example"
    assert rows[person]["display_name"] == "Acme, Jane"
    assert rows[person]["street"] == "Main 1" and rows[person]["city"] == "Ankara"  # contact type: synced
    assert rows[other]["street"] == "Depot 3"  # other addresses keep their own
    assert rows[person]["commercial_partner_id"] == [company, "Acme"]
    odoo.j("res.partner", "write", [company], {"street": "New 9", "name": "Acme Ltd"})
    again = odoo.j("res.partner", "read", [person], ["street", "display_name"])[0]
    assert again == {"id": person, "street": "New 9", "display_name": "Acme Ltd, Jane"}


def test_crm_lead_defaults_and_won_lost_rules(odoo: Any) -> None:
    won_stage = odoo.j("ir.model.data", "check_object_reference", "crm", "stage_lead4")[1]
    new_stage = odoo.j("ir.model.data", "check_object_reference", "crm", "stage_lead1")[1]
    lead = odoo.j("crm.lead", "create", {"name": "Deal", "stage_id": won_stage, "probability": 40,
                                         "date_closed": "2020-01-02 03:04:05"})
    row = odoo.j("crm.lead", "read", [lead], ["probability", "date_closed", "type", "user_id"])[0]
    assert row["probability"] == 40.0 and row["date_closed"] == "2020-01-02 03:04:05"  # create keeps values
    assert row["type"] == "opportunity" and row["user_id"] == [2, "Administrator"]
    other = odoo.j("crm.lead", "create", {"name": "Deal 2"})
    assert odoo.j("crm.lead", "read", [other], ["stage_id"])[0]["stage_id"] == [new_stage, "New"]
    odoo.j("crm.lead", "write", [other], {"stage_id": won_stage})
    row = odoo.j("crm.lead", "read", [other], ["probability", "date_closed"])[0]
    assert row["probability"] == 100.0 and row["date_closed"]
    odoo.j("crm.lead", "write", [other], {"probability": 50})
    assert odoo.j("crm.lead", "read", [other], ["date_closed"])[0]["date_closed"] is False
    odoo.j("crm.lead", "write", [other], {"active": False, "probability": 0})
    assert odoo.j("crm.lead", "read", [other], ["date_closed"])[0]["date_closed"]
    partner = odoo.j("res.partner", "create", {"name": "Buyer", "email": "b@example.com"})
    named = odoo.j("crm.lead", "create", {"partner_id": partner})
    assert odoo.j("crm.lead", "read", [named], ["name", "email_from"])[0] == {
        "id": named, "name": "Buyer's opportunity", "email_from": "b@example.com"}


def test_unlink_restrict_and_cascade(h: Any, odoo: Any) -> None:
    stage = odoo.j("crm.stage", "create", {"name": "Temp stage", "sequence": 50})
    lead = odoo.j("crm.lead", "create", {"name": "Blocker", "stage_id": stage})
    e = err(h, odoo, "crm.stage", "unlink", [stage])
    assert e.message == FK.format(desc="Lead/Opportunity", model="crm.lead", constraint="crm_lead_stage_id_fkey")
    assert odoo.j("crm.stage", "search_count", [("id", "=", stage)]) == 1
    odoo.j("ir.model.data", "create", {"module": "t", "name": "lead_blocker", "model": "crm.lead", "res_id": lead})
    msg = odoo.j("mail.message", "create", {"model": "crm.lead", "res_id": lead, "body": "<p>hi</p>"})
    att = odoo.j("ir.attachment", "create", {"name": "f.txt", "res_model": "crm.lead", "res_id": lead})
    assert odoo.j("crm.lead", "unlink", [lead]) is True
    assert odoo.j("mail.message", "search_count", [("id", "=", msg)]) == 0
    assert odoo.j("ir.attachment", "search_count", [("id", "=", att)]) == 0
    assert odoo.j("ir.model.data", "search_count", [("name", "=", "lead_blocker")]) == 0
    assert odoo.j("crm.stage", "unlink", [stage]) is True
    country_state = odoo.j("res.country.state", "search", [("code", "=", "34")])[0]
    odoo.j("res.partner", "create", {"name": "Istanbul person", "state_id": country_state})
    e = err(h, odoo, "res.country.state", "unlink", [country_state])
    assert "Constraint: res_partner_state_id_fkey" in e.message


def test_x2many_commands(odoo: Any) -> None:
    t = [odoo.j("crm.tag", "create", {"name": f"x2m tag {i}"}) for i in range(4)]
    lead = odoo.j("crm.lead", "create", {"name": "Tags", "tag_ids": [[6, 0, [t[0], t[1]]]]})

    def tags() -> list[int]:
        return list(odoo.j("crm.lead", "read", [lead], ["tag_ids"])[0]["tag_ids"])
    assert tags() == [t[0], t[1]]
    odoo.j("crm.lead", "write", [lead], {"tag_ids": [[4, t[2]], [3, t[0]]]})
    assert tags() == [t[1], t[2]]
    odoo.j("crm.lead", "write", [lead], {"tag_ids": [[0, 0, {"name": "x2m created"}]]})
    created = odoo.j("crm.tag", "search", [("name", "=", "x2m created")])
    assert tags() == sorted([t[1], t[2], *created])
    odoo.j("crm.lead", "write", [lead], {"tag_ids": [[1, t[1], {"name": "x2m renamed"}]]})
    assert odoo.j("crm.tag", "read", [t[1]], ["name"])[0]["name"] == "x2m renamed"
    odoo.j("crm.lead", "write", [lead], {"tag_ids": [[2, t[2]]]})
    assert odoo.j("crm.tag", "search_count", [("id", "=", t[2])]) == 0
    odoo.j("crm.lead", "write", [lead], {"tag_ids": [[5, 0, 0]]})
    assert tags() == []
    odoo.j("crm.lead", "write", [lead], {"tag_ids": [[4, t[0]]]})
    odoo.j("crm.lead", "write", [lead], {"tag_ids": [t[3]]})  # a flat id list replaces, like Command.set
    assert tags() == [t[3]]
    odoo.j("crm.lead", "write", [lead], {"tag_ids": False})
    assert tags() == []
    # many2many seen from the other side shares the relation table
    partner = odoo.j("res.partner", "create", {"name": "Tagged", "category_id": [[0, 0, {"name": "VIP"}]]})
    cat = odoo.j("res.partner", "read", [partner], ["category_id"])[0]["category_id"][0]
    assert odoo.j("res.partner.category", "read", [cat], ["partner_ids"])[0]["partner_ids"] == [partner]
    assert odoo.j("res.partner", "search", [("category_id", "in", [cat])]) == [partner]
    # one2many: child_ids create children with parent_id set
    parent = odoo.j("res.partner", "create", {"name": "Parent Co", "is_company": True,
                                              "child_ids": [[0, 0, {"name": "Kid"}]]})
    kids = odoo.j("res.partner", "read", [parent], ["child_ids"])[0]["child_ids"]
    assert len(kids) == 1
    assert odoo.j("res.partner", "read", kids, ["parent_id"])[0]["parent_id"] == [parent, "Parent Co"]


def test_unique_names(h: Any, odoo: Any) -> None:
    odoo.j("crm.tag", "create", {"name": "Unique tag"})
    assert err(h, odoo, "crm.tag", "create", {"name": "Unique tag"}).message == (
        "The operation cannot be completed: Tag name already exists!")
    ids = odoo.j("utm.source", "create", [{"name": "Facebook"}, {"name": "Facebook"}, {"name": "Fresh"}])
    names = [r["name"] for r in odoo.j("utm.source", "read", ids, ["name"])]
    assert names == ["Facebook [2]", "Facebook [3]", "Fresh"]
    c1 = odoo.j("res.partner.category", "create", {"name": "Dup"})
    c2 = odoo.j("res.partner.category", "create", {"name": "Dup"})
    assert c1 != c2


def test_mail_activity_model_rules(h: Any, odoo: Any) -> None:
    lead = odoo.j("crm.lead", "create", {"name": "Has activity"})
    lead_model = odoo.j("ir.model", "search", [("model", "=", "crm.lead")])[0]
    todo = odoo.j("ir.model.data", "check_object_reference", "mail", "mail_activity_data_todo")[1]
    act = odoo.j("mail.activity", "create", {"res_model_id": lead_model, "res_model": "res.partner",
                                             "res_id": lead, "activity_type_id": todo, "summary": "Call"})
    row = odoo.j("mail.activity", "read", [act], ["res_model", "user_id", "date_deadline"])[0]
    assert row["res_model"] == "crm.lead" and row["user_id"] == [2, "Administrator"]
    e = err(h, odoo, "mail.activity", "create", {"res_id": lead, "summary": "no model"})
    assert "Field: Document Model (res_model_id)" in e.message
    odoo.j("crm.lead", "unlink", [lead])
    assert odoo.j("mail.activity", "search_count", [("id", "=", act)]) == 0


def test_calendar_event_res_model_follows_res_model_id(odoo: Any) -> None:
    """calendar_event.py: res_model is related='res_model_id.model', stored; a written res_model is dropped."""
    lead = odoo.j("crm.lead", "create", {"name": "Has a meeting"})
    lead_model = odoo.j("ir.model", "search", [("model", "=", "crm.lead")])[0]
    partner_model = odoo.j("ir.model", "search", [("model", "=", "res.partner")])[0]
    event = odoo.j("calendar.event", "create", {"name": "Meet", "start": "2025-01-06 09:00:00",
                                                "stop": "2025-01-06 10:00:00", "res_model_id": lead_model,
                                                "res_model": "res.partner", "res_id": lead})
    assert odoo.j("calendar.event", "read", [event], ["res_model"])[0]["res_model"] == "crm.lead"
    odoo.j("calendar.event", "write", [event], {"res_model_id": partner_model})
    assert odoo.j("calendar.event", "read", [event], ["res_model"])[0]["res_model"] == "res.partner"
    bare = odoo.j("calendar.event", "create", {"name": "No document", "start": "2025-01-06 09:00:00",
                                               "stop": "2025-01-06 10:00:00"})
    assert not odoo.j("calendar.event", "read", [bare], ["res_model"])[0]["res_model"]


def test_mail_message_defaults(odoo: Any) -> None:
    note = odoo.j("ir.model.data", "check_object_reference", "mail", "mt_note")[1]
    mid = odoo.j("mail.message", "create", {"model": "res.partner", "res_id": 3, "body": "<p>n</p>",
                                            "subtype_id": note, "date": "2019-05-06 07:08:09"})
    row = odoo.j("mail.message", "read", [mid], ["message_type", "author_id", "date", "subtype_id"])[0]
    assert row == {"id": mid, "message_type": "comment", "author_id": [3, "Administrator"],
                   "date": "2019-05-06 07:08:09", "subtype_id": [note, "Note"]}


def test_name_search_name_create_default_get_fields_get(h: Any, odoo: Any) -> None:
    assert odoo.j("res.partner", "name_search", "Administrator") == [[3, "Administrator"]]
    assert odoo.j("res.partner", "name_search", "administr", operator="=") == []
    tag = odoo.j("crm.tag", "name_create", "Quick tag")
    assert tag[1] == "Quick tag" and isinstance(tag[0], int)
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("res.partner", "default_get", fields_list=["type"])
    assert info.value.message.endswith("got an unexpected keyword argument 'fields_list'")
    assert odoo.j("res.partner", "default_get", ["type", "active", "lang", "is_company"]) == {
        "type": "contact", "active": True, "lang": "en_US", "is_company": False}
    got = odoo.j("res.partner", "fields_get", ["name", "type"], attributes=["type", "string"])
    assert got == {"name": {"type": "char", "string": "Name"},
                   "type": {"type": "selection", "string": "Address Type"}}
    assert "mobile" in odoo.j("res.partner", "fields_get", attributes=["type"])


def test_access_rights_of_a_plain_user(h: Any, salesman: Any) -> None:
    e = err(h, salesman, "ir.model.data", "search_read", [("module", "=", "base")], ["name"])
    assert e.name == "odoo.exceptions.AccessError"
    assert e.message.startswith("You are not allowed to access 'Model Data' (ir.model.data) records.")
    e = err(h, salesman, "ir.model.data", "create", {"module": "x", "name": "y", "model": "res.partner",
                                                     "res_id": 1})
    assert e.message.startswith("You are not allowed to create 'Model Data' (ir.model.data) records.")
    assert err(h, salesman, "ir.config_parameter", "get_param", "web.base.url").name == (
        "odoo.exceptions.AccessError")
    assert err(h, salesman, "ir.model.fields", "create", {"name": "x_a"}).name == "odoo.exceptions.AccessError"
    pid = salesman.j("res.partner", "create", {"name": "Made by salesman"})
    lead = salesman.j("crm.lead", "create", {"name": "Salesman lead", "partner_id": pid})
    assert err(h, salesman, "crm.lead", "unlink", [lead]).message.startswith(
        "You are not allowed to delete 'Lead/Opportunity' (crm.lead) records.")
    assert salesman.j("res.partner", "get_external_id", [1]) == {"1": "base.main_partner"}
    assert salesman.j("ir.model.data", "check_object_reference", "base", "main_partner") == ["res.partner", 1]
    assert salesman.j("mail.message", "create", {"model": "crm.lead", "res_id": lead, "body": "ok"}) > 0


def test_config_parameters(odoo: Any) -> None:
    assert odoo.j("ir.config_parameter", "get_param", "web.base.url") == "http://localhost:8069"
    assert odoo.j("ir.config_parameter", "get_param", "nope") is False
    assert odoo.j("ir.config_parameter", "set_param", "crm.iap.lead.enrich.setting", "manual") is False
    assert odoo.j("ir.config_parameter", "get_param", "crm.iap.lead.enrich.setting") == "manual"


def test_users_related_fields_follow_the_partner(odoo: Any) -> None:
    uid = odoo.j("res.users", "create", {"name": "New User", "login": "new.user", "email": "nu@example.com"})
    user = odoo.j("res.users", "read", [uid], ["name", "email", "partner_id"])[0]
    assert (user["name"], user["email"]) == ("New User", "nu@example.com")
    odoo.j("res.users", "write", [uid], {"email": "changed@example.com"})
    partner = odoo.j("res.partner", "read", [user["partner_id"][0]], ["email"])[0]
    assert partner["email"] == "changed@example.com"
    assert odoo.j("res.users", "search", [("login", "=", "new.user")]) == [uid]


def test_first_contact_address_goes_up_to_an_empty_company(odoo: Any) -> None:
    company = odoo.j("res.partner", "create", {"name": "Empty Co", "is_company": True})
    first = odoo.j("res.partner", "create", {"name": "First", "parent_id": company, "city": "Bursa"})
    assert odoo.j("res.partner", "read", [company], ["city"])[0]["city"] == "Bursa"
    second = odoo.j("res.partner", "create", {"name": "Second", "parent_id": company, "city": "Van"})
    assert odoo.j("res.partner", "read", [second], ["city"])[0]["city"] == "Bursa"  # synced down from parent
    odoo.j("res.partner", "unlink", [company])
    rows = odoo.j("res.partner", "read", [first, second], ["parent_id", "commercial_partner_id", "display_name"])
    assert rows == [{"id": first, "parent_id": False, "commercial_partner_id": [first, "First"],
                     "display_name": "First"},
                    {"id": second, "parent_id": False, "commercial_partner_id": [second, "Second"],
                     "display_name": "Second"}]
