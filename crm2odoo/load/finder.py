"""Which prepared records are in Odoo already: landed by this tool before (an update), there under our external ID
though the ledger does not know it (a lost reply, a lost ledger), created without it (an orphan of ``create``), or
Odoo's own record with the same dedupe key (a map with ``match_existing``). And what they hold before being
overwritten, kept for rollback."""

from __future__ import annotations

import threading
from typing import Any

from crm2odoo.load.context import LoadContext
from crm2odoo.load.create import Creator
from crm2odoo.load.diffing import candidates_domain, constants_domain, match_key, prior_values, snapshot_fields
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.xmlids import existing_names
from crm2odoo.mapping.engine import XMLID_MODULE, xmlid_name
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.models import odoo_model

FieldsMeta = dict[str, dict[str, Any]]

#: a map that matches Odoo's own records reads them all once when there are at most this many; beyond, each batch
#: searches for its values (a search per batch costs ~45 ms on 18 for 200 names, a page of 2,000 rows about as much)
MATCH_SNAPSHOT_LIMIT = 20_000


class Finder:
    """Shared by a run's worker threads; what it learns of a map is forgotten when the map starts again."""

    def __init__(self, ctx: LoadContext, creator: Creator) -> None:
        self.ctx, self.creator = ctx, creator
        self._map_has_xmlids: dict[str, bool] = {}
        self._xmlid_lock = threading.Lock()
        self._match_index: dict[str, dict[str, int] | None] = {}
        self._match_lock = threading.Lock()

    def start_object(self, obj: ObjectMap) -> None:
        self._map_has_xmlids.pop(obj.name, None)
        self._match_index.pop(obj.name, None)

    def find(self, obj: ObjectMap, prepared: list[Prepared]) -> None:
        """Records this tool landed before (update path) and, for match_existing maps, Odoo's own records."""
        known = self.ctx.resolver.ids_of(obj.name, [p.target.source_id for p in prepared])
        fresh: list[Prepared] = []
        for p in prepared:
            existing = known.get(p.target.source_id)
            if existing:
                p.existing_id = existing
            else:
                fresh.append(p)
        if fresh:
            fresh = self._sent_before(obj, fresh)
        if obj.match_existing and obj.dedupe_fields and fresh:
            self._match(obj, fresh)

    def _sent_before(self, obj: ObjectMap, fresh: list[Prepared]) -> list[Prepared]:
        """Those of ``fresh`` already in Odoo though the ledger has no id for them; returns the others."""
        unsure = fresh
        may_be_orphans = bool(odoo_model(obj.model).identity)
        names_exist = self._xmlids_of_map_exist(obj)
        # what the ledger knows of them (one read serves both questions below)
        seen = self.ctx.ledger.fates(obj.name, [p.target.source_id for p in fresh]) \
            if may_be_orphans or not names_exist else {}
        if not names_exist:
            # none of this map's external IDs was in Odoo when the object started, so only records this ledger has
            # sent before (a crash, a lost reply) can have one now
            unsure = [p for p in fresh if p.target.source_id in seen]
        if not unsure:
            return fresh
        self._named_already(obj, unsure)
        fresh = [p for p in fresh if not p.existing_id]
        if may_be_orphans:
            # sent before without landing and not under our external ID: created by create, perhaps, and its
            # external ID lost with a reply or a kill (an orphan): adopted, never created twice
            lost = [p for p in fresh if seen.get(p.target.source_id, ("",))[0] == "sending"]
            if lost:
                self.creator.adopt(obj, lost, self.ctx.schema.fields(obj.model))
                fresh = [p for p in fresh if not p.existing_id]
        return fresh

    def _named_already(self, obj: ObjectMap, unsure: list[Prepared]) -> None:
        """Not in the ledger but already in Odoo under our external ID (a lost ledger, a reply lost in a crash): it
        is an update of that record, never a second one."""
        names = {p.target.xmlid.split(".", 1)[1]: p for p in unsure}
        rows = self.ctx.client.search_read("ir.model.data", [["module", "=", XMLID_MODULE],
                                                             ["name", "in", sorted(names)]], ["name", "res_id", "model"])
        for row in rows:
            if row["model"] != obj.model:
                continue
            found = names[row["name"]]
            found.existing_id = int(row["res_id"])
            ledger_row = self.ctx.ledger.get(obj.name, found.target.source_id)
            # sent by this very run before a crash: still a creation of this run. Otherwise it existed before this
            # ledger knew it (another project, a lost ledger): matched, so rollback restores it instead of deleting it.
            found.resent = ledger_row is not None and ledger_row.created_run == self.ctx.run_id \
                and ledger_row.origin == "created"
            found.matched = not found.resent

    def _match(self, obj: ObjectMap, fresh: list[Prepared]) -> None:
        """Odoo's own records with the same dedupe key, each matched once."""
        field_name = obj.dedupe_fields[0]
        fresh = [p for p in fresh if p.cells.get(field_name, "")]
        if not fresh:
            return
        snapshot = self._existing_index(obj)
        if snapshot is not None:
            with self._match_lock:
                for p in fresh:
                    key = match_key(obj, p.cells)
                    if key in snapshot:
                        p.existing_id, p.matched = snapshot.pop(key), True
            return
        values = sorted({p.cells.get(field_name, "") for p in fresh})
        normalized = bool(self.ctx.schema.fields(obj.model).get("email_normalized", {}).get("store"))
        domain = [*candidates_domain(field_name, values, normalized_email=normalized), *constants_domain(obj)]
        rows = self.ctx.client.search_read_all(obj.model, domain, obj.dedupe_fields, context={"active_test": False})
        index = self._unclaimed_index(obj, rows)
        for p in fresh:
            key = match_key(obj, p.cells)
            if key in index:
                p.existing_id, p.matched = index.pop(key), True

    def _unclaimed_index(self, obj: ObjectMap, rows: list[dict[str, Any]]) -> dict[str, int]:
        """Dedupe key -> the first of ``rows`` that no ledger record holds (a record is matched once)."""
        # only the candidates Odoo returned (never the whole ledger: that made large runs quadratic)
        claimed = self.ctx.ledger.claimed_ids(obj.model, {int(r["id"]) for r in rows})
        index: dict[str, int] = {}
        for row in rows:
            if not row.get(obj.dedupe_fields[0]) or int(row["id"]) in claimed:
                continue
            index.setdefault(match_key(obj, row), int(row["id"]))
        return index

    def _existing_index(self, obj: ObjectMap) -> dict[str, int] | None:
        """Odoo's own records a map may match, read once per object when there are few (an Odoo being set up);
        None when there are too many to hold, and each batch searches for its own values instead."""
        with self._match_lock:
            if obj.name in self._match_index:
                return self._match_index[obj.name]
            domain = [[obj.dedupe_fields[0], "!=", False], *constants_domain(obj)]
            index: dict[str, int] | None = None
            client = self.ctx.client
            if client.search_count(obj.model, domain, context={"active_test": False}) <= MATCH_SNAPSHOT_LIMIT:
                rows = client.search_read_all(obj.model, domain, obj.dedupe_fields, context={"active_test": False})
                index = self._unclaimed_index(obj, rows)
            self._match_index[obj.name] = index
            return index

    def _xmlids_of_map_exist(self, obj: ObjectMap) -> bool:
        """Does Odoo hold any external ID of this map (asked once per object and pass)?"""
        with self._xmlid_lock:
            known = self._map_has_xmlids.get(obj.name)
            if known is None:
                # '_' is a wildcard for =like: the pattern can only match more names, never miss one
                prefix = xmlid_name(self.ctx.spec.system, obj.name, "x")[:-1]
                known = self._map_has_xmlids[obj.name] = self.ctx.client.search_count(
                    "ir.model.data", [["module", "=", XMLID_MODULE], ["model", "=", obj.model],
                                      ["name", "=like", prefix.replace("%", "_") + "%"]]) > 0
            return known

    # -- before overwriting ------------------------------------------------------------------------------------
    def adopt_matches(self, obj: ObjectMap, prepared: list[Prepared], fields_meta: FieldsMeta) -> None:
        """Give a matched Odoo record our external ID, so the load below updates it instead of creating."""
        matches = [p for p in prepared if p.matched and p.existing_id]
        if not matches:
            return
        for p in matches:
            self.ctx.ledger.mark_matched(self.ctx.run_id, obj.name, p.target.source_id, obj.model, p.target.xmlid,
                                         int(p.existing_id or 0), p.target.locator)
        names = [p.target.xmlid.split(".", 1)[1] for p in matches]
        present = existing_names(self.ctx.client, names)
        missing = [p for p in matches if p.target.xmlid.split(".", 1)[1] not in present]
        self.save_priors(obj, matches, fields_meta, force=True)
        if missing:
            self.ctx.client.execute("ir.model.data", "create", vals_list=[
                {"module": XMLID_MODULE, "name": p.target.xmlid.split(".", 1)[1], "model": obj.model,
                 "res_id": p.existing_id, "noupdate": True} for p in missing], retry_writes=False)

    def save_priors(self, obj: ObjectMap, prepared: list[Prepared], fields_meta: FieldsMeta, *,
                    force: bool = False) -> dict[int, dict[str, Any]]:
        """Before overwriting an existing record, keep its current values so rollback can restore them.

        Returns the records as read (Odoo id -> row), for the three-way merge of updates.
        """
        targets = [p for p in prepared if p.existing_id and (force or not p.matched)]
        if not targets:
            return {}
        names = snapshot_fields({n for p in targets for n in p.cells}, fields_meta)
        rows = self.ctx.client.read(obj.model, [int(p.existing_id or 0) for p in targets], names,
                                    context={"active_test": False})
        self.ctx.ledger.save_prior(self.ctx.run_id, obj.model,
                                   {int(row["id"]): prior_values(row, names, fields_meta) for row in rows})
        return {int(row["id"]): row for row in rows}
