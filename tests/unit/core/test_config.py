from __future__ import annotations

from pathlib import Path

import pytest

from crm2odoo.config import config_template, load_config
from crm2odoo.errors import ConfigError
from crm2odoo.redact import Secret


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "crm2odoo.toml").write_text(text, encoding="utf-8")
    return tmp_path


GOOD = '''
[source]
kind = "ontraport"
app_id = "${OP_APP}"
api_key = "${OP_KEY}"
[odoo]
url = "https://example.odoo.com/"
database = "prod"
login = "bot@example.com"
api_key = "${ODOO_KEY}"
[migration]
workers = 3
'''


def test_values_come_from_the_environment_and_secrets_stay_hidden(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD), env={"OP_APP": "2_1234", "OP_KEY": "opkey-secret", "ODOO_KEY": "k" * 40})
    assert cfg.source.values["app_id"] == "2_1234"
    assert isinstance(cfg.source.values["api_key"], Secret)
    assert cfg.source.values["api_key"].reveal() == "opkey-secret"
    assert "opkey-secret" not in repr(cfg)
    assert cfg.odoo.url == "https://example.odoo.com"
    assert cfg.source.values["base_url"] == "https://api.ontraport.com/1"
    assert cfg.migration.workers == 3
    assert cfg.system == "ontraport"


def test_every_problem_is_reported_at_once_with_a_fix(tmp_path: Path) -> None:
    text = '''
[source]
kind = "ontraport"
api_key = "written-in-clear"
colour = "blue"
[odoo]
url = "example.com"
[migration]
workers = 99
'''
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env={})
    keys = [p[0] for p in info.value.problems]
    assert {"source.app_id", "source.api_key", "source.colour", "odoo.url", "odoo.database", "odoo.login",
            "migration.workers"} <= set(keys)
    assert len(keys) == len(set(keys))
    assert "written-in-clear" not in str(info.value)
    assert all(fix for _, _, fix in info.value.problems)


def test_missing_environment_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD), env={"OP_APP": "1"})
    text = str(info.value)
    assert "OP_KEY is not set" in text and "ODOO_KEY is not set" in text


def test_every_template_is_valid_once_filled(tmp_path: Path) -> None:
    env = {"ONTRAPORT_APP_ID": "1", "ONTRAPORT_API_KEY": "k", "ODOO_API_KEY": "x", "PLANPORTS_EMAIL": "a@b.c",
           "PLANPORTS_PASSWORD": "p"}
    for kind in ("ontraport", "ontraport-csv", "planports-xlsx", "planports-api"):
        cfg = load_config(write(tmp_path, config_template(kind)), env=env)
        assert cfg.source.kind == kind


def test_missing_file_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, env={})
    assert "crm2odoo init" in str(info.value)


def test_namespace_goes_into_the_external_ids_and_is_checked(tmp_path: Path) -> None:
    env = {"OP_APP": "1", "OP_KEY": "k", "ODOO_KEY": "x"}
    cfg = load_config(write(tmp_path, GOOD + 'namespace = "acme-2"\n'), env=env)
    assert cfg.system == "ontraport-acme-2"
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD + 'namespace = "Acme Inc"\n'), env=env)
    assert info.value.problems[0][0] == "migration.namespace"
