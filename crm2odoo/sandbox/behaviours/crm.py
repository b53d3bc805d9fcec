"""crm.lead: partner-derived values, first stage, won/lost dates and status, predictive lead scoring counts.

Each rule names the Odoo source it imitates (addons/crm/models/crm_lead.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..exceptions import ValidationError
from .common import now, xmlid_id
from .partners import clean_website

if TYPE_CHECKING:
    from ..orm import Env
    from ..schema import Model
    from ..store import Row

PLS_MODEL = "crm.lead.scoring.frequency"


def on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    partner = env.store.get("res.partner", int(row["partner_id"])) if row.get("partner_id") else None
    if partner is not None:
        if not row.get("name") and partner.get("name"):
            row["name"] = f"{partner['name']}'s opportunity"
        for f, src in (("email_from", "email"), ("phone", "phone")):
            if not row.get(f) and partner.get(src):
                row[f] = partner[src]
    if row.get("user_id") and not row.get("team_id") and "team_id" in model.fields:
        row["team_id"] = xmlid_id(env, "sales_team.team_sales_department")
    if row.get("type") == "opportunity" and not row.get("stage_id"):
        row["stage_id"] = _first_stage(env, row.get("team_id"))
    if row.get("user_id") and not row.get("date_open"):
        row["date_open"] = now()
    row.setdefault("date_last_stage_update", now())
    won_status(env, model, row)


def after_create(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if "stage_id" in vals or "active" in vals:
        _pls_won_lost(env, row, vals, creating=True)


def before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    """crm.lead.write: won stage forces 100 %, closing sets date_closed, reopening clears it."""
    clean_website(vals)
    if "stage_id" in vals or "active" in vals:
        _pls_won_lost(env, row, vals, creating=False)
    stamp = now()
    stage_won = False
    if vals.get("stage_id"):
        stage = env.store.get("crm.stage", int(vals["stage_id"])) or {}
        if stage.get("is_won"):
            vals["probability"] = 100
            vals["automated_probability"] = 100
            stage_won = True
        vals.setdefault("date_last_stage_update", stamp)
    if vals.get("user_id") and "date_open" not in vals:
        vals["date_open"] = stamp
    if (vals.get("probability") or 0) >= 100 or not vals.get("active", True):
        vals["date_closed"] = stamp
    elif (vals.get("probability") or 0) > 0 or (vals.get("stage_id") and not stage_won and "probability" not in vals):
        vals["date_closed"] = False
    return {k: v for k, v in vals.items() if k in model.fields}


def on_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if {"active", "probability", "stage_id"} & set(vals):
        won_status(env, model, row)


def check_won_validity(env: Env, row: Row) -> None:
    """crm_lead.py (19) _check_won_validity: a lead in a won stage is at 100 %."""
    if env.registry.major >= 19 and row.get("stage_id") and float(row.get("probability") or 0) != 100:
        stage = env.store.get("crm.stage", int(row["stage_id"])) or {}
        if stage.get("is_won"):
            raise ValidationError("A lead in a Won stage cannot be lost. Move it to another stage first.")


def won_status(env: Env, model: Model, row: Row) -> None:
    """crm_lead.py _compute_won_status (19): won at 100 % in a won stage, lost when archived at 0 %."""
    if "won_status" not in model.fields:
        return
    stage = env.store.get("crm.stage", int(row["stage_id"])) or {} if row.get("stage_id") else {}
    probability = row.get("probability")
    if probability == 100 and stage.get("is_won"):
        row["won_status"] = "won"
    elif row.get("active") is False and not probability:
        row["won_status"] = "lost"
    else:
        row["won_status"] = "pending"


def _first_stage(env: Env, team_id: Any) -> int | None:
    stages = env.search_ids("crm.stage", [], active_test=False)
    for sid in stages:
        stage = env.store.get("crm.stage", sid) or {}
        if env.registry.major >= 19:
            teams = env.value(env.model("crm.stage"), sid, stage, "team_ids")
            if not teams or team_id in teams:
                return sid
        elif not stage.get("team_id") or stage.get("team_id") == team_id:
            return sid
    return None


def _pls_counts(env: Env, row: Row) -> bool:
    """crm_lead.py _pls_prepare_update_frequency_table: only opportunities created on or after crm.pls_start_date."""
    if PLS_MODEL not in env.registry.models:
        return False
    start = next((str(r.get("value") or "") for _, r in env.store.scan(
        "ir.config_parameter", [("json_extract(data, '$.key') = ?", ["crm.pls_start_date"])])), "")
    try:
        start_day = datetime.strptime(start[:10], "%Y-%m-%d").date()
    except ValueError:
        return False  # _pls_get_safe_start_date: no valid date, no counting
    return start_day.isoformat() <= str(row.get("create_date") or "")[:10]


def _pls_step(env: Env, row: Row, state: str, step: int) -> None:
    """crm_lead.py _pls_update_frequency_table, for the stage variable: a row per (stage, team), counts + or - 1,
    never below 0.1; a new row starts at 0.1 + the count. Deleting a lead counts nothing back out."""
    if not _pls_counts(env, row):
        return
    value, team = str(row.get("stage_id") or False), row.get("team_id")
    key = "won_count" if state == "won" else "lost_count"
    for fid, found in env.store.scan(PLS_MODEL):
        if found.get("variable") == "stage_id" and found.get("value") == value and found.get("team_id") == team:
            new = float(found.get(key) or 0) + step
            found[key] = new if new > 0 else 0.1
            env.store.update(PLS_MODEL, fid, found)
            return
    if step > 0:
        env.sudo_call().create(PLS_MODEL, [{"variable": "stage_id", "value": value, "team_id": team,
                                            "won_count": 0.1 + (state == "won"), "lost_count": 0.1 + (state == "lost")}])


def _pls_won_lost(env: Env, row: Row, vals: dict[str, Any], *, creating: bool) -> None:
    """crm_lead.py _handle_won_lost: the state changes a create or write makes, counted before the write (a lead
    created archived is not counted as lost: on create it is already inactive)."""
    won = {rid for rid, stage in env.store.scan("crm.stage") if stage.get("is_won")}
    active = row.get("active", True) is not False
    steps: list[tuple[str, int]] = []
    leave_won = False
    if "stage_id" in vals:
        if vals["stage_id"] and int(vals["stage_id"]) in won:
            if not creating and not (row.get("probability") or 0):
                steps.append(("lost", -1))
            steps.append(("won", 1))
        elif row.get("stage_id") in won and active and not creating:
            steps.append(("won", -1))
            leave_won = True
    if "active" in vals and not creating:
        if not vals["active"] and active:
            if row.get("stage_id") in won and not leave_won:
                steps.append(("won", -1))
            steps.append(("lost", 1))
        elif vals["active"] and not active:
            steps.append(("lost", -1))
    for state, step in steps:
        _pls_step(env, row, state, step)
