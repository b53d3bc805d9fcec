"""Approvability and values, end to end through plan -> approve -> validate -> migrate into the sandbox.

A map that cannot run is refused at approve (library and CLI, naming the lines), and a migrate the map stops
leaves a report. The simulators are modified inside each test to carry the shapes seen in real accounts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crm2odoo import api
from crm2odoo.errors import MappingError
from crm2odoo.ledger.db import Ledger
from crm2odoo.mapping.spec import dump_spec, load_spec
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import OntraportSimulator

from .world import API_KEY, APP_ID, ontraport_source, small_account, write_config


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as sandbox:
        yield sandbox


def _cli(root: Path, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FT_ODOO_PASSWORD": password, "FT_OP_APP": APP_ID, "FT_OP_KEY": API_KEY}
    done = subprocess.run([sys.executable, "-m", "crm2odoo", *args, "--project", str(root)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def test_approve_refuses_a_map_that_cannot_run_and_migrate_reports_why_it_stopped(
        tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with OntraportSimulator(small_account(), app_id=APP_ID, api_key=API_KEY, rate_limit=100_000) as sim:
        root = tmp_path / "op"
        root.mkdir()
        write_config(root, ontraport_source(sim.url), server, monkeypatch)
        api.discover(root)
        api.plan(root)
        assert api.approve(root, confirm=lambda changes: True, login="ada").approved  # as proposed, it runs
        data = yaml.safe_load((root / "mapping.yaml").read_text(encoding="utf-8"))
        task = data["objects"]["task"]["fields"]
        for line in task:
            if line.get("transform") == "record_ref":  # nothing links a task to its record any more
                for key in ("target", "transform", "params"):
                    line.pop(key, None)
                line["ignore"] = True
        data["objects"]["contact"]["fields"].append({"source": "contact_cat", "target": "category_id",
                                                     "transform": "refs", "params": {}})
        (root / "mapping.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                           encoding="utf-8")
        with pytest.raises(MappingError) as refused:
            api.approve(root, confirm=lambda changes: True, login="ada")
        text = refused.value.message
        assert "cannot be approved" in text
        assert "Odoo requires mail.activity.res_model_id: which column links each task to its record" in text
        assert "objects.contact: contact_cat -> category_id: transform refs cannot run with params {}" in text
        done = _cli(root, "approve", "--yes", "--as", "ada", password=server.admin_password)
        assert done.returncode == 2
        assert "mail.activity.res_model_id" in done.stderr and "contact_cat -> category_id" in done.stderr

        # a map approved by an earlier crm2odoo, which did not refuse it: migrate stops and says why in a report
        spec = load_spec(root / "mapping.yaml")
        ledger = Ledger(root / ".crm2odoo" / "ledger.sqlite")
        try:
            ledger.approve(spec.content_hash(), "older-crm2odoo", dump_spec(spec))
        finally:
            ledger.close()
        with pytest.raises(MappingError):
            api.migrate(root)
        report = (root / "reports" / "migrate-stopped.md").read_text(encoding="utf-8")
        assert "No record was sent" in report and "transform refs cannot run with params {}" in report
