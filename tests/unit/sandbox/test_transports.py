"""Wire formats: XML-RPC (/xmlrpc/2 and legacy /xmlrpc), JSON-RPC, version routes, authentication."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import httpx
import pytest

from crm2odoo.sandbox import SandboxServer


def test_common_version_over_both_transports(srv: SandboxServer, h: Any) -> None:
    expected = {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""],
                "server_serie": "18.0", "protocol_version": 1}
    assert xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/common").version() == expected
    assert h.jsonrpc(httpx.Client(), srv, "common", "version", []) == expected


def test_authenticate(srv: SandboxServer) -> None:
    common = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/common")
    assert common.authenticate("sandbox", "admin", "admin", {}) == 2
    assert common.authenticate("sandbox", "admin", srv.admin_api_key, {}) == 2
    assert common.authenticate("sandbox", "admin", "wrong", {}) is False
    assert common.authenticate("sandbox", "nobody", "admin", {}) is False
    assert common.login("sandbox", "salesman", "salesman") == 6
    assert len(srv.admin_api_key) == 40 and int(srv.admin_api_key, 16) >= 0


def test_bad_database_is_a_postgres_error(srv: SandboxServer, h: Any) -> None:
    with pytest.raises(h.JsonRpcError) as info:
        h.jsonrpc(httpx.Client(), srv, "common", "authenticate", ["nodb", "admin", "admin", {}])
    assert info.value.name == "psycopg2.OperationalError"
    assert info.value.message.endswith('FATAL:  database "nodb" does not exist\n')
    with pytest.raises(h.JsonRpcError) as info:
        h.jsonrpc(httpx.Client(), srv, "object", "execute_kw", ["nodb", 2, "admin", "res.partner", "search", [[]]])
    assert info.value.name == "psycopg2.OperationalError"


def test_jsonrpc_error_envelope(srv: SandboxServer) -> None:
    response = httpx.post(f"{srv.url}/jsonrpc", json={
        "jsonrpc": "2.0", "method": "call", "id": 3,
        "params": {"service": "object", "method": "execute_kw",
                   "args": ["sandbox", 2, "bad", "res.partner", "search", [[]]]}})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == 3
    assert body["error"]["code"] == 200
    assert body["error"]["message"] == "Odoo Server Error"
    data = body["error"]["data"]
    assert set(data) == {"name", "debug", "message", "arguments", "context"}
    assert data["name"] == "odoo.exceptions.AccessDenied"
    assert data["message"] == "Access Denied"
    assert data["arguments"] == ["Access Denied"]


def test_invalid_json_is_400(srv: SandboxServer) -> None:
    response = httpx.post(f"{srv.url}/jsonrpc", content=b"garbage", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_xmlrpc2_fault_codes(srv: SandboxServer, odoo: Any) -> None:
    proxy = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy.execute_kw("sandbox", 2, "bad", "res.partner", "search", [[]])
    assert (info.value.faultCode, info.value.faultString) == (3, "Access Denied")
    with pytest.raises(xmlrpc.client.Fault) as info:
        odoo.x("x.nope", "search", [])
    assert (info.value.faultCode, info.value.faultString) == (2, "Object x.nope doesn't exist")
    with pytest.raises(xmlrpc.client.Fault) as info:
        odoo.x("res.partner", "_foo", [])
    assert (info.value.faultCode, info.value.faultString) == (
        4, "Private methods (such as _foo) cannot be called remotely.")
    with pytest.raises(xmlrpc.client.Fault) as info:
        odoo.x("res.partner", "foo", [])
    assert info.value.faultCode == 1
    assert info.value.faultString.strip().splitlines()[-1] == (
        "AttributeError: The method 'foo' does not exist on the model 'res.partner'")
    with pytest.raises(xmlrpc.client.Fault) as info:
        odoo.x("res.partner", "write", [99999999], {"name": "a"})
    assert info.value.faultCode == 2
    assert info.value.faultString == ("Record does not exist or has been deleted.\n"
                                      "(Record: res.partner(99999999,), User: 2)")
    with pytest.raises(xmlrpc.client.Fault) as info:
        odoo.x("crm.lead", "create", {})
    assert info.value.faultCode == 2 and "Field: Opportunity (name)" in info.value.faultString


def test_legacy_xmlrpc_string_fault_codes(srv: SandboxServer) -> None:
    proxy = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy.execute_kw("sandbox", 2, "admin", "res.partner", "write", [[99999999], {"name": "a"}])
    assert str(info.value.faultCode).startswith("warning -- MissingError\n\nRecord does not exist")
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy.execute_kw("sandbox", 2, "admin", "x.nope", "search", [[]])
    assert info.value.faultCode == "warning -- UserError\n\nObject x.nope doesn't exist"


def test_xmlrpc_cannot_marshal_int_keys_like_odoo(odoo: Any) -> None:
    # get_external_id returns {id: xmlid}; Odoo's XML-RPC marshaller refuses int keys, JSON turns them to str.
    with pytest.raises(xmlrpc.client.Fault) as info:
        odoo.x("res.partner", "get_external_id", [1])
    assert info.value.faultCode == 1 and "dictionary key must be string" in info.value.faultString
    assert odoo.j("res.partner", "get_external_id", [1, 3]) == {"1": "base.main_partner",
                                                                "3": "base.partner_admin"}


def test_execute_positional(srv: SandboxServer) -> None:
    proxy = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/object")
    assert proxy.execute("sandbox", 2, "admin", "res.country", "search", [("code", "=", "TR")]) == [
        proxy.execute_kw("sandbox", 2, "admin", "ir.model.data", "check_object_reference", ["base", "tr"])[1]]


def test_unknown_service_and_method(srv: SandboxServer, h: Any) -> None:
    http = httpx.Client()
    with pytest.raises(h.JsonRpcError) as info:
        h.jsonrpc(http, srv, "nope", "x", [])
    assert info.value.name == "builtins.KeyError"
    with pytest.raises(h.JsonRpcError) as info:
        h.jsonrpc(http, srv, "common", "nope", [])
    assert (info.value.name, info.value.message) == ("builtins.Exception", "Method not found: nope")


def test_version_routes_18(srv: SandboxServer) -> None:
    # /web/version is a 19 route; 17/18 answer 404 (verified against a real 18) and keep version_info.
    assert httpx.get(f"{srv.url}/web/version").status_code == 404
    assert httpx.post(f"{srv.url}/json/2/res.partner/search", json={}).status_code == 404
    response = httpx.post(f"{srv.url}/web/webclient/version_info",
                          json={"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1})
    assert response.json()["result"]["server_version_info"] == [18, 0, 0, "final", 0, ""]


def test_type_errors_from_argument_binding(odoo: Any, h: Any) -> None:
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("res.partner", "name_create")
    assert info.value.name == "builtins.TypeError"
    assert info.value.message.endswith("missing 1 required positional argument: 'name'")
    with pytest.raises(h.JsonRpcError) as info:
        odoo.j("res.partner", "search", [], bogus=1)
    assert info.value.message.endswith("got an unexpected keyword argument 'bogus'")


def test_context_get_and_modules(odoo: Any, salesman: Any) -> None:
    assert odoo.j("res.users", "context_get") == {"lang": "en_US", "tz": False, "uid": 2}
    assert salesman.j("res.users", "context_get")["uid"] == 6
    assert odoo.j("res.users", "has_group", [2], "base.group_system") is True
    assert salesman.j("res.users", "has_group", [6], "base.group_system") is False
    assert salesman.j("res.users", "has_group", [6], "sales_team.group_sale_salesman") is True
    mods = odoo.j("ir.module.module", "search_read", [("state", "=", "installed")], ["name", "state",
                                                                                    "latest_version"])
    names = {m["name"] for m in mods}
    assert {"base", "mail", "contacts", "crm", "sale_management", "sale", "project", "calendar", "account", "utm",
            "sales_team", "product"} == names
    assert all(m["latest_version"].startswith("18.0.") for m in mods)


def test_xmlrpc_datetime_and_binary_arguments(odoo: Any) -> None:
    import datetime

    lead = odoo.x("crm.lead", "create", {"name": "dt", "date_closed": datetime.datetime(2021, 2, 3, 4, 5, 6)})
    assert odoo.x("crm.lead", "read", [lead], ["date_closed"]) == [{"id": lead, "date_closed": "2021-02-03 04:05:06"}]
    att = odoo.x("ir.attachment", "create", {"name": "b.bin", "datas": xmlrpc.client.Binary(b"hello")})
    assert odoo.x("ir.attachment", "read", [att], ["datas"]) == [{"id": att, "datas": "aGVsbG8="}]
