"""CSV exports we did not design: mixed encodings, BOMs, other delimiters, other id headers, no id column, links by
id to another export, tags joined by any separator, owners given by name."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm2odoo import api
from crm2odoo.cli import main
from crm2odoo.errors import UserFacingError
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.ontraport.csv_export import OntraportCsvSource
from crm2odoo.sources.ontraport.csv_profile import TagSplitter, id_header_object, tag_splitter
from crm2odoo.textnorm import fold

CONTACT_HEADER = ["Contact ID", "First Name", "Last Name", "Email", "Owner", "Contact Tags"]


def make_source(folder: Path) -> OntraportCsvSource:
    source = open_source(SourceSettings("ontraport-csv", {"path": str(folder)}, folder.parent, {}))
    assert isinstance(source, OntraportCsvSource)
    return source


def write(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def contacts(n: int = 6) -> list[list[str]]:
    owners = ["Ayşe Yılmaz", "Jürgen Groß", "Chris Unmatched"]
    return [list(CONTACT_HEADER)] + [[str(i), f"Zeynep{i}", "Yılmaz", f"z{i}@example.com", owners[i % 3], ""]
                               for i in range(1, n + 1)]


# -- text --------------------------------------------------------------------------------------------------------
def test_a_few_bytes_of_another_encoding_do_not_turn_the_whole_file(tmp_path: Path) -> None:
    path = write(tmp_path / "x" / "a.csv", contacts(8))
    lines = path.read_bytes().split(b"\r\n")
    for n in (3, 6):  # rows 3 and 6: a Latin-1 'é' pasted in
        lines[n - 1] = lines[n - 1].replace(b"Zeynep", b"Caf\xe9 ", 1)
    path.write_bytes(b"\r\n".join(lines))
    source = make_source(path.parent)
    catalog = source.discover()
    records = {r.id: r for r in source.read("contact")}
    assert len(records) == 8 and not any(r.problems for r in records.values())
    assert records["2"].values["firstname"] == "Café 2" and records["5"].values["firstname"] == "Café 5"
    assert all(r.values["lastname"] == "Yılmaz" for r in records.values()), "the UTF-8 rows stay UTF-8"
    warning = next(w for w in catalog.warnings if "a.csv" in w and "row(s)" in w)
    assert "3, 6" in warning and "cp1252" in warning


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_bom_is_stripped(tmp_path: Path, encoding: str) -> None:
    bom = codecs.BOM_UTF16_BE if encoding == "utf-16-be" else b""
    path = write(tmp_path / "x" / "a.csv", contacts(3), encoding=encoding)
    path.write_bytes(bom + path.read_bytes())
    assert path.read_bytes().startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    source = make_source(path.parent)
    contact = source.discover().object("contact")
    assert contact is not None and contact.field("id") is not None and contact.field("id").label == "Contact ID"  # type: ignore[union-attr]
    assert [r.values["lastname"] for r in source.read("contact")] == ["Yılmaz"] * 3


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_the_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = contacts(4)
    rows[2][1] = "Anna, Maria"  # a comma inside a value of a ';' file
    source = make_source(write(tmp_path / "x" / "a.csv", rows, delimiter=delimiter).parent)
    assert source.discover().object("contact") is not None
    read = {r.id: r for r in source.read("contact")}
    assert read["2"].values["firstname"] == "Anna, Maria" and read["4"].values["email"] == "z4@example.com"


# -- the key column ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", ["Kişi No", "Kontakt-Nr", "Record ID", "Kayıt No", "Müşteri No"])
def test_any_reasonable_id_header_is_the_key(tmp_path: Path, header: str) -> None:
    rows = contacts(4)
    rows[0][0] = header
    source = make_source(write(tmp_path / "x" / "a.csv", rows).parent)
    contact = source.discover().object("contact")
    assert contact is not None and contact.field("id") is not None
    assert sorted(r.id for r in source.read("contact")) == ["1", "2", "3", "4"]


def test_the_key_is_learnt_from_unique_id_values(tmp_path: Path) -> None:
    rows = contacts(5)
    rows[0][0] = "Datensatz"
    uuids = ["7d3c1e2a-0b5f-4c1d-9a55-3e0f7d2c9b1" + str(i) for i in range(1, 6)]
    for row, uid in zip(rows[1:], uuids, strict=True):
        row[0] = uid
    source = make_source(write(tmp_path / "x" / "a.csv", rows).parent)
    catalog = source.discover()
    assert sorted(r.id for r in source.read("contact")) == sorted(uuids)
    assert any("Datensatz" in w and "ID" in w for w in catalog.warnings)


def test_a_file_without_a_key_column_stops_discover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [row[1:] for row in contacts(4)]  # the "Contact ID" column is gone
    rows[2][0] = rows[1][0]  # and no other column is unique
    rows[2][2] = rows[1][2]
    rows[2][3] = rows[1][3]
    write(tmp_path / "p" / "exports" / "export-1.csv", rows)
    with pytest.raises(UserFacingError) as info:
        make_source(tmp_path / "p" / "exports").discover()
    message = str(info.value)
    assert "export-1.csv" in message and "First Name, Last Name, Email" in message and "Contact ID" in message
    assert "ID" in info.value.hint

    root = tmp_path / "p"
    api.init_project(root, "ontraport-csv")
    monkeypatch.setenv("ST_ODOO_PASSWORD", "unused")
    (root / "crm2odoo.toml").write_text(
        '[source]\nkind = "ontraport-csv"\npath = "exports/"\n[odoo]\nurl = "http://127.0.0.1:9"\n'
        'database = "none"\nlogin = "admin"\npassword = "${ST_ODOO_PASSWORD}"\n', encoding="utf-8")
    done = CliRunner().invoke(main, ["discover", "--project", str(root)])
    assert done.exit_code == 2, done.output
    assert "export-1.csv" in done.output and "Contact ID" in done.output and "Traceback" not in done.output


# -- links, tags, owners -----------------------------------------------------------------------------------------
def companies(folder: Path) -> None:
    write(folder / "b.csv", [["Company ID", "Company Name", "Phone"], ["11", "Acme", "1"], ["12", "Beta", "2"]])


def test_an_id_column_of_another_export_is_a_link(tmp_path: Path) -> None:
    rows = contacts(4)
    rows[0] += ["Company", "Company ID"]
    for row, (name, cid) in zip(rows[1:], [("Acme", "11"), ("Beta", "12"), ("Acme", "11"), ("", "")], strict=True):
        row += [name, cid]
    folder = tmp_path / "x"
    write(folder / "a.csv", rows)
    companies(folder)
    source = make_source(folder)
    field = source.discover().object("contact").field("Company ID")  # type: ignore[union-attr]
    assert field is not None and field.type == "ref" and field.ref_object == "company"
    assert {r.id: r.values["Company ID"] for r in source.read("contact")} == {"1": "11", "2": "12", "3": "11",
                                                                              "4": None}


def test_an_id_column_with_values_outside_the_other_export_is_no_link(tmp_path: Path) -> None:
    rows = contacts(3)
    rows[0] += ["Company ID"]
    for row, cid in zip(rows[1:], ["11", "99", "12"], strict=True):
        row.append(cid)
    folder = tmp_path / "x"
    write(folder / "a.csv", rows)
    companies(folder)
    field = make_source(folder).discover().object("contact").field("Company ID")  # type: ignore[union-attr]
    assert field is not None and field.type == "text" and field.ref_object is None


@pytest.mark.parametrize("sep", [",", ";", "|", "*/*"])
def test_tags_are_split_on_the_separator_the_values_show(tmp_path: Path, sep: str) -> None:
    cells = ["Customer", f"Customer{sep}Newsletter", "Smith, Jones", "", f"Smith, Jones{sep}VIP", "Smith, Jones",
             f"Newsletter {sep} Partner"]
    rows = contacts(len(cells))
    for row, cell in zip(rows[1:], cells, strict=True):
        row[-1] = cell
    source = make_source(write(tmp_path / "x" / "a.csv", rows).parent)
    source.discover()
    tags = {r.id: r.values["contact_cat"] for r in source.read("contact")}
    assert tags["2"] == [fold("Customer"), fold("Newsletter")]
    assert tags["3"] == [fold("Smith, Jones")], "a known tag name is never split"
    assert tags["5"] == [fold("Smith, Jones"), fold("VIP")]
    assert tags["7"] == [fold("Newsletter"), fold("Partner")]
    names = sorted(r.values["tag_name"] for r in source.read("tag"))
    assert names == ["Customer", "Newsletter", "Partner", "Smith, Jones", "VIP"]


def test_tag_splitter_rules() -> None:
    assert tag_splitter(__import__("collections").Counter({"A": 1, "B": 1})).separator is None
    splitter = TagSplitter(",", frozenset({fold("Smith, Jones")}))
    assert splitter.split("Smith, Jones") == ["Smith, Jones"]
    assert splitter.split("X,Smith, Jones,Y") == ["X", "Smith, Jones", "Y"]
    assert id_header_object("Contact ID") == (True, "contact") and id_header_object("Kişi No") == (True, "contact")
    assert id_header_object("Company ID") == (True, "company") and id_header_object("ID") == (True, None)
    assert id_header_object("Email")[0] is False and id_header_object("Video")[0] is False


def test_owners_by_name_are_users_with_a_name_and_no_email(tmp_path: Path) -> None:
    source = make_source(write(tmp_path / "x" / "a.csv", contacts(6)).parent)
    catalog = source.discover()
    assert catalog.object("user") is not None and catalog.object("user").field("email") is not None  # type: ignore[union-attr]
    users = {r.id: r.values for r in source.read("user")}
    assert {v["name"] for v in users.values()} == {"Ayşe Yılmaz", "Jürgen Groß", "Chris Unmatched"}
    assert all(v["email"] is None for v in users.values())
    owners = {r.values["owner"] for r in source.read("contact")}
    assert owners == set(users)


def test_a_column_joined_by_the_list_delimiter_is_a_multiselect(tmp_path: Path) -> None:
    from crm2odoo.testing.ontraport_sim import generate_account, write_csv_exports

    account = generate_account(seed=8, contacts=40, companies=4, deals=4, transactions=0)
    write_csv_exports(account, tmp_path / "exports")
    source = make_source(tmp_path / "exports")
    interests = source.discover().object("contact").field("Interests")  # type: ignore[union-attr]
    assert interests is not None and interests.type == "multiselect" and interests.custom
    assert set(interests.options) <= {"Real Estate", "Finance", "Travel", "Yazılım", "Gärten"}
    labels = {"601": "Real Estate", "602": "Finance", "603": "Travel", "604": "Yazılım", "605": "Gärten"}
    expected = {str(cid): [labels[p] for p in row["f1558"].split("*/*") if p] for cid, row in account.records[0].items()}
    assert {r.id: r.values["Interests"] for r in source.read("contact")} == expected
    code = source.discover().object("contact").field("Referral Code")  # type: ignore[union-attr]
    assert code is not None and code.type == "text", "a column without the delimiter stays text"


@pytest.mark.parametrize(("header", "first", "tags"), [
    (["Kişi No", "Ad", "Soyad", "E-posta", "Sorumlu", "Etiketler", "Müşteri Segmenti"], "firstname", "contact_cat"),
    (["Kunden-Nr", "Vorname", "Nachname", "E-Mail", "Inhaber", "Schlagwörter", "Kundensegment"], "firstname",
     "contact_cat"),
])
def test_a_renamed_reordered_export_in_turkish_or_german_is_read(tmp_path: Path, header: list[str], first: str,
                                                                 tags: str) -> None:
    order = [2, 0, 5, 1, 3, 6, 4]  # reordered
    rows = [[header[i] for i in order]]
    for n in range(1, 5):
        cells = [str(n), f"Zeynep{n}", "Yılmaz", f"z{n}@example.com", "Ayşe Yılmaz", "VIP;Müşteri", f"S{n % 2}"]
        rows.append([cells[i] for i in order])
    source = make_source(write(tmp_path / "x" / "export.csv", rows).parent)
    contact = source.discover().object("contact")
    assert contact is not None, "the file is recognised without one English header"
    names = {f.name for f in contact.fields}
    assert {"id", first, "lastname", "email", "owner", tags} <= names
    extra = contact.field(header[6])
    assert extra is not None and extra.custom, "an unknown column is kept as a field"
    records = {r.id: r.values for r in source.read("contact")}
    assert records["3"][first] == "Zeynep3" and records["3"][tags] == [fold("VIP"), fold("Müşteri")]
    assert records["3"][header[6]] == "S1"


def test_a_short_contacts_export_with_a_company_id_column_stays_contacts(tmp_path: Path) -> None:
    rows = [["Contact ID", "Phone", "Owner", "Company ID", "Address", "City", "Country", "Zip Code"]]
    rows += [[str(n), f"+49 30 {n}", "Ayşe Yılmaz", "11", "Main St", "Köln", "DE", "50667"] for n in (1, 2)]
    folder = tmp_path / "x"
    write(folder / "a.csv", rows)
    companies(folder)
    catalog = make_source(folder).discover()
    contact = catalog.object("contact")
    assert contact is not None and contact.origin == "a.csv"
    assert contact.field("Company ID") is not None and contact.field("Company ID").ref_object == "company"  # type: ignore[union-attr]
    assert catalog.object("company") is not None and catalog.object("company").origin == "b.csv"  # type: ignore[union-attr]


def test_day_first_dates_are_learnt_from_the_export_and_every_date_reads_the_same_way(tmp_path: Path) -> None:
    """'02.06.2023' is 2 June in an export whose other dates show day-first ('13.06.2023'), whatever order the rows
    come in; an export whose dates never show their order is read month-first, as Ontraport (US) writes them."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "Contacts.csv").write_text(
        "Contact ID,First Name,Last Name,Email,Date Added\n"
        "1,Ada,Lovelace,ada@example.com,02.06.2023 10:00\n"
        "2,Alan,Turing,alan@example.com,13.06.2023 10:00\n"
        "3,Grace,Hopper,grace@example.com,03.06.2023 10:00\n", encoding="utf-8")
    added = {r.id: r.values["date"] for r in make_source(folder).read("contact")}
    assert {k: (v.month, v.day) for k, v in added.items()} == {"1": (6, 2), "2": (6, 13), "3": (6, 3)}
    (folder / "Contacts.csv").write_text(
        "Contact ID,First Name,Last Name,Email,Date Added\n1,Ada,Lovelace,ada@example.com,02/06/2023 10:00\n",
        encoding="utf-8")
    only = next(iter(make_source(folder).read("contact"))).values["date"]
    assert (only.month, only.day) == (2, 6)


# -- which object each file holds: columns and name ----------------------------------------------------------------
NOTES_HEADER = ["Note ID", "Contact ID", "Contact Name", "Note", "Author", "Date Created"]
WORKSHOPS_HEADER = ["Workshop ID", "Title", "Session Date", "Seats", "Venue", "Owner"]


def _coaching_folder(folder: Path, notes_name: str = "Notes.csv", workshops_name: str = "Workshops.csv") -> Path:
    write(folder / "Contacts.csv", contacts(6))
    write(folder / notes_name, [NOTES_HEADER] + [[str(500 + i), str(i % 6 + 1), f"Zeynep{i % 6 + 1} Yılmaz",
                                                 f"Talked about goals {i}", "Jürgen Groß", f"03/0{i}/2024 10:00"]
                                                for i in range(1, 8)])
    write(folder / workshops_name, [WORKSHOPS_HEADER] + [[str(i), f"Focus Workshop {i}", "04/24/2024", "12",
                                                         "Online", "Ayşe Yılmaz"] for i in range(1, 5)])
    return folder


@pytest.mark.parametrize("notes_name, workshops_name", [("Notes.csv", "Workshops.csv"),
                                                        ("export-5.csv", "export-7.csv")])
def test_a_notes_export_is_notes_keyed_by_their_note_id(tmp_path: Path, notes_name: str,
                                                        workshops_name: str) -> None:
    source = make_source(_coaching_folder(tmp_path / "x", notes_name, workshops_name))
    catalog = source.discover()
    note = catalog.object("note")
    assert note is not None and note.origin == notes_name
    assert {f.name: f.ref_object for f in note.fields if f.ref_object} == {"contact_id": "contact", "author": "user"}
    notes = list(source.read("note"))
    assert [n.id for n in notes] == [str(500 + i) for i in range(1, 8)] and not any(n.problems for n in notes)
    assert notes[0].values["contact_id"] == "2" and notes[0].values["data"] == "Talked about goals 1"
    contacts_read = list(source.read("contact"))
    assert sorted(r.id for r in contacts_read) == [str(i) for i in range(1, 7)]
    assert not [p for r in contacts_read for p in r.problems], "no note row is read as a contact"


@pytest.mark.parametrize("workshops_name, name", [("Workshops.csv", "custom_workshops"),
                                                  ("export-7.csv", "custom_workshops"),
                                                  ("Seminare 2024.csv", "custom_workshops")])
def test_a_custom_objects_export_is_that_object_never_contacts(tmp_path: Path, workshops_name: str,
                                                               name: str) -> None:
    source = make_source(_coaching_folder(tmp_path / "x", workshops_name=workshops_name))
    catalog = source.discover()
    custom = catalog.object(name)
    assert custom is not None and custom.custom and custom.origin == workshops_name
    assert {f.name for f in custom.fields} >= {"id", "owner", "Title", "Venue"}
    assert custom.field("owner") is not None and custom.field("owner").ref_object == "user"  # type: ignore[union-attr]
    rows = list(source.read(name))
    assert [r.id for r in rows] == ["1", "2", "3", "4"] and rows[0].object == name and not any(r.problems for r in rows)
    assert sorted(r.id for r in source.read("contact")) == [str(i) for i in range(1, 7)]
    assert "ayse yilmaz" in {r.id for r in source.read("user")}


@pytest.mark.parametrize("file_name", ["Produkte.csv", "products-2024.csv", "Ürünler.csv"])
def test_a_file_name_naming_an_object_weighs_with_its_columns(tmp_path: Path, file_name: str) -> None:
    """'ID', 'Name', 'Description' fit companies as well as products (a company's label is 'Description', a
    product's 'Product Description'); the file name says which."""
    folder = tmp_path / "x"
    write(folder / "Contacts.csv", contacts(3))
    write(folder / file_name, [["ID", "Name", "Description"], ["1", "Coaching, 6 sessions", "six sessions"],
                               ["2", "Workbook", "printed"]])
    catalog = make_source(folder).discover()
    product = catalog.object("product")
    assert product is not None and product.origin == file_name and catalog.object("company") is None


def test_a_companies_export_keyed_firmen_id_is_companies_not_a_custom_object(tmp_path: Path) -> None:
    """'Firmen-ID' (German) names the company; only a key naming what no standard export is makes a custom object."""
    folder = tmp_path / "x"
    write(folder / "Contacts.csv", contacts(3))
    write(folder / "export-2.csv", [["Firmen-ID", "Company Name", "Phone"], ["1", "Kuzey Ltd.", "+90 212 555 0101"],
                                    ["2", "Ege A.Ş.", "+90 232 555 0102"]])
    catalog = make_source(folder).discover()
    company = catalog.object("company")
    assert company is not None and company.origin == "export-2.csv"
    assert not [o.name for o in catalog.objects if o.custom]


def one_export(tmp_path: Path, name: str, text: str) -> OntraportCsvSource:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    return make_source(folder)


def test_an_id_header_is_the_key_before_a_customer_number_left_of_it(tmp_path: Path) -> None:
    """'Kundennummer' (customer number) and 'Kontakt-ID' both name the contact's number; the export's key is the
    ID, and the customer number stays a field of its own, whatever the column order."""
    records = list(one_export(tmp_path, "Kontakte.csv", "Kundennummer,Vorname,Nachname,E-Mail,Kontakt-ID\n"
                              "9001,Ada,Lovelace,ada@example.com,1\n9002,Alan,Turing,alan@example.com,2\n")
                   .read("contact"))
    assert sorted(r.id for r in records) == ["1", "2"]
    assert {r.values.get("Kundennummer") for r in records} == {"9001", "9002"}


def test_a_header_naming_the_object_is_its_key_before_a_generic_record_id(tmp_path: Path) -> None:
    """A tasks export whose parent is 'Related To' + 'Record ID' left of 'Task ID': the task's key is Task ID."""
    records = list(one_export(tmp_path, "Tasks.csv", "Related To,Record ID,Task ID,Subject,Status\n"
                              "Contact,7,101,Call back,Pending\nContact,7,102,Send offer,Completed\n").read("task"))
    assert sorted(r.id for r in records) == ["101", "102"]
