"""Pacing requests under Ontraport's rolling per-account limit.

The budget (180/minute by default) is shared with the customer's other integrations, and a 429 costs a
whole round trip plus a sleep, so the pacer spreads requests evenly instead of bursting: it aims at a
little under the limit within any rolling window and slows further when the server's
``X-Rate-Limit-Remaining`` shows someone else is using the budget.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping


class RatePacer:
    """Decides when the next request may leave. Thread-safe; one per source instance."""

    def __init__(
        self,
        *,
        limit: int = 180,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()
        self._remaining: int | None = None
        self._reset_at: float | None = None
        self._others_seen: deque[tuple[float, int]] = deque()  # (when, calls of others in the server's window)
        self.waited = 0.0  # total seconds slept, for reports and benchmarks

    @property
    def cap(self) -> int:
        """Our own ceiling per window: leave a sliver so clock skew and jitter never tip us over."""
        margin = max(1, math.ceil(self.limit * 0.02))
        return max(1, self.limit - margin)

    def acquire(self) -> None:
        """Block until a request may be sent, then count it as sent."""
        with self._lock:
            now = self._clock()
            self._forget(now)
            at = now
            spent = self._remaining is not None and self._remaining <= 0
            if spent and self._reset_at is not None:
                if self._reset_at > now:
                    at = self._reset_at  # the budget is spent: wait for the server's reset
                # Past that reset the others' share is unknown until the next response re-estimates it; kept, a
                # spent budget would hold us at one call per window long after the server freed it. (Only then: in
                # a busy rolling window "reset" is merely when the oldest call ages out, every few moments.)
                self._others_seen.clear()
                self._remaining = None
            # other integrations' share of the window shrinks ours: the most they were seen using within the last
            # window, so a burst that has just aged out of the server's window does not invite ours into its place
            self._forget_others(now)
            others = max((n for _, n in self._others_seen), default=0)
            cap = max(1, self.cap - others)
            if self._sent:
                at = max(at, self._sent[-1] + self.window / cap)
            if len(self._sent) >= cap:
                at = max(at, self._sent[len(self._sent) - cap] + self.window)
            delay = at - now
            if delay > 0:
                self.waited += delay
                self._sleep(delay)
            # record the planned slot, not the wake-up time: oversleeping would otherwise add up call by call
            self._sent.append(at)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the limit and the remaining budget from a response's ``X-Rate-Limit-*`` headers."""
        headers = {k.lower(): v for k, v in headers.items()}
        limit = _int(headers.get("x-rate-limit-limit"))
        remaining = _int(headers.get("x-rate-limit-remaining"))
        reset = _float(headers.get("x-rate-limit-reset"))
        with self._lock:
            if limit is not None and limit > 0:
                self.limit = limit
            now = self._clock()
            self._forget(now)
            self._remaining = remaining
            self._reset_at = now + reset if reset is not None else None
            if remaining is not None:
                # the server counts everyone; what it counts beyond our own calls is someone else's
                self._others_seen.append((now, max(0, self.limit - remaining - len(self._sent))))

    def backoff_429(self, headers: Mapping[str, str]) -> float:
        """Seconds to wait after a 429: the server's reset if given, else one request slot of the window."""
        self.observe(headers)
        reset = _float({k.lower(): v for k, v in headers.items()}.get("x-rate-limit-reset"))
        wait = reset if reset is not None and reset > 0 else self.window / max(1, self.limit)
        with self._lock:
            self.waited += wait
        self._sleep(wait)
        return wait

    def _forget_others(self, now: float) -> None:
        while self._others_seen and self._others_seen[0][0] <= now - self.window:
            self._others_seen.popleft()

    def _forget(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()


def _int(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None


def _float(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        return None
