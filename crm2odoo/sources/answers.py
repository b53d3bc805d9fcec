"""A source's own words from an error answer, for the message a person reads (never an HTML page, never a secret)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from crm2odoo.redact import redact


def error_words(body: str, keys: Sequence[str]) -> str:
    """The first of ``keys`` its JSON body fills (a non-text value as JSON), else the body's text; '' for HTML."""
    text = body.strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, Mapping):
        found = next((parsed[k] for k in keys if parsed.get(k) not in (None, "")), "")
        text = found if isinstance(found, str) else json.dumps(found, ensure_ascii=False)
    if text.lstrip().startswith("<"):
        return ""  # an error page says nothing a person can use
    return redact(" ".join(text.split()))[:200]


__all__ = ["error_words"]
