"""Names the source does not give: a contact without a name, a custom object's records.

Odoo needs a name on every contact (res_partner.py, constraint ``check_name``: "Contacts require a name") and
shows a record of a model it was given over the API by its ``x_name`` (the model's ``_rec_name``): a record with
an empty one is "Unnamed" in every list, link and breadcrumb. The proposer's map is rewritten here, in plain
reviewable lines, so both get a name:

* a partner's name line becomes ``name_or``: the name, else the e-mail, else the company, else the phone, else
  the mobile; a name made that way is flagged in the validation and migration reports;
* a custom object's name-like field (by header: name, title, subject, label...; else the first text field that
  is mostly filled and distinct) goes to ``x_name``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crm2odoo.mapping.spec import FieldMap, ObjectMap
from crm2odoo.mapping.synonyms import concept_scores
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.textnorm import fold

#: the fallbacks of a partner's name, in order: (label in the report, how its line is recognised)
NAME_FALLBACKS: tuple[tuple[str, frozenset[str]], ...] = (
    ("e-mail", frozenset({"email"})),
    ("company", frozenset({"company_name"})),
    ("phone", frozenset({"phone"})),
    ("mobile", frozenset({"mobile", "x_mobile"})),
)

#: header words that say a field is a record's name, strongest first
NAME_WORDS = ("name", "title", "subject", "label", "adi", "isim", "baslik", "konu", "titel", "nom", "nombre")

#: a text field is a record's name when at least this share of the sampled records have it, mostly distinct
NAME_FILLED = 0.8
NAME_DISTINCT = 0.8


def _company_column(omap: ObjectMap, catalog: Catalog | None) -> str | None:
    """A text column naming the contact's company, also when its line is ignored because a link column names
    the same company (Ontraport's 'Company' text beside its 'Company Record' link)."""
    obj = catalog.object(omap.source_object) if catalog is not None else None
    if obj is None:
        return None
    return next((fi.name for fi in obj.fields if fi.type == "text" and not fi.ref_object
                 and concept_scores(fi.name, fi.label or fi.name).get("company_name", 0) >= 0.85), None)


def derive_partner_names(objects: Mapping[str, ObjectMap], catalog: Catalog | None = None) -> None:
    """Every res.partner map's proposed name line falls back to the e-mail, company, phone, mobile lines."""
    for omap in objects.values():
        if omap.model != "res.partner" or omap.load_kind in ("tags", "match_users"):
            continue
        line = next((ln for ln in omap.fields if ln.target == "name" and not ln.ignore), None)
        if line is None or line.status != "proposed" or line.transform not in ("join", "text", "copy"):
            continue
        fallbacks: list[list[str]] = []
        for label, targets in NAME_FALLBACKS:
            other = next((ln for ln in omap.fields if ln.target in targets and not ln.ignore and ln.sources
                          and ln is not line), None)
            column = other.sources[0] if other is not None else None
            if column is None and label == "company":
                column = _company_column(omap, catalog)
            if column is not None and column not in line.sources and all(column != f[0] for f in fallbacks):
                fallbacks.append([column, label])
        if not fallbacks:
            continue
        line.params = {"sep": str(line.params.get("sep", " ")), "fallbacks": fallbacks}
        line.transform = "name_or"
        line.reason = (f"{line.reason}; " if line.reason else "") + (
            "a record without a name is named by its " + ", else ".join(label for _, label in fallbacks)
            + " (Odoo requires a contact's name); each name made so is flagged in the report")


def _is_text(values: Sequence[object]) -> bool:
    return all(isinstance(v, str) for v in values) and any(not v.strip().replace(".", "").isdigit()
                                                           for v in values if isinstance(v, str))


def name_field(fields: Sequence[tuple[str, str]], records: Sequence[SourceRecord], *, key: str = "") -> str | None:
    """The field naming a custom object's records: ``fields`` are (source field, header label) in source order.

    A header saying name/title/subject/label wins when its values are text and fill at least half the sampled
    records (or none were sampled); else the first text field that is filled in at least NAME_FILLED and
    distinct in at least NAME_DISTINCT of the sampled records."""
    candidates: list[tuple[int, int, str]] = []
    for order, (name, label) in enumerate(fields):
        if name == key:
            continue
        filled = [v for v in (r.values.get(name) for r in records) if v not in (None, "", [])]
        if records and (not filled or not _is_text(filled)):
            continue
        words = fold(f"{label} {name}").replace("_", " ").split()
        rank = next((i for i, w in enumerate(NAME_WORDS) if w in words), None)
        texts = {fold(str(v)) for v in filled}
        if rank is not None and len(filled) >= 0.5 * len(records):
            candidates.append((rank, order, name))
        elif records and len(filled) >= NAME_FILLED * len(records) and len(texts) >= NAME_DISTINCT * len(filled):
            candidates.append((len(NAME_WORDS), order, name))
    return min(candidates)[2] if candidates else None


def name_custom_records(omap: ObjectMap, fields: Sequence[tuple[str, str]], records: Sequence[SourceRecord],
                        *, key: str = "") -> None:
    """The custom object's name-like field fills ``x_name``, the display name Odoo shows for the record."""
    if not omap.model.startswith("x_") or any(ln.target == "x_name" and not ln.ignore for ln in omap.fields):
        return
    chosen = name_field(fields, records, key=key)
    if chosen is None:
        return
    label = dict(fields).get(chosen, chosen)
    for index, line in enumerate(omap.fields):
        if line.sources == [chosen] and line.status == "proposed":
            omap.fields[index] = FieldMap(
                source=chosen, target="x_name", transform="text", confidence=0.85,
                reason=f"'{label}' names each record: it becomes x_name, the name Odoo shows for it")
            return
