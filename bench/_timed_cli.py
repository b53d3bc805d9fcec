"""The real ``crm2odoo`` command line, with stopwatches on the machinery verdicts add (issue 16 item 3).

``python bench/_timed_cli.py migrate --project DIR`` is ``crm2odoo migrate --project DIR``: the same entry point,
the same arguments, the same process from start to exit. Before it starts, this wraps four things with a
stopwatch (a ``perf_counter`` pair and a dict update per call, a few microseconds) and writes the totals as JSON to
the file named by ``CRM2ODOO_BENCH_TIMERS`` when the process exits:

- ``read_back``: ReadBacks.read, what Odoo stored for the records just written, a few batches a call (per object);
- ``content_hash``: TargetRecord.content_hash, the hash of each record as mapped (per object);
- ``lock``: ProjectLock.acquire and release, the project's one-writer lock;
- ``reconcile``: the reconciliation migrate runs before its verdict;
- ``odoo``: every Odoo call (OdooClient.execute) by model and method, to show where crm2odoo's time goes.

The file also holds ``calls``: every Odoo call in order -- seconds since start, seconds taken, model.method, the
records it carried (ids, vals or rows), the thread -- the timeline of what runs before the first record is sent
and after the last (``python bench/_timed_cli.py --show TIMERS.json`` prints it).

Read-backs run in the loader's worker threads, so their sum may overlap other work: it is an upper bound.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import crm2odoo.api.migration as migration
from crm2odoo.cli import main
from crm2odoo.load.writer import Writer
from crm2odoo.lock import ProjectLock
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.odoo.client import OdooClient

try:
    from crm2odoo.load.readback import ReadBacks
except ImportError:  # a source tree from before it (``--target before,...,DIR``): the writer read back per batch
    ReadBacks = None  # type: ignore[assignment,misc]

TOTALS: dict[str, list[float]] = {}  # "what/object" -> [calls, seconds]
_GUARD = threading.Lock()


def _add(key: str, seconds: float) -> None:
    with _GUARD:
        entry = TOTALS.setdefault(key, [0.0, 0.0])
        entry[0] += 1
        entry[1] += seconds


BEGAN = time.perf_counter()
TIMELINE: list[tuple[float, float, str]] = []  # the first calls: (seconds since start, seconds taken, what)
TIMELINE_LENGTH = 80
CALLS: list[tuple[float, float, str, int, str]] = []  # every Odoo call: (since start, took, what, records, thread)


def _records(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """How many records an Odoo call carried: its ids, its list of vals, or the rows of a ``load``."""
    for value in (*args[3:4], kwargs.get("vals_list"), kwargs.get("data"), kwargs.get("ids")):
        if isinstance(value, list | tuple):
            return len(value)
    return 0


def _timed_call(original: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            took = time.perf_counter() - started
            key = f"{args[1]}.{args[2]}"
            _add(f"odoo/{key}", took)
            with _GUARD:
                CALLS.append((round(started - BEGAN, 3), round(took, 3), key, _records(args, kwargs),
                              threading.current_thread().name))

    return wrapper


def _timed(what: str, original: Callable[..., Any], name_of: Callable[..., str]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            key = f"{what}/{name_of(*args, **kwargs)}"
            took = time.perf_counter() - started
            _add(key, took)
            if len(TIMELINE) < TIMELINE_LENGTH:
                TIMELINE.append((round(started - BEGAN, 3), round(took, 3), key))

    return wrapper


def install() -> None:
    if ReadBacks is not None:
        ReadBacks.read = _timed("read_back", ReadBacks.read,  # type: ignore[method-assign]
                                lambda _self, obj, *_a, **_k: str(obj.name))
    else:
        Writer.read_back = _timed("read_back", Writer.read_back,  # type: ignore[attr-defined]
                                  lambda _self, obj, *_a, **_k: str(obj.name))
    hash_of = TargetRecord.content_hash.fget
    assert hash_of is not None
    TargetRecord.content_hash = property(_timed("content_hash", hash_of,  # type: ignore[method-assign,assignment]
                                                lambda record: record.map_name))
    ProjectLock.acquire = _timed("lock", ProjectLock.acquire, lambda *_a, **_k: "all")  # type: ignore[method-assign]
    ProjectLock.release = _timed("lock", ProjectLock.release, lambda *_a, **_k: "all")  # type: ignore[method-assign]
    migration.reconcile_with = _timed("reconcile", migration.reconcile_with, lambda *_a, **_k: "all")
    OdooClient.execute = _timed_call(OdooClient.execute)  # type: ignore[method-assign]


def _write_totals() -> None:
    target = os.environ.get("CRM2ODOO_BENCH_TIMERS")
    if target:
        Path(target).write_text(json.dumps({**TOTALS, "timeline": TIMELINE, "calls": CALLS}, sort_keys=True), encoding="utf-8")


def show(path: Path) -> None:
    """The call timeline of a timers file, one call a line."""
    for since, took, what, records, thread in json.loads(path.read_text(encoding="utf-8")).get("calls", []):
        print(f"{since:9.3f} {took:7.3f} {what:55} {records:6} {thread}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--show"]:
        show(Path(sys.argv[2]))
        sys.exit(0)
    install()
    atexit.register(_write_totals)
    sys.argv[0] = "crm2odoo"
    sys.exit(main())
