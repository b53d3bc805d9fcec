"""Odoo search domains: normalisation (implicit '&'), validation with Odoo's messages, and evaluation.

Evaluation works on decoded rows in Python. Semantics follow ``odoo/osv/expression.py`` (Odoo 18):
negative operators also match NULL, ``=`` False matches NULL, dotted paths search the comodel, string values
on relational fields are matched against the comodel's display name, ``child_of`` follows ``parent_id``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from .exceptions import PyValueError
from .schema import Model, Registry

OPERATORS = frozenset({"=", "!=", "<=", "<", ">", ">=", "=?", "=like", "=ilike", "like", "not like", "ilike",
                       "not ilike", "in", "not in", "child_of", "parent_of", "any", "not any"})
NEGATIVE = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in", "not any": "any"}
Row = dict[str, Any]


class Env(Protocol):
    registry: Registry

    def value(self, model: Model, rid: int, row: Row, fname: str) -> Any: ...

    def search_ids(self, model: str, domain: list[Any], *, active_test: bool) -> list[int]: ...

    def all_rows(self, model: str) -> dict[int, Row]: ...


def normalize(domain: Any) -> list[Any]:
    if not isinstance(domain, list | tuple):
        raise PyValueError(f"Invalid domain: {domain!r}")
    tokens = [tuple(t) if isinstance(t, list) else t for t in domain]
    if not tokens:
        return []
    result: list[Any] = []
    expected = 1
    for token in tokens:
        if expected == 0:
            result.insert(0, "&")
            expected = 1
        if token in ("&", "|"):
            expected += 1
        elif token == "!":
            pass
        elif isinstance(token, tuple) and len(token) == 3:
            expected -= 1
        else:
            raise PyValueError(f"Invalid leaf {token!r}")
        result.append(token)
    if expected != 0:
        raise PyValueError(f"Domain {_repr_domain(domain)} is syntactically not correct.")
    return result


def _repr_domain(domain: Any) -> str:
    return repr([tuple(t) if isinstance(t, list) else t for t in domain])


def mentions_active(domain: list[Any]) -> bool:
    return any(isinstance(t, tuple) and isinstance(t[0], str) and t[0].split(".")[0] == "active" for t in domain)


def filter_ids(env: Env, model: Model, domain: list[Any], rows: dict[int, Row]) -> set[int]:
    tokens = normalize(domain)
    if not tokens:
        return set(rows)
    pos = 0

    def parse() -> set[int]:
        nonlocal pos
        token = tokens[pos]
        pos += 1
        if token == "&":
            left = parse()
            return left & parse()
        if token == "|":
            left = parse()
            return left | parse()
        if token == "!":
            return set(rows) - parse()
        return _leaf(env, model, token, rows)

    return parse()


def _like_regex(pattern: str, wrap: bool, ignore_case: bool) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    body = "".join(out)
    if wrap:
        body = f".*{body}.*"
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _scalar_test(op: str, value: Any, ftype: str) -> Callable[[Any], bool]:
    if op == "=?":
        if value is False or value is None:
            return lambda v: True
        op = "="
    if op in ("=", "!="):
        if value is False or value is None:
            def is_null(v: Any) -> bool:
                return v is None or v is False or (v == "" and ftype in ("char", "text", "html"))
            return is_null if op == "=" else (lambda v: not is_null(v))
        if ftype == "boolean":
            want = bool(value)
            return (lambda v: bool(v) == want) if op == "=" else (lambda v: bool(v) != want)
        return (lambda v: v == value and v is not None) if op == "=" else (lambda v: v != value or v is None)
    if op in ("in", "not in"):
        values = list(value) if isinstance(value, list | tuple | set) else [value]
        with_null = any(x is False or x is None for x in values)
        plain = [x for x in values if x is not False and x is not None]
        if ftype == "boolean":
            def bool_in(v: Any) -> bool:
                return bool(v) in {bool(x) for x in values}
            return bool_in if op == "in" else (lambda v: not bool_in(v))
        if op == "in":
            return lambda v: (v in plain and v is not None) or (with_null and (v is None or v is False))
        return lambda v: ((v is None or v is False) and not with_null) or (
            v is not None and v is not False and v not in plain)
    if op in ("<", ">", "<=", ">="):
        def cmp(v: Any) -> bool:
            if v is None or v is False or value is None or value is False:
                return False
            try:
                if op == "<":
                    return bool(v < value)
                if op == ">":
                    return bool(v > value)
                if op == "<=":
                    return bool(v <= value)
                return bool(v >= value)
            except TypeError:
                return False
        return cmp
    if op in ("like", "ilike", "=like", "=ilike", "not like", "not ilike"):
        positive = NEGATIVE.get(op, op)
        if value is False or value is None:
            # Odoo: 'ilike' False behaves like '=' False; keep that shortcut
            return _scalar_test("=" if op in ("like", "ilike", "=like", "=ilike") else "!=", False, ftype)
        rx = _like_regex(str(value), wrap=not positive.startswith("="), ignore_case="ilike" in positive)

        def match(v: Any) -> bool:
            return v is not None and v is not False and rx.fullmatch(str(v)) is not None
        return match if op == positive else (lambda v: not match(v))
    raise AssertionError(op)


def _leaf(env: Env, model: Model, leaf: tuple[Any, ...], rows: dict[int, Row]) -> set[int]:
    left, op, value = leaf
    if isinstance(left, int) and not isinstance(left, bool) and op == "=" and isinstance(value, int):
        return set(rows) if left == value else set()  # TRUE_LEAF / FALSE_LEAF
    if not isinstance(left, str) or not isinstance(op, str):
        raise PyValueError(f"Invalid leaf {leaf!r}")
    op = op.lower()
    if op not in OPERATORS:
        raise PyValueError(f"Invalid leaf {leaf!r}")
    path = left.split(".")
    fname = path[0]
    if fname not in model.fields:
        raise PyValueError(f"Invalid field {model.name}.{fname} in leaf {leaf!r}")
    field = model.fields[fname]
    ftype = field["type"]
    relational = ftype in ("many2one", "one2many", "many2many")
    if len(path) > 1 and not relational:
        raise PyValueError(f"Invalid field {model.name}.{left} in leaf {leaf!r}")

    def getter(rid: int, row: Row) -> Any:
        if fname == "id":
            return rid
        return env.value(model, rid, row, fname)

    comodel = field.get("relation") or (model.name if fname == "id" else None)
    if len(path) > 1:
        assert comodel is not None
        sub = set(env.search_ids(comodel, [(".".join(path[1:]), op, value)], active_test=ftype != "many2one"))
        return _match_ids(rows, getter, ftype, sub, negative=False)
    if op in ("any", "not any"):
        if not relational:
            raise PyValueError(f"Invalid leaf {leaf!r}")
        assert comodel is not None
        sub = set(env.search_ids(comodel, list(value), active_test=ftype != "many2one"))
        return _match_ids(rows, getter, ftype, sub, negative=op == "not any")
    if op in ("child_of", "parent_of"):
        assert comodel is not None
        targets = _hierarchy(env, comodel, value, op)
        return _match_ids(rows, getter, ftype if fname != "id" else "many2one", targets, negative=False)
    if relational or fname == "id":
        names = value if isinstance(value, list | tuple) else [value]
        if comodel and any(isinstance(v, str) for v in names) and op not in ("<", ">", "<=", ">="):
            positive = NEGATIVE.get(op, op)
            name_op = "=" if positive in ("in", "=") else positive
            target = env.registry.models[comodel]
            sub = set()
            for v in names:
                if isinstance(v, str):
                    sub |= set(env.search_ids(comodel, [("display_name" if target.rec_name is None
                                                         else target.rec_name, name_op, v)], active_test=False))
                elif isinstance(v, int):
                    sub.add(v)
            return _match_ids(rows, getter, ftype, sub, negative=op != positive)
        if ftype in ("one2many", "many2many"):
            return _x2many_scalar(rows, getter, op, value)
    test = _scalar_test(op, value, ftype)
    return {rid for rid, row in rows.items() if test(getter(rid, row))}


def _match_ids(rows: dict[int, Row], getter: Callable[[int, Row], Any], ftype: str, sub: set[int],
               negative: bool) -> set[int]:
    out = set()
    for rid, row in rows.items():
        v = getter(rid, row)
        if ftype in ("one2many", "many2many"):
            hit = bool(set(v or []) & sub)
        else:
            hit = v in sub if isinstance(v, int) and not isinstance(v, bool) else False
        if hit != negative:
            out.add(rid)
    return out


def _x2many_scalar(rows: dict[int, Row], getter: Callable[[int, Row], Any], op: str, value: Any) -> set[int]:
    out = set()
    if op == "=?" and value in (False, None):
        return set(rows)
    empty_means_unset = value is False or value is None  # ('tag_ids', '=', False): no tags at all
    values = set(value) if isinstance(value, list | tuple) else ({value} if not empty_means_unset else set())
    for rid, row in rows.items():
        ids = set(getter(rid, row) or [])
        if op in ("=", "in", "=?"):
            hit = not ids if empty_means_unset else bool(ids & values)
        elif op in ("!=", "not in"):
            hit = bool(ids) if empty_means_unset else not (ids & values)
        else:
            raise PyValueError(f"Invalid leaf {op!r} on a x2many field")
        if hit:
            out.add(rid)
    return out


def _hierarchy(env: Env, model_name: str, value: Any, op: str) -> set[int]:
    model = env.registry.models[model_name]
    if isinstance(value, str):
        start = set(env.search_ids(model_name, [("display_name" if model.rec_name is None else model.rec_name,
                                                 "ilike", value)], active_test=False))
    else:
        start = {int(v) for v in (value if isinstance(value, list | tuple) else [value]) if v}
    if "parent_id" not in model.fields or model.fields["parent_id"].get("relation") != model_name:
        return start
    parents = {rid: row.get("parent_id") for rid, row in env.all_rows(model_name).items()}
    found = set(start)
    if op == "child_of":
        frontier = set(start)
        while frontier:
            frontier = {rid for rid, parent in parents.items() if parent in frontier and rid not in found}
            found |= frontier
    else:
        for rid in start:
            parent = parents.get(rid)
            while parent and parent not in found:
                found.add(parent)
                parent = parents.get(parent)
    return found


def parse_order(model: Model, order: str | None) -> list[tuple[str, bool]]:
    spec = order or model.order
    out: list[tuple[str, bool]] = []
    for part in spec.split(","):
        words = part.strip().split()
        if not words:
            continue
        fname = words[0].strip('"')
        direction = words[1].lower() if len(words) > 1 else "asc"
        if (fname not in model.fields and fname != "id") or direction not in ("asc", "desc"):
            raise PyValueError(f"Invalid field {fname!r} on model {model.name!r}")
        out.append((fname, direction == "desc"))
    return out
