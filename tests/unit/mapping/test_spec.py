"""mapping.yaml: round trip, the approval hash, and the errors a person gets for a broken file."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from crm2odoo.errors import MappingError
from crm2odoo.mapping.spec import (
    FieldMap,
    MappingSpec,
    NewField,
    ObjectMap,
    dump_spec,
    load_spec,
    save_spec,
    spec_from_data,
)


def sample() -> MappingSpec:
    contact = ObjectMap(
        name="contact", source_object="contact", model="res.partner",
        constants={"is_company": False, "type": "contact"}, dedupe_fields=["email"], match_existing=True,
        fields=[
            FieldMap(source=["firstname", "lastname"], target="name", transform="join", confidence=0.9,
                     reason="split name"),
            FieldMap(source="email", target="email", transform="email", confidence=0.98, reason="emails"),
            FieldMap(source="f1", target="x_plan", transform="value_map", params={"map": {"Gold": "gold"}},
                     new_field=NewField("selection", "Plan", [("gold", "Gold")]), on_error="set_empty"),
            FieldMap(source="f9", ignore=True, reason="counter", status="edited"),
            FieldMap(source=None, target="lang", transform="constant", params={"value": "tr_TR"}),
        ],
    )
    prop = ObjectMap(name="custom_property", source_object="custom_property", model="x_property",
                     new_model={"label": "Properties"}, where={"kind": ["A"]}, enabled=False, options={"k": 1},
                     fields=[FieldMap(source="owner", target="x_owner", transform="ref", params={"object": "contact"},
                                      new_field=NewField("many2one", "Owner", relation="res.partner"))])
    return MappingSpec(source_kind="ontraport", system="ontraport", odoo_version="18.0",
                       objects={"contact": contact, "custom_property": prop}, fallback_owner_login="admin")


def test_round_trip_through_yaml(tmp_path: Path) -> None:
    spec = sample()
    path = tmp_path / "mapping.yaml"
    save_spec(spec, path)
    assert path.read_text(encoding="utf-8").startswith("# crm2odoo field map")
    loaded = load_spec(path)
    assert loaded.to_data() == spec.to_data()
    assert loaded == spec
    assert loaded.content_hash() == spec.content_hash()
    assert spec_from_data(yaml.safe_load(dump_spec(spec))).objects["contact"].fields[0].source == ["firstname",
                                                                                                     "lastname"]


def _edit(spec: MappingSpec, fn: Any) -> str:
    other = copy.deepcopy(spec)
    fn(other)
    return other.content_hash()


def test_content_hash_ignores_review_annotations() -> None:
    spec = sample()
    base = spec.content_hash()

    def annotate(s: MappingSpec) -> None:
        s.objects["contact"].status = "confirmed"
        s.objects["contact"].confidence = 0.1
        s.objects["contact"].reason = "checked"
        for line in s.objects["contact"].fields:
            line.status, line.confidence, line.reason = "confirmed", 0.2, "fine"

    assert _edit(spec, annotate) == base


@pytest.mark.parametrize("edit", [
    lambda s: setattr(s.objects["contact"].fields[1], "target", "email_normalized"),
    lambda s: setattr(s.objects["contact"].fields[1], "transform", "text"),
    lambda s: s.objects["contact"].fields[2].params["map"].update(Silver="silver"),
    lambda s: setattr(s.objects["contact"].fields[2], "on_error", "skip"),
    lambda s: s.objects["contact"].fields.__setitem__(3, FieldMap(source="f9", target="x_f9")),
    lambda s: s.objects["contact"].constants.update(is_company=True),
    lambda s: setattr(s.objects["contact"], "match_existing", False),
    lambda s: setattr(s.objects["custom_property"], "enabled", True),
    lambda s: setattr(s.objects["custom_property"], "where", None),
    lambda s: setattr(s, "fallback_owner_login", "someone"),
    lambda s: s.objects["contact"].fields.pop(),
    lambda s: setattr(s.objects["contact"].fields[2].new_field, "type", "char"),
])
def test_content_hash_changes_on_any_real_edit(edit: Any) -> None:
    spec = sample()
    assert _edit(spec, edit) != spec.content_hash()


@pytest.mark.parametrize(("data", "message"), [
    ({"version": 2, "objects": {}}, "version"),
    ({"objects": ["contact"]}, "expected a table"),
    ({"objects": {"c": {"model": "res.partner"}}}, "needs source_object and model"),
    ({"objects": {"c": {"source_object": "c", "model": "m", "on_error": "explode"}}}, "on_error must be"),
    ({"objects": {"c": {"source_object": "c", "model": "m", "fields": [{"target": "x"}]}}}, "needs a 'source'"),
    ({"objects": {"c": {"source_object": "c", "model": "m", "fields": [{"source": "a"}]}}}, "needs a target"),
    ({"objects": {"c": {"source_object": "c", "model": "m",
                        "fields": [{"source": "a", "target": "b", "status": "maybe"}]}}}, "status must be"),
    ({"objects": {"c": {"source_object": "c", "model": "m",
                        "fields": [{"source": "a", "target": "b", "on_error": "cry"}]}}}, "on_error must be"),
    ({"objects": {"c": {"source_object": "c", "model": "m",
                        "fields": [{"source": "a", "target": "x_b", "new_field": {"type": "blob"}}]}}}, "new_field"),
    ({"objects": {"c": {"source_object": "c", "model": "m", "fields": [{"source": 5, "target": "b"}]}}}, "source must"),
    ("just text", "expected a mapping"),
])
def test_broken_maps_are_refused_with_the_path(data: Any, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        spec_from_data(data)


def test_load_spec_errors(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="does not exist"):
        load_spec(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("objects: {a: [", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        load_spec(bad)


def test_line_keys_identify_lines_across_replans() -> None:
    spec = sample()
    keys = [line.key() for line in spec.objects["contact"].fields]
    assert keys == ["firstname+lastname", "email", "f1", "f9", "=lang"]
    assert spec.enabled_objects() == [spec.objects["contact"]]
