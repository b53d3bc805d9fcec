"""A generator of realistic, dirty Planports Excel exports, returning the clean truth for record-by-record tests.

The dirt is what Turkish exports really carry (shared reference §5-7): title rows over the headers, shuffled
columns, merged cells, formulas with (and once without) a cached value, Excel dates next to text dates,
``1.234,56`` and ``₺``/``€`` amounts, Evet/Hayır, Turkish phone spellings, leading-zero and 18-digit ids,
İ/ı names, companies that differ only by their legal suffix, an ambiguous name link, trailing empty rows, an
unknown column and an unknown sheet. Values in :class:`PlanportsDataset` are exactly what the connector
should decode (UTC datetimes, ``Decimal`` money, E.164 phones, ids as text).

The workbook is written in steps, one per sheet family (``planports_people``, ``planports_deals``,
``planports_orders``, ``planports_activity``), over the layout in ``planports_layout`` and the dirt in
``planports_quirks``; every step draws from one seeded generator, in the order of :data:`_STEPS`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from crm2odoo.sources.planports import headers as hd
from crm2odoo.testing import planports_activity as activity
from crm2odoo.testing import planports_deals, planports_orders, planports_people
from crm2odoo.testing.planports_dataset import (
    EXTRA_OWNER,
    FIRST_NAMES,
    LAST_NAMES,
    LEAD_TYPES,
    TREATMENTS,
    PlanportsDataset,
    Truth,
    WorkbookBuild,
)
from crm2odoo.testing.planports_layout import COLUMNS, words
from crm2odoo.testing.planports_quirks import SheetWriter

__all__ = ["PlanportsDataset", "Truth", "WorkbookSizes", "generate_workbook"]

_CUSTOM_FIELDS = [("Tedavi Paketi", "Fırsat", "Seçim", "; ".join(TREATMENTS)),
                  ("Tedavi Paketi", "Kişi", "Seçim", "; ".join(TREATMENTS)),
                  ("Tedavi Paketi", "Lead", "Seçim", "; ".join(TREATMENTS)),
                  ("Referans Kaynağı", "Fırsat", "Metin", None), ("Referans Kaynağı", "Kişi", "Metin", None),
                  ("Portföy No", "Fırsat", "Metin", None), ("Lead Tipi", "Fırsat", "Seçim", "; ".join(LEAD_TYPES)),
                  ("Lead Tipi", "Lead", "Seçim", "; ".join(LEAD_TYPES)),
                  ("Kampanya Etiketi", "Fırsat", "Çoklu Seçim", "Meta; Retargeting; Google"),
                  ("Reklam Bütçesi", "Fırsat", "Para", None)]


@dataclass(frozen=True)
class WorkbookSizes:
    """How many records of each kind the workbook gets."""

    contacts: int
    companies: int
    leads: int
    deals: int
    products: int
    quotes: int
    orders: int
    activities: int
    notes: int
    cards: int
    attachments: int


def _custom_fields(c: WorkbookBuild, sizes: WorkbookSizes) -> None:
    """Özel Alanlar: the definitions of the custom columns the other sheets carry."""
    rows = [{"field_label": a, "object": b, "field_type": t, "options": d} for a, b, t, d in _CUSTOM_FIELDS]
    c.writer.sheet(hd.CUSTOM_FIELDS, COLUMNS["custom_fields"], rows, shuffle=False)


#: the steps in the order they write sheets and draw random values; reordering them changes every workbook
_STEPS: tuple[Callable[[WorkbookBuild, WorkbookSizes], None], ...] = (
    lambda c, n: planports_people.people(c, n.companies, n.contacts),
    lambda c, n: planports_people.leads(c, n.leads),
    lambda c, n: planports_deals.deals(c, n.deals),
    _custom_fields,
    lambda c, n: planports_orders.products(c, n.products),
    lambda c, n: planports_orders.quotes(c, n.quotes),
    lambda c, n: planports_orders.orders(c, n.orders),
    lambda c, n: activity.activities(c, n.activities),
    lambda c, n: activity.notes(c, n.notes),
    lambda c, n: activity.cards(c, n.cards),
    lambda c, n: activity.attachments(c, n.attachments),
    lambda c, n: activity.inventory_only(c),
)


def generate_workbook(path: Path | str, *, seed: int = 1, language: str = "tr", contacts: int = 80,
                      companies: int = 15, leads: int = 40, deals: int = 30, products: int = 8, quotes: int = 10,
                      orders: int = 6, activities: int = 40, notes: int = 20, cards: int = 15, attachments: int = 6,
                      dirt: bool = True, large: int = 0) -> PlanportsDataset:
    """Write a Planports-like export to ``path`` and return the truth. ``large=N`` writes only N contact rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if large:
        return _large(path, large, language)
    rng = random.Random(seed)
    build = WorkbookBuild(PlanportsDataset(path, language), rng, SheetWriter(language, rng, dirt), words(language))
    sizes = WorkbookSizes(contacts, companies, leads, deals, products, quotes, orders, activities, notes, cards,
                          attachments)
    for step in _STEPS:
        step(build, sizes)
    lines_sheet = build.writer.wb[hd.QUOTE_LINES.label_tr if language == "tr" else hd.QUOTE_LINES.label_en].title
    build.writer.save(path, {(lines_sheet, f"G{build.uncached_line + 2}")})
    # users the connector derives from owner columns
    build.records["user"][EXTRA_OWNER] = {"name": EXTRA_OWNER, "email": None}
    return build.dataset


def _large(path: Path, n: int, language: str) -> PlanportsDataset:
    """N person rows, streamed with openpyxl's write-only mode; the truth holds counts only."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(hd.CONTACTS.label_tr if language == "tr" else hd.CONTACTS.label_en)
    ws.append([hd.CONTACTS.field(k).header(language) for k in COLUMNS["large"]])
    person = words(language)["person"]
    for i in range(n):
        ws.append([100000 + i, person, f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]} {i}",
                   f"kisi{i}@example.com", f"0532 {i % 1000:03d} {i % 100:02d} {(i // 100) % 100:02d}",
                   f"{1 + i % 28:02d}.03.2024 10:{i % 60:02d}"])
    wb.save(path)
    return PlanportsDataset(path, language, {}, {}, rows=n)
