"""What the sampled values of one source field look like: shares of emails, phones, dates, amounts, yes/no...

The proposer weighs a header's meaning against its values, so a column called 'Telefon' full of emails is
flagged instead of trusted. Everything here is pure and offline.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crm2odoo.emails import is_email
from crm2odoo.separators import SEPARATORS, list_separator, split_list
from crm2odoo.sources.base import SourceRecord
from crm2odoo.textnorm import fold

_PHONE = re.compile(r"^\+?[\d\s().\-/]{7,22}$")
_URL = re.compile(r"^(https?://|www\.)\S+$|^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", re.IGNORECASE)
_HTML = re.compile(r"<\s*/?\s*(p|br|div|span|b|i|strong|em|ul|li|a|table|h[1-6])\b[^>]*>", re.IGNORECASE)
_DATE_TEXT = re.compile(r"^(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})$")
_DATETIME_TEXT = re.compile(r"^(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(:\d{2})?")
_NUMBER_TEXT = re.compile(r"^[-+(]?\d{1,3}([.,\s]?\d{3})*([.,]\d+)?\)?$|^[-+]?\d+([.,]\d+)?$")
_MONEY_TEXT = re.compile(r"(₺|€|\$|£|\b(TL|TRY|EUR|USD|GBP|CHF)\b)", re.IGNORECASE)
_PERCENT_TEXT = re.compile(r"^%\s?\d+([.,]\d+)?$|^\d+([.,]\d+)?\s?%$")
_ID_TEXT = re.compile(r"^(0\d{3,}|\d{16,}|[A-Z]{1,5}-?\d{2,}[\w-]*)$")
_BOOL_WORDS = frozenset({"evet", "hayir", "var", "yok", "yes", "no", "true", "false", "ja", "nein", "aktif",
                         "pasif", "x", "✓", "y", "n", "on", "off"})


@dataclass
class Profile:
    """Shares are of the non-empty sampled values (0..1); ``count`` is how many there were."""

    count: int = 0
    total: int = 0
    email: float = 0.0
    phone: float = 0.0
    url: float = 0.0
    date: float = 0.0
    datetime: float = 0.0  # carries a time of day
    number: float = 0.0
    integer: float = 0.0
    money: float = 0.0  # a currency sign or code next to the number
    percent: float = 0.0
    boolean: float = 0.0
    html: float = 0.0
    long_text: float = 0.0  # over 200 characters or several lines
    id_like: float = 0.0  # leading zeros, long digit runs, codes like K-000123: must stay text
    listy: float = 0.0
    distinct: int = 0
    decimal_comma: float = 0.0  # '1.234,56' style among the numbers written as text
    day_first: bool = True
    examples: list[str] = field(default_factory=list)
    separator: str | None = None  # the values are lists joined by this ('*/*', ',', ';', '|' or a new line)

    @property
    def empty(self) -> bool:
        return self.count == 0


@dataclass
class _Tally:
    """What profile_values counts while it reads the values."""

    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("email", "phone", "url", "date", "datetime", "number", "integer", "money", "percent", "boolean", "html",
         "long_text", "id_like", "listy"), 0))
    text_numbers: int = 0
    comma_numbers: int = 0
    texts: list[str] = field(default_factory=list)
    first_parts_over_12: int = 0  # of dates written as text: day-first when only the first part passes 12
    second_parts_over_12: int = 0


def profile_values(values: Iterable[Any], known: Collection[str] = ()) -> Profile:
    """``known``: names (declared options, tags) that are single values even when they hold a separator."""
    prof = Profile()
    seen: dict[str, None] = {}
    tally = _Tally()
    for value in values:
        prof.total += 1
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            continue
        prof.count += 1
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        seen.setdefault(shown, None)
        if not _count_typed(value, tally.counters):
            text = str(value).strip()
            if isinstance(value, str):
                tally.texts.append(text)
            _count_text(text, tally)
            _count_number(text, tally)
    if prof.count:
        for key, n in tally.counters.items():
            setattr(prof, key, n / prof.count)
    prof.distinct = len(seen)
    prof.decimal_comma = tally.comma_numbers / tally.text_numbers if tally.text_numbers else 0.0
    prof.day_first = not (tally.second_parts_over_12 > 0 and tally.first_parts_over_12 == 0)
    prof.examples = list(seen)[:5]
    prof.separator = list_separator(tally.texts, known)
    return prof


def _count_typed(value: Any, counters: dict[str, int]) -> bool:
    """Count a value the source gave typed (list, yes/no, date, number); False for text, read by its shape."""
    if isinstance(value, list):
        counters["listy"] += 1
    elif isinstance(value, bool):
        counters["boolean"] += 1
    elif isinstance(value, dt.datetime):
        counters["date"] += 1
        if (value.hour, value.minute, value.second) != (0, 0, 0):
            counters["datetime"] += 1
    elif isinstance(value, dt.date):
        counters["date"] += 1
    elif isinstance(value, int | float | Decimal):
        counters["number"] += 1
        if isinstance(value, int) or (isinstance(value, float | Decimal) and value == int(value)):
            counters["integer"] += 1
        if isinstance(value, Decimal):
            counters["money"] += 1
    else:
        return False
    return True


def _count_text(text: str, tally: _Tally) -> None:
    """E-mails, HTML, long text, web addresses, yes/no words, dates, identifiers and phones written as text."""
    counters = tally.counters
    low = fold(text)
    if is_email(text):
        counters["email"] += 1
    if _HTML.search(text):
        counters["html"] += 1
    if len(text) > 200 or "\n" in text:
        counters["long_text"] += 1
    if _URL.match(text) and "@" not in text and not _NUMBER_TEXT.match(text):
        counters["url"] += 1
    if low in _BOOL_WORDS or low in {"0", "1"}:
        counters["boolean"] += 1
    if _DATETIME_TEXT.match(text):
        counters["date"] += 1
        counters["datetime"] += 1
    elif _DATE_TEXT.match(text):
        counters["date"] += 1
    if _DATE_TEXT.match(text) or _DATETIME_TEXT.match(text):
        parts = re.split(r"[./-]", text.split()[0])
        if len(parts) == 3 and len(parts[0]) <= 2:
            tally.first_parts_over_12 += int(parts[0]) > 12
            tally.second_parts_over_12 += int(parts[1]) > 12
    if _ID_TEXT.match(text):
        counters["id_like"] += 1
    if _PHONE.match(text) and sum(ch.isdigit() for ch in text) >= 7 and not _DATE_TEXT.match(text) \
            and (text.startswith(("+", "0", "(")) or " " in text or sum(ch.isdigit() for ch in text) >= 10):
        counters["phone"] += 1


def _count_number(text: str, tally: _Tally) -> None:
    """Percentages, and numbers written as text (with their decimal comma, whole or not, with a currency)."""
    counters = tally.counters
    bare = _MONEY_TEXT.sub("", text).strip()
    if _PERCENT_TEXT.match(text):
        counters["percent"] += 1
    elif bare and _NUMBER_TEXT.match(bare) and not _DATE_TEXT.match(text) and not _ID_TEXT.match(text):
        digits = sum(ch.isdigit() for ch in bare)
        if digits <= 15:
            counters["number"] += 1
            tally.text_numbers += 1
            if re.search(r",\d{1,2}\)?$", bare):
                tally.comma_numbers += 1
            if not re.search(r"[.,]\d{1,2}\)?$", bare):
                counters["integer"] += 1
            if _MONEY_TEXT.search(text):
                counters["money"] += 1


def profile_field(name: str, records: Sequence[SourceRecord], known: Collection[str] = ()) -> Profile:
    return profile_values((r.values.get(name) for r in records), known)


def id_share(name: str, records: Sequence[SourceRecord]) -> float:
    """Share of sampled records whose value in ``name`` is the record's own id (a primary key column)."""
    present = [r for r in records if r.values.get(name) not in (None, "")]
    if not present:
        return 0.0
    return sum(1 for r in present if str(r.values[name]).strip() == str(r.id)) / len(present)


def date_format(prof: Profile, examples: Sequence[str]) -> str | None:
    """strptime format for dates written as text (None when the connector already decoded them)."""
    for text in examples:
        match = re.match(r"^(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})( \d{1,2}:\d{2}(:\d{2})?)?$", text.strip())
        if not match:
            continue
        sep = match.group(2)
        if len(match.group(1)) == 4:
            fmt = f"%Y{sep}%m{sep}%d"
        else:
            year = "%Y" if len(match.group(4)) == 4 else "%y"
            fmt = f"%d{sep}%m{sep}{year}" if prof.day_first else f"%m{sep}%d{sep}{year}"
        if match.group(5):
            fmt += " %H:%M:%S" if match.group(6) else " %H:%M"
        return fmt
    return None


__all__ = ["SEPARATORS", "Profile", "date_format", "id_share", "list_separator", "profile_field", "profile_values",
           "split_list"]
