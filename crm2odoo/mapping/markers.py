"""What a transform hands the loader when a value is not plain data: references to resolve, records to find or
create in Odoo, several fields at once, a value the tool made. The loader turns each into Odoo ids or values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Ref:
    """A reference to another mapped record, resolved to its Odoo id by the loader."""

    object: str
    source_id: str
    via: str | None = None  # read this many2one of the resolved record instead (a user's 'partner_id')
    by: str = "id"  # 'name': ``source_id`` is the record's name, found among that object's records in Odoo


@dataclass(frozen=True)
class Refs:
    """References for a many2many field: resolved to ``[(6, 0, ids)]`` (or ``(4, id)`` links on delta)."""

    object: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Lookup:
    """A record that already exists in Odoo (country, state, currency), found by one of ``by`` fields."""

    model: str
    value: str
    by: tuple[str, ...] = ("name",)
    within: tuple[str, Any] | None = None  # (field, Lookup or id) narrowing, e.g. ('country_id', Lookup(...))
    create: bool = False  # create it by name when nothing matches (tags, utm sources, lost reasons)


@dataclass(frozen=True)
class RecordRef:
    """The record a note/activity/attachment belongs to: the first candidate that resolves wins."""

    candidates: tuple[Ref, ...]
    model_field: str = "model"  # the Odoo field that receives the model ('model', 'res_model', 'res_model_id')
    model_field_kind: str = "name"  # 'name': the model's technical name; 'ir_model': the ir.model id


@dataclass(frozen=True)
class TaxRate:
    """The sales taxes of a line, by percentage, found in the target Odoo.

    Sent explicitly even when 0: otherwise Odoo puts the product's or company's default tax on the line and the
    invoice total no longer matches the source's.
    """

    percent: float
    use: str = "sale"


@dataclass(frozen=True)
class Merge:
    """Several Odoo fields set at once (value maps such as Won -> {stage, probability})."""

    vals: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Derived:
    """A value the source does not hold but the tool made from another field (a contact named by its e-mail):
    loaded as ``value``, and flagged as a warning naming ``basis`` so a person can check it."""

    value: str
    basis: str
