"""Validator: every transformed record checked against the schema and the map, from an in-memory source."""

from __future__ import annotations

from typing import Any

from crm2odoo.mapping.engine import Engine
from crm2odoo.mapping.spec import FieldMap, MappingSpec, ObjectMap
from crm2odoo.mapping.transforms import Lookup
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.testing.memory import MemorySource
from crm2odoo.validate.engine import ValidationInfo, Validator
from crm2odoo.verdict import Tolerance

FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "res.partner": {
        "name": {"type": "char", "required": True},
        "email": {"type": "char"},
        "ref": {"type": "char", "size": 8},
        "parent_id": {"type": "many2one", "relation": "res.partner"},
        "lang": {"type": "selection", "selection": [["en_US", "English"], ["tr_TR", "Turkish"]]},
    },
}


def _records(*rows: dict[str, Any]) -> list[SourceRecord]:
    return [SourceRecord(object="contact", id=str(row.pop("id")), values=row) for row in rows]


def _validate(obj: ObjectMap, records: list[SourceRecord], *, tolerance: Tolerance | None = None,
              landed: dict[str, int] | None = None) -> ValidationInfo:
    spec = MappingSpec(source_kind="memory", system="t", odoo_version="18.0", objects={obj.name: obj})
    source = MemorySource(Catalog("memory", ()), {"contact": records})

    def lookup(_: Lookup) -> int | None:
        return None

    validator = Validator(spec, Engine(spec), source, FIELDS, lookup, lambda _: landed or {})
    info = validator.run(set(FIELDS))
    if tolerance is not None:
        info.tolerance = tolerance
    return info


def _contacts(*lines: FieldMap, **kwargs: Any) -> ObjectMap:
    return ObjectMap(name="contact", source_object="contact", model="res.partner",
                     fields=[FieldMap("name", "name"), *lines], **kwargs)


def _kinds(info: ValidationInfo) -> list[tuple[str, str, str]]:
    return sorted((f.source_id, f.kind, f.severity) for f in info.findings)


def test_a_clean_record_is_valid() -> None:
    info = _validate(_contacts(FieldMap("mail", "email")), _records({"id": 1, "name": "Ada", "mail": "a@x.org"}))
    assert info.findings == [] and info.ok and info.objects[0].valid == 1 and info.records == 1


def test_selection_size_and_required_are_errors_that_quarantine() -> None:
    obj = _contacts(FieldMap("lang", "lang"), FieldMap("code", "ref"))
    info = _validate(obj, _records({"id": 1, "name": "Ada", "lang": "fr_FR", "code": "ok"},
                                   {"id": 2, "name": "", "lang": "en_US", "code": "much-too-long"}))
    assert _kinds(info) == [("1", "selection", "error"), ("2", "required", "error"), ("2", "size", "error")]
    assert info.would_quarantine == {"contact": 2} and not info.stops
    assert not info.ok  # two quarantined records over the default tolerance of none
    assert {f.action for f in info.findings} == {"quarantine"}


def test_the_policy_stop_makes_an_error_stop_the_run() -> None:
    info = _validate(_contacts(on_error="stop"), _records({"id": 1, "name": ""}))
    assert info.stops and info.findings[0].action == "stop"


def test_a_tolerance_lets_a_quarantine_through() -> None:
    info = _validate(_contacts(), _records({"id": 1, "name": ""}, {"id": 2, "name": "Bob"}),
                     tolerance=Tolerance(count=1))
    assert info.would_quarantine == {"contact": 1} and info.ok and not info.over_tolerance


def test_a_field_the_model_does_not_have() -> None:
    info = _validate(_contacts(FieldMap("shoe", "x_shoe")), _records({"id": 1, "name": "Ada", "shoe": "42"}))
    assert _kinds(info) == [("1", "unknown_field", "error")]


def test_a_link_to_a_record_neither_in_the_source_nor_landed() -> None:
    obj = _contacts(FieldMap("boss", "parent_id", transform="ref", params={"object": "contact"}))
    records = _records({"id": 1, "name": "Ada", "boss": "2"}, {"id": 2, "name": "Bob", "boss": ""},
                       {"id": 3, "name": "Cy", "boss": "99"})
    info = _validate(obj, records)
    assert _kinds(info) == [("3", "reference", "error")]
    # a record an earlier run landed resolves the link
    assert _validate(obj, _records({"id": 3, "name": "Cy", "boss": "99"}), landed={"99": 7}).findings == []


def test_records_sharing_a_dedupe_key_are_a_merge_warning() -> None:
    obj = _contacts(FieldMap("mail", "email"), dedupe_fields=["email"])
    info = _validate(obj, _records({"id": 1, "name": "Ada", "mail": "A@x.org"},
                                   {"id": 2, "name": "Ada L.", "mail": "a@x.org"}))
    assert _kinds(info) == [("2", "duplicate", "warning")]
    assert info.findings[0].action == "merge" and info.objects[0].with_warnings == 1 and info.ok


def test_match_only_maps_need_no_required_fields() -> None:
    obj = ObjectMap(name="contact", source_object="contact", model="res.partner", options={"match_only": True},
                    fields=[FieldMap("mail", "email")])
    assert _validate(obj, _records({"id": 1, "mail": "a@x.org"})).findings == []
