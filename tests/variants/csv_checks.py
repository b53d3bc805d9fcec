"""The property for an Ontraport CSV variant: migrated completely (outcome A) or stopped early naming a column (B)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tests.variants.csv_export import CsvExport
from tests.variants.csv_variants import CsvVariant
from tests.variants.harness import (
    LinksDiffer,
    OwnersDiffer,
    RecordsMissing,
    Sandbox,
    TagsDiffer,
    ValuesDiffer,
    landed_ids,
    ledger_rows,
    not_landed,
    require_named_stop,
    require_ok_verdict,
    run_workflow,
)

CSV_SOURCE = '[source]\nkind = "ontraport-csv"\npath = "exports/"\n'


def check_csv_variant(box: Sandbox, base: CsvExport, variant: CsvVariant, workdir: Path | None = None) -> str:
    """Run ``variant`` of ``base`` and raise a VariantFailure unless it has outcome A or B; returns the outcome."""
    export = variant.apply(base)
    with tempfile.TemporaryDirectory(prefix="variant-", dir=workdir) as tmp:
        root = box.project(Path(tmp) / "project", CSV_SOURCE)
        export.write(root / "exports")
        outcome = run_workflow(root)
        if outcome.stage != "migrated":
            require_named_stop(outcome, variant.touched(export))
            return f"stopped at {outcome.stage}"
        require_ok_verdict(outcome)
        check_complete(box, export, root)
        return "migrated"


def _ids_to_source(ids: dict[str, int]) -> dict[int, str]:
    return {odoo_id: sid for sid, odoo_id in ids.items()}


def check_complete(box: Sandbox, export: CsvExport, root: Path) -> None:
    """Outcome A in full: every record landed under its source id, with its links, tags, dates and owners."""
    truth, odoo = export.truth, box.client
    rows = ledger_rows(root)
    ids = landed_ids(rows)
    tasks = {**ids.get("task", {}), **ids.get("task_done", {})}
    missing = {obj: sorted(want - set(tasks if obj == "task" else ids.get(obj, {})))
               for obj, want in truth.ids.items()}
    missing = {obj: sids for obj, sids in missing.items() if sids}
    notes = len(ids.get("note", {}))
    if missing or notes != truth.notes:
        raise RecordsMissing(f"not in Odoo under their source ids: {missing}; notes {notes} of {truth.notes}; "
                             f"ledger: {not_landed(rows)[:8]}; objects landed: "
                             f"{ {o: len(v) for o, v in ids.items()} }")
    contacts, companies, deals = ids["contact"], ids.get("company", {}), ids["deal"]
    company_of, contact_of = _ids_to_source(companies), _ids_to_source(contacts)
    partners = {r["id"]: r for r in odoo.read("res.partner", list(contacts.values()),
                                              ["parent_id", "category_id", "user_id"])}
    leads = {r["id"]: r for r in odoo.read("crm.lead", list(deals.values()),
                                           ["partner_id", "date_deadline", "user_id"], context={"active_test": False})}
    wrong: list[str] = []
    for sid, company in truth.contact_company.items():
        parent = partners[contacts[sid]]["parent_id"]
        got = company_of.get(parent[0], f"odoo:{parent[0]}") if parent else None
        if got != company:
            wrong.append(f"contact {sid}: company {got}, source says {company}")
    partner_of = {odoo_id: f"company {sid}" for odoo_id, sid in company_of.items()}
    for sid, contact in truth.deal_partner.items():
        partner = leads[deals[sid]]["partner_id"]
        got = contact_of.get(partner[0]) if partner else None
        if got != contact:
            what = (f"contact {got}" if got else partner_of.get(partner[0], f"Odoo partner {partner[0]}") if partner
                    else "empty")
            wrong.append(f"deal {sid}: partner is {what}, source says contact {contact}")
    wrong += _task_parents(box, ids, truth.task_parent, contact_of)
    if wrong:
        raise LinksDiffer(f"{len(wrong)} links differ from the source: {wrong[:10]}")
    _check_tags(box, export, contacts, partners)
    dates = [f"deal {sid}: date_deadline {leads[deals[sid]]['date_deadline']}, source says {day}"
             for sid, day in truth.deal_deadline.items() if leads[deals[sid]]["date_deadline"] != day]
    if dates:
        raise ValuesDiffer(f"{len(dates)} deals' expected close dates differ: {dates[:8]}")
    _check_owners(box, export, {"contact": (contacts, partners), "deal": (deals, leads)})


def _task_parents(box: Sandbox, ids: dict[str, dict[str, int]], want: dict[str, str],
                  contact_of: dict[int, str]) -> list[str]:
    got: dict[str, tuple[str, int]] = {}
    for obj, model, model_field in (("task", "mail.activity", "res_model"), ("task_done", "mail.message", "model")):
        by_odoo = _ids_to_source(ids.get(obj, {}))
        if by_odoo:
            for r in box.client.read(model, list(by_odoo), [model_field, "res_id"]):
                got[by_odoo[r["id"]]] = (r[model_field], r["res_id"])
    wrong = []
    for sid, contact in want.items():
        model, res_id = got.get(sid, ("?", 0))
        parent = contact_of.get(res_id) if model == "res.partner" else None
        if parent != contact:
            wrong.append(f"task {sid}: parent {model},{res_id} (contact {parent}), source says contact {contact}")
    return wrong


def _check_tags(box: Sandbox, export: CsvExport, contacts: dict[str, int], partners: dict[int, Any]) -> None:
    names = {t["id"]: t["name"] for t in box.client.search_read("res.partner.category", [], ["name"])}
    wrong = []
    for sid, tags in export.truth.contact_tags.items():
        want = {export.as_written(t) for t in tags}
        got = {names.get(t, f"?{t}") for t in partners[contacts[sid]]["category_id"]}
        if got != want:
            wrong.append(f"contact {sid}: tags {sorted(got)}, source says {sorted(want)}")
    if wrong:
        raise TagsDiffer(f"{len(wrong)} contacts' tags differ: {wrong[:6]}")


def _check_owners(box: Sandbox, export: CsvExport, landed: dict[str, tuple[dict[str, int], dict[int, Any]]]) -> None:
    users = {u["id"]: u["login"] for u in box.client.search_read("res.users", [], ["login"],
                                                                   context={"active_test": False})}
    wrong = []
    for (obj, sid), cell in sorted(export.truth.owner_cells.items()):
        if obj not in landed:
            continue
        ids, rows = landed[obj]
        user = rows[ids[sid]]["user_id"]
        got = users.get(user[0], f"?{user[0]}") if user else None
        want = box.owner_login(export.as_written(cell))
        if got != want:
            wrong.append(f"{obj} {sid} (owner cell {export.as_written(cell)!r}): user {got}, expected {want}")
    if wrong:
        raise OwnersDiffer(f"{len(wrong)} owners differ: {wrong[:6]}")
