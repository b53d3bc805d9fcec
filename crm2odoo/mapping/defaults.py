"""Where each canonical source object lands in Odoo, and which Odoo field each field *concept* fills there.

These tables are the Odoo side of the proposer: a concept (from :mod:`crm2odoo.mapping.synonyms`) is looked up
under the target model, and a field is used only if the live ``fields_get`` has it (so version differences such
as ``mobile`` on 19 resolve themselves from the target's own schema).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm2odoo.sources import registry


@dataclass(frozen=True, eq=False)
class Target:
    """One way to fill an Odoo field from a concept. ``kind`` is what its values should look like."""

    field: str
    transform: str = "text"
    kind: str = "text"  # email phone url date datetime number money percent boolean text longtext id any select
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    special: str = ""  # handled in propose.py: name, country, state, owner, owner_partner, utm, status, ...
    weight: float = 1.0  # < 1 for a stand-in (a meeting's start as a to-do's deadline): never fully sure


@dataclass(frozen=True, eq=False)
class ObjectDefault:
    model: str
    constants: dict[str, Any] = dataclasses.field(default_factory=dict)
    dedupe: tuple[str, ...] = ()
    match_existing: bool = False
    options: dict[str, Any] = dataclasses.field(default_factory=dict)
    reason: str = ""


def _t(fld: str, transform: str = "text", kind: str = "text", special: str = "", *, weight: float = 1.0,
       **params: Any) -> Target:
    return Target(fld, transform, kind, dict(params), special, weight)


_EMAIL = _t("email", "email", "email")
_PARTNER_COMMON: dict[str, list[Target]] = {
    "email": [_EMAIL],
    "phone": [_t("phone", "phone", "phone")],
    "mobile": [_t("mobile", "phone", "phone"), _t("phone", "phone", "phone")],
    "street": [_t("street")],
    "street2": [_t("street2")],
    "city": [_t("city")],
    "state": [_t("state_id", "lookup", "text", "state")],
    "zip": [_t("zip", "text", "id")],
    "country": [_t("country_id", "lookup", "text", "country")],
    "website": [_t("website", "text", "url")],
    "vat": [_t("vat", "text", "id")],
    "notes": [_t("comment", "html", "longtext")],
    "tags": [_t("category_id", "refs", "any", "tags")],
    "owner": [_t("user_id", "owner", "any", "owner")],
    "language": [_t("lang", "value_map", "text", "lang")],
    "industry": [_t("industry_id", "lookup", "text", "", model="res.partner.industry", by=["name", "full_name"])],
}

MODEL_CONCEPTS: dict[str, dict[str, list[Target]]] = {
    "res.partner#contact": {
        **_PARTNER_COMMON,
        "full_name": [_t("name", special="name")],
        "first_name": [_t("name", special="name")],
        "last_name": [_t("name", special="name")],
        "company_name": [_t("company_name")],
        "job_title": [_t("function")],
        "contact_type": [_t("is_company", "value_map", "select", "is_company")],
    },
    "res.partner#company": {
        **_PARTNER_COMMON,
        "company_name": [_t("name", special="name")],
        "full_name": [_t("name", special="name")],
        "contact_type": [_t("is_company", "value_map", "select", "is_company")],
    },
    "res.users": {
        "full_name": [_t("name")],
        "first_name": [_t("name", special="name")],
        "last_name": [_t("name", special="name")],
        "email": [_EMAIL],
    },
    "res.partner.category": {"full_name": [_t("name")], "tags": [_t("name")]},
    "crm.tag": {"full_name": [_t("name")], "tags": [_t("name")]},
    "crm.team": {"full_name": [_t("name")], "pipeline": [_t("name")], "deal_name": [_t("name")],
                 "sequence": [_t("sequence", "number", "number", integer=True)]},
    "crm.lost.reason": {"full_name": [_t("name")], "lost_reason": [_t("name")]},
    "crm.stage": {
        "full_name": [_t("name")],
        "stage": [_t("name")],
        "sequence": [_t("sequence", "number", "number", integer=True)],
        "stage_kind": [_t("is_won", "value_map", "select", "stage_kind")],
        "folded": [_t("fold", "boolean", "boolean")],
    },
    "crm.lead": {
        "deal_name": [_t("name")],
        "full_name": [_t("contact_name")],
        "first_name": [_t("contact_name", special="name")],
        "last_name": [_t("contact_name", special="name")],
        "company_name": [_t("partner_name")],
        "job_title": [_t("function")],
        "email": [_t("email_from", "email", "email")],
        "phone": [_t("phone", "phone", "phone")],
        "mobile": [_t("mobile", "phone", "phone"), _t("phone", "phone", "phone")],
        "street": [_t("street")],
        "street2": [_t("street2")],
        "city": [_t("city")],
        "state": [_t("state_id", "lookup", "text", "state")],
        "zip": [_t("zip", "text", "id")],
        "country": [_t("country_id", "lookup", "text", "country")],
        "website": [_t("website", "text", "url")],
        "stage": [_t("stage_id", "ref", "any", "stage")],
        "pipeline": [_t("team_id", "ref", "any", "pipeline")],
        "deal_status": [_t("active", "value_map", "select", "status")],
        "probability": [_t("probability", "number", "percent")],
        "amount": [_t("expected_revenue", "number", "money")],
        "expected_close": [_t("date_deadline", "date", "date")],
        "close_date": [_t("date_closed", "datetime", "date")],
        "lost_reason": [_t("lost_reason_id", "ref", "any", "lost_reason")],
        "owner": [_t("user_id", "owner", "any", "owner")],
        "tags": [_t("tag_ids", "refs", "any", "deal_tags")],
        "notes": [_t("description", "html", "longtext")],
        "lead_source": [_t("source_id", "lookup", "text", "utm", model="utm.source", by=["name"], create=True)],
        "campaign": [_t("campaign_id", "lookup", "text", "utm", model="utm.campaign", by=["name"], create=True)],
        "medium": [_t("medium_id", "lookup", "text", "utm", model="utm.medium", by=["name"], create=True)],
        "priority": [_t("priority", "value_map", "select", "priority")],
        "language": [_t("lang_id", "lookup", "text", "", model="res.lang", by=["code", "iso_code", "name"])],
    },
    "mail.message": {
        "notes": [_t("body", "html", "longtext")],
        "created": [_t("date", "datetime", "date")],
        "done_date": [_t("date", "datetime", "date")],
        "subject": [_t("subject")],
        "owner": [_t("author_id", "owner", "any", "owner_partner")],
        "created_by": [_t("author_id", "owner", "any", "owner_partner")],
    },
    "mail.activity": {
        "subject": [_t("summary")],
        "notes": [_t("note", "html", "longtext")],
        "due_date": [_t("date_deadline", "date", "date")],
        "start": [_t("date_deadline", "date", "date", weight=0.85)],
        "owner": [_t("user_id", "owner", "any", "owner")],
    },
    "calendar.event": {
        "subject": [_t("name")],
        "start": [_t("start", "datetime", "date")],
        "due_date": [_t("start", "datetime", "date", weight=0.85)],  # a meeting due then starts then
        "stop": [_t("stop", "datetime", "date")],
        "duration": [_t("duration", "number", "number")],
        "location": [_t("location")],
        "notes": [_t("description", "html", "longtext")],
        "owner": [_t("user_id", "owner", "any", "owner")],
    },
    "product.product": {
        "product_name": [_t("name")],
        "full_name": [_t("name")],
        "product_code": [_t("default_code", "text", "id")],
        "list_price": [_t("list_price", "number", "money")],
        "cost_price": [_t("standard_price", "number", "money")],
        "barcode": [_t("barcode", "text", "id")],
        "notes": [_t("description", "html", "longtext")],
        "product_kind": [_t("type", "value_map", "select", "product_type")],
        "category": [_t("categ_id", "lookup", "text", "", model="product.category", by=["complete_name", "name"],
                        create=True)],
    },
    "sale.order": {
        "order_date": [_t("date_order", "datetime", "date")],
        "validity_date": [_t("validity_date", "date", "date")],
        "owner": [_t("user_id", "owner", "any", "owner")],
        "deal_status": [_t("state", "value_map", "select", "order_state")],
        "notes": [_t("note", "html", "longtext")],
        "reference": [_t("client_order_ref")],
        "delivery_date": [_t("commitment_date", "datetime", "date")],
    },
    "sale.order.line": {
        "product_name": [_t("name")],
        "notes": [_t("name")],
        "quantity": [_t("product_uom_qty", "number", "number")],
        "price_unit": [_t("price_unit", "number", "money")],
        "list_price": [_t("price_unit", "number", "money", weight=0.95)],
        "discount": [_t("discount", "number", "percent")],
        "sequence": [_t("sequence", "number", "number", integer=True)],
        "tax_rate": [_t("tax_id", "taxes", "percent"), _t("tax_ids", "taxes", "percent")],  # tax_ids from 19
    },
    "account.move": {
        "order_date": [_t("invoice_date", "date", "date")],
        "created": [_t("invoice_date", "date", "date")],
        "due_date": [_t("invoice_date_due", "date", "date")],
        "reference": [_t("ref")],
        "notes": [_t("narration", "html", "longtext")],
        "owner": [_t("invoice_user_id", "owner", "any", "owner")],
    },
    "account.move.line": {
        "product_name": [_t("name")],
        "notes": [_t("name")],
        "quantity": [_t("quantity", "number", "number")],
        "price_unit": [_t("price_unit", "number", "money")],
        "list_price": [_t("price_unit", "number", "money", weight=0.95)],
        "discount": [_t("discount", "number", "percent")],
        "tax_rate": [_t("tax_ids", "taxes", "percent")],
    },
    "account.payment": {
        "amount": [_t("amount", "number", "money")],
        "created": [_t("date", "date", "date")],
        "reference": [_t("memo"), _t("ref")],  # the memo is ``ref`` on 17
    },
    "project.project": {"full_name": [_t("name")], "pipeline": [_t("name")], "notes": [_t("description", "html",
                                                                                          "longtext")]},
    "project.task.type": {"full_name": [_t("name")], "stage": [_t("name")],
                          "sequence": [_t("sequence", "number", "number", integer=True)],
                          "folded": [_t("fold", "boolean", "boolean")]},
    "project.task": {
        "subject": [_t("name")],
        "deal_name": [_t("name")],
        "due_date": [_t("date_deadline", "datetime", "date")],
        "notes": [_t("description", "html", "longtext")],
        "sequence": [_t("sequence", "number", "number", integer=True)],
        "owner": [_t("user_ids", "refs", "any", "users")],
        "tags": [_t("tag_ids", "refs", "any", "")],
        "priority": [_t("priority", "value_map", "select", "priority")],
    },
    "ir.attachment": {
        "file_name": [_t("name")],
        "full_name": [_t("name")],
        "file_data": [_t("datas", "copy", "any")],
        "mimetype": [_t("mimetype")],
        "notes": [_t("description")],
        "file_url": [_t("url", "text", "url")],
    },
}

#: (model concept table key, referenced source object) -> Odoo field for ref / refs source fields
REF_TARGETS: dict[str, dict[str, str]] = {
    "res.partner#contact": {"company": "parent_id", "tag": "category_id", "user": "user_id"},
    "res.partner#company": {"tag": "category_id", "user": "user_id", "company": "parent_id"},
    "crm.lead": {"contact": "partner_id", "company": "partner_id", "stage": "stage_id", "pipeline": "team_id",
                 "user": "user_id", "lost_reason": "lost_reason_id", "deal_tag": "tag_ids", "tag": "tag_ids"},
    "crm.stage": {"pipeline": "team_id"},
    "calendar.event": {"contact": "partner_ids", "company": "partner_ids", "deal": "opportunity_id",
                       "lead": "opportunity_id", "user": "user_id"},
    "sale.order": {"contact": "partner_id", "company": "partner_id", "deal": "opportunity_id", "user": "user_id",
                   "pipeline": "team_id"},
    "sale.order.line": {"quote": "order_id", "order": "order_id", "product": "product_id"},
    "account.move": {"contact": "partner_id", "company": "partner_id", "user": "invoice_user_id"},
    "account.move.line": {"invoice": "move_id", "product": "product_id"},
    # no partner: the register-payment wizard pays the invoice's commercial partner (a contact's company)
    "account.payment": {"invoice": "reconciled_invoice_ids"},
    "project.project": {"contact": "partner_id", "company": "partner_id", "user": "user_id"},
    "project.task.type": {"board": "project_ids"},
    "project.task": {"board": "project_id", "board_column": "stage_id", "contact": "partner_id",
                     "company": "partner_id", "user": "user_ids", "deal": "x_deal_id"},
    "mail.message": {"user": "author_id"},
    "mail.activity": {"user": "user_id"},
    "res.partner.category": {"tag": "parent_id"},
}

#: objects a note / task / attachment can belong to, in the order the record_ref tries them: the most particular
#: record first (a note naming a deal and its contact belongs on the deal), a person before the firm
RECORD_OWNERS: tuple[str, ...] = ("deal", "lead", "quote", "order", "invoice", "card", "contact", "company")

#: source object -> Odoo model for many2one / many2many fields on x_ models
OBJECT_MODELS: dict[str, str] = {
    "company": "res.partner", "contact": "res.partner", "user": "res.users", "lead": "crm.lead",
    "deal": "crm.lead", "pipeline": "crm.team", "stage": "crm.stage", "tag": "res.partner.category",
    "deal_tag": "crm.tag", "lost_reason": "crm.lost.reason", "product": "product.product",
    "quote": "sale.order", "order": "sale.order", "invoice": "account.move", "board": "project.project",
    "board_column": "project.task.type", "card": "project.task",
}

#: canonical object (crm2odoo.sources.base.StandardObject) -> where it lands; see OBJECT_DEFAULTS
_CANONICAL_DEFAULTS: dict[str, ObjectDefault] = {
    "company": ObjectDefault("res.partner", {"is_company": True}, ("name",), True),
    "contact": ObjectDefault("res.partner", {"is_company": False, "type": "contact"}, ("email",), True),
    "user": ObjectDefault("res.users", {}, ("email",), False, {"match_only": True},
                          "owners are matched to existing Odoo users by email, never created"),
    "tag": ObjectDefault("res.partner.category", {}, ("name",), True),
    "deal_tag": ObjectDefault("crm.tag", {}, ("name",), True),
    "pipeline": ObjectDefault("crm.team", {}, ("name",), True),
    # no name dedupe: two pipelines may each have a stage called 'Teklif', and they must stay apart
    "stage": ObjectDefault("crm.stage", {}),
    "lost_reason": ObjectDefault("crm.lost.reason", {}, ("name",), True),
    "lead": ObjectDefault("crm.lead", {"type": "lead"}),
    "deal": ObjectDefault("crm.lead", {"type": "opportunity"}),
    "note": ObjectDefault("mail.message", {"message_type": "comment"}),
    "engagement": ObjectDefault("mail.message", {"message_type": "comment"}),
    "product": ObjectDefault("product.product", {}, ("default_code",), True),
    "quote": ObjectDefault("sale.order", {}),
    "order": ObjectDefault("sale.order", {}),
    "quote_line": ObjectDefault("sale.order.line", {}),
    "order_line": ObjectDefault("sale.order.line", {}),
    "invoice": ObjectDefault("account.move", {"move_type": "out_invoice"}),
    "invoice_line": ObjectDefault("account.move.line", {}),
    # registered through Odoo's wizard against the invoice (load/payments.py), which sets type and journal itself
    "payment": ObjectDefault("account.payment", {}, (), False, {"register_payments": True}),
    "board": ObjectDefault("project.project", {}, ("name",), True),
    "board_column": ObjectDefault("project.task.type", {}),
    "card": ObjectDefault("project.task", {}),
    "attachment": ObjectDefault("ir.attachment", {}),
    "campaign_enrollment": ObjectDefault("res.partner", {}, (), False, {"apply_tags": True}),
}

#: object -> where it lands: the canonical objects above, plus any object a registered source adds to the
#: vocabulary (``object_defaults`` of its registration, crm2odoo/sources/<system>/__init__.py)
OBJECT_DEFAULTS: Mapping[str, ObjectDefault] = registry.LiveTable(_CANONICAL_DEFAULTS, registry.object_defaults)

#: what a value of a status-like column means, by folded word; shared by deal status, stage type, task status
WON_WORDS = frozenset({"won", "win", "kazanildi", "kazanilan", "kazandi", "gewonnen", "closed won", "satildi",
                       "kiralandi", "basarili", "success", "successful", "erfolgreich", "converted", "onaylandi"})
LOST_WORDS = frozenset({"lost", "kaybedildi", "kaybedilen", "kaybetti", "verloren", "closed lost", "iptal",
                        "cancelled", "canceled", "storniert", "abandoned", "rejected", "reddedildi", "gecersiz",
                        "abgesagt", "failed", "basarisiz", "declined"})
OPEN_WORDS = frozenset({"open", "acik", "offen", "pending", "beklemede", "in progress", "devam ediyor", "active",
                        "aktif", "new", "yeni", "planlandi", "planned", "geplant", "gecikti", "overdue",
                        "not started", "waiting", "bekliyor", "0"})
DONE_WORDS = frozenset({"done", "completed", "complete", "tamamlandi", "bitti", "erledigt", "abgeschlossen",
                        "closed", "kapandi", "yapildi", "finished", "1"})
TASK_CANCEL_WORDS = frozenset({"cancelled", "canceled", "iptal", "storniert", "abgesagt", "2"})

PRIORITY_WORDS: dict[str, str] = {
    "low": "0", "dusuk": "0", "niedrig": "0", "normal": "0", "1": "0",
    "medium": "1", "orta": "1", "mittel": "1", "2": "1",
    "high": "2", "yuksek": "2", "hoch": "2", "3": "2",
    "very high": "3", "urgent": "3", "cok yuksek": "3", "acil": "3", "sehr hoch": "3", "dringend": "3", "4": "3",
}

PERSON_WORDS = frozenset({"kisi", "gercek kisi", "person", "individual", "contact", "bireysel", "privatperson",
                          "false", "0", "hayir", "no"})
COMPANY_WORDS = frozenset({"firma", "tuzel kisi", "company", "organization", "organisation", "kurumsal",
                           "sirket", "unternehmen", "business", "true", "1", "evet", "yes"})

SERVICE_WORDS = frozenset({"hizmet", "service", "dienstleistung", "servis"})
GOODS_WORDS = frozenset({"urun", "product", "goods", "mal", "produkt", "ware", "consumable", "stok", "stock"})

LANGUAGE_WORDS: dict[str, str] = {
    "turkce": "tr_TR", "turkish": "tr_TR", "turkisch": "tr_TR", "tr": "tr_TR", "tr tr": "tr_TR",
    "ingilizce": "en_US", "english": "en_US", "englisch": "en_US", "en": "en_US", "en us": "en_US",
    "en gb": "en_GB", "almanca": "de_DE", "german": "de_DE", "deutsch": "de_DE", "de": "de_DE", "de de": "de_DE",
    "arapca": "ar_001", "arabic": "ar_001", "arabisch": "ar_001", "ar": "ar_001",
    "rusca": "ru_RU", "russian": "ru_RU", "russisch": "ru_RU", "ru": "ru_RU",
    "fransizca": "fr_FR", "french": "fr_FR", "franzosisch": "fr_FR", "fr": "fr_FR",
    "ispanyolca": "es_ES", "spanish": "es_ES", "spanisch": "es_ES", "es": "es_ES",
    "italyanca": "it_IT", "italian": "it_IT", "italienisch": "it_IT", "it": "it_IT",
    "hollandaca": "nl_NL", "dutch": "nl_NL", "niederlandisch": "nl_NL", "nl": "nl_NL",
}

ORDER_STATE_WORDS: dict[str, str] = {
    "taslak": "draft", "draft": "draft", "entwurf": "draft", "beklemede": "draft", "pending": "draft",
    "gonderildi": "sent", "sent": "sent", "gesendet": "sent", "verschickt": "sent",
    "onaylandi": "sale", "kabul edildi": "sale", "accepted": "sale", "confirmed": "sale", "won": "sale",
    "siparise donustu": "sale", "sales order": "sale", "angenommen": "sale", "bestatigt": "sale",
    "hazirlaniyor": "sale", "teslim edildi": "sale", "faturalandi": "sale", "delivered": "sale",
    "invoiced": "sale",
    "reddedildi": "cancel", "rejected": "cancel", "iptal": "cancel", "cancelled": "cancel", "canceled": "cancel",
    "suresi doldu": "cancel", "expired": "cancel", "abgelehnt": "cancel", "storniert": "cancel",
}

