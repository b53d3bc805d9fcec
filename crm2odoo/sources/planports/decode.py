"""Turning one raw Planports value into the contract's plain Python, plus the small vocabularies that derive
canonical values (person or company, deal outcome, activity kind, lead channel) from free text.

Shared by the workbook and the API connector so both emit identical values for identical data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.sources.base import FieldInfo, FieldType
from crm2odoo.sources.planports import values as v
from crm2odoo.textnorm import fold


@dataclass
class ColumnStyle:
    numbers: v.NumberStyle = field(default_factory=v.NumberStyle)
    dates: v.DateStyle = field(default_factory=v.DateStyle)


def decode(type_: FieldType, raw: Any, style: ColumnStyle | None = None) -> tuple[Any, str | None]:
    """(value, currency found in the cell). Raises ValueError with a reason a person understands."""
    st = style or ColumnStyle()
    if v.is_empty(raw):
        return None, None
    if type_ in ("id",):
        return v.parse_id(raw), None
    if type_ in ("text", "url", "select", "ref"):
        return v.clean_text(raw), None
    if type_ in ("longtext", "html"):
        return v.clean_text(raw), None
    if type_ in ("multiselect", "refs"):
        if isinstance(raw, list | tuple):
            return [v.clean_text(x) for x in raw if not v.is_empty(x)], None
        return v.split_list(raw), None
    if type_ == "email":
        return v.parse_emails(raw)[0], None
    if type_ == "phone":
        return v.parse_phones(raw)[0], None
    if type_ == "integer":
        return v.parse_int(raw, st.numbers), None
    if type_ == "float":
        return v.parse_float(raw, st.numbers), None
    if type_ == "percent":
        return v.parse_percent(raw, st.numbers), None
    if type_ == "money":
        amount, currency = v.parse_money(raw, st.numbers)
        return amount, currency
    if type_ == "date":
        return v.parse_date(raw, st.dates), None
    if type_ == "datetime":
        return v.parse_datetime(raw, st.dates), None
    if type_ == "boolean":
        return v.parse_bool(raw), None
    if type_ == "binary":
        return raw if isinstance(raw, bytes) else str(raw).encode(), None
    raise ValueError(f"no decoder for type {type_}")


def style_for(samples: Sequence[Any]) -> ColumnStyle:
    texts = [s for s in samples if isinstance(s, str)]
    return ColumnStyle(v.number_style(texts), v.date_style(texts))


# -- vocabularies --------------------------------------------------------------------------------------------------

_ORG_WORDS = {"firma", "tuzel kisi", "tuzel", "kurum", "sirket", "company", "organization", "organisation",
              "business", "kurumsal"}
_PERSON_WORDS = {"kisi", "gercek kisi", "gercek", "bireysel", "person", "individual", "contact", "sahis"}


def is_organisation(text: str) -> bool:
    """'Firma' / 'Tüzel Kişi' / 'Company' -> True, 'Kişi' / 'Gerçek Kişi' / 'Person' -> False."""
    key = fold(text)
    if key in _ORG_WORDS:
        return True
    if key in _PERSON_WORDS:
        return False
    raise ValueError("neither a person nor a company type")


_OUTCOMES = {
    "won": {"kazanildi", "kazanilan", "won", "closed won", "satildi", "kiralandi", "tamamlandi", "basarili"},
    "lost": {"kaybedildi", "kaybedilen", "lost", "closed lost", "basarisiz"},
    "cancelled": {"iptal", "iptal edildi", "cancelled", "canceled"},
}


def deal_outcome(status: str | None) -> str:
    """open / won / lost / cancelled from the free-text Durum."""
    if not status:
        return "open"
    key = fold(status)
    for outcome, words in _OUTCOMES.items():
        if key in words:
            return outcome
    return "open"


_ACTIVITY_KINDS = {
    "call": {"arama", "telefon", "gorusme", "telefon gorusmesi", "call", "phone call"},
    "meeting": {"toplanti", "meeting", "randevu", "appointment", "ziyaret", "visit"},
    "email": {"e posta", "eposta", "e-posta", "email", "e-mail", "mail"},
    "task": {"gorev", "task", "to do", "yapilacak"},
    "whatsapp": {"whatsapp", "wa", "mesaj", "message"},
    "reminder": {"hatirlatma", "reminder", "etkinlik", "event"},
}


def activity_kind(label: str | None) -> str:
    if not label:
        return "other"
    key = fold(label)
    for kind, words in _ACTIVITY_KINDS.items():
        if key in words:
            return kind
    return "other"


_DONE = {"tamamlandi", "yapildi", "bitti", "done", "completed", "complete", "closed", "kapandi", "held"}


def activity_done(status: str | None) -> bool:
    return bool(status) and fold(status or "") in _DONE


_CHANNELS = (
    ("Meta Instant Form", ("facebook", "instagram", "meta", "fb ", "lead ads", "instant form")),
    ("Google Ads", ("google", "gclid", "adwords")),
    ("TikTok", ("tiktok", "tik tok", "ttclid")),
    ("WhatsApp", ("whatsapp",)),
    ("Web", ("web", "site", "form", "landing")),
    ("Referral", ("referans", "referral", "tavsiye", "yonlendir")),
)
SOURCE_CHANNELS: tuple[str, ...] = (*(c for c, _ in _CHANNELS), "Other")


def source_channel(*texts: str | None) -> str | None:
    """Ad platform first, then source text: 'facebook' / 'Facebook Lead Ads' -> 'Meta Instant Form'."""
    seen = [fold(t) + " " for t in texts if t]
    if not seen:
        return None
    for text in seen:
        for channel, words in _CHANNELS:
            if any(w in text for w in words):
                return channel
    return "Other"


# -- custom field types --------------------------------------------------------------------------------------------

_DECLARED_TYPES: dict[str, FieldType] = {
    "metin": "text", "text": "text", "kisa metin": "text", "uzun metin": "longtext", "long text": "longtext",
    "paragraf": "longtext", "sayi": "float", "number": "float", "ondalik": "float", "decimal": "float",
    "tam sayi": "integer", "integer": "integer", "tarih": "date", "date": "date", "tarih saat": "datetime",
    "datetime": "datetime", "date time": "datetime", "evet hayir": "boolean", "yes no": "boolean",
    "boolean": "boolean", "onay kutusu": "boolean", "checkbox": "boolean", "secim": "select",
    "acilir liste": "select", "liste": "select", "select": "select", "dropdown": "select",
    "coklu secim": "multiselect", "multi select": "multiselect", "multiselect": "multiselect",
    "para": "money", "tutar": "money", "money": "money", "currency": "money", "yuzde": "percent",
    "percent": "percent", "telefon": "phone", "phone": "phone", "e posta": "email", "email": "email",
    "url": "url", "link": "url", "baglanti": "url",
}


def declared_type(text: str) -> FieldType | None:
    key = re.sub(r"[^0-9a-z]+", " ", fold(text)).strip()
    return _DECLARED_TYPES.get(key)


def infer_type(samples: Sequence[Any]) -> tuple[FieldType, tuple[str, ...]]:
    """A type for an undeclared column from its values: the narrowest type every sample decodes as."""
    present = [s for s in samples if not v.is_empty(s)]
    if not present:
        return "text", ()
    if all(isinstance(s, list | tuple) for s in present):
        return "multiselect", tuple(dict.fromkeys(v.clean_text(x) for s in present for x in s))[:50]
    texts = [v.clean_text(s) for s in present]
    style = style_for(present)

    def all_ok(type_: FieldType) -> bool:
        try:
            for s in present:
                decode(type_, s, style)
        except ValueError:
            return False
        return True

    if any(re.fullmatch(r"0\d+|\d{16,}", t) for t in texts) and all(re.fullmatch(r"[\d\-]+", t) for t in texts):
        return "id", ()
    if all_ok("boolean") and not all(isinstance(s, int | float) for s in present):
        return "boolean", ()
    if all(isinstance(s, str) and "%" in s for s in present) and all_ok("percent"):
        return "percent", ()
    if any(isinstance(s, str) and re.search(r"[₺€$£]|\b(TL|TRY|EUR|USD|GBP)\b", s) for s in present) and all_ok("money"):
        return "money", ()
    if all(isinstance(s, int) or (isinstance(s, str) and re.fullmatch(r"-?\d{1,9}", s)) for s in present):
        return "integer", ()
    if all(not isinstance(s, int | float) for s in present) and all_ok("date"):
        has_time = any(hasattr(s, "hour") and (s.hour or s.minute) for s in present) or any(
            isinstance(s, str) and ":" in s for s in present)
        return ("datetime" if has_time else "date"), ()
    if all(isinstance(s, int | float) or (isinstance(s, str) and re.search(r"\d", s)) for s in present) and all_ok("float"):
        return "float", ()
    if all_ok("email"):
        return "email", ()
    if any("\n" in t for t in texts):
        return "longtext", ()
    distinct = list(dict.fromkeys(texts))
    if len(distinct) <= 10 and len(texts) >= 2 * len(distinct):
        return "select", tuple(distinct)
    return "text", ()


def custom_field(key: str, label: str, type_: FieldType, options: tuple[str, ...], description: str) -> FieldInfo:
    return FieldInfo(name=key, label=label, type=type_, custom=True, options=options, description=description)
