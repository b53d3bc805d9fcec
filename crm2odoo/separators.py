"""Which separator joins several items inside one value: learnt from a column's values, not assumed.

Exports write a multi-valued field (tags, a multi-select) as one text: Ontraport's ``*/*`` import format, commas,
semicolons, pipes or new lines. Connectors and the proposer both ask :func:`list_separator`; it is pure and sits
outside any pipeline stage so either may use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from crm2odoo.textnorm import fold

#: list separators, the unambiguous first: Ontraport's '*/*' never occurs in prose
SEPARATORS = ("*/*", "\n", "|", ";", ",")
_MAX_ITEM = 40  # an item of a tag or option list is short; a longer one is prose
_RECUR = 0.6  # share of a split value's items that must also occur elsewhere (a vocabulary, not free text)


def split_list(text: str, sep: str) -> list[str]:
    """'*/*a*/*b*/*' -> ['a', 'b']; 'a, b' -> ['a', 'b'] (empty items and padding dropped)."""
    return [part.strip() for part in text.split(sep) if part.strip()]


def list_separator(values: Iterable[Any], known: Collection[str] = ()) -> str | None:
    """The separator that joins several items in this column's values, or None when the values are single.

    A column is a list when several of its values contain the separator and the items they split into recur
    (a vocabulary of tags or options), or are known names. A value that is itself a known name (folded) is never
    split, and 'Smith, John' in a name column is not a list: its items do not recur.
    """
    texts = [str(v).strip() for v in values if isinstance(v, str) and v.strip()]
    names = {fold(k) for k in known}
    for sep in SEPARATORS:
        joined = [t for t in texts if sep in t.strip(sep) and fold(t) not in names]
        if not joined:
            continue
        if sep == "*/*":
            return sep
        counts = Counter(fold(part) for t in texts if fold(t) not in names for part in split_list(t, sep))
        items = [fold(part) for t in joined for part in split_list(t, sep)]
        if len(joined) < 2 or not items or any(len(item) > _MAX_ITEM for item in items):
            continue
        recurring = sum(1 for item in items if counts[item] >= 2 or item in names) / len(items)
        if recurring >= _RECUR and len(counts) < len(items):
            return sep
    return None


__all__ = ["SEPARATORS", "list_separator", "split_list"]
