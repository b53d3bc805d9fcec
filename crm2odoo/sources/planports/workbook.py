"""Planports Excel exports (one multi-sheet workbook, or a folder of single-sheet files) as a Source.

Each sheet is recognised by its headers (Turkish or English, any order, under a title row), never by its
name. Rows are streamed; a second pass over a sheet builds the small name -> id indexes that links written
as display names need. Everything the connector could not place is said in ``Catalog.warnings`` or in a
record's ``problems``; nothing is guessed silently.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

from crm2odoo.errors import SourceError
from crm2odoo.sources import SourceSettings
from crm2odoo.sources.base import Catalog, FieldProblem, SourceRecord
from crm2odoo.sources.planports import decode as dec
from crm2odoo.sources.planports import headers as hd
from crm2odoo.sources.planports import tags as tg
from crm2odoo.sources.planports.workbook_catalog import KIND, WorkbookCatalog
from crm2odoo.sources.planports.workbook_parties import Parties
from crm2odoo.sources.planports.workbook_sheets import (
    Names,
    Row,
    SheetPlan,
    Sheets,
    make_record,
    money_fallback,
    problem,
)
from crm2odoo.textnorm import fold, slug

_RELATED_WORDS = {"kisi": "party", "firma": "party", "contact": "party", "company": "party", "musteri": "party",
                  "firsat": "deal", "satis firsati": "deal", "deal": "deal", "opportunity": "deal",
                  "teklif": "quote", "quote": "quote"}


class PlanportsWorkbookSource:
    """Source over Planports .xlsx exports."""

    kind = KIND
    full_read_is_cheap = True

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings
        self.root = settings.path()
        self.sheets = Sheets(self.root)
        self._cache: dict[str, Any] = {}
        self.parties = Parties(self.sheets, self._cache)

    def discover(self) -> Catalog:
        return WorkbookCatalog(self.sheets, self._records, self._tag_plans).discover()

    def read(self, object_name: str, *, since: dt.datetime | None = None,
             ids: Collection[str] | None = None) -> Iterator[SourceRecord]:
        for record in self._records(object_name):
            if ids is not None and record.id not in ids:
                continue
            if since is not None and record.modified_at is not None and record.modified_at < since:
                continue
            yield record

    def list_ids(self, object_name: str) -> Iterator[str]:
        return (r.id for r in self._records(object_name))

    def close(self) -> None:
        self._cache.clear()

    def _records(self, name: str) -> Iterator[SourceRecord]:
        if name in ("contact", "company"):
            return self.parties.contacts(name)
        makers: dict[str, Callable[[], Iterator[SourceRecord]]] = {
            "lead": self._leads, "deal": self._deals, "pipeline": self._pipeline_records,
            "stage": self._stage_records, "lost_reason": self._lost_reason_records, "user": self.parties.user_records,
            "product": self._products, "quote": lambda: self._documents("quote"),
            "order": lambda: self._documents("order"), "quote_line": lambda: self._lines("quote"),
            "order_line": lambda: self._lines("order"), "activity": self._activities, "note": self._notes,
            "board": self._board_records, "board_column": self._column_records, "card": self._cards,
            "attachment": self._attachments, "tag": lambda: self._tags("tag"),
            "deal_tag": lambda: self._tags("deal_tag"),
        }
        maker = makers.get(name)
        if maker is None:
            raise SourceError(f"the Planports workbook has no object {name!r}")
        return maker()

    def _tag_plans(self, obj: str) -> list[SheetPlan]:
        return [p for kind, o in tg.TAG_OBJECT_OF_KIND.items() if o == obj for p in self.sheets.of(kind)
                if p.has(tg.TAG_KEY)]

    def _tags(self, obj: str) -> Iterator[SourceRecord]:
        cells = ((row.values.get(tg.TAG_KEY), f"{row.locator} ({plan.label(tg.TAG_KEY)})")
                 for plan in self._tag_plans(obj) for row in self.sheets.rows(plan))
        return tg.tag_records(obj, cells)

    def _leads(self) -> Iterator[SourceRecord]:
        for plan in self.sheets.of("leads"):
            for row in self.sheets.rows(plan):
                values = dict(row.values)
                values["source_channel"] = dec.source_channel(values.get("ad_platform"), values.get("source"),
                                                              values.get("utm_source"))
                self.parties.owner(values, row)
                ident = values.pop("lead_id", None) or values.get("external_lead_id")
                yield make_record("lead", row, ident, values)

    def _pipeline_id(self, name: str | None) -> str:
        return slug(name) or "default" if name else "default"

    def _stage_id(self, pipeline_id: str, stage: str) -> str:
        return f"{pipeline_id}/{slug(stage) or 'stage'}"

    def _deals(self) -> Iterator[SourceRecord]:
        for plan in self.sheets.of("deals"):
            for row in self.sheets.rows(plan):
                values = dict(row.values)
                tg.as_ids(values)
                pipeline_id = self._pipeline_id(values.get("pipeline"))
                values["pipeline"] = pipeline_id
                stage = values.get("stage")
                values["stage"] = self._stage_id(pipeline_id, str(stage)) if stage else None
                values["outcome"] = dec.deal_outcome(values.get("status"))
                reason = values.get("lost_reason")
                values["lost_reason"] = slug(str(reason)) if reason else None
                self.parties.link_party(values, row)
                self.parties.owner(values, row)
                money_fallback(values, plan)
                yield make_record("deal", row, values.pop("deal_id", None), values)

    def _stage_table(self) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """(pipeline id -> name, stage rows in order) from a stage sheet, else from the deals in first-seen order."""
        if "stages" in self._cache:
            result: tuple[dict[str, str], list[dict[str, Any]]] = self._cache["stages"]
            return result
        pipelines: dict[str, str] = {}
        stages: dict[str, dict[str, Any]] = {}
        stage_plans = self.sheets.of("stages")
        for plan in stage_plans:
            for row in self.sheets.rows(plan):
                pname = row.values.get("pipeline")
                pid = self._pipeline_id(pname)
                pipelines.setdefault(pid, str(pname) if pname else "Default")
                name = row.values.get("name")
                if not name:
                    continue
                sid = self._stage_id(pid, str(name))
                stages.setdefault(sid, {"id": sid, "name": str(name), "pipeline": pid,
                                        "sequence": row.values.get("sequence"),
                                        "probability": row.values.get("probability"),
                                        "stage_type": row.values.get("stage_type"),
                                        "locator": row.locator, "problems": row.problems})
        if not stage_plans:
            outcomes: dict[str, set[str]] = {}
            counters: dict[str, int] = {}
            for plan in self.sheets.of("deals"):
                for row in self.sheets.rows(plan):
                    pname = row.values.get("pipeline")
                    pid = self._pipeline_id(pname)
                    pipelines.setdefault(pid, str(pname) if pname else "Default")
                    name = row.values.get("stage")
                    if not name:
                        continue
                    sid = self._stage_id(pid, str(name))
                    if sid not in stages:
                        counters[pid] = counters.get(pid, 0) + 1
                        stages[sid] = {"id": sid, "name": str(name), "pipeline": pid, "sequence": counters[pid],
                                       "probability": None, "stage_type": None,
                                       "locator": f"{row.locator} (derived from deals)", "problems": []}
                    outcomes.setdefault(sid, set()).add(dec.deal_outcome(row.values.get("status")))
            for sid, seen in outcomes.items():
                stages[sid]["stage_type"] = next(iter(seen)) if len(seen) == 1 and seen & {"won", "lost"} else "open"
        self._cache["stages"] = (pipelines, list(stages.values()))
        return pipelines, list(stages.values())

    def _pipeline_records(self) -> Iterator[SourceRecord]:
        pipelines, _ = self._stage_table()
        for seq, (pid, name) in enumerate(pipelines.items(), start=1):
            yield SourceRecord("pipeline", pid, {"name": name, "sequence": seq}, f"pipeline {name!r}")

    def _stage_records(self) -> Iterator[SourceRecord]:
        _, stages = self._stage_table()
        for s in stages:
            values = {k: s[k] for k in ("name", "pipeline", "sequence", "probability", "stage_type")}
            yield SourceRecord("stage", s["id"], values, s["locator"], None, list(s["problems"]))

    def _lost_reason_records(self) -> Iterator[SourceRecord]:
        seen: set[str] = set()
        sources = self.sheets.of("lost_reasons") or [p for p in self.sheets.of("deals") if p.has("lost_reason")]
        for plan in sources:
            key = "name" if plan.kind == "lost_reasons" else "lost_reason"
            for row in self.sheets.rows(plan):
                name = row.values.get(key)
                if not name or slug(str(name)) in seen:
                    continue
                seen.add(slug(str(name)))
                yield SourceRecord("lost_reason", slug(str(name)), {"name": str(name)}, row.locator)

    def _product_index(self) -> tuple[Names, set[str]]:
        if "products" not in self._cache:
            names = Names()
            codes: set[str] = set()
            for plan in self.sheets.of("products"):
                for row in self.sheets.rows(plan):
                    ident = row.values.get("code") or (slug(str(row.values["name"])) if row.values.get("name") else None)
                    if ident:
                        codes.add(str(ident))
                        if row.values.get("name"):
                            names.add(str(row.values["name"]), str(ident))
            self._cache["products"] = (names, codes)
        result: tuple[Names, set[str]] = self._cache["products"]
        return result

    def _products(self) -> Iterator[SourceRecord]:
        for plan in self.sheets.of("products"):
            for row in self.sheets.rows(plan):
                values = dict(row.values)
                money_fallback(values, plan)
                ident = values.pop("code", None)
                values["code"] = ident
                if not ident and values.get("name"):
                    ident = slug(str(values["name"]))
                yield make_record("product", row, ident, values)

    def _deal_index(self) -> Names:
        if "deals" not in self._cache:
            names = Names()
            for plan in self.sheets.of("deals"):
                for row in self.sheets.rows(plan):
                    ident = str(row.values.get("deal_id") or f"row-{row.number}")
                    names.add(ident, ident)
                    if row.values.get("name"):
                        names.add(str(row.values["name"]), ident)
            self._cache["deals"] = names
        names_: Names = self._cache["deals"]
        return names_

    def _link_deal(self, values: dict[str, Any], row: Row, key: str = "deal") -> None:
        text = values.get(key)
        if not text:
            values[key] = None
            return
        ident, why = self._deal_index().resolve(str(text))
        values[key] = ident
        if why:
            row.problems.append(problem(key, f"opportunity link: {why}", text))

    def _doc_plans(self, doc: str) -> list[SheetPlan]:
        return self.sheets.of(doc + "s")

    def _documents(self, doc: str) -> Iterator[SourceRecord]:
        number_key = doc + "_no"
        header_keys = {f.key for f in (hd.QUOTES if doc == "quote" else hd.ORDERS).fields}
        for plan in self._doc_plans(doc):
            seen: set[str] = set()
            for row in self.sheets.rows(plan):
                number = row.values.get(number_key)
                if plan.line_columns:
                    # flattened export: header columns repeat on every line; the first row of a number wins
                    if number is not None and str(number) in seen:
                        continue
                    if number is not None:
                        seen.add(str(number))
                values = {k: val for k, val in row.values.items()
                          if k in header_keys or k.startswith("x_") or k.split("__")[0] in header_keys}
                self.parties.link_party(values, row)
                self._link_deal(values, row)
                self.parties.owner(values, row)
                money_fallback(values, plan)
                yield make_record(doc, row, values.pop(number_key, None), values)

    def _lines(self, doc: str) -> Iterator[SourceRecord]:
        line_plans = self.sheets.of(doc + "_lines") or [p for p in self._doc_plans(doc) if p.line_columns]
        line_keys = {f.key for f in hd.QUOTE_LINES.fields} | {doc}
        for plan in line_plans:
            counters: dict[str, int] = {}
            for row in self.sheets.rows(plan):
                values = {k: val for k, val in row.values.items()
                          if k in line_keys or k.split("__")[0] in line_keys or k == "currency"}
                parent = values.get(doc) or row.values.get(doc + "_no")
                values[doc] = str(parent) if parent else None
                if values[doc] is None:
                    row.problems.append(FieldProblem(doc, f"line without a {doc} number"))
                code = values.get("product")
                names, codes = self._product_index()
                # a code outside the product list stays: the map decides (create the product, or no product)
                if not code and values.get("product_name"):
                    ident, why = names.resolve(str(values["product_name"]))
                    values["product"] = ident
                    if why and codes:
                        row.problems.append(problem("product", f"product link: {why}", values["product_name"]))
                money_fallback(values, plan)
                seq = values.get("sequence")
                if seq is None and values[doc]:
                    counters[values[doc]] = counters.get(values[doc], 0) + 1
                    seq_text = f"row-{row.number}"
                else:
                    seq_text = str(seq)
                ident = f"{values[doc]}/{seq_text}" if values[doc] else None
                yield make_record(doc + "_line", row, ident, values)

    def _activities(self) -> Iterator[SourceRecord]:
        for plan in self.sheets.of("activities"):
            for row in self.sheets.rows(plan):
                values = dict(row.values)
                values["kind"] = dec.activity_kind(values.get("activity_type"))
                values["done"] = dec.activity_done(values.get("status"))
                start, end = values.get("start"), values.get("end")
                if values.get("duration_minutes") is None and isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
                    values["duration_minutes"] = int((end - start).total_seconds() // 60)
                self.parties.link_party(values, row)
                self._link_deal(values, row)
                self.parties.owner(values, row)
                yield make_record("activity", row, values.pop("activity_id", None), values)

    def _link_related(self, values: dict[str, Any], row: Row) -> None:
        """İlgili Kayıt Türü + İlgili Kayıt No (else İlgili Kayıt, the name) -> contact / company / deal: two
        patients of one name are told apart by their number."""
        kind_text = values.get("related_type")
        target = _RELATED_WORDS.get(fold(str(kind_text or "")), "party")
        text = values.get("related_record")
        number = values.get("related_id")
        values.update(contact=None, company=None, deal=None)
        if not text and not number:
            return
        if target == "deal":
            values["deal"] = number or text
            self._link_deal(values, row)
        elif target == "party":
            scratch = {"contact": text, "related_id": number}
            self.parties.link_party(scratch, row, id_key="related_id")
            values["contact"], values["company"] = scratch["contact"], scratch["company"]
        else:
            row.problems.append(problem("related_type", "notes on this record type are not linked by this tool",
                                         kind_text))

    def _notes(self) -> Iterator[SourceRecord]:
        for plan in self.sheets.of("notes"):
            for row in self.sheets.rows(plan):
                values = dict(row.values)
                self._link_related(values, row)
                self.parties.owner(values, row)
                yield make_record("note", row, values.pop("note_id", None), values)

    def _boards(self) -> tuple[dict[str, str], dict[str, tuple[str, str, int]]]:
        if "boards" not in self._cache:
            boards: dict[str, str] = {}
            columns: dict[str, tuple[str, str, int]] = {}
            counters: dict[str, int] = {}
            for plan in self.sheets.of("cards"):
                for row in self.sheets.rows(plan):
                    bname = row.values.get("board")
                    bid = slug(str(bname)) if bname else "default"
                    boards.setdefault(bid, str(bname) if bname else "Default")
                    cname = row.values.get("column")
                    if cname:
                        cid = f"{bid}/{slug(str(cname))}"
                        if cid not in columns:
                            counters[bid] = counters.get(bid, 0) + 1
                            columns[cid] = (str(cname), bid, counters[bid])
            self._cache["boards"] = (boards, columns)
        result: tuple[dict[str, str], dict[str, tuple[str, str, int]]] = self._cache["boards"]
        return result

    def _board_records(self) -> Iterator[SourceRecord]:
        boards, _ = self._boards()
        for bid, name in boards.items():
            yield SourceRecord("board", bid, {"name": name}, f"board {name!r} (from the process cards)")

    def _column_records(self) -> Iterator[SourceRecord]:
        _, columns = self._boards()
        for cid, (name, bid, seq) in columns.items():
            yield SourceRecord("board_column", cid, {"name": name, "board": bid, "sequence": seq},
                               f"column {name!r} of board {bid!r}")

    def _cards(self) -> Iterator[SourceRecord]:
        for plan in self.sheets.of("cards"):
            for row in self.sheets.rows(plan):
                values = dict(row.values)
                bid = slug(str(values["board"])) if values.get("board") else "default"
                values["board"] = bid
                values["column"] = f"{bid}/{slug(str(values['column']))}" if values.get("column") else None
                self.parties.link_party(values, row)
                self._link_deal(values, row)
                self.parties.owner(values, row)
                yield make_record("card", row, values.pop("card_id", None), values)

    def _attachments(self) -> Iterator[SourceRecord]:
        for plan in self.sheets.of("attachments"):
            for row in self.sheets.rows(plan):
                values = dict(row.values)
                self._link_related(values, row)
                self.parties.owner(values, row)
                where = values.pop("path", None)
                values.update(path=None, url=None, data=None)
                name = values.get("file_name")
                values["mimetype"] = mimetypes.guess_type(str(name))[0] if name else None
                if where and str(where).lower().startswith(("http://", "https://")):
                    values["url"] = str(where)
                elif where or name:
                    candidate = Path(str(where or name))
                    if not candidate.is_absolute():
                        candidate = plan.file.parent / candidate
                    if candidate.is_file():
                        values["path"] = str(candidate)
                        values["data"] = candidate.read_bytes()
                    else:
                        row.problems.append(problem("path", f"file not found next to {plan.file.name}", where or name))
                yield make_record("attachment", row, values.pop("attachment_id", None), values)
