"""Pure decoders for Ontraport's wire encodings.

Everything arrives as strings: dates as Unix seconds (``"0"`` meaning empty), multi-values as ``*/*``-wrapped
id lists, dropdowns as option ids. Decoders raise ``ValueError`` with a short message; the connectors turn
that into a :class:`FieldProblem` so a bad value never drops the row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from crm2odoo.sources.base import FieldInfo, FieldType

LIST_DELIMITER = "*/*"
_EMPTY = {"", "0", "null", "none"}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

#: /objects/meta type -> FieldType. Unknown types decode as text and are reported once in the catalog.
META_TYPES: dict[str, FieldType] = {
    "text": "text",
    "longtext": "longtext",
    "html": "html",
    "email": "email",
    "phone": "phone",
    "sms": "phone",
    "url": "url",
    "image": "url",
    "address": "text",
    "state": "text",
    "country": "text",
    "mergefield": "text",
    "fulldate": "date",
    "date": "date",
    "timestamp": "datetime",
    "numeric": "float",
    "price": "money",
    "check": "boolean",
    "drop": "select",
    "list": "multiselect",
    "subscription": "multiselect",
    "parent": "ref",
}


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip().lower() in {"", "null", "none"})


def decode_timestamp(raw: Any) -> dt.datetime | None:
    """Unix seconds (string or number) -> aware UTC datetime; ``"0"``, ``""`` and null are empty."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text.lower() in _EMPTY:
        return None
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"not a Unix timestamp: {text[:40]!r}") from None
    # beyond year 3000 (or before 1000) the value is not seconds; negatives are real (birthdays before 1970)
    if abs(seconds) > 32503680000:
        raise ValueError(f"timestamp out of range: {text[:40]!r}")
    return _EPOCH + dt.timedelta(seconds=seconds)


def decode_date(raw: Any) -> dt.date | None:
    """Date-only fields: Ontraport stores midnight of that day as Unix seconds; the UTC date is the day."""
    stamp = decode_timestamp(raw)
    return stamp.date() if stamp is not None else None


def split_list(raw: Any) -> list[str]:
    """``*/*586*/*587*/*`` -> ``['586', '587']``; also tolerates a bare id or a comma list."""
    if is_empty(raw):
        return []
    text = str(raw)
    if LIST_DELIMITER in text:
        parts = text.split(LIST_DELIMITER)
    else:
        parts = text.split(",")
    return [p.strip() for p in parts if p.strip()]


def decode_int(raw: Any) -> int | None:
    if is_empty(raw):
        return None
    text = str(raw).strip()
    try:
        return int(text)
    except ValueError:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {text[:40]!r}") from None
        if value != value.to_integral_value():
            raise ValueError(f"not a whole number: {text[:40]!r}") from None
        return int(value)


def decode_decimal(raw: Any) -> Decimal | None:
    if is_empty(raw):
        return None
    text = str(raw).strip().replace(",", "")
    for symbol in ("$", "€", "£", "₺"):
        text = text.replace(symbol, "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not an amount: {str(raw)[:40]!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {str(raw)[:40]!r}")
    return value


def decode_float(raw: Any) -> float | None:
    value = decode_decimal(raw)
    return float(value) if value is not None else None


def decode_bool(raw: Any) -> bool | None:
    if is_empty(raw):
        return None
    text = str(raw).strip().lower()
    if text in {"1", "true", "yes", "on", "y", "checked"}:
        return True
    if text in {"0", "false", "no", "off", "n", "unchecked"}:
        return False
    raise ValueError(f"not a yes/no value: {text[:40]!r}")


def decode_text(raw: Any) -> str | None:
    if raw is None:
        return None
    text = str(raw)
    return text if text.strip() else None


@dataclass(frozen=True)
class FieldCodec:
    """How one field decodes: its FieldInfo plus the option-id -> label table for dropdowns and lists."""

    info: FieldInfo
    option_labels: Mapping[str, str] = field(default_factory=dict)

    def decode(self, raw: Any) -> Any:
        kind = self.info.type
        if kind == "datetime":
            return decode_timestamp(raw)
        if kind == "date":
            return decode_date(raw)
        if kind == "integer":
            return decode_int(raw)
        if kind == "float" or kind == "percent":
            return decode_float(raw)
        if kind == "money":
            return decode_decimal(raw)
        if kind == "boolean":
            return decode_bool(raw)
        if kind == "select":
            return self._label(raw)
        if kind == "multiselect":
            return [self._label_strict(p) for p in split_list(raw)]
        if kind == "ref":
            return decode_ref(raw)
        if kind == "refs":
            return split_list(raw)
        if kind == "id":
            return None if is_empty(raw) else str(raw).strip()
        return decode_text(raw)

    def _label(self, raw: Any) -> str | None:
        if is_empty(raw):
            return None
        key = str(raw).strip()
        if key in self.option_labels:
            return self.option_labels[key]
        if key == "0" or not self.option_labels:
            # "0" is how Ontraport stores "nothing chosen" for dropdowns whose options do not include it
            return None if key == "0" else key
        raise ValueError(f"unknown option id {key!r}")

    def _label_strict(self, key: str) -> str:
        if not self.option_labels:
            return key
        if key in self.option_labels:
            return self.option_labels[key]
        raise ValueError(f"unknown option id {key!r}")


def decode_ref(raw: Any) -> str | None:
    """A reference is the other record's id; ``"0"`` means none."""
    if is_empty(raw):
        return None
    text = str(raw).strip()
    return None if text == "0" else text


def decode_row(
    row: Mapping[str, Any], codecs: Mapping[str, FieldCodec]
) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """Decode every known field of a row. Returns values and (field, message, raw) problems.

    A list field with one unknown option keeps the other labels and the unknown id, so nothing is lost.
    """
    values: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    for key, codec in codecs.items():
        raw = row.get(key)
        try:
            values[key] = codec.decode(raw)
        except ValueError as err:
            problems.append((key, str(err), "" if raw is None else str(raw)[:200]))
            values[key] = _fallback(codec, raw)
    return values, problems


def _fallback(codec: FieldCodec, raw: Any) -> Any:
    if codec.info.type == "multiselect":
        return [codec.option_labels.get(p, p) for p in split_list(raw)]
    if codec.info.type == "select":
        return None if is_empty(raw) else str(raw)
    return None


_CUSTOM_KEY = re.compile(r"^f\d+$")


def is_custom_key(key: str) -> bool:
    return bool(_CUSTOM_KEY.match(key))


def options_of(meta_field: Mapping[str, Any]) -> dict[str, str]:
    """Meta ``options`` come as an id -> label map (documented) or a list of {id, label} (seen in field editor)."""
    raw = meta_field.get("options")
    if isinstance(raw, Mapping):
        return {str(k): str(v) for k, v in raw.items()}
    if isinstance(raw, list):
        out: dict[str, str] = {}
        for item in raw:
            if isinstance(item, Mapping):
                key = item.get("id", item.get("value"))
                label = item.get("label", item.get("name", key))
                if key is not None:
                    out[str(key)] = str(label)
        return out
    return {}


_UI_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")


def parse_ui_datetime(raw: str, *, tz: dt.tzinfo = dt.UTC, dayfirst: bool = False) -> dt.datetime | None:
    """A date as the Ontraport UI writes it in exports -> aware UTC datetime.

    Export date formats are not documented; accept Unix seconds, ISO, and US (or day-first) slash dates with
    an optional time. Times without a zone are in the account's zone ``tz``.
    """
    text = raw.strip()
    if not text or text == "0":
        return None
    if re.fullmatch(r"-?\d{9,11}", text):
        return decode_timestamp(text)
    for candidate in (() if "/" in text else (text, text.replace("T", " ").removesuffix("Z"))):
        try:
            parsed = dt.datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)).astimezone(dt.UTC)
    day = "%d/%m/%Y" if dayfirst else "%m/%d/%Y"
    # an export uses one format throughout, so the last one that worked is tried first (strptime is slow)
    last = _last_format.get(dayfirst)
    candidates = [last] if last else []
    for date_fmt in (day, day.replace("/", "-"), day.replace("/", "."), "%d.%m.%Y"):
        candidates.extend((date_fmt, *(f"{date_fmt} {t}" for t in _UI_TIME_FORMATS)))
    for fmt in candidates:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt[:2] == day[:2]:
            # the day-first fallback of a month-first export is never remembered: it would read the next
            # '02.06.2023' day-first too, so one value's meaning would hang on the values read before it
            _last_format[dayfirst] = fmt
        return parsed.replace(tzinfo=tz).astimezone(dt.UTC)
    raise ValueError(f"not a date: {text[:40]!r}")


_last_format: dict[bool, str] = {}


def parse_ui_date(raw: str, *, dayfirst: bool = False) -> dt.date | None:
    """Date-only columns carry no zone; the written day is the day."""
    text = raw.strip()
    if re.fullmatch(r"-?\d{9,11}", text):
        return decode_date(text)
    stamp = parse_ui_datetime(text, tz=dt.UTC, dayfirst=dayfirst)
    return stamp.date() if stamp is not None else None


#: the UI's usual stamp, '06/13/2023 14:05:09' (day first in a day-first export)
_UI_STAMP = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}) ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})")


def ui_datetime(raw: str, *, tz: dt.tzinfo, dayfirst: bool) -> dt.datetime | None:
    """``parse_ui_datetime``, the UI's usual stamp read without ``strptime`` (a fifth of a big note read went to
    it). The same value as ``strptime`` with the export's order gives; anything else, or a value no calendar
    has, goes the long way (its error message included)."""
    found = _UI_STAMP.fullmatch(raw.strip())
    if found is not None:
        first, second, year, hour, minute, sec = map(int, found.groups())
        month, day = (second, first) if dayfirst else (first, second)
        try:
            return dt.datetime(year, month, day, hour, minute, sec, tzinfo=tz).astimezone(dt.UTC)
        except ValueError:
            pass
    return parse_ui_datetime(raw, tz=tz, dayfirst=dayfirst)
