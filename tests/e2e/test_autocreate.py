"""Records a lookup creates (UTM sources, lost reasons...) against Odoo (sandbox by default, a real Odoo from the
environment): all of a batch's missing ones of a model in one ``load``, each with its external ID and ledger row,
a value Odoo already has found and not created, and rollback removing exactly what was created.

Calls are counted at the transport seam (the client's transport); the loader runs unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader
from crm2odoo.load.rollback import Rollback
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import spec_from_data
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.memory import MemorySource

MAP = '''
source_kind: ontraport
system: tSYSTEM
odoo_version: "18.0"
objects:
  deal:
    source_object: deal
    model: crm.lead
    fields:
      - {source: title, target: name, transform: text}
      - {source: origin, target: source_id, transform: lookup, params: {model: utm.source, by: [name], create: true}}
      - {source: why, target: lost_reason_id, transform: lookup,
         params: {model: crm.lost.reason, by: [name], create: true}}
'''


@pytest.fixture
def loads(odoo: OdooClient) -> Iterator[list[tuple[str, int]]]:
    """(model, rows) of every ``load`` the client sends, recorded at its transport."""
    seen: list[tuple[str, int]] = []
    inner = odoo.transport
    original = inner.execute_kw

    def execute_kw(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method == "load":
            seen.append((model, len(kwargs.get("data") or (args[1] if len(args) > 1 else []))))
        return original(model, method, args, kwargs)

    inner.execute_kw = execute_kw  # type: ignore[method-assign]
    yield seen
    inner.execute_kw = original  # type: ignore[method-assign]


def test_a_batchs_missing_lookups_are_created_in_one_load_per_model(
        odoo: OdooClient, loads: list[tuple[str, int]], tmp_path: Path, tag: str) -> None:
    existing = odoo.create("utm.source", [{"name": f"Known {tag}"}])[0]
    origins = [f"Fair {tag}", f"Radio {tag}", f"Known {tag}", f"Fair {tag}", f"Web {tag}"]
    data = {"deal": [SourceRecord("deal", str(i), {"title": f"D{i} {tag}", "origin": origin, "why": f"R{i % 2} {tag}"})
                     for i, origin in enumerate(origins)]}
    spec = spec_from_data(yaml.safe_load(MAP.replace("SYSTEM", tag)))
    ledger = Ledger(tmp_path / "ledger.sqlite")
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    loader = Loader(client=odoo, schema=Schema(odoo), ledger=ledger, spec=spec, engine=Engine(spec),
                    source=MemorySource(Catalog("memory", ()), data), run_id=run_id, batch_size=50, workers=1)
    try:
        results = {r.name: r for r in loader.run()}
        assert results["deal"].created == 5
        assert ("utm.source", 3) in loads and not [m for m in loads if m[0] == "utm.source" and m[1] != 3], \
            "Fair, Radio and Web in one load; Known was found"
        assert [m for m in loads if m[0] == "crm.lost.reason"] == [("crm.lost.reason", 2)]
        sources = {r.source_id: r.odoo_id for r in ledger.records("auto:utm.source")}
        assert len(sources) == 3 and existing not in sources.values()
        deals = odoo.read("crm.lead", sorted(ledger.id_map("deal").values()), ["name", "source_id"])
        assert {d["name"]: d["source_id"][1] for d in deals} == {f"D{i} {tag}": o for i, o in enumerate(origins)}
    finally:
        Rollback(odoo, Schema(odoo), ledger, spec).run([run_id], force=True)
        left = odoo.search_read("utm.source", [["name", "like", tag]], ["name"])
        odoo.unlink("utm.source", [existing])
    assert [r["name"] for r in left] == [f"Known {tag}"], "rollback removes exactly what the run created"
    assert odoo.search_read("crm.lost.reason", [["name", "like", tag]], ["id"]) == []
