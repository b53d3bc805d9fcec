"""Provisioning (issue 16 item 1): custom fields one call per field vs crm2odoo's Provisioner (one call per model),
and stages/tags one ``load`` per record vs one ``load`` for all, side by side on one Odoo.

One command, one Odoo per run (run it once per version):

    python bench/provisioning.py                                     # a SandboxServer started in-process
    python bench/provisioning.py --odoo-url http://127.0.0.1:8069 --db crm18 --login admin --password admin
    python bench/provisioning.py --odoo-url http://127.0.0.1:8070 --db crm19 --login admin --api-key KEY

Each round creates ``--fields`` (11) custom fields of mixed types (char, text, integer, float, boolean, date,
datetime, two selections with their values, a many2one) on res.partner twice, under fresh names: (a) one
``ir.model.fields`` create per field, as provisioning sent them before, and (b) through crm2odoo's Provisioner
(ledger in a temporary folder). The two alternate which goes first from round to round, so the registry growing
and other load on the machine hit both alike. Then ``--records`` (20) stages, deal tags and contact tags each: one
``load`` per record vs one ``load`` of all of them (external IDs in both). Everything is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import add_odoo_arguments, odoo_target, table

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.cells import quiet_context
from crm2odoo.load.provision import Provisioner
from crm2odoo.mapping.spec import MappingSpec, spec_from_data
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema

#: (name stem, type, options) of the fields each contender creates
FIELD_KINDS: list[tuple[str, str, list[list[str]]]] = [
    ("code", "char", []), ("ref", "char", []), ("about", "text", []), ("visits", "integer", []),
    ("score", "float", []), ("vip", "boolean", []), ("since", "date", []), ("seen", "datetime", []),
    ("tier", "selection", [["gold", "Gold"], ["silver", "Silver"], ["bronze", "Bronze"], ["none", "None"]]),
    ("channel", "selection", [["web", "Web"], ["phone", "Phone"], ["event", "Event"]]),
    ("segment", "many2one", []),
]
RECORD_MODELS = ("crm.stage", "crm.tag", "res.partner.category")


def planned(count: int, prefix: str) -> list[tuple[str, str, list[list[str]]]]:
    """``count`` fields cycling through FIELD_KINDS, named under ``prefix``."""
    return [(f"x_{prefix}_{FIELD_KINDS[i % len(FIELD_KINDS)][0]}{i}", *FIELD_KINDS[i % len(FIELD_KINDS)][1:])
            for i in range(count)]


def field_spec(fields: list[tuple[str, str, list[list[str]]]], system: str) -> MappingSpec:
    lines: list[dict[str, Any]] = [{"source": "email", "target": "email", "transform": "email"}]
    for i, (name, ttype, options) in enumerate(fields):
        new_field: dict[str, Any] = {"type": ttype, "label": name}
        if options:
            new_field["options"] = options
        if ttype == "many2one":
            new_field["relation"] = "res.partner.category"
        lines.append({"source": f"f{i}", "target": name, "transform": "text", "new_field": new_field})
    return spec_from_data({"source_kind": "ontraport", "system": system, "odoo_version": "18.0",
                           "objects": {"contact": {"source_object": "contact", "model": "res.partner",
                                                   "fields": lines}}})


def one_per_field(client: OdooClient, fields: list[tuple[str, str, list[list[str]]]]) -> list[int]:
    partner = int(client.search_read("ir.model", [["model", "=", "res.partner"]], ["id"])[0]["id"])
    ids: list[int] = []
    for name, ttype, options in fields:
        vals: dict[str, Any] = {"model_id": partner, "name": name, "field_description": name, "ttype": ttype,
                                "state": "manual", "store": True}
        if options:
            vals["selection_ids"] = [[0, 0, {"value": k, "name": v, "sequence": i}] for i, (k, v) in enumerate(options)]
        if ttype == "many2one":
            vals.update(relation="res.partner.category", on_delete="set null")
        ids += client.create("ir.model.fields", [vals])
    return ids


def by_provisioner(client: OdooClient, fields: list[tuple[str, str, list[list[str]]]], folder: Path) -> list[int]:
    ledger = Ledger(folder / f"ledger-{uuid.uuid4().hex[:6]}.sqlite")
    spec = field_spec(fields, "bench")
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    Provisioner(client, Schema(client), ledger, run_id).provision(spec)
    return [int(c["odoo_id"]) for c in ledger.schema_changes(run_id) if c["kind"] == "field"]


def load_rows(model: str, prefix: str, count: int) -> list[list[str]]:
    return [[f"crm2odoo.bench_{prefix}_{model.replace('.', '_')}_{i}", f"Bench {prefix} {i}"] for i in range(count)]


def one_load_per_record(client: OdooClient, model: str, rows: list[list[str]]) -> list[int]:
    ids: list[int] = []
    for row in rows:
        ids += client.load(model, ["id", "name"], [row], context=quiet_context())["ids"] or []
    return ids


def one_load(client: OdooClient, model: str, rows: list[list[str]]) -> list[int]:
    return list(client.load(model, ["id", "name"], rows, context=quiet_context())["ids"] or [])


def timed(call: Callable[[], list[int]]) -> tuple[float, list[int]]:
    started = time.perf_counter()
    ids = call()
    return time.perf_counter() - started, ids


def spread(values: list[float]) -> str:
    middle = statistics.median(values)
    return f"{middle:.2f}" if len(values) == 1 else f"{middle:.2f} ({min(values):.2f}-{max(values):.2f})"


def measure_fields(client: OdooClient, args: argparse.Namespace, folder: Path,
                   created: list[int]) -> list[list[Any]]:
    per_field: list[float] = []
    provisioner: list[float] = []
    for number in range(args.rounds):
        tag = uuid.uuid4().hex[:5]
        contenders = [(lambda t=tag: one_per_field(client, planned(args.fields, f"pa{t}")), per_field),
                      (lambda t=tag: by_provisioner(client, planned(args.fields, f"pb{t}"), folder), provisioner)]
        for run, seconds in contenders if number % 2 == 0 else reversed(contenders):
            took, ids = timed(run)
            seconds.append(took)
            created += ids
        print(f"  round {number + 1}: one call per field {per_field[-1]:.2f}s, Provisioner {provisioner[-1]:.2f}s")
    ratios = [a / b for a, b in zip(per_field, provisioner, strict=True)]
    return [[f"{args.fields} fields on res.partner", spread(per_field), spread(provisioner), spread(ratios)]]


def measure_records(client: OdooClient, args: argparse.Namespace,
                    created: dict[str, list[int]]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for model in RECORD_MODELS:
        single: list[float] = []
        batched: list[float] = []
        for number in range(args.rounds):
            tag = uuid.uuid4().hex[:5]
            contenders = [
                (lambda m=model, t=tag: one_load_per_record(client, m, load_rows(m, f"ra{t}", args.records)), single),
                (lambda m=model, t=tag: one_load(client, m, load_rows(m, f"rb{t}", args.records)), batched)]
            for run, seconds in contenders if number % 2 == 0 else reversed(contenders):
                took, ids = timed(run)
                seconds.append(took)
                created.setdefault(model, []).extend(ids)
        ratios = [a / b for a, b in zip(single, batched, strict=True)]
        out.append([f"{args.records} {model}", spread(single), spread(batched), spread(ratios)])
    return out


def clean_up(client: OdooClient, fields: list[int], records: dict[str, list[int]]) -> None:
    if fields:
        client.unlink("ir.model.fields", sorted(set(fields)))
    for model, ids in records.items():
        if ids:
            client.unlink(model, sorted(set(ids)), context=quiet_context())
    bench_xmlids = client.search_read("ir.model.data", [["module", "=", "crm2odoo"], ["name", "=like", "bench_%"]],
                                      ["id"])
    if bench_xmlids:
        client.unlink("ir.model.data", [int(r["id"]) for r in bench_xmlids])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_odoo_arguments(parser)
    parser.add_argument("--fields", type=int, default=11, help="custom fields per contender and round")
    parser.add_argument("--records", type=int, default=20, help="stages / tags per model, contender and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (the table shows median and range)")
    args = parser.parse_args(argv)
    with odoo_target(args) as settings, tempfile.TemporaryDirectory(prefix="bench-provision-") as tmp:
        client = OdooClient(settings)
        print(f"target: {settings.url} db={settings.database} Odoo {client.server.version} "
              f"({'sandbox' if not args.odoo_url else 'real'}), transport {client.transport.name}; "
              f"rounds {args.rounds}; load average {os.getloadavg()[0]:.1f}")
        fields: list[int] = []
        records: dict[str, list[int]] = {}
        try:
            rows = measure_fields(client, args, Path(tmp), fields) + measure_records(client, args, records)
            print(f"load average at the end {os.getloadavg()[0]:.1f}")
            print(table(["what", "one call each (s)", "crm2odoo (s)", "ratio"], rows))
        finally:
            clean_up(client, fields, records)
            client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
