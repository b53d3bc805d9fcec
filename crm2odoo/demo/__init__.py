"""``crm2odoo demo``: the whole flow on bundled sample data against the bundled Odoo sandbox.

The sample data is an Ontraport account made by the package's own generator (seeded, so always the same),
exported the way Ontraport's UI exports CSV files. The Odoo is the sandbox, keeping its data in the demo folder,
so running the demo again, even after it was killed mid-load, continues where it stopped.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from pathlib import Path
from typing import Any

from crm2odoo import api
from crm2odoo.errors import ProjectError, UserFacingError
from crm2odoo.project import Project
from crm2odoo.validate.reconcile import ReconcileInfo

DEMO_SEED = 7
PASSWORD_ENV = "CRM2ODOO_DEMO_ODOO_PASSWORD"
SIZES = {"contacts": 400, "companies": 60, "deals": 150}
#: records per object the demo's reconciliation reads back and compares field by field
SPOT_CHECK = 25


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_project(project: Project, port: int) -> None:
    from crm2odoo.testing.ontraport_sim import generate_account, write_csv_exports

    project.root.mkdir(parents=True, exist_ok=True)
    account = generate_account(seed=DEMO_SEED, **SIZES)
    write_csv_exports(account, project.root / "exports")
    project.config_path.write_text(
        "# crm2odoo demo project: Ontraport CSV exports -> the bundled Odoo sandbox\n\n"
        '[source]\nkind = "ontraport-csv"\npath = "exports/"\n\n'
        f'[odoo]\nurl = "http://127.0.0.1:{port}"\ndatabase = "sandbox"\nlogin = "admin"\n'
        f'password = "${{{PASSWORD_ENV}}}"\n\n'
        '[migration]\nbatch_size = 50\nworkers = 2\nfallback_owner = "admin"\n',
        encoding="utf-8",
    )
    project.ensure()


def _port_of(project: Project) -> int:
    match = re.search(r"127\.0\.0\.1:(\d+)", project.config_path.read_text(encoding="utf-8"))
    if not match:
        raise ProjectError(f"{project.config_path} is not a demo project", hint="run `crm2odoo demo --fresh`")
    return int(match.group(1))


def run_demo(directory: Path, *, fresh: bool = False, events: Any = None) -> str:
    from crm2odoo.sandbox import SandboxServer

    def step(title: str) -> None:
        if events:
            events("step", title=title)

    project = Project(directory)
    if fresh and directory.exists():
        shutil.rmtree(directory)
    if not project.config_path.exists():
        step(f"creating the demo project in {directory}: sample Ontraport CSV exports")
        _write_project(project, _free_port())
    port = _port_of(project)
    os.environ.setdefault(PASSWORD_ENV, "admin")
    sandbox_file = project.state_dir / "odoo-sandbox.sqlite"
    try:
        server = SandboxServer(version="18.0", db_path=str(sandbox_file), port=port, database="sandbox").start()
    except OSError as exc:
        raise ProjectError(f"the demo's Odoo sandbox cannot listen on 127.0.0.1:{port}: {exc}",
                           hint="stop whatever uses that port, or run `crm2odoo demo --fresh`") from None
    try:
        step(f"Odoo sandbox 18.0 on {server.url}")
        if not project.catalog_path.exists():
            step("discover")
            api.discover(directory, events=events or (lambda *a, **k: None))
        if not project.mapping_path.exists():
            step("plan: the tool proposes the field map")
            api.plan(directory)
        step("approve (the demo approves for you; in a real project a person reviews mapping.yaml first)")
        api.approve(directory, confirm=lambda changes: True, login="demo")
        step("migrate")
        info = api.migrate(directory, events=events or (lambda *a, **k: None))
        step(f"reconcile: every record counted, {SPOT_CHECK} per object read back and compared with the source")
        checked = api.reconcile(directory, spot_check=SPOT_CHECK)
        step("inventory of what cannot be migrated")
        inventory = api.inventory(directory)
    finally:
        server.stop()
    lines = _summary(info, checked, [project.reports_dir / "discovery.md", info.report, inventory], directory)
    _refuse_a_failed_demo(info, checked, lines, project)
    return "\n".join(lines)


def _summary(info: api.MigrateInfo, checked: ReconcileInfo, reports: list[Path], directory: Path) -> list[str]:
    """What the demo did, object by object, and where to look next."""
    lines = [f"Demo migration run {info.run_id}: {info.state} in {info.elapsed_seconds:.1f}s"
             + (" (resumed an interrupted run)" if info.resumed else ""), "",
             f"{'object':<20} {'Odoo model':<22} {'created':>8} {'updated':>8} {'matched':>8} {'unchanged':>9} "
             f"{'merged':>7} {'skipped':>8} {'quarantined':>11}"]
    for r in info.objects:
        lines.append(f"{r.name:<20} {r.model:<22} {r.created:>8} {r.updated:>8} {r.matched:>8} {r.unchanged:>9} "
                     f"{r.merged:>7} {r.skipped:>8} {r.quarantined:>11}" + (f"  BLOCKED: {r.blocked}" if r.blocked else ""))
    if info.reconcile is not None:
        lines += ["", "reconciliation: " + ("every landed record is in Odoo" if info.reconcile.ok else "DIFFERENCES")]
    spotted = sum(o.spot_checked for o in checked.objects)
    mismatches = sum(o.spot_mismatches for o in checked.objects)
    lines.append(f"spot check: {spotted} records read back field by field, {mismatches} differ from the source")
    lines += ["", "reports:", *(f"  {report}" for report in reports),
              f"project: {directory} (mapping.yaml, crm2odoo.toml, .crm2odoo/ledger.sqlite)",
              f"try: crm2odoo status --project {directory}"]
    return lines


def _refuse_a_failed_demo(info: api.MigrateInfo, checked: ReconcileInfo, lines: list[str], project: Project) -> None:
    if not info.ok:
        raise UserFacingError("\n".join([*lines, "", "the demo's migration did not complete:",
                                         *info.shortfall.lines(info.tolerance)]), hint=f"see {info.report}")
    if not checked.ok or not sum(o.spot_checked for o in checked.objects):
        # a demo whose own data does not reconcile is a failed demo, whatever the load said
        shown = [f"{o.name} {d.source_id}: {d.detail}" for o in checked.objects for d in o.differences
                 if d.what not in ("skipped", "quarantined")][:10]
        raise UserFacingError("\n".join([*lines, "", "the demo's reconciliation found differences:", *shown]),
                              hint=f"see {project.reports_dir / 'reconcile.md'}")
