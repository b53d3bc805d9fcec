"""Text folding that is correct for Turkish, used for header matching, dedupe keys and name lookups."""

from __future__ import annotations

import re
import unicodedata

_TR_UPPER_TO_LOWER = str.maketrans({"İ": "i", "I": "ı"})
_ASCII_FOLD = str.maketrans(
    {
        "ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g", "ç": "c", "Ç": "c",
        "ö": "o", "Ö": "o", "ü": "u", "Ü": "u", "ß": "ss", "æ": "ae", "ø": "o", "å": "a",
    }
)
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def tr_lower(text: str) -> str:
    """Lower-case with Turkish dotted/dotless i rules (İ→i, I→ı), then the usual rules."""
    return text.translate(_TR_UPPER_TO_LOWER).lower()


def fold(text: str) -> str:
    """Case- and accent-insensitive key for comparing names: 'İSTANBUL  Ltd.' and 'istanbul ltd.' are equal.

    Both I and ı fold to i, so English and Turkish spellings of the same name meet.
    """
    lowered = tr_lower(unicodedata.normalize("NFC", text.strip()))
    ascii_ish = lowered.translate(_ASCII_FOLD)
    decomposed = unicodedata.normalize("NFKD", ascii_ish)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def slug(text: str) -> str:
    """ascii snake_case identifier: 'Ödeme Tarihi (TL)' -> 'odeme_tarihi_tl'."""
    return _NON_WORD.sub("_", fold(text)).strip("_")


def plural(noun: str) -> str:
    """English plural of a noun: property -> properties, class -> classes, workshop -> workshops."""
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    if noun.endswith(("ss", "sh", "ch", "x", "z")):
        return noun + "es"
    return noun if noun.endswith("s") else noun + "s"
