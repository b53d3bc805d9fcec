"""Every known failure ends as a message, a hint and exit 2, never a traceback (issue 17). The cases drive the real
CLI; the Odoo ones meet real sockets: a closed port, a server that never answers, the sandbox with a wrong database
or a user who is not an administrator, a URL with a page's path."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm2odoo import api
from crm2odoo.cli import main
from crm2odoo.cli_failures import BUG_LINE
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_csv import write_csv_exports

from .world import small_account

CSV_SOURCE = '[source]\nkind = "ontraport-csv"\npath = "exports"\n'


def odoo_table(url: str, *, database: str = "sandbox", login: str = "admin", extra: str = "") -> str:
    return (f'[odoo]\nurl = "{url}"\ndatabase = "{database}"\nlogin = "{login}"\npassword = "${{H_ODOO_PASSWORD}}"\n'
            f"{extra}\n[migration]\nfallback_owner = \"admin\"\n")


@dataclass
class Case:
    name: str
    toml: Callable[[str], str]  # the url of a live sandbox -> crm2odoo.toml
    message: str
    hint: str
    command: str = "plan"
    password: str = "admin"
    files: Callable[[Path], None] | None = None


def csv_exports(root: Path) -> None:
    write_csv_exports(small_account(seed=5), root / "exports")


def broken_workbook(root: Path) -> None:
    (root / "lists").mkdir()
    (root / "lists" / "contacts.xlsx").write_bytes(b"not a zip file at all")


@pytest.fixture(scope="module")
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed when the block ends: nothing listens there


@pytest.fixture(scope="module")
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers (a hung server)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    sock.close()
    for conn in held:
        conn.close()


CASES = [
    Case("config wrong type", lambda url: CSV_SOURCE + odoo_table(url, extra='timeout = "fast"'),
         "odoo.timeout: must be a number of seconds, not 'fast'", "edit crm2odoo.toml", command="discover"),
    Case("misspelt section", lambda url: CSV_SOURCE + odoo_table(url).replace("[odoo]", "[odo]"),
         "[odo]: is not a section of crm2odoo.toml  (fix: did you mean [odoo]?)", "edit crm2odoo.toml",
         command="discover"),
    Case("misspelt key", lambda url: CSV_SOURCE + odoo_table(url) + "wrokers = 2\n",
         "migration.wrokers: is not a setting  (fix: did you mean workers?)", "edit crm2odoo.toml",
         command="discover"),
    Case("clear-text password", lambda url: CSV_SOURCE + odoo_table(url).replace("${H_ODOO_PASSWORD}", "hunter22"),
         'write password = "${CRM2ODOO_ODOO_PASSWORD}"', "edit crm2odoo.toml", command="discover"),
    Case("missing export folder", lambda url: CSV_SOURCE + odoo_table(url), "exports does not exist", "path",
         command="discover"),
    Case("unreadable workbook", lambda url: '[source]\nkind = "planports-xlsx"\npath = "lists"\n' + odoo_table(url),
         "contacts.xlsx is not a readable .xlsx workbook", "export that list", command="discover", files=broken_workbook),
    Case("connection refused", lambda url: CSV_SOURCE + odoo_table("http://127.0.0.1:{closed_port}"),
         "connection refused", "check odoo.url and its port", files=csv_exports),
    Case("name not resolved", lambda url: CSV_SOURCE + odoo_table("http://no-such-host.invalid"),
         "'no-such-host.invalid' in odoo.url does not resolve", "spelling of odoo.url", files=csv_exports),
    Case("tls", lambda url: CSV_SOURCE + odoo_table(url.replace("http://", "https://")),
         "TLS (https) handshake", "http:// for a local server", files=csv_exports),
    Case("timeout", lambda url: CSV_SOURCE + odoo_table("{silent_server}", extra="timeout = 0.5"),
         "did not answer within 0.5 seconds (odoo.timeout)", "raise odoo.timeout", files=csv_exports),
    Case("url with a path", lambda url: CSV_SOURCE + odoo_table(url + "/web/login"),
         "odoo.url has a path (/web/login)", 'write url = "http://127.0.0.1:', files=csv_exports),
    Case("wrong database", lambda url: CSV_SOURCE + odoo_table(url, database="nosuchdb"),
         "cannot log in to database 'nosuchdb'", "no database 'nosuchdb'", files=csv_exports),
    Case("not an administrator", lambda url: CSV_SOURCE + odoo_table(url, login="salesman"),
         "is not an administrator", "Administration: Settings", password="salesman",
         files=csv_exports),
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as server:
        yield server


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_known_failure_is_a_message_a_hint_and_exit_2(case: Case, tmp_path: Path, sandbox: SandboxServer,
                                                       closed_port: int, silent_server: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("H_ODOO_PASSWORD", case.password)
    monkeypatch.setenv("CRM2ODOO_ODOO_PASSWORD", "unused")
    toml = case.toml(sandbox.url).replace("{closed_port}", str(closed_port)).replace("{silent_server}", silent_server)
    (tmp_path / "crm2odoo.toml").write_text(toml, encoding="utf-8")
    if case.files is not None:
        case.files(tmp_path)
    if case.command == "plan":
        api.discover(tmp_path)
    done = CliRunner().invoke(main, [case.command, "--project", str(tmp_path)])
    output = done.output
    assert done.exit_code == 2, output
    assert case.message in output, output
    assert "hint: " in output and case.hint in output.split("hint: ", 1)[1], output
    assert "Traceback" not in output and BUG_LINE not in output, output


def test_a_bug_says_so_and_keeps_its_traceback_in_a_log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(api, "status", broken)
    (tmp_path / ".crm2odoo").mkdir()
    done = CliRunner().invoke(main, ["status", "--project", str(tmp_path)])
    assert done.exit_code == 2, done.output
    assert BUG_LINE in done.output and "ZeroDivisionError: a bug" in done.output
    logs = list((tmp_path / ".crm2odoo" / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in done.output
    assert "Traceback" in logs[0].read_text(encoding="utf-8") and "Traceback" not in done.output


def test_discovery_of_a_csv_export_counts_rows_and_inventory_says_what_it_cannot_show(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("H_ODOO_PASSWORD", "admin")
    (tmp_path / "crm2odoo.toml").write_text(CSV_SOURCE + odoo_table("http://127.0.0.1:9"), encoding="utf-8")
    csv_exports(tmp_path)
    found = api.discover(tmp_path)
    counts = {o.name: o.count for o in found.catalog.objects}
    assert counts["contact"] == len(small_account(seed=5).rows(0)) and counts["company"]
    assert [o.label for o in found.catalog.objects if o.name == "company"] == ["Companies"]
    done = CliRunner().invoke(main, ["inventory", "--project", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert "What this export cannot show" in done.output and "screenshots" in done.output
    assert "--source ontraport`" in done.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_help_has_examples(command: str) -> None:
    done = CliRunner().invoke(main, [command, "--help"])
    assert done.exit_code == 0 and "Examples:" in done.output
    assert f"crm2odoo {command}" in done.output.split("Examples:", 1)[1]


def test_crm2odoo_alone_prints_the_workflow_and_where_the_folder_stands(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, [])
    assert done.exit_code == 0, done.output
    assert "init -> discover -> plan" in done.output and "next  crm2odoo init --source KIND" in done.output
    (tmp_path / "crm2odoo.toml").write_text(CSV_SOURCE, encoding="utf-8")
    done = CliRunner().invoke(main, [])
    assert "done  init" in done.output and "next  crm2odoo discover" in done.output


def test_a_dry_run_lists_owners_as_matched_never_created(tmp_path: Path, sandbox: SandboxServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("H_ODOO_PASSWORD", "admin")
    (tmp_path / "crm2odoo.toml").write_text(CSV_SOURCE + odoo_table(sandbox.url), encoding="utf-8")
    csv_exports(tmp_path)
    api.discover(tmp_path)
    api.plan(tmp_path)
    api.approve(tmp_path, confirm=lambda changes: True, login="h-tests")
    done = CliRunner().invoke(main, ["migrate", "--dry-run", "--project", str(tmp_path)])
    assert done.exit_code in (0, 1), done.output
    plan = [json.loads(line) for line in (tmp_path / "reports" / "dry-run-plan.jsonl").read_text().splitlines()]
    owners = {row["action"] for row in plan if row["model"] == "res.users"}
    assert owners == {"match"}, owners
    assert any(row["action"] == "create" for row in plan if row["model"] == "res.partner")
