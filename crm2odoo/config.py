"""crm2odoo.toml: typed, validated up front, every problem reported at once.

Any string value may be written ``${ENV_VAR}``; it is read from the environment when the file is loaded and
is never written back. Secret keys (``api_key``, ``password``) are held as :class:`Secret`.
"""

from __future__ import annotations

import difflib
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
from crm2odoo.sources import SourceSettings, registry
from crm2odoo.verdict import Tolerance, parse_tolerance

CONFIG_NAME = "crm2odoo.toml"
SECRET_KEYS = frozenset({"api_key", "password", "token"})
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


#: Odoo's mail.message create costs about 0.15 s a call beside ~1.3 ms a message (Odoo 18): 500 a call ran notes
#: 1.2-1.4x faster than 200 a call with two connections (bench/like_for_like.py has the whole-command figures)
MESSAGE_BATCH_SIZE = 500


@dataclass(frozen=True)
class MigrationSettings:
    """The optional ``[migration]`` table."""

    batch_size: int = 200
    #: messages (notes, done tasks, calls, e-mails) per call: 500 while batch_size is left at its default,
    #: batch_size when only that is set (a smaller batch_size asked for smaller calls)
    message_batch_size: int = MESSAGE_BATCH_SIZE
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
class OutputConfig:
    """The optional ``[output]`` table: how commands show their progress (``--progress-interval`` and
    ``CRM2ODOO_PROGRESS_INTERVAL`` win over it)."""

    #: seconds between two progress lines when the output is not a terminal (None: the CLI's default, 10)
    progress_interval: float | None = None


@dataclass(frozen=True)
class Config:
    path: Path
    source: SourceSettings
    odoo: OdooSettings
    migration: MigrationSettings = field(default_factory=MigrationSettings)
    output: OutputConfig = field(default_factory=OutputConfig)

    @property
    def system(self) -> str:
        """The source part of external IDs: ``ontraport``, or ``ontraport-acme`` with a namespace."""
        base = registry.system_of(self.source.kind)
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


Problem = tuple[str, str, str]  # (key, what is wrong, an example of a right value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([("(file)", f"{path} not found", "run `crm2odoo init --source KIND`")], path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([("(file)", f"not valid TOML: {exc}", "fix the syntax")], path=str(path)) from None


def _check_source(values: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """The [source] table with the kind's defaults filled in; its keys checked against the registered kind."""
    kind = str(values.get("kind", ""))
    source_kind = registry.source_kinds().get(kind)
    if source_kind is None:
        problems.append(("source.kind", f"must be one of {', '.join(registry.kind_names())} (got {kind!r})",
                         'kind = "ontraport"'))
        return values
    values = {**source_kind.defaults, **values}
    for key, required in source_kind.keys.items():
        if required and not values.get(key):
            problems.append((f"source.{key}", f"is required for kind {kind}", f'{key} = "..."'))
    known = set(source_kind.keys) | {"kind"}
    for key in sorted(set(values) - known):
        problems.append((f"source.{key}", f"is not a setting of kind {kind}", _unknown_fix(key, known)))
    return values


def _unknown_fix(name: str, known: set[str] | frozenset[str], *, template: str = "{}") -> str:
    """'did you mean X?' when a known name is close (a typo), else the list of known names."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean {template.format(close[0])}?"
    return "remove it; known: " + ", ".join(template.format(k) for k in sorted(known))


_ODOO_EXAMPLES = {"url": 'url = "https://mycompany.odoo.com"', "database": 'database = "mycompany"',
                  "login": 'login = "migration-bot@mycompany.com"'}
_ODOO_KEYS = frozenset({"url", "database", "login", "password", "api_key", "transport", "timeout", "max_retries"})

#: the type each typed setting must have: the types, the words for it, an example of a right line
_TYPES: dict[str, tuple[tuple[type, ...], str, str]] = {
    "odoo.timeout": ((int, float), "a number of seconds", f"timeout = {DEFAULT_TIMEOUT:g}"),
    "odoo.max_retries": ((int,), "a whole number", "max_retries = 5"),
    **{f"odoo.{key}": ((str,), "a string", example) for key, example in _ODOO_EXAMPLES.items()},
    "odoo.transport": ((str,), "a string", 'transport = "auto"'),
    "output.progress_interval": ((int, float), "a number of seconds", "progress_interval = 10"),
}
#: the shortest pace of progress lines (as --progress-interval takes it)
MIN_PROGRESS_INTERVAL = 0.1


def _migration_types() -> dict[str, tuple[tuple[type, ...], str, str]]:
    types: dict[str, tuple[tuple[type, ...], str, str]] = {}
    for name, spec in MigrationSettings.__dataclass_fields__.items():
        if isinstance(spec.default, int) and name != "max_quarantine":
            types[f"migration.{name}"] = ((int,), "a whole number", f"{name} = {spec.default}")
        elif isinstance(spec.default, str) or spec.default is None:
            types[f"migration.{name}"] = ((str,), "a string", f'{name} = "{spec.default or "..."}"')
    return types


_TYPES.update(_migration_types())


def _drop_wrong_types(section: str, table: Mapping[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """The table without values of the wrong type, each reported with key, value and the type expected."""
    kept: dict[str, Any] = {}
    for key, value in table.items():
        expected = _TYPES.get(f"{section}.{key}")
        # bool is an int to Python, never to a person writing timeout = true
        if expected is not None and (not isinstance(value, expected[0]) or isinstance(value, bool)):
            problems.append((f"{section}.{key}", f"must be {expected[1]}, not {value!r}", expected[2]))
        else:
            kept[key] = value
    return kept


SECTIONS = frozenset({"source", "odoo", "migration", "output"})


def _check_sections(raw: Mapping[str, Any], problems: list[Problem]) -> set[str]:
    """Unknown top-level tables, each with a 'did you mean'; returns the known sections a typo stands for, whose
    own 'is required' problems would only repeat the typo."""
    misspelt: set[str] = set()
    for name in sorted(set(raw) - SECTIONS):
        fix = _unknown_fix(name, SECTIONS, template="[{}]")
        problems.append((f"[{name}]", "is not a section of crm2odoo.toml", fix))
        close = difflib.get_close_matches(name, sorted(SECTIONS), n=1, cutoff=0.6)
        if close and close[0] not in raw:
            misspelt.add(close[0])
    return misspelt




def _check_odoo(values: Mapping[str, Any], problems: list[Problem]) -> None:
    for key in ("url", "database", "login"):
        if not values.get(key):
            problems.append((f"odoo.{key}", "is required", _ODOO_EXAMPLES[key]))
    url = str(values.get("url", ""))
    if url and not re.match(r"^https?://", url):
        problems.append(("odoo.url", "must start with http:// or https://", _ODOO_EXAMPLES["url"]))
    if not values.get("password") and not values.get("api_key"):
        problems.append(("odoo.api_key", "set api_key (or password)", 'api_key = "${ODOO_API_KEY}"'))
    if str(values.get("transport", "auto")) not in ("auto", "jsonrpc", "xmlrpc", "json2"):
        problems.append(("odoo.transport", "must be auto, jsonrpc, xmlrpc or json2", 'transport = "auto"'))
    for key in sorted(set(values) - _ODOO_KEYS):
        problems.append((f"odoo.{key}", "is not a setting", _unknown_fix(key, _ODOO_KEYS)))


def _odoo_settings(values: Mapping[str, Any]) -> OdooSettings:
    return OdooSettings(
        url=str(values.get("url", "")).rstrip("/"),
        database=str(values["database"]),
        login=str(values["login"]),
        password=values.get("password"),
        api_key=values.get("api_key"),
        transport=str(values.get("transport", "auto")),
        timeout=float(values.get("timeout", DEFAULT_TIMEOUT)),
        max_retries=int(values.get("max_retries", 5)),
    )


def _migration_settings(raw: Mapping[str, Any], problems: list[Problem]) -> MigrationSettings:
    migration = MigrationSettings()
    known = set(MigrationSettings.__dataclass_fields__)
    for key in sorted(set(raw) - known):
        problems.append((f"migration.{key}", "is not a setting", _unknown_fix(key, known)))
    raw = _drop_wrong_types("migration", raw, problems)
    values = {k: v for k, v in raw.items() if k in known}
    if "batch_size" in values and "message_batch_size" not in values:
        values["message_batch_size"] = values["batch_size"]
    try:
        migration = MigrationSettings(**values)
    except TypeError as exc:
        problems.append(("migration", str(exc), ""))
    if not 1 <= migration.batch_size <= 5000:
        problems.append(("migration.batch_size", "must be between 1 and 5000", "batch_size = 200"))
    if not 1 <= migration.message_batch_size <= 5000:
        problems.append(("migration.message_batch_size", "must be between 1 and 5000", "message_batch_size = 500"))
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
    return migration


def _output_settings(raw: Any, problems: list[Problem]) -> OutputConfig:
    if not isinstance(raw, dict):
        problems.append(("[output]", f"must be a table, not {raw!r}", "[output]\nprogress_interval = 10"))
        return OutputConfig()
    known = set(OutputConfig.__dataclass_fields__)
    for key in sorted(set(raw) - known):
        problems.append((f"output.{key}", "is not a setting", _unknown_fix(key, known)))
    raw = _drop_wrong_types("output", raw, problems)
    interval = raw.get("progress_interval")
    if interval is not None and interval < MIN_PROGRESS_INTERVAL:
        problems.append(("output.progress_interval", f"must be at least {MIN_PROGRESS_INTERVAL:g} seconds, "
                         f"not {interval!r}", "progress_interval = 10"))
        interval = None
    return OutputConfig(progress_interval=None if interval is None else float(interval))


def configured_progress_interval(project_dir: Path) -> float | None:
    """``[output] progress_interval`` of the project's crm2odoo.toml, for the display a command opens before it loads
    the whole file; None when it is not set or not right (the command's own load_config then says what is wrong)."""
    try:
        raw = _read_toml(project_dir / CONFIG_NAME)
    except ConfigError:
        return None
    problems: list[Problem] = []
    output = _output_settings(raw.get("output") or {}, problems)
    return None if problems else output.progress_interval


def load_config(project_dir: Path, *, env: Mapping[str, str] | None = None, allow_plain_secrets: bool = False) -> Config:
    """Read and validate ``crm2odoo.toml`` in ``project_dir``; raises ConfigError listing every problem."""
    env = os.environ if env is None else env
    path = project_dir / CONFIG_NAME
    raw = _read_toml(path)
    problems: list[Problem] = []

    misspelt = _check_sections(raw, problems)
    raw_source = raw.get("source") or {}
    raw_odoo = _drop_wrong_types("odoo", raw.get("odoo") or {}, problems)
    source_table = _expand(raw_source, "source", problems, env)
    odoo_table = _expand(raw_odoo, "odoo", problems, env)
    plain: list[Problem] = []
    source_values = _secretise(source_table, "source", raw_source, plain)
    odoo_values = _secretise(odoo_table, "odoo", raw_odoo, plain)
    if not allow_plain_secrets:
        problems.extend(plain)

    if "source" not in misspelt:
        source_values = _check_source(source_values, problems)
    if "odoo" not in misspelt:
        _check_odoo(odoo_values, problems)
    migration = _migration_settings(raw.get("migration") or {}, problems)
    output = _output_settings(raw.get("output") or {}, problems)
    if problems:
        first_per_key: dict[str, Problem] = {}
        for problem in problems:
            first_per_key.setdefault(problem[0], problem)
        raise ConfigError(list(first_per_key.values()), path=str(path))
    source = SourceSettings(kind=str(source_values["kind"]), values=source_values, base_dir=project_dir)
    return Config(path=path, source=source, odoo=_odoo_settings(odoo_values), migration=migration, output=output)


ODOO_TEMPLATE = '''
[odoo]
url = "https://mycompany.odoo.com"
database = "mycompany"
login = "migration-bot@mycompany.com" # a dedicated user with Administration rights
api_key = "${ODOO_API_KEY}"           # Preferences > Account Security > New API Key (or: password = "${ODOO_PASSWORD}")
# transport = "auto"                  # auto: JSON-RPC on 17/18, JSON-2 on 19+; or jsonrpc | xmlrpc | json2

[migration]
# batch_size = 200                    # records per call
# message_batch_size = 500            # notes and other chatter messages per call (batch_size if only that is set)
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

[output]
# progress_interval = 10              # seconds between progress lines in a log (not a terminal)
'''


def config_template(kind: str) -> str:
    """The commented crm2odoo.toml of a registered source kind, for ``crm2odoo init``."""
    source_kind = registry.source_kinds().get(kind)
    if source_kind is None:
        raise ConfigError([("--source", f"unknown kind {kind!r}", "one of " + ", ".join(registry.kind_names()))])
    return ("# crm2odoo project file. Values like ${NAME} are read from the environment.\n\n"
            f"{source_kind.template}{ODOO_TEMPLATE}")
