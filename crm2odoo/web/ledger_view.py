"""The review page's window on the ledger: read-only SQL over the SQLite file, never a write.

The page runs next to ``crm2odoo migrate`` in another process; opening the file with ``mode=ro`` guarantees the
page can neither change a record nor take part in the schema upgrades the writer's :class:`Ledger` performs.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crm2odoo.ledger.paces import landed_before, measured_paces
from crm2odoo.progress import RateMeter, replayed_meter, time_left

#: record states that mean "this record is done for this run" (sending is the only state in flight)
_SETTLED = ("created", "updated", "matched", "unchanged", "merged", "conflict", "archived", "skipped", "quarantined")
_TOP_REASONS = 5


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection, or None while the ledger does not exist yet (no run so far)."""
    if not path.exists():
        yield None
        return
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    db.row_factory = sqlite3.Row
    try:
        yield db
    finally:
        db.close()


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def last_approval(path: Path) -> dict[str, str] | None:
    """The newest approval: mapping_hash, login, approved_at (UTC) and the approved map's text."""
    with read_only(path) as db:
        if db is None or not _has_table(db, "approvals"):
            return None
        row = db.execute("SELECT mapping_hash, login, approved_at, mapping FROM approvals ORDER BY id DESC LIMIT 1"
                         ).fetchone()
        return dict(row) if row else None


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    stamp = dt.datetime.fromisoformat(text)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def _object_rows(db: sqlite3.Connection, run_id: int) -> dict[str, dict[str, int]]:
    states: dict[str, dict[str, int]] = {}
    for row in db.execute("SELECT object, state, COUNT(*) AS n FROM records WHERE last_run=? GROUP BY object, state",
                          (run_id,)):
        states.setdefault(row["object"], {})[row["state"]] = int(row["n"])
    return states


#: (source object, its count, the maps that split it by ``where``): progress.run_plan's ``shared``
Shares = Sequence[tuple[str, int | None, Sequence[str]]]
#: (when, records settled then) in time order: the ledger stamps each record as it settles (to the second)
Landings = list[tuple[float, int]]


def _landings(db: sqlite3.Connection, run_id: int) -> dict[str, Landings]:
    """Per object, when this run's records settled: what a live meter heard, batch by batch."""
    landings: dict[str, Landings] = {}
    marks = ", ".join("?" for _ in _SETTLED)
    rows = db.execute(f"SELECT object, updated_at, COUNT(*) AS n FROM records WHERE last_run=? AND state IN ({marks}) "
                      "GROUP BY object, updated_at ORDER BY updated_at", (run_id, *_SETTLED))
    for row in rows:
        when = _parse_time(row["updated_at"])
        if when is not None:
            landings.setdefault(row["object"], []).append((when.timestamp(), int(row["n"])))
    return landings


def _meter(total: int | None, started: dt.datetime | None, landings: Landings, until: dt.datetime) -> RateMeter | None:
    """The terminal's meter, replayed from the ledger: its rate is the last 30 s, not the average since the start."""
    if started is None:
        return None
    return replayed_meter(total, started.timestamp(), landings, until.timestamp())


def _quarantine_reasons(db: sqlite3.Connection, run_id: int) -> dict[str, list[dict[str, Any]]]:
    reasons: dict[str, list[dict[str, Any]]] = {}
    rows = db.execute("SELECT object, COALESCE(field, '') AS field, reason, COUNT(*) AS n FROM issues "
                      "WHERE run_id=? AND kind='quarantine' GROUP BY object, field, reason ORDER BY n DESC",
                      (run_id,))
    for row in rows:
        found = reasons.setdefault(row["object"], [])
        if len(found) < _TOP_REASONS:
            found.append({"field": row["field"], "reason": row["reason"], "count": int(row["n"])})
    return reasons


def _progress(name: str, phase: Mapping[str, Any] | None, states: Mapping[str, int], expected: int | None,
              landings: Landings, now: dt.datetime) -> dict[str, Any]:
    """One object's line of the run view: counts so far, records per second, and the time left at that rate (the
    terminal's numbers: crm2odoo/progress.RateMeter over the ledger's landings; a phase that ended, as it ended)."""
    done = sum(n for state, n in states.items() if state in _SETTLED)
    started = _parse_time(phase["started_at"]) if phase else None
    finished = _parse_time(phase["finished_at"]) if phase else None
    meter = _meter(expected, started, landings, finished or now)
    rate = meter.rate() if meter else None
    # records without a phase of their own were made along the way (values a lookup created: stages, industries)
    state = phase["state"] if phase else ("along" if states else "waiting")
    eta = meter.eta_seconds() if meter and state == "running" else None
    share = min(1.0, done / expected) if expected else (1.0 if state == "done" else 0.0)
    return {"name": name, "state": state, "done": done, "expected": expected, "share": round(share, 4),
            "rate": None if rate is None else round(rate, 1), "eta_seconds": None if eta is None else round(eta),
            "in_flight": states.get("sending", 0), "quarantined": states.get("quarantined", 0),
            "states": dict(states), "message": phase["message"] if phase else ""}


def run_progress(path: Path, expected: Mapping[str, int | None], order: list[str], *, shared: Shares = (),
                 now: dt.datetime | None = None) -> dict[str, Any] | None:
    """The newest run as the ledger has it now: per object progress in load order, quarantine reasons, owners
    waiting for an Odoo user. ``expected``: records the source has per map name (None when unknown); ``order``:
    the maps a run loads, shown as waiting until a running run reaches them; ``shared``: the source objects maps
    split by ``where`` (progress.run_plan), counted once in the whole run's total as the terminal counts them."""
    with read_only(path) as db:
        if db is None or not _has_table(db, "runs"):
            return None
        run = db.execute("SELECT id, kind, state, started_at, finished_at, options FROM runs ORDER BY id DESC LIMIT 1"
                         ).fetchone()
        if run is None:
            return None
        run_id = int(run["id"])
        phases = {p["name"]: dict(p) for p in db.execute(
            "SELECT name, state, started_at, finished_at, message FROM phases WHERE run_id=? ORDER BY started_at, rowid",
            (run_id,))}
        states = _object_rows(db, run_id)
        landings = _landings(db, run_id)
        reasons = _quarantine_reasons(db, run_id)
        paces = measured_paces(db, run_id) if run["state"] == "running" else {}
        landed = landed_before(db, run_id, [n for n in order if n in paces and n not in phases])
        owners = [dict(o) for o in db.execute(
            "SELECT source_id, name, email FROM owners WHERE state='unmatched' ORDER BY source_id")]
    options = json.loads(run["options"] or "{}")
    # a sample or a delta reads part of the source: its records are not the source's count
    partial = bool(options.get("sample")) or run["kind"] in ("sample", "delta")
    only = set(options.get("only") or order)  # `migrate --only contact` loads that map (and nothing else waits)
    now = now or dt.datetime.now(dt.UTC)
    # load order as it happens; while the run goes on, the maps it has not reached yet follow as 'waiting'
    names = list(phases)
    if run["state"] == "running":
        names += [n for n in order if n not in phases and n in only]
    names += sorted(set(states) - set(names))
    objects = [_progress(name, phases.get(name), states.get(name, {}), None if partial else expected.get(name),
                         landings.get(name, []), now) for name in names]
    for line in objects:
        line["reasons"] = reasons.get(line["name"], [])
    started = _parse_time(run["started_at"])
    until = _parse_time(run["finished_at"]) or now
    elapsed = (until - started).total_seconds() if started else 0.0
    every_landing = sorted(landing for name in names for landing in landings.get(name, []))
    overall = _meter(None, started, every_landing, until)
    return {"id": run_id, "kind": run["kind"], "state": run["state"], "started_at": run["started_at"],
            "finished_at": run["finished_at"], "elapsed_seconds": round(elapsed, 1), "objects": objects,
            "owners_waiting": owners, **_totals(objects, overall.rate() if overall else None, () if partial else shared,
                                                paces, landed)}


def _totals(objects: list[dict[str, Any]], rate: float | None, shared: Shares,
            paces: Mapping[str, float], landed: Mapping[str, int]) -> dict[str, Any]:
    """The whole run at a glance; the share and time left only when every map's record count is known (a split
    source object's maps by its count, once). With ``paces`` from earlier runs the time left is summed object by
    object, as the terminal sums it (progress.time_left)."""
    done = sum(o["done"] for o in objects)
    by_name = {o["name"]: o for o in objects}
    in_shares = {name for _, _, names in shared for name in names}
    totals = [o["expected"] for o in objects if o["state"] != "along" and o["name"] not in in_shares]
    totals += [_shared_total(count, [by_name[n] for n in names if n in by_name]) for _, count, names in shared]
    expected = sum(t for t in totals if t is not None) if None not in totals else None
    counted = sum(o["done"] for o in objects if o["state"] != "along")
    left = max(0, expected - counted) if expected is not None else None
    eta = left / rate if left is not None and rate else None
    if paces and left is not None:
        eta = time_left(_parts_left(objects, shared, paces, landed), rate)
    return {"done": done, "expected": expected, "quarantined": sum(o["quarantined"] for o in objects),
            "rate": None if rate is None else round(rate, 1), "eta_seconds": None if eta is None else round(eta)}


def _parts_left(objects: list[dict[str, Any]], shared: Shares, paces: Mapping[str, float],
                landed: Mapping[str, int]) -> list[tuple[int, float | None, float | None]]:
    """(records left, own rate, measured pace) of each object not ended, and of each split source object, as
    progress.RunProgress counts them."""
    in_shares = {name for _, _, names in shared for name in names}
    parts: list[tuple[int, float | None, float | None]] = []
    for o in objects:
        if o["name"] in in_shares:
            continue
        left = max(0, int(o["expected"] or 0) - int(o["done"]))
        if o["state"] == "running":
            parts.append((left, o["rate"], paces.get(o["name"])))
        elif o["state"] == "waiting":  # what earlier runs landed is mostly found unchanged, at another pace
            new = max(0, left - landed.get(o["name"], 0))
            parts += [(new, None, paces.get(o["name"])), (left - new, None, None)]
    by_name = {o["name"]: o for o in objects}
    for _, count, names in shared:
        maps = [by_name[n] for n in names if n in by_name]
        total = _shared_total(count, maps)  # what they took once all ended: nothing left
        if total is not None:
            parts.append((max(0, total - sum(int(m["done"]) for m in maps)), None, None))
    return parts



def _shared_total(count: int | None, maps: list[dict[str, Any]]) -> int | None:
    """A split source object's part of the total: its count until every map of it ended, then what they took (the
    records none of them took come off, as on the terminal)."""
    if maps and all(m["state"] in ("done", "blocked") for m in maps):
        return sum(int(m["done"]) for m in maps)
    return count


__all__ = ["last_approval", "read_only", "run_progress"]
