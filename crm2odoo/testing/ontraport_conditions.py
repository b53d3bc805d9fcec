"""Ontraport's ``condition`` filter: the JSON clause list and the legacy SQL-like string, and matching rows to it."""

from __future__ import annotations

import json
import re
from typing import Any


class BadRequest(Exception):
    """A request Ontraport answers with 400 and these words."""


def as_number(value: str) -> float | None:
    """The value as a number, or None when it is not one (Ontraport compares and sorts numbers as numbers)."""
    try:
        return float(value)
    except ValueError:
        return None


def _compare(actual: str, op: str, expected: Any) -> bool:
    if op in ("IN", "NOT IN"):
        items = [str(v) for v in expected]
        hit = actual in items or any(as_number(actual) is not None and as_number(actual) == as_number(v) for v in items)
        return hit if op == "IN" else not hit
    if op == "IS":
        return (actual in ("", "0")) == (str(expected).upper() == "NULL")
    if op == "LIKE":
        pattern = "^" + re.escape(str(expected)).replace("%", ".*") + "$"
        return re.match(pattern, actual, re.IGNORECASE) is not None
    a, b = as_number(actual), as_number(str(expected))
    left: Any = a if a is not None and b is not None else actual
    right: Any = b if a is not None and b is not None else str(expected)
    return bool({"=": left == right, "<>": left != right, ">": left > right, "<": left < right,
            ">=": left >= right, "<=": left <= right}[op])


_OPS = ("NOT IN", "IN", "IS", "LIKE", "<>", ">=", "<=", "=", ">", "<")


def parse_condition(text: str, fields: set[str]) -> list[Any]:
    """Parse a JSON condition or the legacy SQL-like string into [clause, 'AND'|'OR', clause, ...]."""
    text = text.strip()
    clauses = _parse_json(text) if text.startswith("[") else _parse_legacy(text)
    return _check_fields(clauses, fields)


def _parse_json(text: str) -> list[Any]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        raise BadRequest(f"condition is not valid JSON: {err}") from None
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            if item.upper() not in ("AND", "OR"):
                raise BadRequest(f"bad condition joiner {item!r}")
            out.append(item.upper())
            continue
        try:
            name = item["field"]["field"]
            op = str(item["op"]).upper()
            value = item["value"]
        except (KeyError, TypeError):
            raise BadRequest("malformed condition clause") from None
        if op not in _OPS:
            raise BadRequest(f"unknown operator {op}")
        if isinstance(value, dict) and "list" in value:
            expected: Any = [v["value"] if isinstance(v, dict) else v for v in value["list"]]
        elif isinstance(value, dict):
            expected = value.get("value")
        else:
            expected = value
        out.append((name, op, expected))
    return out


def _parse_legacy(text: str) -> list[Any]:
    out: list[Any] = []
    for part in re.split(r"\s+(AND|OR)\s+", text, flags=re.IGNORECASE):
        if part.upper() in ("AND", "OR"):
            out.append(part.upper())
            continue
        m = re.match(r"^\s*(\w+)\s*(NOT IN|IN|IS|LIKE|<>|>=|<=|=|>|<)\s*(.+?)\s*$", part, re.IGNORECASE)
        if not m:
            raise BadRequest(f"cannot parse condition {part!r}")
        name, op, raw = m.group(1), m.group(2).upper(), m.group(3)
        expected = ([v.strip().strip("'\"") for v in raw.strip("()").split(",")] if op in ("IN", "NOT IN")
                    else raw.strip("'\""))
        out.append((name, op, expected))
    return out


def _check_fields(clauses: list[Any], fields: set[str]) -> list[Any]:
    for c in clauses:
        if isinstance(c, tuple) and c[0] not in fields:
            raise BadRequest(f"unknown field {c[0]!r} in condition")
    return clauses


def matches(row: dict[str, str], clauses: list[Any]) -> bool:
    result: bool | None = None
    joiner = "AND"
    for c in clauses:
        if isinstance(c, str):
            joiner = c
            continue
        hit = _compare(row.get(c[0], ""), c[1], c[2])
        result = hit if result is None else (result and hit if joiner == "AND" else result or hit)
    return True if result is None else result
