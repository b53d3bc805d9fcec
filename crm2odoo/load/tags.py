"""Campaign enrolments: each record adds a tag (its ``category_id`` line) to an existing partner (its ``id`` line).

Nothing is created but the tags; the partners' previous tags are kept for rollback.
"""

from __future__ import annotations

from crm2odoo.ledger.db import Landing
from crm2odoo.load.context import LoadContext
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.mapping.spec import ObjectMap


def merged_tags(written: str, added: set[int]) -> str:
    """A ``category_id`` cell as written by another map, with ``added`` tag ids: sorted, comma-separated."""
    tagged = {int(i) for i in written.split(",") if i} | added
    return ",".join(str(i) for i in sorted(tagged))


def apply_tags(ctx: LoadContext, obj: ObjectMap, ids: set[str] | None, result: ObjectResult) -> ObjectResult:
    known = {r.source_id: r for r in ctx.ledger.records(obj.name)}
    per_partner: dict[int, set[int]] = {}
    landed: list[tuple[TargetRecord, int]] = []
    for target in ctx.transformed(obj, ids, result):
        row = known.get(target.source_id)
        if row is not None and row.state in ("updated", "unchanged") and row.content_hash == target.content_hash:
            result.unchanged += 1
            continue
        vals, problems, _ = ctx.resolver.resolve(target)
        partner, tag = vals.get("id"), vals.get("category_id")
        if not isinstance(partner, int) or not isinstance(tag, int):
            reason = "; ".join(p.message for p in problems) or "no contact or no campaign to tag it with"
            ctx.quarantine(obj, target.source_id, reason, target.locator, result)
            continue
        per_partner.setdefault(partner, set()).add(tag)
        landed.append((target, partner))
    if per_partner:
        _tag(ctx, obj, per_partner)
        _record(ctx, obj, landed)
        result.updated = len(landed)
    return result


def _tag(ctx: LoadContext, obj: ObjectMap, per_partner: dict[int, set[int]]) -> None:
    """Add the tags, one write per set of tags; the partners' tags before are kept for rollback."""
    partners = sorted(per_partner)
    before = {int(r["id"]): list(r["category_id"]) for r in ctx.client.read(obj.model, partners, ["category_id"])}
    ctx.ledger.save_prior(ctx.run_id, obj.model, {pid: {"category_id": [[6, 0, tags]]} for pid, tags in before.items()})
    by_tags: dict[tuple[int, ...], list[int]] = {}
    for partner, partner_tags in per_partner.items():
        by_tags.setdefault(tuple(sorted(partner_tags)), []).append(partner)
    for tag_ids, group in by_tags.items():
        ctx.client.write(obj.model, group, {"category_id": [[4, t] for t in tag_ids]}, context=ctx.context)
    # the tool's own change: what it wrote on those partners now includes the tags, so rollback and three-way
    # updates do not take them for a user's edit
    for partner_row in ctx.ledger.written_on(obj.model, partners, besides=obj.name):
        written = dict(partner_row.written or {})
        if "category_id" not in written:
            continue
        written["category_id"] = merged_tags(str(written["category_id"]), per_partner[int(partner_row.odoo_id or 0)])
        ctx.ledger.mark_landed(ctx.run_id, [Landing(partner_row.object, partner_row.source_id,
                                                    int(partner_row.odoo_id or 0), partner_row.state, written)])


def _record(ctx: LoadContext, obj: ObjectMap, landed: list[tuple[TargetRecord, int]]) -> None:
    """Each enrolment is ``updated`` on its partner (origin matched: rollback never deletes the partner)."""
    for target, partner in landed:
        ctx.ledger.mark_matched(ctx.run_id, obj.name, target.source_id, obj.model, "", partner, target.locator)
        ctx.ledger.mark_landed(ctx.run_id, [Landing(obj.name, target.source_id, partner, "updated",
                                                    {"category_id": str(target.vals.get("category_id"))})])
        ctx.ledger.set_hash(obj.name, target.source_id, target.content_hash)
