"""Create the schema the map plans: custom ``x_`` models (with access rights) and typed ``x_`` fields.

Each creation is recorded in the ledger as intent before it is sent, and looked up in Odoo before it is
created, so a crash in between is repaired by running again. Rollback removes them in reverse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import MappingError
from crm2odoo.ledger.db import Ledger
from crm2odoo.mapping.spec import FieldMap, MappingSpec, ObjectMap
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema


@dataclass
class ProvisionResult:
    models_created: list[str] = field(default_factory=list)
    fields_created: list[str] = field(default_factory=list)
    already_present: int = 0


def relation_table(model: str, name: str) -> str:
    """The many2many table of a new field; the addon writer uses the same name so both paths share the data."""
    digest = hashlib.sha1(f"{model}.{name}".encode()).hexdigest()[:8]
    return f"x_crm2odoo_{digest}_rel"


#: the link columns of every many2many table the tool plans (API and addon alike)
RELATION_COLUMNS = ("x_src_id", "x_dst_id")


def planned_models(spec: MappingSpec, model_exists: Callable[[str], bool]) -> list[ObjectMap]:
    """Object maps whose x_ model the tool creates (the map asks for it, or it is an x_ model Odoo lacks)."""
    return [obj for obj in spec.enabled_objects()
            if obj.new_model or (obj.model.startswith("x_") and not model_exists(obj.model))]


def planned_fields(spec: MappingSpec) -> list[tuple[ObjectMap, FieldMap]]:
    """Every (object map, line) that asks for a new x_ field, in map order (the first line of a name wins)."""
    return [(obj, line) for obj in spec.enabled_objects() for line in obj.fields
            if not line.ignore and line.new_field is not None and line.target]


def selection_union(spec: MappingSpec) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(model, x_ field) -> every option any line plans for it, first line's order first: contacts and companies
    share res.partner's fields, and each map's values must be a choice of the one field both fill."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for obj, line in planned_fields(spec):
        assert line.new_field is not None
        if line.new_field.type != "selection":
            continue
        options = out.setdefault((obj.model, str(line.target)), [])
        keys = {key for key, _ in options}
        options.extend((key, label) for key, label in line.new_field.options if key not in keys)
    return out


def field_type(wanted: str, model_fields: Mapping[str, Any]) -> str:
    """The type Odoo will accept: a monetary field needs a currency field on the same model, else it is a float."""
    if wanted == "monetary" and "currency_id" not in model_fields:
        return "float"
    return wanted


class Provisioner:
    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger, run_id: int) -> None:
        self.client, self.schema, self.ledger, self.run_id = client, schema, ledger, run_id

    def provision(self, spec: MappingSpec) -> ProvisionResult:
        result = ProvisionResult()
        for obj in planned_models(spec, self.schema.has_model):
            self._model(obj, result)
        options = selection_union(spec)
        for obj, line in planned_fields(spec):
            self._field(obj, line, result, options.get((obj.model, str(line.target)), []))
        if result.models_created or result.fields_created:
            self.schema.forget()
        return result

    def _ir_model_id(self, model: str) -> int | None:
        rows = self.client.search_read("ir.model", [["model", "=", model]], ["id"], limit=1)
        return int(rows[0]["id"]) if rows else None

    def _model(self, obj: ObjectMap, result: ProvisionResult) -> None:
        model = obj.model
        if not model.startswith("x_"):
            raise MappingError(f"mapping.yaml: objects.{obj.name}: a new model's name must start with x_ (got {model})")
        label = str((obj.new_model or {}).get("label") or obj.source_object.replace("_", " ").title())
        existing = self._ir_model_id(model)
        if existing:
            result.already_present += 1
            self._settle("model", model, model, existing)
            model_id = existing
        else:
            self.ledger.schema_intent(self.run_id, "model", model, model, {"label": label})
            model_id = self.client.create("ir.model", [{"name": label, "model": model, "state": "manual"}])[0]
            self.ledger.schema_done("model", model, model, model_id)
            result.models_created.append(model)
        # the access rule goes with the model; a crash or lost reply between the two is repaired here
        rules = self.client.search_read("ir.model.access", [["model_id", "=", model_id]], ["id"], limit=1)
        if rules:
            self._settle("access", model, f"access_{model}", int(rules[0]["id"]))
            return
        group = self.client.search_read("ir.model.data", [["module", "=", "base"], ["name", "=", "group_user"]],
                                        ["res_id"], limit=1)
        self.ledger.schema_intent(self.run_id, "access", model, f"access_{model}", {})
        access_id = self.client.create("ir.model.access", [{
            "name": f"access_{model}_user", "model_id": model_id,
            "group_id": int(group[0]["res_id"]) if group else False,
            "perm_read": True, "perm_write": True, "perm_create": True, "perm_unlink": True,
        }])[0]
        # Odoo 17/18 clear the access cache before inserting the rule, and the create's own access check fills
        # it again without the new rule; a no-op write clears it once the row exists.
        self.client.write("ir.model.access", [access_id], {"active": True})
        self.ledger.schema_done("access", model, f"access_{model}", access_id)

    def _settle(self, kind: str, model: str, name: str, odoo_id: int) -> None:
        """An intent whose reply was lost: the object exists in Odoo, so the intent is done."""
        for change in self.ledger.schema_changes():
            if (change["kind"], change["model"], change["name"]) == (kind, model, name) and change["state"] == "sending":
                self.ledger.schema_done(kind, model, name, odoo_id)

    def _field(self, obj: ObjectMap, line: FieldMap, result: ProvisionResult,
               options: list[tuple[str, str]]) -> None:
        assert line.new_field is not None and line.target is not None
        name, spec = line.target, line.new_field
        if not name.startswith("x_"):
            raise MappingError(f"mapping.yaml: objects.{obj.name}: new field {name} must start with x_",
                               hint=f"rename the target to x_{name}")
        self.schema.forget(obj.model)
        fields = self.schema.fields(obj.model)
        if name in fields:
            if fields[name].get("type") != self._ttype(obj.model, spec.type, fields):
                raise MappingError(
                    f"{obj.model}.{name} already exists in Odoo as {fields[name].get('type')}, "
                    f"but the map plans a {spec.type}",
                    hint="map to the existing field (drop new_field) or choose another x_ name",
                )
            result.already_present += 1
            found = self.client.search_read("ir.model.fields", [["model", "=", obj.model], ["name", "=", name]],
                                            ["id", "state"], limit=1)
            if found:
                self._settle("field", obj.model, name, int(found[0]["id"]))
                if fields[name].get("type") == "selection" and found[0].get("state") == "manual":
                    self._add_options(obj.model, name, int(found[0]["id"]), fields[name], options)
            return
        model_id = self._ir_model_id(obj.model)
        if not model_id:
            raise MappingError(f"model {obj.model} does not exist in this Odoo")
        ttype = self._ttype(obj.model, spec.type, fields)
        vals: dict[str, Any] = {
            "model_id": model_id, "name": name, "field_description": spec.label or name, "ttype": ttype,
            "state": "manual", "store": True,
        }
        if ttype == "selection":
            vals["selection_ids"] = [[0, 0, {"value": key, "name": label, "sequence": i}]
                                     for i, (key, label) in enumerate(options or spec.options)]
        if ttype in ("many2one", "many2many"):
            if not spec.relation:
                raise MappingError(f"mapping.yaml: objects.{obj.name}: new field {name} needs new_field.relation")
            vals["relation"] = spec.relation
            if ttype == "many2one":
                vals["on_delete"] = "set null"
            else:
                vals.update(relation_table=relation_table(obj.model, name), column1=RELATION_COLUMNS[0],
                            column2=RELATION_COLUMNS[1])
        self.ledger.schema_intent(self.run_id, "field", obj.model, name, {"ttype": ttype, "label": spec.label})
        field_id = self.client.create("ir.model.fields", [vals])[0]
        self.ledger.schema_done("field", obj.model, name, field_id)
        result.fields_created.append(f"{obj.model}.{name}")

    def _add_options(self, model: str, name: str, field_id: int, meta: Mapping[str, Any],
                     options: list[tuple[str, str]]) -> None:
        """A selection field made earlier (or by another map) gains the choices this map's values need, so Odoo
        never refuses a value the map sends to it."""
        have = [str(k) for k, _ in meta.get("selection") or []]
        missing = [(key, label) for key, label in options if key not in have]
        if not missing:
            return
        self.client.create("ir.model.fields.selection", [
            {"field_id": field_id, "value": key, "name": label, "sequence": len(have) + i}
            for i, (key, label) in enumerate(missing)])
        self.schema.forget(model)

    @staticmethod
    def _ttype(model: str, wanted: str, fields: dict[str, dict[str, Any]]) -> str:
        return field_type(wanted, fields)
