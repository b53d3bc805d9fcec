"""One batch of a map's records through the write path: resolved, checked, found in Odoo or not, diffed, sent.

Intent first: each batch is written to the ledger as ``sending`` before it is sent, so a lost reply, a crash or a
kill is repaired by sending the batch again (load/writer.py says why nothing is duplicated).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple

from crm2odoo.ledger.db import Intent, Issue, Landing, RecordState
from crm2odoo.load.cells import cell, read_cells
from crm2odoo.load.context import LoadContext
from crm2odoo.load.diffing import changed_records, conflict_detail, plan_update
from crm2odoo.load.finder import Finder
from crm2odoo.load.order import LoadStep
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.rules import partner_cells_for_version
from crm2odoo.load.writer import Writer
from crm2odoo.mapping.engine import RecordProblem, TargetRecord
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.models import odoo_model

FieldsMeta = dict[str, dict[str, Any]]


class Deferred(NamedTuple):
    """A record's self-references (a company's parent company), linked once the whole map is in Odoo."""
    odoo_id: int | None
    target: TargetRecord
    refs: dict[str, Any]
    created: bool  # new in Odoo with this run (not an update of a record already there)


UNDATED_SHOWN = 20  # records 'changed without a new modified date' named in the report; all are in the ledger


class Batches:
    """The write path of a run's record maps: one per run, shared by its worker threads."""

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self.writer = Writer(ctx)
        self.finder = Finder(ctx, self.writer.creator)

    def changed(self, obj: ObjectMap, targets: list[TargetRecord], result: ObjectResult,
                undated: Collection[str] = ()) -> list[TargetRecord]:
        """Those of ``targets`` not already in Odoo as they are now (one indexed ledger read for them all); landed
        records of ``undated`` whose content moved are counted and listed as 'changed without a new modified date'."""
        if not targets:
            return []
        changes = changed_records(targets, self.ctx.ledger.fates(obj.name, [t.source_id for t in targets]), undated)
        result.unchanged += changes.unchanged
        if changes.unnoticed:
            result.changed_undated += len(changes.unnoticed)
            room = UNDATED_SHOWN - len(result.changed_undated_ids)
            result.changed_undated_ids.extend(t.source_id for t in changes.unnoticed[:max(room, 0)])
            self.ctx.outcomes.issues(
                Issue(obj.name, t.source_id, "warning", "changed without a new modified date: its content differs "
                      "from what was loaded, though its modified date is not newer than the last run's",
                      locator=t.locator) for t in changes.unnoticed)
        return changes.send

    def send(self, step: LoadStep, targets: list[TargetRecord], fields_meta: FieldsMeta, result: ObjectResult,
             deferred_all: list[Deferred]) -> None:
        obj = step.map
        prepared = self._prepare(step, targets, fields_meta, result)
        if not prepared:
            return
        self.finder.find(obj, prepared)
        self.ctx.ledger.mark_sending(self.ctx.run_id, [
            Intent(p.target.map_name, p.target.source_id, p.target.model, p.target.xmlid, p.target.content_hash,
                   p.target.locator) for p in prepared])
        self.finder.adopt_matches(obj, prepared, fields_meta)
        current = self.finder.save_priors(obj, prepared, fields_meta)
        prepared = self._three_way(obj, prepared, current, fields_meta, result)
        self.writer.send(obj, prepared, fields_meta, result)
        later = [p for p in prepared if p.deferred]
        landed = self.ctx.resolver.ids_of(obj.name, [p.target.source_id for p in later]) if later else {}
        for p in later:
            deferred_all.append(Deferred(landed.get(p.target.source_id), p.target, p.deferred, not p.existing_id))

    def _prepare(self, step: LoadStep, targets: list[TargetRecord], fields_meta: FieldsMeta,
                 result: ObjectResult) -> list[Prepared]:
        """The batch's references resolved and its values as ``load`` cells; the records that cannot be sent are
        settled here (quarantined with their problems)."""
        obj, outcomes = step.map, self.ctx.outcomes
        prepared: list[Prepared] = []
        self.ctx.resolver.prefetch(targets)
        for target in targets:
            vals, problems, deferred = self.ctx.resolver.resolve(target, skip_self=step.deferred_self)
            hard = [p for p in problems if p.policy == "quarantine"]
            # the map's own warnings (a name made from the e-mail) go with the resolver's
            warnings = [p for p in target.problems if p.policy == "warning"] \
                + [p for p in problems if p.policy != "quarantine"]
            outcomes.issues(Issue(target.map_name, target.source_id, "warning", p.message, field=p.field,
                                  value=p.value, locator=target.locator) for p in warnings)
            unknown = [n for n in vals if n not in fields_meta]
            if not hard and unknown:
                hard = [RecordProblem(unknown[0], None, f"field {unknown[0]} does not exist on {obj.model} in this "
                                      "Odoo", "quarantine")]
            if hard:
                target.problems.extend(hard)
                target.outcome = "quarantine"
                outcomes.problems(target, result)
                continue
            for name, value in odoo_model(obj.model).defaults.items():
                if name in fields_meta and name not in vals:
                    vals[name] = value
            cells = {n: cell(v, fields_meta[n]) for n, v in vals.items()}
            if obj.model == "res.partner":
                cells = partner_cells_for_version(cells, self.ctx.schema.major)
            prepared.append(Prepared(target, cells, deferred))
        return prepared

    def _three_way(self, obj: ObjectMap, prepared: list[Prepared], current: dict[int, dict[str, Any]],
                   fields_meta: FieldsMeta, result: ObjectResult) -> list[Prepared]:
        """Updates send only what the source changed; a field changed in Odoo too is a conflict, which follows
        migration.conflicts (load/diffing.py's plan_update decides). Returns the records still to send."""
        kept: list[Prepared] = []
        for p in prepared:
            row = current.get(int(p.existing_id or 0)) if p.existing_id and not p.matched else None
            ledger_row = self.ctx.ledger.get(obj.name, p.target.source_id) if row is not None else None
            if row is None or ledger_row is None or not ledger_row.written:
                kept.append(p)
                continue
            now = read_cells(row, p.cells, fields_meta)
            plan = plan_update(p.cells, ledger_row.written, ledger_row.landed_value, now, fields_meta, obj.model)
            send, p.relink = plan.send, plan.relink
            if plan.clashes:
                detail = conflict_detail(plan.clashes, ledger_row.stored or {}, now, p.cells)
                if not self._conflict(obj, p, plan.clashes, detail, result):
                    continue
                if self.ctx.settings.conflicts == "source_wins":
                    send.update({n: p.cells[n] for n in plan.clashes})
            p.full, p.cells = dict(p.cells), send
            if p.relink:
                self.ctx.client.write(obj.model, [int(p.existing_id or 0)], dict(p.relink), context=self.ctx.context)
            if send:
                kept.append(p)
                continue
            state: RecordState = "updated" if p.relink else "unchanged"
            self.ctx.ledger.mark_landed(self.ctx.run_id, [Landing(obj.name, p.target.source_id,
                                                                  int(p.existing_id or 0), state, p.full)])
            self.ctx.ledger.set_hash(obj.name, p.target.source_id, p.target.content_hash)
            if p.relink:
                result.updated += 1
            else:
                result.unchanged += 1
        return kept

    def _conflict(self, obj: ObjectMap, p: Prepared, clashes: list[str], detail: str, result: ObjectResult) -> bool:
        """Report a conflict; False when the record stops there (migration.conflicts = stop)."""
        conflicts = self.ctx.settings.conflicts
        self.ctx.outcomes.issues([Issue(obj.name, p.target.source_id, "conflict", f"{conflicts}: {detail}",
                                        field=clashes[0], locator=p.target.locator)])
        result.conflicts += 1
        if conflicts == "stop":
            self.ctx.ledger.mark_conflict(self.ctx.run_id, obj.name, p.target.source_id,
                                          f"changed in Odoo and in the source: {detail}")
            return False
        return True

