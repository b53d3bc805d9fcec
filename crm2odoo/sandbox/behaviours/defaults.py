"""The values Odoo fills in before a create: field defaults per model, and what ``default_get`` reports of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import now, today, user_partner, xmlid_id

if TYPE_CHECKING:
    from ..orm import Env
    from ..schema import Model

SKIP_REQUIRED = {"alias_id", "alias_model_id", "alias_contact", "alias_defaults", "property_account_payable_id",
                 "property_account_receivable_id", "product_variant_ids", "field_id"}


def skip_required(model: Model, fname: str) -> bool:
    # _inherits parents (mail.alias, account.move of ≤17 payments) and company-dependent properties are
    # filled by Odoo itself, so their NOT NULL never reaches a client.
    return fname in SKIP_REQUIRED or (model.name == "account.payment" and fname == "move_id")


def _model_defaults(env: Env) -> dict[str, dict[str, Any]]:
    """The declared defaults of each model (``default=`` in its Odoo 18 source) a migration can observe."""
    return {
        "res.partner": {"type": "contact", "lang": "en_US", "is_company": False, "autopost_bills": "ask",
                        "color": 0},
        "res.users": {"notification_type": "email", "autopost_bills": "ask", "company_id": 1},
        "crm.lead": {"type": "opportunity", "user_id": env.uid, "priority": "0", "company_id": 1},
        "mail.activity": {"user_id": env.uid, "date_deadline": today()},
        "mail.message": {"message_type": "comment", "date": now()},
        "ir.model.data": {"module": "", "noupdate": False},
        "ir.model": {"state": "manual", "order": "id"},
        "ir.model.fields": {"state": "manual", "store": True},
        "ir.attachment": {"type": "binary"},
        "calendar.event": {"show_as": "busy", "privacy": "public"},
        "project.project": {"privacy_visibility": "portal", "last_update_status": "to_define",
                            "rating_status": "stage", "rating_status_period": "monthly"},
        "project.task": {"state": "01_in_progress"},
        "sale.order": {"name": "New", "date_order": now(), "state": "draft"},
        "sale.order.line": {"product_uom_qty": 1.0, "customer_lead": 0.0},
        "product.template": {"type": "consu", "detailed_type": "consu", "sale_line_warn": "no-message",
                             "service_tracking": "no"},
        # invoice_date_due: _compute_invoice_date_due falls back to today when no payment term gives a date
        "account.move": {"move_type": "entry", "state": "draft", "auto_post": "no", "date": today(),
                         "invoice_date_due": today()},
        "account.move.line": {"display_type": "product"},
        "account.payment": {"date": today(), "state": "draft", "payment_type": "inbound",
                            "partner_type": "customer"},
        "account.journal": {"invoice_reference_model": "odoo", "invoice_reference_type": "invoice"},
        "mail.activity.type": {"chaining_type": "suggest", "delay_from": "previous_activity",
                               "delay_unit": "days"},
        "uom.uom": {"factor": 1.0, "factor_inv": 1.0, "rounding": 0.01, "uom_type": "reference",
                    "relative_factor": 1.0},
        "utm.campaign": {"user_id": env.uid},
        "res.company": {"fiscalyear_last_day": 31, "fiscalyear_last_month": "12"},
        "ir.actions.server": {"type": "ir.actions.server", "binding_type": "action", "usage": "ir_actions_server",
                              "state": "object_write", "evaluation_type": "value", "update_m2m_operation": "add",
                              "update_boolean_value": "true", "sequence": 5, "activity_date_deadline_range_type":
                              "days"},
        "base.automation": {"record_getter": "model.env[payload.get('_model')].browse(int(payload.get('_id')))",
                            "log_webhook_calls": False},
    }


def _required_defaults(env: Env, model: Model) -> dict[str, Any]:
    """What a required field without a declared default gets: its first selection value, 0, the company..."""
    out: dict[str, Any] = {}
    if "active" in model.fields and model.stored("active"):
        out["active"] = True
    for fname in model.required_stored:
        f = model.fields[fname]
        if f.get("manual"):
            continue
        if f["type"] == "selection" and f.get("selection"):
            out[fname] = f["selection"][0][0]
        elif f["type"] in ("integer", "float", "monetary"):
            out[fname] = 0
        elif fname == "company_id":
            out[fname] = 1
        elif fname == "currency_id":
            out[fname] = xmlid_id(env, "base.USD")
    return out


def defaults(env: Env, model: Model) -> dict[str, Any]:
    name, fields = model.name, model.fields
    out = _required_defaults(env, model)
    if name == "mail.message":
        out["author_id"] = user_partner(env)
    specific = _model_defaults(env)
    for fname, value in specific.get(name, {}).items():
        if fname in fields:
            out[fname] = value
    if name in ("product.product", "product.template"):
        unit = xmlid_id(env, "uom.product_uom_unit")
        extra = {**specific["product.template"], "uom_id": unit, "uom_po_id": unit,
                 "categ_id": xmlid_id(env, "product.product_category_all")}
        out.update({k: v for k, v in extra.items() if k in fields})
    return out


def default_get(env: Env, model: Model, names: list[str]) -> dict[str, Any]:
    # Only what Odoo's default_get reports: declared defaults, not create-time computes.
    hidden = {"company_id", "currency_id", "name", "date_order", "state", "invoice_date_due"} \
        if model.name != "crm.lead" else {
        "company_id"}
    found = {k: v for k, v in defaults(env, model).items() if k in names and k not in hidden}
    if model.name == "res.partner":
        found.pop("autopost_bills", None)
        found.pop("color", None)
    return {k: (v if v is not None else False) for k, v in found.items()}
