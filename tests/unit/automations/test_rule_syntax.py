"""The rule-syntax parser over a corpus built from Ontraport's documented events, conditions and actions."""

from __future__ import annotations

import pytest

from crm2odoo.automations.clauses import ACTIONS, CONDITIONS, EVENTS, ClauseSpec
from crm2odoo.automations.syntax import parse_clause, parse_part, parse_rule


def _sample(spec: ClauseSpec) -> str:
    """A clause string as the API writes it: the name and one plausible value per documented parameter."""
    return f"{spec.name}({','.join(str(i + 3) for i in range(len(spec.params)))})"


CORPUS = [pytest.param(spec, id=f"{spec.part}:{spec.name}")
          for table in (EVENTS, CONDITIONS, ACTIONS) for spec in table.values()]


@pytest.mark.parametrize("spec", CORPUS)
def test_every_documented_clause_parses_with_named_parameters(spec: ClauseSpec) -> None:
    clause = parse_clause(spec.part, _sample(spec))
    assert clause.known and clause.spec == spec and not clause.problem
    assert list(clause.params) == list(spec.params)
    assert "{" not in clause.words()  # every placeholder of the words filled


def test_the_corpus_covers_the_documented_lists() -> None:
    assert (len(EVENTS), len(CONDITIONS), len(ACTIONS)) == (33, 28, 27)


def test_conditions_joined_by_and_or() -> None:
    clauses = parse_part("condition", "Is_in_category(3);Is_not_in_category(4)|field_is_condition_fieldvalue(f1,=,Gold)")
    assert [(c.name, c.joiner) for c in clauses] == [("Is_in_category", "and"), ("Is_not_in_category", "and"),
                                                     ("field_is_condition_fieldvalue", "or")]


def test_separators_inside_parentheses_and_quotes_stay_in_the_argument() -> None:
    [clause] = parse_part("action", 'Change_field_to_fieldvalue(notes,"a;b, c",0)')
    assert clause.params == {"field_id": "notes", "value": "a;b, c", "field_option": "0"}
    [ping] = parse_part("action", "Ping_APIURL(https://example.org/hook?a=1,(x|y),1)")
    assert ping.params["post_data"] == "(x|y)"


@pytest.mark.parametrize(("part", "raw", "problem"), [
    ("event", "Contact is added to the database", "no parameter list"),
    ("action", "Add tag Prospect", "no parameter list"),
    ("action", "Add_contact_to_category(3", "unbalanced parentheses"),
    ("condition", "Is_in_category()", "missing parameter(s): tag_id"),
    ("event", "Add_contact_to_category(3)", "is a documented action, not a event"),
    ("action", "9bad(1)", "is not a clause name"),
])
def test_malformed_clauses_are_kept_with_the_reason(part: str, raw: str, problem: str) -> None:
    clause = parse_clause(part, raw)  # type: ignore[arg-type]
    assert not clause.known and problem in clause.problem and clause.raw == raw


def test_an_undocumented_name_is_kept_verbatim() -> None:
    clause = parse_clause("action", "Send_contact_a_fax(2)")
    assert not clause.known and clause.name == "Send_contact_a_fax" and clause.args == ("2",)
    assert clause.words() == "unrecognised action: Send_contact_a_fax(2)"


def test_a_whole_rule_keeps_every_clause_and_reports_what_it_could_not_read() -> None:
    rule = parse_rule({"id": "7", "name": "Mixed", "events": "Contact_added_to_category(4)",
                       "conditions": "Is_in_category(3)|garbage", "actions": "Add_contact_to_category(2);;Bogus(1)",
                       "pause": "1", "object_type_id": "0"})
    assert (rule.rule_id, rule.paused, rule.object_type_id) == ("7", True, 0)
    assert [c.raw for c in rule.clauses] == ["Contact_added_to_category(4)", "Is_in_category(3)", "garbage",
                                             "Add_contact_to_category(2)", "Bogus(1)"]
    assert len(rule.problems) == 2 and "garbage" in rule.problems[0]


def test_empty_and_missing_parts() -> None:
    rule = parse_rule({"id": 1, "name": "x", "object_type_id": "not a number"})
    assert rule.clauses == () and rule.object_type_id == 0
