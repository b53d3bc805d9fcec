"""Findings grouped by object, field, value and problem (issue 17): one line per thing to fix, with its count."""

from __future__ import annotations

from typing import Any

from crm2odoo.report.render import reconcile_markdown, validation_markdown
from crm2odoo.validate.engine import Finding, ObjectValidation, ValidationInfo
from crm2odoo.validate.grouping import group_differences, group_findings
from crm2odoo.validate.reconcile import Difference, ObjectReconcile, ReconcileInfo


def finding(source_id: str, value: str = "Software", *, field: str = "industry_id", severity: str = "warning",
            message: str = "not found in Odoo") -> Finding:
    return Finding("contact", source_id, f"row {source_id}", field, value, severity, "lookup", message,
                   "create the industry in Odoo", "set_empty" if severity == "warning" else "quarantine")


def test_300_records_with_one_unknown_value_are_one_group_of_300() -> None:
    findings = [finding(str(i)) for i in range(300)] + [finding("1", "Retail"), finding("2", "Retail")]
    groups = group_findings(f.asdict() for f in findings)
    assert [(g.value, g.records) for g in groups] == [("Software", 300), ("Retail", 2)]
    assert groups[0].line() == ("contact.industry_id: 'Software': not found in Odoo — 300 records "
                                "(migrate will set_empty)")
    assert groups[1].line().endswith("— 2 records (migrate will set_empty)")


def test_a_record_counts_once_per_group_and_errors_come_before_warnings_of_the_same_size() -> None:
    findings = [finding("7"), finding("7"), finding("8", "x", field="email", severity="error", message="invalid")]
    groups = group_findings([*(f.asdict() for f in findings), finding("9", "x", field="email").asdict()])
    assert [(g.field, g.severity, g.records) for g in groups] == [
        ("email", "error", 1), ("email", "warning", 1), ("industry_id", "warning", 1)]
    assert groups[-1].line().endswith("— 1 record (migrate will set_empty)")


def test_the_validation_report_shows_the_groups_then_every_finding() -> None:
    info = ValidationInfo(objects=[ObjectValidation("contact", "res.partner", records=300, valid=300,
                                                    with_warnings=300)],
                          findings=[finding(str(i)) for i in range(300)])
    data = info.asdict()
    assert [g["records"] for g in data["finding_groups"]] == [300]
    text = validation_markdown(data)
    grouped, full = text.split("## Findings (300)")
    assert "## Findings grouped" in grouped and "| 300 |" in grouped
    assert full.count("Software") == 300


def test_reconcile_differences_are_grouped_by_what_and_detail() -> None:
    obj = ObjectReconcile("contact", "res.partner", quarantined=3, differences=[
        *(Difference(str(i), "quarantined", "email: invalid address") for i in range(3)),
        Difference("9", "missing_in_odoo", "not found by external ID")])
    data: dict[str, Any] = ReconcileInfo([obj]).asdict()
    groups = data["objects"][0]["difference_groups"]
    assert [(g["message"], g["records"]) for g in groups] == [
        ("quarantined: email: invalid address", 3), ("missing in Odoo: not found by external ID", 1)]
    assert groups[0]["line"] == "contact: quarantined: email: invalid address — 3 records"
    assert "| quarantined: email: invalid address | 3 |" in reconcile_markdown(data)
    assert len(group_differences("deal", [])) == 0

