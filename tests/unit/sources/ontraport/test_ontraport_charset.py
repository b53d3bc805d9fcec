"""Which Windows code page the non-UTF-8 lines of an export are in: charset-normalizer first, Turkish letters as
the tie-break between cp1254 and cp1252, which text rarely tells apart."""

from __future__ import annotations

import pytest

from crm2odoo.sources.ontraport.csv_text import windows_encoding


@pytest.mark.parametrize(("text", "encoding"), [
    ("1,Şahin Ağaç İşleri Ltd. Şti.", "cp1254"),
    # long Turkish prose reads as less chaotic in cp1252; the Turkish letters still decide
    ("Müşteri adı: Öztürk Tekstil, İstanbul şubesi, ağustos ayında görüşüldü. " * 20, "cp1254"),
    ("1,Müller Straße Café", "cp1252"),
])
def test_the_turkish_letters_break_the_tie(text: str, encoding: str) -> None:
    assert windows_encoding(text.encode(encoding)) == encoding


def test_bytes_only_cp1252_can_read_are_cp1252_whatever_letters_they_share() -> None:
    # Ž (0x8e) has no place in cp1254, so Þ beside it is Icelandic, not a Turkish Ş
    assert windows_encoding("Žižek, Þór".encode("cp1252")) == "cp1252"
