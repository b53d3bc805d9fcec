"""The live display of a command on a terminal (Rich): a bar per object in progress, an overall line, a spinner
while a long single call runs. An object that ends leaves one line above the bars, as a log would show it.

Rate and ETA come from the library's meters (crm2odoo/progress.py), not from Rich's own estimates, so the
terminal, a log and a bench script say the same numbers; they are read each time the display refreshes, so the
ETA keeps moving while a slow batch runs.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, TextIO

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TaskID, TextColumn
from rich.text import Text

from crm2odoo.cli_lines import ENDS, counts_text, end_line, note_line, read_done_line, undone_line
from crm2odoo.progress import RateMeter, RunProgress, format_seconds

#: redraws per second: smooth enough for a person, cheap next to a run's own work
REFRESH_PER_SECOND = 2


class _DoneColumn(ProgressColumn):
    """``4,000/20,000`` (or ``4,000`` while the total is unknown); nothing on a spinner."""

    def render(self, task: Task) -> Text:
        if task.fields.get("kind") == "waiting":
            return Text("")
        done = int(task.completed)
        return Text(f"{done:,}/{int(task.total):,}" if task.total is not None else f"{done:,}")


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        meter: RateMeter | None = task.fields.get("meter")
        if meter is None or task.fields.get("kind") == "waiting":
            return Text("")
        rate = meter.rate()
        return Text(f"{rate:,.0f} rec/s" if rate is not None else "-- rec/s", style="cyan")


class _EtaColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        meter: RateMeter | None = task.fields.get("meter")
        if task.fields.get("kind") == "waiting":
            return Text(format_seconds(task.elapsed or 0), style="dim")
        if meter is None:
            return Text("")
        if task.fields.get("kind") == "reading" and (meter.total is None or meter.done >= meter.total):
            return Text(format_seconds(task.elapsed or 0), style="dim")  # sorting, or past the count: no ETA
        eta = Text(f"ETA {format_seconds(meter.eta_seconds())}", style="magenta")
        if task.fields.get("kind") == "overall":
            eta.append(f" · {format_seconds(meter.elapsed())} elapsed", style="dim")
        return eta


class RichDisplay:
    """The events callback of a command on a terminal; use it as a context manager (it owns the live display)."""

    def __init__(self, stream: TextIO, *, verbose: bool = False) -> None:
        self.console = Console(file=stream)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=30), _DoneColumn(),
                                 _RateColumn(), _EtaColumn(), TextColumn("{task.fields[counts]}", style="yellow"),
                                 console=self.console, refresh_per_second=REFRESH_PER_SECOND, transient=True)
        self.run = RunProgress()
        self.tasks: dict[str, TaskID] = {}
        self.overall: TaskID | None = None
        self.verbose = verbose
        self._lock = threading.Lock()
        self._handlers: list[logging.Handler] = []
        self._reading: dict[str, RateMeter] = {}  # long reads that tell their counts, by what they say

    def __enter__(self) -> RichDisplay:
        root = logging.getLogger()
        # log lines (-v) go above the bars, through the same console, instead of tearing them
        self._handlers = list(root.handlers)
        for handler in self._handlers:
            root.removeHandler(handler)
        root.addHandler(RichHandler(console=self.console, show_time=False, show_path=False))
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in self._handlers:
            root.addHandler(handler)

    def __call__(self, kind: str, **data: Any) -> None:
        with self._lock:
            self._handle(kind, data)

    def _handle(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "run_plan":
            self.run.plan(data["objects"], data.get("shared", ()), data.get("paces"), data.get("landed"))
            self._overall()
        elif kind == "object_start":
            name = data["name"]
            meter = self.run.start(name, data.get("total"))
            self._overall()
            self._drop(name)
            self.tasks[name] = self.progress.add_task(f"{name} → {data['model']}", total=data.get("total"),
                                                      meter=meter, counts="", kind="object")
        elif kind == "object_progress":
            name = data["name"]
            meter = self.run.progress(name, data["done"], data.get("total"))
            if name not in self.tasks:
                self.tasks[name] = self.progress.add_task(name, total=meter.total, meter=meter, counts="",
                                                          kind="object")
            self.progress.update(self.tasks[name], completed=meter.done, total=meter.total,
                                 counts=counts_text(data.get("quarantined", 0), data.get("blocked", 0)))
            self._overall()
        elif kind in ENDS:
            result = data["result"]
            self.run.end(result.name)
            self._drop(result.name)
            self._overall()
            blocked = bool(getattr(result, "blocked", ""))
            self.console.print(Text(end_line(result), style="yellow" if blocked else ""))
        elif kind == "object_undone":
            self.run.end(data["name"])
            self._drop(data["name"])
            self._overall()
            self.console.print(Text(undone_line(data)))
        elif kind == "waiting" and "total" in data:  # a long read that tells its count: a bar of its own
            read = self._reading[data["what"]] = RateMeter(data["total"])
            self.tasks["waiting: " + data["what"]] = self.progress.add_task(
                f"[dim]{data['what']}[/]", total=data["total"], meter=read, counts="", kind="reading")
        elif kind == "waiting":
            self.tasks["waiting: " + data["what"]] = self.progress.add_task(
                f"[dim]waiting:[/] {data['what']}", total=None, meter=None, counts="", kind="waiting")
        elif kind == "waiting_progress":
            task, reading = self.tasks.get("waiting: " + data["what"]), self._reading.get(data["what"])
            if task is not None and reading is not None:
                reading.total = data.get("total", reading.total)
                reading.update(data["done"])
                self.progress.update(task, completed=reading.done, total=reading.total)
        elif kind == "waiting_done":
            reading = self._reading.pop(data["what"], None)
            if reading is not None:  # what the read met stays above the bars, as in a log
                self.console.print(Text(read_done_line(data["what"], reading.done, reading.total,
                                                       reading.elapsed()), style="dim"))
            self._drop("waiting: " + data["what"])
        else:
            line = note_line(kind, data)
            if line is not None:
                self.console.print(Text(line, style="bold" if kind == "step" else "yellow"))

    def _drop(self, key: str) -> None:
        task = self.tasks.pop(key, None)
        if task is not None:
            self.progress.remove_task(task)

    def _overall(self) -> None:
        """The overall line, first: objects done of the plan, records, rate, time left and elapsed."""
        meter = self.run.overall
        if self.overall is None:
            self.overall = self.progress.add_task("", total=meter.total, meter=meter, counts="", kind="overall")
        self.progress.update(self.overall, completed=meter.done, total=meter.total,
                             description=f"[bold]overall[/] {len(self.run.ended)}/{self.run.objects_total} objects")
