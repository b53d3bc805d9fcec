"""Odoo 19's JSON-2 API and the schema differences between 17, 18 and 19."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from crm2odoo.sandbox import SandboxServer


def post(srv: SandboxServer, path: str, body: Any, key: str | None = None, **headers: str) -> httpx.Response:
    auth = {"Authorization": f"bearer {key or srv.admin_api_key}"}
    return httpx.post(f"{srv.url}/json/2/{path}", json=body, headers={**auth, **headers})


def test_json2_crud(srv19: SandboxServer) -> None:
    created = post(srv19, "res.partner/create", {"vals_list": [{"name": "J2 a"}, {"name": "J2 b"}]})
    assert created.status_code == 200
    ids = created.json()
    assert isinstance(ids, list) and len(ids) == 2
    assert post(srv19, "res.partner/create", {"vals_list": {"name": "J2 c"}}).json() == [ids[1] + 1]
    rows = post(srv19, "res.partner/search_read", {"domain": [["id", "in", ids]], "fields": ["name"],
                                                   "order": "id"}).json()
    assert rows == [{"id": ids[0], "name": "J2 a"}, {"id": ids[1], "name": "J2 b"}]
    assert post(srv19, "res.partner/write", {"ids": ids[:1], "vals": {"name": "J2 A"}},
                **{"X-Odoo-Database": "sandbox"}).json() is True
    assert post(srv19, "res.partner/read", {"ids": ids[:1], "fields": ["name"]}).json() == [
        {"id": ids[0], "name": "J2 A"}]
    assert post(srv19, "res.users/context_get", {}).json()["uid"] == 2
    assert post(srv19, "res.partner/name_search", {"name": "J2 b", "domain": []}).json() == [[ids[1], "J2 b"]]


def test_json2_errors(srv19: SandboxServer) -> None:
    # Statuses and names as Odoo 19's Json2RpcDispatcher.handle_error and json2.py produce them.
    bad = post(srv19, "res.partner/search", {"domain": []}, key="0" * 40)
    assert bad.status_code == 401
    assert bad.json()["name"] == "werkzeug.exceptions.Unauthorized"
    assert httpx.post(f"{srv19.url}/json/2/res.partner/search", json={"domain": []}).status_code == 401
    missing_model = post(srv19, "x.nope/search", {"domain": []})
    assert missing_model.status_code == 404
    assert missing_model.json()["message"] == "the model 'x.nope' does not exist"
    assert missing_model.json()["arguments"] == ["the model 'x.nope' does not exist", 404]
    assert post(srv19, "res.partner/frobnicate", {}).status_code == 404
    assert post(srv19, "res.partner/_private", {}).status_code == 404
    wrong_arg = post(srv19, "res.partner/search", {"domian": []})
    assert wrong_arg.status_code == 422
    assert (wrong_arg.json()["name"], wrong_arg.json()["message"]) == (
        "werkzeug.exceptions.UnprocessableEntity", "got an unexpected keyword argument 'domian'")
    assert post(srv19, "res.partner/search", {}).json()["message"] == "missing a required argument: 'domain'"
    with_ids = post(srv19, "res.partner/search", {"ids": [1], "domain": []})
    assert (with_ids.status_code, with_ids.json()["message"]) == (422, "cannot call res.partner.search with ids")
    invalid = post(srv19, "crm.lead/create", {"vals_list": [{}]})
    assert invalid.status_code == 422
    body = invalid.json()
    assert set(body) == {"name", "message", "arguments", "context", "debug"}
    assert body["name"] == "odoo.exceptions.ValidationError"
    assert "Field: Opportunity (name)" in body["message"]
    value_error = post(srv19, "res.partner/create", {"vals_list": [{"name": "x", "nope": 1}]})
    assert (value_error.status_code, value_error.json()["name"]) == (500, "builtins.ValueError")
    missing = post(srv19, "res.partner/write", {"ids": [99999999], "vals": {"name": "x"}})
    assert (missing.status_code, missing.json()["name"]) == (404, "odoo.exceptions.MissingError")
    assert post(srv19, "res.partner/search", {"domain": []}, **{"X-Odoo-Database": "other"}).status_code == 404
    garbage = httpx.post(f"{srv19.url}/json/2/res.partner/search", content=b"{nope",
                         headers={"Authorization": f"bearer {srv19.admin_api_key}",
                                  "Content-Type": "application/json"})
    assert garbage.status_code == 400


def test_version_endpoints_19(srv19: SandboxServer) -> None:
    expected = {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}
    assert httpx.get(f"{srv19.url}/web/version").json() == expected
    assert httpx.get(f"{srv19.url}/json/version").json() == expected


def test_schema_differences(h: Any, srv19: SandboxServer) -> None:
    odoo19 = h.Odoo(srv19)
    partner_fields = odoo19.j("res.partner", "fields_get", attributes=["type"])
    assert "mobile" not in partner_fields
    with pytest.raises(h.JsonRpcError) as info:
        odoo19.j("res.partner", "create", {"name": "m", "mobile": "1"})
    assert info.value.message == "Invalid field 'mobile' on model 'res.partner'"
    stage_fields = odoo19.j("crm.stage", "fields_get", attributes=["type"])
    assert "team_ids" in stage_fields and "team_id" not in stage_fields
    lead = odoo19.j("crm.lead", "create", {"name": "19 lead"})
    assert odoo19.j("crm.lead", "read", [lead], ["stage_id"])[0]["stage_id"][1] == "New"
    with pytest.raises(h.JsonRpcError) as info:
        odoo19.j("res.partner.title", "search", [])
    assert info.value.message == "Object res.partner.title doesn't exist"
    # mail.activity.res_model_id is optional in 19
    act = odoo19.j("mail.activity", "create", {"summary": "free", "res_id": lead})
    assert act > 0


def test_version_17(h: Any) -> None:
    with SandboxServer(version="17.0") as srv17:
        odoo17 = h.Odoo(srv17)
        assert h.jsonrpc(odoo17.http, srv17, "common", "version", [])["server_serie"] == "17.0"
        assert "detailed_type" in odoo17.j("product.template", "fields_get", attributes=["type"])
        tmpl = odoo17.j("product.template", "create", {"name": "Consulting", "detailed_type": "service",
                                                       "type": "service"})
        variants = odoo17.j("product.product", "search", [("product_tmpl_id", "=", tmpl)])
        assert len(variants) == 1
        assert httpx.post(f"{srv17.url}/json/2/res.partner/search", json={}).status_code == 404
