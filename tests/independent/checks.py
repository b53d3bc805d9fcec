"""Compare what a migration left (the ledger, and Odoo read back) with an account's TRUTH manifest. Each function
returns the problems it found, one readable line each; an empty list is a pass."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm2odoo.odoo.client import OdooClient
from tests.independent.truth import Link, ObjectTruth, Truth, fold

LANDED = ("created", "updated", "matched", "unchanged", "merged")


@dataclass(frozen=True)
class Row:
    object: str
    source_id: str
    model: str
    odoo_id: int | None
    state: str
    reason: str


def ledger_rows(root: Path) -> list[Row]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        return [Row(o, str(s), m, i, st, r) for o, s, m, i, st, r in
                db.execute("SELECT object, source_id, model, odoo_id, state, reason FROM records")]


def _singular(word: str) -> str:
    for tail, repl in (("ies", "y"), ("ler", ""), ("lar", ""), ("s", "")):
        if word.endswith(tail) and len(word) > len(tail) + 2:
            return word[: -len(tail)] + repl
    return word


def _norm(name: str) -> str:
    return _singular("".join(c for c in fold(name) if c.isalnum()))


def match_objects(truth: Truth, rows: list[Row]) -> dict[str, list[str]]:
    """truth object -> the ledger objects (map names) holding its records. A tool may split one source object into
    several (persons and firms of one sheet; open and done tasks): by exact name first, then by a name's first
    part (task_done -> task), then each leftover to the object sharing most of its source ids, in a model that
    object's records may land in."""
    by_object: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_object[row.object].append(row)
    out: dict[str, list[str]] = {key: [] for key in truth.objects}
    names = {key: {_norm(a) for a in (key, *obj.aliases)} for key, obj in truth.objects.items()}
    left = set(by_object)
    for exact in (True, False):
        for name in sorted(left):
            probe = _norm(name) if exact else _norm(name.split("_")[0])
            owner = next((key for key in truth.objects if probe in names[key]), None)
            if owner is not None:
                out[owner].append(name)
                left.discard(name)
    for name in sorted(left):
        ids = {r.source_id for r in by_object[name]}
        models = {r.model for r in by_object[name]}
        scored = [(len(ids & set(obj.ids)), key) for key, obj in truth.objects.items()
                  if models & set(obj.models) or (not obj.models and any(m.startswith("x_") for m in models))]
        best = max(scored, default=(0, ""))
        if best[0] > 0:
            out[best[1]].append(name)
    return out


def index(rows: list[Row], matched: dict[str, list[str]]) -> dict[tuple[str, str], Row]:
    """(truth object, source id) -> its ledger row."""
    owner_of = {name: key for key, names in matched.items() for name in names}
    return {(owner_of[r.object], r.source_id): r for r in rows if r.object in owner_of}


def outcome_problems(truth: Truth, rows: list[Row]) -> list[str]:
    """Every record landed, except those the manifest calls invalid: those end skipped or quarantined."""
    matched = match_objects(truth, rows)
    problems: list[str] = []
    seen = sorted({r.object for r in rows})
    for key, obj in truth.objects.items():
        if not matched[key]:
            problems.append(f"{key}: no record of it reached the ledger (ledger objects: {', '.join(seen) or 'none'})")
            continue
        mine = [r for r in rows if r.object in matched[key]]
        if obj.count is not None:
            landed = sum(r.state in LANDED for r in mine)
            if landed != obj.count:
                problems.append(f"{key}: {landed} of {obj.count} rows landed; "
                                + _reasons([r for r in mine if r.state not in LANDED]))
            continue
        problems.extend(_record_problems(key, obj, {r.source_id: r for r in mine}))
    return problems


def _record_problems(key: str, obj: ObjectTruth, fate: dict[str, Row]) -> list[str]:
    if fate and not set(fate) & set(obj.ids):
        landed = sum(r.state in LANDED for r in fate.values())
        return [f"{key}: the ledger keys its records by ids the source does not show (e.g. "
                f"{', '.join(sorted(fate)[:3])}; the source's ids are {', '.join(obj.ids[:3])}...); "
                f"{landed} of {len(fate)} landed, the source has {len(obj.ids)} of which {len(obj.invalid)} invalid"]
    problems: list[str] = []
    wrong: list[Row] = []
    for sid in obj.ids:
        row = fate.get(sid)
        if row is None:
            problems.append(f"{key} {sid}: not in the ledger at all")
        elif sid in obj.invalid:
            if row.state in LANDED:
                problems.append(f"{key} {sid}: landed as {row.model} although {obj.invalid[sid]}")
            elif row.state not in ("skipped", "quarantined"):
                problems.append(f"{key} {sid}: left {row.state}")
        elif row.state not in LANDED:
            wrong.append(row)
    if wrong:
        problems.append(f"{key}: {len(wrong)} of {len(obj.ids) - len(obj.invalid)} valid records not landed "
                        f"(ids {', '.join(r.source_id for r in wrong[:8])}); " + _reasons(wrong))
    extra = sorted(set(fate) - set(obj.ids))
    if extra:
        problems.append(f"{key}: the ledger has records the source does not: {', '.join(extra[:8])}")
    return problems


def _reasons(rows: list[Row]) -> str:
    counts = Counter(f"{r.state}: {r.reason[:160]}" for r in rows)
    return "; ".join(f"{n}x {reason}" for reason, n in counts.most_common(3))


class OdooView:
    """Reads back what landed, cached per model."""

    def __init__(self, client: OdooClient, truth: Truth, rows: list[Row]) -> None:
        self.client, self.truth = client, truth
        self.rows = index(rows, match_objects(truth, rows))
        self._cache: dict[tuple[str, int], dict[str, Any]] = {}

    def landed(self, ref: tuple[str, str]) -> Row | None:
        row = self.rows.get(ref)
        return row if row is not None and row.state in LANDED and row.odoo_id else None

    def read(self, model: str, odoo_id: int) -> dict[str, Any]:
        """The link, owner and tag fields the model has."""
        if (model, odoo_id) not in self._cache:
            available = self.client.fields_get(model, ["type"])
            wanted: list[str] = [f for f in ("parent_id", "partner_id", "res_model", "res_id", "model", "user_id",
                                  "category_id", "opportunity_id", "order_id", "partner_ids", "name")
                      if f in available]
            got = self.client.read(model, [odoo_id], wanted, context={"active_test": False})
            self._cache[(model, odoo_id)] = got[0] if got else {}
        return self._cache[(model, odoo_id)]


def _m2o(value: Any) -> int | None:
    if isinstance(value, list | tuple) and value:
        return int(value[0])
    return int(value) if isinstance(value, int) and value else None


def _unchecked(what: str, refs: list[tuple[str, str]], total: int) -> list[str]:
    """A check that could not look at a record because it never landed says so: no silent pass on nothing."""
    if not refs:
        return []
    shown = ", ".join(f"{k} {i}" for k, i in refs[:4])
    return [f"{len(refs)} of {total} {what} could not be checked: the record is not in Odoo (e.g. {shown})"]


def link_problems(view: OdooView) -> list[str]:
    problems: list[str] = []
    links = [link for link in view.truth.links if link.role != "order"]  # rows without ids: line_problems
    unchecked: list[tuple[str, str]] = []
    for link in links:
        if view.landed(link.child) is None or view.landed(link.parent) is None:
            unchecked.append(link.child if view.landed(link.child) is None else link.parent)
            continue
        problem = _one_link(view, link)
        if problem:
            problems.append(problem)
    return problems + _unchecked("links", unchecked, len(links))


def _one_link(view: OdooView, link: Link) -> str | None:
    child, parent = view.landed(link.child), view.landed(link.parent)
    what = f"{link.child[0]} {link.child[1]} -> {link.parent[0]} {link.parent[1]} ({link.role})"
    if child is None or parent is None:
        return None  # not landed: outcome_problems says so
    assert child.odoo_id is not None and parent.odoo_id is not None
    rec = view.read(child.model, child.odoo_id)
    if link.role == "company":
        got = _m2o(rec.get("parent_id"))
    elif link.role == "partner":
        got = _m2o(rec.get("partner_id"))
    elif link.role == "opportunity":
        got = _m2o(rec.get("opportunity_id"))
    else:  # attached: an activity, message or event on its parent record
        model = rec.get("res_model") or rec.get("model")
        if child.model == "calendar.event" and not model:
            ids = {int(i) for i in rec.get("partner_ids") or []} | {_m2o(rec.get("opportunity_id"))}
            return None if parent.odoo_id in ids else \
                f"{what}: calendar.event {child.odoo_id} is not linked to {parent.model} {parent.odoo_id} " \
                f"(res_model {rec.get('res_model')!r}, res_id {rec.get('res_id')}, partners {rec.get('partner_ids')}, " \
                f"opportunity {rec.get('opportunity_id')})"
        got = int(rec.get("res_id") or 0) if model == parent.model else None
        if model != parent.model:
            return f"{what}: {child.model} {child.odoo_id} is attached to {model!r} {rec.get('res_id')}, " \
                   f"expected {parent.model} {parent.odoo_id}"
    if got != parent.odoo_id:
        return f"{what}: {child.model} {child.odoo_id} points at {got}, expected {parent.model} {parent.odoo_id}"
    return None


def line_problems(view: OdooView, rows: list[Row]) -> list[str]:
    """Lines without ids: per quote, as many lines landed on it as the workbook lists."""
    expected = Counter(link.parent[1] for link in view.truth.links if link.role == "order")
    if not expected:
        return []
    matched = match_objects(view.truth, rows)
    lines = [r for r in rows if r.object in matched.get("quote_line", []) and r.state in LANDED and r.odoo_id]
    got: Counter[str] = Counter()
    order_to_quote = {row.odoo_id: sid for (key, sid), row in view.rows.items() if key == "quote"}
    for r in lines:
        assert r.odoo_id is not None
        order = _m2o(view.read(r.model, r.odoo_id).get("order_id"))
        got[order_to_quote.get(order, f"order {order}")] += 1
    return [f"quote {q}: {got.get(q, 0)} lines in Odoo, the workbook has {n}" for q, n in expected.items()
            if got.get(q, 0) != n]


def owner_problems(view: OdooView) -> list[str]:
    problems: list[str] = []
    names: dict[int, str] = {}
    unchecked: list[tuple[str, str]] = []
    for ref, owner in view.truth.owners.items():
        row = view.landed(ref)
        if row is None or row.odoo_id is None:
            if ref[1] not in view.truth.objects[ref[0]].invalid:
                unchecked.append(ref)
            continue
        rec = view.read(row.model, row.odoo_id)
        if "user_id" not in rec:
            continue  # a done task as a chatter message, a custom object without an owner field
        user = _m2o(rec.get("user_id"))
        if user is not None and user not in names:
            names[user] = str(view.client.read("res.users", [user], ["name"])[0]["name"])
        got = names.get(user, "") if user else ""
        if fold(got) != fold(owner):
            problems.append(f"{ref[0]} {ref[1]} ({row.model} {row.odoo_id}): owner {got or 'nobody'!r}, "
                            f"expected {owner!r}")
    return problems + _unchecked("owners", unchecked, len(view.truth.owners))


def tag_problems(view: OdooView) -> list[str]:
    problems: list[str] = []
    tag_names: dict[int, str] = {}
    unchecked: list[tuple[str, str]] = []
    for sid, expected in view.truth.tags.items():
        row = view.landed(("contact", sid))
        if row is None or row.odoo_id is None:
            unchecked.append(("contact", sid))
            continue
        ids = [int(i) for i in view.read(row.model, row.odoo_id).get("category_id") or []]
        missing = [i for i in ids if i not in tag_names]
        if missing:
            tag_names.update({int(r["id"]): str(r["name"]) for r in
                              view.client.read("res.partner.category", missing, ["name"])})
        got = {fold(tag_names[i]) for i in ids}
        if got != {fold(t) for t in expected}:
            problems.append(f"contact {sid}: tags {sorted(tag_names[i] for i in ids)}, expected {sorted(expected)}")
    return problems + _unchecked("tag sets", unchecked, len(view.truth.tags))


def summarise(problems: list[str], limit: int = 25) -> str:
    shown = problems[:limit]
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problem(s):\n" + "\n".join(shown) + more


def finding_problems(truth: Truth, info: Any) -> list[str]:
    """validate's record-level errors (``info``: its ValidationInfo) on records the manifest calls valid, or on
    records the source does not have."""
    model_of = {o.name: o.model for o in info.objects}
    errors = [f for f in info.findings if f.severity == "error"]
    rows = [Row(f.object, str(f.source_id), model_of.get(f.object, ""), None, "error", f.message) for f in errors]
    owner_of = {name: key for key, names in match_objects(truth, rows).items() for name in names}
    groups: dict[str, list[str]] = defaultdict(list)
    for f, row in zip(errors, rows, strict=True):
        key = owner_of.get(row.object)
        obj = truth.objects[key] if key else None
        if obj is None or (obj.count is None and row.source_id not in obj.ids):
            groups[f"{f.object}: rows that are no record of the source ({f.kind})"].append(
                f"{f.source_id} at {f.locator}: {f.message[:100]}")
        elif obj.count is not None or row.source_id not in obj.invalid:  # rows without ids: none is invalid
            groups[f"valid {key} records: {f.kind} {f.field or ''}".rstrip()].append(
                f"{row.source_id}: {f.message[:120]}")
    return [f"{len(found)}x {label}, e.g. {'; '.join(found[:2])}"
            for label, found in sorted(groups.items(), key=lambda item: -len(item[1]))]
