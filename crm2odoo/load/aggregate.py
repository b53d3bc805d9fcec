"""Objects summed up onto the partners they belong to, instead of becoming records of their own.

Chosen in the plan (``engagement = "aggregate"``, ``campaigns = "field"``): each source record names its partner
(the line with target ``id``) and every other line says how its values combine per partner in
``params.aggregate``: ``count`` (records), ``max`` (latest date), ``join`` (distinct values, comma-separated) or
``tally`` ("Email Open: 12; Link Click: 3"). The totals are written onto the partners with ``load`` by database id,
after their previous values are kept for rollback; nothing is created. Each source record ends in the ledger as
``updated`` on its partner (or quarantined when its partner is not in Odoo).

Totals depend on every record of a partner, so this always reads the whole object, on delta runs too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.ledger.db import Issue, Landing
from crm2odoo.load.cells import cell, read_cells
from crm2odoo.load.context import LoadContext
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.validate.runnable import filled_by

AGGREGATES = ("count", "max", "join", "tally")
BATCH = 200


@dataclass
class _Totals:
    counts: Counter[str] = field(default_factory=Counter)
    latest: dict[str, str] = field(default_factory=dict)
    joined: dict[str, set[str]] = field(default_factory=dict)
    tallies: dict[str, Counter[str]] = field(default_factory=dict)


def aggregate_lines(obj: ObjectMap) -> dict[str, str]:
    """target -> how it combines, for every line that is not the partner line."""
    return {line.target: str(line.params.get("aggregate", "join")) for line in obj.fields
            if not line.ignore and line.target and line.target != "id"}


class Aggregator:
    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx
        self.client, self.ledger, self.run_id = ctx.client, ctx.ledger, ctx.run_id

    def run(self, obj: ObjectMap, ids: set[str] | None, result: ObjectResult) -> ObjectResult:
        how = aggregate_lines(obj)
        meta = self.ctx.schema.fields(obj.model)
        missing = [t for t in how if t not in meta]
        if missing:
            result.blocked = f"{obj.model} has no field {', '.join(missing)} (provision the map's new fields first)"
            return result
        totals: dict[int, _Totals] = {}
        members: dict[int, list[tuple[str, str, str]]] = {}  # partner -> (source id, content hash, locator)
        for target in self.ctx.transformed(obj, ids, result):
            vals, problems, _ = self.ctx.resolver.resolve(target)
            partner = vals.get("id")
            if not isinstance(partner, int):
                reason = "; ".join(p.message for p in problems) or "names no record to add it to"
                self.ctx.quarantine(obj, target.source_id, reason, target.locator, result)
                continue
            sums = totals.setdefault(partner, _Totals())
            for name, kind in how.items():
                value = vals.get(name)
                if value in (None, "", False, []):
                    continue
                shown = cell(value, meta[name]) if meta[name].get("type") in ("date", "datetime") else str(value)
                if kind == "count":
                    sums.counts[name] += 1
                elif kind == "max":
                    sums.latest[name] = max(sums.latest.get(name, ""), shown)
                elif kind == "tally":
                    sums.tallies.setdefault(name, Counter())[shown] += 1
                else:
                    sums.joined.setdefault(name, set()).add(shown)
            members.setdefault(partner, []).append((target.source_id, target.content_hash, target.locator))
        if totals:
            self._write(obj, how, meta, totals, members, result)
        return result

    def _write(self, obj: ObjectMap, how: dict[str, str], meta: dict[str, dict[str, Any]],
               totals: dict[int, _Totals], members: dict[int, list[tuple[str, str, str]]],
               result: ObjectResult) -> None:
        names = sorted(how)
        partners = sorted(totals)
        for start in range(0, len(partners), BATCH):
            chunk = partners[start:start + BATCH]
            rows = {int(r["id"]): r for r in self.client.read(obj.model, chunk, names)}
            current = {pid: read_cells(row, names, meta) for pid, row in rows.items()}
            wanted = {pid: self._cells(totals[pid], how, meta) for pid in chunk}
            changed = [pid for pid in chunk if pid in current and any(
                current[pid].get(n, "") != wanted[pid][n] for n in names)]
            if changed:
                self.ledger.save_prior(self.run_id, obj.model, {pid: {n: rows[pid].get(n) for n in names}
                                                                for pid in changed})
                data = [[str(pid), *(wanted[pid][n] for n in names)] for pid in changed]
                answer = self.client.load(obj.model, [".id", *names], data, context=self.ctx.context)
                errors = [m for m in answer.get("messages") or [] if m.get("type") == "error"]
                if errors or not answer.get("ids"):
                    # load is all or nothing: the chunk's records are kept aside with Odoo's reason
                    reason = "Odoo: " + "; ".join(str(m.get("message")) for m in errors)[:500]
                    for pid in chunk:
                        for source_id, _, locator in members.get(pid, []):
                            self.ledger.mark_quarantined(self.run_id, obj.name, source_id, reason,
                                                         model=obj.model, locator=locator)
                            result.quarantined += 1
                    self.ledger.add_issues(self.run_id, [Issue(obj.name, None, "quarantine", reason)])
                    continue
            for pid in chunk:
                if pid not in current:
                    continue
                for source_id, content_hash, locator in members[pid]:
                    self.ledger.mark_matched(self.run_id, obj.name, source_id, obj.model, "", pid, locator)
                    self.ledger.mark_landed(self.run_id, [Landing(obj.name, source_id, pid, "updated", wanted[pid])])
                    self.ledger.set_hash(obj.name, source_id, content_hash)
                if pid in changed:
                    result.updated += len(members[pid])
                else:
                    result.unchanged += len(members[pid])

    @staticmethod
    def _cells(sums: _Totals, how: dict[str, str], meta: dict[str, dict[str, Any]]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, kind in how.items():
            if kind == "count":
                out[name] = cell(sums.counts.get(name, 0), meta[name])
            elif kind == "max":
                out[name] = sums.latest.get(name, "")
            elif kind == "tally":
                tally = sums.tallies.get(name, Counter())
                out[name] = "; ".join(f"{value}: {n}" for value, n in sorted(tally.items(), key=lambda kv: (-kv[1],
                                                                                                      kv[0])))
            else:
                out[name] = ", ".join(sorted(sums.joined.get(name, set())))
        return out


def aggregate_map_problems(obj: ObjectMap, fields: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """An aggregating map needs the record its totals go to, known aggregates, and fields that exist."""
    problems: list[str] = []
    if "id" not in filled_by(obj):
        problems.append(f"objects.{obj.name}: options.aggregate needs a line with target id naming the "
                        "record the totals go to (transform ref)")
    for line in obj.fields:
        if line.ignore or not line.target or line.target == "id":
            continue
        if str(line.params.get("aggregate", "join")) not in AGGREGATES:
            problems.append(f"objects.{obj.name}: {line.key()}: params.aggregate must be one of "
                            f"{', '.join(AGGREGATES)}")
        if line.new_field is None and line.target not in fields:
            problems.append(f"objects.{obj.name}: {line.key()} -> {line.target}: {obj.model} has no field "
                            f"{line.target} (plan it as new_field)")
    return problems
