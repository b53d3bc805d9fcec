"""How a workbook's rows point at each other: tags named in a cell, products by code, notes by kind + number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.planports.workbook import PlanportsWorkbookSource


def _book(path: Path, sheets: dict[str, list[list[Any]]]) -> PlanportsWorkbookSource:
    book = Workbook()
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet(title)
        assert sheet is not None
        sheet.title = title
        first = False
        for row in rows:
            sheet.append(row)
    book.save(path)
    source = open_source(SourceSettings("planports-xlsx", {"path": str(path)}, path.parent))
    assert isinstance(source, PlanportsWorkbookSource)
    return source


PEOPLE = ["No", "Tür", "Ad Soyad", "Firma", "E-posta", "Etiketler", "Sorumlu"]


def test_tag_names_in_a_cell_become_tag_records_the_contacts_link_to(tmp_path: Path) -> None:
    src = _book(tmp_path / "t.xlsx", {"Kişiler": [
        PEOPLE,
        [1, "Firma", "Acme Ltd.", None, "a@acme.example", "Acente", "Işıl Şahin"],
        [2, "Kişi", "Ada Kaya", None, "ada@x.example", "VIP, Instagram", "Işıl Şahin"],
        [3, "Kişi", "Can Demir", None, "can@x.example", "vip", "Işıl Şahin"],
        [4, "Kişi", "Ece Koç", None, "ece@x.example", None, "Işıl Şahin"],
    ]})
    catalog = src.discover()
    tag = catalog.object("tag")
    assert tag is not None and tag.count == 3
    field = catalog.object("contact").field("tags")  # type: ignore[union-attr]
    assert field is not None and (field.type, field.ref_object) == ("refs", "tag")
    tags = {r.id: r.values["name"] for r in src.read("tag")}
    assert sorted(tags.values()) == ["Acente", "Instagram", "VIP"]
    contacts = {r.id: r.values["tags"] for r in src.read("contact")}
    assert [tags[i] for i in contacts["2"]] == ["VIP", "Instagram"]
    assert [tags[i] for i in contacts["3"]] == ["VIP"]  # the same tag, written in another case
    assert contacts["4"] is None
    assert [tags[i] for i in next(src.read("company")).values["tags"]] == ["Acente"]


def test_a_line_keeps_a_product_code_that_is_not_in_the_product_list(tmp_path: Path) -> None:
    """The map decides what such a line gets (a product created by its code, or none); the connector does not
    blank the code nor refuse the line."""
    src = _book(tmp_path / "q.xlsx", {
        "Ürünler": [["Ürün Kodu", "Ürün Adı", "Satış Fiyatı"], ["SAC-FUE", "FUE Paketi", 2200]],
        "Teklif Kalemleri": [["Teklif No", "Sıra", "Ürün Kodu", "Ürün/Hizmet Adı", "Miktar", "Birim Fiyat"],
                             ["TKL-1", 1, "SAC-FUE", "FUE Paketi", 1, 2200],
                             ["TKL-1", 2, "OTL-3", "Otel (3 gece)", 3, 83.33]],
    })
    lines = {r.id: r for r in src.read("quote_line")}
    assert lines["TKL-1/1"].values["product"] == "SAC-FUE"
    assert lines["TKL-1/2"].values["product"] == "OTL-3"
    assert not lines["TKL-1/2"].problems


def test_a_note_links_by_the_related_records_number_before_its_name(tmp_path: Path) -> None:
    """Two patients share a name: only İlgili Kayıt No tells them apart; a 'Kişi' number may be a firm's."""
    src = _book(tmp_path / "n.xlsx", {
        "Kişiler": [PEOPLE, [1001, "Firma", "Acme Ltd.", None, "a@acme.example", None, "Işıl Şahin"],
                    [1102, "Kişi", "Jonas Doğan", None, "j1@x.example", None, "Işıl Şahin"],
                    [1140, "Kişi", "Jonas Doğan", None, "j2@x.example", None, "Işıl Şahin"]],
        "Satış Fırsatları": [["Fırsat No", "Fırsat Adı", "Kişi No", "Aşama"], ["F-0001", "Jonas - Saç", 1140, "Yeni"]],
        "Notlar": [["Not No", "İlgili Kayıt Türü", "İlgili Kayıt No", "İlgili Kayıt", "Not", "Yazan"],
                   [701, "Kişi", 1140, "Jonas Doğan", "Fotoğraf geldi.", "Işıl Şahin"],
                   [702, "Kişi", 1001, "Acme Ltd.", "Sözleşme.", "Işıl Şahin"],
                   [703, "Satış Fırsatı", "F-0001", "Jonas - Saç", "Teklif.", "Işıl Şahin"],
                   [704, "Kişi", None, "Jonas Doğan", "Kim?", "Işıl Şahin"]],
    })
    notes = {r.id: r for r in src.read("note")}
    assert (notes["701"].values["contact"], notes["701"].problems) == ("1140", [])
    assert (notes["702"].values["company"], notes["702"].values["contact"]) == ("1001", None)
    assert notes["703"].values["deal"] == "F-0001" and not notes["703"].problems
    assert notes["704"].values["contact"] is None and "ambiguous" in notes["704"].problems[0].message
