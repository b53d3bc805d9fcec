"""A run over in-memory records that drives one strategy at a time (the tests' own helper, beside conftest.py)."""

from __future__ import annotations

from typing import Any

import yaml

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.batch import Batches
from crm2odoo.load.context import LoadContext, RunSettings
from crm2odoo.load.order import spec_order
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.resolve import Resolver
from crm2odoo.load.strategies import Strategy, strategies_for
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import LoadKind, spec_from_data
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.memory import MemorySource


class Run:
    """One run of a map over in-memory records; ``load`` drives the strategy of one of its maps."""

    def __init__(self, odoo: OdooClient, map_yaml: str, records: dict[str, list[dict[str, Any]]], tag: str, *,
                 fallback_owner: str | None = None) -> None:
        self.tag = tag
        self.spec = spec_from_data(yaml.safe_load(map_yaml.replace("SYSTEM", f"u{self.tag}")))
        data = {name: [SourceRecord(name, str(row["id"]), row) for row in rows] for name, rows in records.items()}
        self.ledger = Ledger(":memory:")
        self.run_id = self.ledger.start_run("migrate", mapping_hash="h", options={})
        schema = Schema(odoo)
        resolver = Resolver(odoo, schema, self.ledger, self.spec)
        resolver.run_id = self.run_id
        self.ctx = LoadContext(client=odoo, schema=schema, ledger=self.ledger, spec=self.spec,
                               engine=Engine(self.spec), source=MemorySource(Catalog("memory", ()), data),
                               run_id=self.run_id, resolver=resolver,
                               settings=RunSettings(batch_size=2, workers=2, fallback_owner=fallback_owner))
        self.strategies: dict[LoadKind, Strategy] = strategies_for(self.ctx, Batches(self.ctx))
        self.done: list[ObjectResult] = []

    def load(self, name: str) -> ObjectResult:
        step = next(s for s in spec_order(self.spec) if s.map.name == name)
        result = self.strategies[step.map.load_kind].run(step, None, self.done)
        self.done.append(result)
        return result

    def odoo_id(self, name: str, source_id: str) -> int:
        return self.ledger.id_map(name)[source_id]

    def issues(self) -> list[tuple[str, str, str]]:
        return [(r["source_id"], r["kind"], r["reason"]) for r in self.ledger.issues()]
