"""Attachments, UTM names and the records linked to another by (res_model, res_id): activities, events, messages.

Each rule names the Odoo source it imitates (ir_attachment.py, utm_mixin.py, mail_activity.py, calendar.py).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

from .. import irmodel
from .common import xmlid_id

if TYPE_CHECKING:
    from ..orm import Env
    from ..schema import Model
    from ..store import Row

#: ir_attachment.py create/write drop these from the values: Odoo derives them from the content
ATTACHMENT_DERIVED = ("file_size", "checksum", "store_fname")
#: models whose res_model is a stored related field of res_model_id (mail_activity.py, calendar_event.py)
RES_MODEL_RELATED = ("mail.activity", "calendar.event")
UTM_MODELS = ("utm.source", "utm.medium", "utm.campaign")


def drop_attachment_derived(vals: dict[str, Any]) -> None:
    for derived in ATTACHMENT_DERIVED:
        vals.pop(derived, None)


def _attachment_content(vals: dict[str, Any], *, writing: bool) -> bytes | None:
    """The bytes behind ``raw`` or ``datas`` (base64), as ir_attachment.py create / _inverse_datas decode them.

    create only stores content it was given; a write of datas or raw, even an empty one, recomputes it.
    """
    raw, datas = vals.get("raw"), vals.get("datas")
    if raw:
        return raw.encode() if isinstance(raw, str) else bytes(raw)
    if datas:
        return base64.b64decode(datas)
    if writing and ("datas" in vals or "raw" in vals):
        return b""
    return None


def attachment_values(row: Row, vals: dict[str, Any], *, writing: bool) -> None:
    """ir_attachment.py _get_datas_related_values: size and sha1 checksum of the raw bytes."""
    content = _attachment_content(vals, writing=writing)
    if content is not None:
        row["file_size"] = len(content)
        row["checksum"] = hashlib.sha1(content).hexdigest()


def _split_counter(name: str) -> tuple[str, int]:
    """"Name [3]" -> ("Name", 3); a name without a counter is number 1."""
    if name.endswith("]") and " [" in name:
        base, _, count = name[:-1].rpartition(" [")
        if count.isdigit():
            return base, int(count)
    return name, 1


def unique_utm_names(env: Env, model: str, names: list[Any], skip: int | None = None) -> list[Any]:
    """utm.mixin._get_unique_names: a taken name becomes "Name [2]", "Name [3]"... (exact match, in batch)."""
    existing = {str(r.get("name")) for i, r in env.store.scan(model) if r.get("name") and i != skip}
    used: dict[str, set[int]] = {}
    for name in names:
        if isinstance(name, str) and name:
            base = _split_counter(name)[0]
            used.setdefault(base, {_split_counter(e)[1] for e in existing if e == base or e.startswith(f"{base} [")})
    out: list[Any] = []
    for name in names:
        if not isinstance(name, str) or not name:
            out.append(name)
            continue
        base, asked = _split_counter(name)
        taken = used[base]
        count = asked if asked > 1 and asked not in taken else next(c for c in range(1, 10**6) if c not in taken)
        taken.add(count)
        out.append(f"{base} [{count}]" if count > 1 else base)
    return out


def campaign_on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    if not row.get("title"):
        row["title"] = row.get("name")
        if not row.get("stage_id"):
            row["stage_id"] = xmlid_id(env, "utm.default_utm_stage")


def res_model_before_create(env: Env, model: Model, vals: dict[str, Any]) -> None:
    """res_model is related (res_model_id.model) + readonly: Odoo drops it and derives it from res_model_id."""
    vals.pop("res_model", None)
    if not vals.get("res_model_id") and env.context.get("default_res_model"):
        vals["res_model_id"] = irmodel.model_id(env, str(env.context["default_res_model"])) or False
    if not vals.get("res_id") and env.context.get("default_res_id"):
        vals["res_id"] = env.context["default_res_id"]


def res_model_from_id(env: Env, row: Row) -> None:
    ir_model = env.store.get("ir.model", int(row.get("res_model_id") or 0)) or {}
    row["res_model"] = ir_model.get("model")


def message_on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    """mail_message.py create: the author's formatted address when no sender was given."""
    author = env.store.get("res.partner", int(row["author_id"])) if row.get("author_id") else None
    if author is not None and not row.get("email_from") and author.get("email"):
        row["email_from"] = f'"{author.get("name")}" <{author["email"]}>'


def event_after_create(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    """crm/models/calendar.py: a meeting created with its opportunity logs "Meeting scheduled at …" there."""
    if row.get("opportunity_id") and "crm.lead" in env.registry.models:
        env.sudo_call().create("mail.message", [{
            "model": "crm.lead", "res_id": int(row["opportunity_id"]), "message_type": "notification",
            "body": f"<p>Meeting scheduled at {row.get('start')}<br/>Subject: {row.get('name')}</p>"}])
