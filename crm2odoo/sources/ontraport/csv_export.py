"""Ontraport UI CSV exports (``kind = "ontraport-csv"``), for accounts without API access.

A folder of ``.csv`` files exported from the Ontraport UI. Headers are display labels ("First Name"), dates
are human-readable, dropdowns are labels, tags are names joined by ``*/*`` (the import format; the export
format is undocumented). Each file's object is detected from its headers and its name; a custom object's export
(its key names an object no standard export has) is read as that custom object. Notes come from their own export
(keyed by its "Note ID") and from the contacts-with-notes export, which repeats the contact row once per note:
contacts are de-duplicated by ID and the note columns become ``note`` records. Everything streams through the
``csv`` module one row at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from crm2odoo.errors import SourceError
from crm2odoo.sources import SourceSettings
from crm2odoo.sources.base import Catalog, FieldInfo, FieldProblem, ObjectInfo, SourceRecord
from crm2odoo.sources.ontraport.csv_profile import TagSplitter
from crm2odoo.sources.ontraport.csv_scan import CsvFile, merge_fields, scan_folder, sniff_encoding
from crm2odoo.sources.ontraport.csv_text import csv_reader
from crm2odoo.sources.ontraport.decode import (
    LIST_DELIMITER,
    decode_bool,
    decode_decimal,
    parse_ui_date,
    ui_datetime,
)
from crm2odoo.sources.ontraport.transactions import (
    LINE_FIELDS,
    PAYMENT_FIELDS,
    line_records,
    payment_record,
    received_money,
    refund_record,
)
from crm2odoo.spill import SpillMap
from crm2odoo.textnorm import fold, plural

#: objects read row by row from their own export file (the rest are derived from these)
DIRECT_OBJECTS = ("company", "contact", "deal", "product", "task", "invoice", "note")
#: objects known only by the names other rows give them
NAMED_OBJECTS = ("tag", "user", "stage", "pipeline")
#: rows between two reports of a long read
READING_STEP = 5000
_FIELD_LIMIT = 1 << 27  # 128 MiB per cell


class OntraportCsvSource:
    """Reads a folder of Ontraport UI exports."""

    kind = "ontraport-csv"
    full_read_is_cheap = True

    def __init__(self, settings: SourceSettings) -> None:
        self.folder = settings.path()
        opts = settings.options
        tz_name = str(opts.get("timezone") or settings.values.get("timezone") or "UTC")
        self.tz: dt.tzinfo = dt.UTC if tz_name.upper() == "UTC" else ZoneInfo(tz_name)
        self.date_order = str(opts.get("date_order") or settings.values.get("date_order") or "").lower()
        self.dayfirst = self.date_order == "dmy"  # until the values show otherwise (see _learn_date_order)
        self._files: list[CsvFile] | None = None
        self._named: dict[str, list[tuple[str, str]]] | None = None  # see _names
        #: told (rows read, rows in all) while the exports are read for the names they hold: a long read of a big
        #: export that yields nothing until it ends (the loader shows it)
        self.reading_progress: Callable[[int, int | None], None] | None = None
        self.scanning_progress: Callable[[int], None] | None = None  # rows read while learning the columns
        self._warnings: list[str] = []

    def __repr__(self) -> str:
        return f"OntraportCsvSource(folder={str(self.folder)!r})"

    def close(self) -> None:
        self._files = None
        self._named = None

    # ------------------------------------------------------------------ discovery
    def _scan(self) -> list[CsvFile]:
        if self._files is not None:
            return self._files
        if not self.folder.is_dir():
            raise SourceError(f"the export folder {self.folder} does not exist",
                              hint="set [source] path to the folder holding the Ontraport CSV exports")
        warnings: list[str] = []
        files = scan_folder(self.folder, warnings, self.scanning_progress)
        for f in files:
            if f.plan.encoding not in ("utf-8", "utf-8-sig"):
                warnings.append(f"{f.path.name}: not UTF-8, read as {f.plan.encoding}; check accented letters")
            if f.plan.delimiter != ",":
                warnings.append(f"{f.path.name}: columns separated by {f.plan.delimiter!r}")
        if not files:
            warnings.append(f"no Ontraport CSV export found in {self.folder}")
        self._learn_date_order(files, warnings)
        self._files, self._warnings = files, warnings
        return files

    def _learn_date_order(self, files: list[CsvFile], warnings: list[str]) -> None:
        """Day or month first, as the exports' own dates show it ('13.06.2023' can only be day-first), unless
        [source] date_order says. Dates that either order reads are read as the rest of the export is."""
        if self.date_order:
            return
        shown: Counter[str] = sum((f.date_orders for f in files), Counter())
        day, month = shown["dmy"], shown["mdy"]
        if day and month:
            warnings.append(f"dates are written day-first in {day} cells and month-first in {month}: read "
                            f"{'day' if day > month else 'month'}-first; set [source] date_order = \"dmy\" or "
                            "\"mdy\" if that is wrong")
        self.dayfirst = day > month

    def discover(self) -> Catalog:
        files = self._scan()
        objects: list[ObjectInfo] = []
        by_object: dict[str, list[CsvFile]] = {}
        for f in files:
            by_object.setdefault(f.object, []).append(f)
        customs = sorted(name for name in by_object if _is_custom(name))
        for name in (*DIRECT_OBJECTS, *customs):
            group = by_object.get(name)
            if not group:
                continue
            fields = merge_fields(group)
            objects.append(ObjectInfo(
                name=name, label=_label(name), fields=fields, count=_row_count(group), custom=_is_custom(name),
                depends_on=tuple(sorted({f.ref_object for f in fields if f.ref_object and f.ref_object != name})),
                origin=", ".join(f.path.name for f in group), supports_delta=False,
            ))
        invoice_files = by_object.get("invoice", [])
        if invoice_files:
            origin = ", ".join(f.path.name for f in invoice_files)
            objects.append(ObjectInfo(name="invoice_line", label="Transaction lines", fields=LINE_FIELDS,
                                      origin=f"derived: {origin} (offer data, or one line per transaction)",
                                      depends_on=("contact", "invoice", "product")))
            objects.append(ObjectInfo(name="payment", label="Payments", fields=PAYMENT_FIELDS,
                                      origin=f"derived: {origin} (transactions with money received)",
                                      depends_on=("contact", "invoice")))
        contact_files = by_object.get("contact", [])
        if any(f.note_columns for f in contact_files) and "note" not in by_object:
            objects.append(ObjectInfo(
                name="note", label="Notes", origin=", ".join(f.path.name for f in contact_files if f.note_columns),
                count=sum(f.note_rows for f in contact_files if f.note_columns),
                fields=(FieldInfo("id", "ID", "id", required=True),
                        FieldInfo("contact_id", "Contact", "ref", ref_object="contact"),
                        FieldInfo("data", "Note", "html"), FieldInfo("date", "Note Date", "datetime"),
                        FieldInfo("author", "Note Author", "ref", ref_object="user")),
                depends_on=("contact", "user"),
            ))
        if any(info.name == "contact_cat" for f in contact_files for _, info in f.columns):
            objects.append(ObjectInfo(
                name="tag", label="Tags", origin="Contact Tags column",
                fields=(FieldInfo("id", "ID", "id", required=True), FieldInfo("tag_name", "Tag Name", "text")),
            ))
        if any(info.ref_object == "user" for f in files for _, info in f.columns) or \
                any("author" in f.note_columns for f in contact_files):
            objects.append(ObjectInfo(
                name="user", label="Users", origin="Owner / Note Author columns",
                fields=(FieldInfo("id", "ID", "id", required=True), FieldInfo("name", "Name", "text"),
                        FieldInfo("email", "Email", "email",
                                  description="only where the export gives an e-mail; else match users by name")),
            ))
        for derived, column in (("stage", "sales_stage"), ("pipeline", "pipeline")):
            if any(info.name == column for f in by_object.get("deal", []) for _, info in f.columns):
                objects.append(ObjectInfo(
                    name=derived, label=plural(derived).capitalize(), origin=f"deals: {column} column",
                    fields=(FieldInfo("id", "ID", "id", required=True), FieldInfo("name", "Name", "text"),
                            FieldInfo("sequence", "Sequence", "integer"))
                    + ((FieldInfo("is_won", "Won", "boolean"), FieldInfo("is_lost", "Lost", "boolean"))
                       if derived == "stage" else ()),
                ))
        return Catalog(source_kind=self.kind, objects=self._counted(objects, set(by_object)),
                       warnings=tuple(self._warnings), account={"folder": str(self.folder), "timezone": str(self.tz)})

    def _counted(self, objects: list[ObjectInfo], exported: set[str]) -> tuple[ObjectInfo, ...]:
        """Objects made from columns (notes, tags, users, stages, pipelines, transaction lines) counted by reading
        them: a person sizes the run, and a progress bar its total, by these counts. The named objects come from
        one read of the exports together, lines and payments from one read of the transactions."""
        missing = {o.name for o in objects if o.count is None and o.name not in exported}
        counts: Counter[str] = Counter()
        if missing & set(NAMED_OBJECTS):
            counts.update({name: len(found) for name, found in self._names().items()})
        money = missing & {"invoice_line", "payment"}
        if money:
            counts.update(r.object for r in self._from_transactions(self._scan(), money))
        for name in missing - set(NAMED_OBJECTS) - money:
            counts[name] = sum(1 for _ in self._records(name))
        return tuple(replace(o, count=counts[o.name]) if o.name in missing else o for o in objects)

    # ------------------------------------------------------------------ reading
    def read(self, object_name: str, *, since: dt.datetime | None = None,
             ids: Collection[str] | None = None) -> Iterator[SourceRecord]:
        wanted = {str(i) for i in ids} if ids is not None else None
        for record in self._records(object_name, wanted=wanted):
            if wanted is not None and record.id not in wanted:
                continue
            if since is not None and record.modified_at is not None and record.modified_at < since:
                continue
            yield record

    def list_ids(self, object_name: str) -> Iterator[str]:
        for record in self._records(object_name, ids_only=True):
            yield record.id

    def _records(self, object_name: str, *, wanted: Collection[str] | None = None,
                 ids_only: bool = False) -> Iterator[SourceRecord]:
        """Only the ``wanted`` records' values are decoded (None: every record's); the others of an export's own rows
        are skipped, or with ``ids_only`` come with their id alone (decoding every cell of 60,000 contacts took
        seconds where a reconciliation needs their ids and a spot check twenty of them)."""
        files = self._scan()
        if object_name in DIRECT_OBJECTS or _is_custom(object_name):
            # id -> (where it was first read, digest of its columns): the contacts-with-notes file repeats each
            # contact once per note; a repeat that differs is another record under a used id, and is reported
            # kept on disk (SpillMap): one entry per record must not grow memory over millions of rows
            with SpillMap() as seen:
                for f in files:
                    if f.object != object_name:
                        continue
                    yield from self._file_records(f, seen, wanted, ids_only)
            if object_name == "note":
                yield from self._notes(files, wanted, ids_only)  # and those of the contacts-with-notes export
        elif object_name in ("invoice_line", "payment"):
            yield from self._from_transactions(files, {object_name})
        elif object_name in NAMED_OBJECTS:
            for n, (name, file_name) in enumerate(self._names()[object_name], start=1):
                yield self._named_record(object_name, name, n, file_name)
        else:
            raise SourceError(f"object {object_name!r} is not in these CSV exports",
                              hint="run discover to see which objects the exports hold")

    def _rows(self, f: CsvFile) -> Iterator[tuple[int, dict[str, str], list[FieldProblem]]]:
        """(row number as a spreadsheet shows it, header -> text, row problems)."""
        width = len(f.header)
        # the csv module refuses fields over 128 KiB, and one such cell would end the file there; notes and
        # descriptions in real exports are larger. Odoo's own limits apply later, record by record.
        csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
        reader = csv_reader(f.path, f.plan)
        next(reader, None)
        n = 1
        while True:
            n += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                yield n, {}, [FieldProblem(None, f"{f.path.name} row {n}: unreadable CSV ({err})")]
                return
            if not any(cell.strip() for cell in row):
                continue
            problems: list[FieldProblem] = []
            if len(row) != width:
                problems.append(FieldProblem(
                    None, f"{f.path.name} row {n}: expected {width} columns, found {len(row)}"
                          + (" (truncated line?)" if len(row) < width else ""),
                    f.plan.delimiter.join(row)[:200]))
            yield n, dict(zip(f.header, row, strict=False)), problems

    def _file_records(self, f: CsvFile, seen: SpillMap, wanted: Collection[str] | None = None,
                      ids_only: bool = False) -> Iterator[SourceRecord]:
        id_header = f.id_header()
        id_info = next((info for _, info in f.columns if info.name == "id"), None)
        for n, raw, row_problems in self._rows(f):
            key = (raw.get(id_header) or "").strip() if id_header is not None else ""
            digest = hashlib.sha1("\x1f".join(raw.get(h) or "" for h, _ in f.columns).encode()).hexdigest()
            earlier = seen.get(key) if key else None
            if earlier is not None:
                where, _, first = earlier.rpartition("\x1f")
                has_note = any((raw.get(f.note_columns.get(k, "")) or "").strip() for k in ("data", "date"))
                if first == digest or has_note:
                    continue  # a repeat of a contact already read (one row per note): the row is its note
                # the same id with other values: not loaded over the first one, but reported, not dropped
                dup_id = f"{key}-dup-row{n}"
                yield SourceRecord(object=f.object, id=dup_id, values={"id": dup_id}, locator=f"{f.path.name} row {n}",
                                   problems=[*row_problems, FieldProblem(
                                       None, f"{f.path.name} row {n}: duplicate ID {key} with other values than "
                                             f"{where}; row not loaded", key)])
                continue
            if key:
                seen[key] = f"{f.path.name} row {n}\x1f{digest}"
            if ids_only or wanted is not None:
                shown = self._decode(id_info, raw.get(id_header) or "") if id_info and id_header else None
                shown_id = str(shown or f"row-{n}")
                if ids_only:
                    yield SourceRecord(object=f.object, id=shown_id, values={}, locator=f"{f.path.name} row {n}")
                    continue
                if wanted is not None and shown_id not in wanted:
                    continue
            values: dict[str, Any] = {}
            problems = list(row_problems)
            for header, info in f.columns:
                text = raw.get(header)
                if text is None:
                    values[info.name] = None
                    continue
                try:
                    values[info.name] = self._decode(info, text, f.splitters.get(header))
                except ValueError as err:
                    values[info.name] = None
                    problems.append(FieldProblem(info.name, f"{f.path.name} row {n}: {err}", text[:200]))
            rid = values.get("id")
            if not rid:
                rid = f"row-{n}"
                problems.append(FieldProblem(None, f"{f.path.name} row {n}: no ID", ""))
            values["id"] = rid
            modified = values.get("dlm")
            yield SourceRecord(object=f.object, id=str(rid), values=values, locator=f"{f.path.name} row {n}",
                               modified_at=modified if isinstance(modified, dt.datetime) else None,
                               problems=problems)

    def _decode(self, info: FieldInfo, text: str, splitter: TagSplitter | None = None) -> Any:
        text = text.strip()
        if not text:
            return [] if info.type in ("refs", "multiselect") else None
        kind = info.type
        if kind == "datetime":
            return ui_datetime(text, tz=self.tz, dayfirst=self.dayfirst)
        if kind == "date":
            return parse_ui_date(text, dayfirst=self.dayfirst)
        if kind == "money":
            return decode_decimal(text)
        if kind == "float":
            value = decode_decimal(text.rstrip("%"))
            return float(value) if value is not None else None
        if kind == "boolean":
            return decode_bool(text)
        if kind == "refs":
            pieces = splitter.split(text) if splitter is not None else text.split(LIST_DELIMITER)
            return list(dict.fromkeys(_name_id(p) for p in pieces if p.strip()))
        if kind == "multiselect":
            pieces = splitter.split(text) if splitter is not None else text.split(LIST_DELIMITER)
            return [p.strip() for p in pieces if p.strip()]
        if kind == "ref" and info.ref_object in ("user", "stage", "pipeline"):
            return _name_id(text)  # the export shows names; the folded name is the id
        return text

    def _from_transactions(self, files: list[CsvFile], wanted: set[str]) -> Iterator[SourceRecord]:
        """Lines and/or payments (``wanted``) out of the transactions export, as the API connector derives them."""
        for f in files:
            if f.object != "invoice":
                continue
            keys = {header: info.name for header, info in f.columns}
            seen: set[str] = set()
            for n, raw, _problems in self._rows(f):
                row = {keys[h]: text for h, text in raw.items() if h in keys}
                txn = (row.get("id") or "").strip()
                if not txn or txn in seen:
                    continue  # rows without an id are reported on the transaction itself
                seen.add(txn)
                when, modified = self._stamp(row.get("date")), self._stamp(row.get("dlm"))
                locator = f"{f.path.name} row {n}"
                if "invoice_line" in wanted:
                    yield from line_records(txn, row, when=when, modified=modified, locator=locator)
                if "payment" in wanted and received_money(row.get("status")):
                    label = (row.get("status") or "").strip() or None
                    yield payment_record(txn, row, when=when, modified=modified, locator=locator, status_label=label)
                    # the transactions export lists no Purchases: a partial refund's amount is not in it
                    refund = refund_record(txn, row, when=when, modified=modified, locator=locator,
                                           status_label=label, refunded=None)
                    if refund is not None:
                        yield refund

    def _stamp(self, text: str | None) -> dt.datetime | None:
        try:
            return ui_datetime(text or "", tz=self.tz, dayfirst=self.dayfirst) if (text or "").strip() else None
        except ValueError:
            return None

    def _notes(self, files: list[CsvFile], wanted: Collection[str] | None = None,
               ids_only: bool = False) -> Iterator[SourceRecord]:
        for f in files:
            if f.object != "contact" or not f.note_columns:
                continue
            id_header = next((h for h, info in f.columns if info.name == "id"), None)
            used: dict[str, int] = {}
            last_contact = None
            for n, raw, row_problems in self._rows(f):
                contact = (raw.get(id_header) or "").strip() if id_header else ""
                if contact != last_contact:
                    used.clear()  # note ids only need to be unique within one contact
                    last_contact = contact
                text = raw.get(f.note_columns.get("data", ""), "") or ""
                when_raw = raw.get(f.note_columns.get("date", ""), "") or ""
                author_raw = raw.get(f.note_columns.get("author", ""), "") or ""
                if not text.strip() and not when_raw.strip():
                    continue
                digest = hashlib.sha1(f"{when_raw.strip()}\x1f{text}".encode()).hexdigest()[:12]
                base = f"{contact or 'row' + str(n)}-{digest}"
                used[base] = used.get(base, 0) + 1
                nid = base if used[base] == 1 else f"{base}-{used[base]}"
                if ids_only:
                    yield SourceRecord(object="note", id=nid, values={}, locator=f"{f.path.name} row {n}")
                    continue
                if wanted is not None and nid not in wanted:
                    continue
                problems = list(row_problems)
                try:
                    when = ui_datetime(when_raw, tz=self.tz, dayfirst=self.dayfirst)
                except ValueError as err:
                    when = None
                    problems.append(FieldProblem("date", f"{f.path.name} row {n}: {err}", when_raw[:200]))
                if not contact:
                    problems.append(FieldProblem(None, f"{f.path.name} row {n}: note without a contact ID", ""))
                yield SourceRecord(
                    object="note", id=nid, locator=f"{f.path.name} row {n}", problems=problems,
                    values={"id": nid, "contact_id": contact or None, "data": text or None, "date": when,
                            "author": _name_id(author_raw) if author_raw.strip() else None},
                )

    def _names(self) -> dict[str, list[tuple[str, str]]]:
        """Tags, users, stages and pipelines exist in exports only as names inside other rows: per object, its
        names (with the file first showing each) in the order met. Read once for all four, and kept for the run:
        their steps, and discover's counts, would otherwise read the whole export once each. Distinct names are
        few next to rows, so memory stays small whatever the export's size."""
        if self._named is not None:
            return self._named
        found: dict[str, dict[str, tuple[str, str]]] = {name: {} for name in NAMED_OBJECTS}
        per_file = [(f, {name: hs for name in NAMED_OBJECTS if (hs := _named_headers(f, name))}) for f in self._scan()]
        per_file = [(f, headers) for f, headers in per_file if headers]
        total, done = sum(f.rows for f, _ in per_file), 0
        for f, headers in per_file:
            for _, raw, _problems in self._rows(f):
                done += 1
                if self.reading_progress is not None and done % READING_STEP == 0:
                    self.reading_progress(done, total)
                for object_name, object_headers in headers.items():
                    seen = found[object_name]
                    for header in object_headers:
                        text = raw.get(header) or ""
                        splitter = f.splitters.get(header)
                        names = (splitter.split(text) if splitter is not None else text.split(LIST_DELIMITER)) \
                            if object_name == "tag" else [text]
                        for name in names:
                            name = name.strip()
                            if name and _name_id(name) not in seen:
                                seen[_name_id(name)] = (name, f.path.name)
        if self.reading_progress is not None and per_file:
            self.reading_progress(done, total)
        self._named = {name: list(seen.values()) for name, seen in found.items()}
        return self._named

    def _named_record(self, object_name: str, name: str, n: int, file_name: str) -> SourceRecord:
        rid = _name_id(name)
        values: dict[str, Any] = {"id": rid}
        if object_name == "tag":
            values["tag_name"] = name
        else:
            values["name"] = name
        if object_name == "user":
            # owners come by name in UI exports: the user is matched in Odoo by name, or by e-mail where one shows
            values["email"] = name if "@" in name and " " not in name.strip() else None
        if object_name in ("stage", "pipeline"):
            values["sequence"] = n
        if object_name == "stage":
            words = fold(name).replace("-", " ").split()
            values["is_won"] = "won" in words
            values["is_lost"] = "lost" in words
        return SourceRecord(object=object_name, id=rid, values=values, locator=f"{file_name}: {name}")


# ---------------------------------------------------------------------------------------------- helpers


@functools.lru_cache(maxsize=1 << 16)
def _name_id(name: str) -> str:
    """The id of a user, tag, stage or pipeline known by name: its folded name. The same few names repeat on every
    row of a big export, so folds are remembered (a bounded cache: memory stays flat)."""
    return fold(name)


def _named_headers(f: CsvFile, object_name: str) -> list[str]:
    """The columns of ``f`` that name records of ``object_name`` (a tag, user, stage or pipeline)."""
    headers = [header for header, info in f.columns
               if (info.name == "contact_cat" if object_name == "tag"
                   else info.type == "ref" and info.ref_object == object_name)]
    if object_name == "user" and "author" in f.note_columns:
        headers.append(f.note_columns["author"])
    return headers


def _row_count(group: list[CsvFile]) -> int | None:
    """Records of an object: its distinct ids over every file exporting it (the same record exported twice is
    one); None when a file has no id column to count by."""
    if any(f.id_header() is None for f in group):
        return None
    return len(set().union(*(f.ids for f in group)))


def _is_custom(name: str) -> bool:
    return name.startswith("custom_")


def _label(name: str) -> str:
    """Contacts, Deals...; a custom object by its own name (custom_workshops -> Workshops)."""
    if _is_custom(name):
        return name[len("custom_"):].replace("_", " ").title()
    return plural(name).capitalize()


__all__ = ["DIRECT_OBJECTS", "OntraportCsvSource", "sniff_encoding"]
