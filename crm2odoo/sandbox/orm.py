"""The sandbox ORM: create/write/unlink/read/search over the store, enforcing what Odoo's ORM and PostgreSQL do.

Order of checks follows Odoo 18: unknown field names and Python-level conversions (``fields.py``
``convert_to_cache``) fail first, then what PostgreSQL enforces at flush time (NOT NULL, foreign keys, unique
and check constraints), reported the way ``odoo/service/model.py`` ``_as_validation_error`` words them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from . import behaviours, x2many
from .conversion import DATETIME_FORMAT, to_stored
from .domain import filter_ids, mentions_active, normalize, parse_order
from .exceptions import AccessError, MissingError, PyValueError, ValidationError, record_repr
from .schema import LOG_ACCESS, Model, Registry
from .store import Row, Store

ADMIN_UIDS = frozenset({1, 2})

# (read, write, create, unlink) for the non-admin internal user, from the ir.model.access.csv files of
# base, crm, mail, utm and sales_team (Odoo 18). Models not listed are fully open to internal users.
USER_ACL: dict[str, tuple[bool, bool, bool, bool]] = {
    "res.groups": (True, False, False, False),
    "ir.model": (False, False, False, False), "ir.model.data": (False, False, False, False),
    "ir.model.fields": (False, False, False, False), "ir.model.fields.selection": (False, False, False, False),
    "ir.model.access": (False, False, False, False), "ir.config_parameter": (False, False, False, False),
    "crm.lead": (True, True, True, False), "crm.stage": (True, False, False, False),
    "crm.lost.reason": (True, False, False, False), "crm.team": (True, False, False, False),
    "mail.message.subtype": (True, False, False, False), "mail.activity.type": (True, False, False, False),
    "utm.source": (True, True, True, False), "utm.medium": (True, True, True, False),
    "utm.campaign": (True, True, True, False), "res.country": (True, False, False, False),
    "res.currency": (True, False, False, False), "res.users": (True, False, False, False),
    "res.company": (True, False, False, False), "ir.module.module": (True, False, False, False),
}
#: models nobody may change over the API, administrators included (crm: ir.model.access.csv gives read only)
READ_ONLY_FOR_ALL = frozenset({"crm.lead.scoring.frequency"})
_MODES = ("read", "write", "create", "unlink")
_VERBS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}
_GROUPS = {"ir.config_parameter": "Administration/Settings"}


def now_str() -> str:
    return datetime.utcnow().strftime(DATETIME_FORMAT)


class Env:
    """One RPC call's view of the database: user, context, registry and store."""

    def __init__(self, store: Store, registry: Registry, uid: int, context: dict[str, Any] | None = None) -> None:
        self.store = store
        self.registry = registry
        self.uid = uid
        self.context: dict[str, Any] = dict(context or {})
        self.su = False
        self.schema_changed = False

    # -- helpers ----------------------------------------------------------------------------------------
    def model(self, name: str) -> Model:
        return self.registry.models[name]

    @property
    def is_admin(self) -> bool:
        return self.uid in ADMIN_UIDS

    def user_row(self) -> Row:
        return self.store.get("res.users", self.uid) or {}

    def user_groups(self) -> set[int]:
        fname = "group_ids" if self.registry.major >= 19 else "groups_id"
        tbl, col = self.registry.m2m("res.users", fname)
        return set(self.store.rel_get(tbl, col, self.uid))

    def _check_manual_access(self, model: Model, mode: str) -> None:
        """Custom models have no implicit rights: an ir.model.access row must grant them (even to admin)."""
        from .irmodel import model_id
        from .seed import GROUPS
        mid = model_id(self, model.name)
        groups = self.user_groups()
        labels = []
        for _, rule in self.store.scan("ir.model.access", [("json_extract(data, '$.model_id') = ?", [mid])]):
            if not rule.get("active", True) or not rule.get(f"perm_{mode}"):
                continue
            if rule.get("group_id") is None or rule["group_id"] in groups:
                return
            labels.append(GROUPS.get(int(rule["group_id"]), ("", f"res.groups,{rule['group_id']}"))[1])
        info = ("This operation is allowed for the following groups:\n" + "\n".join(f"\t- {g}" for g in sorted(labels))
                if labels else "No group currently allows this operation.")
        raise AccessError(f"You are not allowed to {_VERBS[mode]} '{model.description}' ({model.name}) records."
                          f"\n\n{info}\n\nContact your administrator to request access if necessary.")

    def check_access(self, model: str, mode: str) -> None:
        if self.su or self.uid == 1:
            return
        found = self.registry.models.get(model)
        if found is not None and found.manual:
            self._check_manual_access(found, mode)
            return
        if model in READ_ONLY_FOR_ALL and mode != "read":
            desc = self.registry.models[model].description if model in self.registry.models else model
            raise AccessError(f"You are not allowed to {_VERBS[mode]} '{desc}' ({model}) records.\n\n"
                              "No group currently allows this operation.\n\n"
                              "Contact your administrator to request access if necessary.")
        if self.is_admin:
            return
        rights = USER_ACL.get(model, (True, True, True, True))
        if rights[_MODES.index(mode)]:
            return
        desc = self.registry.models[model].description if model in self.registry.models else model
        group = _GROUPS.get(model, "Administration/Access Rights")
        raise AccessError(
            f"You are not allowed to {_VERBS[mode]} '{desc}' ({model}) records.\n\n"
            f"This operation is allowed for the following groups:\n\t- {group}\n\n"
            "Contact your administrator to request access if necessary.")

    def sudo_call(self) -> Env:
        env = Env(self.store, self.registry, self.uid, self.context)
        env.su = True
        return env

    # -- values -----------------------------------------------------------------------------------------
    def convert(self, model: Model, fname: str, value: Any) -> Any:
        """Python-side conversion of a written value to its stored form (Odoo's convert_to_cache)."""
        return to_stored(model, fname, value)

    def value(self, model: Model, rid: int, row: Row, fname: str) -> Any:
        """Internal value of a field: stored value, x2many id list, or a computed value."""
        if fname == "id":
            return rid
        f = model.fields[fname]
        ftype = f["type"]
        if ftype == "many2many" and not f.get("store", True):
            return behaviours.computed_value(self, model, rid, row, fname) or []
        if ftype == "many2many":
            tbl, col = self.registry.m2m(model.name, fname)
            return self.store.rel_get(tbl, col, rid)
        if ftype == "one2many":
            inverse = f.get("relation_field")
            comodel = f.get("relation")
            if not inverse or not comodel or comodel not in self.registry.models:
                return []
            return [i for i, _ in self.store.scan(comodel, [(f"json_extract(data, '$.{inverse}') = ?", [rid])])]
        if fname == "display_name":
            return self.display_name(model, rid, row)
        if fname in row:
            return row[fname]
        return behaviours.computed_value(self, model, rid, row, fname)

    def display_name(self, model: Model, rid: int, row: Row | None = None) -> str | Literal[False]:
        """models.py _compute_display_name: the _rec_name's value (False when empty: the web client's
        "Unnamed"), or 'model,id' for a model without one."""
        if row is None:
            row = self.store.get(model.name, rid) or {}
        special = behaviours.display_name(self, model, rid, row)
        if special is not None:
            return special
        rec = model.rec_name
        if rec:
            return str(row[rec]) if row.get(rec) else False
        return f"{model.name},{rid}"

    def read_value(self, model: Model, rid: int, row: Row, fname: str, load: Any) -> Any:
        f = model.fields[fname]
        ftype = f["type"]
        v = self.value(model, rid, row, fname)
        if ftype == "many2one":
            if not v:
                return False
            comodel = self.registry.models.get(f.get("relation", ""))
            target = self.store.get(comodel.name, v) if comodel else None
            if target is None or comodel is None:
                return False
            return [v, self.display_name(comodel, v, target)] if load else v
        if ftype in ("one2many", "many2many"):
            return list(v or [])
        if ftype == "integer":
            return int(v or 0)
        if ftype in ("float", "monetary"):
            return float(v or 0.0)
        if ftype == "boolean":
            return bool(v)
        if v is None:
            return False
        return v

    # -- search -----------------------------------------------------------------------------------------
    def active_test(self, model: Model, domain: list[Any]) -> bool:
        return ("active" in model.fields and self.context.get("active_test", True) is not False
                and not mentions_active(domain))

    def all_rows(self, model: str) -> dict[int, Row]:
        return dict(self.store.scan(model))

    def _pushdown(self, model: Model, tokens: list[Any]) -> list[tuple[str, list[Any]]]:
        """SQL pre-filters for plain equality leaves of an all-AND domain; the full domain is still evaluated."""
        if any(t in ("|", "!") for t in tokens):
            return []
        where: list[tuple[str, list[Any]]] = []
        for t in tokens:
            if not isinstance(t, tuple) or not isinstance(t[0], str) or "." in t[0]:
                continue
            fname, op, value = t
            f = model.fields.get(fname)
            if f is None or (f["type"] not in ("char", "selection", "integer", "many2one", "many2one_reference") \
                    and fname != "id"):
                continue
            if fname != "id" and not model.stored(fname):
                continue
            column = "id" if fname == "id" else f"json_extract(data, '$.{fname}')"
            if op == "=" and _plain(value):
                where.append((f"{column} = ?", [value]))
            elif op == "in" and isinstance(value, list | tuple) and value and all(_plain(v) for v in value) \
                    and len(value) <= 900:
                where.append((f"{column} IN ({','.join('?' * len(value))})", list(value)))
        return where

    def search_ids(self, model_name: str, domain: list[Any], *, active_test: bool = True,
                   offset: int = 0, limit: int | None = None, order: str | None = None) -> list[int]:
        model = self.model(model_name)
        domain = list(domain or [])
        tokens = normalize(domain)
        if active_test and self.active_test(model, tokens):
            tokens = ["&", ("active", "=", True), *tokens] if tokens else [("active", "=", True)]
        keys = parse_order(model, order)
        rows = dict(self.store.scan(model_name, self._pushdown(model, tokens)))
        ids = filter_ids(self, model, tokens, rows)
        ordered = self._sort(model, [(i, rows[i]) for i in ids], keys)
        ordered = ordered[offset or 0:]
        if limit:
            ordered = ordered[:limit]
        return ordered

    def _sort(self, model: Model, items: list[tuple[int, Row]], keys: list[tuple[str, bool]]) -> list[int]:
        items = sorted(items, key=lambda it: it[0])
        for fname, desc in reversed(keys):
            def key(it: tuple[int, Row], fname: str = fname, desc: bool = desc) -> tuple[int, Any]:
                v = it[0] if fname == "id" else self.value(model, it[0], it[1], fname)
                if isinstance(v, list):
                    v = v[0] if v else None
                if v is None or (v is False and model.fields.get(fname, {}).get("type") != "boolean"):
                    # PostgreSQL puts NULLs last ascending and first descending.
                    return (1 if not desc else -1, 0)
                if isinstance(v, str):
                    return (0, v.casefold())
                return (0, v)
            try:
                items.sort(key=key, reverse=desc)
            except TypeError:
                items.sort(key=lambda it, k=key: str(k(it)), reverse=desc)  # type: ignore[misc]
        return [i for i, _ in items]

    # -- CRUD -------------------------------------------------------------------------------------------
    def browse_existing(self, model: Model, ids: list[int]) -> list[int]:
        found = self.store.exists(model.name, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise MissingError("Record does not exist or has been deleted.\n"
                               f"(Record: {record_repr(model.name, missing)}, User: {self.uid})")
        return ids

    def check_fields(self, model: Model, vals: dict[str, Any]) -> None:
        for key in vals:
            if key not in model.fields:
                raise PyValueError(f"Invalid field {key!r} on model {model.name!r}")

    def create(self, model_name: str, vals_list: list[dict[str, Any]]) -> list[int]:
        model = self.model(model_name)
        self.check_access(model_name, "create")
        if model.synthetic:
            raise AccessError(f"You are not allowed to create '{model.description}' ({model_name}) records.")
        vals_list = behaviours.before_create_batch(self, model, [dict(v) for v in vals_list])
        ids: list[int] = []
        with behaviours.one_setup(self, model):
            for vals in vals_list:
                ids.append(self._create_one(model, vals))
        behaviours.after_create_batch(self, model, ids)
        return ids

    def _create_one(self, model: Model, vals: dict[str, Any]) -> int:
        if not isinstance(vals, dict):
            raise PyValueError(f"dictionary update sequence element #0 has length {len(vals)}; 2 is required")
        for key in (*LOG_ACCESS, "id", "__last_update"):
            vals.pop(key, None)
        self.check_fields(model, vals)
        behaviours.check_create_values(model, vals)
        vals = behaviours.before_create(self, model, vals)
        row: Row = {}
        x2many: dict[str, Any] = {}
        for fname, value in vals.items():
            f = model.fields[fname]
            if f["type"] in ("one2many", "many2many"):
                x2many[fname] = value
            elif model.stored(fname) or not f.get("readonly", True):
                # writable non-stored fields have an inverse in Odoo (ir.attachment.datas): keep the value
                row[fname] = self.convert(model, fname, value)
        for fname, default in behaviours.defaults(self, model).items():
            if fname not in vals and fname in model.fields:
                if model.fields[fname]["type"] in ("one2many", "many2many"):
                    x2many[fname] = default
                else:
                    row[fname] = self.convert(model, fname, default)
        stamp = now_str()
        for fname, value in (("create_uid", self.uid), ("write_uid", self.uid), ("create_date", stamp),
                             ("write_date", stamp)):
            if fname in model.fields:
                row[fname] = value
        behaviours.compute_on_create(self, model, row, vals)
        self._check_row(model, row, creating=True)
        rid = self.store.next_id(model.name)
        self.store.insert(model.name, rid, row)
        for fname, commands in x2many.items():
            self.apply_x2many(model, rid, fname, commands)
        behaviours.after_create(self, model, rid, row, vals)
        return rid

    def _check_row(self, model: Model, row: Row, *, creating: bool, rid: int | None = None,
                   changed: set[str] | None = None) -> None:
        behaviours.check_constraints(self, model, row, rid)
        for fname in model.required_stored:
            if changed is not None and fname not in changed:
                continue
            if row.get(fname) is None and not behaviours.skip_required(model, fname):
                label = model.fields[fname].get("string", fname)
                raise ValidationError(
                    "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"
                    "- Delete: another model requires the record being deleted. If possible, archive it instead."
                    f"\n\nModel: {model.description} ({model.name})\nField: {label} ({fname})\n")
        for fname in model.many2one_stored:
            if (changed is not None and fname not in changed) or row.get(fname) is None:
                continue
            comodel = model.fields[fname].get("relation", "")
            if comodel in self.registry.models and not self.store.exists(comodel, [row[fname]]):
                raise fk_error(model, f"{model.table}_{fname}_fkey")
        behaviours.check_unique(self, model, row, rid)

    def write(self, model_name: str, ids: list[int], vals: dict[str, Any]) -> bool:
        model = self.model(model_name)
        self.check_access(model_name, "write")
        if model.synthetic:
            raise AccessError(f"You are not allowed to modify '{model.description}' ({model_name}) records.")
        if not isinstance(vals, dict):
            raise PyValueError("write() expects a dictionary of values")
        vals = dict(vals)
        for key in (*LOG_ACCESS, "id", "__last_update"):
            vals.pop(key, None)
        self.check_fields(model, vals)
        self.browse_existing(model, ids)
        for rid in ids:
            row = self.store.get(model_name, rid) or {}
            own = behaviours.before_write(self, model, rid, row, dict(vals))
            x2many: dict[str, Any] = {}
            for fname, value in own.items():
                f = model.fields[fname]
                if f["type"] in ("one2many", "many2many"):
                    x2many[fname] = value
                elif model.stored(fname) or not f.get("readonly", True):
                    row[fname] = self.convert(model, fname, value)
            if "write_uid" in model.fields:
                row["write_uid"], row["write_date"] = self.uid, now_str()
            behaviours.compute_on_write(self, model, rid, row, own)
            self._check_row(model, row, creating=False, rid=rid, changed=set(own) | {"complete_name"})
            self.store.update(model_name, rid, row)
            for fname, commands in x2many.items():
                self.apply_x2many(model, rid, fname, commands)
            behaviours.after_write(self, model, rid, row, own)
        return True

    def apply_x2many(self, model: Model, rid: int, fname: str, commands: Any) -> None:
        f = model.fields[fname]
        comodel = self.model(f["relation"])
        commands = x2many.normalize_commands(model, fname, commands)
        many2many = f["type"] == "many2many"
        if many2many:
            tbl, col = self.registry.m2m(model.name, fname)
            current = self.store.rel_get(tbl, col, rid)
        else:
            current = self.value(model, rid, {}, fname)
        inverse = f.get("relation_field") if f["type"] == "one2many" else None
        rel = x2many.Relation(self, model, rid, fname, comodel.name, inverse or None)
        target = x2many.run_commands(rel, commands, list(current))
        if many2many:
            x2many.store_many2many(rel, list(current), target)
        else:
            x2many.link_one2many(rel, list(current), target)

    def unlink(self, model_name: str, ids: list[int]) -> bool:
        model = self.model(model_name)
        self.check_access(model_name, "unlink")
        if model.synthetic:
            raise AccessError(f"You are not allowed to delete '{model.description}' ({model_name}) records.")
        self.browse_existing(model, ids)
        ids = sorted(set(ids))
        if not ids:
            return True
        follow = behaviours.before_unlink(self, model, ids)
        id_set = set(ids)
        for other in list(self.registry.models.values()):
            for fname, f in other.fields.items():
                if f.get("relation") != model_name or (not other.stored(fname) and f["type"] != "many2many"):
                    continue
                if f["type"] == "many2many":
                    tbl, col = self.registry.m2m(other.name, fname)
                    for rid in ids:
                        self.store.rel_drop(tbl, "b" if col == "a" else "a", rid)
                    continue
                if f["type"] != "many2one":
                    continue
                refs = [(i, r) for i, r in self.store.scan(other.name, [(
                    f"json_extract(data, '$.{fname}') IN ({','.join('?' * len(ids))})", list(ids))])
                    if not (other.name == model_name and i in id_set)]
                if not refs:
                    continue
                rule = self.registry.ondelete(other.name, fname)
                if rule == "restrict":
                    raise fk_error(other, f"{other.table}_{fname}_fkey")
                if rule == "cascade":
                    self.sudo_call().unlink(other.name, [i for i, _ in refs])
                else:
                    for i, r in refs:
                        r[fname] = None
                        # fields computed from the nulled reference are recomputed, as Odoo's unlink does
                        behaviours.compute_on_write(self, other, i, r, {fname: False})
                        self.store.update(other.name, i, r)
        for fname, f in model.fields.items():
            if f["type"] == "many2many":
                tbl, col = self.registry.m2m(model_name, fname)
                for rid in ids:
                    self.store.rel_drop(tbl, col, rid)
        for rid in ids:
            self.store.delete(model_name, rid)
        behaviours.after_unlink(self, model, ids)
        for other_name, other_ids in follow:
            alive = [i for i in other_ids if self.store.get(other_name, i) is not None]
            if alive:
                self.sudo_call().unlink(other_name, alive)
        return True

    def read(self, model_name: str, ids: list[int], fields: list[str] | None, load: Any = "_classic_read"
             ) -> list[dict[str, Any]]:
        model = self.model(model_name)
        self.check_access(model_name, "read")
        names = list(fields) if fields else [f for f in model.fields if f != "id"]
        for fname in names:
            if fname not in model.fields:
                raise PyValueError(f"Invalid field {fname!r} on model {model_name!r}")
        out = []
        for rid in ids:
            row = self.store.get(model_name, int(rid))
            if row is None:
                continue
            rec: dict[str, Any] = {"id": int(rid)}
            for fname in names:
                if fname != "id":
                    rec[fname] = self.read_value(model, int(rid), row, fname, load)
            out.append(rec)
        return out


def _plain(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def fk_error(model: Model, constraint: str) -> ValidationError:
    return ValidationError(
        "The operation cannot be completed: another model requires the record being deleted. "
        f"If possible, archive it instead.\n\nModel: {model.description} ({model.name})\nConstraint: {constraint}\n")

