"""A 4xx from Ontraport stops with the object, the call and what to do: never a traceback, a class name or a bare
"HTTP 400:" line. The simulator refuses a collection read at the HTTP seam."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crm2odoo import api
from crm2odoo.cli import main
from crm2odoo.errors import UserFacingError
from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.ontraport.api import OntraportApiSource
from crm2odoo.testing.ontraport_sim import OntraportAccount, OntraportSimulator, generate_account

APP_ID, KEY = "2_AppID_4xx", "Key-refusal-secret-77"
NOTE, SEQUENCE_SUBSCRIBER = 12, 8


@pytest.fixture(scope="module")
def account() -> OntraportAccount:
    return generate_account(seed=12, contacts=20, companies=3, deals=4, transactions=2, products=2, properties=2)


def make_source(sim: OntraportSimulator) -> OntraportApiSource:
    source = open_source(SourceSettings(kind="ontraport", values={"base_url": sim.url, "app_id": APP_ID,
                                                                  "api_key": Secret(KEY)},
                                        base_dir=Path("."), options={"rate_limit": 10_000, "retry_backoff": 0.01}))
    assert isinstance(source, OntraportApiSource)
    return source


def assert_readable(text: str) -> None:
    assert "Traceback" not in text and "OntraportHttpError" not in text and "SourceError" not in text, text
    assert "HTTP 400:" not in text and KEY not in text and APP_ID not in text, text


@pytest.mark.parametrize(("status", "words", "advice"), [
    (400, "Invalid sort field: id", "discover"),
    (403, "You do not have permission to access this resource", "permission"),
    (404, "Object type does not exist", "base_url"),
])
def test_a_refused_read_names_the_object_the_call_and_what_to_do(account: OntraportAccount, status: int,
                                                                  words: str, advice: str) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=100_000,
                            refuse={NOTE: (status, words)}) as sim:
        src = make_source(sim)
        try:
            src.discover()
            with pytest.raises(UserFacingError) as info:
                list(src.read("note"))
        finally:
            src.close()
    err = info.value
    message = str(err)
    assert "Notes (objectID 12)" in message and "GET /objects" in message and words in message, message
    assert str(status) in message and advice in err.hint, (message, err.hint)
    assert_readable(f"{message} {err.hint}")


def project(root: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RF_OP_APP", APP_ID)
    monkeypatch.setenv("RF_OP_KEY", KEY)
    monkeypatch.setenv("RF_ODOO_PASSWORD", "unused")
    api.init_project(root, "ontraport")
    (root / "crm2odoo.toml").write_text(
        f'[source]\nkind = "ontraport"\nbase_url = "{url}"\napp_id = "${{RF_OP_APP}}"\napi_key = "${{RF_OP_KEY}}"\n'
        '[odoo]\nurl = "http://127.0.0.1:9"\ndatabase = "none"\nlogin = "admin"\npassword = "${RF_ODOO_PASSWORD}"\n',
        encoding="utf-8")
    return root


def test_discover_and_plan_stop_with_exit_2_and_a_sentence(tmp_path: Path, account: OntraportAccount,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=100_000,
                            refuse={SEQUENCE_SUBSCRIBER: (403, "You do not have permission")}) as sim:
        root = project(tmp_path / "p", sim.url, monkeypatch)
        with pytest.raises(UserFacingError, match=r"SequenceSubscribers \(objectID 8\)"):
            api.discover(root)
        done = CliRunner().invoke(main, ["discover", "--project", str(root)])
        assert done.exit_code == 2, done.output
        assert "error: Ontraport refused" in done.output and "SequenceSubscribers (objectID 8)" in done.output
        assert "hint:" in done.output and "permission" in done.output
        assert_readable(done.output)

        sim.refuse = {NOTE: (400, "Invalid sort field: id")}
        assert CliRunner().invoke(main, ["discover", "--project", str(root)]).exit_code == 0
        planned = CliRunner().invoke(main, ["plan", "--project", str(root)])
        assert planned.exit_code == 2, planned.output
        assert "Notes (objectID 12)" in planned.output and "Invalid sort field: id" in planned.output
        assert "GET /objects" in planned.output
        assert_readable(planned.output)
