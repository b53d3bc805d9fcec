"""Each strategy says what a map loaded its way must hold: validate asks it, never the raw options."""

from __future__ import annotations

from typing import get_args

from crm2odoo.load.strategies import STRATEGIES, map_problems
from crm2odoo.mapping.spec import FieldMap, LoadKind, ObjectMap

PARTNER_FIELDS = {"name": {"type": "char", "required": True}, "category_id": {"type": "many2many"}}


def test_every_load_kind_has_a_strategy_that_checks_its_maps() -> None:
    assert set(STRATEGIES) == set(get_args(LoadKind))
    assert all(callable(strategy.check_map) for strategy in STRATEGIES.values())


def test_a_records_map_must_fill_what_odoo_requires_a_tags_map_need_not() -> None:
    records = ObjectMap(name="contact", source_object="contact", model="res.partner",
                        fields=[FieldMap("tags", "category_id")])
    tags = ObjectMap(name="contact_tags", source_object="contact", model="res.partner", options={"apply_tags": True},
                     fields=[FieldMap("tags", "category_id")])
    assert records.load_kind == "records" and tags.load_kind == "tags"
    assert any("name" in problem for problem in map_problems(records, PARTNER_FIELDS, False))
    assert map_problems(tags, PARTNER_FIELDS, False) == []


def test_a_payments_map_is_checked_by_the_payment_strategy() -> None:
    payments = ObjectMap(name="payment", source_object="payment", model="account.payment",
                         options={"register_payments": True}, fields=[FieldMap("note", "name")])
    assert payments.load_kind == "payments"
    problems = map_problems(payments, {}, False)
    assert any("through Odoo's wizard" in p for p in problems) and any("names the invoice" in p for p in problems)
