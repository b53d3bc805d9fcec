"""Undo runs from the ledger: leaves Odoo as it was before them.

For each run, newest first:

1. records the run created are deleted in reverse load order (notes before deals before contacts before
   companies before tags); a record Odoo refuses to delete (it is in use elsewhere) is archived and listed;
2. records that existed before and were updated or matched by the run get back every value the run overwrote,
   and matched records lose the external ID the tool gave them;
3. custom fields, models and access rules the run created are removed once nothing of ours uses them.

Records created by the tool and changed in Odoo since it wrote them are listed and left alone unless ``force``.
Every step is idempotent (it checks what still exists before acting), so a rollback that crashed is resumed
by running it again, and running it twice is harmless.

At the end it reads back everything the runs touched and compares it with the state before them: records the runs
created must be gone, records that existed before must hold their prior values again, messages Odoo posted as a
side effect must be gone and the custom schema removed. Each record that is not as before is listed with why
(kept because changed since, refused by Odoo, held by a record that is not ours, not restored exactly); the
result is ``verified`` only when that list is empty (the read-back is :mod:`crm2odoo.load.rollback_check`).
:meth:`Rollback.plan` says what a rollback would do without writing anything. What Odoo needs before it deletes a
record of a model (a method to call, a draft to reset, a wizard row to clear) is in the model's record
(:mod:`crm2odoo.models`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import OdooRecordError, UserFacingError
from crm2odoo.ledger.db import Landing, Ledger, RecordRow
from crm2odoo.load.context import Events, no_events
from crm2odoo.load.order import PHASE_RANK, rank
from crm2odoo.load.resolve import quiet_context, read_cells, same_cell
from crm2odoo.load.rollback_check import KEPT_CHANGED, REFUSED, Leftover, RollbackCheck, prior_cell, schema_row
from crm2odoo.load.rules import changed_since_landed
from crm2odoo.load.scoring import scoring_paused
from crm2odoo.mapping.engine import XMLID_MODULE
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.models import LOG_ACCESS, SIDE_TABLES, Holder, odoo_model, undo_of
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema

#: types whose value round-trips exactly, so a difference means someone changed it
_COMPARABLE = {"char", "integer", "float", "monetary", "boolean", "date", "datetime", "selection", "many2one",
               "many2many"}


@dataclass
class RollbackResult:
    runs: list[int]
    deleted: dict[str, int] = field(default_factory=dict)
    archived: list[str] = field(default_factory=list)
    restored: int = 0
    changed_in_odoo: list[str] = field(default_factory=list)  # left alone (no --force)
    schema_removed: list[str] = field(default_factory=list)
    verified: bool = False
    problems: list[str] = field(default_factory=list)
    left: list[Leftover] = field(default_factory=list)  # what is not as before, each with why
    checked: int = 0  # records and schema entries read back and compared

    def asdict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["left"] = [{**leftover.__dict__, "line": leftover.line()} for leftover in self.left]
        return data


@dataclass
class RunPlan:
    run_id: int
    kind: str
    state: str
    delete: dict[str, int] = field(default_factory=dict)  # object -> records still in Odoo to delete
    restore: dict[str, int] = field(default_factory=dict)  # model -> records whose prior values go back
    actions: dict[str, int] = field(default_factory=dict)  # Odoo method -> records to reset (cancel, draft)
    schema: list[str] = field(default_factory=list)  # custom fields/models/rules to remove

    def empty(self) -> bool:
        return not (self.delete or self.restore or self.actions or self.schema)


@dataclass
class RollbackPlan:
    """What a rollback of these runs would undo, read from the ledger and Odoo without writing anything."""

    runs: list[RunPlan]

    def totals(self) -> dict[str, dict[str, int]]:
        """object or model -> {"delete": n, "restore": n} over every run."""
        out: dict[str, dict[str, int]] = {}
        for run in self.runs:
            for name, count in run.delete.items():
                out.setdefault(name, {"delete": 0, "restore": 0})["delete"] += count
            for name, count in run.restore.items():
                out.setdefault(name, {"delete": 0, "restore": 0})["restore"] += count
        return out

    def asdict(self) -> dict[str, Any]:
        return {"runs": [dict(r.__dict__) for r in self.runs], "totals": self.totals()}



class Rollback:
    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger, spec: MappingSpec | None,
                 events: Events | None = None) -> None:
        self.client, self.schema, self.ledger, self.spec = client, schema, ledger, spec
        self.events: Events = events or no_events
        self.context = quiet_context()
        #: what this rollback reads without writing, and what it kept and found done before (read by the check)
        self.check = RollbackCheck(client, schema, ledger)

    def _order_key(self, obj: str) -> int:
        if obj.startswith("auto:"):  # tags, sources and reasons created by lookups: used by everything else
            return -1
        if self.spec and obj in self.spec.objects:
            return rank(self.spec.objects[obj])
        return PHASE_RANK.get(obj, 85)

    def run(self, run_ids: list[int], *, force: bool = False) -> RollbackResult:
        # restoring a deal's stage or archiving it would be counted by Odoo's lead scoring (scoring.py)
        with scoring_paused(self.client, self.schema, self.ledger):
            return self._run(run_ids, force)

    def _run(self, run_ids: list[int], force: bool) -> RollbackResult:
        result = RollbackResult(runs=run_ids)
        for run_id in run_ids:
            if self.ledger.run(run_id) is None:
                raise UserFacingError(f"there is no run {run_id}", hint="`crm2odoo status` lists the runs")
        # what the runs created, read before anything goes: the ledger forgets a record once Odoo deleted it
        created = {run_id: self._created(run_id) for run_id in run_ids}
        self.check.done_before = {run_id for run_id in run_ids if (self.ledger.run(run_id) or {"state": ""})["state"]
                            == "rolled_back"}
        for run_id in sorted(run_ids, reverse=True):
            self.events("rollback_run", run_id=run_id)
            self._undo_actions(run_id, result)
            self._delete_created(run_id, result, force)
            self._restore_priors(run_id, result)
            self._remove_schema(run_id, result)
            self.ledger.finish_run(run_id, "rolled_back", {**result.asdict(), "rolled_back_at": str(dt.datetime.now(dt.UTC))})
        self.events("waiting", what="verifying: reading back everything the runs touched")
        self._verify(run_ids, created, result)
        self.events("waiting_done", what="verifying: reading back everything the runs touched")
        return result

    def _created(self, run_id: int) -> list[RecordRow]:
        return [r for r in self.ledger.records(run_id=run_id) if r.created_run == run_id and r.origin == "created"
                and r.odoo_id and r.state not in ("merged", "matched") and not odoo_model(r.model).kept_on_rollback]

    def _created_by_object(self, run_id: int) -> list[tuple[str, list[RecordRow]]]:
        """What the run created, per object, in the order it is deleted (dependents before what they point at)."""
        by_object: dict[str, list[RecordRow]] = {}
        for record in self._created(run_id):
            by_object.setdefault(record.object, []).append(record)
        return [(obj, by_object[obj]) for obj in sorted(by_object, key=self._order_key, reverse=True)]

    # -- the plan (reads only) ---------------------------------------------------------------------------------------
    def plan(self, run_ids: list[int]) -> RollbackPlan:
        plans: list[RunPlan] = []
        for run_id in sorted(run_ids, reverse=True):
            row = self.ledger.run(run_id)
            if row is None:
                raise UserFacingError(f"there is no run {run_id}", hint="`crm2odoo status` lists the runs")
            plan = RunPlan(run_id, str(row["kind"]), str(row["state"]))
            for obj, rows in self._created_by_object(run_id):
                if not self.schema.has_model(rows[0].model):
                    continue
                alive = self.check.alive(rows[0].model, [int(r.odoo_id or 0) for r in rows])
                if alive:
                    plan.delete[obj] = len(alive)
            for model, _, _, restored in self.ledger.priors(run_id):
                if model not in SIDE_TABLES and (not restored or row["state"] != "rolled_back"):
                    plan.restore[model] = plan.restore.get(model, 0) + 1
            for action in self.ledger.actions(states=("done",), run_id=run_id):
                undo = undo_of(str(action["action"])) or str(action["action"])
                plan.actions[undo] = plan.actions.get(undo, 0) + 1
            plan.schema = [f"{c['kind']} {c['model']}" + ("" if c["kind"] == "model" else f".{c['name']}")
                           for c in self.ledger.schema_changes(run_id) if c["state"] != "removed"]
            plans.append(plan)
        return RollbackPlan(plans)

    # -- 0. state changes the run made (a confirmed order must be cancelled, a posted invoice reset) ----------
    def _undo_actions(self, run_id: int, result: RollbackResult) -> None:
        done = self.ledger.actions(states=("done",), run_id=run_id)
        groups: dict[tuple[str, str], list[Any]] = {}
        for row in reversed(done):
            groups.setdefault((row["model"], row["action"]), []).append(row)
        for (model, action), rows in groups.items():
            undo = undo_of(action)
            ids = [int(r["odoo_id"]) for r in rows]
            alive = self.check.alive(model, ids)
            if undo and undo == odoo_model(model).reset_to_draft:
                # Odoo resets only posted or cancelled entries (a rollback that stopped midway left some in draft)
                alive = self._posted(model, sorted(alive))
            if undo and alive:
                try:
                    # disable_cancel_warning: cancel confirmed orders directly, not through the one-order wizard
                    self.client.execute(model, undo, sorted(alive),
                                        context={**self.context, "disable_cancel_warning": True})
                except OdooRecordError as exc:
                    result.problems.append(f"{model} {sorted(alive)[:5]}: {undo} refused: {exc}")
                    continue
            for row in rows:
                self.ledger.set_action(row["object"], row["source_id"], action, "undone")

    # -- 1. records the run created ----------------------------------------------------------------------------------
    def _delete_created(self, run_id: int, result: RollbackResult, force: bool) -> None:
        for obj, rows in self._created_by_object(run_id):
            model = rows[0].model
            self.events("object_start", name=obj, model=model, total=len(rows))
            existing = self.check.alive(model, [int(r.odoo_id or 0) for r in rows])
            kept: set[int] = set()
            if not force:
                changed = self._changed_since_written(model, [r for r in rows if int(r.odoo_id or 0) in existing])
                for record, fields in changed:
                    result.changed_in_odoo.append(f"{obj} {record.source_id} ({model} {record.odoo_id}): "
                                                  f"{', '.join(fields[:4])} changed")
                    kept.add(int(record.odoo_id or 0))
                    self.check.kept[(model, int(record.odoo_id or 0))] = (KEPT_CHANGED, ", ".join(fields))
            doomed = sorted(existing - kept)
            deleted = self._unlink(model, doomed, obj, result)
            result.deleted[obj] = result.deleted.get(obj, 0) + deleted
            if deleted < len(doomed):  # archived or refused: still in Odoo
                kept |= self.check.alive(model, doomed)
            gone = [r for r in rows if int(r.odoo_id or 0) not in kept]
            self.ledger.drop_priors(model, [int(r.odoo_id or 0) for r in gone], from_run=run_id)
            # rows of records still in Odoo stay in the ledger, so a later rollback (--force) finds them again
            self.ledger.forget(obj, [r.source_id for r in gone])
            self.events("object_undone", name=obj, model=model, deleted=deleted, kept=len(kept))
        for obj in {r.object for r in self.ledger.records(run_id=run_id)}:
            # duplicates merged into records of this run, and records that never reached Odoo, go with the run
            settled = [r.source_id for r in self.ledger.records(obj) if r.created_run == run_id
                       and r.origin == "created" and (r.state == "merged" or not r.odoo_id)]
            self.ledger.forget(obj, settled)

    def _changed_since_written(self, model: str, rows: list[RecordRow]) -> list[tuple[RecordRow, list[str]]]:
        meta = self.schema.fields(model)
        changed: list[tuple[RecordRow, list[str]]] = []
        with_written = [r for r in rows if r.written]
        # text and HTML too: the landed value is what Odoo stored (sanitised), so it compares exactly
        names = sorted({n for r in with_written for n in (r.written or {}) if n in meta
                        and meta[n].get("type") in (*_COMPARABLE, "text", "html")})
        if not names or not with_written:
            return changed
        current = {int(r["id"]): r for r in self.client.read(model, [int(r.odoo_id or 0) for r in with_written], names,
                                                               context={"active_test": False})}
        for record in with_written:
            now = current.get(int(record.odoo_id or 0))
            if now is None:
                continue
            cells = read_cells(now, names, meta)
            # against what Odoo stored when the tool wrote (Odoo normalises and fills values), not what was sent
            sent = {k: str(v) for k, v in (record.written or {}).items()}
            differ = [name for name, value in sent.items() if name in cells and changed_since_landed(
                value, record.landed_value(name), cells[name], meta[name], name, model=model, cells=sent)]
            if differ:
                changed.append((record, differ))
        return changed

    def _unlink(self, model: str, ids: list[int], obj: str, result: RollbackResult) -> int:
        """Delete; where Odoo refuses (the record is used elsewhere), split to find it, archive it and list it."""
        if not ids:
            return 0
        try:
            self._before_unlink(model, ids)
            self.client.unlink(model, ids, context=self.context)
            return len(ids)
        except OdooRecordError as exc:
            if len(ids) > 1:
                middle = len(ids) // 2
                return self._unlink(model, ids[:middle], obj, result) + self._unlink(model, ids[middle:], obj, result)
            if "active" in self.schema.fields(model):
                self.client.write(model, ids, {"active": False}, context=self.context)
                result.archived.append(f"{obj} ({model} {ids[0]}): archived, Odoo refused to delete it: {exc}")
                self.check.kept[(model, ids[0])] = (REFUSED + " (archived instead)", str(exc))
            else:
                self.check.kept[(model, ids[0])] = (REFUSED, str(exc))
            return 0

    def _posted(self, model: str, ids: list[int]) -> set[int]:
        if not ids or "state" not in self.schema.fields(model):
            return set(ids)
        return {int(r["id"]) for r in self.client.search_read(model, [["id", "in", ids],
                                                                      ["state", "in", ["posted", "cancel"]]], ["id"])}

    def _before_unlink(self, model: str, ids: list[int]) -> None:
        """What the model's record says Odoo needs before it deletes these records."""
        record = odoo_model(model)
        if record.pre_unlink:
            self.client.execute(model, record.pre_unlink, ids, context=self.context)
        posted = self._posted(model, ids) if record.reset_to_draft else set()
        if record.reset_to_draft and posted:
            self.client.execute(model, record.reset_to_draft, sorted(posted), context=self.context)
        for holder in record.held_by:
            if self.schema.has_model(holder.model):
                self._release(holder, ids)

    def _release(self, holder: Holder, ids: list[int]) -> None:
        # wizard rows (a finished register-payment wizard) hold their record with ondelete=restrict until Odoo's
        # vacuum; the loader clears them, this catches one a killed run left behind
        rows = self.client.search_read(holder.model, [[holder.field, "in", ids]], ["id"])
        if rows:
            self.client.write(holder.model, [int(r["id"]) for r in rows], {holder.field: False}, context=self.context)

    # -- 2. values the run overwrote -----------------------------------------------------------------------------
    def _restore_priors(self, run_id: int, result: RollbackResult) -> None:
        # Parents first: restoring a company's address pushes it down to its type=contact children, so the
        # children are restored after; a second pass catches what a later write still disturbed.
        priors = sorted(self.ledger.priors(run_id), key=lambda p: bool(p[2].get("parent_id")))
        for attempt in range(2):
            for model, odoo_id, vals, restored in priors:
                # a run rolled back before keeps its restored values: redoing them would undo later edits
                if (restored and (attempt == 0 or run_id in self.check.done_before)) or model in SIDE_TABLES:
                    continue
                self._restore_one(run_id, model, odoo_id, vals, result, count=attempt == 0)

        self._remove_side_effect_messages(run_id, result)
        self._forget_matched(run_id)

    def _restore_one(self, run_id: int, model: str, odoo_id: int, vals: dict[str, Any], result: RollbackResult, *,
                     count: bool) -> None:
        meta = self.schema.fields(model)
        clean = {k: v for k, v in vals.items() if k in meta and not meta[k].get("readonly") and k not in LOG_ACCESS}
        for _ in range(2):  # a write may overwrite another field (closing a lead stamps date_closed): once more
            rows = self.client.read(model, [odoo_id], sorted(clean), context={"active_test": False}) if clean else []
            if not rows:
                break
            now = read_cells(rows[0], sorted(clean), meta)
            differing = {k: v for k, v in clean.items() if not same_cell(prior_cell(v, meta[k]), now[k], meta[k])}
            if not differing:
                break
            self.client.write(model, [odoo_id], self._still_existing(differing, meta), context=self.context)
        if count:
            result.restored += 1
        self.ledger.mark_restored(run_id, model, odoo_id)

    def _forget_matched(self, run_id: int) -> None:
        matched = [r for r in self.ledger.records(run_id=run_id) if r.origin == "matched" and r.xmlid
                   and r.created_run == run_id]
        names = [r.xmlid.split(".", 1)[1] for r in matched if r.xmlid.startswith(XMLID_MODULE + ".")]
        for start in range(0, len(names), 500):
            rows = self.client.search_read("ir.model.data", [["module", "=", XMLID_MODULE],
                                                             ["name", "in", names[start:start + 500]]], ["id"])
            if rows:
                self.client.unlink("ir.model.data", [int(r["id"]) for r in rows])
        for record in matched:
            self.ledger.forget(record.object, [record.source_id])
        for record in self.ledger.records(run_id=run_id):
            if record.last_run == run_id and record.created_run != run_id and record.state == "updated":
                # the next migrate re-sends it: what it holds in Odoo is the earlier run's version again
                self.ledger.mark_landed(run_id, [Landing(record.object, record.source_id, int(record.odoo_id or 0),
                                                         "updated", {})])
                self.ledger.set_hash(record.object, record.source_id, None)

    def _still_existing(self, vals: dict[str, Any], meta: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """Prior values may point to records deleted since (a tag a user removed): restore without those."""
        out = dict(vals)
        for name, value in vals.items():
            relation = meta[name].get("relation")
            kind = meta[name].get("type")
            if not relation:
                continue
            if kind == "many2many" and isinstance(value, list) and value and isinstance(value[0], list):
                ids = list(value[0][2])
                alive = {int(r["id"]) for r in self.client.search_read(relation, [["id", "in", ids]], ["id"],
                                                                       context={"active_test": False})} if ids else set()
                out[name] = [[6, 0, [i for i in ids if i in alive]]]
            elif kind == "many2one" and value and not self.client.search_count(
                    relation, [["id", "=", int(value)]], context={"active_test": False}):
                out[name] = False
        return out

    def _remove_side_effect_messages(self, run_id: int, result: RollbackResult) -> None:
        extra = [message_id for message_id, _, _ in self.check.side_effect_messages(run_id)]
        if extra:
            self.client.unlink("mail.message", extra, context=self.context)
            result.deleted["side_effect_message"] = result.deleted.get("side_effect_message", 0) + len(extra)


    # -- 3. schema the run created -------------------------------------------------------------------------------
    def _remove_schema(self, run_id: int, result: RollbackResult) -> None:
        changes = [c for c in self.ledger.schema_changes(run_id) if c["state"] != "removed"]
        # decided before anything goes: once its access rule is removed, nobody (admin included) may count a custom
        # model's records any more. A model holding records made outside this run keeps its fields and rule too.
        kept: set[str] = set()
        for change in changes:
            model = change["model"]
            if change["kind"] == "model" and self.client.search_count("ir.model", [["model", "=", model]]) \
                    and self.client.search_count(model, [], context={"active_test": False}):
                result.problems.append(f"model {model} still has records created outside this run; kept")
                kept.add(model)
        order = {"field": 0, "access": 1, "model": 2}
        pending = [c for c in sorted(changes, key=lambda c: (order.get(c["kind"], 3), -int(c["id"])))
                   if c["model"] not in kept]
        # a model's fields go in one unlink: Odoo reloads its registry once per call, not once per field
        fields: dict[str, list[Any]] = {}
        for change in pending:
            if change["kind"] == "field":
                fields.setdefault(str(change["model"]), []).append(change)
        for model, group in fields.items():
            rows = self.client.search_read("ir.model.fields", [["model", "=", model], ["name", "in", [
                str(c["name"]) for c in group]]], ["id"])
            if rows:
                self.client.unlink("ir.model.fields", [int(r["id"]) for r in rows])
        for change in pending:
            kind, model, name = change["kind"], change["model"], change["name"]
            if kind != "field":
                target, domain = schema_row(change)
                rows = self.client.search_read(target, domain, ["id"])
                if rows:
                    self.client.unlink(target, [int(r["id"]) for r in rows])
            self.ledger.schema_done(kind, model, name, int(change["odoo_id"] or 0), state="removed")
            result.schema_removed.append(f"{kind} {model}" + ("" if kind == "model" else f".{name}"))
        if changes:
            self.schema.forget(models_removed=True)

    # -- verification ----------------------------------------------------------------------------------------------
    def _verify(self, run_ids: list[int], created: dict[int, list[RecordRow]], result: RollbackResult) -> None:
        """Read back everything the runs touched and compare it with the state before them."""
        gone_wanted: dict[tuple[str, int], RecordRow] = {}
        for run_id in run_ids:
            for record in created[run_id] + self._created(run_id):
                gone_wanted[(record.model, int(record.odoo_id or 0))] = record
        result.left, result.checked = self.check.verify(run_ids, gone_wanted)
        result.verified = not result.left and not result.problems
