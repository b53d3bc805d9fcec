"""Pure parsers for the values Planports writes into its Excel exports and API answers.

Every parser takes the raw cell (``str``, ``int``, ``float``, ``datetime`` ...) and returns the decoded value
or raises :class:`ValueError` with a short reason; the caller turns that into a ``FieldProblem``. Turkish
conventions win where a value is ambiguous (day-first dates, decimal comma), because Planports is Turkish
software; per-column evidence (:class:`NumberStyle`, :class:`DateStyle`) can override that.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from crm2odoo.textnorm import fold

try:
    ISTANBUL: dt.tzinfo = ZoneInfo("Europe/Istanbul")
except Exception:  # noqa: BLE001 - no tz database: Türkiye has been UTC+3 all year since 2016
    ISTANBUL = dt.timezone(dt.timedelta(hours=3))

EMPTY_MARKERS = frozenset({"", "-", "—", "–", "n/a", "yok bilgi", "null", "none"})

CURRENCY_ALIASES: dict[str, str] = {
    "₺": "TRY", "TL": "TRY", "TRY": "TRY", "YTL": "TRY",
    "€": "EUR", "EUR": "EUR", "EURO": "EUR", "AVRO": "EUR",
    "$": "USD", "USD": "USD", "US$": "USD", "DOLAR": "USD",
    "£": "GBP", "GBP": "GBP", "STERLIN": "GBP",
}
_CURRENCY_RE = re.compile(r"(US\$|₺|€|\$|£|\b(?:TRY|TL|YTL|EUR|EURO|AVRO|USD|DOLAR|GBP|STERLIN)\b)", re.IGNORECASE)


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().casefold() in EMPTY_MARKERS
    return False


def clean_text(value: Any) -> str:
    """Cell text with Windows line ends made plain and outer whitespace removed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def currency_code(text: str) -> str:
    """ISO code for '₺', 'TL', '€', 'usd' ...; ValueError if unknown."""
    code = CURRENCY_ALIASES.get(text.strip().upper())
    if code is None:
        raise ValueError(f"unknown currency {text!r}")
    return code


# -- numbers -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberStyle:
    """How one column writes numbers. ``decimal_comma`` None: not settled by the column, use Turkish style."""

    decimal_comma: bool | None = None


_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")


def number_style(samples: list[str]) -> NumberStyle:
    """Settle a column's decimal mark from values that carry both marks or an unambiguous single mark."""
    votes_comma = votes_dot = 0
    for raw in samples:
        digits = re.sub(r"[^\d.,]", "", raw)
        if "," in digits and "." in digits:
            if digits.rfind(",") > digits.rfind("."):
                votes_comma += 1
            else:
                votes_dot += 1
        elif "," in digits and not _GROUPED_COMMA.match(digits):
            votes_comma += 1
        elif "." in digits and not _GROUPED_DOT.match(digits):
            votes_dot += 1
    if votes_comma > votes_dot:
        return NumberStyle(True)
    if votes_dot > votes_comma:
        return NumberStyle(False)
    return NumberStyle(None)


def parse_decimal(value: Any, style: NumberStyle = NumberStyle()) -> Decimal:
    """'1.234,56' -> 1234.56, '1,234.56' -> 1234.56, '(1.234,56)' -> -1234.56, 12 -> 12."""
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = clean_text(value).replace("\u00a0", "").replace(" ", "").replace("'", "")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    elif text.endswith("-"):
        negative, text = not negative, text[:-1]
    text = text.lstrip("+")
    if not re.fullmatch(r"[\d.,]*\d[\d.,]*", text):
        raise ValueError("not a number")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif "," in text:
        many = text.count(",") > 1
        decimal_mark = "." if (many or (style.decimal_comma is False and _GROUPED_COMMA.match(text))) else ","
    elif "." in text:
        many = text.count(".") > 1
        grouped = _GROUPED_DOT.match(text) is not None
        # '1.234' is one thousand two hundred thirty-four in a Turkish export unless the column says otherwise
        decimal_mark = "," if (many or (grouped and style.decimal_comma is not False)) else "."
    else:
        decimal_mark = "."
    thousands = "." if decimal_mark == "," else ","
    if thousands in text.split(decimal_mark)[-1] and decimal_mark in text:
        raise ValueError("thousands mark after the decimal mark")
    if text.count(decimal_mark) > 1:
        raise ValueError("more than one decimal mark")
    whole = text.split(decimal_mark)[0] if decimal_mark in text else text
    if thousands in whole and not re.fullmatch(r"\d{1,3}(" + re.escape(thousands) + r"\d{3})+", whole):
        raise ValueError("digit groups are not thousands (a date or a code?)")
    normal = text.replace(thousands, "").replace(decimal_mark, ".")
    try:
        result = Decimal(normal)
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    return -result if negative else result


def parse_money(value: Any, style: NumberStyle = NumberStyle()) -> tuple[Decimal, str | None]:
    """'₺1.250,00' -> (1250.00, 'TRY'); '900 EUR' -> (900, 'EUR'); 12.5 -> (12.5, None)."""
    if not isinstance(value, str):
        return parse_decimal(value, style), None
    text = clean_text(value)
    found = _CURRENCY_RE.findall(text)
    codes = {currency_code(f) for f in found}
    if len(codes) > 1:
        raise ValueError("more than one currency in one cell")
    amount = parse_decimal(_CURRENCY_RE.sub("", text), style)
    return amount, (codes.pop() if codes else None)


def parse_float(value: Any, style: NumberStyle = NumberStyle()) -> float:
    return float(parse_decimal(value, style))


def parse_int(value: Any, style: NumberStyle = NumberStyle()) -> int:
    number = parse_decimal(value, style)
    if number != number.to_integral_value():
        raise ValueError("not a whole number")
    return int(number)


def parse_percent(value: Any, style: NumberStyle = NumberStyle()) -> float:
    """'%20', '20%', '12,5%', '20' -> 20.0 / 12.5; a fraction without a sign ('0,6', 0.6) -> 60.0."""
    if isinstance(value, str):
        text = clean_text(value)
        if "%" in text:
            return float(parse_decimal(text.replace("%", ""), style))
        number = parse_decimal(text, style)
    else:
        number = parse_decimal(value, style)
    # Excel percent cells hold 0.6 for 60 %; a whole-number 1 is ambiguous and read as 1 %
    if 0 < number < 1:
        return float(number * 100)
    return float(number)


# -- booleans ------------------------------------------------------------------------------------------------------

_TRUE = frozenset({"evet", "e", "var", "aktif", "yes", "y", "true", "1", "x", "✓", "✔", "doğru", "dogru", "açık"})
_FALSE = frozenset({"hayir", "h", "yok", "pasif", "no", "n", "false", "0", "✗", "yanlis", "kapalı"})


def parse_bool(value: Any) -> bool:
    """Evet/Hayır, Var/Yok, Aktif/Pasif, Yes/No, True/False, 1/0, ✓."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = fold(clean_text(value))
    if key in _TRUE or key in {fold(t) for t in _TRUE}:
        return True
    if key in _FALSE or key in {fold(f) for f in _FALSE}:
        return False
    raise ValueError("not a yes/no value")


# -- dates ---------------------------------------------------------------------------------------------------------

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_MONTHS_TR = {
    "ocak": 1, "oca": 1, "subat": 2, "sub": 2, "mart": 3, "mar": 3, "nisan": 4, "nis": 4, "mayis": 5, "may": 5,
    "haziran": 6, "haz": 6, "temmuz": 7, "tem": 7, "agustos": 8, "agu": 8, "eylul": 9, "eyl": 9, "ekim": 10,
    "eki": 10, "kasim": 11, "kas": 11, "aralik": 12, "ara": 12,
}
_DATE_RE = re.compile(
    r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_NAMED_MONTH_RE = re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$")


@dataclass(frozen=True)
class DateStyle:
    """How one column writes slash dates. ``day_first`` None: not settled by the column, use day-first."""

    day_first: bool | None = None


def date_style(samples: list[str]) -> DateStyle:
    """A first part above 12 proves day-first, a second part above 12 proves month-first."""
    for raw in samples:
        m = _DATE_RE.match(raw.strip())
        if not m or len(m.group(1)) == 4:
            continue
        first, second = int(m.group(1)), int(m.group(2))
        if first > 12 >= second:
            return DateStyle(True)
        if second > 12 >= first:
            return DateStyle(False)
    return DateStyle(None)


def excel_serial(number: float) -> dt.datetime:
    """Excel's 1900 date system (serial 1 = 1900-01-01, counting the phantom 29 Feb 1900)."""
    if not 0 < number < 2958466:
        raise ValueError("not an Excel date serial")
    return _EXCEL_EPOCH + dt.timedelta(days=float(number))


def _naive_datetime(value: Any, style: DateStyle) -> tuple[dt.datetime, bool, dt.tzinfo | None]:
    """(naive or aware datetime, has_time, explicit tz)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), True, value.tzinfo
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), False, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = excel_serial(float(value))
        return moment, moment.time() != dt.time(0), None
    text = clean_text(value)
    m = _DATE_RE.match(text)
    if m:
        a, b, c = m.group(1), m.group(2), m.group(3)
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            dotted = "." in text[: len(a) + 1]
            day_first = True if dotted else (style.day_first is not False)
            day, month = (int(a), int(b)) if day_first else (int(b), int(a))
            year = int(c) + (2000 if len(c) == 2 else 0)
        hh, mm, ss = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
        tz: dt.tzinfo | None = None
        if m.group(7):
            zone = m.group(7)
            if zone == "Z":
                tz = dt.UTC
            else:
                sign = 1 if zone[0] == "+" else -1
                digits = zone[1:].replace(":", "")
                tz = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        try:
            moment = dt.datetime(year, month, day, hh, mm, ss)
        except ValueError as exc:
            raise ValueError(f"not a valid date ({exc})") from exc
        return moment, m.group(4) is not None, tz
    named = _NAMED_MONTH_RE.match(fold(text))
    if named and named.group(2) in _MONTHS_TR:
        try:
            moment = dt.datetime(int(named.group(3)), _MONTHS_TR[named.group(2)], int(named.group(1)),
                                 int(named.group(4) or 0), int(named.group(5) or 0))
        except ValueError as exc:
            raise ValueError(f"not a valid date ({exc})") from exc
        return moment, named.group(4) is not None, None
    raise ValueError("not a date")


def parse_date(value: Any, style: DateStyle = DateStyle()) -> dt.date:
    """'01.02.2024' -> 1 Feb 2024; Excel serial 45323 -> 2024-02-01; a time part is dropped."""
    moment, _has_time, _tz = _naive_datetime(value, style)
    return moment.date()


def parse_datetime(value: Any, style: DateStyle = DateStyle(), tz: dt.tzinfo = ISTANBUL) -> dt.datetime:
    """Day-first text or Excel date-time in Istanbul local time -> aware UTC datetime."""
    moment, _has_time, explicit = _naive_datetime(value, style)
    local = moment.replace(tzinfo=explicit or tz)
    return local.astimezone(dt.UTC)


# -- phones, ids, e-mails ------------------------------------------------------------------------------------------

_PHONE_SPLIT = re.compile(r"[;,/\n]+")


def parse_phone(value: Any, default_country: str = "90") -> str:
    """Turkish and international numbers -> E.164 ('0532 123 45 67' -> '+905321234567').

    Numeric cells lose the '+' and the leading 0; a 10-digit number starting with 5 (mobile) or 2-4
    (landline) is a Turkish national number.
    """
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not a phone number")
        value = int(value)
    text = clean_text(value)
    text = re.sub(r"(?i)\s*(ext|dahili|x)\.?\s*\d+$", "", text)
    if not re.fullmatch(r"[\d\s()+\-./]+", text):
        raise ValueError("not a phone number")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0") and len(digits) == 11:
        number = default_country + digits[1:]
    elif len(digits) == 10 and digits[0] in "2345":
        number = default_country + digits
    elif digits.startswith(default_country) and len(digits) == 12:
        number = digits
    else:
        raise ValueError("not a phone number this tool can place (no country code)")
    if not 8 <= len(number) <= 15:
        raise ValueError("wrong number of digits for a phone number")
    return "+" + number


def parse_phones(value: Any) -> list[str]:
    """Several numbers in one cell, split on , ; / and new lines."""
    if not isinstance(value, str):
        return [parse_phone(value)]
    parts = [p for p in _PHONE_SPLIT.split(value) if p.strip()]
    return [parse_phone(p) for p in parts]


def parse_id(value: Any) -> str:
    """Ids stay text: 00123 keeps its zeros, 18-digit Meta lead ids keep every digit."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        raise ValueError("an id stored as a floating point number lost digits; export it as text")
    if isinstance(value, int):
        return str(value)
    text = clean_text(value)
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+\d+", text):
        raise ValueError("an id written in scientific notation lost digits; export it as text")
    return text


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_emails(value: Any) -> list[str]:
    parts = [p.strip().lower() for p in re.split(r"[;,\s]+", clean_text(value)) if p.strip()]
    for p in parts:
        if not _EMAIL_RE.match(p):
            raise ValueError("not an e-mail address")
    return parts


def split_list(value: Any) -> list[str]:
    """'a, b; c' -> ['a', 'b', 'c']."""
    return [p.strip() for p in re.split(r"[;,\n]+", clean_text(value)) if p.strip()]


# -- names ---------------------------------------------------------------------------------------------------------

_SUFFIXES = (
    "ltd sti", "ltd", "sti", "limited sirketi", "limited", "as", "a s", "anonim sirketi", "gmbh", "ag", "inc",
    "llc", "plc", "co", "corp", "san ve tic", "san tic", "ve tic", "tic", "san", "ticaret", "sanayi", "bv", "sa",
)
_SUFFIX_RE = re.compile(r"(?:\s+(?:" + "|".join(re.escape(s) for s in _SUFFIXES) + r"))+$")


def name_key(name: str) -> str:
    """Folded, punctuation- and whitespace-normalised name: 'Deniz  Emlak Ltd. Şti.' -> 'deniz emlak ltd sti'."""
    return re.sub(r"\s+", " ", re.sub(r"[^0-9a-z@]+", " ", fold(name))).strip()


def loose_name_key(name: str) -> str:
    """name_key without legal-form suffixes: 'Deniz Emlak A.Ş.' and 'Deniz Emlak Ltd. Şti.' -> 'deniz emlak'."""
    key = name_key(name)
    stripped = _SUFFIX_RE.sub("", " " + key).strip()
    return stripped or key
