"""The run ledger: one SQLite file, the single source of truth for resume, delta, rollback and reconciliation.

What it holds:

* ``runs`` and ``phases`` with their state;
* ``records``: every source record (object + source id) and its fate: the Odoo model, id and external ID, the
  content hash of what was last written, and its state (``sending`` before a write is sent, then ``created``,
  ``updated``, ``matched``, ``unchanged``, ``skipped`` or ``quarantined``) with a reason;
* ``prior_values``: the values a run overwrote on an existing record, so rollback restores them;
* ``schema_changes``: custom fields and models the tool created;
* ``issues``: skips, quarantines, conflicts and warnings with reasons and locators;
* ``approvals``, ``cursors`` (delta), ``owners`` (the owner reconciliation queue) and ``meta`` (the Odoo it
  is bound to, schema version).

Intent first: a record is written as ``sending`` (with its external ID) and committed *before* the write is
sent to Odoo. Because the write itself is idempotent through the external ID, resuming means re-sending
whatever is still ``sending``.

Nothing secret is ever stored here.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm2odoo.errors import LedgerError, LedgerMismatch

SCHEMA_VERSION = 3

_MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,                -- migrate | sample | delta | dry-run | rollback
        state TEXT NOT NULL,               -- running | interrupted | done | failed | rolled_back
        started_at TEXT NOT NULL,
        finished_at TEXT,
        mapping_hash TEXT,
        options TEXT NOT NULL DEFAULT '{}',
        summary TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE phases (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        name TEXT NOT NULL,
        state TEXT NOT NULL,               -- running | done | failed | blocked
        started_at TEXT NOT NULL,
        finished_at TEXT,
        counts TEXT NOT NULL DEFAULT '{}',
        message TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (run_id, name)
    );
    CREATE TABLE records (
        object TEXT NOT NULL,              -- map name (contact, company, ...)
        source_id TEXT NOT NULL,
        model TEXT NOT NULL,
        xmlid TEXT NOT NULL,
        odoo_id INTEGER,
        state TEXT NOT NULL,               -- sending | created | updated | matched | unchanged | merged | conflict |
                                           -- archived (deleted in the source) | skipped | quarantined
        origin TEXT NOT NULL DEFAULT 'created',   -- created (by the tool) | matched (existed in Odoo)
        content_hash TEXT,
        written TEXT,                      -- JSON of the values last written (conflict detection on delta)
        created_run INTEGER,
        last_run INTEGER,
        reason TEXT NOT NULL DEFAULT '',
        locator TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        PRIMARY KEY (object, source_id)
    );
    CREATE INDEX records_state ON records(state);
    CREATE INDEX records_model_id ON records(model, odoo_id);
    CREATE INDEX records_last_run ON records(last_run);
    CREATE TABLE prior_values (
        run_id INTEGER NOT NULL,
        model TEXT NOT NULL,
        odoo_id INTEGER NOT NULL,
        vals TEXT NOT NULL,
        restored INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, model, odoo_id)
    );
    CREATE TABLE schema_changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL,
        kind TEXT NOT NULL,                -- model | field | config_param
        model TEXT NOT NULL,
        name TEXT NOT NULL,
        odoo_id INTEGER,
        state TEXT NOT NULL,               -- sending | done | removed
        details TEXT NOT NULL DEFAULT '{}',
        UNIQUE (kind, model, name)
    );
    CREATE TABLE issues (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER,
        object TEXT NOT NULL,
        source_id TEXT,
        kind TEXT NOT NULL,                -- skip | quarantine | conflict | warning | owner
        field TEXT,
        value TEXT,
        reason TEXT NOT NULL,
        locator TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE INDEX issues_run ON issues(run_id);
    CREATE TABLE approvals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        mapping_hash TEXT NOT NULL,
        login TEXT NOT NULL,
        approved_at TEXT NOT NULL,
        mapping TEXT NOT NULL              -- the approved map, for `approve` to show what changed since
    );
    CREATE TABLE cursors (object TEXT PRIMARY KEY, value TEXT NOT NULL, run_id INTEGER NOT NULL);
    CREATE TABLE owners (
        source_id TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL,               -- matched | unmatched | fallback
        odoo_user_id INTEGER,
        odoo_partner_id INTEGER
    );
    """),
    (2, """
    CREATE TABLE actions (
        object TEXT NOT NULL,
        source_id TEXT NOT NULL,
        action TEXT NOT NULL,              -- the Odoo method called after loading (action_confirm, action_post)
        model TEXT NOT NULL,
        odoo_id INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        state TEXT NOT NULL,               -- pending | done | failed | undone
        reason TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (object, source_id, action)
    );
    """),
    (3, """
    -- JSON of what Odoo stored for the fields the tool last wrote, read back right after the write: Odoo
    -- normalises values (a website gains its scheme, HTML is sanitised) and fills others (defaults, dates), so
    -- reconcile, the delta's three-way merge and rollback compare Odoo with this, never with the values sent
    ALTER TABLE records ADD COLUMN landed TEXT;
    """),
]

RecordState = str
FINAL_STATES = ("created", "updated", "matched", "unchanged", "merged", "conflict", "archived", "skipped",
                "quarantined")


#: a record that is in Odoo (its id resolves references)
_LANDED = ("odoo_id IS NOT NULL AND state IN ('created','updated','matched','unchanged','merged','conflict',"
           "'archived')")
#: bound parameters per statement, under SQLite's default limit
_CHUNK = 900


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class RecordRow:
    object: str
    source_id: str
    model: str
    xmlid: str
    odoo_id: int | None
    state: str
    origin: str
    content_hash: str | None
    written: dict[str, Any] | None
    created_run: int | None
    last_run: int | None
    reason: str
    locator: str
    landed: dict[str, Any] | None = None

    @property
    def stored(self) -> dict[str, Any] | None:
        """The fields the tool last wrote, each as Odoo stored it (read back after the write) where that is known,
        else as sent (ledgers from before landed values, writes not read back)."""
        if self.written is None:
            return None
        out: dict[str, Any] = {}
        for name, value in self.written.items():
            found = self.landed_value(name)
            out[name] = value if found is None else found
        return out

    def landed_value(self, name: str) -> str | None:
        """What Odoo stored for ``name`` when the tool last wrote it; None when that write was not read back.

        A read-back counts only for the value it followed: a later write that was not read back wins."""
        pair = (self.landed or {}).get(name)
        if not (isinstance(pair, list) and len(pair) == 2) or self.written is None or name not in self.written:
            return None
        return str(pair[1]) if pair[0] == str(self.written[name]) else None


def _record(row: sqlite3.Row) -> RecordRow:
    return RecordRow(
        object=row["object"], source_id=row["source_id"], model=row["model"], xmlid=row["xmlid"],
        odoo_id=row["odoo_id"], state=row["state"], origin=row["origin"], content_hash=row["content_hash"],
        written=json.loads(row["written"]) if row["written"] else None, created_run=row["created_run"],
        last_run=row["last_run"], reason=row["reason"], locator=row["locator"],
        landed=json.loads(row["landed"]) if row["landed"] else None,
    )


class Ledger:
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

    # -- plumbing -------------------------------------------------------------------------------------------
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
            for version, script in _MIGRATIONS:
                if version <= current:
                    continue
                # executescript commits implicitly, so the migration and its version row go in one explicit script
                self._db.executescript(
                    "BEGIN;" + script + f";INSERT OR REPLACE INTO meta VALUES ('schema_version', '{version}');COMMIT;"
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- binding to one Odoo ---------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key=?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def del_meta(self, key: str) -> None:
        with self.tx() as db:
            db.execute("DELETE FROM meta WHERE key=?", (key,))

    def bind(self, odoo_url: str, database: str) -> None:
        """Bind to an Odoo on first use; refuse any other afterwards."""
        identity = f"{odoo_url.rstrip('/')}|{database}"
        bound = self.meta("odoo_identity")
        if bound is None:
            self.set_meta("odoo_identity", identity)
        elif bound != identity:
            url, _, db = bound.partition("|")
            raise LedgerMismatch(
                f"this project's ledger belongs to Odoo {url} database {db!r}, not {odoo_url} database {database!r}",
                hint="use the project folder made for this Odoo, or start a new project folder for the new target",
            )

    # -- runs and phases --------------------------------------------------------------------------------------
    def start_run(self, kind: str, *, mapping_hash: str | None, options: dict[str, Any]) -> int:
        with self.tx() as db:
            cur = db.execute(
                "INSERT INTO runs (kind, state, started_at, mapping_hash, options) VALUES (?, 'running', ?, ?, ?)",
                (kind, now(), mapping_hash, json.dumps(options, sort_keys=True, default=str)),
            )
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, state: str, summary: dict[str, Any] | None = None) -> None:
        with self.tx() as db:
            db.execute("UPDATE runs SET state=?, finished_at=?, summary=? WHERE id=?",
                       (state, now(), json.dumps(summary or {}, sort_keys=True, default=str), run_id))

    def unfinished_run(self, kinds: tuple[str, ...] = ("migrate", "sample", "delta")) -> sqlite3.Row | None:
        marks = ",".join("?" * len(kinds))
        rows = self.query(f"SELECT * FROM runs WHERE state IN ('running', 'interrupted') AND kind IN ({marks}) "
                          "ORDER BY id DESC LIMIT 1", kinds)
        return rows[0] if rows else None

    def runs(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM runs ORDER BY id")

    def run(self, run_id: int) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM runs WHERE id=?", (run_id,))
        return rows[0] if rows else None

    def phase(self, run_id: int, name: str, state: str, counts: dict[str, Any] | None = None, message: str = "") -> None:
        with self.tx() as db:
            db.execute(
                """INSERT INTO phases (run_id, name, state, started_at, counts, message) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (run_id, name) DO UPDATE SET state=excluded.state, counts=excluded.counts,
                   message=excluded.message,
                   finished_at=CASE WHEN excluded.state IN ('done','failed','blocked') THEN ? ELSE NULL END""",
                (run_id, name, state, now(), json.dumps(counts or {}, sort_keys=True), message, now()),
            )

    def phases(self, run_id: int) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM phases WHERE run_id=? ORDER BY started_at, rowid", (run_id,))

    # -- records ----------------------------------------------------------------------------------------------
    def get(self, obj: str, source_id: str) -> RecordRow | None:
        rows = self.query("SELECT * FROM records WHERE object=? AND source_id=?", (obj, source_id))
        return _record(rows[0]) if rows else None

    def records(self, obj: str | None = None, *, states: Iterable[str] | None = None,
                run_id: int | None = None) -> list[RecordRow]:
        sql, params = "SELECT * FROM records WHERE 1=1", list[Any]()
        if obj is not None:
            sql += " AND object=?"
            params.append(obj)
        if states is not None:
            wanted = list(states)
            sql += f" AND state IN ({','.join('?' * len(wanted))})"
            params.extend(wanted)
        if run_id is not None:
            sql += " AND (created_run=? OR last_run=?)"
            params.extend([run_id, run_id])
        return [_record(r) for r in self.query(sql + " ORDER BY object, rowid", params)]

    def id_map(self, obj: str) -> dict[str, int]:
        """source id -> Odoo id of every landed record of one object (for resolving references)."""
        rows = self.query(f"SELECT source_id, odoo_id FROM records WHERE object=? AND {_LANDED}", (obj,))
        return {r[0]: int(r[1]) for r in rows}

    def _of_source_ids(self, obj: str, source_ids: Iterable[str], columns: str,
                       where: str = "1=1") -> Iterator[sqlite3.Row]:
        """``source_id, columns`` of the records of ``obj`` among ``source_ids``: indexed reads, a chunk per
        statement."""
        for chunk in _chunks(list(dict.fromkeys(source_ids))):
            yield from self.query(f"SELECT source_id, {columns} FROM records WHERE object=? AND source_id IN "
                                  f"({','.join('?' * len(chunk))}) AND {where}", (obj, *chunk))

    def landed_ids(self, obj: str, source_ids: Iterable[str]) -> dict[str, int]:
        """source id -> Odoo id for those of ``source_ids`` that landed."""
        return {r[0]: int(r[1]) for r in self._of_source_ids(obj, source_ids, "odoo_id", _LANDED)}

    def landed_count(self, obj: str) -> int:
        return int(self.query(f"SELECT COUNT(*) FROM records WHERE object=? AND {_LANDED}", (obj,))[0][0])

    def landed_source_ids(self, obj: str) -> list[str]:
        return [str(r[0]) for r in self.query(f"SELECT source_id FROM records WHERE object=? AND {_LANDED} "
                                              "ORDER BY rowid", (obj,))]

    def fates(self, obj: str, source_ids: Iterable[str]) -> dict[str, tuple[str, str | None, int | None]]:
        """source id -> (state, content hash, Odoo id) of those of ``source_ids`` the ledger knows."""
        return {r[0]: (r[1], r[2], r[3]) for r in self._of_source_ids(obj, source_ids, "state, content_hash, odoo_id")}

    def source_ids_in(self, obj: str, states: Iterable[str]) -> list[str]:
        wanted = list(states)
        rows = self.query(f"SELECT source_id FROM records WHERE object=? AND state IN ({','.join('?' * len(wanted))}) "
                          "ORDER BY rowid", (obj, *wanted))
        return [str(r[0]) for r in rows]

    def states_after(self, obj: str, source_ids: Iterable[str]) -> dict[str, tuple[str, int | None]]:
        """source id -> (state, last run that settled it) of those of ``source_ids`` the ledger knows."""
        return {r[0]: (r[1], r[2]) for r in self._of_source_ids(obj, source_ids, "state, last_run")}

    def mark_sending(self, run_id: int, rows: list[tuple[str, str, str, str, str, str]]) -> None:
        """Record the intent to write: (object, source_id, model, xmlid, content_hash, locator) per record."""
        stamp = now()
        with self.tx() as db:
            db.executemany(
                """INSERT INTO records (object, source_id, model, xmlid, state, content_hash, created_run, last_run,
                                        locator, updated_at)
                   VALUES (?, ?, ?, ?, 'sending', ?, ?, ?, ?, ?)
                   ON CONFLICT (object, source_id) DO UPDATE SET state='sending', model=excluded.model,
                     xmlid=excluded.xmlid, content_hash=excluded.content_hash, last_run=excluded.last_run,
                     locator=excluded.locator, reason='', updated_at=excluded.updated_at,
                     created_run=COALESCE(records.created_run, excluded.created_run)""",
                [(o, s, m, x, h, run_id, run_id, loc, stamp) for o, s, m, x, h, loc in rows],
            )

    def mark_landed(self, run_id: int, rows: list[tuple[str, str, int, str, dict[str, Any]]], *,
                    unsettled: Iterable[str] = ()) -> None:
        """(object, source_id, odoo_id, state, written values) after Odoo confirmed the write.

        ``unsettled``: source ids (of the rows' object) still waiting for a follow-up write; their content hash is
        cleared in the same transaction, so a run killed before the follow-up sends them again instead of taking
        them for unchanged. :meth:`settle` completes them.
        """
        stamp = now()
        with self.tx() as db:
            db.executemany(
                "UPDATE records SET odoo_id=?, state=?, written=?, last_run=?, updated_at=?, "
                "reason=CASE WHEN ? IN ('merged', 'matched') THEN reason ELSE '' END WHERE object=? AND source_id=?",
                [(oid, state, json.dumps(written, sort_keys=True, default=str), run_id, stamp, state, o, s)
                 for o, s, oid, state, written in rows],
            )
            pending = set(unsettled)
            if pending:
                db.executemany("UPDATE records SET content_hash=NULL WHERE object=? AND source_id=?",
                               [(o, s) for o, s, *_ in rows if s in pending])

    def settle(self, obj: str, rows: list[tuple[str, str, dict[str, Any]]]) -> None:
        """(source_id, content_hash, values the follow-up wrote): the record's write is complete."""
        with self.tx() as db:
            for source_id, content_hash, extra in rows:
                found = db.execute("SELECT written FROM records WHERE object=? AND source_id=?",
                                   (obj, source_id)).fetchone()
                if found is None:
                    continue
                written = {**json.loads(found[0] or "{}"), **extra}
                db.execute("UPDATE records SET content_hash=?, written=? WHERE object=? AND source_id=?",
                           (content_hash, json.dumps(written, sort_keys=True, default=str), obj, source_id))

    def set_landed(self, obj: str, rows: list[tuple[str, dict[str, tuple[str, str]]]]) -> None:
        """(source_id, {field: (value sent, value Odoo stored)}) read back after a write; merged into what is
        known. The value sent ties each read-back to the write it followed (see RecordRow.stored)."""
        with self.tx() as db:
            for source_id, values in rows:
                found = db.execute("SELECT landed FROM records WHERE object=? AND source_id=?",
                                   (obj, source_id)).fetchone()
                if found is None:
                    continue
                landed = {**json.loads(found[0] or "{}"), **{k: list(v) for k, v in values.items()}}
                db.execute("UPDATE records SET landed=? WHERE object=? AND source_id=?",
                           (json.dumps(landed, sort_keys=True), obj, source_id))

    def mark_matched(self, run_id: int, obj: str, source_id: str, model: str, xmlid: str, odoo_id: int,
                     locator: str) -> None:
        with self.tx() as db:
            db.execute(
                """INSERT INTO records (object, source_id, model, xmlid, odoo_id, state, origin, created_run,
                                        last_run, locator, updated_at)
                   VALUES (?, ?, ?, ?, ?, 'sending', 'matched', ?, ?, ?, ?)
                   ON CONFLICT (object, source_id) DO UPDATE SET origin='matched', odoo_id=excluded.odoo_id""",
                (obj, source_id, model, xmlid, odoo_id, run_id, run_id, locator, now()),
            )

    def mark_state(self, run_id: int | None, obj: str, source_id: str, state: str, reason: str = "", *,
                   model: str = "", xmlid: str = "", locator: str = "") -> None:
        with self.tx() as db:
            db.execute(
                """INSERT INTO records (object, source_id, model, xmlid, state, reason, created_run, last_run,
                                        locator, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (object, source_id) DO UPDATE SET state=excluded.state, reason=excluded.reason,
                     last_run=excluded.last_run, updated_at=excluded.updated_at""",
                (obj, source_id, model, xmlid, state, reason, run_id, run_id, locator, now()),
            )

    def set_hash(self, obj: str, source_id: str, content_hash: str | None) -> None:
        with self.tx() as db:
            db.execute("UPDATE records SET content_hash=? WHERE object=? AND source_id=?", (content_hash, obj, source_id))

    def forget(self, obj: str, source_ids: Iterable[str]) -> None:
        with self.tx() as db:
            db.executemany("DELETE FROM records WHERE object=? AND source_id=?", [(obj, s) for s in source_ids])

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for row in self.query("SELECT object, state, COUNT(*) FROM records GROUP BY object, state"):
            out.setdefault(row[0], {})[row[1]] = int(row[2])
        return out

    # -- prior values (rollback of updates) -------------------------------------------------------------------
    def save_prior(self, run_id: int, model: str, values: dict[int, dict[str, Any]]) -> None:
        """Keep the first snapshot of each record per run: that is the state before the run touched it."""
        with self.tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO prior_values (run_id, model, odoo_id, vals) VALUES (?, ?, ?, ?)",
                [(run_id, model, oid, json.dumps(v, sort_keys=True, default=str)) for oid, v in values.items()],
            )

    def priors(self, run_id: int) -> list[tuple[str, int, dict[str, Any], bool]]:
        rows = self.query("SELECT model, odoo_id, vals, restored FROM prior_values WHERE run_id=? ORDER BY rowid",
                          (run_id,))
        return [(r[0], int(r[1]), json.loads(r[2]), bool(r[3])) for r in rows]

    def drop_priors(self, model: str, odoo_ids: Iterable[int], *, from_run: int) -> None:
        """Forget what ``from_run`` and later runs overwrote on records it created and a rollback deleted:
        with the record gone there is nothing left to restore or compare."""
        with self.tx() as db:
            db.executemany("DELETE FROM prior_values WHERE model=? AND odoo_id=? AND run_id>=?",
                           [(model, int(i), from_run) for i in odoo_ids])

    def mark_restored(self, run_id: int, model: str, odoo_id: int) -> None:
        with self.tx() as db:
            db.execute("UPDATE prior_values SET restored=1 WHERE run_id=? AND model=? AND odoo_id=?",
                       (run_id, model, odoo_id))

    # -- schema changes ---------------------------------------------------------------------------------------
    def schema_intent(self, run_id: int, kind: str, model: str, name: str, details: dict[str, Any]) -> None:
        with self.tx() as db:
            db.execute(
                """INSERT INTO schema_changes (run_id, kind, model, name, state, details) VALUES (?, ?, ?, ?, 'sending', ?)
                   ON CONFLICT (kind, model, name) DO UPDATE SET state=CASE WHEN schema_changes.state='removed'
                     THEN 'sending' ELSE schema_changes.state END,
                     run_id=CASE WHEN schema_changes.state='removed' THEN excluded.run_id ELSE schema_changes.run_id END""",
                (run_id, kind, model, name, json.dumps(details, sort_keys=True)),
            )

    def schema_done(self, kind: str, model: str, name: str, odoo_id: int, state: str = "done") -> None:
        with self.tx() as db:
            db.execute("UPDATE schema_changes SET odoo_id=?, state=? WHERE kind=? AND model=? AND name=?",
                       (odoo_id, state, kind, model, name))

    def schema_changes(self, run_id: int | None = None) -> list[sqlite3.Row]:
        if run_id is None:
            return self.query("SELECT * FROM schema_changes ORDER BY id")
        return self.query("SELECT * FROM schema_changes WHERE run_id=? ORDER BY id", (run_id,))

    # -- issues -----------------------------------------------------------------------------------------------
    def add_issues(self, run_id: int | None, issues: Iterable[tuple[str, str | None, str, str | None, str | None, str, str]]
                   ) -> None:
        """(object, source_id, kind, field, value, reason, locator) rows."""
        stamp = now()
        with self.tx() as db:
            db.executemany(
                "INSERT INTO issues (run_id, object, source_id, kind, field, value, reason, locator, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, o, s, k, f, None if v is None else str(v)[:200], r, loc, stamp)
                 for o, s, k, f, v, r, loc in issues],
            )

    def issues(self, run_id: int | None = None, kinds: Iterable[str] | None = None) -> list[sqlite3.Row]:
        sql, params = "SELECT * FROM issues WHERE 1=1", list[Any]()
        if run_id is not None:
            sql += " AND run_id=?"
            params.append(run_id)
        if kinds is not None:
            wanted = list(kinds)
            sql += f" AND kind IN ({','.join('?' * len(wanted))})"
            params.extend(wanted)
        return self.query(sql + " ORDER BY id", params)

    # -- state actions (confirm an order, post an invoice) -----------------------------------------------------
    def add_actions(self, run_id: int, rows: list[tuple[str, str, str, str, int]]) -> None:
        """(object, source_id, action, model, odoo_id) to run after loading; one already done stays done."""
        with self.tx() as db:
            db.executemany(
                """INSERT INTO actions (object, source_id, action, model, odoo_id, run_id, state)
                   VALUES (?, ?, ?, ?, ?, ?, 'pending')
                   ON CONFLICT (object, source_id, action) DO UPDATE SET odoo_id=excluded.odoo_id,
                     state=CASE WHEN actions.state IN ('done') THEN 'done' ELSE 'pending' END,
                     run_id=CASE WHEN actions.state IN ('done') THEN actions.run_id ELSE excluded.run_id END""",
                [(o, s, a, m, i, run_id) for o, s, a, m, i in rows],
            )

    def actions(self, *, states: Iterable[str], run_id: int | None = None) -> list[sqlite3.Row]:
        wanted = list(states)
        sql = f"SELECT * FROM actions WHERE state IN ({','.join('?' * len(wanted))})"
        params: list[Any] = list(wanted)
        if run_id is not None:
            sql += " AND run_id=?"
            params.append(run_id)
        return self.query(sql + " ORDER BY rowid", params)

    def set_action(self, obj: str, source_id: str, action: str, state: str, reason: str = "") -> None:
        with self.tx() as db:
            db.execute("UPDATE actions SET state=?, reason=? WHERE object=? AND source_id=? AND action=?",
                       (state, reason, obj, source_id, action))

    # -- approvals, cursors, owners ---------------------------------------------------------------------------
    def approve(self, mapping_hash: str, login: str, mapping_text: str) -> None:
        with self.tx() as db:
            db.execute("INSERT INTO approvals (mapping_hash, login, approved_at, mapping) VALUES (?, ?, ?, ?)",
                       (mapping_hash, login, now(), mapping_text))

    def last_approval(self) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM approvals ORDER BY id DESC LIMIT 1")
        return rows[0] if rows else None

    def cursor(self, obj: str) -> str | None:
        rows = self.query("SELECT value FROM cursors WHERE object=?", (obj,))
        return str(rows[0][0]) if rows else None

    def set_cursor(self, obj: str, value: str, run_id: int) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO cursors VALUES (?, ?, ?)", (obj, value, run_id))

    def set_owner(self, source_id: str, name: str, email: str, state: str, user_id: int | None,
                  partner_id: int | None) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO owners VALUES (?, ?, ?, ?, ?, ?)",
                       (source_id, name, email, state, user_id, partner_id))

    def owners(self) -> list[sqlite3.Row]:
        return self.query("SELECT * FROM owners ORDER BY state DESC, source_id")
