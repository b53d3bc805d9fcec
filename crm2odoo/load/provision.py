"""Create the schema the map plans: custom ``x_`` models (with access rights) and typed ``x_`` fields.

Each creation is recorded in the ledger as intent before it is sent, and looked up in Odoo before it is
created, so a crash in between is repaired by running again. Rollback removes them in reverse.

Why one call per model, not per field: Odoo's ``ir.model.fields.create`` (odoo/addons/base/models/ir_model.py,
17, 18 and 19 alike) inserts every row of its ``vals_list`` first, then, once for the whole call, sets the models
up again (``registry.setup_models`` on 17/18: every model of the registry; ``_setup_models__(cr, models)`` on 19:
the models the call touched and their dependants) and runs ``init_models`` on the models of the call and their
``_inherits`` children (one ALTER TABLE per new column, in one transaction). The registry is marked invalidated,
so every other worker of a prefork server rebuilds its whole registry on its next request -- once per call, not
per field. Selection values sent inside the field's vals (``selection_ids`` commands) are created by the same
call before the field is in the registry, so ``ir.model.fields.selection.create`` sets nothing up on its own.
``ir.model.create`` behaves the same way (one setup and ``init_models`` per call, whatever the number of models).
A relation is checked against ``ir.model`` after the rows are inserted, so a many2one or many2many to a new
``x_`` model only needs that model created by an earlier call: models go first, in one call, and every model's
fields, relations included, in one call after them (fields of several models in one call: still one setup). A call Odoo refuses (a bad name, a duplicate) is rolled back
whole: none of its fields exist afterwards, and running again sends them all again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import MappingError
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.context import Events, no_events
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


def fields_by_model(spec: MappingSpec) -> dict[str, list[tuple[ObjectMap, FieldMap]]]:
    """The planned fields grouped by the model they go on (contacts and companies share res.partner's), in map
    order: each group is sent in one call."""
    out: dict[str, list[tuple[ObjectMap, FieldMap]]] = {}
    for obj, line in planned_fields(spec):
        out.setdefault(obj.model, []).append((obj, line))
    return out


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


def field_vals(obj: ObjectMap, line: FieldMap, model_id: int, ttype: str,
               options: list[tuple[str, str]]) -> dict[str, Any]:
    """The ``ir.model.fields`` values of one planned field, its selection values inside them."""
    assert line.new_field is not None and line.target is not None
    name, spec = line.target, line.new_field
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
    return vals


def many2one_id(value: Any) -> int:
    """A many2one as read: [id, name] (JSON-RPC, XML-RPC) or the bare id."""
    return int(value[0]) if isinstance(value, list | tuple) else int(value)


def check_field_name(obj: ObjectMap, name: str) -> None:
    if not name.startswith("x_"):
        raise MappingError(f"mapping.yaml: objects.{obj.name}: new field {name} must start with x_",
                           hint=f"rename the target to x_{name}")


class Provisioner:
    """Models in one ``ir.model`` call and their access rules in one ``ir.model.access`` call, then every model's
    new fields in one ``ir.model.fields`` call: one registry reload for the fields, not one per field or model."""

    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger, run_id: int,
                 events: Events = no_events) -> None:
        self.client, self.schema, self.ledger, self.run_id = client, schema, ledger, run_id
        self.events = events

    def provision(self, spec: MappingSpec) -> ProvisionResult:
        result = ProvisionResult()
        models = planned_models(spec, self.schema.has_model)
        if models:
            self._models(models, result)
        self._all_fields(fields_by_model(spec), selection_union(spec), result)
        if result.models_created or result.fields_created:
            self.schema.forget()
        return result

    def _long_call(self, what: str, call: Callable[[], Any]) -> Any:
        """A call during which Odoo reloads its registry: the caller is told it waits, and when it is over."""
        self.events("waiting", what=what)
        try:
            return call()
        finally:
            self.events("waiting_done", what=what)

    def _ir_model_ids(self, models: list[str]) -> dict[str, int]:
        rows = self.client.search_read("ir.model", [["model", "in", models]], ["id", "model"])
        return {str(r["model"]): int(r["id"]) for r in rows}

    # -- models and their access rules ---------------------------------------------------------------------------
    def _models(self, objs: list[ObjectMap], result: ProvisionResult) -> None:
        labels: dict[str, str] = {}
        for obj in objs:
            if not obj.model.startswith("x_"):
                raise MappingError(
                    f"mapping.yaml: objects.{obj.name}: a new model's name must start with x_ (got {obj.model})")
            labels.setdefault(obj.model, str((obj.new_model or {}).get("label")
                                             or obj.source_object.replace("_", " ").title()))
        model_ids = self._ir_model_ids(list(labels))
        result.already_present += len(model_ids)
        self._settle({("model", model, model): model_id for model, model_id in model_ids.items()})
        missing = [model for model in labels if model not in model_ids]
        if missing:
            for model in missing:
                self.ledger.schema_intent(self.run_id, "model", model, model, {"label": labels[model]})
            new_ids = self._long_call(
                f"creating {len(missing)} model(s): Odoo reloads its registry",
                lambda: self.client.create("ir.model", [{"name": labels[m], "model": m, "state": "manual"}
                                                        for m in missing]))
            for model, model_id in zip(missing, new_ids, strict=True):
                self.ledger.schema_done("model", model, model, model_id)
                model_ids[model] = model_id
                result.models_created.append(model)
        self._access_rules({model: model_ids[model] for model in labels})

    def _access_rules(self, model_ids: dict[str, int]) -> None:
        """The access rule goes with each model; a crash or lost reply between the two is repaired here."""
        rules = self.client.search_read("ir.model.access", [["model_id", "in", list(model_ids.values())]],
                                        ["id", "model_id"])
        ruled: dict[int, int] = {}
        for rule in rules:
            ruled.setdefault(many2one_id(rule["model_id"]), int(rule["id"]))
        missing = [model for model, model_id in model_ids.items() if model_id not in ruled]
        self._settle({("access", model, f"access_{model}"): ruled[model_id]
                      for model, model_id in model_ids.items() if model_id in ruled})
        if not missing:
            return
        group = self.client.search_read("ir.model.data", [["module", "=", "base"], ["name", "=", "group_user"]],
                                        ["res_id"], limit=1)
        for model in missing:
            self.ledger.schema_intent(self.run_id, "access", model, f"access_{model}", {})
        access_ids = self.client.create("ir.model.access", [{
            "name": f"access_{model}_user", "model_id": model_ids[model],
            "group_id": int(group[0]["res_id"]) if group else False,
            "perm_read": True, "perm_write": True, "perm_create": True, "perm_unlink": True,
        } for model in missing])
        # Odoo 17/18 clear the access cache before inserting the rules, and the create's own access check fills
        # it again without the new rules; a no-op write clears it once the rows exist.
        self.client.write("ir.model.access", access_ids, {"active": True})
        for model, access_id in zip(missing, access_ids, strict=True):
            self.ledger.schema_done("access", model, f"access_{model}", access_id)

    def _settle(self, found: Mapping[tuple[str, str, str], int]) -> None:
        """Intents whose reply was lost: each (kind, model, name) in ``found`` exists in Odoo with that id, so its
        intent is done. One read of the ledger's schema changes for them all."""
        if not found:
            return
        for change in self.ledger.schema_changes():
            key = (change["kind"], change["model"], change["name"])
            if key in found and change["state"] == "sending":
                self.ledger.schema_done(*key, found[key])

    # -- fields --------------------------------------------------------------------------------------------------
    def _all_fields(self, by_model: Mapping[str, list[tuple[ObjectMap, FieldMap]]],
                    options: dict[tuple[str, str], list[tuple[str, str]]], result: ProvisionResult) -> None:
        """Every model's missing fields in one ``ir.model.fields`` call: Odoo sets its registry up once per call
        whatever the models in it (17/18: every model; 19: those touched), so two models' fields in two calls
        cost two reloads, and each reload makes the next request of every worker rebuild its caches."""
        missing: dict[str, list[tuple[ObjectMap, FieldMap]]] = {}
        known: dict[str, dict[str, dict[str, Any]]] = {}
        for model, lines in by_model.items():
            planned, known[model] = self._planned(model, lines, options, result)
            if any(name not in known[model] for name in planned):
                missing[model] = [pair for name, pair in planned.items() if name not in known[model]]
        if not missing:
            return
        model_ids = self._ir_model_ids(sorted(missing))
        sending: list[tuple[str, str, str | None, dict[str, Any]]] = []  # model, field, label, ir.model.fields vals
        for model, pairs in missing.items():
            if not model_ids.get(model):
                raise MappingError(f"model {model} does not exist in this Odoo")
            for obj, line in pairs:
                assert line.new_field is not None and line.target is not None
                sending.append((model, line.target, line.new_field.label, field_vals(
                    obj, line, model_ids[model], field_type(line.new_field.type, known[model]),
                    options.get((model, line.target), []))))
        for model, name, label, vals in sending:  # every intent before the one call
            self.ledger.schema_intent(self.run_id, "field", model, name, {"ttype": vals["ttype"], "label": label})
        field_ids = self._long_call(
            f"creating {len(sending)} field(s) on {', '.join(missing)}: Odoo reloads its registry",
            lambda: self.client.create("ir.model.fields", [vals for _, _, _, vals in sending]))
        for (model, name, _, _), field_id in zip(sending, field_ids, strict=True):
            self.ledger.schema_done("field", model, name, field_id)
            result.fields_created.append(f"{model}.{name}")

    def _planned(self, model: str, lines: list[tuple[ObjectMap, FieldMap]],
                 options: dict[tuple[str, str], list[tuple[str, str]]], result: ProvisionResult
                 ) -> tuple[dict[str, tuple[ObjectMap, FieldMap]], dict[str, dict[str, Any]]]:
        """One model's planned fields by name, and its fields as Odoo has them now (read once, fresh)."""
        planned: dict[str, tuple[ObjectMap, FieldMap]] = {}
        for obj, line in lines:
            assert line.new_field is not None and line.target is not None
            check_field_name(obj, line.target)
            if line.target in planned:
                result.already_present += 1  # a second line filling the same field: the first one creates it
                continue
            planned[line.target] = (obj, line)
        self.schema.forget(model)
        fields = self.schema.fields(model)
        for name, (_, line) in planned.items():
            assert line.new_field is not None
            if name in fields and fields[name].get("type") != field_type(line.new_field.type, fields):
                raise MappingError(
                    f"{model}.{name} already exists in Odoo as {fields[name].get('type')}, "
                    f"but the map plans a {line.new_field.type}",
                    hint="map to the existing field (drop new_field) or choose another x_ name")
        present = [name for name in planned if name in fields]
        if present:
            result.already_present += len(present)
            self._settle_present(model, present, fields, options)
        return planned, fields

    def _settle_present(self, model: str, names: list[str], fields: Mapping[str, Mapping[str, Any]],
                        options: dict[tuple[str, str], list[tuple[str, str]]]) -> None:
        """Fields already in Odoo (made by an earlier run whose reply was lost, by the addon, by hand): their
        intents are settled, and custom selection fields gain the choices this map's values need, in one call."""
        found = self.client.search_read("ir.model.fields", [["model", "=", model], ["name", "in", names]],
                                        ["id", "name", "state"])
        self._settle({("field", model, str(row["name"])): int(row["id"]) for row in found})
        rows: list[dict[str, Any]] = []
        for row in found:
            name, field_id = str(row["name"]), int(row["id"])
            if fields[name].get("type") == "selection" and row.get("state") == "manual":
                rows += missing_options(field_id, fields[name], options.get((model, name), []))
        if rows:
            self._long_call(f"adding {len(rows)} choice(s) to selection fields of {model}",
                            lambda: self.client.create("ir.model.fields.selection", rows))
            self.schema.forget(model)


def missing_options(field_id: int, meta: Mapping[str, Any], options: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The ``ir.model.fields.selection`` rows a selection field made earlier (or by another map) lacks, so Odoo
    never refuses a value the map sends to it."""
    have = [str(k) for k, _ in meta.get("selection") or []]
    missing = [(key, label) for key, label in options if key not in have]
    return [{"field_id": field_id, "value": key, "name": label, "sequence": len(have) + i}
            for i, (key, label) in enumerate(missing)]
