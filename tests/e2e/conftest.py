"""Fixtures for end-to-end tests (the Odoo fixtures are in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crm2odoo.odoo.client import OdooClient


@pytest.fixture
def cleanup(odoo: OdooClient) -> Iterator[list[tuple[str, list[int]]]]:
    """(model, ids) pairs a test registers, parents first; deleted afterwards in reverse, whatever still exists."""
    created: list[tuple[str, list[int]]] = []
    yield created
    for model, ids in reversed(created):
        alive = [r["id"] for r in odoo.search_read(model, [["id", "in", ids]], ["id"], context={"active_test": False})]
        if alive:
            odoo.unlink(model, alive, context={"active_test": False})
