"""A source that refuses a call with a 4xx in the middle of migrate (a key whose user lost a permission after the
map was approved): migrate stops with exit 2, naming the object, the call and what to do, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crm2odoo import api
from crm2odoo.cli import main
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import OntraportSimulator

from .world import API_KEY, APP_ID, ontraport_source, prepare, small_account, write_config

NOTE = 12


def test_a_4xx_during_migrate_stops_with_exit_2_and_a_sentence(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    account = small_account(seed=47)
    with SandboxServer(version="18.0") as server, OntraportSimulator(
            account, app_id=APP_ID, api_key=API_KEY, rate_limit=100_000) as sim:
        api.init_project(tmp_path, "ontraport")
        write_config(tmp_path, ontraport_source(sim.url), server, monkeypatch)
        prepare(tmp_path)
        sim.refuse = {NOTE: (403, "You do not have permission to access this resource")}
        done = CliRunner().invoke(main, ["migrate", "--project", str(tmp_path)])
    assert done.exit_code == 2, done.output
    assert "error: Ontraport refused to give Notes (objectID 12)" in done.output, done.output
    assert "GET /objects" in done.output and "permission" in done.output and "hint:" in done.output
    assert "Traceback" not in done.output and "OntraportHttpError" not in done.output
    assert API_KEY not in done.output and APP_ID not in done.output
