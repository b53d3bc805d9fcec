"""Search domains, ordering, paging and active_test, compared with Odoo 18's expression.py behaviour."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from crm2odoo.sandbox import SandboxServer


@pytest.fixture(scope="module")
def world(h: Any) -> Iterator[tuple[Any, dict[str, int]]]:
    with SandboxServer() as server:
        odoo = h.Odoo(server)
        ids: dict[str, int] = {}
        ids["acme"] = odoo.j("res.partner", "create", {"name": "Acme", "is_company": True, "email": "x@acme.io"})
        ids["ann"] = odoo.j("res.partner", "create", {"name": "Ann", "parent_id": ids["acme"],
                                                      "email": "ann@acme.io"})
        ids["bob"] = odoo.j("res.partner", "create", {"name": "Bob", "parent_id": ids["ann"], "ref": "B-1"})
        ids["old"] = odoo.j("res.partner", "create", {"name": "Oldie", "active": False, "email": "old@x.io"})
        ids["zed"] = odoo.j("res.partner", "create", {"name": "zed_%", "email": "zed@x.io"})
        ids["t1"] = odoo.j("crm.tag", "create", {"name": "Hot"})
        ids["t2"] = odoo.j("crm.tag", "create", {"name": "Cold"})
        ids["l1"] = odoo.j("crm.lead", "create", {"name": "L1", "partner_id": ids["ann"], "expected_revenue": 10,
                                                  "tag_ids": [[6, 0, [ids["t1"]]]]})
        ids["l2"] = odoo.j("crm.lead", "create", {"name": "L2", "partner_id": ids["bob"], "expected_revenue": 20,
                                                  "tag_ids": [[6, 0, [ids["t1"], ids["t2"]]]]})
        ids["l3"] = odoo.j("crm.lead", "create", {"name": "L3", "expected_revenue": 30})
        yield odoo, ids


def mine(world: tuple[Any, dict[str, int]], model: str, domain: list[Any], **kw: Any) -> list[int]:
    odoo, ids = world
    keys = {"res.partner": ("acme", "ann", "bob", "old", "zed"), "crm.lead": ("l1", "l2", "l3")}[model]
    known = {ids[k] for k in keys}
    return [i for i in odoo.j(model, "search", domain, **kw) if i in known]


def test_operators(world: tuple[Any, dict[str, int]]) -> None:
    _, i = world
    assert mine(world, "res.partner", [("name", "=", "Ann")]) == [i["ann"]]
    assert mine(world, "res.partner", [("name", "ilike", "AN")], order="id") == [i["ann"]]
    assert mine(world, "res.partner", [("name", "like", "An")], order="id") == [i["ann"]]
    assert mine(world, "res.partner", [("name", "like", "an")], order="id") == []
    assert mine(world, "res.partner", [("name", "=ilike", "a%")], order="id") == [i["acme"], i["ann"]]
    assert mine(world, "res.partner", [("name", "=like", "zed\\_\\%")]) == [i["zed"]]
    assert mine(world, "res.partner", [("name", "not ilike", "a")], order="id") == [i["bob"], i["zed"]]
    assert mine(world, "res.partner", [("ref", "!=", "B-1")], order="id") == [i["acme"], i["ann"], i["zed"]]
    assert mine(world, "res.partner", [("ref", "=", False)], order="id") == [i["acme"], i["ann"], i["zed"]]
    assert mine(world, "res.partner", [("id", "in", [i["ann"], i["bob"]])], order="id desc") == [i["bob"],
                                                                                                  i["ann"]]
    assert mine(world, "crm.lead", [("expected_revenue", ">", 10), ("expected_revenue", "<=", 30)],
                order="id") == [i["l2"], i["l3"]]
    assert mine(world, "crm.lead", [("expected_revenue", ">=", 20)], order="id") == [i["l2"], i["l3"]]
    assert mine(world, "crm.lead", [("expected_revenue", "<", 20)], order="id") == [i["l1"]]


def test_boolean_logic(world: tuple[Any, dict[str, int]]) -> None:
    _, i = world
    assert mine(world, "res.partner", ["|", ("name", "=", "Ann"), ("name", "=", "Bob")], order="id") == [
        i["ann"], i["bob"]]
    assert mine(world, "res.partner", ["!", ("name", "=", "Ann"), ("email", "ilike", "acme")]) == [i["acme"]]
    assert mine(world, "res.partner", ["&", "|", ("name", "=", "Ann"), ("name", "=", "Bob"),
                                       ("ref", "=", "B-1")]) == [i["bob"]]


def test_paths_and_relations(world: tuple[Any, dict[str, int]]) -> None:
    _, i = world
    assert mine(world, "crm.lead", [("partner_id.email", "=", "ann@acme.io")]) == [i["l1"]]
    assert mine(world, "crm.lead", [("partner_id.parent_id.name", "=", "Ann")]) == [i["l2"]]
    assert mine(world, "crm.lead", [("tag_ids", "in", [i["t2"]])]) == [i["l2"]]
    assert mine(world, "crm.lead", [("tag_ids", "=", i["t1"])], order="id") == [i["l1"], i["l2"]]
    assert mine(world, "crm.lead", [("tag_ids", "=", False)]) == [i["l3"]]
    assert mine(world, "crm.lead", [("tag_ids", "!=", False)], order="id") == [i["l1"], i["l2"]]
    assert mine(world, "crm.lead", [("tag_ids", "in", [])]) == []
    assert mine(world, "crm.lead", [("tag_ids", "not in", [i["t2"]])], order="id") == [i["l1"], i["l3"]]
    assert mine(world, "crm.lead", [("tag_ids.name", "=", "Cold")]) == [i["l2"]]
    assert mine(world, "crm.lead", [("partner_id", "ilike", "bo")]) == [i["l2"]]
    assert mine(world, "crm.lead", [("partner_id", "=", False)]) == [i["l3"]]
    assert mine(world, "res.partner", [("id", "child_of", i["acme"])], order="id") == [i["acme"], i["ann"],
                                                                                        i["bob"]]
    assert mine(world, "res.partner", [("parent_id", "child_of", i["ann"])], order="id") == [i["bob"]]
    assert mine(world, "res.partner", [("id", "parent_of", i["bob"])], order="id") == [i["acme"], i["ann"],
                                                                                        i["bob"]]
    assert mine(world, "crm.lead", [("partner_id", "any", [("name", "=", "Bob")])]) == [i["l2"]]


def test_active_test(world: tuple[Any, dict[str, int]]) -> None:
    odoo, i = world
    assert mine(world, "res.partner", [("email", "=", "old@x.io")]) == []
    assert mine(world, "res.partner", [("email", "=", "old@x.io")], context={"active_test": False}) == [i["old"]]
    assert mine(world, "res.partner", [("active", "=", False), ("email", "=", "old@x.io")]) == [i["old"]]
    assert mine(world, "res.partner", [("active", "in", [True, False]), ("name", "=", "Oldie")]) == [i["old"]]
    assert odoo.j("res.partner", "read", [i["old"]], ["name"]) == [{"id": i["old"], "name": "Oldie"}]


def test_order_offset_limit_count(world: tuple[Any, dict[str, int]]) -> None:
    odoo, i = world
    leads = [i["l1"], i["l2"], i["l3"]]
    assert odoo.j("crm.lead", "search", [("id", "in", leads)], order="expected_revenue desc") == leads[::-1]
    assert odoo.j("crm.lead", "search", [("id", "in", leads)], order="id", offset=1, limit=1) == [i["l2"]]
    assert odoo.j("crm.lead", "search_count", [("id", "in", leads)]) == 3
    assert odoo.j("crm.lead", "search_read", [("id", "in", leads)], ["name"], order="name desc", limit=2) == [
        {"id": i["l3"], "name": "L3"}, {"id": i["l2"], "name": "L2"}]
    # default order of res.partner is complete_name asc, id desc
    assert mine(world, "res.partner", [("id", "in", [i["ann"], i["acme"]])]) == [i["acme"], i["ann"]]


def test_domain_errors(h: Any, world: tuple[Any, dict[str, int]]) -> None:
    odoo, _ = world
    cases = [
        ([("nope", "=", 1)], "Invalid field res.partner.nope in leaf ('nope', '=', 1)"),
        ([("name", "badop", "x")], "Invalid leaf ('name', 'badop', 'x')"),
        (["&"], "Domain ['&'] is syntactically not correct."),
    ]
    for domain, message in cases:
        with pytest.raises(h.JsonRpcError) as info:
            odoo.j("res.partner", "search", domain)
        assert (info.value.name, info.value.message) == ("builtins.ValueError", message)
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("res.partner", "search", [], order="bogus")
    assert info.value.message == "Invalid field 'bogus' on model 'res.partner'"
