"""Planports connectors: Excel exports (``planports-xlsx``) and the REST API (``planports-api``).

Both emit the same canonical objects and field keys (see :mod:`crm2odoo.sources.planports.headers`), so one
default map serves either input. Value parsing lives in :mod:`.values`, shared decoding in :mod:`.decode`.
Importing this package registers the source (:mod:`crm2odoo.sources.registry`); the connector modules are
imported only when a project opens one.
"""

from __future__ import annotations

from crm2odoo.sources import phases
from crm2odoo.sources.registry import SourceKind, SourceRegistration, register

_WORKBOOK_TEMPLATE = '''[source]
kind = "planports-xlsx"
path = "planports-export.xlsx"        # one workbook, or a folder of .xlsx files
'''

_API_TEMPLATE = '''[source]
kind = "planports-api"
# base_url = "https://www.planports.com"
email = "${PLANPORTS_EMAIL}"          # the API user (<GUID>@api.planports.com)
password = "${PLANPORTS_PASSWORD}"
# [source.endpoints]                  # list endpoints not yet confirmed publicly; override if yours differ
# deal = "/api/v1/PpOpportunities"
'''

register(SourceRegistration(
    system="planports",
    kinds=(
        SourceKind("planports-xlsx", "crm2odoo.sources.planports.workbook:PlanportsWorkbookSource",
                   keys={"path": True}, template=_WORKBOOK_TEMPLATE),
        SourceKind("planports-api", "crm2odoo.sources.planports.api:PlanportsApiSource",
                   keys={"base_url": False, "email": True, "password": True, "endpoints": False},
                   template=_API_TEMPLATE, defaults={"base_url": "https://www.planports.com"}),
    ),
    load_order={
        "user": phases.USERS, "pipeline": phases.PIPELINES, "stage": phases.STAGES, "tag": phases.TAGS,
        "deal_tag": phases.TAGS, "lost_reason": phases.TAGS, "company": phases.COMPANIES,
        "contact": phases.CONTACTS, "lead": phases.LEADS, "deal": phases.DEALS, "note": phases.NOTES,
        "activity": phases.ACTIVITIES, "task": phases.TASKS, "product": phases.PRODUCTS, "quote": phases.QUOTES,
        "quote_line": phases.QUOTE_LINES, "order": phases.ORDERS, "order_line": phases.ORDER_LINES,
        "board": phases.BOARDS, "board_column": phases.BOARD_COLUMNS, "card": phases.CARDS,
        "attachment": phases.ATTACHMENTS,
    },
    # Planports' row counter and last-login stamp ride along in its exports
    system_phrases=("sira sayisi", "son giris"),
))
