"""Loading: object by object in dependency order, batched, parallel, idempotent through external IDs.

The write primitive is Odoo's ``load`` with an ``id`` column holding our external ID. It creates the record
and its external ID in one transaction and, for an external ID that exists, updates instead of creating. New
records of a few models go by ``create`` and then their external IDs, which is faster (see load/create.py,
which also finds a record again whose external ID a kill or a lost reply kept from landing). So:

* intent first: each batch is written to the ledger as ``sending`` before it is sent;
* a lost reply, a crash or a kill is repaired by sending the batch again: nothing is duplicated;
* a batch Odoo rejects for a data reason is split until the bad records are isolated and quarantined with
  Odoo's message; the rest load.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import Interrupted, OdooRecordError, UserFacingError
from crm2odoo.ledger.db import Intent, Issue, Landing, Ledger, RecordState
from crm2odoo.load.aggregate import Aggregator
from crm2odoo.load.chatter import chatter_group, is_chatter, load_chatter
from crm2odoo.load.create import Creator
from crm2odoo.load.dispatch import BatchDispatcher
from crm2odoo.load.objectpass import ObjectPass
from crm2odoo.load.order import LoadStep, spec_order
from crm2odoo.load.owners import match_owners
from crm2odoo.load.payments import PaymentRegistrar
from crm2odoo.load.resolve import Resolver, cell, column, quiet_context, read_cells, same_cell
from crm2odoo.load.rules import (
    PARTNER_ADDRESS,
    changed_since_landed,
    corresponds,
    partner_cells_for_version,
    same_stored,
)
from crm2odoo.load.scoring import scoring_paused
from crm2odoo.load.stages import StageArranger
from crm2odoo.load.xmlids import existing_names
from crm2odoo.mapping.engine import XMLID_MODULE, Engine, RecordProblem, TargetRecord, xmlid_name
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.mapping.transforms import RecordRef
from crm2odoo.models import ACTIONS, DEFAULT_SENSITIVE, LOG_ACCESS, SIDE_TABLES, odoo_model, side_table_mark
from crm2odoo.odoo import versions
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Source, SourceRecord
from crm2odoo.textnorm import fold

log = logging.getLogger("crm2odoo.load")

Events = Callable[..., None]
ACTION_BATCH = 50
#: a record in one of these states is in Odoo as the source wants it
LANDED_STATES = frozenset({"created", "updated", "matched", "unchanged", "merged"})


#: a batch whose every error is Odoo failing inside (not a value it refused) is sent again this many times
SERVER_FAULT_RETRIES = 3
SERVER_FAULT_BACKOFF = 1.0  # seconds, doubled on each attempt


def _server_fault(message: dict[str, Any]) -> bool:
    """load() reports exceptions it did not expect as 'Unknown error during import: <class ...>' (models.py)."""
    return str(message.get("message", "")).startswith("Unknown error during import")


def actions_for(obj: ObjectMap, record: SourceRecord) -> list[str]:
    """The map's ``options.actions`` that apply to this record: [{call, when: {source field: [values]}}]."""
    out = []
    for spec in obj.options.get("actions") or []:
        when = spec.get("when") or {}
        if all(fold(str(record.values.get(k) or "")) in {fold(str(v)) for v in values} for k, values in when.items()):
            out.append(str(spec["call"]))
    return out


#: not read back after a write: file content is verified by its checksum (validate/reconcile.py), not re-read
UNREAD_TYPES = frozenset({"binary", "one2many", "properties", "properties_definition"})

#: persons' addresses are restored with one write per distinct address when there are at most 1/N as many
#: addresses as persons (measured on 18: a grouped write ~2 ms a record plus ~40 ms a call, a load ~10 ms a record)
ADDRESS_GROUP_RATIO = 4
#: one address of printable ASCII, which Odoo's email_normalized holds lower-cased
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


#: a map that matches Odoo's own records reads them all once when there are at most this many; beyond, each batch
#: searches for its values (a search per batch costs ~45 ms on 18 for 200 names, a page of 2,000 rows about as much)
MATCH_SNAPSHOT_LIMIT = 20_000

#: contacts are grouped by company within a window of this many batches per connection (memory stays bounded)
PARENT_WINDOW_BATCHES = 4

#: base64 bytes per load call: a batch of large attachments is cut here, well below proxies' and Odoo's request limits
MAX_BATCH_BYTES = 20 * 1024 * 1024


def encoded_size(target: TargetRecord, binary_fields: Iterable[str]) -> int:
    """Size of a record's file content as sent (base64: 4 characters per 3 bytes)."""
    size = 0
    for name in binary_fields:
        value = target.vals.get(name)
        if isinstance(value, bytes):
            size += 4 * ((len(value) + 2) // 3)
        elif isinstance(value, str):
            size += len(value)
    return size


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


@dataclass
class Prepared:
    target: TargetRecord
    cells: dict[str, str]
    deferred: dict[str, Any] = field(default_factory=dict)
    existing_id: int | None = None  # a record already landed (update) or matched in Odoo
    matched: bool = False
    later: dict[str, str] = field(default_factory=dict)  # cells sent in a follow-up load (a person's address)
    full: dict[str, str] | None = None  # every mapped cell, when an update sends only part of them
    resent: bool = False  # created by this run before it was interrupted; sent again
    relink: dict[str, list[list[int]]] = field(default_factory=dict)  # many2many add/remove commands (updates)
    landed_id: int | None = None  # the Odoo id once the write landed (its values are read back after the batch)


class BlockedError(UserFacingError):
    """A phase cannot run until a person acts (unmatched owners)."""


class Loader:
    def __init__(self, *, client: OdooClient, schema: Schema, ledger: Ledger, spec: MappingSpec, engine: Engine,
                 source: Source, run_id: int, batch_size: int = 200, workers: int = 2,
                 fallback_owner: str | None = None, events: Events | None = None, delta: bool = False,
                 conflicts: str = "stop", delta_deletes: str = "archive",
                 stop: threading.Event | None = None) -> None:
        self.client, self.schema, self.ledger, self.spec = client, schema, ledger, spec
        self.engine, self.source, self.run_id = engine, source, run_id
        self.batch_size, self.workers = batch_size, max(1, workers)
        self.fallback_owner = fallback_owner or spec.fallback_owner_login
        self.resolver = Resolver(client, schema, ledger, spec)
        self.resolver.run_id = run_id
        self.events: Events = events or (lambda kind, **data: None)
        self.context = quiet_context()
        self.delta, self.conflicts, self.delta_deletes = delta, conflicts, delta_deletes
        self._map_has_xmlids: dict[str, bool] = {}
        self._xmlid_lock = threading.Lock()
        self._match_index: dict[str, dict[str, int] | None] = {}
        self._match_lock = threading.Lock()
        self.creator = Creator(self)
        # set by a signal handler: the run stops between records, after the batches in flight are settled
        self.stop = stop or threading.Event()
        self._retry: dict[str, list[str]] = {}  # object -> source ids an earlier run quarantined
        self.results: list[ObjectResult] = []  # objects finished so far (what an interrupted run did)

    def check_stop(self) -> None:
        if self.stop.is_set():
            raise Interrupted("the run was interrupted; what was in flight has been settled")

    def _keep_side_tables(self) -> None:
        """Before the first write, keep the tables Odoo updates on its own as records land (see SIDE_TABLES)."""
        for model, names in SIDE_TABLES.items():
            mark_key = side_table_mark(self.run_id, model)
            if self.ledger.meta(mark_key) is not None or not self.schema.has_model(model):
                continue
            rows = self.client.search_read_all(model, [], ["id", *names])
            self.ledger.save_prior(self.run_id, model, {int(r["id"]): {n: r[n] for n in names} for r in rows})
            self.ledger.set_meta(mark_key, str(max((int(r["id"]) for r in rows), default=0)))

    # -- the run -----------------------------------------------------------------------------------------------
    def run(self, *, only: set[str] | None = None, ids: dict[str, set[str]] | None = None) -> list[ObjectResult]:
        # Odoo's lead scoring would count every won deal the run creates, in rows nobody may restore (scoring.py)
        with scoring_paused(self.client, self.schema, self.ledger):
            return self._run(only, ids)

    def _run(self, only: set[str] | None, ids: dict[str, set[str]] | None) -> list[ObjectResult]:
        results = self.results = []
        mark_key = f"run{self.run_id}_message_mark"
        if self.ledger.meta(mark_key) is None:
            # Odoo posts some messages despite the quiet context (peppol_eas tracking on partners); rollback removes
            # what the migration user posted after this mark on records that existed before.
            last = self.client.search_read("mail.message", [], ["id"], limit=1, order="id desc")
            self.ledger.set_meta(mark_key, str(last[0]["id"] if last else 0))
        self._keep_side_tables()
        blocked_maps: set[str] = set()
        steps = spec_order(self.spec)
        processed: set[str] = set()  # maps met so far: loaded, blocked, left out by ``only`` or loaded in a group
        for index, step in enumerate(steps):
            obj = step.map
            if obj.name in processed:
                continue
            processed.add(obj.name)
            if only and not self._selected(obj, only):
                continue
            if blocked_maps & set(step.depends_on):
                result = ObjectResult(obj.name, obj.model, blocked="waits for " + ", ".join(
                    sorted(blocked_maps & set(step.depends_on))))
                self.ledger.phase(self.run_id, obj.name, "blocked", result.asdict(), result.blocked)
                blocked_maps.add(obj.name)
                results.append(result)
                self.events("object_blocked", result=result)
                continue
            if is_chatter(obj):
                group = chatter_group(steps, index, processed, blocked_maps,
                                      lambda o: not only or self._selected(o, only))
                processed.update(s.map.name for s in group)
                self._load_chatter(group, ids, results)
                continue
            wanted, retry = self._start_object(obj, ids)
            if obj.options.get("match_only"):
                result = self.match_users(obj, wanted)
                if result.blocked:
                    blocked_maps.add(obj.name)
            elif obj.options.get("apply_tags"):
                result = self.apply_tags(obj, wanted)
            elif obj.options.get("aggregate"):
                result = Aggregator(self).run(obj, wanted, ObjectResult(obj.name, obj.model))
            elif obj.options.get("register_payments"):
                # a payment settles a posted invoice: post what is pending (invoices) before paying it
                self.run_actions(results)
                result = PaymentRegistrar(self).register(obj, wanted, ObjectResult(obj.name, obj.model))
            else:
                if obj.model == "crm.lead" and self.resolver.stage_layout is None:
                    # stages and pipelines are in Odoo now: each pipeline gets its stages before a deal is placed
                    self.resolver.stage_layout = StageArranger(self.client, self.schema, self.ledger, self.spec,
                                                               self.run_id).arrange()
                result = self.load_object(step, wanted)
            self._end_object(obj, result, retry, results)
        if not blocked_maps:
            self.run_actions(results)
        return results

    @staticmethod
    def _selected(obj: ObjectMap, only: set[str]) -> bool:
        return obj.name in only or obj.source_object in only

    def _start_object(self, obj: ObjectMap, ids: dict[str, set[str]] | None) -> tuple[set[str] | None, list[str]]:
        """The records of ``obj`` this run is asked for (None: all) and those an earlier run quarantined."""
        self.check_stop()
        self.ledger.phase(self.run_id, obj.name, "running")
        self.events("object_start", name=obj.name, model=obj.model)
        wanted = ids.get(obj.name) if ids is not None else None
        # quarantine is not final: the cause may have been fixed in the source, the map or Odoo
        retry = [sid for sid in self.ledger.source_ids_in(obj.name, ("quarantined",))
                 if wanted is None or sid in wanted]
        self._retry[obj.name] = retry
        return wanted, retry

    def _end_object(self, obj: ObjectMap, result: ObjectResult, retry: list[str],
                    results: list[ObjectResult]) -> None:
        if retry and not result.blocked:
            self._settle_retried(obj, retry, result)
        state = "blocked" if result.blocked else "done"
        self.ledger.phase(self.run_id, obj.name, state, result.asdict(), result.blocked)
        self.events("object_done", result=result)
        results.append(result)

    def _load_chatter(self, group: list[LoadStep], ids: dict[str, set[str]] | None,
                      results: list[ObjectResult]) -> None:
        """Message maps loaded together, so that each document's chatter is in date order (load/chatter.py)."""
        started = {step.map.name: self._start_object(step.map, ids) for step in group}
        done = {step.map.name: ObjectResult(step.map.name, step.map.model) for step in group}
        load_chatter(self, group, {name: wanted for name, (wanted, _) in started.items()}, done)
        for step in group:
            self._end_object(step.map, done[step.map.name], started[step.map.name][1], results)

    def _settle_retried(self, obj: ObjectMap, retry: list[str], result: ObjectResult) -> None:
        """Count what became of the records earlier runs quarantined. One this run did not meet is no longer in
        the source (an export whose ids changed once its ID column came back, a deleted row) or no longer selected
        by the map: it is skipped with that reason, so it does not stay quarantined for ever."""
        after = self.ledger.states_after(obj.name, retry)
        tried = [after[sid][0] for sid in retry if sid in after and after[sid][1] == self.run_id]
        gone = [sid for sid in retry if sid in after and after[sid][1] != self.run_id]
        for sid in gone:
            self.ledger.mark_skipped(self.run_id, obj.name, sid,
                                     "no longer in the source (or no longer selected by the map); an earlier run had "
                                     "quarantined it")
        result.retried = len(tried) + len(gone)
        result.retried_landed = sum(1 for state in tried if state in LANDED_STATES)
        result.retried_gone = len(gone)

    # -- state changes after loading (confirm orders, post invoices) -----------------------------------------
    def run_actions(self, results: list[ObjectResult]) -> None:
        """Pending actions, in load order (an invoice is posted once its lines exist), in batches.

        Business methods overwrite dates (action_confirm sets date_order to now): the ``restore`` fields of the
        action are written back from what the tool loaded. A record Odoo refuses to change is listed, not lost.
        """
        pending = self.ledger.actions(states=("pending",))
        if not pending:
            return
        by_result = {r.name: r for r in results}
        order = {step.map.name: n for n, step in enumerate(spec_order(self.spec))}
        groups: dict[tuple[str, str], list[Any]] = {}
        for row in pending:
            groups.setdefault((row["object"], row["action"]), []).append(row)
        for (obj_name, action), rows in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])):
            obj = self.spec.objects.get(obj_name)
            if obj is None or action not in ACTIONS:
                continue
            self.events("actions", name=obj_name, action=action, count=len(rows))
            for start in range(0, len(rows), ACTION_BATCH):
                self._act(obj, action, rows[start:start + ACTION_BATCH], by_result.get(obj_name))

    def _act(self, obj: ObjectMap, action: str, rows: list[Any], result: ObjectResult | None) -> None:
        ids = [int(r["odoo_id"]) for r in rows]
        try:
            self.client.execute(obj.model, action, ids, context=self.context)
        except OdooRecordError as exc:
            if len(rows) > 1:
                middle = len(rows) // 2
                self._act(obj, action, rows[:middle], result)
                self._act(obj, action, rows[middle:], result)
                return
            row = rows[0]
            self.ledger.set_action(row["object"], row["source_id"], action, "failed", str(exc)[:500])
            self.ledger.add_issues(self.run_id, [Issue(row["object"], row["source_id"], "warning",
                                                       f"loaded, but Odoo refused {action}: {exc}")])
            return
        restore = [f for f in ACTIONS[action].overwrites if f in self.schema.fields(obj.model)]
        if restore:
            prepared = []
            for row in rows:
                landed = self.ledger.get(row["object"], row["source_id"])
                cells = {f: str((landed.written or {}).get(f, "")) for f in restore} if landed else {}
                if landed and any(cells.values()):
                    target = TargetRecord(obj.name, row["source_id"], obj.model, landed.xmlid, {})
                    prepared.append(Prepared(target, {f: v for f, v in cells.items() if v}))
            for p in prepared:  # one load per distinct column set
                self._load(obj, [p], sorted(p.cells), self.schema.fields(obj.model),
                           ObjectResult(obj.name, obj.model), count=False)
        for row in rows:
            self.ledger.set_action(row["object"], row["source_id"], action, "done")

    def transformed(self, obj: ObjectMap, ids: set[str] | None, result: ObjectResult) -> Iterator[TargetRecord]:
        """The object's records that apply to the map, transformed; counted as read, and the ones the transform
        refused already settled as skipped or quarantined (for loaders that write other than by ``load``)."""
        for record in self._records(obj, ids):
            self.check_stop()
            if not self.engine.applies(obj, record):
                continue
            result.read += 1
            target = self.engine.transform(obj, record)
            if target.outcome != "ok":
                self._record_problem_outcome(target, result)
                continue
            yield target

    def quarantine(self, obj: ObjectMap, source_id: str, reason: str, locator: str, result: ObjectResult, *,
                   xmlid: str = "", field_name: str | None = None) -> None:
        """Keep a record aside with its reason: its ledger state and an issue naming it."""
        self.ledger.mark_quarantined(self.run_id, obj.name, source_id, reason, model=obj.model, xmlid=xmlid,
                                     locator=locator)
        self.ledger.add_issues(self.run_id, [Issue(obj.name, source_id, "quarantine", reason, field=field_name,
                                                   locator=locator)])
        result.quarantined += 1

    def _records(self, obj: ObjectMap, ids: set[str] | None) -> Iterator[SourceRecord]:
        if ids is not None and not ids:
            return iter(())
        return self.source.read(obj.source_object, ids=ids)

    # -- owners ------------------------------------------------------------------------------------------------
    def match_users(self, obj: ObjectMap, ids: set[str] | None) -> ObjectResult:
        """Owners are matched to existing internal users (by e-mail, name or login; see load/owners.py)."""
        return match_owners(self, obj, ids, ObjectResult(obj.name, obj.model))

    # -- campaign enrolments: a tag on the contact ---------------------------------------------------------------
    def apply_tags(self, obj: ObjectMap, ids: set[str] | None) -> ObjectResult:
        """Each record adds a tag (its ``category_id`` line) to an existing partner (its ``id`` line).

        Nothing is created but the tags; the partners' previous tags are kept for rollback.
        """
        result = ObjectResult(obj.name, obj.model)
        known = {r.source_id: r for r in self.ledger.records(obj.name)}
        per_partner: dict[int, set[int]] = {}
        landed: list[tuple[TargetRecord, int]] = []
        for target in self.transformed(obj, ids, result):
            row = known.get(target.source_id)
            if row is not None and row.state in ("updated", "unchanged") and row.content_hash == target.content_hash:
                result.unchanged += 1
                continue
            vals, problems, _ = self.resolver.resolve(target)
            partner, tag = vals.get("id"), vals.get("category_id")
            if not isinstance(partner, int) or not isinstance(tag, int):
                reason = "; ".join(p.message for p in problems) or "no contact or no campaign to tag it with"
                self.quarantine(obj, target.source_id, reason, target.locator, result)
                continue
            per_partner.setdefault(partner, set()).add(tag)
            landed.append((target, partner))
        if not per_partner:
            return result
        partners = sorted(per_partner)
        before = {int(r["id"]): list(r["category_id"]) for r in self.client.read(obj.model, partners, ["category_id"])}
        self.ledger.save_prior(self.run_id, obj.model, {pid: {"category_id": [[6, 0, tags]]}
                                                        for pid, tags in before.items()})
        by_tags: dict[tuple[int, ...], list[int]] = {}
        for partner, partner_tags in per_partner.items():
            by_tags.setdefault(tuple(sorted(partner_tags)), []).append(partner)
        for tag_ids, group in by_tags.items():
            self.client.write(obj.model, group, {"category_id": [[4, t] for t in tag_ids]}, context=self.context)
        # the tool's own change: what it wrote on those partners now includes the tags, so rollback and three-way
        # updates do not take them for a user's edit
        for partner_row in self.ledger.written_on(obj.model, partners, besides=obj.name):
            written = dict(partner_row.written or {})
            if "category_id" not in written:
                continue
            tagged = {int(i) for i in str(written["category_id"]).split(",") if i}
            tagged |= per_partner[int(partner_row.odoo_id or 0)]
            written["category_id"] = ",".join(str(i) for i in sorted(tagged))
            self.ledger.mark_landed(self.run_id, [Landing(partner_row.object, partner_row.source_id,
                                                          int(partner_row.odoo_id or 0), partner_row.state, written)])
        for target, partner in landed:
            self.ledger.mark_matched(self.run_id, obj.name, target.source_id, obj.model, "", partner, target.locator)
            self.ledger.mark_landed(self.run_id, [Landing(obj.name, target.source_id, partner, "updated",
                                                          {"category_id": str(target.vals.get("category_id"))})])
            self.ledger.set_hash(obj.name, target.source_id, target.content_hash)
        result.updated = len(landed)
        return result

    # -- one object --------------------------------------------------------------------------------------------
    def load_object(self, step: LoadStep, ids: set[str] | None) -> ObjectResult:
        obj = step.map
        one = ObjectPass(self, step, ids, ObjectResult(obj.name, obj.model))
        # file content makes batches heavy: they are cut by size as well as by count
        binary_fields = sorted({line.target for line in obj.fields if line.target and not line.ignore
                                and one.fields_meta.get(line.target, {}).get("type") == "binary"})

        def size_of(target: TargetRecord) -> int:
            return encoded_size(target, binary_fields)

        dispatcher = BatchDispatcher(one.send, workers=self.workers, batch_size=self.batch_size,
                                     max_bytes=MAX_BATCH_BYTES, lanes=one.ordered,
                                     size_of=size_of if binary_fields else None)

        # children of one company are sent together: Odoo's load writes a company's values onto its new contacts
        # in one write per company in the batch, and two connections never update the same company at once
        parent_field = "parent_id" if obj.model == "res.partner" and any(
            line.target == "parent_id" and line.transform == "ref" for line in obj.fields) else None
        window: list[TargetRecord] = []

        def send_window() -> None:
            window.sort(key=lambda t: str(getattr(t.vals.get("parent_id"), "source_id", "")))
            for item in window:
                dispatcher.add(item)
            window.clear()

        with dispatcher:
            for changed in one.changed(size_of if binary_fields else None):
                if parent_field:
                    window.extend(changed)
                    if len(window) >= self.batch_size * self.workers * PARENT_WINDOW_BATCHES:
                        send_window()
                    continue
                for item in changed:
                    dispatcher.add(item, self._document_of(item) if one.ordered else None)
            send_window()
            dispatcher.finish()
        one.finish()
        return one.result

    def _since(self, obj: ObjectMap) -> dt.datetime | None:
        cursor = self.ledger.cursor(obj.name)
        if cursor is None:
            return None
        # a small overlap: records modified in the same second as the cursor are read again (the hash skips them)
        return dt.datetime.fromisoformat(cursor) - dt.timedelta(seconds=SINCE_OVERLAP_SECONDS)

    def _archive_deleted(self, obj: ObjectMap, fields_meta: dict[str, dict[str, Any]], result: ObjectResult) -> None:
        """Records deleted in the source since the last run: archived in Odoo (restored by rollback)."""
        present = set(self.source.list_ids(obj.source_object))
        gone = [r for r in self.ledger.records(obj.name, states=("created", "updated", "unchanged", "matched"))
                if r.source_id not in present and r.odoo_id]
        if not gone:
            return
        if "active" not in fields_meta:
            self.ledger.add_issues(self.run_id, [Issue(obj.name, r.source_id, "warning",
                                                       f"deleted in the source; {obj.model} cannot be archived, left "
                                                       "as is", locator=r.locator) for r in gone])
            return
        ids = [int(r.odoo_id or 0) for r in gone]
        self.ledger.save_prior(self.run_id, obj.model, {i: {"active": True} for i in ids})
        self.client.write(obj.model, ids, {"active": False}, context=self.context)
        for record in gone:
            self.ledger.mark_archived(self.run_id, obj.name, record.source_id, "deleted in the source")
        self.ledger.add_issues(self.run_id, [Issue(obj.name, r.source_id, "warning",
                                                   "deleted in the source: archived in Odoo", locator=r.locator)
                                             for r in gone])
        result.archived += len(gone)

    def _changed(self, obj: ObjectMap, targets: list[TargetRecord], result: ObjectResult,
                 undated: Collection[str] = ()) -> list[TargetRecord]:
        """Those of ``targets`` not already in Odoo as they are now (one indexed ledger read for them all).

        The hash is of the transformed record: a change of a column the map leaves out is no change, an edit of
        the map is. A landed record of ``undated`` (its modified date older than the delta's since, so a read of
        what changed since would have left it out) whose hash moved is counted and listed as 'changed without a
        new modified date'."""
        if not targets:
            return []
        fates = self.ledger.fates(obj.name, [t.source_id for t in targets])
        out: list[TargetRecord] = []
        unnoticed: list[TargetRecord] = []
        for target in targets:
            state, known_hash, odoo_id = fates.get(target.source_id) or ("", None, None)
            landed = state in ("created", "updated", "matched", "unchanged") and bool(odoo_id)
            if landed and known_hash == target.content_hash:
                result.unchanged += 1
                continue
            if landed and known_hash is not None and target.source_id in undated:
                unnoticed.append(target)
            out.append(target)
        if unnoticed:
            result.changed_undated += len(unnoticed)
            room = UNDATED_SHOWN - len(result.changed_undated_ids)
            result.changed_undated_ids.extend(t.source_id for t in unnoticed[:max(room, 0)])
            self.ledger.add_issues(self.run_id, [
                Issue(obj.name, t.source_id, "warning",
                      "changed without a new modified date: its content differs from what was loaded, though its "
                      "modified date is not newer than the last run's", locator=t.locator) for t in unnoticed])
        return out

    def _document_of(self, target: TargetRecord) -> tuple[str, int] | str:
        """The record whose chatter a message goes to (its lane): the first candidate of its owner that landed."""
        for value in target.vals.values():
            if isinstance(value, RecordRef):
                for candidate in value.candidates:
                    found = self.resolver.id_of(candidate)
                    obj = self.spec.objects.get(candidate.object)
                    if found is not None and obj is not None:
                        return obj.model, found
        return target.source_id  # no owner in Odoo: it is quarantined, in any lane

    def _dedupe_key(self, obj: ObjectMap, target: TargetRecord) -> str | None:
        if not obj.dedupe_fields:
            return None
        parts = []
        for name in obj.dedupe_fields:
            value = target.vals.get(name)
            if value is None or value == "":
                return None
            parts.append(fold(str(value)))
        return "\x1f".join(parts)

    def _record_problem_outcome(self, target: TargetRecord, result: ObjectResult) -> None:
        quarantined = target.outcome == "quarantine"
        reason = "; ".join(f"{p.field or 'row'}: {p.message}" + (f" (value {p.value!r})" if p.value else "")
                           for p in target.problems if p.policy in ("quarantine", "skip"))
        settle = self.ledger.mark_quarantined if quarantined else self.ledger.mark_skipped
        settle(self.run_id, target.map_name, target.source_id, reason, model=target.model, xmlid=target.xmlid,
               locator=target.locator)
        self.ledger.add_issues(self.run_id, [
            Issue(target.map_name, target.source_id, "warning" if p.policy == "warning" else
                  "quarantine" if quarantined else "skip", p.message, field=p.field, value=p.value,
                  locator=target.locator)
            for p in target.problems if p.policy != "set_empty"])
        if quarantined:
            result.quarantined += 1
        else:
            result.skipped += 1

    # -- one batch ---------------------------------------------------------------------------------------------
    def _batch(self, step: LoadStep, targets: list[TargetRecord], fields_meta: dict[str, dict[str, Any]],
               result: ObjectResult, deferred_all: list[tuple[int | None, TargetRecord, dict[str, Any]]]) -> None:
        obj = step.map
        prepared: list[Prepared] = []
        self.resolver.prefetch(targets)
        for target in targets:
            vals, problems, deferred = self.resolver.resolve(target, skip_self=step.deferred_self)
            hard = [p for p in problems if p.policy == "quarantine"]
            # the map's own warnings (a name made from the e-mail) go with the resolver's
            warnings = [p for p in target.problems if p.policy == "warning"] \
                + [p for p in problems if p.policy != "quarantine"]
            if warnings:
                self.ledger.add_issues(self.run_id, [
                    Issue(target.map_name, target.source_id, "warning", p.message, field=p.field, value=p.value,
                          locator=target.locator) for p in warnings])
            if hard:
                target.problems.extend(hard)
                target.outcome = "quarantine"
                self._record_problem_outcome(target, result)
                continue
            unknown = [n for n in vals if n not in fields_meta]
            if unknown:
                target.problems.append(RecordProblem(unknown[0], None, f"field {unknown[0]} does not exist on "
                                                     f"{obj.model} in this Odoo", "quarantine"))
                target.outcome = "quarantine"
                self._record_problem_outcome(target, result)
                continue
            for name, value in odoo_model(obj.model).defaults.items():
                if name in fields_meta and name not in vals:
                    vals[name] = value
            cells = {n: cell(v, fields_meta[n]) for n, v in vals.items()}
            if obj.model == "res.partner":
                cells = partner_cells_for_version(cells, self.schema.major)
            prepared.append(Prepared(target, cells, deferred))
        if not prepared:
            return
        self._find_existing(obj, prepared)
        self.ledger.mark_sending(self.run_id, [
            Intent(p.target.map_name, p.target.source_id, p.target.model, p.target.xmlid, p.target.content_hash,
                   p.target.locator) for p in prepared])
        self._adopt_matches(obj, prepared, fields_meta)
        current = self._save_priors(obj, prepared, fields_meta)
        prepared = self._three_way(obj, prepared, current, fields_meta, result)
        self._send(obj, prepared, fields_meta, result)
        later = [p for p in prepared if p.deferred]
        landed = self.resolver.ids_of(obj.name, [p.target.source_id for p in later]) if later else {}
        for p in later:
            deferred_all.append((landed.get(p.target.source_id), p.target, p.deferred))

    def _find_existing(self, obj: ObjectMap, prepared: list[Prepared]) -> None:
        """Records this tool landed before (update path) and, for match_existing maps, Odoo's own records."""
        known = self.resolver.ids_of(obj.name, [p.target.source_id for p in prepared])
        fresh: list[Prepared] = []
        for p in prepared:
            existing = known.get(p.target.source_id)
            if existing:
                p.existing_id = existing
            else:
                fresh.append(p)
        unsure = fresh
        may_be_orphans = bool(odoo_model(obj.model).identity)
        names_exist = self._xmlids_of_map_exist(obj) if fresh else True
        # what the ledger knows of them (one read serves both questions below)
        seen = self.ledger.fates(obj.name, [p.target.source_id for p in fresh]) \
            if fresh and (may_be_orphans or not names_exist) else {}
        if not names_exist:
            # none of this map's external IDs was in Odoo when the object started, so only records this ledger has
            # sent before (a crash, a lost reply) can have one now
            unsure = [p for p in fresh if p.target.source_id in seen]
        if unsure:
            # Not in the ledger but already in Odoo under our external ID (a lost ledger, a reply lost in a crash):
            # it is an update of that record, never a second one.
            names = {p.target.xmlid.split(".", 1)[1]: p for p in unsure}
            rows = self.client.search_read("ir.model.data", [["module", "=", XMLID_MODULE],
                                                             ["name", "in", sorted(names)]], ["name", "res_id", "model"])
            for row in rows:
                if row["model"] == obj.model:
                    found = names[row["name"]]
                    found.existing_id = int(row["res_id"])
                    ledger_row = self.ledger.get(obj.name, found.target.source_id)
                    # sent by this very run before a crash: still a creation of this run. Otherwise it existed
                    # before this ledger knew it (another project, a lost ledger): matched, so rollback restores
                    # it instead of deleting it.
                    found.resent = ledger_row is not None and ledger_row.created_run == self.run_id \
                        and ledger_row.origin == "created"
                    found.matched = not found.resent
            fresh = [p for p in fresh if not p.existing_id]
            if may_be_orphans:
                # sent before without landing and not under our external ID: created by create, perhaps, and
                # its external ID lost with a reply or a kill (an orphan): adopted, never created twice
                lost = [p for p in fresh if seen.get(p.target.source_id, ("",))[0] == "sending"]
                if lost:
                    self.creator.adopt(obj, lost, self.schema.fields(obj.model))
                    fresh = [p for p in fresh if not p.existing_id]
        if not (obj.match_existing and obj.dedupe_fields and fresh):
            return
        field_name = obj.dedupe_fields[0]
        fresh = [p for p in fresh if p.cells.get(field_name, "")]
        if not fresh:
            return
        snapshot = self._existing_index(obj)
        if snapshot is not None:
            with self._match_lock:
                for p in fresh:
                    key = "\x1f".join(fold(p.cells.get(f, "")) for f in obj.dedupe_fields)
                    if key in snapshot:
                        p.existing_id, p.matched = snapshot.pop(key), True
            return
        values = sorted({p.cells.get(field_name, "") for p in fresh})
        domain = [*self._candidates_domain(obj, field_name, values), *self._constants_domain(obj)]
        rows = self.client.search_read_all(obj.model, domain, obj.dedupe_fields, context={"active_test": False})
        index = self._unclaimed_index(obj, rows)
        for p in fresh:
            key = "\x1f".join(fold(p.cells.get(f, "")) for f in obj.dedupe_fields)
            if key in index:
                p.existing_id, p.matched = index.pop(key), True

    @staticmethod
    def _constants_domain(obj: ObjectMap) -> list[Any]:
        return [[k, "=", v] for k, v in obj.constants.items() if isinstance(v, bool | str | int)]

    def _unclaimed_index(self, obj: ObjectMap, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Dedupe key -> the first of ``rows`` that no ledger record holds (a record is matched once)."""
        # only the candidates Odoo returned (never the whole ledger: that made large runs quadratic)
        claimed = self.ledger.claimed_ids(obj.model, {int(r["id"]) for r in rows})
        index: dict[str, int] = {}
        for row in rows:
            if not row.get(obj.dedupe_fields[0]) or int(row["id"]) in claimed:
                continue
            index.setdefault("\x1f".join(fold(str(row.get(f) or "")) for f in obj.dedupe_fields), int(row["id"]))
        return index

    def _existing_index(self, obj: ObjectMap) -> dict[str, int] | None:
        """Odoo's own records a map may match, read once per object when there are few (an Odoo being set up);
        None when there are too many to hold, and each batch searches for its own values instead."""
        with self._match_lock:
            if obj.name in self._match_index:
                return self._match_index[obj.name]
            domain = [[obj.dedupe_fields[0], "!=", False], *self._constants_domain(obj)]
            index: dict[str, int] | None = None
            if self.client.search_count(obj.model, domain, context={"active_test": False}) <= MATCH_SNAPSHOT_LIMIT:
                rows = self.client.search_read_all(obj.model, domain, obj.dedupe_fields,
                                                   context={"active_test": False})
                index = self._unclaimed_index(obj, rows)
            self._match_index[obj.name] = index
            return index

    def _xmlids_of_map_exist(self, obj: ObjectMap) -> bool:
        """Does Odoo hold any external ID of this map (asked once per object and run of load_object)?"""
        with self._xmlid_lock:
            known = self._map_has_xmlids.get(obj.name)
            if known is None:
                # '_' is a wildcard for =like: the pattern can only match more names, never miss one
                prefix = xmlid_name(self.spec.system, obj.name, "x")[:-1]
                known = self._map_has_xmlids[obj.name] = self.client.search_count(
                    "ir.model.data", [["module", "=", XMLID_MODULE], ["model", "=", obj.model],
                                      ["name", "=like", prefix.replace("%", "_") + "%"]]) > 0
            return known

    def _candidates_domain(self, obj: ObjectMap, field_name: str, values: list[str]) -> list[Any]:
        """Odoo records that may equal ``values`` ignoring case; the caller keeps the exact (folded) matches.

        An email is looked up through Odoo's stored ``email_normalized`` (a plain address, lower-cased) with one
        ``in``: a clause per value (``=ilike``) has PostgreSQL test every pattern against every row. Values
        Odoo would not normalise that way (a non-ASCII local part, anything but one plain address) keep their
        ``=ilike`` clause, as do other fields.
        """
        clauses: list[Any] = []
        rest = values
        if field_name == "email" and self.schema.fields(obj.model).get("email_normalized", {}).get("store"):
            plain = sorted({v.lower() for v in values if _PLAIN_EMAIL.fullmatch(v)})
            rest = [v for v in values if not _PLAIN_EMAIL.fullmatch(v)]
            if plain:
                clauses.append(["email_normalized", "in", plain])
        clauses += [[field_name, "=ilike", v] for v in rest]
        return ["|"] * (len(clauses) - 1) + clauses

    def _adopt_matches(self, obj: ObjectMap, prepared: list[Prepared], fields_meta: dict[str, dict[str, Any]]) -> None:
        """Give a matched Odoo record our external ID, so the load below updates it instead of creating."""
        matches = [p for p in prepared if p.matched and p.existing_id]
        if not matches:
            return
        for p in matches:
            self.ledger.mark_matched(self.run_id, obj.name, p.target.source_id, obj.model, p.target.xmlid,
                                     int(p.existing_id or 0), p.target.locator)
        names = [p.target.xmlid.split(".", 1)[1] for p in matches]
        present = existing_names(self.client, names)
        missing = [p for p in matches if p.target.xmlid.split(".", 1)[1] not in present]
        self._save_priors(obj, matches, fields_meta, force=True)
        if missing:
            self.client.execute("ir.model.data", "create", vals_list=[
                {"module": XMLID_MODULE, "name": p.target.xmlid.split(".", 1)[1], "model": obj.model,
                 "res_id": p.existing_id, "noupdate": True} for p in missing], retry_writes=False)

    def _save_priors(self, obj: ObjectMap, prepared: list[Prepared], fields_meta: dict[str, dict[str, Any]], *,
                     force: bool = False) -> dict[int, dict[str, Any]]:
        """Before overwriting an existing record, keep its current values so rollback can restore them.

        Returns the records as read (Odoo id -> row), for the three-way merge of updates.
        """
        targets = [p for p in prepared if p.existing_id and (force or not p.matched)]
        if not targets:
            return {}
        # Every stored writable field, not only the ones we send: Odoo recomputes others as a side effect (e.g.
        # peppol_eas follows the country) and rollback must put those back too.
        # Many2many fields only when we write them: others are often the reverse side of links other records own
        # (a tag's partner_ids), which no snapshot of this record can restore.
        names = sorted(({n for p in targets for n in p.cells} | {
            n for n, m in fields_meta.items() if m.get("store") and not m.get("readonly")
            and m.get("type") not in ("one2many", "many2many", "binary", "properties", "properties_definition")
            and not n.startswith("__") and n not in LOG_ACCESS}) & set(fields_meta))
        rows = self.client.read(obj.model, [int(p.existing_id or 0) for p in targets], names,
                                context={"active_test": False})
        priors: dict[int, dict[str, Any]] = {}
        for row in rows:
            vals: dict[str, Any] = {}
            for name in names:
                value = row.get(name)
                kind = fields_meta[name].get("type")
                if kind == "many2one":
                    vals[name] = value[0] if isinstance(value, list) and value else False
                elif kind == "many2many":
                    vals[name] = [[6, 0, list(value or [])]]
                else:
                    vals[name] = value
            priors[int(row["id"])] = vals
        self.ledger.save_prior(self.run_id, obj.model, priors)
        return {int(row["id"]): row for row in rows}

    def _three_way(self, obj: ObjectMap, prepared: list[Prepared], current: dict[int, dict[str, Any]],
                   fields_meta: dict[str, dict[str, Any]], result: ObjectResult) -> list[Prepared]:
        """Updates send only what the source changed; a field changed in Odoo too is a conflict.

        ``written`` (what the tool last sent) against the source's value now tells whether the source changed;
        the landed value (what Odoo stored after that write, see _read_back) against Odoo's value now tells whether
        Odoo changed. A field the source did not change is not sent (an Odoo user's edit survives); a field both
        changed follows migration.conflicts.
        """
        kept: list[Prepared] = []
        for p in prepared:
            row = current.get(int(p.existing_id or 0)) if p.existing_id and not p.matched else None
            ledger_row = self.ledger.get(obj.name, p.target.source_id) if row is not None else None
            written = ledger_row.written if ledger_row is not None else None
            stored = (ledger_row.stored if ledger_row is not None else None) or {}
            if row is None or not written:
                kept.append(p)
                continue
            sent_before = {k: str(v) for k, v in written.items()}
            now = read_cells(row, p.cells, fields_meta)
            send: dict[str, str] = {}
            clashes: list[str] = []
            for name, value in p.cells.items():
                before = written.get(name)
                if before is not None and same_cell(str(before), value, fields_meta[name]):
                    continue
                if fields_meta[name].get("type") == "many2many" and before is not None:
                    # add and remove only what the source changed: tags others added (campaigns, users) stay
                    old_ids = {int(i) for i in str(before).split(",") if i}
                    new_ids = {int(i) for i in value.split(",") if i}
                    p.relink[name] = [[4, i] for i in sorted(new_ids - old_ids)] + [[3, i] for i in
                                                                                   sorted(old_ids - new_ids)]
                    continue
                if before is not None and ledger_row is not None and changed_since_landed(
                        str(before), ledger_row.landed_value(name), now[name], fields_meta[name], name,
                        model=obj.model, cells=sent_before) \
                        and not same_stored(value, now[name], fields_meta[name], name):
                    clashes.append(name)
                    continue
                send[name] = value
            if clashes:
                detail = "; ".join(f"{n}: tool wrote {str(stored.get(n))[:40]!r}, Odoo now has {now[n][:40]!r}, "
                                   f"source now says {p.cells[n][:40]!r}" for n in clashes)
                self.ledger.add_issues(self.run_id, [Issue(obj.name, p.target.source_id, "conflict",
                                                           f"{self.conflicts}: {detail}", field=clashes[0],
                                                           locator=p.target.locator)])
                result.conflicts += 1
                if self.conflicts == "stop":
                    self.ledger.mark_conflict(self.run_id, obj.name, p.target.source_id,
                                              f"changed in Odoo and in the source: {detail}")
                    continue
                if self.conflicts == "source_wins":
                    send.update({n: p.cells[n] for n in clashes})
            p.full = dict(p.cells)
            p.cells = send
            if p.relink:
                self.client.write(obj.model, [int(p.existing_id or 0)], dict(p.relink), context=self.context)
            if not send:
                state: RecordState = "updated" if p.relink else "unchanged"
                self.ledger.mark_landed(self.run_id, [Landing(obj.name, p.target.source_id, int(p.existing_id or 0),
                                                              state, p.full)])
                self.ledger.set_hash(obj.name, p.target.source_id, p.target.content_hash)
                if p.relink:
                    result.updated += 1
                else:
                    result.unchanged += 1
                continue
            kept.append(p)
        return kept

    def _send(self, obj: ObjectMap, prepared: list[Prepared], fields_meta: dict[str, dict[str, Any]],
              result: ObjectResult) -> None:
        """One ``load`` per group of records sharing their default-sensitive columns; split on data errors."""
        after = self._split_partner_address(obj, prepared)
        groups: dict[tuple[str, ...], list[Prepared]] = {}
        for p in prepared:
            if p.full is not None:  # a partial update: exactly its own columns, or others would be cleared
                signature = ("=", *sorted(p.cells))
            else:
                signature = tuple(sorted(n for n in p.cells if n in DEFAULT_SENSITIVE and p.cells[n] != ""))
            groups.setdefault(signature, []).append(p)
        for signature, group in groups.items():
            if signature[:1] == ("=",):
                names = list(signature[1:])
            else:
                names = sorted({n for p in group for n in p.cells if n not in DEFAULT_SENSITIVE or n in signature})
            new = [p for p in group if not p.existing_id and p.full is None] \
                if self.creator.applies(obj, names, fields_meta) else []
            if new:
                taken = {id(p) for p in new}
                old = [p for p in group if id(p) not in taken]
                def by_load(rows: list[Prepared], names: list[str] = names) -> None:
                    self._load(obj, rows, names, fields_meta, result)

                self.creator.send(obj, new, names, fields_meta, result, by_load)
                if old:
                    self._load(obj, old, names, fields_meta, result)
            else:
                self._load(obj, group, names, fields_meta, result)
            again = [n for n in odoo_model(obj.model).write_overwrites if n in names]
            updates = [p for p in group if p.existing_id and any(p.cells.get(n) for n in again)]
            if again and updates:
                self._load(obj, [Prepared(p.target, {n: p.cells.get(n, "") for n in again}) for p in updates], again,
                           fields_meta, ObjectResult(obj.name, obj.model), count=False)
        refused: list[str] = []
        if after:
            landed = self.resolver.ids_of(obj.name, [p.target.source_id for p in after])
            rows = [p for p in after if p.target.source_id in landed]
            if rows:
                self._restore_addresses(obj, rows, landed, fields_meta, refused)
                self.ledger.settle(obj.name, [(p.target.source_id, p.target.content_hash, p.cells) for p in rows
                                              if p.target.source_id not in refused])
        self._read_back(obj, [p for p in prepared if p.landed_id and p.target.source_id not in refused], fields_meta)

    def _read_back(self, obj: ObjectMap, landed: list[Prepared], fields_meta: dict[str, dict[str, Any]]) -> None:
        """What Odoo stored for the fields just written, in one ``read`` for the batch, kept as the landed values.

        Odoo normalises what it stores and fills what the loader leaves to it (see load/rules.py): reconcile,
        the three-way merge and rollback compare Odoo with these, never with the values sent. A difference no rule
        explains (a value cut short, a field Odoo overrides) is recorded as a warning a person can see.
        """
        wanted: dict[int, Prepared] = {}
        for p in landed:
            wanted[int(p.landed_id or 0)] = p
        names = sorted({n for p in wanted.values() for n in (*p.cells, *p.later, *p.relink)
                        if n in fields_meta and fields_meta[n].get("type") not in UNREAD_TYPES})
        if not wanted or not names:
            return
        rows = {int(r["id"]): r for r in self.client.read(obj.model, sorted(wanted), names,
                                                           context={"active_test": False})}
        stored_rows: list[tuple[str, dict[str, tuple[str, str]]]] = []
        issues: list[Issue] = []
        for odoo_id, p in wanted.items():
            row = rows.get(odoo_id)
            if row is None:
                continue
            sent_all = {**(p.full or {}), **p.cells, **p.later}
            mine = [n for n in names if n in p.cells or n in p.later or n in p.relink]
            stored = read_cells(row, mine, fields_meta)
            pairs: dict[str, tuple[str, str]] = {}
            for name in mine:
                sent = str(sent_all.get(name, ""))
                pairs[name] = (sent, stored[name])
                if not corresponds(sent, stored[name], fields_meta[name], name, model=obj.model, cells=sent_all):
                    issues.append(Issue(obj.name, p.target.source_id, "warning",
                                        f"Odoo stored {stored[name][:80]!r} for {name}, the tool sent {sent[:80]!r}",
                                        field=name, value=sent[:200], locator=p.target.locator))
            stored_rows.append((p.target.source_id, pairs))
        self.ledger.set_landed(obj.name, stored_rows)
        if issues:
            self.ledger.add_issues(self.run_id, issues)

    def _restore_addresses(self, obj: ObjectMap, rows: list[Prepared], landed: dict[str, int],
                           fields_meta: dict[str, dict[str, Any]], refused: list[str]) -> None:
        """Write back the persons' own addresses after linking them to their parent.

        Odoo writes the rows of an updating ``load`` one record at a time (about 10 ms each on 18), while one
        ``write`` of many records with the same values costs about 2 ms a record: persons sharing an address (a
        city, the office's street) are written together, one call per address; when few share, one load.
        Both are idempotent: a repeat after a lost reply writes the same values again.
        """
        groups: dict[tuple[str, ...], list[Prepared]] = {}
        for p in rows:
            groups.setdefault(tuple(p.cells.get(f, "") for f in PARTNER_ADDRESS), []).append(p)
        if len(groups) * ADDRESS_GROUP_RATIO > len(rows):
            self._load(obj, rows, sorted(PARTNER_ADDRESS), fields_meta, ObjectResult(obj.name, obj.model),
                       count=False, refused=refused)
            return
        for values, group in groups.items():
            vals = {f: (int(v) if v else False) if fields_meta[f].get("type") == "many2one" else (v or False)
                    for f, v in zip(PARTNER_ADDRESS, values, strict=True)}
            try:
                self.client.write(obj.model, [landed[p.target.source_id] for p in group], vals,
                                  context=self.context)
            except OdooRecordError:  # the load isolates the record Odoo refuses and reports it
                self._load(obj, group, sorted(PARTNER_ADDRESS), fields_meta, ObjectResult(obj.name, obj.model),
                           count=False, refused=refused)

    def _split_partner_address(self, obj: ObjectMap, prepared: list[Prepared]) -> list[Prepared]:
        """A partner linked to a parent keeps its own address, and the parent keeps its own.

        17/18: Odoo copies the parent's address over a ``type=contact`` child whenever ``parent_id`` is written, and
        the first contact's address up to a parent that has none. So the address goes in a second load that carries
        no parent_id (empty or not: the source's address is the truth).
        19: a ``type=contact`` child's address *is* its parent's; writing it is copied up to the parent and on to
        every sibling. So a child with an address of its own becomes ``type=other`` (never synced), and a child
        without one keeps ``type=contact`` and shows its parent's, as Odoo 19 intends; no empty address is sent
        (partner_cells_for_version). The ``type=other`` child's address still goes in the second load: created
        with it, the first contact of a company without an address gives the company its address
        (res_partner.py, _handle_first_contact_creation, on every version).
        """
        if obj.model != "res.partner":
            return []
        linked = [p for p in prepared if p.cells.get("parent_id") and any(f in p.cells for f in PARTNER_ADDRESS)]
        if not linked:
            return []
        meta = self.schema.fields(obj.model)
        # the parents' addresses as they are now (one read per batch): a person whose address is its parent's
        # needs no second write, since the copy Odoo makes is already right
        parent_ids = sorted({int(p.cells["parent_id"]) for p in linked})
        parents = {int(r["id"]): read_cells(r, PARTNER_ADDRESS, meta)
                   for r in self.client.read(obj.model, parent_ids, list(PARTNER_ADDRESS))}
        after: list[Prepared] = []
        for p in linked:
            own = {f: p.cells.get(f, "") for f in PARTNER_ADDRESS}
            parent = parents.get(int(p.cells["parent_id"]))
            if not any(own.values()) and not p.existing_id:
                # a new person without an address of its own shows its company's, as on 19; nothing is sent, so
                # nothing is recorded as written for those fields
                for f in PARTNER_ADDRESS:
                    p.cells.pop(f, None)
                continue
            if parent is not None and any(parent.values()) \
                    and all(same_cell(own[f], parent[f], meta[f]) for f in PARTNER_ADDRESS):
                continue
            p.later = {f: p.cells.pop(f, "") for f in PARTNER_ADDRESS}
            after.append(Prepared(p.target, p.later))
        return after

    def _load(self, obj: ObjectMap, group: list[Prepared], names: list[str], fields_meta: dict[str, dict[str, Any]],
              result: ObjectResult, *, count: bool = True, attempt: int = 0,
              refused: list[str] | None = None) -> None:
        """``count=False``: a follow-up write of records that landed; the ones Odoo refuses go in ``refused``."""
        header = ["id", *[column(n, fields_meta[n]) for n in names]]
        rows = [[p.target.xmlid, *[p.cells.get(n, "") for n in names]] for p in group]
        try:
            answer = self.client.execute(obj.model, "load", fields=header, data=rows, context=self.context,
                                         retry_writes=True)
            messages = answer.get("messages") or []
            ids = answer.get("ids")
        except OdooRecordError as exc:
            ids, messages = None, [{"type": "error", "message": str(exc)}]
        if ids and len(ids) == len(group):
            if count:
                self.landed(obj, group, [int(i) for i in ids], result)
            return
        errors = [m for m in messages if m.get("type") == "error"] or [{"message": "Odoo rejected the batch"}]
        if attempt < SERVER_FAULT_RETRIES and all(_server_fault(m) for m in errors):
            # Odoo failed inside, not on our values (seen on 18 right after custom fields changed: "Unknown error
            # during import: <class 'KeyError'>: 'res.partner.phone_sanitized'" while its registry reloaded): the
            # batch rolled back and is sent again whole, before any record is blamed
            time.sleep(SERVER_FAULT_BACKOFF * 2 ** attempt)
            self._load(obj, group, names, fields_meta, result, count=count, attempt=attempt + 1, refused=refused)
            return
        if len(group) == 1 and not count:
            # a follow-up write (address, date written back) of a record that landed: report it, keep its state
            p = group[0]
            reason = "; ".join(str(m.get("message", "")) for m in errors)[:500]
            self.ledger.add_issues(self.run_id, [Issue(obj.name, p.target.source_id, "warning",
                                                       f"loaded, but Odoo refused the follow-up write: {reason}",
                                                       field=", ".join(names), locator=p.target.locator)])
            if refused is not None:
                refused.append(p.target.source_id)
            return
        if len(group) == 1:
            reason = "; ".join(str(m.get("message", "")) for m in errors)[:500]
            p = group[0]
            self.quarantine(obj, p.target.source_id, f"Odoo: {reason}", p.target.locator, result,
                            xmlid=p.target.xmlid, field_name=errors[0].get("field"))
            return
        bad = {int(m["record"]) for m in errors if isinstance(m.get("record"), int) and 0 <= m["record"] < len(group)}
        if bad and len(bad) < len(group):
            for index in sorted(bad):
                self._load(obj, [group[index]], names, fields_meta, result, count=count, refused=refused)
            rest = [p for i, p in enumerate(group) if i not in bad]
            self._load(obj, rest, names, fields_meta, result, count=count, refused=refused)
            return
        middle = len(group) // 2
        self._load(obj, group[:middle], names, fields_meta, result, count=count, refused=refused)
        self._load(obj, group[middle:], names, fields_meta, result, count=count, refused=refused)

    def landed(self, obj: ObjectMap, group: list[Prepared], ids: list[int], result: ObjectResult) -> None:
        rows: list[Landing] = []
        for p, odoo_id in zip(group, ids, strict=True):
            state: RecordState
            if p.matched:
                state = "matched"
                result.matched += 1
            elif p.existing_id and not p.resent:
                state = "updated"
                result.updated += 1
            else:
                state = "created"
                result.created += 1
            p.landed_id = odoo_id
            # a person's own address is not written yet (it follows in a second write): not recorded as written
            rows.append(Landing(obj.name, p.target.source_id, odoo_id, state, {**(p.full or p.cells)}))
        self.ledger.mark_landed(self.run_id, rows, unsettled=[p.target.source_id for p in group if p.later])
        self.resolver.register(obj.name, {p.target.source_id: i for p, i in zip(group, ids, strict=True)})

    # -- after the main pass -----------------------------------------------------------------------------------
    def _second_pass(self, obj: ObjectMap, fields_meta: dict[str, dict[str, Any]],
                     deferred: list[tuple[int | None, TargetRecord, dict[str, Any]]], result: ObjectResult) -> None:
        """Self-references (a company's parent company) once every record of the map exists."""
        relinked: list[tuple[TargetRecord, dict[str, str]]] = []
        for odoo_id, target, refs in deferred:
            if not odoo_id:
                continue
            vals: dict[str, Any] = {}
            for name, ref in refs.items():
                found = self.resolver.id_of(ref)
                if found is None:
                    self.ledger.add_issues(self.run_id, [Issue(obj.name, target.source_id, "warning",
                                                               f"references {ref.object} {ref.source_id}, which is "
                                                               "not in Odoo; link left out", field=name,
                                                               value=ref.source_id, locator=target.locator)])
                else:
                    vals[name] = found
            if not vals:
                continue
            own: dict[str, str] = {}
            if obj.model == "res.partner" and "parent_id" in vals:
                row = self.ledger.get(obj.name, target.source_id)
                own = {f: str(v) for f, v in ((row.written if row else None) or {}).items() if f in PARTNER_ADDRESS}
                if versions.child_address_is_parents(self.schema.major) and any(own.values()):
                    vals["type"] = "other"  # see _split_partner_address: never synced with the parent
            self.client.write(obj.model, [odoo_id], vals, context=self.context)
            if own and (not versions.child_address_is_parents(self.schema.major) or any(own.values())):
                relinked.append((target, own))
            elif own:  # 19, no address of its own: it shows its parent's now, which is not a change to report
                row = self.ledger.get(obj.name, target.source_id)
                if row is not None and row.written:
                    kept = {k: v for k, v in row.written.items() if k not in PARTNER_ADDRESS}
                    self.ledger.mark_landed(self.run_id, [Landing(obj.name, target.source_id, odoo_id, row.state, kept)])
        if relinked:
            # Writing parent_id copied the parent's address over this one; put the record's own address back.
            rows = [Prepared(target, {f: own.get(f, "") for f in PARTNER_ADDRESS}) for target, own in relinked]
            self._load(obj, rows, sorted(PARTNER_ADDRESS), fields_meta, ObjectResult(obj.name, obj.model), count=False)

    def _settle_merged(self, obj: ObjectMap, merged: list[tuple[str, str, str]], result: ObjectResult) -> None:
        ids = self.resolver.ids_of(obj.name, [survivor for _, survivor, _ in merged])
        rows: list[Landing] = []
        for duplicate, survivor, reason in merged:
            odoo_id = ids.get(survivor)
            if odoo_id is None:
                self.ledger.mark_skipped(self.run_id, obj.name, duplicate, reason + " (not loaded)",
                                         model=obj.model)
                result.skipped += 1
                continue
            self.ledger.mark_merged(self.run_id, obj.name, duplicate, reason, model=obj.model)
            rows.append(Landing(obj.name, duplicate, odoo_id, "merged", {}))
            result.merged += 1
        if rows:
            self.ledger.mark_landed(self.run_id, rows)
            self.resolver.register(obj.name, {row.source_id: row.odoo_id for row in rows})



SINCE_OVERLAP_SECONDS = 60
UNDATED_SHOWN = 20  # records 'changed without a new modified date' named in the report; all are in the ledger


