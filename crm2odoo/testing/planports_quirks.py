"""The dirt of real Planports exports (shared reference §5-7), rendered onto clean rows.

Title rows over the headers, shuffled columns, merged cells, formulas with (and once without) a cached value,
trailing empty rows, and the spellings exporters use for amounts (``1.234,56``, ``₺``/``€``), phones and dates.
With ``dirt`` off the writer renders plain sheets, for tests that need a tidy workbook.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from crm2odoo.sources.planports import headers as hd


class SheetWriter:
    """Collects sheets (headers by field key) and renders them with the dirt switched on or off."""

    def __init__(self, language: str, rng: random.Random, dirt: bool) -> None:
        self.language, self.rng, self.dirt = language, rng, dirt
        self.wb = openpyxl.Workbook()
        self.wb.remove(self.wb.active)
        self.formulas: dict[str, dict[str, str | None]] = {}  # sheet -> cell -> formula (None: no cached value)

    def header(self, spec: hd.SheetSpec, key: str) -> str:
        return spec.field(key).header(self.language)

    def sheet(self, spec: hd.SheetSpec, columns: list[str], rows: list[dict[str, Any]], *,
              title: str | None = None, shuffle: bool = True, extra: dict[str, str] | None = None,
              merge_down: str | None = None, formula: tuple[str, list[str | None]] | None = None) -> None:
        """columns: field keys or 'x:<header>' for custom / unknown columns."""
        name = spec.label_tr if self.language == "tr" else spec.label_en
        ws = self.wb.create_sheet(name[:31])
        cols = list(columns)
        if self.dirt and shuffle:
            self.rng.shuffle(cols)
        labels = [c[2:] if c.startswith("x:") else self.header(spec, c) for c in cols]
        top = 1
        if self.dirt and title:
            ws.cell(row=1, column=1, value=title)
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
            top = 3  # a blank row under the title, as exporters with a filter summary do
        for j, label in enumerate(labels, start=1):
            ws.cell(row=top, column=j, value=label)
        for i, row in enumerate(rows, start=1):
            for j, key in enumerate(cols, start=1):
                value = row.get(key)
                if value is not None:
                    ws.cell(row=top + i, column=j, value=value)
        if self.dirt and merge_down and merge_down in cols:
            j = cols.index(merge_down) + 1
            start = 0
            for i in range(1, len(rows) + 1):
                if i == len(rows) or rows[i].get(merge_down) != rows[start].get(merge_down):
                    if i - start > 1:
                        ws.merge_cells(start_row=top + 1 + start, start_column=j, end_row=top + i, end_column=j)
                    start = i
        if formula is not None and formula[0] in cols:
            j = cols.index(formula[0]) + 1
            letter = get_column_letter(j)
            cells = self.formulas.setdefault(ws.title, {})
            for i, f in enumerate(formula[1], start=1):
                if f is not None:
                    cells[f"{letter}{top + i}"] = f
                    if ws.cell(row=top + i, column=j).value is None:
                        ws.cell(row=top + i, column=j, value=0)  # placeholder: rewritten as a bare formula
        if self.dirt:
            for i in range(len(rows) + 1, len(rows) + 4):
                ws.cell(row=top + i, column=1, value="")  # trailing empty rows Excel keeps after deletions

    def save(self, path: Path, uncached: set[tuple[str, str]]) -> None:
        self.wb.save(path)
        if self.formulas:
            _inject_formulas(path, self.formulas, uncached)


def _inject_formulas(path: Path, formulas: dict[str, dict[str, str | None]], uncached: set[tuple[str, str]]) -> None:
    """openpyxl cannot write a formula together with its cached value; patch the sheet XML instead."""
    from crm2odoo.sources.planports.sheets import sheet_xml_paths

    parts = sheet_xml_paths(path)
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            for sheet, cells in formulas.items():
                if parts.get(sheet) != info.filename:
                    continue
                text = data.decode("utf-8")
                for ref, f in cells.items():
                    pattern = re.compile(r'<c r="' + ref + r'"([^>]*)>(.*?)</c>')
                    bare = (sheet, ref) in uncached
                    text = pattern.sub(_formula_cell(ref, str(f), bare), text)
                data = text.encode("utf-8")
            zf.writestr(info, data)


def _formula_cell(ref: str, formula: str, bare: bool) -> Callable[[re.Match[str]], str]:
    """A replacement for one <c> element: the formula added, its cached value kept unless ``bare``."""

    def replace(m: re.Match[str]) -> str:
        if bare:
            return f'<c r="{ref}"><f>{formula}</f></c>'
        return f'<c r="{ref}"{m.group(1)}><f>{formula}</f>{m.group(2)}</c>'

    return replace


def money_text(amount: Decimal, language: str, style: int, symbol: str, code: str) -> Any:
    """A dirty rendering of an amount; style picks one of the spellings exports use."""
    q = f"{amount:,.2f}"  # 1,234.56
    tr = q.replace(",", "X").replace(".", ",").replace("X", ".")  # 1.234,56
    local = tr if language == "tr" else q
    return [local, f"{symbol}{local}", f"{local} {code}", float(amount)][style % 4]


def phone_text(number: str, style: int) -> Any:
    """number: 10 national digits."""
    a, b, c, d = number[:3], number[3:6], number[6:8], number[8:]
    return [f"0{a} {b} {c} {d}", f"+90 ({a}) {b}-{c}{d}", int(number), f"+90 {a} {b} {c} {d}", f"0{number}"][style % 5]


def date_text(day: dt.date, language: str) -> str:
    return day.strftime("%d.%m.%Y") if language == "tr" else day.strftime("%d/%m/%Y")


def flat_sheet(w: SheetWriter, cols: list[str], rows: list[dict[str, Any]]) -> None:
    """Orders exported flattened: the order's columns repeat on each of its lines."""
    name = hd.ORDERS.label_tr if w.language == "tr" else hd.ORDERS.label_en
    ws = w.wb.create_sheet(name)
    labels = []
    for c in cols:
        spec = hd.ORDERS if any(f.key == c for f in hd.ORDERS.fields) else hd.ORDER_LINES
        labels.append(spec.field(c).header(w.language))
    ws.append(labels)
    for row in rows:
        ws.append([row.get(c) for c in cols])
