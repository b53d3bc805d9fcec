"""Extraction under Ontraport's rate limit (issue 7): the share of the budget the connector uses, and its 429s.

    python bench/extraction.py                       # Ontraport's 180 calls per window, the window cut to 6 s
    python bench/extraction.py --limit 180 --window 6 --seconds 30 --other-share 0.3

The real connector (``OntraportApiSource``) reads contacts page after page from the ``OntraportSimulator`` with a
shortened rolling window, until ``--seconds`` have passed. Scenarios, in one run:

1. alone: the connector has the whole budget;
2. shared: another integration of the customer spends ``--other-share`` of the budget (``sim.consume``), evenly;
3. burst: the other integration spends the same amount in one burst at the start of every window.

Printed per scenario: requests the server accepted from the connector, the budget available to it (limit per
window x elapsed / window, minus what the other integration spent), the share used (target >= 0.95), the busiest
rolling window, 429s in all and after the first two windows ("settled": the pacer learns the other integration's
share from the headers during the first window, target 0), and when each 429 came.
The connector is told the window (``rate_window_seconds``) because headers do not carry it; the limit it learns from
``X-Rate-Limit-Limit``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table

from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings
from crm2odoo.sources.ontraport.api import OntraportApiSource
from crm2odoo.testing.ontraport_sim import OntraportSimulator, generate_account

APP_ID, KEY = "bench-app", "bench-key"


@dataclass
class Outcome:  # figures over the steady-state span (after the first window)
    name: str
    elapsed: float
    accepted: int
    other: int
    available: float
    busiest: int
    limited: int
    limited_settled: int
    records: int
    connector_429: int
    waited: float
    limited_at: list[float]  # when each 429 came, in windows since the start

    @property
    def share(self) -> float:
        return self.accepted / self.available if self.available else 0.0


def scenario(name: str, *, limit: int, window: float, seconds: float, contacts: int, other_share: float,
             burst: bool) -> Outcome:
    account = generate_account(seed=11, contacts=contacts, companies=5, deals=5, notes_per_contact=0)
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=limit,
                            rate_window_seconds=window) as sim:
        settings = SourceSettings("ontraport", {"base_url": sim.url, "app_id": APP_ID, "api_key": Secret(KEY)},
                                  Path("."), {"rate_window_seconds": window, "retry_backoff": 0.05})
        source = OntraportApiSource(settings)
        stop = threading.Event()
        other: list[tuple[float, int]] = []  # (time, calls) the other integration spent

        def other_integration() -> None:
            # on an absolute schedule (no drift), so a span of k windows holds exactly k windows' worth of spending
            per_window = round(limit * other_share)
            if per_window <= 0:
                return
            calls, period = (per_window, window) if burst else (1, window / per_window)
            start = time.monotonic()
            for k in itertools.count():
                if stop.wait(max(0.0, start + k * period - time.monotonic())):
                    return
                sim.consume(calls)
                other.append((time.monotonic(), calls))

        records = 0
        started = time.monotonic()
        spender = threading.Thread(target=other_integration, daemon=True)
        spender.start()
        try:
            while time.monotonic() - started < seconds:
                reader = source.read("contact")
                for _ in reader:
                    records += 1
                    if time.monotonic() - started >= seconds:
                        break
                reader.close()  # type: ignore[attr-defined]
        finally:
            stop.set()
            spender.join()
            source.close()
        log = [e for e in sim.request_log if e["t"] >= started]
        ok = [e for e in log if e["status"] not in (429, 0)]
        first, last = (ok[0]["t"], ok[-1]["t"]) if ok else (started, started)
        # steady state: the first window (start-up) is left out; what the server accepted from the connector in
        # (first + window, last] against the slots of that span (limit per window) minus the other integration's
        # a whole number of windows, so a burst every window is counted exactly that many times
        windows = max(1, int((last - first - window) // window))
        lo = last - windows * window
        span = windows * window
        accepted = sum(1 for e in ok if lo < e["t"] <= last)
        spent = sum(n for t, n in other if lo < t <= last)
        return Outcome(name, span, accepted, spent, max(1.0, limit * span / window - spent), sim.max_in_window(),
                       sum(1 for e in log if e["status"] == 429),
                       sum(1 for e in log if e["status"] == 429 and e["t"] > started + 2 * window),
                       records, source.stats["rate_limited"], source.pacer.waited,
                       [round((e["t"] - started) / window, 2) for e in log if e["status"] == 429])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=180, help="requests per rolling window (Ontraport's: 180)")
    parser.add_argument("--window", type=float, default=6.0, help="window in seconds (Ontraport: 180 per 60 s; "
                                                                  "shortened so a run is short)")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each scenario")
    parser.add_argument("--contacts", type=int, default=3000, help="contacts in the simulated account (read repeatedly)")
    parser.add_argument("--other-share", type=float, default=0.3, help="share of the budget another integration spends")
    args = parser.parse_args(argv)
    print(f"OntraportSimulator: {args.limit} requests per {args.window:g} s rolling window; "
          f"{args.seconds:g} s per scenario; other integration: {args.other_share:.0%} of the budget")
    outcomes = [
        scenario("alone", limit=args.limit, window=args.window, seconds=args.seconds, contacts=args.contacts,
                 other_share=0.0, burst=False),
        scenario(f"shared {args.other_share:.0%} evenly", limit=args.limit, window=args.window, seconds=args.seconds,
                 contacts=args.contacts, other_share=args.other_share, burst=False),
        scenario(f"shared {args.other_share:.0%} in bursts", limit=args.limit, window=args.window,
                 seconds=args.seconds, contacts=args.contacts, other_share=args.other_share, burst=True),
    ]
    rows = [[o.name, f"{o.elapsed:.1f}", o.accepted, o.other, f"{o.available:.0f}", f"{o.share:.3f}",
             f"{o.busiest}/{args.limit}", o.limited, o.limited_settled, o.records, f"{o.waited:.1f}"]
            for o in outcomes]
    print(table(["scenario", "steady s", "accepted", "other", "available", "share", "busiest window", "429s",
                 "429s settled", "records", "pacer slept s"], rows))
    print()
    for o in outcomes:
        verdict_share = "met" if o.share >= 0.95 else "MISSED"
        verdict_429 = "met" if o.limited_settled == 0 else "MISSED"
        print(f"{o.name}: budget share {o.share:.3f} (target >= 0.95): {verdict_share}; "
              f"429s once settled {o.limited_settled} (target 0): {verdict_429}; 429s in the first "
              f"two windows {o.limited - o.limited_settled}"
              + (f" (at {', '.join(f'{w:g}' for w in o.limited_at)} windows after the start)" if o.limited else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
