"""The Odoo addon writer: a module folder whose files parse and whose fields are exactly what provisioning creates."""

from __future__ import annotations

import ast
import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crm2odoo import api
from crm2odoo.cli import main
from crm2odoo.errors import MappingError
from crm2odoo.load.addon import BUNDLED_SCHEMA, FIELD_CLASSES, bundled_fields, plan_addon, write_addon
from crm2odoo.load.provision import field_type, planned_fields, relation_table
from crm2odoo.mapping.propose import propose
from crm2odoo.mapping.spec import FieldMap, MappingSpec, NewField, ObjectMap, save_spec
from crm2odoo.models import odoo_model
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.testing.planports_workbook import generate_workbook


def _bundled_odoo_fields(version: str) -> dict[str, dict[str, dict[str, Any]]]:
    """fields_get of every model the sandbox ships, as the proposer sees a live Odoo."""
    return {path.stem: bundled_fields(version, path.stem) for path in sorted((BUNDLED_SCHEMA / version).glob("*.json"))}


@pytest.fixture(scope="module")
def planports_spec(tmp_path_factory: pytest.TempPathFactory) -> MappingSpec:
    folder = tmp_path_factory.mktemp("pp_addon")
    dataset = generate_workbook(folder / "export.xlsx", seed=4, language="tr")
    source = open_source(SourceSettings("planports-xlsx", {"path": str(dataset.path)}, folder))
    try:
        catalog = source.discover()
        samples = {o.name: list(source.read(o.name))[:200] for o in catalog.objects}
    finally:
        source.close()
    return propose(catalog, samples, _bundled_odoo_fields("18.0"), system="planports", odoo_version="18.0")


def _declarations(path: Path) -> tuple[dict[str, str], dict[str, ast.Call]]:
    """Class attributes (_name/_inherit/...) and field calls of one generated model file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert len(classes) == 1
    attrs: dict[str, str] = {}
    calls: dict[str, ast.Call] = {}
    for stmt in classes[0].body:
        assert isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name)
        name = stmt.targets[0].id
        if isinstance(stmt.value, ast.Call):
            calls[name] = stmt.value
        else:
            attrs[name] = ast.literal_eval(stmt.value)
    return attrs, calls


def _kwargs(call: ast.Call) -> dict[str, Any]:
    return {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}


def _field_class(call: ast.Call) -> str:
    assert isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
    assert call.func.value.id == "fields"
    return call.func.attr


def test_planports_addon_parses_and_declares_what_provisioning_creates(planports_spec: MappingSpec,
                                                                       tmp_path: Path) -> None:
    plan = plan_addon(planports_spec)
    info = write_addon(plan, tmp_path, source_label="planports")
    base = tmp_path / "crm2odoo_planports_fields"
    assert info.path == base
    for path in base.rglob("*.py"):
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for path in base.rglob("*.xml"):
        ET.parse(path)

    manifest = ast.literal_eval((base / "__manifest__.py").read_text(encoding="utf-8"))
    assert manifest["version"] == "18.0.1.0.0" and manifest["license"] == "LGPL-3" and manifest["installable"]
    assert {"base", "crm", "sale_management"} <= set(manifest["depends"])
    assert "account" not in manifest["depends"], "only the modules of the models the map touches"
    # a card's customer is its contact, else its company (one partner_id line): project only where a field lands
    touched = {obj.model for obj, _line in planned_fields(planports_spec)}
    assert ("project" in manifest["depends"]) == any(m.startswith("project.") for m in touched)
    for data_file in manifest["data"]:
        assert (base / data_file).is_file(), data_file
    assert sorted(str(p.relative_to(base)) for p in (base / "views").glob("*.xml")) == sorted(manifest["data"])

    imported = ast.parse((base / "models" / "__init__.py").read_text(encoding="utf-8"))
    modules = {alias.name for node in imported.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert modules == {p.stem for p in (base / "models").glob("*.py") if p.stem != "__init__"}

    # every field provisioning would create, with its type, choices and relation; nothing else
    wanted: dict[tuple[str, str], NewField] = {}
    for obj, line in planned_fields(planports_spec):
        assert line.target is not None and line.new_field is not None
        wanted.setdefault((obj.model, line.target), line.new_field)
    declared: dict[tuple[str, str], ast.Call] = {}
    for path in (base / "models").glob("*.py"):
        if path.stem == "__init__":
            continue
        attrs, calls = _declarations(path)
        assert set(attrs) == {"_inherit"}, "a Planports map extends standard models only"
        declared.update({(attrs["_inherit"], name): call for name, call in calls.items()})
    assert set(declared) == set(wanted)
    schema = _bundled_odoo_fields("18.0")
    for (model, name), new in wanted.items():
        call = declared[(model, name)]
        kind = field_type(new.type, schema[model])
        assert _field_class(call) == FIELD_CLASSES[kind], (model, name)
        kwargs = _kwargs(call)
        assert kwargs["string"] == new.label
        if kind == "selection":
            keys = [key for key, _ in kwargs["selection"]]
            assert keys[:len(new.options)] == [key for key, _ in new.options], "the first map's keys, in order"
            assert len(keys) == len(set(keys))
        if kind == "many2one":
            assert kwargs["comodel_name"] == new.relation and kwargs["ondelete"] == "set null"
    # crm.lead has no currency field: provisioning makes the advertising budget a float, and so does the addon
    assert _field_class(declared[("crm.lead", "x_reklam_butcesi")]) == "Float"

    for model in {m for m, _ in wanted}:
        view = base / "views" / f"{model.replace('.', '_')}_views.xml"
        record = ET.parse(view).getroot().find("record")
        assert record is not None
        inherit = record.find("field[@name='inherit_id']")
        form = odoo_model(model).form
        assert inherit is not None and form is not None and inherit.get("ref") == form.xmlid
        shown = {f.get("name") for f in record.iter("field") if f.get("name", "").startswith("x_")}
        assert shown == {n for m, n in wanted if m == model}
        page = record.find(".//page")
        assert page is not None and page.get("string") == "Migrated fields"


def test_selection_shared_by_two_maps_offers_every_value(planports_spec: MappingSpec) -> None:
    plan = plan_addon(planports_spec)
    lead_type = next(f for f in plan.models["crm.lead"].fields if f.name == "x_lead_tipi")
    per_map = [line.new_field.options for obj, line in planned_fields(planports_spec)
               if obj.model == "crm.lead" and line.target == "x_lead_tipi" and line.new_field]
    assert len(per_map) == 2, "leads and deals both plan it"
    assert {key for key, _ in lead_type.options} == {key for options in per_map for key, _ in options}


def _every_type_spec(version: str) -> MappingSpec:
    def line(target: str, kind: str, **extra: Any) -> FieldMap:
        return FieldMap(source=target[2:], target=target, new_field=NewField(kind, f"Label <{kind}> & 'q'", **extra))

    partner = ObjectMap("contact", "contact", "res.partner", fields=[
        line("x_char", "char"), line("x_text", "text"), line("x_html", "html"), line("x_int", "integer"),
        line("x_float", "float"), line("x_money", "monetary"), line("x_day", "date"), line("x_when", "datetime"),
        line("x_flag", "boolean"), line("x_pick", "selection", options=[("a", "A & B"), ("b", 'Say "b"')]),
        line("x_company", "many2one", relation="res.partner"), line("x_tags", "many2many", relation="crm.tag"),
        FieldMap(source="ignored", ignore=True), FieldMap(source="email", target="email")])
    lead = ObjectMap("deal", "deal", "crm.lead", fields=[line("x_budget", "monetary")])
    custom = ObjectMap("custom_properties", "custom_properties", "x_properties", new_model={"label": "Properties & <Units>"},
                       fields=[line("x_price", "monetary"), line("x_owner", "many2one", relation="res.users")])
    return MappingSpec("ontraport", "ontraport", version,
                       {"contact": partner, "deal": lead, "custom_properties": custom})


@pytest.mark.parametrize(("version", "list_tag"), [("17.0", "tree"), ("18.0", "list"), ("19.0", "list")])
def test_every_field_type_and_a_custom_model(tmp_path: Path, version: str, list_tag: str) -> None:
    spec = _every_type_spec(version)
    info = write_addon(plan_addon(spec, module="acme_fields"), tmp_path)
    base = tmp_path / "acme_fields"
    manifest = ast.literal_eval((base / "__manifest__.py").read_text(encoding="utf-8"))
    assert manifest["version"] == f"{version}.1.0.0"
    assert manifest["depends"] == ["base", "crm"], "res.users and res.partner are base; crm.tag and crm.lead are crm"
    assert manifest["data"][0] == "security/ir.model.access.csv" and manifest["data"][-1] == "views/menus.xml"
    assert info.models == 1

    _, partner = _declarations(base / "models" / "res_partner.py")
    classes = {name: _field_class(call) for name, call in partner.items()}
    assert classes == {"x_char": "Char", "x_text": "Text", "x_html": "Html", "x_int": "Integer", "x_float": "Float",
                       "x_money": "Monetary", "x_day": "Date", "x_when": "Datetime", "x_flag": "Boolean",
                       "x_pick": "Selection", "x_company": "Many2one", "x_tags": "Many2many"}
    assert _kwargs(partner["x_pick"])["selection"] == [("a", "A & B"), ("b", 'Say "b"')]
    assert _kwargs(partner["x_char"])["string"] == "Label <char> & 'q'"
    assert _kwargs(partner["x_money"])["currency_field"] == "currency_id"
    tags = _kwargs(partner["x_tags"])
    assert tags["comodel_name"] == "crm.tag" and tags["relation"] == relation_table("res.partner", "x_tags")
    assert (tags["column1"], tags["column2"]) == ("x_src_id", "x_dst_id"), "the columns provisioning creates"
    _, lead = _declarations(base / "models" / "crm_lead.py")
    assert _field_class(lead["x_budget"]) == "Float", "no currency field on crm.lead"

    attrs, custom = _declarations(base / "models" / "x_properties.py")
    assert attrs == {"_name": "x_properties", "_description": "Properties & <Units>", "_rec_name": "x_name"}
    assert {n: _field_class(c) for n, c in custom.items()} == {"x_name": "Char", "x_price": "Float",
                                                               "x_owner": "Many2one"}

    rows = list(csv.reader(io.StringIO((base / "security" / "ir.model.access.csv").read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["id", "name", "model_id:id", "group_id:id"]
    assert rows[1:] == [["access_x_properties_user", "access_x_properties_user", "model_x_properties",
                         "base.group_user", "1", "1", "1", "1"]]

    views = ET.parse(base / "views" / "x_properties_views.xml").getroot()
    arches = [r.find("field[@name='arch']") for r in views.iter("record") if r.get("model") == "ir.ui.view"]
    assert [a[0].tag for a in arches if a is not None] == [list_tag, "form"]
    action = next(r for r in views.iter("record") if r.get("model") == "ir.actions.act_window")
    assert action.get("id") == "action_x_properties"
    assert action.findtext("field[@name='view_mode']") == f"{list_tag},form"
    menus = ET.parse(base / "views" / "menus.xml").getroot()
    assert [m.get("action") for m in menus.iter("menuitem") if m.get("action")] == ["action_x_properties"]
    partner_view = ET.parse(base / "views" / "res_partner_views.xml").getroot()
    tags_node = partner_view.find(".//field[@name='x_tags']")
    assert tags_node is not None and tags_node.get("widget") == "many2many_tags"
    assert action.findtext("field[@name='name']") == "Properties & <Units>", "escaped in XML, read back intact"
    assert "&amp; &lt;Units&gt;" in (base / "views" / "x_properties_views.xml").read_text(encoding="utf-8")


def test_refusals(tmp_path: Path) -> None:
    spec = _every_type_spec("18.0")
    with pytest.raises(MappingError, match="valid Odoo module name"):
        plan_addon(spec, module="Acme-Fields")
    with pytest.raises(MappingError, match="cannot write an addon for Odoo 16"):
        plan_addon(spec, odoo_version="16.0")
    spec.objects["deal"].fields.append(FieldMap(source="x", target="x_char", new_field=NewField("integer", "X")))
    spec.objects["deal"].model = "res.partner"
    with pytest.raises(MappingError, match="planned twice with different types"):
        plan_addon(spec)
    empty = MappingSpec("ontraport", "ontraport", "18.0",
                        {"contact": ObjectMap("contact", "contact", "res.partner",
                                              fields=[FieldMap(source="email", target="email")])})
    with pytest.raises(MappingError, match="nothing to put in an addon"):
        write_addon(plan_addon(empty), tmp_path)


def test_cli_writes_the_addon_of_the_approved_map_only(tmp_path: Path) -> None:
    project = tmp_path / "project"
    api.init_project(project, "ontraport-csv")
    save_spec(_every_type_spec("18.0"), project / "mapping.yaml")
    runner = CliRunner()
    refused = runner.invoke(main, ["addon", "--project", str(project), "--out", str(tmp_path / "out")])
    assert refused.exit_code == 2 and "approve" in refused.output
    api.approve(project, confirm=lambda changes: True, login="admin-person")
    done = runner.invoke(main, ["addon", "--project", str(project), "--out", str(tmp_path / "out"),
                                "--odoo-version", "17.0"])
    assert done.exit_code == 0, done.output
    assert "16 fields, 1 custom models" in done.output
    manifest = ast.literal_eval((tmp_path / "out" / "crm2odoo_ontraport_fields" / "__manifest__.py").read_text())
    assert manifest["version"] == "17.0.1.0.0"
