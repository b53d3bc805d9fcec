"""Findings grouped by object, field, problem and value, with how many records each group holds.

300 contacts whose industry 'Software' Odoo does not know are one thing to fix, not 300: the terminal shows the
largest groups, the report the groups and then every finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: groups the terminal shows; the report shows them all
TOP_GROUPS = 10


@dataclass(frozen=True)
class FindingGroup:
    severity: str
    object: str
    field: str | None
    value: str | None
    message: str
    fix: str
    action: str
    records: int

    def line(self) -> str:
        """``contact.industry: 'Software': not found in Odoo — 300 records (migrate will quarantine)``."""
        where = f"{self.object}.{self.field}" if self.field else self.object
        value = f" {self.value[:60]!r}:" if self.value not in (None, "") else ""
        unit = "record" if self.records == 1 else "records"
        then = f" (migrate will {self.action})" if self.action else ""
        return f"{where}:{value} {self.message} — {self.records} {unit}{then}"

    def asdict(self) -> dict[str, Any]:
        return {**self.__dict__, "line": self.line()}


def group_findings(findings: Iterable[Mapping[str, Any]]) -> list[FindingGroup]:
    """Groups largest first (errors before warnings at equal size); a record counts once per group."""
    records: dict[tuple[str, ...], set[str]] = {}
    first: dict[tuple[str, ...], Mapping[str, Any]] = {}
    for finding in findings:
        key = (finding["severity"], finding["object"], finding["field"] or "", finding["value"] or "",
               finding["message"])
        records.setdefault(key, set()).add(str(finding["source_id"]))
        first.setdefault(key, finding)
    groups = [FindingGroup(f["severity"], f["object"], f["field"], f["value"], f["message"], f["fix"], f["action"],
                           len(records[key])) for key, f in first.items()]
    return sorted(groups, key=lambda g: (-g.records, g.severity != "error", g.object, g.field or ""))


#: what a reconcile difference means, in words, and whether it fails the reconcile
_DIFFERENCES = {"not_processed": ("not processed", "error"), "missing_in_odoo": ("missing in Odoo", "error"),
                "wrong_record": ("points to the wrong record", "error"), "field_mismatch": ("differs", "error"),
                "content_mismatch": ("file differs", "error"), "money_mismatch": ("amount differs", "error"),
                "quarantined": ("quarantined", "warning"), "skipped": ("skipped", "warning")}


def group_differences(object_name: str, differences: Iterable[Mapping[str, Any]]) -> list[FindingGroup]:
    """A reconcile's differences of one object grouped by what and detail, largest first."""
    records: dict[tuple[str, str], set[str]] = {}
    for difference in differences:
        records.setdefault((difference["what"], difference["detail"]), set()).add(str(difference["source_id"]))
    groups = []
    for (what, detail), ids in records.items():
        words, severity = _DIFFERENCES.get(what, (what.replace("_", " "), "error"))
        groups.append(FindingGroup(severity, object_name, None, None, f"{words}: {detail}", "", "", len(ids)))
    return sorted(groups, key=lambda g: (-g.records, g.severity != "error", g.message))
