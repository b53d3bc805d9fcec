"""validate: every record checked against the live schema, findings that name record, field, value and fix."""

from __future__ import annotations

from pathlib import Path

import yaml

from crm2odoo.ledger.db import Ledger
from crm2odoo.load.resolve import Resolver
from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import spec_from_data
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Catalog
from crm2odoo.testing.memory import MemorySource
from crm2odoo.validate.engine import Validator, check_map

from .test_loader import MAP, dataset, make_spec


def test_findings_name_the_record_and_the_fix(odoo: OdooClient, tmp_path: Path, tag: str) -> None:
    spec = make_spec(tag)
    schema = Schema(odoo)
    models = {o.model for o in spec.enabled_objects()}
    resolver = Resolver(odoo, schema, Ledger(tmp_path / "l.sqlite"), spec)
    validator = Validator(spec, Engine(spec), MemorySource(Catalog("memory", ()), dataset(tag)),
                          schema.all_fields(sorted(models)), resolver.lookup, resolver.ids)
    info = validator.run(schema.models())
    assert info.schema_problems == []
    by = {(f.object, f.source_id, f.kind): f for f in info.findings}
    bad_email = by[("contact", "13", "transform")]
    assert bad_email.field == "email" and bad_email.value == "not-an-email" and bad_email.action == "quarantine"
    assert bad_email.locator == "contact 13" and bad_email.fix
    orphan = by[("contact", "14", "reference")]
    assert orphan.value == "99" and "neither in the source nor in Odoo" in orphan.message
    duplicate = by[("contact", "12", "duplicate")]
    assert duplicate.severity == "warning" and "contact 10" in duplicate.message
    contacts = next(o for o in info.objects if o.name == "contact")
    assert (contacts.records, contacts.with_errors) == (5, 2)
    assert not info.stops, "quarantine policy: migrate goes on"


def test_map_problems_are_found_before_reading_records(odoo: OdooClient, tag: str) -> None:
    data = yaml.safe_load(MAP.replace("SYSTEM", f"t{tag}"))
    data["objects"]["contact"]["fields"].append({"source": "x", "target": "no_such_field_here", "transform": "text"})
    data["objects"]["deal"]["fields"].append({"source": "prio", "target": "priority", "transform": "value_map",
                                              "params": {"map": {"High": "7"}}})
    data["objects"]["tag"]["fields"] = []
    spec = spec_from_data(data)
    schema = Schema(odoo)
    models = {o.model for o in spec.enabled_objects()}
    problems = check_map(spec, schema.all_fields(sorted(models)), schema.models())
    text = "\n".join(problems)
    assert "res.partner has no field no_such_field_here" in text
    assert "'High' maps to '7', which is not a choice of priority" in text
    assert "requires res.partner.category.name" in text


def test_payment_and_aggregate_maps_are_checked_for_what_their_loaders_can_do(odoo: OdooClient, tag: str) -> None:
    """A register-payments map takes only what Odoo's wizard takes and must name the invoice; an aggregate map must
    name the record its totals go to and say how each line combines."""
    data = yaml.safe_load(MAP.replace("SYSTEM", f"t{tag}"))
    data["objects"]["payment"] = {
        "source_object": "payment", "model": "account.payment", "options": {"register_payments": True},
        "fields": [{"source": "amount", "target": "amount", "transform": "number"},
                   {"source": "contact_id", "target": "partner_id", "transform": "ref", "params": {"object": "contact"}}]}
    data["objects"]["engagement"] = {
        "source_object": "engagement", "model": "res.partner", "options": {"aggregate": True},
        "fields": [{"source": "id", "target": "x_engagement_count", "transform": "copy",
                    "params": {"aggregate": "average"}, "new_field": {"type": "integer", "label": "Engagements"}}]}
    spec = spec_from_data(data)
    schema = Schema(odoo)
    models = {o.model for o in spec.enabled_objects()}
    text = "\n".join(check_map(spec, schema.all_fields(sorted(models)), schema.models()))
    assert "payments are registered through Odoo's wizard, which takes only" in text and "-> partner_id" in text
    assert "no line names the invoice each payment pays" in text
    assert "options.aggregate needs a line with target id" in text
    assert "params.aggregate must be one of count, max, join, tally" in text
