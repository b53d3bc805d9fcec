"""SQLite persistence for the sandbox: one generic ``records`` table, many2many link rows and id counters.

Every record is one row ``(model, id, data)`` with ``data`` a JSON object of its stored fields. Odoo's
per-call transaction maps to one SQLite transaction held under the server lock; ``ir.model.data`` gets
expression indexes on (module, name) and (model, res_id) because loaders look xmlids up thousands of times, and
every model one on ``parent_id``, because each partner saved looks its children up (Odoo's ``_fields_sync``): without
it every save scans the whole partner table and an import slows as the table grows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

Row = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (model TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL,
                                    PRIMARY KEY (model, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS imd_module_name ON records (model, json_extract(data, '$.module'),
                                                      json_extract(data, '$.name'));
CREATE INDEX IF NOT EXISTS imd_model_res ON records (model, json_extract(data, '$.model'),
                                                    json_extract(data, '$.res_id'));
CREATE INDEX IF NOT EXISTS rec_parent ON records (model, json_extract(data, '$.parent_id'));
CREATE TABLE IF NOT EXISTS rel (tbl TEXT NOT NULL, a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (tbl, a, b))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rel_b ON rel (tbl, b);
CREATE TABLE IF NOT EXISTS seq (model TEXT PRIMARY KEY, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """Row access with a per-transaction decode cache (cleared on commit and rollback)."""

    def __init__(self, path: str | None) -> None:
        self.conn = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        if path:
            # WAL keeps committed calls durable when the process is killed mid-run (the demo's resume test).
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(_SCHEMA)
        self._cache: dict[tuple[str, int], Row | None] = {}

    # -- transactions -----------------------------------------------------------------------------------
    def begin(self) -> None:
        self.conn.execute("BEGIN")

    def commit(self) -> None:
        self.conn.execute("COMMIT")
        self._cache.clear()

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self._cache.clear()

    def close(self) -> None:
        self.conn.close()

    # -- meta -------------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- records ----------------------------------------------------------------------------------------
    def next_id(self, model: str) -> int:
        row = self.conn.execute("SELECT last FROM seq WHERE model = ?", (model,)).fetchone()
        new = (int(row[0]) if row else 0) + 1
        self.conn.execute("INSERT OR REPLACE INTO seq (model, last) VALUES (?, ?)", (model, new))
        return new

    def bump_id(self, model: str, at_least: int) -> None:
        row = self.conn.execute("SELECT last FROM seq WHERE model = ?", (model,)).fetchone()
        if not row or int(row[0]) < at_least:
            self.conn.execute("INSERT OR REPLACE INTO seq (model, last) VALUES (?, ?)", (model, at_least))

    def insert(self, model: str, rid: int, data: Row) -> None:
        self.conn.execute("INSERT INTO records (model, id, data) VALUES (?, ?, ?)",
                          (model, rid, json.dumps(data, ensure_ascii=False)))
        self._cache[(model, rid)] = dict(data)

    def update(self, model: str, rid: int, data: Row) -> None:
        self.conn.execute("UPDATE records SET data = ? WHERE model = ? AND id = ?",
                          (json.dumps(data, ensure_ascii=False), model, rid))
        self._cache[(model, rid)] = dict(data)

    def delete(self, model: str, rid: int) -> None:
        self.conn.execute("DELETE FROM records WHERE model = ? AND id = ?", (model, rid))
        self._cache[(model, rid)] = None

    def get(self, model: str, rid: int) -> Row | None:
        key = (model, rid)
        if key in self._cache:
            cached = self._cache[key]
            return dict(cached) if cached is not None else None
        row = self.conn.execute("SELECT data FROM records WHERE model = ? AND id = ?", (model, rid)).fetchone()
        data: Row | None = json.loads(row[0]) if row else None
        self._cache[key] = data
        return dict(data) if data is not None else None

    def exists(self, model: str, ids: Iterable[int]) -> set[int]:
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found: set[int] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM records WHERE model = ? AND id IN ({marks})", (model, *chunk)))
        return found

    def scan(self, model: str, where: list[tuple[str, list[Any]]] | None = None) -> Iterator[tuple[int, Row]]:
        """All rows of a model, optionally pre-filtered by SQL conditions on ``json_extract`` values."""
        sql = "SELECT id, data FROM records WHERE model = ?"
        # Without statistics SQLite prefers the (model, id) key; lookups by an indexed value must name the index.
        heads = [clause for clause, _ in where or []]
        if model == "ir.model.data" and any(h.startswith("json_extract(data, '$.module') =") for h in heads):
            sql = "SELECT id, data FROM records INDEXED BY imd_module_name WHERE model = ?"
        elif model == "ir.model.data" and any(h.startswith("json_extract(data, '$.model') =") for h in heads):
            sql = "SELECT id, data FROM records INDEXED BY imd_model_res WHERE model = ?"
        elif any(h.startswith("json_extract(data, '$.parent_id') =") for h in heads):
            sql = "SELECT id, data FROM records INDEXED BY rec_parent WHERE model = ?"
        params: list[Any] = [model]
        for clause, values in where or []:
            sql += f" AND {clause}"
            params.extend(values)
        for rid, data in self.conn.execute(sql + " ORDER BY id", params):
            key = (model, int(rid))
            if key in self._cache:
                cached = self._cache[key]
                if cached is not None:
                    yield int(rid), dict(cached)
                continue
            decoded = json.loads(data)
            self._cache[key] = decoded
            yield int(rid), dict(decoded)

    def count(self, model: str) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM records WHERE model = ?", (model,)).fetchone()[0])

    # -- many2many links --------------------------------------------------------------------------------
    def rel_get(self, tbl: str, col: str, rid: int) -> list[int]:
        other = "b" if col == "a" else "a"
        return [int(r[0]) for r in self.conn.execute(
            f"SELECT {other} FROM rel WHERE tbl = ? AND {col} = ? ORDER BY {other}", (tbl, rid))]

    def rel_add(self, tbl: str, a: int, b: int) -> None:
        self.conn.execute("INSERT OR IGNORE INTO rel (tbl, a, b) VALUES (?, ?, ?)", (tbl, a, b))

    def rel_remove(self, tbl: str, a: int, b: int) -> None:
        self.conn.execute("DELETE FROM rel WHERE tbl = ? AND a = ? AND b = ?", (tbl, a, b))

    def rel_drop(self, tbl: str, col: str, rid: int) -> None:
        self.conn.execute(f"DELETE FROM rel WHERE tbl = ? AND {col} = ?", (tbl, rid))

    # -- savepoints (load() is all-or-nothing inside the call's transaction) --------------------------------
    def savepoint(self, name: str) -> None:
        self.conn.execute(f"SAVEPOINT {name}")

    def rollback_to(self, name: str) -> None:
        self.conn.execute(f"ROLLBACK TO {name}")
        self.conn.execute(f"RELEASE {name}")
        self._cache.clear()

    def release(self, name: str) -> None:
        self.conn.execute(f"RELEASE {name}")
