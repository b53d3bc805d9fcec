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
result is ``verified`` only when that list is empty. :meth:`Rollback.plan` says what a rollback would do without
writing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import OdooError, OdooRecordError, UserFacingError
from crm2odoo.ledger.db import Landing, Ledger, RecordRow
from crm2odoo.load.order import PHASE_RANK, rank
from crm2odoo.load.payments import WIZARD_MODEL
from crm2odoo.load.resolve import cell, quiet_context, read_cells, same_cell
from crm2odoo.load.rules import changed_since_landed
from crm2odoo.load.scoring import scoring_paused
from crm2odoo.mapping.engine import XMLID_MODULE
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.models import LOG_ACCESS, SIDE_TABLES, odoo_model, side_table_mark, undo_of
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema

Events = Callable[..., None]
#: types whose value round-trips exactly, so a difference means someone changed it
_COMPARABLE = {"char", "integer", "float", "monetary", "boolean", "date", "datetime", "selection", "many2one",
               "many2many"}
SCHEMA_MODELS = {"field": "ir.model.fields", "access": "ir.model.access", "model": "ir.model"}


#: why a record is not as it was before the runs
KEPT_CHANGED = "kept: changed in Odoo since the tool wrote it (--force undoes it)"
REFUSED = "Odoo refused to delete it"
STILL_THERE = "created by the runs and still in Odoo"
HELD = "a record that is not the tool's points at it"
NOT_RESTORED = "not restored exactly"
GONE = "existed before the runs and is gone"
SIDE_EFFECT = "message posted by Odoo during the run, still there"
SCHEMA_LEFT = "custom schema the runs created, still there"
SIDE_ROW = ("added by Odoo during the run; nobody may delete it over the API (Odoo's scheduled job recomputes this "
            "table)")
SIDE_CHANGED = ("changed by Odoo during the run; nobody may write it over the API (Odoo's scheduled job recomputes this "
                "table)")


@dataclass
class Leftover:
    """One thing in Odoo that is not as it was before the rolled-back runs."""

    model: str
    odoo_id: int
    label: str  # object and source id, or the field's name
    why: str
    detail: str = ""

    def line(self) -> str:
        where = f"{self.label} ({self.model} {self.odoo_id})" if self.odoo_id else f"{self.label} ({self.model})"
        return f"{where}: {self.why}" + (f": {self.detail}" if self.detail else "")


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


def _schema_row(change: Any) -> tuple[str, list[Any]]:
    """(model, domain) of the Odoo row a ledger schema change created: a field, an access rule or a model."""
    kind, model = str(change["kind"]), str(change["model"])
    if kind == "field":
        return SCHEMA_MODELS[kind], [["model", "=", model], ["name", "=", str(change["name"])]]
    if kind == "access":
        return SCHEMA_MODELS[kind], [["id", "=", int(change["odoo_id"] or 0)]]
    return SCHEMA_MODELS["model"], [["model", "=", model]]


def _prior_cell(value: Any, meta: dict[str, Any]) -> str:
    """A saved prior value ([[6, 0, ids]] for many2many) in the same form as read_cells."""
    if meta.get("type") == "many2many" and isinstance(value, list) and value and isinstance(value[0], list):
        value = sorted(value[0][2])
    return cell(value, meta)



class Rollback:
    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger, spec: MappingSpec | None,
                 events: Events | None = None) -> None:
        self.client, self.schema, self.ledger, self.spec = client, schema, ledger, spec
        self.events: Events = events or (lambda kind, **data: None)
        self.context = quiet_context()
        #: (model, id) -> (why, detail) of records this rollback left in Odoo on purpose or because Odoo refused
        self.kept: dict[tuple[str, int], tuple[str, str]] = {}
        #: runs that were already rolled back before this rollback started: their restored values are not redone
        self.done_before: set[int] = set()

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
        self.done_before = {run_id for run_id in run_ids if (self.ledger.run(run_id) or {"state": ""})["state"]
                            == "rolled_back"}
        for run_id in sorted(run_ids, reverse=True):
            self.events("rollback_run", run_id=run_id)
            self._undo_actions(run_id, result)
            self._delete_created(run_id, result, force)
            self._restore_priors(run_id, result)
            self._remove_schema(run_id, result)
            self.ledger.finish_run(run_id, "rolled_back", {**result.asdict(), "rolled_back_at": str(dt.datetime.now(dt.UTC))})
        self._verify(run_ids, created, result)
        return result

    def _created(self, run_id: int) -> list[RecordRow]:
        return [r for r in self.ledger.records(run_id=run_id) if r.created_run == run_id and r.origin == "created"
                and r.odoo_id and r.state not in ("merged", "matched") and r.model != "res.users"]

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
                alive = self._alive(rows[0].model, [int(r.odoo_id or 0) for r in rows])
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

    def _alive(self, model: str, ids: list[int]) -> set[int]:
        alive: set[int] = set()
        for start in range(0, len(ids), 1000):
            chunk = sorted(set(ids[start:start + 1000]))
            alive |= {int(r["id"]) for r in self.client.search_read(model, [["id", "in", chunk]], ["id"],
                                                                    context={"active_test": False})}
        return alive

    # -- 0. state changes the run made (a confirmed order must be cancelled, a posted invoice reset) ----------
    def _undo_actions(self, run_id: int, result: RollbackResult) -> None:
        done = self.ledger.actions(states=("done",), run_id=run_id)
        groups: dict[tuple[str, str], list[Any]] = {}
        for row in reversed(done):
            groups.setdefault((row["model"], row["action"]), []).append(row)
        for (model, action), rows in groups.items():
            undo = undo_of(action)
            ids = [int(r["odoo_id"]) for r in rows]
            alive = self._alive(model, ids)
            if undo == "button_draft":
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
            existing = self._alive(model, [int(r.odoo_id or 0) for r in rows])
            kept: set[int] = set()
            if not force:
                changed = self._changed_since_written(model, [r for r in rows if int(r.odoo_id or 0) in existing])
                for record, fields in changed:
                    result.changed_in_odoo.append(f"{obj} {record.source_id} ({model} {record.odoo_id}): "
                                                  f"{', '.join(fields[:4])} changed")
                    kept.add(int(record.odoo_id or 0))
                    self.kept[(model, int(record.odoo_id or 0))] = (KEPT_CHANGED, ", ".join(fields))
            doomed = sorted(existing - kept)
            deleted = self._unlink(model, doomed, obj, result)
            result.deleted[obj] = result.deleted.get(obj, 0) + deleted
            if deleted < len(doomed):  # archived or refused: still in Odoo
                kept |= self._alive(model, doomed)
            gone = [r for r in rows if int(r.odoo_id or 0) not in kept]
            self.ledger.drop_priors(model, [int(r.odoo_id or 0) for r in gone], from_run=run_id)
            # rows of records still in Odoo stay in the ledger, so a later rollback (--force) finds them again
            self.ledger.forget(obj, [r.source_id for r in gone])
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
            before = odoo_model(model).pre_unlink
            if before:
                self.client.execute(model, before, ids, context=self.context)
            posted = self._posted(model, ids) if model == "account.move" else set()
            if posted:
                # a posted entry cannot be deleted: reset first (a credit note whose posting the ledger missed)
                self.client.execute(model, "button_draft", sorted(posted), context=self.context)
            if model == "res.partner" and self.schema.has_model(WIZARD_MODEL):
                self._release_payment_wizards(ids)
            self.client.unlink(model, ids, context=self.context)
            return len(ids)
        except OdooRecordError as exc:
            if len(ids) > 1:
                middle = len(ids) // 2
                return self._unlink(model, ids[:middle], obj, result) + self._unlink(model, ids[middle:], obj, result)
            if "active" in self.schema.fields(model):
                self.client.write(model, ids, {"active": False}, context=self.context)
                result.archived.append(f"{obj} ({model} {ids[0]}): archived, Odoo refused to delete it: {exc}")
                self.kept[(model, ids[0])] = (REFUSED + " (archived instead)", str(exc))
            else:
                self.kept[(model, ids[0])] = (REFUSED, str(exc))
            return 0

    def _posted(self, model: str, ids: list[int]) -> set[int]:
        if not ids or "state" not in self.schema.fields(model):
            return set(ids)
        return {int(r["id"]) for r in self.client.search_read(model, [["id", "in", ids],
                                                                      ["state", "in", ["posted", "cancel"]]], ["id"])}

    def _release_payment_wizards(self, partner_ids: list[int]) -> None:
        # finished register-payment wizards hold their partner with ondelete=restrict until Odoo's vacuum; the
        # loader clears them, this catches one a killed run left behind
        wizards = self.client.search_read(WIZARD_MODEL, [["partner_id", "in", partner_ids]], ["id"])
        if wizards:
            self.client.write(WIZARD_MODEL, [int(w["id"]) for w in wizards], {"partner_id": False},
                              context=self.context)

    # -- 2. values the run overwrote -----------------------------------------------------------------------------
    def _restore_priors(self, run_id: int, result: RollbackResult) -> None:
        # Parents first: restoring a company's address pushes it down to its type=contact children, so the
        # children are restored after; a second pass catches what a later write still disturbed.
        priors = sorted(self.ledger.priors(run_id), key=lambda p: bool(p[2].get("parent_id")))
        for attempt in range(2):
            for model, odoo_id, vals, restored in priors:
                # a run rolled back before keeps its restored values: redoing them would undo later edits
                if (restored and (attempt == 0 or run_id in self.done_before)) or model in SIDE_TABLES:
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
            differing = {k: v for k, v in clean.items() if not same_cell(_prior_cell(v, meta[k]), now[k], meta[k])}
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

    def _side_rows(self, run_id: int) -> dict[str, list[int]]:
        """Rows Odoo added to its side tables (SIDE_TABLES) since the run started."""
        out: dict[str, list[int]] = {}
        for model in SIDE_TABLES:
            mark = self.ledger.meta(side_table_mark(run_id, model))
            if mark is None or not self.schema.has_model(model):
                continue
            rows = self.client.search_read(model, [["id", ">", int(mark)]], ["id"])
            if rows:
                out[model] = [int(r["id"]) for r in rows]
        return out

    def _remove_side_effect_messages(self, run_id: int, result: RollbackResult) -> None:
        extra = [message_id for message_id, _, _ in self._side_effect_messages(run_id)]
        if extra:
            self.client.unlink("mail.message", extra, context=self.context)
            result.deleted["side_effect_message"] = result.deleted.get("side_effect_message", 0) + len(extra)

    def _side_effect_messages(self, run_id: int) -> list[tuple[int, str, int]]:
        """Messages Odoo posted as the migration user during the run on records that existed before it:
        (message id, model, record id)."""
        mark = self.ledger.meta(f"run{run_id}_message_mark")
        if mark is None:
            return []
        me = self.client.read("res.users", [self.client.uid], ["partner_id"])[0]["partner_id"]
        author = me[0] if isinstance(me, list) and me else me
        ours = set(self.ledger.query("SELECT odoo_id FROM records WHERE model='mail.message' AND odoo_id IS NOT NULL"))
        ours_ids = {int(r[0]) for r in ours}
        touched: dict[str, set[int]] = {}
        for model, odoo_id, _, _ in self.ledger.priors(run_id):
            if model not in SIDE_TABLES:
                touched.setdefault(model, set()).add(odoo_id)
        found: list[tuple[int, str, int]] = []
        for model, ids in touched.items():
            rows = self.client.search_read("mail.message", [["model", "=", model], ["res_id", "in", sorted(ids)],
                                                            ["id", ">", int(mark)], ["author_id", "=", author]],
                                           ["id", "res_id"])
            found += [(int(r["id"]), model, int(r["res_id"])) for r in rows if int(r["id"]) not in ours_ids]
        return found

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
        for change in sorted(changes, key=lambda c: (order.get(c["kind"], 3), -int(c["id"]))):
            kind, model, name = change["kind"], change["model"], change["name"]
            if model in kept:
                continue
            target, domain = _schema_row(change)
            rows = self.client.search_read(target, domain, ["id"])
            if rows:
                self.client.unlink(target, [int(r["id"]) for r in rows])
            self.ledger.schema_done(kind, model, name, int(change["odoo_id"] or 0), state="removed")
            result.schema_removed.append(f"{kind} {model}" + ("" if kind == "model" else f".{name}"))
        if changes:
            self.schema.forget()

    # -- verification ----------------------------------------------------------------------------------------------
    def _verify(self, run_ids: list[int], created: dict[int, list[RecordRow]], result: RollbackResult) -> None:
        """Read back everything the runs touched and compare it with the state before them."""
        left: list[Leftover] = []
        gone_wanted: dict[tuple[str, int], RecordRow] = {}
        for run_id in run_ids:
            for record in created[run_id] + self._created(run_id):
                gone_wanted[(record.model, int(record.odoo_id or 0))] = record
        left += self._verify_created(gone_wanted)
        left += self._verify_priors(run_ids, set(gone_wanted))
        fresh = [run_id for run_id in run_ids if run_id not in self.done_before]
        left += self._verify_side_effects(fresh)
        left += self._verify_schema(run_ids)
        result.checked = len(gone_wanted) + len(self._earliest_priors(run_ids))
        result.left = left
        result.verified = not left and not result.problems

    def _verify_created(self, wanted: dict[tuple[str, int], RecordRow]) -> list[Leftover]:
        by_model: dict[str, list[int]] = {}
        for model, odoo_id in wanted:
            by_model.setdefault(model, []).append(odoo_id)
        left: list[Leftover] = []
        for model, ids in sorted(by_model.items()):
            if not self.schema.has_model(model):
                continue  # a custom model the rollback removed: its records went with it
            alive = self._alive(model, ids)
            if not alive:
                continue
            for odoo_id in sorted(alive):
                record = wanted[(model, odoo_id)]
                why, detail = self.kept.get((model, odoo_id), (STILL_THERE, ""))
                left.append(Leftover(model, odoo_id, f"{record.object} {record.source_id}", why, detail))
            left += self._holders(model, sorted(alive))
        return left

    def _holders(self, model: str, ids: list[int]) -> list[Leftover]:
        """Records that are not the tool's whose many-to-one field points at one of ``ids`` (why it cannot go)."""
        ours: dict[str, set[int]] = {}
        for mine in self.ledger.query("SELECT model, odoo_id FROM records WHERE odoo_id IS NOT NULL"):
            ours.setdefault(str(mine[0]), set()).add(int(mine[1]))
        transient = {str(r["model"]) for r in self.client.search_read("ir.model", [["transient", "=", True]],
                                                                      ["model"])}
        links = self.client.search_read("ir.model.fields", [["relation", "=", model], ["ttype", "=", "many2one"],
                                                            ["store", "=", True]], ["model", "name"])
        left: list[Leftover] = []
        for link in links:
            holder_model, name = str(link["model"]), str(link["name"])
            if holder_model in transient:
                continue
            try:
                rows = self.client.search_read(holder_model, [[name, "in", ids]], ["id", name], limit=20,
                                               context={"active_test": False})
            except OdooError:  # an abstract model, or one the migration user may not read
                continue
            for row in rows:
                target = row[name][0] if isinstance(row[name], list) else row[name]
                if int(row["id"]) in ours.get(holder_model, set()) or (holder_model == model
                                                                        and int(row["id"]) in ids):
                    continue
                left.append(Leftover(holder_model, int(row["id"]), f"{holder_model}.{name}", HELD,
                                     f"points at {model} {target}, which the runs created"))
        return left

    def _earliest_priors(self, run_ids: list[int]) -> dict[tuple[str, int], dict[str, Any]]:
        """(model, id) -> field -> its value before the earliest of the runs that changed it."""
        before: dict[tuple[str, int], dict[str, Any]] = {}
        first = min(run_ids, default=0)
        for run_id in sorted(run_ids, reverse=True):  # older runs last: their values win
            for model, odoo_id, vals, restored in self.ledger.priors(run_id):
                if restored and run_id in self.done_before:
                    continue  # restored and verified by an earlier rollback; Odoo's users may have moved on since
                if model in SIDE_TABLES and run_id != first:
                    continue  # kept whole by the first run: a row only later runs knew was added by the runs
                before.setdefault((model, odoo_id), {}).update(vals)
        return before

    def _verify_priors(self, run_ids: list[int], created: set[tuple[str, int]]) -> list[Leftover]:
        by_model: dict[str, dict[int, dict[str, Any]]] = {}
        for (model, odoo_id), vals in self._earliest_priors(run_ids).items():
            if (model, odoo_id) not in created:
                by_model.setdefault(model, {})[odoo_id] = vals
        left: list[Leftover] = []
        for model, records in sorted(by_model.items()):
            meta = self.schema.fields(model)
            names = sorted({n for vals in records.values() for n in vals if n in meta and n not in LOG_ACCESS
                            and meta[n].get("type") not in ("binary", "one2many")})
            ids = sorted(records)
            now: dict[int, dict[str, Any]] = {}
            for start in range(0, len(ids), 500):
                for row in self.client.read(model, ids[start:start + 500], names, context={"active_test": False}):
                    now[int(row["id"])] = row
            for odoo_id in ids:
                if odoo_id not in now:
                    left.append(Leftover(model, odoo_id, model, GONE))
                    continue
                vals = records[odoo_id]
                fields = [n for n in names if n in vals]
                cells = read_cells(now[odoo_id], fields, meta)
                differ = [n for n in fields if not same_cell(_prior_cell(vals[n], meta[n]), cells[n], meta[n])]
                if differ:
                    shown = ", ".join(f"{n} (was {_prior_cell(vals[n], meta[n])[:30]!r}, is {cells[n][:30]!r})"
                                      for n in differ[:4])
                    why = SIDE_CHANGED if model in SIDE_TABLES else NOT_RESTORED
                    left.append(Leftover(model, odoo_id, self._label(model, odoo_id), why, shown))
        return left

    def _label(self, model: str, odoo_id: int) -> str:
        rows = self.ledger.query("SELECT object, source_id FROM records WHERE model=? AND odoo_id=? LIMIT 1",
                                 (model, odoo_id))
        return f"{rows[0][0]} {rows[0][1]}" if rows else model

    def _verify_side_effects(self, run_ids: list[int]) -> list[Leftover]:
        """Rows Odoo added to its side tables, and messages it posted, during the runs."""
        left: list[Leftover] = []
        for model, ids in (self._side_rows(min(run_ids)) if run_ids else {}).items():
            left += [Leftover(model, odoo_id, model, SIDE_ROW) for odoo_id in ids]
        for run_id in run_ids:
            for message_id, model, res_id in self._side_effect_messages(run_id):
                left.append(Leftover("mail.message", message_id, "message", SIDE_EFFECT, f"on {model} {res_id}"))
        return left

    def _verify_schema(self, run_ids: list[int]) -> list[Leftover]:
        left: list[Leftover] = []
        for run_id in run_ids:
            for change in self.ledger.schema_changes(run_id):
                kind, model = str(change["kind"]), str(change["model"])
                if kind not in SCHEMA_MODELS:
                    continue
                target, domain = _schema_row(change)
                if self.client.search_count(target, domain):
                    what = {"field": f"field {model}.{change['name']}", "access": f"access rule on {model}",
                            "model": f"model {model}"}[kind]
                    left.append(Leftover(target, 0, what, SCHEMA_LEFT))
        return left
