"""Values read back against the manifest: named fields (an amount, a date) and texts that must show somewhere on the
record whichever field the map chose (a dropdown's label, a list's labels, a pipeline's name), never an option id
or a raw ``*/*`` string."""

from __future__ import annotations

from typing import Any

from tests.independent.checks import OdooView
from tests.independent.truth import ANYWHERE, fold

TEXTUAL = ("char", "text", "html", "selection", "many2one", "many2many")


def _shown(view: OdooView, model: str, odoo_id: int, cache: dict[str, dict[str, Any]]) -> list[str]:
    """Every text the record shows: its own text fields, selection labels, the names of the records it links to."""
    if model not in cache:
        cache[model] = view.client.fields_get(model, ["type", "selection", "relation"])
    fields = {name: meta for name, meta in cache[model].items() if meta.get("type") in TEXTUAL
              and not name.startswith(("message_", "activity_", "website_message", "access_"))}
    record = view.client.read(model, [odoo_id], sorted(fields), context={"active_test": False})[0]
    out: list[str] = []
    for name, meta in fields.items():
        value = record.get(name)
        if not value:
            continue
        if meta["type"] == "selection":
            out.append(str(dict(meta.get("selection") or []).get(value, value)))
        elif meta["type"] == "many2one" and isinstance(value, list):
            out.append(str(value[1]))
        elif meta["type"] == "many2many" and meta.get("relation"):
            out.extend(str(r["display_name"]) for r in view.client.read(str(meta["relation"]), list(value)[:50],
                                                                          ["display_name"]))
        else:
            out.append(str(value))
    return out


def value_problems(view: OdooView) -> list[str]:
    problems: list[str] = []
    cache: dict[str, dict[str, Any]] = {}
    unchecked = 0
    for ref, expected in view.truth.values.items():
        row = view.landed(ref)
        if row is None or row.odoo_id is None:
            unchecked += 1
            continue
        what = f"{ref[0]} {ref[1]} ({row.model} {row.odoo_id})"
        named = {k: v for k, v in expected.items() if k != ANYWHERE}
        if named:
            got = view.client.read(row.model, [row.odoo_id], sorted(named))[0]
            for field, want in named.items():
                have = got.get(field)
                same = abs(float(have or 0) - want) < 0.01 if isinstance(want, float) else \
                    str(have or "")[:len(str(want))] == str(want)
                if not same:
                    problems.append(f"{what}: {field} is {have!r}, the source says {want!r}")
        if expected.get(ANYWHERE):
            shown = _shown(view, row.model, row.odoo_id, cache)
            folded = [fold(s) for s in shown]
            missing = [t for t in expected[ANYWHERE] if not any(fold(t) in s for s in folded)]
            raw = [s for s in shown if "*/*" in s]
            said = ([f"shows nowhere {missing}"] if missing else []) + ([f"raw list text {raw[:2]}"] if raw else [])
            if said:
                problems.append(f"{what}: " + "; ".join(said))
    if unchecked:
        problems.append(f"{unchecked} of {len(view.truth.values)} records with expected values are not in Odoo")
    return problems
