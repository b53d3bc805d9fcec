"""A big account against a real Odoo (issue 16 item 4): flat memory, a steady rate, an ETA that holds.

    python bench/big_account.py --odoo-url http://127.0.0.1:8091 --db big18 --password admin
    python bench/big_account.py --contacts 20000 --notes 60000 ...     # a smaller account first
    python bench/big_account.py --sandbox --contacts 20000 --notes 100000  # into the in-process sandbox Odoo

What it does, as a user would: streams an Ontraport contacts-with-notes CSV export of the given size to disk (the
UI's headers, dates, dropdown labels and tag names; one row per note, the contact repeated), then ``init``,
``discover``, ``plan``, ``approve`` (the proposed map unchanged) and ``migrate`` through ``crm2odoo.api`` -- the
functions the CLI wraps. ``migrate`` runs in a child process (the crm2odoo process whose memory is measured); it
writes every progress event it gets, with the time, to a file the parent reads.

While it runs the parent samples the child's RSS every ``--sample-seconds`` and feeds the ``object_progress``
events to :class:`crm2odoo.progress.RateMeter` (one per object, one overall), exactly what the CLI shows. At the
end it prints, per object and overall: records/s per 10 % slice of progress, RSS min/max/final in each slice, the
ETA shown at 10 %, 20 %, ... against the time that really remained (error in %), and the whole command's time.
The raw samples go to ``<report>.csv`` beside the report (``--out``), one row per sample and object.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import psutil  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table

from crm2odoo.progress import RateMeter, RunProgress

# -- the export -----------------------------------------------------------------------------------------------

#: the UI's contacts-with-notes export: display labels, one row per note (the contact's columns repeated)
HEADER = ["Contact ID", "First Name", "Last Name", "Email", "Title", "Company", "Address", "City", "State",
          "Zip Code", "Country", "Office Phone", "SMS Number", "Website", "Birthday", "Date Added", "Date Modified",
          "Owner", "Contact Tags", "Priority", "Email Status", "Unique ID", "Plan", "Interests", "Renewal Date",
          "Lead Score", "Referral Code", "VIP", "Note", "Note Date", "Note Author"]
FIRST = ["Ayşe", "Mehmet", "Zeynep", "İsmail", "Jürgen", "Käthe", "Maria", "John", "Émilie", "Łukasz", "Noah", "Ава"]
LAST = ["Yılmaz", "Öztürk", "Müller", "Schäfer", "Smith", "Doğan", "Weiß", "Çelik", "García", "O'Brien", "Lee"]
CITIES = [("İstanbul", "TR"), ("München", "DE"), ("Köln", "DE"), ("Austin", "US"), ("Zürich", "CH")]
OWNERS = ["Ayşe Yılmaz", "Jürgen Groß", "Chris Unmatched"]
TAGS = ["Customer", "Prospect", "Newsletter", "VIP 🌟", "Webinar 2024", "Müşteri", "Partner"]
NOTE_TEXTS = ["Called, left a voicemail.", "<p>Met at the <b>trade fair</b>; wants a quote.</p>",
              "Follow-up: sent brochure 📎", "Görüşme yapıldı, teklif bekliyor.", "Rückruf am Montag vereinbart."]
BASE = dt.datetime(2021, 1, 4, 9, 0, 0)


def _ui(moment: dt.datetime) -> str:
    return moment.strftime("%m/%d/%Y %H:%M:%S")


def notes_of(n: int, contacts: int, notes: int) -> int:
    """How many notes contact ``n`` (1-based) gets, so that all contacts together have exactly ``notes``."""
    return n * notes // contacts - (n - 1) * notes // contacts


def _contact_cells(rnd: random.Random, n: int) -> list[str]:
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    city, country = rnd.choice(CITIES)
    added = BASE + dt.timedelta(seconds=rnd.randint(0, 900 * 86400))
    tags = rnd.sample(TAGS, rnd.randint(0, 3))
    interests = rnd.sample(["Real Estate", "Finance", "Travel", "Yazılım", "Gärten"], rnd.randint(0, 2))
    return [str(n), first, last, f"person.{n}@example.{'com' if n % 3 else 'de'}" if n % 17 else "",
            rnd.choice(["CEO", "Müdür", "Einkäufer", "", "Sales Manager"]), f"Company text {n % 997 + 1}",
            f"{rnd.randint(1, 200)} Main St", city, "", f"{10000 + n % 89999}", country,
            f"+49 30 {n:07d}" if n % 2 else "", f"+90 532 {n:07d}" if n % 3 == 0 else "",
            "https://example.org" if n % 7 == 0 else "",
            (BASE - dt.timedelta(days=rnd.randint(7000, 20000))).strftime("%m/%d/%Y") if n % 4 == 0 else "",
            _ui(added), _ui(added + dt.timedelta(days=rnd.randint(0, 300))), rnd.choice(OWNERS), "*/*".join(tags),
            rnd.choice(["", "High", "Medium", "Low"]), rnd.choice(["Transactional Only", "Single Opt-in",
                                                                 "Double Opt-in", "Hard Bounce"]),
            f"U{n:08d}", rnd.choice(["Gold", "Silver", "Bronze", ""]), "*/*".join(interests),
            (BASE + dt.timedelta(days=rnd.randint(500, 1500))).strftime("%m/%d/%Y") if n % 3 else "",
            str(rnd.randint(0, 100)), f"REF-{n:06d}" if n % 2 else "", "Yes" if n % 9 == 0 else "No"]


def write_export(path: Path, contacts: int, notes: int, seed: int = 16) -> None:
    """The contacts-with-notes export, streamed row by row: memory does not depend on the size."""
    rnd = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for n in range(1, contacts + 1):
            cells = _contact_cells(rnd, n)
            count = notes_of(n, contacts, notes)
            if count == 0:
                writer.writerow([*cells, "", "", ""])
            for k in range(count):
                when = BASE + dt.timedelta(days=300 + rnd.randint(0, 900), seconds=rnd.randint(0, 86399))
                writer.writerow([*cells, rnd.choice(NOTE_TEXTS) + (f" #{k}" if k else ""), _ui(when),
                                 rnd.choice(OWNERS)])


# -- the project, as a user makes it ---------------------------------------------------------------------------

def make_project(root: Path, export: Path, args: argparse.Namespace, known_totals: dict[str, int]) -> None:
    """init, the config a user writes, discover, plan, approve the proposed map unchanged."""
    from crm2odoo import api

    api.init_project(root, "ontraport-csv", force=True)
    (root / "exports").mkdir(exist_ok=True)
    link = root / "exports" / export.name
    if not link.exists():
        link.symlink_to(export)
    (root / "crm2odoo.toml").write_text(
        f'[source]\nkind = "ontraport-csv"\npath = "exports/"\n\n'
        f'[odoo]\nurl = "{args.odoo_url}"\ndatabase = "{args.db}"\nlogin = "{args.login}"\n'
        'password = "${BIG_ACCOUNT_ODOO_PASSWORD}"\n\n'
        f'[migration]\nfallback_owner = "admin"\nnamespace = "big{uuid.uuid4().hex[:8]}"\n'
        + (f"batch_size = {args.batch_size}\n" if args.batch_size else "")
        + (f"workers = {args.workers}\n" if args.workers else ""), encoding="utf-8")
    discovered = api.discover(root)
    known_totals.update({o.name: o.count for o in discovered.catalog.objects if o.count is not None})
    print("discovered:", ", ".join(f"{o.name} {o.count}" for o in discovered.catalog.objects), flush=True)
    api.plan(root)
    if not api.approve(root, confirm=lambda changes: True, login="bench").approved:
        raise SystemExit("the map was not approved")


def child_migrate(root: Path, events_path: Path) -> int:
    """The crm2odoo process: migrate, writing each event as a JSON line with its time (monotonic, system-wide)."""
    from crm2odoo import api

    lock = threading.Lock()
    with events_path.open("w", encoding="utf-8", buffering=1) as out:
        def events(kind: str, **data: Any) -> None:
            if kind in ("object_done", "object_blocked"):
                result = data.get("result")
                data = {"name": getattr(result, "name", "?"), "read": getattr(result, "read", None)}
            line = json.dumps({"t": time.monotonic(), "kind": kind, **data}, default=str)
            with lock:
                out.write(line + "\n")

        stop = threading.Event()  # SIGTERM from the parent at --time-limit: end between batches, as Ctrl-C does
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        info = api.migrate(root, events=events, stop=stop)
        events("finished", state=info.state, elapsed=info.elapsed_seconds)
    return 0


# -- watching the child ----------------------------------------------------------------------------------------

@dataclass
class Track:
    """One object's progress (or the overall one): events seen, checkpoints at each 10 %, its meter."""

    name: str
    total: int | None
    meter: RateMeter
    started: float
    done: int = 0
    ended: float | None = None
    first_record_at: float | None = None  # a step may read and sort everything before its first batch
    checkpoints: dict[int, tuple[float, float | None]] = field(default_factory=dict)  # tenth -> (t, ETA shown)

    def advance(self, t: float, done: int) -> None:
        self.done = done
        if done > 0 and self.first_record_at is None:
            self.first_record_at = t
        self.meter.update(done)
        if not self.total:
            return
        tenth = min(10, done * 10 // self.total)
        for k in range(1, tenth + 1):
            if k not in self.checkpoints:
                self.checkpoints[k] = (t, self.meter.eta_seconds())


@dataclass
class Watch:
    """What the parent learns from the child's events and its RSS."""

    clock: list[float] = field(default_factory=lambda: [time.monotonic()])
    tracks: dict[str, Track] = field(default_factory=dict)
    overall: Track | None = None
    rss: list[tuple[float, float]] = field(default_factory=list)  # (t, MB)
    rows: list[list[Any]] = field(default_factory=list)
    finished: dict[str, Any] = field(default_factory=dict)

    waits: list[tuple[str, float, float | None]] = field(default_factory=list)  # (what, start, end) of waiting
    known_totals: dict[str, int] = field(default_factory=dict)  # discover's counts, for a library without totals
    read_counts: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # a long read's last (done, total)
    heard_progress: bool = False
    #: the CLI's own bookkeeping of the run, fed the same events: the overall ETA is the one a person is shown
    #: (per object when the plan brings the paces of an earlier run)
    run: RunProgress | None = None

    def now(self) -> float:
        return self.clock[0]

    def meter(self, total: int | None) -> RateMeter:
        return RateMeter(total, clock=self.now)

    def feed(self, event: dict[str, Any]) -> None:
        t = float(event["t"])
        self.clock[0] = t
        kind = event["kind"]
        if kind == "run_plan":
            self.run = RunProgress(clock=self.now)
            self.run.plan([tuple(o) for o in event["objects"]], event.get("shared", ()), event.get("paces"),
                          event.get("landed"))
            if self.run.overall.total is not None:
                self.overall = Track("overall", self.run.overall.total, self.run.overall, t)
        elif kind == "object_start":
            total = event.get("total") or self.known_totals.get(event["name"])
            if self.run is not None:
                self.run.start(event["name"], total)
            if self.overall is None and self.known_totals:  # a library without run_plan: discover's counts
                whole = sum(self.known_totals.values())
                self.overall = Track("overall", whole, self.meter(whole), t)
            self.tracks[event["name"]] = Track(event["name"], total, self.meter(total), t)
        elif kind == "object_progress" and event["name"] in self.tracks:
            self.heard_progress = self.heard_progress or not event.get("from_ledger")
            self.tracks[event["name"]].advance(t, int(event["done"]))
            if self.run is not None:
                self.run.progress(event["name"], int(event["done"]), self.tracks[event["name"]].total)
            if self.overall is not None:
                self.overall.advance(t, sum(tr.done for tr in self.tracks.values()))
        elif kind in ("object_done", "object_blocked") and event["name"] in self.tracks:
            self.tracks[event["name"]].ended = t
            if self.run is not None:
                self.run.end(event["name"])
        elif kind == "waiting":
            self.waits.append((str(event.get("what", "")), t, None))
        elif kind == "waiting_progress":
            self.read_counts[str(event.get("what", ""))] = (int(event["done"]), event.get("total"))
        elif kind == "waiting_done":
            what = str(event.get("what", ""))
            for n, (name, start, end) in enumerate(self.waits):
                if name == what and end is None:
                    self.waits[n] = (name, start, t)
                    break
        elif kind == "finished":
            self.finished.update(event)

    def sample(self, t: float, rss_mb: float) -> None:
        self.rss.append((t, rss_mb))
        self.clock[0] = max(self.clock[0], t)
        active = [tr for tr in self.tracks.values() if tr.ended is None] or list(self.tracks.values())[-1:]
        overall_eta = _r(self.overall.meter.eta_seconds() if self.overall else None)
        if not active:  # provisioning, or reconcile after the last object
            self.rows.append([round(t, 2), round(rss_mb, 1), "", "", "", "", "", overall_eta])
        for tr in active:
            self.rows.append([round(t, 2), round(rss_mb, 1), tr.name, tr.done, tr.total, _r(tr.meter.rate()),
                              _r(tr.meter.eta_seconds()), overall_eta])


def _r(x: float | None) -> float | str:
    return "" if x is None else round(x, 1)


def _new_lines(fh: TextIO, pending: list[str]) -> Iterator[dict[str, Any]]:
    chunk = fh.read()
    if not chunk:
        return
    pending.append(chunk)
    text = "".join(pending)
    pending.clear()
    *lines, rest = text.split("\n")
    if rest:
        pending.append(rest)
    for line in lines:
        if line.strip():
            yield json.loads(line)


def ledger_progress(ledger: Path, watch: Watch) -> dict[str, Any] | None:
    """Progress counted in the ledger, for a library that sends no ``object_progress`` events."""
    active = [tr for tr in watch.tracks.values() if tr.ended is None]
    if watch.heard_progress or not active or not ledger.exists():
        return None
    with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=5) as db:
        done = db.execute("SELECT count(*) FROM records WHERE object=? AND state != 'sending'",
                          (active[-1].name,)).fetchone()[0]
    return {"t": time.monotonic(), "kind": "object_progress", "name": active[-1].name, "done": int(done),
            "from_ledger": True}


def run_child(root: Path, every: float, watch: Watch, time_limit: float) -> tuple[float, float, int]:
    """Start the migrate child, sample it until it exits (asked to stop after ``time_limit`` seconds, 0: never);
    returns (start, end, exit code) on the monotonic clock. What the parent observes (RSS, progress counted in
    the ledger) goes to ``observed.jsonl`` beside the child's ``events.jsonl``, so ``--replay`` can re-read both."""
    events_path = root / "events.jsonl"
    events_path.write_text("", encoding="utf-8")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(root), str(events_path)],
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    ps = psutil.Process(proc.pid)
    pending: list[str] = []
    with events_path.open("r", encoding="utf-8") as fh, \
            (root / "observed.jsonl").open("w", encoding="utf-8", buffering=1) as observed:
        observed.write(json.dumps({"t": started, "kind": "child_started"}) + "\n")
        while True:
            code = proc.poll()
            for event in _new_lines(fh, pending):
                watch.feed(event)
            if code is not None:
                ended = time.monotonic()
                observed.write(json.dumps({"t": ended, "kind": "child_exited", "code": code}) + "\n")
                return started, ended, code
            if time_limit and time.monotonic() - started > time_limit and not watch.finished.get("asked_to_stop"):
                proc.send_signal(signal.SIGTERM)
                watch.finished["asked_to_stop"] = True
            try:
                counted = ledger_progress(root / ".crm2odoo" / "ledger.sqlite", watch)
                if counted is not None:
                    watch.feed(counted)
                    observed.write(json.dumps(counted) + "\n")
                t, mb = time.monotonic(), ps.memory_info().rss / 2**20
                watch.sample(t, mb)
                observed.write(json.dumps({"t": t, "kind": "rss", "mb": round(mb, 1)}) + "\n")
            except psutil.NoSuchProcess:
                pass
            time.sleep(every)


def replay(root: Path, watch: Watch) -> tuple[float, float, int]:
    """Feed a finished run's events and observations again, in time order (for another look, or another meter)."""
    lines: list[dict[str, Any]] = []
    for name in ("events.jsonl", "observed.jsonl"):
        with (root / name).open(encoding="utf-8") as fh:
            lines += [json.loads(line) for line in fh if line.strip()]
    lines.sort(key=lambda e: float(e["t"]))
    started, ended, code = lines[0]["t"], lines[-1]["t"], -1
    for event in lines:
        if event["kind"] == "rss":
            watch.sample(float(event["t"]), float(event["mb"]))
        elif event["kind"] == "child_started":
            started = float(event["t"])
        elif event["kind"] == "child_exited":
            ended, code = float(event["t"]), int(event["code"])
        else:
            watch.feed(event)
    return started, ended, code


# -- the report ------------------------------------------------------------------------------------------------

def slices(tr: Track, rss: list[tuple[float, float]]) -> list[list[Any]]:
    """Per 10 % slice: records/s, RSS min/max/final, ETA shown at its end vs what really remained."""
    end = tr.ended
    rows = []
    previous = tr.started
    for k in range(1, 11):
        if k not in tr.checkpoints or not tr.total:
            break
        t, eta = tr.checkpoints[k]
        took = t - previous
        inside = [mb for (s, mb) in rss if previous <= s <= t] or [mb for (s, mb) in rss if s <= t][-1:]
        remaining = (end - t) if end is not None else None
        error = (f"{(eta - remaining) / remaining * 100:+.0f} %" if eta is not None and remaining and k < 10
                 else "")
        rows.append([f"{(k - 1) * 10}-{k * 10} %", f"{took:.0f}",
                     f"{tr.total / 10 / took:.0f}" if took > 0 else "-",
                     f"{min(inside):.0f}" if inside else "-", f"{max(inside):.0f}" if inside else "-",
                     f"{inside[-1]:.0f}" if inside else "-",
                     "" if eta is None else f"{eta:.0f}", "" if remaining is None else f"{remaining:.0f}", error])
        previous = t
    return rows


def report(watch: Watch, started: float, ended: float, code: int, args: argparse.Namespace) -> str:
    load = os.getloadavg()
    lines = [f"# big account: {args.contacts:,} contacts + {args.notes:,} notes -> {args.odoo_url} db {args.db}",
             f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}; "
             f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
             f"migrate: exit {code}, state {watch.finished.get('state', '?')}, whole command {ended - started:.0f} s "
             f"(child's own elapsed {watch.finished.get('elapsed', 0):.0f} s)",
             f"RSS of the crm2odoo process: min {min(mb for _, mb in watch.rss):.0f} MB, "
             f"max {max(mb for _, mb in watch.rss):.0f} MB, final {watch.rss[-1][1]:.0f} MB"
             if watch.rss else "RSS: no samples"]
    if watch.overall is not None and watch.tracks and all(tr.ended is not None for tr in watch.tracks.values()) \
            and watch.finished.get("state") not in (None, "interrupted"):
        watch.overall.ended = max(tr.ended or 0.0 for tr in watch.tracks.values())  # the last object's end
    for what, start, end in watch.waits:
        if end is None or end - start >= 2:
            count = watch.read_counts.get(what)
            read = f" ({count[0]:,} of {count[1] if count[1] is not None else '?'} read)" if count else ""
            lines.append(f"waiting {'(never done) ' if end is None else f'{end - start:.0f} s'}: {what}{read}")
    headers = ["slice", "seconds", "records/s", "RSS min MB", "RSS max MB", "RSS final MB", "ETA shown s",
               "really left s", "ETA error"]
    for tr in [*watch.tracks.values(), *([watch.overall] if watch.overall else [])]:
        took = (tr.ended - tr.started) if tr.ended is not None else None
        lines += ["", f"## {tr.name}: {tr.done:,} of {tr.total if tr.total is not None else '?'} records"
                  + (f" in {took:.0f} s ({tr.done / took:.0f}/s)" if took else "")
                  + (f"; first record {tr.first_record_at - tr.started:.0f} s after the start"
                     if tr.first_record_at is not None else "")]
        rows = slices(tr, watch.rss)
        if rows:
            lines.append(table(headers, rows))
    return "\n".join(lines)


def write_samples(path: Path, watch: Watch, started: float) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["seconds", "rss_mb", "object", "done", "total", "rate_per_s", "eta_object_s",
                         "eta_overall_s"])
        for row in watch.rows:
            writer.writerow([round(row[0] - started, 2), *row[1:]])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=300_000)
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--odoo-url", help="a real Odoo, e.g. http://127.0.0.1:8069 (required)")
    parser.add_argument("--db", help="its database (required)")
    parser.add_argument("--sandbox", action="store_true",
                        help="migrate into the in-process sandbox Odoo instead (the library's own costs, no server's)")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default=os.environ.get("BIG_ACCOUNT_ODOO_PASSWORD", ""))
    parser.add_argument("--workers", type=int, help="parallel connections (default: the product's)")
    parser.add_argument("--batch-size", type=int, help="records per call (default: the product's)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/crm2odoo-big-account"))
    parser.add_argument("--sample-seconds", type=float, default=2.0)
    parser.add_argument("--time-limit", type=float, default=0,
                        help="seconds after which migrate is asked to stop (as Ctrl-C does); the report then covers "
                             "what was reached")
    parser.add_argument("--replay", type=Path, metavar="PROJECT",
                        help="report again from a finished run's project folder (its events and samples)")
    parser.add_argument("--out", type=Path, help="report file (default: <workdir>/report-<sizes>.txt)")
    parser.add_argument("--child", nargs=2, metavar=("ROOT", "EVENTS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_migrate(Path(args.child[0]), Path(args.child[1]))
    sandbox = None
    if args.sandbox:  # the in-process sandbox Odoo: the child reaches it over HTTP like a real one
        from crm2odoo.sandbox import SandboxServer

        sandbox = SandboxServer(version="18.0").start()
        args.odoo_url, args.db, args.password = sandbox.url, sandbox.database, SandboxServer.admin_password
    if not args.odoo_url or not args.db:
        parser.error("--odoo-url and --db are required (or --sandbox)")
    os.environ["BIG_ACCOUNT_ODOO_PASSWORD"] = args.password
    command_started = time.monotonic()
    tag = f"{args.contacts}c-{args.notes}n"
    export = args.workdir / f"export-{tag}.csv"
    if not export.exists() and not args.replay:  # the same size is the same file (seeded): generated once
        t = time.monotonic()
        write_export(export.with_suffix(".part"), args.contacts, args.notes)
        export.with_suffix(".part").rename(export)
        print(f"export written: {export} ({export.stat().st_size / 2**20:.0f} MB, {time.monotonic() - t:.0f} s)",
              flush=True)
    watch = Watch()
    if args.replay:
        root = args.replay
        watch.known_totals.update(json.loads((root / "totals.json").read_text(encoding="utf-8")))
        started, ended, code = replay(root, watch)
    else:
        root = args.workdir / f"project-{tag}-{uuid.uuid4().hex[:6]}"
        make_project(root, export, args, watch.known_totals)
        (root / "totals.json").write_text(json.dumps(watch.known_totals), encoding="utf-8")
        print(f"project ready in {time.monotonic() - command_started:.0f} s: {root}", flush=True)
        started, ended, code = run_child(root, args.sample_seconds, watch, args.time_limit)
    text = report(watch, started, ended, code, args)
    out = args.out or args.workdir / f"report-{tag}.txt"
    out.write_text(text + "\n", encoding="utf-8")
    write_samples(out.with_suffix(".csv"), watch, started)
    print(text)
    print(f"\nreport: {out}\nsamples: {out.with_suffix('.csv')}")
    if sandbox is not None:
        sandbox.stop()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
