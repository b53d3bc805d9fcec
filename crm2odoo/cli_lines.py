"""The lines a command's progress prints, the same on a terminal (cli_progress_rich.py) and in a log
(cli_progress.py): an object's start and end, a rollback's object undone, the one-off notes of a run."""

from __future__ import annotations

from typing import Any

from crm2odoo.progress import format_seconds


def start_line(name: str, model: str, total: int | None) -> str:
    return f"  {name:<20} -> {model}" + (f" ({total:,} records)" if total is not None else "") + " ..."


def end_line(result: Any) -> str:
    """An object's end: its counts, or why it is blocked (never a percentage: a blocked object is not done)."""
    r = result
    if getattr(r, "blocked", ""):
        return f"  {r.name:<20} BLOCKED: {r.blocked}"
    if hasattr(r, "valid"):  # validate's
        return f"  {r.name:<20} checked {r.records:,} records: {r.valid:,} valid, {r.with_errors:,} with errors"
    if hasattr(r, "present_in_odoo"):  # reconcile's
        return f"  {r.name:<20} reconciled: {r.present_in_odoo:,} in Odoo" + ("" if r.ok else ", DIFFERENCES")
    return (f"  {r.name:<20} read {r.read}, created {r.created}, updated {r.updated}, matched {r.matched}, "
            f"unchanged {r.unchanged}, merged {r.merged}, skipped {r.skipped}, quarantined {r.quarantined}"
            + (f", conflicts {r.conflicts}" if r.conflicts else "")
            + (f", archived {r.archived}" if r.archived else "")
            + (f", changed without a new modified date {r.changed_undated}" if r.changed_undated else ""))


def counts_text(quarantined: int, blocked: int) -> str:
    parts = ([f"{quarantined:,} quarantined"] if quarantined else []) + ([f"{blocked:,} blocked"] if blocked else [])
    return ", ".join(parts)


def note_line(kind: str, data: dict[str, Any]) -> str | None:
    """The one-off notes of a run (resuming, a stale lock, a demo step), the same on every display."""
    if kind == "resume":
        how = "interrupted" if data.get("state") == "interrupted" else "unfinished"
        return f"resuming {how} run {data['run_id']}"
    if kind == "stale_lock":
        return (f"note: {data['holder']} ended without releasing the project lock (killed or crashed); "
                "taking it over")
    if kind == "step":
        return f"== {data['title']}"
    if kind == "rollback_run":
        return f"undoing run {data['run_id']}"
    return None


def undone_line(data: dict[str, Any]) -> str:
    """A rollback's object done: what it deleted, what it kept (changed in Odoo since, or refused)."""
    kept = data.get("kept", 0)
    return f"  {data['name']:<20} undone: {data['deleted']:,} deleted" + (f", {kept:,} kept" if kept else "")


def reading_line(what: str, done: int, total: int | None, rate: float | None, eta: float | None) -> str:
    """A long read before anything is sent: ``notes: reading to send in date order 120,000 of 200,000 (2,400/s,
    ETA 0:33)``. No ETA once the count passes the total or while there is none: the rest of the read (a sort,
    names past the last row counted) has no count to say it by."""
    share = f"{done:,} of {total:,}" if total is not None else f"{done:,}"
    speed = [f"{rate:,.0f}/s"] if rate is not None else []
    left = [f"ETA {format_seconds(eta)}"] if total is not None and done < total and eta is not None else []
    extra = ", ".join(speed + left)
    return f"  {what} {share}" + (f" ({extra})" if extra else "")


def read_done_line(what: str, done: int, total: int | None, seconds: float) -> str:
    """A long read's end, with what it read: ``notes: reading to send in date order: 6,000 of 6,000 read in
    0.4s`` (fewer than the total when it was stopped, or the export holds fewer than discover counted)."""
    share = f"{done:,} of {total:,}" if total is not None else f"{done:,}"
    return f"  {what}: {share} read in {seconds:.1f}s"


ENDS = ("object_done", "object_blocked", "validated", "reconciled")
