"""Secrets never land anywhere: a whole migration run the way a person runs it (the CLI, -v, secrets in the
environment through ${ENV} in crm2odoo.toml) leaves no trace of the Odoo password or API key or the Ontraport API
key in the ledger, the logs, the reports, mapping.yaml or any other file of the project folder, binary included.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from crm2odoo.sandbox import FaultPlan, SandboxServer
from crm2odoo.testing.ontraport_sim import Faults, OntraportSimulator

from .world import small_account

ODOO_PASSWORD = "odoo-pw-Zq8v1L7kT3xN"
ODOO_API_KEY = "odoo-key-4GfH9s2LxR0pWm"
ONTRAPORT_KEY = "op-key-Wm5Yt8Qa2Lk9Rb"
APP_ID = "2_31337"
STEPS = [["discover"], ["plan"], ["approve", "--yes", "--as", "secrets-test"], ["validate"], ["migrate"],
         ["migrate"], ["reconcile", "--spot-check", "5"], ["status"], ["inventory"], ["migrate", "--dry-run"]]


def encodings(secret: str) -> dict[str, bytes]:
    raw = secret.encode()
    return {"utf-8": raw, "utf-16": secret.encode("utf-16-le"), "base64": base64.b64encode(raw).rstrip(b"="),
            "url": urllib.parse.quote(secret).encode(), "reversed": raw[::-1]}


@pytest.mark.parametrize("version,credential", [("18.0", "password"), ("19.0", "api_key")])
def test_no_secret_in_the_project_folder_or_the_logs(version: str, credential: str, tmp_path: Path) -> None:
    secrets = {"Ontraport API key": ONTRAPORT_KEY,
               f"Odoo {credential}": ODOO_PASSWORD if credential == "password" else ODOO_API_KEY}
    root = tmp_path / "acme"
    account = small_account(seed=55)
    # a few 500s from the source and gateway errors from Odoo, so retry messages (which name the call) are logged
    with SandboxServer(version=version) as server, OntraportSimulator(
            account, app_id=APP_ID, api_key=ONTRAPORT_KEY, rate_limit=100000, rate_window_seconds=1.0,
            faults=Faults(seed=4, error_500=0.03)) as sim:
        server.set_credentials(server.admin_login, password=ODOO_PASSWORD, api_key=ODOO_API_KEY)
        env = {**os.environ, "ACME_OP_KEY": ONTRAPORT_KEY, "ACME_OP_APP": APP_ID,
               "ACME_ODOO_SECRET": secrets[f"Odoo {credential}"]}
        env.pop("CRM2ODOO_DEMO_ODOO_PASSWORD", None)
        logs = root / "logs"

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            done = subprocess.run([sys.executable, "-m", "crm2odoo", "-v", *args, "--project", str(root)], env=env,
                                  capture_output=True, text=True, timeout=300)
            logs.mkdir(parents=True, exist_ok=True)
            (logs / f"{len(list(logs.iterdir())):02d}-{args[0]}.log").write_text(
                f"$ crm2odoo -v {' '.join(args)}\n{done.stdout}\n--- stderr ---\n{done.stderr}", encoding="utf-8")
            return done

        assert cli("init", "--source", "ontraport").returncode == 0
        (root / "crm2odoo.toml").write_text(
            f'[source]\nkind = "ontraport"\nbase_url = "{sim.url}"\napp_id = "${{ACME_OP_APP}}"\n'
            'api_key = "${ACME_OP_KEY}"\n\n'
            f'[odoo]\nurl = "{server.url}"\ndatabase = "{server.database}"\nlogin = "{server.admin_login}"\n'
            f'{credential} = "${{ACME_ODOO_SECRET}}"\n\n[migration]\nfallback_owner = "{server.admin_login}"\n'
            'batch_size = 15\n', encoding="utf-8")
        server.set_faults(FaultPlan(share=0.04, kinds=("503",), seed=8))
        for step in STEPS:
            done = cli(*step)
            assert "Traceback" not in done.stderr, done.stderr
            assert done.returncode in (0, 1), f"{step}: {done.stdout}{done.stderr}"
        # a wrong key must be refused without echoing what was sent
        server.set_faults(None)
        env["ACME_ODOO_SECRET"] = ODOO_PASSWORD[::-1] + "x"
        refused = cli("validate")
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        env["ACME_OP_KEY"] = ONTRAPORT_KEY + "-old"
        env["ACME_ODOO_SECRET"] = secrets[f"Odoo {credential}"]
        refused = cli("discover")
        assert refused.returncode == 2 and "Traceback" not in refused.stderr

    verbose = "".join(p.read_text(encoding="utf-8") for p in logs.iterdir())
    assert "INFO" in verbose, "-v logs the calls (otherwise this test proves little about logs)"
    assert (root / ".crm2odoo" / "ledger.sqlite").exists() and (root / "mapping.yaml").exists()
    assert any((root / "reports").glob("migrate-run*.html")) and any((root / "reports").glob("*.json"))

    checked = 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        checked += 1
        for name, secret in secrets.items():
            for form, needle in encodings(secret).items():
                assert needle not in data, f"{name} ({form}) found in {path.relative_to(root)}"
    assert checked >= 10
