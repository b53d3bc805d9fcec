"""Approvability and values, end to end through plan -> approve -> validate -> migrate into the sandbox.

A map that cannot run is refused at approve (library and CLI, naming the lines), and a migrate the map stops
leaves a report. The simulators are modified inside each test to carry the shapes seen in real accounts.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from crm2odoo import api
from crm2odoo.errors import MappingError
from crm2odoo.ledger.db import Ledger
from crm2odoo.mapping.spec import dump_spec, load_spec
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import OntraportSimulator, write_csv_exports
from crm2odoo.testing.planports_sim import PlanportsSimulator
from crm2odoo.testing.planports_workbook import generate_workbook

from .world import API_KEY, APP_ID, admin, ledger_rows, ontraport_source, small_account, write_config


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as sandbox:
        yield sandbox


def _cli(root: Path, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FT_ODOO_PASSWORD": password, "FT_OP_APP": APP_ID, "FT_OP_KEY": API_KEY}
    done = subprocess.run([sys.executable, "-m", "crm2odoo", *args, "--project", str(root)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def test_approve_refuses_a_map_that_cannot_run_and_migrate_reports_why_it_stopped(
        tmp_path: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with OntraportSimulator(small_account(), app_id=APP_ID, api_key=API_KEY, rate_limit=100_000) as sim:
        root = tmp_path / "op"
        root.mkdir()
        write_config(root, ontraport_source(sim.url), server, monkeypatch)
        api.discover(root)
        api.plan(root)
        assert api.approve(root, confirm=lambda changes: True, login="ada").approved  # as proposed, it runs
        data = yaml.safe_load((root / "mapping.yaml").read_text(encoding="utf-8"))
        task = data["objects"]["task"]["fields"]
        for line in task:
            if line.get("transform") == "record_ref":  # nothing links a task to its record any more
                for key in ("target", "transform", "params"):
                    line.pop(key, None)
                line["ignore"] = True
        data["objects"]["contact"]["fields"].append({"source": "contact_cat", "target": "category_id",
                                                     "transform": "refs", "params": {}})
        (root / "mapping.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                                           encoding="utf-8")
        with pytest.raises(MappingError) as refused:
            api.approve(root, confirm=lambda changes: True, login="ada")
        text = refused.value.message
        assert "cannot be approved" in text
        assert "Odoo requires mail.activity.res_model_id: which column links each task to its record" in text
        assert "objects.contact: contact_cat -> category_id: transform refs cannot run with params {}" in text
        done = _cli(root, "approve", "--yes", "--as", "ada", password=server.admin_password)
        assert done.returncode == 2
        assert "mail.activity.res_model_id" in done.stderr and "contact_cat -> category_id" in done.stderr
        # offline, approve judges the map by the schema plan proposed against
        config = (root / "crm2odoo.toml").read_text(encoding="utf-8")
        (root / "crm2odoo.toml").write_text(config.replace(server.url, "http://127.0.0.1:9"), encoding="utf-8")
        with pytest.raises(MappingError, match=r"Odoo requires mail\.activity\.res_model_id"):
            api.approve(root, confirm=lambda changes: True, login="ada")
        (root / "crm2odoo.toml").write_text(config, encoding="utf-8")

        # a map approved by an earlier crm2odoo, which did not refuse it: migrate stops and says why in a report
        spec = load_spec(root / "mapping.yaml")
        ledger = Ledger(root / ".crm2odoo" / "ledger.sqlite")
        try:
            ledger.approve(spec.content_hash(), "older-crm2odoo", dump_spec(spec))
        finally:
            ledger.close()
        with pytest.raises(MappingError):
            api.migrate(root)
        report = (root / "reports" / "migrate-stopped.md").read_text(encoding="utf-8")
        assert "No record was sent" in report and "transform refs cannot run with params {}" in report


def _header(ws: Any, label: str) -> tuple[int, int]:
    for row in ws.iter_rows(min_row=1, max_row=5):
        for c in row:
            if c.value == label:
                return c.row, c.column
    raise AssertionError(f"{ws.title}: no column {label}")


def test_a_selection_offers_every_value_the_records_hold(tmp_path: Path, server: SandboxServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Companies and contacts share res.partner's x_ selection; contacts hold a value neither the workbook's field
    definitions nor any company declare: Odoo must not refuse it."""
    root = tmp_path / "pp"
    root.mkdir()
    dataset = generate_workbook(root / "export.xlsx", seed=5, language="tr", contacts=24, companies=6, leads=4, deals=6,
                      quotes=2, orders=1, activities=4, notes=3, cards=2, attachments=1)
    book = openpyxl.load_workbook(root / "export.xlsx")
    ws = book["Kişiler"]
    head, treatment = _header(ws, "Tedavi Paketi")
    kind = _header(ws, "Tür")[1]
    changed = 0
    for r in range(head + 1, ws.max_row + 1):
        if ws.cell(row=r, column=kind).value == "Kişi" and r % 2 == 0:
            ws.cell(row=r, column=treatment).value = "Estetik Cerrahi"
            changed += 1
    assert changed >= 5
    book.save(root / "export.xlsx")
    write_config(root, '[source]\nkind = "planports-xlsx"\npath = "export.xlsx"\n', server, monkeypatch,
                 migration_extra='default_country = "TR"\nsource_timezone = "Europe/Istanbul"\n')
    api.discover(root)
    api.plan(root)
    api.approve(root, confirm=lambda changes: True, login="ada")
    assert not api.validate(root).stops
    info = api.migrate(root)
    invalid = {(obj, ident) for obj, ids in dataset.problems.items() for ident in ids}  # the generator's own dirt
    refused = [r for r in ledger_rows(root) if r["object"] in ("contact", "company") and r["state"] == "quarantined"
               and (r["object"], r["source_id"]) not in invalid]
    assert refused == [], [(r["source_id"], r["reason"]) for r in refused][:3]
    assert info.state == "done"
    client = admin(server)
    try:
        held = client.search_read("res.partner", [["x_tedavi_paketi", "!=", False]], ["x_tedavi_paketi"])
        choices = dict(client.fields_get("res.partner", ["selection"])["x_tedavi_paketi"]["selection"])
    finally:
        client.close()
    landed = sum(1 for r in held if choices[r["x_tedavi_paketi"]] == "Estetik Cerrahi")
    assert changed - len([i for o, i in invalid if o == "contact"]) <= landed <= changed


def test_a_line_item_whose_product_is_not_in_the_product_list_gets_one(tmp_path: Path, server: SandboxServer,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the Planports API: one quote line names a product code the product list does not have."""
    root = tmp_path / "pp"
    root.mkdir()
    dataset = generate_workbook(tmp_path / "truth.xlsx", seed=6, language="tr", contacts=12, companies=4, leads=3,
                                deals=6, quotes=3, orders=1, activities=2, notes=2, cards=2, attachments=1)
    first = sorted(dataset.records["quote_line"])[0]
    dataset.records["quote_line"][first]["product"] = "URN-999"
    email, password = "3f2a9c1e-0000-4000-8000-1234567890ab@api.planports.com", "Gizli-Parola-2024!"
    monkeypatch.setenv("FT_PP_EMAIL", email)
    monkeypatch.setenv("FT_PP_PASSWORD", password)
    with PlanportsSimulator(dataset, email=email, password=password) as sim:
        write_config(root, f'[source]\nkind = "planports-api"\nbase_url = "{sim.url}"\n'
                           'email = "${FT_PP_EMAIL}"\npassword = "${FT_PP_PASSWORD}"\n', server, monkeypatch,
                     migration_extra='default_country = "TR"\nsource_timezone = "Europe/Istanbul"\n')
        api.discover(root)
        api.plan(root)
        product = next(ln for ln in load_spec(root / "mapping.yaml").objects["quote_line"].fields
                       if ln.target == "product_id")
        assert product.transform == "lookup" and product.params["create"] is True and "'URN-999'" in product.reason
        api.approve(root, confirm=lambda changes: True, login="ada")
        api.migrate(root)
        # the created product is found again by its code: reconcile sees the line as the source and map give it
        checked = {o.name: o for o in api.reconcile(root, spot_check=1000).objects}["quote_line"]
    assert checked.spot_checked and not checked.differences, checked.differences[:3]
    lines = [r for r in ledger_rows(root) if r["object"] == "quote_line"]
    assert lines and all(r["state"] not in ("quarantined", "skipped") for r in lines), \
        [(r["source_id"], r["reason"]) for r in lines if r["state"] == "quarantined"]
    client = admin(server)
    try:
        made = client.search_read("product.product", [["name", "=", "URN-999"]], ["id"])
        listed = client.search_read("product.product", [["default_code", "!=", False]], ["default_code"])
        with_line = client.search_read("sale.order.line", [["product_id", "in", [p["id"] for p in made]]], ["id"])
    finally:
        client.close()
    assert len(made) == 1 and len(with_line) == 1
    assert len({p["default_code"] for p in listed}) == len(listed)  # the listed products are found, not duplicated


def _rewrite_csv(path: Path, edit: Callable[[list[dict[str, str]]], list[str]]) -> None:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = edit(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def test_values_from_an_ontraport_csv_export_land_where_they_belong(tmp_path: Path, server: SandboxServer,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An export whose mobile numbers sit in a 'Cell Phone' column (SMS Number left blank), whose multi-select keeps
    Ontraport's '*/*' and whose countries include one Odoo does not know."""
    root = tmp_path / "csv"
    write_csv_exports(small_account(), root / "exports")
    contacts = root / "exports" / "export-1.csv"

    def edit(rows: list[dict[str, str]]) -> list[str]:
        header = list(rows[0])
        for row in rows:  # a contact's rows repeat once per note: every edit follows the contact
            n = int(row["Contact ID"])
            row["Cell Phone"] = f"+1 212 555 {1000 + n:04d}"
            row["SMS Number"] = ""
            if n % 2:
                row["Country"] = ("Mordor", "Atlantis")[n % 4 // 2]
        return [*header[:header.index("SMS Number") + 1], "Cell Phone", *header[header.index("SMS Number") + 1:]]

    _rewrite_csv(contacts, edit)
    write_config(root, '[source]\nkind = "ontraport-csv"\npath = "exports/"\n', server, monkeypatch)
    api.discover(root)
    api.plan(root)
    spec = load_spec(root / "mapping.yaml")
    lines = {ln.key(): ln for ln in spec.objects["contact"].fields}
    assert (lines["Cell Phone"].target, lines["Cell Phone"].transform) == ("mobile", "phone")
    # the connector hands '*/*' cells over as lists (or the line splits them): either way joined readably below
    assert lines["Interests"].transform == "join" and lines["Interests"].params.get("split") in (None, "*/*")
    country = lines["country"]
    assert country.confidence <= 0.6 and country.params["create"] is False and "'Mordor'" in country.reason
    api.approve(root, confirm=lambda changes: True, login="ada")
    assert not api.validate(root).stops
    api.migrate(root)
    with contacts.open(encoding="utf-8-sig", newline="") as fh:
        source = {r["Contact ID"]: r for r in csv.DictReader(fh)}
    landed = {r["source_id"]: r["odoo_id"] for r in ledger_rows(root)
              if r["object"] == "contact" and r["state"] in ("created", "updated", "merged", "unchanged")}
    assert landed
    client = admin(server)
    try:
        partners = {p["id"]: p for p in client.read("res.partner", sorted({int(i) for i in landed.values()}),
                                                    ["mobile", "x_interests", "country_id"])}
    finally:
        client.close()
    for sid, odoo_id in landed.items():
        row, partner = source[sid], partners[int(odoo_id)]
        assert partner["mobile"] == "+1212555" + f"{1000 + int(sid):04d}"
        assert (partner["x_interests"] or "") == ", ".join(p for p in row["Interests"].split("*/*") if p)
        if row["Country"] in ("Mordor", "Atlantis"):
            assert partner["country_id"] is False
