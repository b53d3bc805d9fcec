"""Each rule's Odoo automation: the exact fields, every clause's outcome, per version."""

from __future__ import annotations

import ast

from crm2odoo.automations.guide import guide_markdown, rebuild_guide
from crm2odoo.automations.syntax import parse_rule
from crm2odoo.automations.translate import translate


class Migrated:
    """Tags 1-7 landed as res.partner.category 101-107, user 1 as Odoo user 9, two contact fields mapped."""

    def tag(self, model: str, source_id: str) -> int | None:
        return 100 + int(source_id) if model == "res.partner" and source_id.isdigit() else None

    def user(self, source_id: str) -> int | None:
        return 9 if source_id == "1" else None

    def field(self, model: str, source_field: str) -> str | None:
        return {"email": "email", "birthday": "x_birthday", "lead_status": "x_status"}.get(source_field)


def _rule(events: str, conditions: str = "", actions: str = "", object_type: int = 0) -> dict[str, object]:
    return {"id": "5", "name": "R", "events": events, "conditions": conditions, "actions": actions,
            "object_type_id": object_type}


def test_tag_added_on_contacts_is_a_save_trigger_on_category_id() -> None:
    proposal = translate(parse_rule(_rule("Contact_added_to_category(4)", "Is_not_in_category(1)|Is_in_category(3)",
                                          "Add_contact_to_category(2);Remove_contact_from_category(3)")), Migrated())
    auto = proposal.automation
    assert auto["trigger"] == "on_create_or_write" and auto["trigger_fields"] == ["category_id"]
    assert auto["filter_pre_domain"] == "[('category_id', 'not in', [104])]"
    assert ast.literal_eval(auto["filter_domain"]) == [
        ("category_id", "in", [104]), "|", ("category_id", "not in", [101]), ("category_id", "in", [103])]
    assert auto["active"] is False and auto["name"] == "[Ontraport rule 5] R"
    assert [(a["update_m2m_operation"], a["resource_ref"]) for a in proposal.actions] == [
        ("add", "res.partner.category,102"), ("remove", "res.partner.category,103")]
    assert proposal.coverage == "full"


def test_created_with_a_field_condition_and_a_field_change_carry_caveats() -> None:
    proposal = translate(parse_rule(_rule("Contact_added_to_my_database()",
                                          "field_is_condition_fieldvalue(email,contains,@)",
                                          "Change_field_to_fieldvalue(lead_status,Hot,0)")), Migrated())
    assert proposal.automation["trigger"] == "on_create"
    assert proposal.automation["filter_domain"] == "[('email', 'ilike', '@')]"
    assert proposal.actions == [{"state": "object_write", "name": "Set x_status", "update_path": "x_status",
                                 "evaluation_type": "value", "value": "Hot"}]
    assert [r.outcome for r in proposal.results] == ["translated", "caveat", "caveat"]
    assert proposal.coverage == "full"


def test_sequences_and_emails_are_manual_with_steps() -> None:
    proposal = translate(parse_rule(_rule("Contact_added_to_my_database()", "Is_subscribed_to_drip(2)",
                                          "Assign_contact_to_drip(1);Send_contact_an_emailmbs(4);"
                                          "Send_contact_a_task(2)")), Migrated())
    outcomes = {r.clause.name: r for r in proposal.results}
    assert outcomes["Assign_contact_to_drip"].outcome == "manual"
    assert "Marketing Automation" in outcomes["Assign_contact_to_drip"].note
    assert "Email Templates" in outcomes["Send_contact_an_emailmbs"].note
    assert outcomes["Send_contact_a_task"].outcome == "caveat"
    assert proposal.actions[0]["state"] == "next_activity" and proposal.coverage == "partial"


def test_untranslatable_trigger_or_model_means_no_draft() -> None:
    no_trigger = translate(parse_rule(_rule("Contact_purchases_product(1)", actions="Add_contact_to_category(1)")),
                           Migrated())
    assert no_trigger.coverage == "none" and not no_trigger.draftable
    no_model = translate(parse_rule(_rule("Contact_added_to_my_database()", actions="Add_contact_to_category(1)",
                                          object_type=10005)), Migrated())
    assert no_model.model is None and all(r.outcome == "manual" for r in no_model.results)


def test_unmigrated_references_make_the_clause_manual_not_a_wrong_draft() -> None:
    proposal = translate(parse_rule(_rule("Contact_added_to_my_database()", actions="Add_contact_to_category(2)")))
    assert proposal.results[-1].outcome == "manual" and "run migrate first" in proposal.results[-1].note
    deal = translate(parse_rule(_rule("Contact_added_to_category(9)", actions="Add_contact_to_category(9)",
                                      object_type=149)), Migrated())
    assert deal.model == "crm.lead" and deal.coverage == "none"


def test_a_second_event_asks_for_a_second_automation() -> None:
    proposal = translate(parse_rule(_rule("Contact_added_to_my_database();Contact_added_to_category(1)",
                                          actions="Add_contact_to_category(2)")), Migrated())
    assert proposal.results[1].outcome == "manual" and "one trigger" in proposal.results[1].note


def test_relative_date_trigger_per_version() -> None:
    rule = parse_rule(_rule("relative_date_field(2,weeks,before,birthday)", actions="Send_contact_a_task(1)"))
    v18 = translate(rule, Migrated(), 18).automation
    v19 = translate(rule, Migrated(), 19).automation
    assert (v18["trigger"], v18["trg_date_field"], v18["trg_date_range"], v18["trg_date_range_type"]) == (
        "on_time", "x_birthday", -14, "day")
    assert (v19["trg_date_range"], v19["trg_date_range_mode"]) == (14, "before") and "trg_date_range_mode" not in v18


def test_notify_a_user_becomes_their_activity() -> None:
    proposal = translate(parse_rule(_rule("Contact_added_to_my_database()",
                                          actions="Notify_someone_with_emailmbs(1,3);Ping_APIURL(https://x.test,,1)")),
                         Migrated())
    assert proposal.actions[0]["activity_user_id"] == 9 and proposal.actions[1]["state"] == "webhook"


def test_guide_summary_and_markdown() -> None:
    rows = [_rule("Contact_added_to_my_database()", actions="Add_contact_to_category(2)"),
            {**_rule("Contact is added", actions="Add tag"), "id": "6"}]
    guide = rebuild_guide(rows, Migrated())
    assert guide["summary"] == {"full": 1, "partial": 0, "none": 1, "total": 2}
    text = "\n".join(guide_markdown(guide))
    assert "1 fully translatable" in text and "**not translatable**: no parameter list" in text
    assert "base.automation" in text and "Contact is added" in text


def test_mixed_and_or_conditions_read_left_to_right() -> None:
    proposal = translate(parse_rule(_rule("Contact_added_to_my_database()",
                                          "Is_in_category(1);Is_in_category(2)|Is_in_category(3)",
                                          "Add_contact_to_category(4)")), Migrated())
    assert ast.literal_eval(proposal.automation["filter_domain"]) == [
        "|", "&", ("category_id", "in", [101]), ("category_id", "in", [102]), ("category_id", "in", [103])]


def test_a_planports_guide_says_where_the_rules_are() -> None:
    from crm2odoo.automations.guide import source_note

    text = "\n".join(guide_markdown({**rebuild_guide([]), "note": source_note("planports-xlsx")}))
    assert "not" in text and "Excel export" in text and "Automation Rules" in text
    assert source_note("ontraport") == ""
