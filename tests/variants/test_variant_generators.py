"""The variant generators and the outcome-B check, without Odoo: a variant changes what it says and nothing else,
and a stop that names no changed column is refused."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from crm2odoo.testing.ontraport_sim import generate_account
from tests.variants.csv_export import CsvExport, base_export
from tests.variants.csv_variants import CsvVariant, TaskParent
from tests.variants.harness import Outcome, StopNamesNoColumn, names, require_named_stop
from tests.variants.workbook_variants import WorkbookVariant


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> CsvExport:
    account = generate_account(seed=13, contacts=20, companies=5, deals=8, notes_per_contact=1, transactions=0,
                               products=3, properties=0)
    return base_export(account, tmp_path_factory.mktemp("base"))


def test_the_default_variant_changes_nothing(base: CsvExport) -> None:
    same = CsvVariant().apply(base)
    assert {o: (t.header, t.rows) for o, t in same.tables.items()} == \
        {o: (t.header, t.rows) for o, t in base.tables.items()}
    assert same.truth == base.truth and repr(CsvVariant()) == "CsvVariant()"


def test_comma_tags_keep_every_tag_and_the_truth(base: CsvExport) -> None:
    varied = CsvVariant(tag_separator=",").apply(base)
    cells = {row["Contact ID"]: row["Contact Tags"] for row in varied.tables["contact"].rows}
    for sid, tags in base.truth.contact_tags.items():
        assert set(filter(None, cells[sid].split(","))) == set(tags)
    assert all("*/*" not in cell for cell in cells.values())


def test_task_parent_becomes_kind_and_id_columns(base: CsvExport) -> None:
    varied = CsvVariant(task_parent=TaskParent("İlgili Tür", "Kişiler", "İlgili Kayıt No", "İlgili Kayıt")).apply(base)
    tasks = varied.tables["task"]
    assert "Contact" not in tasks.header and "Object Type" not in tasks.header
    assert {row["Task ID"]: row["İlgili Kayıt No"] for row in tasks.rows} == varied.truth.task_parent
    assert {row["İlgili Tür"] for row in tasks.rows} == {"Kişiler"}


def test_company_pair_names_the_company_of_each_contact(base: CsvExport) -> None:
    varied = CsvVariant(company_link="pair").apply(base)
    names = {row["Company ID"]: row["Company Name"] for row in base.tables["company"].rows}
    for row in varied.tables["contact"].rows:
        assert row["Company"] == names.get(row["Company ID"], "")
        assert (row["Company ID"] or None) == varied.truth.contact_company[row["Contact ID"]]


def test_cp1252_and_semicolons_are_written_as_said(base: CsvExport, tmp_path: Path) -> None:
    varied = CsvVariant(encoding="cp1252", delimiter=";").apply(base)
    path = varied.write(tmp_path)[0]
    text = path.read_bytes().decode("cp1252")
    assert text.startswith("Contact ID;First Name;") and varied.as_written("Ayşe") == "Ay?e"


def test_a_stop_must_name_a_changed_column() -> None:
    touched = {"Related To", "Related ID"}
    with pytest.raises(StopNamesNoColumn):
        require_named_stop(Outcome("validate", "objects.task: Odoo requires mail.activity.res_model_id"), touched)
    require_named_stop(Outcome("plan", "column 'RELATED TO' holds kinds of records; map it"), touched)
    require_named_stop(Outcome("discover", "export-5.csv: no column holds the task's id; columns seen: Subject, "
                                           "Related To, Related ID"), touched)


@pytest.mark.parametrize(("message", "name", "named"), [
    ("field 'Contact Tags': 3 values", "Contact Tags", True),
    ("points to contact 6, which is not in Odoo", "Contact", False),
    ("the column Owner names no user", "Owner", True),
    ("note without a contact ID", "Contact ID", True),
    ("task 1 export-5.csv row 2 field res_model_id: no value", "export-5.csv", False),
    ("export-5.csv: columns match no known export", "export-5.csv", True),
    ("'Kişi No' is not an id column", "Kişi No", True),
])
def test_what_names_a_column(message: str, name: str, named: bool) -> None:
    assert names(message, name) is named


def test_workbook_sheets_reordered_and_one_added(tmp_path: Path) -> None:
    plain, varied = tmp_path / "plain.xlsx", tmp_path / "varied.xlsx"
    WorkbookVariant().write(plain)
    WorkbookVariant(sheet_order_seed=3, extra_sheet="Kampanya Notları").write(varied)
    before, after = openpyxl.load_workbook(plain).sheetnames, openpyxl.load_workbook(varied).sheetnames
    assert sorted(after) == sorted([*before, "Kampanya Notları"]) and after != [*before, "Kampanya Notları"]
    assert openpyxl.load_workbook(varied)["Kampanya Notları"]["A2"].value == "Bahar 2024"
