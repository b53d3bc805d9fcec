"""How a command ends when something goes wrong: a known failure is a message, a hint and exit 2; anything else
is a bug, reported as one with the traceback kept in a log file rather than thrown at the person."""

from __future__ import annotations

import functools
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from crm2odoo.errors import (
    Crm2OdooError,
    LedgerError,
    OdooError,
    OdooTransientError,
    SourceError,
    SourceTransientError,
    UserFacingError,
)
from crm2odoo.project import Project
from crm2odoo.redact import redact

F = TypeVar("F", bound=Callable[..., Any])

#: exit code of a command a person stopped (128 + SIGINT, as shells report it)
EXIT_INTERRUPTED = 130
#: exit code of a known failure: the person fixes something and runs the command again
EXIT_FAILURE = 2
BUG_LINE = "this is a bug: please report it"
OUTAGE_HINT = ("check that the server is up, then run the same command again: it resumes where it stopped and "
               "sends nothing twice")

# the failures a person fixes: the library raised them on purpose, with words for the person
_KNOWN = (UserFacingError, SourceError, OdooError, LedgerError)


def friendly(fn: F) -> F:
    """Known failures print message + hint and exit 2; an interrupt says how to resume; anything else is a bug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KeyboardInterrupt:
            command = click.get_current_context().info_name or "the command"
            click.secho(f"interrupted: run `crm2odoo {command}` again to resume; it sends nothing twice",
                        fg="yellow", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (OdooTransientError, SourceTransientError) as exc:
            # retried already and still failing: an outage, not a bug; the ledger keeps what was done
            _fail(f"{exc.message} (still failing after retries)", exc.hint or OUTAGE_HINT)
        except _KNOWN as exc:
            _fail(exc.message, exc.hint or _default_hint(exc))
        except Exception:  # noqa: BLE001 - the last line of defence: a bug still ends with words and a log file
            _report_bug(kwargs.get("project"))

    return wrapper  # type: ignore[return-value]


def _fail(message: str, hint: str) -> None:
    click.secho(f"error: {redact(message)}", fg="red", err=True)
    if hint:
        click.echo(f"hint: {redact(hint)}", err=True)
    sys.exit(EXIT_FAILURE)


def _default_hint(exc: Crm2OdooError) -> str:
    if isinstance(exc, SourceError):
        return "check [source] in crm2odoo.toml and that the export or account is reachable, then run it again"
    if isinstance(exc, OdooError):
        return "check [odoo] in crm2odoo.toml and the migration user's rights, then run it again"
    if isinstance(exc, LedgerError):
        return "the ledger in .crm2odoo/ cannot be used; keep a copy of that folder and report it"
    return ""


def _report_bug(project: Path | None) -> None:
    log = _bug_log_path(project)
    text = redact(traceback.format_exc())
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(text, encoding="utf-8")
        where = f"the traceback is in {log}"
    except OSError:
        where = "the traceback follows:\n" + text
    kind, value = sys.exc_info()[:2]
    what = f"{kind.__name__ if kind else 'failure'}: {redact(value)}"[:300]
    click.secho(f"error: unexpected {what}", fg="red", err=True)
    click.secho(BUG_LINE, fg="red", err=True)
    click.echo(f"hint: {where} (attach it to the report; secrets are masked in it)", err=True)
    sys.exit(EXIT_FAILURE)


def _bug_log_path(project: Path | None) -> Path:
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}.log"
    if project is not None and Project(project).state_dir.is_dir():
        return Project(project).state_dir / "logs" / name
    return Path(tempfile.gettempdir()) / "crm2odoo" / name
