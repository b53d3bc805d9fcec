"""The pure value parsers, including the spellings Turkish exports really use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from crm2odoo.sources.planports import decode as dec
from crm2odoo.sources.planports import values as v


@pytest.mark.parametrize(("raw", "expected"), [
    ("1.234,56", Decimal("1234.56")),
    ("1,234.56", Decimal("1234.56")),
    ("1.234.567,89", Decimal("1234567.89")),
    ("1,234,567.89", Decimal("1234567.89")),
    ("-1.234,56", Decimal("-1234.56")),
    ("(1.234,56)", Decimal("-1234.56")),
    ("12,5", Decimal("12.5")),
    ("12.5", Decimal("12.5")),
    ("1.234", Decimal("1234")),  # Turkish thousands unless the column says otherwise
    (1500, Decimal("1500")),
    (1500.25, Decimal("1500.25")),
])
def test_decimal(raw: object, expected: Decimal) -> None:
    assert v.parse_decimal(raw) == expected


def test_decimal_column_style_settles_bare_grouping() -> None:
    english = v.number_style(["1,234.56", "99.5"])
    assert english.decimal_comma is False
    assert v.parse_decimal("1.234", english) == Decimal("1.234")
    assert v.parse_decimal("1,234", english) == Decimal("1234")
    turkish = v.number_style(["2.450,00", "12,5"])
    assert turkish.decimal_comma is True
    assert v.parse_decimal("1.234", turkish) == Decimal("1234")


@pytest.mark.parametrize("raw", ["abc", "1,2,3.4.5x", "12-3", "1.23,4.5"])
def test_decimal_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        v.parse_decimal(raw)


@pytest.mark.parametrize(("raw", "amount", "currency"), [
    ("₺1.250,00", Decimal("1250.00"), "TRY"),
    ("1.250,00 TL", Decimal("1250.00"), "TRY"),
    ("€ 900", Decimal("900"), "EUR"),
    ("900 EUR", Decimal("900"), "EUR"),
    ("$1,200.00", Decimal("1200.00"), "USD"),
    ("£75,50", Decimal("75.50"), "GBP"),
    ("2.450,00", Decimal("2450.00"), None),
    (99.9, Decimal("99.9"), None),
])
def test_money(raw: object, amount: Decimal, currency: str | None) -> None:
    assert v.parse_money(raw) == (amount, currency)


def test_money_with_two_currencies_is_a_problem() -> None:
    with pytest.raises(ValueError, match="more than one currency"):
        v.parse_money("₺100 / €5")


@pytest.mark.parametrize(("raw", "expected"), [
    ("%20", 20.0), ("20%", 20.0), ("12,5%", 12.5), ("20", 20.0), (0.6, 60.0), ("0,6", 60.0), (0, 0.0), (35, 35.0),
])
def test_percent(raw: object, expected: float) -> None:
    assert v.parse_percent(raw) == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Evet", True), ("HAYIR", False), ("hayır", False), ("Var", True), ("Yok", False), ("Yes", True),
    ("no", False), ("Aktif", True), ("Pasif", False), (1, True), (0, False), ("✓", True),
])
def test_bool(raw: object, expected: bool) -> None:
    assert v.parse_bool(raw) is expected


def test_bool_rejects() -> None:
    with pytest.raises(ValueError):
        v.parse_bool("belki")


def test_dates_are_day_first() -> None:
    assert v.parse_date("01.02.2024") == dt.date(2024, 2, 1)
    assert v.parse_date("31/12/2024") == dt.date(2024, 12, 31)
    assert v.parse_date("2024-02-01") == dt.date(2024, 2, 1)
    assert v.parse_date("5 Mart 2024") == dt.date(2024, 3, 5)
    assert v.parse_date(45323) == dt.date(2024, 2, 1)  # Excel serial
    assert v.parse_date(dt.datetime(2024, 2, 1, 13, 0)) == dt.date(2024, 2, 1)


def test_slash_dates_follow_column_evidence() -> None:
    style = v.date_style(["12/31/2024", "01/02/2024"])
    assert style.day_first is False
    assert v.parse_date("01/02/2024", style) == dt.date(2024, 1, 2)
    assert v.parse_date("01.02.2024", style) == dt.date(2024, 2, 1)  # dots are always day-first


def test_datetimes_are_istanbul_local_converted_to_utc() -> None:
    got = v.parse_datetime("05.03.2024 14:12")
    assert got == dt.datetime(2024, 3, 5, 11, 12, tzinfo=dt.UTC)
    assert got.tzinfo is not None
    assert v.parse_datetime(dt.datetime(2024, 3, 5, 14, 12)) == got
    assert v.parse_datetime("2024-03-05T11:12:00Z") == got
    assert v.parse_datetime(45356.5925) .tzinfo is not None


@pytest.mark.parametrize("raw", ["32.01.2024", "hello", "31.02.2024"])
def test_bad_dates(raw: str) -> None:
    with pytest.raises(ValueError):
        v.parse_date(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("0532 123 45 67", "+905321234567"),
    ("+90 (532) 123-4567", "+905321234567"),
    ("5321234567", "+905321234567"),
    (5321234567, "+905321234567"),
    ("905321234567", "+905321234567"),
    ("(0532) 123 45 67", "+905321234567"),
    ("0212 555 12 34", "+902125551234"),
    ("+44 7700 900123", "+447700900123"),
    ("0044 7700 900123", "+447700900123"),
])
def test_phone(raw: object, expected: str) -> None:
    assert v.parse_phone(raw) == expected


def test_several_phones_in_one_cell() -> None:
    assert v.parse_phones("0532 123 45 67 / 0212 555 12 34") == ["+905321234567", "+902125551234"]


@pytest.mark.parametrize("raw", ["123", "call me", "12345678901234567"])
def test_bad_phone(raw: str) -> None:
    with pytest.raises(ValueError):
        v.parse_phone(raw)


def test_ids_stay_text() -> None:
    assert v.parse_id("000123") == "000123"
    assert v.parse_id("123456789012345678") == "123456789012345678"
    assert v.parse_id(1042) == "1042"
    assert v.parse_id(1042.0) == "1042"
    with pytest.raises(ValueError, match="scientific"):
        v.parse_id("1.23457E+17")
    with pytest.raises(ValueError):
        v.parse_id(1.2345678901234568e17)


def test_turkish_name_keys() -> None:
    assert v.name_key("İSMAİL KAYA") == v.name_key("İsmail Kaya") == "ismail kaya"
    assert v.name_key("IŞIK") == v.name_key("ışık")
    assert v.name_key("Deniz  Emlak Ltd. Şti.") == "deniz emlak ltd sti"
    assert v.loose_name_key("Deniz Emlak A.Ş.") == v.loose_name_key("Deniz Emlak Ltd. Şti.") == "deniz emlak"
    assert v.loose_name_key("Bosphorus Estates GmbH") == "bosphorus estates"


def test_vocabularies() -> None:
    assert dec.is_organisation("Tüzel Kişi") and not dec.is_organisation("GERÇEK KİŞİ")
    assert dec.deal_outcome("Kazanıldı") == "won" and dec.deal_outcome("KAYBEDİLDİ") == "lost"
    assert dec.activity_kind("Toplantı") == "meeting" and dec.activity_kind("Arama") == "call"
    assert dec.source_channel("facebook") == "Meta Instant Form"
    assert dec.source_channel(None, "Google Ads") == "Google Ads"
    assert dec.source_channel("tiktok") == "TikTok"
    assert dec.source_channel(None, "Web Form") == "Web"


def test_type_inference() -> None:
    assert dec.infer_type(["Evet", "Hayır", "Evet"])[0] == "boolean"
    assert dec.infer_type(["01.02.2024", "15.03.2024"])[0] == "date"
    assert dec.infer_type(["01.02.2024 10:00"])[0] == "datetime"
    assert dec.infer_type(["₺1.000,00", "₺250,50"])[0] == "money"
    assert dec.infer_type(["000123", "004567"])[0] == "id"
    assert dec.infer_type(["A", "B", "A", "B", "A"]) == ("select", ("A", "B"))
    assert dec.infer_type(["%10", "%25"])[0] == "percent"
    assert dec.declared_type("Çoklu Seçim") == "multiselect"
    assert dec.declared_type("Evet/Hayır") == "boolean"
