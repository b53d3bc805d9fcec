"""Planning per source object: which maps an object becomes (tasks split by status, activities by type,
engagement kept or totalled...), and each map's model, options and lines."""

from __future__ import annotations

from collections.abc import Sequence

from crm2odoo.mapping.defaults import DONE_WORDS, MODEL_CONCEPTS, OBJECT_DEFAULTS, TASK_CANCEL_WORDS, ObjectDefault
from crm2odoo.mapping.donedates import activity_type_line, dated_by_best_source
from crm2odoo.mapping.linklines import linked_object, meeting_end, names_read_by_name, parent_by_kind
from crm2odoo.mapping.naming import name_custom_records
from crm2odoo.mapping.partnerchain import partner_fallback
from crm2odoo.mapping.pipelines import settle_stage_map
from crm2odoo.mapping.profile import id_share, profile_field
from crm2odoo.mapping.propose.assemble import assemble
from crm2odoo.mapping.propose.assign import assign
from crm2odoo.mapping.propose.candidates import candidates
from crm2odoo.mapping.propose.newfields import unify_new_fields
from crm2odoo.mapping.propose.scoring import MAX_X_NAME, Cand, classify, distinct_values, label_of
from crm2odoo.mapping.propose.state import PlanState
from crm2odoo.mapping.propose.valuemaps import UNPOSTED_WORDS
from crm2odoo.mapping.spec import FieldMap, NewField, ObjectMap
from crm2odoo.mapping.synonyms import concept_scores
from crm2odoo.sources.base import FieldInfo, ObjectInfo, SourceRecord
from crm2odoo.textnorm import fold, slug


class Planner:
    """Plans every object of a catalog: which maps it becomes, and each map's lines."""

    def __init__(self, state: PlanState) -> None:
        self.st = state

    # -- objects ---------------------------------------------------------------------------------------------------
    def plan(self) -> dict[str, ObjectMap]:
        maps: dict[str, ObjectMap] = {}
        for obj in self.st.catalog.objects:
            for omap in self._maps_for(obj):
                maps[omap.name] = omap
        unify_new_fields(maps)
        return maps

    def _maps_for(self, obj: ObjectInfo) -> list[ObjectMap]:
        name = obj.name
        if obj.custom or name.startswith("custom_"):
            return [self._custom(obj)]
        if name == "task":
            return self._tasks(obj)
        if name == "activity":
            return self._activities(obj)
        if name == "engagement":
            if self.st.options.engagement == "aggregate":
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
        if default.model not in self.st.odoo and name in ("invoice", "invoice_line", "payment"):
            omap.enabled = False
            omap.reason = "Accounting not installed (no account.move in this Odoo)" \
                if default.model.startswith("account.move") else "Accounting not installed (no account.payment)"
        elif default.model not in self.st.odoo:
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
            omap.fields.append(subtype_line("mail.mt_note", "an internal log note, so nobody is notified"))
        if model == "crm.stage":
            settle_stage_map(omap, self.st.catalog.object("pipeline") is not None)
        self._state_actions(obj, omap)
        return omap

    def _state_actions(self, obj: ObjectInfo, omap: ObjectMap) -> None:
        """Orders are confirmed and invoices posted after loading, as in the source (options.actions)."""
        if obj.name == "order" and omap.model == "sale.order":
            omap.options["actions"] = [{"call": "action_confirm"}]
            omap.reason += "; confirmed after loading, with the original order date written back"
        elif obj.name == "invoice" and omap.model == "account.move":
            status = next((f for f in obj.fields if f.type in ("select", "text") and (
                "deal_status" in concept_scores(f.name, label_of(f)) or fold(f.name) in ("status", "durum"))), None)
            values = list(status.options) if status is not None else []
            if status is not None and not values:
                values = distinct_values(status, self.st.records(obj.name))
            posted = [v for v in values if not any(w in fold(v) for w in UNPOSTED_WORDS)]
            if status is not None and posted:
                omap.options["actions"] = [{"call": "action_post", "when": {status.name: posted}}]
                omap.reason += f"; posted after loading when {label_of(status)} is {', '.join(posted)}"

    def _custom(self, obj: ObjectInfo) -> ObjectMap:
        base = slug(obj.name[len("custom_"):] if obj.name.startswith("custom_") else obj.name) or "object"
        model = f"x_{base}"[:MAX_X_NAME]
        omap = ObjectMap(name=obj.name, source_object=obj.name, model=model,
                         new_model={"label": obj.label or base.replace("_", " ").title()},
                         confidence=0.85, reason=f"custom object '{obj.label}' becomes the new Odoo model {model}")
        omap.fields = self._lines(obj, model, model, custom_model=True)
        name_custom_records(omap, [(fi.name, label_of(fi)) for fi in obj.fields], self.st.records(obj.name))
        return omap

    def _enrollment(self, obj: ObjectInfo) -> ObjectMap:
        recs = self.st.records(obj.name)
        omap = ObjectMap(name=obj.name, source_object=obj.name, model="res.partner",
                         options={"apply_tags": True}, confidence=0.7,
                         reason="each enrolment adds the campaign as a tag on the already-loaded contact; "
                                "no partner is created")
        lines: list[FieldMap] = []
        for fi in obj.fields:
            if fi.type == "ref" and fi.ref_object in ("contact", "company"):
                lines.append(FieldMap(source=fi.name, target="id", transform="ref",
                                      params={"object": fi.ref_object}, confidence=0.85,
                                      reason=f"'{label_of(fi)}' names the {fi.ref_object} that gets the tag"))
            elif "campaign" in concept_scores(fi.name, label_of(fi)) or (fi.type == "ref" and fi.ref_object) or any(
                    word in fold(f"{fi.name} {label_of(fi)}") for word in ("sequence", "drip", "campaign", "kampanya")):
                lines.append(FieldMap(source=fi.name, target="category_id", transform="lookup",
                                      params={"model": "res.partner.category", "by": ["name"], "create": True,
                                              "format": f"{label_of(fi)} {{0}}"},
                                      confidence=0.75, reason=f"'{label_of(fi)}' is the campaign; becomes a tag "
                                      f"'{label_of(fi)} <value>' on the contact"))
            elif id_share(fi.name, recs) >= 0.9:
                lines.append(FieldMap(source=fi.name, ignore=True, confidence=0.95, reason="used in the external ID"))
            else:
                lines.append(FieldMap(source=fi.name, ignore=True, confidence=0.7,
                                      reason="enrolment detail with no place on the contact"))
        omap.fields = lines
        if self.st.options.campaign_as == "field":
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
                   key=lambda fi: ("type" in fold(f"{fi.name} {label_of(fi)}"), fi.type == "select"), default=None)
        when = next((fi for fi in obj.fields if fi.type in ("datetime", "date")), None)
        lines: list[FieldMap] = []
        for fi in obj.fields:
            if fi.type == "ref" and fi.ref_object in ("contact", "company") and not any(
                    line.target == "id" for line in lines):
                lines.append(FieldMap(source=fi.name, target="id", transform="ref", params={"object": fi.ref_object},
                                      confidence=0.85, reason=f"'{label_of(fi)}' names the {fi.ref_object} the "
                                                              "totals go to"))
            elif fi.name == "id":
                lines.append(FieldMap(source=fi.name, target="x_engagement_count", transform="copy",
                                      params={"aggregate": "count"}, new_field=NewField("integer", "Engagements"),
                                      confidence=0.8, reason="how many engagement records the contact has"))
            elif kind is not None and fi.name == kind.name:
                lines.append(FieldMap(source=fi.name, target="x_engagement_kinds", transform="text",
                                      params={"aggregate": "tally"}, new_field=NewField("char", "Engagement by kind"),
                                      confidence=0.8, reason=f"counts per '{label_of(fi)}', e.g. 'Email Open: 12'"))
            elif when is not None and fi.name == when.name:
                lines.append(FieldMap(source=fi.name, target="x_last_engagement", transform="datetime",
                                      params={"aggregate": "max"}, new_field=NewField("datetime", "Last engagement"),
                                      confidence=0.8, reason=f"the latest '{label_of(fi)}'"))
            else:
                lines.append(FieldMap(source=fi.name, ignore=True, confidence=0.7,
                                      reason="a detail of one engagement; only totals are kept"))
        omap.fields = lines
        return omap

    def _status_field(self, obj: ObjectInfo, concept: str = "deal_status") -> FieldInfo | None:
        best: tuple[float, int, FieldInfo] | None = None
        for i, fi in enumerate(obj.fields):
            score = concept_scores(fi.name, label_of(fi)).get(concept, 0.0)
            if score >= 0.85 and fi.type not in ("date", "datetime") and (best is None or score > best[0]):
                best = (score, -i, fi)
        return best[2] if best else None

    def _tasks(self, obj: ObjectInfo) -> list[ObjectMap]:
        recs = self.st.records(obj.name)
        status = self._status_field(obj)
        if self.st.options.task_target == "project_task":
            omap = self._standard(obj, "task", ObjectDefault("project.task"), "project.task")
            return [omap]
        omap = self._standard(obj, "task", ObjectDefault("mail.activity"), "mail.activity")
        omap.fields.append(_todo_type_line(0.95))
        if status is None:
            omap.reason = "no status field found: every task becomes an open activity"
            return [omap]
        open_v, done_v = _open_and_done(status, recs)
        omap.where = {status.name: open_v}
        route(omap)
        omap.reason = f"open tasks (status {', '.join(open_v) or '-'}) -> scheduled activities"
        done = self._standard(obj, "task_done", ObjectDefault("mail.message", {"message_type": "notification"}),
                              "mail.message", body_template=True)
        done.where = {status.name: done_v}
        route(done)
        done.reason = (f"done or cancelled tasks (status {', '.join(done_v) or '-'}) -> chatter messages dated "
                       "at completion; Odoo keeps no open activity for them")
        done.fields = [ln for ln in done.fields if not (ln.target == "subtype_id" and ln.source is None)]
        done.fields.append(subtype_line("mail.mt_activities", "logged as a completed activity"))
        self._as_done_activity(obj, done)
        return [omap, done]

    def _activities(self, obj: ObjectInfo) -> list[ObjectMap]:
        recs = self.st.records(obj.name)
        kind = next((fi for fi in obj.fields
                     if concept_scores(fi.name, label_of(fi)).get("activity_type", 0) >= 0.85), None)
        status = self._status_field(obj)
        logged = self._standard(obj, "activity_logged", ObjectDefault("mail.message", {"message_type": "comment"}),
                                "mail.message", body_template=True)
        meeting = self._standard(obj, "activity_meeting", ObjectDefault("calendar.event"), "calendar.event")
        meeting_end(obj, meeting)
        todo = self._standard(obj, "activity_todo", ObjectDefault("mail.activity"), "mail.activity")
        todo.fields.append(_todo_type_line(0.9))
        if kind is None:
            todo.reason = "no activity type column: every activity becomes an open To-Do"
            logged.enabled = meeting.enabled = False
            logged.reason = meeting.reason = "no activity type column to route records here"
            return [logged, meeting, todo]
        types = distinct_values(kind, recs)
        meeting_words = frozenset({"toplanti", "meeting", "besprechung", "termin", "randevu", "appointment",
                                   "etkinlik", "event"})
        task_words = frozenset({"gorev", "task", "aufgabe", "hatirlatma", "reminder", "todo", "to do",
                                "erinnerung"})
        meets = [t for t in types if classify(t, meeting_words) == 0]
        tasks = [t for t in types if t not in meets and classify(t, task_words) == 0]
        calls = [t for t in types if t not in meets and t not in tasks]
        logged.where = {kind.name: calls}
        logged.reason = f"calls, emails and messages ({', '.join(calls) or '-'}) -> chatter messages"
        meeting.where = {kind.name: meets}
        meeting.reason = f"meetings ({', '.join(meets) or '-'}) -> calendar events"
        todo.where = {kind.name: tasks}
        todo.reason = f"tasks ({', '.join(tasks) or '-'}) -> To-Do activities"
        for m in (logged, meeting, todo):
            route(m)
        dated_by_best_source(obj, logged, recs)
        if status is not None:
            open_v, done_v = _open_and_done(status, recs)
            todo.where[status.name] = open_v
            route(todo)
            if done_v and tasks:
                done = self._standard(obj, "activity_done",
                                      ObjectDefault("mail.message", {"message_type": "notification"}),
                                      "mail.message", body_template=True)
                done.where = {kind.name: tasks, status.name: done_v}
                route(done)
                done.reason = f"finished tasks ({', '.join(done_v)}) -> chatter messages"
                done.fields = [ln for ln in done.fields if not (ln.target == "subtype_id" and ln.source is None)]
                done.fields.append(subtype_line("mail.mt_activities", "logged as a completed activity"))
                self._as_done_activity(obj, done)
                return [logged, meeting, todo, done]
        return [logged, meeting, todo]

    def _as_done_activity(self, obj: ObjectInfo, done: ObjectMap) -> None:
        """A done task's message as Odoo logs a done activity: dated by the best source date, with its type."""
        dated_by_best_source(obj, done, self.st.records(obj.name))
        if "mail_activity_type_id" in (self.st.odoo.get("mail.message") or {}) and not any(
                ln.target == "mail_activity_type_id" for ln in done.fields):
            done.fields.append(activity_type_line())

    # -- lines ------------------------------------------------------------------------------------------------------
    def _lines(self, obj: ObjectInfo, table: str, model: str, *, custom_model: bool = False,
               body_template: bool = False) -> list[FieldMap]:
        recs = self.st.records(obj.name)
        obj = linked_object(obj, self.st.links.of(obj))
        fields = dict(self.st.odoo.get(model) or {})
        concepts = MODEL_CONCEPTS.get(table, {})
        self.st.unsampled = (obj.count or 0) > len(recs) or (obj.count is None and len(recs) >= self.st.options.sample_size)
        # a value that is itself a declared option ('Sales, Marketing') is one value, not a list
        profiles = {fi.name: profile_field(fi.name, recs, fi.options) for fi in obj.fields}
        split = {c for fi in obj.fields for c, s in concept_scores(fi.name, label_of(fi)).items()
                 if s >= 0.85 and c in ("first_name", "last_name") and c in concepts}
        cands: dict[str, list[Cand]] = {}
        for fi in obj.fields:
            cands[fi.name] = candidates(self.st, obj, fi, profiles[fi.name], recs, table, model, fields, concepts,
                                              custom_model, split_name=len(split) == 2)
        chosen = assign(self.st, obj, cands, fields, model, recs)
        lines = assemble(obj, chosen, model, body_template)
        found = self.st.links.of(obj)
        names_read_by_name(lines, found)
        return parent_by_kind(obj, model, fields, partner_fallback(obj, lines), found.kind)


def route(omap: ObjectMap) -> ObjectMap:
    """Columns that choose which map a record goes to (the map's ``where``) are not also loaded as values."""
    keys = set(omap.where or {})
    omap.fields = [FieldMap(source=ln.source, ignore=True, confidence=0.95,
                            reason="routes the record to this map (see where)")
                   if ln.sources and set(ln.sources) <= keys else ln for ln in omap.fields]
    return omap


def subtype_line(xmlid: str, why: str) -> FieldMap:
    return FieldMap(source=None, target="subtype_id", transform="lookup",
                    params={"model": "mail.message.subtype", "by": ["xmlid"], "value": xmlid},
                    confidence=0.95, reason=why)


def _todo_type_line(confidence: float) -> FieldMap:
    return FieldMap(source=None, target="activity_type_id", transform="lookup",
                    params={"model": "mail.activity.type", "by": ["xmlid"], "value": "mail.mail_activity_data_todo"},
                    confidence=confidence, reason="open tasks become To-Do activities")


def _open_and_done(status: FieldInfo, recs: Sequence[SourceRecord]) -> tuple[list[str], list[str]]:
    """A task's status values: those still open, and those done or cancelled."""
    values = distinct_values(status, recs)
    open_v = [v for v in values if classify(v, DONE_WORDS | TASK_CANCEL_WORDS) != 0]
    return open_v, [v for v in values if v not in open_v]
