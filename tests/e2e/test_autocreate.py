"""Records the run creates beside the data, against Odoo (sandbox by default, a real Odoo from the environment): what
lookups create (UTM sources, lost reasons...), all of a batch's missing ones of a model in one ``load``, each with
its external ID and ledger row, a value Odoo already has found and not created; the other teams' copies of shared
stages in one ``load``; and rollback removing exactly what was created.

Calls are counted at the transport seam (the client's transport); the loader runs unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader, ObjectResult
from crm2odoo.load.rollback import Rollback
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import MappingSpec, spec_from_data
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


def load(odoo: OdooClient, ledger: Ledger, run_id: int, spec: MappingSpec,
         data: dict[str, list[SourceRecord]]) -> dict[str, ObjectResult]:
    """The real loader over an in-memory source, one connection, every record in one batch."""
    loader = Loader(client=odoo, schema=Schema(odoo), ledger=ledger, spec=spec, engine=Engine(spec),
                    source=MemorySource(Catalog("memory", ()), data), run_id=run_id, batch_size=50, workers=1)
    return {r.name: r for r in loader.run()}


def test_a_batchs_missing_lookups_are_created_in_one_load_per_model(
        odoo: OdooClient, loads: list[tuple[str, int]], tmp_path: Path, tag: str) -> None:
    existing = odoo.create("utm.source", [{"name": f"Known {tag}"}])[0]
    origins = [f"Fair {tag}", f"Radio {tag}", f"Known {tag}", f"Fair {tag}", f"Web {tag}"]
    data = {"deal": [SourceRecord("deal", str(i), {"title": f"D{i} {tag}", "origin": origin, "why": f"R{i % 2} {tag}"})
                     for i, origin in enumerate(origins)]}
    spec = spec_from_data(yaml.safe_load(MAP.replace("SYSTEM", tag)))
    ledger = Ledger(tmp_path / "ledger.sqlite")
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    try:
        results = load(odoo, ledger, run_id, spec, data)
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


STAGES_MAP = '''
source_kind: ontraport
system: tSYSTEM
odoo_version: "18.0"
objects:
  pipeline:
    source_object: pipeline
    model: crm.team
    fields: [{source: name, target: name, transform: text}]
  stage:
    source_object: stage
    model: crm.stage
    fields: [{source: name, target: name, transform: text}, {source: seq, target: sequence, transform: number}]
  deal:
    source_object: deal
    model: crm.lead
    fields:
      - {source: title, target: name, transform: text}
      - {source: pipeline, target: team_id, transform: ref, params: {object: pipeline}}
      - {source: stage, target: stage_id, transform: ref, params: {object: stage}}
'''


def test_the_copies_of_shared_stages_for_other_pipelines_go_in_one_load(
        odoo: OdooClient, loads: list[tuple[str, int]], tmp_path: Path, tag: str) -> None:
    """17/18 (one team per stage): three teams sharing the source's one list of three stages get two copies of
    each, all six in one ``load``; deals of every team land in their own team's stage."""
    if "team_ids" in odoo.fields_get("crm.stage", ["type"]):
        pytest.skip("Odoo 19 shares one stage between teams: nothing is copied")
    data = {"pipeline": [SourceRecord("pipeline", str(i), {"name": f"Team {i} {tag}"}) for i in range(3)],
            "stage": [SourceRecord("stage", str(i), {"name": f"Step {i} {tag}", "seq": str(50 + i)}) for i in range(3)],
            "deal": [SourceRecord("deal", str(i), {"title": f"D{i} {tag}", "pipeline": str(i % 3), "stage": str(i % 3)})
                     for i in range(6)]}
    spec = spec_from_data(yaml.safe_load(STAGES_MAP.replace("SYSTEM", tag)))
    ledger = Ledger(tmp_path / "ledger.sqlite")
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    try:
        results = load(odoo, ledger, run_id, spec, data)
        assert results["deal"].created == 6
        stage_loads = [rows for model, rows in loads if model == "crm.stage"]
        assert stage_loads == [3, 6], "the source's stages in one load, the other teams' copies in one more"
        assert len(ledger.records("auto:crm.stage")) == 6
        deals = odoo.read("crm.lead", sorted(ledger.id_map("deal").values()), ["team_id", "stage_id"])
        stages = {int(s["id"]): s for s in odoo.search_read("crm.stage", [["name", "like", tag]], ["team_id"])}
        assert all(stages[d["stage_id"][0]]["team_id"][0] == d["team_id"][0] for d in deals), deals
    finally:
        Rollback(odoo, Schema(odoo), ledger, spec).run([run_id], force=True)
    assert odoo.search_read("crm.stage", [["name", "like", tag]], ["id"]) == []
