"""Load throughput (issue 7): crm2odoo end to end vs "the limit" (batched create) vs odoo-import-export-client.

One command, one run, the same generated data for all three, measured object by object side by side (``--rounds N``
repeats it on fresh data and reports the median of the per-round ratios):

    python bench/load_throughput.py                                   # a SandboxServer started in-process
    python bench/load_throughput.py --odoo-url http://127.0.0.1:8069 --db crm --login admin --password admin
    python bench/load_throughput.py --odoo-url http://127.0.0.1:8070 --db crm19 --login admin --api-key KEY

(a) crm2odoo: the real Loader over the real OdooClient, spec from a small YAML map, MemorySource, a ledger
    file; (b) the limit: one connection, batched ``create`` of the same values and nothing else; (c) the peer
    ``odoo-import-export-client`` (``odoo_csv_tools.import_threaded.import_data``, ``load`` with xmlid columns),
    with the same batch size and the connections its README recommends: up to 80 % of the server's workers
    (``--odoo-workers``; at least one), or ``--peer-workers N`` to compare at equal settings.
Objects are interleaved (company a, b, c; contact a, b, c; ...) so table growth hits all three alike.
Every record is created under a fresh prefix and deleted at the end (``--keep`` to leave them).
"""

from __future__ import annotations

import argparse
import configparser
import datetime as dt
import logging
import random
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CallStats, add_odoo_arguments, count_calls, odoo_target, table, timed_methods

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.executor import Loader, ObjectResult
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import spec_from_data
from crm2odoo.mapping.transforms import Lookup
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.odoo.schema import QUIET_CONTEXT, Schema
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.memory import MemorySource

OBJECTS = ["company", "contact", "person", "deal", "note"]
LABELS = {"company": "companies", "contact": "contacts (no company)", "person": "contacts linked to a company",
          "deal": "deals", "note": "notes"}
MODELS = {"company": "res.partner", "contact": "res.partner", "person": "res.partner", "deal": "crm.lead",
          "note": "mail.message"}
TARGETS = {"contact": 0.9, "person": 0.8, "note": 0.8}  # a/b against a real Odoo
PEER_TARGET = 1.5  # a/c

MAP = '''
source_kind: ontraport
system: SYSTEM
odoo_version: "18.0"
objects:
  company:
    source_object: company
    model: res.partner
    constants: {is_company: true}
    dedupe: {fields: [name], match_existing: true}
    fields:
      - {source: name, target: name, transform: text}
      - {source: city, target: city, transform: text}
      - {source: country, target: country_id, transform: lookup, params: {model: res.country, by: [code, name]}}
  contact:
    source_object: contact
    model: res.partner
    constants: {is_company: false, type: contact}
    dedupe: {fields: [email], match_existing: true}
    fields:
      - {source: [first, last], target: name, transform: join}
      - {source: email, target: email, transform: email}
      - {source: city, target: city, transform: text}
      - {source: country, target: country_id, transform: lookup, params: {model: res.country, by: [code, name]}}
  person:
    source_object: person
    model: res.partner
    constants: {is_company: false, type: contact}
    dedupe: {fields: [email], match_existing: true}
    fields:
      - {source: [first, last], target: name, transform: join}
      - {source: email, target: email, transform: email}
      - {source: company, target: parent_id, transform: ref, params: {object: company}}
      - {source: city, target: city, transform: text}
      - {source: country, target: country_id, transform: lookup, params: {model: res.country, by: [code, name]}}
  deal:
    source_object: deal
    model: crm.lead
    constants: {type: opportunity}
    fields:
      - {source: title, target: name, transform: text}
      - {source: person, target: partner_id, transform: ref, params: {object: person}}
      - {source: amount, target: expected_revenue, transform: number}
      - {source: probability, target: probability, transform: number}
  note:
    source_object: note
    model: mail.message
    constants: {message_type: comment}
    fields:
      - {source: body, target: body, transform: html}
      - {source: date, target: date, transform: datetime}
      - {source: [person, deal], target: res_id, transform: record_ref, params: {objects: [person, deal]}}
      - {source: null, target: subtype_id, transform: lookup,
         params: {model: mail.message.subtype, by: [xmlid], value: mail.mt_note}}
'''

FIRST = ["Ada", "Ayşe", "Jürgen", "Maria", "Chen", "Fatma", "John", "Zeynep", "Luca", "Noor"]
LAST = ["Lovelace", "Yılmaz", "Groß", "García", "Wei", "Demir", "Smith", "Kaya", "Rossi", "Haddad"]
CITIES = [("Berlin", "DE"), ("London", "GB"), ("İzmir", "TR"), ("Paris", "FR"), ("Austin", "US"), ("Milano", "IT")]


# -- data ------------------------------------------------------------------------------------------------------------
def generate(n: int, tag: str, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """n records: 10% companies, 20% contacts without a company, 30% contacts of a company, 20% deals, 20% notes."""
    rnd = random.Random(seed)
    sizes = {"company": max(1, n // 10), "contact": max(1, n // 5), "person": max(1, 3 * n // 10),
             "deal": max(1, n // 5)}
    sizes["note"] = max(1, n - sum(sizes.values()))
    data: dict[str, list[dict[str, Any]]] = {k: [] for k in OBJECTS}
    for i in range(1, sizes["company"] + 1):
        city, country = rnd.choice(CITIES)
        data["company"].append({"id": str(i), "name": f"Bench Co {i} {tag}", "city": city, "country": country})
    for kind in ("contact", "person"):
        for i in range(1, sizes[kind] + 1):
            city, country = rnd.choice(CITIES)
            row = {"id": str(i), "first": rnd.choice(FIRST), "last": f"{rnd.choice(LAST)} {kind[0]}{i}",
                   "email": f"{kind}{i}.{tag}@bench.example.com", "city": city, "country": country}
            if kind == "person":
                row["company"] = str(rnd.randint(1, sizes["company"]))
            data[kind].append(row)
    for i in range(1, sizes["deal"] + 1):
        data["deal"].append({"id": str(i), "title": f"Deal {i} {tag}", "person": str(rnd.randint(1, sizes["person"])),
                             "amount": str(rnd.randint(100, 90000)), "probability": str(rnd.choice([10, 20, 50, 90]))})
    base = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
    for i in range(1, sizes["note"] + 1):
        data["note"].append({"id": str(i), "body": f"Call {i}: discussed the renewal, sends the quote on Monday.",
                             "date": base + dt.timedelta(minutes=rnd.randint(0, 900_000)),
                             "person": str(rnd.randint(1, sizes["person"]))})
    return data


# -- (a) crm2odoo --------------------------------------------------------------------------------------------------
class Crm2odooRun:
    def __init__(self, settings: OdooSettings, data: dict[str, list[dict[str, Any]]], system: str, folder: Path,
                 batch_size: int, workers: int) -> None:
        self.client = OdooClient(settings)
        self.stats = CallStats()
        count_calls(self.client, self.stats)
        self.ledger = Ledger(folder / "ledger.sqlite")
        self.ledger_time: dict[str, list[float]] = {}
        timed_methods(self.ledger, ["mark_sending", "mark_landed", "mark_state", "mark_matched", "add_issues",
                                    "save_prior", "get", "query", "id_map", "records", "phase"], self.ledger_time)
        spec = spec_from_data(yaml.safe_load(MAP.replace("SYSTEM", system)))
        records = {obj: [SourceRecord(obj, row["id"], {k: v for k, v in row.items() if k != "id"},
                                      locator=f"{obj} {row['id']}") for row in rows] for obj, rows in data.items()}
        self.run_id = self.ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
        self.loader = Loader(client=self.client, schema=Schema(self.client), ledger=self.ledger, spec=spec,
                             engine=Engine(spec), source=MemorySource(Catalog("memory", ()), records),
                             run_id=self.run_id, batch_size=batch_size, workers=workers)
        self.loader.run(only={"__warmup__"})  # the run's one-off message mark, outside any object's timing
        # the one-off lookups (b) and (c) make before their clocks start: field lists, countries, the note subtype
        for model in sorted({*MODELS.values(), "res.country", "mail.message.subtype"}):
            self.loader.schema.has_model(model)
            self.loader.schema.fields(model)
        for _, code in CITIES:
            self.loader.resolver.lookup(Lookup("res.country", code, ("code", "name")))
        self.loader.resolver.lookup(Lookup("mail.message.subtype", "mail.mt_note", ("xmlid",)))

    def load(self, obj: str) -> tuple[float, ObjectResult, dict[tuple[str, str], tuple[int, float, list[int]]],
                                      dict[str, list[float]]]:
        self.stats.reset()
        self.ledger_time.clear()
        started = time.perf_counter()
        results = self.loader.run(only={obj})
        took = time.perf_counter() - started
        return took, results[0], self.stats.snapshot(), {k: list(v) for k, v in self.ledger_time.items()}

    def ids(self, obj: str) -> list[int]:
        return sorted(set(self.ledger.id_map(obj).values()))

    def close(self) -> None:
        self.ledger.finish_run(self.run_id, "done")
        self.ledger.close()
        self.client.close()


# -- lookups for (b) and (c) ---------------------------------------------------------------------------------------
def country_ids(client: OdooClient) -> dict[str, int]:
    rows = client.search_read("res.country", [["code", "in", [c for _, c in CITIES]]], ["code"])
    return {r["code"]: int(r["id"]) for r in rows}


def note_subtype(client: OdooClient) -> int:
    rows = client.search_read("ir.model.data", [["module", "=", "mail"], ["name", "=", "mt_note"]], ["res_id"])
    return int(rows[0]["res_id"])


# -- (b) the limit -------------------------------------------------------------------------------------------------
class LimitRun:
    """One connection, ``create`` in batches of the same size, the same quiet context, nothing else."""

    def __init__(self, settings: OdooSettings, data: dict[str, list[dict[str, Any]]], batch_size: int) -> None:
        self.client = OdooClient(settings)
        self.data, self.batch_size = data, batch_size
        self.countries = country_ids(self.client)
        self.subtype = note_subtype(self.client)
        self.created: dict[str, dict[str, int]] = {k: {} for k in OBJECTS}

    def vals(self, obj: str, row: dict[str, Any]) -> dict[str, Any]:
        if obj == "company":
            return {"name": row["name"], "is_company": True, "city": row["city"],
                    "country_id": self.countries.get(row["country"], False)}
        if obj in ("contact", "person"):
            vals = {"name": f"{row['first']} {row['last']}", "email": row["email"], "is_company": False,
                    "type": "contact", "city": row["city"], "country_id": self.countries.get(row["country"], False)}
            if obj == "person":
                vals["parent_id"] = self.created["company"][row["company"]]
            return vals
        if obj == "deal":
            return {"name": row["title"], "partner_id": self.created["person"][row["person"]], "type": "opportunity",
                    "expected_revenue": float(row["amount"]), "probability": float(row["probability"])}
        return {"body": row["body"], "date": row["date"].astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                "model": "res.partner", "res_id": self.created["person"][row["person"]],
                "message_type": "comment", "subtype_id": self.subtype}

    def load(self, obj: str) -> tuple[float, int, int]:
        rows = self.data[obj]
        if obj == "note":
            rows = sorted(rows, key=lambda r: r["date"])  # the same order crm2odoo inserts them
        model = MODELS[obj]
        calls = 0
        started = time.perf_counter()
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start:start + self.batch_size]
            ids = self.client.create(model, [self.vals(obj, r) for r in chunk], context=QUIET_CONTEXT)
            calls += 1
            self.created[obj].update({r["id"]: i for r, i in zip(chunk, ids, strict=True)})
        return time.perf_counter() - started, len(self.created[obj]), calls

    def close(self) -> None:
        self.client.close()


# -- (c) the peer --------------------------------------------------------------------------------------------------
class PeerRun:
    """odoo-import-export-client 3.0.0: ``import_data`` (threads, ``load`` with xmlid columns), as its users call it."""

    def __init__(self, settings: OdooSettings, data: dict[str, list[dict[str, Any]]], batch_size: int, workers: int,
                 folder: Path, module: str, uid: int, major: int) -> None:
        from odoo_csv_tools.import_threaded import import_data  # type: ignore[import-untyped]  # noqa: F401

        for name in ("info", "error"):  # the tool logs every batch to stdout/stderr
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self.data, self.batch_size, self.workers, self.module = data, batch_size, workers, module
        parts = urlsplit(settings.url)
        protocol = ("json2" if major >= 19 else "jsonrpc") + ("s" if parts.scheme == "https" else "")
        if protocol.startswith("json2") and not settings.api_key:
            raise RuntimeError("on Odoo 19 the peer speaks JSON-2 only with an API key (--api-key)")
        config = configparser.RawConfigParser()
        config["Connection"] = {"hostname": parts.hostname or "127.0.0.1", "port": str(parts.port or 8069),
                                "database": settings.database, "login": settings.login,
                                "password": settings.secret.reveal(), "protocol": protocol, "uid": str(uid)}
        self.config_file = folder / "peer-connection.conf"
        with self.config_file.open("w") as fh:
            config.write(fh)
        self.settings = settings
        self.client = OdooClient(settings)
        self.failed: dict[str, int] = {}
        codes = {v: k for k, v in country_ids(self.client).items()}  # country xmlids (base.uk is GB), not timed
        self.country = {codes[int(r["res_id"])]: f"{r['module']}.{r['name']}" for r in self.client.search_read(
            "ir.model.data", [["model", "=", "res.country"], ["res_id", "in", sorted(codes)]], ["module", "name", "res_id"])}

    def xid(self, obj: str, source_id: str) -> str:
        return f"{self.module}.{obj}_{source_id}"

    def rows(self, obj: str) -> tuple[str, list[str], list[list[str]]]:
        data = self.data[obj]
        if obj == "company":
            return "res.partner", ["id", "name", "is_company", "city", "country_id/id"], [
                [self.xid(obj, r["id"]), r["name"], "1", r["city"], self.country[r["country"]]] for r in data]
        if obj in ("contact", "person"):
            header = ["id", "name", "email", "is_company", "type", "city", "country_id/id"]
            rows = [[self.xid(obj, r["id"]), f"{r['first']} {r['last']}", r["email"], "0", "contact", r["city"],
                     self.country[r["country"]]] for r in data]
            if obj == "person":
                header.append("parent_id/id")
                for row, r in zip(rows, data, strict=True):
                    row.append(self.xid("company", r["company"]))
            return "res.partner", header, rows
        if obj == "deal":
            return "crm.lead", ["id", "name", "partner_id/id", "type", "expected_revenue", "probability"], [
                [self.xid(obj, r["id"]), r["title"], self.xid("person", r["person"]), "opportunity", r["amount"],
                 r["probability"]] for r in data]
        # notes: res_id is an integer column, so a peer user resolves the partners' ids before (not timed here)
        people = self.ids_by_name("person")
        ordered = sorted(data, key=lambda r: r["date"])
        return "mail.message", ["id", "body", "date", "model", "res_id", "message_type", "subtype_id/id"], [
            [self.xid(obj, r["id"]), r["body"], r["date"].astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
             "res.partner", str(people[f"person_{r['person']}"]), "comment", "mail.mt_note"] for r in ordered]

    def ids_by_name(self, obj: str) -> dict[str, int]:
        rows = self.client.search_read_all("ir.model.data", [["module", "=", self.module]], ["name", "res_id"])
        return {r["name"]: int(r["res_id"]) for r in rows if r["name"].startswith(f"{obj}_")}

    def load(self, obj: str) -> tuple[float, int, int]:
        from odoo_csv_tools.import_threaded import import_data

        model, header, rows = self.rows(obj)
        started = time.perf_counter()
        _, failed = import_data(str(self.config_file), model, header=header, data=rows,
                                context={"tracking_disable": True}, batch_size=self.batch_size,
                                max_connection=self.workers, check=True)
        took = time.perf_counter() - started
        landed = len(self.ids_by_name(obj))
        self.failed[obj] = len(failed or [])
        return took, landed, -(-len(rows) // self.batch_size)

    def ids(self, obj: str) -> list[int]:
        return sorted(set(self.ids_by_name(obj).values()))

    def close(self) -> None:
        self.client.close()


# -- cleanup -------------------------------------------------------------------------------------------------------
def delete(client: OdooClient, model: str, ids: list[int]) -> int:
    gone = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        alive = [r["id"] for r in client.search_read(model, [["id", "in", chunk]], ["id"],
                                                     context={"active_test": False})]
        if alive:
            client.unlink(model, alive, context={"active_test": False})
            gone += len(alive)
    return gone


# -- the run -------------------------------------------------------------------------------------------------------
@dataclass
class Round:
    rates: dict[str, dict[str, float | None]] = field(default_factory=dict)
    cells: dict[str, list[str]] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)
    peer_problem: str = ""


def one_round(settings: OdooSettings, probe: OdooClient, args: argparse.Namespace, peer_workers: int, folder: Path,
              number: int) -> Round:
    """a, b and c on fresh data (a new tag), object by object; everything created is deleted at the end."""
    tag = uuid.uuid4().hex[:8]
    data = generate(args.records, tag, seed=7 + number)
    out = Round()
    crm = Crm2odooRun(settings, data, f"bench{tag}", folder / f"round{number}", args.batch_size, args.workers)
    limit = LimitRun(settings, data, args.batch_size)
    peer: PeerRun | None = None
    out.peer_problem = "skipped (--no-peer)" if args.no_peer else ""
    if not args.no_peer:
        try:
            peer = PeerRun(settings, data, args.batch_size, peer_workers, folder, f"benchpeer_{tag}", probe.uid,
                           probe.server.major)
        except Exception as exc:  # noqa: BLE001 - reported, the rest is still measured
            out.peer_problem = f"cannot run: {type(exc).__name__}: {exc}"
    try:
        for obj in OBJECTS:
            took_a, result, calls, ledger_time = crm.load(obj)
            landed_a = result.created + result.updated + result.matched
            took_b, landed_b, calls_b = limit.load(obj)
            rate_c: float | None = None
            landed_c, took_c, fails_c = 0, 0.0, 0
            if peer is not None:
                try:
                    took_c, landed_c, _ = peer.load(obj)
                    fails_c = peer.failed.get(obj, 0)
                    rate_c = landed_c / took_c if took_c else None
                except Exception as exc:  # noqa: BLE001
                    out.peer_problem = f"{obj}: {type(exc).__name__}: {exc}"
                    traceback.print_exc()
            rate_a = landed_a / took_a if took_a else None
            rate_b = landed_b / took_b if took_b else None
            out.rates[obj] = {"a": rate_a, "b": rate_b, "c": rate_c}
            out.cells[obj] = [f"{landed_a}/{took_a:.2f}s", f"{landed_b}/{took_b:.2f}s",
                              f"{landed_c}/{took_c:.2f}s" + (f" ({fails_c} failed)" if fails_c else "")
                              if peer is not None else "-"]
            out.profiles.append(profile(obj, result, took_a, calls, ledger_time, took_b, calls_b))
            print(f"  round {number}: {obj} done", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            deleted = cleanup(probe, crm, limit, peer)
            print(f"  round {number}: cleanup deleted {deleted} records", file=sys.stderr, flush=True)
        crm.close()
        limit.close()
        if peer is not None:
            peer.close()
    return out


def median_of(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def spread(values: list[float]) -> str:
    if not values:
        return "n/a"
    middle = statistics.median(values)
    return f"{middle:.2f}" if len(values) == 1 else f"{middle:.2f} ({min(values):.2f}-{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser)
    parser.add_argument("--records", type=int, default=2000, help="records in all (split over the five objects)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat on fresh data; the table shows the median of each round's side-by-side ratio "
                             "(a shared server is noisy: 3 or more for figures to quote)")
    parser.add_argument("--batch-size", type=int, default=200, help="rows per call for all three (crm2odoo's default)")
    parser.add_argument("--workers", type=int, default=2,
                        help="connections for crm2odoo (its default); the limit uses one")
    parser.add_argument("--odoo-workers", type=int, default=0,
                        help="the server's `workers` setting (0: threaded, as odoo-up.sh runs it); the peer's README "
                             "sizes its threads at up to 80%% of it")
    parser.add_argument("--peer-workers", type=int, default=None,
                        help="connections for the peer (default: its README's rule, max(1, 80%% of --odoo-workers); "
                             "give --workers to compare at equal settings)")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--keep", action="store_true", help="leave the records in Odoo")
    parser.add_argument("--profile", action="store_true", help="print crm2odoo's calls per object for every round")
    args = parser.parse_args(argv)

    peer_workers = args.peer_workers if args.peer_workers is not None else max(1, int(0.8 * args.odoo_workers))
    sizes = {k: len(v) for k, v in generate(args.records, "x").items()}
    with odoo_target(args) as settings, tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        folder = Path(tmp)
        probe = OdooClient(settings)
        print(f"target: {settings.url} db={settings.database} Odoo {probe.server.version} "
              f"({'sandbox' if not args.odoo_url else 'real'}), transport {probe.transport.name}")
        print(f"records per round: {sum(sizes.values())} (" + ", ".join(f"{k} {n}" for k, n in sizes.items())
              + f"); rounds {args.rounds}; batch size {args.batch_size}; connections: crm2odoo {args.workers}, "
              f"peer {peer_workers} (server workers={args.odoo_workers}), limit 1")
        rounds: list[Round] = []
        try:
            for number in range(1, args.rounds + 1):
                (folder / f"round{number}").mkdir()
                rounds.append(one_round(settings, probe, args, peer_workers, folder, number))
        finally:
            report(rounds, args)
            probe.close()
    return 0


def report(rounds: list[Round], args: argparse.Namespace) -> None:
    if not rounds:
        return
    rows: list[list[Any]] = []
    ab: dict[str, list[float]] = {}
    ac: dict[str, list[float]] = {}
    for obj in OBJECTS:
        measured = [r.rates[obj] for r in rounds if obj in r.rates]
        if not measured:
            continue
        rate = {k: median_of([float(m[k] or 0) for m in measured if m[k]]) for k in "abc"}
        ab[obj] = [float(m["a"] or 0) / float(m["b"]) for m in measured if m["a"] and m["b"]]
        ac[obj] = [float(m["a"] or 0) / float(m["c"]) for m in measured if m["a"] and m["c"]]
        last = rounds[-1].cells.get(obj, ["-", "-", "-"])
        rows.append([LABELS[obj], len(generate(args.records, "x")[obj]), last[0], f"{rate['a'] or 0:.0f}", last[1],
                     f"{rate['b'] or 0:.0f}", last[2], f"{rate['c']:.0f}" if rate["c"] else "-", spread(ab[obj]),
                     spread(ac[obj])])
    print()
    print(table(["object", "n", "a crm2odoo (last)", "a rec/s", "b limit (last)", "b rec/s", "c peer (last)",
                 "c rec/s", "a/b", "a/c"], rows))
    if len(rounds) > 1:
        print(f"(rec/s and ratios: the median over {len(rounds)} rounds, each ratio measured within its round; "
              "the range in brackets)")
    print()
    for problem in sorted({r.peer_problem for r in rounds if r.peer_problem}):
        print(f"peer odoo-import-export-client: {problem}")
    verdicts = []
    for obj, target in TARGETS.items():
        if ab.get(obj):
            got = statistics.median(ab[obj])
            verdicts.append(f"a/b {obj} {got:.2f} (target >= {target}): {'met' if got >= target else 'MISSED'}")
    for obj, values in ac.items():
        if values:
            got = statistics.median(values)
            verdicts.append(f"a/c {obj} {got:.2f} (target >= {PEER_TARGET}): "
                            f"{'met' if got >= PEER_TARGET else 'MISSED'}")
    if not args.odoo_url:
        verdicts.append("(sandbox: the issue's targets are for a real Odoo; these are indicative)")
    print("\n".join(verdicts))
    print()
    shown = rounds if args.profile else rounds[-1:]
    for r in shown:
        print(f"crm2odoo profile per object, round {rounds.index(r) + 1} (Odoo calls at the transport seam; "
              "ledger calls; the rest is Python):")
        print("\n".join(r.profiles))


def profile(obj: str, result: ObjectResult, took: float, calls: dict[tuple[str, str], tuple[int, float, list[int]]],
            ledger_time: dict[str, list[float]], took_b: float, calls_b: int) -> str:
    odoo_seconds = sum(s for _, s, _ in calls.values())
    ledger_seconds = sum(v[1] for v in ledger_time.values())
    lines = [f"- {obj}: {took:.2f}s wall (limit {took_b:.2f}s in {calls_b} create calls); "
             f"created {result.created}, matched {result.matched}, quarantined {result.quarantined}; "
             f"{sum(c for c, _, _ in calls.values())} Odoo calls summing {odoo_seconds:.2f}s, "
             f"ledger {ledger_seconds:.2f}s"]
    for (model, method), (count, seconds, sizes) in sorted(calls.items(), key=lambda kv: -kv[1][1]):
        extra = f", rows/call {sorted(sizes)}" if sizes and len(sizes) <= 12 else (
            f", rows/call min {min(sizes)} max {max(sizes)} mean {sum(sizes) / len(sizes):.0f}" if sizes else "")
        lines.append(f"    {model}.{method}: {count} calls, {seconds:.2f}s{extra}")
    top = sorted(ledger_time.items(), key=lambda kv: -kv[1][1])[:4]
    if top:
        lines.append("    ledger: " + ", ".join(f"{name} {int(n)}x {s:.2f}s" for name, (n, s) in top))
    return "\n".join(lines)


def cleanup(client: OdooClient, crm: Crm2odooRun, limit: LimitRun, peer: PeerRun | None) -> int:
    deleted = 0
    for obj in reversed(OBJECTS):
        ids = set(crm.ids(obj)) | set(limit.created[obj].values())
        if peer is not None:
            ids |= set(peer.ids(obj))
        deleted += delete(client, MODELS[obj], sorted(ids))
    return deleted


if __name__ == "__main__":
    sys.exit(main())
