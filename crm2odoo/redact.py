"""Keeping secrets out of logs, the ledger, reports and exceptions."""

from __future__ import annotations

import re
import threading
from typing import Any

_lock = threading.Lock()
_known: set[str] = set()


class Secret:
    """A secret value. ``str()`` and ``repr()`` never show it; call :meth:`reveal` at the network edge only."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        if len(value) >= 4:
            with _lock:
                _known.add(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("secret", self._value))


_PATTERNS = [
    re.compile(r"(?i)(authorization\s*[:=]\s*)(bearer\s+)?[^\s,;'\"]+"),
    # key=value (query strings, URLs, reprs) and "key": "value" (JSON); not prose like "api_key: is required"
    # a ${VARIABLE} reference names where the secret lives and is shown: hints suggest writing one
    re.compile(r"(?i)((?:api[_-]?key|api-appid|password|passwd|access_?token|secret)\s*=\s*[\"']?)(?!\$\{)[^\s,;'\"&)]+"),
    re.compile(r"(?i)([\"'](?:api[_-]?key|api-appid|password|passwd|access_?token|secret)[\"']\s*:\s*[\"'])[^'\"]+"),
]


def redact(text: Any) -> str:
    """Return ``text`` as a string with every known secret and every credential-looking pair masked."""
    out = str(text)
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in out:
            # whole tokens only: a short password such as 'admin' must not mangle the word 'administrator'
            out = re.sub(r"(?<![A-Za-z0-9])" + re.escape(value) + r"(?![A-Za-z0-9])", "***", out)
    for pattern in _PATTERNS:
        out = pattern.sub(lambda m: m.group(1) + "***", out)
    return out
