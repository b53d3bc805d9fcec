"""Run one export variant through the whole workflow into a sandbox Odoo and say which outcome it had.

Outcome A: discover -> plan -> approve (the proposal accepted unchanged) -> validate -> migrate -> reconcile, and the
migration is complete (checked by the caller against the variant's truth). Outcome B: discover, plan, approve or
validate stops with a user-facing message that names an affected column or file. Everything else fails, each kind
with its own exception class so Hypothesis reports (and shrinks) distinct failures apart.
"""

from __future__ import annotations

import os
import re
import sqlite3
import traceback
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo import api
from crm2odoo.errors import SourceError, UserFacingError
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import SandboxServer

PASSWORD_VARIABLE = "CRM2ODOO_VARIANTS_ODOO_PASSWORD"
LANDED = ("created", "updated", "matched", "unchanged", "merged")
#: the users the simulators' owners name (Chris Unmatched, owner3, deliberately has none)
OWNER_USERS = (("Ayşe Yılmaz", "owner1@example.com"), ("Jürgen Groß", "owner2@example.com"))


class VariantFailure(AssertionError):
    """The variant neither migrated completely nor stopped early with a message naming what it changed."""


class UnexpectedException(VariantFailure):
    """A traceback instead of a user-facing stop."""


class StoppedAtMigrate(VariantFailure):
    """migrate raised: the map was approved and validated, so the stop came too late."""


class StopNamesNoColumn(VariantFailure):
    """An early stop whose message names none of the columns or files the variant changed."""


class MigrateNotOk(VariantFailure):
    """migrate ran but its verdict is not ok (blocked, quarantined, unsettled) or reconcile disagrees."""


class RecordsMissing(VariantFailure):
    """Source records that did not land (or were quarantined, or landed under another id)."""


class LinksDiffer(VariantFailure):
    """A contact's company, a deal's contact or a task's parent differs from the source."""


class TagsDiffer(VariantFailure):
    """A contact's tags in Odoo are not the tags of its export row."""


class ValuesDiffer(VariantFailure):
    """A value (a date) landed other than the source says."""


class OwnersDiffer(VariantFailure):
    """A record's owner is not the Odoo user the owner cell names (or the fallback when none does)."""


def fold(text: str) -> str:
    """Case- and accent-insensitive, Turkish dotted/dotless i included (the tests' own, not the product's)."""
    text = text.replace("İ", "i").replace("I", "i").replace("ı", "i")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


@dataclass
class Sandbox:
    """One sandbox Odoo per test module, with the users that the exports' owners name."""

    server: SandboxServer
    client: OdooClient
    users: dict[str, str] = field(default_factory=dict)  # folded name and e-mail -> login
    cache: dict[str, Any] = field(default_factory=dict)  # baseline runs, computed once per sandbox

    @classmethod
    def start(cls) -> Sandbox:
        server = SandboxServer(version="18.0").start()
        client = OdooClient(OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                                         password=Secret(server.admin_password)))
        box = cls(server, client)
        os.environ[PASSWORD_VARIABLE] = server.admin_password
        for name, email in OWNER_USERS:
            client.create("res.users", [{"name": name, "login": email, "email": email}])
            box.users[fold(name)] = box.users[fold(email)] = email
        return box

    def __repr__(self) -> str:
        return f"Sandbox({self.server.url})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # what Hypothesis prints for a fixture argument: one line, not every field

    def stop(self) -> None:
        os.environ.pop(PASSWORD_VARIABLE, None)
        self.client.close()
        self.server.stop()

    @property
    def fallback(self) -> str:
        return self.server.admin_login

    def owner_login(self, cell: str) -> str:
        return self.users.get(fold(cell), self.fallback) if cell.strip() else self.fallback

    def project(self, root: Path, source: str, extra: str = "") -> Path:
        """A project folder for one example, with its own namespace so examples never share external IDs."""
        api.init_project(root, source.split('"')[1])
        (root / "crm2odoo.toml").write_text(
            f'{source}\n[odoo]\nurl = "{self.server.url}"\ndatabase = "{self.server.database}"\n'
            f'login = "{self.server.admin_login}"\npassword = "${{{PASSWORD_VARIABLE}}}"\n\n'
            f'[migration]\nfallback_owner = "{self.server.admin_login}"\nbatch_size = 40\n'
            f'namespace = "v{uuid.uuid4().hex[:12]}"\n{extra}', encoding="utf-8")
        return root


@dataclass
class Outcome:
    stage: str  # the step that stopped, or "migrated"
    message: str = ""
    migrate: api.MigrateInfo | None = None
    reconcile: Any = None


def run_workflow(root: Path) -> Outcome:
    """discover -> plan -> approve -> validate -> migrate -> reconcile; a user-facing stop before migrate is an
    outcome, any other exception a failure."""
    stage = "discover"
    try:
        api.discover(root)
        stage = "plan"
        api.plan(root)
        stage = "approve"
        approved = api.approve(root, confirm=lambda changes: True, login="variations")
        if not approved.approved:
            return Outcome("approve", "approve did not approve: " + "; ".join(approved.changes))
        stage = "validate"
        validation = api.validate(root)
        if not validation.ok:
            lines = [*validation.schema_problems,
                     *(f"{f.object} {f.source_id} {f.locator} field {f.field}: {f.message} ({f.fix})"
                       for f in validation.findings if f.severity == "error")]
            return Outcome("validate", "\n".join(lines))
    except (UserFacingError, SourceError) as err:
        return Outcome(stage, f"{type(err).__name__}: {err}" + (f"\nhint: {err.hint}" if err.hint else ""))
    except Exception as err:
        raise UnexpectedException(f"{stage} raised {type(err).__name__}: {err}\n{traceback.format_exc()}") from err
    try:
        info = api.migrate(root)
        checked = api.reconcile(root, spot_check=5)
    except Exception as err:
        raise StoppedAtMigrate(f"migrate raised {type(err).__name__}: {err}\n{traceback.format_exc()}") from err
    return Outcome("migrated", migrate=info, reconcile=checked)


_QUOTES = "'\"`«»“”„‘’"
_NAMING_WORDS = r"(?:column|field|header|sutun|spalte|file|dosya|datei)s?:?"


def names(message: str, name: str) -> bool:
    """Whether ``message`` names the column or file ``name`` (folded): quoted, or after "column"/"field"/...; a name
    of several words (or with digits, dashes, dots) also as whole words, but a file not in a row locator
    ("export-1.csv row 2" is where a record is, not what is wrong)."""
    text, wanted = fold(message), re.escape(fold(name))
    if re.search(f"[{_QUOTES}]{wanted}[{_QUOTES}]", text) or re.search(rf"{_NAMING_WORDS}\s+{wanted}\b", text):
        return True
    if re.fullmatch(r"[^\W\d_]+", fold(name)):
        return False  # one plain word ("contact", "owner") is in most messages without naming the column
    return re.search(rf"(?<![\w-]){wanted}(?![\w-])(?!:? row \d)", text) is not None


def require_named_stop(outcome: Outcome, touched: set[str]) -> None:
    """Outcome B: the early stop's message names one of the columns or files the variant changed."""
    if not any(names(outcome.message, name) for name in touched if name):
        raise StopNamesNoColumn(f"stopped at {outcome.stage} without naming any of {sorted(touched)}:\n"
                                f"{outcome.message[:1500]}")


def require_ok_verdict(outcome: Outcome) -> None:
    info = outcome.migrate
    assert info is not None
    if not info.ok or not outcome.reconcile.ok:
        raise MigrateNotOk(f"migrate state {info.state}, ok={info.ok}; verdict: "
                           f"{info.shortfall.lines(info.tolerance)}; reconcile ok={outcome.reconcile.ok}: "
                           f"{[(o.name, d.source_id, d.detail) for o in outcome.reconcile.objects for d in o.differences][:8]}")


def ledger_rows(root: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        db.row_factory = sqlite3.Row
        return list(db.execute("SELECT object, source_id, model, odoo_id, state, reason FROM records"))


def landed_ids(rows: list[sqlite3.Row]) -> dict[str, dict[str, int]]:
    """object -> source id -> Odoo id, of the records that landed."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        if r["state"] in LANDED and r["odoo_id"] is not None:
            out.setdefault(r["object"], {})[r["source_id"]] = int(r["odoo_id"])
    return out


def not_landed(rows: list[sqlite3.Row]) -> list[str]:
    return [f"{r['object']} {r['source_id']}: {r['state']} ({r['reason']})" for r in rows
            if r["state"] not in LANDED]
