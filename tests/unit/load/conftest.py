"""One sandbox Odoo for the module (loadrun.py drives one strategy at a time against it).

Only the edges are faked: the source is in memory and Odoo is the bundled sandbox behind the real client; the
map, engine, resolver, ledger and strategies are the product's code.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import SandboxServer


@pytest.fixture(scope="module")
def odoo() -> Iterator[OdooClient]:
    server = SandboxServer(version="18.0").start()
    client = OdooClient(OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                                     password=Secret(server.admin_password)))
    try:
        yield client
    finally:
        client.close()
        server.stop()


@pytest.fixture
def tag() -> str:
    return uuid.uuid4().hex[:8]
