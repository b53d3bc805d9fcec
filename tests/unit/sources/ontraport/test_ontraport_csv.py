"""The UI CSV export connector: detection by headers, notes, encodings, bad rows, API equivalence."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crm2odoo.errors import SourceError
from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.ontraport.api import OntraportApiSource
from crm2odoo.sources.ontraport.csv_export import OntraportCsvSource, sniff_encoding
from crm2odoo.testing.ontraport_sim import OntraportAccount, OntraportSimulator, generate_account


def make_source(folder: Path, **options: str) -> OntraportCsvSource:
    source = open_source(SourceSettings("ontraport-csv", {"path": str(folder)}, folder.parent, options))
    assert isinstance(source, OntraportCsvSource)
    return source


@pytest.fixture(scope="module")
def account() -> OntraportAccount:
    return generate_account(seed=4, contacts=60, companies=8, deals=15)


@pytest.fixture()
def exports(tmp_path: Path, account: OntraportAccount) -> Path:
    from crm2odoo.testing.ontraport_sim import write_csv_exports

    write_csv_exports(account, tmp_path / "exports")
    return tmp_path / "exports"


def test_objects_detected_from_headers_not_names(exports: Path) -> None:
    catalog = make_source(exports).discover()
    names = {o.name for o in catalog.objects}
    assert {"contact", "company", "deal", "product", "note", "tag", "user", "stage", "pipeline"} <= names
    contact = catalog.object("contact")
    assert contact is not None and contact.origin == "export-1.csv"
    assert contact.field("firstname").label == "First Name"  # type: ignore[union-attr]
    assert contact.field("contact_cat").ref_object == "tag"  # type: ignore[union-attr]
    # custom fields are unknown to a header-only reader: reported, and still exposed
    plan = contact.field("Plan")
    assert plan is not None and plan.custom and plan.type == "text"
    assert any("Plan" in w and "export-1.csv" in w for w in catalog.warnings)


def test_contacts_deduped_and_notes_split(exports: Path, account: OntraportAccount) -> None:
    source = make_source(exports)
    contacts = list(source.read("contact"))
    assert len(contacts) == len(account.records[0])
    assert len({c.id for c in contacts}) == len(contacts)
    notes = list(source.read("note"))
    assert len(notes) == len(account.records[12])
    assert len({n.id for n in notes}) == len(notes)
    assert {n.id for n in source.read("note")} == {n.id for n in notes}  # stable across runs
    api_notes = sorted((r["contact_id"], r["data"]) for r in account.records[12].values())
    assert sorted((n.values["contact_id"], n.values["data"]) for n in notes) == api_notes
    assert any("<script>" in (n.values["data"] or "") for n in notes)
    assert all(n.locator.startswith("export-1.csv row ") for n in notes)
    users = {u.id: u.values["name"] for u in source.read("user")}
    assert "Ayşe Yılmaz" in users.values() and all(n.values["author"] in users for n in notes)
    stages = {s.values["name"]: s.values for s in source.read("stage")}
    assert stages.get("Closed - Won", {"is_won": True})["is_won"]


def test_discovery_counts_the_notes_of_a_contacts_with_notes_export(tmp_path: Path) -> None:
    # the count is the run's total (its progress and ETA): rows of a contact without a note are not notes
    folder = tmp_path / "exports"
    folder.mkdir()
    with (folder / "contacts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Contact ID", "First Name", "Email", "Note", "Note Date"])
        w.writerow([1, "Ayşe", "a1@example.com", "Called", "01/02/2023 10:00:00"])
        w.writerow([1, "Ayşe", "a1@example.com", "", "01/03/2023 10:00:00"])  # a dated note without text
        w.writerow([2, "Jürgen", "j2@example.com", "", ""])  # a contact without notes
        w.writerow([3, "Maria", "m3@example.com", "Sent a quote", "01/04/2023 10:00:00"])
    source = make_source(folder)
    counts = {o.name: o.count for o in source.discover().objects}
    assert counts["contact"] == 3
    assert counts["note"] == sum(1 for _ in source.read("note")) == 3


def test_api_and_csv_give_equivalent_contacts(exports: Path, account: OntraportAccount) -> None:
    with OntraportSimulator(account, app_id="app", api_key="key-1234", rate_limit=100_000) as sim:
        api = OntraportApiSource(SourceSettings("ontraport", {"base_url": sim.url, "app_id": "app",
                                                              "api_key": Secret("key-1234")}, Path("."), {}))
        api_contacts = {r.id: r for r in api.read("contact")}
        api_tags = {t.id: t.values["tag_name"] for t in api.read("tag")}
        api.close()
    csv_source = make_source(exports)
    csv_contacts = {r.id: r for r in csv_source.read("contact")}
    csv_tags = {t.id: t.values["tag_name"] for t in csv_source.read("tag")}
    assert api_contacts.keys() == csv_contacts.keys()
    same = ("firstname", "lastname", "email", "city", "zip", "office_phone", "date", "dlm", "birthday",
            "priority", "bulk_mail", "company_id", "unique_id", "title")
    for cid, api_rec in api_contacts.items():
        csv_rec = csv_contacts[cid]
        for key in same:
            assert api_rec.values[key] == csv_rec.values[key], (cid, key)
        assert sorted(api_tags[t] for t in api_rec.values["contact_cat"]) == \
            sorted(csv_tags[t] for t in csv_rec.values["contact_cat"])
        assert api_rec.values["f1557"] == csv_rec.values["Plan"]
        assert api_rec.modified_at == csv_rec.modified_at


def test_cp1252_export_is_read_and_reported(tmp_path: Path, account: OntraportAccount) -> None:
    from crm2odoo.testing.ontraport_sim import write_csv_exports

    folder = tmp_path / "legacy"
    write_csv_exports(account, folder, encoding="cp1252", with_notes=False)
    source = make_source(folder)
    catalog = source.discover()
    assert any("cp1252" in w for w in catalog.warnings)
    names = {r.values["lastname"] for r in source.read("contact")}
    assert "Müller" in names or "Schäfer" in names or "Weiß" in names
    assert catalog.object("note") is None


def test_truncated_and_ragged_rows_are_kept_with_problems(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    path = folder / "whatever.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Contact ID", "First Name", "Last Name", "Email", "Date Added", "Shoe Size"])
        w.writerow(["1", "Ada", "Lovelace", "ada@example.com", "12/10/2021 10:00:00", "38"])
        w.writerow(["2", "Bad", "Date", "b@example.com", "someday", "41"])
        w.writerow(["3", "Extra", "Cols", "x@example.com", "", "40", "surprise"])
        fh.write('4,Cut,"Off')  # the export was cut in the middle of a quoted field
    source = make_source(folder)
    catalog = source.discover()
    assert any("Shoe Size" in w for w in catalog.warnings)
    records = {r.id: r for r in source.read("contact")}
    assert set(records) == {"1", "2", "3", "4"}
    assert not records["1"].problems and records["1"].values["Shoe Size"] == "38"
    assert records["2"].problems[0].field == "date" and records["2"].values["firstname"] == "Bad"
    assert records["3"].problems[0].field is None and "row 4" in records["3"].problems[0].message
    assert "whatever.csv row 5" in records["4"].problems[0].message
    assert records["4"].locator == "whatever.csv row 5"


def test_bom_and_no_bom_and_unknown_files(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    header = "Company ID,Company Name,Industry,City\n"
    (folder / "a.csv").write_bytes(b"\xef\xbb\xbf" + (header + "1,Öztürk A.Ş.,Tekstil,İzmir\n").encode())
    (folder / "b.csv").write_text(header + "2,Groß GmbH,Retail,Köln\n", encoding="utf-8")
    (folder / "c.csv").write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    source = make_source(folder)
    catalog = source.discover()
    assert any("c.csv" in w for w in catalog.warnings)
    names = sorted(r.values["name"] for r in source.read("company"))
    assert names == ["Groß GmbH", "Öztürk A.Ş."]


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        make_source(tmp_path / "nope").discover()


def test_large_export_streams(tmp_path: Path) -> None:
    import tracemalloc

    folder = tmp_path / "big"
    folder.mkdir()
    rows = 4_000
    with (folder / "contacts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Contact ID", "First Name", "Last Name", "Email", "Note", "Note Date"])
        for i in range(1, rows + 1):
            w.writerow([i // 2 + 1, "Ayşe", "Yılmaz" * 30, f"a{i}@example.com", "x" * 2000, "01/02/2023 10:00:00"])
    source = make_source(folder)
    source.discover()
    tracemalloc.start()
    count = sum(1 for _ in source.read("contact"))
    notes = sum(1 for _ in source.read("note"))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == rows // 2 + 1 and notes == rows
    size = (folder / "contacts.csv").stat().st_size
    assert peak < size / 2  # only ids are kept, never the rows


def test_a_turkish_windows_export_is_read_as_cp1254(tmp_path: Path) -> None:
    turkish, western = tmp_path / "tr.csv", tmp_path / "de.csv"
    turkish.write_bytes("Company ID,Company Name\r\n1,Şahin Ağaç İşleri Ltd. Şti.\r\n".encode("cp1254"))
    western.write_bytes("Company ID,Company Name\r\n1,Müller Straße Café\r\n".encode("cp1252"))
    assert sniff_encoding(turkish) == "cp1254"
    assert sniff_encoding(western) == "cp1252"


def test_a_huge_cell_and_a_conflicting_duplicate_id_lose_no_row(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    rows = [["Company ID", "Company Name", "Industry"], ["1", "Acme", "x" * (1 << 20)], ["2", "Beta", "Retail"],
            ["2", "Beta Impostor", "Retail"], ["3", "Gamma", "Retail"]]
    with (folder / "companies.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    records = list(make_source(folder).read("company"))
    assert [r.locator for r in records] == [f"companies.csv row {n}" for n in (2, 3, 4, 5)]
    assert len(records[0].values["industry"]) == 1 << 20 and not records[0].problems
    duplicate = records[2]
    assert duplicate.id == "2-dup-row4" and "duplicate ID 2" in duplicate.problems[0].message
    assert "companies.csv row 3" in duplicate.problems[0].message


def test_listed_ids_and_reads_by_id_agree_with_the_whole_read(tmp_path: Path, exports: Path) -> None:
    """list_ids and read(ids=...) skip decoding the records they do not need: the same ids, in the same order,
    and the chosen records exactly as the whole read gives them (duplicate ids, rows without an id, notes of a
    contacts-with-notes export, a note repeated on one contact)."""
    folder = tmp_path / "messy"
    folder.mkdir()
    with (folder / "contacts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Contact ID", "First Name", "Email", "Date Added", "Note", "Note Date"])
        w.writerow(["1", "Ada", "ada@example.com", "12/10/2021 10:00:00", "first call", "01/02/2023 10:00:00"])
        w.writerow(["1", "Ada", "ada@example.com", "12/10/2021 10:00:00", "second call", "01/03/2023 10:00:00"])
        w.writerow(["1", "Ada", "ada@example.com", "12/10/2021 10:00:00", "second call", "01/03/2023 10:00:00"])
        w.writerow(["", "Nobody", "n@example.com", "someday", "", ""])
        w.writerow([" 2 ", "Bea", "bea@example.com", "", "", ""])
        w.writerow(["2", "Bea Impostor", "imp@example.com", "", "", ""])
        w.writerow(["3", "Cy", "cy@example.com", "13/13/2021", "met", "bad date"])
    for source in (make_source(folder), make_source(exports)):
        source.discover()
        for obj in ("contact", "note", "company", "deal"):
            whole = list(source.read(obj))
            assert list(source.list_ids(obj)) == [r.id for r in whole], obj
            chosen = {r.id for r in whole[::3]} | {"no-such-id"}
            assert list(source.read(obj, ids=chosen)) == [r for r in whole if r.id in chosen], obj
    whole_ids = [r.id for r in make_source(folder).read("contact")]
    assert whole_ids == ["1", "row-5", "2", "2-dup-row7", "3"]
