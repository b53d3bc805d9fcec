"""base.automation and its ir.actions.server (module base_automation): the checks Odoo 18 applies when they are
created or written (addons/base_automation/models/base_automation.py, ir_actions_server.py;
addons/mail/models/ir_actions_server.py; odoo/addons/base/models/ir_actions.py), so a draft the sandbox accepts
is one Odoo accepts. Odoo 19's extra rule (no negative delay: a 'before' mode instead) is applied on 19.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import ValidationError

if TYPE_CHECKING:
    from ..orm import Env
    from ..schema import Model
    from ..store import Row

#: triggers whose trigger field Odoo looks up by name (_compute_trigger_field_ids); none found: no trigger
FIELD_TRIGGERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "on_stage_set": (("many2one",), ("stage_id", "x_studio_stage_id")),
    "on_tag_set": (("many2many",), ("tag_ids", "x_studio_tag_ids")),
    "on_priority_set": (("selection",), ("priority", "x_studio_priority")),
    "on_state_set": (("selection",), ("state", "x_studio_state")),
    "on_user_set": (("many2one", "many2many"), ("user_id", "user_ids", "x_studio_user_id", "x_studio_user_ids")),
    "on_archive": (("boolean",), ("active", "x_active")),
    "on_unarchive": (("boolean",), ("active", "x_active")),
    "on_time_created": (("datetime",), ("create_date",)),
    "on_time_updated": (("datetime",), ("write_date",)),
}
TIME_TRIGGERS = ("on_time", "on_time_created", "on_time_updated")
MAIL_TRIGGERS = ("on_message_received", "on_message_sent")
MAIL_STATES = ("mail_post", "followers", "next_activity")


def _model_of(env: Env, model_id: Any) -> Model | None:
    row = env.store.get("ir.model", int(model_id or 0))
    return env.registry.models.get(str(row.get("model"))) if row else None


def automation_before_create(env: Env, model: Model, vals: dict[str, Any]) -> None:
    """_compute_trigger: a field trigger on a model without its field leaves no trigger (then 'required' fails)."""
    spec = FIELD_TRIGGERS.get(str(vals.get("trigger")))
    target = _model_of(env, vals.get("model_id"))
    if spec is None or target is None or vals.get("trigger_field_ids"):
        return
    types, names = spec
    if not any(target.fields.get(n, {}).get("type") in types for n in names):
        vals["trigger"] = None


def check_automation(env: Env, row: Row, rid: int | None) -> None:
    target = _model_of(env, row.get("model_id"))
    trigger = row.get("trigger")
    if target is not None and trigger in MAIL_TRIGGERS and "message_ids" not in target.fields:
        raise ValidationError(f"Mail event can not be configured on model {target.description}. Only models with "
                              "discussion feature can be used.")
    if env.registry.major >= 19 and trigger in TIME_TRIGGERS and int(row.get("trg_date_range") or 0) < 0:
        raise ValidationError("Delay must be positive. Set 'Delay mode' to 'Before' to negate the delay.")
    if rid is None:
        return
    for _, action in env.store.scan("ir.actions.server", [("json_extract(data, '$.base_automation_id') = ?", [rid])]):
        _check_action_in_rule(env, action, row)


def _check_action_in_rule(env: Env, action: Row, rule: Row) -> None:
    if action.get("model_id") != rule.get("model_id"):
        raise ValidationError(f"Model of action {action.get('name')} should match the one from automated rule "
                              f"{rule.get('name')}.")
    state, trigger = action.get("state"), rule.get("trigger")
    if trigger == "on_change" and state != "code":
        raise ValidationError('"On live update" automation rules can only be used with "Execute Python Code" '
                              "action type.")
    if trigger == "on_unlink" and state in MAIL_STATES:
        raise ValidationError("Email, follower or activity action types cannot be used when deleting records, as "
                              "there are no more records to apply these changes to!")


def check_action(env: Env, row: Row) -> None:
    target = _model_of(env, row.get("model_id"))
    state = row.get("state")
    if target is not None and state == "object_write" and row.get("update_path"):
        _check_update_path(env, target, str(row["update_path"]))
    if target is not None and state == "next_activity" and "activity_ids" not in target.fields:
        raise ValidationError("A next activity can only be planned on models that use activities.")
    if target is not None and (state in ("followers", "remove_followers") or (
            state == "mail_post" and row.get("mail_post_method") not in (None, False, "email"))) \
            and "message_ids" not in target.fields:
        raise ValidationError("This action can only be done on a mail thread models")
    if int(row.get("activity_date_deadline_range") or 0) < 0:
        raise ValidationError("The 'Due Date In' value can't be negative.")
    rule = env.store.get("base.automation", int(row.get("base_automation_id") or 0))
    if rule:
        _check_action_in_rule(env, row, rule)


def _check_update_path(env: Env, target: Model, path: str) -> None:
    """_traverse_path: every step a field of the model reached so far; only the last may be non-relational."""
    names = path.split(".")
    current: Model | None = target
    for index, name in enumerate(names):
        if current is None or name not in current.fields:
            raise ValidationError(f"KeyError: {name!r}")
        f = current.fields[name]
        if f.get("relation") and index < len(names) - 1:
            current = env.registry.models.get(str(f["relation"]))
        elif not f.get("relation") and index < len(names) - 1:
            raise ValidationError(f"The path to the field to update contains a non-relational field ({name}) that "
                                  "is not the last field in the path.")
        elif f["type"] == "json":
            raise ValidationError(f"I'm sorry to say that JSON fields (such as {name}) are currently not "
                                  "supported.")
