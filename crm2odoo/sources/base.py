"""The contract every source connector fulfils.

A connector reads one CRM (over its API or from its export files) and yields :class:`SourceRecord` objects
whose values are already *decoded* into plain Python: ``str``, ``int``, ``float``, ``decimal.Decimal``,
``bool``, ``datetime.date``, timezone-aware ``datetime.datetime`` (UTC), ``list[str]`` for multi-values,
or ``None`` for empty. Dropdown ids are turned into the labels people see; references to other records are
the other record's source id as ``str`` (or ``list[str]`` for many), and the field's :class:`FieldInfo`
says which object they point to. Mapping to Odoo happens elsewhere; a connector never knows Odoo.

Object names are the canonical ones below; they appear in external IDs
(``crm2odoo.<source>_<object>_<source id>``), so they never change once released.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args, runtime_checkable

#: Canonical object names. Custom objects are ``custom_<slug>`` (slug: lowercase ascii, digits, underscores).
StandardObject = Literal[
    "company",  # organisations / accounts
    "contact",  # persons
    "user",  # owners / staff (matched to res.users, never created)
    "lead",  # unqualified leads (Planports)
    "deal",  # opportunities
    "pipeline",  # sales pipelines (-> crm.team)
    "stage",  # pipeline stages (-> crm.stage)
    "tag",  # contact / company tags (-> res.partner.category)
    "deal_tag",  # deal tags (-> crm.tag)
    "lost_reason",  # (-> crm.lost.reason)
    "note",  # notes (-> mail.message)
    "task",  # tasks / to-dos (-> mail.activity or done message)
    "activity",  # calls, emails, meetings (Planports)
    "engagement",  # opens, clicks, form submissions (Ontraport)
    "campaign_enrollment",  # contact <-> campaign membership (Ontraport)
    "product",
    "quote",
    "quote_line",
    "order",
    "order_line",
    "invoice",
    "invoice_line",
    "payment",
    "board",  # Kanban boards (-> project.project)
    "board_column",  # (-> project.task.type)
    "card",  # (-> project.task)
    "attachment",
]
STANDARD_OBJECTS: tuple[str, ...] = get_args(StandardObject)

FieldType = Literal[
    "id",  # an identifier that must stay text (leading zeros, long digits)
    "text",  # single line
    "longtext",  # multi-line plain text
    "html",
    "integer",
    "float",
    "money",  # Decimal amount; the currency, if known, is in FieldInfo.currency or another field
    "percent",  # float, 0-100
    "date",
    "datetime",
    "boolean",
    "email",
    "phone",
    "url",
    "select",  # one of FieldInfo.options (labels)
    "multiselect",  # list of FieldInfo.options (labels)
    "ref",  # source id of one record of FieldInfo.ref_object
    "refs",  # list of source ids of FieldInfo.ref_object
    "binary",  # bytes (attachment content)
]
FIELD_TYPES: tuple[str, ...] = get_args(FieldType)


@dataclass(frozen=True)
class FieldInfo:
    """One field of a source object, as discovered."""

    name: str  # key in SourceRecord.values (the source's own field key, e.g. 'firstname', 'f1234', 'E-posta')
    label: str  # what people see in the source UI
    type: FieldType
    custom: bool = False  # a field the customer added (Ontraport f####, Planports Özel Alan)
    options: tuple[str, ...] = ()  # labels for select / multiselect, in source order
    ref_object: str | None = None  # target object for ref / refs
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class ObjectInfo:
    """One object type of the source, as discovered."""

    name: str  # canonical object name (StandardObject or custom_<slug>)
    label: str  # the source's own name ('Contacts', 'Kişiler', 'Property')
    fields: tuple[FieldInfo, ...]
    count: int | None = None  # None when the source cannot count cheaply
    depends_on: tuple[str, ...] = ()  # objects this one references (for load order and sampling)
    custom: bool = False  # a customer-defined object type (-> x_ model)
    origin: str = ""  # where it came from: 'GET /Contacts', 'contacts.csv', 'Kişiler sheet of export.xlsx'
    supports_delta: bool = False  # read(since=...) returns only records modified since

    def field(self, name: str) -> FieldInfo | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class InventoryItem:
    """Something the source has that cannot be migrated; the handoff lists it for the Odoo admin."""

    kind: str  # automation_rule, sequence, campaign, form, landing_page, whatsapp_history, workflow_rule, ...
    name: str
    details: dict[str, Any] = field(default_factory=dict)  # trigger, conditions, steps, enrolled_count, ...
    advice: str = ""  # what the admin should rebuild in Odoo


@dataclass(frozen=True)
class Catalog:
    """The result of discovery."""

    source_kind: str
    objects: tuple[ObjectInfo, ...]
    inventory: tuple[InventoryItem, ...] = ()
    warnings: tuple[str, ...] = ()  # what the connector did not understand (unknown sheets, columns, endpoints)
    account: dict[str, Any] = field(default_factory=dict)  # non-secret facts: account name, timezone, currency

    def object(self, name: str) -> ObjectInfo | None:
        return next((o for o in self.objects if o.name == name), None)


@dataclass(frozen=True)
class FieldProblem:
    """A value the connector could not decode. ``field`` None means the whole row is unreadable."""

    field: str | None
    message: str
    raw: str = ""  # the raw text, cut to 200 characters


@dataclass
class SourceRecord:
    """One decoded source record.

    A row that cannot be read fully is still yielded, with ``problems`` saying what went wrong, so nothing is
    lost: the pipeline quarantines it (or drops only the bad field, per the map's policy) and the ledger shows
    which. A row with no usable id gets ``id = 'row-<n>'`` and a row-level problem.
    """

    object: str
    id: str
    values: dict[str, Any]
    locator: str = ""  # where a person finds it: 'contacts.csv row 12', 'Kişiler!A14', 'GET /Contacts id=5'
    modified_at: dt.datetime | None = None  # for delta runs (UTC)
    problems: list[FieldProblem] = field(default_factory=list)


@runtime_checkable
class Source(Protocol):
    """A connector. Instances are made by :func:`crm2odoo.sources.open_source` from the [source] config."""

    kind: str
    #: reading every record is cheap (local files): a delta reads them all and the content hash decides what
    #: changed, so a row edited without a new modified date is not missed. False for APIs: a delta asks only for
    #: records modified since the last run, and a change that did not move the modified date is not seen.
    full_read_is_cheap: bool

    def discover(self) -> Catalog:
        """Learn objects, fields (with custom fields and options), counts and the non-migratable inventory."""
        ...

    def read(
        self,
        object_name: str,
        *,
        since: dt.datetime | None = None,
        ids: Collection[str] | None = None,
    ) -> Iterator[SourceRecord]:
        """Yield records of one object, streaming (never the whole set in memory).

        ``since``: only records modified at or after it (delta runs); connectors that cannot filter yield
        everything and the caller compares content hashes. ``ids``: only these source ids (sampling parents).
        Bad rows do not raise: they are yielded with ``problems``. Errors that stop the whole read (bad
        credentials, a missing file) raise SourceAuthError / SourceError naming what to fix.
        """
        ...

    def list_ids(self, object_name: str) -> Iterator[str]:
        """Every current source id of an object (for detecting deletions in delta runs)."""
        ...

    def close(self) -> None: ...
