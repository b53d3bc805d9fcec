"""The one e-mail check: the library's verdict, reached faster for the common address, and cleaning and masking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm2odoo.emails import clean_email, is_email, is_plain_email, library_accepts, mask_email


@pytest.mark.parametrize("text", [
    "ada@example.com", "Ada.Lovelace+news@Mail.Example.CO.UK", "ayşe.yılmaz@örnek.com.tr", "o'brien@post.de",
    "x@xn--rnek-4qa.com.tr", "maya@brightpath-coaching.example", "a@b.co",
    # special-use names reach no one over the internet, but a CRM holds them and Odoo stores them
    "ada@x.local", "ada@intranet.corp.LOCAL", "ada@x.test", "ada@shop.onion",
])
def test_addresses_are_accepted(text: str) -> None:
    assert is_email(text) and library_accepts(text)


@pytest.mark.parametrize("text", [
    "not-an-email", "ada at example", "ada@", "@example.com", "ada@@example.com", "a..b@example.com",
    "ada@example.com.", "ada @example.com", "ada@localhost", "ada@local", "ada@-x.com",
    "a_b@x_y.com", "ada@ab--cd.com", "Ada <ada@example.com>", "a@b.c1",
    "ada@" + "x" * 64 + ".com",
])
def test_non_addresses_are_refused(text: str) -> None:
    assert not is_email(text) and not library_accepts(text)


_PIECES = st.sampled_from(["a", "Z", "9", "ş", "ı", "ö", "é", "²", "_", "-", "+", "'", ".", "..", "@", " ",
                           "--", "xn--", "com", "tr", "local", "test", "\u0301", "\u200b", "ß", "Ⅳ", "٣", "x" * 63])


@settings(max_examples=600, deadline=None)
@given(local=st.lists(_PIECES, min_size=1, max_size=8), domain=st.lists(_PIECES, min_size=1, max_size=8))
def test_the_fast_path_agrees_with_the_library(local: list[str], domain: list[str]) -> None:
    text = "".join(local) + "@" + "".join(domain)
    assert is_email(text) == library_accepts(text), text


def test_cleaning_masking_and_plain_ascii() -> None:
    assert clean_email("  <mailto:Ada@Example.com> ") == "Ada@Example.com"
    assert mask_email(" ada@example.com ") == "a***@example.com"
    assert is_plain_email("Ada.L@example.com") and not is_plain_email("ayşe@örnek.com.tr")
