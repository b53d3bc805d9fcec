"""Public model methods and their Python signatures, bound like ``odoo/api.py`` ``call_kw`` does.

Recordset methods take the ids as the first positional argument (``ids`` in JSON-2); ``@api.model``
methods take none. Argument binding reproduces Python's TypeError messages because that is what Odoo
returns for a bad call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import behaviours, payments
from .exceptions import AccessError, HttpError, OdooFault, PyAttributeError, PyTypeError, PyValueError, UserError
from .loader import load
from .orm import Env
from .schema import field_attrs

REQUIRED = object()
Params = list[tuple[str, Any]]


def _class_name(model: str) -> str:
    return "".join(part.capitalize() for part in model.replace("_", ".").split("."))


def _ids(value: Any) -> list[int]:
    if isinstance(value, bool):
        raise PyTypeError("ids must be a list of integers")
    if isinstance(value, int):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        return [int(i) for i in value]
    raise PyTypeError(f"Invalid ids: {value!r}")


def _create(env: Env, model: str, ids: list[int] | None, vals_list: Any) -> Any:
    if isinstance(vals_list, dict):
        return env.create(model, [vals_list])[0]
    if not isinstance(vals_list, list):
        raise PyValueError(f"Invalid vals_list: {vals_list!r}")
    return env.create(model, vals_list)


def _search(env: Env, model: str, ids: list[int] | None, domain: Any, offset: Any = 0, limit: Any = None,
            order: Any = None) -> list[int]:
    env.check_access(model, "read")  # models.py _search: reading ids needs read access, even a count
    return env.search_ids(model, domain or [], offset=int(offset or 0), limit=int(limit) if limit else None,
                          order=order or None)


def _search_read(env: Env, model: str, ids: list[int] | None, domain: Any = None, fields: Any = None,
                 offset: Any = 0, limit: Any = None, order: Any = None, load: Any = "_classic_read") -> Any:
    found = _search(env, model, None, domain, offset, limit, order)
    return env.read(model, found, fields, load)


def _search_count(env: Env, model: str, ids: list[int] | None, domain: Any, limit: Any = None) -> int:
    n = len(_search(env, model, None, domain))
    return min(n, int(limit)) if limit else n


def _fields_get(env: Env, model: str, ids: list[int] | None, allfields: Any = None, attributes: Any = None) -> Any:
    m = env.model(model)
    names = allfields or list(m.fields)
    return {n: field_attrs(m.fields[n], n, attributes) for n in names if n in m.fields}


def _name_search(env: Env, model: str, ids: list[int] | None, name: Any = "", domain: Any = None,
                 operator: Any = "ilike", limit: Any = 100) -> list[list[Any]]:
    m = env.model(model)
    full = list(domain or [])
    if name or operator not in ("ilike", "like", "=like", "=ilike"):
        full = ["&", (m.rec_name or "display_name", operator, name), *full] if full else [
            (m.rec_name or "display_name", operator, name)]
    found = env.search_ids(model, full, limit=int(limit) if limit else None)
    return [[i, env.display_name(m, i)] for i in found]


def _name_create(env: Env, model: str, ids: list[int] | None, name: Any) -> list[Any]:
    m = env.model(model)
    if not m.rec_name:
        raise UserError(f"Cannot execute name_create, no _rec_name defined on {model}")
    rid = env.create(model, [{m.rec_name: name}])[0]
    return [rid, env.display_name(m, rid)]


DEFAULT_GET_PARAM = {"res.partner": "default_fields", "mail.activity": "fields", "mail.message": "fields"}


def _default_get(env: Env, model: str, ids: list[int] | None, **named: Any) -> dict[str, Any]:
    (names,) = named.values()
    return behaviours.default_get(env, env.model(model), list(names or []))


def _get_external_id(env: Env, model: str, ids: list[int] | None) -> dict[int, str]:
    out = dict.fromkeys(ids or [], "")
    for rid in ids or []:
        for _, row in env.store.scan("ir.model.data", [("json_extract(data, '$.model') = ?", [model]),
                                                      ("json_extract(data, '$.res_id') = ?", [rid])]):
            out[rid] = f"{row['module']}.{row['name']}"
            break
    return out


def _check_object_reference(env: Env, model: str, ids: list[int] | None, module: Any, xml_id: Any,
                            raise_on_access_error: Any = False) -> list[Any]:
    found = behaviours.xmlid(env, str(module), str(xml_id))
    if found is None:
        raise PyValueError(f"External ID not found in the system: {module}.{xml_id}")
    target, res_id = found
    try:
        env.check_access(target, "read")
    except AccessError:
        if raise_on_access_error:
            raise
        return [target, False]
    return [target, res_id]


def _context_get(env: Env, model: str, ids: list[int] | None) -> dict[str, Any]:
    return {"lang": "en_US", "tz": False, "uid": env.uid}


def _get_param(env: Env, model: str, ids: list[int] | None, key: Any, default: Any = False) -> Any:
    env.check_access(model, "read")
    for _, row in env.store.scan(model, [("json_extract(data, '$.key') = ?", [key])]):
        return row.get("value")
    return default


def _set_param(env: Env, model: str, ids: list[int] | None, key: Any, value: Any) -> Any:
    env.check_access(model, "write")
    for rid, row in env.store.scan(model, [("json_extract(data, '$.key') = ?", [key])]):
        old = row.get("value")
        if value is False or value is None:
            env.unlink(model, [rid])
        else:
            env.write(model, [rid], {"value": str(value)})
        return old if old is not None else False
    if value is not False and value is not None:
        env.create(model, [{"key": key, "value": str(value)}])
    return False


def _has_group(env: Env, model: str, ids: list[int] | None, group_ext_id: Any) -> bool:
    # res_users.py has_group: a recordset method (ensure_one), true when the user is in the xmlid's group
    if len(ids or []) != 1:
        raise PyValueError(f"Expected singleton: res.users({', '.join(str(i) for i in ids or [])})")
    found = behaviours.xmlid(env, *str(group_ext_id).split(".", 1)) if "." in str(group_ext_id) else None
    if found is None:
        return False
    fname = "group_ids" if env.registry.major >= 19 else "groups_id"
    tbl, col = env.registry.m2m("res.users", fname)
    return found[1] in env.store.rel_get(tbl, col, (ids or [0])[0])


def _won(env: Env, model: str, ids: list[int] | None) -> bool:
    won = env.search_ids("crm.stage", [("is_won", "=", True)], limit=1)
    env.write(model, ids or [], {"stage_id": won[0] if won else False, "probability": 100})
    return True


def _lost(env: Env, model: str, ids: list[int] | None, **extra: Any) -> bool:
    env.write(model, ids or [], {**extra, "active": False, "probability": 0})
    return True


def _archive(active: bool) -> Callable[..., bool]:
    def run(env: Env, model: str, ids: list[int] | None) -> bool:
        env.write(model, ids or [], {"active": active})
        return True
    return run


def _confirm(env: Env, model: str, ids: list[int] | None) -> bool:
    """sale_order.py action_confirm: draft/sent -> sale; date_order becomes now (_prepare_confirmation_values)."""
    rows = [env.store.get(model, i) or {} for i in ids or []]
    if any(r.get("state") not in ("draft", "sent") for r in rows):
        raise UserError("Some orders are not in a state requiring confirmation.")
    env.write(model, ids or [], {"state": "sale", "date_order": behaviours.now()})
    return True


def _cancel(env: Env, model: str, ids: list[int] | None) -> bool:
    if model == payments.PAYMENT:
        return payments.payment_cancel(env, model, ids)
    return _cancel_order(env, model, ids)


def _cancel_order(env: Env, model: str, ids: list[int] | None) -> bool:
    """sale_order.py action_cancel: a non-draft order goes through a one-order wizard unless
    ``disable_cancel_warning`` is in the context (_show_cancel_wizard, then ensure_one)."""
    rows = [env.store.get(model, i) or {} for i in ids or []]
    if not env.context.get("disable_cancel_warning") and any(r.get("state") != "draft" for r in rows) \
            and len(ids or []) > 1:
        raise PyValueError(f"Expected singleton: {model}({', '.join(str(i) for i in ids or [])})")
    env.write(model, ids or [], {"state": "cancel"})
    return True


def _post(env: Env, model: str, ids: list[int] | None) -> bool:
    """account_move.py action_post: needs lines; assigns the journal's next number; state posted."""
    for rid in ids or []:
        row = env.store.get(model, rid) or {}
        if row.get("state") != "draft":
            raise UserError("The entry is not in draft.")
        lines = env.search_ids("account.move.line", [("move_id", "=", rid)], active_test=False)
        if not lines:
            raise UserError("You need to add a line before posting.")
        if row.get("move_type") in payments.SALE_TYPES and payments.invoice_total(env, rid) < 0:
            raise UserError("You cannot validate an invoice with a negative total amount. You should create a "
                            "credit note instead. Use the action menu to transform it into a credit note or refund.")
        name = row.get("name")
        if not name or name == "/":
            # a sale journal numbers its credit notes apart (refund_sequence): RINV/2024/00001
            prefix = "RINV" if row.get("move_type") == "out_refund" else "INV"
            year = str(row.get("invoice_date") or row.get("date") or behaviours.today())[:4]
            count = len(env.search_ids(model, [("name", "like", f"{prefix}/{year}/")], active_test=False))
            name = f"{prefix}/{year}/{count + 1:05d}"
        env.write(model, [rid], {"state": "posted", "name": name})
        payments.refresh_invoice(env, rid)
        payments.reconcile_reversal(env, rid)
    return True


def _draft(env: Env, model: str, ids: list[int] | None) -> bool:
    """account_move.py button_draft: only posted or cancelled entries; their reconciliation goes."""
    if any((env.store.get(model, rid) or {}).get("state") not in ("posted", "cancel") for rid in ids or []):
        raise UserError("Only posted/cancelled journal entries can be reset to draft.")
    env.write(model, ids or [], {"state": "draft"})
    payments.invoice_reset(env, ids or [])
    return True


# name -> (takes ids, parameters, implementation, only on these models)
Method = tuple[bool, Params, Callable[..., Any], tuple[str, ...] | None]
METHODS: dict[str, Method] = {
    "create": (False, [("vals_list", REQUIRED)], _create, None),
    "write": (True, [("vals", REQUIRED)], lambda env, m, ids, vals: env.write(m, ids, vals), None),
    "unlink": (True, [], lambda env, m, ids: env.unlink(m, ids), None),
    "read": (True, [("fields", None), ("load", "_classic_read")],
             lambda env, m, ids, fields=None, load="_classic_read": env.read(m, ids, fields, load), None),
    "search": (False, [("domain", REQUIRED), ("offset", 0), ("limit", None), ("order", None)], _search, None),
    "search_read": (False, [("domain", None), ("fields", None), ("offset", 0), ("limit", None), ("order", None),
                            ("load", "_classic_read")], _search_read, None),
    "search_count": (False, [("domain", REQUIRED), ("limit", None)], _search_count, None),
    "fields_get": (False, [("allfields", None), ("attributes", None)], _fields_get, None),
    "name_search": (False, [("name", ""), ("args", None), ("operator", "ilike"), ("limit", 100)], _name_search,
                    None),
    "name_create": (False, [("name", REQUIRED)], _name_create, None),
    "default_get": (False, [("fields_list", REQUIRED)], _default_get, None),
    "load": (False, [("fields", REQUIRED), ("data", REQUIRED)], load, None),
    "get_external_id": (True, [], _get_external_id, None),
    "exists": (True, [], lambda env, m, ids: sorted(env.store.exists(m, ids or [])), None),
    "action_archive": (True, [], _archive(False), None),
    "action_unarchive": (True, [], _archive(True), None),
    "check_object_reference": (False, [("module", REQUIRED), ("xml_id", REQUIRED),
                                       ("raise_on_access_error", False)], _check_object_reference,
                               ("ir.model.data",)),
    "context_get": (False, [], _context_get, ("res.users",)),
    "has_group": (True, [("group_ext_id", REQUIRED)], _has_group, ("res.users",)),
    "get_param": (False, [("key", REQUIRED), ("default", False)], _get_param, ("ir.config_parameter",)),
    "set_param": (False, [("key", REQUIRED), ("value", REQUIRED)], _set_param, ("ir.config_parameter",)),
    "action_set_won": (True, [], _won, ("crm.lead",)),
    "action_confirm": (True, [], _confirm, ("sale.order",)),
    "action_cancel": (True, [], _cancel, ("sale.order", "account.payment")),
    "action_draft": (True, [], payments.payment_draft, ("account.payment",)),
    "action_create_payments": (True, [], payments.create_payments, ("account.payment.register",)),
    "action_post": (True, [], _post, ("account.move",)),
    "button_draft": (True, [], _draft, ("account.move",)),
    "action_set_lost": (True, [("**", None)], _lost, ("crm.lead",)),
}


def lookup(env: Env, model: str, method: str) -> Method:
    if method.startswith("_"):
        raise AccessError(f"Private methods (such as {method}) cannot be called remotely.")
    if env.registry.get(model) is None:
        raise UserError(f"Object {model} doesn't exist")
    spec = METHODS.get(method)
    if spec is None or (spec[3] is not None and model not in spec[3]):
        raise PyAttributeError(f"The method '{method}' does not exist on the model '{model}'")
    if method == "name_search" and env.registry.major >= 19:
        spec = (spec[0], [("name", ""), ("domain", None), ("operator", "ilike"), ("limit", 100)], *spec[2:])
    if method == "default_get" and model in DEFAULT_GET_PARAM:
        # Overrides rename the parameter (res_partner.py, mail_activity.py, mail_message.py in Odoo 18).
        spec = (spec[0], [(DEFAULT_GET_PARAM[model], REQUIRED)], *spec[2:])
    return spec


def bind(model: str, method: str, params: Params, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Python's argument binding, with Python's error messages (Odoo returns them as TypeError)."""
    label = f"{_class_name(model)}.{method}()"
    varkw = any(name == "**" for name, _ in params)
    names = [name for name, _ in params if name != "**"]
    if len(args) > len(names):
        raise PyTypeError(f"{label} takes {len(names) + 1} positional arguments but {len(args) + 1} were given")
    bound = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key in bound:
            raise PyTypeError(f"{label} got multiple values for argument '{key}'")
        if key not in names and not varkw:
            raise PyTypeError(f"{label} got an unexpected keyword argument '{key}'")
        bound[key] = value
    missing = [name for name, default in params if name != "**" and default is REQUIRED and name not in bound]
    if missing:
        quoted = " and ".join(f"'{m}'" for m in missing)
        plural = "s" if len(missing) > 1 else ""
        raise PyTypeError(f"{label} missing {len(missing)} required positional argument{plural}: {quoted}")
    return bound


def call(env: Env, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """execute_kw semantics: ids first for recordset methods, the rest bound to the signature."""
    takes_ids, params, impl, _ = lookup(env, model, method)
    args = list(args or [])
    kwargs = dict(kwargs or {})
    context = kwargs.pop("context", None)
    if isinstance(context, dict):
        env.context.update(context)
    ids: list[int] | None = None
    if takes_ids:
        if not args:
            raise PyTypeError(f"{_class_name(model)}.{method}() missing 1 required positional argument: 'ids'")
        ids = _ids(args.pop(0))
    bound = bind(model, method, params, args, kwargs)
    if method == "name_search" and "args" in bound:
        bound["domain"] = bound.pop("args")
    return impl(env, model, ids, **bound)


def call_named(env: Env, model: str, method: str, body: dict[str, Any]) -> Any:
    """JSON-2 semantics (Odoo 19): named arguments only, ``ids`` for recordset methods, ids for records."""
    if env.registry.get(model) is None:
        raise HttpError(404, "NotFound", f"the model {model!r} does not exist")
    try:
        takes_ids, params, impl, _ = lookup(env, model, method)
    except (AccessError, PyAttributeError) as exc:
        raise HttpError(404, "NotFound", exc.message) from None
    body = dict(body)
    context = body.pop("context", None)
    if isinstance(context, dict):
        env.context.update(context)
    ids_value = body.pop("ids", None)
    if ids_value and not takes_ids:
        raise HttpError(422, "UnprocessableEntity", f"cannot call {model}.{method} with ids")
    ids = _ids(ids_value or []) if takes_ids else None
    # inspect.Signature.bind wording, which json2.py reports as 422
    names = [name for name, _ in params if name != "**"]
    for key in body:
        if key not in names and not any(name == "**" for name, _ in params):
            raise HttpError(422, "UnprocessableEntity", f"got an unexpected keyword argument '{key}'")
    for name, default in params:
        if default is REQUIRED and name not in body:
            raise HttpError(422, "UnprocessableEntity", f"missing a required argument: '{name}'")
    bound = bind(model, method, params, [], body)
    result = impl(env, model, ids, **bound)
    if method == "create" and isinstance(result, int):
        return [result]
    return result


__all__ = ["METHODS", "OdooFault", "call", "call_named", "lookup"]
