"""The ledger file itself: opening, migrating, one lock, one transaction per public method, and the ``meta`` table."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crm2odoo.errors import LedgerError
from crm2odoo.ledger.migrations import MIGRATIONS, SCHEMA_VERSION

#: bound parameters per statement, under SQLite's default limit
CHUNK = 900


def chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def marks(values: list[Any]) -> str:
    """``?,?,?``: one placeholder per value of an ``IN`` clause."""
    return ",".join("?" * len(values))


class Where:
    """A WHERE clause made of the filters a caller gives; a filter whose value is None is left out."""

    def __init__(self) -> None:
        self.terms: list[str] = ["1=1"]
        self.params: list[Any] = []

    def add(self, term: str, *params: Any) -> Where:
        self.terms.append(term)
        self.params.extend(params)
        return self

    def equals(self, column: str, value: Any) -> Where:
        return self if value is None else self.add(f"{column}=?", value)

    def within(self, column: str, values: Iterable[Any] | None) -> Where:
        if values is None:
            return self
        wanted = list(values)
        return self.add(f"{column} IN ({marks(wanted)})", *wanted)

    def __str__(self) -> str:
        return " AND ".join(self.terms)


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


class Store:
    """Thread-safe access to the ledger file. Every public method is one SQLite transaction."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open ledger {path}: {exc}") from None
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._db.execute(sql, tuple(params)))

    def _migrate(self) -> None:
        with self._lock:
            has_meta = self._db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone()
            current = 0
            if has_meta:
                row = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise LedgerError(f"ledger schema {current} is newer than this crm2odoo understands ({SCHEMA_VERSION})")
            for version, script in MIGRATIONS:
                if version <= current:
                    continue
                # executescript commits implicitly, so the migration and its version row go in one explicit script
                self._db.executescript(
                    "BEGIN;" + script + f";INSERT OR REPLACE INTO meta VALUES ('schema_version', '{version}');COMMIT;"
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- meta ----------------------------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key=?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def del_meta(self, key: str) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM meta WHERE key=?", (key,))
