"""Pure decoders: Ontraport's string encodings -> plain Python."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crm2odoo.sources.base import FieldInfo
from crm2odoo.sources.ontraport.decode import (
    FieldCodec,
    decode_bool,
    decode_date,
    decode_decimal,
    decode_int,
    decode_row,
    decode_timestamp,
    options_of,
    parse_ui_date,
    parse_ui_datetime,
    split_list,
)


def test_timestamps_are_utc_and_zero_is_empty() -> None:
    assert decode_timestamp("1538154601") == dt.datetime(2018, 9, 28, 17, 10, 1, tzinfo=dt.UTC)
    for empty in ("0", "", None, "null"):
        assert decode_timestamp(empty) is None
    assert decode_timestamp("-86400") == dt.datetime(1969, 12, 31, tzinfo=dt.UTC)  # birthdays before 1970
    assert decode_date("1538092800") == dt.date(2018, 9, 28)
    with pytest.raises(ValueError):
        decode_timestamp("yesterday")
    with pytest.raises(ValueError):
        decode_timestamp("1538154601000000")  # microseconds, not seconds


def test_lists_numbers_and_booleans() -> None:
    assert split_list("*/*586*/*587*/*") == ["586", "587"]
    assert split_list("*/**/*") == []
    assert split_list("12") == ["12"]
    assert decode_int("42") == 42 and decode_int("42.0") == 42 and decode_int("") is None
    with pytest.raises(ValueError):
        decode_int("4.5")
    assert decode_decimal("1,250.50") == Decimal("1250.50")
    assert decode_decimal("") is None
    assert decode_bool("1") is True and decode_bool("0") is False and decode_bool("") is None
    with pytest.raises(ValueError):
        decode_bool("maybe")


def test_dropdowns_and_lists_become_labels_and_bad_values_become_problems() -> None:
    plan = FieldCodec(FieldInfo("f1557", "Plan", "select", options=("Gold", "Silver")), {"586": "Gold", "587": "Silver"})
    interests = FieldCodec(FieldInfo("f1558", "Interests", "multiselect"), {"601": "Travel", "602": "Yazılım"})
    born = FieldCodec(FieldInfo("birthday", "Birthday", "date"))
    values, problems = decode_row(
        {"f1557": "999", "f1558": "*/*601*/*602*/*777*/*", "birthday": "soon"},
        {"f1557": plan, "f1558": interests, "birthday": born},
    )
    assert values["f1557"] == "999"  # orphaned option id is kept, and reported
    assert values["f1558"] == ["Travel", "Yazılım", "777"]
    assert values["birthday"] is None
    assert {p[0] for p in problems} == {"f1557", "f1558", "birthday"}
    assert plan.decode("586") == "Gold" and plan.decode("0") is None and plan.decode("") is None


def test_meta_options_in_both_shapes() -> None:
    assert options_of({"options": {"1": "A", "2": "B"}}) == {"1": "A", "2": "B"}
    assert options_of({"options": [{"id": 1, "label": "A"}]}) == {"1": "A"}
    assert options_of({}) == {}


def test_ui_dates() -> None:
    assert parse_ui_datetime("12/26/2022 18:26:02") == dt.datetime(2022, 12, 26, 18, 26, 2, tzinfo=dt.UTC)
    assert parse_ui_datetime("2022-12-26T18:26:02Z") == dt.datetime(2022, 12, 26, 18, 26, 2, tzinfo=dt.UTC)
    assert parse_ui_datetime("26.12.2022", dayfirst=True) == dt.datetime(2022, 12, 26, tzinfo=dt.UTC)
    assert parse_ui_datetime("1538154601") == decode_timestamp("1538154601")
    assert parse_ui_date("09/24/2022") == dt.date(2022, 9, 24)
    assert parse_ui_datetime("") is None
    with pytest.raises(ValueError):
        parse_ui_datetime("31/31/2022")
