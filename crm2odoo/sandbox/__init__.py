"""An Odoo-compatible test double (17.0, 18.0, 19.0) for crm2odoo's tests and ``crm2odoo demo``.

This is NOT Odoo. It answers Odoo's external API (XML-RPC, JSON-RPC and, on 19, JSON-2) from real
``fields_get`` metadata and enforces the ORM rules a migration hits: required fields, selection keys,
foreign keys and ``ondelete``, x2many commands, domains, ``load``, external IDs, custom ``x_`` models and
fields, access rights of a non-admin user, and per-call transactions. Its rule: anything it accepts that a
real Odoo rejects is a sandbox bug. ``FaultPlan`` injects the failures a real deployment shows (gateway
errors, timeouts, dropped connections, serialization failures, slowness).
"""

from __future__ import annotations

from .seed import ADMIN_API_KEY
from .server import FAULT_KINDS, FaultPlan, SandboxServer

__all__ = ["ADMIN_API_KEY", "FAULT_KINDS", "FaultPlan", "SandboxServer"]
