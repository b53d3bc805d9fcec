"""The Odoo 17, 18 and 19 schemas (real fields_get metadata) the proposer is tested against."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
Schemas = dict[str, dict[str, dict[str, dict[str, Any]]]]


@pytest.fixture(scope="session")
def odoo_schemas() -> Schemas:
    """version -> model -> field -> fields_get metadata, read the way the mapping benchmark reads it."""
    spec = importlib.util.spec_from_file_location("mapping_accuracy", ROOT / "bench" / "mapping_accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("mapping_accuracy", module)
    spec.loader.exec_module(module)
    return {v: module.load_odoo_fields(v) for v in ("17.0", "18.0", "19.0")}
