"""Shared plumbing for the fault, crash and bad-input tests: a project folder wired to a sandbox Odoo and a source,
and the checks that a migration ended with every record present exactly once.

Only the network edge is faked (the sandbox, the source simulators, files); nothing here patches product code.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.redact import Secret
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import OntraportAccount, generate_account

APP_ID, API_KEY = "2_4242", "op-key-fault-0123456789"
LANDED = ("created", "updated", "matched", "unchanged", "merged")
FINAL = (*LANDED, "skipped", "quarantined")

#: Every object method the loader calls except ``create`` (provisioning's creates are covered on their own).
NON_CREATE_METHODS = {"fields_get", "load", "read", "search_read", "search", "search_count", "write", "unlink",
                      "name_search", "default_get", "get_param"}


def small_account(seed: int = 21) -> OntraportAccount:
    """Every Ontraport object the map loads (contacts, companies, deals, notes, tasks, engagement, tags, products,
    a custom object); no transactions, so no invoice posting is involved."""
    return generate_account(seed=seed, contacts=50, companies=8, deals=16, notes_per_contact=2, transactions=0,
                            products=4, properties=5)


def ontraport_source(url: str) -> str:
    return f'[source]\nkind = "ontraport"\nbase_url = "{url}"\napp_id = "${{FT_OP_APP}}"\napi_key = "${{FT_OP_KEY}}"\n'


def write_config(root: Path, source: str, server: SandboxServer, monkeypatch: pytest.MonkeyPatch, *,
                 odoo_extra: str = "", migration_extra: str = "") -> None:
    """crm2odoo.toml with every secret as ${ENV}; the environment gets the values."""
    monkeypatch.setenv("FT_ODOO_PASSWORD", server.admin_password)
    monkeypatch.setenv("FT_OP_APP", APP_ID)
    monkeypatch.setenv("FT_OP_KEY", API_KEY)
    (root / "crm2odoo.toml").write_text(
        f'{source}\n[odoo]\nurl = "{server.url}"\ndatabase = "{server.database}"\nlogin = "{server.admin_login}"\n'
        f'password = "${{FT_ODOO_PASSWORD}}"\n{odoo_extra}\n'
        f'[migration]\nfallback_owner = "{server.admin_login}"\nbatch_size = 10\n{migration_extra}', encoding="utf-8")


def prepare(root: Path) -> None:
    """discover -> plan -> approve (what a person does before migrate)."""
    api.discover(root)
    api.plan(root)
    api.approve(root, confirm=lambda changes: True, login="fault-tests")


def admin(server: SandboxServer) -> OdooClient:
    return OdooClient(OdooSettings(url=server.url, database=server.database, login=server.admin_login,
                                   password=Secret(server.admin_password)))


def ledger_rows(root: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        db.row_factory = sqlite3.Row
        return list(db.execute("SELECT object, source_id, model, xmlid, odoo_id, state, reason, locator "
                               "FROM records"))


def outcomes(root: Path) -> dict[tuple[str, str], str]:
    """(object, source id) -> 'landed' | 'skipped' | 'quarantined' (created and updated are one fate here: a
    record resent after a kill is 'created' by the resumed run, as it should be)."""
    return {(r["object"], r["source_id"]): "landed" if r["state"] in LANDED else r["state"] for r in ledger_rows(root)}


def baseline(client: OdooClient) -> dict[str, int]:
    """Records per model before a migration (the sandbox seeds stages, lost reasons, users...)."""
    models = [r["model"] for r in client.search_read("ir.model", [["transient", "=", False]], ["model"])]
    return model_counts(client, [m for m in models if not m.startswith(("ir.", "base", "res.users"))])


#: records that come with another one and have no ledger row of their own: a credit note's lines (load/refunds.py)
PARTS: dict[str, list[Any]] = {"account.move.line": [["move_id.move_type", "!=", "out_refund"]]}


def model_counts(client: OdooClient, models: Iterable[str]) -> dict[str, int]:
    installed = {r["model"] for r in client.search_read("ir.model", [["model", "in", sorted(set(models))]], ["model"])}
    return {m: client.search_count(m, PARTS.get(m, []), context={"active_test": False}) if m in installed else 0
            for m in models}


def assert_exactly_once(root: Path, client: OdooClient, baseline: dict[str, int]) -> None:
    """Every landed record once in Odoo: per model, the records beyond the seeded ones are exactly the distinct ids
    the ledger holds, each with one crm2odoo external ID; nothing is still 'sending'."""
    rows = ledger_rows(root)
    states = {r["state"] for r in rows}
    unsettled = sorted({(r["object"], r["source_id"], r["state"]) for r in rows if r["state"] not in FINAL})[:10]
    assert states <= set(FINAL), f"unsettled ledger states: {states - set(FINAL)}: {unsettled}"
    expected: dict[str, set[int]] = {}
    for r in rows:
        if r["state"] in ("created", "updated", "unchanged", "merged") and r["model"] != "res.users":
            expected.setdefault(r["model"], set()).add(int(r["odoo_id"]))
    counts = model_counts(client, expected)
    for model, ids in expected.items():
        assert counts[model] - baseline.get(model, 0) == len(ids), \
            f"{model}: {counts[model] - baseline.get(model, 0)} records in Odoo, the ledger has {len(ids)}"
        xmlids = client.search_read("ir.model.data", [["module", "=", "crm2odoo"], ["model", "=", model]],
                                    ["res_id"])
        assert len(xmlids) == len(ids) and {int(x["res_id"]) for x in xmlids} == ids, \
            f"{model}: {len(xmlids)} external IDs for {len(ids)} records"


def odoo_picture(client: OdooClient) -> dict[str, Any]:
    """external ID -> (model, display name) of everything crm2odoo created: compares two Odoo databases."""
    rows = client.search_read("ir.model.data", [["module", "=", "crm2odoo"]], ["name", "model", "res_id"])
    by_model: dict[str, dict[int, str]] = {}
    for r in rows:
        by_model.setdefault(r["model"], {})[int(r["res_id"])] = r["name"]
    out: dict[str, Any] = {}
    xmlid_of = {(model, odoo_id): xmlid for model, ids in by_model.items() for odoo_id, xmlid in ids.items()}
    for model, ids in by_model.items():
        if model == "mail.message":
            # a message's name is its id, which depends on which lane inserted it first: it is pictured by the
            # record it belongs to and its text instead (not its date: one without a source date gets the time)
            names = {int(x["id"]): (xmlid_of.get((x["model"], x["res_id"]), f"{x['model']},{x['res_id']}"),
                                    x["body"])
                     for x in client.read(model, sorted(ids), ["model", "res_id", "body"])}
            for odoo_id, xmlid in ids.items():
                out[xmlid] = (model, names.get(odoo_id))
            continue
        # partners also by their own address: a person's is written after linking it to its company (17/18)
        extra = ["street", "city", "zip"] if model == "res.partner" else []
        names = {int(x["id"]): (x["display_name"], *(x[f] for f in extra))
                 for x in client.read(model, sorted(ids), ["display_name", *extra], context={"active_test": False})}
        for odoo_id, xmlid in ids.items():
            out[xmlid] = (model, names.get(odoo_id))
    return out
