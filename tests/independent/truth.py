"""The TRUTH manifest of a made-up account: which records exist per object, which are invalid and why, how they
link to each other, who owns them and which tags they carry. Written by the generator, read by the e2e checks."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

ANYWHERE = "*anywhere*"  # a values key: texts some field of the record must show, whichever the map chose


def fold(text: str) -> str:
    """Case- and accent-insensitive form; Turkish İ/ı/I/i all become i."""
    text = text.replace("İ", "i").replace("ı", "i").replace("I", "i")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass
class ObjectTruth:
    """One source object. ``ids`` are the record ids as the source shows them; ``invalid`` names those the source
    itself made unusable, with the reason. ``count`` replaces ``ids`` for objects whose rows carry no id."""

    key: str  # our own name: contact, company, deal, ...
    aliases: tuple[str, ...]  # what the source calls it (object names, sheet or file names)
    models: tuple[str, ...]  # Odoo models a record of it may reasonably land in
    ids: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)
    count: int | None = None

    @property
    def expected(self) -> int:
        return self.count if self.count is not None else len(self.ids)


@dataclass(frozen=True)
class Link:
    """``child`` record points at ``parent``; ``role`` says which Odoo field shows it:
    company (res.partner.parent_id), partner (partner_id), attached (res_model/res_id or model/res_id),
    opportunity (sale.order.opportunity_id), order (sale.order.line.order_id by the line's quote)."""

    child: tuple[str, str]
    role: str
    parent: tuple[str, str]


@dataclass(frozen=True)
class Owner:
    name: str
    email: str | None  # None: the export names owners, never e-mails them


@dataclass
class Truth:
    account: str
    objects: dict[str, ObjectTruth]
    links: list[Link] = field(default_factory=list)
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (object, id) -> owner's full name
    tags: dict[str, frozenset[str]] = field(default_factory=dict)  # contact id -> tag names
    # (object, id) -> Odoo field -> expected value; the field "*anywhere*" lists texts some field must show
    values: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    users: list[Owner] = field(default_factory=list)

    def add(self, key: str, aliases: tuple[str, ...], models: tuple[str, ...]) -> ObjectTruth:
        self.objects[key] = ObjectTruth(key, aliases, models)
        return self.objects[key]

    def invalid_ids(self, key: str) -> set[str]:
        return set(self.objects[key].invalid)
