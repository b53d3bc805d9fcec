"""Rate and time left of a long step, computed from how many records are done (no terminal, no click).

The library reports ``object_progress(done=...)`` after each settled batch; a renderer (the CLI's, a bench
script) feeds those counts to a ``RateMeter`` and asks it for records per second and an ETA. The rate is the
one of a recent window, not of the whole step: a run that speeds up once Odoo's caches are warm, or slows down
on a heavy object, shows its present pace, and an ETA that does not jump with every batch.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crm2odoo.mapping.spec import ObjectMap

#: a rate needs at least this much time behind it: two batches a few milliseconds apart say nothing steady
MIN_SECONDS_FOR_RATE = 1.0


class RateMeter:
    """Records done over time: the recent rate (records per second) and the seconds left at that rate.

    The clock is injectable so a test can pin the numbers. The meter starts at 0 done when it is made.
    """

    def __init__(self, total: int | None, *, clock: Callable[[], float] = time.monotonic,
                 window_seconds: float = 30.0) -> None:
        if window_seconds <= 0:
            raise ValueError("window_seconds must be positive")
        self.total = total
        self.done = 0
        self._clock = clock
        self._window = window_seconds
        self.started = clock()
        #: (when, done) samples of the window, oldest first; the oldest may be just before the window so the
        #: rate always spans the whole window once the step has run that long
        self._samples: deque[tuple[float, int]] = deque([(self.started, 0)])

    def update(self, done: int) -> None:
        """``done`` records are done now (a count, not an increment; a smaller count than before is taken)."""
        now = self._clock()
        self.done = done
        self._samples.append((now, done))
        # drop samples older than the window, keeping the newest of them as the window's start
        while len(self._samples) > 2 and self._samples[1][0] <= now - self._window:
            self._samples.popleft()

    def elapsed(self) -> float:
        """Seconds since the meter was made."""
        return max(0.0, self._clock() - self.started)

    def rate(self) -> float | None:
        """Records per second over the recent window, up to now (a stall lowers it); None until the meter
        has at least ``MIN_SECONDS_FOR_RATE`` behind it and a record done."""
        now = self._clock()
        start_time, start_done = self._window_start(now)
        span = now - start_time
        if span < MIN_SECONDS_FOR_RATE or self.done <= 0:
            return None
        return max(0.0, (self.done - start_done) / span)

    def eta_seconds(self) -> float | None:
        """Seconds left at the recent rate: 0 once done reaches total; None while the total is unknown or no
        rate can be said (too early, or nothing done in the whole window)."""
        if self.total is None:
            return None
        remaining = self.total - self.done
        if remaining <= 0:
            return 0.0
        rate = self.rate()
        if not rate:
            return None
        return remaining / rate

    def _window_start(self, now: float) -> tuple[float, int]:
        """The sample the rate is measured from: the newest one at or before the window's start, else the
        oldest (a step younger than the window is measured from its start)."""
        start = self._samples[0]
        for sample in self._samples:
            if sample[0] > now - self._window:
                break
            start = sample
        return start


class _SetClock:
    """A clock that says what it was last set to (a meter fed after the fact)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def replayed_meter(total: int | None, started: float, landings: Iterable[tuple[float, int]], now: float, *,
                   window_seconds: float = 30.0) -> RateMeter:
    """The meter a live display would hold at ``now``, fed after the fact: ``landings`` are (when, records settled
    then) in time order, as the ledger keeps them; ``started``: when the step began. So a page reading the ledger
    says the rate and ETA the terminal says for the same landings (the same window, not an average since the start)."""
    clock = _SetClock(started)
    meter = RateMeter(total, clock=clock, window_seconds=window_seconds)
    done = 0
    for when, count in landings:
        clock.now = when
        done += count
        meter.update(done)
    clock.now = now
    return meter


def time_left(parts: Iterable[tuple[int, float | None, float | None]], rate: float | None) -> float | None:
    """Seconds left of a run made of ``parts``, each (records left, its own recent rate or None, the seconds per
    record an earlier run measured for it or None): a part goes at its own rate, else at its measured pace, else
    at the whole run's recent ``rate``; None when a part has neither and the run has no rate yet."""
    seconds, unpriced = 0.0, 0
    for left, own_rate, pace in parts:
        if left <= 0:
            continue
        if own_rate:
            seconds += left / own_rate
        elif pace is not None:
            seconds += left * pace
        else:
            unpriced += left
    if unpriced:
        if not rate:
            return None
        seconds += unpriced / rate
    return seconds


def format_seconds(seconds: float | None) -> str:
    """``1:02:03``, ``4:05`` or ``--:--`` for a time nobody can say yet."""
    if seconds is None:
        return "--:--"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# -- what a run expects: each map's records, and the source objects maps split between them ---------------------
def split_key(source_object: str) -> str:
    """Where :func:`expected_records` keeps the count of a source object maps split between them by ``where``
    (with a space: never a map's name)."""
    return f"source object {source_object}"


def expected_records(maps: Iterable[ObjectMap], count_of: Callable[[str], int | None]) -> dict[str, int | None]:
    """The records each map will meet, from its source object's count (``count_of``; None: the source could not
    count). A map with ``where`` takes part of its object, and nobody can say how much before reading it: no exact
    total (None), but its object's count is kept under :func:`split_key`, so an overall line can still count the
    object, once for all the maps that share it. The one definition for the terminal, a log and the browser."""
    expected: dict[str, int | None] = {}
    for obj in maps:
        count = count_of(obj.source_object)
        if obj.where:
            expected[obj.name] = None
            expected[split_key(obj.source_object)] = count
        else:
            expected[obj.name] = count
    return expected


@dataclass(frozen=True)
class SharedCount:
    """A source object that maps split between them by ``where``: its count, counted once by the overall line."""

    source_object: str
    count: int | None
    maps: tuple[str, ...]


def run_plan(maps: Sequence[ObjectMap], expected: Mapping[str, int | None]) -> dict[str, Any]:
    """The data of the ``run_plan`` event for ``maps`` in the order they run: ``objects`` (name, model, total) and
    ``shared`` (source object, count, its maps), the split objects of ``expected`` (:func:`expected_records`)."""
    shared: dict[str, list[str]] = {}
    for obj in maps:
        if obj.where and split_key(obj.source_object) in expected:
            shared.setdefault(obj.source_object, []).append(obj.name)
    return {"objects": [(obj.name, obj.model, expected.get(obj.name)) for obj in maps],
            "shared": [(source, expected[split_key(source)], names) for source, names in shared.items()]}


class _RunMeter(RateMeter):
    """The overall meter of a run: records of every object over time; its time left is the run's (``paced``) when
    an earlier run measured some objects, else every record left at the recent overall rate."""

    def __init__(self, *, clock: Callable[[], float], window_seconds: float) -> None:
        super().__init__(None, clock=clock, window_seconds=window_seconds)
        self.paced: Callable[[float | None], float | None] | None = None

    def eta_seconds(self) -> float | None:
        if self.paced is None or self.total is None:
            return super().eta_seconds()
        return self.paced(self.rate())


class RunProgress:
    """A command's objects as they go: the plan (each object's expected records), the ones done, and an overall
    meter over every record of the plan, so an overall line can say objects done, elapsed and time left.

    Fed by the library's events (``run_plan``, ``object_start``, ``object_progress``, an object's end); holds no
    terminal. The overall ETA is None while any planned object's total is unknown: a guess from part of the
    run would look as sure as a real one. Maps that split one source object by ``where`` have no total each, but
    the plan's ``shared`` count of their object stands for them all: the overall total counts the object once,
    and when the last of them ends, the records none of them took come off it (what they met replaces the count).
    A plan may bring ``paces``, the seconds per record written that earlier runs of the project measured, and the
    records they ``landed`` (ledger/paces.py): then the time left is summed per object (:func:`time_left`), the new
    records of an object not reached yet at its measured pace instead of the pace of the objects before it.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, window_seconds: float = 30.0) -> None:
        self._clock, self._window = clock, window_seconds
        self.planned: dict[str, int | None] = {}
        self.shares: dict[str, SharedCount] = {}  # map name -> the split source object it reads part of
        self.meters: dict[str, RateMeter] = {}  # objects started and not ended
        self.ended: list[str] = []
        self._ended_done: dict[str, int] = {}  # records each ended object met
        self._ended_records = 0  # records of the ended objects, each counted as its total (or what it met)
        self.paces: dict[str, float] = {}  # seconds per record written, measured by earlier runs
        self.landed: dict[str, int] = {}  # records earlier runs landed, per object
        self.overall = _RunMeter(clock=clock, window_seconds=window_seconds)

    def plan(self, objects: Sequence[tuple[str, str, int | None]],
             shared: Iterable[tuple[str, int | None, Sequence[str]]] = (),
             paces: Mapping[str, float] | None = None, landed: Mapping[str, int] | None = None) -> None:
        self.planned = {name: total for name, _, total in objects}
        shares = [SharedCount(source, count, tuple(names)) for source, count, names in shared]
        self.shares = {name: share for share in shares for name in share.maps}
        totals = [t for name, t in self.planned.items() if name not in self.shares] + [s.count for s in shares]
        self.overall.total = sum(t for t in totals if t is not None) if None not in totals else None
        self.paces = {name: pace for name, pace in (paces or {}).items() if name in self.planned}
        self.landed = dict(landed or {})
        self.overall.paced = self._paced_time_left if self.paces else None

    def _paced_time_left(self, rate: float | None) -> float | None:
        """The run's time left, object by object (:func:`time_left`)."""
        parts: list[tuple[int, float | None, float | None]] = []
        for name, total in self.planned.items():
            if name in self.ended or name in self.shares:
                continue
            meter = self.meters.get(name)
            if meter is None:  # not reached: what earlier runs landed is mostly found unchanged, at another pace
                new = max(0, (total or 0) - self.landed.get(name, 0))
                parts += [(new, None, self.paces.get(name)), ((total or 0) - new, None, None)]
                continue
            expected = meter.total if meter.total is not None else (total or 0)
            parts.append((max(0, expected - meter.done), meter.rate(), self.paces.get(name)))
        for share in {id(s): s for s in self.shares.values()}.values():
            if share.count is None or all(name in self.ended for name in share.maps):
                continue
            met = sum(self._ended_done.get(n, 0) + (self.meters[n].done if n in self.meters else 0) for n in share.maps)
            parts.append((max(0, share.count - met), None, None))
        return time_left(parts, rate)

    def start(self, name: str, total: int | None) -> RateMeter:
        if name not in self.planned:  # a command without a plan: the objects are counted as they come
            self.planned[name] = total
        meter = self.meters[name] = RateMeter(total, clock=self._clock, window_seconds=self._window)
        return meter

    def progress(self, name: str, done: int, total: int | None) -> RateMeter:
        meter = self.meters.get(name) or self.start(name, total)
        meter.total = total if total is not None else meter.total
        meter.update(done)
        self.overall.update(self._ended_records + sum(m.done for m in self.meters.values()))
        return meter

    def end(self, name: str) -> RateMeter | None:
        """``name`` ended (done or blocked); its meter, if it had started."""
        meter = self.meters.pop(name, None)
        if name not in self.ended:
            self.ended.append(name)
            self._ended_done[name] = meter.done if meter else 0
            expected = self.planned.get(name)
            self._ended_records += max(expected or 0, self._ended_done[name])
            self._settle_share(name)
            self.overall.update(self._ended_records + sum(m.done for m in self.meters.values()))
        return meter

    def _settle_share(self, name: str) -> None:
        """Once every map of a split object ended, what they met replaces the object's count in the total."""
        share = self.shares.get(name)
        if share is None or share.count is None or self.overall.total is None:
            return
        if all(other in self._ended_done for other in share.maps):
            self.overall.total += sum(self._ended_done[other] for other in share.maps) - share.count

    @property
    def objects_total(self) -> int:
        return len(self.planned)

    def overall_line(self) -> str:
        """``3/8 objects · 1:02 elapsed · ETA 4:10``"""
        return (f"{len(self.ended)}/{self.objects_total} objects · {format_seconds(self.overall.elapsed())} elapsed"
                f" · ETA {format_seconds(self.overall.eta_seconds())}")
