"""Model-specific behaviour: defaults, computed fields and write rules that Odoo's business code applies.

Each rule names the Odoo 18 source it imitates. Only behaviour a CRM migration can observe is modelled:
partner names/addresses, lead won/lost dates, activity models, unique names, sequences, product variants.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import irmodel, payments
from .exceptions import UserError, ValidationError
from .schema import Model

if TYPE_CHECKING:
    from .orm import Env
    from .store import Row

ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")
COMMERCIAL_FIELDS = ("vat", "company_registry", "industry_id")
SCHEMA_MODELS = frozenset({"ir.model", "ir.model.fields", "ir.model.fields.selection"})
SKIP_REQUIRED = {"alias_id", "alias_model_id", "alias_contact", "alias_defaults", "property_account_payable_id",
                 "property_account_receivable_id", "product_variant_ids", "field_id"}


def _now() -> str:
    return datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")


def _today() -> str:
    return datetime.utcnow().strftime("%Y-%m-%d")


def xmlid(env: Env, module: str, name: str) -> tuple[str, int] | None:
    for _, row in env.store.scan("ir.model.data", [("json_extract(data, '$.module') = ?", [module]),
                                                   ("json_extract(data, '$.name') = ?", [name])]):
        return str(row["model"]), int(row["res_id"] or 0)
    return None


def xmlid_id(env: Env, full: str) -> int | None:
    module, _, name = full.partition(".")
    found = xmlid(env, module, name)
    return found[1] if found else None


def user_partner(env: Env) -> int | None:
    pid = env.user_row().get("partner_id")
    return int(pid) if pid else None


def skip_required(model: Model, fname: str) -> bool:
    # _inherits parents (mail.alias, account.move of ≤17 payments) and company-dependent properties are
    # filled by Odoo itself, so their NOT NULL never reaches a client.
    return fname in SKIP_REQUIRED or (model.name == "account.payment" and fname == "move_id")


def defaults(env: Env, model: Model) -> dict[str, Any]:
    name = model.name
    fields = model.fields
    out: dict[str, Any] = {}
    if "active" in fields and model.stored("active"):
        out["active"] = True
    for fname in model.required_stored:
        f = fields[fname]
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
    if name == "mail.message":
        out["author_id"] = user_partner(env)
    specific: dict[str, dict[str, Any]] = {
        "res.partner": {"type": "contact", "lang": "en_US", "is_company": False, "autopost_bills": "ask",
                        "color": 0},
        "res.users": {"notification_type": "email", "autopost_bills": "ask", "company_id": 1},
        "crm.lead": {"type": "opportunity", "user_id": env.uid, "priority": "0", "company_id": 1},
        "mail.activity": {"user_id": env.uid, "date_deadline": _today()},
        "mail.message": {"message_type": "comment", "date": _now()},
        "ir.model.data": {"module": "", "noupdate": False},
        "ir.model": {"state": "manual", "order": "id"},
        "ir.model.fields": {"state": "manual", "store": True},
        "ir.attachment": {"type": "binary"},
        "calendar.event": {"show_as": "busy", "privacy": "public"},
        "project.project": {"privacy_visibility": "portal", "last_update_status": "to_define",
                            "rating_status": "stage", "rating_status_period": "monthly"},
        "project.task": {"state": "01_in_progress"},
        "sale.order": {"name": "New", "date_order": _now(), "state": "draft"},
        "sale.order.line": {"product_uom_qty": 1.0, "customer_lead": 0.0},
        "product.template": {"type": "consu", "detailed_type": "consu", "sale_line_warn": "no-message",
                             "service_tracking": "no"},
        # invoice_date_due: _compute_invoice_date_due falls back to today when no payment term gives a date
        "account.move": {"move_type": "entry", "state": "draft", "auto_post": "no", "date": _today(),
                         "invoice_date_due": _today()},
        "account.move.line": {"display_type": "product"},
        "account.payment": {"date": _today(), "state": "draft", "payment_type": "inbound",
                            "partner_type": "customer"},
        "account.journal": {"invoice_reference_model": "odoo", "invoice_reference_type": "invoice"},
        "mail.activity.type": {"chaining_type": "suggest", "delay_from": "previous_activity",
                               "delay_unit": "days"},
        "uom.uom": {"factor": 1.0, "factor_inv": 1.0, "rounding": 0.01, "uom_type": "reference",
                    "relative_factor": 1.0},
        "utm.campaign": {"user_id": env.uid},
        "res.company": {"fiscalyear_last_day": 31, "fiscalyear_last_month": "12"},
    }
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


# -- computed values ------------------------------------------------------------------------------------

def computed_value(env: Env, model: Model, rid: int, row: Row, fname: str) -> Any:
    if model.name == "ir.model.data" and fname in ("complete_name", "reference"):
        if fname == "reference":
            return f"{row.get('model')},{row.get('res_id')}"
        return ".".join(p for p in (row.get("module"), row.get("name")) if p)
    if model.name == "res.users" and fname in ("name", "email", "phone"):  # related to partner_id
        partner = env.store.get("res.partner", int(row.get("partner_id") or 0)) or {}
        return partner.get(fname)
    if model.name == payments.PAYMENT and fname in ("reconciled_invoice_ids", "reconciled_invoices_count"):
        found = payments.reconciled_invoices(env, rid, row)
        return found if fname == "reconciled_invoice_ids" else len(found)
    if model.name == "res.partner" and fname in ("credit", "debit"):
        # receivable (credit) as partner.py _credit_debit_get; no vendor bills here, so nothing payable
        return payments.partner_receivable(env, rid) if fname == "credit" else 0.0
    if model.name == "res.partner" and fname == "commercial_company_name":
        commercial = env.store.get("res.partner", int(row.get("commercial_partner_id") or rid)) or {}
        return commercial.get("name") if commercial.get("is_company") else None
    return None


def display_name(env: Env, model: Model, rid: int, row: Row) -> str | None:
    if model.name == "res.partner":
        return str(row.get("complete_name") or row.get("name") or "")
    if model.name == "res.users":
        return str(computed_value(env, model, rid, row, "name") or row.get("login") or "")
    if model.name == "ir.model.data":
        return str(computed_value(env, model, rid, row, "complete_name"))
    return None


def _partner_names(env: Env, row: Row) -> None:
    """res.partner _compute_complete_name and _compute_commercial_partner (base/models/res_partner.py)."""
    parent = env.store.get("res.partner", int(row["parent_id"])) if row.get("parent_id") else None
    name = row.get("name") or ""
    if parent is not None:
        if not name and row.get("type") in ("invoice", "delivery", "other"):
            labels = dict(env.model("res.partner").fields["type"].get("selection") or [])
            name = labels.get(row["type"], "")
        if not row.get("is_company"):
            commercial = env.store.get("res.partner", int(parent.get("commercial_partner_id") or 0)) or parent
            company = commercial.get("name") if commercial.get("is_company") else parent.get("name")
            name = f"{company or parent.get('name') or ''}, {name}"
    row["complete_name"] = name.strip()
    if parent is not None and not row.get("is_company"):
        row["commercial_partner_id"] = parent.get("commercial_partner_id") or row["parent_id"]


def _clean_website(url: Any) -> Any:
    # res.partner._clean_website: a URL without a scheme gets http://
    if isinstance(url, str) and url and "://" not in url:
        return f"http://{url}"
    return url


# -- hooks ----------------------------------------------------------------------------------------------

def before_create_batch(env: Env, model: Model, vals_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if model.name in ("utm.source", "utm.medium", "utm.campaign") and "name" in model.fields:
        names = _unique_utm_names(env, model.name, [v.get("name") for v in vals_list])
        for vals, new in zip(vals_list, names, strict=True):
            if vals.get("name"):
                vals["name"] = new
    return vals_list


def _unique_utm_names(env: Env, model: str, names: list[Any], skip: int | None = None) -> list[Any]:
    """utm.mixin._get_unique_names: a taken name becomes "Name [2]", "Name [3]"... (exact match, in batch)."""
    def split(name: str) -> tuple[str, int]:
        if name.endswith("]") and " [" in name:
            base, _, count = name[:-1].rpartition(" [")
            if count.isdigit():
                return base, int(count)
        return name, 1
    existing = {str(r.get("name")) for i, r in env.store.scan(model) if r.get("name") and i != skip}
    used: dict[str, set[int]] = {}
    for name in names:
        if isinstance(name, str) and name:
            base = split(name)[0]
            used.setdefault(base, {split(e)[1] for e in existing if e == base or e.startswith(f"{base} [")})
    out: list[Any] = []
    for name in names:
        if not isinstance(name, str) or not name:
            out.append(name)
            continue
        base, asked = split(name)
        taken = used[base]
        count = asked if asked > 1 and asked not in taken else next(c for c in range(1, 10**6) if c not in taken)
        taken.add(count)
        out.append(f"{base} [{count}]" if count > 1 else base)
    return out


def after_create_batch(env: Env, model: Model, ids: list[int]) -> None:
    return None


#: ir_attachment.py create/write drop these from the values: Odoo derives them from the content
ATTACHMENT_DERIVED = ("file_size", "checksum", "store_fname")


def _attachment_content(vals: dict[str, Any], *, writing: bool) -> bytes | None:
    """The bytes behind ``raw`` or ``datas`` (base64), as ir_attachment.py create / _inverse_datas decode them.

    create only stores content it was given; a write of datas or raw, even an empty one, recomputes it.
    """
    raw, datas = vals.get("raw"), vals.get("datas")
    if raw:
        return raw.encode() if isinstance(raw, str) else bytes(raw)
    if datas:
        return base64.b64decode(datas)
    if writing and ("datas" in vals or "raw" in vals):
        return b""
    return None


def _attachment_values(row: Row, vals: dict[str, Any], *, writing: bool) -> None:
    """ir_attachment.py _get_datas_related_values: size and sha1 checksum of the raw bytes."""
    content = _attachment_content(vals, writing=writing)
    if content is not None:
        row["file_size"] = len(content)
        row["checksum"] = hashlib.sha1(content).hexdigest()


#: models whose res_model is a stored related field of res_model_id (mail_activity.py, calendar_event.py)
_RES_MODEL_RELATED = ("mail.activity", "calendar.event")


def before_create(env: Env, model: Model, vals: dict[str, Any]) -> dict[str, Any]:
    name = model.name
    if name in SCHEMA_MODELS:
        return irmodel.before_create(env, model, vals)
    if name == "ir.attachment":
        for derived in ATTACHMENT_DERIVED:
            vals.pop(derived, None)
    if name in ("res.partner", "crm.lead") and vals.get("website"):
        vals["website"] = _clean_website(vals["website"])
    if name == "res.partner" and vals.get("parent_id"):
        vals["company_name"] = False  # res_partner.py create / write
    if name in _RES_MODEL_RELATED:
        # res_model is related (res_model_id.model) + readonly: Odoo drops it and derives it from res_model_id.
        vals.pop("res_model", None)
        if not vals.get("res_model_id") and env.context.get("default_res_model"):
            vals["res_model_id"] = irmodel.model_id(env, str(env.context["default_res_model"])) or False
        if not vals.get("res_id") and env.context.get("default_res_id"):
            vals["res_id"] = env.context["default_res_id"]
    if name == "res.users" and not vals.get("partner_id"):
        partner = {"name": vals.get("name") or vals.get("login"), "email": vals.get("email"),
                   "company_id": vals.get("company_id") or 1}
        vals["partner_id"] = env.sudo_call().create("res.partner", [partner])[0]
    if name == "product.product" and not vals.get("product_tmpl_id"):
        tmpl_model = env.model("product.template")
        tmpl_vals = {k: v for k, v in vals.items() if k in tmpl_model.fields and tmpl_model.stored(k)}
        sub = env.sudo_call()
        sub.context["create_product_product"] = False
        vals["product_tmpl_id"] = sub.create("product.template", [tmpl_vals])[0]
    return vals


_ADDRESS_IN_TEXT = re.compile(r"[^\s@<>,;\"']+@[^\s@<>,;\"']+")


def email_normalized(text: Any) -> str | None:
    """mail.thread.blacklist _compute_email_normalized (odoo/tools/mail.py email_normalize): one address, its
    domain lower-cased and its local part too when ASCII; anything else (none, several) is empty."""
    found: list[str] = _ADDRESS_IN_TEXT.findall(str(text or ""))
    if len(found) != 1:
        return None
    local, _, domain = found[0].rpartition("@")
    return (local.lower() if local.isascii() else local) + "@" + domain.lower()


def compute_on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    name = model.name
    if "email_normalized" in model.fields and "email" in model.fields:
        row["email_normalized"] = email_normalized(row.get("email"))
    if name == "res.users":
        _drop_related_user_fields(model, row)
    if name == "res.partner":
        parent = env.store.get("res.partner", int(row["parent_id"])) if row.get("parent_id") else None
        if parent is not None:
            if row.get("type") == "contact" and any(parent.get(f) for f in ADDRESS_FIELDS):
                for f in ADDRESS_FIELDS:
                    if f in model.fields:
                        row[f] = parent.get(f)
            commercial = env.store.get("res.partner", int(parent.get("commercial_partner_id") or 0)) or parent
            for f in COMMERCIAL_FIELDS:
                if f in model.fields and commercial.get(f) is not None:
                    row[f] = commercial.get(f)
        _partner_names(env, row)
    elif name == "crm.lead":
        partner = env.store.get("res.partner", int(row["partner_id"])) if row.get("partner_id") else None
        if partner is not None:
            if not row.get("name") and partner.get("name"):
                row["name"] = f"{partner['name']}'s opportunity"
            for f, src in (("email_from", "email"), ("phone", "phone")):
                if not row.get(f) and partner.get(src):
                    row[f] = partner[src]
        if row.get("user_id") and not row.get("team_id") and "team_id" in model.fields:
            row["team_id"] = xmlid_id(env, "sales_team.team_sales_department")
        if row.get("type") == "opportunity" and not row.get("stage_id"):
            row["stage_id"] = _first_stage(env, row.get("team_id"))
        if row.get("user_id") and not row.get("date_open"):
            row["date_open"] = _now()
        row.setdefault("date_last_stage_update", _now())
        _won_status(env, model, row)
    if name in _RES_MODEL_RELATED and row.get("res_model_id"):
        ir_model = env.store.get("ir.model", int(row["res_model_id"])) or {}
        row["res_model"] = ir_model.get("model")
    if name == "mail.message":
        author = env.store.get("res.partner", int(row["author_id"])) if row.get("author_id") else None
        if author is not None and not row.get("email_from") and author.get("email"):
            row["email_from"] = f'"{author.get("name")}" <{author["email"]}>'
    elif name == "sale.order":
        if row.get("name") in (None, "New"):
            row["name"] = f"S{env.store.count('sale.order') + 1:05d}"
        for f in ("partner_invoice_id", "partner_shipping_id"):
            if not row.get(f):
                row[f] = row.get("partner_id")
    elif name == "sale.order.line" and not row.get("name") and row.get("product_id"):
        product = env.store.get("product.product", int(row["product_id"])) or {}
        row["name"] = product.get("name")
    elif name == "account.move":
        # account_move.py _compute_journal_id / _search_default_journal: the company's first journal of the
        # type the move needs, and the company currency
        if not row.get("journal_id"):
            kind = {"out_invoice": "sale", "out_refund": "sale", "out_receipt": "sale", "in_invoice": "purchase",
                    "in_refund": "purchase", "in_receipt": "purchase"}.get(str(row.get("move_type") or ""), "general")
            journals = env.search_ids("account.journal", [("type", "=", kind)], active_test=True)
            row["journal_id"] = journals[0] if journals else None
        if not row.get("currency_id"):
            company = env.store.get("res.company", int(row.get("company_id") or 1)) or {}
            row["currency_id"] = company.get("currency_id")
        _move_commercial_partner(env, row)
    elif name == "ir.attachment":
        _attachment_values(row, vals, writing=False)
    elif name == "account.payment.register":
        payments.wizard_defaults(env, row, vals)
    elif name == "utm.campaign" and not row.get("title"):
        row["title"] = row.get("name")
        if not row.get("stage_id"):
            row["stage_id"] = xmlid_id(env, "utm.default_utm_stage")
    elif name in SCHEMA_MODELS:
        irmodel.compute_on_create(env, model, row)


def _move_commercial_partner(env: Env, row: Row) -> None:
    """account_move.py: commercial_partner_id = partner_id.commercial_partner_id (stored)."""
    partner = env.store.get("res.partner", int(row["partner_id"])) if row.get("partner_id") else None
    row["commercial_partner_id"] = (partner or {}).get("commercial_partner_id") or row.get("partner_id")


def _first_stage(env: Env, team_id: Any) -> int | None:
    stages = env.search_ids("crm.stage", [], active_test=False)
    for sid in stages:
        stage = env.store.get("crm.stage", sid) or {}
        if env.registry.major >= 19:
            teams = env.value(env.model("crm.stage"), sid, stage, "team_ids")
            if not teams or team_id in teams:
                return sid
        elif not stage.get("team_id") or stage.get("team_id") == team_id:
            return sid
    return None


PLS_MODEL = "crm.lead.scoring.frequency"


def _pls_counts(env: Env, row: Row) -> bool:
    """crm_lead.py _pls_prepare_update_frequency_table: only opportunities created on or after crm.pls_start_date."""
    if PLS_MODEL not in env.registry.models:
        return False
    start = next((str(r.get("value") or "") for _, r in env.store.scan(
        "ir.config_parameter", [("json_extract(data, '$.key') = ?", ["crm.pls_start_date"])])), "")
    try:
        start_day = datetime.strptime(start[:10], "%Y-%m-%d").date()
    except ValueError:
        return False  # _pls_get_safe_start_date: no valid date, no counting
    return start_day.isoformat() <= str(row.get("create_date") or "")[:10]


def _pls_step(env: Env, row: Row, state: str, step: int) -> None:
    """crm_lead.py _pls_update_frequency_table, for the stage variable: a row per (stage, team), counts + or - 1,
    never below 0.1; a new row starts at 0.1 + the count. Deleting a lead counts nothing back out."""
    if not _pls_counts(env, row):
        return
    value, team = str(row.get("stage_id") or False), row.get("team_id")
    key = "won_count" if state == "won" else "lost_count"
    for fid, found in env.store.scan(PLS_MODEL):
        if found.get("variable") == "stage_id" and found.get("value") == value and found.get("team_id") == team:
            new = float(found.get(key) or 0) + step
            found[key] = new if new > 0 else 0.1
            env.store.update(PLS_MODEL, fid, found)
            return
    if step > 0:
        env.sudo_call().create(PLS_MODEL, [{"variable": "stage_id", "value": value, "team_id": team,
                                            "won_count": 0.1 + (state == "won"), "lost_count": 0.1 + (state == "lost")}])


def _pls_won_lost(env: Env, row: Row, vals: dict[str, Any], *, creating: bool) -> None:
    """crm_lead.py _handle_won_lost: the state changes a create or write makes, counted before the write (a lead
    created archived is not counted as lost: on create it is already inactive)."""
    won = {rid for rid, stage in env.store.scan("crm.stage") if stage.get("is_won")}
    active = row.get("active", True) is not False
    steps: list[tuple[str, int]] = []
    leave_won = False
    if "stage_id" in vals:
        if vals["stage_id"] and int(vals["stage_id"]) in won:
            if not creating and not (row.get("probability") or 0):
                steps.append(("lost", -1))
            steps.append(("won", 1))
        elif row.get("stage_id") in won and active and not creating:
            steps.append(("won", -1))
            leave_won = True
    if "active" in vals and not creating:
        if not vals["active"] and active:
            if row.get("stage_id") in won and not leave_won:
                steps.append(("won", -1))
            steps.append(("lost", 1))
        elif vals["active"] and not active:
            steps.append(("lost", -1))
    for state, step in steps:
        _pls_step(env, row, state, step)


def after_create(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if model.name == "crm.lead" and ("stage_id" in vals or "active" in vals):
        _pls_won_lost(env, row, vals, creating=True)
    if model.name == "res.partner":
        if not row.get("commercial_partner_id"):
            row["commercial_partner_id"] = rid
            env.store.update("res.partner", rid, row)
        parent_id = row.get("parent_id")
        parent = env.store.get("res.partner", int(parent_id)) if parent_id else None
        # _handle_first_contact_creation: the first contact's address goes up to an address-less company
        siblings = list(env.store.scan("res.partner", [("json_extract(data, '$.parent_id') = ?", [parent_id])])) \
            if parent_id else []
        if parent is not None and parent_id is not None and not any(parent.get(f) for f in ADDRESS_FIELDS) \
                and any(row.get(f) for f in ADDRESS_FIELDS) and len(siblings) == 1 \
                and (parent.get("is_company") or not parent.get("parent_id")):
            for f in ADDRESS_FIELDS:
                if f in model.fields:
                    parent[f] = row.get(f)
            env.store.update("res.partner", int(parent_id), parent)
    elif model.name == "product.template" and env.context.get("create_product_product", True) is not False:
        variant = {"product_tmpl_id": rid}
        product = env.model("product.product")
        for k, v in row.items():
            if k in product.fields and product.stored(k) and k not in ("id", "create_uid", "write_uid"):
                variant[k] = v
        sub = env.sudo_call()
        sub.create("product.product", [variant])
    elif model.name == "calendar.event" and row.get("opportunity_id") and "crm.lead" in env.registry.models:
        # crm/models/calendar.py: a meeting created with its opportunity logs "Meeting scheduled at …" there
        env.sudo_call().create("mail.message", [{
            "model": "crm.lead", "res_id": int(row["opportunity_id"]), "message_type": "notification",
            "body": f"<p>Meeting scheduled at {row.get('start')}<br/>Subject: {row.get('name')}</p>"}])
    elif model.name in SCHEMA_MODELS:
        irmodel.after_create(env, model, rid, row, vals)


def check_create_values(model: Model, vals: dict[str, Any]) -> None:
    """What an Odoo create override cannot take although the field would: calendar.event.create builds attendees
    from ``partner_ids`` and iterates it (calendar_event.py, _attendees_values), so False fails there."""
    if model.name == "calendar.event" and "partner_ids" in vals and vals["partner_ids"] is False:
        raise TypeError("'bool' object is not iterable")


def check_constraints(env: Env, model: Model, row: Row, rid: int | None) -> None:
    if model.name == "crm.lead" and env.registry.major >= 19 and row.get("stage_id") \
            and float(row.get("probability") or 0) != 100:
        # crm_lead.py (19) _check_won_validity
        stage = env.store.get("crm.stage", int(row["stage_id"])) or {}
        if stage.get("is_won"):
            raise ValidationError("A lead in a Won stage cannot be lost. Move it to another stage first.")
    if model.name == "res.partner" and row.get("type") == "contact" and row.get("name") is None:
        raise ValidationError("The operation cannot be completed: Contacts require a name")
    if model.name == payments.PAYMENT:
        payments.check_payment_amount(row)
    if model.name == "ir.model.data" and " " in str(row.get("name") or ""):
        raise ValidationError("The operation cannot be completed: External IDs cannot contain spaces")


def check_unique(env: Env, model: Model, row: Row, rid: int | None) -> None:
    def clash(where: list[tuple[str, list[Any]]]) -> bool:
        return any(i != rid for i, _ in env.store.scan(model.name, where))

    def eq(fname: str) -> tuple[str, list[Any]]:
        return (f"json_extract(data, '$.{fname}') = ?", [row.get(fname)])

    name = model.name
    if name == "ir.model.data" and row.get("name") is not None and clash([eq("module"), eq("name")]):
        raise ValidationError(
            'The operation cannot be completed: duplicate key value violates unique constraint '
            '"ir_model_data_module_name_uniq_index"\n'
            f"DETAIL:  Key (module, name)=({row.get('module')}, {row.get('name')}) already exists.\n")
    if name == "crm.tag" and row.get("name") is not None and clash([eq("name")]):
        raise ValidationError("The operation cannot be completed: Tag name already exists!")
    if name == "res.users" and row.get("login") and clash([eq("login")]):
        raise ValidationError("The operation cannot be completed: You can not have two users with the same login!")
    if name == "res.country.state" and row.get("code") and clash([eq("country_id"), eq("code")]):
        raise ValidationError(
            "The operation cannot be completed: The code of the state must be unique by country!")
    if name in SCHEMA_MODELS:
        irmodel.check_unique(env, model, row, rid, clash)


def before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    name = model.name
    if "email" in vals and "email_normalized" in model.fields:
        vals["email_normalized"] = email_normalized(vals["email"])
    if name in SCHEMA_MODELS:
        irmodel.before_write(env, model, rid, row, vals)
    if name in ("res.partner", "crm.lead") and vals.get("website"):
        vals["website"] = _clean_website(vals["website"])
    if name == "res.partner" and vals.get("parent_id"):
        vals["company_name"] = False  # res_partner.py create / write
    if name == "mail.activity":
        vals.pop("res_model", None)
    if name == "ir.attachment":
        for derived in ATTACHMENT_DERIVED:
            vals.pop(derived, None)
    if name in ("utm.source", "utm.medium", "utm.campaign") and vals.get("name"):
        vals["name"] = _unique_utm_names(env, name, [vals["name"]], skip=rid)[0]
    if name == "account.move" and row.get("state") == "posted":
        # account_move.py _check_fiscal_lock / write: these fields are locked once posted
        locked = sorted(set(vals) & {"invoice_date", "date", "partner_id", "journal_id", "currency_id", "move_type"})
        if locked:
            raise UserError("You cannot modify the following readonly fields on a posted move: " + ", ".join(locked))
    if name == "crm.lead" and ("stage_id" in vals or "active" in vals):
        _pls_won_lost(env, row, vals, creating=False)
    if name == "crm.lead":
        # crm.lead.write (addons/crm/models/crm_lead.py): won stage forces 100 %, closing sets date_closed
        now = _now()
        stage_won = False
        if vals.get("stage_id"):
            stage = env.store.get("crm.stage", int(vals["stage_id"])) or {}
            if stage.get("is_won"):
                vals["probability"] = 100
                vals["automated_probability"] = 100
                stage_won = True
            vals.setdefault("date_last_stage_update", now)
        if vals.get("user_id") and "date_open" not in vals:
            vals["date_open"] = now
        if (vals.get("probability") or 0) >= 100 or not vals.get("active", True):
            vals["date_closed"] = now
        elif (vals.get("probability") or 0) > 0 or (vals.get("stage_id") and not stage_won and "probability" not in vals):
            vals["date_closed"] = False
        vals = {k: v for k, v in vals.items() if k in model.fields}
    return vals


def _drop_related_user_fields(model: Model, row: Row) -> None:
    for fname in ("name", "email", "phone"):
        if fname in model.fields and not model.stored(fname):
            row.pop(fname, None)


def _won_status(env: Env, model: Model, row: Row) -> None:
    """crm_lead.py _compute_won_status (19): won at 100 % in a won stage, lost when archived at 0 %."""
    if "won_status" not in model.fields:
        return
    stage = env.store.get("crm.stage", int(row["stage_id"])) or {} if row.get("stage_id") else {}
    probability = row.get("probability")
    if probability == 100 and stage.get("is_won"):
        row["won_status"] = "won"
    elif row.get("active") is False and not probability:
        row["won_status"] = "lost"
    else:
        row["won_status"] = "pending"


def compute_on_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if model.name == "crm.lead" and {"active", "probability", "stage_id"} & set(vals):
        _won_status(env, model, row)
    if model.name == "res.users":
        _drop_related_user_fields(model, row)
    if model.name == "account.move" and "partner_id" in vals:
        _move_commercial_partner(env, row)
    if model.name == "res.partner":
        # res_partner.py _fields_sync: upstream sync when parent_id is written or type becomes 'contact'
        if "parent_id" in vals or vals.get("type") == "contact":
            if "parent_id" in vals:
                row["commercial_partner_id"] = rid
            if row.get("parent_id") and row.get("type") == "contact":
                parent = env.store.get("res.partner", int(row["parent_id"])) or {}
                if any(parent.get(f) for f in ADDRESS_FIELDS):
                    for f in ADDRESS_FIELDS:
                        if f in model.fields:
                            row[f] = parent.get(f)
        if "is_company" in vals and row.get("is_company"):
            row["commercial_partner_id"] = rid
        _partner_names(env, row)
    elif model.name in _RES_MODEL_RELATED and "res_model_id" in vals:
        ir_model = env.store.get("ir.model", int(row.get("res_model_id") or 0)) or {}
        row["res_model"] = ir_model.get("model")
    elif model.name == "ir.attachment":
        _attachment_values(row, vals, writing=True)


def after_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if model.name == "res.users":
        # name/email/phone are related to the user's partner; writes go through to it
        shared: dict[str, Any] = {k: vals[k] for k in ("name", "email", "phone") if k in vals}
        if shared and row.get("partner_id"):
            env.sudo_call().write("res.partner", [int(row["partner_id"])], shared)
        return
    if model.name == "res.partner":
        _address_upstream_19(env, model, row, vals)
        children = list(env.store.scan("res.partner", [("json_extract(data, '$.parent_id') = ?", [rid])]))
        push_address = any(f in vals for f in ADDRESS_FIELDS)
        for cid, child in children:
            if push_address and child.get("type") == "contact":
                for f in ADDRESS_FIELDS:
                    if f in model.fields:
                        child[f] = row.get(f)
            if not child.get("is_company"):
                child["commercial_partner_id"] = row.get("commercial_partner_id") or rid
            _partner_names(env, child)
            env.store.update("res.partner", cid, child)
    elif model.name in SCHEMA_MODELS:
        irmodel.after_write(env, model, rid, row, vals)


def _address_upstream_19(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    """Odoo 19 res_partner.py _fields_sync step 2: a type=contact child's address is copied up to its parent
    (whose own write then pushes it down to the siblings)."""
    if env.registry.major < 19 or not row.get("parent_id") or row.get("type") != "contact":
        return
    if not (any(f in vals for f in ADDRESS_FIELDS) or "parent_id" in vals):
        return
    parent = env.store.get("res.partner", int(row["parent_id"])) or {}
    fields = [f for f in ADDRESS_FIELDS if f in model.fields]
    if any(row.get(f) != parent.get(f) for f in fields):
        env.sudo_call().write("res.partner", [int(row["parent_id"])], {f: row.get(f) or False for f in fields})


def before_unlink(env: Env, model: Model, ids: list[int]) -> list[tuple[str, list[int]]]:
    """Refuses what Odoo refuses; returns what Odoo deletes after the records: (model, ids)."""
    # the refusals rollback meets: a posted entry, a confirmed order (account_move.py / sale_order.py _unlink_*)
    for rid in ids:
        row = env.store.get(model.name, rid) or {}
        if model.name == "account.move" and row.get("state") == "posted":
            raise UserError("You cannot delete an entry which has been posted once.")
        if model.name == "sale.order" and row.get("state") == "sale":
            raise UserError("You can not delete a sent quotation or a confirmed sales order. You must first cancel it.")
        if model.name == "sale.order.line" and row.get("order_id"):
            order = env.store.get("sale.order", int(row["order_id"])) or {}
            if order.get("state") == "sale" and not row.get("display_type"):
                raise UserError("Once a sales order is confirmed, you can't remove one of its lines (we need to track "
                                "if something gets invoiced or delivered).\nSet the quantity to 0 instead.")
    payments.before_unlink(env, model.name, ids)
    if model.name in SCHEMA_MODELS:
        irmodel.before_unlink(env, model, ids)
    if model.name == "product.product":
        # product_product.py unlink: a template whose last variant goes is deleted with it
        variants = [env.store.get(model.name, rid) or {} for rid in ids]
        templates = {int(v["product_tmpl_id"]) for v in variants if v.get("product_tmpl_id")}
        doomed = set(ids)
        orphans = [t for t in sorted(templates) if not any(
            i not in doomed for i, _ in env.store.scan("product.product", [
                ("json_extract(data, '$.product_tmpl_id') = ?", [t])]))]
        return [("product.template", orphans)] if orphans else []
    return []


def after_unlink(env: Env, model: Model, ids: list[int]) -> None:
    # models.py unlink: xmlids, attachments and (mail.thread) messages/activities of the records go too.
    sub = env.sudo_call()
    targets = [("ir.model.data", "model", "res_id"), ("ir.attachment", "res_model", "res_id")]
    if "message_ids" in model.fields:
        targets += [("mail.message", "model", "res_id"), ("mail.activity", "res_model", "res_id")]
    for other, model_field, id_field in targets:
        if other not in env.registry.models or other == model.name:
            continue
        marks = ",".join("?" * len(ids))
        doomed = [i for i, _ in env.store.scan(other, [(f"json_extract(data, '$.{model_field}') = ?", [model.name]),
                                                      (f"json_extract(data, '$.{id_field}') IN ({marks})", ids)])]
        if doomed:
            sub.unlink(other, doomed)
    if model.name == "ir.model.data":
        return
    if model.name in SCHEMA_MODELS:
        irmodel.after_unlink(env, model, ids)
