"""Names and phones as an Odoo user sees them, on 17, 18 and 19 (issue #14, items 5 and 6).

An independently written Ontraport account (tests/independent/coaching.py) gets six more contacts: one with only an
e-mail, only a company, only a phone, only a mobile, a phone and a mobile, and one with nothing. Each but the last
has a deal, a note and an open task. The proposal is accepted unchanged and migrated into the sandbox of each
version; then Odoo is read back: every contact but the empty one is there under a name made from what it has
(flagged in the validation and migration reports), its deal, note and task landed with it, every number is on a
field Odoo shows, and the custom object's records show their source names as display names.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import SandboxServer
from tests.independent.coaching import COMPANIES, T0, OntraportAccount, generate
from tests.independent.ontraport_csv import write_exports
from tests.independent.ontraport_server import OntraportServer
from tests.independent.workflow import ensure_owners, namespace, write_config

APP_ID, API_KEY = "2_Names_4711", "Key-names-4711"
LANDED = ("created", "updated", "matched", "unchanged", "merged")

EMAIL_ONLY, COMPANY_ONLY, PHONE_ONLY, MOBILE_ONLY, BOTH, NOTHING = "801", "802", "803", "804", "805", "806"
OFFICE, CELL = "+1 415 555 0101", "+1 628 555 0102"
CASES: dict[str, dict[str, str]] = {
    EMAIL_ONLY: {"email": "solo.email@mail.example"},
    COMPANY_ONLY: {"company": "Solo Studio"},
    PHONE_ONLY: {"office_phone": OFFICE},
    MOBILE_ONLY: {"cell_phone": CELL},
    BOTH: {"firstname": "Pat", "lastname": "Both", "office_phone": OFFICE, "cell_phone": CELL},
    NOTHING: {},
}
EXPECTED_NAME = {EMAIL_ONLY: "solo.email@mail.example", COMPANY_ONLY: "Solo Studio", PHONE_ONLY: OFFICE,
                 MOBILE_ONLY: CELL, BOTH: "Pat Both"}
DERIVED = (EMAIL_ONLY, COMPANY_ONLY, PHONE_ONLY, MOBILE_ONLY)


def _account() -> OntraportAccount:
    account = generate(seed=11, contacts=20)
    types = account.types
    for n, (cid, values) in enumerate(CASES.items()):
        types[0].records.append({"id": cid, "owner": "1", "date": str(T0), "dlm": str(T0), "firstname": "",
                                 "lastname": "", "email": "", "office_phone": "", "cell_phone": "", "title": "",
                                 "company": "", "f2001": "0", "city": "", "zip": "", "country": "US",
                                 "birthday": "0", "contact_cat": "", "f1950": "", "f1951": "", **values})
        if cid == NOTHING:
            continue
        stamp = str(T0 + (n + 1) * 86_400)
        types[149].records.append({"id": f"9{cid}", "owner": "1", "date": stamp, "dlm": stamp,
                                   "name": f"Deal of {cid}", "value": "1000.00", "primary_contact": cid,
                                   "company": "0", "f2101": "501", "sales_stage": "601",
                                   "expected_win_percent": "25", "expected_close_date": stamp,
                                   "actual_close_date": "0"})
        types[12].records.append({"id": f"7{cid}", "contact_id": cid, "object_type_id": "0",
                                  "data": f"Note for {cid}", "author": "1", "date": stamp, "dlm": stamp})
        types[1].records.append({"id": f"6{cid}", "owner": "1", "date": stamp, "dlm": stamp,
                                 "subject": f"Call {cid}", "details": "", "object_type_id": "0", "object_id": cid,
                                 "date_assigned": stamp, "date_due": str(int(stamp) + 86_400 * 400),
                                 "date_complete": "0", "status": "0"})
    return account


@dataclass
class Landed:
    version: str
    root: Path
    client: OdooClient
    validation: Any
    migration: Any
    account: OntraportAccount
    server: SandboxServer

    def rows(self) -> dict[tuple[str, str], sqlite3.Row]:
        with sqlite3.connect(self.root / ".crm2odoo" / "ledger.sqlite") as db:
            db.row_factory = sqlite3.Row
            return {(r["object"], r["source_id"]): r for r in db.execute("SELECT * FROM records")}

    def partner(self, cid: str, fields: list[str]) -> dict[str, Any]:
        row = self.rows()[("contact", cid)]
        assert row["state"] in LANDED, f"contact {cid}: {row['state']} {row['reason']}"
        return dict(self.client.read("res.partner", [int(row["odoo_id"])], fields)[0])


def _migrate(version: str, root: Path, source_table: str, account: OntraportAccount) -> Landed:
    server = SandboxServer(version=version).start()
    settings = OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                            password=Secret(server.admin_password),
                            api_key=Secret(server.admin_api_key) if version >= "19" else None)
    ns = namespace("names")
    write_config(root, source_table, settings, ns)
    client = OdooClient(settings)
    try:
        ensure_owners(client, account.truth.users, ns)
        api.discover(root)
        api.plan(root)
        api.approve(root, confirm=lambda changes: True, login="names-test")
        validation = api.validate(root)
        migration = api.migrate(root)
    except BaseException:
        client.close()
        server.stop()
        raise
    return Landed(version, root, client, validation, migration, account, server)


@pytest.fixture(scope="module", params=["17.0", "18.0", "19.0"])
def landed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Landed]:
    version = str(request.param)
    account = _account()
    source = OntraportServer(account, app_id=APP_ID, api_key=API_KEY).start()
    os.environ["NAMES_OP_APP"], os.environ["NAMES_OP_KEY"] = APP_ID, API_KEY
    table = (f'[source]\nkind = "ontraport"\nbase_url = "{source.url}"\napp_id = "${{NAMES_OP_APP}}"\n'
             f'api_key = "${{NAMES_OP_KEY}}"\n')
    result = _migrate(version, tmp_path_factory.mktemp(f"names-{version}"), table, account)
    try:
        yield result
    finally:
        result.client.close()
        result.server.stop()
        source.stop()


def test_a_contact_without_a_name_lands_named_by_what_it_has(landed: Landed) -> None:
    for cid, name in EXPECTED_NAME.items():
        assert landed.partner(cid, ["name"])["name"] == name, f"Odoo {landed.version}, contact {cid}"


def test_a_contact_with_nothing_to_name_it_by_stays_quarantined_with_its_reason(landed: Landed) -> None:
    row = landed.rows()[("contact", NOTHING)]
    assert row["state"] == "quarantined"
    assert "no name in the source" in row["reason"] and "e-mail" in row["reason"], row["reason"]


def test_the_deals_notes_and_tasks_of_a_named_contact_land_with_it(landed: Landed) -> None:
    rows = landed.rows()
    for cid in EXPECTED_NAME:
        for obj, sid in (("deal", f"9{cid}"), ("note", f"7{cid}"), ("task", f"6{cid}")):
            row = rows.get((obj, sid))
            assert row is not None and row["state"] in LANDED, \
                f"Odoo {landed.version}: {obj} {sid} of contact {cid}: {row and (row['state'], row['reason'])}"
        contact_id = int(rows[("contact", cid)]["odoo_id"])
        deal = landed.client.read("crm.lead", [int(rows[("deal", f"9{cid}")]["odoo_id"])], ["partner_id"])[0]
        assert deal["partner_id"] and deal["partner_id"][0] == contact_id


def test_each_derived_name_is_flagged_in_validation_and_migration_reports(landed: Landed) -> None:
    flagged = {f.source_id for f in landed.validation.findings
               if f.object == "contact" and f.kind == "derived" and f.severity == "warning"}
    assert flagged == set(DERIVED)
    derived = {d["source_id"]: d for d in landed.migration.asdict()["derived"] if d["object"] == "contact"}
    assert set(derived) == set(DERIVED)
    assert "e-mail" in derived[EMAIL_ONLY]["reason"] and "company" in derived[COMPANY_ONLY]["reason"]
    report = (landed.root / "reports" / f"migrate-run{landed.migration.run_id}.md").read_text(encoding="utf-8")
    assert "Values made by the tool" in report and "solo.email@mail.example" in report


def _e164(text: str) -> str:
    return "+" + "".join(ch for ch in text if ch.isdigit())


def test_every_number_shows_on_a_field_odoo_shows(landed: Landed) -> None:
    fields = landed.client.fields_get("res.partner", ["type"])
    if "mobile" in fields:  # 17, 18: both numbers on the form
        assert landed.partner(MOBILE_ONLY, ["mobile"])["mobile"] == _e164(CELL)
        both = landed.partner(BOTH, ["phone", "mobile"])
        assert (both["phone"], both["mobile"]) == (_e164(OFFICE), _e164(CELL))
    else:  # 19: one phone on the form; a mobile alone is the phone, and the mobile is kept beside it
        assert landed.partner(MOBILE_ONLY, ["phone"])["phone"] == _e164(CELL)
        both = landed.partner(BOTH, ["phone", "x_mobile"])
        assert (both["phone"], both["x_mobile"]) == (_e164(OFFICE), _e164(CELL))
    assert landed.partner(PHONE_ONLY, ["phone"])["phone"] == _e164(OFFICE)


def test_a_custom_objects_records_show_their_source_name(landed: Landed) -> None:
    rows = landed.rows()
    titles = {r["id"]: r["f2301"] for r in landed.account.types[10003].records}
    model = next(r["model"] for (obj, _), r in rows.items() if obj.endswith("workshops"))
    for sid, title in titles.items():
        row = next(r for (obj, s), r in rows.items() if obj.endswith("workshops") and s == sid)
        shown = landed.client.read(model, [int(row["odoo_id"])], ["display_name"])[0]["display_name"]
        assert shown == title, f"Odoo {landed.version}: {model} {sid} shows {shown!r}"


def test_ontraport_csv_exports_name_contacts_alike(tmp_path: Path) -> None:
    """The same contacts from the UI's CSV exports, on 19 (no mobile field). An export's Company column is the
    linked company's name, so the contact with only a company is linked to one there."""
    account = _account()
    only_company = next(r for r in account.types[0].records if r["id"] == COMPANY_ONLY)
    only_company["f2001"] = "1"
    expected = {**EXPECTED_NAME, COMPANY_ONLY: COMPANIES[0]}
    write_exports(account, tmp_path / "exports")
    result = _migrate("19.0", tmp_path, '[source]\nkind = "ontraport-csv"\npath = "exports/"\n', account)
    try:
        people = result.client.search_read("res.partner", [["name", "in", list(expected.values())],
                                                           ["is_company", "=", False]], ["name", "phone"])
        assert {str(p["name"]) for p in people} == set(expected.values())
        assert next(p["phone"] for p in people if p["name"] == CELL) == _e164(CELL)
        made = {d["value"] for d in result.migration.asdict()["derived"]}
        assert made >= {"solo.email@mail.example", COMPANIES[0], OFFICE, CELL}
    finally:
        result.client.close()
        result.server.stop()
