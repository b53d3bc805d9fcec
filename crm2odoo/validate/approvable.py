"""Approve's half of "a map that cannot run is not approvable": the schema it checks the map against.

The live Odoo when it answers; otherwise the schema ``plan`` proposed against (saved next to the ledger), so a map
can still be approved offline (to write the addon first); with neither, the transform checks alone. ``migrate``
runs the same checks against the live schema before it sends anything.
"""

from __future__ import annotations

import json
from typing import Any

from crm2odoo.config import load_config
from crm2odoo.errors import ConfigError, MappingError, OdooError
from crm2odoo.mapping.spec import MappingSpec
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.project import Project
from crm2odoo.validate.engine import check_map
from crm2odoo.validate.runnable import param_problems

_SCHEMA_SNAPSHOT = "odoo-schema.json"
_SNAPSHOT_KEYS = ("type", "string", "required", "readonly", "store", "selection", "relation")


def save_schema_snapshot(project: Project, odoo_fields: Any, models: set[str]) -> None:
    """The schema plan proposed against: approve checks the map with it when Odoo cannot be reached."""
    fields = {m: {n: {k: meta[k] for k in _SNAPSHOT_KEYS if k in meta} for n, meta in f.items()}
              for m, f in odoo_fields.items()}
    (project.state_dir / _SCHEMA_SNAPSHOT).write_text(json.dumps({"fields": fields, "models": sorted(models)}),
                                                      encoding="utf-8")


def _approval_schema(project: Project, spec: MappingSpec) -> tuple[Any, set[str]] | None:
    """(fields, models) of the live Odoo; else of the schema plan used; None when neither is at hand."""
    try:
        client = OdooClient(load_config(project.root).odoo)
        try:
            schema = Schema(client)
            return schema.all_fields(sorted({o.model for o in spec.enabled_objects()})), schema.models()
        finally:
            client.close()
    except (ConfigError, OdooError):
        path = project.state_dir / _SCHEMA_SNAPSHOT
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return data["fields"], set(data["models"])


def refuse_unrunnable(project: Project, spec: MappingSpec) -> None:
    """A map that cannot run is not approvable: validate's schema and transform checks, against the live Odoo (or
    the schema plan used when Odoo cannot be reached; the transform checks alone when neither is at hand)."""
    schema = _approval_schema(project, spec)
    if schema is None:
        problems = [p for obj in spec.enabled_objects() for p in param_problems(obj)]
    else:
        problems = check_map(spec, schema[0], schema[1])
    if problems:
        raise MappingError("mapping.yaml cannot run, so it cannot be approved:\n  " + "\n  ".join(problems),
                           hint="fix these lines in mapping.yaml (or re-run `crm2odoo plan`), then approve again")


__all__ = ["refuse_unrunnable", "save_schema_snapshot"]
