"""Injected faults: which calls fail and how (a gateway error page, a hang, a dropped connection, a slow answer,
a serialization failure, ``load`` failing inside, ``load`` meeting another transaction's write, or ``load``
refusing its records), deterministic for a seed and call order."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .exceptions import serialization_failure

FAULT_KINDS = ("502", "503", "504", "timeout", "drop", "serialization", "slow", "load_internal", "load_conflict",
               "load_refused")
#: what Odoo 18's load() answered when its registry was being reloaded by another request's schema change
LOAD_INTERNAL_ANSWER: dict[str, Any] = {
    "ids": False, "nextrow": 0,
    "messages": [{"type": "error", "record": 0, "rows": {"from": 0, "to": 0}, "moreinfo": "Resolve other errors first",
                  "message": "Unknown error during import: <class 'KeyError'>: 'res.partner.phone_sanitized'"}]}
#: what load() answered on a real Odoo 19 (and 18) when another transaction wrote a row its record touched at the
#: same time (two connections writing companies of one parent): load catches PostgreSQL's serialization failure
#: per record (models.py, ``except psycopg2.Error``: the error's own text), so Odoo's own retry of the request never
#: sees it, and rolls the whole batch back
LOAD_CONFLICT_ANSWER: dict[str, Any] = {
    "ids": False, "nextrow": 0,
    "messages": [{"type": "error", "record": 0, "rows": {"from": 0, "to": 0},
                  "message": "could not serialize access due to concurrent update\n"}]}
#: what load() answers when Odoo refuses the records (here an access rule on crm.stage; any UserError reads alike:
#: Odoo 17/18/19 catch it per record and answer with its text), writing nothing
LOAD_REFUSED_ANSWER: dict[str, Any] = {
    "ids": False, "nextrow": 0,
    "messages": [{"type": "error", "record": 0, "rows": {"from": 0, "to": 0},
                  "message": "You are not allowed to create 'CRM Stages' (crm.stage) records.\n\nThis operation is "
                             "allowed for the following groups:\n\t- Sales/Administrator\n\nContact your "
                             "administrator to request access if necessary."}]}
#: the answers ``FaultInjector.apply`` names instead of executing a load (nothing is written)
CANNED_ANSWERS: dict[str, dict[str, Any]] = {"load-internal": LOAD_INTERNAL_ANSWER, "load-conflict": LOAD_CONFLICT_ANSWER,
                                             "load-refused": LOAD_REFUSED_ANSWER}
_REASONS = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class FaultPlan:
    """Which object calls fail and how. Deterministic for a given seed and call order."""

    share: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    slow_seconds: float = 0.2
    methods: set[str] | None = None
    models: set[str] | None = None  # only calls on these models (None: any)
    drop_after_commit: bool = False
    timeout_seconds: float = 3.0  # how long a "timeout" call hangs before the socket is closed
    limit: int | None = None  # inject at most this many faults (``share=1, limit=1``: exactly the next matching call)
    after: int = 0  # let this many matching calls through untouched before faults start

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; use {FAULT_KINDS}")


@dataclass
class DropConnection(Exception):
    """Close the connection without answering (after the call's effects, if any, are committed)."""

    delay: float = 0.0


@dataclass
class HttpReply(Exception):
    """Answer with this HTTP status and body instead of an RPC response (a proxy's error page)."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class FaultInjector:
    """Draws the fault (if any) of each object call from the current plan."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.plan = FaultPlan()
        self._rng = random.Random(0)
        self.injected = 0
        self._matching_calls = 0

    def reset(self, plan: FaultPlan | None) -> None:
        with self._lock:
            self.plan = plan or FaultPlan()
            self._rng = random.Random(self.plan.seed)
            self.injected = 0
            self._matching_calls = 0

    def pick(self, method: str, model: str = "") -> str | None:
        with self._lock:
            plan = self.plan
            if plan.share <= 0 or not plan.kinds or (plan.methods is not None and method not in plan.methods):
                return None
            if plan.models is not None and model not in plan.models:
                return None
            self._matching_calls += 1
            if self._matching_calls <= plan.after:
                return None
            if plan.limit is not None and self.injected >= plan.limit:
                return None
            if self._rng.random() >= plan.share:
                return None
            self.injected += 1
            return self._rng.choice(plan.kinds)

    def apply(self, method: str, model: str = "") -> str | None:
        """Apply a fault that happens before execution; returns 'drop-after', or a key of CANNED_ANSWERS (the answer
        to give instead of executing), if pending."""
        kind = self.pick(method, model)
        if kind is None:
            return None
        plan = self.plan
        if kind in ("502", "503", "504"):
            status = int(kind)
            raise HttpReply(status, f"<html><head><title>{status} {_REASONS[status]}</title></head><body><center>"
                                    f"<h1>{status} {_REASONS[status]}</h1></center></body></html>".encode())
        if kind == "timeout":
            raise DropConnection(delay=plan.timeout_seconds)
        if kind == "slow":
            time.sleep(plan.slow_seconds)
            return None
        if kind == "serialization":
            raise serialization_failure()
        if kind == "drop":
            if plan.drop_after_commit:
                return "drop-after"
            raise DropConnection()
        if kind == "load_internal":
            # load() fails inside and says so in its answer; nothing is written (other methods pass untouched)
            return "load-internal" if method == "load" else None
        if kind == "load_conflict":
            return "load-conflict" if method == "load" else None
        if kind == "load_refused":
            return "load-refused" if method == "load" else None
        return None
