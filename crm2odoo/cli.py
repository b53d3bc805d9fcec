"""The ``crm2odoo`` command: a thin layer over :mod:`crm2odoo.api`. No logic lives here."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from crm2odoo import __version__, api
from crm2odoo.api.overview import WORKFLOW, overview
from crm2odoo.cli_failures import EXIT_INTERRUPTED
from crm2odoo.cli_failures import friendly as _friendly
from crm2odoo.cli_progress import current_settings, output_options, progress_display
from crm2odoo.sources import registry
from crm2odoo.validate.grouping import TOP_GROUPS
from crm2odoo.verdict import per_object


class SourceKindChoice(click.Choice[str]):
    """The registered source kinds, read when the command runs, so a source registered after this module was
    imported is offered too."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return registry.kind_names()

    @choices.setter
    def choices(self, _: object) -> None:  # click.Choice.__init__ assigns it; the registry is the only truth
        pass


project_option = click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path),
                              default=Path("."), show_default=True, help="the project folder")


def _examples(*lines: str) -> str:
    """A command's epilog: its examples, kept as written (\b stops click from re-flowing them)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True,
             epilog=_examples("crm2odoo                      # the workflow and where this folder stands",
                              "crm2odoo init --source ontraport-csv"))
@click.version_option(__version__, prog_name="crm2odoo")
@output_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """Move a CRM from Ontraport or Planports into Odoo CRM: data and schema, verified, reversible.

    Workflow: init -> discover -> plan -> approve -> validate -> migrate -> reconcile (-> rollback).
    """
    logging.basicConfig(level=logging.INFO if current_settings().verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if ctx.invoked_subcommand is None:
        _where_we_stand(Path("."))


@_friendly
def _where_we_stand(folder: Path) -> None:
    """`crm2odoo` alone: the workflow, then what is done in this folder and the command to run next."""
    click.echo("crm2odoo moves a CRM into Odoo: " + " -> ".join(WORKFLOW) + " (-> rollback)")
    view = overview(folder)
    click.echo(f"\nproject in {view.folder}:")
    for line in view.done:
        click.echo(f"  done  {line}")
    click.echo(f"  next  {view.next_command}   ({view.why})")
    click.echo("\n`crm2odoo COMMAND --help` shows each command's options and examples")


@main.command(epilog=_examples('crm2odoo init --source ontraport-csv', 'crm2odoo init --source planports-xlsx --project acme'))
@project_option
@click.option("--source", "kind", required=True,
              type=SourceKindChoice())
@click.option("--force", is_flag=True, help="overwrite an existing crm2odoo.toml")
@_friendly
def init(project: Path, kind: str, force: bool) -> None:
    """Write a commented crm2odoo.toml for a source kind."""
    path = api.init_project(project, kind, force=force)
    click.echo(f"wrote {path}: fill in [source] and [odoo], export the secrets it names, then run `crm2odoo discover`")


@main.command(epilog=_examples('crm2odoo discover', 'crm2odoo discover --project acme'))
@project_option
@output_options
@_friendly
def discover(project: Path) -> None:
    """Audit the source: objects, counts, fields, custom fields, automations; grade the complexity."""
    with progress_display() as events:
        info = api.discover(project, events=events)
    data = info.asdict()
    click.echo(f"source: {data['source_kind']}   complexity: {data['grade']}")
    for reason in data["reasons"]:
        click.echo(f"  - {reason}")
    for obj in data["objects"]:
        count = "?" if obj["count"] is None else obj["count"]
        click.echo(f"  {obj['name']:<22} {count:>8} records  {obj['fields']:>3} fields ({obj['custom_fields']} custom)")
    for warning in data["warnings"]:
        click.secho(f"  ! {warning}", fg="yellow")
    click.echo(f"report: {info.report}")


@main.command(epilog=_examples('crm2odoo plan', 'crm2odoo plan --sample-size 500'))
@project_option
@click.option("--sample-size", default=200, show_default=True, help="records sampled per object for value profiles")
@_friendly
def plan(project: Path, sample_size: int) -> None:
    """Propose mapping.yaml (keeps every line you edited or confirmed) and show the review."""
    info = api.plan(project, sample_size=sample_size, color=sys.stdout.isatty())
    click.echo(info.review)
    click.echo(f"wrote {info.path} ({info.kept} edited/confirmed lines kept). Review it, then run `crm2odoo approve`.")


@main.command(epilog=_examples('crm2odoo approve', 'crm2odoo approve --yes --as jane   # from a script'))
@project_option
@click.option("--yes", is_flag=True, help="approve without asking (for scripts)")
@click.option("--as", "login", default=None, help="who approves (default: the OS user)")
@_friendly
def approve(project: Path, yes: bool, login: str | None) -> None:
    """Confirm the field map. Nothing loads before a person approves it."""

    def confirm(changes: list[str]) -> bool:
        click.echo("changes since the last approval:" if changes else "first approval of this map.")
        for line in changes:
            click.echo(f"  {line}")
        return yes or click.confirm("approve this map?", default=False)

    info = api.approve(project, confirm=confirm, login=login)
    if info.approved:
        click.echo(f"approved by {info.login} (map {info.mapping_hash[:12]})")
    else:
        click.echo("not approved")
        sys.exit(1)


@main.command(epilog=_examples('crm2odoo validate', 'crm2odoo validate --project acme'))
@project_option
@output_options
@_friendly
def validate(project: Path) -> None:
    """Check every transformed record against the live Odoo schema; exit 1 when migrate would stop, or would
    quarantine more records than migration.max_quarantine allows."""
    with progress_display() as events:
        info = api.validate(project, events=events)
    data = info.asdict()
    for problem in data["schema_problems"]:
        click.secho(f"  map: {problem}", fg="red")
    for obj in data["objects"]:
        click.echo(f"  {obj['name']:<20} {obj['records']:>7} records  {obj['valid']:>7} valid  "
                   f"{obj['with_errors']:>5} with errors ({obj['policy']})  {obj['with_warnings']:>5} with warnings")
    _top_groups(data["finding_groups"], "validation.md")
    quarantined = info.would_quarantine
    if quarantined:
        total = sum(quarantined.values())
        click.secho(f"a run would quarantine {total} of {info.records} records ({per_object(quarantined)}); "
                    + info.tolerance.verdict(total, info.records), fg="red" if info.over_tolerance else "yellow")
    if info.stops:
        click.secho("migrate would STOP: see the errors above", fg="red")
    if info.ok:
        click.echo("ready to migrate" + (" (the quarantines above are within the tolerance)" if quarantined else ""))
    else:
        click.echo("not ready: fix the records (or the map) named in the report, or raise migration.max_quarantine "
                   "if losing them is acceptable")
    click.echo("report: reports/validation.md")
    if not info.ok:
        sys.exit(1)


def _top_groups(groups: list[dict[str, Any]], report: str) -> None:
    """The largest groups of findings, one line each, the rest counted: what to fix first."""
    if not groups:
        return
    click.echo("top findings (object.field: value: problem — records):")
    for group in groups[:TOP_GROUPS]:
        click.secho(f"  {group['line']}", fg="red" if group["severity"] == "error" else "yellow")
    if len(groups) > TOP_GROUPS:
        rest = sum(g["records"] for g in groups[TOP_GROUPS:])
        click.echo(f"  ... {len(groups) - TOP_GROUPS} more groups ({rest} records): every one in reports/{report}")


@main.command(epilog=_examples('crm2odoo migrate --sample 20   # a first small load', 'crm2odoo migrate --dry-run'))
@project_option
@click.option("--sample", type=int, default=None, help="load N records per object, with the records they link to")
@click.option("--only", multiple=True, help="only these objects (repeatable), e.g. --only contact")
@click.option("--delta", is_flag=True, help="only what changed in the source since the last run")
@click.option("--dry-run", is_flag=True, help="transform and validate, send nothing")
@click.option("--json", "as_json", is_flag=True, help="print the run summary as JSON")
@output_options
@_friendly
def migrate(project: Path, sample: int | None, only: tuple[str, ...], delta: bool, dry_run: bool, as_json: bool) -> None:
    """Load into Odoo, phase by phase; resumes an interrupted run first.

    Exit 0 only when every record read ended created, updated, matched, unchanged, merged or skipped by a rule;
    1 when records were quarantined (beyond migration.max_quarantine), an object is blocked or reconciliation
    differs; 130 when interrupted (run it again to resume).
    """
    with _stop_on_signals() as stop, progress_display() as events:
        info = api.migrate(project, sample=sample, only=list(only) or None, delta=delta, dry_run=dry_run,
                           events=events, stop=stop)
    if as_json:
        click.echo(json.dumps(info.asdict(), indent=1, default=str))
    elif info.kind == "dry-run":
        click.echo(f"dry run ({info.state}): nothing was sent; the plan of every record is in {info.report}; "
                   "validation findings in reports/validation.md")
        sys.exit(1 if info.state == "would stop" else 0)
    else:
        _migrate_verdict(info)
    if info.state == "interrupted":
        sys.exit(EXIT_INTERRUPTED)
    if not info.ok:
        sys.exit(1)


def _migrate_verdict(info: api.MigrateInfo) -> None:
    """The last lines: what happened, what is wrong (how many, of which objects, why), where the report is."""
    retried, landed, gone = info.retried
    if retried:
        click.echo(f"retried {retried} records quarantined by an earlier run: {landed} now in Odoo, "
                   + (f"{gone} no longer in the source (skipped), " if gone else "")
                   + f"{retried - landed - gone} still quarantined")
    if info.state == "interrupted":
        click.secho(f"run {info.run_id} ({info.kind}) interrupted after {info.elapsed_seconds:.1f}s; what was in "
                    "flight was settled", fg="yellow")
    elif info.ok:
        click.secho(f"run {info.run_id} ({info.kind}): done in {info.elapsed_seconds:.1f}s; every record read is in "
                    "Odoo or was skipped by a rule of the map", fg="green")
    else:
        click.secho(f"run {info.run_id} ({info.kind}): finished in {info.elapsed_seconds:.1f}s, NOT complete:",
                    fg="red")
    for line in info.shortfall.lines(info.tolerance):
        click.secho(f"  {line}", fg="red" if not info.ok else "yellow")
    if info.reconcile is not None and not info.reconcile.adds_up:
        click.secho("  reconciliation found differences beyond the quarantines", fg="red")
    if info.reconcile is not None and not info.reconcile.within_tolerance and info.shortfall.within(info.tolerance):
        # this run's own records are fine; records earlier runs quarantined still are not in Odoo
        click.secho(f"  {info.reconcile.quarantined} records of this project are quarantined, not in Odoo: over "
                    f"migration.max_quarantine ({info.tolerance.describe()})", fg="red")
    click.echo(f"report: {info.report}")
    if info.state == "interrupted":
        click.echo("interrupted: run `crm2odoo migrate` again to resume")
    elif info.shortfall.quarantined_total and not info.ok:
        click.echo("fix the causes (in the source, mapping.yaml or Odoo) and run `crm2odoo migrate` again: "
                   "quarantined records are tried again")


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """Ctrl-C or SIGTERM asks the run to stop once the batches in flight are settled; a second one stops at once."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def ask(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        click.secho("\nstopping after the batches in flight are settled (press Ctrl-C again to stop at once)",
                    fg="yellow", err=True)

    previous = {sig: signal.signal(sig, ask) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@main.command(epilog=_examples('crm2odoo reconcile', 'crm2odoo reconcile --spot-check 100'))
@project_option
@click.option("--spot-check", default=25, show_default=True, help="records per object read back and compared")
@output_options
@_friendly
def reconcile(project: Path, spot_check: int) -> None:
    """Prove what landed: counts per object, presence in Odoo. Exit 1 when anything does not add up."""
    with progress_display() as events:
        info = api.reconcile(project, spot_check=spot_check, events=events)
    objects = info.asdict()["objects"]
    for obj in objects:
        # quarantined records are explained, and still not in Odoo: beyond the tolerance they are what fails
        mark = "MISMATCH" if not obj["ok"] else "QUARANTINED" if obj["quarantined"] and not info.within_tolerance \
            else "ok"
        click.echo(f"  {obj['name']:<20} source {obj['in_source'] if obj['in_source'] is not None else '?':>7}  "
                   f"expected {obj['expected']:>7}  in Odoo {obj['present_in_odoo']:>7}  merged {obj['merged']:>5}  "
                   f"quarantined {obj['quarantined']:>5}  spot {obj['spot_checked'] - obj['spot_mismatches']}/"
                   f"{obj['spot_checked']}  {mark}")
        if obj["content_checked"]:
            click.echo(f"  {'':<20} files verified by checksum: {obj['content_checked'] - obj['content_mismatches']}/"
                       f"{obj['content_checked']}")
    _top_groups(sorted((g for o in objects for g in o["difference_groups"]),
                       key=lambda g: -int(g["records"])), "reconcile.md")
    if not info.within_tolerance:
        click.secho(f"{info.quarantined} records are quarantined, not in Odoo: over migration.max_quarantine "
                    f"({info.tolerance.describe()})", fg="red")
    click.echo(("everything adds up" if info.ok else "NOT reconciled: see the differences in the report")
               + "; report: reports/reconcile.md")
    if not info.ok:
        sys.exit(1)


@main.command(epilog=_examples('crm2odoo rollback --dry-run --all', 'crm2odoo rollback --run 3 --yes'))
@project_option
@click.option("--run", "run_id", type=int, default=None, help="undo this run")
@click.option("--all", "all_runs", is_flag=True, help="undo every run")
@click.option("--force", is_flag=True, help="also undo records changed in Odoo since the tool wrote them")
@click.option("--yes", is_flag=True, help="undo without asking (for scripts)")
@click.option("--dry-run", is_flag=True, help="print what would be undone; write nothing")
@output_options
@_friendly
def rollback(project: Path, run_id: int | None, all_runs: bool, force: bool, yes: bool, dry_run: bool) -> None:
    """Undo runs: leaves Odoo as it was before them, and says "verified" only when a read-back shows it is.

    Exit codes: 0 verified; 1 something is not as before (each record is listed, and in reports/rollback.md);
    2 not confirmed (stdin is not a terminal and --yes was not given)."""
    plan = api.rollback_plan(project, run_id=run_id, all_runs=all_runs)
    click.echo("rollback plan (newest run first):")
    for run in plan.runs:
        click.echo(f"  run {run.run_id} {run.kind} ({run.state})" + (": nothing left to undo" if run.empty() else ""))
        for obj, count in run.delete.items():
            click.echo(f"    {obj:<22} {count} to delete")
        for model, count in sorted(run.restore.items()):
            click.echo(f"    {model:<22} {count} to restore (values the run overwrote)")
        for method, count in sorted(run.actions.items()):
            click.echo(f"    {method:<22} {count} to reset")
        if run.schema:
            click.echo(f"    schema to remove: {', '.join(run.schema)}")
    if dry_run:
        click.echo("dry run: nothing was written")
        return
    if not yes:
        if not sys.stdin.isatty():
            click.secho("not confirmed: stdin is not a terminal; pass --yes to undo these runs from a script",
                        fg="red", err=True)
            sys.exit(2)
        if not click.confirm("undo these runs?", default=False):
            click.echo("nothing undone")
            sys.exit(2)
    with progress_display() as events:
        result = api.rollback(project, run_id=run_id, all_runs=all_runs, force=force, events=events)
    for obj, count in sorted(result.deleted.items()):
        click.echo(f"  {obj:<20} {count} deleted")
    click.echo(f"  restored values on {result.restored} records that existed before; schema removed: "
               f"{', '.join(result.schema_removed) or 'none'}")
    for line in result.problems:
        click.secho(f"  ! {line}", fg="yellow")
    if result.verified:
        click.echo(f"verified: Odoo is as it was before (read back {result.checked} records and compared)")
        return
    click.secho(f"NOT verified: {len(result.left)} records are not as they were before:", fg="red")
    for leftover in result.left[:50]:
        click.echo(f"  - {leftover.line()}")
    if len(result.left) > 50:
        click.echo(f"  ... and {len(result.left) - 50} more")
    click.echo("report: reports/rollback.md")
    sys.exit(1)


@main.command(epilog=_examples('crm2odoo inventory', 'crm2odoo inventory --project acme'))
@project_option
@_friendly
def inventory(project: Path) -> None:
    """Write the handoff of what cannot be migrated (automations, campaigns, forms, WhatsApp history)."""
    path = api.inventory(project)
    click.echo(path.read_text(encoding="utf-8"))
    click.echo(f"written to {path}")


@main.command(epilog=_examples('crm2odoo automations            # the plan: each rule and its Odoo equivalent',
                               'crm2odoo automations --draft    # create them in Odoo, inactive'))
@project_option
@click.option("--draft", is_flag=True, help="create the translatable rules in Odoo as inactive drafts")
@click.option("--json", "as_json", is_flag=True, help="print as JSON")
@_friendly
def automations(project: Path, draft: bool, as_json: bool) -> None:
    """Each source automation rule's Odoo equivalent (the plan); --draft creates them in Odoo, inactive."""
    with progress_display() as events:
        info = api.automations(project, draft=draft, events=events)
    for line in [json.dumps(info.asdict(), indent=1, default=str)] if as_json else info.lines():
        click.echo(line)


@main.command(epilog=_examples('crm2odoo status', 'crm2odoo status --json'))
@project_option
@click.option("--json", "as_json", is_flag=True, help="print as JSON")
@_friendly
def status(project: Path, as_json: bool) -> None:
    """Runs, phases, counts, what is pending, owners waiting for an Odoo user."""
    info = api.status(project)
    if as_json:
        click.echo(json.dumps(info.asdict(), indent=1, default=str))
        return
    click.echo(f"map: {info.approval}")
    if info.active:
        click.echo(f"now running: {info.active}")
    if not info.runs:
        click.echo("no runs yet")
    for run in info.runs:
        click.echo(f"run {run['id']} {run['kind']} {run['state']} (started {run['started_at']} UTC)")
        for phase in run["phases"]:
            counts = ", ".join(f"{k} {v}" for k, v in phase["counts"].items()
                               if isinstance(v, int) and v and k != "name")
            click.echo(f"    {phase['name']:<20} {phase['state']:<8} {counts} {phase['message']}")
    if info.counts:
        click.echo("records by state:")
        for obj, states in sorted(info.counts.items()):
            click.echo(f"    {obj:<20} " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
    if info.pending:
        click.secho(f"{info.pending} records were being sent when a run stopped: `crm2odoo migrate` resumes them",
                    fg="yellow")
    if info.owners_unmatched:
        click.secho("owners without an Odoo user (create them, or set migration.fallback_owner):", fg="yellow")
        for owner in info.owners_unmatched:
            click.echo(f"    {owner['name']} <{owner['email']}>")


@main.command(epilog=_examples('crm2odoo demo', 'crm2odoo demo --fresh --dir /tmp/demo'))
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("crm2odoo-demo"),
              show_default=True, help="where the demo project goes (re-running continues it)")
@click.option("--fresh", is_flag=True, help="delete the demo folder first")
@output_options
@_friendly
def demo(directory: Path, fresh: bool) -> None:
    """The whole flow on bundled sample data against the bundled Odoo sandbox."""
    from crm2odoo.demo import PASSWORD_ENV, run_demo

    with progress_display() as events:
        summary = run_demo(directory, fresh=fresh, events=events)
    click.echo(summary)
    click.echo(f"review the map and watch runs in a browser: {PASSWORD_ENV}=admin crm2odoo review --project {directory} --open")


@main.command(epilog=_examples('crm2odoo sandbox --port 8069', 'crm2odoo sandbox --version 17.0 --db-file sandbox.sqlite'))
@click.option("--port", default=8069, show_default=True)
@click.option("--version", "odoo_version", default="18.0", show_default=True, type=click.Choice(["17.0", "18.0", "19.0"]))
@click.option("--db-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="keep the sandbox's data in this SQLite file")
def sandbox(port: int, odoo_version: str, db_file: Path | None) -> None:
    """Run the Odoo-compatible test sandbox on 127.0.0.1 (admin/admin) until Ctrl-C."""
    from crm2odoo.sandbox import SandboxServer

    server = SandboxServer(version=odoo_version, db_path=str(db_file) if db_file else None, port=port).start()
    click.echo(f"Odoo sandbox {odoo_version} on {server.url} database {server.database!r}, login admin/admin; Ctrl-C stops")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


@main.command(epilog=_examples('crm2odoo addon --out /opt/odoo/addons'))
@project_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="folder that receives the module folder (e.g. a directory on the Odoo addons path)")
@click.option("--module", default=None, help="technical name of the module (default: crm2odoo_<source>_fields)")
@click.option("--odoo-version", default=None, type=click.Choice(["17.0", "18.0", "19.0"]),
              help="target Odoo series (default: the version the map was planned against)")
@_friendly
def addon(project: Path, out_dir: Path, module: str | None, odoo_version: str | None) -> None:
    """Write the approved map's custom fields and models as an installable Odoo addon."""
    info = api.write_addon(project, out_dir, module=module, odoo_version=odoo_version)
    click.echo(f"wrote {info.path} (Odoo {info.series}): {info.fields} fields, {info.models} custom models; "
               f"depends on {', '.join(info.depends)}")
    for model in info.without_form:
        click.echo(f"  {model}: fields declared, no form view to show them on")
    click.echo("install it (Apps > Update Apps List, or odoo-bin -i " + info.module + "), then run `crm2odoo migrate`: "
               "fields that exist are reused, none is created over the API")


@main.command(epilog=_examples('crm2odoo review --open', 'crm2odoo review --port 8080'))
@project_option
@click.option("--port", default=0, show_default="a free port", help="port on 127.0.0.1")
@click.option("--open", "open_browser", is_flag=True, help="open the page in the default browser")
@_friendly
def review(project: Path, port: int, open_browser: bool) -> None:
    """Serve a page on 127.0.0.1 to review and approve the map and to watch a run; Ctrl-C stops it."""
    from crm2odoo.web import ReviewServer

    server = ReviewServer(project, port=port)
    click.echo(f"review page (only this link works, its token included):\n  {server.url}\nCtrl-C stops it")
    if open_browser:
        click.launch(server.url)
    server.serve_forever()
