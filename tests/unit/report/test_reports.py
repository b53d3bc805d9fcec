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


def test_migrate_report_names_records_changed_without_a_new_modified_date() -> None:
    def result(name: str, undated: int, ids: list[str]) -> dict[str, object]:
        counts = dict.fromkeys(("read", "created", "updated", "matched", "merged", "unchanged", "skipped",
                                "quarantined", "conflicts", "archived"), 0)
        return {"name": name, "model": "res.partner", **counts, "blocked": "", "changed_undated": undated,
                "changed_undated_ids": ids}

    data: dict[str, object] = {"run_id": 2, "kind": "delta", "state": "done", "elapsed_seconds": 1.0,
                               "resumed": False, "provisioned": {"models": [], "fields": []}, "reconcile": None,
                               "objects": [result("company", 0, [])]}
    assert "modified date" not in render.migrate_markdown(data)
    data["objects"] = [result("company", 0, []), result("contact", 25, [f"c|{n}" for n in range(20)])]
    text = render.migrate_markdown(data)
    assert "## Changed without a new modified date" in text
    row = next(line for line in text.splitlines() if line.startswith("| contact | 25 |"))
    assert "c\\|0" in row and row.endswith(", ... |"), "ids escaped, and the rest said to exist"
    assert "| company | 0 |" not in text.split("## Changed without")[1]


def test_script_tags_and_quotes_from_customer_data_come_out_escaped(tmp_path: Path) -> None:
    hostile = "Ada \"the\" <script>alert('x')</script> O'Brien"
    data = {"source_kind": "ontraport-csv", "grade": "simple", "reasons": [hostile], "warnings": [hostile],
            "inventory": [], "objects": [{"name": hostile, "label": hostile, "count": 3, "fields": 2,
                                          "custom_fields": 0, "custom_object": False, "fit": hostile}]}
    render.write_report(tmp_path, "discovery", data, render.discovery_markdown(data))
    page = (tmp_path / "discovery.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "alert('x')" not in page and '"the"' not in page
    escaped = "Ada &#34;the&#34; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; O&#39;Brien"
    assert page.count(escaped) >= 4, "in the list, the warnings, the table and the chart's bar label"
    assert 'aria-label="Records per object"' in page and "<svg" in page
