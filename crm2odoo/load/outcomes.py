"""What became of each record a load met, told to the ledger (its state, the issues a person sees) and counted.

Every strategy and helper records through one ``Outcomes``: a record landed in Odoo, was kept aside
(quarantined) with its reason, or was left out with the problems the map or Odoo found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from crm2odoo.ledger.db import Issue, Landing, Ledger, RecordState
from crm2odoo.load.prepared import Prepared
from crm2odoo.mapping.engine import RecordProblem, TargetRecord

#: a record in one of these states is in Odoo as the source wants it
LANDED_STATES = frozenset({"created", "updated", "matched", "unchanged", "merged"})


@dataclass
class ObjectResult:
    name: str
    model: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    matched: int = 0
    merged: int = 0
    skipped: int = 0
    quarantined: int = 0
    conflicts: int = 0
    archived: int = 0
    changed_undated: int = 0  # content changed, modified date older than the cursor (sources read whole on delta)
    changed_undated_ids: list[str] = field(default_factory=list)  # the first UNDATED_SHOWN of them, for the report
    blocked: str = ""
    retried: int = 0  # quarantined by an earlier run and tried again by this one
    retried_landed: int = 0  # of those, now in Odoo
    retried_gone: int = 0  # of those, no longer in the source: skipped

    def asdict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


class IdRegister(Protocol):
    """The resolver's side that keeps ids just landed at hand (load/resolve.py)."""

    def register(self, obj: str, ids: dict[str, int]) -> None: ...


class Outcomes:
    """Records the fate of a run's records in its ledger (shared by the run's worker threads)."""

    def __init__(self, ledger: Ledger, run_id: int, ids: IdRegister) -> None:
        self.ledger, self.run_id, self.ids = ledger, run_id, ids

    def issues(self, issues: Iterable[Issue]) -> None:
        rows = list(issues)
        if rows:
            self.ledger.add_issues(self.run_id, rows)

    def warn(self, obj: str, source_id: str | None, reason: str, *, field_name: str | None = None,
             value: Any = None, locator: str = "") -> None:
        self.issues([Issue(obj, source_id, "warning", reason, field=field_name, value=value, locator=locator)])

    def quarantine(self, obj: str, model: str, source_id: str, reason: str, locator: str, result: ObjectResult, *,
                   xmlid: str = "", field_name: str | None = None) -> None:
        """Keep a record aside with its reason: its ledger state and an issue naming it."""
        self.ledger.mark_quarantined(self.run_id, obj, source_id, reason, model=model, xmlid=xmlid, locator=locator)
        self.issues([Issue(obj, source_id, "quarantine", reason, field=field_name, locator=locator)])
        result.quarantined += 1

    def problems(self, target: TargetRecord, result: ObjectResult) -> None:
        """A record the map or Odoo refused: quarantined or skipped, with one issue per problem."""
        quarantined = target.outcome == "quarantine"
        reason = "; ".join(f"{p.field or 'row'}: {p.message}" + (f" (value {p.value!r})" if p.value else "")
                           for p in target.problems if p.policy in ("quarantine", "skip"))
        settle = self.ledger.mark_quarantined if quarantined else self.ledger.mark_skipped
        settle(self.run_id, target.map_name, target.source_id, reason, model=target.model, xmlid=target.xmlid,
               locator=target.locator)
        self.issues([
            Issue(target.map_name, target.source_id, "warning" if p.policy == "warning" else
                  "quarantine" if quarantined else "skip", p.message, field=p.field, value=p.value,
                  locator=target.locator)
            for p in target.problems if p.policy != "set_empty"])
        if quarantined:
            result.quarantined += 1
        else:
            result.skipped += 1

    def refuse(self, target: TargetRecord, field_name: str, value: str | None, reason: str,
               result: ObjectResult) -> None:
        """Quarantine ``target`` for one more problem of its own (a wizard's refusal, a missing invoice)."""
        target.problems.append(RecordProblem(field_name, value, reason, "quarantine"))
        target.outcome = "quarantine"
        self.problems(target, result)

    def landed(self, obj: str, group: list[Prepared], ids: list[int], result: ObjectResult) -> None:
        """Odoo confirmed ``group`` under ``ids``: created, updated or matched, and counted."""
        rows: list[Landing] = []
        for p, odoo_id in zip(group, ids, strict=True):
            state = landed_state(p)
            if state == "matched":
                result.matched += 1
            elif state == "updated":
                result.updated += 1
            else:
                result.created += 1
            p.landed_id = odoo_id
            # a person's own address is not written yet (it follows in a second write): not recorded as written
            rows.append(Landing(obj, p.target.source_id, odoo_id, state, {**(p.full or p.cells)}))
        self.ledger.mark_landed(self.run_id, rows, unsettled=[p.target.source_id for p in group if p.later])
        self.ids.register(obj, {p.target.source_id: i for p, i in zip(group, ids, strict=True)})


def landed_state(p: Prepared) -> RecordState:
    """The state a written record lands in: matched (Odoo's own record), updated (ours, from an earlier run) or
    created (new, or created by this very run before it was interrupted and sent again)."""
    if p.matched:
        return "matched"
    if p.existing_id and not p.resent:
        return "updated"
    return "created"
