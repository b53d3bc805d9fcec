"""Reports as Markdown for people and JSON for scripts. Customer data is kept to what an admin needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crm2odoo.automations.guide import guide_markdown
from crm2odoo.redact import redact
from crm2odoo.report.html import bar_chart, page


def _cell(value: Any) -> str:
    """A Markdown table cell: no pipes or newlines from data can break the table."""
    return str(value).replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def charts_for(name: str, data: dict[str, Any]) -> list[str]:
    """The pictures that say it faster: counts per object, problems by kind."""
    objects = data.get("objects") or []
    if name == "discovery":
        return [bar_chart("Records per object", [(o["name"], o["count"] or 0) for o in objects])]
    if name.startswith("migrate"):
        return [bar_chart("Created or updated per object", [(o["name"], o["created"] + o["updated"] + o["matched"])
                                                             for o in objects]),
                bar_chart("Quarantined or skipped per object", [(o["name"], o["quarantined"] + o["skipped"])
                                                                for o in objects])]
    if name == "validation":
        return [bar_chart("Errors by kind", sorted((data.get("errors_by_kind") or {}).items()))]
    if name == "reconcile":
        return [bar_chart("In Odoo per object", [(o["name"], o["present_in_odoo"]) for o in objects])]
    if name == "rollback":
        return [bar_chart("Deleted per object", sorted((data.get("deleted") or {}).items()))]
    return []


def write_report(directory: Path, name: str, data: dict[str, Any], markdown: str) -> Path:
    """reports/<name>.md for people, .html (self-contained, escaped) to share, .json for scripts."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.json").write_text(redact(json.dumps(data, indent=1, ensure_ascii=False, default=str)),
                                            encoding="utf-8")
    text = redact(markdown)
    path = directory / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    title = text.splitlines()[0].lstrip("# ") if text else name
    (directory / f"{name}.html").write_text(page(title, text, charts_for(name, data)), encoding="utf-8")
    return path


def discovery_markdown(data: dict[str, Any]) -> str:
    rows = [[o["name"], o["label"], o["count"] if o["count"] is not None else "?", o["fields"], o["custom_fields"],
             "yes" if o["custom_object"] else "", o.get("fit", "")] for o in data["objects"]]
    parts = [f"# Discovery: {data['source_kind']}", "", f"Complexity: **{data['grade']}**", ""]
    parts += [f"- {r}" for r in data["reasons"]] + ["", table(["object", "source name", "records", "fields",
                                                                "custom fields", "custom object", "fit in Odoo"],
                                                               rows)]
    if data["warnings"]:
        parts += ["", "## What the connector did not understand", ""] + [f"- {_cell(w)}" for w in data["warnings"]]
    if data["inventory"]:
        parts += ["", f"{len(data['inventory'])} items cannot be migrated: see `crm2odoo inventory`."]
    return "\n".join(parts) + "\n"


def migrate_markdown(data: dict[str, Any]) -> str:
    rows = [[o["name"], o["model"], o["read"], o["created"], o["updated"], o["matched"], o["merged"], o["unchanged"],
             o["skipped"], o["quarantined"], o["conflicts"], o["archived"], o["blocked"]] for o in data["objects"]]
    parts = [f"# Migration run {data['run_id']} ({data['kind']}): {data['state']}", "",
             f"Elapsed: {data['elapsed_seconds']} s" + (" (resumed)" if data["resumed"] else ""), "",
             *([f"Stopped by the map: {data['stopped_by']}", ""] if data.get("stopped_by") else []),
             table(["object", "model", "read", "created", "updated", "matched", "merged", "unchanged", "skipped",
                    "quarantined", "conflicts", "archived (deleted in source)", "blocked"], rows)]
    undated = [o for o in data["objects"] if o.get("changed_undated")]
    if undated:
        parts += ["", "## Changed without a new modified date", "",
                  "Their content differs from what the last run loaded, though the source's modified date did not "
                  "move: the delta found them by content and sent the change. Each is a warning in the ledger.", "",
                  table(["object", "records", "source ids"],
                        [[o["name"], o["changed_undated"], ", ".join(o.get("changed_undated_ids") or [])
                          + (", ..." if o["changed_undated"] > len(o.get("changed_undated_ids") or []) else "")]
                         for o in undated])]
    if data.get("derived"):
        parts += ["", "## Values made by the tool", "",
                  "The source has none; each was made from another field of the record (check them in Odoo).", "",
                  table(["object", "source id", "field", "value", "why", "where"],
                        [[d["object"], d["source_id"], d["field"], d["value"], d["reason"], d["locator"]]
                         for d in data["derived"]])]
    prov = data["provisioned"]
    if prov["models"] or prov["fields"]:
        parts += ["", "Created in Odoo: " + ", ".join(prov["models"] + prov["fields"])]
    if data.get("reconcile"):
        parts += ["", reconcile_markdown(data["reconcile"])]
    return "\n".join(parts) + "\n"


def reconcile_markdown(data: dict[str, Any]) -> str:
    rows = [[o["name"], o["model"], "?" if o["in_source"] is None else o["in_source"], o["expected"], o["landed"],
             o["present_in_odoo"], o["merged"], o["skipped"], o["quarantined"],
             f"{o['spot_checked'] - o['spot_mismatches']}/{o['spot_checked']}",
             f"{o.get('content_checked', 0) - o.get('content_mismatches', 0)}/{o.get('content_checked', 0)}"
             if o.get("content_checked") else "",
             "ok" if o["ok"] else "MISMATCH"]
            for o in data["objects"]]
    parts = ["## Reconciliation: " + ("everything adds up" if data["ok"] else "differences found"), "",
             table(["object", "model", "in source", "expected", "landed", "in Odoo", "merged", "skipped", "quarantined",
                    "spot check", "files verified", "result"], rows)]
    for o in data["objects"]:
        if o["differences"]:
            parts += ["", f"### {o['name']}: {o['differences_total']} record(s) explained", ""]
            if o.get("difference_groups"):
                parts += [table(["what", "records"], [[g["message"], g["records"]] for g in o["difference_groups"]])]
            parts += ["",
                      table(["source id", "what", "detail"], [[d["source_id"], d["what"], d["detail"]]
                                                             for d in o["differences"]])]
    return "\n".join(parts) + "\n"


def inventory_markdown(data: dict[str, Any]) -> str:
    parts = ["# What cannot be migrated: handoff for the Odoo administrator", ""]
    if data.get("unseen"):
        parts += ["## What this export cannot show", "", data["unseen"], ""]
    if not data["items"]:
        parts.append("Nothing found in the source" + (" (see above: an export does not hold these)."
                                                      if data.get("unseen") else "."))
    for item in data["items"]:
        parts.append(f"## {_cell(item['kind'])}: {_cell(item['name'])}")
        for key, value in (item.get("details") or {}).items():
            parts.append(f"- {_cell(key)}: {_cell(value)}")
        if item.get("advice"):
            parts.append(f"- To do in Odoo: {_cell(item['advice'])}")
        parts.append("")
    parts += guide_markdown(data.get("rebuild_guide") or {"summary": {"total": 0}})
    return "\n".join(parts) + "\n"


def rollback_markdown(data: dict[str, Any]) -> str:
    parts = [f"# Rollback of run(s) {', '.join(map(str, data['runs']))}: "
             + ("verified, Odoo is as it was" if data["verified"] else "NOT verified"), "",
             f"Read back and compared with the state before the runs: {data.get('checked', 0)} records.", "",
             table(["object", "records deleted"], [[k, v] for k, v in sorted(data["deleted"].items())]), "",
             f"Values restored on records that existed before: {data['restored']}"]
    if data["schema_removed"]:
        parts.append("Custom schema removed: " + ", ".join(data["schema_removed"]))
    for title, key in (("Changed in Odoo since the tool wrote them, left alone (use --force)", "changed_in_odoo"),
                       ("Archived because Odoo refused to delete them", "archived"), ("Problems", "problems")):
        if data[key]:
            parts += ["", f"## {title}", ""] + [f"- {_cell(x)}" for x in data[key]]
    if data.get("left"):
        parts += ["", f"## Not as before the runs ({len(data['left'])})", "",
                  table(["model", "id", "record", "why", "detail"],
                        [[x["model"], x["odoo_id"] or "", x["label"], x["why"], x["detail"]] for x in data["left"]])]
    return "\n".join(parts) + "\n"


def validation_markdown(data: dict[str, Any]) -> str:
    rows = [[o["name"], o["model"], o["records"], o["valid"], o["with_errors"], o["with_warnings"], o["policy"]]
            for o in data["objects"]]
    parts = ["# Validation: " + ("migrate would stop" if data["stops"] else "ready to migrate"), "",
             table(["object", "model", "records", "valid", "with errors", "with warnings", "on error"], rows)]
    if data["schema_problems"]:
        parts += ["", "## The map does not fit this Odoo", ""] + [f"- {_cell(p)}" for p in data["schema_problems"]]
    if data.get("finding_groups"):
        parts += ["", "## Findings grouped by object, field, value and problem", "",
                  table(["severity", "object", "field", "value", "problem", "records", "fix", "migrate will"],
                        [[g["severity"], g["object"], g["field"] or "", (g["value"] or "")[:60], g["message"],
                          g["records"], g["fix"], g["action"]] for g in data["finding_groups"]])]
    if data["findings"]:
        parts += ["", f"## Findings ({data['findings_total']})", "",
                  table(["severity", "object", "source id", "where", "field", "value", "problem", "fix", "migrate will"],
                        [[f["severity"], f["object"], f["source_id"], f["locator"], f["field"] or "",
                          (f["value"] or "")[:60], f["message"], f["fix"], f["action"]] for f in data["findings"][:2000]])]
    return "\n".join(parts) + "\n"
