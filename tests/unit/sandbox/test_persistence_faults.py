"""Per-call transactions, persistence in a SQLite file, and every fault kind of FaultPlan."""

from __future__ import annotations

import time
import xmlrpc.client
from pathlib import Path
from typing import Any

import httpx
import pytest

from crm2odoo.sandbox import FaultPlan, SandboxServer


def test_failed_call_changes_nothing(h: Any, odoo: Any) -> None:
    before = odoo.j("res.partner", "search_count", [])
    with pytest.raises(h.JsonRpcError):
        odoo.j("res.partner", "create", [{"name": "first ok"}, {"name": "second bad", "type": "zzz"}])
    assert odoo.j("res.partner", "search_count", []) == before
    with pytest.raises(h.JsonRpcError):
        odoo.j("res.partner", "create", {"name": "with bad tag", "category_id": [[0, 0, {"name": "T"}], [4, 999999]]})
    assert odoo.j("res.partner.category", "search_count", [("name", "=", "T")]) == 0


def test_file_persists_across_restart(h: Any, tmp_path: Path) -> None:
    path = str(tmp_path / "sandbox.sqlite")
    with SandboxServer(db_path=path) as first:
        odoo = h.Odoo(first)
        pid = odoo.j("res.partner", "create", {"name": "Survivor"})
        partner_model = odoo.j("ir.model", "search", [("model", "=", "res.partner")])[0]
        odoo.j("ir.model.fields", "create", {"model_id": partner_model, "name": "x_keep",
                                             "field_description": "Keep", "ttype": "char"})
        odoo.j("res.partner", "write", [pid], {"x_keep": "yes"})
        odoo.j("ir.model.data", "create", {"module": "mig", "name": "survivor", "model": "res.partner",
                                           "res_id": pid})
        count = odoo.j("res.partner", "search_count", [])
    with SandboxServer(db_path=path) as second:
        odoo = h.Odoo(second)
        assert odoo.j("res.partner", "read", [pid], ["name", "x_keep"]) == [{"id": pid, "name": "Survivor",
                                                                             "x_keep": "yes"}]
        assert odoo.j("res.partner", "search_count", []) == count  # not seeded twice
        assert odoo.j("ir.model.data", "check_object_reference", "mig", "survivor") == ["res.partner", pid]
        assert odoo.j("res.partner", "create", {"name": "Next"}) == pid + 1
    with pytest.raises(ValueError, match=r"holds an Odoo 18\.0 sandbox"):
        SandboxServer(version="17.0", db_path=path)


@pytest.fixture()
def faulty(h: Any) -> Any:
    with SandboxServer() as server:
        yield server, h.Odoo(server)


def _count(srv: SandboxServer, name: str) -> int:
    proxy = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/object")
    return int(proxy.execute_kw("sandbox", 2, "admin", "res.partner", "search_count", [[("name", "=", name)]]))


def _create_body(name: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "service": "object", "method": "execute_kw",
        "args": ["sandbox", 2, "admin", "res.partner", "create", [{"name": name}], {}]}}


@pytest.mark.parametrize("status", ["502", "503", "504"])
def test_gateway_errors(faulty: Any, status: str) -> None:
    srv, _ = faulty
    srv.set_faults(FaultPlan(share=1.0, kinds=(status,), seed=1))
    response = httpx.post(f"{srv.url}/jsonrpc", json=_create_body("gw"))
    assert response.status_code == int(status)
    srv.set_faults(None)
    assert _count(srv, "gw") == 0


def test_serialization_failure(faulty: Any) -> None:
    srv, _ = faulty
    srv.set_faults(FaultPlan(share=1.0, kinds=("serialization",), methods={"create"}))
    body = httpx.post(f"{srv.url}/jsonrpc", json=_create_body("ser")).json()
    assert body["error"]["data"]["name"] == "psycopg2.errors.SerializationFailure"
    assert body["error"]["data"]["message"] == "could not serialize access due to concurrent update\n"
    proxy = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        proxy.execute_kw("sandbox", 2, "admin", "res.partner", "create", [{"name": "ser"}])
    assert info.value.faultCode == 1
    assert info.value.faultString.strip().splitlines()[-1] == (
        "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update")
    assert proxy.execute_kw("sandbox", 2, "admin", "res.partner", "search", [[]], {"limit": 1})  # not faulted
    srv.set_faults(None)
    assert _count(srv, "ser") == 0


def test_drop_before_and_after_commit(faulty: Any) -> None:
    srv, _ = faulty
    srv.set_faults(FaultPlan(share=1.0, kinds=("drop",)))
    with pytest.raises(httpx.TransportError):
        httpx.post(f"{srv.url}/jsonrpc", json=_create_body("dropped"))
    srv.set_faults(FaultPlan(share=1.0, kinds=("drop",), drop_after_commit=True))
    with pytest.raises(httpx.TransportError):
        httpx.post(f"{srv.url}/jsonrpc", json=_create_body("lost reply"))
    srv.set_faults(None)
    assert _count(srv, "dropped") == 0
    assert _count(srv, "lost reply") == 1  # the write happened; only the answer was lost


def test_timeout_and_slow(faulty: Any) -> None:
    srv, _ = faulty
    srv.set_faults(FaultPlan(share=1.0, kinds=("timeout",), timeout_seconds=0.6))
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{srv.url}/jsonrpc", json=_create_body("late"), timeout=0.2)
    srv.set_faults(FaultPlan(share=1.0, kinds=("slow",), slow_seconds=0.3))
    started = time.monotonic()
    assert "result" in httpx.post(f"{srv.url}/jsonrpc", json=_create_body("slow"), timeout=5).json()
    assert time.monotonic() - started >= 0.3
    srv.set_faults(None)
    time.sleep(0.5)
    assert _count(srv, "late") == 0 and _count(srv, "slow") == 1


def test_share_is_deterministic_and_logged(faulty: Any) -> None:
    srv, _ = faulty
    http = httpx.Client()

    def run() -> list[int]:
        srv.set_faults(FaultPlan(share=0.3, kinds=("503",), seed=42))
        return [http.post(f"{srv.url}/jsonrpc", json=_create_body(f"s{i}")).status_code for i in range(20)]
    first, second = run(), run()
    assert first == second
    assert 0 < first.count(503) < 20 and set(first) == {200, 503}
    srv.set_faults(None)
    assert srv.call_log[-1] == ("res.partner", "create")
    assert srv.call_log.count(("res.partner", "create")) == 40


def test_fault_plan_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan(kinds=("boom",))
