"""Sheets recognised by their headers in Turkish and English, in any order, under title rows."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl

from crm2odoo.sources import SourceSettings
from crm2odoo.sources.planports import headers as hd
from crm2odoo.sources.planports.workbook import PlanportsWorkbookSource


def _kind(headers: list[str]) -> str | None:
    match = hd.recognise(headers)
    return match.spec.kind if match else None


def test_every_sheet_kind_is_recognised_in_both_languages_and_any_order() -> None:
    rng = random.Random(3)
    for spec in hd.SHEET_SPECS:
        for language in ("tr", "en"):
            headers = [f.header(language) for f in spec.fields]
            rng.shuffle(headers)
            assert _kind(headers) == spec.kind, (spec.kind, language, headers)


def test_header_keys_ignore_case_accents_and_suffixes() -> None:
    assert hd.header_key("Olasılık (%)") == hd.header_key("OLASILIK") == "olasilik"
    assert hd.header_key("E-POSTA") == hd.header_key("e-posta")
    assert hd.header_key("İl") == hd.header_key("il")


def test_contacts_sheet_maps_columns() -> None:
    match = hd.recognise(["Cep Telefonu", "Ad Soyad", "Tür", "Firma", "E-posta", "Bilinmeyen"])
    assert match is not None and match.spec.kind == "contacts"
    assert {f.key for f in match.columns.values()} == {"mobile", "name", "party_type", "company", "email"}
    assert list(match.unknown.values()) == ["Bilinmeyen"]


def test_header_row_found_under_title_and_blank_rows() -> None:
    rows: list[list[object]] = [["Fırsat Listesi 01.03.2024", None, None], [None, None, None],
                                ["Fırsat No", "Aşama", "Tutar"], ["F-1", "Yeni", "1.000,00"]]
    assert hd.find_header_row(rows) == 2
    assert hd.find_header_row([["just", "text"], ["a", "b"]]) is None


def _write(path: Path, rows: list[list[object]], title: str = "Sheet1") -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_hand_written_english_workbook_with_title_row(tmp_path: Path) -> None:
    path = tmp_path / "deals.xlsx"
    _write(path, [["Export of opportunities"], [],
                  ["Amount", "Stage", "Opportunity No", "Status", "Pipeline", "Mystery"],
                  ["$1,200.50", "Proposal", "D-1", "Open", "Sales", "x"],
                  ["€900", "Won deal", "D-2", "Won", "Sales", "y"],
                  [None, None, None, None, None, None]], title="Sayfa1")
    src = PlanportsWorkbookSource(SourceSettings("planports-xlsx", {"path": str(path)}, tmp_path))
    catalog = src.discover()
    deal = catalog.object("deal")
    assert deal is not None and deal.count == 2
    assert deal.field("x_mystery") is not None and deal.field("x_mystery").custom  # type: ignore[union-attr]
    assert any("Mystery" in w for w in catalog.warnings)
    records = {r.id: r for r in src.read("deal")}
    assert records["D-1"].values["amount"] == 1200.5
    assert records["D-1"].values["amount__currency"] == "USD"
    assert records["D-2"].values["outcome"] == "won"
    assert records["D-1"].locator == "deals.xlsx › Sayfa1 row 4"
    stages = {r.id: r.values for r in src.read("stage")}
    assert stages == {"sales/proposal": {"name": "Proposal", "pipeline": "sales", "sequence": 1, "probability": None,
                                         "stage_type": "open"},
                      "sales/won_deal": {"name": "Won deal", "pipeline": "sales", "sequence": 2, "probability": None,
                                         "stage_type": "won"}}


def test_folder_of_single_sheet_files(tmp_path: Path) -> None:
    _write(tmp_path / "kisiler.xlsx", [["No", "Tür", "Ad Soyad", "Firma"], [1, "Firma", "Kuzey Ltd. Şti.", None],
                                       [2, "Kişi", "Ali Veli", "KUZEY LTD ŞTİ"]])
    _write(tmp_path / "users.xlsx", [["Ad Soyad", "E-posta", "Rol"], ["Ayşe Kaya", "ayse@example.com", "Satış"]])
    _write(tmp_path / "notes.xlsx", [["unrelated", "data"], [1, 2]])
    src = PlanportsWorkbookSource(SourceSettings("planports-xlsx", {"path": "."}, tmp_path))
    catalog = src.discover()
    assert {o.name for o in catalog.objects} >= {"contact", "company", "user"}
    assert any("notes.xlsx" in w for w in catalog.warnings)
    person = next(src.read("contact"))
    assert person.id == "2" and person.values["company"] == "1" and not person.problems


def test_stage_sheet_split_names_id_links_and_formulas(tmp_path: Path) -> None:
    path = tmp_path / "full.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Kişiler"
    for row in [["Kişi No", "Kişi Tipi", "Ad", "Soyad", "Bağlı Firma No"], ["00017", "Tüzel Kişi", "Işık", "A.Ş.", None],
                ["00018", "Gerçek Kişi", "İlknur", "Çelik", "00017"], ["00019", "Robot", "X", "Y", None]]:
        ws.append(row)
    ws = wb.create_sheet("Aşamalar")
    for row in [["Süreç", "Aşama Adı", "Sıra", "Tip"], ["Satış", "Yeni", 1, "open"], ["Satış", "Kazanıldı", 2, "won"]]:
        ws.append(row)
    ws = wb.create_sheet("Fırsatlar")
    for row in [["Fırsat No", "Fırsat Adı", "Kişi No", "Süreç", "Aşama", "Tutar", "Para Birimi", "Olasılık (%)"],
                ["1", "İlk", "00018", "Satış", "Kazanıldı", None, "TL", "abc"],
                ["2", "İkinci", "00017", "Satış", "Yeni", 250.5, "£", 0.25]]:
        ws.append(row)
    ws["F2"] = "=F3*2"
    wb.save(path)
    src = PlanportsWorkbookSource(SourceSettings("planports-xlsx", {"path": str(path)}, tmp_path))
    contacts = {r.id: r for r in src.read("contact")}
    assert contacts["00018"].values["name"] == "İlknur Çelik"
    assert contacts["00018"].values["company"] == "00017"
    assert contacts["00019"].problems[0].field == "party_type"  # 'Robot' is neither Kişi nor Firma
    assert [r.id for r in src.read("company")] == ["00017"]
    stages = {r.id: r.values for r in src.read("stage")}
    assert stages["satis/kazanildi"]["stage_type"] == "won" and stages["satis/yeni"]["sequence"] == 1
    deals = {r.id: r for r in src.read("deal")}
    first, second = deals["1"], deals["2"]
    assert first.values["contact"] == "00018" and first.values["company"] is None
    assert second.values["company"] == "00017" and second.values["contact"] is None
    assert first.values["stage"] == "satis/kazanildi" and first.values["pipeline"] == "satis"
    assert {p.field for p in first.problems} == {"amount", "probability"}  # uncached formula, text in a % column
    assert next(p for p in first.problems if p.field == "probability").raw == "abc"
    assert second.values["amount"] == 250.5 and second.values["amount__currency"] == "GBP"
    assert second.values["probability"] == 25.0
    catalog = src.discover()
    assert catalog.object("stage").origin.endswith("Aşamalar")  # type: ignore[union-attr]
