"""What every model family's behaviour needs: the clock as Odoo stores it, xmlid lookups, e-mail normalization."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..orm import Env

#: the reflection models, whose behaviour lives in ``irmodel``
SCHEMA_MODELS = frozenset({"ir.model", "ir.model.fields", "ir.model.fields.selection"})


def now() -> str:
    return datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S")


def today() -> str:
    return datetime.utcnow().strftime("%Y-%m-%d")


def xmlid(env: Env, module: str, name: str) -> tuple[str, int] | None:
    for _, row in env.store.scan("ir.model.data", [("json_extract(data, '$.module') = ?", [module]),
                                                   ("json_extract(data, '$.name') = ?", [name])]):
        return str(row["model"]), int(row["res_id"] or 0)
    return None


def xmlid_id(env: Env, full: str) -> int | None:
    module, _, name = full.partition(".")
    found = xmlid(env, module, name)
    return found[1] if found else None


def user_partner(env: Env) -> int | None:
    pid = env.user_row().get("partner_id")
    return int(pid) if pid else None


_ADDRESS_IN_TEXT = re.compile(r"[^\s@<>,;\"']+@[^\s@<>,;\"']+")


def email_normalized(text: Any) -> str | None:
    """mail.thread.blacklist _compute_email_normalized (odoo/tools/mail.py email_normalize): one address, its
    domain lower-cased and its local part too when ASCII; anything else (none, several) is empty."""
    found: list[str] = _ADDRESS_IN_TEXT.findall(str(text or ""))
    if len(found) != 1:
        return None
    local, _, domain = found[0].rpartition("@")
    return (local.lower() if local.isascii() else local) + "@" + domain.lower()
