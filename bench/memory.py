"""Peak memory (issue 7): migrating N contacts from an Ontraport CSV export into a null Odoo.

    python bench/memory.py                          # 100,000 then 1,000,000 contacts
    python bench/memory.py --sizes 100000 300000    # other sizes
    python bench/memory.py --trace 100000           # also: tracemalloc's top allocations at that size

Each size runs in a fresh child process (peak RSS is per process): a streaming writer makes an Ontraport contacts
export (the UI's headers and date format), the real ``OntraportCsvSource`` reads it, the real Engine, Loader and
Ledger (a file) migrate it, and the real ``OdooClient`` sends every call through ``httpx.MockTransport`` to
:class:`NullOdoo`, which answers like Odoo 18 (version, authenticate, fields_get, search_read, load) and stores
nothing. Printed: peak RSS per size, records/s, and the growth from the smallest to the largest size.
Targets: peak < 300 MB, growth < 10 %.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import itertools
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any, ClassVar

import httpx
import psutil  # type: ignore[import-untyped]
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import spec_from_data
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.odoo.schema import Schema
from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings, open_source

MAP = '''
source_kind: ontraport-csv
system: ontraport
odoo_version: "18.0"
objects:
  contact:
    source_object: contact
    model: res.partner
    constants: {is_company: false, type: contact}
    dedupe: {fields: [email], match_existing: true}
    fields:
      - {source: [firstname, lastname], target: name, transform: join}
      - {source: email, target: email, transform: email}
      - {source: title, target: function, transform: text}
      - {source: address, target: street, transform: text}
      - {source: city, target: city, transform: text}
      - {source: zip, target: zip, transform: text}
      - {source: country, target: country_id, transform: lookup, params: {model: res.country, by: [code, name]}}
      - {source: office_phone, target: phone, transform: phone}
      - {source: date, target: x_created_in_source, transform: datetime}
'''

HEADER = ["Contact ID", "First Name", "Last Name", "Email", "Title", "Address", "City", "State", "Zip Code",
          "Country", "Office Phone", "Date Added", "Date Modified"]
FIRST = ["Noah", "Liam", "Ава", "Ömer", "Ayşe", "Jürgen", "Maria", "Chen", "Fatma", "Zeynep"]
LAST = ["García", "Lee", "Fischer", "Schäfer", "Yılmaz", "Groß", "Smith", "Kaya", "Rossi", "Haddad"]
PLACES = [("Köln", "DE", "+49 30 {:07d}"), ("London", "GB", "+44 20 {:07d}"), ("İzmir", "TR", "+90 232 {:07d}"),
          ("Austin", "US", "+1 512 {:07d}"), ("Paris", "FR", "+33 1 {:08d}")]
COUNTRY_IDS = {"DE": 57, "GB": 233, "TR": 224, "US": 235, "FR": 75}


def write_export(path: Path, n: int, seed: int = 3) -> None:
    """An Ontraport contacts export of n rows, streamed (UI headers, mm/dd/yyyy dates)."""
    rnd = random.Random(seed)
    base = dt.datetime(2021, 1, 4)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(1, n + 1):
            city, country, phone = PLACES[i % len(PLACES)]
            added = base + dt.timedelta(seconds=rnd.randint(0, 100_000_000))
            writer.writerow([i, FIRST[i % 10], LAST[(i // 10) % 10], f"person.{i}@example.com",
                             "Sales Manager" if i % 3 else "", f"{i % 500} Main St", city, "", f"{10000 + i % 89999}",
                             country, phone.format(i % 9_999_999), added.strftime("%m/%d/%Y %H:%M:%S"),
                             (added + dt.timedelta(days=30)).strftime("%m/%d/%Y %H:%M:%S")])


class NullOdoo:
    """Answers Odoo 18's JSON-RPC at the transport seam with plausible replies; keeps nothing but a counter."""

    FIELDS: ClassVar[dict[str, dict[str, Any]]] = {
        "res.partner": {
            "id": {"type": "integer", "store": True, "readonly": True, "string": "ID"},
            "name": {"type": "char", "store": True, "string": "Name"},
            "email": {"type": "char", "store": True, "string": "Email"},
            "function": {"type": "char", "store": True, "string": "Job Position"},
            "street": {"type": "char", "store": True, "string": "Street"},
            "street2": {"type": "char", "store": True, "string": "Street2"},
            "city": {"type": "char", "store": True, "string": "City"},
            "zip": {"type": "char", "store": True, "string": "Zip"},
            "state_id": {"type": "many2one", "relation": "res.country.state", "store": True, "string": "State"},
            "country_id": {"type": "many2one", "relation": "res.country", "store": True, "string": "Country"},
            "phone": {"type": "char", "store": True, "string": "Phone"},
            "is_company": {"type": "boolean", "store": True, "string": "Is a Company"},
            "type": {"type": "selection", "store": True, "string": "Address Type",
                     "selection": [["contact", "Contact"], ["invoice", "Invoice"], ["delivery", "Delivery"],
                                   ["other", "Other"]]},
            "parent_id": {"type": "many2one", "relation": "res.partner", "store": True, "string": "Related Company"},
            "x_created_in_source": {"type": "datetime", "store": True, "string": "Created in source"},
            "active": {"type": "boolean", "store": True, "string": "Active"},
        },
        "res.country": {"id": {"type": "integer", "store": True, "readonly": True},
                        "code": {"type": "char", "store": True}, "name": {"type": "char", "store": True}},
    }

    def __init__(self) -> None:
        self.ids = itertools.count(1000)
        self.lock = threading.Lock()
        self.calls = 0
        self.rows = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        params = body["params"]
        with self.lock:
            self.calls += 1
        if params["service"] == "common":
            result: Any = {"version": {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""],
                                       "server_serie": "18.0", "protocol_version": 1},
                           "authenticate": 2, "login": 2}.get(params["method"], True)
        else:
            _, _, _, model, method, args, kwargs = params["args"]
            result = self.execute(model, method, args, kwargs)
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": body.get("id"), "result": result})

    def execute(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if method == "fields_get":
            return self.FIELDS.get(model, {"id": {"type": "integer", "store": True, "readonly": True}})
        if method == "load":
            with self.lock:
                rows = kwargs.get("data") or []
                if len(kwargs.get("fields") or []) > 2:  # not an address-only or single-column follow-up
                    self.rows += len(rows)
                return {"ids": [next(self.ids) for _ in rows], "messages": [], "nextrow": 0}
        if method == "create":  # new contacts go by create, then their external IDs (ir.model.data)
            vals_list = kwargs.get("vals_list") or (args[0] if args else [])
            with self.lock:
                if model != "ir.model.data":
                    self.rows += len(vals_list)
                return [next(self.ids) for _ in vals_list]
        if method == "search_read":
            domain = kwargs.get("domain") or []
            if model == "ir.model":
                if any(isinstance(c, list) and c[:2] == ["id", ">"] and c[2] > 0 for c in domain):
                    return []
                return [{"id": i, "model": m} for i, m in enumerate(self.FIELDS, start=1)]
            if model == "res.country":
                for clause in domain:
                    if isinstance(clause, list) and clause[0] == "code":
                        code = str(clause[2]).upper()
                        return [{"id": COUNTRY_IDS[code], "code": code}] if code in COUNTRY_IDS else []
                    if isinstance(clause, list) and clause[:2] == ["id", ">"] and clause[2] > 0:
                        return []  # the whole table was one page
                fields = kwargs.get("fields") or []
                return [{"id": i, "code": c, "name": c} if "name" in fields else {"id": i, "code": c}
                        for c, i in COUNTRY_IDS.items()]
            return []  # res.partner matches, ir.model.data, mail.message: nothing there yet
        if method in ("search_count",):
            domain = kwargs.get("domain") or (args[0] if args else [])
            if model == "ir.model":  # has_model: the models this null Odoo describes
                return int(any(isinstance(c, list) and c[0] == "model" and c[2] in self.FIELDS for c in domain))
            return 0
        if method in ("read", "search", "name_search"):
            return []
        return True


def child(n: int, folder: Path, batch_size: int, workers: int, trace: bool, time_limit: float = 0,
          progress_every: float = 30.0) -> dict[str, Any]:
    export = folder / "export"
    export.mkdir()
    started = time.perf_counter()
    write_export(export / "export-1.csv", n)
    written = time.perf_counter() - started
    gc.collect()
    base_rss = psutil.Process().memory_info().rss
    if trace:
        tracemalloc.start(6)
    null = NullOdoo()
    http = httpx.Client(transport=httpx.MockTransport(null))
    client = OdooClient(OdooSettings(url="http://null-odoo", database="null", login="admin",
                                     password=Secret("admin")), http=http)
    spec = spec_from_data(yaml.safe_load(MAP))
    ledger = Ledger(folder / "ledger.sqlite")
    source = open_source(SourceSettings("ontraport-csv", {"path": str(export)}, folder))
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    loader = Loader(client=client, schema=Schema(client), ledger=ledger, spec=spec, engine=Engine(spec),
                    source=source, run_id=run_id, batch_size=batch_size, workers=workers)
    peak = [psutil.Process().memory_info().rss]
    stop = threading.Event()

    def sample() -> None:
        proc = psutil.Process()
        last = begun = time.perf_counter()
        while not stop.wait(0.05):
            peak[0] = max(peak[0], proc.memory_info().rss)
            now = time.perf_counter()
            if now - last >= progress_every:
                last = now
                print(f"  {now - begun:5.0f}s: {null.rows:,} contacts sent, RSS {proc.memory_info().rss / 2**20:.0f} MiB,"
                      f" peak {peak[0] / 2**20:.0f} MiB", file=sys.stderr, flush=True)
            if time_limit and now - begun > time_limit:
                # stop here and report what was reached (the parent labels it partial)
                print(json.dumps({"n": n, "landed": null.rows, "quarantined": 0, "seconds": now - begun,
                                  "export_seconds": written, "peak_rss": peak[0], "base_rss": base_rss,
                                  "calls": null.calls, "ledger_bytes": (folder / "ledger.sqlite").stat().st_size,
                                  "top": [], "partial": True}), flush=True)
                shutil.rmtree(folder, ignore_errors=True)  # os._exit skips the TemporaryDirectory's cleanup
                os._exit(0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    results = loader.run()
    took = time.perf_counter() - started
    stop.set()
    sampler.join()
    top: list[str] = []
    if trace:
        snapshot = tracemalloc.take_snapshot()
        current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        stats = snapshot.filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)]).statistics("traceback")
        top.append(f"tracemalloc: live at the end {current / 2**20:.1f} MiB, traced peak {traced_peak / 2**20:.1f} MiB")
        for stat in stats[:12]:
            frames = [f for f in stat.traceback if "/crm2odoo/" in f.filename] or list(stat.traceback)
            where = frames[-1]
            short = where.filename.split("/crm2odoo/")[-1] if "/crm2odoo/" in where.filename else where.filename
            top.append(f"{stat.size / 2**20:8.1f} MiB {stat.count:9d} blocks  {short}:{where.lineno}")
    ledger.finish_run(run_id, "done")
    ledger.close()
    client.close()
    landed = sum(r.created for r in results)
    return {"n": n, "landed": landed, "quarantined": sum(r.quarantined for r in results), "seconds": took,
            "export_seconds": written, "peak_rss": max(peak[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                                      * 1024), "base_rss": base_rss, "calls": null.calls,
            "ledger_bytes": (folder / "ledger.sqlite").stat().st_size, "top": top}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--trace", type=int, default=0, help="also run this size under tracemalloc (slow)")
    parser.add_argument("--time-limit", type=float, default=0,
                        help="stop a size after this many seconds and report it as partial (peak so far)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
            print(json.dumps(child(args.child, Path(tmp), args.batch_size, args.workers, args.traced,
                                   args.time_limit)))
        return 0
    rows: list[list[Any]] = []
    outcomes: list[dict[str, Any]] = []
    runs = [(n, False) for n in args.sizes] + ([(args.trace, True)] if args.trace else [])
    for n, traced in runs:
        command = [sys.executable, __file__, "--child", str(n), "--batch-size", str(args.batch_size),
                   "--workers", str(args.workers), "--time-limit", str(args.time_limit)] + (
                       ["--traced"] if traced else [])
        print(f"migrating {n:,} contacts{' under tracemalloc' if traced else ''} ...", file=sys.stderr, flush=True)
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False,
                              env={**os.environ, "PYTHONHASHSEED": "0"})
        if done.returncode != 0:
            return 1
        out = json.loads(done.stdout.strip().splitlines()[-1])
        if traced:
            print("\n".join(out["top"]))
            continue
        outcomes.append(out)
        rows.append([f"{n:,}" + (" (partial)" if out.get("partial") else ""), out["landed"], f"{out['seconds']:.0f}", f"{out['landed'] / out['seconds']:.0f}",
                     f"{out['base_rss'] / 2**20:.0f}", f"{out['peak_rss'] / 2**20:.0f}",
                     f"{out['ledger_bytes'] / 2**20:.0f}", out["calls"]])
        print(table(["contacts", "landed", "seconds", "rec/s", "RSS before MiB", "peak RSS MiB", "ledger MiB",
                     "Odoo calls"], rows[-1:]), flush=True)
    print()
    print(table(["contacts", "landed", "seconds", "rec/s", "RSS before MiB", "peak RSS MiB", "ledger MiB",
                 "Odoo calls"], rows))
    if len(outcomes) >= 2:
        small, large = outcomes[0], outcomes[-1]
        growth = large["peak_rss"] / small["peak_rss"] - 1
        per_record = (large["peak_rss"] - small["peak_rss"]) / max(1, large["landed"] - small["landed"])
        reached = f"{large['n']:,}" if not large.get("partial") else f"{large['landed']:,} of {large['n']:,} (partial)"
        print(f"\ngrowth of peak RSS {small['landed']:,} -> {reached}: {growth:+.1%} (target < 10%: "
              f"{'met' if growth < 0.10 else 'MISSED'}); {per_record:.0f} bytes per extra contact")
    worst = max((o["peak_rss"] for o in outcomes), default=0)
    print(f"largest peak RSS {worst / 2**20:.0f} MiB (target < 300 MB: {'met' if worst < 300e6 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
