"""How well a source field fits a concept: the weights, the candidates they rank, and the small readers they use.

See the package docstring (:mod:`crm2odoo.mapping.propose`) for what the weights mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.mapping.profile import Profile
from crm2odoo.mapping.spec import NewField
from crm2odoo.mapping.synonyms import stem
from crm2odoo.sources.base import FieldInfo, SourceRecord
from crm2odoo.textnorm import fold

FieldsGet = Mapping[str, Mapping[str, Mapping[str, Any]]]

W_NAME, W_VALUES, W_TYPE = 0.55, 0.30, 0.15
NEW_FIELD_CAP = 0.88
MIN_CONCEPT = 0.6  # below this a header match is noise
MAX_X_NAME = 60

#: words that make a header an identifier, and the concepts whose values are identifiers anyway
ID_MARKERS = frozenset(stem(w) for w in ("no", "nr", "id", "number", "numara", "num", "kod", "code", "kodu"))
ID_CONCEPTS = frozenset({"product_code", "barcode", "vat", "reference", "email"})
MINUTE_WORDS = frozenset(stem(w) for w in ("minute", "minutes", "min", "dakika", "dk", "minuten"))
#: Odoo field type -> FieldInfo types that fill it as they are (a source key equal to the Odoo name)
SAME_KIND: dict[str, frozenset[str]] = {
    "char": frozenset({"text", "email", "phone", "url", "id"}), "text": frozenset({"text", "longtext"}),
    "html": frozenset({"html", "longtext"}), "boolean": frozenset({"boolean"}), "date": frozenset({"date"}),
    "datetime": frozenset({"datetime"}), "integer": frozenset({"integer"}),
    "float": frozenset({"float", "percent", "money"}), "monetary": frozenset({"money", "float"}),
    "selection": frozenset({"select"}),
}
#: objects whose creation date is worth keeping in an x_ field (Odoo's own create_date cannot be set)
MAIN_OBJECTS = frozenset({"contact", "company", "deal", "lead"})


@dataclass(frozen=True)
class ProposeOptions:
    default_country: str = "US"
    task_target: str = "activity"  # 'activity' (open -> mail.activity, done -> message) | 'project_task'
    campaign_as: str = "tag"  # 'tag' (enrolment adds a partner tag) | 'field' (kept as x_ field by the loader)
    engagement: str = "notes"  # 'notes' (one chatter message each) | 'aggregate' (counts on the contact)
    sample_size: int = 200  # records read per object; an object with more may hold values the sample missed


@dataclass
class Cand:
    """One possible line for one source field."""

    target: str | None
    transform: str = "text"
    params: dict[str, Any] = field(default_factory=dict)
    new_field: NewField | None = None
    ignore: bool = False
    confidence: float = 0.5
    reason: str = ""
    special: str = ""
    shareable: bool = False
    concept: str = ""


_TYPE_KINDS: dict[str, set[str]] = {
    "email": {"email"}, "phone": {"phone"}, "url": {"url"}, "date": {"date"}, "datetime": {"date"},
    "integer": {"number", "money", "percent"}, "float": {"number", "money", "percent"},
    "money": {"number", "money"}, "percent": {"percent", "number"}, "boolean": {"boolean", "select"},
    "select": {"select", "text"}, "multiselect": {"select", "any"}, "longtext": {"longtext", "text"},
    "html": {"longtext"}, "id": {"id", "text"}, "ref": {"any"}, "refs": {"any"},
}
_KIND_WORDS = {"email": "valid emails", "phone": "phone numbers", "url": "web addresses", "date": "dates",
               "number": "numbers", "money": "amounts", "percent": "percentages", "boolean": "yes/no values"}


def type_fit(ftype: str, kind: str) -> float:
    if kind in ("any", "select") and ftype not in ("ref", "refs"):
        return 1.0 if kind == "any" or ftype in ("select", "boolean", "text") else 0.5
    if ftype == "text":
        return 0.7 if kind in ("text", "longtext", "id", "email", "phone", "url") else 0.5
    if kind in ("text", "longtext") and ftype in ("id", "email", "phone", "url", "select", "longtext", "html"):
        return 0.8
    return 1.0 if kind in _TYPE_KINDS.get(ftype, set()) else 0.0


def value_fit(kind: str, prof: Profile) -> float | None:
    if prof.empty:
        return None
    shares = {"email": prof.email, "phone": prof.phone, "url": prof.url, "date": prof.date,
              "number": prof.number + prof.percent, "money": prof.number, "percent": prof.number + prof.percent,
              "boolean": prof.boolean}
    if kind in shares:
        return min(1.0, shares[kind])
    if kind == "id":
        return 1.0 - max(prof.email, prof.url)
    if kind == "longtext" and prof.count >= 10 and prof.distinct <= min(6.0, 0.2 * prof.count):
        return 0.3  # notes are mostly unique; a handful of repeated labels is a status, not a note
    if kind in ("text", "longtext"):
        return 1.0 - max(prof.email, prof.date, prof.url) if kind == "text" else 1.0 - max(prof.email, prof.date)
    return 1.0


def evidence(kind: str, prof: Profile) -> str:
    if prof.empty:
        return "no sampled values"
    if kind in _KIND_WORDS:
        share = {"email": prof.email, "phone": prof.phone, "url": prof.url, "date": prof.date,
                 "number": prof.number + prof.percent, "money": prof.number, "percent": prof.number + prof.percent,
                 "boolean": prof.boolean}[kind]
        return f"{round(min(1.0, share) * 100)}% of {prof.count} sampled values are {_KIND_WORDS[kind]}"
    return f"{prof.count} sampled values"


def fit_score(name: float, kind: str, fi: FieldInfo, prof: Profile) -> float:
    t = type_fit(fi.type, kind)
    v = value_fit(kind, prof)
    if v is None:
        # without values the header carries their weight too, a little discounted
        return round((W_NAME + W_VALUES) * name + W_TYPE * t - 0.03, 3)
    return round(W_NAME * name + W_VALUES * v + W_TYPE * t, 3)


def label_of(fi: FieldInfo) -> str:
    return fi.label or fi.name


def distinct_values(fi: FieldInfo, recs: Sequence[SourceRecord]) -> list[str]:
    """Declared options first, then sampled values outside them (orphaned dropdown ids stay visible)."""
    seen: dict[str, None] = dict.fromkeys(fi.options)
    for r in recs:
        value = r.values.get(fi.name)
        for item in value if isinstance(value, list) else [value]:
            if item is not None and str(item).strip():
                seen.setdefault(str(item).strip(), None)
    return list(seen)


def classify(value: str, *vocab: frozenset[str]) -> int:
    key = fold(value)
    for i, words in enumerate(vocab):
        if key in words or any(w in key.split() for w in words if " " not in w and len(w) > 2):
            return i
    return -1



def placeholder_field(name: str) -> FieldInfo:
    return FieldInfo(name=name, label=name, type="text")


def first_value(fi: FieldInfo, recs: Sequence[SourceRecord]) -> Any:
    return next((r.values.get(fi.name) for r in recs if r.values.get(fi.name) not in (None, "")), None)

