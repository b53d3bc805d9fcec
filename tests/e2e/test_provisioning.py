"""Provisioning end to end against Odoo (sandbox by default, a real Odoo from the environment): every model's new
fields in one ``ir.model.fields`` call (one registry reload), intents before it, a second run creating nothing, rollback removing them.

Calls are counted at the transport seam (the client's transport), the product's code runs unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from crm2odoo.errors import MappingError, OdooError
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.provision import Provisioner
from crm2odoo.load.rollback import Rollback
from crm2odoo.mapping.spec import MappingSpec, spec_from_data
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema

MAP = '''
source_kind: ontraport
system: tSYSTEM
odoo_version: "18.0"
objects:
  contact:
    source_object: contact
    model: res.partner
    fields:
      - {source: email, target: email, transform: email}
      - {source: a, target: x_code_SYSTEM, transform: text, new_field: {type: char, label: Code}}
      - {source: b, target: x_visits_SYSTEM, transform: number, new_field: {type: integer, label: Visits}}
      - {source: c, target: x_tier_SYSTEM, transform: text,
         new_field: {type: selection, label: Tier, options: [[gold, Gold], [silver, Silver]]}}
      - {source: d, target: x_since_SYSTEM, transform: date, new_field: {type: date, label: Since}}
  company:
    source_object: company
    model: res.partner
    fields:
      - {source: name, target: name, transform: text}
      - {source: c, target: x_tier_SYSTEM, transform: text,
         new_field: {type: selection, label: Tier, options: [[gold, Gold], [platinum, Platinum]]}}
  deal:
    source_object: deal
    model: crm.lead
    fields:
      - {source: name, target: name, transform: text}
      - {source: e, target: x_channel_SYSTEM, transform: text, new_field: {type: char, label: Channel}}
      - {source: f, target: x_won_SYSTEM, transform: bool, new_field: {type: boolean, label: Won}}
'''


def make_spec(tag: str, text: str = MAP) -> MappingSpec:
    return spec_from_data(yaml.safe_load(text.replace("SYSTEM", tag)))


@pytest.fixture
def calls(odoo: OdooClient) -> Iterator[list[tuple[str, str, int]]]:
    """(model, method, rows sent) of every call the client makes, recorded at its transport."""
    seen: list[tuple[str, str, int]] = []
    inner = odoo.transport
    original = inner.execute_kw

    def execute_kw(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        rows = kwargs.get("vals_list") or (args[0] if args and method == "create" else [])
        seen.append((model, method, len(rows) if isinstance(rows, list) else 1))
        return original(model, method, args, kwargs)

    inner.execute_kw = execute_kw  # type: ignore[method-assign]
    yield seen
    inner.execute_kw = original  # type: ignore[method-assign]


def test_every_models_new_fields_in_one_call_and_a_second_run_creates_none(
        odoo: OdooClient, calls: list[tuple[str, str, int]], tmp_path: Path, tag: str) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    spec = make_spec(tag)
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    events: list[tuple[str, dict[str, Any]]] = []
    schema = Schema(odoo)
    result = Provisioner(odoo, schema, ledger, run_id, lambda kind, **data: events.append((kind, data))).provision(spec)
    try:
        creates = [(model, rows) for model, method, rows in calls if method == "create"]
        assert creates == [("ir.model.fields", 6)], "one call for both models' fields: one registry reload"
        assert sorted(result.fields_created) == sorted(
            [f"res.partner.x_{n}_{tag}" for n in ("code", "visits", "tier", "since")]
            + [f"crm.lead.x_{n}_{tag}" for n in ("channel", "won")])
        assert result.already_present == 1, "the companies' tier line fills the contacts' field"
        assert [k for k, _ in schema.fields("res.partner")[f"x_tier_{tag}"]["selection"]] == \
            ["gold", "silver", "platinum"], "both maps' choices, in the one call"
        assert [kind for kind, _ in events] == ["waiting", "waiting_done"]
        assert events[0][1]["what"] == "creating 6 field(s) on res.partner, crm.lead: Odoo reloads its registry"
        assert {c["state"] for c in ledger.schema_changes(run_id)} == {"done"}
        calls.clear()
        again = Provisioner(odoo, Schema(odoo), ledger, run_id).provision(spec)
        assert again.fields_created == [] and again.already_present == 7
        assert [m for m in calls if m[1] == "create"] == []
        assert sum(1 for m in calls if m[:2] == ("ir.model.fields", "search_read")) == 2, "one lookup per model"
        calls.clear()
    finally:
        Rollback(odoo, Schema(odoo), ledger, spec).run([run_id], force=True)
    assert sum(1 for m in calls if m[:2] == ("ir.model.fields", "unlink")) == 2, "rollback: one unlink per model"
    left = odoo.search_read("ir.model.fields", [["name", "like", f"_{tag}"]], ["name"])
    assert left == [], "rollback removes exactly what was created"


def test_a_field_refused_by_the_map_sends_nothing(odoo: OdooClient, calls: list[tuple[str, str, int]],
                                                   tmp_path: Path, tag: str) -> None:
    """A new field without the x_ prefix among good ones: the map is refused before any intent or call."""
    ledger = Ledger(tmp_path / "ledger.sqlite")
    spec = make_spec(tag, MAP.replace("target: x_visits_SYSTEM", "target: visits_SYSTEM"))
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    with pytest.raises(MappingError, match="must start with x_"):
        Provisioner(odoo, Schema(odoo), ledger, run_id).provision(spec)
    assert [m for m in calls if m[1] == "create"] == []
    assert ledger.schema_changes(run_id) == []


def test_an_intent_left_sending_is_settled_by_the_lookup(odoo: OdooClient, tmp_path: Path, tag: str) -> None:
    """Killed after Odoo created the fields and before the ledger heard back: the next run finds them in its one
    lookup per model and settles every intent without creating anything."""
    ledger = Ledger(tmp_path / "ledger.sqlite")
    spec = make_spec(tag)
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    Provisioner(odoo, Schema(odoo), ledger, run_id).provision(spec)
    try:
        for change in ledger.schema_changes(run_id):  # what a kill between intent and answer leaves
            ledger.schema_done(change["kind"], change["model"], change["name"], 0, state="sending")
        again = Provisioner(odoo, Schema(odoo), ledger, run_id).provision(spec)
        assert again.fields_created == []
        assert {c["state"] for c in ledger.schema_changes(run_id)} == {"done"}
        assert all(int(c["odoo_id"]) > 0 for c in ledger.schema_changes(run_id))
    finally:
        Rollback(odoo, Schema(odoo), ledger, spec).run([run_id], force=True)


def test_a_field_odoo_refuses_leaves_no_field_of_any_model(odoo: OdooClient, calls: list[tuple[str, str, int]],
                                                          tmp_path: Path, tag: str) -> None:
    """The fields of every model go in one call, so a deal field Odoo refuses (a link to a model it lacks) rolls
    the contacts' fields back with it: the run stops, nothing half-made stays, and the intents stay open for the
    next run's lookup."""
    ledger = Ledger(tmp_path / "ledger.sqlite")
    broken = MAP.replace("{source: f, target: x_won_SYSTEM, transform: bool, new_field: {type: boolean, label: Won}}",
                         "{source: f, target: x_won_SYSTEM, transform: text, "
                         "new_field: {type: many2one, label: Won, relation: x_nowhere_SYSTEM}}")
    spec = make_spec(tag, broken)
    run_id = ledger.start_run("migrate", mapping_hash=spec.content_hash(), options={})
    with pytest.raises(OdooError):
        Provisioner(odoo, Schema(odoo), ledger, run_id).provision(spec)
    assert [(model, rows) for model, method, rows in calls if method == "create"] == [("ir.model.fields", 6)]
    assert odoo.search_read("ir.model.fields", [["name", "like", f"_{tag}"]], ["name"]) == []
    assert {c["state"] for c in ledger.schema_changes(run_id)} == {"sending"}
