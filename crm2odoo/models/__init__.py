"""What the tool knows about each Odoo model it writes: one record per model, and nothing about it elsewhere.

The loader, create, rollback, the addon, validate and the proposer read these records; none keeps its own table.
A model the tool writes without any rule of its own gets ``OdooModel(name)``: every rule empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Action:
    """A state change the map may ask for after loading (``options.actions``), and how rollback undoes it."""

    call: str
    #: loaded fields the method overwrites; they are written back after it runs
    overwrites: tuple[str, ...] = ()
    #: the method rollback calls before deleting a record the action ran on
    undo: str | None = None


@dataclass(frozen=True)
class OdooModel:
    name: str
    #: the fields that tell one new record from another when it is sent by ``create`` (orphans are adopted by them);
    #: empty: the model is sent by ``load`` with external IDs only
    identity: tuple[str, ...] = ()
    #: fields the model's write() overwrites when other fields change; on updates they are written again, alone
    write_overwrites: tuple[str, ...] = ()
    #: values that keep Odoo from acting on migrated records
    defaults: dict[str, Any] = field(default_factory=dict)
    #: fields Odoo sets itself when the tool leaves them empty, beyond DEFAULT_SENSITIVE
    odoo_fills: frozenset[str] = frozenset()
    #: the method Odoo needs before it lets a record of this model be deleted
    pre_unlink: str | None = None


#: set by Odoo on every write, never ours to snapshot or restore
LOG_ACCESS = frozenset({"create_date", "create_uid", "write_date", "write_uid"})

#: fields whose emptiness is not sent as an explicit False: Odoo's default matters (the first stage, the current
#: user and company, the time of the load for a message's or a task's date; a meeting's attendees, which
#: calendar.event.create iterates, so an explicit False fails there: "'bool' object is not iterable")
DEFAULT_SENSITIVE = frozenset({"stage_id", "team_id", "type", "company_id", "currency_id", "user_id", "message_type",
                               "subtype_id", "activity_type_id", "date", "date_order", "state", "move_type",
                               "partner_ids"})

ACTIONS: dict[str, Action] = {a.call: a for a in (
    # sale.order: confirm sets date_order to now; a confirmed order is cancelled before it can be deleted
    Action("action_confirm", overwrites=("date_order",), undo="action_cancel"),
    # account.move: posting keeps invoice_date, and a posted move refuses changes to it; reset to draft to delete
    Action("action_post", undo="button_draft"),
)}

#: tables Odoo changes as a side effect of what a run loads and that nobody may write over the API, kept whole before
#: the run so rollback can tell exactly what the run changed there: predictive lead scoring counts every deal created
#: won or lost by its values (crm_lead.py _handle_won_lost), deleting the deal does not count it out again, and no
#: group may write or delete these rows (crm/security/ir.model.access.csv); Odoo's scheduled job recomputes them
SIDE_TABLES: dict[str, tuple[str, ...]] = {"crm.lead.scoring.frequency": ("won_count", "lost_count")}

_MODELS: dict[str, OdooModel] = {m.name: m for m in (
    OdooModel(
        "res.partner",
        identity=("name", "email", "is_company"),
    ),
    OdooModel(
        "crm.lead",
        identity=("name", "type", "partner_id"),
        # closing sets date_closed to now (crm_lead.py, write)
        write_overwrites=("date_closed",),
        # crm_iap_enrich would enrich new leads, spending credits
        defaults={"iap_enrich_done": True},
        # crm.lead.write stamps date_closed with the time of the write on a won or lost lead
        odoo_fills=frozenset({"date_closed", "date_last_stage_update", "date_open"}),
    ),
    OdooModel(
        "mail.message",
        identity=("model", "res_id", "message_type", "date"),
        odoo_fills=frozenset({"date"}),
    ),
    # project.task stamps date_end when it reaches a closed state (project_task.py, _compute_date_end / write)
    OdooModel("project.task", odoo_fills=frozenset({"date_end", "date_last_stage_update", "date_assign"})),
    # mail.activity's date_done is the time it is marked done (mail_activity.py, _action_done)
    OdooModel("mail.activity", odoo_fills=frozenset({"date_done"})),
    # a registered payment is reset to draft (unlinking it posted fails with "A payment with an outstanding account
    # cannot be confirmed without having a journal entry", seen on 18)
    OdooModel("account.payment", pre_unlink="action_draft"),
)}


def odoo_model(name: str) -> OdooModel:
    """The tool's record of one Odoo model (every rule empty for a model it has no rule for)."""
    return _MODELS.get(name) or OdooModel(name)


def created_models() -> frozenset[str]:
    """The models sent by ``create`` rather than ``load``."""
    return frozenset(name for name, m in _MODELS.items() if m.identity)


def side_table_mark(run_id: int, model: str) -> str:
    """The ledger meta key holding the highest id of ``model`` before run ``run_id`` wrote anything."""
    return f"run{run_id}_mark_{model}"


def undo_of(call: str) -> str | None:
    """The method rollback calls to undo the action ``call`` (None when the tool knows none)."""
    action = ACTIONS.get(call)
    return action.undo if action else None
