"""The one place public exceptions are defined.

Two axes. The *phase* says where it happened; the *intent* says what the caller should do::

    Crm2OdooError
    ├── UserFacingError            printed by the CLI with its hint, no traceback
    │   ├── ConfigError            crm2odoo.toml is wrong (all problems at once)
    │   ├── ProjectError           the project folder is not in the state a command needs
    │   ├── ApprovalRequired       the map is unapproved or edited after approval
    │   ├── LedgerMismatch         the ledger belongs to another Odoo
    │   └── NotBuiltYet            a command that a later release completes
    ├── SourceError                reading the CRM
    │   ├── SourceTransientError   (Retryable) 429, 5xx, dropped connection
    │   ├── SourceAuthError        (Fatal, UserFacing) bad key, expired token that cannot renew
    │   └── SourceRecordError      (SkipRecord) one row or record cannot be read; names file/row/field
    ├── MappingError               (Fatal, UserFacing) mapping.yaml is inconsistent
    ├── TransformError             (SkipRecord) a value cannot be transformed; names field and value
    ├── OdooError                  talking to Odoo
    │   ├── OdooTransientError     (Retryable) timeout, 502/503/504, serialization failure
    │   ├── OdooRecordError        (SkipRecord) Odoo rejected the data of a record or batch
    │   └── OdooFatalError         (Fatal) auth, access rights, missing model or method
    └── LedgerError                (Fatal) the ledger is corrupt or from a newer version

Intent is carried by the mixins ``Retryable``, ``SkipRecord`` and ``Fatal``; code that decides what to do
checks ``isinstance(err, Retryable)`` rather than the concrete class.

Secrets never go into messages: callers pass values through :func:`crm2odoo.redact.redact` first.
"""

from __future__ import annotations

from typing import Any


class Retryable:
    """Intent mixin: the same call may succeed if tried again later."""


class SkipRecord:
    """Intent mixin: this record (or batch) is bad; skip or quarantine it and go on."""


class Fatal:
    """Intent mixin: stop the phase; retrying will not help."""


class Crm2OdooError(Exception):
    """Base of every error the library raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "", **attrs: Any) -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint
        self.attrs = attrs

    def __str__(self) -> str:
        return self.message


class UserFacingError(Crm2OdooError):
    """An error a person fixes; the CLI prints message and hint without a traceback."""


class ConfigError(UserFacingError, Fatal):
    """crm2odoo.toml is wrong. ``problems`` lists every problem found, each with key and fix."""

    hint = "edit crm2odoo.toml as each line says, then run the command again"

    def __init__(self, problems: list[tuple[str, str, str]], *, path: str = "crm2odoo.toml") -> None:
        lines = [f"  {key}: {what}" + (f"  (fix: {fix})" if fix else "") for key, what, fix in problems]
        super().__init__(f"{path} has {len(problems)} problem(s):\n" + "\n".join(lines))
        self.problems = problems
        self.path = path


class ProjectError(UserFacingError, Fatal):
    """The project folder is missing something the command needs (config, map, discovery)."""


class ApprovalRequired(UserFacingError, Fatal):
    """The field map is not approved, or was edited after approval."""


class LedgerMismatch(UserFacingError, Fatal):
    """The ledger was made against another Odoo URL or database."""


class ProjectBusy(UserFacingError, Fatal):
    """Another crm2odoo command is writing in this project folder right now."""


class Interrupted(Crm2OdooError, Fatal):
    """A person asked the run to stop (Ctrl-C, SIGTERM); what was in flight was settled first."""


class NotBuiltYet(UserFacingError, Fatal):
    """A command or option that a later release completes; says so instead of pretending."""


class SourceError(Crm2OdooError):
    """Reading the source CRM failed."""


class SourceTransientError(SourceError, Retryable):
    """Rate limited, server error or dropped connection; try again after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **attrs: Any) -> None:
        super().__init__(message, **attrs)
        self.retry_after = retry_after


class SourceAuthError(SourceError, UserFacingError, Fatal):
    """The source refused the credentials."""


class SourceRecordError(SourceError, SkipRecord):
    """One record or row cannot be read. Carries file/row/field so a person can find it."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        value: Any = None,
        **attrs: Any,
    ) -> None:
        where = ", ".join(
            part for part in (file, f"row {row}" if row is not None else None, field and f"field {field!r}") if part
        )
        super().__init__(f"{where}: {message}" if where else message, **attrs)
        self.file, self.row, self.field, self.value = file, row, field, value


class MappingError(UserFacingError, Fatal):
    """mapping.yaml is inconsistent (unknown transform, target, object)."""


class TransformError(Crm2OdooError, SkipRecord):
    """A value could not be transformed by the map."""

    def __init__(self, message: str, *, field: str | None = None, value: Any = None, **attrs: Any) -> None:
        super().__init__(message, **attrs)
        self.field, self.value = field, value


class OdooError(Crm2OdooError):
    """Talking to Odoo failed. ``model``/``method`` and Odoo's exception ``name`` are in attrs."""

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        method: str | None = None,
        odoo_name: str | None = None,
        **attrs: Any,
    ) -> None:
        super().__init__(message, **attrs)
        self.model, self.method, self.odoo_name = model, method, odoo_name


class OdooTransientError(OdooError, Retryable):
    """Timeout, 502/503/504, dropped connection or a serialization failure Odoo gave up retrying."""


class OdooRecordError(OdooError, SkipRecord):
    """Odoo rejected the data (ValidationError, UserError, MissingError, a constraint)."""


class OdooFatalError(OdooError, UserFacingError, Fatal):
    """Authentication, access rights, missing model or method: stop."""


class LedgerError(Crm2OdooError, Fatal):
    """The ledger file cannot be used."""


def intent(err: BaseException) -> str:
    """Return 'retry', 'skip' or 'stop' for an exception; unknown exceptions stop."""
    if isinstance(err, Retryable):
        return "retry"
    if isinstance(err, SkipRecord):
        return "skip"
    return "stop"
