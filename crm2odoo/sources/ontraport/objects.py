"""The table of Ontraport object types the migration reads, and how their fields relate.

Ontraport addresses record types by numeric ``objectID``; the canonical names here are what external IDs
use, so they never change. Deals (149) and Companies (150) are only documented by secondary sources, so
discovery confirms each type against ``/objects/meta`` before reading it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crm2odoo.sources.base import FieldType


@dataclass(frozen=True)
class ObjectType:
    """One Ontraport type that maps to a canonical object."""

    name: str  # canonical object name
    object_id: int
    label: str  # Ontraport's own name
    plural: str  # the named alias for collections, used in locators
    refs: dict[str, str] = field(default_factory=dict)  # field key -> canonical object it references
    multi_refs: dict[str, str] = field(default_factory=dict)  # `*/*` id lists that reference another object
    type_overrides: dict[str, FieldType] = field(default_factory=dict)
    required: bool = False  # absence is an error worth a warning even on small accounts


_COMMON_REFS = {"owner": "user"}

#: Types read as records, in load-friendly order.
STANDARD_TYPES: tuple[ObjectType, ...] = (
    ObjectType("user", 2, "User", "Users"),
    ObjectType("tag", 14, "Tag", "Tags"),
    ObjectType("company", 150, "Company", "Companies", refs=dict(_COMMON_REFS)),
    ObjectType(
        "contact", 0, "Contact", "Contacts", required=True,
        refs={**_COMMON_REFS, "company_id": "company"}, multi_refs={"contact_cat": "tag"},
    ),
    ObjectType(
        "deal", 149, "Deal", "Deals",
        refs={**_COMMON_REFS, "primary_contact": "contact", "company": "company", "sales_stage": "stage"},
    ),
    ObjectType(
        "note", 12, "Note", "Notes", refs={**_COMMON_REFS, "contact_id": "contact", "author": "user"},
        type_overrides={"data": "html"},
    ),
    ObjectType("task", 1, "Task", "Tasks", refs={**_COMMON_REFS, "contact_id": "contact"}),
    ObjectType("product", 16, "Product", "Products", refs=dict(_COMMON_REFS)),
    ObjectType("invoice", 46, "Transaction", "Transactions", refs={**_COMMON_REFS, "contact_id": "contact"}),
    ObjectType(
        "invoice_line", 17, "Purchase", "Purchases",
        refs={**_COMMON_REFS, "contact_id": "contact", "invoice_id": "invoice", "product_id": "product"},
    ),
    ObjectType(
        "payment", 227, "Payment", "Payments",
        refs={**_COMMON_REFS, "contact_id": "contact", "invoice_id": "invoice", "transaction_id": "invoice"},
    ),
    ObjectType("engagement", 4, "Log item", "LogItems", refs={"contact_id": "contact"}),
    ObjectType("campaign_enrollment", 8, "Sequence subscriber", "SequenceSubscribers", refs={"contact_id": "contact"}),
)

BY_NAME: dict[str, ObjectType] = {t.name: t for t in STANDARD_TYPES}
BY_ID: dict[int, ObjectType] = {t.object_id: t for t in STANDARD_TYPES}

#: Canonical name of the type each objectID stands for, for `parent` fields whose meta names a parent_object.
CANONICAL_OF_ID: dict[int, str] = {t.object_id: t.name for t in STANDARD_TYPES}


@dataclass(frozen=True)
class InventoryType:
    """A type with nothing to migrate; read only to list it for the Odoo admin."""

    kind: str
    object_id: int
    plural: str
    name_keys: tuple[str, ...]
    advice: str


INVENTORY_TYPES: tuple[InventoryType, ...] = (
    InventoryType("automation_rule", 6, "Rules", ("name",),
                  "Rebuild as an Odoo automation rule (base.automation) or a server action."),
    InventoryType("sequence", 5, "Sequences", ("name",),
                  "Rebuild as an Odoo Marketing Automation campaign or scheduled activities."),
    InventoryType("campaign", 140, "CampaignBuilderItems", ("name",),
                  "Rebuild the automation map as an Odoo Marketing Automation campaign."),
    InventoryType("form", 22, "Forms", ("formname", "name"),
                  "Rebuild with the Odoo Website form builder (creating leads)."),
    InventoryType("form", 122, "OntraForms", ("formname", "name"),
                  "Rebuild with the Odoo Website form builder (creating leads)."),
    InventoryType("landing_page", 20, "LandingPages", ("name",), "Rebuild in the Odoo Website builder."),
    InventoryType("message_template", 7, "Messages", ("alias", "name", "subject"),
                  "Recreate as an Odoo mail template if still used."),
)

#: Named aliases -> objectID (singular and plural); custom objects add their own at discovery.
ALIASES: dict[str, int] = {}
for _t in STANDARD_TYPES:
    ALIASES[_t.plural] = _t.object_id
    ALIASES[_t.label.replace(" ", "")] = _t.object_id
for _i in INVENTORY_TYPES:
    ALIASES[_i.plural] = _i.object_id

CUSTOM_OBJECT_MIN_ID = 10000
DEAL_OBJECT_ID = 149
#: the record <-> tag join; the only place deals' tags are kept (contacts' are also in contact_cat)
TAG_SUBSCRIBER_ID = 138

#: Labels of standard fields as the Ontraport UI shows them (used to read UI CSV exports, whose headers are
#: labels). key -> (label, type). Labels follow the import template on the support site.
CSV_FIELDS: dict[str, dict[str, tuple[str, FieldType]]] = {
    "contact": {
        "id": ("Contact ID", "id"),
        "firstname": ("First Name", "text"),
        "lastname": ("Last Name", "text"),
        "email": ("Email", "email"),
        "title": ("Title", "text"),
        "company": ("Company", "text"),
        "address": ("Address", "text"),
        "address2": ("Address 2", "text"),
        "city": ("City", "text"),
        "state": ("State", "text"),
        "zip": ("Zip Code", "text"),
        "country": ("Country", "text"),
        "fax": ("Fax", "phone"),
        "sms_number": ("SMS Number", "phone"),
        "office_phone": ("Office Phone", "phone"),
        "birthday": ("Birthday", "date"),
        "website": ("Website", "url"),
        "date": ("Date Added", "datetime"),
        "dlm": ("Date Modified", "datetime"),
        "owner": ("Owner", "ref"),
        "contact_cat": ("Contact Tags", "refs"),
        "priority": ("Priority", "select"),
        "bulk_mail": ("Email Status", "select"),
        "company_id": ("Company Record", "ref"),
        "unique_id": ("Unique ID", "id"),
    },
    "company": {
        "id": ("Company ID", "id"),
        "name": ("Company Name", "text"),
        "phone": ("Phone", "phone"),
        "industry": ("Industry", "text"),
        "description": ("Description", "longtext"),
        "annual_revenue": ("Annual Revenue", "money"),
        "employee_count": ("Employee Count", "float"),
        "address": ("Address", "text"),
        "city": ("City", "text"),
        "state": ("State", "text"),
        "zipcode": ("Zip Code", "text"),
        "country": ("Country", "text"),
        "owner": ("Owner", "ref"),
        "date": ("Date Added", "datetime"),
        "dlm": ("Date Modified", "datetime"),
    },
    "deal": {
        "id": ("Deal ID", "id"),
        "name": ("Deal Name", "text"),
        "value": ("Deal Value", "money"),
        "expected_close_date": ("Expected Close Date", "date"),
        "actual_close_date": ("Actual Close Date", "date"),
        "expected_win_percent": ("Expected Win %", "float"),
        "primary_contact": ("Primary Contact", "ref"),
        "company": ("Deal Company", "ref"),
        "sales_stage": ("Sales Stage", "ref"),
        "owner": ("Owner", "ref"),
        "date": ("Date Added", "datetime"),
        "dlm": ("Date Modified", "datetime"),
    },
    "product": {
        "id": ("Product ID", "id"),
        "name": ("Product Name", "text"),
        "price": ("Price", "money"),
        "sku": ("SKU", "text"),
        "description": ("Product Description", "longtext"),
        "taxable": ("Taxable", "boolean"),
        "date": ("Date Added", "datetime"),
        "dlm": ("Date Modified", "datetime"),
    },
}

CSV_FIELDS.update({
    "task": {
        "id": ("Task ID", "id"),
        "subject": ("Subject", "text"),
        "details": ("Details", "longtext"),
        "owner": ("Owner", "ref"),
        "contact_id": ("Contact", "ref"),
        "date_assigned": ("Date Assigned", "datetime"),
        "date_due": ("Due Date", "datetime"),
        "date_complete": ("Date Completed", "datetime"),
        "status": ("Status", "select"),
        "date": ("Date Added", "datetime"),
        "dlm": ("Date Modified", "datetime"),
    },
    "invoice": {
        "id": ("Transaction ID", "id"),
        "contact_id": ("Contact", "ref"),
        "status": ("Status", "select"),
        "subtotal": ("Subtotal", "money"),
        "tax": ("Tax", "money"),
        "shipping": ("Shipping", "money"),
        "total": ("Total", "money"),
        "offer_data": ("Offer Data", "longtext"),
        "owner": ("Owner", "ref"),
        "date": ("Date Added", "datetime"),
        "dlm": ("Date Modified", "datetime"),
    },
    "note": {
        "id": ("Note ID", "id"),
        "contact_id": ("Contact ID", "ref"),
        "data": ("Note", "html"),
        "author": ("Author", "ref"),
        "date": ("Date Added", "datetime"),
        "dlm": ("Date Modified", "datetime"),
    },
})

#: Columns every object's export may have; a custom object's file (Workshops.csv) is read with these, its own
#: key column and its other columns as the customer's fields.
CSV_CUSTOM_FIELDS: dict[str, tuple[str, FieldType]] = {
    "id": ("ID", "id"),
    "owner": ("Owner", "ref"),
    "date": ("Date Added", "datetime"),
    "dlm": ("Date Modified", "datetime"),
}


def csv_fields(obj: str) -> dict[str, tuple[str, FieldType]]:
    """The known columns of one object's export (a custom object's: the ones every export has)."""
    return CSV_FIELDS.get(obj, CSV_CUSTOM_FIELDS)


#: Columns of the contacts-with-notes export that describe the note, not the contact.
CSV_NOTE_COLUMNS: dict[str, tuple[str, FieldType]] = {
    "data": ("Note", "html"),
    "date": ("Note Date", "datetime"),
    "author": ("Note Author", "ref"),
}

#: Other spellings seen for the same columns (UI wording differs between screens and account languages).
CSV_ALT_LABELS: dict[str, dict[str, str]] = {
    "contact": {"e-mail": "email", "tags": "contact_cat", "zip": "zip", "postal code": "zip", "phone": "office_phone",
                "mobile": "sms_number", "id": "id", "date created": "date", "last modified": "dlm"},
    "company": {"name": "name", "id": "id", "zip": "zipcode", "date created": "date"},
    "deal": {"company": "company", "name": "name", "stage": "sales_stage", "value": "value", "id": "id"},
    "product": {"name": "name", "id": "id"},
    "task": {"id": "id", "contact id": "contact_id", "due": "date_due", "completed": "date_complete",
             "assignee": "owner"},
    "invoice": {"id": "id", "contact id": "contact_id", "amount": "total", "transaction date": "date",
                "date": "date"},
    "note": {"id": "id", "contact": "contact_id", "date created": "date", "note date": "date", "created": "date",
             "note author": "author", "owner": "author", "text": "data", "body": "data"},
}
