"""Variants of the Ontraport UI CSV exports, and Hypothesis strategies that draw them.

A :class:`CsvVariant` is a value (printable, comparable, shrinkable): every field left at its default leaves the
export as the simulator wrote it. ``apply`` edits a copy of the export and its truth; ``touched`` lists the column
headers and files the variant changed, so a stop can be checked for naming one of them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from hypothesis import strategies as st

from tests.variants.csv_export import CsvExport, Table

T = TypeVar("T")

# ---------------------------------------------------------------------------------------------- vocabularies

#: (object, column as the simulator writes it) -> the same column as other exports (TR, DE, snake, upper...) head it
RENAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("contact", "First Name"): ("Vorname", "Ad", "first_name", "FIRST NAME", "Firstname"),
    ("contact", "Last Name"): ("Nachname", "Soyad", "last_name", "LAST NAME", "Surname"),
    ("contact", "Email"): ("E-Mail", "E-posta", "email_address", "EMAIL", "E-mail Address"),
    ("contact", "Title"): ("Position", "Unvan", "Job Title"),
    ("contact", "City"): ("Stadt", "Şehir", "Ort", "city"),
    ("contact", "Zip Code"): ("PLZ", "Posta Kodu", "Postal Code"),
    ("contact", "Country"): ("Land", "Ülke", "country"),
    ("contact", "Office Phone"): ("Telefon", "İş Telefonu", "Business Phone"),
    ("contact", "SMS Number"): ("Mobil", "Cep Telefonu", "Mobile Phone", "Handy"),
    ("contact", "Owner"): ("Besitzer", "Sahibi", "Contact Owner", "Record Owner", "Temsilci"),
    ("contact", "Contact Tags"): ("Tags", "Etiketler", "Schlagwörter", "Labels", "contact_tags"),
    ("contact", "Date Added"): ("Erstellt am", "Oluşturulma Tarihi", "Created", "Date Created"),
    ("contact", "Company Record"): ("Company ID", "Firmen-ID", "Şirket No"),
    ("company", "Company Name"): ("Firmenname", "Şirket Adı", "Name", "company_name"),
    ("company", "Phone"): ("Telefon", "Telefon Numarası", "PHONE"),
    ("company", "Owner"): ("Besitzer", "Sahibi", "Account Owner"),
    ("deal", "Deal Name"): ("Name", "Fırsat Adı", "Titel", "Opportunity"),
    ("deal", "Primary Contact"): ("Contact", "Kontakt", "Kişi", "Primary Contact ID"),
    ("deal", "Sales Stage"): ("Stage", "Phase", "Aşama"),
    ("deal", "Deal Value"): ("Amount", "Betrag", "Tutar"),
    ("deal", "Expected Close Date"): ("Close Date", "Abschlussdatum", "Tahmini Kapanış"),
    ("task", "Subject"): ("Betreff", "Konu", "Title"),
    ("task", "Due Date"): ("Fällig am", "Bitiş Tarihi", "Deadline"),
}

#: object -> other names the export's key column goes by
KEY_NAMES: dict[str, tuple[str, ...]] = {
    "contact": ("ID", "Id", "Kişi No", "Kontakt-ID", "contact_id", "Record ID"),
    "company": ("ID", "Id", "Firma No", "Firmen-ID"),
    "deal": ("ID", "Id", "Fırsat No", "Deal-Nr."),
    "task": ("ID", "Id", "Görev No", "Aufgaben-ID"),
}
KEY_COLUMNS = {"contact": "Contact ID", "company": "Company ID", "deal": "Deal ID", "product": "Product ID",
               "task": "Task ID"}

#: columns an export may leave out without losing a record or a link
OPTIONAL: dict[str, tuple[str, ...]] = {
    "contact": ("Title", "Address", "State", "Zip Code", "Website", "Birthday", "Date Modified", "Priority",
                "Email Status", "Unique ID", "Plan", "Interests", "Renewal Date", "Lead Score", "Referral Code", "VIP",
                "SMS Number", "Office Phone", "Country", "City", "Company"),
    "company": ("Phone", "Industry", "Description", "Annual Revenue", "Employee Count", "Address", "State",
                "Zip Code", "Date Modified"),
    "deal": ("Expected Win %", "Actual Close Date", "Deal Source", "Deal Company", "Date Modified"),
    "task": ("Details", "Date Assigned", "Date Added", "Date Modified"),
}

#: columns no connector knows, with what their cells hold
UNKNOWN: dict[str, str] = {
    "Lieblingsfarbe": "color", "Müşteri Segmenti": "segment", "Loyalty Points": "int", "Last Login": "datetime",
    "Internal Notes": "text", "Facebook Profile": "url", "Kundennummer": "code", "Doğum Yeri": "city",
}

DATETIME_COLUMNS = ("Date Added", "Date Modified", "Note Date", "Date Assigned", "Due Date", "Date Completed")
DATE_COLUMNS = ("Birthday", "Renewal Date", "Expected Close Date", "Actual Close Date")
#: (datetime format, date format) other exports use
DATE_STYLES: dict[str, tuple[str, str]] = {
    "iso": ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"),
    "iso_t": ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"),
    "german": ("%d.%m.%Y %H:%M", "%d.%m.%Y"),
    "us_short": ("%m/%d/%Y %I:%M %p", "%m/%d/%Y"),
}


@dataclass(frozen=True)
class TaskParent:
    """Tasks linked to their parent by a kind column and an id column (and maybe a display name)."""

    kind_header: str = "Related To"
    kind_value: str = "Contact"
    id_header: str = "Related ID"
    name_header: str | None = None


@dataclass(frozen=True)
class CsvVariant:
    """One export variant; fields at their defaults change nothing."""

    tag_separator: str | None = None  # "," ";" "|" " , " ... instead of "*/*"
    company_link: str | None = None  # "pair" | "name_only" | "id_only" (contacts' Company / Company ID)
    deal_contact: str | None = None  # "pair" | "name_only" (deals' Primary Contact)
    task_parent: TaskParent | None = None
    undeclared_options: tuple[str, ...] = ()  # Priority values no other row (nor the API meta) has
    owner_style: str | None = None  # "upper" | "ascii" | "email"
    dates: str | None = None  # a key of DATE_STYLES
    unknown_columns: tuple[tuple[str, str], ...] = ()  # (object, header)
    dropped: tuple[tuple[str, str], ...] = ()  # (object, header)
    renamed: tuple[tuple[str, str, str], ...] = ()  # (object, old header, new header)
    keys: tuple[tuple[str, str], ...] = ()  # (object, new key header)
    reorder_seed: int | None = None
    encoding: str = "utf-8-sig"
    delimiter: str = ","

    def __repr__(self) -> str:
        changed = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)
                   if getattr(self, f.name) != f.default]
        return f"CsvVariant({', '.join(changed)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis prints the falsifying variant with this: only what the variant changes, on one line."""
        printer.text(repr(self))

    def touched(self, export: CsvExport) -> set[str]:
        """Headers (old and new) this variant changed, and the files when it changed whole files: a stop must
        name one of them."""
        out: set[str] = set()
        if self.tag_separator is not None:
            out.add("Contact Tags")
        if self.company_link:
            out |= {"Company", "Company Record", "Company ID"}
        if self.deal_contact:
            out |= {"Primary Contact", "Primary Contact ID", "Primary Contact Name"}
        if self.task_parent:
            tp = self.task_parent
            out |= {"Contact", "Object Type", tp.kind_header, tp.id_header, *([tp.name_header] if tp.name_header else [])}
        if self.undeclared_options:
            out.add("Priority")
        if self.owner_style:
            out |= {"Owner", "Note Author"}
        if self.dates:
            out |= {*DATETIME_COLUMNS, *DATE_COLUMNS}
        out |= {h for _, h in self.unknown_columns} | {h for _, h in self.dropped}
        out |= {h for _, old, new in self.renamed for h in (old, new)}
        out |= {h for obj, new in self.keys for h in (KEY_COLUMNS[obj], new)}
        # a file counts only for changes to the whole file: a row locator ("export-1.csv row 2") names no column
        if self.encoding != "utf-8-sig" or self.delimiter != "," or self.reorder_seed is not None:
            out |= {t.file for t in export.tables.values()}
        return out

    def apply(self, base: CsvExport) -> CsvExport:
        export = base.copy()
        t = export.tables
        if self.tag_separator is not None:
            _tags(t["contact"], self.tag_separator)
        if self.company_link:
            _company_link(export, self.company_link)
        if self.deal_contact:
            _deal_contact(export, self.deal_contact)
        if self.task_parent:
            _task_parent(export, self.task_parent)
        if self.undeclared_options:
            for i, row in enumerate(t["contact"].rows):
                if i % 3 == 0 and "Priority" in row:
                    row["Priority"] = self.undeclared_options[i // 3 % len(self.undeclared_options)]
        if self.owner_style:
            _owners(export, self.owner_style)
        if self.dates:
            _dates(export, *DATE_STYLES[self.dates])
        for n, (obj, header) in enumerate(self.unknown_columns):
            table = t[obj]
            if not table.has(header):
                rnd = random.Random(f"{obj}/{header}/{n}")
                table.insert(header, [_plausible(UNKNOWN[header], rnd) for _ in table.rows])
        for obj, header in self.dropped:
            if (obj, header) != ("contact", "Company") or self.company_link != "name_only":  # the link itself
                t[obj].drop(header)
        for obj, old, new in self.renamed:
            t[obj].rename(old, new)
        for obj, new in self.keys:
            t[obj].rename(KEY_COLUMNS[obj], new)
        if self.reorder_seed is not None:
            rnd = random.Random(self.reorder_seed)
            for table in t.values():
                rnd.shuffle(table.header)
        export.encoding, export.delimiter = self.encoding, self.delimiter
        return export


# ---------------------------------------------------------------------------------------------- edits


def _tags(table: Table, separator: str) -> None:
    for row in table.rows:
        names = [p for p in row.get("Contact Tags", "").split("*/*") if p]
        row["Contact Tags"] = separator.join(names)


def _company_names(export: CsvExport) -> dict[str, str]:
    return {row["Company ID"]: row["Company Name"] for row in export.tables["company"].rows}


def _company_link(export: CsvExport, mode: str) -> None:
    """Contacts' company by name and id ('pair'), by name alone, or by id alone under the header 'Company ID'."""
    contacts = export.tables["contact"]
    names = _company_names(export)
    for row in contacts.rows:
        row["Company"] = names.get(row["Company Record"], "")
    contacts.rename("Company Record", "Company ID")
    if mode == "name_only":
        contacts.drop("Company ID")
    elif mode == "id_only":
        contacts.drop("Company")


def contact_names(export: CsvExport) -> dict[str, str]:
    return {row["Contact ID"]: f"{row['First Name']} {row['Last Name']}" for row in export.tables["contact"].rows}


def names_are_unique(export: CsvExport) -> bool:
    names = list(contact_names(export).values())
    return len(names) == len(set(names))


def _deal_contact(export: CsvExport, mode: str) -> None:
    """Deals' contact by id and name ('pair'), or by the name alone (only drawn when names are unique)."""
    deals = export.tables["deal"]
    names = contact_names(export)
    people = [names.get(row["Primary Contact"], "") for row in deals.rows]
    if mode == "pair":
        deals.rename("Primary Contact", "Primary Contact ID")
        deals.insert("Primary Contact Name", people, after="Primary Contact ID")
    else:
        for row, name in zip(deals.rows, people, strict=True):
            row["Primary Contact"] = name


def _task_parent(export: CsvExport, tp: TaskParent) -> None:
    tasks = export.tables["task"]
    names = contact_names(export)
    ids = [row["Contact"] for row in tasks.rows]
    tasks.drop("Object Type")
    tasks.drop("Contact")
    tasks.insert(tp.kind_header, [tp.kind_value] * len(ids), after="Owner")
    tasks.insert(tp.id_header, ids, after=tp.kind_header)
    if tp.name_header:
        tasks.insert(tp.name_header, [names.get(i, "") for i in ids], after=tp.id_header)


_USER_EMAILS = {"Ayşe Yılmaz": "owner1@example.com", "Jürgen Groß": "owner2@example.com",
                "Chris Unmatched": "owner3@example.com"}


def ascii_fold(text: str) -> str:
    import unicodedata

    text = text.replace("ı", "i").replace("İ", "I").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _owner_text(name: str, style: str) -> str:
    if not name:
        return name
    if style == "upper":
        return "".join(c if c == "ß" else c.upper() for c in name.replace("i", "İ").replace("ı", "I"))
    if style == "ascii":
        return ascii_fold(name)
    return _USER_EMAILS.get(name, name)


def _owners(export: CsvExport, style: str) -> None:
    for table in export.tables.values():
        for column in ("Owner", "Note Author"):
            if table.has(column):
                for row in table.rows:
                    row[column] = _owner_text(row[column], style)
    export.truth.owner_cells = {k: _owner_text(v, style) for k, v in export.truth.owner_cells.items()}


def _dates(export: CsvExport, datetime_format: str, date_format: str) -> None:
    for table in export.tables.values():
        for column, parse, out in ([(c, "%m/%d/%Y %H:%M:%S", datetime_format) for c in DATETIME_COLUMNS]
                                   + [(c, "%m/%d/%Y", date_format) for c in DATE_COLUMNS]):
            if table.has(column):
                for row in table.rows:
                    if row[column]:
                        row[column] = dt.datetime.strptime(row[column], parse).strftime(out)


def _plausible(kind: str, rnd: random.Random) -> str:
    if kind == "color":
        return rnd.choice(["Blau", "Kırmızı", "Green", "", "Schwarz"])
    if kind == "segment":
        return rnd.choice(["A", "B", "C", "VIP"])
    if kind == "int":
        return str(rnd.randint(0, 5000))
    if kind == "datetime":
        return f"2024-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)} 1{rnd.randint(0, 9)}:{rnd.randint(10, 59)}"
    if kind == "url":
        return rnd.choice(["", f"https://facebook.com/p{rnd.randint(1, 999)}"])
    if kind == "code":
        return f"K-{rnd.randint(10000, 99999)}"
    if kind == "city":
        return rnd.choice(["İzmir", "Bremen", "Bursa", "Graz"])
    return rnd.choice(["", "called twice", "Rückruf erbeten", "teklif istedi, 3 kişi"])


# ---------------------------------------------------------------------------------------------- strategies


def _maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """Present in one draw of three: variants stay small, so each run is cheap and a failure shrinks fast."""
    return st.integers(0, 2).flatmap(lambda n: strategy if n == 2 else st.none())


def _pairs(table: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    return [(obj, column) for obj, columns in table.items() for column in columns]


@st.composite
def csv_variants(draw: st.DrawFn, *, names_unique: bool = True) -> CsvVariant:
    """Any combination of the variants, each one independently present or absent."""
    task_parent = draw(_maybe(st.builds(
        TaskParent,
        kind_header=st.sampled_from(["Related To", "Parent Type", "Bezug", "İlgili Tür", "Object"]),
        kind_value=st.sampled_from(["Contact", "Contacts", "contact", "Kişi", "Kontakt", "Kişiler"]),
        id_header=st.sampled_from(["Related ID", "Parent ID", "Bezugs-ID", "İlgili Kayıt No", "Record ID"]),
        name_header=_maybe(st.sampled_from(["Related Name", "Parent", "İlgili Kayıt"])))))
    renames = draw(st.lists(st.sampled_from(sorted(RENAMES)), max_size=3, unique=True))
    key_objects = draw(st.lists(st.sampled_from(sorted(KEY_NAMES)), max_size=2, unique=True))
    return CsvVariant(
        tag_separator=draw(_maybe(st.sampled_from([",", ";", "|", ", ", " ; "]))),
        company_link=draw(_maybe(st.sampled_from(["pair", "name_only", "id_only"]))),
        deal_contact=draw(_maybe(st.sampled_from(["pair", "name_only"] if names_unique else ["pair"]))),
        task_parent=task_parent,
        undeclared_options=tuple(draw(st.lists(st.sampled_from(["Urgent", "Sehr hoch", "Acil", "Kritisch"]),
                                               max_size=2, unique=True))),
        owner_style=draw(_maybe(st.sampled_from(["upper", "ascii", "email"]))),
        dates=draw(_maybe(st.sampled_from(sorted(DATE_STYLES)))),
        unknown_columns=tuple(draw(st.lists(st.tuples(st.sampled_from(["contact", "company", "deal", "task"]),
                                                       st.sampled_from(sorted(UNKNOWN))), max_size=2, unique=True))),
        dropped=tuple(draw(st.lists(st.sampled_from(_pairs(OPTIONAL)), max_size=2, unique=True))),
        renamed=tuple((obj, old, draw(st.sampled_from(RENAMES[(obj, old)]))) for obj, old in renames),
        keys=tuple((obj, draw(st.sampled_from(KEY_NAMES[obj]))) for obj in key_objects),
        reorder_seed=draw(_maybe(st.integers(0, 1000))),
        encoding=draw(st.sampled_from(["utf-8-sig", "utf-8-sig", "utf-8", "cp1252"])),
        delimiter=draw(st.sampled_from([",", ",", ",", ";"])),
    )
