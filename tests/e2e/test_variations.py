"""Issue #13 item 6(a): export variants either migrate completely into the sandbox or stop early, naming the column.

Each variant (tests/variants) changes what a real customer's export does differently from our simulators. The
property, per variant: discover -> plan -> approve (proposal accepted unchanged) -> validate -> migrate ->
reconcile lands every source record with its links, tags, dates and owners (outcome A), or discover / plan /
approve / validate stops with a user-facing message naming an affected column or file (outcome B). Anything else
fails, and Hypothesis shrinks it to the smallest variant. A CSV variant is held to the account's own truth (the
simulator's records), which the unvaried export ("baseline") must meet too; a workbook variant is held to the
unvaried Turkish workbook's run, since that generator writes deliberate dirt that is quarantined by design.

All examples of this module share one sandbox Odoo, each with its own migration namespace; custom ``x_`` fields a
run creates stay for the next ones, as in a real Odoo migrated into twice.

Named cases run alone: ``pytest tests/e2e/test_variations.py -k comma_tags``. They are parametrized cases rather
than ``@example``s of the Hypothesis test because a failing explicit example stops Hypothesis before it generates
anything: the generated search would then never run while a named case is still broken. The search reports the
first failure it finds, shrunk (``report_multiple_bugs=False``): shrinking several at once took over five minutes
here, and the named cases already pin each known one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings

from crm2odoo.testing.ontraport_sim import generate_account
from tests.variants.csv_checks import check_csv_variant
from tests.variants.csv_export import CsvExport, base_export
from tests.variants.csv_variants import CsvVariant, TaskParent, csv_variants, names_are_unique
from tests.variants.harness import Sandbox, VariantFailure
from tests.variants.workbook_variants import WorkbookVariant, check_workbook_variant, workbook_variants

VARIATION_SETTINGS = settings(max_examples=20, deadline=None, derandomize=True, database=None, report_multiple_bugs=False,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                              print_blob=False)


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture(scope="module")
def base() -> Iterator[CsvExport]:
    account = generate_account(seed=13, contacts=20, companies=5, deals=8, notes_per_contact=1, transactions=0,
                               products=3, properties=0)
    with tempfile.TemporaryDirectory(prefix="variants-base-") as tmp:
        yield base_export(account, Path(tmp))


NAMED_CSV: dict[str, CsvVariant] = {
    "baseline": CsvVariant(),
    "comma_tags": CsvVariant(tag_separator=","),
    "semicolon_tags": CsvVariant(tag_separator=";"),
    "pipe_tags": CsvVariant(tag_separator="|"),
    "company_and_company_id": CsvVariant(company_link="pair"),
    "company_name_only": CsvVariant(company_link="name_only"),
    "company_id_only": CsvVariant(company_link="id_only"),
    "deal_contact_name_and_id": CsvVariant(deal_contact="pair"),
    "task_parent_kind_and_id": CsvVariant(task_parent=TaskParent("Related To", "Contact", "Related ID")),
    "task_parent_turkish_plural_with_name": CsvVariant(
        task_parent=TaskParent("İlgili Tür", "Kişiler", "İlgili Kayıt No", "İlgili Kayıt")),
    "owner_by_name": CsvVariant(),  # the export names owners; users of those names exist in the sandbox
    "owner_by_email": CsvVariant(owner_style="email"),
    "owner_upper_case_name": CsvVariant(owner_style="upper"),
    "undeclared_option_values": CsvVariant(undeclared_options=("Urgent", "Acil")),
    "key_header_id": CsvVariant(keys=(("contact", "ID"), ("company", "Id"))),
    "key_header_turkish": CsvVariant(keys=(("contact", "Kişi No"),)),
    "key_header_task_turkish": CsvVariant(keys=(("task", "Görev No"),)),
    "headers_german": CsvVariant(renamed=(("contact", "First Name", "Vorname"), ("contact", "Last Name", "Nachname"),
                                          ("contact", "Email", "E-Mail"), ("contact", "Contact Tags", "Schlagwörter"))),
    "headers_turkish": CsvVariant(renamed=(("contact", "First Name", "Ad"), ("contact", "Last Name", "Soyad"),
                                           ("contact", "Email", "E-posta"), ("contact", "Owner", "Sahibi"))),
    "headers_snake_case": CsvVariant(renamed=(("contact", "First Name", "first_name"),
                                              ("contact", "Last Name", "last_name"))),
    "unknown_columns": CsvVariant(unknown_columns=(("contact", "Lieblingsfarbe"), ("deal", "Kundennummer"))),
    "optional_columns_missing": CsvVariant(dropped=(("contact", "Title"), ("contact", "Birthday"),
                                                    ("deal", "Expected Win %"))),
    "columns_reordered": CsvVariant(reorder_seed=7),
    "dates_iso": CsvVariant(dates="iso"),
    "dates_german": CsvVariant(dates="german"),
    "utf8_without_bom": CsvVariant(encoding="utf-8"),
    "cp1252": CsvVariant(encoding="cp1252"),
    "semicolon_delimiter": CsvVariant(delimiter=";"),
}


@pytest.mark.parametrize("case", sorted(NAMED_CSV))
def test_named_csv_variant(case: str, box: Sandbox, base: CsvExport, tmp_path: Path) -> None:
    variant = NAMED_CSV[case]
    if variant.deal_contact == "name_only" and not names_are_unique(base):
        pytest.fail("the base account must give every contact its own name for a name-only link")
    print(f"variant {case}: {variant!r}")
    check_csv_variant(box, base, variant, tmp_path)


@VARIATION_SETTINGS
@given(variant=csv_variants())
def test_csv_variants_migrate_completely_or_stop_naming_the_column(variant: CsvVariant, box: Sandbox,
                                                                   base: CsvExport) -> None:
    if variant.deal_contact == "name_only" and not names_are_unique(base):
        variant = CsvVariant(**{**variant.__dict__, "deal_contact": "pair"})
    try:
        check_csv_variant(box, base, variant)
    except VariantFailure as failure:
        note(f"FAILING VARIANT: {variant!r}\n{type(failure).__name__}: {str(failure)[:2000]}")
        raise


NAMED_WORKBOOK: dict[str, WorkbookVariant] = {
    "workbook_english": WorkbookVariant(language="en"),
    "workbook_sheets_reordered": WorkbookVariant(sheet_order_seed=3),
    "workbook_unknown_sheet": WorkbookVariant(extra_sheet="Kampanya Notları"),
    "workbook_english_headers_turkish_sheets": WorkbookVariant(language="en", sheet_names="tr"),
}


@pytest.mark.parametrize("case", sorted(NAMED_WORKBOOK))
def test_named_workbook_variant(case: str, box: Sandbox, tmp_path: Path) -> None:
    variant = NAMED_WORKBOOK[case]
    print(f"variant {case}: {variant!r}")
    check_workbook_variant(box, variant, tmp_path)


@settings(VARIATION_SETTINGS, max_examples=2)  # a workbook run takes ~15 s; the named cases cover each change
@given(variant=workbook_variants())
def test_workbook_variants_migrate_like_the_original(variant: WorkbookVariant, box: Sandbox) -> None:
    try:
        check_workbook_variant(box, variant)
    except VariantFailure as failure:
        note(f"FAILING VARIANT: {variant!r}\n{type(failure).__name__}: {str(failure)[:2000]}")
        raise
