from __future__ import annotations

from crm2odoo.redact import Secret, redact


def test_known_secrets_and_credential_pairs_are_masked() -> None:
    Secret("a-very-secret-value")
    text = redact('GET /x?api_key=abc123&n=1 {"password": "hunter2"} then a-very-secret-value appears')
    assert "abc123" not in text and "hunter2" not in text and "a-very-secret-value" not in text
    assert "n=1" in text


def test_prose_about_keys_is_left_readable() -> None:
    assert redact("source.api_key: is required for kind ontraport") == "source.api_key: is required for kind ontraport"


def test_secret_never_prints() -> None:
    s = Secret("topsecret")
    assert "topsecret" not in repr(s) and "topsecret" not in str(s) and "topsecret" not in f"{s}"
    assert s.reveal() == "topsecret"
