"""What a command may call success, in one place for validate, migrate and reconcile.

A run is a success only when every source record it read ended as created, updated, matched, unchanged, merged or
skipped by a rule of the map. Quarantined records, records still being sent, blocked objects and conflicts left
for a person are not: each of them makes the command exit 1, unless quarantines stay within the tolerance the
user set (``migration.max_quarantine``: a count like ``5`` or a share like ``"2%"``; default 0).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_COUNT = re.compile(r"^\s*(\d+)\s*$")
#: how many distinct reasons the last lines show
TOP_REASONS = 3


@dataclass(frozen=True)
class Tolerance:
    """Quarantined records a run may leave and still succeed: at most ``count`` records, or ``share`` of those read."""

    count: int = 0
    share: float | None = None

    def allows(self, quarantined: int, total: int) -> bool:
        if self.share is not None:
            return quarantined <= self.share * total + 1e-9
        return quarantined <= self.count

    def describe(self) -> str:
        if self.share is not None:
            return f"{self.share * 100:g} % of the records read"
        return f"{self.count} record" + ("" if self.count == 1 else "s")

    def verdict(self, quarantined: int, total: int) -> str:
        """'over migration.max_quarantine (0 records)' or 'within ...': the words every command uses."""
        return f"{'within' if self.allows(quarantined, total) else 'over'} migration.max_quarantine ({self.describe()})"


def per_object(counts: Mapping[str, int]) -> str:
    """'contact 30, deal 10': most first, empty ones left out."""
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n)


def parse_tolerance(value: Any) -> Tolerance:
    """``0``, ``5``, ``"5"``, ``"2%"`` or ``0.02`` (a share below 1). Raises ValueError with what is accepted."""
    if isinstance(value, bool):
        raise ValueError("must be a count (5) or a share (\"2%\")")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("must not be negative")
        return Tolerance(count=value)
    if isinstance(value, float):
        if not 0 <= value < 1:
            raise ValueError("a share is written between 0 and 1 (0.02) or as \"2%\"")
        return Tolerance(share=value)
    if isinstance(value, str):
        share, count = _SHARE.match(value), _COUNT.match(value)
        if share and float(share.group(1)) <= 100:
            return Tolerance(share=float(share.group(1)) / 100)
        if count:
            return Tolerance(count=int(count.group(1)))
    raise ValueError("must be a count (5) or a share (\"2%\")")


def reason_key(reason: str) -> str:
    """A reason without the values that make every record's message unique, so alike reasons count together."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", reason)
    text = re.sub(r"\d+", "N", text)
    return text.strip()[:160]


@dataclass
class Shortfall:
    """What kept a run (or the project) from full success, with the counts a person needs to act."""

    read: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)
    unsettled: dict[str, int] = field(default_factory=dict)  # still 'sending': a write whose answer never came
    blocked: dict[str, str] = field(default_factory=dict)  # object -> why
    unexplained: dict[str, int] = field(default_factory=dict)  # read, yet no outcome was counted for them
    conflicts: int = 0
    conflicts_stop: bool = False  # migration.conflicts = "stop": conflicts wait for a person
    reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    def within(self, tolerance: Tolerance) -> bool:
        return (not self.blocked and not any(self.unsettled.values()) and not any(self.unexplained.values())
                and not (self.conflicts and self.conflicts_stop)
                and tolerance.allows(self.quarantined_total, self.read))

    def lines(self, tolerance: Tolerance) -> list[str]:
        """The last lines of a command that did not fully succeed: how many, of which objects, the top reasons."""
        out: list[str] = []
        if self.quarantined_total:
            out.append(f"{self.quarantined_total} of {self.read} records quarantined ({per_object(self.quarantined)}); "
                       + tolerance.verdict(self.quarantined_total, self.read))
            for reason, count in self.reasons[:TOP_REASONS]:
                out.append(f"  {count:>6} x {reason}")
        for name, why in self.blocked.items():
            out.append(f"{name} blocked: {why}")
        unsettled = sum(self.unsettled.values())
        if unsettled:
            out.append(f"{unsettled} records were sent without a confirmed answer ({per_object(self.unsettled)}): "
                       "run the command again")
        unexplained = sum(self.unexplained.values())
        if unexplained:
            out.append(f"{unexplained} records were read but no outcome was recorded for them "
                       f"({per_object(self.unexplained)}): please report this")
        if self.conflicts and self.conflicts_stop:
            out.append(f"{self.conflicts} conflicts (changed in Odoo and in the source) wait for a decision: "
                       "see the report, then set migration.conflicts or edit the records")
        return out

    def asdict(self) -> dict[str, Any]:
        return {"read": self.read, "quarantined": self.quarantined, "quarantined_total": self.quarantined_total,
                "unsettled": self.unsettled, "unexplained": self.unexplained, "blocked": self.blocked, "conflicts": self.conflicts,
                "reasons": [{"reason": r, "count": n} for r, n in self.reasons]}


def top_reasons(reasons: Iterable[str], limit: int = 10) -> list[tuple[str, int]]:
    counted = Counter(reason_key(r) for r in reasons if r)
    return counted.most_common(limit)
