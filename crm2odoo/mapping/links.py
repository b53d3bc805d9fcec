"""Links found from the values: which column points at which other object of the same export.

Connectors name the links they know (a FieldInfo of type ref). Exports we have never seen carry them under other
headers, and carry the linked record twice: by its id ("Company ID") and by its name ("Company"). This module
reads the sampled values of every column against the sampled ids and names of every other object and says:

* :class:`Link`: the column holds ids (or names) of one object; ``share`` is how many of its sampled values
  resolve, the confidence the proposer gives the line;
* :class:`Redundant`: the column names the same record as an id column that links (value for value), so it adds
  nothing;
* :class:`KindLink`: a *polymorphic* link, a column naming object kinds ("Contact", "Fırsat", "Unternehmen", or
  Ontraport's numeric type ids) next to a column of ids of a record of that kind.

Every comparison folds case, accents and the Turkish dotted/dotless i (:func:`crm2odoo.textnorm.fold`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.mapping.synonyms import concept_scores
from crm2odoo.sources.base import Catalog, FieldInfo, ObjectInfo, SourceRecord
from crm2odoo.textnorm import fold

#: objects a column may point at (users, tags, stages... are named by the connectors; owners have their own rules)
LINKABLE = ("contact", "company", "deal", "lead", "product", "quote", "order", "invoice", "card", "board")

#: what people call each object, singular and plural, in English, Turkish and German (folded)
KIND_WORDS: dict[str, frozenset[str]] = {
    "contact": frozenset({"contact", "contacts", "person", "persons", "people", "kisi", "kisiler", "kontakt",
                          "kontakte", "personen", "ilgili kisi", "customer", "musteri", "kunde"}),
    "company": frozenset({"company", "companies", "organization", "organisation", "organizations", "account",
                          "accounts", "firma", "firmalar", "sirket", "sirketler", "unternehmen", "firmen",
                          "kurum", "kurumlar", "organisationen"}),
    "deal": frozenset({"deal", "deals", "opportunity", "opportunities", "firsat", "firsatlar", "satis firsati",
                       "satis firsatlari", "geschaft", "geschafte", "verkaufschance", "verkaufschancen", "chance",
                       "chancen", "opportunity deal"}),
    "lead": frozenset({"lead", "leads", "aday", "adaylar", "aday musteri", "potansiyel musteri", "interessent",
                       "interessenten"}),
    "quote": frozenset({"quote", "quotes", "quotation", "quotations", "teklif", "teklifler", "angebot",
                        "angebote"}),
    "order": frozenset({"order", "orders", "sales order", "siparis", "siparisler", "auftrag", "auftrage",
                        "bestellung", "bestellungen"}),
    "invoice": frozenset({"invoice", "invoices", "transaction", "transactions", "fatura", "faturalar", "rechnung",
                          "rechnungen"}),
    "card": frozenset({"card", "cards", "kart", "kartlar", "karte", "karten", "project task"}),
}

#: Ontraport's numeric object type ids (objectID), written in exports' "Object Type" columns
ONTRAPORT_TYPE_IDS: dict[str, str] = {"0": "contact", "150": "company", "149": "deal", "46": "invoice",
                                      "1": "task", "16": "product"}

#: the records a task, note or file may belong to through a kind column, whether or not the sample shows them
PARENT_KINDS = ("deal", "lead", "contact", "company")

#: a polymorphic kind column must name a kind for this share of its values, its id column resolve this share
KIND_SHARE = 0.9
MIN_SHARE = 0.6  # below this a column does not link (a few coincidental hits are noise)
PAIR_SHARE = 0.8  # an id and a name column name the same record in this share of rows: the name is redundant
_ID_SHAPE = re.compile(r"^[A-Za-z]{0,4}[-_]?\d{1,19}$|^[0-9a-fA-F-]{16,40}$")
_ID_WORDS = frozenset({"id", "ids", "no", "nr", "number", "numara", "num", "kod", "kodu", "code", "ref", "key",
                       "numarasi", "nummer"})
_TYPE_WORDS = frozenset({"type", "kind", "object", "objekt", "objekttyp", "tur", "turu", "tip", "tipi", "art", "typ",
                         "model", "entity"})
_NAME_CONCEPTS = ("full_name", "company_name", "deal_name", "product_name", "subject")


@dataclass(frozen=True)
class Link:
    """Column ``field`` holds ids (``by='id'``) or names (``by='name'``) of ``object`` records."""

    field: str
    object: str
    by: str
    share: float
    count: int
    many: bool = False

    def reason(self, label: str) -> str:
        what = "ids" if self.by == "id" else "names"
        return (f"{round(self.share * 100)}% of {self.count} sampled values of '{label}' are {what} of "
                f"{self.object} records")

    @property
    def confidence(self) -> float:
        return round(min(0.95, 0.5 + 0.45 * self.share), 2)


@dataclass(frozen=True)
class Redundant:
    """Column ``field`` names the record the id column ``by_field`` links to, value for value."""

    field: str
    by_field: str
    object: str
    share: float


@dataclass(frozen=True)
class KindLink:
    """``kind_field`` names each row's parent kind (value -> object), ``id_field`` its id, ``name_field`` its name."""

    kind_field: str
    id_field: str
    kinds: Mapping[str, str]
    share: float
    count: int
    name_field: str | None = None
    #: object -> the object that holds the ids it does not: persons and firms numbered in one sequence (one
    #: Kişiler sheet), and sampled pairs that say 'Kişi 1001' of the firm 1001
    fallbacks: Mapping[str, str] = field(default_factory=dict)
    #: label -> object for parents the sample did not show but the export names the same way (Ontraport's '149'
    #: when every sampled task was on a contact): a record on a deal beyond the sample still finds its deal
    unseen: Mapping[str, str] = field(default_factory=dict)

    @property
    def objects(self) -> list[str]:
        return list(dict.fromkeys(self.kinds.values()))

    @property
    def confidence(self) -> float:
        return round(min(0.95, 0.5 + 0.45 * self.share), 2)


@dataclass
class ObjectLinks:
    """What the values say about one object's columns."""

    links: dict[str, Link] = field(default_factory=dict)
    redundant: dict[str, Redundant] = field(default_factory=dict)
    kind: KindLink | None = None


@dataclass
class _Index:
    """Sampled ids and folded names of one object."""

    ids: set[str]
    names: dict[str, set[str]]  # folded name -> ids
    name_of: dict[str, str]  # id -> folded name
    coverage: float  # share of the object's records that are in the sample (1.0 when unknown but not capped)
    words: frozenset[str]


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _items(value: Any) -> list[str]:
    values = value if isinstance(value, list | tuple) else [value]
    return [t for t in (_text(v) for v in values) if t]


def _name_fields(obj: ObjectInfo) -> list[str]:
    """The columns that name a record: a name concept on the header, else first + last name."""
    named = []
    for fi in obj.fields:
        scores = concept_scores(fi.name, fi.label or fi.name)
        concepts = [c for c in _NAME_CONCEPTS if c != "company_name" or obj.name == "company"]
        if fi.type in ("text", "id") and any(scores.get(c, 0) >= 0.85 for c in concepts) and not fi.ref_object:
            named.append(fi.name)
    return named


def _first_and_last(obj: ObjectInfo) -> tuple[str, str] | None:
    """The first-name and last-name columns, when the object has both."""
    def column(concept: str) -> str | None:
        return next((fi.name for fi in obj.fields
                     if concept_scores(fi.name, fi.label or fi.name).get(concept, 0) >= 0.85), None)

    first, last = column("first_name"), column("last_name")
    return (first, last) if first and last else None


def _record_names(record: SourceRecord, named: Sequence[str], first_last: tuple[str, str] | None) -> list[str]:
    out = [fold(_text(record.values.get(n))) for n in named if _text(record.values.get(n))]
    if first_last:
        first, last = first_last
        joined = fold(f"{_text(record.values.get(first))} {_text(record.values.get(last))}")
        if joined:
            out.append(joined)
    return out


def _kind_words(obj: ObjectInfo) -> frozenset[str]:
    words = set(KIND_WORDS.get(obj.name, ()))
    words.update({fold(obj.name), fold(obj.label)} - {""})
    return frozenset(words)


def _index(obj: ObjectInfo, records: Sequence[SourceRecord], sample_cap: int) -> _Index:
    named, first_last = _name_fields(obj), _first_and_last(obj)  # the headers are read once, not per record
    ids: set[str] = set()
    names: dict[str, set[str]] = {}
    name_of: dict[str, str] = {}
    for r in records:
        rid = _text(r.id)
        ids.add(rid)
        for i, name in enumerate(_record_names(r, named, first_last)):
            names.setdefault(name, set()).add(rid)
            if i == 0:
                name_of[rid] = name
    if obj.count:
        coverage = min(1.0, len(records) / obj.count) if records else 0.0
    else:
        coverage = 1.0 if len(records) < sample_cap else 0.0  # capped and uncounted: see _coverage
    return _Index(ids, names, name_of, coverage, _kind_words(obj))


def _coverage(idx: _Index, values: Sequence[str]) -> float:
    """How much of the linked object the sample holds. Uncounted exports (CSV) number their records: a capped
    sample of ids 1..200 while the column says 1..5000 holds 4% of them; 0.5 when ids are not numbers."""
    if idx.coverage > 0:
        return idx.coverage
    numbers = [int(i) for i in idx.ids if i.isdigit()]
    if len(numbers) < len(idx.ids) or not numbers:
        return 0.5
    top = max([*numbers, *(int(v) for v in values if v.isdigit())])
    return min(1.0, len(numbers) / max(1, top - min(*numbers, 1) + 1))


def _header_words(fi: FieldInfo) -> set[str]:
    text = f"{fi.name} {fi.label}".replace("_", " ")
    words = set(fold(text).replace("-", " ").replace("/", " ").split())
    phrase = fold(fi.label or fi.name)
    return words | {phrase}


def _mentions(fi: FieldInfo, idx: _Index) -> bool:
    words = _header_words(fi)
    phrase = fold(fi.label or fi.name)
    return bool(words & idx.words) or any(w in phrase for w in idx.words if " " in w)


def _looks_like_ids(values: Sequence[str]) -> bool:
    return bool(values) and all(_ID_SHAPE.match(v) for v in values)


class LinkFinder:
    """Computes every object's links once per plan from the catalog and the sampled records."""

    def __init__(self, catalog: Catalog, samples: Mapping[str, Sequence[SourceRecord]],
                 sample_cap: int = 200) -> None:
        self.catalog = catalog
        self.samples = samples
        self.indexes: dict[str, _Index] = {}
        for obj in catalog.objects:
            if obj.name in LINKABLE and samples.get(obj.name):
                self.indexes[obj.name] = _index(obj, samples[obj.name], sample_cap)
        self.numeric_kinds = catalog.source_kind.startswith("ontraport")
        self.sample_cap = sample_cap
        self.indexes_any: dict[str, _Index] = {}  # objects that are linked only by their connectors' own columns
        self._cache: dict[str, ObjectLinks] = {}

    def shares(self, target: str, values: Sequence[Any]) -> tuple[float, float]:
        """(share of ``values`` that are sampled ids of ``target``, share that are its names), folded."""
        texts = [v for value in values for v in _items(value)]
        obj = self.catalog.object(target)
        records = self.samples.get(target) or ()
        if not texts or obj is None or not records:
            return 0.0, 0.0
        if target not in self.indexes:
            self.indexes_any[target] = self.indexes_any.get(target) or _index(obj, records, self.sample_cap)
        idx = self.indexes.get(target) or self.indexes_any[target]
        ids = sum(1 for t in texts if t in idx.ids) / len(texts)
        names = sum(1 for t in texts if fold(t) in idx.names) / len(texts)
        return round(ids, 2), round(names, 2)

    def of(self, obj: ObjectInfo) -> ObjectLinks:
        if obj.name not in self._cache:
            self._cache[obj.name] = self._find(obj)
        return self._cache[obj.name]

    # -- plain links --------------------------------------------------------------------------------------------
    def _find(self, obj: ObjectInfo) -> ObjectLinks:
        records = list(self.samples.get(obj.name) or ())
        out = ObjectLinks()
        if not records or not self.indexes:
            return out
        out.kind = self._kind_link(obj, records)
        taken = {out.kind.kind_field, out.kind.id_field} if out.kind else set()
        for fi in obj.fields:
            if fi.name in taken or fi.type in ("date", "datetime", "boolean", "money", "float", "percent", "email",
                                               "phone", "url", "binary", "html", "longtext"):
                continue
            if fi.ref_object and fi.ref_object not in LINKABLE:
                continue  # users, tags, stages: the connector's own derived objects, named as such
            if all(_text(r.values.get(fi.name)) == _text(r.id) for r in records if _text(r.values.get(fi.name))):
                continue  # the record's own id
            link = self._best_link(obj, fi, records)
            if link is not None:
                out.links[fi.name] = link
        if out.kind and out.kind.name_field:
            out.links.pop(out.kind.name_field, None)
        self._pair_names(obj, records, out)
        return out

    def _best_link(self, obj: ObjectInfo, fi: FieldInfo, records: Sequence[SourceRecord]) -> Link | None:
        values = [v for r in records for v in _items(r.values.get(fi.name))]
        if not values:
            return None
        many = any(isinstance(r.values.get(fi.name), list | tuple) for r in records)
        found: list[tuple[float, bool, Link]] = []
        id_shaped = _looks_like_ids(values)
        if not id_shaped and fi.name in _name_fields(obj):
            return None  # the record's own name, even when it is also someone else's (a lead named as its contact)
        for name, idx in self.indexes.items():
            if name == obj.name and (not id_shaped or not _mentions(fi, idx)):
                continue  # a link to the same kind of record needs ids and a header saying so (parent company)
            hint = _mentions(fi, idx) or fi.ref_object == name
            if id_shaped and (hint or bool(_header_words(fi) & _ID_WORDS)):
                hits = sum(1 for v in values if v in idx.ids)
                coverage = _coverage(idx, values)
                share = min(1.0, hits / len(values) / max(coverage, 0.01)) if hits else 0.0
                if share >= MIN_SHARE and (hint or coverage > 0.5):
                    found.append((share, hint, Link(fi.name, name, "id", round(share, 2), len(values), many)))
            if not id_shaped and idx.names:
                hits = sum(1 for v in values if fold(v) in idx.names)
                share = min(1.0, hits / len(values) / max(idx.coverage or 0.5, 0.05)) if hits else 0.0
                if share >= MIN_SHARE and (hint or share >= 0.9):
                    found.append((share, hint, Link(fi.name, name, "name", round(share, 2), len(values), many)))
        if not found:
            return None
        found.sort(key=lambda f: (-f[1], -f[0]))
        best = found[0]
        rivals = [f for f in found[1:] if f[1] == best[1] and f[0] >= best[0] - 0.05]
        if rivals and not best[1]:
            return None  # ids of several objects alike and no header to choose: not guessed
        if fi.ref_object and fi.ref_object != best[2].object and best[2].by == "id":
            return None  # the connector knows better where its own ids point
        return best[2]

    def _pair_names(self, obj: ObjectInfo, records: Sequence[SourceRecord], out: ObjectLinks) -> None:
        """A name column naming, row by row, the record an id column points at is redundant; the id links."""
        id_links = [lk for lk in out.links.values() if lk.by == "id" and not lk.many]
        candidates = [fi for fi in obj.fields if fi.name not in out.links or out.links[fi.name].by == "name"]
        for lk in id_links:
            idx = self.indexes[lk.object]
            for fi in candidates:
                if fi.name == lk.field or fi.name in out.redundant:
                    continue
                pairs = same = 0
                for r in records:
                    rid, name = _text(r.values.get(lk.field)), _text(r.values.get(fi.name))
                    if not rid or not name or rid not in idx.name_of:
                        continue
                    pairs += 1
                    same += fold(name) in idx.names and rid in idx.names[fold(name)]
                if pairs >= 2 and same / pairs >= PAIR_SHARE:
                    out.redundant[fi.name] = Redundant(fi.name, lk.field, lk.object, round(same / pairs, 2))
                    out.links.pop(fi.name, None)

    # -- polymorphic links --------------------------------------------------------------------------------------
    def kind_of(self, value: str) -> str | None:
        """The object a kind label names ('Kişi', 'Deals', 'Unternehmen', Ontraport '0'), if any."""
        key = fold(value)
        if self.numeric_kinds and key in ONTRAPORT_TYPE_IDS:
            hit = ONTRAPORT_TYPE_IDS[key]
            return hit if hit in self.indexes else None
        for name, idx in self.indexes.items():
            if key in idx.words:
                return name
        return None

    def shared_numbering(self, first: str, second: str) -> bool:
        """Whether two objects number their records in one sequence: both sampled, no id in common and, for
        numbers, ranges that do not overlap (contacts 1..120 and companies 1..10 are two sequences)."""
        a, b = self.indexes.get(first), self.indexes.get(second)
        if a is None or b is None or not a.ids or not b.ids or a.ids & b.ids:
            return False
        if all(i.isdigit() for i in a.ids | b.ids):
            lo_a, hi_a = min(map(int, a.ids)), max(map(int, a.ids))
            lo_b, hi_b = min(map(int, b.ids)), max(map(int, b.ids))
            return hi_a < lo_b or hi_b < lo_a
        return True

    def _partner_fallbacks(self) -> dict[str, str]:
        if not self.shared_numbering("contact", "company"):
            return {}
        return {"contact": "company", "company": "contact"}

    def _kind_link(self, obj: ObjectInfo, records: Sequence[SourceRecord]) -> KindLink | None:
        best: KindLink | None = None
        fallbacks = self._partner_fallbacks()
        needed: dict[str, set[str]] = {}  # id column -> kinds whose sampled ids were found under the fallback
        for kfi in obj.fields:
            texts = [_text(r.values.get(kfi.name)) for r in records]
            present = [t for t in texts if t]
            if not present or isinstance(next((r.values.get(kfi.name) for r in records), None), list):
                continue
            kinds = {t: self.kind_of(t) for t in dict.fromkeys(present)}
            named = sum(1 for t in present if kinds[t])
            if named / len(present) < KIND_SHARE:
                continue
            if all(t.isdigit() for t in kinds) and not _header_words(kfi) & _TYPE_WORDS:
                continue  # numbers name kinds only under a header that says so ('Object Type')
            table = {t: k for t, k in kinds.items() if k}
            kinded = sum(1 for r in records if table.get(_text(r.values.get(kfi.name))))
            split = len({f.ref_object for f in obj.fields if f.ref_object in LINKABLE}) > 1
            for ifi in obj.fields:
                if ifi.name == kfi.name or all(_text(r.values.get(ifi.name)) in ("", _text(r.id)) for r in records):
                    continue  # the record's own id is no parent
                if ifi.ref_object and (ifi.ref_object not in table.values() or split):
                    continue  # the connector knows where this column points (or split the parent per kind)
                pairs = hits = 0
                for r in records:
                    kind = table.get(_text(r.values.get(kfi.name)))
                    rid = _text(r.values.get(ifi.name))
                    if not kind or not rid:
                        continue
                    pairs += 1
                    other = self.indexes.get(fallbacks.get(kind, ""))
                    crossed = rid not in self.indexes[kind].ids and other is not None and rid in other.ids
                    hits += rid in self.indexes[kind].ids or crossed
                    if crossed:
                        needed.setdefault(ifi.name, set()).add(kind)
                if pairs < 2 or pairs < KIND_SHARE * kinded:
                    continue  # ids for some kinds only: the connector split the parent into columns per kind
                coverage = min(_coverage(self.indexes[k], []) for k in set(table.values()))
                share = min(1.0, hits / pairs / max(coverage, 0.05))
                if share >= MIN_SHARE and (best is None or share > best.share):
                    best = KindLink(kfi.name, ifi.name, table, round(share, 2), pairs)
        if best is None:
            return None
        used = {k: o for k, o in fallbacks.items() if k in needed.get(best.id_field, set())}
        return KindLink(best.kind_field, best.id_field, best.kinds, best.share, best.count,
                        self._kind_name_field(obj, records, best), used, self._unseen_kinds(best.kinds))

    def _unseen_kinds(self, seen: Mapping[str, str]) -> dict[str, str]:
        """The labels of the parent kinds sampled in the export but absent from the kind column's sample: in
        the notation the column uses (Ontraport's type ids where it holds numbers, else the kind words)."""
        missing = [o for o in PARENT_KINDS if o in self.indexes and o not in seen.values()]
        if self.numeric_kinds and all(label.isdigit() for label in seen):
            return {tid: o for tid, o in ONTRAPORT_TYPE_IDS.items() if o in missing}
        return {word: o for o in missing for word in sorted(KIND_WORDS.get(o, frozenset()) | self.indexes[o].words)}

    def _kind_name_field(self, obj: ObjectInfo, records: Sequence[SourceRecord], link: KindLink) -> str | None:
        """The display-name column next to a kind + id pair: it names, row by row, the record the pair points at."""
        for fi in obj.fields:
            if fi.name in (link.kind_field, link.id_field):
                continue
            pairs = same = 0
            for r in records:
                kind = link.kinds.get(_text(r.values.get(link.kind_field)))
                rid, name = _text(r.values.get(link.id_field)), _text(r.values.get(fi.name))
                if not kind or not rid or not name or rid not in self.indexes[kind].name_of:
                    continue
                pairs += 1
                same += rid in self.indexes[kind].names.get(fold(name), set())
            if pairs >= 2 and same / pairs >= PAIR_SHARE:
                return fi.name
        return None


def describe_kinds(kinds: Mapping[str, str]) -> str:
    return ", ".join(f"{label!r} -> {obj}" for label, obj in kinds.items())


def kinds_table(values: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Folded kind label -> object, the form transforms look labels up in: the labels seen, and every word for
    those objects (a record that says 'Kişiler' where the sample said 'Kişi')."""
    seen = {fold(label): obj for label, obj in values}
    words = {word: obj for obj in dict.fromkeys(seen.values()) for word in sorted(KIND_WORDS.get(obj, ()))}
    return words | seen


__all__ = ["KIND_WORDS", "KindLink", "Link", "LinkFinder", "ObjectLinks", "Redundant", "describe_kinds",
           "kinds_table"]
