"""The rebuild guide: per rule, its source definition, the proposed Odoo equivalent in words and as the exact
automation fields, what it covers, what the admin must do by hand, and the enrolled counts; with a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from crm2odoo.automations.syntax import ParsedRule, parse_rule
from crm2odoo.automations.translate import Proposal, Resolver, translate

_COVERAGE_WORDS = {"full": "fully translatable", "partial": "partly translatable", "none": "not translatable"}


def rule_rows(inventory: Iterable[Any]) -> list[dict[str, Any]]:
    """The Rules rows an inventory carries (InventoryItem of kind automation_rule with its raw strings)."""
    rows = []
    for item in inventory:
        if item.kind != "automation_rule":
            continue
        details = item.details
        rows.append({"id": details.get("id", ""), "name": item.name, "events": details.get("events", ""),
                     "conditions": details.get("conditions", ""), "actions": details.get("actions", ""),
                     "object_type_id": details.get("object_type_id", 0),
                     "pause": "1" if details.get("paused") else "0",
                     "enrolled_count": details.get("enrolled_count")})
    return rows


def proposals(rows: Iterable[Mapping[str, Any]], resolver: Resolver | None = None, major: int = 18) -> list[Proposal]:
    return [translate(parse_rule(row), resolver, major) for row in rows]


def describe(proposal: Proposal, enrolled: int | None = None) -> dict[str, Any]:
    """One rule of the guide as plain data (JSON and the Markdown/HTML report)."""
    rule: ParsedRule = proposal.rule
    return {
        "rule_id": rule.rule_id, "name": rule.name, "paused": rule.paused, "enrolled_count": enrolled,
        "source": rule.source, "model": proposal.model, "coverage": proposal.coverage,
        "coverage_words": _COVERAGE_WORDS[proposal.coverage],
        "automation": proposal.automation, "actions": proposal.actions,
        "clauses": [{"part": r.clause.part, "source": r.clause.raw, "meaning": r.clause.words(),
                     "outcome": r.outcome, "odoo": r.odoo, "note": r.note, "manual_steps": list(r.manual_steps)}
                    for r in proposal.results],
        "problems": rule.problems,
    }


def rebuild_guide(rows: Sequence[Mapping[str, Any]], resolver: Resolver | None = None, major: int = 18) -> dict[str, Any]:
    """The whole guide: every rule described, and how many are fully, partly or not translatable."""
    described = [describe(p, row.get("enrolled_count")) for p, row in zip(proposals(rows, resolver, major), rows,
                                                                           strict=True)]
    counts = Counter(d["coverage"] for d in described)
    return {"rules": described, "summary": {"full": counts["full"], "partial": counts["partial"],
                                            "none": counts["none"], "total": len(described)}}


#: what a Planports source can and cannot give of its automation (planports.md: not in the Excel export; the paid
#: API documents no endpoint for workflow or Process-board rules)
PLANPORTS_NOTE = ("Planports keeps its workflow and Process-board rules outside its Excel export, and its API "
                  "documents no endpoint for them, so crm2odoo cannot read them. List each rule from Planports' "
                  "settings (the automation screen and each Process board's rules: trigger, condition, action), "
                  "then rebuild it in Odoo under Settings > Technical > Automation Rules (module base_automation). "
                  "Rules found in a workflow sheet of the workbook are listed above.")


def source_note(source_kind: str) -> str:
    return PLANPORTS_NOTE if source_kind.startswith("planports") else ""


def guide_markdown(guide: Mapping[str, Any]) -> list[str]:
    """The guide's lines for the inventory report."""
    summary = guide["summary"]
    if guide.get("note") and not summary["total"]:
        return ["## Automation rules", "", str(guide["note"]), ""]
    if not summary["total"]:
        return []
    lines = ["## Automation rules: rebuild guide", "",
             f"{summary['total']} rule(s): {summary['full']} fully translatable, {summary['partial']} partly, "
             f"{summary['none']} not at all. `crm2odoo automations --draft` creates the translatable ones in Odoo "
             "as inactive drafts to review and switch on.", ""]
    for rule in guide["rules"]:
        lines += [f"### Rule {rule['rule_id']}: {rule['name']} ({rule['coverage_words']})", ""]
        lines += [f"- Ontraport {k}: `{v}`" for k, v in rule["source"].items() if v]
        if rule["enrolled_count"] is not None:
            lines.append(f"- enrolled: {rule['enrolled_count']}")
        if rule["paused"]:
            lines.append("- paused in Ontraport")
        if rule["model"]:
            lines.append(f"- Odoo model: `{rule['model']}`")
        for clause in rule["clauses"]:
            head = f"- {clause['part']} `{clause['source']}` ({clause['meaning']}): "
            if clause["outcome"] == "manual":
                lines.append(head + f"**not translatable**: {clause['note']}. To do: " + " ".join(
                    clause["manual_steps"]))
            else:
                lines.append(head + clause["odoo"] + (f" (caveat: {clause['note']})" if clause["note"] else ""))
        if rule["automation"].get("trigger"):
            fields = {k: v for k, v in rule["automation"].items() if k != "description"}
            lines.append(f"- base.automation: `{fields}`")
            lines += [f"- server action: `{a}`" for a in rule["actions"]]
        lines.append("")
    return lines
