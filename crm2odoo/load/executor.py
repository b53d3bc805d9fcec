"""Loading: object by object in dependency order, each map by the strategy its ``load_kind`` names.

The Loader is the driver: it keeps what Odoo changes on its own (side tables, the message mark), walks the maps in
load order, blocks a map whose dependencies are blocked, starts and ends each map (its phase in the ledger, the
records an earlier run quarantined), and runs the pending actions at the end. How a map's records reach Odoo is its
strategy's business (load/strategies.py); what every strategy shares is the run's ``LoadContext`` (load/context.py).
"""

from __future__ import annotations

import threading

from crm2odoo.errors import UserFacingError
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.actions import run_actions
from crm2odoo.load.batch import Batches
from crm2odoo.load.chatter import chatter_group
from crm2odoo.load.context import Events, LoadContext, RunSettings, no_events
from crm2odoo.load.order import LoadStep, spec_order
from crm2odoo.load.outcomes import LANDED_STATES, ObjectResult
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.resolve import Resolver
from crm2odoo.load.scoring import scoring_paused
from crm2odoo.load.strategies import LoadChatter, strategies_for
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.models import SIDE_TABLES, side_table_mark
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.progress import run_plan
from crm2odoo.sources.base import Source

__all__ = ["BlockedError", "Events", "Loader", "ObjectResult", "Prepared"]


class BlockedError(UserFacingError):
    """A phase cannot run until a person acts (unmatched owners)."""


class Loader:
    def __init__(self, *, client: OdooClient, schema: Schema, ledger: Ledger, spec: MappingSpec, engine: Engine,
                 source: Source, run_id: int, batch_size: int = 200, workers: int = 2,
                 message_batch_size: int | None = None,
                 fallback_owner: str | None = None, events: Events | None = None, delta: bool = False,
                 conflicts: str = "stop", delta_deletes: str = "archive",
                 stop: threading.Event | None = None, totals: dict[str, int | None] | None = None) -> None:
        self.client, self.schema, self.ledger, self.spec, self.run_id = client, schema, ledger, spec, run_id
        self.resolver = Resolver(client, schema, ledger, spec)
        self.resolver.run_id = run_id
        settings = RunSettings(batch_size=batch_size, message_batch_size=message_batch_size, workers=max(1, workers),
                               delta=delta, conflicts=conflicts, delta_deletes=delta_deletes,
                               fallback_owner=fallback_owner or spec.fallback_owner_login)
        # set by a signal handler: the run stops between records, after the batches in flight are settled
        self.stop = stop or threading.Event()
        self.ctx = LoadContext(client=client, schema=schema, ledger=ledger, spec=spec, engine=engine, source=source,
                               run_id=run_id, resolver=self.resolver, settings=settings, events=events or no_events,
                               stop=self.stop, totals=dict(totals or {}))
        self.batches = Batches(self.ctx)
        self.strategies = strategies_for(self.ctx, self.batches)
        self.results: list[ObjectResult] = []  # objects finished so far (what an interrupted run did)

    # -- the run -----------------------------------------------------------------------------------------------
    def run(self, *, only: set[str] | None = None, ids: dict[str, set[str]] | None = None) -> list[ObjectResult]:
        # Odoo's lead scoring would count every won deal the run creates, in rows nobody may restore (scoring.py)
        with scoring_paused(self.client, self.schema, self.ledger):
            try:
                return self._run(only, ids)
            except BaseException as exc:
                self.batches.writer.read_backs.flush_after_stop(exc)
                raise

    def _run(self, only: set[str] | None, ids: dict[str, set[str]] | None) -> list[ObjectResult]:
        results = self.results = []
        self._keep_message_mark()
        self._keep_side_tables()
        blocked_maps: set[str] = set()
        steps = spec_order(self.spec)
        # what the run will go through, so a renderer can draw an overall line before the first object
        paces = self.ledger.paces(self.run_id)
        self.ctx.events("run_plan", **run_plan([s.map for s in steps if not only or _selected(s.map, only)],
                                               self.ctx.totals),
                        paces=paces, landed=self.ledger.landed_before(self.run_id, sorted(paces)))
        processed: set[str] = set()  # maps met so far: loaded, blocked, left out by ``only`` or loaded in a group
        for index, step in enumerate(steps):
            obj = step.map
            if obj.name in processed:
                continue
            processed.add(obj.name)
            if only and not _selected(obj, only):
                continue
            waits_for = blocked_maps & set(step.depends_on)
            if waits_for:
                self._block(obj, "waits for " + ", ".join(sorted(waits_for)), results)
                blocked_maps.add(obj.name)
                continue
            if obj.load_kind == "chatter":
                group = chatter_group(steps, index, processed, blocked_maps, lambda o: not only or _selected(o, only))
                processed.update(s.map.name for s in group)
                self._load_chatter(group, ids, results)
                continue
            wanted, retry = self._start_object(obj, ids)
            result = self.strategies[obj.load_kind].run(step, wanted, results)
            if result.blocked and obj.load_kind == "match_users":
                # records need their owners; an aggregate the schema cannot take blocks only itself
                blocked_maps.add(obj.name)
            self._end_object(obj, result, retry, results)
        if not blocked_maps:
            run_actions(self.ctx, self.batches.writer, results)
        return results

    def _keep_message_mark(self) -> None:
        """Odoo posts some messages despite the quiet context (peppol_eas tracking on partners); rollback removes
        what the migration user posted after this mark on records that existed before."""
        mark_key = f"run{self.run_id}_message_mark"
        if self.ledger.meta(mark_key) is None:
            last = self.client.search_read("mail.message", [], ["id"], limit=1, order="id desc")
            self.ledger.set_meta(mark_key, str(last[0]["id"] if last else 0))

    def _keep_side_tables(self) -> None:
        """Before the first write, keep the tables Odoo updates on its own as records land (see SIDE_TABLES)."""
        for model, names in SIDE_TABLES.items():
            mark_key = side_table_mark(self.run_id, model)
            if self.ledger.meta(mark_key) is not None or not self.schema.has_model(model):
                continue
            rows = self.client.search_read_all(model, [], ["id", *names])
            self.ledger.save_prior(self.run_id, model, {int(r["id"]): {n: r[n] for n in names} for r in rows})
            self.ledger.set_meta(mark_key, str(max((int(r["id"]) for r in rows), default=0)))

    def _block(self, obj: ObjectMap, why: str, results: list[ObjectResult]) -> None:
        result = ObjectResult(obj.name, obj.model, blocked=why)
        self.ledger.phase(self.run_id, obj.name, "blocked", result.asdict(), result.blocked)
        results.append(result)
        self.ctx.events("object_blocked", result=result)

    def _start_object(self, obj: ObjectMap, ids: dict[str, set[str]] | None) -> tuple[set[str] | None, list[str]]:
        """The records of ``obj`` this run is asked for (None: all) and those an earlier run quarantined."""
        self.ctx.check_stop()
        self.ledger.phase(self.run_id, obj.name, "running")
        self.ctx.events("object_start", name=obj.name, model=obj.model, total=self.ctx.totals.get(obj.name))
        wanted = ids.get(obj.name) if ids is not None else None
        # quarantine is not final: the cause may have been fixed in the source, the map or Odoo
        retry = [sid for sid in self.ledger.source_ids_in(obj.name, ("quarantined",))
                 if wanted is None or sid in wanted]
        self.ctx.retry[obj.name] = retry
        return wanted, retry

    def _end_object(self, obj: ObjectMap, result: ObjectResult, retry: list[str],
                    results: list[ObjectResult]) -> None:
        if retry and not result.blocked:
            self._settle_retried(obj, retry, result)
        state = "blocked" if result.blocked else "done"
        self.ledger.phase(self.run_id, obj.name, state, result.asdict(), result.blocked)
        self.ctx.events("object_done", result=result)
        results.append(result)

    def _load_chatter(self, group: list[LoadStep], ids: dict[str, set[str]] | None,
                      results: list[ObjectResult]) -> None:
        """Message maps loaded together, so that each document's chatter is in date order (load/chatter.py)."""
        started = {step.map.name: self._start_object(step.map, ids) for step in group}
        done = {step.map.name: ObjectResult(step.map.name, step.map.model) for step in group}
        chatter = self.strategies["chatter"]
        assert isinstance(chatter, LoadChatter)
        chatter.run_group(group, {name: wanted for name, (wanted, _) in started.items()}, done)
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


def _selected(obj: ObjectMap, only: set[str]) -> bool:
    return obj.name in only or obj.source_object in only
