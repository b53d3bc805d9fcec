"""A record's chatter shows its migrated history in date order, whichever maps the messages come from (issue #14).

Odoo's web client sorts a thread's messages by id, so on each record the ids of the migrated messages must grow
with their dates. Notes and done tasks are separate maps writing mail.message on the same contacts: the independent
coaching account (tests/independent/coaching.py, served over Ontraport's REST API) is shaped so that a contact's
notes and done tasks alternate in time, and a deal has done tasks of its own."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crm2odoo import api
from crm2odoo.ledger.db import Ledger
from crm2odoo.odoo.client import OdooClient
from crm2odoo.sandbox import SandboxServer
from tests.independent.coaching import DAY, T0, OntraportAccount, generate
from tests.independent.ontraport_server import OntraportServer

from .world import API_KEY, APP_ID, admin, ontraport_source, write_config

Document = tuple[str, int]


@dataclass
class Migrated:
    root: Path
    client: OdooClient
    contact: str  # the contact whose notes and done tasks alternate
    again: api.MigrateInfo  # the second migrate, after one of the contact's notes was edited in the source


def interleaved_account() -> tuple[OntraportAccount, str]:
    """Four notes and four done tasks on one contact, a day apart, alternating: note, task, note, task..."""
    account = generate()
    notes = account.types[12].records
    contact = str(notes[0]["contact_id"])
    for n, note in enumerate(notes[:4]):
        note.update(contact_id=contact, date=str(T0 + (10 + 2 * n) * DAY))
    done = [t for t in account.types[1].records if t["status"] == "1" and t["object_type_id"] == "0"]
    for n, task in enumerate(done[:4]):
        stamp = str(T0 + (11 + 2 * n) * DAY)
        task.update(object_id=contact, date_complete=stamp, date_due=stamp)
    return account, contact


@pytest.fixture(scope="module", params=["18.0", "19.0"])
def migrated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Migrated]:
    root = tmp_path_factory.mktemp(f"chatter-{request.param}")
    account, contact = interleaved_account()
    monkeypatch = pytest.MonkeyPatch()
    with SandboxServer(version=str(request.param)) as server:
        ontraport = OntraportServer(account, app_id=APP_ID, api_key=API_KEY).start()
        client = admin(server)
        try:
            api.init_project(root, "ontraport")
            write_config(root, ontraport_source(ontraport.url), server, monkeypatch)
            api.discover(root)
            api.plan(root)
            api.approve(root, confirm=lambda changes: True, login="e2e")
            api.migrate(root)
            before = _messages(root, client)
            account.types[12].records[1]["data"] += "\nEdited after the first migration."
            again = api.migrate(root)
            assert _messages(root, client) == before, "the second migrate changed the migrated messages"
            yield Migrated(root, client, contact, again)
        finally:
            client.close()
            ontraport.stop()
            monkeypatch.undo()


def _ledger_messages(root: Path) -> dict[int, str]:
    """Odoo id -> the map of every migrated message."""
    ledger = Ledger(root / ".crm2odoo" / "ledger.sqlite")
    try:
        rows = ledger.query("SELECT object, odoo_id FROM records WHERE model='mail.message' AND odoo_id IS NOT NULL "
                            "AND state IN ('created', 'updated', 'unchanged')")
        return {int(r["odoo_id"]): str(r["object"]) for r in rows}
    finally:
        ledger.close()


def _messages(root: Path, client: OdooClient) -> dict[Document, list[dict[str, Any]]]:
    """Each document's migrated messages, in id order, with their map."""
    maps = _ledger_messages(root)
    out: dict[Document, list[dict[str, Any]]] = defaultdict(list)
    for row in sorted(client.read("mail.message", sorted(maps), ["model", "res_id", "date"]), key=lambda r: r["id"]):
        out[(str(row["model"]), int(row["res_id"]))].append({**row, "map": maps[int(row["id"])]})
    return dict(out)


def out_of_order(chatter: dict[Document, list[dict[str, Any]]]) -> list[str]:
    wrong = []
    for document, rows in chatter.items():
        by_date = sorted(rows, key=lambda r: (r["date"], r["id"]))
        if [r["id"] for r in by_date] != [r["id"] for r in rows]:
            shown = ", ".join(f"{r['map']} {r['date']}" for r in rows)
            wrong.append(f"{document}: by id {shown}")
    return wrong


def test_every_records_chatter_is_in_date_order(migrated: Migrated) -> None:
    chatter = _messages(migrated.root, migrated.client)
    wrong = out_of_order(chatter)
    assert not wrong, "messages whose id order is not their date order:\n" + "\n".join(wrong)


def test_the_contact_holds_notes_and_done_tasks_alternating(migrated: Migrated) -> None:
    """The case the order test is about is there: one chatter mixes two maps, their dates interleaved."""
    ledger = Ledger(migrated.root / ".crm2odoo" / "ledger.sqlite")
    try:
        partner = ledger.id_map("contact")[migrated.contact]
    finally:
        ledger.close()
    rows = _messages(migrated.root, migrated.client)[("res.partner", partner)]
    maps = [r["map"] for r in sorted(rows, key=lambda r: r["date"])]
    switches = sum(1 for a, b in itertools.pairwise(maps) if a != b)
    assert len(set(maps)) >= 2 and switches >= 6, f"the contact's messages by date: {maps}"


def test_the_chatter_check_says_no_on_a_message_older_than_its_predecessor() -> None:
    chatter: dict[Document, list[dict[str, Any]]] = {("res.partner", 7): [
        {"id": 1, "date": "2024-01-12 00:00:00", "map": "note"},
        {"id": 2, "date": "2024-01-11 00:00:00", "map": "task_done"}]}
    assert out_of_order(chatter) == ["('res.partner', 7): by id note 2024-01-12 00:00:00, task_done 2024-01-11 "
                                     "00:00:00"]


def test_a_second_migrate_creates_nothing_and_updates_the_edited_note_in_place(migrated: Migrated) -> None:
    """The fixture checked that every migrated message kept its id, document and date."""
    created = {o.name: o.created for o in migrated.again.objects if o.created}
    assert not created, f"the second migrate created records: {created}"
    updated = {o.name: o.updated for o in migrated.again.objects if o.model == "mail.message" and o.updated}
    assert updated == {"note": 1}, f"messages updated by the second migrate: {updated}"
