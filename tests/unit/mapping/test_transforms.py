"""Each transform: its happy path and its error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from crm2odoo.errors import TransformError
from crm2odoo.mapping.transforms import (
    LOSSY_TRANSFORMS,
    TRANSFORMS,
    Lookup,
    Merge,
    RecordRef,
    Ref,
    Refs,
    TaxRate,
    TransformContext,
    parse_number,
    sanitise_html,
)

CTX = TransformContext(default_country="TR", source_timezone="Europe/Istanbul")


def run(name: str, values: list[Any], **params: Any) -> Any:
    return TRANSFORMS[name](values, params, CTX)


@pytest.mark.parametrize(("name", "values", "params", "expected"), [
    ("copy", [5], {}, 5),
    ("copy", [" "], {}, None),
    ("text", ["  Ada  "], {}, "Ada"),
    ("text", [""], {}, None),
    ("join", ["Ada", None, "Lovelace"], {}, "Ada Lovelace"),
    ("join", ["a", "b"], {"sep": "-"}, "a-b"),
    ("split", ["Ada Lovelace"], {"index": 1}, "Lovelace"),
    ("split", ["Ada"], {"index": 3}, None),
    ("date", ["31.12.2024"], {"format": "%d.%m.%Y"}, dt.date(2024, 12, 31)),
    ("date", ["2024-02-01T10:00:00"], {}, dt.date(2024, 2, 1)),
    ("date", [dt.datetime(2024, 2, 1, 23, 0)], {}, dt.date(2024, 2, 1)),
    ("datetime", ["31.12.2024 14:05"], {"format": "%d.%m.%Y %H:%M"},
     dt.datetime(2024, 12, 31, 11, 5, tzinfo=dt.UTC)),
    ("datetime", [dt.date(2024, 1, 2)], {"tz": "UTC"}, dt.datetime(2024, 1, 2, tzinfo=dt.UTC)),
    ("number", ["1.234,56"], {"decimal": ","}, 1234.56),
    ("number", ["1,234.56 TL"], {}, 1234.56),
    ("number", ["12"], {"integer": True}, 12),
    ("number", [True], {}, 1),
    ("boolean", ["Evet"], {}, True),
    ("boolean", ["HAYIR"], {}, False),
    ("boolean", ["Var"], {}, True),
    ("boolean", ["Aktif"], {"true_values": ["aktif"]}, True),
    ("boolean", [None], {}, False),
    ("phone", ["0532 123 45 67"], {}, "+905321234567"),
    ("phone", ["(555) 010-2233"], {"default_country": "US"}, "+15550102233"),
    ("email", [" Ada@Example.COM "], {}, "ada@example.com"),
    ("email", ["mailto:Ada@Example.com"], {"keep_local_case": True}, "Ada@example.com"),
    ("html", ["line 1\nline 2\n\npara <2>"], {}, "<p>line 1<br>line 2</p><p>para &lt;2&gt;</p>"),
    ("html", ['<p onclick="x()">hi<script>alert(1)</script></p>'], {}, "<p>hi</p>"),
    ("value_map", ["Won"], {"map": {"won": {"probability": 100}}}, Merge({"probability": 100})),
    ("value_map", ["Orta"], {"map": {"Orta": "1"}}, "1"),
    ("value_map", ["?"], {"map": {}, "default": None}, None),
    ("value_map", [["A", "b"]], {"map": {"a": 1, "B": 2}}, [1, 2]),
    ("lookup", ["TR"], {"model": "res.country", "by": ["code", "name"]},
     Lookup("res.country", "TR", ("code", "name"))),
    ("lookup", [], {"model": "mail.message.subtype", "by": ["xmlid"], "value": "mail.mt_note"},
     Lookup("mail.message.subtype", "mail.mt_note", ("xmlid",))),
    ("ref", ["12"], {"object": "company"}, Ref("company", "12")),
    ("ref", [None], {"object": "company"}, None),
    ("refs", [["1", "2", "1"], "3"], {"object": "tag"}, Refs("tag", ("1", "2", "3"))),
    ("owner", ["7"], {}, Ref("user", "7")),
    ("owner", ["7"], {"as": "partner"}, Ref("user", "7", via="partner_id")),
    ("record_ref", [None, "9"], {"objects": ["contact", "deal"], "model_field": "res_model_id",
                                 "model_field_kind": "ir_model"},
     RecordRef((Ref("deal", "9"),), "res_model_id", "ir_model")),
    ("record_ref", [None, None], {"objects": ["contact", "deal"]}, None),
    ("constant", [], {"value": "tr_TR"}, "tr_TR"),
    ("template", ["Call", "Bob"], {"format": "{0}: {1}"}, "Call: Bob"),
    ("template", [None, None], {"format": "{0}: {1}"}, None),
])
def test_happy_paths(name: str, values: list[Any], params: dict[str, Any], expected: Any) -> None:
    assert run(name, values, **params) == expected


@pytest.mark.parametrize(("name", "values", "params", "message"), [
    ("text", ["abcdef"], {"max_length": 3}, "longer than 3"),
    ("date", ["2024/31/12"], {"format": "%Y/%m/%d"}, "not a date"),
    ("datetime", ["yesterday"], {}, "not a date-time"),
    ("number", ["abc"], {}, "not a number"),
    ("number", ["1.5"], {"integer": True}, "not a whole number"),
    ("boolean", ["belki"], {}, "not a yes/no"),
    ("phone", ["call me"], {}, "not a phone number"),
    ("phone", ["12"], {}, "not a possible phone number"),
    ("email", ["ada at example"], {}, "not an email"),
    ("value_map", ["Maybe"], {"map": {"Won": 1}}, "not in the value map"),
    ("lookup", ["TR"], {}, "needs params.model"),
    ("template", ["a"], {"format": "{0} {1}"}, "does not fit"),
])
def test_errors(name: str, values: list[Any], params: dict[str, Any], message: str) -> None:
    with pytest.raises(TransformError, match=message):
        run(name, values, **params)


def test_every_transform_is_covered_and_lossy_ones_are_known() -> None:
    assert set(TRANSFORMS) == {"copy", "text", "join", "split", "date", "datetime", "number", "boolean", "phone",
                               "email", "html", "value_map", "lookup", "ref", "refs", "owner", "record_ref",
                               "constant", "template", "taxes", "end", "name_or"}
    assert set(TRANSFORMS) >= LOSSY_TRANSFORMS


@pytest.mark.parametrize(("value", "params", "percent"), [
    (20, {}, 20.0), ("18 %", {}, 18.0), ("0,18", {"decimal": ",", "fraction": True}, 18.0), ("0", {}, 0.0),
    (7.25, {}, 7.25),
])
def test_taxes_reads_a_percentage(value: Any, params: dict[str, Any], percent: float) -> None:
    assert run("taxes", [value], **params) == TaxRate(percent)


def test_taxes_empty_is_no_opinion_and_garbage_is_an_error() -> None:
    assert run("taxes", [""]) is None
    with pytest.raises(TransformError, match="not a tax percentage"):
        run("taxes", ["twenty"])


def test_parse_number_and_sanitiser_edges() -> None:
    assert float(parse_number("(1.234,56)".replace("(", "-").replace(")", ""), ",")) == -1234.56
    with pytest.raises(ValueError):
        parse_number("--", ".")
    assert sanitise_html('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"
    assert sanitise_html('<a href="https://x.example">x</a>') == '<a href="https://x.example">x</a>'


@pytest.mark.parametrize(("name", "values", "params", "expected"), [
    ("ref", [32.0], {"object": "contact"}, Ref("contact", "32")),
    ("ref", [Decimal("16.0")], {"object": "deal"}, Ref("deal", "16")),
    ("refs", [[3.0, "4"]], {"object": "tag"}, Refs("tag", ("3", "4"))),
    ("owner", [2.0], {}, Ref("user", "2")),
    ("record_ref", [0.0, 32.0], {"kinds": {"0": "contact", "149": "deal"}},
     RecordRef((Ref("contact", "32"),), "model", "name")),
    ("record_ref", ["149", Decimal("16")], {"kinds": {"0": "contact", "149": "deal"}},
     RecordRef((Ref("deal", "16"),), "model", "name")),
    ("record_ref", [None, 9.0], {"objects": ["contact", "deal"]}, RecordRef((Ref("deal", "9"),), "model", "name")),
    ("ref", [2.5], {"object": "contact"}, Ref("contact", "2.5")),  # not a whole number: kept as it reads
])
def test_ids_decoded_as_numbers_read_as_the_sources_key_text(name: str, values: list[Any], params: dict[str, Any],
                                                            expected: Any) -> None:
    """A connector that decodes a numeric id column (Ontraport's object_id) gives 32.0; the record it names is
    keyed '32'."""
    assert run(name, values, **params) == expected


def test_datetime_first_set_takes_the_first_date_the_record_has_each_in_its_columns_format() -> None:
    from crm2odoo.mapping.transforms import TransformContext, t_datetime

    ctx = TransformContext()
    params = {"first_set": True, "formats": ["%m/%d/%Y %H:%M", "%d.%m.%Y"]}
    assert t_datetime(["03/04/2024 10:30", "09.09.2024"], params, ctx) == dt.datetime(2024, 3, 4, 10, 30,
                                                                                       tzinfo=dt.UTC)
    assert t_datetime(["", "09.09.2024"], params, ctx) == dt.datetime(2024, 9, 9, tzinfo=dt.UTC), \
        "no completion date: the due date"
    assert t_datetime([None, None], params, ctx) is None
    assert t_datetime(["", "09.09.2024"], {}, ctx) is None, "without first_set only the first column counts"
