"""Discovery of a folder of Ontraport CSV exports: each file's object, text plan, columns and what its values show.

Each file is read once here: its object comes from its headers and its name (see :mod:`.csv_detect`; a file
whose key names an object no standard export has is a custom object), its key column from a header
that reads as an id or else from values, its tags column's separator and its links to other exports from the
values of all its rows. A file whose records nothing identifies stops discovery with the file, the columns seen
and the ones expected.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crm2odoo.errors import Fatal, SourceError, UserFacingError
from crm2odoo.sources.base import FieldInfo
from crm2odoo.sources.ontraport.csv_aliases import aliases
from crm2odoo.sources.ontraport.csv_detect import detect_object
from crm2odoo.sources.ontraport.csv_profile import (
    ColumnValues,
    TagSplitter,
    id_column_from_values,
    id_header_object,
    is_key_value,
    own_id_header,
    says_id,
    tag_splitter,
)
from crm2odoo.sources.ontraport.csv_text import TextPlan, csv_reader, plan_text
from crm2odoo.sources.ontraport.objects import CSV_NOTE_COLUMNS, csv_fields
from crm2odoo.textnorm import fold

_FIELD_LIMIT = 1 << 27  # 128 MiB per cell
#: rows between two reports of the scan to whoever watches it
SCAN_STEP = 1000
_VALUE_LIMIT = 500_000  # distinct values kept per profiled column
_TAG_COLUMNS = ("contact_cat",)


class CsvShapeError(SourceError, UserFacingError, Fatal):
    """An export the connector cannot read as records (no column identifies them)."""


@dataclass
class CsvFile:
    path: Path
    object: str
    plan: TextPlan
    header: list[str]
    columns: list[tuple[str, FieldInfo]]  # header text -> field, in file order (note columns excluded)
    note_columns: dict[str, str] = field(default_factory=dict)  # note field key -> header text
    unknown: list[str] = field(default_factory=list)
    splitters: dict[str, TagSplitter] = field(default_factory=dict)  # tags column header -> its splitter
    ids: set[str] = field(default_factory=set)  # the records' ids (for links from other files)
    date_orders: Counter[str] = field(default_factory=Counter)  # 'dmy' / 'mdy': dates only one order can read
    note_rows: int = 0  # rows holding a note (contacts-with-notes export): the note object's count
    rows: int = 0  # rows holding anything (blank rows left out): a whole read's length, for its progress

    @property
    def encoding(self) -> str:
        return self.plan.name

    def id_header(self) -> str | None:
        return next((h for h, info in self.columns if info.name == "id"), None)


_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})([./-])(\d{1,2})\2\d{4}\b")


def date_order_shown(cell: str) -> str:
    """'dmy' for '13.06.2023', 'mdy' for '06/13/2023', '' when either order reads the cell (or it is no date)."""
    found = _NUMERIC_DATE.match(cell)
    if found is None:
        return ""
    first, second = int(found.group(1)), int(found.group(3))
    return "dmy" if first > 12 >= second else "mdy" if second > 12 >= first else ""


#: the same test at the start of every cell of a row joined by NUL: one regex pass a row instead of a call a cell
_CELL_NUMERIC_DATE = re.compile(r"(?:^|\x00)\s*(\d{1,2})([./-])(\d{1,2})\2\d{4}\b")


def date_orders_shown(row: list[str]) -> Iterator[str]:
    """``date_order_shown`` of the row's cells, the ones either order reads left out."""
    joined = "\x00".join(row)
    if joined.count("\x00") != len(row) - 1:  # a cell holds a NUL itself: cell by cell
        yield from filter(None, map(date_order_shown, row))
        return
    for found in _CELL_NUMERIC_DATE.finditer(joined):
        first, second = int(found.group(1)), int(found.group(3))
        if first > 12 >= second:
            yield "dmy"
        elif second > 12 >= first:
            yield "mdy"


def sniff_encoding(path: Path) -> str:
    """The encoding most of the file is (utf-8, utf-8-sig, utf-16, cp1254, cp1252); see :mod:`.csv_text`."""
    return plan_text(path).encoding


def scan_folder(folder: Path, warnings: list[str], progress: Callable[[int], None] | None = None) -> list[CsvFile]:
    """The exports in ``folder``, each read once to learn its columns; ``progress`` is told the rows read so far
    (of every file, every SCAN_STEP rows): a big export takes a while, and nothing else moves meanwhile."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    files: list[CsvFile] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file()):
        plan = plan_text(path)
        header = [h.strip() for h in next(csv_reader(path, plan), [])]
        detected = detect_object(path, header)
        if detected is None:
            warnings.append(f"{path.name}: columns match no known Ontraport export (first: "
                            f"{', '.join(header[:5])}); file ignored")
            continue
        files.append(_describe(path, detected, plan, header, warnings))
    scanned = 0
    for f in files:
        _profile(f, warnings, progress, scanned)
        scanned += f.rows
    for f in files:
        _links(f, files)
    return files


def _profile(f: CsvFile, warnings: list[str], progress: Callable[[int], None] | None = None, before: int = 0) -> None:
    """One pass over the rows: the key column (from values if no header named it), tag separators, odd lines."""
    id_header = f.id_header()
    unknown = [h for h, info in f.columns if info.custom]
    watched = {*unknown, *(h for h, info in f.columns if info.name in _TAG_COLUMNS)}
    if id_header:
        watched.add(id_header)
    values = {h: ColumnValues() for h in watched}
    # a key repeats only on the rows of one record (the contacts-with-notes export): same columns besides notes
    record_of: dict[str, dict[str, str]] = {h: {} for h in unknown}
    consistent = set(unknown) if id_header is None else set()  # only a file without a key header needs it
    contact_columns = [h for h, _ in f.columns]
    # the rows that hold a note are the notes the source reads (the same test as its note reader)
    note_cells = [f.note_columns[k] for k in ("data", "date") if k in f.note_columns]
    odd = set(f.plan.odd_lines)
    odd_rows: list[int] = []
    rows = 0
    reader = csv_reader(f.path, f.plan)
    next(reader, None)
    previous_line = reader.line_num
    try:
        for row in reader:
            lines = range(previous_line + 1, reader.line_num + 1)
            previous_line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            rows += 1
            if progress is not None and rows % SCAN_STEP == 0:
                progress(before + rows)
            if odd and any(n in odd for n in lines):
                odd_rows.append(rows + 1)
            cells = dict(zip(f.header, row, strict=False))
            f.date_orders.update(date_orders_shown(row))
            f.note_rows += any((cells.get(h) or "").strip() for h in note_cells)
            for h in watched:
                values[h].add(cells.get(h) or "", limit=_VALUE_LIMIT)
            if consistent:
                digest = hashlib.sha1("\x1f".join(cells.get(h) or "" for h in contact_columns).encode()).hexdigest()
                for h in list(consistent):
                    key = (cells.get(h) or "").strip()
                    if len(record_of[h]) < _VALUE_LIMIT and record_of[h].setdefault(key, digest) != digest:
                        consistent.discard(h)
    except csv.Error:
        pass  # the row is reported when records are read
    f.rows = rows
    if progress is not None and before + rows >= SCAN_STEP:  # a small export is read in a blink: nothing to tell
        progress(before + rows)
    if odd_rows:
        shown = ", ".join(str(n) for n in odd_rows[:20]) + (" ..." if len(odd_rows) > 20 else "")
        warnings.append(f"{f.path.name}: row(s) {shown} hold bytes that are not {f.plan.encoding}; they were read as "
                        f"{f.plan.fallback} (nothing dropped): check their accented letters")
    if id_header is None:
        records = max((len(r) for r in record_of.values()), default=0)
        id_header = _learn_id_column(f, values, rows, records, [h for h in unknown if h in consistent], warnings)
    f.ids = values[id_header].distinct if id_header in values else set()
    for h, info in f.columns:
        if info.name in _TAG_COLUMNS:
            f.splitters[h] = tag_splitter(values[h].whole)
    _list_columns(f, values)


def _list_columns(f: CsvFile, values: dict[str, ColumnValues]) -> None:
    """An unknown column whose values hold Ontraport's list delimiter ``*/*`` is a multi-select of those labels."""
    for n, (h, info) in enumerate(f.columns):
        seen = values.get(h)
        if not info.custom or info.type != "text" or seen is None or not any("*/*" in c for c in seen.whole):
            continue
        splitter = TagSplitter("*/*")
        options = dict.fromkeys(p for cell in seen.whole for p in splitter.split(cell))
        f.columns[n] = (h, FieldInfo(name=h, label=h, type="multiselect", custom=True, options=tuple(options)[:200],
                                     description="values joined by */* (Ontraport's list delimiter)"))
        f.splitters[h] = splitter


def _learn_id_column(f: CsvFile, values: dict[str, ColumnValues], rows: int, records: int, candidates: list[str],
                     warnings: list[str]) -> str:
    """The unknown column whose values identify the records (id-like headers first); stop when there is none."""
    candidates = sorted(candidates, key=lambda h: not id_header_object(h)[0])
    learnt = id_column_from_values(values, rows, records, candidates)
    if learnt is None:
        raise _no_id_column(f)
    f.columns = [(h, FieldInfo(name="id", label=h, type="id", required=True,
                               description="identifies the records (learnt from its values: unique ids)"))
                 if h == learnt else (h, info) for h, info in f.columns]
    f.unknown = [h for h in f.unknown if h != learnt]
    warnings.append(f"{f.path.name} ({f.object}): column {learnt!r} read as the records' ID (its values are "
                    "unique ids)")
    return learnt


def _no_id_column(f: CsvFile) -> CsvShapeError:
    expected = list(dict.fromkeys([csv_fields(f.object)["id"][0], "ID", "Id"]))
    return CsvShapeError(
        f"{f.path.name} looks like a {f.object} export, but no column identifies its records. Columns seen: "
        f"{', '.join(f.header)}. Expected one of: {', '.join(expected)} (or a column of unique whole numbers or "
        "UUIDs, one per record)",
        hint=f"Export {f.path.name} again with its ID column included (in Ontraport's export, tick the ID field), "
             "or remove the file from the folder if it is not needed, then run `crm2odoo discover` again.")


def _links(f: CsvFile, files: list[CsvFile]) -> None:
    """An unknown column headed '<Object> ID' whose values are all ids of that object's export is a link to it."""
    ids_of: dict[str, set[str]] = {}
    for other in files:
        ids_of.setdefault(other.object, set()).update(other.ids)
    if not any(info.custom for _, info in f.columns):
        return
    linked: dict[str, str] = {}
    for h, info in f.columns:
        reads_as_id, named = id_header_object(h)
        if not info.custom or not reads_as_id or named in (None, "?", f.object) or not ids_of.get(str(named)):
            continue
        linked[h] = str(named)
    if not linked:
        return
    seen: dict[str, set[str]] = {h: set() for h in linked}
    reader = csv_reader(f.path, f.plan)
    next(reader, None)
    try:
        for row in reader:
            cells = dict(zip(f.header, row, strict=False))
            for h in linked:
                value = (cells.get(h) or "").strip()
                if value:
                    seen[h].add(value)
    except csv.Error:
        pass
    for h, target in linked.items():
        values = seen[h]
        if values and all(is_key_value(v) for v in values) and values <= ids_of[target]:
            f.columns = [(c, FieldInfo(name=h, label=h, type="ref", ref_object=target, custom=True,
                                       description=f"ids of {target} records (every value is an id in the "
                                                   f"{target} export)")) if c == h else (c, i)
                         for c, i in f.columns]
            f.unknown = [u for u in f.unknown if u != h]


def _describe(path: Path, obj: str, plan: TextPlan, header: list[str], warnings: list[str]) -> CsvFile:
    table = csv_fields(obj)
    known = {fold(label): (key, ftype) for key, (label, ftype) in table.items()}
    known.update({fold(key): (key, ftype) for key, (_label, ftype) in table.items()})
    for alt, key in aliases(obj).items():
        if key in table:
            known.setdefault(alt, (key, table[key][1]))
    # a custom object's key names the object itself ('Workshop ID'): the leftmost id column
    own_key = next((h for h in header if id_header_object(h)[0]), None) if obj.startswith("custom_") else None
    # of several headers naming this object's id ('Kundennummer' and 'Kontakt-ID'), an 'ID' is the export's
    # key and a number is a business identifier kept as a field; one naming the object ('Task ID') before a
    # generic one ('Record ID' may be the parent's); then the leftmost
    keys = [h for h in header if h == own_key or own_id_header(h, obj)]
    own_key = min(keys, key=lambda h: (not says_id(h), h != own_key and id_header_object(h)[1] != obj,
                                       header.index(h)), default=None)
    notes = {fold(label): key for key, (label, _t) in CSV_NOTE_COLUMNS.items()} if obj == "contact" else {}
    columns: list[tuple[str, FieldInfo]] = []
    note_columns: dict[str, str] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    for h in header:
        key_f = fold(h)
        if key_f in notes:
            note_columns[notes[key_f]] = h
            continue
        if key_f in known and known[key_f][0] not in taken:
            key, ftype = known[key_f]
        elif "id" not in taken and h == own_key:
            key, ftype = "id", "id"  # 'ID', 'Id', 'Kişi No', '<Object> Id'
        elif obj == "deal" and key_f == "pipeline":
            key, ftype = "pipeline", "ref"
        else:
            unknown.append(h)
            # still exposed, so the map can take it or ignore it on purpose
            columns.append((h, FieldInfo(name=h, label=h, type="text", custom=True,
                                         description="column not known to the connector; read as text")))
            continue
        taken.add(key)
        columns.append((h, FieldInfo(name=key, label=h, type=ftype, ref_object=_ref_target(obj, key),
                                     required=key == "id")))
    if unknown:
        warnings.append(f"{path.name} ({obj}): columns not known to the connector, read as text: "
                        + ", ".join(unknown))
    return CsvFile(path=path, object=obj, plan=plan, header=header, columns=columns,
                   note_columns=note_columns, unknown=unknown)


def _ref_target(obj: str, key: str) -> str | None:
    targets: dict[str, str] = {"owner": "user", "contact_cat": "tag", "company_id": "company",
                               "primary_contact": "contact", "sales_stage": "stage", "contact_id": "contact",
                               "pipeline": "pipeline", "author": "user"}
    if obj == "deal" and key == "company":
        return "company"
    return targets.get(key)


def merge_fields(group: list[CsvFile]) -> tuple[FieldInfo, ...]:
    out: dict[str, FieldInfo] = {}
    for f in group:
        for _, info in f.columns:
            out.setdefault(info.name, info)
    return tuple(out.values())


__all__ = ["CsvFile", "CsvShapeError", "merge_fields", "scan_folder", "sniff_encoding"]
