"""The shape of what the tool knows about one Odoo model: :class:`OdooModel` and the small records it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Action:
    """A state change the map may ask for after loading (``options.actions``), and how rollback undoes it."""

    call: str
    #: loaded fields the method overwrites; they are written back after it runs
    overwrites: tuple[str, ...] = ()
    #: the method rollback calls before deleting a record the action ran on
    undo: str | None = None


@dataclass(frozen=True)
class FormView:
    """The model's main form, which the addon extends with a "Migrated fields" page (same xml id on 17, 18, 19)."""

    xmlid: str
    #: the form has a notebook to add a page to; without one the fields go in a group at the end of the sheet
    has_notebook: bool = True


@dataclass(frozen=True)
class FieldChange:
    """A field renamed or removed from one major version of Odoo on."""

    field: str
    since: int
    #: the field's name from ``since`` on; None: the field is gone
    becomes: str | None = None


@dataclass(frozen=True)
class Holder:
    """A wizard row that holds a record with ``ondelete=restrict`` until Odoo's vacuum; rollback clears it first."""

    model: str
    field: str


@dataclass(frozen=True)
class OdooModel:
    name: str
    #: the Odoo module that defines the model (the addon depends on it); None: not a standard model the tool knows
    module: str | None = None
    #: the fields that tell one new record from another when it is sent by ``create`` (orphans are adopted by them);
    #: empty: the model is sent by ``load`` with external IDs only
    identity: tuple[str, ...] = ()
    #: fields the model's write() overwrites when other fields change; on updates they are written again, alone
    write_overwrites: tuple[str, ...] = ()
    #: values that keep Odoo from acting on migrated records
    defaults: dict[str, Any] = field(default_factory=dict)
    #: fields Odoo sets itself when the tool leaves them empty, beyond DEFAULT_SENSITIVE
    odoo_fills: frozenset[str] = frozenset()
    #: fields Odoo marks required but fills itself on create (defaults, computes, sequences): no line needs to
    required_filled_by_odoo: frozenset[str] = frozenset()
    #: fields required by a constraint rather than by the field definition
    required_by_constraint: frozenset[str] = frozenset()
    #: the main form the addon extends (None: the addon lists the model's fields without a view)
    form: FormView | None = None
    #: fields renamed or removed by a later version of Odoo
    field_changes: tuple[FieldChange, ...] = ()
    #: the method Odoo needs before it lets a record of this model be deleted
    pre_unlink: str | None = None
    #: the method that takes a posted or cancelled record back to draft (Odoo refuses to delete it otherwise, and
    #: refuses the method on a draft)
    reset_to_draft: str | None = None
    #: wizard rows that may still hold a record of this model when rollback deletes it
    held_by: tuple[Holder, ...] = ()
    #: records of it the tool created stay in Odoo when their run is rolled back
    kept_on_rollback: bool = False
    #: the proposer turns unrecognised source fields into new x_ fields here; elsewhere they are ignored with a reason
    takes_new_fields: bool = False
    #: the field naming the model of the record this one belongs to (res_id holds that record's id); None: no owner
    owner_model_field: str | None = None
    #: a source column linking the record a row belongs to becomes a record reference (res_id) here
    takes_record_ref: bool = False
    #: the fields a proposed lookup of this model searches by (read once by plan to judge lookups); empty: none
    lookup_search: tuple[str, ...] = ()
    #: reference data a lookup must never invent: a value that does not resolve is a wrong value
    never_created: bool = False
    #: line items, whose product link decides whether a line can load at all
    is_line: bool = False
    #: the model has phone and (before 19) mobile fields: without mobile the phone line takes the mobile
    has_phones: bool = False
    #: a reference table small enough for the resolver to read whole once instead of searching value by value; its
    #: names are then compared folded on both sides (the database's ilike does not fold 'SATIŞ SÜRECİ' and
    #: 'Satış Süreci', or ı and I, to the same text)
    read_whole: bool = False
    #: the model of the record a row belongs to -> the field that shows that record where Odoo's screens look for it
    parent_also: dict[str, str] = field(default_factory=dict)
    #: fields set by a write once the record exists, because Odoo reacts to them in create
    written_after_create: tuple[str, ...] = ()
    #: concepts that have a meaning on the model but no place to go -> why: the proposer ignores them with that reason
    ignored_concepts: dict[str, str] = field(default_factory=dict)
    #: targets that carry a file's content: reconcile compares their checksum with what Odoo stored
    content_fields: tuple[str, ...] = ()

    def field_on(self, major: int, name: str) -> str | None:
        """The name of field ``name`` on an Odoo of version ``major`` (None: the field does not exist there)."""
        for change in sorted(self.field_changes, key=lambda c: c.since):
            if major >= change.since and change.field == name:
                if change.becomes is None:
                    return None
                name = change.becomes
        return name
