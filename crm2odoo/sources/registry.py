"""The connector registry: every source system says here what it brings, and the rest of the tool reads it.

A source package (``crm2odoo/sources/<system>/__init__.py``) calls :func:`register` once with a
:class:`SourceRegistration`: its input kinds (each with its connector class, ``[source]`` keys, defaults and the
``crm2odoo init`` template), the canonical objects it yields with their load phase, and, when it has them, the
bookkeeping column names to leave out and the defaults of objects only it yields. ``config``, the CLI's
``--source`` choices, the load order, the proposer's tables and :func:`crm2odoo.sources.open_source` read the
registry, so none of them keeps a per-source table. Adding a source is a new package plus one line in
:data:`BUILTIN_PACKAGES` (see docs/design/adding-a-source.md).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

V = TypeVar("V")

#: The packages whose import registers a built-in source. Imported on the first look-up, never before, so that
#: importing the registry stays cheap and a source package may import anything of crm2odoo's.
BUILTIN_PACKAGES: tuple[str, ...] = (
    "crm2odoo.sources.ontraport",
    "crm2odoo.sources.planports",
)


@dataclass(frozen=True)
class SourceKind:
    """One way to read a source system (its API, a folder of CSV exports, a workbook): a value of ``[source] kind``."""

    kind: str
    #: "module:Class" (imported only when a project opens it) or the class itself; constructed as
    #: ``Class(settings: SourceSettings)``
    connector: str | Callable[[Any], Any]
    keys: Mapping[str, bool]  # [source] key -> required
    template: str  # the [source] table `crm2odoo init --source KIND` writes, commented
    defaults: Mapping[str, Any] = field(default_factory=dict)  # values of keys the file may leave out


@dataclass(frozen=True)
class SourceRegistration:
    """What one source system brings. ``system`` is the short name in external IDs (crm2odoo.<system>_<object>_<id>)."""

    system: str
    kinds: tuple[SourceKind, ...]
    #: canonical object -> load phase (a constant of :mod:`crm2odoo.sources.phases`); smaller loads first
    load_order: Mapping[str, int]
    #: column names that are the system's own bookkeeping, never customer data (compared after folding)
    system_phrases: tuple[str, ...] = ()
    #: where objects only this source yields land in Odoo (:class:`crm2odoo.mapping.defaults.ObjectDefault`)
    object_defaults: Mapping[str, Any] = field(default_factory=dict)


_registrations: dict[str, SourceRegistration] = {}
_lock = threading.RLock()
_builtin_loaded = False
_generation = 0  # bumped by every change, so tables derived from the registry know when to rebuild


class RegistryError(ValueError):
    """A registration contradicts one already made (a kind or system twice, one object in two phases)."""


def register(registration: SourceRegistration) -> None:
    """Add a source system. Refuses one whose system or kinds are taken, or that puts a shared object in another
    phase than the sources already registered (the load order is one for every source)."""
    global _generation
    with _lock:
        if registration.system in _registrations:
            raise RegistryError(f"source system {registration.system!r} is registered already")
        taken = {k.kind: r.system for r in _registrations.values() for k in r.kinds}
        for source_kind in registration.kinds:
            if source_kind.kind in taken:
                raise RegistryError(f"source kind {source_kind.kind!r} is registered already by {taken[source_kind.kind]}")
        ranks = _merged_load_order()
        for obj, phase in registration.load_order.items():
            if obj in ranks and ranks[obj] != phase:
                raise RegistryError(f"{registration.system}: object {obj!r} loads in phase {phase}, "
                                    f"other sources load it in phase {ranks[obj]}")
        _registrations[registration.system] = registration
        _generation += 1


def unregister(system: str) -> None:
    """Remove a source system (for tests that register a fake one)."""
    global _generation
    with _lock:
        _registrations.pop(system, None)
        _generation += 1


def _load_builtin() -> None:
    global _builtin_loaded
    if _builtin_loaded:
        return
    with _lock:
        if not _builtin_loaded:
            _builtin_loaded = True
            for package in BUILTIN_PACKAGES:
                importlib.import_module(package)


def registrations() -> tuple[SourceRegistration, ...]:
    """Every registered source system, built-in ones first."""
    _load_builtin()
    with _lock:
        return tuple(_registrations.values())


def generation() -> int:
    """A number that changes whenever the registry does (after the built-in sources are in)."""
    _load_builtin()
    return _generation


def source_kinds() -> dict[str, SourceKind]:
    """kind -> its description, in registration order."""
    return {k.kind: k for r in registrations() for k in r.kinds}


def kind_names() -> tuple[str, ...]:
    return tuple(source_kinds())


def system_of(kind: str) -> str:
    """The system a kind reads (``ontraport-csv`` -> ``ontraport``); KeyError for an unknown kind."""
    for registration in registrations():
        if any(k.kind == kind for k in registration.kinds):
            return registration.system
    raise KeyError(kind)


def _merged_load_order() -> dict[str, int]:
    return {obj: phase for r in _registrations.values() for obj, phase in r.load_order.items()}


def load_order() -> dict[str, int]:
    """Canonical object -> load phase, over every registered source."""
    registrations()
    with _lock:
        return _merged_load_order()


def system_phrases() -> tuple[str, ...]:
    return tuple(p for r in registrations() for p in r.system_phrases)


def object_defaults() -> dict[str, Any]:
    return {obj: default for r in registrations() for obj, default in r.object_defaults.items()}


class LiveTable(Mapping[str, V], Generic[V]):
    """A read-only mapping that is ``base`` plus what the registry adds, read at each look-up, so a table that
    callers import by name (``PHASE_RANK``, ``OBJECT_DEFAULTS``) sees sources registered after its import."""

    def __init__(self, base: Mapping[str, V], added: Callable[[], Mapping[str, V]]) -> None:
        self._base = dict(base)
        self._added = added
        self._cache: tuple[int, dict[str, V]] = (-1, {})

    def _table(self) -> dict[str, V]:
        current = generation()
        if self._cache[0] != current:
            self._cache = (current, {**self._base, **self._added()})
        return self._cache[1]

    def __getitem__(self, key: str) -> V:
        return self._table()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __repr__(self) -> str:
        return f"LiveTable({self._table()!r})"
