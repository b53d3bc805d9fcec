"""How to read each canonical object from an Ontraport account: its objectID, key, fields and their codecs,
learned from ``/objects/meta``; stages, pipelines, deal tags, invoice lines and payments derived where the account
has no object of their own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from crm2odoo.sources.base import FieldInfo, FieldType
from crm2odoo.sources.ontraport.api_http import OntraportHttp
from crm2odoo.sources.ontraport.decode import META_TYPES, FieldCodec, is_custom_key, options_of
from crm2odoo.sources.ontraport.keys import key_from_meta, own_key_names
from crm2odoo.sources.ontraport.objects import (
    CANONICAL_OF_ID,
    CUSTOM_OBJECT_MIN_ID,
    STANDARD_TYPES,
    TAG_SUBSCRIBER_ID,
    ObjectType,
)
from crm2odoo.sources.ontraport.refusals import OntraportHttpError
from crm2odoo.sources.ontraport.transactions import LINE_FIELDS, PAYMENT_FIELDS
from crm2odoo.textnorm import fold, slug
from crm2odoo.textnorm import plural as english_plural

Clause = tuple[str, str, Any]


PlanKind = Literal["direct", "tag", "deal_tag", "stage", "pipeline", "lines_from_offers", "payments_from_invoices"]


@dataclass
class ReadPlan:
    """How to read one canonical object."""

    name: str
    kind: PlanKind
    object_id: int | None
    label: str
    plural: str
    id_key: str = "id"
    key_known: bool = True  # False until the meta named the key or a returned record showed it
    codecs: dict[str, FieldCodec] = field(default_factory=dict)
    fields: tuple[FieldInfo, ...] = ()
    has_dlm: bool = False
    options: dict[str, str] = field(default_factory=dict)  # stage / pipeline: option id -> label
    custom: bool = False
    meta_fields: Mapping[str, Any] = field(default_factory=dict)


class PlanBuilder:
    """Builds the read plans of every object this account's key can see (warnings say what it cannot)."""

    def __init__(self, http: OntraportHttp) -> None:
        self.http = http

    def _meta_of(self, object_id: int, meta_all: Mapping[str, Any]) -> Mapping[str, Any]:
        meta = meta_all.get(str(object_id))
        if isinstance(meta, Mapping):
            return meta
        data = self.http.get("/objects/meta", {"objectID": str(object_id), "format": "byId"})
        if isinstance(data, Mapping):
            inner = data.get(str(object_id), data)
            if isinstance(inner, Mapping) and "fields" in inner:
                return inner
        raise OntraportHttpError(f"no meta for objectID {object_id}", status=404)

    def build(self, warnings: list[str]) -> tuple[dict[str, ReadPlan], Mapping[str, Any]]:
        meta_all: Mapping[str, Any] = {}
        try:
            data = self.http.get("/objects/meta", {"format": "byId"})
            if isinstance(data, Mapping):
                meta_all = data
        except OntraportHttpError as err:
            warnings.append(f"/objects/meta for all types failed ({err.status}); asking per type")
        names_by_id: dict[int, str] = dict(CANONICAL_OF_ID)
        customs: list[tuple[int, Mapping[str, Any]]] = []
        for key, meta in meta_all.items():
            if key.lstrip("-").isdigit() and int(key) >= CUSTOM_OBJECT_MIN_ID and isinstance(meta, Mapping):
                customs.append((int(key), meta))
                names_by_id[int(key)] = _custom_name(meta)
        plans: dict[str, ReadPlan] = {}
        for t in STANDARD_TYPES:
            try:
                meta = self._meta_of(t.object_id, meta_all)
            except OntraportHttpError as err:
                if t.name not in ("invoice_line", "payment"):
                    warnings.append(f"{t.label} (objectID {t.object_id}) is not available to this key "
                                    f"(HTTP {err.status}); '{t.name}' is left out")
                continue
            plans[t.name] = self._plan_from_meta(t.name, t, t.object_id, meta, names_by_id, warnings)
        if "tag" in plans:
            plans["tag"].kind = "tag"
        deal = plans.get("deal")
        if deal is not None:
            self._stage_plans(deal, plans)
            self._deal_tag_plan(deal, plans, meta_all, warnings)
        invoice = plans.get("invoice")
        if invoice is not None and "invoice_line" not in plans:
            plans["invoice_line"] = _derived_lines_plan()
            warnings.append("Purchases (17) are not available: invoice lines are derived from transactions' "
                            "offer_data")
        elif invoice is not None and plans["invoice_line"].kind == "direct":
            # Purchases carry no tax: each line gets its transaction's rate (read with the lines)
            plans["invoice_line"].fields = (*plans["invoice_line"].fields,
                                            FieldInfo("tax_rate", "Tax rate", "percent"))
        payment = plans.get("payment")
        if payment is not None and not any(f.ref_object == "invoice" for f in payment.fields):
            # a Payments object whose meta names no transaction cannot say what each payment pays
            warnings.append(f"Payments (objectID {payment.object_id}) name no transaction they pay; "
                            + ("payments are derived from transactions instead" if invoice is not None
                               else "'payment' is left out"))
            del plans["payment"]
        if invoice is not None and "payment" not in plans:
            plans["payment"] = _derived_payments_plan()
        for object_id, meta in sorted(customs):
            name = names_by_id[object_id]
            plans[name] = self._plan_from_meta(name, None, object_id, meta, names_by_id, warnings)
            plans[name].custom = True
        return plans, meta_all

    def _plan_from_meta(self, name: str, t: ObjectType | None, object_id: int, meta: Mapping[str, Any],
                        names_by_id: Mapping[int, str], warnings: list[str]) -> ReadPlan:
        raw_fields = meta.get("fields")
        fields_meta: Mapping[str, Any] = raw_fields if isinstance(raw_fields, Mapping) else {}
        label = str(meta.get("name") or (t.label if t else name))
        plural = t.plural if t else str(meta.get("plural") or english_plural(label))
        self.http.labels[str(object_id)] = f"{plural} (objectID {object_id})"
        named = key_from_meta(own_key_names(label, plural), fields_meta)
        id_key = named or "id"
        codecs: dict[str, FieldCodec] = {}
        infos = [FieldInfo(name="id", label="ID", type="id", required=True)]
        for key, fm in fields_meta.items():
            if key in ("id", id_key) or not isinstance(fm, Mapping):
                continue
            meta_type = str(fm.get("type") or "text")
            options = options_of(fm)
            ref_object: str | None = None
            ftype: FieldType
            if t is not None and key in t.multi_refs:
                ftype, ref_object = "refs", t.multi_refs[key]
            elif t is not None and key in t.refs:
                ftype, ref_object = "ref", t.refs[key]
            elif meta_type == "parent":
                parent = str(fm.get("parent_object") or "")
                ref_object = names_by_id.get(int(parent)) if parent.lstrip("-").isdigit() else None
                ftype = "ref" if ref_object else "id"
            elif key == "owner":
                ftype, ref_object = "ref", "user"
            elif meta_type in META_TYPES:
                ftype = META_TYPES[meta_type]
            else:
                ftype = "text"
                warnings.append(f"{label}.{key}: unknown field type {meta_type!r}, read as text")
            if key == "unique_id":
                ftype = "id"  # an immutable key: must stay text
            if t is not None and key in t.type_overrides:
                ftype = t.type_overrides[key]
            if name == "deal" and ftype == "select" and fold(str(fm.get("alias") or key)) == "pipeline" \
                    and len(options) > 1:
                ftype, ref_object = "ref", "pipeline"
            info = FieldInfo(
                name=key, label=str(fm.get("alias") or key), type=ftype, custom=is_custom_key(key),
                options=tuple(options.values()) if ftype in ("select", "multiselect") else (),
                ref_object=ref_object, required=str(fm.get("required", "0")) == "1",
            )
            infos.append(info)
            codecs[key] = FieldCodec(info, options)
        return ReadPlan(name=name, kind="direct", object_id=object_id, label=label, plural=plural, id_key=id_key,
                     key_known=named is not None, codecs=codecs, fields=tuple(infos), has_dlm="dlm" in fields_meta,
                     meta_fields=fields_meta)

    def _deal_tag_plan(self, deal: ReadPlan, plans: dict[str, ReadPlan], meta_all: Mapping[str, Any],
                       warnings: list[str]) -> None:
        """Deal tags live in the Tag table (object_type_id 149) and reach deals through Tag Subscribers (138)."""
        tag = plans.get("tag")
        if tag is None:
            return
        try:
            self._meta_of(TAG_SUBSCRIBER_ID, meta_all)
        except OntraportHttpError as err:
            warnings.append(f"Tag Subscribers (objectID {TAG_SUBSCRIBER_ID}) are not available to this key "
                            f"(HTTP {err.status}): deals are read without their tags")
            return
        plans["deal_tag"] = replace(tag, name="deal_tag", kind="deal_tag", label="Deal tag", plural="Tags (of deals)")
        deal.fields = (*deal.fields, FieldInfo("tags", "Deal tags", "refs", ref_object="deal_tag"))

    def _stage_plans(self, deal: ReadPlan, plans: dict[str, ReadPlan]) -> None:
        stage_codec = deal.codecs.get("sales_stage")
        if stage_codec is not None:
            plans["stage"] = ReadPlan(
                name="stage", kind="stage", object_id=None, label="Sales Stage", plural="Deals sales_stage options",
                fields=(FieldInfo("id", "ID", "id", required=True), FieldInfo("name", "Name", "text"),
                        FieldInfo("sequence", "Sequence", "integer"), FieldInfo("is_won", "Won", "boolean"),
                        FieldInfo("is_lost", "Lost", "boolean")),
                options=dict(stage_codec.option_labels),
            )
        pipe = next((c for c in deal.codecs.values() if c.info.ref_object == "pipeline"), None)
        if pipe is not None:
            plans["pipeline"] = ReadPlan(
                name="pipeline", kind="pipeline", object_id=None, label="Pipeline",
                plural=f"Deals {pipe.info.name} options",
                fields=(FieldInfo("id", "ID", "id", required=True), FieldInfo("name", "Name", "text"),
                        FieldInfo("sequence", "Sequence", "integer")),
                options=dict(pipe.option_labels),
            )


def _custom_name(meta: Mapping[str, Any]) -> str:
    label = str(meta.get("plural") or english_plural(str(meta.get("name") or "object")))
    return "custom_" + (slug(label) or "object")


def _derived_lines_plan() -> ReadPlan:
    return ReadPlan(name="invoice_line", kind="lines_from_offers", object_id=None, label="Transaction line",
                 plural="Transactions offer_data", fields=LINE_FIELDS, has_dlm=True)


def _derived_payments_plan() -> ReadPlan:
    return ReadPlan(name="payment", kind="payments_from_invoices", object_id=None, label="Payment",
                 plural="Transactions (paid)", fields=PAYMENT_FIELDS, has_dlm=True)
