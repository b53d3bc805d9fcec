"""Undo runs from the ledger: leaves Odoo as it was before them.

For each run, newest first:

1. records the run created are deleted in reverse load order (notes before deals before contacts before
   companies before tags); a record Odoo refuses to delete (it is in use elsewhere) is archived and listed;
2. records that existed before and were updated or matched by the run get back every value the run overwrote,
   and matched records lose the external ID the tool gave them;
3. custom fields, models and access rules the run created are removed once nothing of ours uses them.

Records created by the tool and changed in Odoo since it wrote them are listed and left alone unless ``force``.
Every step is idempotent (it checks what still exists before acting), so a rollback that crashed is resumed
by running it again, and running it twice is harmless. At the end it verifies its own result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import OdooRecordError, UserFacingError
from crm2odoo.ledger.db import Ledger, RecordRow
from crm2odoo.load.executor import LOG_ACCESS, UNDO_ACTIONS
from crm2odoo.load.order import PHASE_RANK, rank
from crm2odoo.load.payments import WIZARD_MODEL
from crm2odoo.load.resolve import cell, quiet_context, read_cells, same_cell
from crm2odoo.load.rules import changed_since_landed
from crm2odoo.mapping.engine import XMLID_MODULE
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema

Events = Callable[..., None]
#: types whose value round-trips exactly, so a difference means someone changed it
_COMPARABLE = {"char", "integer", "float", "monetary", "boolean", "date", "datetime", "selection", "many2one",
               "many2many"}
#: what must happen before Odoo lets a record go: a registered payment is reset to draft (unlinking it posted fails
#: with "A payment with an outstanding account cannot be confirmed without having a journal entry", seen on 18)
PRE_UNLINK: dict[str, str] = {"account.payment": "action_draft"}


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

    def asdict(self) -> dict[str, Any]:
        return dict(self.__dict__)


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

    def _order_key(self, obj: str) -> int:
        if obj.startswith("auto:"):  # tags, sources and reasons created by lookups: used by everything else
            return -1
        if self.spec and obj in self.spec.objects:
            return rank(self.spec.objects[obj])
        return PHASE_RANK.get(obj, 85)

    def run(self, run_ids: list[int], *, force: bool = False) -> RollbackResult:
        result = RollbackResult(runs=run_ids)
        for run_id in sorted(run_ids, reverse=True):
            row = self.ledger.run(run_id)
            if row is None:
                raise UserFacingError(f"there is no run {run_id}", hint="`crm2odoo status` lists the runs")
            self.events("rollback_run", run_id=run_id)
            self._undo_actions(run_id, result)
            self._delete_created(run_id, result, force)
            self._restore_priors(run_id, result)
            self._remove_schema(run_id, result)
            self.ledger.finish_run(run_id, "rolled_back", {**result.asdict(), "rolled_back_at": str(dt.datetime.now(dt.UTC))})
        self._verify(run_ids, result)
        return result

    # -- 0. state changes the run made (a confirmed order must be cancelled, a posted invoice reset) ----------
    def _undo_actions(self, run_id: int, result: RollbackResult) -> None:
        done = self.ledger.actions(states=("done",), run_id=run_id)
        groups: dict[tuple[str, str], list[Any]] = {}
        for row in reversed(done):
            groups.setdefault((row["model"], row["action"]), []).append(row)
        for (model, action), rows in groups.items():
            undo = UNDO_ACTIONS.get(action)
            ids = [int(r["odoo_id"]) for r in rows]
            alive = {int(r["id"]) for r in self.client.search_read(model, [["id", "in", ids]], ["id"],
                                                                   context={"active_test": False})}
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
        created = [r for r in self.ledger.records(run_id=run_id) if r.created_run == run_id and r.origin == "created"
                   and r.odoo_id and r.state not in ("merged", "matched") and r.model != "res.users"]
        by_object: dict[str, list[RecordRow]] = {}
        for record in created:
            by_object.setdefault(record.object, []).append(record)
        for obj in sorted(by_object, key=self._order_key, reverse=True):
            rows = by_object[obj]
            model = rows[0].model
            ids = sorted({int(r.odoo_id or 0) for r in rows})
            existing = {int(r["id"]) for r in self.client.search_read(model, [["id", "in", ids]], ["id"],
                                                                       context={"active_test": False})}
            kept: set[int] = set()
            if not force:
                changed = self._changed_since_written(model, [r for r in rows if int(r.odoo_id or 0) in existing])
                for record, fields in changed:
                    result.changed_in_odoo.append(f"{obj} {record.source_id} ({model} {record.odoo_id}): "
                                                  f"{', '.join(fields[:4])} changed")
                    kept.add(int(record.odoo_id or 0))
            doomed = sorted(existing - kept)
            deleted = self._unlink(model, doomed, obj, result)
            result.deleted[obj] = result.deleted.get(obj, 0) + deleted
            # rows of records still in Odoo on purpose stay in the ledger, so `rollback --force` can find them
            self.ledger.forget(obj, [r.source_id for r in rows if int(r.odoo_id or 0) not in kept])
        for obj in {r.object for r in self.ledger.records(run_id=run_id)}:
            # duplicates merged into records of this run, and records that never reached Odoo, go with the run
            gone = [r.source_id for r in self.ledger.records(obj) if r.created_run == run_id and r.origin == "created"
                    and (r.state == "merged" or not r.odoo_id)]
            self.ledger.forget(obj, gone)

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
            before = PRE_UNLINK.get(model)
            if before:
                self.client.execute(model, before, ids, context=self.context)
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
            else:
                result.problems.append(f"{obj} ({model} {ids[0]}) could not be deleted: {exc}")
            return 0

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
                if restored and attempt == 0:
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
                self.ledger.mark_landed(run_id, [(record.object, record.source_id, int(record.odoo_id or 0),
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
        """Messages Odoo posted as the migration user during the run on records that existed before it."""
        mark = self.ledger.meta(f"run{run_id}_message_mark")
        if mark is None:
            return
        me = self.client.read("res.users", [self.client.uid], ["partner_id"])[0]["partner_id"]
        author = me[0] if isinstance(me, list) and me else me
        ours = set(self.ledger.query("SELECT odoo_id FROM records WHERE model='mail.message' AND odoo_id IS NOT NULL"))
        ours_ids = {int(r[0]) for r in ours}
        touched: dict[str, set[int]] = {}
        for model, odoo_id, _, _ in self.ledger.priors(run_id):
            touched.setdefault(model, set()).add(odoo_id)
        for model, ids in touched.items():
            rows = self.client.search_read("mail.message", [["model", "=", model], ["res_id", "in", sorted(ids)],
                                                            ["id", ">", int(mark)], ["author_id", "=", author]], ["id"])
            extra = [int(r["id"]) for r in rows if int(r["id"]) not in ours_ids]
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
        for change in sorted(changes, key=lambda c: (order.get(c["kind"], 3), -int(c["id"]))):
            kind, model, name = change["kind"], change["model"], change["name"]
            if model in kept:
                continue
            if kind == "field":
                rows = self.client.search_read("ir.model.fields", [["model", "=", model], ["name", "=", name]], ["id"])
                target = "ir.model.fields"
            elif kind == "access":
                rows = self.client.search_read("ir.model.access", [["id", "=", change["odoo_id"] or 0]], ["id"])
                target = "ir.model.access"
            else:
                rows = self.client.search_read("ir.model", [["model", "=", model]], ["id"])
                target = "ir.model"
            if rows:
                self.client.unlink(target, [int(r["id"]) for r in rows])
            self.ledger.schema_done(kind, model, name, int(change["odoo_id"] or 0), state="removed")
            result.schema_removed.append(f"{kind} {model}" + ("" if kind == "model" else f".{name}"))
        if changes:
            self.schema.forget()

    # -- verification ----------------------------------------------------------------------------------------------
    def _verify(self, run_ids: list[int], result: RollbackResult) -> None:
        leftovers = 0
        for run_id in run_ids:
            for record in self.ledger.records(run_id=run_id):
                if record.created_run == run_id and record.origin == "created" and record.odoo_id:
                    still = self.client.search_count(record.model, [["id", "=", record.odoo_id]],
                                                     context={"active_test": False})
                    if still and not any(f"{record.model} {record.odoo_id})" in a for a in result.archived + result.changed_in_odoo):
                        leftovers += 1
            for model, odoo_id, vals, _ in self.ledger.priors(run_id):
                meta = self.schema.fields(model)
                names = [k for k in vals if k in meta and meta[k].get("type") in _COMPARABLE and k not in LOG_ACCESS]
                rows = self.client.read(model, [odoo_id], names, context={"active_test": False}) if names else []
                if rows:
                    now = read_cells(rows[0], names, meta)
                    before = {name: _prior_cell(vals[name], meta[name]) for name in names}
                    differ = [n for n in names if not same_cell(before[n], now[n], meta[n])]
                    if differ:
                        shown = ", ".join(f"{n} (was {before[n][:30]!r}, is {now[n][:30]!r})" for n in differ[:4])
                        result.problems.append(f"{model} {odoo_id} was not restored exactly: {shown}")
        if leftovers:
            result.problems.append(f"{leftovers} records created by the rolled-back runs are still in Odoo")
        result.verified = not result.problems
