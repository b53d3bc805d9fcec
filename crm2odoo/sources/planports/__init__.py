"""Planports connectors: Excel exports (``planports-xlsx``) and the REST API (``planports-api``).

Both emit the same canonical objects and field keys (see :mod:`crm2odoo.sources.planports.headers`), so one
default map serves either input. Value parsing lives in :mod:`.values`, shared decoding in :mod:`.decode`.
"""
