"""Prove what landed: counts that add up, every difference explained, and field-level spot checks.

Per object: records in the source; expected in Odoo (source minus merged duplicates, skips and quarantines);
landed according to the ledger; present in Odoo by external ID. Then N random landed records per object are
read back and every mapped field compared with what the map produces from the source today; references
(contact -> company, deal -> partner/stage/team/owner, note -> its record) are part of that comparison.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.resolve import Resolver, cell, partner_cells_for_version, read_cells, same_cell
from crm2odoo.mapping.engine import XMLID_MODULE, Engine
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Source

LANDED = ("created", "updated", "matched", "unchanged", "conflict", "archived")
_COMPARE = {"char", "integer", "float", "monetary", "boolean", "date", "datetime", "selection", "many2one",
            "many2many", "many2one_reference"}


@dataclass
class Difference:
    source_id: str
    what: str  # not_processed | missing_in_odoo | wrong_record | quarantined | skipped | field_mismatch
    detail: str


@dataclass
class ObjectReconcile:
    name: str
    model: str
    in_source: int | None = None
    expected: int = 0
    landed: int = 0
    present_in_odoo: int = 0
    merged: int = 0
    skipped: int = 0
    quarantined: int = 0
    spot_checked: int = 0
    spot_mismatches: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.what in ("not_processed", "missing_in_odoo", "wrong_record", "field_mismatch")
                       for d in self.differences)

    def asdict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "differences"}
        data["ok"] = self.ok
        data["differences"] = [d.__dict__ for d in self.differences[:500]]
        data["differences_total"] = len(self.differences)
        return data


@dataclass
class ReconcileInfo:
    objects: list[ObjectReconcile]

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.objects)

    def asdict(self) -> dict[str, Any]:
        return {"ok": self.ok, "objects": [o.asdict() for o in self.objects]}


class Reconciler:
    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger, spec: MappingSpec, engine: Engine,
                 source: Source | None, *, seed: int | None = None,
                 only_ids: dict[str, set[str]] | None = None) -> None:
        self.client, self.schema, self.ledger, self.spec = client, schema, ledger, spec
        self.engine, self.source = engine, source
        self.resolver = Resolver(client, schema, ledger, spec)
        self.random = random.Random(seed)
        self.only_ids = only_ids  # a sample run: only these source ids were meant to load

    def run(self, *, spot_check: int = 25) -> ReconcileInfo:
        return ReconcileInfo([self.object(obj, spot_check) for obj in self.spec.enabled_objects()])

    def object(self, obj: ObjectMap, spot_check: int) -> ObjectReconcile:
        out = ObjectReconcile(obj.name, obj.model)
        rows = {r.source_id: r for r in self.ledger.records(obj.name)}
        for r in rows.values():
            if r.state == "merged":
                out.merged += 1
            elif r.state == "skipped":
                out.skipped += 1
                out.differences.append(Difference(r.source_id, "skipped", r.reason))
            elif r.state == "quarantined":
                out.quarantined += 1
                out.differences.append(Difference(r.source_id, "quarantined", r.reason))
        if self.source is not None:
            source_ids = self._source_ids(obj)
            out.in_source = len(source_ids)
            for sid in sorted(source_ids - set(rows)):
                out.differences.append(Difference(sid, "not_processed", "in the source, never loaded: run migrate"))
            for sid in sorted(sid for sid, r in rows.items() if r.state == "sending" and sid in source_ids):
                out.differences.append(Difference(sid, "not_processed", "a run stopped while sending it: run migrate"))
            out.expected = len(source_ids) - out.merged - out.skipped - out.quarantined
        landed = {sid: r for sid, r in rows.items() if r.state in LANDED and r.odoo_id}
        out.landed = len(landed)
        if self.source is None:
            out.expected = out.landed
        present = self._present(obj, landed)
        out.present_in_odoo = sum(1 for sid, r in landed.items() if present.get(sid) == r.odoo_id)
        for sid, r in landed.items():
            found = present.get(sid)
            if found is None:
                out.differences.append(Difference(sid, "missing_in_odoo",
                                                  f"the ledger says {obj.model} {r.odoo_id}, Odoo has no such record"))
            elif found != r.odoo_id:
                out.differences.append(Difference(sid, "wrong_record", f"{r.xmlid} points to {obj.model} {found}, "
                                                  f"the ledger says {r.odoo_id}"))
        # owners are matched users and enrolments are tags on contacts: neither is a record of its own to compare
        if spot_check and self.source is not None and landed and not obj.options.get("match_only") \
                and not obj.options.get("apply_tags"):
            self._spot_check(obj, landed, spot_check, out)
        return out

    def _source_ids(self, obj: ObjectMap) -> set[str]:
        assert self.source is not None
        if self.only_ids is not None:
            return set(self.only_ids.get(obj.name, set()))
        if obj.where is None:
            return set(self.source.list_ids(obj.source_object))
        return {r.id for r in self.source.read(obj.source_object) if self.engine.applies(obj, r)}

    def _present(self, obj: ObjectMap, landed: Mapping[str, Any]) -> dict[str, int]:
        """source id -> Odoo id found by external ID (owners are matched users: checked by id)."""
        out: dict[str, int] = {}
        by_name = {r.xmlid.split(".", 1)[1]: sid for sid, r in landed.items() if r.xmlid.startswith(XMLID_MODULE + ".")}
        names = sorted(by_name)
        for start in range(0, len(names), 1000):
            for row in self.client.search_read("ir.model.data", [["module", "=", XMLID_MODULE],
                                                                 ["name", "in", names[start:start + 1000]]],
                                               ["name", "res_id", "model"]):
                if row["model"] == obj.model:
                    out[by_name[row["name"]]] = int(row["res_id"])
        plain = {sid: int(r.odoo_id) for sid, r in landed.items() if not r.xmlid.startswith(XMLID_MODULE + ".")}
        if plain:
            ids = sorted(set(plain.values()))
            exists = {int(r["id"]) for r in self.client.search_read(obj.model, [["id", "in", ids]], ["id"],
                                                                    context={"active_test": False})}
            out.update({sid: oid for sid, oid in plain.items() if oid in exists})
        # an external ID whose record was deleted in Odoo: Odoo leaves no row, or a row pointing nowhere
        ids = sorted(set(out.values()))
        alive: set[int] = set()
        for start in range(0, len(ids), 1000):
            alive.update(int(r["id"]) for r in self.client.search_read(obj.model, [["id", "in", ids[start:start + 1000]]],
                                                                       ["id"], context={"active_test": False}))
        return {sid: oid for sid, oid in out.items() if oid in alive}

    def _spot_check(self, obj: ObjectMap, landed: Mapping[str, Any], size: int, out: ObjectReconcile) -> None:
        assert self.source is not None
        chosen = set(self.random.sample(sorted(landed), min(size, len(landed))))
        meta = self.schema.fields(obj.model)
        for record in self.source.read(obj.source_object, ids=chosen):
            if record.id not in chosen or not self.engine.applies(obj, record):
                continue
            target = self.engine.transform(obj, record)
            vals, _, _ = self.resolver.resolve(target)
            cells = {n: cell(v, meta[n]) for n, v in vals.items() if n in meta}
            if obj.model == "res.partner":
                cells = partner_cells_for_version(cells, self.schema.major)
            expected = {n: c for n, c in cells.items() if meta[n].get("type") in _COMPARE}
            names = sorted(expected)
            odoo_id = int(landed[record.id].odoo_id)
            rows = self.client.read(obj.model, [odoo_id], names, context={"active_test": False}) if names else []
            out.spot_checked += 1
            if not rows:
                continue
            actual = read_cells(rows[0], names, meta)
            # many2many: what the map produced must be there; other maps (campaign tags) and users may add more
            wrong = [n for n in names if not same_cell(expected[n], actual[n], meta[n], subset=True, name=n)]
            if wrong:
                out.spot_mismatches += 1
                detail = "; ".join(f"{n}: expected {expected[n][:40]!r}, Odoo has {actual[n][:40]!r}" for n in wrong)
                out.differences.append(Difference(record.id, "field_mismatch", detail))
