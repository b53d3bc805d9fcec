"""Low-level streaming access to .xlsx sheets: header-row detection, merged ranges, formula cells.

openpyxl's read-only mode streams rows but forgets merged ranges, and ``data_only`` hides whether an empty
cell was a formula Excel never calculated; both are recovered here without loading a sheet into memory.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.utils.cell import range_boundaries

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"

SAMPLE_ROWS = 200
HEADER_SCAN_ROWS = 10


def sheet_xml_paths(path: Path) -> dict[str, str]:
    """Sheet title -> path of its XML part inside the zip."""
    with zipfile.ZipFile(path) as zf:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    out: dict[str, str] = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out[sheet.get("name", "")] = part
    return out


def merged_ranges(path: Path, part: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range, streamed so big sheets stay cheap."""
    ranges: list[tuple[int, int, int, int]] = []
    with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
        for _event, elem in ET.iterparse(fh, events=("end",)):
            if elem.tag == f"{_NS_MAIN}mergeCell":
                ref = elem.get("ref", "")
                if ":" in ref:
                    bounds = range_boundaries(ref)
                    ranges.append((int(bounds[0]), int(bounds[1]), int(bounds[2]), int(bounds[3])))
            elif elem.tag == f"{_NS_MAIN}row":
                elem.clear()  # drop finished rows: memory stays flat on a million-row sheet
    return ranges


@dataclass
class RawRow:
    number: int  # 1-based Excel row number
    cells: list[Any]
    uncached: set[int] = field(default_factory=set)  # columns holding a formula without a cached value


def iter_rows(path: Path, sheet: str, *, start: int = 1, merges: list[tuple[int, int, int, int]] | None = None,
              formulas: bool = False) -> Iterator[RawRow]:
    """Rows from ``start`` on, merged ranges filled from their top-left cell, fully empty rows skipped."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    wb_f = openpyxl.load_workbook(path, read_only=True, data_only=False) if formulas else None
    try:
        ws = wb[sheet]
        ws.reset_dimensions()  # exporters often write a wrong <dimension>; trust the rows themselves
        values = ws.iter_rows(min_row=start, values_only=True)
        raw_formulas = None
        if wb_f is not None:
            ws_f = wb_f[sheet]
            ws_f.reset_dimensions()
            raw_formulas = ws_f.iter_rows(min_row=start, values_only=True)
        pending = sorted(merges or [], key=lambda m: m[1])
        active: list[tuple[tuple[int, int, int, int], Any]] = []
        for offset, row in enumerate(values):
            number = start + offset
            cells = list(row)
            uncached: set[int] = set()
            if raw_formulas is not None:
                frow = next(raw_formulas, ())
                for i, f in enumerate(frow):
                    if isinstance(f, str) and f.startswith("=") and (i >= len(cells) or cells[i] is None):
                        uncached.add(i)
            if pending or active:
                while pending and pending[0][1] == number:
                    m = pending.pop(0)
                    top_left = cells[m[0] - 1] if m[0] - 1 < len(cells) else None
                    active.append((m, top_left))
                while pending and pending[0][1] < number:
                    pending.pop(0)
                for (c1, r1, c2, r2), val in active:
                    if r1 <= number <= r2:
                        if len(cells) < c2:
                            cells.extend([None] * (c2 - len(cells)))
                        for c in range(c1 - 1, c2):
                            cells[c] = val
                active = [a for a in active if a[0][3] > number]
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells) and not uncached:
                continue
            yield RawRow(number, cells, uncached)
    finally:
        wb.close()
        if wb_f is not None:
            wb_f.close()


def sheet_titles(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def head(path: Path, sheet: str, rows: int, *, formulas: bool = False) -> list[list[Any]]:
    """The first ``rows`` rows as they are (no skipping), for header detection and sampling."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=not formulas)
    try:
        out: list[list[Any]] = []
        ws = wb[sheet]
        ws.reset_dimensions()
        for row in ws.iter_rows(min_row=1, max_row=rows, values_only=True):
            out.append(list(row))
        return out
    finally:
        wb.close()


def is_formula(value: Any) -> bool:
    return isinstance(value, str) and re.match(r"^=[A-Za-z0-9_(]", value) is not None
