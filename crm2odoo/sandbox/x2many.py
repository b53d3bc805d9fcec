"""One2many and many2many writes: the (0..6) command lists of fields.py ``_RelationalMulti.write_batch``.

Commands run against an :class:`~crm2odoo.sandbox.orm.Env`, because creating, updating or deleting the
related records goes through the ORM like any other call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .exceptions import MissingError, PyValueError, ValidationError, record_repr
from .meta import M2M_TABLES

if TYPE_CHECKING:
    from .orm import Env
    from .schema import Model


@dataclass(frozen=True)
class Relation:
    """The x2many field being written on one record."""

    env: Env
    model: Model
    rid: int
    fname: str
    comodel: str
    inverse: str | None  # the one2many's many2one on the comodel; None for a many2many

    def unlink_inverse(self, ids: list[int]) -> None:
        """A one2many that lets records go clears their many2one back to this record."""
        if self.inverse:
            for old in ids:
                self.env.write(self.comodel, [old], {self.inverse: False})


def normalize_commands(model: Model, fname: str, commands: Any) -> list[Any]:
    """False clears (5), a flat id list replaces (6); anything else must be a list of commands."""
    if commands is False or commands is None:
        return [[5, 0, 0]]
    if isinstance(commands, list | tuple) and commands and not isinstance(commands[0], list | tuple):
        return [[6, 0, list(commands)]]
    if not isinstance(commands, list | tuple):
        raise PyValueError(f"Wrong value for {model.name}.{fname}: {commands!r}")
    return list(commands)


def _create(rel: Relation, cmd: Any, target: list[int]) -> list[int]:
    values = dict(cmd[2] or {})
    if rel.inverse:
        values[rel.inverse] = rel.rid
    return [*target, rel.env.create(rel.comodel, [values])[0]]


def _update(rel: Relation, cmd: Any, target: list[int]) -> list[int]:
    rel.env.write(rel.comodel, [int(cmd[1])], dict(cmd[2] or {}))
    return _link(rel, cmd, target)


def _delete(rel: Relation, cmd: Any, target: list[int]) -> list[int]:
    rel.env.unlink(rel.comodel, [int(cmd[1])])
    return [i for i in target if i != cmd[1]]


def _unlink(rel: Relation, cmd: Any, target: list[int]) -> list[int]:
    kept = [i for i in target if i != cmd[1]]
    rel.unlink_inverse([int(cmd[1])])
    return kept


def _link(rel: Relation, cmd: Any, target: list[int]) -> list[int]:
    return target if int(cmd[1]) in target else [*target, int(cmd[1])]


def _clear(rel: Relation, cmd: Any, target: list[int]) -> list[int]:
    rel.unlink_inverse(list(target))
    return []


def _set(rel: Relation, cmd: Any, target: list[int]) -> list[int]:
    return [int(i) for i in (cmd[2] or [])]


_COMMANDS: dict[int, Callable[[Relation, Any, list[int]], list[int]]] = {
    0: _create, 1: _update, 2: _delete, 3: _unlink, 4: _link, 5: _clear, 6: _set,
}


def run_commands(rel: Relation, commands: list[Any], current: list[int]) -> list[int]:
    """The ids the field holds after the commands, creating/writing/deleting related records on the way."""
    target = list(current)
    for cmd in commands:
        if not isinstance(cmd, list | tuple) or not cmd:
            raise PyValueError(f"Wrong value for {rel.model.name}.{rel.fname}: {cmd!r}")
        step = _COMMANDS.get(cmd[0])
        if step is None:
            raise PyValueError(f"Unknown command {cmd[0]!r} for field {rel.model.name}.{rel.fname}")
        target = step(rel, cmd, target)
    return target


def _other_column(rel: Relation) -> str:
    spec = M2M_TABLES.get(f"{rel.model.name}.{rel.fname}")
    if spec:
        return spec[2]
    return f"{rel.comodel.replace('.', '_')}_id"


def store_many2many(rel: Relation, current: list[int], target: list[int]) -> None:
    """Write the relation table; a missing target fails as PostgreSQL's foreign key (or res.partner) does."""
    env = rel.env
    tbl, col = env.registry.m2m(rel.model.name, rel.fname)
    missing = set(target) - env.store.exists(rel.comodel, target)
    if missing and rel.model.name == "res.partner":
        # res.partner computes from its tags first, so Odoo reports the missing record itself
        raise MissingError("Record does not exist or has been deleted.\n"
                           f"(Record: {record_repr(rel.comodel, sorted(missing))}, User: {env.uid})")
    if missing:
        raise ValidationError(
            "The operation cannot be completed: another model requires the record being deleted. "
            "If possible, archive it instead.\n\nModel: Unknown (unknown)\n"
            f"Constraint: {tbl}_{_other_column(rel)}_fkey\n")
    for old in current:
        if old not in target:
            env.store.rel_remove(tbl, *((rel.rid, old) if col == "a" else (old, rel.rid)))
    for new in target:
        env.store.rel_add(tbl, *((rel.rid, new) if col == "a" else (new, rel.rid)))


def link_one2many(rel: Relation, current: list[int], target: list[int]) -> None:
    """New members of a one2many point their many2one at this record."""
    if rel.inverse:
        for new in target:
            if new not in current:
                rel.env.write(rel.comodel, [new], {rel.inverse: rel.rid})
