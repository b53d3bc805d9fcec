"""Test tiers by folder: unit (no network), contract (the same tests against the sandbox or a real Odoo), e2e.

Contract and e2e tests use the bundled sandbox by default. Against a real Odoo: set CRM2ODOO_TEST_ODOO_URL,
CRM2ODOO_TEST_ODOO_DB, CRM2ODOO_TEST_ODOO_LOGIN and CRM2ODOO_TEST_ODOO_PASSWORD (or _API_KEY); the login must be
an administrator. Tests create records with a unique suffix and delete what they create where they can, so
they can run against a scratch database more than once.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "contract" in parts:
            item.add_marker(pytest.mark.contract)



def _settings_from_env() -> OdooSettings | None:
    url = os.environ.get("CRM2ODOO_TEST_ODOO_URL")
    if not url:
        return None
    password = os.environ.get("CRM2ODOO_TEST_ODOO_PASSWORD")
    api_key = os.environ.get("CRM2ODOO_TEST_ODOO_API_KEY")
    return OdooSettings(
        url=url, database=os.environ.get("CRM2ODOO_TEST_ODOO_DB", "crm"),
        login=os.environ.get("CRM2ODOO_TEST_ODOO_LOGIN", "admin"),
        password=Secret(password) if password else None, api_key=Secret(api_key) if api_key else None,
        transport=os.environ.get("CRM2ODOO_TEST_ODOO_TRANSPORT", "auto"),
    )


@pytest.fixture(scope="session")
def odoo_settings() -> Iterator[OdooSettings]:
    real = _settings_from_env()
    if real is not None:
        yield real
        return
    from crm2odoo.sandbox import SandboxServer

    server = SandboxServer(version=os.environ.get("CRM2ODOO_TEST_SANDBOX_VERSION", "18.0")).start()
    try:
        yield OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                           password=Secret(server.admin_password),
                           api_key=Secret(server.admin_api_key) if server.version >= "19" else None)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def odoo(odoo_settings: OdooSettings) -> Iterator[OdooClient]:
    client = OdooClient(odoo_settings)
    yield client
    client.close()


@pytest.fixture
def tag() -> str:
    """A unique suffix so runs against a persistent real database never collide."""
    return uuid.uuid4().hex[:10]
