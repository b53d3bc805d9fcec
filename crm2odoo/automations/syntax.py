"""Ontraport's rule syntax parsed into a typed structure; nothing is dropped.

A rule's ``events``, ``conditions`` and ``actions`` are strings such as ``Contact_added_to_category(3)`` or
``Is_in_category(3);field_is_condition_fieldvalue(f1500,=,Gold)|Is_in_category(4)``. Each clause becomes a
:class:`Clause`: a documented one carries its spec and named parameters, an unknown name is kept verbatim
(known=False) and a clause that does not follow the syntax is kept with the problem written out, so the
rebuild guide can show it to the admin instead of losing it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from crm2odoo.automations.clauses import BY_PART, ClauseSpec, Part

Joiner = Literal["and", "or"]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Clause:
    """One event, condition or action of a rule, as written and as understood."""

    part: Part
    raw: str
    name: str = ""  # empty when the clause does not follow the syntax
    args: tuple[str, ...] = ()
    joiner: Joiner = "and"  # how a condition joins the one before it
    spec: ClauseSpec | None = None
    problem: str = ""  # why the clause could not be read; empty when it was

    @property
    def known(self) -> bool:
        return self.spec is not None and not self.problem

    @property
    def params(self) -> dict[str, str]:
        """The arguments by documented parameter name (extra arguments as arg4, arg5...)."""
        names = self.spec.params if self.spec else ()
        return {(names[i] if i < len(names) else f"arg{i + 1}"): a for i, a in enumerate(self.args)}

    def words(self) -> str:
        if not self.known or self.spec is None:
            return f"unrecognised {self.part}: {self.raw}"
        values = {p: "" for p in self.spec.params} | self.params
        return self.spec.words.format(**values)


@dataclass(frozen=True)
class ParsedRule:
    """A whole rule: its identity and the clauses of its three parts."""

    rule_id: str
    name: str
    object_type_id: int
    paused: bool
    events: tuple[Clause, ...] = ()
    conditions: tuple[Clause, ...] = ()
    actions: tuple[Clause, ...] = ()
    source: dict[str, str] = field(default_factory=dict)  # the three strings as read

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return self.events + self.conditions + self.actions

    @property
    def problems(self) -> list[str]:
        """Every clause that could not be read or is not documented, said in words."""
        return [f"{c.part} {c.raw!r}: {c.problem or 'not a documented ' + c.part}" for c in self.clauses
                if not c.known]


def _split_top(text: str, separators: str, *, keep_empty: bool = False) -> list[tuple[str, str]]:
    """Split at separators outside parentheses and quotes: [(separator before it, piece)]; an empty piece is
    dropped (``a;;b``) unless ``keep_empty`` (an empty parameter, ``Ping_APIURL(url,,1)``)."""
    pieces: list[tuple[str, str]] = []
    depth, quote, start, before = 0, "", 0, ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch in separators and depth == 0:
            pieces.append((before, text[start:i]))
            start, before = i + 1, ch
    pieces.append((before, text[start:]))
    return [(sep, piece.strip()) for sep, piece in pieces if keep_empty or piece.strip()]


def _unquote(arg: str) -> str:
    arg = arg.strip()
    if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "\"'":
        return arg[1:-1]
    return arg


def parse_clause(part: Part, raw: str, joiner: Joiner = "and") -> Clause:
    """One clause; never raises: what cannot be read is kept with the reason."""
    text = raw.strip()
    open_at = text.find("(")
    if open_at < 0:
        return Clause(part, raw, joiner=joiner, problem="no parameter list: expected Name(...)")
    name = text[:open_at].strip()
    if not _NAME.match(name):
        return Clause(part, raw, joiner=joiner, problem=f"{name!r} is not a clause name")
    if not text.endswith(")") or text.count("(") != text.count(")"):
        return Clause(part, raw, name=name, joiner=joiner, problem="unbalanced parentheses")
    inner = text[open_at + 1:-1]
    args = tuple(_unquote(a) for _, a in _split_top(inner, ",", keep_empty=True)) if inner.strip() else ()
    spec = BY_PART[part].get(name)
    if spec is None:
        other = next((p for p, table in BY_PART.items() if name in table), None)
        problem = f"{name} is a documented {other}, not a {part}" if other else ""
        return Clause(part, raw, name=name, args=args, joiner=joiner, problem=problem)
    if len(args) < len(spec.params):
        missing = ", ".join(spec.params[len(args):])
        return Clause(part, raw, name=name, args=args, joiner=joiner, spec=spec,
                      problem=f"missing parameter(s): {missing}")
    return Clause(part, raw, name=name, args=args, joiner=joiner, spec=spec)


def parse_part(part: Part, text: str | None) -> tuple[Clause, ...]:
    """All clauses of one part; conditions may be joined by ``|`` (or) as well as ``;`` (and)."""
    if not text or not str(text).strip():
        return ()
    separators = ";|" if part == "condition" else ";"
    return tuple(parse_clause(part, piece, "or" if sep == "|" else "and")
                 for sep, piece in _split_top(str(text), separators))


def parse_rule(row: Mapping[str, Any]) -> ParsedRule:
    """A Rules (objectID 6) row as the API returns it."""
    try:
        object_type = int(str(row.get("object_type_id") or 0))
    except ValueError:
        object_type = 0
    strings = {k: str(row.get(k) or "") for k in ("events", "conditions", "actions")}
    return ParsedRule(rule_id=str(row.get("id") or ""), name=str(row.get("name") or ""),
                      object_type_id=object_type, paused=str(row.get("pause") or "0") == "1",
                      events=parse_part("event", strings["events"]),
                      conditions=parse_part("condition", strings["conditions"]),
                      actions=parse_part("action", strings["actions"]), source=strings)
