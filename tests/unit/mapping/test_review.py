"""Review: attention items, the terminal rendering, and the approval diff."""

from __future__ import annotations

import copy
import re
from typing import Any

from crm2odoo.mapping.review import attention_items, diff_specs, render_review
from crm2odoo.mapping.spec import FieldMap, MappingSpec, NewField, ObjectMap
from crm2odoo.sources.base import SourceRecord

ODOO: dict[str, dict[str, dict[str, Any]]] = {
    "res.partner": {
        "name": {"type": "char", "string": "Name"},
        "email": {"type": "char", "string": "Email"},
        "phone": {"type": "char", "string": "Phone"},
        "function": {"type": "char", "string": "Job Position"},
    },
    "mail.activity": {
        "summary": {"type": "char", "string": "Summary"},
        "date_deadline": {"type": "date", "string": "Due Date", "required": True},
        "res_model_id": {"type": "many2one", "string": "Document Model", "required": True},
    },
}


def make_spec() -> MappingSpec:
    contact = ObjectMap(name="contact", source_object="contact", model="res.partner", fields=[
        FieldMap(source="email", target="email", transform="email", confidence=0.98, reason="emails"),
        FieldMap(source="Tel", target="phone", transform="phone", confidence=0.55, reason="header says phone"),
        FieldMap(source="Plan", target="x_plan", transform="value_map", params={"map": {"Gold": "gold"}},
                 new_field=NewField("selection", "Plan", [("gold", "Gold")]), confidence=0.85, reason="custom"),
        FieldMap(source="dlm", ignore=True, confidence=0.9, reason="last-modified stamp"),
        FieldMap(source="title", target="function", confidence=0.97, reason="title"),
        FieldMap(source="nick", target="x_nowhere", confidence=0.95, reason="typo"),
    ])
    task = ObjectMap(name="task", source_object="task", model="mail.activity", fields=[
        FieldMap(source="subject", target="summary", confidence=0.95, reason="subject"),
    ])
    invoice = ObjectMap(name="invoice", source_object="invoice", model="account.move", enabled=False,
                        reason="Accounting not installed")
    return MappingSpec(source_kind="ontraport", system="ontraport", odoo_version="18.0",
                       objects={"contact": contact, "task": task, "invoice": invoice})


SAMPLES = {"contact": [SourceRecord("contact", "1", {"email": "ada.lovelace@example.com", "Tel": "+44 7700 900123",
                                                     "Plan": "Gold", "title": "CEO " * 20})]}


def test_attention_items_kinds() -> None:
    items = attention_items(make_spec(), ODOO)
    kinds = {(i.object, i.field, i.kind) for i in items}
    assert ("contact", "Tel", "low_confidence") in kinds
    assert ("contact", "Plan", "new_field") in kinds and ("contact", "Plan", "lossy") in kinds
    assert ("contact", "dlm", "ignored") in kinds
    assert ("contact", "nick", "unknown_target") in kinds
    assert ("invoice", "", "disabled") in kinds
    assert not any(i.field == "email" for i in items)
    # a task nothing links to its record cannot run: the review asks the question approve will insist on
    asked = next(i for i in items if (i.object, i.field, i.kind) == ("task", "=res_model_id", "required_unmapped"))
    assert asked.message.startswith("Odoo requires mail.activity.res_model_id: which column links each task to its "
                                    "record")
    assert not any(i.field == "=date_deadline" for i in items)  # the loader gives activities a deadline
    linked = make_spec()
    linked.objects["task"].fields.append(FieldMap(source="contact_id", target="res_id", transform="record_ref",
                                                  params={"objects": ["contact"], "model_field": "res_model_id"}))
    assert not any(i.field == "=res_model_id" for i in attention_items(linked, ODOO))


def test_a_line_whose_transform_cannot_run_needs_attention() -> None:
    spec = make_spec()
    spec.objects["contact"].fields.append(FieldMap(source="tags", target="category_id", transform="refs"))
    items = [i for i in attention_items(spec, ODOO) if i.kind == "unrunnable"]
    assert [(i.object, i.field) for i in items] == [("contact", "tags")]
    assert "params.object" in items[0].message


def test_render_review_lists_attention_first_and_masks_contact_details() -> None:
    text = render_review(make_spec(), SAMPLES, ODOO, color=False)
    rows = [r for r in text.splitlines() if re.match(r"^\d\.\d\d ", r)]
    sources = [r[6:32].strip() for r in rows[:6]]
    assert sources.index("nick") < sources.index("email")
    assert sources.index("Tel") < sources.index("email") and sources.index("Plan") < sources.index("title")
    assert sources[-1] == "title" or sources.index("title") > sources.index("dlm")
    assert "a***@example.com" in text and "ada.lovelace" not in text
    assert "+•• •••• ••••23" in text
    assert "\x1b[" not in text
    assert all(len(r) <= 110 for r in text.splitlines())
    assert "[DISABLED]" in text and "Accounting not installed" in text
    assert "Odoo requires mail.activity.res_model_id: which column links each task" in text


def test_render_review_colours_confidence() -> None:
    text = render_review(make_spec(), SAMPLES, ODOO, color=True)
    assert "\x1b[31m0.55\x1b[0m" in text  # low: red
    assert "\x1b[32m0.98\x1b[0m" in text  # high: green
    assert "\x1b[33m0.85\x1b[0m" in text  # middle: yellow


def test_diff_specs() -> None:
    old = make_spec()
    assert diff_specs(None, old)[0].startswith("first approval: 3 maps")
    same = copy.deepcopy(old)
    same.objects["contact"].fields[0].status = "confirmed"
    same.objects["contact"].fields[0].confidence = 0.1
    same.objects["contact"].fields[0].reason = "looked at it"
    assert diff_specs(old, same) == []
    new = copy.deepcopy(old)
    new.objects["contact"].fields[1].target = "mobile"
    del new.objects["contact"].fields[4]
    new.objects["contact"].fields.append(FieldMap(source="city", target="city"))
    new.objects["contact"].constants = {"is_company": False}
    del new.objects["invoice"]
    new.objects["tag"] = ObjectMap(name="tag", source_object="tag", model="res.partner.category")
    changes = diff_specs(old, new)
    assert "- map invoice removed (account.move)" in changes
    assert "+ map tag: tag -> res.partner.category, 0 lines" in changes
    assert "~ contact.constants: None -> {'is_company': False}" in changes
    assert "- contact: title -> function via copy" in changes
    assert "+ contact: city -> city via copy" in changes
    assert "~ contact: Tel -> phone via phone  =>  Tel -> mobile via phone" in changes
    assert len(changes) == 6
