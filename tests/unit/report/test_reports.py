from __future__ import annotations

from pathlib import Path

from crm2odoo.redact import Secret
from crm2odoo.report import render
from crm2odoo.report.html import markdown_to_html


def test_customer_data_is_escaped_in_html_and_tables_survive_pipes(tmp_path: Path) -> None:
    data = {"ok": True, "objects": [{"name": "note", "model": "mail.message", "in_source": 2, "expected": 1,
                                     "landed": 1, "present_in_odoo": 1, "merged": 0, "skipped": 0, "quarantined": 1,
                                     "spot_checked": 0, "spot_mismatches": 0, "ok": True, "differences_total": 1,
                                     "differences": [{"source_id": "7", "what": "quarantined",
                                                      "detail": "body <script>alert(1)</script> a|b"}]}]}
    render.write_report(tmp_path, "reconcile", data, render.reconcile_markdown(data))
    page = (tmp_path / "reconcile.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a|b" in page and "<svg" in page
    assert (tmp_path / "reconcile.json").exists() and (tmp_path / "reconcile.md").exists()


def test_secrets_never_reach_a_report(tmp_path: Path) -> None:
    Secret("sk-live-0123456789")
    data = {"items": [{"kind": "form", "name": "Signup sk-live-0123456789", "details": {}, "advice": ""}],
            "warnings": []}
    render.write_report(tmp_path, "inventory", data, render.inventory_markdown(data))
    for suffix in ("md", "html", "json"):
        assert "sk-live-0123456789" not in (tmp_path / f"inventory.{suffix}").read_text(encoding="utf-8")


def test_markdown_subset() -> None:
    out = markdown_to_html("# Title\n\n- one **two**\n\n| a | b |\n|---|---|\n| 1 | `x` |\n")
    assert "<h1>Title</h1>" in out and "<li>one <strong>two</strong></li>" in out
    assert "<td><code>x</code></td>" in out
