"""Pipelines, stages and deal status as an Odoo user sees them, on 17, 18 and 19.

Each source pipeline is a sales team whose pipeline view (crm.lead kanban grouped by stage: crm_lead.py
``_read_group_stage_ids`` lists the stages of the team plus every stage of no team) shows exactly that pipeline's
stages in the source's order; Odoo's own stages are reused by name and never stand beside a namesake; won deals sit
in their own pipeline's won stage at 100 %, lost deals are archived at 0 % with their lost reason (Odoo's "Mark as
lost"), open deals keep the source's probability. Runs the independently written Ontraport account (two pipelines
on a custom dropdown, one global Sales Stage list incl. Won and Lost) and a Planports workbook with two processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient
from crm2odoo.sandbox import SandboxServer
from crm2odoo.textnorm import fold
from tests.independent.coaching import PIPELINES, STAGES, OntraportAccount, generate
from tests.independent.ontraport_server import OntraportServer

from . import snapshot
from .world import API_KEY, APP_ID, admin, ledger_rows, ontraport_source, write_config

VERSIONS = ["17.0", "18.0", "19.0"]
DEALS = 149
WON, LOST = "604", "605"
ODOO_DEFAULTS = ("New", "Qualified", "Proposition")  # crm/data/crm_stage_data.xml (and Won)


def team_field(client: OdooClient) -> str:
    return "team_ids" if "team_ids" in client.fields_get("crm.stage", ["type"]) else "team_id"


def pipeline_view(client: OdooClient, team: int) -> list[dict[str, Any]]:
    """The columns crm's pipeline view of ``team`` offers: its stages and those of no team, by sequence."""
    field = team_field(client)
    op = "in" if field == "team_ids" else "="
    domain = ["|", [field, "=", False], [field, op, [team] if op == "in" else team]]
    return client.search_read("crm.stage", domain, ["name", "is_won", "fold", field], order="sequence, id")


def names(stages: list[dict[str, Any]]) -> list[str]:
    return [str(s["name"]) for s in stages]


def _choose(root: Path, choice: str) -> None:
    """A person edits the plan's choice for Odoo's unused stages before approving it."""
    path = root / "mapping.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["objects"]["stage"].setdefault("options", {})["unused_default_stages"] = choice
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _migrate(root: Path, choice: str | None) -> None:
    api.discover(root)
    api.plan(root)
    if choice is not None:
        _choose(root, choice)
    api.approve(root, confirm=lambda changes: True, login="pipelines")
    info = api.migrate(root)
    assert info.ok, info.shortfall.lines(info.tolerance)


@dataclass
class Run:
    root: Path
    client: OdooClient
    before: snapshot.Snapshot
    landed: dict[str, int]  # deal source id -> crm.lead id

    def teams(self, wanted: list[str]) -> dict[str, int]:
        rows = self.client.search_read("crm.team", [["name", "in", wanted]], ["name"])
        return {str(r["name"]): int(r["id"]) for r in rows}

    def deals(self) -> dict[str, dict[str, Any]]:
        rows = self.client.read("crm.lead", list(self.landed.values()),
                                ["stage_id", "team_id", "probability", "active", "lost_reason_id"])
        by_id = {int(r["id"]): r for r in rows}
        return {sid: by_id[oid] for sid, oid in self.landed.items()}


@contextmanager
def coaching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, choice: str | None = None,
             account: OntraportAccount | None = None) -> Iterator[tuple[Run, OntraportAccount]]:
    account = account or generate()
    server = OntraportServer(account, app_id=APP_ID, api_key=API_KEY, rate_limit=100_000).start()
    try:
        with SandboxServer(version=version) as odoo:
            # the account's own invalid records (a contact with no name and its note) are not this test's concern
            write_config(tmp_path, ontraport_source(server.url), odoo, monkeypatch, migration_extra="max_quarantine = 2")
            client = admin(odoo)
            try:
                before = snapshot.take(client)
                _migrate(tmp_path, choice)
                landed = {r["source_id"]: int(r["odoo_id"]) for r in ledger_rows(tmp_path)
                          if r["object"] == "deal" and r["odoo_id"]}
                yield Run(tmp_path, client, before, landed), account
            finally:
                client.close()
    finally:
        server.stop()


def _source_deals(account: OntraportAccount) -> dict[str, dict[str, str]]:
    return {r["id"]: r for r in account.types[DEALS].records}


@pytest.mark.parametrize("version", VERSIONS)
def test_each_pipeline_shows_its_own_stages_and_deals_mean_what_they_meant(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    with coaching(tmp_path, monkeypatch, version) as (run, account):
        client = run.client
        teams = run.teams(list(PIPELINES.values()))
        assert sorted(teams) == sorted(PIPELINES.values())
        views = {name: pipeline_view(client, team) for name, team in teams.items()}
        for name, view in views.items():
            # the source's one stage list, in its order, in every pipeline; no Odoo stage beside it
            assert names(view) == list(STAGES.values()), (name, names(view))
            assert [s["name"] for s in view if s["is_won"]] == ["Won"], view
        field = team_field(client)
        # a stage of no team would show in every pipeline, also the ones added later in Odoo: each has its team
        assert all(s[field] for view in views.values() for s in view), views
        everyone = client.search_read("crm.stage", [], ["name", field])
        assert sum(1 for s in everyone if fold(str(s["name"])) == "won") == (2 if field == "team_id" else 1), \
            "Odoo's own Won is reused (17/18: plus one copy for the second team; 19: one stage for both)"
        # Odoo's unused stages went to its own Sales team (the plan's default when the source has pipelines)
        sales = client.search_read("crm.team", [["name", "=", "Sales"]], ["id"])[0]["id"]
        assert set(ODOO_DEFAULTS) <= set(names(pipeline_view(client, sales)))

        source = _source_deals(account)
        deals = run.deals()
        assert deals and len(deals) == len(source)
        stage_of = {int(s["id"]): s for view in views.values() for s in view}
        for sid, deal in deals.items():
            row = source[sid]
            team_name = PIPELINES[row["f2101"]]
            assert deal["team_id"][0] == teams[team_name], (sid, deal)
            stage = stage_of.get(deal["stage_id"][0])
            assert stage is not None and deal["stage_id"][0] in {s["id"] for s in views[team_name]}, (sid, deal)
            assert stage["name"] == STAGES[row["sales_stage"]], (sid, deal, row["sales_stage"])
            if row["sales_stage"] == WON:
                assert deal["active"] and deal["probability"] == 100 and stage["is_won"], (sid, deal)
            elif row["sales_stage"] == LOST:
                assert not deal["active"] and deal["probability"] == 0, (sid, deal)
            else:
                assert deal["active"] and deal["probability"] == float(row["expected_win_percent"]), (sid, deal)
        assert {r["sales_stage"] for r in source.values()} >= {WON, LOST}, "the account has won and lost deals"
        if "won_status" in client.fields_get("crm.lead", ["type"]):  # 19 shows Won/Lost from these values
            status = {int(r["id"]): r["won_status"] for r in client.read("crm.lead", list(run.landed.values()),
                                                                         ["won_status"])}
            expected = {WON: "won", LOST: "lost"}
            assert all(status[run.landed[sid]] == expected.get(row["sales_stage"], "pending")
                       for sid, row in source.items()), status
        # reconcile expects the deals where the load placed them, and a second run lays out nothing new
        assert api.reconcile(tmp_path).ok
        stage_count = client.search_count("crm.stage", [])
        assert api.migrate(tmp_path).ok and client.search_count("crm.stage", []) == stage_count

        result = api.rollback(tmp_path, all_runs=True)
        assert result.verified, result
        assert not snapshot.differences(run.before, snapshot.take(client))


@pytest.mark.parametrize("version", ["18.0", "19.0"])
def test_keeping_odoo_stages_is_a_choice_that_shows_them_in_every_pipeline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    """The NO case of the default above: with 'keep', Odoo's New/Qualified/Proposition stay stages of every team, so
    each pipeline view shows them beside the source's stages; rollback still leaves Odoo as it was."""
    with coaching(tmp_path, monkeypatch, version, choice="keep") as (run, _):
        for team in run.teams(list(PIPELINES.values())).values():
            shown = names(pipeline_view(run.client, team))
            assert set(ODOO_DEFAULTS) <= set(shown) and shown != list(STAGES.values()), shown
        result = api.rollback(tmp_path, all_runs=True)
        assert result.verified, result
        assert not snapshot.differences(run.before, snapshot.take(run.client))


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_folding_odoo_stages_folds_only_those_and_rollback_unfolds_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    with coaching(tmp_path, monkeypatch, version, choice="fold") as (run, _):
        stages = run.client.search_read("crm.stage", [], ["name", "fold"])
        assert {s["name"] for s in stages if s["fold"]} == set(ODOO_DEFAULTS), stages
        api.rollback(tmp_path, all_runs=True)
        assert not any(s["fold"] for s in run.client.search_read("crm.stage", [], ["fold"]))
        assert not snapshot.differences(run.before, snapshot.take(run.client))


def test_a_deal_with_no_pipeline_is_reported_not_guessed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    account = generate()
    orphan = account.types[DEALS].records[0]
    orphan["f2101"] = "0"  # Ontraport's 'no option chosen'
    with coaching(tmp_path, monkeypatch, "18.0", account=account) as (run, _):
        issues = run_issues(run.root, "deal", orphan["id"])
        assert any("no pipeline" in text for text in issues), issues
        others = [i for r in account.types[DEALS].records[1:] for i in run_issues(run.root, "deal", r["id"])]
        assert not any("no pipeline" in text for text in others), others


def run_issues(root: Path, obj: str, source_id: str) -> list[str]:
    import sqlite3

    db = sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite")
    try:
        return [str(r[0]) for r in db.execute("SELECT reason FROM issues WHERE object=? AND source_id=?",
                                              (obj, source_id))]
    finally:
        db.close()


# -- a Planports workbook: stages belong to their process ------------------------------------------------------------

PROCESSES = {
    "Yeni Satış": [("New", "Açık"), ("Teklif", "Açık"), ("Won", "Kazanıldı"), ("Kaybedildi", "Kaybedildi")],
    "Yenileme": [("Görüşme", "Açık"), ("Teklif", "Açık"), ("Kazanıldı", "Kazanıldı"), ("Kaybedildi", "Kaybedildi")],
}
PP_DEALS: list[tuple[str, str, str, str, str, str | None]] = [  # id, process, stage, status, probability, reason
    ("F-1", "Yeni Satış", "New", "Açık", "%20", None),
    ("F-2", "Yeni Satış", "Teklif", "Açık", "%60", None),
    ("F-3", "Yeni Satış", "Won", "Kazanıldı", "%100", None),
    ("F-4", "Yeni Satış", "Kaybedildi", "Kaybedildi", "%0", "Fiyat yüksek"),
    ("F-5", "Yenileme", "Görüşme", "Açık", "%30", None),
    ("F-6", "Yenileme", "Teklif", "Açık", "%70", None),
    ("F-7", "Yenileme", "Kazanıldı", "Kazanıldı", "%90", None),
    ("F-8", "Yenileme", "Kaybedildi", "Kaybedildi", "%10", "Rakip tercih edildi"),
    ("F-9", "Yenileme", "Kaybedildi", "Açık", "%40", None),  # a lost stage with no lost status nor reason
]


def _planports_book(path: Path) -> None:
    book = Workbook()
    stages = book.active
    assert stages is not None
    stages.title = "Aşamalar"
    stages.append(["Süreç", "Aşama Adı", "Sıra", "Tip"])
    for process, rows in PROCESSES.items():
        for n, (stage, kind) in enumerate(rows, start=1):
            stages.append([process, stage, n, kind])
    reasons = book.create_sheet("Kayıp Nedenleri")
    reasons.append(["Kayıp Nedeni"])
    for name in ("Fiyat yüksek", "Rakip tercih edildi"):
        reasons.append([name])
    deals = book.create_sheet("Satış Fırsatları")
    deals.append(["Fırsat No", "Fırsat Adı", "Süreç", "Aşama", "Durum", "Olasılık (%)", "Tutar", "Kayıp Nedeni"])
    for did, process, stage, status, probability, reason in PP_DEALS:
        deals.append([did, f"{process} {did}", process, stage, status, probability, 1000, reason])
    book.save(path)


@pytest.mark.parametrize("version", VERSIONS)
def test_planports_processes_keep_their_own_stages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   version: str) -> None:
    _planports_book(tmp_path / "book.xlsx")
    with SandboxServer(version=version) as odoo:
        write_config(tmp_path, '[source]\nkind = "planports-xlsx"\npath = "book.xlsx"\n', odoo, monkeypatch)
        client = admin(odoo)
        try:
            before = snapshot.take(client)
            _migrate(tmp_path, None)
            teams = {str(r["name"]): int(r["id"]) for r in client.search_read("crm.team", [], ["name"])}
            views = {p: pipeline_view(client, teams[p]) for p in PROCESSES}
            field = team_field(client)
            for process, view in views.items():
                assert names(view) == [s for s, _ in PROCESSES[process]], (process, names(view))
                assert all(s[field] for s in view), view
                assert [s["name"] for s in view if s["is_won"]] == [s for s, k in PROCESSES[process]
                                                                   if k == "Kazanıldı"], view
            everyone = client.search_read("crm.stage", [], ["name"])
            assert [s["name"] for s in everyone].count("New") == 1, "Odoo's New is reused, not duplicated"
            assert [s["name"] for s in everyone].count("Won") == 1, "Odoo's Won is reused, not duplicated"
            landed = {r["source_id"]: int(r["odoo_id"]) for r in ledger_rows(tmp_path)
                      if r["object"] == "deal" and r["odoo_id"]}
            rows = {int(r["id"]): r for r in client.read("crm.lead", list(landed.values()),
                                                         ["stage_id", "team_id", "probability", "active",
                                                          "lost_reason_id"])}
            for did, process, stage, _status, probability, reason in PP_DEALS:
                deal = rows[landed[did]]
                assert deal["team_id"][0] == teams[process], (did, deal)
                assert deal["stage_id"][0] in {s["id"] for s in views[process]}, (did, deal)
                assert deal["stage_id"][1] == stage, (did, deal)
                if stage in ("Won", "Kazanıldı"):
                    assert deal["active"] and deal["probability"] == 100, (did, deal)
                elif stage == "Kaybedildi":
                    assert not deal["active"] and deal["probability"] == 0, (did, deal)
                    assert (deal["lost_reason_id"] and deal["lost_reason_id"][1]) == (reason or False), (did, deal)
                else:
                    assert deal["active"] and deal["probability"] == float(probability.strip("%")), (did, deal)
            assert api.reconcile(tmp_path).ok
            stage_count = client.search_count("crm.stage", [])
            assert api.migrate(tmp_path).ok and client.search_count("crm.stage", []) == stage_count
            result = api.rollback(tmp_path, all_runs=True)
            assert result.verified, result
            assert not snapshot.differences(before, snapshot.take(client))
        finally:
            client.close()
