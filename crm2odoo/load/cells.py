"""Values as ``load`` cells: the strings Odoo's import converts, and values read back in the same form to compare."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from crm2odoo.odoo.schema import QUIET_CONTEXT

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def cell(value: Any, meta: Mapping[str, Any]) -> str:
    """One value as the string ``load`` converts for a field of this type."""
    if value is None or (value is False and meta.get("type") != "boolean"):
        return ""
    kind = meta.get("type")
    if kind == "boolean":
        return "True" if value else "False"
    if kind in ("many2many", "one2many"):
        return ",".join(str(int(v)) for v in value) if value else ""
    if kind in ("many2one", "many2one_reference", "integer"):
        return str(int(value))
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return str(value.strftime(DATETIME_FORMAT))
        if isinstance(value, dt.date):
            return str(value.strftime("%Y-%m-%d 00:00:00"))
        return str(value)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)[:10]
    if kind in ("float", "monetary"):
        return value if isinstance(value, str) else format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)


def column(name: str, meta: Mapping[str, Any]) -> str:
    """The load column for a field: relational fields take database ids through ``/.id``."""
    if meta.get("type") in ("many2one", "many2many"):
        return f"{name}/.id"
    return name


def quiet_context(extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {**QUIET_CONTEXT, **(extra or {})}


#: field types whose string value, as Odoo reads it, is already the cell (see ``cell``)
_VERBATIM = frozenset({"char", "text", "html", "selection"})


def read_cells(row: Mapping[str, Any], names: Iterable[str], meta: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Values read from Odoo, in the same form as the cells we send (for comparing the two)."""
    out = {}
    for name in names:
        value = row.get(name)
        kind = meta[name].get("type")
        if kind in _VERBATIM and isinstance(value, str):  # most fields read back: the text is the cell
            out[name] = value
            continue
        if kind == "many2one":  # [id, name], or the bare id of a read without link names
            value = value[0] if isinstance(value, list) and value else value if isinstance(value, int) and value \
                and not isinstance(value, bool) else None
        elif kind == "many2many":
            value = sorted(value or [])
        out[name] = cell(value, meta[name])
    return out


def same_cell(a: str, b: str, meta: Mapping[str, Any], *, subset: bool = False, name: str = "") -> bool:
    """Do two cells mean the same value? ``subset``: every id of ``a`` is in ``b`` (many2many)."""
    kind = meta.get("type")
    if kind == "many2many":
        left, right = set(filter(None, a.split(","))), set(filter(None, b.split(",")))
        return left <= right if subset else left == right
    if kind in ("float", "monetary", "integer"):
        try:  # Odoo has no empty number: an empty cell reads back as 0
            return abs(float(a or 0) - float(b or 0)) < 0.005
        except ValueError:
            return a == b
    if kind == "html":
        return "".join(a.split()) == "".join(b.split())
    if name == "website":  # Odoo adds http:// to a website without a scheme
        return a.split("://")[-1].rstrip("/") == b.split("://")[-1].rstrip("/")
    return a == b
