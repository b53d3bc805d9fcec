"""The products, quotes (with lines) and orders of a Planports export.

Quirks placed here: product codes with and without leading zeros, ``-`` for untracked stock, ``%20`` tax rates,
quantities with a decimal comma, line totals as formulas (the last one never calculated by Excel), and orders
exported flattened (the order's columns repeated on each line).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crm2odoo.sources.planports import headers as hd
from crm2odoo.testing.planports_dataset import WorkbookBuild
from crm2odoo.testing.planports_layout import COLUMNS
from crm2odoo.testing.planports_quirks import date_text, flat_sheet, money_text

_PRODUCT_NAMES = ["FUE Saç Ekimi Paketi", "Otel (3 gece)", "VIP Transfer", "Diş İmplantı", "Danışmanlık Saati",
                  "Reklam Yönetimi", "Emlak Ekspertiz", "Tercüman"]


def _product(c: WorkbookBuild, i: int) -> dict[str, Any]:
    words = c.words
    code = f"{i + 1:04d}" if i % 2 else f"URN-{i + 1:03d}"
    name = _PRODUCT_NAMES[i % 8] + ("" if i < 8 else f" {i}")
    price = Decimal(c.rng.randrange(5000, 300000)) / 100
    tracked = i % 3 == 0
    qty = float(i * 4) if tracked else None
    c.records["product"][code] = {"name": name, "code": code, "list_price": price, "list_price__currency": "EUR",
                                  "stock_tracked": tracked, "qty_on_hand": qty, "tax_rate": 20.0,
                                  "barcode": f"869{c.rng.randrange(10**9, 10**10)}"}
    c.product_list.append((code, name, price))
    return {"code": code, "name": name, "list_price": money_text(price, c.language, 0, "€", "EUR"),
            "currency": "EUR", "stock_tracked": words["yes"] if tracked else words["no"],
            "qty_on_hand": qty if tracked else "-", "tax_rate": "%20" if i % 2 else 20,
            "barcode": c.records["product"][code]["barcode"]}


def products(c: WorkbookBuild, count: int) -> None:
    c.records["product"] = {}
    rows = [_product(c, i) for i in range(count)]
    c.writer.sheet(hd.PRODUCTS, COLUMNS["products"], rows)


def _quote_lines(c: WorkbookBuild, i: int, qno: str, rows: list[dict[str, Any]], formulas: list[str | None]
                 ) -> Decimal:
    """Lines of quote ``i`` (1 to 3), each total a formula over quantity and price; returns the quote total."""
    total = Decimal(0)
    for seq in range(1, 2 + i % 3):
        code, pname, price = c.product_list[(i + seq) % len(c.product_list)]
        qty = [1.0, 1.5, 3.0][seq % 3]
        subtotal = (price * Decimal(str(qty))).quantize(Decimal("0.01"))
        total += subtotal
        c.records["quote_line"][f"{qno}/{seq}"] = {"quote": qno, "sequence": seq, "product": code,
                                                   "product_name": pname, "quantity": qty, "price_unit": price,
                                                   "subtotal": subtotal}
        row_no = len(rows)
        rows.append({"quote": qno, "sequence": seq, "product": code, "product_name": pname,
                     "quantity": str(qty).replace(".", ",") if c.language == "tr" else qty,
                     "price_unit": money_text(price, c.language, 0, "€", "EUR"), "subtotal": float(subtotal)})
        formulas.append(f"D{row_no + 2}*E{row_no + 2}")
    return total


def quotes(c: WorkbookBuild, count: int) -> None:
    """Teklifler and their lines; the last line's total was never calculated by Excel (a problem to report)."""
    R = c.records
    R["quote"], R["quote_line"] = {}, {}
    quote_rows: list[dict[str, Any]] = []
    line_rows: list[dict[str, Any]] = []
    line_formulas: list[str | None] = []
    for i in range(count):
        qno = f"TKL-2024-{i + 1:04d}"
        pick = c.person(i * 5 + 1)
        day = dt.date(2024, 3, 5) + dt.timedelta(days=i * 2)
        total = _quote_lines(c, i, qno, line_rows, line_formulas)
        deal_ref = c.deal_ids[i % len(c.deal_ids)] if i % 2 == 0 else None
        owner_text, owner_id = c.owner_cell(i)
        R["quote"][qno] = {"date": day, "valid_until": day + dt.timedelta(days=30), "contact": pick,
                           "company": None, "deal": deal_ref, "amount_total": total,
                           "amount_total__currency": "EUR", "currency": "EUR", "owner": owner_id}
        quote_rows.append({"quote_no": qno, "date": day,
                           "valid_until": date_text(day + dt.timedelta(days=30), c.language),
                           "contact": R["contact"][pick]["name"], "deal": deal_ref, "currency": "€",
                           "amount_total": money_text(total, c.language, 0, "€", "EUR"), "owner": owner_text})
    c.writer.sheet(hd.QUOTES, COLUMNS["quotes"], quote_rows)
    c.uncached_line = len(line_rows) - 1
    c.writer.sheet(hd.QUOTE_LINES, COLUMNS["quote_lines"], line_rows, shuffle=False,
                   formula=("subtotal", line_formulas))
    last_line = list(R["quote_line"])[c.uncached_line]
    R["quote_line"][last_line]["subtotal"] = None
    R["quote_line"][last_line]["subtotal__currency"] = None
    c.dataset.expect_problem("quote_line", last_line, "subtotal")


def orders(c: WorkbookBuild, count: int) -> None:
    """Siparişler, flattened: one row per line, the order's columns repeated; amounts in lira."""
    R = c.records
    R["order"], R["order_line"] = {}, {}
    rows = []
    for i in range(count):
        ono = f"SIP-{i + 1:05d}"
        pick = c.person(i * 3 + 2)
        day = dt.date(2024, 4, 2) + dt.timedelta(days=i)
        lines = [(seq, *c.product_list[(i + seq) % len(c.product_list)]) for seq in range(1, 3)]
        total = sum((p for _s, _c, _n, p in lines), Decimal(0))
        R["order"][ono] = {"date": day, "contact": pick, "amount_total": total, "amount_total__currency": "TRY",
                           "quote": f"TKL-2024-{i + 1:04d}"}
        for seq, code, pname, price in lines:
            R["order_line"][f"{ono}/{seq}"] = {"order": ono, "sequence": seq, "product": code, "price_unit": price,
                                               "quantity": 1.0}
            rows.append({"order_no": ono, "date": date_text(day, c.language), "contact": R["contact"][pick]["name"],
                         "quote": f"TKL-2024-{i + 1:04d}", "amount_total": money_text(total, c.language, 1, "₺", "TL"),
                         "sequence": seq, "product": code, "product_name": pname, "quantity": 1,
                         "price_unit": money_text(price, c.language, 1, "₺", "TL")})
    flat_sheet(c.writer, COLUMNS["orders"], rows)
