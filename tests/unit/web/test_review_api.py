"""The review page's API: the token, edits written through save_spec, conflicts with edits made elsewhere, the
refusal of a map that cannot run, approval as `crm2odoo approve` records it, and customer data kept as data."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from crm2odoo import api
from crm2odoo.cli import main
from crm2odoo.ledger.db import Issue, Ledger
from crm2odoo.mapping.spec import HEADER, load_spec, save_spec
from crm2odoo.project import Project


def _map(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/api/map")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _line(view: dict[str, Any], key: str) -> dict[str, Any]:
    return next(ln for o in view["objects"] for ln in o["lines"] if ln["key"] == key)


def test_every_request_needs_the_token_and_a_local_host_name(client: httpx.Client, token: str) -> None:
    bare = httpx.Client(base_url=client.base_url)
    for path in ("/", "/run", "/api/map", "/api/run", "/static/review.js"):
        assert bare.get(path).status_code == 403, path
        assert bare.get(path, params={"token": "wrong"}).status_code == 403, path
        assert bare.get(path, params={"token": token}).status_code == 200, path
    # an action needs the token in a header, which another site's page cannot send: a link is not enough
    assert bare.post("/api/edit", params={"token": token}, json={}).status_code == 403
    # a site whose name resolves to 127.0.0.1 (DNS rebinding) still names itself in the Host header
    assert client.get("/api/map", headers={"Host": "evil.example"}).status_code == 403


def test_the_page_shows_lines_with_samples_masked_and_attention_first(client: httpx.Client) -> None:
    view = _map(client)
    contact = view["objects"][0]
    assert contact["lines"][0]["key"] == "priority"  # low confidence, new field: first
    assert _line(view, "email")["samples"] == ["a***@example.com", "b***@example.com", "c***@example.com"]
    assert _line(view, "priority")["value_map"] == [["High", "high"], ["Low", "low"]]
    assert contact["count"] == 3 and "schema `crm2odoo plan` used" in view["schema_origin"]
    assert {"name": "name", "type": "char", "label": "Name", "required": True, "readonly": False,
            "selection": []} in view["fields"]["res.partner"]
    assert view["approval"]["state"] == "unapproved"


def test_customer_data_travels_as_json_and_never_as_markup(client: httpx.Client, project: Path,
                                                           hostile: str) -> None:
    view = client.get("/api/map")
    assert view.headers["content-type"].startswith("application/json")
    assert hostile in _line(view.json(), "firstname+lastname")["samples"][1]
    page = client.get("/")
    assert "Lovelace" not in page.text and "<img" not in page.text  # the page is drawn from data as text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "not-shown-anywhere" not in view.text + page.text
    (Project(project).reports_dir / "discovery.html").write_text(f"<p>{hostile}</p>", encoding="utf-8")
    report = client.get("/reports/discovery.html")
    assert report.status_code == 200 and "sandbox" in report.headers["content-security-policy"]
    assert client.get("/reports/..%2Fcrm2odoo.toml").status_code == 404


def test_edits_are_written_through_save_spec(client: httpx.Client, project: Path) -> None:
    mapping = Project(project).mapping_path
    view = _map(client)
    view = client.post("/api/edit", json={"hash": view["hash"], "object": "contact", "line": "email",
                                          "action": "target", "target": "function"}).json()
    view = client.post("/api/edit", json={"hash": view["hash"], "object": "contact", "line": "firstname+lastname",
                                          "action": "accept"}).json()
    view = client.post("/api/edit", json={"hash": view["hash"], "object": "contact", "line": "priority",
                                          "action": "value_map", "source_value": "Medium",
                                          "target_value": "high"}).json()
    spec = load_spec(mapping)
    lines = {ln.key(): ln for ln in spec.objects["contact"].fields}
    assert (lines["email"].target, lines["email"].status) == ("function", "edited")
    assert lines["firstname+lastname"].status == "confirmed"
    assert lines["priority"].params["map"] == {"High": "high", "Low": "low", "Medium": "high"}
    text = mapping.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    save_spec(spec, mapping)  # what the CLI would write for the same map: byte for byte the same
    assert mapping.read_text(encoding="utf-8") == text
    ignored = client.post("/api/edit", json={"hash": view["hash"], "object": "contact", "line": "email",
                                             "action": "ignore"}).json()
    assert _line(ignored, "email")["ignore"] is True
    created = client.post("/api/edit", json={"hash": ignored["hash"], "object": "contact", "line": "email",
                                             "action": "new_field", "name": "x_mail2", "type": "char",
                                             "label": "Second e-mail"})
    assert created.status_code == 200
    assert load_spec(mapping).objects["contact"].fields[1].new_field is not None


def test_a_bad_action_is_refused_with_a_reason(client: httpx.Client) -> None:
    view = _map(client)
    for change, words in (({"action": "target", "target": "no_such_field"}, "has no field no_such_field"),
                          ({"action": "target", "target": "name"}, "already filled by firstname+lastname"),
                          ({"action": "new_field", "name": "Bad Name", "type": "char", "label": "x"}, "starts with x_"),
                          ({"action": "value_map", "source_value": "x", "target_value": "y"}, "value_map")):
        answer = client.post("/api/edit", json={"hash": view["hash"], "object": "contact", "line": "email", **change})
        assert answer.status_code == 400 and words in answer.json()["error"], answer.text


def test_an_edit_made_in_the_file_meanwhile_is_never_overwritten(client: httpx.Client, project: Path) -> None:
    mapping = Project(project).mapping_path
    view = _map(client)
    spec = load_spec(mapping)
    spec.objects["contact"].fields[1].target = "comment"  # someone edits mapping.yaml in an editor
    save_spec(spec, mapping)
    edited = mapping.read_bytes()
    for path, body in (("/api/edit", {"object": "contact", "line": "email", "action": "ignore"}),
                       ("/api/approve", {"reviewer": "ada"})):
        answer = client.post(path, json={"hash": view["hash"], **body})
        assert answer.status_code == 409 and "changed outside this page" in answer.json()["error"]
        assert mapping.read_bytes() == edited
    assert api.status(project).approval == "unapproved"


def test_a_map_that_cannot_run_is_refused_naming_its_lines(client: httpx.Client, project: Path) -> None:
    mapping = Project(project).mapping_path
    spec = load_spec(mapping)
    spec.objects["contact"].fields[1].target = "no_such_field"
    save_spec(spec, mapping)
    view = _map(client)
    assert _line(view, "email")["attention"][0]["kind"] == "unknown_target"
    answer = client.post("/api/approve", json={"hash": view["hash"], "reviewer": "ada"})
    assert answer.status_code == 422, answer.text
    problems = answer.json()["problems"]
    assert any(p["object"] == "contact" and p["line"] == "email" and "no_such_field" in p["message"]
               for p in problems), problems
    assert api.status(project).approval == "unapproved"


def test_approval_is_recorded_as_crm2odoo_approve_records_it(client: httpx.Client, project: Path) -> None:
    view = _map(client)
    assert client.post("/api/approve", json={"hash": view["hash"], "reviewer": "  "}).status_code == 422
    approved = client.post("/api/approve", json={"hash": view["hash"], "reviewer": "Ada Lovelace"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["approval"]["state"] == "approved" and approved.json()["approval"]["by"] == "Ada Lovelace"
    with sqlite3.connect(Project(project).ledger_path) as db:
        login, mapping_hash = db.execute("SELECT login, mapping_hash FROM approvals").fetchone()
    assert (login, mapping_hash) == ("Ada Lovelace", load_spec(Project(project).mapping_path).content_hash())
    assert api.status(project).approval == "approved"
    changed = client.post("/api/edit", json={"hash": approved.json()["hash"], "object": "contact", "line": "email",
                                             "action": "ignore"}).json()
    assert changed["approval"]["state"] == "edited"
    assert any(c.startswith("~ contact: email") for c in changed["approval"]["changes"]), changed["approval"]


def test_the_run_view_reads_progress_quarantines_and_owners_from_the_ledger(client: httpx.Client,
                                                                            project: Path) -> None:
    assert client.get("/api/run").json()["run"] is None
    ledger = Ledger(Project(project).ledger_path)
    try:
        run_id = ledger.start_run("migrate", mapping_hash=None, options={"sample": None, "only": None})
        ledger.phase(run_id, "contact", "running")
        ledger.mark_state(run_id, "contact", "1", "created", model="res.partner", xmlid="crm2odoo.ontraport_contact_1")
        ledger.mark_state(run_id, "contact", "2", "quarantined", "email: not an e-mail address")
        ledger.add_issues(run_id, [Issue("contact", "2", "quarantine", "not an e-mail address", field="email",
                                         value="bob@", locator="row 3")])
        ledger.set_owner("7", "Jane Owner", "jane@example.com", "unmatched", None, None)
    finally:
        ledger.close()
    run = client.get("/api/run").json()["run"]
    contact = run["objects"][0]
    assert (run["state"], contact["name"], contact["state"]) == ("running", "contact", "running")
    assert (contact["done"], contact["expected"], contact["quarantined"]) == (2, 3, 1)
    assert contact["reasons"] == [{"field": "email", "reason": "not an e-mail address", "count": 1}]
    assert run["owners_waiting"] == [{"source_id": "7", "name": "Jane Owner", "email": "jane@example.com"}]


def test_the_review_command_needs_a_map_to_review(tmp_path: Path) -> None:
    api.init_project(tmp_path, "ontraport-csv")
    result = CliRunner().invoke(main, ["review", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "no mapping.yaml to review" in result.output and "crm2odoo plan" in result.output


def test_a_half_edited_file_is_reported_not_guessed(client: httpx.Client, project: Path) -> None:
    view = _map(client)
    Project(project).mapping_path.write_text("objects: [unclosed\n", encoding="utf-8")
    answer = client.get("/api/map")
    assert answer.status_code == 422 and "not valid YAML" in answer.json()["error"]
    edit = client.post("/api/edit", json={"hash": view["hash"], "object": "contact", "line": "email",
                                          "action": "ignore"})
    assert edit.status_code in (409, 422)
    assert Project(project).mapping_path.read_text(encoding="utf-8") == "objects: [unclosed\n"
