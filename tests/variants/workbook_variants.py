"""Variants of a Planports workbook export, and the property for them.

The workbook generator deliberately writes dirt that must be quarantined (an ambiguous company, a namesake
contact, a missing file), so a workbook variant is held to the unvaried Turkish workbook's run: the same records
land, the same ones are quarantined, the same links hold. Sheets are renamed, reordered and added in the file's XML
(openpyxl would drop the cached values of the formula cells, which is a variant of its own).
"""

from __future__ import annotations

import random
import re
import tempfile
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, unescape

from hypothesis import strategies as st

from crm2odoo.testing.planports_workbook import generate_workbook
from tests.variants.harness import (
    LinksDiffer,
    RecordsMissing,
    Sandbox,
    landed_ids,
    ledger_rows,
    require_named_stop,
    require_ok_verdict,
    run_workflow,
)

WORKBOOK_SOURCE = '[source]\nkind = "planports-xlsx"\npath = "export.xlsx"\n'
#: the generator's deliberate problems (an ambiguous company twice, a namesake contact, a missing file...) are
#: quarantined by design; the unvaried run shows how many
WORKBOOK_EXTRA = 'default_country = "TR"\nsource_timezone = "Europe/Istanbul"\nmax_quarantine = 6\n'
#: the workbook's sheet names in Turkish and English (as the generator writes them)
SHEET_NAMES = {"Kişiler": "Contacts", "Potansiyel Müşteriler": "Leads", "Satış Fırsatları": "Opportunities",
               "Aşamalar": "Stages", "Kayıp Nedenleri": "Lost Reasons", "Kullanıcılar": "Users",
               "Ürünler ve Hizmetler": "Products & Services", "Teklifler": "Quotes", "Teklif Kalemleri": "Quote Lines",
               "Siparişler": "Orders", "Etkinlikler": "Activities", "Notlar": "Notes", "Süreçler": "Process Boards",
               "Dosyalar": "Files", "Özel Alanlar": "Custom Fields", "WhatsApp Mesajları": "WhatsApp Messages",
               "Otomasyonlar": "Automations"}
UNKNOWN_SHEETS = ("Kampanya Notları", "Notizen", "Sheet1", "Hedefler 2024")
#: (model, field holding a link) read back for the link picture
#: (every link field here points at a partner, or is a (model, id) pair)
LINK_FIELDS = {"res.partner": ("parent_id",), "crm.lead": ("partner_id",), "sale.order": ("partner_id",),
               "mail.activity": ("res_model", "res_id"), "mail.message": ("model", "res_id")}


@dataclass(frozen=True)
class WorkbookVariant:
    language: str = "tr"  # "en": sheet names and headers in English
    sheet_names: str | None = None  # "tr" | "en": every sheet named in this language, whatever the headers' one
    sheet_order_seed: int | None = None
    extra_sheet: str | None = None

    def __repr__(self) -> str:
        changed = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if getattr(self, f.name) != f.default]
        return f"WorkbookVariant({', '.join(changed)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis prints the falsifying variant with this: only what the variant changes, on one line."""
        printer.text(repr(self))

    def touched(self) -> set[str]:
        out = {"export.xlsx"}
        if self.extra_sheet:
            out.add(self.extra_sheet)
        return out

    def write(self, path: Path) -> None:
        generate_workbook(path, seed=4, language=self.language, contacts=20, companies=5, leads=8, deals=8,
                          products=4, quotes=3, orders=2, activities=8, notes=6, cards=4, attachments=2)
        renames = {}
        if self.sheet_names == "en":
            renames = SHEET_NAMES
        elif self.sheet_names == "tr":
            renames = {en: tr for tr, en in SHEET_NAMES.items()}
        if self.sheet_order_seed is not None or self.extra_sheet or renames:
            _edit_sheets(path, self.sheet_order_seed, self.extra_sheet, renames)


def workbook_variants() -> st.SearchStrategy[WorkbookVariant]:
    return st.builds(WorkbookVariant, language=st.sampled_from(["tr", "en"]),
                     sheet_names=st.one_of(st.none(), st.sampled_from(["tr", "en"])),
                     sheet_order_seed=st.one_of(st.none(), st.integers(0, 100)),
                     extra_sheet=st.one_of(st.none(), st.sampled_from(UNKNOWN_SHEETS)))


def _renamed(sheet: str, renames: dict[str, str]) -> str:
    match = re.search(r'name="([^"]*)"', sheet)
    assert match is not None
    old = unescape(match.group(1), {"&quot;": '"'})
    new = renames.get(old)
    return sheet if new is None else sheet.replace(match.group(0), f'name="{escape(new)}"')


def _edit_sheets(path: Path, order_seed: int | None, extra: str | None, renames: dict[str, str]) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    book = parts["xl/workbook.xml"].decode()
    sheets = [_renamed(sheet, renames) for sheet in re.findall(r"<sheet [^>]*/>", book)]
    if extra:
        n = len([p for p in parts if p.startswith("xl/worksheets/sheet")]) + 1
        rid = "rIdVariant1"
        parts[f"xl/worksheets/sheet{n}.xml"] = _sheet_xml([["Kampanya", "Not", "Tarih"],
                                                          ["Bahar 2024", "Instagram ağırlıklı", "01.04.2024"],
                                                          ["Messe Köln", "Stand B12", "12.05.2024"]]).encode()
        rels = parts["xl/_rels/workbook.xml.rels"].decode()
        parts["xl/_rels/workbook.xml.rels"] = rels.replace("</Relationships>", (
            f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{n}.xml"/></Relationships>')).encode()
        types = parts["[Content_Types].xml"].decode()
        parts["[Content_Types].xml"] = types.replace("</Types>", (
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')).encode()
        sheets.append(f'<sheet name="{escape(extra)}" sheetId="{900 + n}" r:id="{rid}"/>')
    if order_seed is not None:
        random.Random(order_seed).shuffle(sheets)
    block = re.search(r"<sheets>.*</sheets>", book, re.S)
    assert block is not None
    book = book[:block.start()] + "<sheets>" + "".join(sheets) + "</sheets>" + book[block.end():]
    parts["xl/workbook.xml"] = re.sub(r'activeTab="\d+"', 'activeTab="0"', book).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _sheet_xml(rows: list[list[str]]) -> str:
    cells = "".join(
        f'<row r="{i}">' + "".join(f'<c r="{chr(65 + j)}{i}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                                   for j, v in enumerate(row)) + "</row>"
        for i, row in enumerate(rows, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.'
            f'org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>')


# ---------------------------------------------------------------------------------------------- the property


@dataclass
class WorkbookPicture:
    fates: dict[tuple[str, str], str]  # (object, source id) -> landed | skipped | quarantined
    links: dict[tuple[str, str], dict[str, Any]]  # (object, source id) -> link field -> (object, source id) | None


def picture(box: Sandbox, root: Path) -> WorkbookPicture:
    # auto: rows are lookups created on the fly (utm sources, campaigns): made by whichever run came first into the
    # shared sandbox, merely found by the next ones
    rows = [r for r in ledger_rows(root) if not r["object"].startswith("auto:")]
    fates = {(r["object"], r["source_id"]): "landed" if r["state"] in ("created", "updated", "matched", "unchanged",
                                                                        "merged") else r["state"] for r in rows}
    ids = landed_ids(rows)
    models = {r["object"]: r["model"] for r in rows if r["model"]}
    back = {(models[obj], odoo_id): (obj, sid) for obj, by_sid in ids.items() for sid, odoo_id in by_sid.items()}
    links: dict[tuple[str, str], dict[str, Any]] = {}
    for obj, by_sid in ids.items():
        model = models.get(obj, "")
        wanted = LINK_FIELDS.get(model)
        if not wanted:
            continue
        by_odoo = {odoo_id: sid for sid, odoo_id in by_sid.items()}
        for r in box.client.read(model, list(by_odoo), list(wanted), context={"active_test": False}):
            if len(wanted) == 2:
                target: Any = back.get((r[wanted[0]], r["res_id"]), (r[wanted[0]], "?")) if r["res_id"] else None
                links[(obj, by_odoo[r["id"]])] = {"parent": target}
            else:
                value = r[wanted[0]]
                links[(obj, by_odoo[r["id"]])] = {wanted[0]: back.get(("res.partner", value[0]), "?")
                                                  if value else None}
    return WorkbookPicture(fates, links)


def baseline_picture(box: Sandbox) -> WorkbookPicture:
    """The unvaried Turkish workbook's run (once per sandbox)."""
    cached = box.cache.get("workbook")
    if cached is None:
        with tempfile.TemporaryDirectory(prefix="variant-wb-base-") as tmp:
            root = box.project(Path(tmp) / "project", WORKBOOK_SOURCE, WORKBOOK_EXTRA)
            WorkbookVariant().write(root / "export.xlsx")
            outcome = run_workflow(root)
            if outcome.stage != "migrated":
                raise RecordsMissing(f"the unvaried workbook stopped at {outcome.stage}: {outcome.message[:1500]}")
            require_ok_verdict(outcome)
            cached = box.cache["workbook"] = picture(box, root)
    assert isinstance(cached, WorkbookPicture)
    return cached


def check_workbook_variant(box: Sandbox, variant: WorkbookVariant, workdir: Path | None = None) -> str:
    base = baseline_picture(box)
    with tempfile.TemporaryDirectory(prefix="variant-wb-", dir=workdir) as tmp:
        root = box.project(Path(tmp) / "project", WORKBOOK_SOURCE, WORKBOOK_EXTRA)
        variant.write(root / "export.xlsx")
        outcome = run_workflow(root)
        if outcome.stage != "migrated":
            require_named_stop(outcome, variant.touched())
            return f"stopped at {outcome.stage}"
        require_ok_verdict(outcome)
        got = picture(box, root)
    fates = sorted(f"{k}: {base.fates.get(k, 'absent')} in the original, {got.fates.get(k, 'absent')} here"
                   for k in set(base.fates) | set(got.fates) if base.fates.get(k) != got.fates.get(k))
    if fates:
        raise RecordsMissing(f"{len(fates)} records fare otherwise than in the original workbook: {fates[:10]}")
    links = sorted(f"{k}: {base.links.get(k)} in the original, {got.links.get(k)} here"
                   for k in set(base.links) | set(got.links) if base.links.get(k) != got.links.get(k))
    if links:
        raise LinksDiffer(f"{len(links)} links differ from the original workbook's: {links[:10]}")
    return "migrated"
