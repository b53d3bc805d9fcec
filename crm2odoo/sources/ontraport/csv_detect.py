"""Which object one CSV export holds, from its columns and its file name together.

The columns decide first: the known labels (or keys, or aliases no other object shares) of each object, the id
column that names its object ('Contact ID', 'Kişi No', 'Note ID'), the leftmost id column most of all. The file
name ('Notes.csv', 'Kişiler.csv') adds its weight where it names an object; names like 'export-3.csv' add none.
A file whose own key names a thing this reader knows no export of ('Workshop ID' in Workshops.csv) is a custom
object of its own, never merged into the contacts because a few of its headers ('Title', 'Owner') are contact
labels too.
"""

from __future__ import annotations

import re
from pathlib import Path

from crm2odoo.sources.ontraport.csv_aliases import deciding_aliases
from crm2odoo.sources.ontraport.csv_profile import OBJECT_WORDS, id_header_object, unknown_id_noun
from crm2odoo.sources.ontraport.objects import CSV_FIELDS
from crm2odoo.textnorm import fold, plural, slug

#: what a file name naming the object adds to the columns' score (an id column naming it weighs 3)
_NAME_WEIGHT = 2
#: at most this score from the columns and the file's own key names an unknown thing: a custom object
_WEAK = 3
_PLURAL_TAILS = (("ies", "y"), ("ler", ""), ("lar", ""), ("en", ""), ("es", ""), ("s", ""), ("e", ""))


def _singulars(word: str) -> set[str]:
    out = {word}
    for tail, repl in _PLURAL_TAILS:
        if word.endswith(tail) and len(word) > len(tail) + 2:
            out.add(word[: -len(tail)] + repl)
    return out


def _name_words(path: Path) -> list[set[str]]:
    return [_singulars(w) for w in re.split(r"[^0-9a-z]+", fold(path.stem)) if w]


def named_object(path: Path) -> str | None:
    """The first object the file name names ('Contacts.csv', 'kisiler-2024.csv', 'contacts-with-notes.csv')."""
    for forms in _name_words(path):
        for obj, words in OBJECT_WORDS.items():
            if obj in CSV_FIELDS and forms & set(words):
                return obj
    return None


def _column_scores(header: list[str]) -> dict[str, int]:
    folded = {fold(h) for h in header}
    named_ids = {id_header_object(h)[1] for h in header}
    # the leftmost id column is the file's own key more often than a link ('Contact ID, ..., Company ID')
    first_id = next((named for h in header for reads, named in [id_header_object(h)] if reads), None)
    deciding = deciding_aliases()
    scores: dict[str, int] = {}
    for obj, columns in CSV_FIELDS.items():
        score = 0
        matched: set[str] = set()
        for key, (label, _type) in columns.items():
            if fold(label) in folded or fold(key) in folded:
                score += 3 if key == "id" else 1
                matched.add(key)
        for alias, key in deciding.get(obj, {}).items():
            if alias in folded and key not in matched:
                score += 1
                matched.add(key)
        if "id" not in matched and obj in named_ids:
            score += 3
        if obj == first_id:
            score += 2
        scores[obj] = score
    return scores


def custom_name(noun: str, path: Path) -> str:
    """custom_<plural>: the file's own name where it is the plural of the key's noun (Workshops.csv), else the
    noun made plural, so the name does not depend on how the file was called."""
    stem = slug(path.stem)
    if any(slug(noun) in _singulars(w) for w in stem.split("_")) and stem:
        return f"custom_{stem}"
    return f"custom_{plural(slug(noun) or 'object')}"


def detect_object(path: Path, header: list[str]) -> str | None:
    """The object the file holds (a CSV_FIELDS key, or custom_<name>), or None when nothing matches well enough:
    at least two column matches, or the file name and one."""
    scores = _column_scores(header)
    by_name = named_object(path)
    if by_name is not None:
        scores[by_name] = scores.get(by_name, 0) + _NAME_WEIGHT
    best, best_score = None, 1
    for obj, score in scores.items():
        if score > best_score:
            best, best_score = obj, score
    own_key = next((h for h in header if id_header_object(h)[0]), None)
    noun = unknown_id_noun(own_key) if own_key else None
    if noun and by_name is None:
        names_noun = any(slug(noun) in forms for forms in _name_words(path))
        if names_noun or best is None or best_score <= _WEAK:
            return custom_name(noun, path)
    return best


__all__ = ["custom_name", "detect_object", "named_object"]
