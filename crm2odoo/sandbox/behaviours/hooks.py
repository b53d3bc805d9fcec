"""The hooks the sandbox ORM calls around create, write and unlink, dispatched to each model's behaviour.

Only behaviour a CRM migration can observe is modelled: partner names/addresses (``partners``), lead won/lost
dates (``crm``), orders, invoices and product variants (``sales``), attachments, UTM names and linked records
(``records``), the reflection models (``irmodel``) and payments (``payments``). Each per-model table below says
which family handles a model at that point; a model without an entry has no special behaviour there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .. import irmodel, payments
from ..exceptions import ValidationError
from . import automation, crm, partners, records, sales
from .common import SCHEMA_MODELS, email_normalized

if TYPE_CHECKING:
    from ..orm import Env
    from ..schema import Model
    from ..store import Row

BeforeCreate = Callable[["Env", "Model", dict[str, Any]], None]
OnCreate = Callable[["Env", "Model", "Row", dict[str, Any]], None]
AfterSave = Callable[["Env", "Model", int, "Row", dict[str, Any]], None]
BeforeWrite = Callable[["Env", "Model", int, "Row", dict[str, Any]], dict[str, Any]]


def _run(table: dict[str, AfterSave], env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    """Run the model's entry of an after-save table, if it has one."""
    hook = table.get(model.name)
    if hook is not None:
        hook(env, model, rid, row, vals)


# -- computed values ------------------------------------------------------------------------------------

def computed_value(env: Env, model: Model, rid: int, row: Row, fname: str) -> Any:
    if model.name == "ir.model.data" and fname in ("complete_name", "reference"):
        if fname == "reference":
            return f"{row.get('model')},{row.get('res_id')}"
        return ".".join(p for p in (row.get("module"), row.get("name")) if p)
    if model.name == "res.users" and fname in partners.USER_PARTNER_FIELDS:  # related to partner_id
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


# -- create ---------------------------------------------------------------------------------------------

def before_create_batch(env: Env, model: Model, vals_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if model.name in records.UTM_MODELS and "name" in model.fields:
        names = records.unique_utm_names(env, model.name, [v.get("name") for v in vals_list])
        for vals, new in zip(vals_list, names, strict=True):
            if vals.get("name"):
                vals["name"] = new
    return vals_list


@contextmanager
def one_setup(env: Env, model: Model) -> Iterator[None]:
    """Odoo sets its models up once per ir.model* create call, after every row (and the rows its x2many commands
    make) exists: the registry rebuilds asked meanwhile wait for the end of the outermost call."""
    if model.name not in SCHEMA_MODELS:
        yield
        return
    env.registry.setup_deferred += 1
    try:
        yield
    finally:
        env.registry.setup_deferred -= 1


def after_create_batch(env: Env, model: Model, ids: list[int]) -> None:
    if model.name in SCHEMA_MODELS:
        irmodel.rebuild(env)  # once per call, as Odoo sets its models up once per create call


_BEFORE_CREATE: dict[str, BeforeCreate] = {
    "ir.attachment": lambda env, model, vals: records.drop_attachment_derived(vals),
    "res.partner": partners.before_save,
    "crm.lead": lambda env, model, vals: partners.clean_website(vals),
    "mail.activity": records.res_model_before_create,
    "calendar.event": records.res_model_before_create,
    "res.users": partners.user_before_create,
    "product.product": sales.variant_before_create,
    "base.automation": automation.automation_before_create,
}


def before_create(env: Env, model: Model, vals: dict[str, Any]) -> dict[str, Any]:
    if model.name in SCHEMA_MODELS:
        return irmodel.before_create(env, model, vals)
    hook = _BEFORE_CREATE.get(model.name)
    if hook is not None:
        hook(env, model, vals)
    return vals


def _res_model_on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    if row.get("res_model_id"):
        records.res_model_from_id(env, row)


_ON_CREATE: dict[str, OnCreate] = {
    "res.users": lambda env, model, row, vals: partners.drop_related_user_fields(model, row),
    "res.partner": partners.on_create,
    "crm.lead": crm.on_create,
    "mail.activity": _res_model_on_create,
    "calendar.event": _res_model_on_create,
    "mail.message": records.message_on_create,
    "sale.order": sales.order_on_create,
    "sale.order.line": sales.order_line_on_create,
    "account.move": sales.move_on_create,
    "ir.attachment": lambda env, model, row, vals: records.attachment_values(row, vals, writing=False),
    "account.payment.register": lambda env, model, row, vals: payments.wizard_defaults(env, row, vals),
    "utm.campaign": records.campaign_on_create,
    **dict.fromkeys(SCHEMA_MODELS, lambda env, model, row, vals: irmodel.compute_on_create(env, model, row)),
}


def compute_on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    if "email_normalized" in model.fields and "email" in model.fields:
        row["email_normalized"] = email_normalized(row.get("email"))
    hook = _ON_CREATE.get(model.name)
    if hook is not None:
        hook(env, model, row, vals)


_AFTER_CREATE: dict[str, AfterSave] = {
    "crm.lead": crm.after_create,
    "res.partner": partners.after_create,
    "product.template": sales.template_after_create,
    "calendar.event": records.event_after_create,
    **dict.fromkeys(SCHEMA_MODELS, irmodel.after_create),
}


def after_create(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    _run(_AFTER_CREATE, env, model, rid, row, vals)


# -- checks ---------------------------------------------------------------------------------------------

def check_create_values(model: Model, vals: dict[str, Any]) -> None:
    """What an Odoo create override cannot take although the field would: calendar.event.create builds attendees
    from ``partner_ids`` and iterates it (calendar_event.py, _attendees_values), so False fails there."""
    if model.name == "calendar.event" and "partner_ids" in vals and vals["partner_ids"] is False:
        raise TypeError("'bool' object is not iterable")


def check_constraints(env: Env, model: Model, row: Row, rid: int | None) -> None:
    if model.name == "crm.lead":
        crm.check_won_validity(env, row)
    if model.name == "res.partner" and row.get("type") == "contact" and row.get("name") is None:
        raise ValidationError("The operation cannot be completed: Contacts require a name")
    if model.name == payments.PAYMENT:
        payments.check_payment_amount(row)
    if model.name == "ir.model.data" and " " in str(row.get("name") or ""):
        raise ValidationError("The operation cannot be completed: External IDs cannot contain spaces")
    if model.name == "base.automation":
        automation.check_automation(env, row, rid)
    if model.name == "ir.actions.server":
        automation.check_action(env, row)


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


# -- write ----------------------------------------------------------------------------------------------

def _schema_before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    irmodel.before_write(env, model, rid, row, vals)
    return vals


def _partner_before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    partners.before_save(env, model, vals)
    return vals


def _activity_before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    vals.pop("res_model", None)
    return vals


def _attachment_before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    records.drop_attachment_derived(vals)
    return vals


def _utm_before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    if vals.get("name"):
        vals["name"] = records.unique_utm_names(env, model.name, [vals["name"]], skip=rid)[0]
    return vals


_BEFORE_WRITE: dict[str, BeforeWrite] = {
    **dict.fromkeys(SCHEMA_MODELS, _schema_before_write),
    "res.partner": _partner_before_write,
    "crm.lead": crm.before_write,
    "mail.activity": _activity_before_write,
    "ir.attachment": _attachment_before_write,
    **dict.fromkeys(records.UTM_MODELS, _utm_before_write),
    "account.move": sales.move_before_write,
}


def before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    if "email" in vals and "email_normalized" in model.fields:
        vals["email_normalized"] = email_normalized(vals["email"])
    hook = _BEFORE_WRITE.get(model.name)
    return hook(env, model, rid, row, vals) if hook is not None else vals


def _res_model_on_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if "res_model_id" in vals:
        records.res_model_from_id(env, row)


_ON_WRITE: dict[str, AfterSave] = {
    "crm.lead": crm.on_write,
    "res.users": lambda env, model, rid, row, vals: partners.drop_related_user_fields(model, row),
    "account.move": sales.move_on_write,
    "res.partner": partners.on_write,
    "mail.activity": _res_model_on_write,
    "calendar.event": _res_model_on_write,
    "ir.attachment": lambda env, model, rid, row, vals: records.attachment_values(row, vals, writing=True),
}


def compute_on_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    _run(_ON_WRITE, env, model, rid, row, vals)


_AFTER_WRITE: dict[str, AfterSave] = {
    "res.users": partners.user_after_write,
    "res.partner": partners.after_write,
    **dict.fromkeys(SCHEMA_MODELS, irmodel.after_write),
}


def after_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    _run(_AFTER_WRITE, env, model, rid, row, vals)


# -- unlink ---------------------------------------------------------------------------------------------

def before_unlink(env: Env, model: Model, ids: list[int]) -> list[tuple[str, list[int]]]:
    """Refuses what Odoo refuses; returns what Odoo deletes after the records: (model, ids)."""
    sales.refuse_unlink(env, model, ids)
    payments.before_unlink(env, model.name, ids)
    if model.name in SCHEMA_MODELS:
        irmodel.before_unlink(env, model, ids)
    if model.name == "product.product":
        return sales.orphan_templates(env, model, ids)
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
