"""Planports Excel exports (one multi-sheet workbook, or a folder of single-sheet files) as a Source.

Each sheet is recognised by its headers (Turkish or English, any order, under a title row), never by its
name. Rows are streamed; a second pass over a sheet builds the small name -> id indexes that links written
as display names need. Everything the connector could not place is said in ``Catalog.warnings`` or in a
record's ``problems``; nothing is guessed silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import mimetypes
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.errors import SourceError
from crm2odoo.sources import SourceSettings
from crm2odoo.sources.base import (
    Catalog,
    FieldInfo,
    FieldProblem,
    FieldType,
    InventoryItem,
    ObjectInfo,
    SourceRecord,
)
from crm2odoo.sources.planports import decode as dec
from crm2odoo.sources.planports import headers as hd
from crm2odoo.sources.planports import sheets as sh
from crm2odoo.sources.planports import tags as tg
from crm2odoo.sources.planports import values as v
from crm2odoo.textnorm import fold, slug

KIND = "planports-xlsx"

#: which objects a recognised sheet kind yields directly
OBJECTS_OF_KIND: dict[str, tuple[str, ...]] = {
    "contacts": ("contact", "company"), "leads": ("lead",), "deals": ("deal",), "stages": ("stage",),
    "lost_reasons": ("lost_reason",), "users": ("user",), "products": ("product",), "quotes": ("quote",),
    "quote_lines": ("quote_line",), "orders": ("order",), "order_lines": ("order_line",),
    "activities": ("activity",), "notes": ("note",), "cards": ("card",), "attachments": ("attachment",),
}
_LINE_KIND = {"quotes": hd.QUOTE_LINES, "orders": hd.ORDER_LINES}
_CUSTOM_OBJECT_WORDS: dict[str, str] = {
    "kisi": "contacts", "kisiler": "contacts", "contact": "contacts", "contacts": "contacts", "firma": "contacts",
    "company": "contacts", "firsat": "deals", "firsatlar": "deals", "satis firsati": "deals",
    "satis firsatlari": "deals", "deal": "deals", "deals": "deals", "opportunity": "deals",
    "opportunities": "deals", "lead": "leads", "leads": "leads", "potansiyel musteri": "leads",
    "potansiyel musteriler": "leads", "aday": "leads", "urun": "products", "product": "products",
    "teklif": "quotes", "quote": "quotes", "etkinlik": "activities", "activity": "activities",
}
_ID_FIELD = {
    "contacts": "contact_id", "leads": "lead_id", "deals": "deal_id", "activities": "activity_id",
    "notes": "note_id", "cards": "card_id", "attachments": "attachment_id", "quotes": "quote_no",
    "orders": "order_no", "products": "code",
}
_OWNER_KEYS = ("owner", "author", "uploaded_by")
_RELATED_WORDS = {"kisi": "party", "firma": "party", "contact": "party", "company": "party", "musteri": "party",
                  "firsat": "deal", "satis firsati": "deal", "deal": "deal", "opportunity": "deal",
                  "teklif": "quote", "quote": "quote"}


@dataclass
class SheetPlan:
    """Everything learned about one sheet from its first rows."""

    file: Path
    sheet: str
    spec: hd.SheetSpec
    header_row: int  # 1-based
    headers: list[str]
    columns: dict[int, hd.FieldSpec]
    line_columns: dict[int, hd.FieldSpec] = field(default_factory=dict)  # flattened quotes / orders
    custom: dict[int, FieldInfo] = field(default_factory=dict)
    styles: dict[int, dec.ColumnStyle] = field(default_factory=dict)
    formulas: bool = False
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    language: str = "tr"
    options: dict[int, tuple[str, ...]] = field(default_factory=dict)  # select columns: labels seen in the sample

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def where(self) -> str:
        return f"{self.file.name} › {self.sheet}"

    def has(self, key: str) -> bool:
        return any(f.key == key for f in (*self.columns.values(), *self.line_columns.values()))

    def label(self, key: str) -> str:
        for i, f in (*self.columns.items(), *self.line_columns.items()):
            if f.key == key:
                return self.headers[i]
        return key


@dataclass
class Row:
    """One decoded sheet row before it becomes a record: values by field key, refs still raw text."""

    plan: SheetPlan
    number: int
    values: dict[str, Any]
    problems: list[FieldProblem]

    @property
    def locator(self) -> str:
        return f"{self.plan.where} row {self.number}"


class _Names:
    """Folded name -> ids, with a looser key that ignores legal-form suffixes (Ltd. Şti., A.Ş., GmbH)."""

    def __init__(self) -> None:
        self.exact: dict[str, list[str]] = {}
        self.loose: dict[str, list[str]] = {}

    def add(self, name: str, ident: str) -> None:
        for table, key in ((self.exact, v.name_key(name)), (self.loose, v.loose_name_key(name))):
            ids = table.setdefault(key, [])
            if ident not in ids and len(ids) < 5:
                ids.append(ident)

    def resolve(self, name: str) -> tuple[str | None, str | None]:
        """(id, None) or (None, reason)."""
        for table, key in ((self.exact, v.name_key(name)), (self.loose, v.loose_name_key(name))):
            ids = table.get(key, [])
            if len(ids) == 1:
                return ids[0], None
            if len(ids) > 1:
                return None, f"ambiguous: {len(ids)} records are named like {name!r} (ids {', '.join(ids)}); link by id"
        return None, f"no record named {name!r}"


def _problem(key: str, message: str, raw: Any) -> FieldProblem:
    return FieldProblem(key, message, "" if raw is None else str(raw)[:200])


class PlanportsWorkbookSource:
    """Source over Planports .xlsx exports."""

    kind = KIND
    full_read_is_cheap = True

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings
        self.root = settings.path()
        self._plans: list[SheetPlan] | None = None
        self._warnings: list[str] = []
        self._inventory_plans: list[SheetPlan] = []
        self._cache: dict[str, Any] = {}

    # -- plans ---------------------------------------------------------------------------------------------------

    def _files(self) -> list[Path]:
        if not self.root.exists():
            raise SourceError(f"{self.root} does not exist", hint="set [source] path to the .xlsx export or its folder")
        if self.root.is_dir():
            files = sorted(p for p in self.root.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$"))
            if not files:
                raise SourceError(f"no .xlsx files in {self.root}", hint="export the lists from Planports to Excel")
            return files
        return [self.root]

    def plans(self) -> list[SheetPlan]:
        if self._plans is None:
            plans: list[SheetPlan] = []
            for file in self._files():
                try:
                    titles = sh.sheet_titles(file)
                    parts = sh.sheet_xml_paths(file)
                except Exception as exc:
                    raise SourceError(f"{file.name} is not a readable .xlsx workbook ({type(exc).__name__})") from exc
                for title in titles:
                    plan = self._plan(file, title, parts.get(title))
                    if plan is not None:
                        plans.append(plan)
            self._apply_custom_definitions(plans)
            self._plans = plans
        return self._plans

    def _plan(self, file: Path, title: str, part: str | None) -> SheetPlan | None:
        top = sh.head(file, title, sh.HEADER_SCAN_ROWS + sh.SAMPLE_ROWS)
        index = hd.find_header_row(top[: sh.HEADER_SCAN_ROWS])
        if index is None:
            if any(any(c is not None for c in r) for r in top):
                self._warnings.append(f"{file.name} › {title}: no header row recognised in the first "
                                      f"{sh.HEADER_SCAN_ROWS} rows; sheet skipped")
            return None
        headers = [("" if c is None else str(c).strip()) for c in top[index]]
        match = hd.recognise(headers)
        if match is not None and match.spec.kind in ("quote_lines", "order_lines"):
            # a flattened export repeats the document's columns on each line: read it as the document sheet
            doc = hd.QUOTES if match.spec.kind == "quote_lines" else hd.ORDERS
            as_doc = hd.match_columns(doc, headers)
            present = {f.key for f in as_doc.columns.values()}
            if all(present & set(group) for group in doc.required):
                match = as_doc
        if match is None:
            self._warnings.append(f"{file.name} › {title}: headers {', '.join(h for h in headers if h)} match no "
                                  "Planports list this tool knows; sheet skipped")
            return None
        columns = dict(match.columns)
        unknown = dict(match.unknown)
        line_columns: dict[int, hd.FieldSpec] = {}
        line_spec = _LINE_KIND.get(match.spec.kind)
        if line_spec is not None:
            lines = hd.match_columns(line_spec, headers)
            if any(f.key in ("quantity", "price_unit") for f in lines.columns.values()):
                line_columns = {i: f for i, f in lines.columns.items() if i not in columns}
                unknown = {i: h for i, h in unknown.items() if i not in line_columns}
        tr = sum(1 for i, f in columns.items() if hd.header_key(headers[i]) in {hd.header_key(a) for a in f.tr})
        language = "tr" if tr * 2 >= len(columns) else "en"
        sample = [r for r in top[index + 1:] if any(c is not None for c in r)]
        styles: dict[int, dec.ColumnStyle] = {}
        for i in range(len(headers)):
            style = dec.style_for([r[i] for r in sample if i < len(r)])
            if language == "en" and style.numbers.decimal_comma is None:
                style.numbers = v.NumberStyle(False)  # an English UI writes 1,234.56
            styles[i] = style
        options: dict[int, tuple[str, ...]] = {}
        for i, fs in (*columns.items(), *line_columns.items()):
            if fs.type in ("select", "multiselect"):
                seen: dict[str, None] = {}
                for r in sample:
                    cell = r[i] if i < len(r) else None
                    if not v.is_empty(cell):
                        for label in (v.split_list(cell) if fs.type == "multiselect" else [v.clean_text(cell)]):
                            seen.setdefault(label, None)
                options[i] = tuple(seen)[:50]
        formula_rows = sh.head(file, title, sh.HEADER_SCAN_ROWS + sh.SAMPLE_ROWS, formulas=True)
        formulas = any(sh.is_formula(c) for r in formula_rows for c in r)
        merges = sh.merged_ranges(file, part) if part else []
        plan = SheetPlan(file, title, match.spec, index + 1, headers, columns, line_columns, {}, styles, formulas,
                         [m for m in merges if m[3] > index + 1], language, options)
        for i, header in unknown.items():
            type_, inferred = dec.infer_type([r[i] for r in sample if i < len(r)])
            plan.custom[i] = dec.custom_field(
                "x_" + (slug(header) or f"column_{i + 1}"), header, type_, inferred,
                f"column {header!r} of {plan.where} is not a Planports field this tool knows; type {type_} "
                "inferred from its values")
        if match.spec.kind in ("whatsapp", "workflows", "custom_fields"):
            self._inventory_plans.append(plan)
            return plan
        return plan

    def _apply_custom_definitions(self, plans: list[SheetPlan]) -> None:
        """An Özel Alanlar sheet turns matching unknown columns into declared custom fields of the right type."""
        declared: dict[tuple[str, str], tuple[str, FieldInfo]] = {}
        for plan in plans:
            if plan.kind != "custom_fields":
                continue
            for row in self._rows(plan):
                label = row.values.get("field_label")
                type_text = row.values.get("field_type") or ""
                kind = _CUSTOM_OBJECT_WORDS.get(fold(str(row.values.get("object") or "")).replace("-", " "), "*")
                type_ = dec.declared_type(str(type_text))
                if not label:
                    continue
                if type_ is None:
                    self._warnings.append(f"{row.locator}: custom field type {type_text!r} of {label!r} not "
                                          "understood; the type is inferred from the values")
                    continue
                options = tuple(v.split_list(row.values.get("options") or "")) if type_ in ("select", "multiselect") else ()
                declared[(kind, hd.header_key(str(label)))] = (str(label), dec.custom_field(
                    "x_" + slug(str(label)), str(label), type_, options, "Planports custom field (Özel Alan)"))
        for plan in plans:
            for i, info in list(plan.custom.items()):
                hit = declared.get((plan.kind, hd.header_key(info.label))) or declared.get(("*", hd.header_key(info.label)))
                if hit is not None:
                    plan.custom[i] = hit[1]
                    if hit[1].type == "money":
                        pass
                elif plan.kind not in ("custom_fields", "whatsapp", "workflows"):
                    self._warnings.append(f"{plan.where}: column {info.label!r} is not a known Planports field; "
                                          f"exposed as custom field {info.name!r} ({info.type})")

    def _plans_of(self, kind: str) -> list[SheetPlan]:
        return [p for p in self.plans() if p.kind == kind]

    # -- rows ----------------------------------------------------------------------------------------------------

    def _rows(self, plan: SheetPlan) -> Iterator[Row]:
        for raw in sh.iter_rows(plan.file, plan.sheet, start=plan.header_row + 1, merges=plan.merges,
                                formulas=plan.formulas):
            values: dict[str, Any] = {}
            problems: list[FieldProblem] = []
            for i, fs in (*plan.columns.items(), *plan.line_columns.items()):
                cell = raw.cells[i] if i < len(raw.cells) else None
                self._decode_cell(fs.key, fs.type, cell, i, raw, plan, values, problems)
            for i, info in plan.custom.items():
                cell = raw.cells[i] if i < len(raw.cells) else None
                self._decode_cell(info.name, info.type, cell, i, raw, plan, values, problems)
            yield Row(plan, raw.number, values, problems)

    @staticmethod
    def _decode_cell(key: str, type_: FieldType, cell: Any, i: int, raw: sh.RawRow, plan: SheetPlan,
                     values: dict[str, Any], problems: list[FieldProblem]) -> None:
        if i in raw.uncached:
            problems.append(_problem(key, "formula without a cached value (open and save the file in Excel "
                                          "before exporting)", ""))
            values[key] = None
            if type_ == "money":
                values[key + "__currency"] = None
            return
        decode_type: FieldType = "text" if type_ == "ref" else type_
        try:
            value, currency = dec.decode(decode_type, cell, plan.styles.get(i))
        except ValueError as exc:
            # the message carries the cell's text: the raw value does not survive every stage to the report
            shown = str(cell)[:60] + ("…" if len(str(cell)) > 60 else "")
            problems.append(_problem(key, f"{plan.headers[i]!r}: {shown!r}: {exc}", cell))
            value, currency = None, None
        values[key] = value
        if type_ == "money":
            values[key + "__currency"] = currency

    # -- records -------------------------------------------------------------------------------------------------

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
            return self._contacts(name)
        makers: dict[str, Callable[[], Iterator[SourceRecord]]] = {
            "lead": self._leads, "deal": self._deals, "pipeline": self._pipeline_records,
            "stage": self._stage_records, "lost_reason": self._lost_reason_records, "user": self._user_records,
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
        return [p for kind, o in tg.TAG_OBJECT_OF_KIND.items() if o == obj for p in self._plans_of(kind)
                if p.has(tg.TAG_KEY)]

    def _tags(self, obj: str) -> Iterator[SourceRecord]:
        cells = ((row.values.get(tg.TAG_KEY), f"{row.locator} ({plan.label(tg.TAG_KEY)})")
                 for plan in self._tag_plans(obj) for row in self._rows(plan))
        return tg.tag_records(obj, cells)

    def _record(self, obj: str, row: Row, ident: Any, values: dict[str, Any]) -> SourceRecord:
        problems = list(row.problems)
        if ident in (None, ""):
            ident = f"row-{row.number}"
            problems.append(FieldProblem(None, "row has no id; a row number is used, which changes if rows move"))
        modified = values.get("modified_at")
        return SourceRecord(obj, str(ident), values, row.locator,
                            modified if isinstance(modified, dt.datetime) else None, problems)

    def _money_fallback(self, values: dict[str, Any], plan: SheetPlan) -> None:
        """A money cell without a symbol takes the row's Para Birimi column."""
        raw_currency = values.get("currency")
        if raw_currency:
            with contextlib.suppress(ValueError):
                values["currency"] = v.currency_code(str(raw_currency))
        for key in list(values):
            if key.endswith("__currency") and values[key] is None and values.get(key[: -len("__currency")]) is not None:
                code = values.get("currency")
                values[key] = code if code in v.CURRENCY_ALIASES.values() else None

    # contacts and companies

    def _party_of(self, row: Row) -> tuple[bool, str | None]:
        """(is_company, problem)."""
        if row.values.get("is_organization") is not None:
            return bool(row.values["is_organization"]), None
        text = row.values.get("party_type")
        if not text:
            return False, None
        try:
            return dec.is_organisation(str(text)), None
        except ValueError:
            return False, f"type {text!r} is neither Kişi nor Firma; read as a person"

    def _contact_name(self, row: Row) -> str | None:
        name = row.values.get("name")
        if not name:
            parts = [row.values.get("first_name"), row.values.get("last_name")]
            name = " ".join(str(p) for p in parts if p) or None
        return name

    def _company_index(self) -> _Names:
        if "companies" not in self._cache:
            names = _Names()
            ids: set[str] = set()
            for plan in self._plans_of("contacts"):
                for row in self._rows(plan):
                    is_org, _ = self._party_of(row)
                    name = self._contact_name(row)
                    ident = row.values.get("contact_id") or f"row-{row.number}"
                    if is_org:
                        ids.add(str(ident))
                        if name:
                            names.add(name, str(ident))
            self._cache["companies"] = names
            self._cache["company_ids"] = ids
        names_: _Names = self._cache["companies"]
        return names_

    def _contacts(self, obj: str) -> Iterator[SourceRecord]:
        want_company = obj == "company"
        for plan in self._plans_of("contacts"):
            needs_index = plan.has("company")
            for row in self._rows(plan):
                is_org, type_problem = self._party_of(row)
                if is_org != want_company:
                    continue
                values = dict(row.values)
                tg.as_ids(values)
                if type_problem:
                    row.problems.append(FieldProblem("party_type", type_problem, str(values.get("party_type"))))
                values["name"] = self._contact_name(row)
                values["is_company"] = is_org
                company_name = values.pop("company", None)
                company_no = values.pop("company_no", None)
                values.pop("is_organization", None)  # folded into is_company
                values["company"] = None
                if company_no:
                    values["company"] = str(company_no)
                elif company_name and needs_index:
                    ident, why = self._company_index().resolve(str(company_name))
                    values["company"] = ident
                    if why:
                        row.problems.append(_problem("company", f"company link: {why}", company_name))
                self._owner(values, row)
                self._money_fallback(values, plan)
                yield self._record(obj, row, values.pop("contact_id", None), values)

    # names across Kişiler: person or company

    def _party_index(self) -> tuple[_Names, dict[str, bool]]:
        if "party" not in self._cache:
            names = _Names()
            kinds: dict[str, bool] = {}
            wanted = self._wanted_party_names()
            for plan in self._plans_of("contacts"):
                for row in self._rows(plan):
                    is_org, _ = self._party_of(row)
                    ident = str(row.values.get("contact_id") or f"row-{row.number}")
                    kinds[ident] = is_org
                    name = self._contact_name(row)
                    if name and v.loose_name_key(name) in wanted:
                        names.add(name, ident)
            self._cache["party"] = (names, kinds)
        result: tuple[_Names, dict[str, bool]] = self._cache["party"]
        return result

    def _wanted_party_names(self) -> set[str]:
        """Loose keys of every name other sheets use to point at Kişiler; only those enter the index."""
        wanted: set[str] = set()
        for plan in self.plans():
            if plan.kind in ("contacts", "custom_fields", "whatsapp", "workflows"):
                continue
            keys = [k for k in ("contact", "related_record") if plan.has(k)]
            if not keys:
                continue
            for row in self._rows(plan):
                for k in keys:
                    if row.values.get(k):
                        wanted.add(v.loose_name_key(str(row.values[k])))
        return wanted

    def _link_party(self, values: dict[str, Any], row: Row, *, key: str = "contact", id_key: str = "contact_no") -> None:
        """Fill values['contact'] / values['company'] from a name or Kişi No column."""
        name = values.pop(key, None)
        number = values.pop(id_key, None)
        explicit_company = values.get("company")
        values["contact"] = None
        values["company"] = None
        if number:
            _names, kinds = self._party_index()
            ident = str(number)
            if ident not in kinds:
                row.problems.append(_problem(id_key, f"no Kişiler row has id {ident!r}", number))
            elif kinds[ident]:
                values["company"] = ident
            else:
                values["contact"] = ident
        elif name:
            names, kinds = self._party_index()
            ident_, why = names.resolve(str(name))
            if ident_ is None:
                row.problems.append(_problem(key, f"contact link: {why}", name))
            elif kinds.get(ident_):
                values["company"] = ident_
            else:
                values["contact"] = ident_
        if explicit_company and values["company"] is None:
            ident2, why2 = self._company_index().resolve(str(explicit_company))
            values["company"] = ident2
            if why2:
                row.problems.append(_problem("company", f"company link: {why2}", explicit_company))

    # users

    def _users(self) -> tuple[dict[str, str], list[tuple[str, dict[str, Any], str, list[FieldProblem]]]]:
        """(lookup key -> user id, user records). Users come from a Kullanıcılar sheet, then from owner columns."""
        if "users" in self._cache:
            result: tuple[dict[str, str], list[tuple[str, dict[str, Any], str, list[FieldProblem]]]] = self._cache["users"]
            return result
        lookup: dict[str, str] = {}
        records: list[tuple[str, dict[str, Any], str, list[FieldProblem]]] = []
        for plan in self._plans_of("users"):
            for row in self._rows(plan):
                email = row.values.get("email")
                name = row.values.get("name")
                ident = str(email).lower() if email else (str(name) if name else f"row-{row.number}")
                if email:
                    lookup[str(email).lower()] = ident
                if name:
                    lookup.setdefault(v.name_key(str(name)), ident)
                records.append((ident, dict(row.values), row.locator, list(row.problems)))
        seen = {r[0] for r in records}
        for plan in self.plans():
            keys = [k for k in _OWNER_KEYS if plan.has(k)]
            if not keys or plan.kind == "users":
                continue
            for row in self._rows(plan):
                for k in keys:
                    text = row.values.get(k)
                    if not text:
                        continue
                    text = str(text).strip()
                    key = text.lower() if "@" in text else v.name_key(text)
                    if key in lookup:
                        continue
                    ident = text.lower() if "@" in text else text
                    lookup[key] = ident
                    if ident not in seen:
                        seen.add(ident)
                        records.append((ident, {"name": None if "@" in text else text,
                                                "email": text.lower() if "@" in text else None},
                                        f"{row.locator} ({plan.label(k)})", []))
        self._cache["users"] = (lookup, records)
        return lookup, records

    def _owner(self, values: dict[str, Any], row: Row) -> None:
        for k in _OWNER_KEYS:
            text = values.get(k)
            if text:
                lookup, _ = self._users()
                text = str(text).strip()
                values[k] = lookup.get(text.lower() if "@" in text else v.name_key(text), text)

    def _user_records(self) -> Iterator[SourceRecord]:
        _, records = self._users()
        for ident, values, locator, problems in records:
            yield SourceRecord("user", ident, values, locator, None, problems)

    # leads

    def _leads(self) -> Iterator[SourceRecord]:
        for plan in self._plans_of("leads"):
            for row in self._rows(plan):
                values = dict(row.values)
                values["source_channel"] = dec.source_channel(values.get("ad_platform"), values.get("source"),
                                                              values.get("utm_source"))
                self._owner(values, row)
                ident = values.pop("lead_id", None) or values.get("external_lead_id")
                yield self._record("lead", row, ident, values)

    # deals, pipelines, stages, lost reasons

    def _pipeline_id(self, name: str | None) -> str:
        return slug(name) or "default" if name else "default"

    def _stage_id(self, pipeline_id: str, stage: str) -> str:
        return f"{pipeline_id}/{slug(stage) or 'stage'}"

    def _deals(self) -> Iterator[SourceRecord]:
        for plan in self._plans_of("deals"):
            for row in self._rows(plan):
                values = dict(row.values)
                tg.as_ids(values)
                pipeline_id = self._pipeline_id(values.get("pipeline"))
                values["pipeline"] = pipeline_id
                stage = values.get("stage")
                values["stage"] = self._stage_id(pipeline_id, str(stage)) if stage else None
                values["outcome"] = dec.deal_outcome(values.get("status"))
                reason = values.get("lost_reason")
                values["lost_reason"] = slug(str(reason)) if reason else None
                self._link_party(values, row)
                self._owner(values, row)
                self._money_fallback(values, plan)
                yield self._record("deal", row, values.pop("deal_id", None), values)

    def _stage_table(self) -> tuple[dict[str, str], list[dict[str, Any]]]:
        """(pipeline id -> name, stage rows in order) from a stage sheet, else from the deals in first-seen order."""
        if "stages" in self._cache:
            result: tuple[dict[str, str], list[dict[str, Any]]] = self._cache["stages"]
            return result
        pipelines: dict[str, str] = {}
        stages: dict[str, dict[str, Any]] = {}
        stage_plans = self._plans_of("stages")
        for plan in stage_plans:
            for row in self._rows(plan):
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
            for plan in self._plans_of("deals"):
                for row in self._rows(plan):
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
        sources = self._plans_of("lost_reasons") or [p for p in self._plans_of("deals") if p.has("lost_reason")]
        for plan in sources:
            key = "name" if plan.kind == "lost_reasons" else "lost_reason"
            for row in self._rows(plan):
                name = row.values.get(key)
                if not name or slug(str(name)) in seen:
                    continue
                seen.add(slug(str(name)))
                yield SourceRecord("lost_reason", slug(str(name)), {"name": str(name)}, row.locator)

    # products, quotes, orders and their lines

    def _product_index(self) -> tuple[_Names, set[str]]:
        if "products" not in self._cache:
            names = _Names()
            codes: set[str] = set()
            for plan in self._plans_of("products"):
                for row in self._rows(plan):
                    ident = row.values.get("code") or (slug(str(row.values["name"])) if row.values.get("name") else None)
                    if ident:
                        codes.add(str(ident))
                        if row.values.get("name"):
                            names.add(str(row.values["name"]), str(ident))
            self._cache["products"] = (names, codes)
        result: tuple[_Names, set[str]] = self._cache["products"]
        return result

    def _products(self) -> Iterator[SourceRecord]:
        for plan in self._plans_of("products"):
            for row in self._rows(plan):
                values = dict(row.values)
                self._money_fallback(values, plan)
                ident = values.pop("code", None)
                values["code"] = ident
                if not ident and values.get("name"):
                    ident = slug(str(values["name"]))
                yield self._record("product", row, ident, values)

    def _deal_index(self) -> _Names:
        if "deals" not in self._cache:
            names = _Names()
            for plan in self._plans_of("deals"):
                for row in self._rows(plan):
                    ident = str(row.values.get("deal_id") or f"row-{row.number}")
                    names.add(ident, ident)
                    if row.values.get("name"):
                        names.add(str(row.values["name"]), ident)
            self._cache["deals"] = names
        names_: _Names = self._cache["deals"]
        return names_

    def _link_deal(self, values: dict[str, Any], row: Row, key: str = "deal") -> None:
        text = values.get(key)
        if not text:
            values[key] = None
            return
        ident, why = self._deal_index().resolve(str(text))
        values[key] = ident
        if why:
            row.problems.append(_problem(key, f"opportunity link: {why}", text))

    def _doc_plans(self, doc: str) -> list[SheetPlan]:
        return self._plans_of(doc + "s")

    def _documents(self, doc: str) -> Iterator[SourceRecord]:
        number_key = doc + "_no"
        header_keys = {f.key for f in (hd.QUOTES if doc == "quote" else hd.ORDERS).fields}
        for plan in self._doc_plans(doc):
            seen: set[str] = set()
            for row in self._rows(plan):
                number = row.values.get(number_key)
                if plan.line_columns:
                    # flattened export: header columns repeat on every line; the first row of a number wins
                    if number is not None and str(number) in seen:
                        continue
                    if number is not None:
                        seen.add(str(number))
                values = {k: val for k, val in row.values.items()
                          if k in header_keys or k.startswith("x_") or k.split("__")[0] in header_keys}
                self._link_party(values, row)
                self._link_deal(values, row)
                self._owner(values, row)
                self._money_fallback(values, plan)
                yield self._record(doc, row, values.pop(number_key, None), values)

    def _lines(self, doc: str) -> Iterator[SourceRecord]:
        line_plans = self._plans_of(doc + "_lines") or [p for p in self._doc_plans(doc) if p.line_columns]
        line_keys = {f.key for f in hd.QUOTE_LINES.fields} | {doc}
        for plan in line_plans:
            counters: dict[str, int] = {}
            for row in self._rows(plan):
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
                        row.problems.append(_problem("product", f"product link: {why}", values["product_name"]))
                self._money_fallback(values, plan)
                seq = values.get("sequence")
                if seq is None and values[doc]:
                    counters[values[doc]] = counters.get(values[doc], 0) + 1
                    seq_text = f"row-{row.number}"
                else:
                    seq_text = str(seq)
                ident = f"{values[doc]}/{seq_text}" if values[doc] else None
                yield self._record(doc + "_line", row, ident, values)

    # activities, notes, cards, attachments

    def _activities(self) -> Iterator[SourceRecord]:
        for plan in self._plans_of("activities"):
            for row in self._rows(plan):
                values = dict(row.values)
                values["kind"] = dec.activity_kind(values.get("activity_type"))
                values["done"] = dec.activity_done(values.get("status"))
                start, end = values.get("start"), values.get("end")
                if values.get("duration_minutes") is None and isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
                    values["duration_minutes"] = int((end - start).total_seconds() // 60)
                self._link_party(values, row)
                self._link_deal(values, row)
                self._owner(values, row)
                yield self._record("activity", row, values.pop("activity_id", None), values)

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
            self._link_party(scratch, row, id_key="related_id")
            values["contact"], values["company"] = scratch["contact"], scratch["company"]
        else:
            row.problems.append(_problem("related_type", "notes on this record type are not linked by this tool",
                                         kind_text))

    def _notes(self) -> Iterator[SourceRecord]:
        for plan in self._plans_of("notes"):
            for row in self._rows(plan):
                values = dict(row.values)
                self._link_related(values, row)
                self._owner(values, row)
                yield self._record("note", row, values.pop("note_id", None), values)

    def _boards(self) -> tuple[dict[str, str], dict[str, tuple[str, str, int]]]:
        if "boards" not in self._cache:
            boards: dict[str, str] = {}
            columns: dict[str, tuple[str, str, int]] = {}
            counters: dict[str, int] = {}
            for plan in self._plans_of("cards"):
                for row in self._rows(plan):
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
        for plan in self._plans_of("cards"):
            for row in self._rows(plan):
                values = dict(row.values)
                bid = slug(str(values["board"])) if values.get("board") else "default"
                values["board"] = bid
                values["column"] = f"{bid}/{slug(str(values['column']))}" if values.get("column") else None
                self._link_party(values, row)
                self._link_deal(values, row)
                self._owner(values, row)
                yield self._record("card", row, values.pop("card_id", None), values)

    def _attachments(self) -> Iterator[SourceRecord]:
        for plan in self._plans_of("attachments"):
            for row in self._rows(plan):
                values = dict(row.values)
                self._link_related(values, row)
                self._owner(values, row)
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
                        row.problems.append(_problem("path", f"file not found next to {plan.file.name}", where or name))
                yield self._record("attachment", row, values.pop("attachment_id", None), values)

    # -- discovery -----------------------------------------------------------------------------------------------

    def discover(self) -> Catalog:
        plans = self.plans()
        objects: list[ObjectInfo] = []
        by_obj: dict[str, list[SheetPlan]] = {}
        for plan in plans:
            for obj in OBJECTS_OF_KIND.get(plan.kind, ()):
                by_obj.setdefault(obj, []).append(plan)
            if plan.line_columns and not self._plans_of(plan.kind[:-1] + "_lines"):
                by_obj.setdefault(plan.kind[:-1] + "_line", []).append(plan)
        for obj, obj_plans in by_obj.items():
            objects.append(self._object_info(obj, obj_plans))
        derived: list[tuple[str, str, str, tuple[FieldInfo, ...], tuple[str, ...]]] = []
        if "deal" in by_obj:
            derived.append(("pipeline", "Satış Süreçleri", "distinct Süreç values of the opportunities",
                            (FieldInfo("name", "Süreç", "text"), FieldInfo("sequence", "Sıra", "integer")), ()))
            if "stage" not in by_obj:
                derived.append(("stage", "Aşamalar", "distinct (Süreç, Aşama) pairs of the opportunities, in order",
                                _STAGE_FIELDS, ("pipeline",)))
            if "lost_reason" not in by_obj and any(p.has("lost_reason") for p in by_obj["deal"]):
                derived.append(("lost_reason", "Kayıp Nedenleri", "distinct Kayıp Nedeni values",
                                (FieldInfo("name", "Kayıp Nedeni", "text"),), ()))
        if "stage" in by_obj and "deal" not in by_obj:
            derived.append(("pipeline", "Satış Süreçleri", "Süreç values of the stage sheet",
                            (FieldInfo("name", "Süreç", "text"), FieldInfo("sequence", "Sıra", "integer")), ()))
        if "card" in by_obj:
            derived.append(("board", "Panolar", "distinct Pano values of the process cards",
                            (FieldInfo("name", "Pano", "text"),), ()))
            derived.append(("board_column", "Sütunlar", "distinct (Pano, Sütun) pairs of the process cards",
                            (FieldInfo("name", "Sütun", "text"), FieldInfo("board", "Pano", "ref", ref_object="board"),
                             FieldInfo("sequence", "Sıra", "integer")), ("board",)))
        for tag_obj in ("tag", "deal_tag"):
            if self._tag_plans(tag_obj):
                derived.append((tag_obj, "Etiketler", "distinct names in the Etiketler / Gruplar columns",
                                tg.TAG_FIELDS, ()))
        if "user" not in by_obj:
            derived.append(("user", "Kullanıcılar", "owner columns (Sorumlu, Yazan, Yükleyen) of every sheet",
                            _USER_FIELDS, ()))
        for name, label, origin, fields, deps in derived:
            count = sum(1 for _ in self._records(name))
            objects.append(ObjectInfo(name, label, fields, count, deps, origin=f"derived from {origin}"))
        if "user" in by_obj:
            objects = [o for o in objects if o.name != "user"]
            objects.append(ObjectInfo("user", "Kullanıcılar", _USER_FIELDS, sum(1 for _ in self._records("user")),
                                      origin="Kullanıcılar sheet, plus owners found only in other sheets"))
        if "stage" in by_obj:
            objects = [o for o in objects if o.name != "stage"]
            objects.append(ObjectInfo("stage", "Aşamalar", _STAGE_FIELDS, sum(1 for _ in self._records("stage")),
                                      ("pipeline",), origin=", ".join(p.where for p in by_obj["stage"])))
        order = {name: i for i, name in enumerate(_OBJECT_ORDER)}
        objects.sort(key=lambda o: order.get(o.name, 99))
        languages = {p.language for p in plans}
        return Catalog(KIND, tuple(objects), tuple(self._inventory()), tuple(dict.fromkeys(self._warnings)),
                       {"files": [f.name for f in self._files()], "timezone": "Europe/Istanbul",
                        "languages": sorted(languages)})

    def _object_info(self, obj: str, plans: list[SheetPlan]) -> ObjectInfo:
        fields: dict[str, FieldInfo] = {}
        line_obj = obj.endswith("_line")
        for plan in plans:
            specs = plan.line_columns if (line_obj and plan.kind in ("quotes", "orders")) else plan.columns
            if line_obj and plan.kind in ("quotes", "orders"):
                parent = obj[: -len("_line")]
                for i, f in plan.columns.items():
                    if f.key == parent + "_no":
                        fields[parent] = FieldInfo(parent, plan.headers[i], "ref", ref_object=parent)
            for i, f in specs.items():
                for info in _field_infos(obj, f, plan.headers[i], plan.options.get(i, ())):
                    fields.setdefault(info.name, info)
            if not line_obj:
                for info in plan.custom.values():
                    fields.setdefault(info.name, info)
                    if info.type == "money":
                        fields.setdefault(info.name + "__currency", _currency_info(info.name, info.label))
        for info in _DERIVED_FIELDS.get(obj, ()):
            fields[info.name] = info
        id_key = _ID_FIELD.get(plans[0].kind)
        if id_key and obj != "product":
            fields.pop(id_key, None)
        for dropped in ("company_no", "contact_no", "is_organization") if obj in ("contact", "company") else ("contact_no",):
            fields.pop(dropped, None)
        if obj in ("contact", "company") and "company" in fields:
            fields["company"] = FieldInfo("company", fields["company"].label, "ref", ref_object="company",
                                          description="the person's company (Firma / Firma No), by id or by name")
        deps = tuple(dict.fromkeys(f.ref_object for f in fields.values() if f.ref_object and f.ref_object != obj))
        count = None
        if obj not in ("contact", "company") or all(self._small(p) for p in plans):
            count = sum(1 for _ in self._records(obj))
        label = plans[0].spec.label_tr if plans[0].language == "tr" else plans[0].spec.label_en
        if obj == "company":
            label = "Firmalar" if plans[0].language == "tr" else "Companies"
        return ObjectInfo(obj, label, tuple(fields.values()), count, deps,
                          origin=", ".join(f"{p.where} sheet" for p in plans))

    @staticmethod
    def _small(plan: SheetPlan) -> bool:
        return plan.file.stat().st_size < 20_000_000

    def _inventory(self) -> Iterable[InventoryItem]:
        for plan in self._inventory_plans:
            if plan.kind == "whatsapp":
                count = 0
                contacts: set[str] = set()
                first: dt.datetime | None = None
                last: dt.datetime | None = None
                for row in self._rows(plan):
                    count += 1
                    who = row.values.get("contact") or row.values.get("wa_phone")
                    if who:
                        contacts.add(str(who))
                    when = row.values.get("date")
                    if isinstance(when, dt.datetime):
                        first = when if first is None or when < first else first
                        last = when if last is None or when > last else last
                yield InventoryItem(
                    "whatsapp_history", f"WhatsApp messages ({plan.where})",
                    {"messages": count, "contacts": len(contacts), "first": first.isoformat() if first else None,
                     "last": last.isoformat() if last else None, "sheet": plan.where},
                    "Odoo CRM has no WhatsApp history; keep the export, or connect Odoo's WhatsApp app and "
                    "re-link conversations from Meta, which keeps the message bodies")
            elif plan.kind == "workflows":
                for row in self._rows(plan):
                    name = row.values.get("rule_name")
                    if not name:
                        continue
                    yield InventoryItem(
                        "workflow_rule", str(name),
                        {k: row.values.get(k) for k in ("trigger", "condition", "action", "active", "board")}
                        | {"where": row.locator},
                        "rebuild as an Odoo automation rule (base.automation) on the matching model")


def _currency_info(key: str, label: str) -> FieldInfo:
    return FieldInfo(key + "__currency", f"{label} (currency)", "text",
                     description=f"ISO code of the currency written in the {label!r} cells (₺/TL -> TRY, € -> EUR, "
                                 "$ -> USD, £ -> GBP), else of the row's Para Birimi; derived by crm2odoo")


def _field_infos(obj: str, f: hd.FieldSpec, header: str, options: tuple[str, ...] = ()) -> list[FieldInfo]:
    ref_object = f.ref
    type_ = f.type
    tags = tg.tags_field(obj, header) if f.key == tg.TAG_KEY else None
    if tags is not None:
        return [tags]
    if f.key == "contact" and f.ref == "contact":
        return [FieldInfo("contact", header, "ref", ref_object="contact",
                          description="the person this record belongs to (by name or Kişi No)"),
                FieldInfo("company", header, "ref", ref_object="company",
                          description="the company this record belongs to, when the Kişi column names a company")]
    if f.key == "related_record":
        return [FieldInfo("related_record", header, "text", description="raw İlgili Kayıt text"),
                FieldInfo("contact", header, "ref", ref_object="contact"),
                FieldInfo("company", header, "ref", ref_object="company"),
                FieldInfo("deal", header, "ref", ref_object="deal")]
    if f.key == "column":
        ref_object = "board_column"
    description = f.description
    if options:
        description = (description + "; " if description else "") + "options: labels seen in the first rows"
    out = [FieldInfo(f.key, header, type_, options=options, ref_object=ref_object, description=description)]
    if type_ == "money":
        out.append(_currency_info(f.key, header))
    return out


_STAGE_FIELDS = (
    FieldInfo("name", "Aşama", "text"), FieldInfo("pipeline", "Süreç", "ref", ref_object="pipeline"),
    FieldInfo("sequence", "Sıra", "integer"), FieldInfo("probability", "Olasılık", "percent"),
    FieldInfo("stage_type", "Tip", "select", options=("open", "won", "lost"),
              description="from a stage sheet, else derived: won/lost when every deal in the stage is won/lost"),
)
_USER_FIELDS = (
    FieldInfo("name", "Ad Soyad", "text"), FieldInfo("email", "E-posta", "email"),
    FieldInfo("roles", "Rol", "multiselect"), FieldInfo("active", "Aktif", "boolean"),
    FieldInfo("phone", "Telefon", "phone"), FieldInfo("last_login", "Son Giriş", "datetime"),
)
_DERIVED_FIELDS: dict[str, tuple[FieldInfo, ...]] = {
    "contact": (FieldInfo("is_company", "Tür", "boolean", description="False: Kişi (person)"),),
    "company": (FieldInfo("is_company", "Tür", "boolean", description="True: Firma (organisation)"),),
    "lead": (FieldInfo("source_channel", "Kaynak Kanalı", "select", options=dec.SOURCE_CHANNELS,
                       description="derived from Platform / Kaynak / UTM Kaynak by crm2odoo"),),
    "deal": (FieldInfo("outcome", "Durum", "select", options=("open", "won", "lost", "cancelled"),
                       description="derived from Durum by crm2odoo"),
             FieldInfo("pipeline", "Süreç", "ref", ref_object="pipeline"),
             FieldInfo("stage", "Aşama", "ref", ref_object="stage")),
    "activity": (FieldInfo("kind", "Tür", "select", options=("call", "meeting", "email", "task", "whatsapp",
                                                              "reminder", "other"),
                           description="derived from Tür by crm2odoo"),
                 FieldInfo("done", "Durum", "boolean", description="derived: Durum is Tamamlandı / Done"),
                 FieldInfo("duration_minutes", "Süre (dk)", "integer",
                           description="from the column, else end - start")),
    "attachment": (FieldInfo("path", "Dosya Yolu", "text", description="absolute path of the file found on disk"),
                   FieldInfo("url", "URL", "url"), FieldInfo("data", "Dosya", "binary"),
                   FieldInfo("mimetype", "MIME", "text")),
    "card": (FieldInfo("board", "Pano", "ref", ref_object="board"),
             FieldInfo("column", "Sütun", "ref", ref_object="board_column")),
}
_OBJECT_ORDER = ("user", "company", "contact", "lead", "pipeline", "stage", "lost_reason", "deal", "product", "quote",
                 "quote_line", "order", "order_line", "activity", "note", "board", "board_column", "card",
                 "attachment")
