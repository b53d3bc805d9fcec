"""The Planports REST API as a Source.

Confirmed from working client code: ``POST /api/token`` with ``{"Email", "Password"}`` returns an
``AccessToken`` sent as a bearer token, and ``/api/v1/PpContacts`` holds persons and companies with PascalCase
fields (IsOrganization, NameSurname, ContactInfos, ReminderNote, Source, Campaign). Every other list path is a
guess in the same style; each can be overridden with ``[source.endpoints]``, and a 404 skips that object with a
warning naming the key to set. Property names are mapped to the same canonical keys the workbook connector
emits (PascalCase -> snake_case, then the Turkish/English header aliases), so one map serves both.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Collection, Iterator
from typing import Any

from crm2odoo.errors import SourceError
from crm2odoo.sources import SourceSettings
from crm2odoo.sources.base import Catalog, FieldInfo, FieldProblem, FieldType, ObjectInfo, SourceRecord
from crm2odoo.sources.planports import decode as dec
from crm2odoo.sources.planports import headers as hd
from crm2odoo.sources.planports import values as v
from crm2odoo.sources.planports.api_http import DEFAULT_ENDPOINTS, MissingEndpoint, PlanportsHttp
from crm2odoo.sources.planports.refusals import refusal
from crm2odoo.textnorm import fold, slug

log = logging.getLogger(__name__)

KIND = "planports-api"

_SPEC_OF: dict[str, hd.SheetSpec] = {
    "contact": hd.CONTACTS, "lead": hd.LEADS, "deal": hd.DEALS, "user": hd.USERS, "product": hd.PRODUCTS,
    "quote": hd.QUOTES, "quote_line": hd.QUOTE_LINES, "order": hd.ORDERS, "order_line": hd.ORDER_LINES,
    "activity": hd.ACTIVITIES, "note": hd.NOTES, "card": hd.CARDS,
}
#: property (snake_case) -> canonical key, for names the header aliases do not cover
_PROPERTY_KEYS: dict[str, str] = {
    "name_surname": "name", "is_organization": "is_organization", "reminder_note": "notes", "title": "name",
    "contact_id": "contact", "person_id": "contact", "company_id": "company", "organization_id": "company",
    "opportunity_id": "deal", "deal_id": "deal", "pipeline_name": "pipeline", "stage_name": "stage",
    "owner_email": "owner", "owner_name": "owner", "owner_id": "owner", "created_on": "created_at",
    "modified_on": "modified_at", "updated_on": "modified_at", "quote_id": "quote", "order_id": "order",
    "product_code": "product", "product_id": "product", "board_name": "board", "column_name": "column",
    "author_email": "author", "author_name": "author",
}
_ID_PROPERTIES = ("id", "no", "number", "record_id")
_CHANNELS: dict[str, str] = {
    "personalemail": "email", "email": "email", "workemail": "email2", "businessemail": "email2",
    "mobiletelnumber": "mobile", "mobilephone": "mobile", "mobile": "mobile", "worktelnumber": "phone",
    "hometelnumber": "phone", "telnumber": "phone", "phone": "phone", "whatsapp": "whatsapp",
    "whatsappnumber": "whatsapp", "website": "website", "web": "website",
}
_DERIVED = {"company": "contact", "pipeline": "deal", "stage": "deal", "lost_reason": "deal", "board": "card",
            "board_column": "card"}


def snake(name: str) -> str:
    """'NameSurname' -> 'name_surname', 'IsOrganization' -> 'is_organization', 'ExternalLeadId' -> 'external_lead_id'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return slug(spaced)


class PlanportsApiSource:
    """Source over Planports' REST API (bearer token from /api/token)."""

    kind = KIND
    full_read_is_cheap = False

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings
        self.http = PlanportsHttp(settings)
        self.base_url = self.http.base_url
        self.email = self.http.email
        self.endpoints = self.http.endpoints  # the same dict: [source.endpoints] over the defaults
        self._warnings: list[str] = []
        self._missing: set[str] = set()
        self._cache: dict[str, Any] = {}

    # -- decoding ------------------------------------------------------------------------------------------------

    def _decode_item(self, obj: str, item: dict[str, Any]) -> tuple[str | None, dict[str, Any], list[FieldProblem]]:
        spec = _SPEC_OF[obj]
        keys = {f.key: f for f in spec.fields}
        aliases = {hd.header_key(a): f for f in spec.fields for a in (*f.tr, *f.en)}
        values: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        ident: str | None = None
        for prop, raw in item.items():
            name = snake(prop)
            if name in _ID_PROPERTIES:
                ident = None if v.is_empty(raw) else v.parse_id(raw)
                continue
            if prop == "ContactInfos" and isinstance(raw, list):
                self._channels(raw, values, problems)
                continue
            if prop == "CustomFields" and isinstance(raw, list):
                for cf in raw:
                    if isinstance(cf, dict):
                        label = str(cf.get("Name") or cf.get("Label") or "")
                        if label:
                            values["x_" + slug(label)] = cf.get("Value")
                continue
            key = name if name in keys else _PROPERTY_KEYS.get(name)
            fs = keys.get(key) if key else aliases.get(hd.header_key(name.replace("_", " ")))
            if key and fs is None:
                values[key] = raw  # a link (ContactId, OwnerEmail ...): decoded by the caller
                continue
            if fs is None:
                values["x_" + name] = raw
                continue
            decode_type: FieldType = "text" if fs.type == "ref" else fs.type
            try:
                value, currency = dec.decode(decode_type, raw)
            except ValueError as exc:
                problems.append(FieldProblem(fs.key, f"{prop}: {exc}", str(raw)[:200]))
                value, currency = None, None
            values[fs.key] = value
            if fs.type == "money":
                values[fs.key + "__currency"] = currency
        return ident, values, problems

    def _channels(self, infos: list[Any], values: dict[str, Any], problems: list[FieldProblem]) -> None:
        for info in infos:
            if not isinstance(info, dict):
                continue
            sub = str(info.get("SubTypeName") or "")
            raw = info.get("ContactValue")
            key = _CHANNELS.get(re.sub(r"[^a-z]", "", sub.lower()))
            if key is None:
                values["x_" + (snake(sub) or "contact_info")] = raw
                continue
            if values.get(key) is not None:
                continue  # keep the first of a kind, as the UI shows it first
            type_: FieldType = "email" if key.startswith("email") else "url" if key == "website" else "phone"
            try:
                values[key] = dec.decode(type_, raw)[0]
            except ValueError as exc:
                problems.append(FieldProblem(key, f"ContactInfos {sub}: {exc}", str(raw)[:200]))
                values[key] = None

    def _link_values(self, obj: str, values: dict[str, Any]) -> None:
        for k in ("contact", "company", "deal", "quote", "order", "product"):
            if k in values and values[k] is not None and not isinstance(values[k], str):
                values[k] = v.parse_id(values[k])
        for k in ("owner", "author"):
            text = values.get(k)
            if text:
                text = str(text).strip()
                values[k] = text.lower() if "@" in text else text
        if obj == "deal":
            pname = values.get("pipeline")
            pid = (slug(str(pname)) or "default") if pname else "default"
            values["pipeline"] = pid
            stage = values.get("stage")
            values["stage"] = f"{pid}/{slug(str(stage))}" if stage else None
            values["outcome"] = dec.deal_outcome(values.get("status"))
            reason = values.get("lost_reason")
            values["lost_reason"] = slug(str(reason)) if reason else None
        if obj == "lead":
            values["source_channel"] = dec.source_channel(values.get("ad_platform"), values.get("source"),
                                                          values.get("utm_source"))
        if obj == "card":
            bname = values.get("board")
            bid = (slug(str(bname)) or "default") if bname else "default"
            values["board"] = bid
            column = values.get("column")
            values["column"] = f"{bid}/{slug(str(column))}" if column else None
        if obj == "activity":
            values["kind"] = dec.activity_kind(values.get("activity_type"))
            values["done"] = dec.activity_done(values.get("status"))
        currency = values.get("currency")
        if currency:
            try:
                values["currency"] = v.currency_code(str(currency))
            except ValueError:
                values["currency"] = str(currency)
        for key in [k for k in values if k.endswith("__currency")]:
            if values[key] is None and values.get(key[: -len("__currency")]) is not None:
                values[key] = values.get("currency")

    def _items(self, obj: str) -> Iterator[SourceRecord]:
        endpoint_obj = "contact" if obj == "company" else obj
        path = self.endpoints[endpoint_obj]
        for n, item in enumerate(self.http.pages(endpoint_obj), start=1):
            if not isinstance(item, dict):
                yield SourceRecord(obj, f"row-{n}", {}, f"GET {path} item {n}", None,
                                   [FieldProblem(None, "list item is not a JSON object", str(item)[:200])])
                continue
            ident, values, problems = self._decode_item(endpoint_obj, item)
            if endpoint_obj == "contact":
                is_org = bool(values.pop("is_organization", False))
                if is_org != (obj == "company"):
                    continue
                values["is_company"] = is_org
            self._link_values(obj, values)
            if ident is None:
                ident = f"row-{n}"
                problems.append(FieldProblem(None, "item has no Id; its position is used instead"))
            modified = values.get("modified_at")
            yield SourceRecord(obj, ident, values, f"GET {path} Id={ident}",
                               modified if isinstance(modified, dt.datetime) else None, problems)

    # -- derived objects -----------------------------------------------------------------------------------------

    def _derived(self, obj: str) -> Iterator[SourceRecord]:
        if obj in ("pipeline", "stage", "lost_reason"):
            pipelines: dict[str, str] = {}
            stages: dict[str, dict[str, Any]] = {}
            outcomes: dict[str, set[str]] = {}
            reasons: dict[str, str] = {}
            for deal in self._items("deal"):
                raw_pipeline = deal.values["pipeline"]
                pipelines.setdefault(raw_pipeline, raw_pipeline)
                sid = deal.values.get("stage")
                if sid and sid not in stages:
                    count = sum(1 for s in stages.values() if s["pipeline"] == raw_pipeline)
                    stages[sid] = {"name": sid.split("/", 1)[1], "pipeline": raw_pipeline, "sequence": count + 1}
                if sid:
                    outcomes.setdefault(sid, set()).add(deal.values["outcome"])
                if deal.values.get("lost_reason"):
                    reasons.setdefault(deal.values["lost_reason"], deal.values["lost_reason"])
            names = self._cache.get("names", {})
            if obj == "pipeline":
                for seq, pid in enumerate(pipelines, start=1):
                    yield SourceRecord("pipeline", pid, {"name": names.get(pid, pid), "sequence": seq},
                                       "derived from the opportunities' pipeline names")
            elif obj == "stage":
                for sid, s in stages.items():
                    seen = outcomes.get(sid, set())
                    s["stage_type"] = next(iter(seen)) if len(seen) == 1 and seen & {"won", "lost"} else "open"
                    s["name"] = names.get(sid, s["name"])
                    s["probability"] = None
                    yield SourceRecord("stage", sid, s, "derived from the opportunities' stage names")
            else:
                for rid in reasons:
                    yield SourceRecord("lost_reason", rid, {"name": names.get(rid, rid)},
                                       "derived from the opportunities' lost reasons")
        elif obj in ("board", "board_column"):
            boards: dict[str, str] = {}
            columns: dict[str, tuple[str, str, int]] = {}
            for item in self.http.pages("card"):
                # the raw names, before _link_values turns them into ids
                _ident, raw_values, _ = self._decode_item("card", item) if isinstance(item, dict) else (None, {}, [])
                bname = str(raw_values.get("board") or "Default")
                bid = slug(bname) or "default"
                boards.setdefault(bid, bname)
                col = raw_values.get("column")
                if col:
                    cid = f"{bid}/{slug(str(col))}"
                    if cid not in columns:
                        columns[cid] = (str(col), bid, sum(1 for c in columns.values() if c[1] == bid) + 1)
            if obj == "board":
                for bid, bname in boards.items():
                    yield SourceRecord("board", bid, {"name": bname}, "derived from the process cards")
            else:
                for cid, (name, bid, seq) in columns.items():
                    yield SourceRecord("board_column", cid, {"name": name, "board": bid, "sequence": seq},
                                       "derived from the process cards")

    # -- Source --------------------------------------------------------------------------------------------------

    def read(self, object_name: str, *, since: dt.datetime | None = None,
             ids: Collection[str] | None = None) -> Iterator[SourceRecord]:
        if object_name in ("pipeline", "stage", "lost_reason", "board", "board_column"):
            self._remember_names()
            records: Iterator[SourceRecord] = self._derived(object_name)
        elif object_name == "user":
            records = self._users()
        elif object_name in _SPEC_OF or object_name == "company":
            records = self._items(object_name)
        else:
            raise SourceError(f"the Planports API connector has no object {object_name!r}")
        try:
            for record in records:
                if ids is not None and record.id not in ids:
                    continue
                if since is not None and record.modified_at is not None and record.modified_at < since:
                    continue
                yield record
        except MissingEndpoint as missing:
            raise refusal(404, "GET", missing.path, missing.obj, "") from None

    def _remember_names(self) -> None:
        """Display names of derived records (pipeline 'Sağlık Turizmi' for id 'saglik_turizmi')."""
        if "names" in self._cache:
            return
        names: dict[str, str] = {}
        for obj in ("deal",):
            try:
                for item in self.http.pages(obj):
                    _ident, values, _ = self._decode_item(obj, item)
                    pname = values.get("pipeline")
                    pid = (slug(str(pname)) or "default") if pname else "default"
                    names[pid] = str(pname) if pname else "Default"
                    if values.get("stage"):
                        names[f"{pid}/{slug(str(values['stage']))}"] = str(values["stage"])
                    if values.get("lost_reason"):
                        names[slug(str(values["lost_reason"]))] = str(values["lost_reason"])
            except MissingEndpoint:
                pass
        self._cache["names"] = names

    def _users(self) -> Iterator[SourceRecord]:
        try:
            listed = list(self._items("user"))
        except MissingEndpoint:
            yield from self._owners()  # no users endpoint: owners named on the records become the users
            return
        yield from listed
        # An owner named on records but absent from the users list (a removed user) is still an owner: as a user
        # of its own it is matched, or given the fallback owner, instead of quarantining every record it owns.
        known = {fold(str(key)) for r in listed for key in (r.id, r.values.get("email"), r.values.get("name")) if key}
        for owner in self._owners():
            if fold(owner.id) not in known:
                yield owner

    def _owners(self) -> Iterator[SourceRecord]:
        seen: set[str] = set()
        for obj in ("company", "contact", "lead", "deal", "activity"):
            if obj in self._missing:
                continue
            try:
                for rec in self._items(obj):
                    owner = rec.values.get("owner")
                    if owner and owner not in seen:
                        seen.add(owner)
                        yield SourceRecord("user", owner, {"name": None if "@" in owner else owner,
                                                           "email": owner if "@" in owner else None},
                                           f"owner on {rec.locator}")
            except MissingEndpoint:
                continue

    def list_ids(self, object_name: str) -> Iterator[str]:
        return (r.id for r in self.read(object_name))

    def discover(self) -> Catalog:
        objects: list[ObjectInfo] = []
        for obj in ("contact", *[o for o in DEFAULT_ENDPOINTS if o != "contact"],
                    *[o for o in self.endpoints if o not in DEFAULT_ENDPOINTS]):
            if obj not in _SPEC_OF:
                self._warnings.append(f"[source.endpoints] {obj}: no object of that name; known: "
                                      + ", ".join(DEFAULT_ENDPOINTS))
                continue
            path = self.endpoints[obj]
            try:
                sample = []
                for item in self.http.pages(obj):
                    sample.append(item)
                    if len(sample) >= 200:
                        break
            except MissingEndpoint as missing:
                self._missing.add(obj)
                self._warnings.append(missing.message + " " + missing.hint)
                continue
            targets = ("contact", "company") if obj == "contact" else (obj,)
            for target in targets:
                objects.append(self._object_info(target, obj, path, sample))
        present = {o.name for o in objects}
        if "deal" in present:
            objects.append(ObjectInfo("pipeline", "Satış Süreçleri", (FieldInfo("name", "Pipeline", "text"),
                                      FieldInfo("sequence", "Sequence", "integer")), origin="derived from deals"))
            objects.append(ObjectInfo("stage", "Aşamalar", (
                FieldInfo("name", "Stage", "text"), FieldInfo("pipeline", "Pipeline", "ref", ref_object="pipeline"),
                FieldInfo("sequence", "Sequence", "integer"), FieldInfo("probability", "Probability", "percent"),
                FieldInfo("stage_type", "Type", "select", options=("open", "won", "lost"))),
                depends_on=("pipeline",), origin="derived from deals"))
            objects.append(ObjectInfo("lost_reason", "Kayıp Nedenleri", (FieldInfo("name", "Lost Reason", "text"),),
                                      origin="derived from deals"))
        if "card" in present:
            objects.append(ObjectInfo("board", "Panolar", (FieldInfo("name", "Board", "text"),),
                                      origin="derived from process cards"))
            objects.append(ObjectInfo("board_column", "Sütunlar", (
                FieldInfo("name", "Column", "text"), FieldInfo("board", "Board", "ref", ref_object="board"),
                FieldInfo("sequence", "Sequence", "integer")), depends_on=("board",), origin="derived from process cards"))
        if "user" not in present:
            objects.append(ObjectInfo("user", "Kullanıcılar", (FieldInfo("name", "Name", "text"),
                                                              FieldInfo("email", "Email", "email")),
                                      origin="derived from owner fields (no users endpoint)"))
        self._warnings.append("attachments, WhatsApp history and workflow rules are not available over the "
                              "Planports API as far as is known; use the Excel export for attachments")
        return Catalog(KIND, tuple(objects), (), tuple(dict.fromkeys(self._warnings)),
                       {"base_url": self.base_url, "api_user": self.email, "timezone": "Europe/Istanbul"})

    def _object_info(self, obj: str, endpoint_obj: str, path: str, sample: list[Any]) -> ObjectInfo:
        spec = _SPEC_OF[endpoint_obj]
        fields: dict[str, FieldInfo] = {}
        columns: dict[str, list[Any]] = {}
        for item in sample:
            if not isinstance(item, dict):
                continue
            _ident, values, _ = self._decode_item(endpoint_obj, item)
            if endpoint_obj == "contact":
                values.pop("is_organization", None)
            self._link_values(obj, values)
            for k, val in values.items():
                columns.setdefault(k, []).append(val)
        spec_keys = {f.key: f for f in spec.fields}
        for key, vals in columns.items():
            base = key[: -len("__currency")] if key.endswith("__currency") else key
            fs = spec_keys.get(base)
            if key.endswith("__currency"):
                fields[key] = FieldInfo(key, f"{base} currency", "text",
                                        description=f"ISO code of the {base} amount's currency (from the value or the "
                                                    "Currency property); derived by crm2odoo")
            elif key.startswith("x_"):
                type_, inferred = dec.infer_type(vals)
                fields[key] = FieldInfo(key, key[2:], type_, custom=True, options=inferred,
                                        description=f"property or custom field not known to this tool, on GET {path}")
            elif fs is not None:
                ref = fs.ref or _REF_OF.get(key)
                options: tuple[str, ...] = ()
                if fs.type == "select" and not ref:
                    options = tuple(dict.fromkeys(str(x) for x in vals if x is not None))[:50]
                fields[key] = FieldInfo(key, fs.header("en"), "ref" if ref else fs.type, options=options,
                                        ref_object=ref, description=fs.description)
            elif key in _REF_OF:
                fields[key] = FieldInfo(key, key, "ref", ref_object=_REF_OF[key])
            else:
                fields[key] = FieldInfo(key, key, "text")
        for key, type_, ref in _API_DERIVED.get(obj, ()):
            fields[key] = FieldInfo(key, key, type_, ref_object=ref, description="derived by crm2odoo")
        deps = tuple(dict.fromkeys(f.ref_object for f in fields.values() if f.ref_object and f.ref_object != obj))
        return ObjectInfo(obj, spec.label_en if obj != "company" else "Companies", tuple(fields.values()),
                          None, deps, origin=f"GET {path}")

    def close(self) -> None:
        self.http.close()


_REF_OF = {"contact": "contact", "company": "company", "deal": "deal", "owner": "user", "author": "user",
           "quote": "quote", "order": "order", "product": "product", "pipeline": "pipeline", "stage": "stage",
           "lost_reason": "lost_reason", "board": "board", "column": "board_column"}
_API_DERIVED: dict[str, tuple[tuple[str, Any, str | None], ...]] = {
    "contact": (("is_company", "boolean", None),), "company": (("is_company", "boolean", None),),
    "deal": (("outcome", "select", None), ("pipeline", "ref", "pipeline"), ("stage", "ref", "stage")),
    "lead": (("source_channel", "select", None),),
    "activity": (("kind", "select", None), ("done", "boolean", None)),
}


__all__ = ["DEFAULT_ENDPOINTS", "KIND", "PlanportsApiSource", "snake"]
