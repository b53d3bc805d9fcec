"""The lead-scoring pause (load/scoring.py) opened once around a whole migrate: each change of Odoo's system
parameter clears its caches, so a pause inside the run's pause must send nothing and restore nothing.

Against the sandbox by default (a real Odoo from the environment); calls counted at the client's transport.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.scoring import FAR_FUTURE, PLS_START_PARAM, scoring_paused
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema


@pytest.fixture
def parameter_writes(odoo: OdooClient) -> Iterator[list[str]]:
    """The value of every set_param the client sends, recorded at its transport."""
    seen: list[str] = []
    inner = odoo.transport
    original = inner.execute_kw

    def execute_kw(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if (model, method) == ("ir.config_parameter", "set_param") and kwargs.get("key") == PLS_START_PARAM:
            seen.append(str(kwargs.get("value")))
        return original(model, method, args, kwargs)

    inner.execute_kw = execute_kw  # type: ignore[method-assign]
    yield seen
    inner.execute_kw = original  # type: ignore[method-assign]


def start_day(odoo: OdooClient) -> Any:
    return odoo.execute("ir.config_parameter", "get_param", key=PLS_START_PARAM)


def test_a_pause_inside_the_runs_pause_sends_nothing_and_the_outer_one_restores(
        odoo: OdooClient, parameter_writes: list[str], tmp_path: Path) -> None:
    before = start_day(odoo)
    ledger, schema = Ledger(tmp_path / "ledger.sqlite"), Schema(odoo)
    with scoring_paused(odoo, schema, ledger):
        assert parameter_writes == [FAR_FUTURE]
        with scoring_paused(odoo, schema, ledger):
            assert start_day(odoo) == FAR_FUTURE
        assert parameter_writes == [FAR_FUTURE], "the inner pause sent no parameter write"
        assert start_day(odoo) == FAR_FUTURE, "the inner pause's end did not restore: the run still writes"
    assert len(parameter_writes) == 2 and start_day(odoo) == before, "the outer pause's end restored the value"


def test_pauses_of_two_ledgers_are_each_their_own(odoo: OdooClient, parameter_writes: list[str],
                                                  tmp_path: Path) -> None:
    """Re-entrance is per ledger (one run): another project's pause in the same process pauses and restores."""
    first, second, schema = Ledger(tmp_path / "a.sqlite"), Ledger(tmp_path / "b.sqlite"), Schema(odoo)
    with scoring_paused(odoo, schema, first), scoring_paused(odoo, schema, second):
        pass
    assert len(parameter_writes) == 4
