"""reconcile: counts that add up, differences explained record by record, field-level spot checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crm2odoo.ledger.db import Ledger
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.memory import MemorySource
from crm2odoo.validate.reconcile import Reconciler

from .test_loader import _track, dataset, make_spec, run


def loaded(odoo: OdooClient, tmp_path: Path, tag: str, cleanup: list[tuple[str, list[int]]],
           ) -> tuple[Ledger, MappingSpec, dict[str, list[SourceRecord]]]:
    """The loader's dataset migrated into Odoo (removed afterwards): its ledger, map and source records."""
    ledger = Ledger(tmp_path / "l.sqlite")
    spec = make_spec(tag)
    data = dataset(tag)
    run(odoo, ledger, spec, data)
    _track(cleanup, ledger, odoo, tag)
    return ledger, spec, data


def test_reconcile_adds_up_then_catches_deletions_and_edits(odoo: OdooClient, tmp_path: Path, tag: str,
                                                            cleanup: list[tuple[str, list[int]]]) -> None:
    ledger, spec, data = loaded(odoo, tmp_path, tag, cleanup)
    source = MemorySource(Catalog("memory", ()), data)

    def reconcile() -> dict[str, object]:
        info = Reconciler(odoo, Schema(odoo), ledger, spec, Engine(spec), source, seed=1).run(spot_check=100)
        return {o.name: o for o in info.objects}

    objs = reconcile()
    contact = objs["contact"]
    assert contact.ok and (contact.in_source, contact.expected, contact.present_in_odoo) == (5, 2, 2)  # type: ignore[attr-defined]
    assert (contact.merged, contact.quarantined, contact.spot_checked, contact.spot_mismatches) == (1, 2, 2, 0)  # type: ignore[attr-defined]
    assert all(o.ok for o in objs.values())  # type: ignore[attr-defined]

    deals = ledger.id_map("deal")
    odoo.write("crm.lead", [deals["102"]], {"expected_revenue": 5})
    companies = ledger.id_map("company")
    odoo.unlink("mail.message", [ledger.id_map("note")["1002"]])
    objs = reconcile()
    deal = objs["deal"]
    assert not deal.ok and deal.spot_mismatches == 1  # type: ignore[attr-defined]
    mismatch = next(d for d in deal.differences if d.what == "field_mismatch")  # type: ignore[attr-defined]
    assert mismatch.source_id == "102" and "expected_revenue" in mismatch.detail
    note = objs["note"]
    assert any(d.source_id == "1002" and d.what == "missing_in_odoo" for d in note.differences)  # type: ignore[attr-defined]
    assert objs["company"].ok and companies  # type: ignore[attr-defined]


def test_reconcile_in_small_chunks_says_what_one_chunk_says(odoo: OdooClient, tmp_path: Path, tag: str,
                                                            cleanup: list[tuple[str, list[int]]]) -> None:
    # the ledger is read a chunk at a time (memory stays flat on a big account): counts, differences and their
    # order must not depend on where the chunks end
    ledger, spec, data = loaded(odoo, tmp_path, tag, cleanup)
    odoo.unlink("mail.message", [ledger.id_map("note")["1002"]])
    data["contact"].append(SourceRecord(object="contact", id="99", values={"id": "99"}))  # never loaded

    def reconcile(chunk_size: int) -> list[dict[str, Any]]:
        source = MemorySource(Catalog("memory", ()), data)
        info = Reconciler(odoo, Schema(odoo), ledger, spec, Engine(spec), source, seed=1,
                          chunk_size=chunk_size).run(spot_check=0)
        return [o.asdict() for o in info.objects]

    whole, chunked = reconcile(1000), reconcile(1)
    assert chunked == whole
    by_name = {o["name"]: o for o in whole}
    assert [d["what"] for d in by_name["note"]["differences"]] == ["missing_in_odoo"]
    assert {"source_id": "99", "what": "not_processed", "detail": "in the source, never loaded: run migrate"} in \
        by_name["contact"]["differences"]
