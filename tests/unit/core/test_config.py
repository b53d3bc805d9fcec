from __future__ import annotations

from pathlib import Path

import pytest

from crm2odoo.config import config_template, configured_progress_interval, load_config
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


ENV = {"OP_APP": "2_1234", "OP_KEY": "opkey-secret", "ODOO_KEY": "k" * 40}


def test_the_pace_of_progress_lines_is_a_setting_of_the_output_section(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, GOOD), env=ENV).output.progress_interval is None  # not set: the CLI's 10 s
    cfg = load_config(write(tmp_path, GOOD + "[output]\nprogress_interval = 30\n"), env=ENV)
    assert cfg.output.progress_interval == 30.0
    assert configured_progress_interval(tmp_path) == 30.0


@pytest.mark.parametrize(("line", "key", "says"), [
    ('progress_interval = "fast"', "output.progress_interval", "must be a number of seconds, not 'fast'"),
    ("progress_interval = true", "output.progress_interval", "must be a number of seconds, not True"),
    ("progress_interval = 0", "output.progress_interval", "must be at least 0.1 seconds, not 0"),
    ("progres_interval = 5", "output.progres_interval", "is not a setting"),
])
def test_a_wrong_output_setting_names_the_key_the_value_and_what_it_takes(tmp_path: Path, line: str, key: str,
                                                                         says: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD + f"[output]\n{line}\n"), env=ENV)
    found = {p[0]: p for p in info.value.problems}
    assert found[key][1] == says
    if "not a setting" in says:
        assert found[key][2] == "did you mean progress_interval?"
    else:
        assert found[key][2] == "progress_interval = 10"
    assert configured_progress_interval(tmp_path) is None  # the display falls back; the command says what is wrong


def test_a_misspelt_output_section_gets_a_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD + "[ouput]\nprogress_interval = 5\n"), env=ENV)
    assert ("[ouput]", "is not a section of crm2odoo.toml", "did you mean [output]?") in info.value.problems


ENV = {"OP_APP": "2_1234", "OP_KEY": "opkey-secret", "ODOO_KEY": "k" * 40}


@pytest.mark.parametrize(("migration", "records", "messages"), [
    ("workers = 3", 200, 500),                                   # defaults: messages in bigger calls
    ("batch_size = 25", 25, 25),                                 # a smaller batch_size asked for smaller calls
    ("batch_size = 25\nmessage_batch_size = 300", 25, 300),      # both said: both kept
    ("message_batch_size = 1000", 200, 1000),
])
def test_messages_per_call_follow_the_batch_size_unless_set(tmp_path: Path, migration: str, records: int,
                                                           messages: int) -> None:
    cfg = load_config(write(tmp_path, GOOD.replace("workers = 3", migration)), env=ENV)
    assert (cfg.migration.batch_size, cfg.migration.message_batch_size) == (records, messages)


@pytest.mark.parametrize("line", ["message_batch_size = 0", "message_batch_size = 9000"])
def test_a_message_batch_size_out_of_range_is_refused_with_the_default(tmp_path: Path, line: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, GOOD.replace("workers = 3", line)), env=ENV)
    assert [(p[0], p[2]) for p in info.value.problems] == [("migration.message_batch_size",
                                                             "message_batch_size = 500")]
