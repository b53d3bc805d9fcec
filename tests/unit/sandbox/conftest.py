"""Shared helpers: one sandbox per version for the module, and thin XML-RPC / JSON-RPC callers."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from crm2odoo.sandbox import SandboxServer


class JsonRpcError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("data", {}).get("message"))
        self.error = error
        self.data: dict[str, Any] = error.get("data", {})
        self.name: str = self.data.get("name", "")
        self.message: str = self.data.get("message", "")


class Odoo:
    """Calls one sandbox as a given user over XML-RPC (default) or JSON-RPC."""

    def __init__(self, srv: SandboxServer, login: str = "admin", password: str = "admin") -> None:
        self.srv = srv
        self.password = password
        common = xmlrpc.client.ServerProxy(f"{srv.url}/xmlrpc/2/common")
        self.uid = common.authenticate(srv.database, login, password, {})
        assert self.uid, f"login {login} refused"
        self.http = httpx.Client(timeout=10)

    def x(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        proxy = xmlrpc.client.ServerProxy(f"{self.srv.url}/xmlrpc/2/object")
        return proxy.execute_kw(self.srv.database, self.uid, self.password, model, method, list(args), kwargs)

    def j(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return jsonrpc(self.http, self.srv, "object", "execute_kw",
                       [self.srv.database, self.uid, self.password, model, method, list(args), kwargs])

    __call__ = j


def jsonrpc(http: httpx.Client, srv: SandboxServer, service: str, method: str, args: list[Any]) -> Any:
    response = http.post(f"{srv.url}/jsonrpc", json={"jsonrpc": "2.0", "method": "call", "id": 7,
                                                      "params": {"service": service, "method": method,
                                                                 "args": args}})
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["jsonrpc"] == "2.0" and payload["id"] == 7
    if "error" in payload:
        raise JsonRpcError(payload["error"])
    return payload["result"]


@pytest.fixture(scope="module")
def srv() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as server:
        yield server


@pytest.fixture(scope="module")
def odoo(srv: SandboxServer) -> Odoo:
    return Odoo(srv)


@pytest.fixture(scope="module")
def salesman(srv: SandboxServer) -> Odoo:
    return Odoo(srv, srv.user_login, srv.user_password)


@pytest.fixture(scope="module")
def srv19() -> Iterator[SandboxServer]:
    with SandboxServer(version="19.0") as server:
        yield server


@pytest.fixture(scope="session")
def h() -> SimpleNamespace:
    """Helpers for test modules (test files import nothing from conftest)."""
    return SimpleNamespace(JsonRpcError=JsonRpcError, jsonrpc=jsonrpc, Odoo=Odoo)
