"""What the progress display costs (issue 17): a 20,000-contact Ontraport CSV export migrated into the sandbox with
the display on and with the events ignored, side by side.

    python bench/progress_display.py                    # 20,000 contacts, one round: ignored, pipe, terminal
    python bench/progress_display.py --contacts 5000 --rounds 2

Each variant migrates the same export into a fresh sandbox Odoo (started in-process) from a fresh project:
``ignored`` (the library's events go nowhere), ``pipe`` (the plain display, writing into a pipe that a thread
drains, as a log would) and ``terminal`` (the Rich display, drawing into a pseudo-terminal). Variants are
interleaved per round, so load from elsewhere hits all of them alike.

Printed per variant: the migrate's wall time; the display's own CPU time (inside its events callback, on the run's
threads, plus Rich's redraws on its refresh thread; thread CPU time, so waiting for the GIL or for other processes on
a loaded machine is not counted as the display's) as a share of the run, the target being under 2 %; and the
longest gap between two progress updates while the contacts load (the target: at most 2 s), and over the whole
run with the periods a ``waiting`` spinner covers left out.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table

from crm2odoo import api
from crm2odoo.cli_progress import PlainDisplay
from crm2odoo.cli_progress_rich import RichDisplay
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import generate_account, write_csv_exports

VARIANTS = ("ignored", "pipe", "terminal")
COST_TARGET = 2.0  # % of the run
GAP_TARGET = 2.0  # seconds


@dataclass
class Measure:
    variant: str
    wall: float = 0.0
    display_seconds: float = 0.0
    events: list[tuple[float, str, str]] = field(default_factory=list)  # (when, kind, object)
    records: int = 0

    def cost_percent(self) -> float:
        return 100 * self.display_seconds / self.wall if self.wall else 0.0

    def longest_gap(self, within: str | None = None) -> float:
        """Longest time without a progress update: inside one object's load (``within``), or over the whole run
        with the time a ``waiting`` spinner was up left out (the display says what it waits for)."""
        if within is not None:
            marks = [t for t, kind, name in self.events if name == within and kind in (
                "object_start", "object_progress", "object_done")]
            return max((b - a for a, b in itertools.pairwise(marks)), default=0.0)
        return self.longest_run_gap()[0]

    def longest_run_gap(self) -> tuple[float, str]:
        """The run's longest time without an update (a ``waiting`` spinner's time left out), and the event it
        followed, so a person can see which step was silent."""
        longest, after, last, waiting = 0.0, "", None, 0
        for when, kind, name in self.events:
            if last is not None and not waiting and when - last[0] > longest:
                longest, after = when - last[0], f"{last[1]} {last[2]}".strip()
            waiting += 1 if kind == "waiting" else -1 if kind == "waiting_done" else 0
            last = (when, kind, name)
        return longest, after


def drained(read_fd: int) -> threading.Thread:
    """A thread reading ``read_fd`` until it closes, as a terminal or a log would."""

    def drain() -> None:
        with contextlib.suppress(OSError):
            while os.read(read_fd, 65536):
                pass

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def display_for(variant: str, measure: Measure) -> Iterator[Callable[..., None]]:
    """The events callback of a variant, timed: every call into the display, and Rich's redraws."""
    inner: Callable[..., None] = lambda kind, **data: None  # noqa: E731
    stream: TextIO | None = None
    fds: tuple[int, int] | None = None
    rich: RichDisplay | None = None
    lock = threading.Lock()
    if variant == "pipe":
        fds = os.pipe()
        stream = os.fdopen(fds[1], "w", encoding="utf-8")
        inner = PlainDisplay(stream)
    elif variant == "terminal":
        master, slave = os.openpty()
        fds = (master, slave)
        stream = os.fdopen(slave, "w", encoding="utf-8")
        rich = RichDisplay(stream)
        live = rich.progress.live
        refresh = live.refresh

        def timed_refresh() -> None:
            started = time.thread_time()
            refresh()
            with lock:
                measure.display_seconds += time.thread_time() - started

        live.refresh = timed_refresh  # type: ignore[method-assign]
        inner = rich
    reader = drained(fds[0]) if fds else None

    def events(kind: str, **data: Any) -> None:
        started = time.thread_time()
        inner(kind, **data)
        took = time.thread_time() - started
        name = str(data.get("name") or getattr(data.get("result"), "name", "") or "")
        with lock:
            measure.display_seconds += took
            measure.events.append((time.perf_counter(), kind, name))

    try:
        if rich is not None:
            with rich:
                yield events
        else:
            yield events
    finally:
        if stream is not None:
            stream.close()
        if fds is not None and variant == "terminal":
            os.close(fds[0])
        if reader is not None:
            reader.join(timeout=5)


def project_for(exports: Path, server: SandboxServer, folder: Path, batch_size: int) -> Path:
    folder.mkdir(parents=True)
    (folder / "crm2odoo.toml").write_text(
        f'[source]\nkind = "ontraport-csv"\npath = "{exports}"\n\n[odoo]\nurl = "{server.url}"\n'
        f'database = "{server.database}"\nlogin = "admin"\npassword = "${{BENCH_ODOO_PASSWORD}}"\n\n'
        f'[migration]\nfallback_owner = "admin"\nbatch_size = {batch_size}\n', encoding="utf-8")
    api.discover(folder)
    api.plan(folder)
    api.approve(folder, confirm=lambda changes: True, login="bench")
    return folder


def one_run(variant: str, exports: Path, work: Path, batch_size: int) -> Measure:
    measure = Measure(variant)
    with SandboxServer(version="18.0") as server:
        root = project_for(exports, server, work / f"{variant}-{time.monotonic_ns()}", batch_size)
        with display_for(variant, measure) as events:
            started = time.perf_counter()
            info = api.migrate(root, events=events)
            measure.wall = time.perf_counter() - started
        measure.records = sum(o.read for o in info.objects)
        if not info.ok:
            print(f"  ! {variant}: the run is not ok ({info.state}); the timing stands, the data did not all land")
    return measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=200, help="migration.batch_size: records per Odoo call; "
                        "progress moves once per settled batch, so smaller batches update it more often")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    os.environ["BENCH_ODOO_PASSWORD"] = "admin"
    work = Path(tempfile.mkdtemp(prefix="progress-bench-"))
    try:
        account = generate_account(seed=17, contacts=args.contacts, companies=max(10, args.contacts // 50),
                                   deals=max(10, args.contacts // 20), notes_per_contact=0, transactions=0)
        exports = work / "exports"
        write_csv_exports(account, exports)
        runs: dict[str, list[Measure]] = {v: [] for v in VARIANTS}
        for round_no in range(args.rounds):
            order = VARIANTS[round_no % 3:] + VARIANTS[:round_no % 3]  # who goes first changes per round
            for variant in order:
                measure = one_run(variant, exports, work, args.batch_size)
                runs[variant].append(measure)
                run_gap, after = measure.longest_run_gap()
                print(f"round {round_no + 1} {variant}: {measure.wall:.1f}s, display {measure.display_seconds:.3f}s "
                      f"({measure.cost_percent():.2f} %), longest contact gap {measure.longest_gap('contact'):.2f}s, "
                      f"longest run gap {run_gap:.2f}s after {after}", flush=True)
        report(runs, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def report(runs: dict[str, list[Measure]], args: argparse.Namespace) -> None:
    base = statistics.median(m.wall for m in runs["ignored"])
    rows = []
    for variant, measures in runs.items():
        wall = statistics.median(m.wall for m in measures)
        rows.append([variant, f"{measures[0].records:,}", f"{wall:.1f}", f"{100 * (wall - base) / base:+.1f} %",
                     f"{statistics.median(m.display_seconds for m in measures):.3f}",
                     f"{statistics.median(m.cost_percent() for m in measures):.2f} %",
                     f"{max(m.longest_gap('contact') for m in measures):.2f}",
                     f"{max(m.longest_gap() for m in measures):.2f}"])
    print(f"\n{args.contacts:,} contacts, batch size {args.batch_size}, {args.rounds} round(s), "
          f"load average {os.getloadavg()[0]:.2f}")
    print(table(["variant", "records", "wall s", "wall vs ignored", "display s", "display cost",
                 "max gap contacts s", "max gap run s"], rows))
    worst_cost = max(statistics.median(m.cost_percent() for m in runs[v]) for v in ("pipe", "terminal"))
    worst_gap = max(m.longest_gap("contact") for v in ("pipe", "terminal") for m in runs[v])
    print(f"display cost {worst_cost:.2f} % of the run (target < {COST_TARGET:g} %): "
          f"{'met' if worst_cost < COST_TARGET else 'NOT met'}; longest gap between progress updates while the "
          f"contacts load {worst_gap:.2f}s (target <= {GAP_TARGET:g}s): {'met' if worst_gap <= GAP_TARGET else 'NOT met'}")


if __name__ == "__main__":
    raise SystemExit(main())
