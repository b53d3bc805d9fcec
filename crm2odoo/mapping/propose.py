"""The proposer: from a discovered catalog, sampled records and the live Odoo schema to a reviewable field map.

The tool proposes; a person confirms. So every source field gets exactly one line (mapped, a planned ``x_``
field, or ``ignore`` with a reason), and each line says how sure the proposer is and why.

Scoring (one line's ``confidence``):

* **name** (weight 0.55): how well the key or label matches a concept's vocabulary (:mod:`.synonyms`);
  1.0 for a whole-header match, 0.45-0.85 for a phrase inside a longer header.
* **values** (weight 0.30): share of sampled values that look like what the concept expects (emails for an
  email, dates for a close date...). Without samples this weight moves to the name and type signals.
* **type** (weight 0.15): whether the connector's FieldInfo type fits the concept (1), is generic text (0.7)
  or contradicts it (0).
* A near tie between two concepts costs 0.1. Planned ``x_`` fields never score above 0.88, so every new field
  is a review item; unrecognised standard fields score 0.6 or less.

Output is deterministic: objects in catalog order (derived maps right after their source), lines in field order.

What the map relies on from the loader (beyond what transforms.py reads):

* ``lookup`` params ``create: true`` (utm.*, crm.lost.reason, crm.stage, crm.team, product.category and
  res.partner.category when no source object exists): create the record by name when the search finds none.
* ``lookup`` param ``within: country_id`` on states: narrow the search by the country this record resolves to.
* ``join`` over a multi-select value (a list): join the list's items, not its repr.
* ``ref`` / ``refs`` / ``owner`` on text columns (Planports stages, pipelines, tags, owners written as names):
  the connector's derived objects use those names as their source ids.
* Object options ``match_only`` (users), ``apply_tags`` (campaign_enrollment: the line with target ``id``
  names the partner to update; nothing is created) and ``aggregate`` (engagement, disabled by default).
* Deal status ``value_map`` to ``{probability: 100}``: put the lead in an ``is_won`` stage of its team.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from crm2odoo.mapping.defaults import (
    COMPANY_WORDS,
    DONE_WORDS,
    GOODS_WORDS,
    LANGUAGE_WORDS,
    LOST_WORDS,
    MODEL_CONCEPTS,
    MODEL_IGNORES,
    OBJECT_DEFAULTS,
    OBJECT_MODELS,
    OPEN_WORDS,
    ORDER_STATE_WORDS,
    PERSON_WORDS,
    PRIORITY_WORDS,
    RECORD_OWNERS,
    REF_TARGETS,
    SERVICE_WORDS,
    TASK_CANCEL_WORDS,
    WON_WORDS,
    ObjectDefault,
    Target,
)
from crm2odoo.mapping.donedates import activity_type_line, dated_by_best_source
from crm2odoo.mapping.linklines import PARTNER_KINDS, linked_object, meeting_end, names_read_by_name, parent_by_kind
from crm2odoo.mapping.links import Link, LinkFinder
from crm2odoo.mapping.naming import derive_partner_names, name_custom_records
from crm2odoo.mapping.partnerchain import partner_fallback
from crm2odoo.mapping.phones import mobile_fills_empty_phone
from crm2odoo.mapping.pipelines import settle_stage_map
from crm2odoo.mapping.profile import Profile, date_format, id_share, profile_field
from crm2odoo.mapping.spec import FieldMap, MappingSpec, NewField, ObjectMap
from crm2odoo.mapping.synonyms import concept_scores, is_system_key, stem, stems
from crm2odoo.mapping.values import joined_list_links, judge_lookup, product_links
from crm2odoo.odoo import versions
from crm2odoo.sources.base import Catalog, FieldInfo, ObjectInfo, SourceRecord
from crm2odoo.textnorm import fold, slug
from crm2odoo.validate.runnable import mark_unfilled

FieldsGet = Mapping[str, Mapping[str, Mapping[str, Any]]]

W_NAME, W_VALUES, W_TYPE = 0.55, 0.30, 0.15
_NO_SAMPLES = "text (no sampled values)"
NEW_FIELD_CAP = 0.88
MIN_CONCEPT = 0.6  # below this a header match is noise
MAX_X_NAME = 60

#: models whose unrecognised source fields become x_ fields; elsewhere they are ignored with a reason
NEW_FIELD_MODELS = frozenset({"res.partner", "crm.lead", "product.product", "sale.order", "project.task",
                              "project.project"})
#: words that make a header an identifier, and the concepts whose values are identifiers anyway
_ID_MARKERS = frozenset(stem(w) for w in ("no", "nr", "id", "number", "numara", "num", "kod", "code", "kodu"))
_ID_CONCEPTS = frozenset({"product_code", "barcode", "vat", "reference", "email"})
_MINUTE_WORDS = frozenset(stem(w) for w in ("minute", "minutes", "min", "dakika", "dk", "minuten"))
#: Odoo field type -> FieldInfo types that fill it as they are (a source key equal to the Odoo name)
_SAME_KIND: dict[str, frozenset[str]] = {
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
class _Cand:
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


def _type_fit(ftype: str, kind: str) -> float:
    if kind in ("any", "select") and ftype not in ("ref", "refs"):
        return 1.0 if kind == "any" or ftype in ("select", "boolean", "text") else 0.5
    if ftype == "text":
        return 0.7 if kind in ("text", "longtext", "id", "email", "phone", "url") else 0.5
    if kind in ("text", "longtext") and ftype in ("id", "email", "phone", "url", "select", "longtext", "html"):
        return 0.8
    return 1.0 if kind in _TYPE_KINDS.get(ftype, set()) else 0.0


def _value_fit(kind: str, prof: Profile) -> float | None:
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


def _evidence(kind: str, prof: Profile) -> str:
    if prof.empty:
        return "no sampled values"
    if kind in _KIND_WORDS:
        share = {"email": prof.email, "phone": prof.phone, "url": prof.url, "date": prof.date,
                 "number": prof.number + prof.percent, "money": prof.number, "percent": prof.number + prof.percent,
                 "boolean": prof.boolean}[kind]
        return f"{round(min(1.0, share) * 100)}% of {prof.count} sampled values are {_KIND_WORDS[kind]}"
    return f"{prof.count} sampled values"


def _score(name: float, kind: str, fi: FieldInfo, prof: Profile) -> float:
    t = _type_fit(fi.type, kind)
    v = _value_fit(kind, prof)
    if v is None:
        # without values the header carries their weight too, a little discounted
        return round((W_NAME + W_VALUES) * name + W_TYPE * t - 0.03, 3)
    return round(W_NAME * name + W_VALUES * v + W_TYPE * t, 3)


def _label(fi: FieldInfo) -> str:
    return fi.label or fi.name


def _distinct_values(fi: FieldInfo, recs: Sequence[SourceRecord]) -> list[str]:
    """Declared options first, then sampled values outside them (orphaned dropdown ids stay visible)."""
    seen: dict[str, None] = dict.fromkeys(fi.options)
    for r in recs:
        value = r.values.get(fi.name)
        for item in value if isinstance(value, list) else [value]:
            if item is not None and str(item).strip():
                seen.setdefault(str(item).strip(), None)
    return list(seen)


def _classify(value: str, *vocab: frozenset[str]) -> int:
    key = fold(value)
    for i, words in enumerate(vocab):
        if key in words or any(w in key.split() for w in words if " " not in w and len(w) > 2):
            return i
    return -1


class _Planner:
    def __init__(self, catalog: Catalog, samples: Mapping[str, Sequence[SourceRecord]], odoo_fields: FieldsGet,
                 options: ProposeOptions, known: Mapping[str, Collection[str]] | None = None) -> None:
        self.catalog = catalog
        self.known = known or {}  # model -> folded names of Odoo's existing records (lookups are judged by them)
        self.samples = samples
        self.odoo = odoo_fields
        self.options = options
        # model -> x_ name -> type, across maps (contact and company share res.partner's x_ fields)
        self.planned: dict[str, dict[str, str]] = {}
        self.weak: set[tuple[str, str]] = set()  # reservations typed without samples: a sampled column wins
        self.unsampled = False  # the object being planned has records the sample did not read
        self.links = LinkFinder(catalog, samples)

    # -- objects ---------------------------------------------------------------------------------------------------
    def plan(self) -> dict[str, ObjectMap]:
        maps: dict[str, ObjectMap] = {}
        for obj in self.catalog.objects:
            for omap in self._maps_for(obj):
                maps[omap.name] = omap
        _unify_new_fields(maps)
        return maps

    def _records(self, name: str) -> Sequence[SourceRecord]:
        return self.samples.get(name) or ()

    def _maps_for(self, obj: ObjectInfo) -> list[ObjectMap]:
        name = obj.name
        if obj.custom or name.startswith("custom_"):
            return [self._custom(obj)]
        if name == "task":
            return self._tasks(obj)
        if name == "activity":
            return self._activities(obj)
        if name == "engagement":
            if self.options.engagement == "aggregate":
                return [self._engagement_totals(obj)]
            return [self._standard(obj, name, OBJECT_DEFAULTS["engagement"], "mail.message", body_template=True)]
        if name == "campaign_enrollment":
            return [self._enrollment(obj)]
        default = OBJECT_DEFAULTS.get(name)
        if default is None:
            omap = ObjectMap(name=name, source_object=name, model="res.partner", enabled=False, confidence=0.3,
                             reason=f"no default Odoo model for source object '{name}'; choose one and enable it")
            omap.fields = [FieldMap(source=f.name, ignore=True, confidence=0.3,
                                    reason="object not mapped yet") for f in obj.fields]
            return [omap]
        omap = self._standard(obj, name, default, default.model)
        if default.model not in self.odoo and name in ("invoice", "invoice_line", "payment"):
            omap.enabled = False
            omap.reason = "Accounting not installed (no account.move in this Odoo)" \
                if default.model.startswith("account.move") else "Accounting not installed (no account.payment)"
        elif default.model not in self.odoo:
            omap.enabled = False
            omap.reason = f"{default.model} is not installed in this Odoo"
        return [omap]

    def _standard(self, obj: ObjectInfo, map_name: str, default: ObjectDefault, model: str,
                  body_template: bool = False) -> ObjectMap:
        table = f"{model}#{obj.name}" if model == "res.partner" else model
        omap = ObjectMap(name=map_name, source_object=obj.name, model=model, constants=dict(default.constants),
                         dedupe_fields=list(default.dedupe), match_existing=default.match_existing,
                         options=dict(default.options), reason=default.reason or f"{obj.label or obj.name} -> {model}")
        if model == "product.product":
            omap.constants = {}
        omap.fields = self._lines(obj, table, model, body_template=body_template)
        targets = {ln.target for ln in omap.fields if not ln.ignore}
        missing = [f for f in omap.dedupe_fields if f not in targets]
        if missing:
            # a dedupe key nothing fills would make every record look alike
            omap.dedupe_fields = [f for f in omap.dedupe_fields if f in targets]
            omap.match_existing = omap.match_existing and bool(omap.dedupe_fields)
            omap.reason += f"; no dedupe on {', '.join(missing)} (no source field fills it)"
        if model == "mail.message":
            omap.fields.append(_subtype_line("mail.mt_note", "an internal log note, so nobody is notified"))
        if model == "crm.stage":
            settle_stage_map(omap, self.catalog.object("pipeline") is not None)
        self._state_actions(obj, omap)
        return omap

    def _state_actions(self, obj: ObjectInfo, omap: ObjectMap) -> None:
        """Orders are confirmed and invoices posted after loading, as in the source (options.actions)."""
        if obj.name == "order" and omap.model == "sale.order":
            omap.options["actions"] = [{"call": "action_confirm"}]
            omap.reason += "; confirmed after loading, with the original order date written back"
        elif obj.name == "invoice" and omap.model == "account.move":
            status = next((f for f in obj.fields if f.type in ("select", "text") and (
                "deal_status" in concept_scores(f.name, _label(f)) or fold(f.name) in ("status", "durum"))), None)
            values = list(status.options) if status is not None else []
            if status is not None and not values:
                values = _distinct_values(status, self._records(obj.name))
            posted = [v for v in values if not any(w in fold(v) for w in UNPOSTED_WORDS)]
            if status is not None and posted:
                omap.options["actions"] = [{"call": "action_post", "when": {status.name: posted}}]
                omap.reason += f"; posted after loading when {_label(status)} is {', '.join(posted)}"

    def _custom(self, obj: ObjectInfo) -> ObjectMap:
        base = slug(obj.name[len("custom_"):] if obj.name.startswith("custom_") else obj.name) or "object"
        model = f"x_{base}"[:MAX_X_NAME]
        omap = ObjectMap(name=obj.name, source_object=obj.name, model=model,
                         new_model={"label": obj.label or base.replace("_", " ").title()},
                         confidence=0.85, reason=f"custom object '{obj.label}' becomes the new Odoo model {model}")
        omap.fields = self._lines(obj, model, model, custom_model=True)
        name_custom_records(omap, [(fi.name, _label(fi)) for fi in obj.fields], self._records(obj.name))
        return omap

    def _enrollment(self, obj: ObjectInfo) -> ObjectMap:
        recs = self._records(obj.name)
        omap = ObjectMap(name=obj.name, source_object=obj.name, model="res.partner",
                         options={"apply_tags": True}, confidence=0.7,
                         reason="each enrolment adds the campaign as a tag on the already-loaded contact; "
                                "no partner is created")
        lines: list[FieldMap] = []
        for fi in obj.fields:
            if fi.type == "ref" and fi.ref_object in ("contact", "company"):
                lines.append(FieldMap(source=fi.name, target="id", transform="ref",
                                      params={"object": fi.ref_object}, confidence=0.85,
                                      reason=f"'{_label(fi)}' names the {fi.ref_object} that gets the tag"))
            elif "campaign" in concept_scores(fi.name, _label(fi)) or (fi.type == "ref" and fi.ref_object) or any(
                    word in fold(f"{fi.name} {_label(fi)}") for word in ("sequence", "drip", "campaign", "kampanya")):
                lines.append(FieldMap(source=fi.name, target="category_id", transform="lookup",
                                      params={"model": "res.partner.category", "by": ["name"], "create": True,
                                              "format": f"{_label(fi)} {{0}}"},
                                      confidence=0.75, reason=f"'{_label(fi)}' is the campaign; becomes a tag "
                                      f"'{_label(fi)} <value>' on the contact"))
            elif id_share(fi.name, recs) >= 0.9:
                lines.append(FieldMap(source=fi.name, ignore=True, confidence=0.95, reason="used in the external ID"))
            else:
                lines.append(FieldMap(source=fi.name, ignore=True, confidence=0.7,
                                      reason="enrolment detail with no place on the contact"))
        omap.fields = lines
        if self.options.campaign_as == "field":
            omap.options = {"aggregate": True}
            omap.reason = ("campaigns = field: each contact's campaigns are listed in one x_ field on the contact; "
                           "no partner is created")
            for line in omap.fields:
                if line.target == "category_id":
                    line.target, line.transform = "x_campaigns", "template"
                    line.params = {"format": line.params.get("format", "{0}"), "aggregate": "join"}
                    line.new_field = NewField(type="char", label="Campaigns")
                    line.reason = "the contact's campaigns, comma-separated, in the new field x_campaigns"
        return omap

    def _engagement_totals(self, obj: ObjectInfo) -> ObjectMap:
        """engagement = aggregate: per contact, how many, of which kind, and the latest, in three x_ fields."""
        omap = ObjectMap(name=obj.name, source_object=obj.name, model="res.partner", options={"aggregate": True},
                         confidence=0.8, reason="engagement = aggregate: totals on each contact (count, kinds, "
                                                "latest) instead of one note per open or click")
        kind = max((fi for fi in obj.fields if fi.type in ("select", "text") and not fi.ref_object),
                   key=lambda fi: ("type" in fold(f"{fi.name} {_label(fi)}"), fi.type == "select"), default=None)
        when = next((fi for fi in obj.fields if fi.type in ("datetime", "date")), None)
        lines: list[FieldMap] = []
        for fi in obj.fields:
            if fi.type == "ref" and fi.ref_object in ("contact", "company") and not any(
                    line.target == "id" for line in lines):
                lines.append(FieldMap(source=fi.name, target="id", transform="ref", params={"object": fi.ref_object},
                                      confidence=0.85, reason=f"'{_label(fi)}' names the {fi.ref_object} the "
                                                              "totals go to"))
            elif fi.name == "id":
                lines.append(FieldMap(source=fi.name, target="x_engagement_count", transform="copy",
                                      params={"aggregate": "count"}, new_field=NewField("integer", "Engagements"),
                                      confidence=0.8, reason="how many engagement records the contact has"))
            elif kind is not None and fi.name == kind.name:
                lines.append(FieldMap(source=fi.name, target="x_engagement_kinds", transform="text",
                                      params={"aggregate": "tally"}, new_field=NewField("char", "Engagement by kind"),
                                      confidence=0.8, reason=f"counts per '{_label(fi)}', e.g. 'Email Open: 12'"))
            elif when is not None and fi.name == when.name:
                lines.append(FieldMap(source=fi.name, target="x_last_engagement", transform="datetime",
                                      params={"aggregate": "max"}, new_field=NewField("datetime", "Last engagement"),
                                      confidence=0.8, reason=f"the latest '{_label(fi)}'"))
            else:
                lines.append(FieldMap(source=fi.name, ignore=True, confidence=0.7,
                                      reason="a detail of one engagement; only totals are kept"))
        omap.fields = lines
        return omap

    def _status_field(self, obj: ObjectInfo, concept: str = "deal_status") -> FieldInfo | None:
        best: tuple[float, int, FieldInfo] | None = None
        for i, fi in enumerate(obj.fields):
            score = concept_scores(fi.name, _label(fi)).get(concept, 0.0)
            if score >= 0.85 and fi.type not in ("date", "datetime") and (best is None or score > best[0]):
                best = (score, -i, fi)
        return best[2] if best else None

    def _tasks(self, obj: ObjectInfo) -> list[ObjectMap]:
        recs = self._records(obj.name)
        status = self._status_field(obj)
        if self.options.task_target == "project_task":
            omap = self._standard(obj, "task", ObjectDefault("project.task"), "project.task")
            return [omap]
        omap = self._standard(obj, "task", ObjectDefault("mail.activity"), "mail.activity")
        omap.fields.append(FieldMap(source=None, target="activity_type_id", transform="lookup",
                                    params={"model": "mail.activity.type", "by": ["xmlid"],
                                            "value": "mail.mail_activity_data_todo"},
                                    confidence=0.95, reason="open tasks become To-Do activities"))
        if status is None:
            omap.reason = "no status field found: every task becomes an open activity"
            return [omap]
        values = _distinct_values(status, recs)
        open_v = [v for v in values if _classify(v, DONE_WORDS | TASK_CANCEL_WORDS) != 0]
        done_v = [v for v in values if v not in open_v]
        omap.where = {status.name: open_v}
        _route(omap)
        omap.reason = f"open tasks (status {', '.join(open_v) or '-'}) -> scheduled activities"
        done = self._standard(obj, "task_done", ObjectDefault("mail.message", {"message_type": "notification"}),
                              "mail.message", body_template=True)
        done.where = {status.name: done_v}
        _route(done)
        done.reason = (f"done or cancelled tasks (status {', '.join(done_v) or '-'}) -> chatter messages dated "
                       "at completion; Odoo keeps no open activity for them")
        done.fields = [ln for ln in done.fields if not (ln.target == "subtype_id" and ln.source is None)]
        done.fields.append(_subtype_line("mail.mt_activities", "logged as a completed activity"))
        self._as_done_activity(obj, done)
        return [omap, done]

    def _activities(self, obj: ObjectInfo) -> list[ObjectMap]:
        recs = self._records(obj.name)
        kind = next((fi for fi in obj.fields
                     if concept_scores(fi.name, _label(fi)).get("activity_type", 0) >= 0.85), None)
        status = self._status_field(obj)
        logged = self._standard(obj, "activity_logged", ObjectDefault("mail.message", {"message_type": "comment"}),
                                "mail.message", body_template=True)
        meeting = self._standard(obj, "activity_meeting", ObjectDefault("calendar.event"), "calendar.event")
        meeting_end(obj, meeting)
        todo = self._standard(obj, "activity_todo", ObjectDefault("mail.activity"), "mail.activity")
        todo.fields.append(FieldMap(source=None, target="activity_type_id", transform="lookup",
                                    params={"model": "mail.activity.type", "by": ["xmlid"],
                                            "value": "mail.mail_activity_data_todo"},
                                    confidence=0.9, reason="open tasks become To-Do activities"))
        if kind is None:
            todo.reason = "no activity type column: every activity becomes an open To-Do"
            logged.enabled = meeting.enabled = False
            logged.reason = meeting.reason = "no activity type column to route records here"
            return [logged, meeting, todo]
        types = _distinct_values(kind, recs)
        meeting_words = frozenset({"toplanti", "meeting", "besprechung", "termin", "randevu", "appointment",
                                   "etkinlik", "event"})
        task_words = frozenset({"gorev", "task", "aufgabe", "hatirlatma", "reminder", "todo", "to do",
                                "erinnerung"})
        meets = [t for t in types if _classify(t, meeting_words) == 0]
        tasks = [t for t in types if t not in meets and _classify(t, task_words) == 0]
        calls = [t for t in types if t not in meets and t not in tasks]
        logged.where = {kind.name: calls}
        logged.reason = f"calls, emails and messages ({', '.join(calls) or '-'}) -> chatter messages"
        meeting.where = {kind.name: meets}
        meeting.reason = f"meetings ({', '.join(meets) or '-'}) -> calendar events"
        todo.where = {kind.name: tasks}
        todo.reason = f"tasks ({', '.join(tasks) or '-'}) -> To-Do activities"
        for m in (logged, meeting, todo):
            _route(m)
        dated_by_best_source(obj, logged, recs)
        if status is not None:
            values = _distinct_values(status, recs)
            open_v = [v for v in values if _classify(v, DONE_WORDS | TASK_CANCEL_WORDS) != 0]
            done_v = [v for v in values if v not in open_v]
            todo.where[status.name] = open_v
            _route(todo)
            if done_v and tasks:
                done = self._standard(obj, "activity_done",
                                      ObjectDefault("mail.message", {"message_type": "notification"}),
                                      "mail.message", body_template=True)
                done.where = {kind.name: tasks, status.name: done_v}
                _route(done)
                done.reason = f"finished tasks ({', '.join(done_v)}) -> chatter messages"
                done.fields = [ln for ln in done.fields if not (ln.target == "subtype_id" and ln.source is None)]
                done.fields.append(_subtype_line("mail.mt_activities", "logged as a completed activity"))
                self._as_done_activity(obj, done)
                return [logged, meeting, todo, done]
        return [logged, meeting, todo]

    def _as_done_activity(self, obj: ObjectInfo, done: ObjectMap) -> None:
        """A done task's message as Odoo logs a done activity: dated by the best source date, with its type."""
        dated_by_best_source(obj, done, self._records(obj.name))
        if "mail_activity_type_id" in (self.odoo.get("mail.message") or {}) and not any(
                ln.target == "mail_activity_type_id" for ln in done.fields):
            done.fields.append(activity_type_line())

    # -- lines ------------------------------------------------------------------------------------------------------
    def _lines(self, obj: ObjectInfo, table: str, model: str, *, custom_model: bool = False,
               body_template: bool = False) -> list[FieldMap]:
        recs = self._records(obj.name)
        obj = linked_object(obj, self.links.of(obj))
        fields = dict(self.odoo.get(model) or {})
        concepts = MODEL_CONCEPTS.get(table, {})
        self.unsampled = (obj.count or 0) > len(recs) or (obj.count is None and len(recs) >= self.options.sample_size)
        # a value that is itself a declared option ('Sales, Marketing') is one value, not a list
        profiles = {fi.name: profile_field(fi.name, recs, fi.options) for fi in obj.fields}
        split = {c for fi in obj.fields for c, s in concept_scores(fi.name, _label(fi)).items()
                 if s >= 0.85 and c in ("first_name", "last_name") and c in concepts}
        cands: dict[str, list[_Cand]] = {}
        for fi in obj.fields:
            cands[fi.name] = self._candidates(obj, fi, profiles[fi.name], recs, table, model, fields, concepts,
                                              custom_model, split_name=len(split) == 2)
        chosen = self._assign(obj, cands, fields, model, recs)
        lines = self._assemble(obj, chosen, profiles, recs, table, model, fields, body_template)
        found = self.links.of(obj)
        names_read_by_name(lines, found)
        return parent_by_kind(obj, model, fields, partner_fallback(obj, lines), found.kind)

    def _candidates(self, obj: ObjectInfo, fi: FieldInfo, prof: Profile, recs: Sequence[SourceRecord], table: str,
                    model: str, fields: Mapping[str, Mapping[str, Any]], concepts: Mapping[str, list[Target]],
                    custom_model: bool, split_name: bool = False) -> list[_Cand]:
        label = _label(fi)
        scores = concept_scores(fi.name, label)
        out: list[_Cand] = []
        pk = id_share(fi.name, recs)
        if not recs:
            pk = 1.0 if (fi.type == "id" and scores.get("record_id", 0) >= 1.0 and not fi.custom) else 0.0
        if fi.type == "binary" and "datas" not in fields:
            return [_Cand(None, ignore=True, confidence=0.8, reason="file content has no place on this model")]
        if scores.get("card_data", 0) >= 1.0:
            return [_Cand(None, ignore=True, confidence=0.97, reason="payment card data is never migrated")]
        if not fi.custom and (is_system_key(fi.name) or is_system_key(label)) and pk < 0.9:
            return [_Cand(None, ignore=True, confidence=0.9,
                          reason=f"'{label}' is source bookkeeping (system counter or log), not customer data")]
        meaningful = [c for c, sc in scores.items() if sc >= 0.85 and c in concepts and c != "record_id"]
        if set(stems(label)) & _ID_MARKERS and not set(meaningful) & _ID_CONCEPTS:
            meaningful = []  # 'Fırsat No' is the deal's number, not its name
        if pk >= 0.9 and fi.type not in ("ref", "refs") and not meaningful:
            if model == "res.partner" and "ref" in fields:
                out.append(_Cand("ref", "text", confidence=0.95,
                                 reason="record's own id (used in the external ID); kept in Internal Reference "
                                        "for search"))
            out.append(_Cand(None, ignore=True, confidence=0.97 if recs else 0.9,
                             reason="record's own id: used in the external ID"))
            return out
        if custom_model:
            return [_Cand(None, special="__new__", confidence=0.85, concept="__custom__")]
        if model == "res.users" and not ({"full_name", "first_name", "last_name", "email"}
                                         & {c for c, s in scores.items() if s >= 0.85}):
            return [_Cand(None, ignore=True, confidence=0.9,
                          reason="users are matched to existing Odoo users by email, never created")]
        found = self.links.of(obj)
        names_this_record = any(t.field == "name" for c, sc in scores.items() if sc >= 0.85 and c in concepts
                                for t in concepts[c])  # a quote line's product name is also its description
        if fi.name in found.redundant and not names_this_record:
            same = found.redundant[fi.name]
            return [_Cand(None, ignore=True, confidence=round(0.5 + 0.45 * same.share, 2),
                          reason=f"names the same {same.object} as '{same.by_field}' in "
                                 f"{round(same.share * 100)}% of sampled rows; the id column links")]
        link = found.links.get(fi.name)
        if fi.type in ("ref", "refs") and fi.ref_object:
            ref = self._ref_candidate(obj, fi, table, model, fields, link)
            if ref is not None:
                out.append(ref)
        if scores.get("modified", 0) >= 0.85 and fi.type in ("date", "datetime", "text", "integer"):
            return [_Cand(None, ignore=True, confidence=0.9,
                          reason="last-modified stamp: Odoo keeps its own write_date")]
        ranked = sorted(((s, c) for c, s in scores.items() if s >= MIN_CONCEPT and c in concepts),
                        key=lambda sc: (-sc[0], sc[1]))
        if fi.custom:
            # a customer's own field only lands in a standard Odoo field on a clear, whole-header match
            ranked = [(sc, c) for sc, c in ranked if sc >= 0.85]
        if fi.type in ("ref", "refs"):
            ranked = []  # a link never fills a text or number field
        ignores = MODEL_IGNORES.get(model, {})
        top = max(((sc, c) for c, sc in scores.items() if c in ignores and sc >= 0.85), default=None)
        if top is not None and (not ranked or top[0] >= ranked[0][0]):
            return [_Cand(None, ignore=True, confidence=round(0.6 + 0.3 * top[0], 2),
                          reason=f"'{label}' reads as {top[1].replace('_', ' ')}: {ignores[top[1]]}")]
        if split_name and ranked and ranked[0][1] == "full_name" and fi.type in ("text", "id") and not fi.custom:
            return [_Cand(None, ignore=True, confidence=0.85,
                          reason=f"'{label}' is computed from first and last name, which are mapped")]
        for rank, (nscore, concept) in enumerate(ranked):
            for alt, tgt in enumerate(concepts[concept]):
                if _type_fit(fi.type, tgt.kind) == 0.0:
                    continue
                cand = self._concept_candidate(obj, fi, prof, recs, concept, nscore, tgt, fields, model)
                if cand is None:
                    continue
                cand.concept = concept
                first = concepts[concept][0].field
                if alt > 0 and first not in fields and cand.target != first:
                    cand.reason += f"; this Odoo has no {first} on {model}: {cand.target} instead, when free"
                if rank > 0 or alt > 0:
                    cand.confidence = round(cand.confidence - 0.05 * (rank + alt), 3)
                if rank == 0 and len(ranked) > 1 and ranked[1][0] >= nscore - 0.05 \
                        and concepts[ranked[1][1]][0].field != tgt.field:
                    cand.confidence = round(cand.confidence - 0.1, 3)
                out.append(cand)
        same_key = fields.get(fi.name)
        if same_key is not None and fi.type in _SAME_KIND.get(str(same_key.get("type")), frozenset()) \
                and not same_key.get("readonly") and same_key.get("store", True) and not fi.custom:
            transform, params = _transform_for(str(same_key.get("type")), fi, prof, same_key)
            out.append(_Cand(fi.name, transform, params, confidence=0.93, concept="__key__",
                             reason=f"the source key '{fi.name}' is the Odoo field's own name "
                                    f"({same_key.get('type')}, '{same_key.get('string', '')}')"))
        existing = self._existing_match(fi, prof, fields, recs)
        if existing is not None:
            out.append(existing)
        if model in NEW_FIELD_MODELS:
            fallback = _Cand(None, special="__new__", confidence=0.6, concept="__known__" if ranked else "",
                             params={"version_name": self._version_gap_name(ranked, concepts, fields)})
            if fi.type == "binary":
                fallback = _Cand(None, ignore=True, confidence=0.7, reason="binary content kept only as attachment")
            if scores.get("created", 0) >= 0.85 and obj.name not in MAIN_OBJECTS:
                fallback = _Cand(None, ignore=True, confidence=0.75, reason="creation stamp of a secondary record")
            out.append(fallback)
        else:
            out.append(_Cand(None, ignore=True, confidence=0.5,
                             reason=f"no matching field on {model}; add a line by hand to keep '{label}'"))
        return out

    def _version_gap_name(self, ranked: list[tuple[float, str]], concepts: Mapping[str, list[Target]],
                          fields: Mapping[str, Any]) -> str | None:
        """x_<field> when the concept's Odoo field is missing in this version (mobile on 19)."""
        if ranked and ranked[0][0] >= 1.0:
            first = concepts[ranked[0][1]][0].field
            if first not in fields and not first.endswith("_id") and first not in ("name",):
                return f"x_{first}"
        return None

    def _ref_candidate(self, obj: ObjectInfo, fi: FieldInfo, table: str, model: str,
                       fields: Mapping[str, Mapping[str, Any]], link: Link | None = None) -> _Cand | None:
        cand = self._ref_target(fi, table, model, fields)
        if cand is None or link is None:
            return cand
        # the values, not the header, made this a link: confidence and reason come from how many resolve
        cand.confidence = min(cand.confidence, link.confidence)
        cand.reason = f"{cand.reason}; {link.reason(_label(fi))}"
        if link.by == "name":
            if cand.transform == "record_ref":
                return None  # a record a note belongs to is named by its id; a name could be anyone's
            cand.params["by"] = "name"
            cand.confidence = min(cand.confidence, 0.85)
        return cand

    def _ref_target(self, fi: FieldInfo, table: str, model: str,
                    fields: Mapping[str, Mapping[str, Any]]) -> _Cand | None:
        ref_obj = fi.ref_object or ""
        label = _label(fi)
        if model in ("mail.message", "mail.activity", "ir.attachment") and ref_obj in RECORD_OWNERS:
            return _Cand("res_id", "record_ref", {"object": ref_obj}, confidence=0.95, special="record_ref",
                         shareable=True, reason=f"'{label}' links the record it belongs to ({ref_obj})")
        target = REF_TARGETS.get(table, {}).get(ref_obj)
        if target:
            target = versions.renamed_to_many(target, fields)  # crm.stage.team_id became team_ids in 19
        if target is None or (target not in fields and not target.startswith("x_")):
            if ref_obj in OBJECT_MODELS and model in NEW_FIELD_MODELS:
                return None  # becomes a new x_ relation field below
            return None
        ftype = str((fields.get(target) or {}).get("type", "many2one"))
        many = ftype in ("many2many", "one2many") or fi.type == "refs"
        if target.startswith("x_") and target not in fields:
            return None
        shared = ref_obj == "company" and REF_TARGETS.get(table, {}).get("contact") == target
        confidence = 0.93 if shared else 0.95  # a deal's or invoice's partner is its contact before its company
        # contact and company both fill the partner: one line tries the contact, else the company (partnerchain)
        special = "partner_ref" if not many and ref_obj in PARTNER_KINDS and all(
            REF_TARGETS.get(table, {}).get(k) == target for k in PARTNER_KINDS) else ""
        if ref_obj == "user" and not many:
            params: dict[str, Any] = {"object": "user"}
            if target == "author_id":
                params["as"] = "partner"
            return _Cand(target, "owner", params, confidence=0.95, special="owner",
                         reason=f"'{label}' is the owning user -> {target} (matched to Odoo users)")
        return _Cand(target, "refs" if many else "ref", {"object": ref_obj}, confidence=confidence, special=special,
                     reason=f"'{label}' references {ref_obj} -> {target}")

    def _concept_candidate(self, obj: ObjectInfo, fi: FieldInfo, prof: Profile, recs: Sequence[SourceRecord],
                           concept: str, nscore: float, tgt: Target, fields: Mapping[str, Mapping[str, Any]],
                           model: str) -> _Cand | None:
        target = tgt.field
        if target == "type" and model == "product.product":
            target = versions.product_type_field_of(fields)  # Odoo 17 writes the product kind through detailed_type
        if target not in fields:
            return None
        if fields[target].get("readonly") and not fields[target].get("store", True):
            return None
        label = _label(fi)
        conf = round(_score(nscore, tgt.kind, fi, prof) * tgt.weight, 3)
        why = f"'{label}' reads as {concept.replace('_', ' ')}"
        evidence = _evidence(tgt.kind, prof)
        cand = _Cand(target, tgt.transform, dict(tgt.params), confidence=conf,
                     reason=f"{why}; {evidence}", special=tgt.special, shareable=tgt.special == "name")
        special = tgt.special
        values = _distinct_values(fi, recs)
        if special == "country":
            cand.params = {"model": "res.country", "by": ["code", "name"]}
        elif special == "state":
            cand.params = {"model": "res.country.state", "by": ["code", "name"], "within": "country_id"}
        elif special in ("owner", "owner_partner"):
            cand.params = {"object": "user"} | ({"as": "partner"} if special == "owner_partner" else {})
            cand.reason = f"{why}; owners are matched to Odoo users"
        elif special in ("stage", "pipeline", "lost_reason"):
            ref_obj = {"stage": "stage", "pipeline": "pipeline", "lost_reason": "lost_reason"}[special]
            by_id, by_name = self.links.shares(ref_obj, [r.values.get(fi.name) for r in recs])
            blind = not recs or not self._records(ref_obj)  # nothing to compare: trust the connector
            if self.catalog.object(ref_obj) is not None and (blind or (by_id > 0 and by_id >= by_name)):
                cand.transform, cand.params = "ref", {"object": ref_obj}
                cand.reason = f"{why}; labels reference the {ref_obj} records"
            elif self.catalog.object(ref_obj) is not None and by_name > 0 and special != "stage":
                # names, not the connector's ids: found by name among the records loaded from that sheet
                cand.transform, cand.params = "ref", {"object": ref_obj, "by": "name"}
                cand.reason = f"{why}; {round(by_name * 100)}% of sampled values are names of {ref_obj} records"
            else:
                lookup_model = {"stage": "crm.stage", "pipeline": "crm.team", "lost_reason": "crm.lost.reason"}
                cand.transform = "lookup"
                cand.params = {"model": lookup_model[special], "by": ["name"], "create": True}
                cand.reason = f"{why}; found in Odoo by name, created when missing"
        elif special in ("tags", "deal_tags"):
            ref_obj = "tag" if special == "tags" else "deal_tag"
            cand.transform, cand.params = "refs", {"object": ref_obj}
            cand.reason = f"{why}; each tag references a {ref_obj} record"
        elif special == "status":
            vmap, unknown = _status_map(values)
            cand.params = {"map": vmap}
            cand.reason = (f"{why}; won -> probability 100 (won stage), lost -> archived with probability 0"
                           + (f"; not understood: {', '.join(unknown)}" if unknown else ""))
            if unknown:
                cand.confidence = min(cand.confidence, 0.7)
        elif fi.type == "boolean" and fields[target].get("type") == "boolean":
            cand.transform, cand.params = "boolean", {}  # already yes/no: no value map to get wrong
        elif special in ("priority", "lang", "is_company", "stage_kind", "product_type", "order_state"):
            vmap, unknown = _value_map(special, values, fields[target])
            if not vmap:
                return None
            cand.params = {"map": vmap}
            if special == "lang":
                cand.params["default"] = None
            if unknown:
                cand.confidence = min(cand.confidence, 0.7)
                cand.reason += f"; not understood: {', '.join(unknown[:5])}"
        elif tgt.transform in ("date", "datetime") and prof.examples and isinstance(_first_value(fi, recs), str):
            fmt = date_format(prof, prof.examples)
            if fmt:
                cand.params["format"] = fmt
        elif tgt.transform == "number" and prof.decimal_comma > 0.5:
            cand.params["decimal"] = ","
        if tgt.transform == "phone":
            region, share = self._phone_region(fi, recs)
            if region:
                cand.params["default_country"] = region
                if share is not None:
                    cand.reason += f"; {round(share * 100)}% parse as numbers with default country {region}"
        ftype = fields[target].get("type")
        if ftype in ("date", "datetime") and tgt.transform in ("date", "datetime") and tgt.transform != ftype:
            cand.transform = str(ftype)
        if target == "duration" and set(stems(label)) & _MINUTE_WORDS:
            cand.confidence = min(cand.confidence, 0.6)
            cand.reason += "; the source counts minutes, Odoo hours: divide by 60 before loading"
        if ftype == "char" and fi.type in ("longtext", "html") and cand.transform == "text":
            cand.confidence = round(cand.confidence - 0.1, 3)
        if cand.transform == "lookup" and cand.params.get("model") and "value" not in cand.params:
            cap, found = judge_lookup(str(cand.params["model"]), cand.params, values, self.known)
            if cap is not None:
                cand.confidence = min(cand.confidence, cap)
            if found:
                cand.reason += f"; {found}"
        return cand

    def _phone_region(self, fi: FieldInfo, recs: Sequence[SourceRecord]) -> tuple[str, float | None]:
        """The default country under which most sampled numbers are valid (local numbers need one)."""
        import phonenumbers  # only here: the library loads its metadata on import

        preferred = (self.options.default_country or "").upper()
        account = str(self.catalog.account.get("country") or "").upper()
        regions = list(dict.fromkeys(r for r in (preferred, account, "TR", "US", "GB", "DE") if len(r) == 2))
        texts = [str(r.values[fi.name]).strip() for r in recs if r.values.get(fi.name) not in (None, "")][:200]
        if not texts or not regions:
            return preferred, None
        best, best_share = regions[0], -1.0
        for region in regions:
            ok = 0
            for text in texts:
                with contextlib.suppress(phonenumbers.NumberParseException):
                    ok += phonenumbers.is_valid_number(phonenumbers.parse(text, region))
            share = ok / len(texts)
            if share > best_share + 1e-9:
                best, best_share = region, share
        return best, best_share

    def _existing_match(self, fi: FieldInfo, prof: Profile, fields: Mapping[str, Mapping[str, Any]],
                        recs: Sequence[SourceRecord] | None = None) -> _Cand | None:
        """An Odoo field with the same label (or the x_ name this field would get): reuse, don't duplicate."""
        label = _label(fi)
        want = slug(label)
        x_name = _x_name(label, fi.name)
        planned_type = _new_type(fi, prof)[0]
        for name in sorted(fields):
            meta = fields[name]
            if name in ("id", "display_name", "create_date", "write_date", "create_uid", "write_uid"):
                continue
            same = name == x_name or (name.startswith("x_") and slug(str(meta.get("string", ""))) == want)
            if not same:
                continue
            if not _compatible(str(meta.get("type")), planned_type):
                continue
            transform, params = _transform_for(str(meta.get("type")), fi, prof, meta)
            if meta.get("type") == "selection" and not fi.options and recs is not None:
                # exports declare no options: map the values seen to the existing field's choices
                labels = _distinct_values(fi, recs)
                params = {"map": _map_to_existing_selection(_selection_options(labels), meta)}
                missing = [v for v in labels if v not in params["map"]]
                if missing:
                    return _Cand(name, transform, params, confidence=0.5,
                                 reason=f"'{label}' matches the existing Odoo field {name}, but its choices lack "
                                        f"{', '.join(repr(m) for m in missing[:3])}: add them in Odoo or map them")
            return _Cand(name, transform, params, confidence=0.86,
                         reason=f"'{label}' matches the existing Odoo field {name} "
                                f"('{meta.get('string', '')}', {meta.get('type')}); reused, not duplicated")
        return None

    def _new_line(self, fi: FieldInfo, prof: Profile, recs: Sequence[SourceRecord], model: str,
                  fields: Mapping[str, Mapping[str, Any]], avoid: set[str], *, custom: bool, known: bool = False,
                  version_name: str | None = None) -> _Cand:
        label = _label(fi)
        ftype, why = _new_type(fi, prof)
        if ftype == "":
            return _Cand(None, ignore=True, confidence=0.7, reason=why)
        name = self._reserve(model, version_name or _x_name(label, fi.name), ftype, fields, avoid,
                             weak=why == _NO_SAMPLES)
        transform, params = _transform_for(ftype, fi, prof, {})
        if version_name and ftype == "char" and transform == "text" and prof.phone >= 0.8:
            transform = "phone"  # a mobile column on a version without mobile: still a phone number
        if transform == "phone":
            region = self._phone_region(fi, recs)[0]
            if region:
                params["default_country"] = region
        options: list[tuple[str, str]] = []
        relation = None
        if ftype == "selection":
            options = _selection_options(_distinct_values(fi, recs))
            params = {"map": {lbl: key for key, lbl in options}}
            if self.unsampled:
                # the options are what the source declares and the sample holds; a value beyond both is left empty
                # rather than refused (add it to the map and the options to keep it)
                params["default"] = None
                why += f"; values outside the {len(recs)} sampled records are left empty (params.default)"
        if ftype in ("many2one", "many2many"):
            relation = OBJECT_MODELS.get(fi.ref_object or "", "res.partner")
            params = {"object": fi.ref_object}
        existing = fields.get(name)
        nf = None if existing else NewField(type=ftype, label=label[:60], options=options, relation=relation)
        if ftype == "selection" and existing:
            params = {"map": _map_to_existing_selection(options, existing)}
        conf = 0.85 if fi.type not in ("text",) else 0.8
        if not custom:
            conf = 0.7 if known else 0.6
        if version_name:
            conf = 0.8
        gap = f"version gap: this Odoo has no {version_name[2:]} on {model}: " if version_name else ""
        return _Cand(name, transform, params, new_field=nf, confidence=min(conf, NEW_FIELD_CAP),
                     reason=f"{gap}new {ftype} field for {'custom field ' if fi.custom else ''}'{label}'; {why}")

    def _reserve(self, model: str, name: str, ftype: str, fields: Mapping[str, Mapping[str, Any]],
                 avoid: set[str], weak: bool = False) -> str:
        planned = self.planned.setdefault(model, {})
        base, n = name, 1
        while True:
            existing = fields.get(name)
            clash = (name in avoid
                     or (existing is not None and not _compatible(str(existing.get("type")), ftype))
                     or (name in planned and planned[name] != ftype and (model, name) not in self.weak)
                     or (existing is not None and not name.startswith("x_")))
            if not clash:
                if name in planned and planned[name] != ftype:
                    self.weak.discard((model, name))
                planned[name] = ftype
                if weak:
                    self.weak.add((model, name))
                return name
            n += 1
            suffix = f"_{n}"
            name = base[:MAX_X_NAME - len(suffix)] + suffix

    # -- choosing one candidate per field, one field per Odoo target ------------------------------------------------
    def _assign(self, obj: ObjectInfo, cands: dict[str, list[_Cand]], fields: Mapping[str, Any], model: str,
                recs: Sequence[SourceRecord]) -> dict[str, _Cand]:
        """Most confident field first; each Odoo field goes to one source field (first+last name share 'name')."""
        order = {fi.name: i for i, fi in enumerate(obj.fields)}
        custom = {fi.name: fi.custom for fi in obj.fields}
        taken: dict[str, str] = {}
        chosen: dict[str, _Cand] = {}
        pending = dict.fromkeys(cands, 0)
        # a column empty in every sampled record claims last: 'SMS Number' left blank must not take mobile from
        # the 'Cell Phone' column that holds the numbers
        unsampled = {n for n in cands if recs and all(r.values.get(n) in (None, "", []) for r in recs)}
        while pending:
            # standard fields claim first: a customer's own field only takes a standard target left free
            best = min(pending, key=lambda n: (n in unsampled, custom[n], -cands[n][pending[n]].confidence, order[n]))
            idx = pending[best]
            cand = cands[best][idx]
            fi = obj.field(best)
            assert fi is not None
            if cand.special == "__new__":
                cand = self._new_line(fi, profile_field(fi.name, recs, fi.options), recs, model, fields, set(taken),
                                      custom=fi.custom, known=cand.concept == "__known__",
                                      version_name=cand.params.get("version_name"))
            holder = taken.get(cand.target) if cand.target and not cand.ignore else None
            if holder is not None and not _shares(cand, chosen[holder]) and not fi.custom \
                    and _redundant(holder, best, recs):
                cand = _Cand(None, ignore=True, confidence=0.8,
                             reason=f"same information as {holder} (value for value), which fills {cand.target}")
                holder = None
            if holder is not None and not _shares(cand, chosen[holder]):
                if idx + 1 < len(cands[best]):
                    pending[best] = idx + 1
                    continue
                cand = self._new_line(fi, profile_field(fi.name, recs, fi.options), recs, model, fields, set(taken),
                                      custom=fi.custom, known=True) if model in NEW_FIELD_MODELS else \
                    _Cand(None, ignore=True, confidence=0.5, reason="its Odoo field is taken by another column")
            if cand.target and not cand.ignore:
                taken.setdefault(cand.target, best)
            chosen[best] = cand
            del pending[best]
        return chosen

    def _assemble(self, obj: ObjectInfo, chosen: dict[str, _Cand], profiles: Mapping[str, Profile],
                  recs: Sequence[SourceRecord], table: str, model: str, fields: Mapping[str, Mapping[str, Any]],
                  body_template: bool) -> list[FieldMap]:
        lines: list[FieldMap] = []
        names = [fi.name for fi in obj.fields]
        name_parts = [n for n in names if chosen[n].special == "name" and not chosen[n].ignore]
        record_refs = [n for n in names if chosen[n].special == "record_ref"]
        record_refs.sort(key=lambda n: (RECORD_OWNERS.index(str(chosen[n].params.get("object")))
                                        if chosen[n].params.get("object") in RECORD_OWNERS else 99, names.index(n)))
        has_country = any(c.target == "country_id" for c in chosen.values())
        body_parts: list[str] = []
        if body_template:
            kinds = [n for n in names if concept_scores(n, _label(obj.field(n) or _fi(n))).get("activity_type", 0)
                     >= 0.85]
            subj = [n for n in names if chosen[n].target in ("subject", "summary", "name")]
            body = [n for n in names if chosen[n].target in ("body", "note", "description")]
            if not subj and model == "mail.message":
                # no subject column: the first free-text column nothing else uses names the event
                subj = [n for n in names if chosen[n].ignore and n not in kinds
                        and (obj.field(n) or _fi(n)).type in ("text", "url") and "no matching field" in
                        chosen[n].reason]
            body_parts = kinds[:1] + subj[:1] + body[:1]
        done_parts: set[str] = set()
        for fi in obj.fields:
            n = fi.name
            cand = chosen[n]
            if n in done_parts:
                continue
            if n in name_parts and len(name_parts) > 1:
                lines.append(FieldMap(source=list(name_parts), target=cand.target or "name", transform="join",
                                      confidence=round(min(chosen[p].confidence for p in name_parts), 2),
                                      reason="first and last name are joined into one name"))
                done_parts.update(name_parts)
                continue
            if n in record_refs:
                kind = "ir_model" if model == "mail.activity" else "name"
                field_name = {"mail.message": "model", "mail.activity": "res_model_id",
                              "ir.attachment": "res_model"}[model]
                params: dict[str, Any] = {"objects": [str(chosen[r].params.get("object")) for r in record_refs],
                                          "model_field": field_name}
                if kind == "ir_model":
                    params["model_field_kind"] = "ir_model"
                lines.append(FieldMap(source=list(record_refs) if len(record_refs) > 1 else record_refs[0],
                                      target="res_id", transform="record_ref", params=params, confidence=0.95,
                                      reason="the record it belongs to: first of "
                                             + ", ".join(params["objects"]) + " that is set"))
                done_parts.update(record_refs)
                continue
            if body_parts and n in body_parts:
                target = "body" if model == "mail.message" else None
                if target and len(body_parts) > 1:
                    fmt = ": ".join(f"{{{i}}}" for i in range(len(body_parts)))
                    lines.append(FieldMap(source=list(body_parts), target=target, transform="template",
                                          params={"format": fmt}, confidence=0.8,
                                          reason="message text built from " + ", ".join(
                                              _label(obj.field(p) or _fi(p)) for p in body_parts)))
                    done_parts.update(body_parts)
                    continue
            if cand.ignore or cand.target is None:
                lines.append(FieldMap(source=n, ignore=True, confidence=round(cand.confidence, 2),
                                      reason=cand.reason))
                continue
            params = dict(cand.params)
            if cand.special == "state" and not has_country:
                params.pop("within", None)
            lines.append(FieldMap(source=n, target=cand.target, transform=cand.transform, params=params,
                                  new_field=cand.new_field, confidence=round(max(0.0, min(1.0, cand.confidence)), 2),
                                  reason=cand.reason))
        # a won/lost status must win over a plain probability column, so it goes after it
        status_lines = [ln for ln in lines if ln.target == "active" and ln.transform == "value_map"]
        if status_lines:
            lines = [ln for ln in lines if ln not in status_lines] + status_lines
        return lines


def _unify_new_fields(maps: Mapping[str, ObjectMap]) -> None:
    """One x_ field per model and label: a guess made without samples follows the one made with them.

    Companies and contacts share res.partner; a custom column empty in the company sheet must not become a
    second field next to the contacts' typed one.
    """
    strong: dict[tuple[str, str], FieldMap] = {}
    weak: list[tuple[str, FieldMap]] = []
    for omap in maps.values():
        for ln in omap.fields:
            if ln.new_field is None or ln.ignore:
                continue
            key = (omap.model, ln.new_field.label)
            if ln.reason.endswith(_NO_SAMPLES):
                weak.append((omap.model, ln))
            else:
                strong.setdefault(key, ln)
    for model, ln in weak:
        assert ln.new_field is not None
        other = strong.get((model, ln.new_field.label))
        if other is not None and (other.target, _type_of(other)) != (ln.target, _type_of(ln)):
            ln.target, ln.transform, ln.params = other.target, other.transform, dict(other.params)
            ln.new_field = replace(other.new_field) if other.new_field else None
            ln.reason = f"same field as the sampled column elsewhere on {model}: {other.reason}"


def _redundant(a: str, b: str, recs: Sequence[SourceRecord], minimum: int = 5) -> bool:
    """Whether two columns say the same thing in other words ('Tür: Firma' and 'is_company: True')."""
    forward: dict[str, set[str]] = {}
    backward: dict[str, set[str]] = {}
    pairs = 0
    for r in recs:
        va, vb = r.values.get(a), r.values.get(b)
        if va in (None, "", []) or vb in (None, "", []):
            continue
        ka, kb = fold(str(va)), fold(str(vb))
        forward.setdefault(ka, set()).add(kb)
        backward.setdefault(kb, set()).add(ka)
        pairs += 1
    # values that never repeat pair up one to one by chance (an office and a cell number of the same people):
    # only repeated values, or the very same ones, show two columns say one thing
    repeated = len(forward) <= pairs / 2 or all(ka in kbs for ka, kbs in forward.items())
    return pairs >= minimum and repeated and all(len(v) == 1 for v in forward.values()) \
        and all(len(v) == 1 for v in backward.values())


def _type_of(line: FieldMap) -> str:
    return line.new_field.type if line.new_field else ""


def _route(omap: ObjectMap) -> ObjectMap:
    """Columns that choose which map a record goes to (the map's ``where``) are not also loaded as values."""
    keys = set(omap.where or {})
    omap.fields = [FieldMap(source=ln.source, ignore=True, confidence=0.95,
                            reason="routes the record to this map (see where)")
                   if ln.sources and set(ln.sources) <= keys else ln for ln in omap.fields]
    return omap


def _shares(cand: _Cand, holder: _Cand) -> bool:
    if cand.special == "record_ref" and holder.special == "record_ref":
        return True
    if cand.special == holder.special == "partner_ref":  # a contact and a company: one fallback line
        return cand.target == holder.target and cand.params.get("object") != holder.params.get("object") \
            and "by" not in cand.params and "by" not in holder.params
    split = {"first_name", "last_name"}
    return cand.special == holder.special == "name" and {cand.concept, holder.concept} == split


def _fi(name: str) -> FieldInfo:
    return FieldInfo(name=name, label=name, type="text")


def _first_value(fi: FieldInfo, recs: Sequence[SourceRecord]) -> Any:
    return next((r.values.get(fi.name) for r in recs if r.values.get(fi.name) not in (None, "")), None)


def _subtype_line(xmlid: str, why: str) -> FieldMap:
    return FieldMap(source=None, target="subtype_id", transform="lookup",
                    params={"model": "mail.message.subtype", "by": ["xmlid"], "value": xmlid},
                    confidence=0.95, reason=why)


def _x_name(label: str, key: str) -> str:
    base = slug(label) or slug(key) or "field"
    if base[0].isdigit():
        base = f"f_{base}"
    return f"x_{base}"[:MAX_X_NAME].rstrip("_")


def _compatible(existing: str, planned: str) -> bool:
    if existing == planned:
        return True
    texts = {"char", "text"}
    numbers = {"float", "monetary"}
    # whole numbers fit a float field as they are: reuse it rather than plan a second field beside it
    return (existing in texts and planned in texts) or (existing in numbers and planned in numbers | {"integer"})


def _new_type(fi: FieldInfo, prof: Profile) -> tuple[str, str]:
    """(Odoo type, why) for a field that gets its own x_ field; '' means it cannot be stored."""
    t = fi.type
    if t == "binary":
        return "", "binary content is kept only as attachments"
    if t == "select":
        return "selection", f"dropdown with {len(fi.options) or prof.distinct} options"
    if t == "multiselect":
        return "char", "multi-select values joined with ', ' (no fitting tags model)"
    if t == "ref":
        return "many2one", f"link to {fi.ref_object}"
    if t == "refs":
        return "many2many", f"links to {fi.ref_object}"
    direct = {"longtext": "text", "html": "html", "integer": "integer", "float": "float", "percent": "float",
              "money": "monetary", "date": "date", "datetime": "datetime", "boolean": "boolean", "email": "char",
              "phone": "char", "url": "char", "id": "char"}
    if t in direct:
        extra = "identifier kept as text (leading zeros)" if t == "id" else f"source type {t}"
        return direct[t], extra
    if prof.empty:
        return "char", _NO_SAMPLES
    if prof.separator:
        return "char", f"lists of values separated by {prof.separator!r}, kept as one text joined with ', '"
    if prof.html > 0.2:
        return "html", "values contain HTML"
    if prof.long_text > 0.2:
        return "text", "long or multi-line text"
    if prof.id_like > 0.3:
        return "char", "identifiers kept as text (leading zeros, long digits or codes)"
    if prof.boolean >= 0.98 and prof.distinct <= 4 and prof.number < 1.0:
        return "boolean", f"{round(prof.boolean * 100)}% of values are yes/no"
    if prof.date >= 0.95:
        return ("datetime", "values are dates with times") if prof.datetime > 0.5 else ("date", "values are dates")
    if prof.number + prof.percent >= 0.98:
        if prof.money > 0.5:
            return "monetary", "values are amounts with a currency"
        if prof.integer >= 0.98 and prof.percent == 0:
            return "integer", "values are whole numbers"
        return "float", "values are numbers"
    if prof.count >= 20 and 2 <= prof.distinct <= 12 and prof.distinct * 4 <= prof.count:
        return "selection", f"only {prof.distinct} distinct values in {prof.count} samples"
    return "char", "text"


def _transform_for(ftype: str, fi: FieldInfo, prof: Profile, meta: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    if ftype in ("char", "text"):
        if fi.type == "multiselect":
            return "join", {"sep": ", "}
        if prof.separator and fi.type in ("text", "longtext"):
            return "join", {"split": prof.separator, "sep": ", "}
        if fi.type == "email":
            return "email", {}
        if fi.type == "phone":
            return "phone", {}
        return "text", {}
    if ftype == "html":
        return "html", {}
    if ftype in ("integer", "float", "monetary"):
        if ftype == "integer":
            params["integer"] = True
        if prof.decimal_comma > 0.5:
            params["decimal"] = ","
        return "number", params
    if ftype in ("date", "datetime"):
        if prof.examples and all(isinstance(x, str) for x in prof.examples) and fi.type not in ("date", "datetime"):
            fmt = date_format(prof, prof.examples)
            if fmt:
                params["format"] = fmt
        return ftype, params
    if ftype == "boolean":
        return "boolean", {}
    if ftype == "selection":
        options = [(str(k), str(v)) for k, v in meta.get("selection") or []]
        return "value_map", {"map": _map_to_existing_selection(_selection_options(list(fi.options)), {
            "selection": options}) if options else {}}
    if ftype == "many2one":
        return "ref", {"object": fi.ref_object}
    if ftype == "many2many":
        return "refs", {"object": fi.ref_object}
    return "copy", {}


def _selection_options(labels: Sequence[str]) -> list[tuple[str, str]]:
    options: list[tuple[str, str]] = []
    used: set[str] = set()
    for i, label in enumerate(labels):
        key = slug(label) or f"option_{i + 1}"
        if key[0].isdigit():
            key = f"v_{key}"
        base, n = key, 1
        while key in used:
            n += 1
            key = f"{base}_{n}"
        used.add(key)
        options.append((key, label))
    return options


#: invoice statuses that mean "never posted" (void, declined, pending, draft, cancelled; Turkish too)
UNPOSTED_WORDS = ("void", "declin", "pending", "draft", "cancel", "iptal", "taslak", "bekle")


def _map_to_existing_selection(options: Sequence[tuple[str, str]], meta: Mapping[str, Any]) -> dict[str, str]:
    existing = [(str(k), str(v)) for k, v in meta.get("selection") or []]
    result: dict[str, str] = {}
    for key, label in options:
        hit = next((k for k, v in existing if fold(v) == fold(label) or k == key), None)
        if hit is not None:
            result[label] = hit
    return result


def _status_map(values: Sequence[str]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    vmap: dict[str, dict[str, Any]] = {}
    unknown: list[str] = []
    for value in values:
        kind = _classify(value, WON_WORDS, LOST_WORDS, OPEN_WORDS)
        if kind == 0:
            vmap[value] = {"probability": 100}
        elif kind == 1:
            vmap[value] = {"active": False, "probability": 0}
        else:
            vmap[value] = {}
            if kind < 0:
                unknown.append(value)
    return vmap, unknown


def _value_map(special: str, values: Sequence[str], meta: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    keys = {str(k) for k, _ in meta.get("selection") or []}
    vmap: dict[str, Any] = {}
    unknown: list[str] = []
    for value in values:
        key = fold(value).strip("% ")
        found: Any = None
        if special == "priority":
            found = PRIORITY_WORDS.get(key)
            if found is None and (key.count("*") or key.count("★")):
                found = str(min(3, max(0, key.count("*") + key.count("★") - 1)))
        elif special == "lang":
            found = LANGUAGE_WORDS.get(key.replace("_", " ").replace("-", " "))
            if found and keys and found not in keys:
                found = next((k for k in sorted(keys) if k.split("_")[0] == found.split("_")[0]), None)
        elif special == "is_company":
            found = True if key in COMPANY_WORDS else False if key in PERSON_WORDS else None
        elif special == "stage_kind":
            found = _classify(value, WON_WORDS) == 0
        elif special == "product_type":
            found = "service" if _classify(value, SERVICE_WORDS) == 0 else \
                "consu" if _classify(value, GOODS_WORDS) == 0 else None
        elif special == "order_state":
            found = ORDER_STATE_WORDS.get(key)
        if found is None:
            unknown.append(value)
            continue
        if keys and isinstance(found, str) and found not in keys:
            unknown.append(value)
            continue
        vmap[value] = found
    return vmap, unknown


def propose(
    catalog: Catalog,
    samples: Mapping[str, Sequence[SourceRecord]],
    odoo_fields: FieldsGet,
    *,
    system: str,
    odoo_version: str,
    previous: MappingSpec | None = None,
    options: ProposeOptions = ProposeOptions(),  # frozen, so a shared default is safe
    known: Mapping[str, Collection[str]] | None = None,
) -> MappingSpec:
    """Propose the whole map. With ``previous``, the person's work is kept (see :func:`merge_previous`).
    ``known``: model -> folded names of the records Odoo has (:func:`crm2odoo.mapping.values.known_names`)."""
    # version differences (mobile, team_ids, detailed_type) are read from odoo_fields, not from the version
    planner = _Planner(catalog, samples, odoo_fields, options, known)
    if previous is not None:
        for omap in previous.objects.values():
            for line in omap.fields:
                if line.new_field is not None and line.target and line.status in ("edited", "confirmed"):
                    planner.planned.setdefault(omap.model, {})[line.target] = line.new_field.type
    spec = MappingSpec(source_kind=catalog.source_kind, system=system, odoo_version=odoo_version,
                       objects=planner.plan())
    product_links(spec.objects, samples, catalog)
    joined_list_links(spec.objects, samples)
    if previous is not None:
        spec = merge_previous(previous, spec)
    mobile_fills_empty_phone(spec.objects, odoo_fields)  # after the merge: lines the person edited are theirs
    derive_partner_names(spec.objects, catalog)
    mark_unfilled(spec.objects, odoo_fields)  # after the merge: a kept line may fill what the fresh map left open
    return spec


def merge_previous(previous: MappingSpec, fresh: MappingSpec) -> MappingSpec:
    """Re-plan: keep every edited/confirmed line and every ignore; new proposals only for what is new.

    A kept line wins over any fresh line sharing one of its source fields; a source field left without a line
    by that (a fresh join broken up by an edit) gets its own proposal back, so nothing disappears.
    """
    merged = replace(fresh, objects={}, fallback_owner_login=previous.fallback_owner_login)
    for name, new in fresh.objects.items():
        old = previous.objects.get(name)
        if old is None:
            merged.objects[name] = new
            continue
        base = new
        if old.status in ("edited", "confirmed"):
            base = replace(old, fields=[])
        kept = [ln for ln in old.fields if ln.status in ("edited", "confirmed") or ln.ignore]
        kept_keys = {ln.key() for ln in kept}
        covered = {s for ln in kept for s in ln.sources}
        kept_constant_targets = {ln.target for ln in kept if not ln.sources}
        lines: list[FieldMap] = []
        placed: set[str] = set()
        for ln in new.fields:
            if ln.key() in kept_keys:
                lines.append(next(k for k in kept if k.key() == ln.key()))
                placed.add(ln.key())
                continue
            if not ln.sources and ln.target in kept_constant_targets:
                continue
            overlap = [s for s in ln.sources if s in covered]
            if overlap:
                for s in ln.sources:
                    if s not in covered:
                        lines.append(FieldMap(source=s, ignore=True, confidence=0.4,
                                              reason="its joined line was edited; map it on its own or keep ignored"))
                continue
            lines.append(ln)
        for ln in kept:
            if ln.key() not in placed:
                lines.append(ln)
        merged.objects[name] = replace(base, fields=lines)
    for name, old in previous.objects.items():
        if name not in merged.objects and old.status in ("edited", "confirmed"):
            merged.objects[name] = old
    return merged


__all__ = ["ProposeOptions", "merge_previous", "propose"]
