"""Seed description -> a Turkish Planports workbook (openpyxl), with its TRUTH manifest.

The business: "Ege Gülüş Kliniği", an İzmir clinic in health tourism (hair transplants and dental work) that gets
patients directly and through two partner agencies. Three users (owners named with Turkish letters, no e-mails in
the export), persons and firms in one "Kişiler" sheet (Tür = Kişi/Firma, a person's firm by NAME), deals in two
processes ("Saç Ekimi Süreci", "Diş Tedavisi Süreci") linked to a contact by name AND number, quotes with lines
(one line's product is not in the products sheet), activities and notes linked by "İlgili Kayıt Türü" (kind) +
"İlgili Kayıt No" (id) + "İlgili Kayıt" (name).

Excel as people leave it: dates as real date cells and as "GG.AA.YYYY" text, amounts as numbers and as "1.234,50"
text, trailing spaces after owner names, an empty row in the middle of Kişiler, a "Tedavi Türü" column whose
data-validation list declares three options while the records use five. Invalid on purpose: a person row with no
name, no e-mail and no phone; a note about a contact deleted before the export.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tests.independent.truth import ANYWHERE, Link, Owner, Truth

USERS = [("Işıl Şahin", "Satış Temsilcisi"), ("İbrahim Çelik", "Sistem Yöneticisi"),
         ("Gülşen Öztürk", "Hasta Danışmanı")]
FIRMS = [("Anadolu Sağlık Turizmi Ltd. Şti.", "info@anadolusaglik.example"),
         ("Deniz Transfer ve Turizm A.Ş.", "iletisim@deniztransfer.example"),
         ("Nordic Medical Travel AB", "hello@nordicmedical.example")]
DECLARED_TREATMENTS = ["Saç Ekimi", "Diş İmplantı", "Rinoplasti"]
USED_TREATMENTS = [*DECLARED_TREATMENTS, "Zirkonyum Kaplama", "Gülüş Tasarımı"]
PROCESSES = {"Saç Ekimi Süreci": ["Yeni Talep", "Fotoğraf Bekleniyor", "Teklif Gönderildi", "Kapora Alındı"],
             "Diş Tedavisi Süreci": ["İlk Görüşme", "Röntgen İncelemesi", "Tedavi Planlandı", "Tamamlandı"]}
PRODUCTS = [("SAC-FUE", "FUE Saç Ekimi Paketi", "Hizmet", "Paket", 2200.0),
            ("SAC-DHI", "DHI Saç Ekimi Paketi", "Hizmet", "Paket", 2750.5),
            ("DIS-IMP", "Diş İmplantı (tek)", "Hizmet", "Adet", 450.0),
            ("DIS-ZRK", "Zirkonyum Kaplama", "Hizmet", "Adet", 180.0),
            ("TRF-HVL", "Havalimanı Transferi", "Hizmet", "Adet", 40.0)]
MISSING_PRODUCT = ("OTL-3", "Otel Konaklama (3 gece)", "Gece", 83.33)
FIRST = ["Emma", "Lukas", "Sofia", "Ahmet", "Zeynep", "Oliver", "Elif", "Mohammed", "Ayşe", "Jonas", "Chloé",
         "Burak", "Ingrid", "Çağla", "Hasan", "Şule", "Noah", "Öykü"]
LAST = ["Clarke", "Weber", "Rossi", "Yılmaz", "Kaya", "Smith", "Demir", "Al-Sayed", "Aydın", "Berg", "Laurent",
        "Koç", "Larsen", "Güneş", "Arslan", "Doğan", "Müller", "Erdoğan"]
BASE = dt.datetime(2025, 1, 6, 9, 0)


def _tr_money(value: float) -> str:
    whole, frac = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{frac}"


def _tr_date(moment: dt.datetime, *, with_time: bool = False) -> str:
    return moment.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")


def _owner_cell(rng: random.Random, name: str) -> str:
    return name + (" " if rng.random() < 0.3 else "")


def build(path: Path, seed: int = 11, persons: int = 40) -> Truth:
    """Write the workbook to ``path``; returns its manifest."""
    rng = random.Random(seed)
    truth = Truth(account="Ege Gülüş Kliniği (Planports workbook)", objects={})
    truth.users = [Owner(name, None) for name, _ in USERS]
    book = Workbook()
    users = book.active
    assert users is not None
    users.title = "Kullanıcılar"
    users.append(["Ad Soyad", "Rol", "Durum"])
    for name, role in USERS:
        users.append([name, role, "Aktif"])

    names = _contacts(book, rng, truth, persons)
    deals = _deals(book, rng, truth, names)
    _quotes(book, rng, truth, names, deals)
    _activities_and_notes(book, rng, truth, names, deals)
    book.save(path)
    return truth


def _firms(sheet: Worksheet, rng: random.Random, truth: Truth, names: dict[str, str]) -> None:
    """The partner agencies, first in the sheet (Tür = Firma)."""
    t = truth.objects["contact"]
    for n, (firm_name, email) in enumerate(FIRMS, start=1):
        cid = str(1000 + n)
        owner = USERS[n % 3][0]
        sheet.append([int(cid), "Firma", firm_name, None, email, None, "İzmir" if n < 3 else None,
                      "Türkiye" if n < 3 else "İsveç", "Referans", "Acente", None, _owner_cell(rng, owner),
                      BASE - dt.timedelta(days=200 + n)])
        t.ids.append(cid)
        names[cid] = firm_name
        truth.owners[("contact", cid)] = owner
        truth.tags[cid] = frozenset({"Acente"})


def _contacts(book: Workbook, rng: random.Random, truth: Truth, persons: int) -> dict[str, str]:
    """Firms and persons in one sheet (one person invalid, two namesakes); returns id -> name of the valid ones."""
    sheet = book.create_sheet("Kişiler")
    sheet.append(["No", "Tür", "Ad Soyad", "Firma", "E-posta", "Cep Telefonu", "İl", "Ülke", "Kaynak", "Etiketler",
                  "Tedavi Türü", "Sorumlu", "Oluşturulma Tarihi"])
    t = truth.add("contact", ("kişiler", "kişi", "kisiler", "contacts", "contact"), ("res.partner",))
    names: dict[str, str] = {}
    tags = ["VIP", "Instagram", "Tekrar Gelen", "İngilizce", "Almanca", "Refakatçili"]
    _firms(sheet, rng, truth, names)
    validation = DataValidation(type="list", formula1='"' + ",".join(DECLARED_TREATMENTS) + '"', allow_blank=True)
    sheet.add_data_validation(validation)
    nameless = str(1100 + persons // 2 + 3)
    pairs = [(f, last) for f in FIRST for last in LAST]
    rng.shuffle(pairs)
    for n in range(1, persons + 1):
        cid = str(1100 + n)
        if n == persons // 2:
            sheet.append([])  # the empty row someone left while editing the export
        first, last = pairs[n - 1] if n != persons else pairs[1]  # the last patient shares a name with another
        name = f"{first} {last}"
        owner = USERS[rng.randrange(3)][0]
        firm: str | None = FIRMS[n % 3][0] if n % 5 == 0 else None
        chosen = sorted(rng.sample(tags, rng.choice([0, 1, 1, 2])))
        created = BASE - dt.timedelta(days=rng.randrange(1, 180), hours=rng.randrange(0, 8))
        row = [int(cid), "Kişi", name, f"{firm} " if firm and n % 2 else firm, f"{first}.{last}{n}@hasta.example".lower().replace("ş", "s"),
               f"+90 5{rng.randrange(30, 55)} {rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}",
               rng.choice(["İzmir", "İstanbul", None]), rng.choice(["Türkiye", "Almanya", "İngiltere"]),
               rng.choice(["Instagram", "Google Ads", "Web Form", "Referans"]), ", ".join(chosen),
               USED_TREATMENTS[n % len(USED_TREATMENTS)], _owner_cell(rng, owner),
               created if n % 3 else _tr_date(created, with_time=True)]
        if cid == nameless:
            row[2:7] = [None, None, None, None, None]
            row[9] = ""
            t.invalid[cid] = "no name, no e-mail and no phone: nothing identifies the person"
        sheet.append(row)
        validation.add(f"K{sheet.max_row}")
        t.ids.append(cid)
        truth.owners[("contact", cid)] = owner
        if cid not in t.invalid:
            names[cid] = name
            truth.tags[cid] = frozenset(chosen)
            truth.values[("contact", cid)] = {ANYWHERE: [USED_TREATMENTS[n % len(USED_TREATMENTS)]]}
            if firm:
                firm_id = str(1000 + FIRMS.index(next(f for f in FIRMS if f[0] == firm)) + 1)
                truth.links.append(Link(("contact", cid), "company", ("contact", firm_id)))
    return names


def _deals(book: Workbook, rng: random.Random, truth: Truth, names: dict[str, str]) -> dict[str, str]:
    sheet = book.create_sheet("Satış Fırsatları")
    sheet.append(["Fırsat No", "Fırsat Adı", "Kişi", "Kişi No", "Süreç", "Aşama", "Durum", "Olasılık (%)", "Tutar",
                  "Para Birimi", "Tahmini Kapanış Tarihi", "Sorumlu"])
    t = truth.add("deal", ("satış fırsatları", "satis firsatlari", "fırsat", "deals", "deal"), ("crm.lead",))
    contacts = sorted(names)
    namesake = max(contacts)  # the last patient, who shares a name with another: only the number tells them apart
    deals: dict[str, str] = {}
    for n in range(1, 15):
        did = f"F-{n:04d}"
        process = list(PROCESSES)[n % 2]
        stage = rng.choice(PROCESSES[process])
        contact = contacts[(n * 5) % len(contacts)] if n != 3 else namesake
        owner = USERS[rng.randrange(3)][0]
        amount = rng.randrange(8, 60) * 100 + rng.choice([0, 0.5, 0.25])
        close = BASE + dt.timedelta(days=rng.randrange(10, 120))
        title = f"{names[contact]} - {process.replace(' Süreci', '')}"
        sheet.append([did, title, names[contact], int(contact), process, stage,
                      "Kazanıldı" if stage in ("Kapora Alındı", "Tamamlandı") else "Açık",
                      f"%{rng.choice([20, 40, 60, 80])}", _tr_money(amount) if n % 2 else amount,
                      rng.choice(["EUR", "EUR", "TRY"]), close if n % 3 else _tr_date(close),
                      _owner_cell(rng, owner)])
        t.ids.append(did)
        deals[did] = title
        truth.values[("deal", did)] = {"expected_revenue": amount, "date_deadline": close.date().isoformat(),
                                       ANYWHERE: [process]}
        truth.owners[("deal", did)] = owner
        truth.links.append(Link(("deal", did), "partner", ("contact", contact)))
    return deals


def _quotes(book: Workbook, rng: random.Random, truth: Truth, names: dict[str, str], deals: dict[str, str]) -> None:
    products = book.create_sheet("Ürünler")
    products.append(["Ürün Kodu", "Ürün Adı", "Tür", "Birim", "Satış Fiyatı", "Para Birimi", "KDV (%)"])
    t_product = truth.add("product", ("ürünler", "urunler", "products", "product"),
                          ("product.template", "product.product"))
    for code, name, kind, unit, price in PRODUCTS:
        products.append([code, name, kind, unit, _tr_money(price) if price > 1000 else price, "EUR", 0])
        t_product.ids.append(code)

    quotes = book.create_sheet("Teklifler")
    quotes.append(["Teklif No", "Teklif Tarihi", "Müşteri", "Müşteri No", "Fırsat No", "Durum", "Para Birimi",
                   "Genel Toplam", "Sorumlu"])
    lines = book.create_sheet("Teklif Kalemleri")
    lines.append(["Teklif No", "Sıra", "Ürün Kodu", "Ürün/Hizmet Adı", "Miktar", "Birim", "Birim Fiyat", "KDV (%)",
                  "Satır Toplamı"])
    t_quote = truth.add("quote", ("teklifler", "teklif", "quotes", "quote"), ("sale.order",))
    t_line = truth.add("quote_line", ("teklif kalemleri", "teklif kalemi", "quote lines", "quote_line"),
                       ("sale.order.line",))
    t_line.count = 0
    deal_contact = {link.child[1]: link.parent[1] for link in truth.links if link.child[0] == "deal"}
    for n, did in enumerate(list(deals)[:6], start=1):
        qid = f"TKL-2025-{n:04d}"
        contact = deal_contact[did]
        owner = USERS[rng.randrange(3)][0]
        items = [PRODUCTS[(n + k) % len(PRODUCTS)] for k in range(rng.choice([1, 2]))]
        rows = [(code, name, unit, price, rng.choice([1, 1, 2])) for code, name, _, unit, price in items]
        if n == 2:
            code, name, unit, price = MISSING_PRODUCT
            rows.append((code, name, unit, price, 3))
        total = sum(price * qty for *_, price, qty in rows)
        quotes.append([qid, BASE + dt.timedelta(days=n), names[contact], int(contact), did if n != 5 else None,
                       "Gönderildi", "EUR", _tr_money(total), _owner_cell(rng, owner)])
        t_quote.ids.append(qid)
        truth.owners[("quote", qid)] = owner
        truth.links.append(Link(("quote", qid), "partner", ("contact", contact)))
        if n != 5:
            truth.links.append(Link(("quote", qid), "opportunity", ("deal", did)))
        for seq, (code, name, unit, price, qty) in enumerate(rows, start=1):
            lines.append([qid, seq, code, name, qty, unit, _tr_money(price), 0, _tr_money(price * qty)])
            t_line.count += 1
            truth.links.append(Link(("quote_line", f"{qid}#{seq}"), "order", ("quote", qid)))


def _activities_and_notes(book: Workbook, rng: random.Random, truth: Truth, names: dict[str, str],
                          deals: dict[str, str]) -> None:
    sheet = book.create_sheet("Etkinlikler")
    sheet.append(["No", "Tür", "Konu", "Başlangıç", "Bitiş", "Son Tarih", "Durum", "İlgili Kayıt Türü",
                  "İlgili Kayıt No", "İlgili Kayıt", "Sorumlu", "Açıklama"])
    t = truth.add("activity", ("etkinlikler", "etkinlik", "activities", "activity"),
                  ("mail.activity", "mail.message", "calendar.event", "project.task"))
    contacts = sorted(names)
    namesake = max(contacts)
    for n in range(1, 21):
        aid = str(300 + n)
        kind = ["Görev", "Arama", "Toplantı"][n % 3]
        on_deal = n % 4 == 0
        parent = list(deals)[n % len(deals)] if on_deal else contacts[(n * 3) % len(contacts)]
        start = BASE + dt.timedelta(days=rng.randrange(-30, 60), hours=rng.randrange(0, 7))
        done = n % 2 == 1
        owner = USERS[rng.randrange(3)][0]
        sheet.append([int(aid), kind, f"{kind}: {(deals if on_deal else names)[parent]}",
                      start if n % 2 else _tr_date(start, with_time=True), start + dt.timedelta(hours=1),
                      _tr_date(start), "Tamamlandı" if done else "Planlandı",
                      "Satış Fırsatı" if on_deal else "Kişi", parent if on_deal else int(parent),
                      (deals if on_deal else names)[parent], _owner_cell(rng, owner),
                      "Hasta ile fiyat konuşuldu." if n % 3 else None])
        t.ids.append(aid)
        truth.owners[("activity", aid)] = owner
        truth.links.append(Link(("activity", aid), "attached", ("deal" if on_deal else "contact", parent)))

    notes = book.create_sheet("Notlar")
    notes.append(["Not No", "İlgili Kayıt Türü", "İlgili Kayıt No", "İlgili Kayıt", "Not", "Yazan", "Tarih"])
    t_note = truth.add("note", ("notlar", "not", "notes", "note"), ("mail.message",))
    for n in range(1, 19):
        nid = str(700 + n)
        on_deal = n % 5 == 0
        parent = list(deals)[n % len(deals)] if on_deal else contacts[(n * 7) % len(contacts)] if n != 3 else namesake
        label = (deals if on_deal else names)[parent]
        if n == 9:
            parent, label = "1999", "Silinmiş Kişi"
            t_note.invalid[nid] = "its contact 1999 was deleted before the export"
        else:
            truth.links.append(Link(("note", nid), "attached", ("deal" if on_deal else "contact", parent)))
        notes.append([int(nid), "Satış Fırsatı" if on_deal else "Kişi", parent if on_deal else int(parent), label,
                      f"Hasta {rng.choice(['fotoğraflarını gönderdi', 'uçuş tarihini onayladı', 'fiyat sordu'])}.",
                      _owner_cell(rng, USERS[rng.randrange(3)][0]),
                      _tr_date(BASE + dt.timedelta(days=n)) if n % 2 else BASE + dt.timedelta(days=n)])
        t_note.ids.append(nid)
