"""One function per command. The CLI calls exactly one of these; they never print (they return *Info objects
and report progress through an ``events`` callback).

Each command lives in a module of this package (discovery, approval, migration, checks, runs; context holds what
they share); every name is imported here, so ``crm2odoo.api.X`` is the one address callers use.
"""

from __future__ import annotations

from crm2odoo.api.approval import ApproveInfo, approval_state, approve, require_approval
from crm2odoo.api.automations import AutomationsInfo, automations
from crm2odoo.api.checks import reconcile, reconcile_with, validate
from crm2odoo.api.context import Context, Events, open_context, project_catalog, project_spec, quiet, transform_context
from crm2odoo.api.discovery import (
    LOSSY_OBJECTS,
    DiscoveryInfo,
    PlanInfo,
    discover,
    grade,
    init_project,
    measured_throughput,
    object_fit,
    plan,
)
from crm2odoo.api.migration import MigrateInfo, migrate, migrate_dry_run, preflight, run_shortfall
from crm2odoo.api.runs import StatusInfo, inventory, rollback, rollback_plan, run_state, status, write_addon
from crm2odoo.api.sampling import sample_ids
from crm2odoo.mapping.spec import load_spec  # callers read a project's map through the api too

__all__ = [
    "LOSSY_OBJECTS",
    "ApproveInfo",
    "AutomationsInfo",
    "Context",
    "DiscoveryInfo",
    "Events",
    "MigrateInfo",
    "PlanInfo",
    "StatusInfo",
    "approval_state",
    "approve",
    "automations",
    "discover",
    "grade",
    "init_project",
    "inventory",
    "load_spec",
    "measured_throughput",
    "migrate",
    "migrate_dry_run",
    "object_fit",
    "open_context",
    "plan",
    "preflight",
    "project_catalog",
    "project_spec",
    "quiet",
    "reconcile",
    "reconcile_with",
    "require_approval",
    "rollback",
    "rollback_plan",
    "run_shortfall",
    "run_state",
    "sample_ids",
    "status",
    "transform_context",
    "validate",
    "write_addon",
]
