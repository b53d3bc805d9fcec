"""Ontraport connectors: the REST API (``api``) and the UI CSV exports (``csv_export``).

Importing this package registers the source (:mod:`crm2odoo.sources.registry`); the connector modules are
imported only when a project opens one.
"""

from __future__ import annotations

from crm2odoo.sources import phases
from crm2odoo.sources.registry import SourceKind, SourceRegistration, register

_API_TEMPLATE = '''[source]
kind = "ontraport"
# base_url = "https://api.ontraport.com/1"
app_id = "${ONTRAPORT_APP_ID}"        # Administration > Integrations > Ontraport API Instructions and Key Manager
api_key = "${ONTRAPORT_API_KEY}"      # read from the environment; never write the key here
'''

_CSV_TEMPLATE = '''[source]
kind = "ontraport-csv"
path = "exports/"                     # folder of CSV files exported from Ontraport (Contacts, Companies, Deals, ...)
# date_order = "dmy"                  # day-first ("dmy") or month-first ("mdy") dates, if the exports do not show it
# timezone = "America/New_York"       # the account's timezone (exports show local times)
'''

#: Ontraport's own bookkeeping on every record: tracking, billing roll-ups, sequence state. No customer data.
_BOOKKEEPING = (
    "system source", "source location", "ip addy", "ip addy display", "bindex", "email hash",
    "time since dla", "update sequence", "update campaign", "n media", "fb gender", "last inbound sms",
    "recharge", "recharge attempts", "last recharge date", "drip id",
    "item id", "rules", "notifications", "calc", "recent activity", "referral page", "program id",
    "freferrer", "lreferrer", "aff paypal", "aff sales", "aff amount", "spent", "grade", "num purchased",
    "mrc amount", "mrc unpaid", "mrc result", "mri invoice num", "mri invoice total", "unpaid invoices",
    "has membership", "total income", "total purchases", "bulk sms", "gateway id", "template id", "oprid",
    "form id", "lp id", "cc id", "offer data",
)

register(SourceRegistration(
    system="ontraport",
    kinds=(
        SourceKind("ontraport", "crm2odoo.sources.ontraport.api:OntraportApiSource",
                   keys={"base_url": False, "app_id": True, "api_key": True}, template=_API_TEMPLATE,
                   defaults={"base_url": "https://api.ontraport.com/1"}),
        SourceKind("ontraport-csv", "crm2odoo.sources.ontraport.csv_export:OntraportCsvSource",
                   keys={"path": True, "date_order": False, "timezone": False}, template=_CSV_TEMPLATE),
    ),
    load_order={
        "user": phases.USERS, "pipeline": phases.PIPELINES, "stage": phases.STAGES, "tag": phases.TAGS,
        "deal_tag": phases.TAGS, "company": phases.COMPANIES, "contact": phases.CONTACTS, "deal": phases.DEALS,
        "campaign_enrollment": phases.CAMPAIGNS, "note": phases.NOTES, "engagement": phases.ENGAGEMENT,
        "task": phases.TASKS, "product": phases.PRODUCTS, "invoice": phases.INVOICES,
        "invoice_line": phases.INVOICE_LINES, "payment": phases.PAYMENTS,
    },
    system_phrases=_BOOKKEEPING,
))
