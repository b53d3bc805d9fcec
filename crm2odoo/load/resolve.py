"""Turn a TargetRecord's symbolic values into what Odoo's ``load`` takes.

References resolve through the ledger's id map (what this tool loaded or matched), lookups through cached
searches of the target Odoo (countries, states, subtypes by external ID).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from crm2odoo.errors import OdooRecordError
from crm2odoo.ledger.db import Landing, Ledger
from crm2odoo.ledger.idmap import IdMap
from crm2odoo.load.autocreate import auto_record, create_auto
from crm2odoo.load.cells import DATETIME_FORMAT, cell, column, quiet_context, read_cells, same_cell
from crm2odoo.load.stages import StageLayout, place_deal
from crm2odoo.mapping.engine import RecordProblem, TargetRecord
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.mapping.transforms import Lookup, RecordRef, Ref, Refs, TaxRate
from crm2odoo.models import odoo_model
from crm2odoo.odoo import versions
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.textnorm import fold

V = TypeVar("V")

#: the cell helpers moved to load/cells.py; importing them from here keeps working
__all__ = ["DATETIME_FORMAT", "IdMap", "Resolver", "Unresolved", "cell", "column", "quiet_context", "read_cells",
           "same_cell"]


class Unresolved(Exception):
    def __init__(self, problem: RecordProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class Resolver:
    """Shared by worker threads; caches are guarded by one lock."""

    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger, spec: MappingSpec) -> None:
        self.client, self.schema, self.ledger, self.spec = client, schema, ledger, spec
        self._ids: dict[str, IdMap] = {}
        self._lookups: dict[tuple[str, tuple[str, ...], str, Any], int | None] = {}
        self._won_stage_ids: frozenset[int] | None = None
        self._gates: dict[Any, threading.Lock] = {}
        self._tables: dict[tuple[str, str], dict[str, list[int]]] = {}
        self._via: dict[tuple[str, int, str], int | None] = {}
        self._ir_model: dict[str, int] = {}
        self._won_stage: dict[int | None, int | None] = {}
        self._lock = threading.RLock()
        self.run_id: int | None = None  # set by the loader: lookups may create records only inside a run
        self.stage_layout: StageLayout | None = None  # set by the loader before deals: each pipeline's stages

    # -- ids ---------------------------------------------------------------------------------------------------
    def ids(self, map_name: str) -> IdMap:
        with self._lock:
            if map_name not in self._ids:
                self._ids[map_name] = IdMap(self.ledger, map_name)
            return self._ids[map_name]

    def ids_of(self, map_name: str, source_ids: Iterable[str]) -> dict[str, int]:
        """The landed ones of ``source_ids`` (a batch at once)."""
        return self.ids(map_name).many(source_ids)

    def register(self, map_name: str, pairs: Mapping[str, int]) -> None:
        """Ids just landed; the ledger already holds them (mark_landed comes first), this keeps them at hand."""
        self.ids(map_name).remember(pairs)

    def prefetch(self, targets: list[TargetRecord]) -> None:
        """Read the ids a batch's references need in one query per object instead of one per reference, and create
        what its lookups create in one call per model."""
        wanted: dict[str, set[str]] = {}
        for target in targets:
            for value in target.vals.values():
                refs: Iterable[Ref] = ()
                if isinstance(value, Ref):
                    refs = (value,)
                elif isinstance(value, Refs):
                    refs = (Ref(value.object, sid) for sid in value.source_ids)
                elif isinstance(value, RecordRef):
                    refs = value.candidates
                for ref in refs:
                    if ref.by == "id":
                        wanted.setdefault(ref.object, set()).add(ref.source_id)
        for map_name, sids in wanted.items():
            self.ids_of(map_name, sids)
        if self.run_id is not None:
            self._create_missing(targets)

    def id_of(self, ref: Ref) -> int | None:
        odoo_id = self.by_name(ref) if ref.by == "name" else self.ids(ref.object).get(ref.source_id)
        if odoo_id is None or not ref.via:
            return odoo_id
        model = self.spec.objects[ref.object].model if ref.object in self.spec.objects else "res.users"
        key = (model, odoo_id, ref.via)
        with self._lock:
            if key in self._via:
                return self._via[key]
        rows = self.client.read(model, [odoo_id], [ref.via])
        value = rows[0][ref.via] if rows else False
        found = int(value[0]) if isinstance(value, list) and value else (int(value) if value else None)
        with self._lock:
            self._via[key] = found
        return found

    def by_name(self, ref: Ref) -> int | None:
        """The one record of map ``ref.object`` (loaded or matched by this tool) whose name folds to the same
        text as ``ref.source_id``; None when there is none or several (never a guess)."""
        omap = self.spec.objects.get(ref.object)
        if omap is None or not ref.source_id.strip():
            return None
        wanted = fold(ref.source_id)

        def search() -> int | None:
            found = self._names_of(ref.object, omap.model).get(wanted, [])
            if not found:  # landed after the table was read (a parent company by name within companies)
                rows = self.client.search_read(omap.model, [["name", "=ilike", ref.source_id.strip()]],
                                               ["id", "name"], limit=50, order="id", context={"active_test": False})
                exact = [int(r["id"]) for r in rows if fold(str(r.get("name") or "")) == wanted]
                landed = self.ledger.held_by(ref.object, exact) if exact else set()
                found = [i for i in exact if i in landed]
            return found[0] if len(set(found)) == 1 else None

        return self._once(self._lookups, ("name-ref", ref.object, wanted, None), search)

    def _names_of(self, map_name: str, model: str) -> dict[str, list[int]]:
        """Folded name -> Odoo ids of the records of one map, read once (names are compared folded on both
        sides: 'İSTANBUL Ltd' finds 'istanbul ltd')."""
        def read() -> dict[str, list[int]]:
            ids = sorted(self.ledger.odoo_ids_in(map_name, ("created", "updated", "matched", "unchanged", "merged",
                                                            "conflict")))
            table: dict[str, list[int]] = {}
            for start in range(0, len(ids), 500):
                for row in self.client.read(model, ids[start:start + 500], ["name"]):
                    table.setdefault(fold(str(row.get("name") or "")), []).append(int(row["id"]))
            return table

        return self._once(self._tables, ("names", map_name), read)

    # -- lookups -----------------------------------------------------------------------------------------------
    def taxes(self, rate: TaxRate) -> list[int] | None:
        """[] for 0 %; the first active percentage tax of that rate and use; None when Odoo has none."""
        if not rate.percent:
            return []
        def search() -> int | None:
            rows = self.client.search_read("account.tax", [["type_tax_use", "=", rate.use],
                                                           ["amount_type", "=", "percent"],
                                                           ["amount", "=", rate.percent]], ["id"], limit=1,
                                           order="sequence, id")
            return int(rows[0]["id"]) if rows else None

        tax = self._once(self._lookups, ("account.tax", ("amount",), f"{rate.use}:{rate.percent}", None), search)
        return [tax] if tax else None

    def lookup(self, item: Lookup, siblings: Mapping[str, Any] | None = None) -> int | None:
        within = None
        if item.within is not None:
            field_name, parent = item.within
            if parent is None and siblings is not None:
                parent = siblings.get(field_name)
            within = (field_name, self.lookup(parent) if isinstance(parent, Lookup) else parent)
        key = (item.model, item.by, fold(item.value), within)  # within holds the resolved id, so it is hashable
        return self._once(self._lookups, key, lambda: self._lookup_once(item, within))

    def _once(self, store: dict[Any, V], key: Any, compute: Callable[[], V]) -> V:
        """``store[key]``, computed by one worker while the others asking for the same key wait for it (one search,
        at most one creation)."""
        with self._lock:
            if key in store:
                return store[key]
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in store:
                    return store[key]
            value = compute()
            with self._lock:
                store[key] = value
            return value

    def _lookup_once(self, item: Lookup, within: tuple[str, Any] | None) -> int | None:
        found = self._found(item, within)
        if found is None and item.create and self.run_id is not None:
            record = auto_record(item, within, self.schema, self.spec.system)
            found = create_auto(self.client, self.ledger, self.run_id, [record])[record.xmlid]
        return found

    def _found(self, item: Lookup, within: tuple[str, Any] | None) -> int | None:
        found = self._search(item, within)
        if found is not None and item.create and self.run_id is not None:
            # created by a run that was killed before the ledger heard back: settle that intent now
            pending = self.ledger.get(f"auto:{item.model}", fold(item.value))
            if pending is not None and pending.state == "sending":
                self.ledger.mark_landed(self.run_id, [Landing(pending.object, pending.source_id, found, "created",
                                                       {"name": item.value})])
        return found

    def _create_missing(self, targets: list[TargetRecord]) -> None:
        """The records a batch's lookups create when Odoo lacks them (tags, UTM records, lost reasons...): each
        searched once as before, the missing ones created in one ``load`` per model instead of one per value. The
        keys' gates are held meanwhile (taken in one order), so another worker asking waits for the answer."""
        items: dict[tuple[Any, ...], Lookup] = {}
        for target in targets:
            for value in target.vals.values():
                if isinstance(value, Lookup) and value.create and value.within is None:
                    items.setdefault((value.model, value.by, fold(value.value), None), value)
        with self._lock:
            keys = sorted((k for k in items if k not in self._lookups), key=repr)
            gates = [self._gates.setdefault(k, threading.Lock()) for k in keys]
        if not keys or self.run_id is None:
            return
        for gate in gates:
            gate.acquire()
        try:
            with self._lock:
                keys = [k for k in keys if k not in self._lookups]
            found = {k: self._found(items[k], None) for k in keys}
            records = {k: auto_record(items[k], None, self.schema, self.spec.system) for k in keys if found[k] is None}
            created = create_auto(self.client, self.ledger, self.run_id, records.values())
            with self._lock:
                for k in keys:
                    self._lookups[k] = found[k] if k not in records else created.get(records[k].xmlid)
        finally:
            for gate in gates:
                gate.release()

    def _search(self, item: Lookup, within: tuple[str, Any] | None) -> int | None:
        meta = self.schema.fields(item.model) if self.schema.has_model(item.model) else {}
        for by in item.by:
            if by != "xmlid" and (by not in meta or not meta[by].get("store", True)):
                continue  # a computed, unstored field cannot be searched reliably
            if odoo_model(item.model).read_whole and by != "xmlid" and within is None:
                exact = self._table(item.model, by).get(fold(item.value), [])
                if not exact:  # created since the table was read (a pipeline map loaded before this lookup)
                    with self._lock:
                        self._tables.pop((item.model, by), None)
                    exact = self._table(item.model, by).get(fold(item.value), [])
                if len(exact) == 1:
                    return exact[0]
                if len(exact) > 1:
                    return None
                continue
            if by == "xmlid":
                module, _, name = item.value.partition(".")
                rows = self.client.search_read("ir.model.data", [["module", "=", module], ["name", "=", name]],
                                               ["res_id", "model"], limit=1)
                if rows and rows[0]["model"] == item.model:
                    return int(rows[0]["res_id"])
                continue
            domain: list[Any] = [[by, "=ilike", item.value]]
            if within is not None and within[1]:
                domain.append([within[0], "=", within[1]])
            try:
                rows = self.client.search_read(item.model, domain, ["id", by], limit=20, order="id",
                                               context={"active_test": False})
            except OdooRecordError:
                continue
            # =ilike treats % and _ as wildcards, and some fields search loosely (res.country.code matches
            # 'Germany' to GE): only an exact, case-folded match counts.
            wanted = fold(item.value)
            exact = [int(row["id"]) for row in rows if fold(str(row.get(by) or "")) == wanted]
            if len(exact) == 1 or (exact and (within is None or within[1])):
                return exact[0]
            if len(exact) > 1:
                return None  # 'CA' is a state of several countries: without the country, no guess
        return None

    def _table(self, model: str, by: str) -> dict[str, list[int]]:
        """A small reference table read whole once: folded value of ``by`` -> ids (in id order)."""
        def read() -> dict[str, list[int]]:
            table: dict[str, list[int]] = {}
            for row in self.client.search_read_all(model, [], ["id", by], context={"active_test": False}):
                table.setdefault(fold(str(row.get(by) or "")), []).append(int(row["id"]))
            return table

        return self._once(self._tables, (model, by), read)

    def ir_model_id(self, model: str) -> int | None:
        with self._lock:
            if model in self._ir_model:
                return self._ir_model[model]
        rows = self.client.search_read("ir.model", [["model", "=", model]], ["id"], limit=1)
        found = int(rows[0]["id"]) if rows else None
        if found:
            with self._lock:
                self._ir_model[model] = found
        return found

    def won_stage(self, team_id: int | None) -> int | None:
        """An is_won stage usable by the team (a lead is won when it sits in one with probability 100)."""
        with self._lock:
            if team_id in self._won_stage:
                return self._won_stage[team_id]
        team_field = versions.stage_team_field(self.schema)
        domain: list[Any] = [["is_won", "=", True]]
        if team_id:
            domain += ["|", [team_field, "=", team_id], [team_field, "=", False]]
        rows = self.client.search_read("crm.stage", domain, ["id", team_field], limit=20, order="sequence, id")
        # the team's own won stage before one every team shares
        own = [r for r in rows if r.get(team_field)] if team_id else []
        found = int((own or rows)[0]["id"]) if rows else None
        with self._lock:
            self._won_stage[team_id] = found
        return found

    # -- records -----------------------------------------------------------------------------------------------
    def resolve(self, target: TargetRecord, *, skip_self: bool = False) -> tuple[dict[str, Any], list[RecordProblem],
                                                                                dict[str, Ref]]:
        """Resolved vals, problems (unresolvable references), and self-references deferred to a second pass."""
        out: dict[str, Any] = {}
        problems: list[RecordProblem] = []
        deferred: dict[str, Ref] = {}
        for name, value in target.vals.items():
            if isinstance(value, Ref):
                self._resolve_ref(name, value, target, skip_self, out, problems, deferred)
            elif isinstance(value, Refs):
                out[name] = self._resolve_refs(name, value, problems)
            elif isinstance(value, Lookup):
                if value.within is not None and value.within[1] is None:
                    continue  # needs its sibling: resolved below
                found = self.lookup(value)
                if found is None:
                    problems.append(RecordProblem(name, value.value, f"no {value.model} matches {value.value!r} "
                                                  f"(by {', '.join(value.by)}); left empty", "warning"))
                out[name] = found
            elif isinstance(value, RecordRef):
                self._resolve_record_ref(name, value, out, problems, target, deferred)
            elif isinstance(value, TaxRate):
                taxes = self.taxes(value)
                if taxes is None:
                    problems.append(RecordProblem(name, str(value.percent), f"no {value.use} tax of {value.percent:g} % "
                                                  "in Odoo: loaded without tax, so Odoo's total is the untaxed amount "
                                                  "(create the tax and migrate again)", "warning"))
                out[name] = taxes or []
            else:
                out[name] = value
        self._resolve_within(target, out, problems)
        if target.model == "crm.lead":
            if self.stage_layout is not None:
                place_deal(self.stage_layout, out, problems)
            self._lead_rules(out)
        elif target.model == "account.move":
            _invoice_rules(out)
        return out, problems, deferred

    def _resolve_ref(self, name: str, value: Ref, target: TargetRecord, skip_self: bool, out: dict[str, Any],
                     problems: list[RecordProblem], deferred: dict[str, Ref]) -> None:
        resolved = self.id_of(value)
        if skip_self and value.object == target.map_name:
            if resolved is None:
                deferred[name] = value
            else:
                out[name] = resolved
            return
        if resolved is None:
            problems.append(RecordProblem(name, value.source_id, _missing(value), "quarantine"))
        elif name in odoo_model(target.model).written_after_create:
            deferred[name] = value
        else:
            out[name] = resolved

    def _resolve_refs(self, name: str, value: Refs, problems: list[RecordProblem]) -> list[int]:
        ids = []
        for sid in value.source_ids:
            found = self.id_of(Ref(value.object, sid))
            if found is None:
                problems.append(RecordProblem(name, sid, f"references {value.object} {sid}, which is not in Odoo; "
                                              "link left out", "warning"))
            else:
                ids.append(found)
        return ids

    def _resolve_within(self, target: TargetRecord, out: dict[str, Any], problems: list[RecordProblem]) -> None:
        """Lookups searched within a sibling value (a state within its country), once the siblings are resolved."""
        for name, value in target.vals.items():
            if isinstance(value, Lookup) and value.within is not None and value.within[1] is None:
                found = self.lookup(value, out)
                if found is None:
                    problems.append(RecordProblem(name, value.value, f"no single {value.model} matches "
                                                  f"{value.value!r} (by {', '.join(value.by)}, within "
                                                  f"{value.within[0]}); left empty", "warning"))
                out[name] = found

    def _resolve_record_ref(self, name: str, value: RecordRef, out: dict[str, Any], problems: list[RecordProblem],
                            target: TargetRecord, deferred: dict[str, Ref]) -> None:
        for candidate in value.candidates:
            found = self.id_of(candidate)
            if found is None:
                continue
            model = self.spec.objects[candidate.object].model if candidate.object in self.spec.objects else None
            if model is None:
                continue
            out[name] = found
            if value.model_field:  # '' for a plain many2one (a card's partner): the field names the model
                out[value.model_field] = self.ir_model_id(model) if value.model_field_kind == "ir_model" else model
            also = odoo_model(target.model).parent_also.get(model)
            if also and also not in target.vals and also in self.schema.fields(target.model):
                if also in odoo_model(target.model).written_after_create:
                    deferred[also] = candidate
                else:
                    out[also] = [found] if also == "partner_ids" else found
            return
        shown = ", ".join(f"{c.object} {c.source_id}" for c in value.candidates)
        problems.append(RecordProblem(name, shown, f"belongs to {shown}, none of which is in Odoo", "quarantine"))

    def _lead_rules(self, vals: dict[str, Any]) -> None:
        probability = vals.get("probability")
        if isinstance(probability, int | float) and probability >= 100 and vals.get("active", True) is not False:
            team = vals.get("team_id")
            won = self.won_stage(team if isinstance(team, int) else None)
            if won:
                vals["stage_id"] = won
        stage = vals.get("stage_id")
        if isinstance(stage, int) and stage in self.won_stages() and vals.get("active", True) is not False:
            # a deal in a won stage is won: Odoo 19 refuses any other probability there ("A lead in a Won stage
            # cannot be lost"), and on 17/18 a won deal at 25 % would count as open in the forecast
            vals["probability"] = 100
        if vals.get("date_closed") and not vals.get("date_last_stage_update"):
            # a closed deal has sat in its last stage since it closed: left to Odoo, the stage bar would count the
            # days from the load ("Won 1m" on a deal won two years ago)
            vals["date_last_stage_update"] = vals["date_closed"]

    def won_stages(self) -> frozenset[int]:
        """The ids of every is_won stage, read once (stages are provisioned before any deal is loaded)."""
        if self._won_stage_ids is None:
            rows = self.client.search_read("crm.stage", [["is_won", "=", True]], ["id"])
            self._won_stage_ids = frozenset(int(r["id"]) for r in rows)
        return self._won_stage_ids


def _invoice_rules(vals: dict[str, Any]) -> None:
    """An invoice the source gives no due date was due on its own date: left to Odoo, with no payment terms, it
    falls due on the day of the load (_compute_invoice_date_due's fallback is today)."""
    if vals.get("invoice_date") and not vals.get("invoice_date_due") and not vals.get("invoice_payment_term_id"):
        vals["invoice_date_due"] = vals["invoice_date"]


def _missing(ref: Ref) -> str:
    if ref.by == "name":
        return (f"names {ref.object} {ref.source_id!r}, and no single {ref.object} of this migration has that name "
                "in Odoo")
    return f"references {ref.object} {ref.source_id}, which is not in Odoo"
