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

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from crm2odoo.errors import LedgerMismatch
from crm2odoo.ledger.migrations import SCHEMA_VERSION
from crm2odoo.ledger.paces import landed_before, measured_paces
from crm2odoo.ledger.records import (
    FINAL_STATES,
    Intent,
    Issue,
    IssueKind,
    Landing,
    RecordRow,
    RecordState,
    RecordStore,
)
from crm2odoo.ledger.store import Where, marks, now

__all__ = ["FINAL_STATES", "SCHEMA_VERSION", "Intent", "Issue", "IssueKind", "Landing", "Ledger", "RecordRow",
           "RecordState", "now"]


class Ledger(RecordStore):
    """The run ledger (see the module's docstring); records and their states are in ledger/records.py."""

    # -- binding to one Odoo ---------------------------------------------------------------------------------
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
        rows = self.query("SELECT * FROM runs WHERE state IN ('running', 'interrupted') "
                          f"AND kind IN ({marks(list(kinds))}) ORDER BY id DESC LIMIT 1", kinds)
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

    def paces(self, before_run: int) -> dict[str, float]:
        """Seconds per record written each object took in this project's newest earlier run that measured it
        (ledger/paces.py): what a run's overall time left assumes for an object it has not reached."""
        with self._lock:
            return measured_paces(self._db, before_run)

    def landed_before(self, run_id: int, objects: list[str]) -> dict[str, int]:
        """Records of each object earlier runs landed (ledger/paces.py): a run finds them mostly unchanged."""
        with self._lock:
            return landed_before(self._db, run_id, objects)

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
    def add_issues(self, run_id: int | None, issues: Iterable[Issue]) -> None:
        stamp = now()
        with self.tx() as db:
            db.executemany(
                "INSERT INTO issues (run_id, object, source_id, kind, field, value, reason, locator, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, i.object, i.source_id, i.kind, i.field, None if i.value is None else str(i.value)[:200],
                  i.reason, i.locator, stamp) for i in issues],
            )

    def issues(self, run_id: int | None = None, kinds: Iterable[str] | None = None) -> list[sqlite3.Row]:
        where = Where().equals("run_id", run_id).within("kind", kinds)
        return self.query(f"SELECT * FROM issues WHERE {where} ORDER BY id", where.params)

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
        where = Where().within("state", states).equals("run_id", run_id)
        return self.query(f"SELECT * FROM actions WHERE {where} ORDER BY rowid", where.params)

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
