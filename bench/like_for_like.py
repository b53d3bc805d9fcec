"""Like for like (issue 16): the whole `crm2odoo migrate` against "the limit" writing the very values it stored.

One command, against real Odoo servers whose database manager is enabled (the master password creates a fresh
database from a template for every round and drops it afterwards):

    python bench/like_for_like.py --target threaded,http://127.0.0.1:8095,0,bb_t \\
        --target prefork,http://127.0.0.1:8096,2,bb_p --template base18 --master-password admin \\
        --contacts 6000 --rounds 3

Before and after a change, on one server, interleaved: export the old code (``git archive main crm2odoo | tar -x
-C /tmp/before``) and name it as a fifth part of one target, ``--target before,URL,0,bb_t,/tmp/before --target
after,URL,0,bb_t`` (``--timers-dir DIR`` keeps every Odoo call of each migrate: ``bench/_timed_cli.py --show FILE``).

Every round, on every target (interleaved, so load from elsewhere on the machine hits all contenders alike):

(a) crm2odoo as a user runs it: an Ontraport CSV export (contacts with 10 custom fields and tags, companies,
    deals, notes with their original dates), a project folder (`init`, the proposal approved unchanged), then
    `crm2odoo migrate` in a subprocess, timed from start to exit (custom-field provisioning, stages, tags, every
    object, the reconciliation migrate runs before its verdict), each object's phase timed by the lines it
    prints; then `crm2odoo reconcile` timed beside it (not part of migrate's time). The CLI runs under
    bench/_timed_cli.py, which times the read-back of landed values, the project lock and the content hashes.
(b) the limit: every field crm2odoo wrote (the ledger's `written` columns name them), read back from Odoo for
    every record it created, then written again by batched `create` (500 a call, the same quiet context) on one
    connection as new records; links between them (a contact's company, a deal's contact, a note's record)
    point to the limit's own copies.
(c) the peer odoo-import-export-client (`--no-peer` to skip it): the same values, its `import_data` with
    external IDs, the connections its README recommends (80 % of the server's workers, at least one); then what
    it stored is compared field by field with what crm2odoo stored. Its `load` with `parent_id` gives a person of a
    company the company's address, so it is timed twice: as its users run it, and with the second import of those
    persons' own addresses that correct contacts need (the limit's and crm2odoo's second write).

Ratios: inner = limit seconds / crm2odoo's phase seconds for the object; whole = the limit's seconds for all
objects / `crm2odoo migrate`'s wall time. The medians over rounds are printed with their range.

Where the time goes, from the call timelines (``--timers-dir``), Odoo 18 threaded, a quiet machine (load 1.2-1.9),
before issue 16's cuts of session 9 (1c0668c); 600 contacts: migrate 13.5 s against the limit's 6.0 s; 6,000:
111 s against 162 s (the limit's address write alone 83 s). Seconds, 600 / 6,000 contacts:

| step | s | calls, and what it costs |
|---|---|---|
| start to first call | 0.47 / 0.55 | Python imports, login |
| preflight | 0.26 / 0.29 | ir.model whole, fields_get of the map's 8 models |
| provisioning | 1.0 / 1.4 | fields_get again, two ir.model.fields creates (12 + 2 fields), each reloading the registry; the call after each pays a cold start (0.36-0.48) |
| lead-scoring pause | 0.8 / 0.8 | get_param (cold after the reload), set_param; the call after it cold (0.30-0.42) |
| marks, owners | 0.1 / 0.1 | mail.message mark, scoring statistics, 2 user reads |
| team, stage, tag maps | 0.5 / 1.0 | each: fields_get, ir.model.data count, count, search_read, load, read-back |
| company lookups | 0.3 / 0.35 | res.partner.industry: 10 search_reads (its table read again per missing value), country |
| deals: stage layout | 0.25 / 0.6 | 11 one-stage writes, 7 stage reads |
| after the last record | 0.9 / 3.9 | set_param back (the next call cold), then the reconciliation: per 1,000 ledger rows an ir.model.data and a model search_read; most of it is reading the source's ids again (the CSV export decodes every field of every row for ``list_ids``) |

Session 9 cut: one ir.model.fields create for every model (one reload); the pause opened before provisioning and
closed after the reconciliation (two cold starts instead of four; opening it right before the create was worse:
that create took 3-4 s); stage writes one call per distinct values (11 -> 2). 152 -> 141 calls per 600-contact
migrate (6,000: 374 -> 366); first call to first record 7.2 s -> 3.6 s (medians of 3 interleaved rounds, load
4-6.5), 4.8 s -> 3.5 s at 6,000 (2 rounds); after the last record unchanged (the source's ids read again dominate).

Session 10 cut: messages 500 a call (31 -> 13 mail.message creates at 6,000; notes 21.8 s -> 13.5 s); the
reconciliation lists the export's ids without decoding the other cells, counts the ledger without its JSON values and
asks Odoo 5,000 external IDs a call (after the last record 4.1 s -> 2.5 s; `reconcile` beside 11.6 s -> 4.2 s).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import cpu_busy, table
from _like_peer import ADDRESS_IMPORT, MODELS, OBJECTS, OWN_LINKS, PeerRun

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.odoo.schema import QUIET_CONTEXT
from crm2odoo.redact import Secret
from crm2odoo.testing.ontraport_csv import write_csv_exports
from crm2odoo.testing.ontraport_generate import generate_account

#: the limit's parts of each object (the contacts split by whether they have a company)
LIMIT_PARTS = {"company": ["company"], "contact": ["contact (no company)", "contact of a company"],
               "deal": ["deal"], "note": ["note"]}
TARGETS = {"contact": 0.9, "note": 0.85}
WHOLE_TARGET = {6000: 0.8, 60000: 0.9}
PEER_TARGET = 1.5
LIMIT_BATCH = 500
TIMED_CLI = Path(__file__).resolve().parent / "_timed_cli.py"


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    workers: int
    db_prefix: str
    code: Path | None = None  # a crm2odoo source tree (e.g. `git archive main`) its commands run from: before/after

    @staticmethod
    def parse(text: str) -> Target:
        label, url, workers, prefix, *code = text.split(",")
        return Target(label, url.rstrip("/"), int(workers), prefix, Path(code[0]).resolve() if code else None)


@dataclass
class Measured:
    """One round on one target."""

    migrate: float = 0.0
    reconcile: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    limit: dict[str, float] = field(default_factory=dict)
    peer: dict[str, float] = field(default_factory=dict)
    peer_check: list[str] = field(default_factory=list)
    limit_check: list[str] = field(default_factory=list)
    timers: dict[str, list[float]] = field(default_factory=dict)
    load: str = ""
    cpu: dict[str, float] = field(default_factory=dict)  # machine CPU busy (%) while each contender ran


# -- the data and the project folder ---------------------------------------------------------------------------------
def exports(folder: Path, contacts: int) -> None:
    """An Ontraport CSV export: contacts (notes as extra rows, tags), companies, deals; no tasks, no transactions."""
    account = generate_account(seed=5, contacts=contacts, companies=contacts // 10, deals=contacts // 5,
                               notes_per_contact=2, products=0, transactions=0, properties=0)
    for path in write_csv_exports(account, folder):
        with path.open(encoding="utf-8-sig") as fh:
            header = fh.readline()
        if not header.strip() or header.startswith(("\"Task ID\"", "Task ID", "Transaction ID", "Product ID")):
            path.unlink()


def project(root: Path, data: Path, target: Target, database: str, planned: Path | None) -> None:
    """A project folder on ``database``: init, the export, and the map `plan` proposed, approved unchanged."""
    api.init_project(root, "ontraport-csv")
    shutil.copytree(data, root / "exports")
    (root / "crm2odoo.toml").write_text(
        f'[source]\nkind = "ontraport-csv"\npath = "exports/"\n\n[odoo]\nurl = "{target.url}"\n'
        f'database = "{database}"\nlogin = "admin"\npassword = "${{BENCH_ODOO_PASSWORD}}"\n\n'
        '[migration]\nfallback_owner = "admin"\n', encoding="utf-8")
    if planned is None:
        cli(root, "discover")
        cli(root, "plan")
    else:
        shutil.copy(planned / "mapping.yaml", root / "mapping.yaml")
        for name in ("catalog.json", "odoo-schema.json"):
            shutil.copy(planned / ".crm2odoo" / name, root / ".crm2odoo" / name)
    cli(root, "approve", "--yes")


def cli(root: Path, *args: str, timers: Path | None = None, code: Path | None = None) -> list[tuple[float, str]]:
    """Run one crm2odoo command as a user would; every line it prints with the second it arrived. ``code``: the
    crm2odoo source tree to run instead of the installed one (first on PYTHONPATH)."""
    env = {**os.environ, "BENCH_ODOO_PASSWORD": "admin", "PYTHONUNBUFFERED": "1"}
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code), *filter(None, [os.environ.get("PYTHONPATH")])])
    if timers is not None:
        env["CRM2ODOO_BENCH_TIMERS"] = str(timers)
    command = [sys.executable, str(TIMED_CLI), *args, "--project", str(root)]
    lines: list[tuple[float, str]] = []
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.perf_counter() - started, line.rstrip()))
    lines.append((time.perf_counter() - started, f"exit {proc.returncode}"))
    if proc.returncode not in (0,):
        tail = "\n".join(text for _, text in lines[-15:])
        raise RuntimeError(f"crm2odoo {' '.join(args)} exited {proc.returncode}:\n{tail}")
    return lines


def phases(lines: list[tuple[float, str]]) -> dict[str, float]:
    """Seconds per object: from the line announcing it (`contact -> res.partner ...`) to its `read N, ...` line;
    ``before objects``: start to the first object's line (provisioning included); ``after objects``: the last
    object's line to exit (the reconciliation and the report)."""
    began: dict[str, float] = {}
    took: dict[str, float] = {}
    last = 0.0
    for second, text in lines:
        words = text.split()
        if len(words) >= 2 and words[1] == "->" and ("..." in text or words[0] in OBJECTS):
            began[words[0]] = second
        elif len(words) >= 2 and words[1] == "read" and words[0] in began:
            took[words[0]] = second - began[words[0]]
            last = second
    if began and lines:
        took["before objects"] = min(began.values())
        took["after objects"] = lines[-1][0] - last
    return took


# -- databases ------------------------------------------------------------------------------------------------------
def db_service(target: Target, method: str, *args: Any) -> Any:
    body = {"jsonrpc": "2.0", "method": "call", "params": {"service": "db", "method": method, "args": list(args)}}
    reply = httpx.post(f"{target.url}/jsonrpc", json=body, timeout=600).json()
    if "error" in reply:
        raise RuntimeError(f"db.{method}: {reply['error'].get('data', {}).get('message') or reply['error']}")
    return reply.get("result")


@contextmanager
def fresh_database(target: Target, template: str, master: str, keep: bool) -> Iterator[str]:
    name = f"{target.db_prefix}_{uuid.uuid4().hex[:8]}"
    db_service(target, "duplicate_database", master, template, name)
    try:
        yield name
    finally:
        if not keep:
            db_service(target, "drop", master, name)


def warm_up(target: Target, database: str) -> None:
    """A login and one call, so the server has loaded the new database's registry (5-7 s on a busy machine) before
    the clock starts: a user's Odoo has served its database before a migration; only the bench's copy is new."""
    with OdooClient(settings(target, database)) as client:
        client.search_count("res.partner", [])


def settings(target: Target, database: str) -> OdooSettings:
    return OdooSettings(url=target.url, database=database, login="admin", password=Secret("admin"))


# -- (b) the limit --------------------------------------------------------------------------------------------------
@dataclass
class Stored:
    """What crm2odoo stored, per object: its records' ids and the values Odoo holds for every field it wrote."""

    rows: dict[str, list[dict[str, Any]]]
    types: dict[str, dict[str, str]]


def stored_values(client: OdooClient, ledger: Path) -> Stored:
    db = sqlite3.connect(ledger)
    rows: dict[str, list[dict[str, Any]]] = {}
    types: dict[str, dict[str, str]] = {}
    for obj in OBJECTS:
        ids: list[int] = []
        names: set[str] = set()
        for odoo_id, written in db.execute("SELECT odoo_id, written FROM records WHERE object=? AND odoo_id IS NOT "
                                           "NULL ORDER BY odoo_id", (obj,)):
            ids.append(int(odoo_id))
            names.update(json.loads(written or "{}"))
        meta = client.fields_get(MODELS[obj], ["type"])
        wanted = sorted(n for n in names if n in meta)
        types[obj] = {n: str(meta[n]["type"]) for n in wanted}
        rows[obj] = []
        for start in range(0, len(ids), 2000):
            rows[obj] += client.read(MODELS[obj], ids[start:start + 2000], wanted, context={"active_test": False})
        if obj == "note":
            rows[obj].sort(key=lambda r: (r["date"], r["id"]))  # the order crm2odoo inserts them in
    db.close()
    return Stored(rows, types)


def write_value(kind: str, value: Any) -> Any:
    if kind == "many2one":
        return value[0] if value else False
    if kind == "many2many":
        return [(6, 0, list(value or []))]
    return value


ADDRESS_PART = "  of which the address write"
ADDRESS = ("street", "street2", "zip", "city", "state_id", "country_id")


def address_fix(types: dict[str, str], chunk: list[dict[str, Any]], new: list[int],
                parents: dict[int, dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """The second call a person linked to a company needs: Odoo's create copies the company's address over it.

    Odoo 17/18 (res_partner.py, _fields_sync) give a ``type=contact`` child its parent's address when it is created
    with ``parent_id``; a later write without ``parent_id`` keeps the child's own. crm2odoo sends the same second
    write (load/addresses.py), for the persons whose address differs from their company's; so does the limit, by
    one ``load`` per batch (the batched write of differing values Odoo has).
    """
    names = [n for n in ADDRESS if n in types]
    header = [".id"] + [f"{n}/.id" if types[n] == "many2one" else n for n in names]
    rows = []
    for row, odoo_id in zip(chunk, new, strict=True):
        parent = parents.get(row["parent_id"][0] if row.get("parent_id") else 0, {})
        if all(row[n] == parent.get(n) for n in names):
            continue
        rows.append([str(odoo_id)] + [str(write_value(types[n], row[n]) or "") for n in names])
    return header, rows


def limit_run(client: OdooClient, stored: Stored) -> tuple[dict[str, float], dict[int, int]]:
    """Batched create of the stored values, 500 a call, one connection: seconds per part, and crm2odoo id -> copy."""
    copies: dict[int, int] = {}  # crm2odoo's partner id -> the limit's copy
    took: dict[str, float] = {}
    companies = {int(r["id"]): r for r in stored.rows["company"]}
    for obj in OBJECTS:
        types = stored.types[obj]
        parts: dict[str, list[dict[str, Any]]] = {p: [] for p in LIMIT_PARTS[obj]}
        for row in stored.rows[obj]:
            part = LIMIT_PARTS[obj][-1] if obj == "contact" and row.get("parent_id") else LIMIT_PARTS[obj][0]
            parts[part].append(row)
        for part, part_rows in parts.items():
            started = time.perf_counter()
            for start in range(0, len(part_rows), LIMIT_BATCH):
                chunk = part_rows[start:start + LIMIT_BATCH]
                vals = []
                for row in chunk:
                    one = {n: write_value(k, row[n]) for n, k in types.items()}
                    for name in OWN_LINKS & one.keys():
                        one[name] = copies.get(one[name], one[name]) if one[name] else one[name]
                    vals.append(one)
                new = client.create(MODELS[obj], vals, context=QUIET_CONTEXT)
                if part == "contact of a company":
                    header, rows = address_fix(types, chunk, new, companies)
                    fixing = time.perf_counter()
                    if rows:
                        client.load("res.partner", header, rows, context=QUIET_CONTEXT)
                    took[ADDRESS_PART] = took.get(ADDRESS_PART, 0.0) + time.perf_counter() - fixing
                if MODELS[obj] == "res.partner":
                    copies.update({int(r["id"]): i for r, i in zip(chunk, new, strict=True)})
            took[part] = time.perf_counter() - started
    return took, copies


def limit_check(client: OdooClient, stored: Stored, copies: dict[int, int]) -> list[str]:
    """The limit's partners read back against crm2odoo's: the limit stored the same values, or it says where not."""
    back = {v: k for k, v in copies.items()}
    lines = []
    for obj in ("company", "contact"):
        types = stored.types[obj]
        mine = {int(r["id"]): r for r in stored.rows[obj]}
        theirs = client.read("res.partner", [copies[i] for i in mine if i in copies], sorted(types))
        wrong: dict[str, int] = {}
        for row in theirs:
            expected = mine[back[int(row["id"])]]
            for name, kind in types.items():
                value, want = row[name], expected[name]
                if kind == "many2one":
                    value, want = (value or [False])[0], (want or [False])[0]
                    value = back.get(value, value) if name in OWN_LINKS else value
                if value != want and not (kind == "many2many" and sorted(value) == sorted(want)):
                    wrong[name] = wrong.get(name, 0) + 1
        lines.append(f"limit {obj}: {len(theirs)}/{len(mine)} copies; fields differing from crm2odoo's: "
                     + (", ".join(f"{n} {c}" for n, c in sorted(wrong.items())) or "none"))
    return lines


# -- a round --------------------------------------------------------------------------------------------------------
def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def one_round(target: Target, args: argparse.Namespace, data: Path, planned: Path | None, work: Path,
              peer_on: bool) -> tuple[Measured, Path]:
    out = Measured(load=load_average())
    with fresh_database(target, args.template, args.master_password, args.keep) as database:
        root = work / f"{target.label}-{database}"
        project(root, data, target, database, planned)
        timers = root / "timers.json"
        warm_up(target, database)
        started = time.perf_counter()
        with cpu_busy(out.cpu, "crm2odoo migrate"):
            lines = cli(root, "migrate", timers=timers, code=target.code)
        out.migrate = time.perf_counter() - started
        out.phases = phases(lines)
        out.timers = json.loads(timers.read_text()) if timers.exists() else {}
        if args.timers_dir and timers.exists():  # every Odoo call of this migrate, for _timed_cli.py --show
            args.timers_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy(timers, args.timers_dir / f"{target.label}-{database}.json")
        if not args.no_reconcile:
            started = time.perf_counter()
            cli(root, "reconcile", code=target.code)
            out.reconcile = time.perf_counter() - started
        client = OdooClient(settings(target, database))
        try:
            stored = stored_values(client, root / ".crm2odoo" / "ledger.sqlite")
            out.counts = {obj: len(rows) for obj, rows in stored.rows.items()}
            with cpu_busy(out.cpu, "limit"):
                out.limit, copies = limit_run(client, stored)
            out.limit_check = limit_check(client, stored, copies)
            if peer_on:
                peer = PeerRun(settings(target, database), root, args.peer_workers if args.peer_workers is not None
                               else max(1, int(0.8 * target.workers)), client)
                with cpu_busy(out.cpu, "peer (both imports)"):
                    out.peer = peer.run(stored)
                out.peer_check = peer.check(stored)
        finally:
            client.close()
        out.load += f" -> {load_average()}"
    return out, root


def span(values: list[float]) -> str:
    if not values:
        return "n/a"
    middle = statistics.median(values)
    return f"{middle:.2f}" if len(values) == 1 else f"{middle:.2f} ({min(values):.2f}-{max(values):.2f})"


def report(target: Target, contacts: int, rounds: list[Measured]) -> None:
    print(f"\n== {target.label} ({target.url}, workers={target.workers}), {contacts} contacts, {len(rounds)} rounds; "
          "load average (1/5/15 min) before -> after each round: " + "; ".join(r.load for r in rounds))
    rows: list[list[Any]] = []
    for obj in OBJECTS:
        limit = [sum(r.limit.get(p, 0.0) for p in LIMIT_PARTS[obj]) for r in rounds]  # address write: within
        phase = [r.phases.get(obj, 0.0) for r in rounds]
        ratio = [lim / ph for lim, ph in zip(limit, phase, strict=True) if ph]
        goal = TARGETS.get(obj)
        rows.append([obj, rounds[-1].counts.get(obj, 0), span(phase), span(limit), span(ratio),
                     f">= {goal}" if goal else "-"])
    for part in ("contact (no company)", "contact of a company", ADDRESS_PART):
        rows.append([f"  {part}", "", "", span([r.limit.get(part, 0.0) for r in rounds]), "", ""])
    whole_limit = [sum(v for k, v in r.limit.items() if k != ADDRESS_PART) for r in rounds]
    whole = [lim / r.migrate for lim, r in zip(whole_limit, rounds, strict=True)]
    rows.append(["whole migrate", sum(rounds[-1].counts.values()), span([r.migrate for r in rounds]),
                 span(whole_limit), span(whole), f">= {WHOLE_TARGET.get(contacts, '-')}"])
    for step in ("before objects", "after objects"):
        rows.append([f"  migrate {step}", "", span([r.phases.get(step, 0.0) for r in rounds]), "", "", ""])
    rows.append(["crm2odoo reconcile (beside)", "", span([r.reconcile for r in rounds]), "", "", ""])
    print(table(["object", "records", "crm2odoo s", "limit s", "inner ratio", "target"], rows))
    for line in rounds[-1].limit_check:
        print(line)
    print("machine CPU busy while each ran (every core, client + Odoo + PostgreSQL): " + ", ".join(
        f"{what} {span([r.cpu[what] for r in rounds if what in r.cpu])} %" for what in rounds[-1].cpu))
    verdict_costs(rounds)
    odoo_calls(rounds[-1])
    peer_report(rounds)
    sys.stdout.flush()


def verdict_costs(rounds: list[Measured]) -> None:
    contact = [r.phases.get("contact", 0.0) for r in rounds]
    print("verdict machinery, seconds summed over the contact phase (share of the phase; target < 5 %):")
    for what in ("read_back/contact", "content_hash/contact", "lock/all", "reconcile/all"):
        seconds = [r.timers.get(what, [0, 0.0])[1] for r in rounds]
        calls = [int(r.timers.get(what, [0, 0.0])[0]) for r in rounds]
        share = [100 * s / c for s, c in zip(seconds, contact, strict=True) if c]
        note = " (of the whole migrate, not the contact phase)" if what == "reconcile/all" else ""
        if what == "reconcile/all":
            share = [100 * s / r.migrate for s, r in zip(seconds, rounds, strict=True)]
        print(f"  {what:22} {span(seconds)} s in {statistics.median(calls):.0f} calls, {span(share)} %{note}")


def odoo_calls(last: Measured) -> None:
    calls = sorted(((k.split("/", 1)[1], v) for k, v in last.timers.items() if k.startswith("odoo/")),  # type: ignore[misc]
                   key=lambda kv: -kv[1][1])
    print("crm2odoo's Odoo calls in the last round's migrate (calls, seconds summed over its connections): "
          + ", ".join(f"{name} {int(n)}x {s:.1f}s" for name, (n, s) in calls[:12]))


def peer_report(rounds: list[Measured]) -> None:
    measured = [r for r in rounds if r.peer]
    if not measured:
        return
    as_run = [sum(v for k, v in r.peer.items() if k != ADDRESS_IMPORT) for r in measured]
    corrected = [sum(r.peer.values()) for r in measured]
    print(f"peer odoo-import-export-client as its users run it: {span(as_run)} s for every object ("
          + ", ".join(f"{k} {span([r.peer.get(k, 0.0) for r in measured])}" for k in OBJECTS)
          + f"); peer s / crm2odoo migrate s = {span([p / r.migrate for p, r in zip(as_run, measured, strict=True)])}"
          " (its contacts of a company get the company's address)")
    print(f"peer with the second import its contacts' addresses need: {span(corrected)} s (the second import "
          f"{span([r.peer.get(ADDRESS_IMPORT, 0.0) for r in measured])} s); peer s / crm2odoo migrate s = "
          f"{span([p / r.migrate for p, r in zip(corrected, measured, strict=True)])} (target >= {PEER_TARGET})")
    for line in measured[-1].peer_check:
        print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", action="append", required=True, type=Target.parse,
                        help="LABEL,URL,WORKERS,DB_PREFIX[,CODE]: an Odoo server (WORKERS: its `workers` setting, 0 "
                             "threaded) and the prefix its db-filter accepts; CODE: a crm2odoo source tree to run "
                             "migrate from (before/after a change on one server); repeat, interleaved each round")
    parser.add_argument("--template", default="base18", help="database every round starts from (a fresh copy)")
    parser.add_argument("--master-password", default="admin", help="the servers' database manager password")
    parser.add_argument("--contacts", type=int, nargs="+", default=[6000],
                        help="sizes (companies a tenth, deals a fifth, about one note per contact)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--peer-workers", type=int, default=None)
    parser.add_argument("--no-reconcile", action="store_true", help="leave out `crm2odoo reconcile` beside migrate")
    parser.add_argument("--keep", action="store_true", help="keep the databases (named in the output)")
    parser.add_argument("--timers-dir", type=Path, default=None,
                        help="keep each migrate's call timeline here (show one: bench/_timed_cli.py --show FILE)")
    args = parser.parse_args(argv)
    for contacts in args.contacts:
        with tempfile.TemporaryDirectory(prefix="bench-l4l-") as tmp:
            work = Path(tmp)
            exports(work / "exports", contacts)
            planned: Path | None = None
            results: dict[str, list[Measured]] = {t.label: [] for t in args.target}
            for number in range(1, args.rounds + 1):
                for target in args.target:
                    measured, root = one_round(target, args, work / "exports", planned, work, not args.no_peer)
                    planned = planned or root
                    results[target.label].append(measured)
                    print(f"  {contacts} contacts, round {number}, {target.label}: migrate {measured.migrate:.1f} s, "
                          f"phases " + ", ".join(f"{k} {v:.1f}" for k, v in measured.phases.items())
                          + f", limit {sum(v for k, v in measured.limit.items() if k != ADDRESS_PART):.1f} s; "
                          f"load {measured.load}",
                          file=sys.stderr, flush=True)
                if number < args.rounds:  # the rounds so far, in case a long run is stopped before its end
                    report(target, contacts, results[target.label])
            for target in args.target:
                report(target, contacts, results[target.label])
    return 0


if __name__ == "__main__":
    sys.exit(main())
