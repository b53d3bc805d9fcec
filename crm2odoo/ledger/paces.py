"""How long each object's records took in this project's earlier runs: the prior of a run's overall time left.

A run's overall ETA cannot know from its first object how slow the next ones will be (at 300,000 contacts and
1,000,000 notes, a note took 1.6 times a contact, so an ETA at the contacts' speed was 37 % short). An earlier run
of the same project against the same Odoo (the ledger is bound to one) has measured them: the run that was
interrupted and is now resumed, the migrate before a delta, a re-run after fixing quarantined records. Its seconds
per record it wrote (created, updated, matched) are the best guess for the records of an object this run has not
reached and has not landed before; those it landed before are mostly found unchanged, at another speed
(``landed_before``), and go at the run's own.

Read-only SQL over a connection, so the writer's :class:`~crm2odoo.ledger.db.Ledger` and the review page's
read-only view ask the same question the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from crm2odoo.ledger.records import LANDED_SQL
from crm2odoo.ledger.store import marks

#: a pace needs this many records and seconds behind it: a sample of 25, or a phase of two seconds whose stamps
#: are whole seconds, says nothing about the next 100,000
MIN_RECORDS_FOR_PACE = 200
MIN_SECONDS_FOR_PACE = 10.0
#: the kinds of run that send records (a rollback deletes them; a dry run sends nothing)
_SENDING_KINDS = ("migrate", "sample", "delta")
#: a record a run wrote to Odoo, in a phase's counts and as a record's state
_WRITTEN = ("created", "updated", "matched")


def _seconds_between(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()


def _written_of_read(counts: str) -> tuple[int, int]:
    """(records written, records read) of a phase's counts."""
    try:
        told = json.loads(counts or "{}")
        return sum(int(told.get(state, 0)) for state in _WRITTEN), int(told.get("read", 0))
    except (ValueError, TypeError, AttributeError):
        return 0, 0


def measured_paces(db: sqlite3.Connection, before_run: int) -> dict[str, float]:
    """Object name -> seconds per record written in its newest phase of a run older than ``before_run``, among
    phases with at least ``MIN_RECORDS_FOR_PACE`` records written and ``MIN_SECONDS_FOR_PACE`` seconds. A phase that
    ended counts the records it wrote from its start to its end; one cut short (a kill, a crash) the records it
    wrote until the last of them, so a resumed run learns from the part its predecessor got through."""
    phases = db.execute(
        "SELECT p.run_id, p.name, p.started_at, p.finished_at, p.counts FROM phases p JOIN runs r ON r.id = p.run_id "
        f"WHERE p.run_id < ? AND r.kind IN ({marks(list(_SENDING_KINDS))}) ORDER BY p.run_id DESC",
        (before_run, *_SENDING_KINDS)).fetchall()
    paces: dict[str, float] = {}
    for run_id, name, started, finished, counts in phases:
        if name in paces:
            continue  # a newer run measured it
        if finished:
            (written, met), seconds = _written_of_read(counts), _seconds_between(started, finished)
        else:
            written, met, last = _written_until(db, int(run_id), str(name))
            seconds = _seconds_between(started, last)
        # a pass that mostly found records unchanged measured reading them, not writing
        mostly_writes = written * 2 >= met
        if mostly_writes and written >= MIN_RECORDS_FOR_PACE and seconds is not None \
                and seconds >= MIN_SECONDS_FOR_PACE:
            paces[str(name)] = seconds / written
    return paces


def _written_until(db: sqlite3.Connection, run_id: int, name: str) -> tuple[int, int, str | None]:
    """Records of ``name`` a cut-short run wrote, the records it settled, and when the last of them settled."""
    row = db.execute(f"SELECT COUNT(*) FILTER (WHERE state IN ({marks(list(_WRITTEN))})), COUNT(*), MAX(updated_at) "
                     "FROM records WHERE object=? AND last_run=? AND state != 'sending'",
                     (*_WRITTEN, name, run_id)).fetchone()
    return int(row[0] or 0), int(row[1] or 0), row[2]


def landed_before(db: sqlite3.Connection, run_id: int, objects: list[str]) -> dict[str, int]:
    """Records of each of ``objects`` in Odoo that runs before ``run_id`` landed (a re-run finds them mostly
    unchanged: they are not priced at the pace of writing)."""
    landed: dict[str, int] = {}
    for name in objects:
        row = db.execute(f"SELECT COUNT(*) FROM records WHERE object=? AND {LANDED_SQL} "
                         "AND (last_run IS NULL OR last_run < ?)", (name, run_id)).fetchone()
        landed[name] = int(row[0] or 0)
    return landed
