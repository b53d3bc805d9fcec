"""What the ledger says of each source record: its typed row, its states, and every state change as a named method.

A record's life: ``sending`` (intent, committed before the write goes to Odoo), then one of the final states once
Odoo answered. ``mark_sending`` and ``mark_landed`` move whole batches; the other moves name the state they set.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, get_args

from crm2odoo.ledger.store import Store, Where, chunks, marks, now

RecordState = Literal["sending", "created", "updated", "matched", "unchanged", "merged", "conflict", "archived",
                      "skipped", "quarantined"]
FINAL_STATES: tuple[RecordState, ...] = tuple(s for s in get_args(RecordState) if s != "sending")
IssueKind = Literal["skip", "quarantine", "conflict", "warning", "owner"]

#: a record that is in Odoo (its id resolves references), as a WHERE term
LANDED_SQL = ("odoo_id IS NOT NULL AND state IN ('created','updated','matched','unchanged','merged','conflict',"
           "'archived')")


@dataclass(frozen=True)
class Intent:
    """A record about to be sent to Odoo (state ``sending``)."""

    object: str
    source_id: str
    model: str
    xmlid: str
    content_hash: str
    locator: str = ""


@dataclass(frozen=True)
class Landing:
    """A write Odoo confirmed: the record's Odoo id, its new state and the values the tool wrote."""

    object: str
    source_id: str
    odoo_id: int
    state: RecordState
    written: dict[str, Any]


@dataclass(frozen=True)
class Issue:
    """Something a person may want to see about a record (or a whole map, ``source_id`` None)."""

    object: str
    source_id: str | None
    kind: IssueKind
    reason: str
    field: str | None = None
    value: Any = None
    locator: str = ""


@dataclass(frozen=True)
class RecordRow:
    object: str
    source_id: str
    model: str
    xmlid: str
    odoo_id: int | None
    state: RecordState
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


def _json(values: dict[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, default=str)


class RecordStore(Store):
    """The ``records`` table: reads, and the moves between states."""

    # -- reads -------------------------------------------------------------------------------------------------
    def get(self, obj: str, source_id: str) -> RecordRow | None:
        rows = self.query("SELECT * FROM records WHERE object=? AND source_id=?", (obj, source_id))
        return _record(rows[0]) if rows else None

    def records(self, obj: str | None = None, *, states: Iterable[str] | None = None,
                run_id: int | None = None) -> list[RecordRow]:
        where = Where().equals("object", obj).within("state", states)
        if run_id is not None:
            where.add("(created_run=? OR last_run=?)", run_id, run_id)
        return [_record(r) for r in self.query(f"SELECT * FROM records WHERE {where} ORDER BY object, rowid",
                                               where.params)]

    def records_in_chunks(self, obj: str, *, size: int = 1000, values: bool = True) -> Iterator[list[RecordRow]]:
        """The records of one object in ledger order, ``size`` at a time: a pass over millions of records holds
        one chunk, never all of them (reconcile after a big run). ``values=False``: without the written and landed
        values (None), whose decoding was most of a pass that only counts."""
        after = 0
        columns = "*" if values else ("object, source_id, model, xmlid, odoo_id, state, origin, content_hash, "
                                      "created_run, last_run, reason, locator, NULL AS written, NULL AS landed")
        while True:
            rows = self.query(f"SELECT rowid AS ledger_row, {columns} FROM records WHERE object=? AND rowid>? "
                              "ORDER BY rowid LIMIT ?", (obj, after, size))
            if not rows:
                return
            yield [_record(r) for r in rows]
            after = int(rows[-1]["ledger_row"])

    def id_map(self, obj: str) -> dict[str, int]:
        """source id -> Odoo id of every landed record of one object (for resolving references)."""
        rows = self.query(f"SELECT source_id, odoo_id FROM records WHERE object=? AND {LANDED_SQL}", (obj,))
        return {r[0]: int(r[1]) for r in rows}

    def _of_source_ids(self, obj: str, source_ids: Iterable[str], columns: str,
                       where: str = "1=1") -> Iterator[sqlite3.Row]:
        """``source_id, columns`` of the records of ``obj`` among ``source_ids``: indexed reads, a chunk per
        statement."""
        for chunk in chunks(list(dict.fromkeys(source_ids))):
            yield from self.query(f"SELECT source_id, {columns} FROM records WHERE object=? AND source_id IN "
                                  f"({marks(chunk)}) AND {where}", (obj, *chunk))

    def _of_odoo_ids(self, model_or_object: str, odoo_ids: Iterable[int], *, by: str = "model",
                     extra: str = "") -> Iterator[sqlite3.Row]:
        for chunk in chunks(sorted(set(odoo_ids))):
            yield from self.query(f"SELECT * FROM records WHERE {by}=? AND odoo_id IN ({marks(chunk)}){extra}",
                                  (model_or_object, *chunk))

    def landed_ids(self, obj: str, source_ids: Iterable[str]) -> dict[str, int]:
        """source id -> Odoo id for those of ``source_ids`` that landed."""
        return {r[0]: int(r[1]) for r in self._of_source_ids(obj, source_ids, "odoo_id", LANDED_SQL)}

    def landed_count(self, obj: str) -> int:
        return int(self.query(f"SELECT COUNT(*) FROM records WHERE object=? AND {LANDED_SQL}", (obj,))[0][0])

    def landed_source_ids(self, obj: str) -> list[str]:
        return [str(r[0]) for r in self.query(f"SELECT source_id FROM records WHERE object=? AND {LANDED_SQL} "
                                              "ORDER BY rowid", (obj,))]

    def fates(self, obj: str, source_ids: Iterable[str]) -> dict[str, tuple[str, str | None, int | None]]:
        """source id -> (state, content hash, Odoo id) of those of ``source_ids`` the ledger knows."""
        return {r[0]: (r[1], r[2], r[3]) for r in self._of_source_ids(obj, source_ids, "state, content_hash, odoo_id")}

    def source_ids_in(self, obj: str, states: Iterable[str]) -> list[str]:
        wanted = list(states)
        rows = self.query(f"SELECT source_id FROM records WHERE object=? AND state IN ({marks(wanted)}) "
                          "ORDER BY rowid", (obj, *wanted))
        return [str(r[0]) for r in rows]

    def states_after(self, obj: str, source_ids: Iterable[str]) -> dict[str, tuple[str, int | None]]:
        """source id -> (state, last run that settled it) of those of ``source_ids`` the ledger knows."""
        return {r[0]: (r[1], r[2]) for r in self._of_source_ids(obj, source_ids, "state, last_run")}

    def has_sending(self, obj: str) -> bool:
        """Is a record of ``obj`` still waiting for Odoo's answer (an earlier attempt was cut short)?"""
        return bool(self.query("SELECT 1 FROM records WHERE object=? AND state='sending' LIMIT 1", (obj,)))

    def claimed_ids(self, model: str, odoo_ids: Iterable[int]) -> set[int]:
        """Those of ``odoo_ids`` (records of ``model``) that some ledger record holds already."""
        return {int(r["odoo_id"]) for r in self._of_odoo_ids(model, odoo_ids)}

    def held_by(self, obj: str, odoo_ids: Iterable[int]) -> set[int]:
        """Those of ``odoo_ids`` that a record of map ``obj`` holds (whatever its state)."""
        return {int(r["odoo_id"]) for r in self._of_odoo_ids(obj, odoo_ids, by="object")}

    def odoo_ids_in(self, obj: str, states: Iterable[RecordState]) -> set[int]:
        """The Odoo ids of the records of ``obj`` in one of ``states``."""
        wanted = list(states)
        return {int(r[0]) for r in self.query(f"SELECT odoo_id FROM records WHERE object=? AND odoo_id IS NOT NULL "
                                              f"AND state IN ({marks(wanted)})", (obj, *wanted))}

    def written_on(self, model: str, odoo_ids: Iterable[int], *, besides: str) -> list[RecordRow]:
        """Records of maps other than ``besides`` on those Odoo records, with the values they wrote."""
        return [_record(r) for r in self._of_odoo_ids(model, odoo_ids, extra=" AND written IS NOT NULL")
                if r["object"] != besides]

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for row in self.query("SELECT object, state, COUNT(*) FROM records GROUP BY object, state"):
            out.setdefault(row[0], {})[row[1]] = int(row[2])
        return out

    # -- moves -------------------------------------------------------------------------------------------------
    def mark_sending(self, run_id: int, intents: Iterable[Intent]) -> None:
        """Record the intent to write, before anything is sent."""
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
                [(i.object, i.source_id, i.model, i.xmlid, i.content_hash, run_id, run_id, i.locator, stamp)
                 for i in intents],
            )

    def mark_landed(self, run_id: int, landings: Iterable[Landing], *, unsettled: Iterable[str] = ()) -> None:
        """Odoo confirmed the writes.

        ``unsettled``: source ids (of the landings' object) still waiting for a follow-up write; their content hash
        is cleared in the same transaction, so a run killed before the follow-up sends them again instead of taking
        them for unchanged. :meth:`settle` completes them.
        """
        stamp = now()
        rows = list(landings)
        with self.tx() as db:
            db.executemany(
                "UPDATE records SET odoo_id=?, state=?, written=?, last_run=?, updated_at=?, "
                "reason=CASE WHEN ? IN ('merged', 'matched') THEN reason ELSE '' END WHERE object=? AND source_id=?",
                [(r.odoo_id, r.state, _json(r.written), run_id, stamp, r.state, r.object, r.source_id) for r in rows],
            )
            pending = set(unsettled)
            if pending:
                db.executemany("UPDATE records SET content_hash=NULL WHERE object=? AND source_id=?",
                               [(r.object, r.source_id) for r in rows if r.source_id in pending])

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
                           (content_hash, _json(written), obj, source_id))

    def set_landed(self, obj: str, rows: list[tuple[str, dict[str, tuple[str, str]]]]) -> None:
        """(source_id, {field: (value sent, value Odoo stored)}) read back after a write; merged into what is
        known. The value sent ties each read-back to the write it followed (see RecordRow.stored)."""
        with self.tx() as db:
            known: dict[str, str | None] = {}
            for part in chunks(list(dict.fromkeys(source_id for source_id, _ in rows))):
                known.update(db.execute(f"SELECT source_id, landed FROM records WHERE object=? AND source_id IN "
                                        f"({marks(part)})", (obj, *part)).fetchall())
            for source_id, values in rows:  # in order: a record read back twice keeps the later values
                if source_id in known:
                    landed = {**json.loads(known[source_id] or "{}"), **{k: list(v) for k, v in values.items()}}
                    known[source_id] = json.dumps(landed, sort_keys=True)
            db.executemany("UPDATE records SET landed=? WHERE object=? AND source_id=?",
                           [(known[source_id], obj, source_id) for source_id in dict.fromkeys(s for s, _ in rows)
                            if source_id in known])

    def mark_matched(self, run_id: int, obj: str, source_id: str, model: str, xmlid: str, odoo_id: int,
                     locator: str) -> None:
        """The record is an Odoo record that existed before (origin ``matched``: rollback restores, never deletes)."""
        with self.tx() as db:
            db.execute(
                """INSERT INTO records (object, source_id, model, xmlid, odoo_id, state, origin, created_run,
                                        last_run, locator, updated_at)
                   VALUES (?, ?, ?, ?, ?, 'sending', 'matched', ?, ?, ?, ?)
                   ON CONFLICT (object, source_id) DO UPDATE SET origin='matched', odoo_id=excluded.odoo_id""",
                (obj, source_id, model, xmlid, odoo_id, run_id, run_id, locator, now()),
            )

    def mark_state(self, run_id: int | None, obj: str, source_id: str, state: RecordState, reason: str = "", *,
                   model: str = "", xmlid: str = "", locator: str = "") -> None:
        """The one move the named ones below go through: ``state`` with its reason."""
        with self.tx() as db:
            db.execute(
                """INSERT INTO records (object, source_id, model, xmlid, state, reason, created_run, last_run,
                                        locator, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (object, source_id) DO UPDATE SET state=excluded.state, reason=excluded.reason,
                     last_run=excluded.last_run, updated_at=excluded.updated_at""",
                (obj, source_id, model, xmlid, state, reason, run_id, run_id, locator, now()),
            )

    def mark_quarantined(self, run_id: int, obj: str, source_id: str, reason: str, *, model: str = "",
                         xmlid: str = "", locator: str = "") -> None:
        """Kept aside with its reason; tried again by the next run."""
        self.mark_state(run_id, obj, source_id, "quarantined", reason, model=model, xmlid=xmlid, locator=locator)

    def mark_skipped(self, run_id: int, obj: str, source_id: str, reason: str, *, model: str = "",
                     xmlid: str = "", locator: str = "") -> None:
        """Left out on purpose, with the reason."""
        self.mark_state(run_id, obj, source_id, "skipped", reason, model=model, xmlid=xmlid, locator=locator)

    def mark_merged(self, run_id: int, obj: str, source_id: str, reason: str, *, model: str = "") -> None:
        """A duplicate of another record of the map, which stands for it in Odoo."""
        self.mark_state(run_id, obj, source_id, "merged", reason, model=model)

    def mark_archived(self, run_id: int, obj: str, source_id: str, reason: str) -> None:
        """Deleted in the source: archived in Odoo."""
        self.mark_state(run_id, obj, source_id, "archived", reason)

    def mark_conflict(self, run_id: int, obj: str, source_id: str, reason: str) -> None:
        """Changed in Odoo and in the source since the last run; left as Odoo has it."""
        self.mark_state(run_id, obj, source_id, "conflict", reason)

    def set_hash(self, obj: str, source_id: str, content_hash: str | None) -> None:
        with self.tx() as db:
            db.execute("UPDATE records SET content_hash=? WHERE object=? AND source_id=?", (content_hash, obj, source_id))

    def forget(self, obj: str, source_ids: Iterable[str]) -> None:
        with self.tx() as db:
            db.executemany("DELETE FROM records WHERE object=? AND source_id=?", [(obj, s) for s in source_ids])
