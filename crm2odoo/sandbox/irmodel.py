"""ir.model / ir.model.fields / ir.model.fields.selection: custom models and fields created over the API.

Checks and messages follow odoo/addons/base/models/ir_model.py (Odoo 18): manual names must start with
``x_``; a manual model gets ``x_name`` unless ``field_id`` is given or ``install_mode`` is set; base rows
cannot be removed. The registry is rebuilt from these rows after every call that changes them (a create of
several rows once, at its end, as Odoo does) so ``fields_get``, ``create`` and ``write`` see custom fields at once.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .exceptions import PyValueError, UserError, ValidationError
from .schema import FieldDef, Model

if TYPE_CHECKING:
    from .orm import Env
    from .store import Row

MAGIC = (("id", "integer", "ID", None), ("display_name", "char", "Display Name", None),
         ("create_uid", "many2one", "Created by", "res.users"), ("create_date", "datetime", "Created on", None),
         ("write_uid", "many2one", "Last Updated by", "res.users"),
         ("write_date", "datetime", "Last Updated on", None))
TTYPES = ("binary", "boolean", "char", "date", "datetime", "float", "html", "integer", "json", "many2many",
          "many2one", "many2one_reference", "monetary", "one2many", "properties", "properties_definition",
          "reference", "selection", "text")
_PG_NAME = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$", re.IGNORECASE)


def model_id(env: Env, name: str) -> int | None:
    for rid, _ in env.store.scan("ir.model", [("json_extract(data, '$.model') = ?", [name])]):
        return rid
    return None


def before_create(env: Env, model: Model, vals: dict[str, Any]) -> dict[str, Any]:
    if model.name == "ir.model":
        name = str(vals.get("model") or "")
        if vals.get("state", "manual") == "manual" and not name.startswith("x_"):
            raise ValidationError("The model name must start with 'x_'.")
        if not re.fullmatch(r"[a-z0-9_.]+", name):
            raise ValidationError(
                "The model name can only contain lowercase characters, digits, underscores and dots.")
        if "field_id" not in vals and not env.context.get("install_mode"):
            vals["field_id"] = [[0, 0, {"name": "x_name", "field_description": "Name", "ttype": "char",
                                        "copied": True}]]
    elif model.name == "ir.model.fields":
        if vals.get("model_id") and not vals.get("model"):
            row = env.store.get("ir.model", int(vals["model_id"]))
            if row is not None:
                vals["model"] = row.get("model")
        if vals.get("model") and not vals.get("model_id"):
            vals["model_id"] = model_id(env, str(vals["model"]))
        fname = str(vals.get("name") or "")
        if fname and not _PG_NAME.fullmatch(fname):
            raise ValidationError("Field names can only contain characters, digits and underscores (up to 63).")
        ttype = vals.get("ttype")
        relation = vals.get("relation")
        if ttype in ("many2one", "one2many", "many2many"):
            if not relation or relation not in env.registry.models:
                raise ValidationError(f"Unknown model name '{relation}' in Related Model")
            if ttype == "one2many":
                inverse = env.registry.models[str(relation)].fields.get(str(vals.get("relation_field") or ""))
                if inverse is None or inverse["type"] != "many2one":
                    raise UserError(f"Many2one {vals.get('relation_field')} on model {relation} does not exist!")
        if isinstance(vals.get("selection"), str) and "selection_ids" not in vals:
            # The deprecated Python-literal 'selection' becomes selection_ids rows.
            items = ast.literal_eval(vals.pop("selection"))
            vals["selection_ids"] = [[0, 0, {"value": v, "name": n, "sequence": i}]
                                     for i, (v, n) in enumerate(items)]
    return vals


def compute_on_create(env: Env, model: Model, row: Row) -> None:
    if model.name == "ir.model.fields" and row.get("model_id") and not row.get("model"):
        parent = env.store.get("ir.model", int(row["model_id"])) or {}
        row["model"] = parent.get("model")


def check_unique(env: Env, model: Model, row: Row, rid: int | None,
                 clash: Callable[[list[tuple[str, list[Any]]]], bool]) -> None:
    def eq(fname: str) -> tuple[str, list[Any]]:
        return (f"json_extract(data, '$.{fname}') = ?", [row.get(fname)])

    if model.name == "ir.model" and row.get("model") and clash([eq("model")]):
        raise ValidationError("The operation cannot be completed: Each model must have a unique name.")
    if model.name == "ir.model.fields":
        if row.get("state") == "manual" and not str(row.get("name") or "").startswith("x_"):
            raise ValidationError("The operation cannot be completed: Custom fields must have a name that starts "
                                  "with 'x_'!")
        if row.get("name") and clash([eq("model"), eq("name")]):
            raise ValidationError("The operation cannot be completed: Field names must be unique per model.")
        if row.get("ttype") and row["ttype"] not in TTYPES:
            raise PyValueError(f"Wrong value for ir.model.fields.ttype: {row['ttype']!r}")


def after_create(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if model.name == "ir.model" and row.get("state") == "manual":
        sub = env.sudo_call()
        sub.create("ir.model.fields", [{"model_id": rid, "model": row["model"], "name": name, "ttype": ttype,
                                        "field_description": label, "relation": relation or False,
                                        "state": "base", "store": name != "display_name",
                                        # the ORM fills these itself: read-only, as fields_get shows on real Odoo
                                        "readonly": True}
                                       for name, ttype, label, relation in MAGIC])
    # the registry is rebuilt once the whole call's rows exist (hooks.after_create_batch), as Odoo's
    # ir.model(.fields).create sets its models up once per call, after inserting every row


def before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if model.name == "ir.model.fields" and row.get("state") != "manual":
        raise UserError("Properties of base fields cannot be altered in this manner! Please modify them through "
                        "Python code, preferably through a custom addon!")
    if model.name == "ir.model" and "model" in vals and vals["model"] != row.get("model"):
        raise UserError('Field "Model" cannot be modified on models.')


def after_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    rebuild(env)


def before_unlink(env: Env, model: Model, ids: list[int]) -> None:
    if env.context.get("_sandbox_model_unlink"):
        return
    for rid in ids:
        row = env.store.get(model.name, rid) or {}
        if model.name == "ir.model":
            if row.get("state") != "manual":
                raise UserError(f"Model “{row.get('name')}” contains module data and cannot be removed.")
            env.context["_sandbox_model_unlink"] = True
            for record_id, _ in list(env.store.scan(str(row["model"]))):
                env.store.delete(str(row["model"]), record_id)
        elif model.name == "ir.model.fields":
            if row.get("state") != "manual":
                raise UserError("This column contains module data and cannot be removed!")
            fname = str(row.get("name"))
            for record_id, data in list(env.store.scan(str(row.get("model")))):
                if fname in data:
                    data.pop(fname)
                    env.store.update(str(row.get("model")), record_id, data)


def after_unlink(env: Env, model: Model, ids: list[int]) -> None:
    rebuild(env)


def _field_def(row: Row, selection: list[list[str]]) -> FieldDef:
    f: FieldDef = {"type": row.get("ttype"), "string": row.get("field_description") or row.get("name"),
                   "required": bool(row.get("required")), "readonly": bool(row.get("readonly")),
                   "store": row.get("store", True) is not False, "manual": row.get("state") == "manual",
                   "company_dependent": False, "translate": bool(row.get("translate")),
                   "default_export_compatible": False}
    if row.get("relation"):
        f["relation"] = row["relation"]
    if row.get("relation_field"):
        f["relation_field"] = row["relation_field"]
    if row.get("relation_table"):
        f["relation_table"] = row["relation_table"]
    if row.get("ttype") == "selection":
        f["selection"] = selection
    if row.get("ttype") == "char" and row.get("size"):
        f["size"] = row["size"]
    return f


def rebuild(env: Env) -> None:
    """Re-derive custom models/fields from the ir.model* rows (called after changes and after rollback)."""
    env.schema_changed = True
    if env.registry.setup_deferred:
        return  # inside an ir.model* create: rebuilt once at its end (hooks.after_create_batch)
    refresh_registry(env.store, env.registry)


def refresh_registry(store: Any, registry: Any) -> None:
    manual_models = {rid: row for rid, row in store.scan("ir.model", [("json_extract(data, '$.state') = ?",
                                                                        ["manual"])])}
    options: dict[int, list[tuple[int, str, str]]] = {}
    for _, sel in store.scan("ir.model.fields.selection"):
        options.setdefault(int(sel.get("field_id") or 0), []).append(
            (int(sel.get("sequence") or 0), str(sel.get("value")), str(sel.get("name"))))
    models: dict[str, Model] = {}
    for row in manual_models.values():
        models[str(row["model"])] = Model(str(row["model"]), str(row.get("name") or row["model"]), {},
                                          str(row.get("order") or "id"), manual=True)
    extra: dict[str, dict[str, FieldDef]] = {}
    wanted = [("json_extract(data, '$.state') = ?", ["manual"])]
    rows = list(store.scan("ir.model.fields", wanted))
    for mid in manual_models:
        rows += [r for r in store.scan("ir.model.fields", [("json_extract(data, '$.model_id') = ?", [mid])])
                 if r[1].get("state") != "manual"]
    for fid, row in rows:
        selection = [[v, n] for _, v, n in sorted(options.get(fid, []))]
        target = str(row.get("model"))
        fdef = _field_def(row, selection)
        if target in models:
            models[target].fields[str(row["name"])] = fdef
        else:
            extra.setdefault(target, {})[str(row["name"])] = fdef
    registry.set_custom(models, extra)
