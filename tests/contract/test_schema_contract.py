"""Provisioning's calls: several custom fields of one model in one ``ir.model.fields`` create (selection values
inside it), several custom models in one ``ir.model`` create, and what Odoo refuses of such a call.

Run against a real Odoo, a failure here is a wrong assumption of crm2odoo/load/provision.py; run against the
sandbox, a difference from the real Odoo result is a sandbox bug.
"""

from __future__ import annotations

from typing import Any

import pytest

from crm2odoo.errors import OdooRecordError
from crm2odoo.load.resolve import quiet_context
from crm2odoo.odoo.client import OdooClient

CTX = quiet_context()


def model_id(odoo: OdooClient, model: str) -> int:
    return int(odoo.search_read("ir.model", [["model", "=", model]], ["id"])[0]["id"])


def field_ids(odoo: OdooClient, model: str, names: list[str]) -> list[int]:
    return [int(r["id"]) for r in odoo.search_read("ir.model.fields", [["model", "=", model], ["name", "in", names]],
                                                   ["id"])]


def mixed_fields(partner: int, tag: str) -> list[dict[str, Any]]:
    """One of each type provisioning plans, a selection with its values among them."""
    base = {"model_id": partner, "state": "manual", "store": True}
    return [
        {**base, "name": f"x_code_{tag}", "field_description": "Code", "ttype": "char"},
        {**base, "name": f"x_visits_{tag}", "field_description": "Visits", "ttype": "integer"},
        {**base, "name": f"x_score_{tag}", "field_description": "Score", "ttype": "float"},
        {**base, "name": f"x_vip_{tag}", "field_description": "VIP", "ttype": "boolean"},
        {**base, "name": f"x_since_{tag}", "field_description": "Since", "ttype": "date"},
        {**base, "name": f"x_tier_{tag}", "field_description": "Tier", "ttype": "selection",
         "selection_ids": [[0, 0, {"value": "gold", "name": "Gold", "sequence": 0}],
                           [0, 0, {"value": "silver", "name": "Silver", "sequence": 1}],
                           [0, 0, {"value": "bronze", "name": "Bronze", "sequence": 2}]]},
        {**base, "name": f"x_referrer_{tag}", "field_description": "Referrer", "ttype": "many2one",
         "relation": "res.partner", "on_delete": "set null"},
    ]


def test_several_fields_of_one_model_in_one_create(odoo: OdooClient, tag: str) -> None:
    vals_list = mixed_fields(model_id(odoo, "res.partner"), tag)
    names = [str(v["name"]) for v in vals_list]
    created = odoo.create("ir.model.fields", vals_list)
    partner: list[int] = []
    try:
        assert len(created) == len(vals_list) and len(set(created)) == len(created)
        rows = {r["id"]: r["name"] for r in odoo.read("ir.model.fields", created, ["name"])}
        assert [rows[i] for i in created] == names, "the ids answer the vals in order"
        fields = odoo.fields_get("res.partner")
        assert [fields[n]["type"] for n in names] == ["char", "integer", "float", "boolean", "date", "selection",
                                                      "many2one"]
        assert [k for k, _ in fields[f"x_tier_{tag}"]["selection"]] == ["gold", "silver", "bronze"]
        assert fields[f"x_referrer_{tag}"]["relation"] == "res.partner"
        partner = odoo.create("res.partner", [{"name": f"Multi {tag}", f"x_code_{tag}": "A-1", f"x_visits_{tag}": 3,
                                               f"x_tier_{tag}": "silver", f"x_vip_{tag}": True}], context=CTX)
        back = odoo.read("res.partner", partner, [f"x_code_{tag}", f"x_visits_{tag}", f"x_tier_{tag}",
                                                  f"x_vip_{tag}"])[0]
        assert (back[f"x_code_{tag}"], back[f"x_visits_{tag}"], back[f"x_tier_{tag}"], back[f"x_vip_{tag}"]) == \
            ("A-1", 3, "silver", True)
        with pytest.raises(OdooRecordError):
            odoo.create("res.partner", [{"name": "x", f"x_tier_{tag}": "platinum"}], context=CTX)
    finally:
        if partner:
            odoo.unlink("res.partner", partner, context=CTX)
        odoo.unlink("ir.model.fields", created)
    assert not set(names) & set(odoo.fields_get("res.partner"))


def test_a_refused_field_refuses_the_whole_call(odoo: OdooClient, tag: str) -> None:
    """A custom field without the x_ prefix among good ones: Odoo rolls the call back, none of them exists, and
    the same call without it then creates them all (what running provisioning again does)."""
    vals_list = mixed_fields(model_id(odoo, "res.partner"), tag)[:3]
    bad = {**vals_list[0], "name": f"plain_{tag}", "field_description": "No prefix"}
    with pytest.raises(OdooRecordError):
        odoo.create("ir.model.fields", [*vals_list, bad])
    names = [str(v["name"]) for v in vals_list]
    assert field_ids(odoo, "res.partner", [*names, f"plain_{tag}"]) == []
    created = odoo.create("ir.model.fields", vals_list)
    try:
        assert sorted(field_ids(odoo, "res.partner", names)) == sorted(created)
    finally:
        odoo.unlink("ir.model.fields", created)


def test_fields_of_two_models_in_one_create_and_a_refused_one_refuses_both(odoo: OdooClient, tag: str) -> None:
    """Provisioning sends every model's new fields in one call (one registry setup): contacts' and deals' fields
    land together, each on its own model; one Odoo refuses (a link to a model it lacks) rolls back both models'."""
    partner = mixed_fields(model_id(odoo, "res.partner"), tag)[:2]
    lead = [{**v, "model_id": model_id(odoo, "crm.lead"), "name": f"{v['name']}_lead"} for v in partner]
    bad = {**lead[0], "name": f"x_link_{tag}_lead", "ttype": "many2one", "relation": f"x_nowhere_{tag}"}
    with pytest.raises(OdooRecordError):
        odoo.create("ir.model.fields", [*partner, *lead, bad])
    assert field_ids(odoo, "res.partner", [str(v["name"]) for v in partner]) == []
    assert field_ids(odoo, "crm.lead", [str(v["name"]) for v in lead]) == []
    created = odoo.create("ir.model.fields", [*partner, *lead])
    try:
        assert {str(v["name"]) for v in partner} <= set(odoo.fields_get("res.partner"))
        assert {str(v["name"]) for v in lead} <= set(odoo.fields_get("crm.lead"))
    finally:
        odoo.unlink("ir.model.fields", created)


def test_models_in_one_create_then_their_fields_relations_included(odoo: OdooClient, tag: str) -> None:
    """Two custom models in one call, their access rules in one call, then each one's fields in one call, a
    many2one and a many2many to the other new model among them."""
    names = [f"x_flat_{tag}", f"x_block_{tag}"]
    models = odoo.create("ir.model", [{"name": f"Flat {tag}", "model": names[0], "state": "manual"},
                                      {"name": f"Block {tag}", "model": names[1], "state": "manual"}])
    group = odoo.search_read("ir.model.data", [["module", "=", "base"], ["name", "=", "group_user"]], ["res_id"])[0]
    access = odoo.create("ir.model.access", [{"name": f"access_{name}", "model_id": mid, "group_id": group["res_id"],
                                              "perm_read": True, "perm_write": True, "perm_create": True,
                                              "perm_unlink": True} for name, mid in zip(names, models, strict=True)])
    odoo.write("ir.model.access", access, {"active": True})  # see Provisioner: clears Odoo's stale access cache
    fields: list[int] = []
    try:
        base = {"model_id": models[0], "state": "manual", "store": True}
        fields = odoo.create("ir.model.fields", [
            {**base, "name": "x_rooms", "field_description": "Rooms", "ttype": "integer"},
            {**base, "name": "x_block_id", "field_description": "Block", "ttype": "many2one", "relation": names[1],
             "on_delete": "set null"},
            {**base, "name": "x_blocks", "field_description": "Blocks", "ttype": "many2many", "relation": names[1],
             "relation_table": f"x_crm2odoo_{tag}_rel", "column1": "x_src_id", "column2": "x_dst_id"},
        ])
        block = odoo.create(names[1], [{"x_name": "B"}])[0]
        flat = odoo.create(names[0], [{"x_name": "F", "x_rooms": 3, "x_block_id": block, "x_blocks": [[6, 0, [block]]]}])[0]
        back = odoo.read(names[0], [flat], ["x_rooms", "x_block_id", "x_blocks"])[0]
        assert back["x_rooms"] == 3 and back["x_block_id"][0] == block and back["x_blocks"] == [block]
    finally:
        if fields:
            odoo.unlink("ir.model.fields", fields)
        odoo.unlink("ir.model.access", access)
        odoo.unlink("ir.model", models)
    assert odoo.search_read("ir.model", [["model", "in", names]], ["id"]) == []
