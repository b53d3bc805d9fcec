"""Bad exports, run through the CLI the way a person runs it: every problem ends as a clear message naming the file,
row and field, or as a quarantine with its reason; no traceback; every source row accounted for in the ledger.

The corpus is built here from a generated Ontraport account (its UI CSV exports) and a generated Planports
workbook, then damaged on purpose: a truncated file, cp1254 / latin-1 / UTF-8-with-BOM encodings, a 1 MB cell,
duplicate ids, a file missing its id column, an impossible date (31.02.2024), emoji and right-to-left text, HTML
and script tags in notes; formulas (one without a cached value) and merged cells in the workbook.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import generate_account, write_csv_exports
from crm2odoo.testing.planports_workbook import generate_workbook

from .world import FINAL, admin

RTL_NAME = ("שלום", "مرحبا")
EMOJI_NAME = ("Zoë 😀🚀", "Ünal 👩‍💻")
SCRIPT_NOTE = '<p>Called <b>twice</b></p><script>alert("x")</script><img src=x onerror="alert(1)">'
HUGE = "€" + "x" * (1024 * 1024)
TR_COMPANY = "Şahin Ağaç İşleri Ltd. Şti."
LATIN_DEAL = "Müller Straße Café - Öl ½"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(version="18.0") as sandbox:
        yield sandbox


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BAD_ODOO_PASSWORD": "admin"}
    done = subprocess.run([sys.executable, "-m", "crm2odoo", *args, "--project", str(root)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    return done


def config(root: Path, source: str, server: SandboxServer, extra: str = "") -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "crm2odoo.toml").write_text(
        f'{source}\n[odoo]\nurl = "{server.url}"\ndatabase = "{server.database}"\nlogin = "admin"\n'
        'password = "${BAD_ODOO_PASSWORD}"\n\n[migration]\nfallback_owner = "admin"\nbatch_size = 25\n' + extra,
        encoding="utf-8")


def workflow(root: Path) -> subprocess.CompletedProcess[str]:
    for step in (["discover"], ["plan"], ["approve", "--yes", "--as", "bad-input"]):
        done = cli(root, *step)
        assert done.returncode == 0, done.stdout + done.stderr
    validation = cli(root, "validate")
    assert validation.returncode in (0, 1), validation.stdout + validation.stderr
    return cli(root, "migrate")


def rewrite(path: Path, encoding: str, edit: object) -> list[list[str]]:
    """Read a UTF-8 export, let ``edit`` change its rows, write it back in ``encoding``; returns the rows."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert callable(edit)
    edit(rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return rows


def ledger(root: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        db.row_factory = sqlite3.Row
        return list(db.execute("SELECT * FROM records"))


def by_locator(rows: list[sqlite3.Row]) -> dict[str, list[sqlite3.Row]]:
    out: dict[str, list[sqlite3.Row]] = {}
    for r in rows:
        out.setdefault(r["locator"], []).append(r)
    return out


def test_damaged_ontraport_csv_exports(tmp_path: Path, server: SandboxServer) -> None:
    root = tmp_path / "csv"
    account = generate_account(seed=61, contacts=30, companies=6, deals=10, notes_per_contact=1, transactions=0)
    files = write_csv_exports(account, root / "exports", encoding="utf-8-sig")
    contacts, companies, deals, products = files[:4]  # then tasks and transactions, left whole
    header = next(csv.reader(io.StringIO(contacts.read_text(encoding="utf-8-sig"))))
    col = {h: i for i, h in enumerate(header)}

    def damage_contacts(rows: list[list[str]]) -> None:
        rows[1][col["First Name"]], rows[1][col["Last Name"]] = RTL_NAME
        rows[2][col["First Name"]], rows[2][col["Last Name"]] = EMOJI_NAME
        rows[3][col["Note"]] = SCRIPT_NOTE
        rows[3][col["Note Date"]] = rows[3][col["Note Date"]] or "01/05/2024 10:00:00"
        rows[4][col["Title"]] = HUGE
        rows[5][col["Birthday"]] = "02/31/2024"  # the 31st of February: the export is month/day/year
        duplicate = list(rows[6])
        duplicate[col["First Name"]], duplicate[col["Note"]], duplicate[col["Note Date"]] = "Impostor", "", ""
        rows.append(duplicate)  # a second, different row with the same Contact ID
        rows.append(rows[7][: len(header) // 2])  # the file was cut off mid-row

    contact_rows = rewrite(contacts, "utf-8-sig", damage_contacts)

    def turkish(rows: list[list[str]]) -> None:
        rows[1][1] = TR_COMPANY

    rewrite(companies, "cp1254", turkish)

    def latin(rows: list[list[str]]) -> None:
        rows[1][1] = LATIN_DEAL

    rewrite(deals, "latin-1", latin)

    def no_ids(rows: list[list[str]]) -> None:
        for row in rows[1:]:
            row[0] = ""  # every "Product ID" is empty (a file without the column stops discover)

    rewrite(products, "utf-8", no_ids)
    config(root, '[source]\nkind = "ontraport-csv"\npath = "exports/"\n', server)
    migrated = workflow(root)
    assert migrated.returncode in (0, 1), migrated.stdout + migrated.stderr

    catalog = cli(root, "status", "--json")
    assert catalog.returncode == 0
    discovery = (root / "reports" / "discovery.md").read_text(encoding="utf-8")
    assert "export-2.csv" in discovery and "cp1254" in discovery, "the odd encoding is named with its file"

    rows = ledger(root)
    assert {r["state"] for r in rows} <= set(FINAL)
    located = by_locator(rows)
    # every data row of every file is in the ledger: a contact, its note, or both
    for path, count in ((contacts, len(contact_rows) - 1),):
        for n in range(2, count + 2):
            assert located.get(f"{path.name} row {n}"), f"{path.name} row {n} is unaccounted for"
    for path in (companies, deals):
        lines = len(list(csv.reader(io.StringIO(path.read_bytes().decode("cp1254" if path == companies
                                                                         else "latin-1")))))
        for n in range(2, lines + 1):
            assert located.get(f"{path.name} row {n}"), f"{path.name} row {n} is unaccounted for"

    def one(locator: str, obj: str) -> sqlite3.Row:
        found = [r for r in located.get(locator, []) if r["object"] == obj]
        assert len(found) == 1, (locator, obj, located.get(locator))
        return found[0]

    name = contacts.name
    truncated = one(f"{name} row {len(contact_rows)}", "contact")
    assert truncated["state"] == "quarantined" and "truncated" in truncated["reason"] and name in truncated["reason"]
    impossible = one(f"{name} row 6", "contact")
    assert impossible["state"] in ("quarantined", "created"), impossible["reason"]
    issues = issues_of(root, impossible["source_id"])
    assert any("row 6" in i and name in i and ("birthday" in i.lower()) for i in [impossible["reason"], *issues]), \
        (impossible["reason"], issues)
    duplicate = [r for r in located.get(f"{name} row {len(contact_rows) - 1}", [])]
    assert duplicate and all(r["state"] in ("quarantined", "skipped", "merged") for r in duplicate), duplicate
    assert any("duplicate" in r["reason"].lower() for r in duplicate), [r["reason"] for r in duplicate]

    client = admin(server)
    partners = {r["id"]: r for r in client.read("res.partner", [int(r["odoo_id"]) for r in rows
                                                                 if r["object"] in ("contact", "company")
                                                                 and r["odoo_id"]], ["name", "function"])}
    names = {p["name"] for p in partners.values()}
    assert " ".join(RTL_NAME) in names and " ".join(EMOJI_NAME) in names
    assert TR_COMPANY in names, "a cp1254 export keeps its Turkish letters"
    huge = one(f"{name} row 5", "contact")
    if huge["state"] == "created":
        assert partners[int(huge["odoo_id"])]["function"] in (HUGE, HUGE.strip())
    else:
        assert huge["reason"]
    note = one(f"{name} row 4", "note")
    assert note["state"] == "created"
    body = client.read("mail.message", [int(note["odoo_id"])], ["body"])[0]["body"]
    assert "<script" not in body and "onerror" not in body and "twice" in body
    deal_names = {r["name"] for r in client.search_read("crm.lead", [], ["name"], context={"active_test": False})}
    assert LATIN_DEAL in deal_names
    product_rows = [r for r in rows if r["object"] == "product"]
    assert product_rows and all(r["state"] == "quarantined" and "no ID" in r["reason"] for r in product_rows)
    client.close()


def issues_of(root: Path, source_id: str) -> list[str]:
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        return [f"{r[0]} {r[1]} {r[2]}" for r in db.execute(
            "SELECT field, reason, locator FROM issues WHERE source_id=?", (source_id,))]


def test_damaged_planports_workbook(tmp_path: Path, server: SandboxServer) -> None:
    """The generator's dirt (formulas, one without a cached value, merged cells, title rows, shuffled columns) plus
    an impossible date (31.02.2024), emoji and right-to-left names and a note with script tags."""
    root = tmp_path / "xlsx"
    generate_workbook(root / "export.xlsx", seed=8, language="tr", contacts=25, companies=6, leads=8, deals=8,
                      quotes=3, orders=2, activities=6, notes=6, cards=4, attachments=2)
    book = openpyxl.load_workbook(root / "export.xlsx")

    def cell(sheet: str, label: str, row_offset: int) -> openpyxl.cell.cell.Cell:
        ws = book[sheet]
        for row in ws.iter_rows(min_row=1, max_row=5):
            for c in row:
                if c.value == label:
                    return ws.cell(row=c.row + row_offset, column=c.column)
        raise AssertionError(f"{sheet}: no column {label}")

    closing = cell("Satış Fırsatları", "Tahmini Kapanış Tarihi", 1)
    closing.value = "31.02.2024"
    deal_row = closing.row
    cell("Kişiler", "Ad Soyad", 1).value = " ".join(RTL_NAME)
    cell("Kişiler", "Ad Soyad", 2).value = " ".join(EMOJI_NAME)
    cell("Notlar", "Not", 1).value = SCRIPT_NOTE
    book.save(root / "export.xlsx")
    config(root, '[source]\nkind = "planports-xlsx"\npath = "export.xlsx"\n', server,
           'default_country = "TR"\nsource_timezone = "Europe/Istanbul"\n')
    migrated = workflow(root)
    assert migrated.returncode in (0, 1), migrated.stdout + migrated.stderr
    rows = ledger(root)
    assert rows and {r["state"] for r in rows} <= set(FINAL), {r["state"] for r in rows}
    for r in rows:
        if r["state"] in ("quarantined", "skipped"):
            assert r["reason"], f"{r['object']} {r['source_id']} without a reason"
    with sqlite3.connect(root / ".crm2odoo" / "ledger.sqlite") as db:
        issues = [" ".join(str(v) for v in x) for x in db.execute("SELECT field, value, reason, locator FROM issues")]
    texts = issues + [f"{r['reason']} {r['locator']}" for r in rows]
    assert any("31.02.2024" in t and f"row {deal_row}" in t for t in texts), \
        [t for t in texts if "31.02" in t or "Fırsatları row" in t][:6]
    client = admin(server)
    names = {r["name"] for r in client.search_read("res.partner", [], ["name"], context={"active_test": False})}
    assert " ".join(RTL_NAME) in names and " ".join(EMOJI_NAME) in names
    bodies = [m["body"] for m in client.search_read("mail.message", [["body", "ilike", "twice"]], ["body"])]
    client.close()
    assert bodies and all("<script" not in b and "onerror" not in b for b in bodies)
