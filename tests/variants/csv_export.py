"""Ontraport UI CSV exports as editable tables, and the truth a complete migration of them must produce.

The simulator writes the exports once; a variant edits the tables (headers, cells, columns), and the truth says,
per source record, what must be in Odoo afterwards: which records, which company a contact belongs to, which
contact a deal is for, which record a task hangs on, which tags a contact has, what each owner cell says.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.testing.ontraport_sim import OntraportAccount, write_csv_exports

#: the simulator's export files, in the order it writes them
EXPORT_OBJECTS = ("contact", "company", "deal", "product", "task", "transaction")


@dataclass
class Table:
    """One export file: its header and its rows (header text -> cell text)."""

    file: str
    header: list[str]
    rows: list[dict[str, str]]

    def has(self, column: str) -> bool:
        return column in self.header

    def rename(self, old: str, new: str) -> bool:
        if old not in self.header or new in self.header:
            return False
        self.header[self.header.index(old)] = new
        for row in self.rows:
            row[new] = row.pop(old, "")
        return True

    def drop(self, column: str) -> bool:
        if column not in self.header:
            return False
        self.header.remove(column)
        for row in self.rows:
            row.pop(column, None)
        return True

    def insert(self, column: str, values: list[str], *, after: str | None = None) -> None:
        """A new column (after ``after`` when given and present, else at the end)."""
        at = self.header.index(after) + 1 if after in self.header else len(self.header)
        self.header.insert(at, column)
        for row, value in zip(self.rows, values, strict=True):
            row[column] = value


@dataclass
class Truth:
    """What a complete migration of the export puts in Odoo, by source id."""

    ids: dict[str, set[str]]  # object -> source ids that must land (contact, company, deal, product, task)
    notes: int  # note rows (their ids are derived from their text, so they are counted)
    contact_company: dict[str, str | None]
    deal_partner: dict[str, str | None]
    task_parent: dict[str, str]  # task -> the contact it belongs to
    contact_tags: dict[str, frozenset[str]]
    deal_deadline: dict[str, str]  # deal -> expected close date, YYYY-MM-DD
    owner_cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (object, id) -> the owner cell's text


@dataclass
class CsvExport:
    tables: dict[str, Table]  # by object (EXPORT_OBJECTS)
    truth: Truth
    encoding: str = "utf-8-sig"
    delimiter: str = ","

    def __repr__(self) -> str:
        return f"CsvExport({', '.join(t.file for t in self.tables.values())}, {self.encoding}, {self.delimiter!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # what Hypothesis prints for a fixture argument: one line, not every field

    def copy(self) -> CsvExport:
        return copy.deepcopy(self)

    def write(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for table in self.tables.values():
            path = folder / table.file
            with path.open("w", encoding=self.encoding, errors="replace", newline="") as fh:
                if table.header:
                    writer = csv.writer(fh, delimiter=self.delimiter)
                    writer.writerow(table.header)
                    for row in table.rows:
                        writer.writerow([row.get(h, "") for h in table.header])
            out.append(path)
        return out

    def as_written(self, text: str) -> str:
        """``text`` as it reads back from a file in this export's encoding (cp1252 has no ş, ı, ğ, emoji)."""
        return text.encode(self.encoding, errors="replace").decode(self.encoding)


def _read(path: Path) -> Table:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return Table(path.name, [], [])
    header = rows[0]
    return Table(path.name, header, [dict(zip(header, r, strict=True)) for r in rows[1:]])


def base_export(account: OntraportAccount, folder: Path) -> CsvExport:
    """The simulator's own exports of ``account`` (written to ``folder`` once), with their truth."""
    paths = write_csv_exports(account, folder)
    tables = {obj: _read(path) for obj, path in zip(EXPORT_OBJECTS, paths, strict=True)}
    return CsvExport(tables, truth_of(account, tables))


def _day(stamp: str) -> str:
    return dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC).strftime("%Y-%m-%d")


def truth_of(account: OntraportAccount, tables: dict[str, Table]) -> Truth:
    recs = account.records
    tag_names = {r["tag_id"]: r["tag_name"] for r in recs[14].values()}

    def some(value: str) -> str | None:
        return None if value in ("", "0") else value

    truth = Truth(
        ids={"contact": {str(i) for i in recs[0]}, "company": {str(i) for i in recs[150]},
             "deal": {str(i) for i in recs[149]}, "product": {str(i) for i in recs[16]},
             "task": {str(i) for i in recs[1]}},
        notes=len(recs[12]),
        contact_company={str(i): some(r["company_id"]) for i, r in recs[0].items()},
        deal_partner={str(i): some(r["primary_contact"]) for i, r in recs[149].items()},
        task_parent={str(i): r["contact_id"] for i, r in recs[1].items()},
        contact_tags={str(i): frozenset(tag_names[t] for t in r["contact_cat"].split("*/*") if t)
                      for i, r in recs[0].items()},
        deal_deadline={str(i): _day(r["expected_close_date"]) for i, r in recs[149].items()
                       if some(r["expected_close_date"])},
    )
    for obj, key in (("contact", "Contact ID"), ("company", "Company ID"), ("deal", "Deal ID")):
        for row in tables[obj].rows:
            truth.owner_cells[(obj, row[key])] = row["Owner"]
    return truth
