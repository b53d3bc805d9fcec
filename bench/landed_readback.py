"""Cost of reading back what Odoo stored after each write batch (landed values, issue 12).

Loads N contacts (a tenth of them companies; half the people linked to one, some with an address of their own,
websites and HTML notes that Odoo normalises) twice on fresh data: once as the loader does (one ``read`` per
few batches, load/readback.py), once with the read-back left out, and reports the time spent in the read-backs
and the difference in wall time. Every record is deleted at the end.

    python bench/landed_readback.py                       # a SandboxServer started in-process
    python bench/landed_readback.py --odoo-url http://127.0.0.1:8069 --db crm18 --login admin --password admin
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader, Prepared
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import ObjectMap, spec_from_data
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.odoo.schema import Schema
from crm2odoo.redact import Secret
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.memory import MemorySource

MAP = '''
source_kind: ontraport
system: SYSTEM
odoo_version: "18.0"
objects:
  company:
    source_object: company
    model: res.partner
    constants: {is_company: true}
    fields:
      - {source: name, target: name, transform: text}
      - {source: street, target: street, transform: text}
      - {source: city, target: city, transform: text}
  contact:
    source_object: contact
    model: res.partner
    constants: {is_company: false, type: contact}
    fields:
      - {source: name, target: name, transform: text}
      - {source: email, target: email, transform: email}
      - {source: company, target: parent_id, transform: ref, params: {object: company}}
      - {source: street, target: street, transform: text}
      - {source: city, target: city, transform: text}
      - {source: website, target: website, transform: text}
      - {source: notes, target: comment, transform: text}
'''


class ReadBackTimer:
    """Wraps a run's read-backs (ReadBacks.read): counts and times them, or skips them (the run without)."""

    seconds = 0.0
    calls = 0
    enabled = True

    @classmethod
    def install(cls, loader: Loader) -> None:
        read_backs = loader.batches.writer.read_backs
        original = read_backs.read

        def timed(obj: ObjectMap, landed: list[Prepared], fields_meta: dict[str, dict[str, Any]]) -> None:
            if not cls.enabled:
                return
            started = time.perf_counter()
            original(obj, landed, fields_meta)
            cls.seconds += time.perf_counter() - started
            cls.calls += 1

        read_backs.read = timed  # type: ignore[method-assign]


def dataset(tag: str, contacts: int) -> dict[str, list[SourceRecord]]:
    companies = max(1, contacts // 10)
    data: dict[str, list[SourceRecord]] = {"company": [], "contact": []}
    for n in range(companies):
        data["company"].append(SourceRecord("company", str(n), {"name": f"Co {tag} {n}", "street": f"{n} Main St",
                                                               "city": "Austin"}))
    for n in range(contacts - companies):
        linked = n % 2 == 0
        own = n % 3 == 0
        data["contact"].append(SourceRecord("contact", str(n), {
            "name": f"Person {tag} {n}", "email": f"p{n}.{tag}@example.com",
            "company": str(n % companies) if linked else None,
            "street": f"{n} Side St" if own else None, "city": "Dallas" if own else None,
            "website": f"p{n}.example.com", "notes": f"Met at the fair\n\nfollow up {n}"}))
    return data


def load(odoo: OdooClient, contacts: int, *, read_back: bool, batch_size: int) -> tuple[float, dict[str, list[int]]]:
    tag = uuid.uuid4().hex[:8]
    spec = spec_from_data(yaml.safe_load(MAP.replace("SYSTEM", f"b{tag}")))
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Ledger(Path(tmp) / "l.sqlite")
        run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
        ReadBackTimer.enabled = read_back
        loader = Loader(client=odoo, schema=Schema(odoo), ledger=ledger, spec=spec, engine=Engine(spec),
                        source=MemorySource(Catalog("memory", ()), dataset(tag, contacts)), run_id=run_id,
                        batch_size=batch_size, workers=2)
        ReadBackTimer.install(loader)
        started = time.perf_counter()
        loader.run()
        elapsed = time.perf_counter() - started
        ids = {obj: sorted(set(ledger.id_map(obj).values())) for obj in ("contact", "company")}
        ledger.close()
    return elapsed, ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--odoo-url")
    parser.add_argument("--db", default="crm")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args()
    server = None
    if args.odoo_url:
        settings = OdooSettings(url=args.odoo_url, database=args.db, login=args.login,
                                password=Secret(args.password))
    else:
        from crm2odoo.sandbox import SandboxServer

        server = SandboxServer(version="18.0").start()
        settings = OdooSettings(url=server.url, database=server.database, login="admin", password=Secret("admin"))
    odoo = OdooClient(settings)
    try:
        results = []
        for read_back in (False, True, False, True):  # alternated, so table growth hits both alike
            ReadBackTimer.seconds, ReadBackTimer.calls = 0.0, 0
            elapsed, ids = load(odoo, args.contacts, read_back=read_back, batch_size=args.batch_size)
            results.append((read_back, elapsed, ReadBackTimer.seconds, ReadBackTimer.calls))
            for model_ids in (ids["contact"], ids["company"]):
                for start in range(0, len(model_ids), 500):
                    odoo.unlink("res.partner", model_ids[start:start + 500])
        for read_back, elapsed, spent, calls in results:
            print(f"{'with' if read_back else 'without'} read-back: {args.contacts} partners in {elapsed:.2f} s"
                  + (f"; {calls} read-backs took {spent:.2f} s ({100 * spent / elapsed:.1f} % of the run)"
                     if read_back else ""))
        return 0
    finally:
        odoo.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
