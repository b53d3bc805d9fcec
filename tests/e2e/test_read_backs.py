"""The read-back of landed values (load/readback.py): a few batches in one ``read``, and no record written is left
without its landed values: not at the end of a map's pass, not when a run is stopped. When Odoo itself fails, the
run stops with Odoo's error and reads nothing more.

Calls are counted at the transport, the client's seam with the server; runs against the sandbox or a real Odoo.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from crm2odoo.errors import Interrupted, OdooFatalError
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader
from crm2odoo.load.readback import READ_BACK_RECORDS
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import MappingSpec, spec_from_data
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.memory import MemorySource

MAP = '''
source_kind: ontraport
system: SYSTEM
odoo_version: "18.0"
objects:
  contact:
    source_object: contact
    model: res.partner
    constants: {is_company: false, type: contact}
    fields:
      - {source: name, target: name, transform: text}
      - {source: email, target: email, transform: email}
      - {source: city, target: city, transform: text}
      - {source: website, target: website, transform: text}
'''
#: more than one call's worth of records, in batches that do not divide it: one full read, one at the pass's end
CONTACTS = READ_BACK_RECORDS + 300
BATCH = 100


class Calls:
    """Every call the client sends, as (model, method, how many ids a read asked for, a read without link names)."""

    def __init__(self, client: OdooClient, *, fail_on_write: int | None = None) -> None:
        self.seen: list[tuple[str, str, int, bool]] = []
        self.lock = threading.Lock()
        self.writes = 0
        inner = client.transport
        original = inner.execute_kw

        def execute_kw(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
            with self.lock:
                ids = args[0] if method == "read" and args else []
                self.seen.append((model, method, len(ids), method == "read" and "load" in kwargs
                                  and kwargs["load"] is None))
                if method in ("create", "load") and model == "res.partner":
                    self.writes += 1
                    if fail_on_write is not None and self.writes >= fail_on_write:
                        raise OdooFatalError("Odoo answered 500: the server is out of disk space")
            return original(model, method, args, kwargs)

        inner.execute_kw = execute_kw  # type: ignore[method-assign]

    def read_backs(self) -> list[int]:
        """The sizes of the reads of landed values (many2one as bare ids, as only the read-back asks)."""
        return [n for model, method, n, bare in self.seen if model == "res.partner" and method == "read" and bare]


def spec(tag: str) -> MappingSpec:
    return spec_from_data(yaml.safe_load(MAP.replace("SYSTEM", f"rb{tag}")))


def contacts(tag: str) -> dict[str, list[SourceRecord]]:
    return {"contact": [SourceRecord("contact", str(n), {"name": f"Reader {tag} {n}", "email": f"r{n}.{tag}@example.com",
                                                          "city": "Austin", "website": f"r{n}.example.com"})
                        for n in range(CONTACTS)]}


def loader(client: OdooClient, ledger: Ledger, tag: str, **kw: Any) -> Loader:
    the_spec = spec(tag)
    run_id = ledger.start_run("migrate", mapping_hash=the_spec.content_hash(), options={})
    return Loader(client=client, schema=Schema(client), ledger=ledger, spec=the_spec, engine=Engine(the_spec),
                  source=MemorySource(Catalog("memory", ()), contacts(tag)), run_id=run_id, batch_size=BATCH,
                  **{"workers": 2, **kw})


def without_landed(ledger: Ledger) -> list[str]:
    """Contacts in Odoo whose landed values the ledger does not hold."""
    return [r.source_id for r in ledger.records("contact") if r.odoo_id and r.landed_value("website") is None]


def forget(cleanup: list[tuple[str, list[int]]], ledger: Ledger) -> None:
    cleanup.append(("res.partner", sorted(set(ledger.id_map("contact").values()))))


def test_several_batches_are_read_back_in_one_call_and_none_is_left_out(
        odoo_settings: OdooSettings, tmp_path: Path, tag: str, cleanup: list[tuple[str, list[int]]]) -> None:
    client = OdooClient(odoo_settings)
    calls = Calls(client)
    ledger = Ledger(tmp_path / "l.sqlite")
    try:
        loader(client, ledger, tag).run()
    finally:
        forget(cleanup, ledger)
        client.close()
    assert sorted(calls.read_backs()) == [300, READ_BACK_RECORDS], \
        f"{CONTACTS // BATCH + 1} batches: one read of {READ_BACK_RECORDS}, one of the rest; got {calls.read_backs()}"
    assert len(ledger.id_map("contact")) == CONTACTS and without_landed(ledger) == []
    row = ledger.get("contact", "7")
    assert row is not None and row.landed_value("website") == "http://r7.example.com", "what Odoo stored, not sent"


def test_a_stopped_run_reads_back_every_record_it_wrote(
        odoo_settings: OdooSettings, tmp_path: Path, tag: str, cleanup: list[tuple[str, list[int]]]) -> None:
    client = OdooClient(odoo_settings)
    calls = Calls(client)
    ledger = Ledger(tmp_path / "l.sqlite")
    stop = threading.Event()

    def events(kind: str, **data: Any) -> None:
        if kind == "object_progress" and data.get("done", 0) >= 3 * BATCH:  # a person presses Ctrl-C
            stop.set()

    try:
        with pytest.raises(Interrupted):
            loader(client, ledger, tag, events=events, stop=stop).run()
    finally:
        forget(cleanup, ledger)
        client.close()
    written = len(ledger.id_map("contact"))
    assert 3 * BATCH <= written < READ_BACK_RECORDS, "stopped before a call's worth was written"
    assert without_landed(ledger) == [], "the records written before the stop are read back"
    assert sum(calls.read_backs()) == written


def test_when_odoo_fails_the_run_stops_with_its_error_and_reads_nothing_more(
        odoo_settings: OdooSettings, tmp_path: Path, tag: str, cleanup: list[tuple[str, list[int]]]) -> None:
    client = OdooClient(odoo_settings)
    calls = Calls(client, fail_on_write=4)
    ledger = Ledger(tmp_path / "l.sqlite")
    try:
        with pytest.raises(OdooFatalError, match="out of disk space"):
            loader(client, ledger, tag, workers=1).run()
    finally:
        forget(cleanup, ledger)
        client.close()
    assert len(ledger.id_map("contact")) == 3 * BATCH
    assert calls.read_backs() == [], "no read after Odoo failed: it would fail too and hide the first error"
    assert len(without_landed(ledger)) == 3 * BATCH, "told as not read back: the ledger says so, nothing is invented"
