"""Object labels of file sources are right English plurals ("Companies", not "Companys"; issue 17)."""

from __future__ import annotations

from pathlib import Path

from crm2odoo.sources.ontraport.csv_detect import custom_name
from crm2odoo.sources.ontraport.csv_export import _label
from crm2odoo.textnorm import plural


def test_nouns_take_their_english_plural() -> None:
    assert [plural(n) for n in ("company", "property", "day", "class", "box", "workshop", "deals")] == [
        "companies", "properties", "days", "classes", "boxes", "workshops", "deals"]


def test_labels_and_custom_object_names_use_it() -> None:
    assert [_label(n) for n in ("company", "contact", "stage")] == ["Companies", "Contacts", "Stages"]
    assert custom_name("property", Path("export-9.csv")) == "custom_properties"
    assert _label("custom_properties") == "Properties"
