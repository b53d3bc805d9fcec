"""Look past the first blocker: run one independent source into a fresh sandbox, and where migrate refuses the map,
switch off the objects it names, approve again and go on; then print every manifest check. A diagnostic for people
fixing the product, never a test (a test accepts the proposal unchanged).

    python -m tests.independent.diagnose api|csv|xlsx [--fallback-owner] [--lenient-sort] [--version 18.0]

--fallback-owner sets migration.fallback_owner = "admin" (to see past unmatched owners); --lenient-sort lets the
Tag object sort by ``id`` (to see past the 400).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import SandboxServer
from tests.independent import checks
from tests.independent.coaching import generate
from tests.independent.ontraport_csv import write_exports
from tests.independent.ontraport_server import OntraportServer
from tests.independent.planports_book import build
from tests.independent.truth import Truth
from tests.independent.values import value_problems
from tests.independent.workflow import ensure_owners, namespace, verdict_lines, write_config


def _source(which: str, root: Path, lenient_sort: bool) -> tuple[Truth, str, OntraportServer | None]:
    if which == "api":
        account = generate()
        if lenient_sort:
            account.types[14].fields["id"] = {"alias": "ID", "type": "numeric"}
        server = OntraportServer(account, app_id="diag-app", api_key="diag-key").start()
        os.environ["IND_OP_APP"], os.environ["IND_OP_KEY"] = "diag-app", "diag-key"
        return account.truth, (f'[source]\nkind = "ontraport"\nbase_url = "{server.url}"\n'
                               f'app_id = "${{IND_OP_APP}}"\napi_key = "${{IND_OP_KEY}}"\n'), server
    if which == "csv":
        return write_exports(generate(), root / "exports"), '[source]\nkind = "ontraport-csv"\npath = "exports/"\n', None
    return build(root / "book.xlsx"), '[source]\nkind = "planports-xlsx"\npath = "book.xlsx"\n', None


def _migrate_past_refusals(root: Path) -> tuple[Any, list[str]]:
    disabled: list[str] = []
    for _ in range(5):
        api.approve(root, confirm=lambda changes: True, login="diagnose")
        try:
            return api.migrate(root), disabled
        except Exception as exc:
            names = re.findall(r"objects\.([a-z_0-9]+)", str(exc))
            print("MIGRATE REFUSED:", str(exc)[:600])
            if not names:
                raise
            spec = yaml.safe_load((root / "mapping.yaml").read_text(encoding="utf-8"))
            for name in names:
                spec["objects"][name]["enabled"] = False
                disabled.append(name)
            (root / "mapping.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    raise SystemExit("migrate kept refusing the map")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("which", choices=["api", "csv", "xlsx"])
    parser.add_argument("--fallback-owner", action="store_true")
    parser.add_argument("--lenient-sort", action="store_true")
    parser.add_argument("--version", default="18.0")
    parser.add_argument("--show", type=int, default=12, help="problems shown per check")
    args = parser.parse_args()
    sandbox = SandboxServer(version=args.version).start()
    settings = OdooSettings(url=sandbox.url, database=sandbox.database, login=sandbox.admin_login,
                            password=Secret(sandbox.admin_password),
                            api_key=Secret(sandbox.admin_api_key) if sandbox.version >= "19" else None)
    root = Path(tempfile.mkdtemp(prefix=f"diagnose-{args.which}-"))
    truth, source, server = _source(args.which, root, args.lenient_sort)
    client = OdooClient(settings)
    try:
        write_config(root, source, settings, namespace("diag"))
        with (root / "crm2odoo.toml").open("a", encoding="utf-8") as handle:
            handle.write(f"max_quarantine = {sum(len(o.invalid) for o in truth.objects.values())}\n")
            if args.fallback_owner:
                handle.write(f'fallback_owner = "{sandbox.admin_login}"\n')
        ensure_owners(client, truth.users, "diag")
        api.discover(root)
        api.plan(root)
        info, disabled = _migrate_past_refusals(root)
        print("SWITCHED OFF (diagnostic only):", disabled)
        print("MIGRATE:", verdict_lines(info))
        rows = checks.ledger_rows(root)
        view = checks.OdooView(client, truth, rows)
        for name, found in (("records", checks.outcome_problems(truth, rows)),
                            ("links", checks.link_problems(view) + checks.line_problems(view, rows)),
                            ("owners", checks.owner_problems(view)), ("tags", checks.tag_problems(view)),
                            ("values", value_problems(view))):
            print(f"== {name}:", checks.summarise(found, args.show) if found else "as the manifest says")
        print("RECONCILE ok:", api.reconcile(root).ok)
        again = api.migrate(root)
        print("SECOND MIGRATE created:", {o.name: o.created for o in again.objects if o.created} or "nothing")
        if server is not None:
            print("SOURCE SERVER:", len(server.log), "requests", dict(Counter(status for _, status in server.log)))
        print("project kept in", root)
    finally:
        client.close()
        if server is not None:
            server.stop()
        sandbox.stop()
        if os.environ.get("DIAGNOSE_CLEAN"):
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
