"""The model registry: real ``fields_get`` metadata per version, plus what the sandbox synthesizes.

Fields come from ``schema/<version>/<model>.json`` (copied from real Odoo servers). Relation targets outside
that set get a minimal shadow model (id, name, display_name) so references to them can be checked and read.
Custom ``x_`` models and fields created over the API are layered on top and rebuilt from the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .meta import M2M_TABLES, MODEL_DESCRIPTIONS, ONDELETE

SCHEMA_DIR = Path(__file__).with_name("schema")
VERSIONS = ("17.0", "18.0", "19.0")
#: modules a sandbox may be started with or without (their models under schema/<version>/modules/<module>)
OPTIONAL_MODULES = ("base_automation",)

FieldDef = dict[str, Any]

# Odoo's _order of the models a migration reads; everything else orders by id.
ORDERS: dict[str, str] = {
    "res.partner": "complete_name asc, id desc",
    "crm.lead": "priority desc, id desc",
    "crm.stage": "sequence, name, id",
    "crm.team": "sequence asc, id",
    "crm.tag": "id",
    "mail.message": "id desc",
    "mail.activity": "date_deadline asc, id asc",
    "res.country": "name",
    "res.country.state": "code",
    "res.currency": "active desc, name",
    "ir.model": "model",
    "ir.model.data": "module, model, name",
    "ir.model.fields": "name",
    "res.users": "name, login",
    "ir.module.module": "application desc, sequence, name",
    "res.partner.category": "name",
    "mail.activity.type": "sequence, id",
    "mail.message.subtype": "sequence, id",
    "crm.lost.reason": "name",
    "project.task.type": "sequence, id",
    "uom.uom": "name",
}

# Fields whose value a client never sends: the server always computes them (log access columns are stripped).
LOG_ACCESS = ("create_uid", "create_date", "write_uid", "write_date")


@dataclass
class Model:
    name: str
    description: str
    fields: dict[str, FieldDef]
    order: str = "id"
    synthetic: bool = False  # read-only listing such as ir.module.module
    manual: bool = False

    @property
    def table(self) -> str:
        return self.name.replace(".", "_")

    @property
    def rec_name(self) -> str | None:
        for candidate in ("name", "x_name"):
            if candidate in self.fields:
                return candidate
        return None

    @cached_property
    def stored_names(self) -> frozenset[str]:
        return frozenset(n for n, f in self.fields.items()
                         if f.get("store", True) and f["type"] not in ("one2many", "many2many") and n != "id")

    @cached_property
    def required_stored(self) -> tuple[str, ...]:
        return tuple(n for n in self.fields if n in self.stored_names and self.fields[n].get("required"))

    @cached_property
    def many2one_stored(self) -> tuple[str, ...]:
        return tuple(n for n in self.fields if n in self.stored_names and self.fields[n]["type"] == "many2one")

    def stored(self, fname: str) -> bool:
        return fname in self.stored_names


def _shadow(name: str) -> Model:
    fields: dict[str, FieldDef] = {
        "id": {"type": "integer", "string": "ID", "store": True, "readonly": True, "required": False},
        "name": {"type": "char", "string": "Name", "store": True, "readonly": False, "required": False},
        "display_name": {"type": "char", "string": "Display Name", "store": False, "readonly": True,
                         "required": False},
    }
    return Model(name, name, fields)


def _module_model() -> Model:
    def char(label: str) -> FieldDef:
        return {"type": "char", "string": label, "store": True, "readonly": True, "required": False}

    fields: dict[str, FieldDef] = {
        "id": {"type": "integer", "string": "ID", "store": True, "readonly": True, "required": False},
        "name": char("Technical Name"), "shortdesc": char("Module Name"), "latest_version": char("Latest Version"),
        "display_name": {**char("Display Name"), "store": False},
        "state": {"type": "selection", "string": "Status", "store": True, "readonly": True, "required": False,
                  "selection": [["uninstallable", "Uninstallable"], ["uninstalled", "Not Installed"],
                                ["installed", "Installed"], ["to upgrade", "To be upgraded"],
                                ["to remove", "To be removed"], ["to install", "To be installed"]]},
        "application": {"type": "boolean", "string": "Application", "store": True, "readonly": True,
                        "required": False},
        "sequence": {"type": "integer", "string": "Sequence", "store": True, "readonly": True, "required": False},
    }
    return Model("ir.module.module", "Module", fields, order=ORDERS["ir.module.module"], synthetic=True)


def _config_model() -> Model:
    fields: dict[str, FieldDef] = {
        "id": {"type": "integer", "string": "ID", "store": True, "readonly": True, "required": False},
        "key": {"type": "char", "string": "Key", "store": True, "readonly": False, "required": True},
        "value": {"type": "text", "string": "Value", "store": True, "readonly": False, "required": True},
        "display_name": {"type": "char", "string": "Display Name", "store": False, "readonly": True,
                         "required": False},
    }
    return Model("ir.config_parameter", "System Parameter", fields, order="key")


class Registry:
    """Models of one Odoo version. ``base`` never changes; ``custom`` is rebuilt from ir.model(.fields) rows."""

    def __init__(self, version: str, modules: tuple[str, ...] = ()) -> None:
        if version not in VERSIONS:
            raise ValueError(f"unsupported Odoo version {version!r}; use one of {', '.join(VERSIONS)}")
        self.version = version
        self.major = int(version.split(".")[0])
        self.modules = tuple(m for m in OPTIONAL_MODULES if m in modules)  # optional modules installed
        self.base: dict[str, Model] = {}
        #: ir.model* creates under way: their rebuilds wait for the outermost one's end (irmodel.rebuild)
        self.setup_deferred = 0
        paths = sorted((SCHEMA_DIR / version).glob("*.json"))
        for module in self.modules:  # a module's models replace the base ones it extends (ir.actions.server)
            paths += sorted((SCHEMA_DIR / version / "modules" / module).glob("*.json"))
        for path in paths:
            data = json.loads(path.read_text(encoding="utf-8"))
            name = data["model"]
            fields = {k: dict(v) for k, v in data["fields"].items()}
            self.base[name] = Model(name, MODEL_DESCRIPTIONS.get(name, name), fields, ORDERS.get(name, "id"))
        self.base["ir.module.module"] = _module_model()
        self.base["ir.config_parameter"] = _config_model()
        targets = {f["relation"] for m in list(self.base.values()) for f in m.fields.values() if f.get("relation")}
        for target in sorted(targets - set(self.base)):
            self.base[target] = _shadow(target)
        self.models: dict[str, Model] = dict(self.base)

    def get(self, name: str) -> Model | None:
        return self.models.get(name)

    def set_custom(self, models: dict[str, Model], fields: dict[str, dict[str, FieldDef]]) -> None:
        merged = dict(self.base)
        merged.update(models)
        for mname, extra in fields.items():
            if mname in merged:
                base = merged[mname]
                merged[mname] = Model(base.name, base.description, {**base.fields, **extra}, base.order,
                                      base.synthetic, base.manual)
        self.models = merged

    def ondelete(self, model: str, fname: str) -> str:
        return ONDELETE.get(model, {}).get(fname, "set null")

    def m2m(self, model: str, fname: str) -> tuple[str, str]:
        """(relation table, column letter holding this model's ids) for a many2many field."""
        spec = M2M_TABLES.get(f"{model}.{fname}")
        if spec is None:
            mine = model.replace(".", "_")
            other = self.models[model].fields[fname]["relation"].replace(".", "_")
            tbl = self.models[model].fields[fname].get("relation_table") or f"{'_'.join(sorted((mine, other)))}_rel"
            col1, col2 = f"{mine}_id", f"{other}_id"
            if col1 == col2:
                col1, col2 = f"id1_{fname}", f"id2_{fname}"
        else:
            tbl, col1, col2 = spec
        return tbl, ("a" if col1 < col2 else "b")


def field_attrs(f: FieldDef, fname: str, attributes: list[str] | None) -> FieldDef:
    out = {k: v for k, v in f.items() if k not in ("relation_table",)}
    if attributes:
        out = {k: v for k, v in out.items() if k in attributes}
    return out

