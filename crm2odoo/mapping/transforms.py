"""Small pure transforms: ``fn(values, params, ctx) -> value``.

``values`` are the decoded source values of the line's source field(s), in order. A transform returns a plain
value, ``None`` for "empty" (sent to Odoo as False), or a placeholder that the loader resolves against Odoo
and the ledger (:class:`Ref`, :class:`Refs`, :class:`Lookup`, :class:`RecordRef`), or :class:`Merge` to set
several Odoo fields at once. A value that cannot be transformed raises :class:`TransformError`; the line's
``on_error`` policy decides what happens next.

| transform   | params                                   | example                                  |
|-------------|------------------------------------------|------------------------------------------|
| copy        | -                                        | any decoded value as is                  |
| text        | max_length                               | strip; empty -> None                     |
| join        | sep (default " "), split (a list's       | first + last -> name; '*/*a*/*b*/*'      |
|             | separator inside one text)               | split '*/*' -> 'a, b'                    |
| split       | sep (default " "), index                 | 'Ada Lovelace' index 0 -> 'Ada'          |
| date        | format (strptime, for text values)       | '01.02.2024' %d.%m.%Y -> 2024-02-01      |
| datetime    | format, tz (for naive text, default UTC) | -> aware UTC datetime                    |
|             | first_set + formats (one per column):    | [completed, due, assigned] -> the first  |
|             | the first column that is set             | date the record has                      |
| number      | decimal (',' or '.'), integer (bool)     | '1.234,56' -> 1234.56                    |
| boolean     | true_values, false_values                | 'Evet' -> True                           |
| phone       | default_country (ISO-2), fallbacks       | '0532 123 45 67' TR -> '+905321234567';  |
|             | ([[source, label]]: read when empty)     | an empty phone takes the mobile          |
| email       | -                                        | ' Ada@Example.COM ' -> 'ada@example.com' |
| html        | -                                        | text -> escaped <p>; html -> sanitised   |
| value_map   | map, default, case_insensitive           | 'Won' -> {probability: 100}              |
| lookup      | model, by (fields or 'xmlid'), value,    | country 'TR' -> res.country id; state    |
|             | within (a sibling Odoo field), create,   | 'CA' within the record's country_id;     |
|             | format                                   | 'Campaign {0}' tag created when missing  |
| ref         | object, by ('id' or 'name')              | source id (or name) -> many2one id       |
| refs        | object                                   | source ids -> many2many ids              |
| owner       | object (default 'user'), as ('partner')  | owner source id -> res.users id          |
| record_ref  | objects, model_field, model_field_kind,  | note -> model + res_id of its record;    |
|             | kinds (label -> object), fallbacks       | with kinds: ('Fırsat', 7) -> deal 7;     |
|             | (object -> object holding its other ids),| ('Kişi', 1001) -> contact, else company; |
|             | first_set (only the first column set)    | first_set: a deal's contact, else company|
| end         | unit ('hours'/'minutes'), default_hours, | [start, duration] -> the meeting's start |
|             | format, tz (of the start)                | and end (an hour when no duration)       |
| constant    | value                                    | always the same value                    |
| template    | format                                   | '{0} ({1})'                              |
| name_or     | sep, fallbacks ([[source, label], ...]:  | [first, last] -> 'Ada Lovelace'; with no |
|             | read in order when the name is empty)    | name, the e-mail (flagged: Derived)      |
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from crm2odoo.emails import clean_email, is_email
from crm2odoo.errors import TransformError
from crm2odoo.mapping.htmlclean import sanitise_html as sanitise_html
from crm2odoo.mapping.markers import Derived as Derived
from crm2odoo.mapping.markers import Lookup as Lookup
from crm2odoo.mapping.markers import Merge as Merge
from crm2odoo.mapping.markers import RecordRef as RecordRef
from crm2odoo.mapping.markers import Ref as Ref
from crm2odoo.mapping.markers import Refs as Refs
from crm2odoo.mapping.markers import TaxRate as TaxRate
from crm2odoo.textnorm import fold


@dataclass(frozen=True)
class TransformContext:
    """Read-only facts a transform may use."""

    default_country: str = "US"
    source_timezone: str = "UTC"


TransformFn = Callable[[list[Any], Mapping[str, Any], TransformContext], Any]


def _first(values: list[Any]) -> Any:
    return values[0] if values else None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def key_text(value: Any) -> str:
    """A record id as the source's key text: a connector that decodes a numeric column gives 32.0 (or
    Decimal('32.0')) where the record it points at is keyed '32'; a whole number reads as its digits."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip()


def t_copy(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    return None if _empty(value) else value


def t_text(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if _empty(value):
        return None
    text = str(value).strip()
    max_length = params.get("max_length")
    if max_length and len(text) > int(max_length):
        raise TransformError(f"text longer than {max_length} characters ({len(text)})", value=text[:40] + "…")
    return text


def t_join(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    flat = [item for v in values for item in (v if isinstance(v, list | tuple) else [v])]
    parts = [str(v).strip() for v in flat if not _empty(v)]
    if params.get("split"):  # one text holding a list ('*/*a*/*b*/*'): its items, not the raw text
        parts = [p.strip() for part in parts for p in part.split(str(params["split"])) if p.strip()]
    return str(params.get("sep", " ")).join(parts) or None


def t_split(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if _empty(value):
        return None
    parts = str(value).split(params.get("sep") or None)
    index = int(params.get("index", 0))
    return parts[index].strip() if -len(parts) <= index < len(parts) else None


def t_date(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if _empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    fmt = params.get("format")
    text = str(value).strip()
    try:
        return dt.datetime.strptime(text, fmt).date() if fmt else dt.date.fromisoformat(text[:10])
    except ValueError:
        raise TransformError(f"not a date in format {fmt or 'YYYY-MM-DD'}", value=text) from None


def _first_set(values: list[Any], params: Mapping[str, Any]) -> tuple[Any, str | None]:
    """The first value that is set, with the strptime format of its column (``formats``, one per column)."""
    formats = list(params.get("formats") or [])
    for n, value in enumerate(values):
        if not _empty(value):
            own = formats[n] if n < len(formats) else None
            return value, own or params.get("format")
    return None, None


def t_datetime(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value, fmt = _first_set(values, params) if params.get("first_set") else (_first(values), params.get("format"))
    if _empty(value):
        return None
    tz = ZoneInfo(str(params.get("tz") or ctx.source_timezone))
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            parsed = dt.datetime.strptime(text, fmt) if fmt else dt.datetime.fromisoformat(text)
        except ValueError:
            raise TransformError(f"not a date-time in format {fmt or 'ISO 8601'}", value=text) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(dt.UTC)


_NUMBER_JUNK = re.compile(r"[^\d,.\-+eE]")
_WORDS = re.compile(r"[^\W\d_]{2,}")  # currency codes and words: 'EUR', 'TL', 'USD'


def parse_number(text: str, decimal: str = ".") -> Decimal:
    """Parse '1.234,56' (decimal=',') or '1,234.56 EUR' (decimal='.') into a Decimal; raises ValueError."""
    cleaned = _NUMBER_JUNK.sub("", _WORDS.sub("", text.strip()))
    if decimal == ",":
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None


def t_number(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if _empty(value) or isinstance(value, bool):
        return None if _empty(value) else int(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        try:
            number = parse_number(str(value), str(params.get("decimal", ".")))
        except ValueError:
            raise TransformError("not a number", value=str(value)) from None
    if params.get("integer"):
        if number != number.to_integral_value():
            raise TransformError("not a whole number", value=str(value))
        return int(number)
    return float(number)


_TRUE = {"1", "true", "yes", "y", "evet", "var", "ja", "x", "on", "t"}
_FALSE = {"0", "false", "no", "n", "hayır", "hayir", "yok", "nein", "off", "f", ""}


def t_boolean(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return bool(value)
    key = fold(str(value))
    true_values = {fold(str(v)) for v in params.get("true_values", ())} | _TRUE
    false_values = {fold(str(v)) for v in params.get("false_values", ())} | _FALSE
    if key in true_values:
        return True
    if key in false_values:
        return False
    raise TransformError("not a yes/no value", value=str(value))


def t_phone(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    import phonenumbers  # imported here: the library loads its metadata on import

    # fallbacks: the line's number, else the first fallback column that holds one (a phone, else the mobile)
    value = next((v for v in values if not _empty(v)), None) if params.get("fallbacks") else _first(values)
    if _empty(value):
        return None
    text = str(value).strip()
    country = str(params.get("default_country") or ctx.default_country).upper()
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        raise TransformError(f"not a phone number (default country {country})", value=text) from None
    if not phonenumbers.is_possible_number(number):
        raise TransformError(f"not a possible phone number (default country {country})", value=text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def t_email(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if _empty(value):
        return None
    text = clean_email(value)
    if not is_email(text):
        raise TransformError("not an email address", value=text)
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}" if params.get("keep_local_case") else text.lower()


_LOOKS_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def t_html(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if _empty(value):
        return None
    text = str(value)
    if _LOOKS_HTML.search(text):
        return sanitise_html(text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p.strip()).replace("\n", "<br>") + "</p>" for p in paragraphs)


def t_value_map(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    mapping: Mapping[str, Any] = params.get("map") or {}

    def one(item: Any) -> Any:
        key = "" if item is None else str(item)
        if key in mapping:
            found = mapping[key]
        elif params.get("case_insensitive", True) and (
            hit := next((v for k, v in mapping.items() if fold(str(k)) == fold(key)), _MISSING)
        ) is not _MISSING:
            found = hit
        elif "default" in params:
            found = params["default"]
        elif _empty(item):
            return None
        else:
            raise TransformError("value not in the value map", value=key)
        return Merge(found) if isinstance(found, Mapping) else found

    if isinstance(value, list):
        return [one(v) for v in value]
    return one(value)


_MISSING = object()


def t_lookup(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values) if values else params.get("value")
    if _empty(value):
        return None
    model = params.get("model")
    if not model:
        raise TransformError("lookup needs params.model")
    by = params.get("by") or ["name"]
    within = params.get("within")
    if params.get("format"):
        value = str(params["format"]).format(value)
    # within: the name of another Odoo field of the same record (state within country_id), resolved first
    return Lookup(model=str(model), value=str(value).strip(), by=tuple(by),
                  within=(str(within), None) if within else None, create=bool(params.get("create")))


def t_ref(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if _empty(value):
        return None
    by = "name" if params.get("by") == "name" else "id"
    return Ref(object=str(params["object"]), source_id=str(value).strip() if by == "name" else key_text(value), by=by)


def t_refs(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    ids: list[str] = []
    for value in values:
        if isinstance(value, list | tuple):
            ids.extend(key_text(v) for v in value if not _empty(v))
        elif not _empty(value):
            ids.append(key_text(value))
    return Refs(object=str(params["object"]), source_ids=tuple(dict.fromkeys(ids)))


def t_owner(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    value = _first(values)
    if _empty(value):
        return None
    via = "partner_id" if params.get("as") == "partner" else None
    return Ref(object=str(params.get("object", "user")), source_id=key_text(value), via=via)


def _kind_candidates(values: list[Any], params: Mapping[str, Any]) -> tuple[Ref, ...]:
    """(kind, id) -> the one record of that kind: kinds maps folded labels ('kisi', 'deal', '0') to objects."""
    kinds = {fold(str(k)): str(v) for k, v in (params.get("kinds") or {}).items()}
    kind, value = [*values, None, None][:2]
    if _empty(value):
        return ()
    if _empty(kind):
        raise TransformError("names no kind of record it belongs to", value=str(value))
    text = key_text(kind)
    obj = kinds.get(fold(text))
    if obj is None:
        raise TransformError(f"kind of record not in the map's kinds ({', '.join(sorted(kinds))})", value=text)
    fallback = str((params.get("fallbacks") or {}).get(obj) or "")  # one numbering, two objects
    return tuple(Ref(object=o, source_id=key_text(value)) for o in dict.fromkeys((obj, fallback)) if o)


def t_record_ref(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    if params.get("kinds"):
        candidates = _kind_candidates(values, params)
    else:
        objects = list(params.get("objects") or [])
        candidates = tuple(
            Ref(object=str(obj), source_id=key_text(value))
            for obj, value in zip(objects, values, strict=False)
            if not _empty(value)
        )
    if not candidates:
        return None
    if params.get("first_set"):
        # 'the contact where set, else the company': a contact that is set but not in Odoo is a missing link to
        # report, never a reason to fall back on the company
        candidates = candidates[:1]
    return RecordRef(
        candidates=candidates,
        model_field=str(params.get("model_field", "model")),
        model_field_kind=str(params.get("model_field_kind", "name")),
    )


def t_end(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    """[start, duration] -> start and stop of a meeting (Odoo's calendar.event needs both; exports often give a
    start and a duration, or a due date alone)."""
    start = t_datetime(values[:1], params, ctx)
    if start is None:
        return None
    duration = values[1] if len(values) > 1 else None
    hours = float(params.get("default_hours", 1))
    if not _empty(duration):
        amount = t_number([duration], {"decimal": params.get("decimal", ".")}, ctx)
        hours = float(amount) / 60 if params.get("unit") == "minutes" else float(amount)
    if hours < 0:
        raise TransformError("negative duration", value=str(duration))
    return Merge({"start": start, "stop": start + dt.timedelta(hours=hours)})


def t_taxes(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    """A tax percentage (20, '20 %', '0,18' read as 18 % when params.fraction) -> TaxRate."""
    value = _first(values)
    if _empty(value):
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value))
    else:
        try:
            number = parse_number(str(value).replace("%", ""), str(params.get("decimal", ".")))
        except ValueError:
            raise TransformError("not a tax percentage", value=str(value)) from None
    if params.get("fraction") and abs(number) < 1:
        number *= 100
    return TaxRate(percent=float(round(number, 4)), use=str(params.get("use", "sale")))


def t_constant(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    return params.get("value")


def t_template(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    if all(_empty(v) for v in values):
        return None
    shown = ["" if _empty(v) else v for v in values]
    try:
        return str(params.get("format", "{0}")).format(*shown).strip() or None
    except (IndexError, KeyError, ValueError) as exc:
        raise TransformError(f"template does not fit the values: {exc}") from None


def t_name_or(values: list[Any], params: Mapping[str, Any], ctx: TransformContext) -> Any:
    """The name (the line's own values joined); without one, the first fallback value that is set, as a
    :class:`Derived` naming its label. With none at all the record cannot be named."""
    labels = [str(pair[1]) for pair in params.get("fallbacks") or []]
    parts = len(values) - len(labels)
    name = t_join(values[:parts], {"sep": params.get("sep", " ")}, ctx)
    if name:
        return name
    for label, value in zip(labels, values[parts:], strict=True):
        if not _empty(value):
            return Derived(str(value).strip(), label)
    raise TransformError("no name in the source, and no " + " or ".join(labels or ["other field"])
                         + " to name it by", value="")


TRANSFORMS: dict[str, TransformFn] = {
    "copy": t_copy,
    "text": t_text,
    "join": t_join,
    "split": t_split,
    "date": t_date,
    "datetime": t_datetime,
    "number": t_number,
    "boolean": t_boolean,
    "phone": t_phone,
    "email": t_email,
    "html": t_html,
    "value_map": t_value_map,
    "lookup": t_lookup,
    "ref": t_ref,
    "refs": t_refs,
    "owner": t_owner,
    "record_ref": t_record_ref,
    "end": t_end,
    "constant": t_constant,
    "taxes": t_taxes,
    "template": t_template,
    "name_or": t_name_or,
}

#: transforms that may lose information (the review lists them first)
LOSSY_TRANSFORMS = {"split", "value_map", "text", "template"}
