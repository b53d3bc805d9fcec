"""crm2odoo.toml: typed, validated up front, every problem reported at once.

Any string value may be written ``${ENV_VAR}``; it is read from the environment when the file is loaded and
is never written back. Secret keys (``api_key``, ``password``) are held as :class:`Secret`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.errors import ConfigError
from crm2odoo.odoo.client import DEFAULT_TIMEOUT, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sources import CONNECTORS, SYSTEM_OF_KIND, SourceSettings
from crm2odoo.verdict import Tolerance, parse_tolerance

CONFIG_NAME = "crm2odoo.toml"
SECRET_KEYS = frozenset({"api_key", "password", "token"})
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

SOURCE_KEYS: dict[str, dict[str, bool]] = {  # kind -> key -> required
    "ontraport": {"base_url": False, "app_id": True, "api_key": True},
    "ontraport-csv": {"path": True, "date_order": False, "timezone": False},
    "planports-xlsx": {"path": True},
    "planports-api": {"base_url": False, "email": True, "password": True, "endpoints": False},
}
SOURCE_DEFAULTS: dict[str, dict[str, Any]] = {
    "ontraport": {"base_url": "https://api.ontraport.com/1"},
    "planports-api": {"base_url": "https://www.planports.com"},
}


@dataclass(frozen=True)
class MigrationSettings:
    """The optional ``[migration]`` table."""

    batch_size: int = 200
    workers: int = 2
    default_country: str = "US"
    source_timezone: str = "UTC"
    fallback_owner: str | None = None  # login of the user that gets records of unmatched owners
    delta_deletes: str = "archive"  # archive | ignore
    conflicts: str = "stop"  # source_wins | odoo_wins | stop
    namespace: str | None = None  # in every external ID: two source accounts of one kind into one Odoo
    # what `plan` proposes where the issue leaves a choice
    tasks: str = "activity"  # activity (open -> mail.activity, done -> chatter message) | project_task
    campaigns: str = "tag"  # tag (a partner tag per campaign) | field (an x_campaigns field on the contact)
    engagement: str = "notes"  # notes (one chatter note each) | aggregate (totals on the contact)
    # quarantined records a run may leave and still exit 0: a count (5) or a share ("2%"); default none
    max_quarantine: int | float | str = 0

    @property
    def tolerance(self) -> Tolerance:
        return parse_tolerance(self.max_quarantine)


@dataclass(frozen=True)
class Config:
    path: Path
    source: SourceSettings
    odoo: OdooSettings
    migration: MigrationSettings = field(default_factory=MigrationSettings)

    @property
    def system(self) -> str:
        """The source part of external IDs: ``ontraport``, or ``ontraport-acme`` with a namespace."""
        base = SYSTEM_OF_KIND[self.source.kind]
        return f"{base}-{self.migration.namespace}" if self.migration.namespace else base


def _expand(value: Any, key: str, problems: list[tuple[str, str, str]], env: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, f"{key}.{k}", problems, env) for k, v in value.items()}
    if not isinstance(value, str):
        return value

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            problems.append((key, f"environment variable {name} is not set", f"export {name}=..."))
            return ""
        return env[name]

    return _ENV_REF.sub(sub, value)


def _secretise(table: dict[str, Any], section: str, raw: Mapping[str, Any],
               problems: list[tuple[str, str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key in SECRET_KEYS and isinstance(value, str):
            if value and not _ENV_REF.search(str(raw.get(key, ""))):
                problems.append((f"{section}.{key}", "is written in the file in clear text",
                                 f'write {key} = "${{CRM2ODOO_{section.upper()}_{key.upper()}}}" and export that variable'))
            out[key] = Secret(value)
        else:
            out[key] = value
    return out


def load_config(project_dir: Path, *, env: Mapping[str, str] | None = None, allow_plain_secrets: bool = False) -> Config:
    """Read and validate ``crm2odoo.toml`` in ``project_dir``; raises ConfigError listing every problem."""
    env = os.environ if env is None else env
    path = project_dir / CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([("(file)", f"{path} not found", "run `crm2odoo init --source KIND`")], path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([("(file)", f"not valid TOML: {exc}", "fix the syntax")], path=str(path)) from None
    problems: list[tuple[str, str, str]] = []

    raw_source = raw.get("source") or {}
    raw_odoo = raw.get("odoo") or {}
    raw_migration = raw.get("migration") or {}
    source_table = _expand(raw_source, "source", problems, env)
    odoo_table = _expand(raw_odoo, "odoo", problems, env)
    plain: list[tuple[str, str, str]] = []
    source_values = _secretise(source_table, "source", raw_source, plain)
    odoo_values = _secretise(odoo_table, "odoo", raw_odoo, plain)
    if not allow_plain_secrets:
        problems.extend(plain)

    kind = str(source_values.get("kind", ""))
    if kind not in CONNECTORS:
        problems.append(("source.kind", f"must be one of {', '.join(CONNECTORS)} (got {kind!r})",
                         'kind = "ontraport"'))
    else:
        values = {**SOURCE_DEFAULTS.get(kind, {}), **source_values}
        for key, required in SOURCE_KEYS[kind].items():
            if required and not values.get(key):
                problems.append((f"source.{key}", f"is required for kind {kind}", f'{key} = "..."'))
        known = set(SOURCE_KEYS[kind]) | {"kind"}
        for key in sorted(set(values) - known):
            problems.append((f"source.{key}", f"is not a setting of kind {kind}",
                             "remove it; known keys: " + ", ".join(sorted(known))))
        source_values = values

    for key in ("url", "database", "login"):
        if not odoo_values.get(key):
            problems.append((f"odoo.{key}", "is required", {"url": 'url = "https://mycompany.odoo.com"',
                                                           "database": 'database = "mycompany"',
                                                           "login": 'login = "migration-bot@mycompany.com"'}[key]))
    url = str(odoo_values.get("url", ""))
    if url and not re.match(r"^https?://", url):
        problems.append(("odoo.url", "must start with http:// or https://", 'url = "https://mycompany.odoo.com"'))
    if not odoo_values.get("password") and not odoo_values.get("api_key"):
        problems.append(("odoo.api_key", "set api_key (or password)", 'api_key = "${ODOO_API_KEY}"'))
    transport = str(odoo_values.get("transport", "auto"))
    if transport not in ("auto", "jsonrpc", "xmlrpc", "json2"):
        problems.append(("odoo.transport", "must be auto, jsonrpc, xmlrpc or json2", 'transport = "auto"'))
    known_odoo = {"url", "database", "login", "password", "api_key", "transport", "timeout", "max_retries"}
    for key in sorted(set(odoo_values) - known_odoo):
        problems.append((f"odoo.{key}", "is not a setting", "remove it; known keys: " + ", ".join(sorted(known_odoo))))

    migration = MigrationSettings()
    known_migration = set(MigrationSettings.__dataclass_fields__)
    for key in sorted(set(raw_migration) - known_migration):
        problems.append((f"migration.{key}", "is not a setting", "known keys: " + ", ".join(sorted(known_migration))))
    try:
        migration = MigrationSettings(**{k: v for k, v in raw_migration.items() if k in known_migration})
    except TypeError as exc:
        problems.append(("migration", str(exc), ""))
    if not 1 <= migration.batch_size <= 5000:
        problems.append(("migration.batch_size", "must be between 1 and 5000", "batch_size = 200"))
    if not 1 <= migration.workers <= 32:
        problems.append(("migration.workers", "must be between 1 and 32", "workers = 2"))
    if migration.conflicts not in ("source_wins", "odoo_wins", "stop"):
        problems.append(("migration.conflicts", "must be source_wins, odoo_wins or stop", 'conflicts = "stop"'))
    if migration.namespace is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,29}", str(migration.namespace)):
        problems.append(("migration.namespace", "lower-case letters, digits and '-', at most 30", 'namespace = "acme"'))
    if migration.delta_deletes not in ("archive", "ignore"):
        problems.append(("migration.delta_deletes", "must be archive or ignore", 'delta_deletes = "archive"'))
    for key, choices in (("tasks", ("activity", "project_task")), ("campaigns", ("tag", "field")),
                         ("engagement", ("notes", "aggregate"))):
        if getattr(migration, key) not in choices:
            problems.append((f"migration.{key}", f"must be {' or '.join(choices)}", f'{key} = "{choices[0]}"'))

    try:
        parse_tolerance(migration.max_quarantine)
    except ValueError as exc:
        problems.append(("migration.max_quarantine", str(exc), 'max_quarantine = 0   # or 5, or "2%"'))

    if problems:
        first_per_key: dict[str, tuple[str, str, str]] = {}
        for problem in problems:
            first_per_key.setdefault(problem[0], problem)
        raise ConfigError(list(first_per_key.values()), path=str(path))
    odoo = OdooSettings(
        url=url.rstrip("/"),
        database=str(odoo_values["database"]),
        login=str(odoo_values["login"]),
        password=odoo_values.get("password"),
        api_key=odoo_values.get("api_key"),
        transport=transport,
        timeout=float(odoo_values.get("timeout", DEFAULT_TIMEOUT)),
        max_retries=int(odoo_values.get("max_retries", 5)),
    )
    return Config(path=path, source=SourceSettings(kind=kind, values=source_values, base_dir=project_dir),
                  odoo=odoo, migration=migration)


TEMPLATES: dict[str, str] = {
    "ontraport": '''[source]
kind = "ontraport"
# base_url = "https://api.ontraport.com/1"
app_id = "${ONTRAPORT_APP_ID}"        # Administration > Integrations > Ontraport API Instructions and Key Manager
api_key = "${ONTRAPORT_API_KEY}"      # read from the environment; never write the key here
''',
    "ontraport-csv": '''[source]
kind = "ontraport-csv"
path = "exports/"                     # folder of CSV files exported from Ontraport (Contacts, Companies, Deals, ...)
# date_order = "dmy"                  # day-first ("dmy") or month-first ("mdy") dates, if the exports do not show it
# timezone = "America/New_York"       # the account's timezone (exports show local times)
''',
    "planports-xlsx": '''[source]
kind = "planports-xlsx"
path = "planports-export.xlsx"        # one workbook, or a folder of .xlsx files
''',
    "planports-api": '''[source]
kind = "planports-api"
# base_url = "https://www.planports.com"
email = "${PLANPORTS_EMAIL}"          # the API user (<GUID>@api.planports.com)
password = "${PLANPORTS_PASSWORD}"
# [source.endpoints]                  # list endpoints not yet confirmed publicly; override if yours differ
# deal = "/api/v1/PpOpportunities"
''',
}

ODOO_TEMPLATE = '''
[odoo]
url = "https://mycompany.odoo.com"
database = "mycompany"
login = "migration-bot@mycompany.com" # a dedicated user with Administration rights
api_key = "${ODOO_API_KEY}"           # Preferences > Account Security > New API Key (or: password = "${ODOO_PASSWORD}")
# transport = "auto"                  # auto: JSON-RPC on 17/18, JSON-2 on 19+; or jsonrpc | xmlrpc | json2

[migration]
# batch_size = 200
# workers = 2                         # parallel connections; up to the server's `workers` on a prefork Odoo
# default_country = "US"              # for phone numbers without a country code
# source_timezone = "UTC"             # for source dates without a timezone
# fallback_owner = "admin"            # login that receives records whose owner has no Odoo user
# delta_deletes = "archive"           # records deleted in the source: archive | ignore
# conflicts = "stop"                  # a field changed in both systems: source_wins | odoo_wins | stop
# namespace = "acme"                  # only to move two accounts of the same source into one Odoo
# tasks = "activity"                  # open tasks -> activities, done -> chatter; or "project_task" (then re-plan)
# campaigns = "tag"                   # a contact tag per campaign; or "field" (an x_campaigns field)
# engagement = "notes"                # one chatter note per open/click/form; or "aggregate" (totals on the contact)
# max_quarantine = 0                  # quarantined records a run may leave and still exit 0: 5, or "2%"
'''


def config_template(kind: str) -> str:
    if kind not in TEMPLATES:
        raise ConfigError([("--source", f"unknown kind {kind!r}", "one of " + ", ".join(TEMPLATES))])
    return f"# crm2odoo project file. Values like ${{NAME}} are read from the environment.\n\n{TEMPLATES[kind]}{ODOO_TEMPLATE}"
