"""How a command shows what it is doing: Rich bars on a terminal, plain lines in a log, nothing with ``--quiet``.

The library tells its progress through the ``events(kind, **data)`` callback (the contract: run_plan (with the
``paces`` earlier runs measured and the records they ``landed``, for the overall time left), object_start,
object_progress, object_done / object_blocked, waiting / waiting_done, and a few notes; a long read adds ``done`` and
``total`` to its ``waiting`` and tells its count with ``waiting_progress``, see load/longread.py); this module turns
them into output and is the only one that knows about terminals. Progress goes to standard error, so what a command prints
on standard output (its verdict and summary) stays the same whichever display runs.

* a terminal (standard error is one): a live display (crm2odoo/cli_progress_rich.py);
* anything else (a pipe, a file, CI): one line when an object starts and one when it ends, and a progress line at
  most every ``--progress-interval`` seconds (else CRM2ODOO_PROGRESS_INTERVAL, else crm2odoo.toml's
  ``[output] progress_interval``, else 10), in plain text without a single control code;
* ``--quiet``: nothing but the verdict, the summary and errors.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

import click

from crm2odoo.cli_lines import (
    ENDS,
    counts_text,
    end_line,
    note_line,
    read_done_line,
    reading_line,
    start_line,
    undone_line,
)
from crm2odoo.config import configured_progress_interval
from crm2odoo.progress import RateMeter, RunProgress, format_seconds

Events = Callable[..., None]

#: seconds between two plain progress lines when nobody said otherwise
DEFAULT_INTERVAL = 10.0
_META_KEY = "crm2odoo.output"


@dataclass(frozen=True)
class OutputSettings:
    quiet: bool = False
    verbose: bool = False
    interval: float | None = None  # --progress-interval or its variable; None: the project's, else the default


def current_settings() -> OutputSettings:
    """The output options given to ``crm2odoo`` or to the command (either place works)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return OutputSettings()
    settings = ctx.find_root().meta.get(_META_KEY)
    return settings if isinstance(settings, OutputSettings) else OutputSettings()


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep an output option, whether it was given before the command or after it."""
    root = ctx.find_root()
    settings = root.meta.get(_META_KEY) or OutputSettings()
    if param.name == "quiet" and value:
        settings = replace(settings, quiet=True)
    elif param.name == "verbose" and value:
        settings = replace(settings, verbose=True)
        logging.getLogger().setLevel(logging.INFO)
    elif param.name == "progress_interval" and value is not None:
        settings = replace(settings, interval=float(value))
    root.meta[_META_KEY] = settings


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``-q/--quiet``, ``-v/--verbose`` and ``--progress-interval``, on ``crm2odoo`` itself and on each long
    command, so ``crm2odoo -q migrate`` and ``crm2odoo migrate -q`` mean the same."""
    for option in reversed((
        click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_remember,
                     help="print only the verdict, the summary and errors (no progress)"),
        click.option("-v", "--verbose", is_flag=True, expose_value=False, callback=_remember,
                     help="also log every Odoo and source call"),
        click.option("--progress-interval", type=click.FloatRange(min=0.1), default=None, expose_value=False,
                     callback=_remember, envvar="CRM2ODOO_PROGRESS_INTERVAL", metavar="SECONDS",
                     help=f"when the output is not a terminal: a progress line at most every SECONDS "
                          f"(env CRM2ODOO_PROGRESS_INTERVAL; else [output] progress_interval in crm2odoo.toml; "
                          f"default {DEFAULT_INTERVAL:g})"),
    )):
        command = option(command)
    return command


@contextlib.contextmanager
def progress_display(settings: OutputSettings | None = None, *, stream: TextIO | None = None) -> Iterator[Events]:
    """The events callback of one command, live while the block runs; the live display is gone when it ends,
    before the command prints its verdict."""
    settings = settings or current_settings()
    out = stream or sys.stderr
    if settings.quiet:
        yield _silent
        return
    if _is_terminal(out):
        from crm2odoo.cli_progress_rich import RichDisplay

        with RichDisplay(out, verbose=settings.verbose) as rich_display:
            yield rich_display
        return
    yield PlainDisplay(out, interval=settings.interval if settings.interval is not None else _configured_interval())


def _configured_interval() -> float:
    """The project's ``[output] progress_interval`` (the command's --project), else the default."""
    ctx = click.get_current_context(silent=True)
    project = ctx.params.get("project") if ctx is not None else None
    configured = configured_progress_interval(Path(project)) if project is not None else None
    return configured if configured is not None else DEFAULT_INTERVAL


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):
        return False


def _silent(kind: str, **data: Any) -> None:
    """--quiet: the verdict and the errors say everything."""




class PlainDisplay:
    """Lines for a log: one per object start and end, and progress at most every ``interval`` seconds."""

    def __init__(self, stream: TextIO, *, interval: float = DEFAULT_INTERVAL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.interval, self.clock = stream, interval, clock
        self.run = RunProgress(clock=clock)
        self._last_line = clock()
        self._lock = threading.Lock()  # batches settle on worker threads
        self._waiting: dict[str, float] = {}
        self._reading: dict[str, RateMeter] = {}  # long reads that tell their counts, by what they say

    def __call__(self, kind: str, **data: Any) -> None:
        with self._lock:
            line = self._line(kind, data)
            if line is not None:
                self.stream.write(line + "\n")
                self.stream.flush()
                self._last_line = self.clock()

    def _line(self, kind: str, data: dict[str, Any]) -> str | None:
        if kind == "run_plan":
            self.run.plan(data["objects"], data.get("shared", ()), data.get("paces"), data.get("landed"))
            total = self.run.overall.total  # a split source object counted once
            records = f"{total:,}" if total is not None else \
                f"{sum(t for _, _, t in data['objects'] if t is not None):,}+"
            return f"plan: {len(data['objects'])} objects, {records} records"
        if kind == "object_start":
            self.run.start(data["name"], data.get("total"))
            return start_line(data["name"], data["model"], data.get("total"))
        if kind == "object_progress":
            meter = self.run.progress(data["name"], data["done"], data.get("total"))
            if self.clock() - self._last_line < self.interval:
                return None
            return self._progress_line(data["name"], meter.done, meter.total, meter.rate(), meter.eta_seconds(),
                                       counts_text(data.get("quarantined", 0), data.get("blocked", 0)))
        if kind in ENDS:
            result = data["result"]
            self.run.end(result.name)
            return end_line(result)
        if kind == "object_undone":
            self.run.end(data["name"])
            return undone_line(data)
        if kind == "waiting":
            self._waiting[data["what"]] = self.clock()
            if "total" in data:  # a long read that tells its count as it goes
                self._reading[data["what"]] = RateMeter(data["total"], clock=self.clock)
            return f"  waiting: {data['what']} ..."
        if kind == "waiting_progress":
            return self._reading_line(data)
        if kind == "waiting_done":
            read = self._reading.pop(data["what"], None)
            began = self._waiting.pop(data["what"], None)
            took = self.clock() - began if began is not None else 0.0
            if read is not None:
                return read_done_line(data["what"], read.done, read.total, took)
            return f"  done in {took:.1f}s: {data['what']}" if took >= 1.0 else None
        return note_line(kind, data)

    def _reading_line(self, data: dict[str, Any]) -> str | None:
        """A long read's count, at most every ``interval`` seconds like the other progress lines."""
        read = self._reading.get(data["what"])
        if read is None:
            return None
        read.total = data.get("total", read.total)
        read.update(data["done"])
        if self.clock() - self._last_line < self.interval:
            return None
        return reading_line(data["what"], read.done, read.total, read.rate(), read.eta_seconds())

    def _progress_line(self, name: str, done: int, total: int | None, rate: float | None, eta: float | None,
                       counts: str) -> str:
        share = f"{done:,}/{total:,} ({min(100, 100 * done // total) if total else 100}%)" if total is not None else f"{done:,}"
        speed = f"{rate:,.0f} records/s" if rate is not None else "-- records/s"
        return (f"  {name:<20} {share}  {speed}  ETA {format_seconds(eta)}" + (f"  {counts}" if counts else "")
                + f"  [{self.run.overall_line()}]")
