"""Translated rules created in Odoo as *inactive* automation rules, for an admin to review and switch on.

Each draft has an external ID in the tool's namespace (``crm2odoo.<system>_automation_rule_<id>``) and a ledger
row (object ``automation_rule``), so ``rollback`` removes it like any record the tool created. A second run
updates a draft only while it is still inactive and untouched since the tool wrote it (its and its actions'
``write_date`` as the tool read them back); one the admin changed or switched on is left alone. The automation
module is never installed here: when it is missing, the error says how to install it.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from typing import Any, Literal

from crm2odoo.automations.translate import Proposal
from crm2odoo.errors import UserFacingError
from crm2odoo.ledger.db import Ledger
from crm2odoo.ledger.records import Intent, Landing
from crm2odoo.odoo.client import OdooClient

OBJECT = "automation_rule"
MODULE = "base_automation"
DraftFate = Literal["created", "updated", "unchanged", "kept_active", "kept_changed", "not_translatable"]
#: what the tool reads back after writing, to tell an untouched draft from one the admin edited
_WATCHED = ["name", "active", "trigger", "filter_domain", "filter_pre_domain", "write_date"]
#: the keys of a proposal's automation that are written as they are
_PLAIN = ("name", "trigger", "filter_domain", "filter_pre_domain", "trg_field_ref", "trg_date_range",
          "trg_date_range_type", "trg_date_range_mode")


class AutomationModuleMissing(UserFacingError):
    """Odoo's automation rules module is not installed; the tool does not install modules."""


@dataclass(frozen=True)
class DraftResult:
    """What became of one rule's draft."""

    rule_id: str
    name: str
    fate: DraftFate
    odoo_id: int | None = None
    detail: str = ""


def require_module(client: OdooClient) -> None:
    rows = client.search_read("ir.module.module", [["name", "=", MODULE]], ["state"])
    state = rows[0]["state"] if rows else "absent"
    if state != "installed":
        raise AutomationModuleMissing(
            f"Odoo's automation rules module ({MODULE}) is not installed in this database (state: {state}); "
            "crm2odoo never installs modules",
            hint="an administrator installs it in Odoo: Apps > remove the 'Apps' filter > search 'Automation "
                 "Rules' > Activate (or `odoo-bin -d DB -i base_automation`), then run `crm2odoo automations "
                 "--draft` again")


def description_html(proposal: Proposal) -> str:
    """The source rule and every clause's outcome, for the admin reviewing the draft."""
    rule = proposal.rule
    items = "".join(f"<li>{html.escape(part)}: <code>{html.escape(text)}</code></li>"
                    for part, text in rule.source.items() if text)
    clauses = "".join(
        f"<li><code>{html.escape(r.clause.raw)}</code>: {html.escape(r.outcome)}"
        + (f" ({html.escape(r.note)})" if r.note else "")
        + (f"; to do: {html.escape(' '.join(r.manual_steps))}" if r.outcome == "manual" else "") + "</li>"
        for r in proposal.results)
    return (f"<p>Drafted by crm2odoo from Ontraport rule {html.escape(rule.rule_id)} "
            f"\u201c{html.escape(rule.name)}\u201d{' (paused in Ontraport)' if rule.paused else ''}. "
            "Review it, then switch it on.</p>"
            f"<ul>{items}</ul><p>Clauses:</p><ul>{clauses}</ul>")


class DraftWriter:
    """Creates and updates drafts; one writer per run."""

    def __init__(self, client: OdooClient, ledger: Ledger, run_id: int, system: str) -> None:
        self.client, self.ledger, self.run_id, self.system = client, ledger, run_id, system
        self._model_ids: dict[str, int] = {}

    def write(self, proposals: list[Proposal]) -> list[DraftResult]:
        require_module(self.client)
        return [self._one(p) if p.draftable else DraftResult(p.rule.rule_id, p.rule.name, "not_translatable")
                for p in proposals]

    # -- one draft ---------------------------------------------------------------------------------------------
    def _one(self, proposal: Proposal) -> DraftResult:
        rule = proposal.rule
        vals = self._values(proposal)
        content_hash = hashlib.sha256(json.dumps(vals, sort_keys=True, default=str).encode()).hexdigest()
        known = self.ledger.get(OBJECT, rule.rule_id)
        current = self._current(int(known.odoo_id)) if known is not None and known.odoo_id else None
        if known is not None and current is not None:
            if current["active"]:
                return DraftResult(rule.rule_id, rule.name, "kept_active", int(known.odoo_id or 0),
                                   "switched on in Odoo: left as the admin set it")
            if _fingerprint(current) != (known.stored or {}):
                return DraftResult(rule.rule_id, rule.name, "kept_changed", int(known.odoo_id or 0),
                                   "changed in Odoo since the tool wrote it: left as it is")
            if known.content_hash == content_hash:
                return DraftResult(rule.rule_id, rule.name, "unchanged", int(known.odoo_id or 0))
        xmlid = f"{self.system}_{proposal.xmlid_name}"
        self.ledger.mark_sending(self.run_id, [Intent(OBJECT, rule.rule_id, "base.automation", f"crm2odoo.{xmlid}",
                                                      content_hash, f"Ontraport rule {rule.rule_id}")])
        if current is not None and known is not None:
            odoo_id = int(known.odoo_id or 0)
            stale = [[2, int(a)] for a in current["action_server_ids"]]
            self.client.write("base.automation", [odoo_id], {**vals, "action_server_ids": stale + vals[
                "action_server_ids"]})
            fate: DraftFate = "updated"
        else:
            odoo_id = self.client.create("base.automation", [vals])[0]
            self._bind_xmlid(xmlid, odoo_id)
            fate = "created"
        landed = self._current(odoo_id)
        self.ledger.mark_landed(self.run_id, [Landing(OBJECT, rule.rule_id, odoo_id, "created" if fate == "created"
                                                      else "updated", _fingerprint(landed or {}))])
        return DraftResult(rule.rule_id, rule.name, fate, odoo_id)

    def _values(self, proposal: Proposal) -> dict[str, Any]:
        auto = proposal.automation
        model = str(auto["model"])
        model_id = self._model_id(model)
        vals: dict[str, Any] = {k: auto[k] for k in _PLAIN if k in auto}
        vals.update(model_id=model_id, active=False, description=description_html(proposal))
        fields = list(auto.get("trigger_fields") or [])
        if auto.get("trg_date_field"):
            fields = fields or [auto["trg_date_field"]]
            vals["trg_date_id"] = self._field_id(model, str(auto["trg_date_field"]))
        if fields:
            vals["trigger_field_ids"] = [[6, 0, [self._field_id(model, f) for f in fields]]]
        vals["action_server_ids"] = [[0, 0, {**action, "model_id": model_id, "usage": "base_automation"}]
                                     for action in proposal.actions]
        return vals

    def _current(self, odoo_id: int) -> dict[str, Any] | None:
        rows = self.client.read("base.automation", [odoo_id], [*_WATCHED, "action_server_ids"],
                                context={"active_test": False})
        if not rows:
            return None
        row = dict(rows[0])
        actions = self.client.read("ir.actions.server", list(row["action_server_ids"]), ["write_date"])
        row["actions_written"] = max((str(a["write_date"]) for a in actions), default="")
        return row

    def _model_id(self, model: str) -> int:
        if model not in self._model_ids:
            rows = self.client.search_read("ir.model", [["model", "=", model]], ["id"])
            if not rows:
                raise UserFacingError(f"Odoo has no model {model}", hint="install the app the rule's records need")
            self._model_ids[model] = int(rows[0]["id"])
        return self._model_ids[model]

    def _field_id(self, model: str, name: str) -> int:
        rows = self.client.search_read("ir.model.fields", [["model", "=", model], ["name", "=", name]], ["id"])
        if not rows:
            raise UserFacingError(f"Odoo's {model} has no field {name}", hint="run `crm2odoo migrate` first")
        return int(rows[0]["id"])

    def _bind_xmlid(self, name: str, odoo_id: int) -> None:
        found = self.client.search_read("ir.model.data", [["module", "=", "crm2odoo"], ["name", "=", name]], ["id"])
        if found:
            self.client.write("ir.model.data", [int(found[0]["id"])], {"model": "base.automation", "res_id": odoo_id})
        else:
            self.client.create("ir.model.data", [{"module": "crm2odoo", "name": name, "model": "base.automation",
                                                  "res_id": odoo_id, "noupdate": True}])


def _fingerprint(row: dict[str, Any]) -> dict[str, Any]:
    """What tells an untouched draft: the watched fields and the newest write of its actions, as strings. Empty
    ones are left out, as the ledger's written values are compared by rollback (write_date covers any change);
    ``active`` always, so a draft switched on is kept by rollback however soon after the tool wrote it."""
    return {k: str(row[k]) for k in (*_WATCHED, "actions_written") if k == "active" or row.get(k) not in
            (None, False, "")}
