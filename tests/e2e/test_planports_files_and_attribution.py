"""Planports end to end, on what the workflow tests leave implicit: custom fields that an installed addon already
created, attachments proven byte for byte by Odoo's checksum, and lead attribution (utm.source / utm.campaign)
record by record, across a re-run and a rollback.

Each test has a sandbox of its own, so the UTM records and custom fields it counts are only its own.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm2odoo import api
from crm2odoo.ledger.db import Ledger
from crm2odoo.load import objectpass
from crm2odoo.load.addon import plan_addon
from crm2odoo.load.provision import RELATION_COLUMNS
from crm2odoo.mapping.spec import load_spec
from crm2odoo.odoo.client import OdooClient
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.planports_sim import PlanportsSimulator
from crm2odoo.testing.planports_workbook import PlanportsDataset, generate_workbook

from .world import admin, write_config

PP_EMAIL, PP_PASSWORD = "6a1c9e0d-2222-4f3a-8b77-0c5d9e1f2a34@api.planports.com", "pp-secret-Kaynak-7"
MIGRATION = 'default_country = "TR"\nsource_timezone = "Europe/Istanbul"\n'
WORKBOOK = '[source]\nkind = "planports-xlsx"\npath = "export.xlsx"\n'


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as sandbox:
        yield sandbox


@pytest.fixture
def odoo(server: SandboxServer) -> Iterator[OdooClient]:
    client = admin(server)
    yield client
    client.close()


def workbook_project(root: Path, server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> PlanportsDataset:
    api.init_project(root, "planports-xlsx")
    dataset = generate_workbook(root / "export.xlsx", seed=4, language="tr")
    write_config(root, WORKBOOK, server, monkeypatch, migration_extra=MIGRATION)
    return dataset


def approve(root: Path) -> None:
    api.discover(root)
    api.plan(root)
    api.approve(root, confirm=lambda changes: True, login="e2e")


def ids_of(root: Path, obj: str) -> dict[str, int]:
    ledger = Ledger(root / ".crm2odoo" / "ledger.sqlite")
    try:
        return ledger.id_map(obj)
    finally:
        ledger.close()


# -- custom fields an addon created ------------------------------------------------------------------------------
def create_like_the_addon(odoo: OdooClient, root: Path) -> int:
    """Create every field (and model) the addon declares, with its definition, outside crm2odoo's ledger: what
    Odoo holds after an administrator installed the generated module."""
    plan = plan_addon(load_spec(root / "mapping.yaml"))
    created = 0
    for model in plan.models.values():
        model_ids = odoo.search_read("ir.model", [["model", "=", model.model]], ["id"], limit=1)
        model_id = model_ids[0]["id"] if model_ids else odoo.create("ir.model", [{
            "name": model.label, "model": model.model, "state": "manual"}])[0]
        for fld in model.fields:
            vals: dict[str, Any] = {"model_id": model_id, "name": fld.name, "field_description": fld.label,
                                    "ttype": fld.type, "state": "manual"}
            if fld.type == "selection":
                vals["selection_ids"] = [[0, 0, {"value": k, "name": v, "sequence": n}]
                                         for n, (k, v) in enumerate(fld.options)]
            if fld.relation:
                vals["relation"] = fld.relation
            if fld.relation_table:
                vals.update(relation_table=fld.relation_table, column1=RELATION_COLUMNS[0],
                            column2=RELATION_COLUMNS[1])
            odoo.create("ir.model.fields", [vals])
            created += 1
    return created


def test_fields_an_addon_created_are_reused_and_provisioning_creates_nothing(
        tmp_path: Path, server: SandboxServer, odoo: OdooClient, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "addon"
    workbook_project(root, server, monkeypatch)
    approve(root)
    declared = create_like_the_addon(odoo, root)
    assert declared > 10
    before = {m: set(odoo.fields_get(m, ["type"])) for m in ("res.partner", "crm.lead", "sale.order")}

    info = api.migrate(root)
    assert info.state == "done" and info.reconcile is not None and info.reconcile.adds_up
    assert info.provisioned.fields_created == [] and info.provisioned.models_created == []
    ledger = Ledger(root / ".crm2odoo" / "ledger.sqlite")
    try:
        assert not [c for c in ledger.schema_changes() if c["kind"] in ("field", "model")], \
            "fields the ledger did not create are never the tool's to remove"
    finally:
        ledger.close()
    leads = odoo.read("crm.lead", list(ids_of(root, "lead").values()), ["x_platform"])
    assert {lead["x_platform"] for lead in leads} == {"facebook", "instagram", "google", "tiktok", "web"}, \
        "the data landed in the addon's columns"

    result = api.rollback(root, all_runs=True)
    assert result.verified, result.problems
    assert result.schema_removed == []
    assert {m: set(odoo.fields_get(m, ["type"])) for m in before} == before, "rollback keeps the addon's fields"


# -- attachments -------------------------------------------------------------------------------------------------
def test_every_attachment_is_verified_by_checksum_and_a_corrupted_one_is_reported(
        tmp_path: Path, server: SandboxServer, odoo: OdooClient, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "files"
    dataset = workbook_project(root, server, monkeypatch)
    approve(root)
    # one file per load call: batches are cut by the size of their content, not only by their count
    monkeypatch.setattr(objectpass, "MAX_BATCH_BYTES", 1)
    server.call_log.clear()
    info = api.migrate(root)
    files = {sid: truth for sid, truth in dataset.records["attachment"].items() if truth["data"]}
    assert 4 <= len(files) < len(dataset.records["attachment"])
    # each file closes its batch at once; the file-less record (its file was not found) goes with the next one
    assert server.call_log.count(("ir.attachment", "load")) == len(files) + 1

    assert info.reconcile is not None and info.reconcile.adds_up
    attachment = next(o for o in info.reconcile.objects if o.name == "attachment")
    assert (attachment.content_checked, attachment.content_mismatches) == (len(files), 0)

    landed = ids_of(root, "attachment")
    rows = {r["id"]: r for r in odoo.read("ir.attachment", list(landed.values()), ["checksum", "file_size", "name"])}
    for sid, truth in files.items():
        row = rows[landed[sid]]
        assert row["checksum"] == hashlib.sha1(truth["data"]).hexdigest() and row["file_size"] == len(truth["data"])

    victim = sorted(files)[1]
    odoo.write("ir.attachment", [landed[victim]], {"datas": base64.b64encode(b"GARBLED-CONTENT").decode()})
    again = api.reconcile(root, spot_check=0)
    assert not again.ok
    checked = next(o for o in again.objects if o.name == "attachment")
    assert (checked.content_checked, checked.content_mismatches) == (len(files), 1)
    wrong = [d for d in checked.differences if d.what == "content_mismatch"]
    assert [d.source_id for d in wrong] == [victim]
    assert files[victim]["file_name"] in wrong[0].detail and checked.name == "attachment"
    report = (root / "reports" / "reconcile.md").read_text(encoding="utf-8")
    assert "content_mismatch" in report and files[victim]["file_name"] in report
    for leaked in ("GARBLED", files[victim]["data"].decode(), base64.b64encode(files[victim]["data"]).decode()):
        assert leaked not in report and leaked not in wrong[0].detail, "no file content in reports"


# -- lead attribution --------------------------------------------------------------------------------------------
def utm_names(odoo: OdooClient, model: str) -> dict[int, str]:
    return {int(r["id"]): str(r["name"]) for r in odoo.search_read(model, [], ["name"])}


@pytest.mark.parametrize("kind", ["planports-xlsx", "planports-api"])
def test_lead_source_and_campaign_record_by_record_rerun_and_rollback(
        tmp_path: Path, server: SandboxServer, odoo: OdooClient, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    root = tmp_path / kind
    api.init_project(root, kind)
    dataset = generate_workbook(tmp_path / "truth.xlsx", seed=4, language="tr")
    # an Odoo that already knows one source and one campaign: those are reused, never duplicated or removed
    kept_source = odoo.create("utm.source", [{"name": "Google Ads"}])[0]
    kept_campaign = odoo.create("utm.campaign", [{"name": "DE Dental Q2"}])[0]
    before = {m: utm_names(odoo, m) for m in ("utm.source", "utm.campaign")}

    def run(sim: PlanportsSimulator | None) -> api.MigrateInfo:
        if sim is None:
            write_config(root, f'[source]\nkind = "planports-xlsx"\npath = "{dataset.path}"\n', server, monkeypatch,
                         migration_extra=MIGRATION)
        else:
            monkeypatch.setenv("FT_PP_EMAIL", PP_EMAIL)
            monkeypatch.setenv("FT_PP_PASSWORD", PP_PASSWORD)
            write_config(root, f'[source]\nkind = "planports-api"\nbase_url = "{sim.url}"\n'
                               'email = "${FT_PP_EMAIL}"\npassword = "${FT_PP_PASSWORD}"\n', server, monkeypatch,
                         migration_extra=MIGRATION)
        if not (root / "mapping.yaml").exists():
            approve(root)
        return api.migrate(root)

    def check_leads() -> dict[str, tuple[int, int]]:
        leads = ids_of(root, "lead")
        assert set(leads) == set(dataset.records["lead"])
        rows = {r["id"]: r for r in odoo.read("crm.lead", list(leads.values()), ["source_id", "campaign_id"],
                                              context={"active_test": False})}
        sources, campaigns = utm_names(odoo, "utm.source"), utm_names(odoo, "utm.campaign")
        out = {}
        for sid, truth in dataset.records["lead"].items():
            row = rows[leads[sid]]
            assert row["source_id"] and sources[row["source_id"][0]] == truth["source"], (sid, row, truth["source"])
            assert row["campaign_id"] and campaigns[row["campaign_id"][0]] == truth["campaign"], (sid, row)
            out[sid] = (row["source_id"][0], row["campaign_id"][0])
        return out

    def once_each() -> None:
        for model, field in (("utm.source", "source"), ("utm.campaign", "campaign")):
            names = list(utm_names(odoo, model).values())
            for wanted in {t[field] for t in dataset.records["lead"].values()}:
                assert names.count(wanted) == 1, f"{model} {wanted!r}: {names}"
            assert not [n for n in names if n.endswith("]")], f"Odoo renamed a duplicate: {names}"

    def migrate_twice(sim: PlanportsSimulator | None) -> None:
        first = run(sim)
        assert first.state == "done" and first.reconcile is not None and first.reconcile.adds_up
        attribution = check_leads()
        assert {s for s, _ in attribution.values()} >= {kept_source}
        assert {c for _, c in attribution.values()} >= {kept_campaign}
        once_each()
        counts = {m: len(utm_names(odoo, m)) for m in before}
        second = run(sim)
        assert all(o.created == 0 and o.updated == 0 for o in second.objects)
        assert check_leads() == attribution, "a re-run keeps every lead on the same source and campaign"
        assert {m: len(utm_names(odoo, m)) for m in before} == counts, "no utm record is created twice"
        once_each()

    if kind == "planports-api":
        with PlanportsSimulator(dataset, email=PP_EMAIL, password=PP_PASSWORD, seed=5) as sim:
            migrate_twice(sim)
    else:
        migrate_twice(None)

    result = api.rollback(root, all_runs=True)
    assert result.verified, result.problems
    after = {m: utm_names(odoo, m) for m in before}
    assert after == before, "the run's sources and campaigns are gone; the ones Odoo had stay, untouched"
