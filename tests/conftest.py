"""Test tiers by folder: unit (no network), contract (the same tests against the sandbox or a real Odoo), e2e."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "contract" in parts:
            item.add_marker(pytest.mark.contract)
