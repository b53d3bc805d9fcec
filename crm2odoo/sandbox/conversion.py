"""Python-side conversion of a written value to its stored form, per field type (Odoo's ``convert_to_cache``).

These run before anything PostgreSQL checks, so their errors are the ``ValueError``/``psycopg2`` ones a real
Odoo raises for a value of the wrong shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .exceptions import PgError, PyValueError
from .sanitize import sanitize_html
from .schema import Model

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Converter = Callable[[Model, str, dict[str, Any], Any], Any]


def _text(model: Model, fname: str, f: dict[str, Any], value: Any) -> Any:
    if value is None or value is False:
        return None
    text = value if isinstance(value, str) else str(value)
    if f["type"] == "html":  # fields.Html sanitises what it stores (tools/mail.py html_sanitize)
        return sanitize_html(text)
    if f["type"] == "char" and f.get("size"):  # fields._String.convert_to_cache cuts to the size
        return text[:int(f["size"])]
    return text


def _selection(model: Model, fname: str, f: dict[str, Any], value: Any) -> Any:
    if value is None or value is False:
        return None
    keys = [item[0] for item in f.get("selection") or []]
    if keys and value not in keys:
        raise PyValueError(f"Wrong value for {model.name}.{fname}: {value!r}")
    return value


def _number(cast: Callable[[Any], Any], empty: Any) -> Converter:
    def convert(model: Model, fname: str, f: dict[str, Any], value: Any) -> Any:
        try:
            return cast(value or empty)
        except (TypeError, ValueError) as exc:
            raise PyValueError(str(exc)) from None
    return convert


def _date(model: Model, fname: str, f: dict[str, Any], value: Any) -> Any:
    if not value:
        return None
    text = str(value)[:10]
    try:
        return datetime.strptime(text, "%Y-%m-%d").strftime("%Y-%m-%d")
    except ValueError:
        raise PyValueError(f"time data {text!r} does not match format '%Y-%m-%d'") from None


def _datetime(model: Model, fname: str, f: dict[str, Any], value: Any) -> Any:
    if not value:
        return None
    text = str(value)
    # Odoo's Datetime.to_datetime accepts any prefix of the format ('2024-01-01' is midnight)
    fmt = DATETIME_FORMAT[:len(text) - 2]
    try:
        return datetime.strptime(text, fmt).strftime(DATETIME_FORMAT)
    except ValueError:
        raise PyValueError(f"time data {text!r} does not match format {fmt!r}") from None


def _many2one(model: Model, fname: str, f: dict[str, Any], value: Any) -> Any:
    if value is None or value is False or value == 0:
        return None
    if isinstance(value, list | tuple) and value:
        value = value[0]
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise PgError(f'invalid input syntax for type integer: "{value}"',
                  name="psycopg2.errors.InvalidTextRepresentation")


_CONVERTERS: dict[str, Converter] = {
    "char": _text, "text": _text, "html": _text,
    "selection": _selection,
    "integer": _number(int, 0),
    "float": _number(float, 0.0), "monetary": _number(float, 0.0),
    "boolean": lambda model, fname, f, value: bool(value),
    "date": _date,
    "datetime": _datetime,
    "many2one": _many2one, "many2one_reference": _many2one,
    "reference": lambda model, fname, f, value: value or None,
}


def to_stored(model: Model, fname: str, value: Any) -> Any:
    """The stored form of ``value`` written to ``model.fname``; False is stored as NULL."""
    f = model.fields[fname]
    converter = _CONVERTERS.get(f["type"])
    if converter is None:
        return value if value is not False else None
    return converter(model, fname, f, value)
