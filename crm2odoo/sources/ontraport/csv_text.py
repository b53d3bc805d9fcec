"""Reading the text of a CSV export whatever its encoding, byte-order mark and delimiter.

Exports pass through spreadsheets and scripts: a UTF-8 file may carry a few bytes of another encoding (one row
pasted from a Windows program), a BOM (UTF-8 or UTF-16), and ";" or tab instead of ",". The file is decoded
line by line: as the encoding most of it is, and each line that does not decode so as the Windows encoding its
bytes suggest (charset-normalizer, with the Turkish letters as the tie-break), and those lines are remembered so
the rows holding them can be reported by number.
"""

from __future__ import annotations

import codecs
import csv
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import charset_normalizer

#: bytes that are Turkish letters in cp1254 (İ ı Ş ş Ğ ğ) and Icelandic ones in cp1252 (Ý ý Þ þ Ð ð)
_TURKISH_1254 = (b"\xdd", b"\xfd", b"\xde", b"\xfe", b"\xd0", b"\xf0")
_WINDOWS = ("cp1254", "cp1252")
_SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 50


@dataclass
class TextPlan:
    """How to turn a file's bytes into text: ``encoding`` for most lines, ``fallback`` for lines that fail it."""

    encoding: str  # utf-8, utf-8-sig, utf-16, cp1254, cp1252, latin-1
    fallback: str | None = None  # None: every line decodes as ``encoding``
    odd_lines: list[int] = field(default_factory=list)  # 1-based physical lines read with the fallback
    delimiter: str = ","

    @property
    def name(self) -> str:
        """What a person is told: 'utf-8', or 'utf-8 (3 lines as cp1252)'."""
        if not self.odd_lines or self.fallback is None:
            return self.encoding
        return f"{self.encoding} ({len(self.odd_lines)} line(s) as {self.fallback})"


def windows_encoding(sample: bytes) -> str:
    """The Windows code page of bytes that are not UTF-8: cp1254 (Turkish) or cp1252 (Western).

    charset-normalizer keeps the code pages in which the bytes read as plausible text. The two differ in six
    letters only, so text rarely tells them apart (it even finds Turkish words less chaotic in cp1252): where
    both remain, or neither, the Turkish letters decide, since a Windows export holding them is far more likely
    a Turkish Excel's than an Icelandic one."""
    plausible = {match.encoding for match in charset_normalizer.from_bytes(sample, cp_isolation=list(_WINDOWS))}
    if len(plausible) == 1:
        return plausible.pop()
    return "cp1254" if any(letter in sample for letter in _TURKISH_1254) else "cp1252"


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def plan_text(path: Path) -> TextPlan:
    """Scan the file once (streaming) and decide how to decode it."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        plan = TextPlan("utf-16")
    else:
        bom = head.startswith(codecs.BOM_UTF8)
        plan = _plan_bytes(path, "utf-8-sig" if bom else "utf-8")
    plan.delimiter = sniff_delimiter(path, plan)
    return plan


def _plan_bytes(path: Path, utf8: str) -> TextPlan:
    non_ascii = 0
    bad: list[int] = []
    sample = bytearray()  # the lines that are not UTF-8, up to _SAMPLE_BYTES: what the code page is guessed from
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            if raw.isascii():
                continue
            non_ascii += 1
            if not _decodes(raw, "utf-8"):
                bad.append(n)
                if len(sample) < _SAMPLE_BYTES:
                    sample += raw
    if not bad:
        return TextPlan(utf8)
    windows = windows_encoding(bytes(sample))
    if len(bad) * 2 > non_ascii:
        # most of the file is not UTF-8: all of it is the Windows encoding; its 5 unmapped bytes fall to latin-1
        return TextPlan(windows, fallback="latin-1", odd_lines=_undecodable(path, windows))
    return TextPlan(utf8, fallback=windows, odd_lines=bad)


def _undecodable(path: Path, encoding: str) -> list[int]:
    with path.open("rb") as fh:
        return [n for n, raw in enumerate(fh, start=1) if not raw.isascii() and not _decodes(raw, encoding)]


def text_lines(path: Path, plan: TextPlan) -> Iterator[str]:
    """The file's lines as text (line ends kept), decoded per ``plan``; a BOM is never part of the text."""
    if plan.encoding == "utf-16":
        with path.open(encoding="utf-16", newline="") as fh:
            yield from fh
        return
    odd = set(plan.odd_lines)
    with path.open("rb") as fh:
        if not odd:
            # every line in one encoding: decoded by ``map`` in C, a line at a time as below (a big export spends
            # most of its reading here); lines split on b"\n" as in binary mode, the BOM left out of the first
            encoding = plan.encoding if plan.encoding != "utf-8-sig" else "utf-8"
            first = fh.readline()
            if first.startswith(codecs.BOM_UTF8):
                first = first[len(codecs.BOM_UTF8):]
            if first:
                yield first.decode(encoding, errors="replace")
            yield from map(functools.partial(bytes.decode, encoding=encoding, errors="replace"), fh)
            return
        for n, raw in enumerate(fh, start=1):
            encoding = plan.fallback if n in odd and plan.fallback else plan.encoding
            if n == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if encoding == plan.fallback and plan.encoding.startswith("utf-8"):
                yield mixed_decode(raw, encoding)
            else:
                yield raw.decode(encoding if encoding != "utf-8-sig" else "utf-8", errors="replace")


def mixed_decode(raw: bytes, fallback: str) -> str:
    """A line that is UTF-8 but for a few bytes: the UTF-8 parts as UTF-8, only the bytes that fail as ``fallback``."""
    out: list[str] = []
    rest = raw
    while rest:
        try:
            out.append(rest.decode("utf-8"))
            break
        except UnicodeDecodeError as err:
            out.append(rest[:err.start].decode("utf-8"))
            out.append(rest[err.start:err.end].decode(fallback, errors="replace"))
            rest = rest[err.end:]
    return "".join(out)


def sniff_delimiter(path: Path, plan: TextPlan) -> str:
    """The delimiter that splits the header and the first rows into the same, largest number of columns."""
    sample: list[str] = []
    for line in text_lines(path, plan):
        sample.append(line)
        if len(sample) >= _SNIFF_LINES:
            break
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(sample, delimiter=delimiter) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agreeing = sum(1 for r in rows if len(r) == width)
        score = (agreeing, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_reader(path: Path, plan: TextPlan) -> Any:
    """A ``csv.reader`` over the decoded lines; its ``line_num`` is the physical line last read."""
    return csv.reader(text_lines(path, plan), delimiter=plan.delimiter)


__all__ = ["DELIMITERS", "TextPlan", "csv_reader", "plan_text", "sniff_delimiter", "text_lines"]
