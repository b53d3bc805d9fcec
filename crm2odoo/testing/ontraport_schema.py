"""The objects of a simulated Ontraport account as ``/objects/meta`` describes them: names, key field, fields.

Field dicts are the API's own (``alias``, ``type``, string flags, ``options`` of dropdowns); object ids are
Ontraport's (0 Contacts, 14 Tags, 46 Transactions, 149 Deals, 150 Companies, 10000+ custom objects).
"""

from __future__ import annotations

import copy
from typing import Any


def meta_field(alias: str, type_: str, **extra: Any) -> dict[str, Any]:
    """One /objects/meta field entry: editable, neither required nor unique unless ``extra`` says so."""
    out: dict[str, Any] = {"alias": alias, "type": type_, "required": "0", "unique": "0", "editable": "1",
                           "deletable": "0"}
    out.update(extra)
    return out


_f = meta_field  # short name for the tables below
_STAMPS = {"date": _f("Date Added", "timestamp"), "dlm": _f("Date Modified", "timestamp")}
_OWNER = {"owner": _f("Owner", "parent", parent_object="2")}

SALES_STAGES = {"1": "New Prospect", "2": "Qualified Lead", "3": "Demo Scheduled", "4": "Consideration",
                "5": "Committed", "6": "Closed - Won", "7": "Closed - Lost"}
PIPELINES = {"701": "New Business", "702": "Renewals"}


_CONTACT_FIELDS: dict[str, Any] = {
    "firstname": _f("First Name", "text"), "lastname": _f("Last Name", "text"), "email": _f("Email", "email"),
    "title": _f("Title", "text"), "company": _f("Company", "text"), "address": _f("Address", "address"),
    "city": _f("City", "text"), "state": _f("State", "state"), "zip": _f("Zip Code", "text"),
    "country": _f("Country", "country"), "office_phone": _f("Office Phone", "phone"),
    "sms_number": _f("SMS Number", "sms"), "website": _f("Website", "url"),
    "birthday": _f("Birthday", "fulldate"), **_STAMPS, **_OWNER,
    "contact_cat": _f("Contact Tags", "subscription"),
    "priority": _f("Priority", "drop", options={"8": "High", "9": "Medium", "10": "Low"}),
    "bulk_mail": _f("Email Status", "drop", options={"0": "Transactional Only", "1": "Single Opt-in",
                                                      "2": "Double Opt-in", "-2": "Hard Bounce",
                                                      "-5": "Under Review"}),
    "company_id": _f("Company Record", "parent", parent_object="150"),
    "unique_id": _f("Unique ID", "text", editable="0"),
    "f1557": _f("Plan", "drop", options={"586": "Gold", "587": "Silver", "588": "Bronze"}),
    "f1558": _f("Interests", "list", options={"601": "Real Estate", "602": "Finance", "603": "Travel",
                                               "604": "Yazılım", "605": "Gärten"}),
    "f1559": _f("Renewal Date", "fulldate"), "f1560": _f("Lead Score", "numeric"),
    "f1561": _f("Referral Code", "text"), "f1562": _f("VIP", "check"),
}

_OBJECTS: dict[int, dict[str, Any]] = {
    0: {"name": "Contact", "plural": "Contacts", "fields": _CONTACT_FIELDS},
    1: {"name": "Task", "plural": "Tasks", "fields": {
        "subject": _f("Subject", "text"), "details": _f("Details", "longtext"), **_OWNER,
        "contact_id": _f("Contact", "parent", parent_object="0"), "object_type_id": _f("Object Type", "numeric"),
        "date_assigned": _f("Date Assigned", "timestamp"), "date_due": _f("Due Date", "timestamp"),
        "date_complete": _f("Date Completed", "timestamp"),
        "status": _f("Status", "drop", options={"0": "Pending", "1": "Complete", "2": "Cancelled"}),
        **_STAMPS}},
    2: {"name": "User", "plural": "Users", "fields": {
        "firstname": _f("First Name", "text"), "lastname": _f("Last Name", "text"),
        "email": _f("Email", "email"), "date": _f("Date Added", "timestamp")}},
    4: {"name": "Log item", "plural": "LogItems", "fields": {
        "contact_id": _f("Contact", "parent", parent_object="0"),
        "type": _f("Type", "drop", options={"1": "Email Open", "2": "Link Click", "3": "Form Submission"}),
        "item_name": _f("Item", "text"), "date": _f("Date", "timestamp")}},
    5: {"name": "Sequence", "plural": "Sequences", "fields": {
        "name": _f("Name", "text"), "steps": _f("Steps", "numeric"), "date": _f("Date Added", "timestamp")}},
    6: {"name": "Rule", "plural": "Rules", "fields": {
        "name": _f("Name", "text"), "events": _f("Events", "longtext"), "conditions": _f("Conditions", "longtext"),
        "actions": _f("Actions", "longtext"), "pause": _f("Paused", "check"),
        "object_type_id": _f("Object Type", "numeric")}},
    7: {"name": "Message", "plural": "Messages", "fields": {
        "alias": _f("Name", "text"), "subject": _f("Subject", "text"), "type": _f("Type", "text")}},
    8: {"name": "Sequence subscriber", "plural": "SequenceSubscribers", "fields": {
        "contact_id": _f("Contact", "parent", parent_object="0"), "drip_id": _f("Sequence", "parent",
                                                                              parent_object="5"),
        "status": _f("Status", "drop", options={"0": "Active", "1": "Paused", "2": "Completed"}),
        "date": _f("Date Added", "timestamp")}},
    12: {"name": "Note", "plural": "Notes", "fields": {
        "contact_id": _f("Contact", "parent", parent_object="0"), "data": _f("Note", "longtext"),
        "author": _f("Author", "parent", parent_object="2"), "object_type_id": _f("Object Type", "numeric"),
        **_STAMPS}},
    14: {"name": "Tag", "plural": "Tags", "id_key": "tag_id", "fields": {
        "tag_id": _f("Tag ID", "numeric"), "tag_name": _f("Tag Name", "text"),
        "object_type_id": _f("Object Type", "numeric")}},
    16: {"name": "Product", "plural": "Products", "fields": {
        "name": _f("Product Name", "text"), "price": _f("Price", "price"), "sku": _f("SKU", "text"),
        "description": _f("Product Description", "longtext"), "taxable": _f("Taxable", "check"), **_STAMPS}},
    17: {"name": "Purchase", "plural": "Purchases", "fields": {
        "contact_id": _f("Contact", "parent", parent_object="0"),
        "product_id": _f("Product", "parent", parent_object="16"),
        "invoice_id": _f("Invoice", "parent", parent_object="46"), "name": _f("Name", "text"),
        "price": _f("Price", "price"), "quantity": _f("Quantity", "numeric"),
        "discount": _f("Discount", "price"), "total_price": _f("Total", "price"),
        "status": _f("Status", "drop", options={"0": "Collections", "1": "Paid", "2": "Declined",
                                                 "3": "Voided", "4": "Refunded"}), **_STAMPS}},
    20: {"name": "Landing page", "plural": "LandingPages", "fields": {
        "name": _f("Name", "text"), "domain": _f("Domain", "text"), "visits_0": _f("Visits", "numeric")}},
    22: {"name": "Form", "plural": "Forms", "id_key": "form_id", "fields": {
        "form_id": _f("Form ID", "numeric"), "formname": _f("Name", "text"), "type": _f("Type", "numeric"),
        "fillouts": _f("Fillouts", "numeric"), "visits": _f("Visits", "numeric")}},
    46: {"name": "Transaction", "plural": "Transactions", "fields": {
        "contact_id": _f("Contact", "parent", parent_object="0"),
        "status": _f("Status", "drop", options={"0": "Unpaid", "1": "Paid", "2": "Refunded",
                                                 "3": "Partially Refunded", "4": "Void", "5": "Declined",
                                                 "6": "Written Off", "7": "Pending"}),
        "subtotal": _f("Subtotal", "price"), "tax": _f("Tax", "price"), "shipping": _f("Shipping", "price"),
        "total": _f("Total", "price"), "offer_data": _f("Offer Data", "longtext"), **_STAMPS}},
    138: {"name": "Tag subscriber", "plural": "TagSubscribers", "fields": {
        "object_id": _f("Record", "numeric"), "tag_id": _f("Tag", "parent", parent_object="14"),
        "object_type_id": _f("Object Type", "numeric")}},
    140: {"name": "Campaign", "plural": "CampaignBuilderItems", "fields": {
        "name": _f("Name", "text"), "subscribers": _f("Subscribers", "numeric"), "pause": _f("Paused", "check"),
        **_STAMPS}},
    149: {"name": "Deal", "plural": "Deals", "fields": {
        "name": _f("Deal Name", "text"), "value": _f("Deal Value", "price"),
        "expected_close_date": _f("Expected Close Date", "fulldate"),
        "actual_close_date": _f("Actual Close Date", "fulldate"),
        "expected_win_percent": _f("Expected Win %", "numeric"),
        "primary_contact": _f("Primary Contact", "parent", parent_object="0"),
        "company": _f("Deal Company", "parent", parent_object="150"),
        "sales_stage": _f("Sales Stage", "drop", options=dict(SALES_STAGES)), **_OWNER, **_STAMPS,
        "f2101": _f("Pipeline", "drop", options=dict(PIPELINES)),
        "f2102": _f("Deal Source", "text")}},
    150: {"name": "Company", "plural": "Companies", "fields": {
        "name": _f("Company Name", "text"), "phone": _f("Phone", "phone"), "industry": _f("Industry", "text"),
        "description": _f("Description", "longtext"), "annual_revenue": _f("Annual Revenue", "price"),
        "employee_count": _f("Employee Count", "numeric"), "address": _f("Address", "address"),
        "city": _f("City", "text"), "state": _f("State", "state"), "zipcode": _f("Zip Code", "text"),
        "country": _f("Country", "country"), **_OWNER, **_STAMPS}},
    10000: {"name": "Property", "plural": "Properties", "fields": {
        "f3001": _f("Property Name", "text"), "f3002": _f("Asking Price", "price"),
        "f3003": _f("Contact", "parent", parent_object="0"),
        "f3004": _f("Property Type", "drop", options={"801": "House", "802": "Apartment", "803": "Land"}),
        "f3005": _f("Listed On", "fulldate"), **_OWNER, **_STAMPS}},
}


def schema() -> dict[int, dict[str, Any]]:
    """objectID -> {'name', 'plural', 'id_key', 'fields'}; a fresh copy, since an account may change its own."""
    return copy.deepcopy(_OBJECTS)


#: Payments (227, since 2025): one row per charge or refund of a transaction; a refund is an amount below zero
PAYMENT_OBJECT = {"name": "Payment", "plural": "Payments", "fields": {
    "transaction_id": _f("Transaction", "parent", parent_object="46"),
    "contact_id": _f("Contact", "parent", parent_object="0"), "amount": _f("Amount", "price"), **_STAMPS}}
