"""Write the custom fields and models of an approved map as an installable Odoo addon.

Some administrators would rather install a module than let a tool create fields over the API. The addon
declares exactly what provisioning would create (:mod:`crm2odoo.load.provision`): the same ``x_`` names, types,
selection keys, relations and many2many tables, so records loaded afterwards land in the same columns either way,
and provisioning finds every field already there and creates nothing. Each standard model touched gets a
"Migrated fields" page on its main form; each custom model gets a list view, a form view, a menu and access
rights for internal users.

Nothing here talks to Odoo: field types that depend on the target (monetary needs a currency field) are decided
from the bundled ``fields_get`` metadata of the map's Odoo version.
"""

from __future__ import annotations

import csv
import io
import json
import keyword
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.errors import MappingError
from crm2odoo.load.provision import RELATION_COLUMNS, field_type, planned_fields, planned_models, relation_table
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.models import odoo_model

BUNDLED_SCHEMA = Path(__file__).resolve().parent.parent / "sandbox" / "schema"
SUPPORTED_SERIES = ("17.0", "18.0", "19.0")

FIELD_CLASSES: dict[str, str] = {
    "char": "Char", "text": "Text", "html": "Html", "integer": "Integer", "float": "Float",
    "monetary": "Monetary", "date": "Date", "datetime": "Datetime", "boolean": "Boolean",
    "selection": "Selection", "many2one": "Many2one", "many2many": "Many2many",
}

PAGE_TITLE = "Migrated fields"
MODULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class AddonField:
    model: str
    name: str
    type: str  # the Odoo type the field gets (monetary already turned into float where Odoo would refuse it)
    label: str
    options: list[tuple[str, str]] = field(default_factory=list)
    relation: str | None = None

    @property
    def relation_table(self) -> str | None:
        return relation_table(self.model, self.name) if self.type == "many2many" else None


@dataclass
class AddonModel:
    model: str
    label: str
    custom: bool  # a new x_ model (declared with _name) rather than an extension of an existing one
    fields: list[AddonField] = field(default_factory=list)


@dataclass
class AddonPlan:
    module: str
    series: str
    models: dict[str, AddonModel] = field(default_factory=dict)

    def depends(self) -> list[str]:
        modules = {"base"}
        for model in self.models.values():
            if not model.custom:
                modules.add(odoo_model(model.model).module or "base")
            for fld in model.fields:
                if fld.relation and fld.relation not in self.models:
                    modules.add(odoo_model(fld.relation).module or "base")
        return sorted(modules)


@dataclass
class AddonInfo:
    path: Path
    module: str
    series: str
    depends: list[str]
    files: list[str]
    models: int
    fields: int
    without_form: list[str]  # standard models whose fields are declared but shown on no form (order lines...)

    def asdict(self) -> dict[str, Any]:
        data = self.__dict__.copy()
        data["path"] = str(self.path)
        return data


def series_of(version: str) -> str:
    match = re.match(r"^(?:saas~)?(\d+)", version.strip())
    series = f"{match.group(1)}.0" if match else ""
    if series not in SUPPORTED_SERIES:
        raise MappingError(f"cannot write an addon for Odoo {version or '(unknown)'}",
                           hint=f"pass the target version, one of {', '.join(SUPPORTED_SERIES)}")
    return series


def bundled_fields(series: str, model: str) -> dict[str, Any]:
    """fields_get of a standard model as shipped with the sandbox ({} for a model not bundled)."""
    path = BUNDLED_SCHEMA / series / f"{model}.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    fields: dict[str, Any] = data.get("fields", data)
    return fields


def default_module_name(spec: MappingSpec) -> str:
    system = re.sub(r"[^a-z0-9]+", "_", spec.system.lower()).strip("_") or "source"
    return f"crm2odoo_{system}_fields"


def plan_addon(spec: MappingSpec, *, module: str | None = None, odoo_version: str | None = None) -> AddonPlan:
    """What the addon declares: the models and fields provisioning would create for this map."""
    name = module or default_module_name(spec)
    if not MODULE_NAME.match(name):
        raise MappingError(f"{name!r} is not a valid Odoo module name",
                           hint="use lower-case letters, digits and underscores, starting with a letter")
    series = series_of(odoo_version or spec.odoo_version)
    plan = AddonPlan(name, series)

    def standard(model: str) -> bool:
        return bool(bundled_fields(series, model)) or odoo_model(model).module is not None

    for obj in planned_models(spec, standard):
        if not obj.model.startswith("x_"):
            raise MappingError(f"mapping.yaml: objects.{obj.name}: a new model's name must start with x_ "
                               f"(got {obj.model})")
        label = str((obj.new_model or {}).get("label") or obj.source_object.replace("_", " ").title())
        plan.models.setdefault(obj.model, AddonModel(obj.model, label, custom=True))
    for obj, line in planned_fields(spec):
        assert line.new_field is not None and line.target is not None
        fname, wanted = line.target, line.new_field
        _check_identifier(obj.name, fname)
        model = plan.models.get(obj.model)
        if model is None:
            if obj.model.startswith("x_") and not standard(obj.model):
                raise MappingError(f"mapping.yaml: objects.{obj.name}: {obj.model} is neither a standard model "
                                   "nor a new one", hint="add new_model: {label: ...} to the object")
            model = plan.models[obj.model] = AddonModel(obj.model, obj.model, custom=False)
        known = bundled_fields(series, obj.model) if not model.custom else {}
        if fname in known:
            continue  # Odoo already has it (a standard x_ field?): provisioning would reuse it, so does the addon
        if wanted.type in ("many2one", "many2many") and not wanted.relation:
            raise MappingError(f"mapping.yaml: objects.{obj.name}: new field {fname} needs new_field.relation")
        ftype = field_type(wanted.type, known)
        existing = next((f for f in model.fields if f.name == fname), None)
        if existing is None:
            model.fields.append(AddonField(obj.model, fname, ftype, wanted.label or fname, list(wanted.options),
                                           wanted.relation))
            continue
        if existing.type != ftype or existing.relation != wanted.relation:
            raise MappingError(f"mapping.yaml: {obj.model}.{fname} is planned twice with different types "
                               f"({existing.type} and {ftype})", hint="give one of them another x_ name")
        # two maps (leads and deals) may fill one selection with different values: the field offers them all
        keys = {key for key, _ in existing.options}
        existing.options.extend((key, label) for key, label in wanted.options if key not in keys)
    for model in plan.models.values():
        if model.custom and not any(f.name == "x_name" for f in model.fields):
            # Odoo gives a model created over the API an x_name field; declared here so both paths match
            model.fields.insert(0, AddonField(model.model, "x_name", "char", "Name"))
    return plan


def _check_identifier(obj_name: str, name: str) -> None:
    if not name.startswith("x_") or not name.isidentifier() or keyword.iskeyword(name):
        raise MappingError(f"mapping.yaml: objects.{obj_name}: new field {name!r} must be an x_ name made of "
                           "letters, digits and underscores", hint="rename the target in mapping.yaml, e.g. x_referral_source")


# -- rendering -----------------------------------------------------------------------------------------------------
def _slug(model: str) -> str:
    return model.replace(".", "_")


def _class_name(model: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[._]", model) if part) or "Model"


def _field_line(fld: AddonField, currency_field: str | None) -> str:
    args = [f"string={fld.label!r}"]
    if fld.type == "selection":
        args.insert(0, f"selection={[(k, v) for k, v in fld.options]!r}")
    elif fld.type == "many2one":
        args[:0] = [f"comodel_name={fld.relation!r}"]
        args.append("ondelete='set null'")
    elif fld.type == "many2many":
        args[:0] = [f"comodel_name={fld.relation!r}", f"relation={fld.relation_table!r}",
                    f"column1={RELATION_COLUMNS[0]!r}", f"column2={RELATION_COLUMNS[1]!r}"]
    elif fld.type == "monetary" and currency_field:
        args.append(f"currency_field={currency_field!r}")
    return f"    {fld.name} = fields.{FIELD_CLASSES[fld.type]}({', '.join(args)})\n"


def model_source(model: AddonModel) -> str:
    lines = ["from odoo import fields, models\n", "\n", "\n", f"class {_class_name(model.model)}(models.Model):\n"]
    if model.custom:
        lines += [f"    _name = {model.model!r}\n", f"    _description = {model.label!r}\n",
                  "    _rec_name = 'x_name'\n"]
    else:
        lines.append(f"    _inherit = {model.model!r}\n")
    lines.append("\n")
    # custom models have no currency field, so field_type already made their monetary fields floats
    lines += [_field_line(f, None if model.custom else "currency_id") for f in model.fields]
    return "".join(lines)


def _record(root: ET.Element, xmlid: str, model: str, values: Mapping[str, str | ET.Element]) -> None:
    record = ET.SubElement(root, "record", id=xmlid, model=model)
    for name, value in values.items():
        if isinstance(value, ET.Element):
            holder = ET.SubElement(record, "field", name=name, type="xml")
            holder.append(value)
        elif name == "inherit_id":
            ET.SubElement(record, "field", name=name, ref=value)
        else:
            ET.SubElement(record, "field", name=name).text = value


def _field_node(parent: ET.Element, fld: AddonField) -> None:
    node = ET.SubElement(parent, "field", name=fld.name)
    if fld.type == "many2many":
        node.set("widget", "many2many_tags")


def _render(root: ET.Element) -> str:
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def inherited_view_xml(model: AddonModel, module: str) -> str:
    form = odoo_model(model.model).form
    if form is None:
        raise ValueError(f"{model.model} has no form view the addon knows (crm2odoo/models/catalogue.py)")
    root = ET.Element("odoo")
    if form.has_notebook:
        xpath = ET.Element("xpath", expr="//notebook", position="inside")
        holder = ET.SubElement(xpath, "page", string=PAGE_TITLE, name=f"{module}_migrated_fields")
        group = ET.SubElement(holder, "group")
    else:
        xpath = ET.Element("xpath", expr="//sheet", position="inside")
        group = ET.SubElement(xpath, "group", string=PAGE_TITLE, name=f"{module}_migrated_fields")
    for fld in model.fields:
        _field_node(group, fld)
    _record(root, f"view_{_slug(model.model)}_form_migrated", "ir.ui.view", {
        "name": f"{model.model}.form.{module}", "model": model.model, "inherit_id": form.xmlid, "arch": xpath})
    return _render(root)


def custom_model_views_xml(model: AddonModel, series: str) -> str:
    list_tag = "tree" if series == "17.0" else "list"  # <tree> became <list> in 18
    slug = _slug(model.model)
    root = ET.Element("odoo")
    columns = ET.Element(list_tag, string=model.label)
    for fld in model.fields:
        if fld.type not in ("text", "html", "many2many"):
            _field_node(columns, fld)
    _record(root, f"view_{slug}_list", "ir.ui.view", {"name": f"{model.model}.list", "model": model.model,
                                                        "arch": columns})
    form = ET.Element("form", string=model.label)
    group = ET.SubElement(ET.SubElement(form, "sheet"), "group")
    for fld in model.fields:
        _field_node(group, fld)
    _record(root, f"view_{slug}_form", "ir.ui.view", {"name": f"{model.model}.form", "model": model.model,
                                                        "arch": form})
    _record(root, f"action_{slug}", "ir.actions.act_window", {
        "name": model.label, "res_model": model.model, "view_mode": f"{list_tag},form"})
    return _render(root)


def menus_xml(plan: AddonPlan) -> str:
    root = ET.Element("odoo")
    ET.SubElement(root, "menuitem", id="menu_migrated_root", name="Migrated data", sequence="90")
    for n, model in enumerate(m for m in plan.models.values() if m.custom):
        ET.SubElement(root, "menuitem", {
            "id": f"menu_{_slug(model.model)}", "name": model.label, "parent": "menu_migrated_root",
            "action": f"action_{_slug(model.model)}", "sequence": str(10 * (n + 1))})
    return _render(root)


def access_csv(plan: AddonPlan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write", "perm_create",
                     "perm_unlink"])
    for model in plan.models.values():
        if model.custom:
            # the same rights provisioning grants: internal users read and write the migrated records
            writer.writerow([f"access_{_slug(model.model)}_user", f"access_{model.model}_user",
                             f"model_{_slug(model.model)}", "base.group_user", 1, 1, 1, 1])
    return out.getvalue()


def manifest_source(plan: AddonPlan, data_files: list[str], source_label: str) -> str:
    manifest = {
        "name": f"Migrated fields ({source_label})",
        "version": f"{plan.series}.1.0.0",
        "summary": "Custom fields and models for data migrated by crm2odoo",
        # Odoo renders the description as reStructuredText, where a bare "x_" is a broken link reference
        "description": "Declares the custom fields and models crm2odoo's approved field map loads into, with their "
                       "form-view entries. crm2odoo finds them installed and creates nothing over the API.",
        "category": "Hidden",
        "depends": plan.depends(),
        "data": data_files,
        "license": "LGPL-3",
        "installable": True,
        "application": False,
    }
    body = "".join(f"    {key!r}: {value!r},\n" for key, value in manifest.items())
    return "# Generated by crm2odoo from the approved mapping.yaml.\n{\n" + body + "}\n"


def write_addon(plan: AddonPlan, out_dir: Path, *, source_label: str = "crm2odoo") -> AddonInfo:
    """Write ``out_dir/<module>/``; files are replaced, so regenerating after a map change is safe."""
    if not any(m.fields for m in plan.models.values()):
        raise MappingError("the approved map plans no custom fields or models: there is nothing to put in an addon",
                           hint="custom fields appear in mapping.yaml as lines with new_field")
    base = out_dir / plan.module
    files: dict[str, str] = {}
    model_modules = []
    for model in plan.models.values():
        if not model.fields:
            continue
        stem = _slug(model.model)
        files[f"models/{stem}.py"] = model_source(model)
        model_modules.append(stem)
    files["models/__init__.py"] = "".join(f"from . import {stem}\n" for stem in model_modules)
    files["__init__.py"] = "from . import models\n"
    data_files: list[str] = []
    if any(m.custom for m in plan.models.values()):
        files["security/ir.model.access.csv"] = access_csv(plan)
        data_files.append("security/ir.model.access.csv")
    without_form = []
    for model in plan.models.values():
        stem = _slug(model.model)
        if model.custom:
            files[f"views/{stem}_views.xml"] = custom_model_views_xml(model, plan.series)
        elif odoo_model(model.model).form is not None and model.fields:
            files[f"views/{stem}_views.xml"] = inherited_view_xml(model, plan.module)
        else:
            without_form.append(model.model)
            continue
        data_files.append(f"views/{stem}_views.xml")
    if any(m.custom for m in plan.models.values()):
        files["views/menus.xml"] = menus_xml(plan)
        data_files.append("views/menus.xml")  # after the views: menus point to their actions
    files["__manifest__.py"] = manifest_source(plan, data_files, source_label)
    for relative, text in files.items():
        path = base / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return AddonInfo(base, plan.module, plan.series, plan.depends(), sorted(files),
                     sum(1 for m in plan.models.values() if m.custom),
                     sum(len(m.fields) for m in plan.models.values()), without_form)
