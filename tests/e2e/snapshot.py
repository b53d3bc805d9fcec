"""Before/after pictures of an Odoo database, to tell whether a rollback really left it as it was.

A snapshot holds the number of records of every model, and every stored field value of every record of the models a
migration can touch. Two snapshots are compared field by field; the differences are listed in words so a failing
test says what was left behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import OdooError
from crm2odoo.odoo.client import OdooClient

#: models whose records a migration and its rollback may create, change or delete (custom x_ models are added
#: as they appear); the counts of every other model are compared too
DATA_MODELS = (
    "res.partner", "res.partner.category", "res.partner.industry", "res.partner.bank", "crm.lead", "crm.tag",
    "crm.stage", "crm.team", "crm.lost.reason", "utm.source", "utm.medium", "utm.campaign", "mail.message",
    "mail.followers", "mail.tracking.value", "mail.activity", "calendar.event", "ir.attachment", "product.template",
    "product.product", "account.move", "account.move.line", "account.payment", "sale.order", "sale.order.line",
    "project.project", "project.task", "ir.model", "ir.model.fields", "ir.model.access", "ir.model.data",
    "crm.lead.scoring.frequency",
)
#: only the rows a migration can reach, where the whole table is large and mostly Odoo's own
DOMAINS: dict[str, list[Any]] = {
    "ir.model.fields": [["model", "in", ["res.partner", "crm.lead"]]],
    "ir.model.data": [["module", "in", ["crm2odoo", "__export__", "__import__"]]],
    "ir.attachment": [["res_model", "!=", False], ["res_field", "=", False]],
}
#: stamps every write moves on, and values Odoo derives from the clock or the last change
VOLATILE_FIELDS = {"write_date", "write_uid", "__last_update", "display_name", "date_last_stage_update",
                   "message_ids", "website_message_ids", "message_follower_ids", "activity_ids", "meeting_count",
                   "message_is_follower", "access_token"}
#: models whose counts move on their own (sessions, notifications, caches, logs, queues)
VOLATILE_MODELS = ("bus.", "ir.logging", "ir.cron", "res.users.log", "res.users.apikeys", "mail.mail",
                   "mail.notification", "ir.sessions", "auth_totp", "iap.", "ir.attachment", "ir.ui.view",
                   "ir.asset", "ir.profile", "ir.demo", "base_import.", "ir.model.constraint", "ir.model.relation",
                   "res.device", "ir.cron.trigger", "ir.cron.progress", "mail.presence", "discuss.", "web_tour.",
                   "ir.model.fields.selection")


@dataclass
class Snapshot:
    counts: dict[str, int] = field(default_factory=dict)
    rows: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)


def _stored_fields(client: OdooClient, model: str) -> list[str]:
    meta = client.fields_get(model, ["type", "store"])
    return sorted(n for n, m in meta.items() if m.get("store") and n not in VOLATILE_FIELDS
                  and m.get("type") not in ("binary", "one2many"))


def _models(client: OdooClient) -> list[str]:
    rows = client.search_read("ir.model", [["transient", "=", False]], ["model"])
    return sorted(str(r["model"]) for r in rows if not str(r["model"]).startswith(VOLATILE_MODELS))


def take(client: OdooClient, extra_models: Iterable[str] = ()) -> Snapshot:
    """Counts of every (non-transient, non-volatile) model; every stored value of the data models and x_ models."""
    snap = Snapshot()
    models = _models(client)
    for model in models:
        try:
            snap.counts[model] = client.search_count(model, [], context={"active_test": False})
        except OdooError:  # abstract or access-restricted: nothing a migration writes to
            continue
    wanted = [m for m in (*DATA_MODELS, *extra_models) if m in snap.counts] + \
        [m for m in models if m.startswith("x_") and m in snap.counts]
    for model in dict.fromkeys(wanted):
        rows = client.search_read_all(model, DOMAINS.get(model, []), _stored_fields(client, model),
                                      context={"active_test": False})
        snap.rows[model] = {int(r["id"]): r for r in rows}
    return snap


def differences(before: Snapshot, after: Snapshot, *, limit: int = 60) -> list[str]:
    """What differs, in words: counts per model, records gone or added, and each field that changed."""
    out: list[str] = []
    for model in sorted(set(before.counts) | set(after.counts)):
        was, now = before.counts.get(model), after.counts.get(model)
        if was != now:
            out.append(f"{model}: {was} records before, {now} after")
    for model in sorted(set(before.rows) | set(after.rows)):
        old, new = before.rows.get(model, {}), after.rows.get(model, {})
        for rid in sorted(set(new) - set(old)):
            out.append(f"{model} {rid}: added ({_label(new[rid])})")
        for rid in sorted(set(old) - set(new)):
            out.append(f"{model} {rid}: gone ({_label(old[rid])})")
        for rid in sorted(set(old) & set(new)):
            changed = [name for name in old[rid] if name in new[rid] and old[rid][name] != new[rid][name]]
            for name in changed:
                out.append(f"{model} {rid}.{name}: {str(old[rid][name])[:60]!r} -> {str(new[rid][name])[:60]!r}")
    return out[:limit] + ([f"... and {len(out) - limit} more"] if len(out) > limit else [])


def _label(row: dict[str, Any]) -> str:
    for name in ("name", "complete_name", "model", "body", "subject"):
        if row.get(name):
            return str(row[name])[:40]
    return ""
