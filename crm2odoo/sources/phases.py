"""The load phases, in the mission's order: schema records (users, teams, stages, tags, lost reasons) ->
companies -> contacts -> deals/leads -> notes and activities -> tasks -> quotes/orders -> invoices/payments ->
boards and cards -> custom objects -> attachments.

A source's registration (:mod:`crm2odoo.sources.registry`) puts each object it yields in one of these phases;
:mod:`crm2odoo.load.order` loads smaller phases first wherever the references between maps leave a choice.
Two sources that yield the same object put it in the same phase.
"""

from __future__ import annotations

USERS = 0
PIPELINES = 1
STAGES = 2
TAGS = 3  # partner tags, deal tags and lost reasons
COMPANIES = 10
CONTACTS = 20
LEADS = 30
DEALS = 31
CAMPAIGNS = 40
NOTES = 41
ENGAGEMENT = 42
ACTIVITIES = 43
TASKS = 50
PRODUCTS = 55
QUOTES = 60
QUOTE_LINES = 61
ORDERS = 62
ORDER_LINES = 63
INVOICES = 70
INVOICE_LINES = 71
PAYMENTS = 72
BOARDS = 80
BOARD_COLUMNS = 81
CARDS = 82
UNKNOWN = 85  # an object no source names: after everything known, before custom objects
CUSTOM = 90  # custom_* objects, which may reference any standard one
ATTACHMENTS = 95
