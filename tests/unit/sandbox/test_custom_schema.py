"""Custom models and fields over the API (ir.model / ir.model.fields), as Studio or a migration creates them."""

from __future__ import annotations

from typing import Any

import pytest


def test_custom_field_on_partner(h: Any, odoo: Any) -> None:
    partner_model = odoo.j("ir.model", "search", [("model", "=", "res.partner")])[0]
    fid = odoo.j("ir.model.fields", "create", {"model_id": partner_model, "name": "x_src_id",
                                               "field_description": "Source ID", "ttype": "char"})
    assert odoo.j("ir.model.fields", "read", [fid], ["model", "state", "store"])[0] == {
        "id": fid, "model": "res.partner", "state": "manual", "store": True}
    assert odoo.j("res.partner", "fields_get", ["x_src_id"], attributes=["type", "string", "manual"]) == {
        "x_src_id": {"type": "char", "string": "Source ID", "manual": True}}
    pid = odoo.j("res.partner", "create", {"name": "With source", "x_src_id": "ont-42"})
    assert odoo.j("res.partner", "search", [("x_src_id", "=", "ont-42")]) == [pid]
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model.fields", "create", {"model_id": partner_model, "name": "x_src_id",
                                             "field_description": "Again", "ttype": "char"})
    assert info.value.message == "The operation cannot be completed: Field names must be unique per model."
    odoo.j("ir.model.fields", "unlink", [fid])
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("res.partner", "read", [pid], ["x_src_id"])
    assert info.value.message == "Invalid field 'x_src_id' on model 'res.partner'"


def test_field_name_must_start_with_x(h: Any, odoo: Any) -> None:
    lead_model = odoo.j("ir.model", "search", [("model", "=", "crm.lead")])[0]
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model.fields", "create", {"model_id": lead_model, "name": "foo", "field_description": "F",
                                             "ttype": "char"})
    assert (info.value.name, info.value.message) == (
        "odoo.exceptions.ValidationError",
        "The operation cannot be completed: Custom fields must have a name that starts with 'x_'!")
    base_field = odoo.j("ir.model.fields", "search", [("model", "=", "crm.lead"), ("name", "=", "name")])
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model.fields", "unlink", base_field)
    assert (info.value.name, info.value.message) == ("odoo.exceptions.UserError",
                                                     "This column contains module data and cannot be removed!")


def test_custom_selection_and_many2one(h: Any, odoo: Any) -> None:
    lead_model = odoo.j("ir.model", "search", [("model", "=", "crm.lead")])[0]
    odoo.j("ir.model.fields", "create", [
        {"model_id": lead_model, "name": "x_tier", "field_description": "Tier", "ttype": "selection",
         "selection_ids": [[0, 0, {"value": "gold", "name": "Gold", "sequence": 1}],
                           [0, 0, {"value": "silver", "name": "Silver", "sequence": 2}]]},
        {"model_id": lead_model, "name": "x_referrer_id", "field_description": "Referrer", "ttype": "many2one",
         "relation": "res.partner"},
    ])
    got = odoo.j("crm.lead", "fields_get", ["x_tier", "x_referrer_id"], attributes=["type", "selection",
                                                                                     "relation"])
    assert got == {"x_tier": {"type": "selection", "selection": [["gold", "Gold"], ["silver", "Silver"]]},
                   "x_referrer_id": {"type": "many2one", "relation": "res.partner"}}
    lead = odoo.j("crm.lead", "create", {"name": "tiered", "x_tier": "gold", "x_referrer_id": 3})
    assert odoo.j("crm.lead", "read", [lead], ["x_tier", "x_referrer_id"])[0] == {
        "id": lead, "x_tier": "gold", "x_referrer_id": [3, "Administrator"]}
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("crm.lead", "write", [lead], {"x_tier": "bronze"})
    assert info.value.message == "Wrong value for crm.lead.x_tier: 'bronze'"
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model.fields", "create", {"model_id": lead_model, "name": "x_bad", "field_description": "B",
                                             "ttype": "many2one", "relation": "no.such"})
    assert (info.value.name, info.value.message) == ("odoo.exceptions.ValidationError",
                                                     "Unknown model name 'no.such' in Related Model")


def test_custom_model(h: Any, odoo: Any) -> None:
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model", "create", {"model": "foo.bar", "name": "F", "state": "manual"})
    assert (info.value.name, info.value.message) == ("odoo.exceptions.ValidationError",
                                                     "The model name must start with 'x_'.")
    mid = odoo.j("ir.model", "create", {"name": "Source Record", "model": "x_src_record", "state": "manual"})
    fields = odoo.j("x_src_record", "fields_get", attributes=["type"])
    assert set(fields) == {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date", "x_name"}
    odoo.j("ir.model.fields", "create", {"model_id": mid, "name": "x_payload", "field_description": "Payload",
                                         "ttype": "text"})
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("x_src_record", "create", {"x_name": "refused"})
    assert (info.value.name, info.value.message) == (
        "odoo.exceptions.AccessError",
        "You are not allowed to create 'Source Record' (x_src_record) records.\n\n"
        "No group currently allows this operation.\n\nContact your administrator to request access if necessary.")
    group = odoo.j("ir.model.data", "check_object_reference", "base", "group_user")[1]
    odoo.j("ir.model.access", "create", {"name": "access_x_src_record", "model_id": mid, "group_id": group,
                                         "perm_read": True, "perm_write": True, "perm_create": True,
                                         "perm_unlink": True})
    rid = odoo.j("x_src_record", "create", {"x_name": "first", "x_payload": "{}"})
    assert odoo.j("x_src_record", "search_read", [], ["x_name", "display_name", "x_payload"]) == [
        {"id": rid, "x_name": "first", "display_name": "first", "x_payload": "{}"}]
    assert odoo.j("x_src_record", "name_search", "fir") == [[rid, "first"]]
    base = odoo.j("ir.model", "search", [("model", "=", "res.partner")])
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("ir.model", "unlink", base)
    assert info.value.message == "Model “Contact” contains module data and cannot be removed."
    assert odoo.j("ir.model", "unlink", [mid]) is True
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("x_src_record", "search", [])
    assert info.value.message == "Object x_src_record doesn't exist"
    assert odoo.j("ir.model.fields", "search_count", [("model", "=", "x_src_record")]) == 0
    assert odoo.j("ir.model.access", "search_count", [("name", "=", "access_x_src_record")]) == 0


def test_failed_schema_call_rolls_back_registry(h: Any, odoo: Any) -> None:
    partner_model = odoo.j("ir.model", "search", [("model", "=", "res.partner")])[0]
    with pytest.raises(h.JsonRpcError):
        odoo.j("ir.model.fields", "create", [
            {"model_id": partner_model, "name": "x_ghost", "field_description": "Ghost", "ttype": "char"},
            {"model_id": partner_model, "name": "bad name", "field_description": "Bad", "ttype": "char"}])
    assert "x_ghost" not in odoo.j("res.partner", "fields_get", attributes=["type"])


def test_a_model_made_over_the_api_is_named_by_x_name(odoo: Any) -> None:
    """models.py: a custom model's _rec_name is x_name, which ir.model gives it; display_name is its value, and
    False (the web client's "Unnamed") when it is empty, never 'model,id'."""
    mid = odoo.j("ir.model", "create", {"name": "Workshops", "model": "x_named_workshops", "state": "manual"})
    group = odoo.j("ir.model.data", "check_object_reference", "base", "group_user")[1]
    odoo.j("ir.model.access", "create", {"name": "access_x_named_workshops", "model_id": mid, "group_id": group,
                                         "perm_read": True, "perm_write": True, "perm_create": True,
                                         "perm_unlink": True})
    named = odoo.j("x_named_workshops", "create", {"x_name": "Focus Workshop 1"})
    unnamed = odoo.j("x_named_workshops", "create", {})
    shown = {r["id"]: r["display_name"] for r in odoo.j("x_named_workshops", "read", [named, unnamed],
                                                          ["display_name"])}
    assert shown == {named: "Focus Workshop 1", unnamed: False}
