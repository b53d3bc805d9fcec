"""The ledger's tables, as the numbered migrations that made them (a ledger file is upgraded in place)."""

from __future__ import annotations

SCHEMA_VERSION = 3

MIGRATIONS: list[tuple[int, str]] = [
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
