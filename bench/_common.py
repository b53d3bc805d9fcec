"""Shared helpers for the benchmarks: Odoo targets, call accounting at the transport seam, tables."""

from __future__ import annotations

import argparse
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret


def add_odoo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--odoo-url", help="a real Odoo (default: a SandboxServer started in-process)")
    parser.add_argument("--db", default="crm")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password")
    parser.add_argument("--api-key")
    parser.add_argument("--sandbox-version", default="18.0", help="sandbox version when no --odoo-url (17.0/18.0/19.0)")


@contextmanager
def odoo_target(args: argparse.Namespace) -> Iterator[OdooSettings]:
    """The real Odoo named on the command line, or a sandbox started for the run (stopped afterwards)."""
    if args.odoo_url:
        yield OdooSettings(url=args.odoo_url, database=args.db, login=args.login,
                           password=Secret(args.password) if args.password else None,
                           api_key=Secret(args.api_key) if args.api_key else None)
        return
    from crm2odoo.sandbox import SandboxServer

    server = SandboxServer(version=args.sandbox_version).start()
    try:
        yield OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                           password=Secret(server.admin_password),
                           api_key=Secret(server.admin_api_key) if server.version >= "19" else None)
    finally:
        server.stop()


@dataclass
class CallStats:
    """Calls per (model, method): count, seconds, rows sent (``load``/``create``)."""

    calls: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    rows: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.seconds.clear()
            self.rows.clear()

    def snapshot(self) -> dict[tuple[str, str], tuple[int, float, list[int]]]:
        with self.lock:
            return {k: (self.calls[k], self.seconds[k], list(self.rows.get(k, []))) for k in self.calls}


ADDRESS = {"street", "street2", "zip", "city", "state_id", "country_id"}


def count_calls(client: OdooClient, stats: CallStats) -> None:
    """Wrap the client's transport (an instance attribute) so every call is counted and timed; no product edit."""
    inner = client.transport
    original: Callable[..., Any] = inner.execute_kw

    def execute_kw(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return original(model, method, args, kwargs)
        finally:
            took = time.perf_counter() - started
            key = (model, method)
            if method == "load":  # tell the second, address-only load of partners from the main one
                columns = {str(c).split("/")[0] for c in (kwargs.get("fields") or [])[1:]}
                if columns and columns <= ADDRESS:
                    key = (model, "load (address only)")
            n = len(kwargs.get("data") or kwargs.get("vals_list") or (args[-1] if method == "create" and args
                                                                       and isinstance(args[-1], list) else []))
            with stats.lock:
                stats.calls[key] += 1
                stats.seconds[key] += took
                if method in ("load", "create"):
                    stats.rows[key].append(n)

    inner.execute_kw = execute_kw  # type: ignore[method-assign]


def timed_methods(obj: object, names: list[str], totals: dict[str, list[float]]) -> None:
    """Wrap methods of one instance to add up their wall time and count (e.g. a Ledger's writes)."""
    lock = threading.Lock()
    for name in names:
        original = getattr(obj, name)

        def wrapper(*a: Any, __original: Callable[..., Any] = original, __name: str = name, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return __original(*a, **kw)
            finally:
                with lock:
                    entry = totals.setdefault(__name, [0.0, 0.0])
                    entry[0] += 1
                    entry[1] += time.perf_counter() - started

        setattr(obj, name, wrapper)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)



def cpu_jiffies() -> tuple[int, int]:
    """(busy, all) CPU time of the whole machine since boot, every core summed, from /proc/stat (Linux)."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(v) for v in fh.readline().split()[1:9]]  # user nice system idle iowait irq softirq steal
    return sum(values) - values[3] - values[4], sum(values)


@contextmanager
def cpu_busy(into: dict[str, float], key: str) -> Iterator[None]:
    """``into[key]``: the share (%) of the machine's CPU time that was busy while the block ran: near 100 % means
    the client, Odoo and PostgreSQL together kept every core at work, so more connections cannot go faster."""
    busy, total = cpu_jiffies()
    try:
        yield
    finally:
        busy_end, total_end = cpu_jiffies()
        into[key] = 100.0 * (busy_end - busy) / max(1, total_end - total)
