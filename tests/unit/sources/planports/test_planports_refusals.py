"""A 4xx from the Planports API stops with the object, the call and what to do (exit 2 from the CLI), never a
traceback, a class name or a bare "HTTP 403" line. The simulator refuses one list at the HTTP seam."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crm2odoo import api
from crm2odoo.cli import main
from crm2odoo.errors import UserFacingError
from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.planports.api import PlanportsApiSource
from crm2odoo.testing.planports_sim import PlanportsSimulator
from crm2odoo.testing.planports_workbook import PlanportsDataset, generate_workbook

EMAIL = "5b1c0d2e-0000-4000-8000-0000000000aa@api.planports.com"
PASSWORD = "Refusal-Parola-99!"
NOTES = "/api/v1/PpNotes"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> PlanportsDataset:
    return generate_workbook(tmp_path_factory.mktemp("pprefuse") / "export.xlsx", seed=5, contacts=8, companies=2,
                             leads=3, deals=3, quotes=1, orders=1, activities=2, notes=3, cards=2, attachments=0)


def source(url: str) -> PlanportsApiSource:
    src = open_source(SourceSettings("planports-api", {"base_url": url, "email": EMAIL, "password": Secret(PASSWORD)},
                                     Path("."), {"page_size": 50, "backoff": 0, "retries": 1, "timeout": 5}))
    assert isinstance(src, PlanportsApiSource)
    return src


def assert_readable(text: str) -> None:
    assert "Traceback" not in text and "Error" not in text.replace("error:", ""), text
    assert "HTTP 4" not in text and PASSWORD not in text, text


@pytest.mark.parametrize(("status", "words", "advice"), [
    (400, "Geçersiz istek", "base_url"),
    (403, "Bu kaynağa erişim yetkiniz yok", "permission"),
])
def test_a_refused_list_names_the_object_the_call_and_what_to_do(dataset: PlanportsDataset, status: int,
                                                                  words: str, advice: str) -> None:
    with PlanportsSimulator(dataset, email=EMAIL, password=PASSWORD, refuse={NOTES: (status, words)}) as sim:
        src = source(sim.url)
        try:
            with pytest.raises(UserFacingError) as info:
                src.discover()
        finally:
            src.close()
    message, hint = str(info.value), info.value.hint
    assert "note records" in message and f"GET {NOTES}" in message and words in message and str(status) in message
    assert advice in hint, hint
    assert_readable(f"{message} {hint}")


def test_a_list_gone_after_discovery_stops_the_read_with_the_endpoint_to_set(dataset: PlanportsDataset) -> None:
    with PlanportsSimulator(dataset, email=EMAIL, password=PASSWORD) as sim:
        src = source(sim.url)
        try:
            assert src.discover().object("note") is not None
            sim.refuse[NOTES.lower()] = (404, "No HTTP resource was found")
            with pytest.raises(UserFacingError) as info:
                list(src.read("note"))
        finally:
            src.close()
    assert f"GET {NOTES}" in str(info.value) and "[source.endpoints] note" in info.value.hint


def test_the_cli_stops_discover_with_exit_2(tmp_path: Path, dataset: PlanportsDataset,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RF_PP_EMAIL", EMAIL)
    monkeypatch.setenv("RF_PP_PASSWORD", PASSWORD)
    monkeypatch.setenv("RF_ODOO_PASSWORD", "unused")
    with PlanportsSimulator(dataset, email=EMAIL, password=PASSWORD,
                            refuse={NOTES: (403, "Bu kaynağa erişim yetkiniz yok")}) as sim:
        root = tmp_path / "p"
        api.init_project(root, "planports-api")
        (root / "crm2odoo.toml").write_text(
            f'[source]\nkind = "planports-api"\nbase_url = "{sim.url}"\nemail = "${{RF_PP_EMAIL}}"\n'
            'password = "${RF_PP_PASSWORD}"\n[odoo]\nurl = "http://127.0.0.1:9"\ndatabase = "none"\n'
            'login = "admin"\npassword = "${RF_ODOO_PASSWORD}"\n', encoding="utf-8")
        done = CliRunner().invoke(main, ["discover", "--project", str(root)])
    assert done.exit_code == 2, done.output
    assert "error: Planports refused to give the note records" in done.output and f"GET {NOTES}" in done.output
    assert "hint:" in done.output and "permission" in done.output
    assert_readable(done.output)
