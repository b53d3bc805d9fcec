"""What the values of a CSV export show about its structure, when the headers alone do not say.

- the column that identifies a file's records: a header that reads as an id ("ID", "Id", "Contact ID",
  "Kişi No", "Kunden-Nr"), else a column whose values are whole numbers or UUIDs, one per record;
- a column of another object's ids ("Company ID" in the contacts file): a link, when its header names that
  object and its values are ids of that object's own export;
- the separator of a tags column ("*/*", "|", ";" or ","), from how the column's values split across all rows,
  cross-checked against the tag names that stand alone as whole values, which are never split.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from crm2odoo.separators import SEPARATORS
from crm2odoo.textnorm import fold

#: a tags column repeats the same few cells on every row of a big export: their folds are remembered (bounded)
_folded = functools.lru_cache(maxsize=1 << 16)(fold)

#: words that mean "identifier" at the end of a header, in EN/TR/DE (folded)
ID_WORDS = ("id", "no", "nr", "number", "numara", "numarasi", "kimlik", "kimlik no", "kayit no", "nummer", "key")
#: words for each object a header may name, in EN/TR/DE (folded); the first is the canonical object
OBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "contact": ("contact", "kisi", "musteri", "kontakt", "person", "cari", "customer", "kunden", "kunde"),
    "company": ("company", "firma", "firmen", "sirket", "unternehmen", "organization", "organisation", "account"),
    "deal": ("deal", "firsat", "opportunity", "verkaufschance", "chance", "gelegenheit"),
    "product": ("product", "urun", "produkt", "artikel", "item"),
    "task": ("task", "gorev", "aufgabe"),
    "invoice": ("transaction", "invoice", "fatura", "islem", "rechnung", "transaktion"),
    "note": ("note", "not", "notiz"),
    "user": ("owner", "user", "sorumlu", "kullanici", "benutzer", "inhaber"),
}
#: words for "the record itself" before an id word ('Record ID', 'Kayıt No', 'Datensatz-Nr')
_RECORD_WORDS = ("record", "kayit", "datensatz", "eintrag", "unique")
_WHOLE = re.compile(r"^\d{1,19}$")
_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.IGNORECASE)
_ID_TAIL = re.compile(r"^(?:(?P<object>.+?)[\s_.-]*)?(?:-?(?P<word>" + "|".join(
    sorted((re.escape(w) for w in ID_WORDS), key=len, reverse=True)) + r"))\.?$")


def is_key_value(text: str) -> bool:
    value = text.strip()
    return bool(_WHOLE.match(value) or _UUID.match(value))


#: is_key_value of a cell that repeats (a contact's cells on each of its notes' rows), remembered (bounded)
_key_like = functools.lru_cache(maxsize=1 << 16)(is_key_value)


def id_header_object(header: str) -> tuple[bool, str | None]:
    """(reads as an id header, the object it names or None): 'Contact ID' -> (True, 'contact'), 'ID' -> (True,
    None), 'Kişi No' -> (True, 'contact'), 'Kunden-Nr' -> (True, 'contact'), 'Email' -> (False, None)."""
    folded = fold(header).replace("#", " no")
    match = _ID_TAIL.match(folded)
    if match is None:
        return False, None
    named = (match.group("object") or "").strip(" -_.")
    if not named or named in _RECORD_WORDS:
        return True, None
    for obj, words in OBJECT_WORDS.items():
        if named in words or any(named == f"{w}s" or named.startswith(w + " ") for w in words):
            return True, obj
        if any(len(w) > 4 and named.startswith(w) for w in words):
            return True, obj  # "kundennr", "firmanr"
    return True, "?"  # an id of something this reader does not know: not this file's own key by name


def unknown_id_noun(header: str) -> str | None:
    """The thing an id header names when this reader knows no such object: 'Workshop ID' -> 'workshop';
    None for 'Contact ID', 'ID', 'Record ID' or a header that is no id."""
    reads_as_id, named = id_header_object(header)
    if not reads_as_id or named != "?":
        return None
    match = _ID_TAIL.match(fold(header).replace("#", " no"))
    return (match.group("object") or "").strip(" -_.") if match else None


def says_id(header: str) -> bool:
    """'Kontakt-ID', 'ID', 'contact_id' say id; 'Kundennummer', 'Kişi No' name a number."""
    match = _ID_TAIL.match(fold(header).replace("#", " no"))
    return match is not None and match.group("word") in ("id", "kimlik")


def own_id_header(header: str, obj: str) -> bool:
    reads_as_id, named = id_header_object(header)
    return reads_as_id and named in (None, obj)


@dataclass
class ColumnValues:
    """The distinct values of one column, gathered while the file is read once at discovery."""

    filled: int = 0
    keys: int = 0  # values that are whole numbers or UUIDs
    distinct: set[str] = field(default_factory=set)
    overflow: bool = False  # more distinct values than kept
    whole: Counter[str] = field(default_factory=Counter)  # folded whole values, for separators and tag names

    def add(self, text: str, *, limit: int) -> None:
        value = text.strip()
        if not value:
            return
        self.filled += 1
        self.keys += _key_like(value)
        if len(self.distinct) < limit:
            self.distinct.add(value)
        else:
            self.overflow = self.overflow or value not in self.distinct
        if len(self.whole) < limit:
            self.whole[value] += 1

    @property
    def all_keys(self) -> bool:
        return self.filled > 0 and self.keys == self.filled


def id_column_from_values(columns: Mapping[str, ColumnValues], rows: int, records: int,
                          candidates: Iterable[str]) -> str | None:
    """The first candidate column whose values are ids filled on every row and distinct per record."""
    for header in candidates:
        seen = columns.get(header)
        if seen is None or not seen.all_keys or seen.filled != rows or seen.overflow:
            continue
        if len(seen.distinct) == records and records >= 2:
            return header
    return None


@dataclass(frozen=True)
class TagSplitter:
    """Splits a tags cell on ``separator``; pieces that join into a known whole tag name stay one tag."""

    separator: str | None
    known: frozenset[str] = frozenset()

    def split(self, text: str) -> list[str]:
        cell = text.strip()
        if not cell:
            return []
        if self.separator is None or _folded(cell) in self.known:
            return [cell]
        pieces = cell.split(self.separator)
        out: list[str] = []
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                joined = self.separator.join(pieces[i:j]).strip()
                if j == i + 1 or _folded(joined) in self.known:
                    if joined:
                        out.append(joined)
                    i = j
                    break
        return out


def tag_splitter(values: Counter[str]) -> TagSplitter:
    """The separator of a tags column, learnt from all its values (see the module's docstring)."""
    cells = [c for c in values if c.strip()]
    if any("*/*" in c for c in cells):
        return TagSplitter("*/*", frozenset(fold(c) for c in cells if "*/*" not in c))
    singles = {fold(c) for c in cells if not any(s in c for s in SEPARATORS[1:])}
    best: tuple[int, int, int] | None = None
    chosen: str | None = None
    for rank, sep in enumerate(SEPARATORS[1:]):
        holding = [c for c in cells if sep in c]
        if not holding:
            continue
        pieces = [fold(p) for c in holding for p in c.split(sep) if p.strip()]
        confirmed = sum(1 for p in pieces if p in singles)
        score = (confirmed, len(holding), -rank)
        if best is None or score > best:
            best, chosen = score, sep
    if chosen is None:
        return TagSplitter(None)
    known = set(singles)
    if singles:
        # a value holding the separator whose pieces never stand alone, seen on several rows, is one tag's name
        for cell, count in values.items():
            pieces = [fold(p) for p in cell.split(chosen) if p.strip()]
            if chosen in cell and count >= 2 and not any(p in singles for p in pieces):
                known.add(fold(cell))
    return TagSplitter(chosen, frozenset(known))


__all__ = ["ID_WORDS", "OBJECT_WORDS", "ColumnValues", "TagSplitter", "id_column_from_values", "id_header_object",
           "is_key_value", "own_id_header", "says_id", "tag_splitter", "unknown_id_noun"]
