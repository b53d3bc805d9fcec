"""What the tool knows about each Odoo model it writes: one record per model, and nothing about it elsewhere.

The loader, create, rollback, the addon, validate and the proposer read these records; none keeps its own table.
The records live in :mod:`crm2odoo.models.catalogue` (adding a model is adding its record there); their shape in
:mod:`crm2odoo.models.record`. A model the tool has no rule for gets ``OdooModel(name)``: every rule empty.
"""

from __future__ import annotations

from crm2odoo.models.catalogue import ACTIONS, DEFAULT_SENSITIVE, LOG_ACCESS, MODELS, SIDE_TABLES
from crm2odoo.models.record import Action, FieldChange, FormView, Holder, OdooModel


def odoo_model(name: str) -> OdooModel:
    """The tool's record of one Odoo model (every rule empty for a model it has no rule for)."""
    return MODELS.get(name) or OdooModel(name)


def known_models() -> frozenset[str]:
    """Every model the tool has a record of."""
    return frozenset(MODELS)


def created_models() -> frozenset[str]:
    """The models sent by ``create`` rather than ``load``."""
    return frozenset(name for name, m in MODELS.items() if m.identity)


def lookup_searches() -> dict[str, tuple[str, ...]]:
    """model -> the fields a proposed lookup of it searches by, for every model a lookup may point at."""
    return {name: m.lookup_search for name, m in MODELS.items() if m.lookup_search}


def side_table_mark(run_id: int, model: str) -> str:
    """The ledger meta key holding the highest id of ``model`` before run ``run_id`` wrote anything."""
    return f"run{run_id}_mark_{model}"


def undo_of(call: str) -> str | None:
    """The method rollback calls to undo the action ``call`` (None when the tool knows none)."""
    action = ACTIONS.get(call)
    return action.undo if action else None


__all__ = ["ACTIONS", "DEFAULT_SENSITIVE", "LOG_ACCESS", "MODELS", "SIDE_TABLES", "Action", "FieldChange", "FormView", "Holder",
           "OdooModel", "created_models", "known_models", "lookup_searches",
           "odoo_model", "side_table_mark", "undo_of"]
