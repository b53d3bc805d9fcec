"""When a finished task happened: the chatter message a done task (or a logged call) becomes is dated by the best
date the source has for it: its completion date, else its due date (or planned start), else the day it was
assigned, else its last change, else its creation. A message without a date would carry the time of the load,
which says nothing about the task.

The columns are found from their headers' concepts and kept only where the sampled values read as dates; one
``datetime`` line with ``first_set`` takes the first of them that is set, each column read in its own format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crm2odoo.mapping.profile import date_format, profile_field
from crm2odoo.mapping.spec import FieldMap, ObjectMap
from crm2odoo.mapping.synonyms import concept_scores
from crm2odoo.sources.base import FieldInfo, ObjectInfo, SourceRecord

#: the concepts a done task's date is read from, best first: a planned start is the day it was due (a logged
#: call's start is when it happened)
DATE_CONCEPTS: tuple[str, ...] = ("done_date", "due_date", "start", "stop", "assigned_date", "modified", "created")
_WORDS = {"done_date": "completed", "due_date": "due", "start": "start", "stop": "end", "assigned_date": "assigned",
          "modified": "last modified", "created": "created"}
_DATE_SHARE = 0.8  # of the sampled values that are set, this share must read as dates


def _label(fi: FieldInfo) -> str:
    return fi.label or fi.name


def _is_date_column(fi: FieldInfo, recs: Sequence[SourceRecord]) -> bool:
    if fi.type in ("date", "datetime"):
        return True
    if fi.type not in ("text", "integer", "float"):
        return False
    prof = profile_field(fi.name, recs, fi.options)
    return prof.count > 0 and prof.date + prof.datetime >= _DATE_SHARE


def date_columns(obj: ObjectInfo, recs: Sequence[SourceRecord]) -> list[tuple[str, FieldInfo]]:
    """(concept, column) for each date concept the object has, best concept first; a column serves one concept."""
    out: list[tuple[str, FieldInfo]] = []
    used: set[str] = set()
    for concept in DATE_CONCEPTS:
        best: tuple[float, FieldInfo] | None = None
        for fi in obj.fields:
            score = concept_scores(fi.name, _label(fi)).get(concept, 0.0)
            if fi.name in used or score < 0.85 or (best is not None and score <= best[0]):
                continue
            if _is_date_column(fi, recs):
                best = (score, fi)
        if best is not None:
            out.append((concept, best[1]))
            used.add(best[1].name)
    return out


def _format(fi: FieldInfo, recs: Sequence[SourceRecord]) -> str | None:
    if not any(isinstance(r.values.get(fi.name), str) and r.values[fi.name].strip() for r in recs):
        return None  # the connector decoded the dates itself
    prof = profile_field(fi.name, recs, fi.options)
    return date_format(prof, prof.examples)


def dated_by_best_source(obj: ObjectInfo, omap: ObjectMap, recs: Sequence[SourceRecord]) -> None:
    """Replace the message's date line (and the lines of the columns it reads) by one line taking the first set
    of completed, due, assigned, modified and created. Nothing changes when the object has none of them."""
    found = date_columns(obj, recs)
    if not found:
        return
    sources = [fi.name for _, fi in found]
    formats = [_format(fi, recs) for _, fi in found]
    params: dict[str, Any] = {"first_set": True}
    if any(formats):
        params["formats"] = formats
    order = ", else ".join(f"{_WORDS[c]} ('{_label(fi)}')" for c, fi in found)
    line = FieldMap(source=sources if len(sources) > 1 else sources[0], target="date", transform="datetime",
                    params=params, confidence=0.9,
                    reason=f"dated when it happened: {order}; never the time of the load")
    taken = set(sources)
    kept: list[FieldMap] = []
    placed = False
    for ln in omap.fields:
        if ln.target == "date" or (ln.sources and set(ln.sources) <= taken):
            if not placed:
                kept.append(line)
                placed = True
            continue
        kept.append(ln)
    if not placed:
        kept.append(line)
    omap.fields = kept


def activity_type_line(xmlid: str = "mail.mail_activity_data_todo") -> FieldMap:
    """The activity type Odoo records on the message of an activity marked done (mail.activity._action_done):
    the chatter shows the message as that kind of activity done."""
    return FieldMap(source=None, target="mail_activity_type_id", transform="lookup",
                    params={"model": "mail.activity.type", "by": ["xmlid"], "value": xmlid},
                    confidence=0.9, reason="Odoo records the activity type on a done activity's message")


__all__ = ["DATE_CONCEPTS", "activity_type_line", "date_columns", "dated_by_best_source"]
