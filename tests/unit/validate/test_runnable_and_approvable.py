"""runnable (what a map needs before it can run) and approvable (a map that cannot run is not approved), offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crm2odoo.errors import MappingError
from crm2odoo.mapping.spec import FieldMap, MappingSpec, ObjectMap
from crm2odoo.project import Project
from crm2odoo.validate.approvable import refuse_unrunnable, save_schema_snapshot
from crm2odoo.validate.runnable import (
    filled_by,
    line_problem,
    mark_unfilled,
    required_fields,
    required_question,
    unfilled_required,
)

ACTIVITY_FIELDS: dict[str, dict[str, Any]] = {
    "res_model_id": {"type": "many2one", "required": True, "relation": "ir.model", "string": "Document Model"},
    "res_id": {"type": "many2one_reference", "required": True, "string": "Related Document ID"},
    "date_deadline": {"type": "date", "required": True, "string": "Due Date"},
    "user_id": {"type": "many2one", "required": True, "relation": "res.users"},
    "summary": {"type": "char", "required": True, "readonly": True},
    "note": {"type": "html", "required": True, "store": False},
}


def _activity(*lines: FieldMap, **kwargs: Any) -> ObjectMap:
    return ObjectMap(name="task", source_object="task", model="mail.activity", fields=list(lines), **kwargs)


def test_required_fields_leave_out_what_odoo_fills_readonly_and_computed_fields() -> None:
    # date_deadline and user_id: mail.activity's record says Odoo fills them
    assert required_fields("mail.activity", ACTIVITY_FIELDS) == {"res_model_id", "res_id"}
    # a model the tool has no record of: every stored, writable required field
    assert required_fields("x_pet", ACTIVITY_FIELDS) == {"res_model_id", "res_id", "date_deadline", "user_id"}


def test_required_fields_add_what_a_constraint_requires() -> None:
    assert required_fields("res.partner", {"email": {"type": "char"}}) == {"name"}


def test_filled_by_counts_lines_constants_record_links_and_value_map_merges() -> None:
    obj = _activity(FieldMap("about", "res_id", transform="record_ref", params={"objects": ["contact"]}),
                    FieldMap("skipped", "summary", ignore=True),
                    FieldMap("kind", "activity_type_id", transform="value_map",
                             params={"map": {"call": {"activity_type_id": 2, "summary": "Call"}}}),
                    constants={"note": "migrated"})
    assert filled_by(obj) == {"res_id", "model", "activity_type_id", "summary", "note"}


def test_unfilled_required_asks_the_question_a_person_answers() -> None:
    obj = _activity(FieldMap("due", "date_deadline"))
    assert unfilled_required(obj, ACTIVITY_FIELDS) == ["res_id", "res_model_id"]
    assert required_question(obj, "res_model_id", ACTIVITY_FIELDS["res_model_id"]) == (
        "Odoo requires mail.activity.res_model_id: which column links each task to its record (the record's kind "
        "and id)?")
    assert unfilled_required(_activity(options={"aggregate": True}), ACTIVITY_FIELDS) == []


def test_mark_unfilled_lowers_the_confidence_of_a_map_that_misses_a_required_field() -> None:
    obj = _activity(FieldMap("due", "date_deadline"))
    mark_unfilled({"task": obj}, {"mail.activity": ACTIVITY_FIELDS})
    assert obj.confidence < 1.0 and "res_model_id" in obj.reason


@pytest.mark.parametrize(("line", "problem"), [
    (FieldMap("a", "x", transform="teleport"), "unknown transform 'teleport'"),
    (FieldMap("a", "x", transform="value_map"), "params.map must be a table"),
    (FieldMap("a", "x", transform="lookup", params={"model": "res.country", "by": "name"}), "params.by must list"),
    (FieldMap(["a", "b"], "x", transform="template", params={"format": "{0} {2}"}), "names a value the line does not"),
])
def test_a_line_whose_transform_cannot_run(line: FieldMap, problem: str) -> None:
    found = line_problem(line)
    assert found is not None and problem in found


def test_a_line_that_can_run_or_is_ignored_has_no_problem() -> None:
    assert line_problem(FieldMap("a", "x", transform="value_map", params={"map": {"1": "one"}})) is None
    assert line_problem(FieldMap("a", "x", transform="teleport", ignore=True)) is None


def _spec(obj: ObjectMap) -> MappingSpec:
    return MappingSpec(source_kind="memory", system="t", odoo_version="18.0", objects={obj.name: obj})


def test_approve_without_odoo_checks_the_schema_plan_used(tmp_path: Path) -> None:
    project = Project(tmp_path)  # no crm2odoo.toml: Odoo cannot be reached
    project.state_dir.mkdir()
    runnable = _activity(FieldMap("about", "res_id", transform="record_ref", params={"objects": ["contact"]}),
                         FieldMap("kind", "res_model_id"))
    refuse_unrunnable(project, _spec(runnable))  # neither schema nor transform problems
    save_schema_snapshot(project, {"mail.activity": ACTIVITY_FIELDS}, {"mail.activity"})
    with pytest.raises(MappingError) as refused:
        refuse_unrunnable(project, _spec(_activity(FieldMap("due", "date_deadline"))))
    assert "Odoo requires mail.activity.res_model_id" in str(refused.value)


def test_approve_with_neither_odoo_nor_a_schema_checks_transforms_alone(tmp_path: Path) -> None:
    project = Project(tmp_path)
    refuse_unrunnable(project, _spec(_activity(FieldMap("due", "date_deadline"))))  # required fields unknown
    with pytest.raises(MappingError) as refused:
        refuse_unrunnable(project, _spec(_activity(FieldMap("due", "date_deadline", transform="teleport"))))
    assert "unknown transform 'teleport'" in str(refused.value)
