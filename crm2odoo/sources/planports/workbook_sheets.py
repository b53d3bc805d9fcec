"""The sheets of Planports Excel exports: which Planports list each sheet is (recognised by its headers, Turkish or
English, under a title row), its columns, their number styles and options, and its rows decoded cell by cell.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.errors import SourceError
from crm2odoo.sources.base import FieldInfo, FieldProblem, FieldType, SourceRecord
from crm2odoo.sources.planports import decode as dec
from crm2odoo.sources.planports import headers as hd
from crm2odoo.sources.planports import sheets as sh
from crm2odoo.sources.planports import values as v
from crm2odoo.textnorm import fold, slug

_LINE_KIND = {"quotes": hd.QUOTE_LINES, "orders": hd.ORDER_LINES}
_CUSTOM_OBJECT_WORDS: dict[str, str] = {
    "kisi": "contacts", "kisiler": "contacts", "contact": "contacts", "contacts": "contacts", "firma": "contacts",
    "company": "contacts", "firsat": "deals", "firsatlar": "deals", "satis firsati": "deals",
    "satis firsatlari": "deals", "deal": "deals", "deals": "deals", "opportunity": "deals",
    "opportunities": "deals", "lead": "leads", "leads": "leads", "potansiyel musteri": "leads",
    "potansiyel musteriler": "leads", "aday": "leads", "urun": "products", "product": "products",
    "teklif": "quotes", "quote": "quotes", "etkinlik": "activities", "activity": "activities",
}


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


class Names:
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


def problem(key: str, message: str, raw: Any) -> FieldProblem:
    return FieldProblem(key, message, "" if raw is None else str(raw)[:200])


def make_record(obj: str, row: Row, ident: Any, values: dict[str, Any]) -> SourceRecord:
    problems = list(row.problems)
    if ident in (None, ""):
        ident = f"row-{row.number}"
        problems.append(FieldProblem(None, "row has no id; a row number is used, which changes if rows move"))
    modified = values.get("modified_at")
    return SourceRecord(obj, str(ident), values, row.locator,
                        modified if isinstance(modified, dt.datetime) else None, problems)


def money_fallback(values: dict[str, Any], plan: SheetPlan) -> None:
    """A money cell without a symbol takes the row's Para Birimi column."""
    raw_currency = values.get("currency")
    if raw_currency:
        with contextlib.suppress(ValueError):
            values["currency"] = v.currency_code(str(raw_currency))
    for key in list(values):
        if key.endswith("__currency") and values[key] is None and values.get(key[: -len("__currency")]) is not None:
            code = values.get("currency")
            values[key] = code if code in v.CURRENCY_ALIASES.values() else None


def _sample_options(columns: dict[int, hd.FieldSpec], sample: list[Any]) -> dict[int, tuple[str, ...]]:
    """The labels the first rows show in each select column (at most 50), in first-seen order."""
    options: dict[int, tuple[str, ...]] = {}
    for i, fs in columns.items():
        if fs.type in ("select", "multiselect"):
            seen: dict[str, None] = {}
            for r in sample:
                cell = r[i] if i < len(r) else None
                if not v.is_empty(cell):
                    for label in (v.split_list(cell) if fs.type == "multiselect" else [v.clean_text(cell)]):
                        seen.setdefault(label, None)
            options[i] = tuple(seen)[:50]
    return options


class Sheets:
    """The recognised sheets of one workbook or folder of workbooks, planned once from their first rows."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._plans: list[SheetPlan] | None = None
        self.warnings: list[str] = []
        self.inventory_plans: list[SheetPlan] = []

    def files(self) -> list[Path]:
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
            for file in self.files():
                try:
                    titles = sh.sheet_titles(file)
                    parts = sh.sheet_xml_paths(file)
                except Exception as exc:
                    raise SourceError(f"{file.name} is not a readable .xlsx workbook ({type(exc).__name__})",
                                      hint="export that list from Planports to Excel again (a file that opens in "
                                           "Excel), or move it out of the folder") from exc
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
                self.warnings.append(f"{file.name} › {title}: no header row recognised in the first "
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
            self.warnings.append(f"{file.name} › {title}: headers {', '.join(h for h in headers if h)} match no "
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
        options = _sample_options({**columns, **line_columns}, sample)
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
            self.inventory_plans.append(plan)
            return plan
        return plan

    def _apply_custom_definitions(self, plans: list[SheetPlan]) -> None:
        """An Özel Alanlar sheet turns matching unknown columns into declared custom fields of the right type."""
        declared: dict[tuple[str, str], tuple[str, FieldInfo]] = {}
        for plan in plans:
            if plan.kind != "custom_fields":
                continue
            for row in self.rows(plan):
                label = row.values.get("field_label")
                type_text = row.values.get("field_type") or ""
                kind = _CUSTOM_OBJECT_WORDS.get(fold(str(row.values.get("object") or "")).replace("-", " "), "*")
                type_ = dec.declared_type(str(type_text))
                if not label:
                    continue
                if type_ is None:
                    self.warnings.append(f"{row.locator}: custom field type {type_text!r} of {label!r} not "
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
                    self.warnings.append(f"{plan.where}: column {info.label!r} is not a known Planports field; "
                                          f"exposed as custom field {info.name!r} ({info.type})")

    def of(self, kind: str) -> list[SheetPlan]:
        return [p for p in self.plans() if p.kind == kind]

    def rows(self, plan: SheetPlan) -> Iterator[Row]:
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
            problems.append(problem(key, "formula without a cached value (open and save the file in Excel "
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
            problems.append(problem(key, f"{plan.headers[i]!r}: {shown!r}: {exc}", cell))
            value, currency = None, None
        values[key] = value
        if type_ == "money":
            values[key + "__currency"] = currency
