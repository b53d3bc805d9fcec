"""The exceptions the sandbox raises, each carrying the name and XML-RPC fault code real Odoo 18 reports.

Odoo turns Python exceptions into wire errors in two places (``odoo/http.py`` ``serialize_exception`` for
JSON-RPC, ``odoo/addons/base/controllers/rpc.py`` ``xmlrpc_handle_exception_int`` for ``/xmlrpc/2``); the
classes here carry exactly what those functions need: the qualified class name and the integer fault code.
"""

from __future__ import annotations

from typing import Any


class OdooFault(Exception):
    """Base: an application error reported with a traceback (XML-RPC fault code 1)."""

    odoo_name = "builtins.Exception"
    xmlrpc_code = 1
    http_status = 500  # JSON-2 (Odoo 19 Json2RpcDispatcher.handle_error): non-UserError exceptions are 500

    def __init__(self, message: str, *, name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if name:
            self.odoo_name = name

    @property
    def short_name(self) -> str:
        return self.odoo_name.rsplit(".", 1)[-1]


class UserError(OdooFault):
    odoo_name = "odoo.exceptions.UserError"
    xmlrpc_code = 2
    http_status = 422


class ValidationError(UserError):
    odoo_name = "odoo.exceptions.ValidationError"


class MissingError(UserError):
    odoo_name = "odoo.exceptions.MissingError"
    http_status = 404


class AccessError(UserError):
    odoo_name = "odoo.exceptions.AccessError"
    xmlrpc_code = 4
    http_status = 403


class AccessDenied(OdooFault):
    odoo_name = "odoo.exceptions.AccessDenied"
    xmlrpc_code = 3
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class PyValueError(OdooFault):
    odoo_name = "builtins.ValueError"


class PyTypeError(OdooFault):
    odoo_name = "builtins.TypeError"


class PyAttributeError(OdooFault):
    odoo_name = "builtins.AttributeError"


class HttpError(OdooFault):
    """A werkzeug HTTP exception as JSON-2 reports it: its code as status, ``arguments`` = [description, code]."""

    def __init__(self, status: int, name: str, description: str) -> None:
        super().__init__(description, name=f"werkzeug.exceptions.{name}")
        self.http_status = status


class PyKeyError(OdooFault):
    odoo_name = "builtins.KeyError"


class PgError(OdooFault):
    """A PostgreSQL error that Odoo lets through unchanged (bad database, serialization failure...)."""

    odoo_name = "psycopg2.OperationalError"


def serialization_failure() -> PgError:
    # What a client sees once odoo.service.model.retrying() has given up after its 5 tries.
    return PgError("could not serialize access due to concurrent update\n",
                   name="psycopg2.errors.SerializationFailure")


def missing_db(db: str) -> PgError:
    return PgError(f'connection to server at "localhost" (127.0.0.1), port 5432 failed: '
                   f'FATAL:  database "{db}" does not exist\n')


def fake_traceback(err: OdooFault) -> str:
    """A traceback-shaped text; clients read its last line, as with real Odoo's ``debug``/faultString."""
    return ("Traceback (most recent call last):\n"
            '  File "crm2odoo/sandbox/orm.py", line 1, in call\n'
            f"{err.odoo_name.replace('builtins.', '')}: {err.message}\n")


def as_dict(err: OdooFault, context: dict[str, Any] | None = None) -> dict[str, Any]:
    arguments: list[Any] = [err.message, err.http_status] if isinstance(err, HttpError) else [err.message]
    return {"name": err.odoo_name, "debug": fake_traceback(err), "message": err.message,
            "arguments": arguments, "context": context or {}}


def record_repr(model: str, ids: list[int]) -> str:
    """How Odoo prints a recordset in error messages: ``res.partner(7,)``."""
    inner = ", ".join(str(i) for i in ids) + ("," if len(ids) == 1 else "")
    return f"{model}({inner})"
