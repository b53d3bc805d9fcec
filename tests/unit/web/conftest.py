"""A small offline project for the review page: three contacts in an Ontraport CSV export, a map, and the Odoo
schema `plan` would have saved (the Odoo URL points at a closed port, so the page and approve fall back to it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crm2odoo import api
from crm2odoo.mapping.spec import FieldMap, MappingSpec, NewField, ObjectMap, save_spec
from crm2odoo.project import Project
from crm2odoo.web import ReviewServer

HOSTILE = "<img src=x onerror=alert(1)>"
CONTACTS = ("Contact ID,First Name,Last Name,Email,Priority\n"
            "1,Ada,Lovelace,ada@example.com,High\n"
            f'2,Bob,"{HOSTILE}",bob@example.com,Low\n'
            "3,Cem,Yılmaz,cem@example.com,Medium\n")
SCHEMA = {"fields": {"res.partner": {
    "name": {"type": "char", "string": "Name", "required": True, "store": True},
    "email": {"type": "char", "string": "Email", "store": True},
    "function": {"type": "char", "string": "Job Position", "store": True},
    "comment": {"type": "html", "string": "Notes", "store": True},
    "type": {"type": "selection", "string": "Address Type", "store": True,
             "selection": [["contact", "Contact"], ["invoice", "Invoice"]]},
}}, "models": ["res.partner"]}


def contact_map() -> MappingSpec:
    lines = [
        FieldMap(source=["firstname", "lastname"], target="name", transform="join", params={"sep": " "},
                 confidence=0.95, reason="first and last name joined"),
        FieldMap(source="email", target="email", transform="email", confidence=1.0, reason="'Email' reads as email"),
        FieldMap(source="priority", target="x_priority", transform="value_map",
                 params={"map": {"High": "high", "Low": "low"}},
                 new_field=NewField(type="selection", label="Priority", options=[("high", "High"), ("low", "Low")]),
                 confidence=0.6, reason="new selection field for 'Priority'"),
    ]
    return MappingSpec(source_kind="ontraport-csv", system="ontraport", odoo_version="18.0",
                       objects={"contact": ObjectMap(name="contact", source_object="contact", model="res.partner",
                                                     fields=lines, reason="Contacts -> res.partner")})


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "acme"
    (root / "exports").mkdir(parents=True)
    (root / "exports" / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    monkeypatch.setenv("TEST_REVIEW_ODOO_PASSWORD", "not-shown-anywhere")
    (root / "crm2odoo.toml").write_text(
        '[source]\nkind = "ontraport-csv"\npath = "exports/"\n\n'
        '[odoo]\nurl = "http://127.0.0.1:9"\ndatabase = "acme"\nlogin = "admin"\n'
        'password = "${TEST_REVIEW_ODOO_PASSWORD}"\nmax_retries = 0\ntimeout = 5\n', encoding="utf-8")
    Project(root).ensure()
    api.discover(root)
    save_spec(contact_map(), Project(root).mapping_path)
    (Project(root).state_dir / "odoo-schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    return root


@pytest.fixture
def hostile() -> str:
    """A customer's value that would run as script if the page ever treated data as markup."""
    return HOSTILE


@pytest.fixture
def server(project: Path) -> Iterator[ReviewServer]:
    with ReviewServer(project) as server:
        yield server


@pytest.fixture
def token(server: ReviewServer) -> str:
    return server.token


@pytest.fixture
def client(server: ReviewServer) -> Iterator[httpx.Client]:
    """The page's API as its JavaScript calls it: token in a header."""
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", headers={"X-Review-Token": server.token},
                      timeout=30) as http:
        yield http
