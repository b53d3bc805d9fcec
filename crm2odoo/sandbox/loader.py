"""``load(fields, data)``: Odoo's import engine (odoo/models.py ``load``, base/models/ir_fields.py).

Rows are strings; ``id`` is the row's external ID (``__import__`` when it has no module), ``.id`` a
database id, ``field/id`` and ``field/.id`` reference by xmlid or id, a bare relational column is resolved
by name (``=``), many2many columns take comma-separated lists. Any error message rolls the whole call
back and returns ``ids: False``; warnings (several name matches) keep the import.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import behaviours
from .exceptions import OdooFault, PyValueError, UserError

if TYPE_CHECKING:
    from .orm import Env
    from .schema import Model

_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no", ""}


class _RowError(Exception):
    def __init__(self, message: str, field: str | None, moreinfo: Any = None, warning: bool = False) -> None:
        super().__init__(message)
        self.message, self.field, self.moreinfo, self.warning = message, field, moreinfo, warning


def _possible_values(model: str, domain: list[Any] | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"name": "Possible Values", "type": "ir.actions.act_window", "target": "new",
                            "view_mode": "list,form", "views": [[False, "list"], [False, "form"]],
                            "context": {"create": False}, "help": "See all possible values", "res_model": model}
    if domain is not None:
        info["domain"] = domain
    return info


def _message(index: int, err: _RowError, model: Model) -> dict[str, Any]:
    msg: dict[str, Any] = {"rows": {"from": index, "to": index}, "type": "warning" if err.warning else "error",
                           "record": index, "message": err.message}
    if err.field:
        msg["field"] = err.field
        msg["field_name"] = model.fields[err.field].get("string", err.field) if err.field in model.fields \
            else err.field
    if err.moreinfo is not None:
        msg["moreinfo"] = err.moreinfo
    return msg


def _resolve_xmlid(env: Env, text: str, module: str) -> tuple[str, int] | None:
    mod, _, name = text.partition(".") if "." in text else (module, ".", text)
    return behaviours.xmlid(env, mod, name)


def _reference(env: Env, model: Model, fname: str, subfield: str | None, text: str,
               warnings: list[_RowError]) -> int:
    f = model.fields[fname]
    comodel = env.model(f["relation"])
    label = f.get("string", fname)
    if subfield == "id":
        found = _resolve_xmlid(env, text, "__import__")
        if found is None or not env.store.exists(comodel.name, [found[1]]):
            raise _RowError(f"No matching record found for external id '{text}' in field '{label}'", fname,
                            _possible_values("ir.model.data", [["model", "=", comodel.name]]))
        return found[1]
    if subfield == ".id":
        if not text.isdigit() or not env.store.exists(comodel.name, [int(text)]):
            raise _RowError(f"No matching record found for database id '{text}' in field '{label}'", fname,
                            _possible_values(comodel.name))
        return int(text)
    field_name = comodel.rec_name or "display_name"
    ids = env.search_ids(comodel.name, [(field_name, "=", text)], limit=2)
    if not ids:
        names = env.context.get("name_create_enabled_fields") or {}
        if names.get(fname) and comodel.rec_name:
            return env.create(comodel.name, [{comodel.rec_name: text}])[0]
        raise _RowError(f"No matching record found for name '{text}' in field '{label}'", fname,
                        _possible_values(comodel.name))
    if len(ids) > 1:
        warnings.append(_RowError(f"Found multiple matches for value '{text}' in field '{label}' "
                                  f"({len(ids)} matches)", fname, warning=True))
    return ids[0]


def _convert(env: Env, model: Model, fname: str, subfield: str | None, text: str,
             warnings: list[_RowError]) -> Any:
    f = model.fields[fname]
    ftype = f["type"]
    label = f.get("string", fname)
    if ftype == "boolean":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise _RowError(f"Unknown value '{text}' for boolean field '{label}'", fname,
                        "Use '1' for yes and '0' for no")
    if text == "":
        return False  # ir_fields' converter: an empty cell is False, for x2many fields too
    if ftype == "integer":
        try:
            return int(text)
        except ValueError:
            raise _RowError(f"'{text}' does not seem to be an integer for field '{label}'", fname) from None
    if ftype in ("float", "monetary"):
        try:
            return float(text)
        except ValueError:
            raise _RowError(f"'{text}' does not seem to be a number for field '{label}'", fname) from None
    if ftype == "date":
        try:
            return datetime.strptime(text, "%Y-%m-%d").strftime("%Y-%m-%d")
        except ValueError:
            raise _RowError(f"'{text}' does not seem to be a valid date for field '{label}'", fname,
                            "Use the format '2012-12-31'") from None
    if ftype == "datetime":
        try:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise _RowError(f"'{text}' does not seem to be a valid datetime for field '{label}'", fname,
                            "Use the format '2012-12-31 23:59:59'") from None
    if ftype == "selection":
        for key, name in f.get("selection") or []:
            if text == key or text.lower() == str(name).lower():
                return key
        raise _RowError(f"Value '{text}' not found in selection field '{label}'", fname,
                        [key for key, _ in f.get("selection") or []])
    if ftype == "many2one":
        return _reference(env, model, fname, subfield, text, warnings)
    if ftype in ("many2many", "one2many"):
        ids = [_reference(env, model, fname, subfield, part.strip(), warnings)
               for part in text.split(",") if part.strip()]
        return [(6, 0, ids)]
    return text


def load(env: Env, model_name: str, ids: list[int] | None, fields: Any, data: Any) -> dict[str, Any]:
    model = env.model(model_name)
    env.check_access(model_name, "create")
    paths: list[tuple[str, str | None]] = []
    for path in fields:
        parts = str(path).split("/")
        head = parts[0]
        if head not in ("id", ".id") and head not in model.fields:
            raise PyValueError(f"Invalid field name {head!r}")
        if len(parts) > 2 or (len(parts) == 2 and parts[1] not in ("id", ".id")):
            raise PyValueError(f"Invalid field name {path!r}")
        paths.append((head, parts[1] if len(parts) == 2 else None))
    module = str(env.context.get("module") or "__import__")
    messages: list[dict[str, Any]] = []
    result_ids: list[int] = []
    env.store.savepoint("sandbox_load")
    for index, row in enumerate(data or []):
        warnings: list[_RowError] = []
        env.store.savepoint("sandbox_load_row")
        try:
            xml: str | None = None
            db_id: int | None = None
            vals: dict[str, Any] = {}
            for (head, sub), cell in zip(paths, row, strict=False):
                text = "" if cell is None or cell is False else str(cell)
                if head == "id":
                    xml = text or None
                elif head == ".id":
                    db_id = int(text) if text else None
                else:
                    vals[head] = _convert(env, model, head, sub, text, warnings)
            rid = _save(env, model, vals, xml, db_id, module)
            env.store.release("sandbox_load_row")
            result_ids.append(rid)
        except _RowError as err:
            env.store.rollback_to("sandbox_load_row")
            messages.append(_message(index, err, model))
        except OdooFault as exc:
            env.store.rollback_to("sandbox_load_row")
            messages.append(_message(index, _RowError(exc.message, None), model))
        except TypeError as exc:  # models.py load(): any other exception of a row's create, reported so
            env.store.rollback_to("sandbox_load_row")
            messages.append(_message(index, _RowError(f"Unknown error during import: {type(exc)}: {exc}", None),
                                     model))
        messages.extend(_message(index, w, model) for w in warnings)
        if sum(m["type"] == "error" for m in messages) >= 10 and index > 10 * len(messages):
            break
    if any(m["type"] == "error" for m in messages):
        env.store.rollback_to("sandbox_load")
        # Structural rollback of custom schema changes is handled by the server after the call.
        return {"ids": False, "messages": messages, "nextrow": 0}
    env.store.release("sandbox_load")
    return {"ids": result_ids, "messages": messages, "nextrow": 0}


def _save(env: Env, model: Model, vals: dict[str, Any], xml: str | None, db_id: int | None, module: str) -> int:
    if db_id is not None:
        env.write(model.name, [db_id], vals)
        return db_id
    if xml:
        mod, _, name = xml.partition(".") if "." in xml else (module, ".", xml)
        sudo = env.sudo_call()
        found = behaviours.xmlid(env, mod, name)
        if found is not None:
            target_model, res_id = found
            if target_model != model.name:
                raise _RowError(f"For external id {mod}.{name} when trying to create/update a record of model "
                                f"{model.name} found record of different model {target_model} ({res_id})", None)
            if env.store.exists(model.name, [res_id]):
                env.write(model.name, [res_id], vals)
                return res_id
            stale = [i for i, _ in env.store.scan("ir.model.data", [
                ("json_extract(data, '$.module') = ?", [mod]), ("json_extract(data, '$.name') = ?", [name])])]
            sudo.unlink("ir.model.data", stale)
        if env.context.get("import_file"):
            # models.py _load_records: a module prefix would be garbage-collected at that module's upgrade
            modules = {str(r.get("name")) for _, r in env.store.scan("ir.module.module")}
            if mod in modules:
                raise UserError(
                    f"The record {mod}.{name} has the module prefix {mod}. This is the part before the '.' in the "
                    "external id. Because the prefix refers to an existing module, the record would be deleted when "
                    "the module is upgraded. Use either no prefix and no dot or a prefix that isn't an existing "
                    f"module. For example, __import__, resulting in the external id __import__.{name}.")
        rid = env.create(model.name, [vals])[0]
        sudo.create("ir.model.data", [{"module": mod, "name": name, "model": model.name, "res_id": rid,
                                       "noupdate": bool(env.context.get("noupdate"))}])
        return rid
    return env.create(model.name, [vals])[0]
