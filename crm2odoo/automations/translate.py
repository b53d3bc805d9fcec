"""Each parsed rule translated to an Odoo automation rule (``base.automation``) and its server actions.

Every clause ends in one of three outcomes: ``translated``, ``caveat`` (translated, with what differs written
out) or ``manual`` (not translatable: the reason and the steps for the admin). References to tags, users and
fields go through a :class:`Resolver` (the approved map and the ledger) so a draft points at the migrated
records' real Odoo ids; a reference that does not resolve makes its clause manual rather than a wrong draft.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from crm2odoo.automations import versions
from crm2odoo.automations.syntax import Clause, ParsedRule

Outcome = Literal["translated", "caveat", "manual"]
Coverage = Literal["full", "partial", "none"]

#: Ontraport object type -> the Odoo model its records land in (objects.py, the default map)
MODEL_OF_OBJECT_TYPE: dict[int, str] = {0: "res.partner", 149: "crm.lead", 150: "res.partner"}
#: the tag field of each model, and the model of its tags
TAG_FIELD: dict[str, tuple[str, str]] = {"res.partner": ("category_id", "res.partner.category"),
                                         "crm.lead": ("tag_ids", "crm.tag")}
_OPERATORS = {"=": "=", "==": "=", "equal to": "=", "is": "=", "!=": "!=", "<>": "!=", "not equal to": "!=",
              ">": ">", "greater than": ">", "<": "<", "less than": "<", ">=": ">=", "<=": "<=",
              "contains": "ilike", "does not contain": "not ilike", "like": "ilike"}
_UNITS = {"minute": ("minutes", 1), "minutes": ("minutes", 1), "hour": ("hour", 1), "hours": ("hour", 1),
          "day": ("day", 1), "days": ("day", 1), "week": ("day", 7), "weeks": ("day", 7),
          "month": ("month", 1), "months": ("month", 1)}


class Resolver(Protocol):
    """Source references to Odoo ids and names; None when the record or field was not migrated."""

    def tag(self, model: str, source_id: str) -> int | None: ...

    def user(self, source_id: str) -> int | None: ...

    def field(self, model: str, source_field: str) -> str | None: ...


class Unresolved:
    """Before a migration: nothing resolves, so the guide shows what each reference still needs."""

    def tag(self, model: str, source_id: str) -> int | None:
        return None

    def user(self, source_id: str) -> int | None:
        return None

    def field(self, model: str, source_field: str) -> str | None:
        return None


@dataclass(frozen=True)
class ClauseResult:
    """What became of one clause."""

    clause: Clause
    outcome: Outcome
    odoo: str  # the Odoo equivalent in words ("" when manual)
    note: str = ""  # the caveat, or why it is manual
    manual_steps: tuple[str, ...] = ()


@dataclass
class Proposal:
    """One rule's Odoo equivalent: the automation's exact fields, its actions, and every clause's outcome."""

    rule: ParsedRule
    model: str | None
    automation: dict[str, Any] = field(default_factory=dict)
    actions: list[dict[str, Any]] = field(default_factory=list)
    results: list[ClauseResult] = field(default_factory=list)

    @property
    def coverage(self) -> Coverage:
        has_trigger = bool(self.automation.get("trigger"))
        done = [r for r in self.results if r.outcome != "manual"]
        if not has_trigger or not self.actions:
            return "none"
        return "full" if len(done) == len(self.results) else "partial"

    @property
    def draftable(self) -> bool:
        return self.coverage != "none"

    @property
    def xmlid_name(self) -> str:
        return f"automation_rule_{self.rule.rule_id}"


@dataclass
class _Context:
    proposal: Proposal
    model: str
    resolver: Resolver
    major: int
    domain: list[Any] = field(default_factory=list)

    def add(self, clause: Clause, outcome: Outcome, odoo: str, note: str = "", steps: tuple[str, ...] = ()) -> None:
        self.proposal.results.append(ClauseResult(clause, outcome, odoo, note, steps))

    def manual(self, clause: Clause, why: str, *steps: str) -> None:
        self.add(clause, "manual", "", why, steps or (f"Rebuild by hand in Odoo: {clause.words()}.",))


def translate(rule: ParsedRule, resolver: Resolver | None = None, major: int = 18) -> Proposal:
    """The Odoo automation for one rule (for Odoo ``major``), with every clause's outcome."""
    resolver = resolver or Unresolved()
    model = MODEL_OF_OBJECT_TYPE.get(rule.object_type_id)
    proposal = Proposal(rule, model)
    if model is None:
        for clause in rule.clauses:
            proposal.results.append(ClauseResult(
                clause, "manual", "", f"rules on object type {rule.object_type_id} have no Odoo model in this map",
                (f"Rebuild by hand on the model the object landed in: {clause.words()}.",)))
        return proposal
    ctx = _Context(proposal, model, resolver, major)
    proposal.automation = {"name": f"[Ontraport rule {rule.rule_id}] {rule.name}".strip(), "model": model,
                           "active": False}
    for clause in rule.events:
        if not clause.known:
            ctx.manual(clause, clause.problem or "not a documented Ontraport event")
        elif "trigger" in proposal.automation:
            ctx.manual(clause, "Odoo runs one trigger per automation rule",
                       f"Duplicate this draft and set its trigger to: {clause.words()}.")
        else:
            _EVENT.get(clause.name, _event_manual)(ctx, clause)
    for clause in rule.conditions:
        if not clause.known:
            ctx.manual(clause, clause.problem or "not a documented Ontraport condition")
        else:
            _CONDITION.get(clause.name, _condition_manual)(ctx, clause)
    for clause in rule.actions:
        if not clause.known:
            ctx.manual(clause, clause.problem or "not a documented Ontraport action")
        else:
            _ACTION.get(clause.name, _action_manual)(ctx, clause)
    _finish_domain(ctx)
    return proposal


def _migrated_tag(ctx: _Context, clause: Clause) -> tuple[str, str, int] | None:
    """(tag field, tag model, Odoo tag id) of the clause's tag; None (the clause made manual) when not migrated."""
    tag_field, tag_model = TAG_FIELD[ctx.model]
    tag_id = ctx.resolver.tag(ctx.model, clause.params["tag_id"])
    if tag_id is None:
        ctx.manual(clause, f"tag {clause.params['tag_id']} has no migrated Odoo tag yet (run migrate first)")
        return None
    return tag_field, tag_model, tag_id


def _mapped_field(ctx: _Context, clause: Clause, param: str, step: str) -> str | None:
    """The Odoo field the approved map sends the clause's field to; None (the clause made manual) when none."""
    name = ctx.resolver.field(ctx.model, clause.params[param])
    if name is None:
        ctx.manual(clause, f"field {clause.params[param]} is not in the approved map", step)
    return name


# ---- events ---------------------------------------------------------------------------------------------------

def _event_manual(ctx: _Context, clause: Clause) -> None:
    ctx.manual(clause, _MANUAL_WHY.get(clause.name, "Odoo's automation rules have no trigger for this event"))


def _on_create(ctx: _Context, clause: Clause) -> None:
    ctx.proposal.automation.update(trigger="on_create")
    ctx.add(clause, "translated", "trigger: on creation")


def _field_updated(ctx: _Context, clause: Clause) -> None:
    name = _mapped_field(ctx, clause, "field_id", "Pick the Odoo field under Trigger Fields, trigger 'On save'.")
    if name is None:
        return
    ctx.proposal.automation.update(trigger="on_create_or_write", trigger_fields=[name])
    ctx.add(clause, "caveat", f"trigger: on save, when {name} changes",
            "Odoo also runs it when a record is created with the field set")


def _tag_event(added: bool) -> Callable[[_Context, Clause], None]:
    def handle(ctx: _Context, clause: Clause) -> None:
        if (tag := _migrated_tag(ctx, clause)) is None:
            return
        tag_field, _tag_model, tag_id = tag
        inside, outside = repr([(tag_field, "in", [tag_id])]), repr([(tag_field, "not in", [tag_id])])
        if added and tag_field == "tag_ids":
            ctx.proposal.automation.update(trigger="on_tag_set", trg_field_ref=tag_id, trigger_fields=[tag_field],
                                           filter_pre_domain=outside, filter_domain=inside)
            ctx.add(clause, "translated", f"trigger: tag {tag_id} is added")
            return
        # res.partner's tags are category_id, which Odoo's "Tag is added" trigger does not watch: on save of
        # that field, from without the tag to with it (or the reverse), is the same event
        ctx.proposal.automation.update(trigger="on_create_or_write", trigger_fields=[tag_field],
                                       filter_pre_domain=outside if added else inside,
                                       filter_domain=inside if added else outside)
        ctx.add(clause, "translated", f"trigger: on save when tag {tag_id} is {'added' if added else 'removed'}")
    return handle


def _date_event(relative: bool) -> Callable[[_Context, Clause], None]:
    def handle(ctx: _Context, clause: Clause) -> None:
        params = clause.params
        name = _mapped_field(ctx, clause, "date_field", "Trigger 'Based on date field' and pick the Odoo date field.")
        if name is None:
            return
        amount, unit, note = 0, "day", ""
        if relative:
            unit, factor = _UNITS.get(params["units"].strip().lower(), ("day", 1))
            try:
                amount = int(params["numberOf"]) * factor
            except ValueError:
                ctx.manual(clause, f"{params['numberOf']!r} is not a number of {params['units']}")
                return
            if params["units"].strip().lower() not in _UNITS:
                note = f"unit {params['units']!r} read as days"
            if params["option"].strip().lower() == "before":
                amount = -amount
        values = versions.time_trigger(ctx.major, name, amount, unit)
        ctx.proposal.automation.update(trigger="on_time", **values)
        ctx.add(clause, "caveat" if note else "translated", f"trigger: {amount} {unit} from {name}", note)
    return handle


_EVENT: dict[str, Callable[[_Context, Clause], None]] = {
    "Contact_added_to_my_database": _on_create,
    "field_is_updated": _field_updated,
    "Contact_added_to_category": _tag_event(True),
    "Contact_removed_from_category": _tag_event(False),
    "on_date_field": _date_event(False),
    "relative_date_field": _date_event(True),
}

# ---- conditions -----------------------------------------------------------------------------------------------

def _condition_manual(ctx: _Context, clause: Clause) -> None:
    ctx.manual(clause, _MANUAL_WHY.get(clause.name, "Odoo has no field to test this condition on"),
               f"Add it to the draft's 'Apply on' domain by hand, or drop it: {clause.words()}.")


def _push(ctx: _Context, clause: Clause, term: tuple[str, str, Any]) -> None:
    """Left to right, as Ontraport reads them: ``A;B|C`` is ``(A and B) or C``."""
    if ctx.domain:
        ctx.domain[:0] = ["|" if clause.joiner == "or" else "&"]
    ctx.domain.append(term)


def _tag_condition(inside: bool) -> Callable[[_Context, Clause], None]:
    def handle(ctx: _Context, clause: Clause) -> None:
        if (tag := _migrated_tag(ctx, clause)) is None:
            return
        tag_field, _tag_model, tag_id = tag
        _push(ctx, clause, (tag_field, "in" if inside else "not in", [tag_id]))
        ctx.add(clause, "translated", f"apply on: {'has' if inside else 'has not'} tag {tag_id}")
    return handle


def _field_condition(ctx: _Context, clause: Clause) -> None:
    params = clause.params
    name = ctx.resolver.field(ctx.model, params["field_id"])
    operator = _OPERATORS.get(params["conditional"].strip().lower())
    if name is None or operator is None:
        why = (f"field {params['field_id']} is not in the approved map" if name is None
               else f"comparison {params['conditional']!r} has no Odoo domain operator")
        ctx.manual(clause, why)
        return
    _push(ctx, clause, (name, operator, params["value"]))
    ctx.add(clause, "caveat", f"apply on: {name} {operator} {params['value']!r}",
            "the value is compared as written in Ontraport; check it against the migrated value "
            "(a dropdown's label, a date's format)")


_CONDITION: dict[str, Callable[[_Context, Clause], None]] = {
    "Is_in_category": _tag_condition(True),
    "Is_not_in_category": _tag_condition(False),
    "field_is_condition_fieldvalue": _field_condition,
}


def _finish_domain(ctx: _Context) -> None:
    """The trigger's own filter (a tag trigger's) and the conditions: a domain's top-level terms are and-ed."""
    if not ctx.domain:
        return
    own = ctx.proposal.automation.get("filter_domain")
    ctx.proposal.automation["filter_domain"] = repr([*(ast.literal_eval(own) if own else []), *ctx.domain])


# ---- actions --------------------------------------------------------------------------------------------------

def _action_manual(ctx: _Context, clause: Clause) -> None:
    ctx.manual(clause, _MANUAL_WHY.get(clause.name, "Odoo's server actions have no equivalent"))


def _tag_action(add: bool) -> Callable[[_Context, Clause], None]:
    def handle(ctx: _Context, clause: Clause) -> None:
        if (tag := _migrated_tag(ctx, clause)) is None:
            return
        tag_field, tag_model, tag_id = tag
        verb = "add" if add else "remove"
        ctx.proposal.actions.append({"state": "object_write", "name": f"{verb.title()} tag {tag_id}",
                                     "update_path": tag_field, "update_m2m_operation": verb,
                                     "evaluation_type": "value", "resource_ref": f"{tag_model},{tag_id}"})
        ctx.add(clause, "translated", f"update record: {verb} tag {tag_id} on {tag_field}")
    return handle


def _change_field(ctx: _Context, clause: Clause) -> None:
    params = clause.params
    name = _mapped_field(ctx, clause, "field_id", "Add an 'Update Record' action on the Odoo field by hand.")
    if name is None:
        return
    ctx.proposal.actions.append({"state": "object_write", "name": f"Set {name}", "update_path": name,
                                 "evaluation_type": "value", "value": params["value"]})
    ctx.add(clause, "caveat", f"update record: {name} = {params['value']!r}",
            "the value is written as Ontraport stored it; check it fits the Odoo field (a selection's key, "
            "a number)")


def _activity(ctx: _Context, clause: Clause, summary: str, user_source: str | None, note: str) -> None:
    action: dict[str, Any] = {"state": "next_activity", "name": summary[:60], "activity_summary": summary,
                              "activity_date_deadline_range": 0, "activity_date_deadline_range_type": "days"}
    if user_source is not None:
        user_id = ctx.resolver.user(user_source)
        if user_id is None:
            ctx.manual(clause, f"user {user_source} has no Odoo user (see the owners in `crm2odoo status`)")
            return
        action.update(activity_user_type="specific", activity_user_id=user_id)
    else:
        action.update(activity_user_type="generic", activity_user_field_name="user_id")
    ctx.proposal.actions.append(action)
    ctx.add(clause, "caveat", f"schedule activity: {summary}", note)


def _task(ctx: _Context, clause: Clause) -> None:
    _activity(ctx, clause, f"Ontraport task {clause.params['task_id']}", None,
              "an activity for the record's salesperson; copy the task's text from Ontraport into its note")


def _notify(ctx: _Context, clause: Clause) -> None:
    _activity(ctx, clause, f"Ontraport e-mail {clause.params['email_id']} (notification)", clause.params["user_id"],
              "the user gets an activity to do instead of an e-mail")


def _ping(ctx: _Context, clause: Clause) -> None:
    ctx.proposal.actions.append({"state": "webhook", "name": "Call URL", "webhook_url": clause.params["url"]})
    ctx.add(clause, "caveat", f"send webhook notification to {clause.params['url']}",
            "Odoo posts the record's id and model as JSON; the receiving end must accept that payload")


_ACTION: dict[str, Callable[[_Context, Clause], None]] = {
    "Add_contact_to_category": _tag_action(True),
    "Remove_contact_from_category": _tag_action(False),
    "Change_field_to_fieldvalue": _change_field,
    "Send_contact_a_task": _task,
    "Notify_someone_with_emailmbs": _notify,
    "Ping_APIURL": _ping,
}

_SEQUENCE = ("Ontraport sequences and campaigns are not migrated; rebuild the series as an Odoo Marketing "
             "Automation campaign (module marketing_automation, Enterprise) or as scheduled activities")
_MANUAL_WHY: dict[str, str] = {
    **{n: _SEQUENCE for n in ("Contact_added_to_campaign", "Contact_leaves_campaign", "Subscription_to_drip_is_paused",
                              "Subscription_to_drip_is_unpaused", "pause_campaign", "unpause_campaign",
                              "campaign_builder_object_change", "Assign_contact_to_drip", "Remove_contact_from_drip",
                              "Remove_contact_from_all_sequences", "Pause_subscription_to_dripa",
                              "Unpause_subscription_to_dripa", "campaign_builder_action_change",
                              "pause_or_unpause_on_camp", "Is_subscribed_to_drip", "Is_not_subscribed_to_drip",
                              "Subscription_to_dripa_is_paused", "Subscription_to_dripa_is_not_paused",
                              "been_on_campaignbuilder_for_timeframe",
                              "Date_of_subscription_to_drip_is_datecondition_datevalue",
                              "campaignbuilder_subscription_date_is_val", "Been_on_campaign_for_timeframe",
                              "paused_or_active_on_camp")},
    "Send_contact_an_emailmbs": "the Ontraport message is not an Odoo e-mail template yet; create the template "
                                "(Settings > Technical > Email Templates) and add a 'Send email' action to the draft",
    "object_submits_form": "forms are not migrated; rebuild the form in Odoo Website and trigger on lead creation",
    "Contact_purchases_product": "purchases land as invoices; trigger an automation on account.move or sale.order",
}
