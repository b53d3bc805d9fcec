"""Prove what landed: counts that add up, every difference explained, and field-level spot checks.

Per object: records in the source; expected in Odoo (source minus merged duplicates, skips and quarantines);
landed according to the ledger; present in Odoo by external ID. Then N random landed records per object are
read back and every mapped field compared twice: with the landed value (what Odoo stored when the tool wrote it:
someone or something changed it since?) and the landed value with what the map produces from the source today
(a source change not migrated yet?), under the rules the loader follows (load/rules.py); references
(contact -> company, deal -> partner/stage/team/owner, note -> its record) are part of that comparison.
Every migrated attachment's content is verified, not a sample: the sha1 of the source bytes against the
``checksum`` Odoo computed when it stored the file (the content itself is never read back).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.ledger.db import Ledger, RecordRow
from crm2odoo.load.context import no_events
from crm2odoo.load.refunds import as_registered
from crm2odoo.load.resolve import Resolver, cell, read_cells
from crm2odoo.load.rules import changed_since_landed, corresponds, partner_cells_for_version
from crm2odoo.load.stages import StageArranger
from crm2odoo.load.strategies import reconcilable
from crm2odoo.mapping.engine import XMLID_MODULE, Engine
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.models import odoo_model
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Source
from crm2odoo.spill import SpillMap
from crm2odoo.validate.grouping import group_differences
from crm2odoo.validate.money import MoneyCheck
from crm2odoo.verdict import Tolerance

LANDED = ("created", "updated", "matched", "unchanged", "conflict", "archived")
CHECKSUM_BATCH = 500
_COMPARE = {"char", "integer", "float", "monetary", "boolean", "date", "datetime", "selection", "many2one",
            "many2many", "many2one_reference"}


@dataclass
class Difference:
    source_id: str
    what: str  # not_processed | missing_in_odoo | wrong_record | quarantined | skipped | field_mismatch
    #          | content_mismatch | money_mismatch
    detail: str


@dataclass
class ObjectReconcile:
    name: str
    model: str
    in_source: int | None = None
    expected: int = 0
    landed: int = 0
    present_in_odoo: int = 0
    merged: int = 0
    skipped: int = 0
    quarantined: int = 0
    spot_checked: int = 0
    spot_mismatches: int = 0
    content_checked: int = 0  # attachments whose stored bytes were compared with the source's (by checksum)
    content_mismatches: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.what in ("not_processed", "missing_in_odoo", "wrong_record", "field_mismatch",
                                  "content_mismatch", "money_mismatch") for d in self.differences)

    def asdict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "differences"}
        data["ok"] = self.ok
        data["differences"] = [d.__dict__ for d in self.differences[:500]]
        data["differences_total"] = len(self.differences)
        data["difference_groups"] = [g.asdict() for g in group_differences(self.name, (d.__dict__ for d in
                                                                                           self.differences))]
        return data


@dataclass
class ReconcileInfo:
    objects: list[ObjectReconcile]
    tolerance: Tolerance = field(default_factory=Tolerance)

    @property
    def quarantined(self) -> int:
        return sum(o.quarantined for o in self.objects)

    @property
    def within_tolerance(self) -> bool:
        """Quarantined records are explained, yet not in Odoo: beyond migration.max_quarantine they are a failure."""
        in_source = sum(o.in_source if o.in_source is not None else o.expected + o.quarantined for o in self.objects)
        return self.tolerance.allows(self.quarantined, in_source)

    @property
    def adds_up(self) -> bool:
        """Every count adds up, every difference is explained and every spot check matches (quarantines aside)."""
        return all(o.ok for o in self.objects)

    @property
    def ok(self) -> bool:
        return self.adds_up and self.within_tolerance

    def asdict(self) -> dict[str, Any]:
        return {"ok": self.ok, "quarantined": self.quarantined, "within_tolerance": self.within_tolerance,
                "max_quarantine": self.tolerance.describe(), "objects": [o.asdict() for o in self.objects]}


#: marks of a source id in the reconcile's SpillMap: not (yet) met in the ledger, met there
_UNSEEN, _SEEN = "u", "s"


@dataclass
class _Found:
    """What one object's pass over the ledger gathers besides counts: its differences by kind (kept apart so the
    report lists them in the same order whatever the chunking), the attachments to verify, and a uniform random
    sample of the landed records for the spot check (reservoir sampling: one pass, ``size`` rows held)."""

    size: int
    random: random.Random
    explained: list[Difference] = field(default_factory=list)
    not_processed: list[Difference] = field(default_factory=list)
    sending: list[str] = field(default_factory=list)
    absent: list[Difference] = field(default_factory=list)
    contents: dict[str, int] = field(default_factory=dict)
    sample: list[tuple[str, RecordRow]] = field(default_factory=list)
    offered: int = 0

    def offer(self, rows: Iterable[tuple[str, RecordRow]]) -> None:
        for item in rows:
            self.offered += 1
            if len(self.sample) < self.size:
                self.sample.append(item)
                continue
            slot = self.random.randrange(self.offered)
            if slot < self.size:
                self.sample[slot] = item


class Reconciler:
    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger, spec: MappingSpec, engine: Engine,
                 source: Source | None, *, seed: int | None = None,
                 only_ids: dict[str, set[str]] | None = None, chunk_size: int = 5000,
                 events: Callable[..., None] | None = None, counted: Callable[[int], None] | None = None) -> None:
        self.client, self.schema, self.ledger, self.spec = client, schema, ledger, spec
        self.engine, self.source = engine, source
        self.resolver = Resolver(client, schema, ledger, spec)
        self.random = random.Random(seed)
        self.only_ids = only_ids  # a sample run: only these source ids were meant to load
        self.chunk_size = chunk_size  # ledger records held at once (and external IDs asked of Odoo per call)
        self.events = events or no_events
        #: told the ledger records counted so far, of every object (a pass over a million records takes minutes)
        self.counted = counted
        self._counted = 0

    def run(self, *, spot_check: int = 25) -> ReconcileInfo:
        # deals are expected where the load placed them: in their own pipeline's stage, lost when that stage is
        self.resolver.stage_layout = StageArranger(self.client, self.schema, self.ledger, self.spec).read()
        enabled = self.spec.enabled_objects()
        # a reconcile's objects each take one read of the ledger, the source and Odoo: progress is per object
        self.events("run_plan", objects=[(obj.name, obj.model, None) for obj in enabled])
        objects: list[ObjectReconcile] = []
        for obj in enabled:
            self.events("object_start", name=obj.name, model=obj.model, total=None)
            objects.append(self.object(obj, spot_check))
            self.events("reconciled", result=objects[-1])
        money = self.money() if self.source is not None and self.only_ids is None else None
        return ReconcileInfo(objects + ([money] if money is not None else []))

    def money(self) -> ObjectReconcile | None:
        """Invoice totals, amounts paid and refunded, partner balances against the source (validate/money.py), as
        one more line of the report whose differences fail the reconcile."""
        assert self.source is not None
        report = MoneyCheck(self.client, self.ledger, self.spec, self.engine, self.resolver, self.source).run()
        if report is None:
            return None
        out = ObjectReconcile("money", "account.move", expected=report.invoices, landed=report.invoices,
                              present_in_odoo=report.invoices, spot_checked=report.invoices + report.partners,
                              spot_mismatches=len(report.findings))
        out.differences = [Difference(f.source_id, "money_mismatch", f.detail) for f in report.findings]
        return out

    def object(self, obj: ObjectMap, spot_check: int) -> ObjectReconcile:
        """One object's counts and differences. The ledger is read a chunk at a time and the source's ids are kept
        on disk (SpillMap): memory stays flat whatever the object's size (a million notes)."""
        out = ObjectReconcile(obj.name, obj.model)
        found = _Found(spot_check, self.random)
        with SpillMap() as in_source:
            if self.source is not None:
                out.in_source = self._fill_source_ids(obj, in_source)
            for chunk in self.ledger.records_in_chunks(obj.name, size=self.chunk_size, values=False):
                self._chunk(obj, chunk, in_source if self.source is not None else None, out, found)
                self._counted += len(chunk)
                if self.counted is not None:
                    self.counted(self._counted)
            if self.source is not None:
                found.not_processed = [Difference(sid, "not_processed", "in the source, never loaded: run migrate")
                                       for sid, mark in in_source.items() if mark == _UNSEEN]
        if out.in_source is not None:
            out.expected = out.in_source - out.merged - out.skipped - out.quarantined
        else:
            out.expected = out.landed
        out.differences = [*found.explained, *found.not_processed,
                           *(Difference(sid, "not_processed", "a run stopped while sending it: run migrate")
                             for sid in sorted(found.sending)), *found.absent]
        if found.contents:
            self._verify_contents(obj, found.contents, out)
        # owners are matched users and enrolments are tags on contacts: neither is a record of its own to compare
        if spot_check and self.source is not None and out.landed and reconcilable(obj.load_kind):
            self._spot_check(obj, dict(found.sample), spot_check, out)
        return out

    def _chunk(self, obj: ObjectMap, rows: list[RecordRow], in_source: SpillMap | None, out: ObjectReconcile,
               found: _Found) -> None:
        """One chunk of the ledger's records: its counts, its differences, its part of the spot-check sample."""
        for r in rows:
            listed = in_source is not None and in_source.get(r.source_id) is not None
            if listed and in_source is not None:
                in_source[r.source_id] = _SEEN
            if in_source is not None and not listed and r.state not in LANDED:
                continue  # history: a record no longer in the source that never reached Odoo
            if r.state == "merged":
                out.merged += 1
            elif r.state == "skipped":
                out.skipped += 1
                found.explained.append(Difference(r.source_id, "skipped", r.reason))
            elif r.state == "quarantined":
                out.quarantined += 1
                found.explained.append(Difference(r.source_id, "quarantined", r.reason))
            elif r.state == "sending" and listed:
                found.sending.append(r.source_id)
        landed = {r.source_id: r for r in rows if r.state in LANDED and r.odoo_id}
        out.landed += len(landed)
        present = self._present(obj, landed)
        out.present_in_odoo += sum(1 for sid, r in landed.items() if present.get(sid) == r.odoo_id)
        for sid, r in landed.items():
            odoo_id = present.get(sid)
            if odoo_id is None:
                found.absent.append(Difference(sid, "missing_in_odoo",
                                               f"the ledger says {obj.model} {r.odoo_id}, Odoo has no such record"))
            elif odoo_id != r.odoo_id:
                found.absent.append(Difference(sid, "wrong_record", f"{r.xmlid} points to {obj.model} {odoo_id}, "
                                               f"the ledger says {r.odoo_id}"))
        if self.source is not None and odoo_model(obj.model).content_fields:
            found.contents.update(present)  # attachments: every one is verified, from one read of the source
        found.offer(landed.items())

    def _fill_source_ids(self, obj: ObjectMap, into: SpillMap) -> int:
        """The ids the source holds for this map, into ``into`` (marked unseen); returns how many."""
        assert self.source is not None
        if self.only_ids is not None:
            ids: Iterable[str] = self.only_ids.get(obj.name, set())
        elif obj.where is None:
            ids = self.source.list_ids(obj.source_object)
        else:
            ids = (r.id for r in self.source.read(obj.source_object) if self.engine.applies(obj, r))
        count = 0
        for sid in ids:
            if sid not in into:
                into[sid] = _UNSEEN
                count += 1
        return count

    def _present(self, obj: ObjectMap, landed: Mapping[str, Any]) -> dict[str, int]:
        """source id -> Odoo id found by external ID (owners are matched users: checked by id)."""
        out: dict[str, int] = {}
        by_name = {r.xmlid.split(".", 1)[1]: sid for sid, r in landed.items() if r.xmlid.startswith(XMLID_MODULE + ".")}
        names = sorted(by_name)
        for start in range(0, len(names), self.chunk_size):
            for row in self.client.search_read("ir.model.data", [["module", "=", XMLID_MODULE],
                                                                 ["name", "in", names[start:start + self.chunk_size]]],
                                               ["name", "res_id", "model"]):
                if row["model"] == obj.model:
                    out[by_name[row["name"]]] = int(row["res_id"])
        plain = {sid: int(r.odoo_id) for sid, r in landed.items() if not r.xmlid.startswith(XMLID_MODULE + ".")}
        if plain:
            ids = sorted(set(plain.values()))
            exists = {int(r["id"]) for r in self.client.search_read(obj.model, [["id", "in", ids]], ["id"],
                                                                    context={"active_test": False})}
            out.update({sid: oid for sid, oid in plain.items() if oid in exists})
        # an external ID whose record was deleted in Odoo: Odoo leaves no row, or a row pointing nowhere
        ids = sorted(set(out.values()))
        alive: set[int] = set()
        for start in range(0, len(ids), self.chunk_size):
            chunk = ids[start:start + self.chunk_size]
            alive.update(int(r["id"]) for r in self.client.search_read(obj.model, [["id", "in", chunk]], ["id"],
                                                                       context={"active_test": False}))
        return {sid: oid for sid, oid in out.items() if oid in alive}

    def _spot_check(self, obj: ObjectMap, landed: Mapping[str, Any], size: int, out: ObjectReconcile) -> None:
        """Each chosen record, field by field, two questions (the rules they share with the loader and rollback are
        in load/rules.py):

        * does Odoo still hold what it stored when the tool wrote it (the landed value)? If not, someone or
          something changed it since;
        * does the landed value correspond to what the source and the map produce today? If not, the source
          changed and the change is not migrated yet (or the load went wrong).

        A field the ledger holds no landed value for (not written by the tool, or an older ledger) is compared
        with what the source and the map produce today.
        """
        assert self.source is not None
        chosen = set(self.random.sample(sorted(landed), min(size, len(landed))))
        meta = self.schema.fields(obj.model)
        checks: list[tuple[str, RecordRow, dict[str, str], dict[str, str]]] = []  # id, ledger row, cells, expected
        for record in self.source.read(obj.source_object, ids=chosen):
            if record.id not in chosen or not self.engine.applies(obj, record):
                continue
            target = self.engine.transform(obj, record)
            vals, _, _ = self.resolver.resolve(target)
            if obj.load_kind == "payments":
                vals = as_registered(vals)
            cells = {n: cell(v, meta[n]) for n, v in vals.items() if n in meta}
            if obj.model == "res.partner":
                cells = partner_cells_for_version(cells, self.schema.major)
            expected = {n: c for n, c in cells.items() if meta[n].get("type") in _COMPARE}
            # the pass over the ledger left the values out: the chosen few are read with theirs
            ledger_row = self.ledger.get(obj.name, record.id) or landed[record.id]
            checks.append((record.id, ledger_row, cells, expected))
        # one read for the object's chosen records, not one a record
        names = sorted({n for _, _, _, expected in checks for n in expected})
        ids = sorted({int(row.odoo_id or 0) for _, row, _, expected in checks if expected})
        stored = {int(r["id"]): r for r in self.client.read(obj.model, ids, names, context={"active_test": False})} \
            if ids and names else {}
        for source_id, ledger_row, cells, expected in checks:
            out.spot_checked += 1
            row = stored.get(int(ledger_row.odoo_id or 0)) if expected else None
            if row is None:
                continue
            actual = read_cells(row, sorted(expected), meta)
            problems: list[str] = []
            for n in sorted(expected):
                was = ledger_row.landed_value(n)
                if was is None:
                    if not corresponds(expected[n], actual[n], meta[n], n, model=obj.model, cells=cells):
                        problems.append(f"{n}: expected {expected[n][:40]!r}, Odoo has {actual[n][:40]!r}")
                    continue
                # many2many: what the tool landed must be there; other maps (campaign tags) and users may add more
                if changed_since_landed(str((ledger_row.written or {}).get(n, "")), was, actual[n], meta[n], n,
                                        model=obj.model, cells=cells, subset=True):
                    problems.append(f"{n}: changed in Odoo since the tool wrote it: landed {was[:40]!r}, Odoo has "
                                    f"{actual[n][:40]!r}")
                elif not corresponds(expected[n], was, meta[n], n, model=obj.model, cells=cells):
                    problems.append(f"{n}: the source now gives {expected[n][:40]!r}, Odoo holds {was[:40]!r} "
                                    "(a change not migrated yet)")
            if problems:
                out.spot_mismatches += 1
                out.differences.append(Difference(source_id, "field_mismatch", "; ".join(problems)))

    def _verify_contents(self, obj: ObjectMap, present: Mapping[str, int], out: ObjectReconcile) -> None:
        """Every landed attachment: sha1 of the bytes the map sends from the source == Odoo's ``checksum``."""
        assert self.source is not None
        content_fields = [line.target for line in obj.fields
                          if not line.ignore and line.target in odoo_model(obj.model).content_fields]
        if not content_fields:
            return  # the map sends links (url), not files: there is no content to verify
        expected: dict[str, tuple[str, str]] = {}  # source id -> (sha1, file name)
        for record in self.source.read(obj.source_object, ids=set(present)):
            if record.id not in present or not self.engine.applies(obj, record):
                continue
            target = self.engine.transform(obj, record)
            sent = next(((n, target.vals[n]) for n in content_fields if target.vals.get(n)), None)
            if sent is None:
                continue  # a link or an empty file record: nothing was stored to compare
            digest = _sha1_of(*sent)
            expected[record.id] = (digest, str(target.vals.get("name") or record.values.get("file_name") or ""))
        by_odoo_id = {present[sid]: sid for sid in expected}
        ids = sorted(by_odoo_id)
        stored: dict[int, tuple[str, int]] = {}
        for start in range(0, len(ids), CHECKSUM_BATCH):
            for row in self.client.read(obj.model, ids[start:start + CHECKSUM_BATCH], ["checksum", "file_size"]):
                stored[int(row["id"])] = (str(row.get("checksum") or ""), int(row.get("file_size") or 0))
        for odoo_id in ids:
            sid = by_odoo_id[odoo_id]
            digest, file_name = expected[sid]
            checksum, size = stored.get(odoo_id, ("", 0))
            out.content_checked += 1
            if checksum != digest:
                out.content_mismatches += 1
                out.differences.append(Difference(
                    sid, "content_mismatch",
                    f"file {file_name!r} ({obj.model} {odoo_id}): the source's bytes have sha1 {digest}, Odoo "
                    f"stores {size} bytes with checksum {checksum or '(none)'}"))


def _sha1_of(field_name: str, content: object) -> str:
    """sha1 hex of the bytes Odoo stores for a value the map sends: bytes as they are, ``datas`` text as base64
    (decoded by Odoo), ``raw`` text as its UTF-8 bytes."""
    if isinstance(content, bytes | bytearray):
        return hashlib.sha1(bytes(content)).hexdigest()
    text = str(content)
    if field_name == "datas":
        try:
            return hashlib.sha1(base64.b64decode(text, validate=True)).hexdigest()
        except (binascii.Error, ValueError):
            return ""  # not base64: Odoo could not have stored it as sent, so no checksum can match
    return hashlib.sha1(text.encode()).hexdigest()
