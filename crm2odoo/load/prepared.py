"""A record on its way to Odoo: its cells as sent by ``load``, and what the loader learned of it on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm2odoo.mapping.engine import TargetRecord


@dataclass
class Prepared:
    target: TargetRecord
    cells: dict[str, str]
    deferred: dict[str, Any] = field(default_factory=dict)
    existing_id: int | None = None  # a record already landed (update) or matched in Odoo
    matched: bool = False
    later: dict[str, str] = field(default_factory=dict)  # cells sent in a follow-up load (a person's address)
    full: dict[str, str] | None = None  # every mapped cell, when an update sends only part of them
    resent: bool = False  # created by this run before it was interrupted; sent again
    relink: dict[str, list[list[int]]] = field(default_factory=dict)  # many2many add/remove commands (updates)
    landed_id: int | None = None  # the Odoo id once the write landed (its values are read back after the batch)
