"""check_map: what is wrong with a map itself, found from the map and the schema alone (no record, no Odoo)."""

from __future__ import annotations

from typing import Any

from crm2odoo.mapping.spec import FieldMap, MappingSpec, NewField, ObjectMap
from crm2odoo.validate.engine import check_map

PARTNER_FIELDS: dict[str, dict[str, Any]] = {
    "name": {"type": "char", "string": "Name"},
    "email": {"type": "char", "string": "Email"},
    "is_company": {"type": "boolean", "string": "Is a Company"},
    "autopost_bills": {"type": "selection", "required": True, "selection": [["always", "Always"]]},
    "comment": {"type": "html"},
}
LEAD_FIELDS: dict[str, dict[str, Any]] = {
    "name": {"type": "char", "string": "Opportunity", "required": True},
    "type": {"type": "selection", "required": True, "selection": [["lead", "Lead"], ["opportunity", "Opportunity"]]},
    "priority": {"type": "selection", "selection": [["0", "Low"], ["1", "Medium"], ["2", "High"]]},
    "x_score": {"type": "integer"},
}
FIELDS = {"res.partner": PARTNER_FIELDS, "crm.lead": LEAD_FIELDS, "crm.stage": {"name": {"type": "char"}},
          "account.payment": {"amount": {"type": "monetary"}}}
MODELS = set(FIELDS)


def _spec(*objects: ObjectMap) -> MappingSpec:
    return MappingSpec(source_kind="memory", system="t", odoo_version="18.0", objects={o.name: o for o in objects})


def _contact(*lines: FieldMap, **kwargs: Any) -> ObjectMap:
    return ObjectMap(name="contact", source_object="contact", model="res.partner",
                     fields=[FieldMap("name", "name"), *lines], **kwargs)


def _problems(*objects: ObjectMap) -> list[str]:
    return check_map(_spec(*objects), FIELDS, MODELS)


def test_a_map_that_fills_what_odoo_requires_has_no_problem() -> None:
    # autopost_bills is required on res.partner, yet Odoo fills it: the model's record says so
    assert _problems(_contact(FieldMap("mail", "email"))) == []


def test_a_model_that_is_not_installed_is_named_and_a_new_x_model_is_not() -> None:
    ticket = ObjectMap(name="ticket", source_object="ticket", model="helpdesk.ticket")
    custom = ObjectMap(name="pet", source_object="pet", model="x_pet", new_model={"label": "Pet"},
                       fields=[FieldMap("kind", "x_kind")])
    problems = _problems(ticket, custom)
    assert problems == ["objects.ticket: model helpdesk.ticket is not installed in this Odoo "
                        "(install its app, or set enabled: false)"]


def test_a_field_the_model_does_not_have_unless_it_is_planned() -> None:
    unknown = _problems(_contact(FieldMap("shoe", "x_shoe_size")))
    assert len(unknown) == 1 and "res.partner has no field x_shoe_size" in unknown[0]
    planned = _contact(FieldMap("shoe", "x_shoe_size", new_field=NewField("integer", "Shoe size")))
    assert _problems(planned) == []


def test_a_required_field_odoo_fills_itself_is_not_asked_for() -> None:
    # crm.lead.type is required, yet Odoo defaults it: the model's record lists it among what Odoo fills
    lead = ObjectMap(name="deal", source_object="deal", model="crm.lead", fields=[FieldMap("title", "name")])
    assert _problems(lead) == []
    untitled = ObjectMap(name="deal", source_object="deal", model="crm.lead", fields=[FieldMap("hot", "priority")])
    assert _problems(untitled) == ["objects.deal: Odoo requires crm.lead.name: which column fills each deal's "
                                   "opportunity? (or add a constant) (no line of the map fills it)"]


def test_a_name_required_by_a_constraint_is_asked_for() -> None:
    nameless = ObjectMap(name="contact", source_object="contact", model="res.partner",
                         fields=[FieldMap("mail", "email")])
    problems = _problems(nameless)
    assert len(problems) == 1 and "Odoo requires res.partner.name" in problems[0]


def test_a_constant_fills_a_required_field() -> None:
    lead = ObjectMap(name="deal", source_object="deal", model="crm.lead", fields=[FieldMap("stage", "priority")],
                     constants={"name": "Imported"})
    assert _problems(lead) == []


def test_a_value_map_to_a_choice_the_selection_does_not_have() -> None:
    lead = ObjectMap(name="deal", source_object="deal", model="crm.lead", fields=[
        FieldMap("title", "name"), FieldMap("hot", "priority", transform="value_map", params={"map": {"yes": "3"}})])
    problems = _problems(lead)
    assert len(problems) == 1 and "value 'yes' maps to '3', which is not a choice of priority" in problems[0]


def test_unknown_options_and_actions_are_refused() -> None:
    problems = _problems(_contact(options={"teleport": True, "actions": [{"call": "action_explode"}]}))
    assert any("options teleport are not supported" in p for p in problems)
    assert any("options.actions: {'call': 'action_explode'} is not one of action_confirm, action_post" in p
               for p in problems)
    assert _problems(_contact(options={"actions": [{"call": "action_post"}]})) == []


def test_unused_default_stages_only_on_a_stage_map_and_with_a_known_choice() -> None:
    stage = ObjectMap(name="stage", source_object="stage", model="crm.stage", fields=[FieldMap("name", "name")])
    stage.options["unused_default_stages"] = "fold"
    assert _problems(stage) == []
    stage.options["unused_default_stages"] = "burn"
    wrong_model = _contact(options={"unused_default_stages": "fold"})
    assert len(_problems(stage)) == 1
    assert any("unused_default_stages" in p for p in _problems(wrong_model))


def test_an_aggregate_needs_its_record_known_aggregates_and_fields_that_exist() -> None:
    totals = ObjectMap(name="visits", source_object="visit", model="res.partner", options={"aggregate": True},
                       fields=[FieldMap("when", "x_last_visit", params={"aggregate": "median"})])
    problems = _problems(totals)
    assert any("options.aggregate needs a line with target id" in p for p in problems)
    assert any("params.aggregate must be one of count, max, join, tally" in p for p in problems)
    assert any("res.partner has no field x_last_visit (plan it as new_field)" in p for p in problems)
    fixed = ObjectMap(name="visits", source_object="visit", model="res.partner", options={"aggregate": True},
                      fields=[FieldMap("contact", "id", transform="ref", params={"object": "contact"}),
                              FieldMap("when", "comment", params={"aggregate": "max"})])
    assert _problems(fixed) == []


def test_payments_take_only_what_the_wizard_takes_and_name_their_invoice() -> None:
    payments = ObjectMap(name="payment", source_object="payment", model="account.payment",
                         options={"register_payments": True},
                         fields=[FieldMap("amount", "amount"), FieldMap("note", "narration")])
    problems = _problems(payments)
    assert any("narration: payments are registered through Odoo's wizard" in p for p in problems)
    assert any("no line names the invoice each payment pays" in p for p in problems)


def test_apply_tags_has_no_required_fields_of_its_own() -> None:
    tags = ObjectMap(name="tagging", source_object="tag", model="res.partner", options={"apply_tags": True},
                     fields=[FieldMap("mail", "email")])
    assert _problems(tags) == []


def test_a_transform_that_cannot_run_with_its_params() -> None:
    problems = _problems(_contact(FieldMap("company", "parent_id", transform="ref")))
    assert any("transform ref cannot run" in p and "params.object must name" in p for p in problems)
