"""A generator of realistic, dirty Planports Excel exports, returning the clean truth for record-by-record tests.

The dirt is what Turkish exports really carry (shared reference §5-7): title rows over the headers, shuffled
columns, merged cells, formulas with (and once without) a cached value, Excel dates next to text dates,
``1.234,56`` and ``₺``/``€`` amounts, Evet/Hayır, Turkish phone spellings, leading-zero and 18-digit ids,
İ/ı names, companies that differ only by their legal suffix, an ambiguous name link, trailing empty rows, an
unknown column and an unknown sheet. Values in :class:`PlanportsDataset` are exactly what the connector
should decode (UTC datetimes, ``Decimal`` money, E.164 phones, ids as text).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from crm2odoo.sources.planports import headers as hd
from crm2odoo.sources.planports.values import ISTANBUL
from crm2odoo.textnorm import slug

Truth = dict[str, dict[str, dict[str, Any]]]


@dataclass
class PlanportsDataset:
    """The clean truth behind a generated workbook."""

    path: Path
    language: str
    records: Truth = field(default_factory=dict)  # object -> id -> expected values (a subset of the keys read)
    problems: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # object -> id -> fields with problems
    rows: int = 0  # large mode: number of contact rows written

    def expect_problem(self, obj: str, ident: str, key: str) -> None:
        self.problems.setdefault(obj, {}).setdefault(ident, set()).add(key)


_FIRST = ["Ayşe", "Mehmet", "İsmail", "Işıl", "Ilgın", "Çağla", "Gökhan", "Şule", "Ömer", "Zeynep", "Emre",
          "Büşra", "Oğuz", "Elif", "Can", "Deniz", "Hülya", "Burak", "Emma", "Oliver", "Hans", "Sophie", "Lukas",
          "Fatma", "Ali"]
_LAST = ["Kaya", "Yılmaz", "Öztürk", "Şahin", "Çelik", "Doğan", "Arslan", "Koç", "Aydın", "Güneş", "Clarke",
         "Müller", "Schmidt", "Smith", "Işık", "Ünal"]
_COMPANIES = ["Kuzey Yazılım Ltd. Şti.", "İstanbul Dental Klinik A.Ş.", "Ege Sağlık Turizmi Ltd. Şti.",
              "Akdeniz Gayrimenkul A.Ş.", "Mavi Ajans Ltd. Şti.", "Anadolu Otomotiv A.Ş.", "Bosphorus Estates GmbH",
              "Işıklar Medikal Ltd. Şti.", "Pera Reklam A.Ş.", "Kapadokya Turizm Ltd. Şti.", "Trakya İnşaat A.Ş.",
              "Marmara Hair Clinic Ltd. Şti.", "Atlas Dijital A.Ş.", "Lykia Villas Ltd. Şti.", "Galata Medya A.Ş."]
_PIPELINES = {
    "Sağlık Turizmi": ["Yeni Talep", "İletişime Geçildi", "Fotoğraf/Rapor Bekleniyor", "Teklif Gönderildi",
                       "Kapora Alındı", "Tamamlandı", "Kaybedildi"],
    "Emlak": ["Yeni", "Görüşme", "Yer Gösterimi", "Teklif", "Satıldı", "Kaybedildi"],
    "Ajans": ["Brief", "Teklif", "Revize", "Onay", "Kazanıldı", "Kaybedildi"],
}
_WON = {"Tamamlandı", "Satıldı", "Kazanıldı"}
_USERS = [("Ayşe Kaya", "ayse.kaya@example.com.tr", "Sistem Yöneticisi"),
          ("Mehmet Öz", "mehmet.oz@example.com.tr", "Satış"),
          ("İrem Işık", "irem.isik@example.com.tr", "Satış"),
          ("Oğuz Şahin", "oguz.sahin@example.com.tr", "Stok Yönetimi")]
_EXTRA_OWNER = "Selin Aydın"  # appears only as an owner, never in Kullanıcılar
_PLATFORMS = [("facebook", "Meta Instant Form", "Facebook Lead Ads"), ("instagram", "Meta Instant Form", "Instagram"),
              ("google", "Google Ads", "Google Ads"), ("tiktok", "TikTok", "TikTok"), ("web", "Web", "Web Form")]
_TREATMENTS = ["Saç Ekimi FUE", "Diş İmplantı", "Rinoplasti", "Gülüş Tasarımı"]
_LEAD_TYPES = ["Satılık", "Kiralık", "Yatırım"]
_CURRENCIES = [("TRY", "₺", "TL"), ("EUR", "€", "EUR"), ("USD", "$", "USD"), ("GBP", "£", "GBP")]


def _words(language: str) -> dict[str, str]:
    tr = language == "tr"
    return {
        "person": "Kişi" if tr else "Person", "company": "Firma" if tr else "Company",
        "yes": "Evet" if tr else "Yes", "no": "Hayır" if tr else "No",
        "open": "Açık" if tr else "Open", "won": "Kazanıldı" if tr else "Won", "lost": "Kaybedildi" if tr else "Lost",
    }


def _utc(local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=ISTANBUL).astimezone(dt.UTC)


class _Writer:
    """Collects sheets (headers by field key) and renders them with the dirt switched on or off."""

    def __init__(self, language: str, rng: random.Random, dirt: bool) -> None:
        self.language, self.rng, self.dirt = language, rng, dirt
        self.wb = openpyxl.Workbook()
        self.wb.remove(self.wb.active)
        self.formulas: dict[str, dict[str, str | None]] = {}  # sheet -> cell -> formula (None: no cached value)

    def header(self, spec: hd.SheetSpec, key: str) -> str:
        return spec.field(key).header(self.language)

    def sheet(self, spec: hd.SheetSpec, columns: list[str], rows: list[dict[str, Any]], *,
              title: str | None = None, shuffle: bool = True, extra: dict[str, str] | None = None,
              merge_down: str | None = None, formula: tuple[str, list[str | None]] | None = None) -> None:
        """columns: field keys or 'x:<header>' for custom / unknown columns."""
        name = spec.label_tr if self.language == "tr" else spec.label_en
        ws = self.wb.create_sheet(name[:31])
        cols = list(columns)
        if self.dirt and shuffle:
            self.rng.shuffle(cols)
        labels = [c[2:] if c.startswith("x:") else self.header(spec, c) for c in cols]
        top = 1
        if self.dirt and title:
            ws.cell(row=1, column=1, value=title)
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
            top = 3  # a blank row under the title, as exporters with a filter summary do
        for j, label in enumerate(labels, start=1):
            ws.cell(row=top, column=j, value=label)
        for i, row in enumerate(rows, start=1):
            for j, key in enumerate(cols, start=1):
                value = row.get(key)
                if value is not None:
                    ws.cell(row=top + i, column=j, value=value)
        if self.dirt and merge_down and merge_down in cols:
            j = cols.index(merge_down) + 1
            start = 0
            for i in range(1, len(rows) + 1):
                if i == len(rows) or rows[i].get(merge_down) != rows[start].get(merge_down):
                    if i - start > 1:
                        ws.merge_cells(start_row=top + 1 + start, start_column=j, end_row=top + i, end_column=j)
                    start = i
        if formula is not None and formula[0] in cols:
            j = cols.index(formula[0]) + 1
            letter = get_column_letter(j)
            cells = self.formulas.setdefault(ws.title, {})
            for i, f in enumerate(formula[1], start=1):
                if f is not None:
                    cells[f"{letter}{top + i}"] = f
                    if ws.cell(row=top + i, column=j).value is None:
                        ws.cell(row=top + i, column=j, value=0)  # placeholder: rewritten as a bare formula
        if self.dirt:
            for i in range(len(rows) + 1, len(rows) + 4):
                ws.cell(row=top + i, column=1, value="")  # trailing empty rows Excel keeps after deletions

    def save(self, path: Path, uncached: set[tuple[str, str]]) -> None:
        self.wb.save(path)
        if self.formulas:
            _inject_formulas(path, self.formulas, uncached)


def _inject_formulas(path: Path, formulas: dict[str, dict[str, str | None]], uncached: set[tuple[str, str]]) -> None:
    """openpyxl cannot write a formula together with its cached value; patch the sheet XML instead."""
    from crm2odoo.sources.planports.sheets import sheet_xml_paths

    parts = sheet_xml_paths(path)
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            for sheet, cells in formulas.items():
                if parts.get(sheet) != info.filename:
                    continue
                text = data.decode("utf-8")
                for ref, f in cells.items():
                    pattern = re.compile(r'<c r="' + ref + r'"([^>]*)>(.*?)</c>')
                    bare = (sheet, ref) in uncached
                    text = pattern.sub(_formula_cell(ref, str(f), bare), text)
                data = text.encode("utf-8")
            zf.writestr(info, data)


def _formula_cell(ref: str, formula: str, bare: bool) -> Callable[[re.Match[str]], str]:
    """A replacement for one <c> element: the formula added, its cached value kept unless ``bare``."""

    def replace(m: re.Match[str]) -> str:
        if bare:
            return f'<c r="{ref}"><f>{formula}</f></c>'
        return f'<c r="{ref}"{m.group(1)}><f>{formula}</f>{m.group(2)}</c>'

    return replace


def _money_text(amount: Decimal, language: str, style: int, symbol: str, code: str) -> Any:
    """A dirty rendering of an amount; style picks one of the spellings exports use."""
    q = f"{amount:,.2f}"  # 1,234.56
    tr = q.replace(",", "X").replace(".", ",").replace("X", ".")  # 1.234,56
    local = tr if language == "tr" else q
    return [local, f"{symbol}{local}", f"{local} {code}", float(amount)][style % 4]


def _phone_text(number: str, style: int) -> Any:
    """number: 10 national digits."""
    a, b, c, d = number[:3], number[3:6], number[6:8], number[8:]
    return [f"0{a} {b} {c} {d}", f"+90 ({a}) {b}-{c}{d}", int(number), f"+90 {a} {b} {c} {d}", f"0{number}"][style % 5]


def _date_text(day: dt.date, language: str) -> str:
    return day.strftime("%d.%m.%Y") if language == "tr" else day.strftime("%d/%m/%Y")


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
    w = _Writer(language, rng, dirt)
    words = _words(language)
    ds = PlanportsDataset(path, language)
    R = ds.records
    base = dt.datetime(2024, 3, 1, 9, 0)

    # users ------------------------------------------------------------------------------------------------------
    R["user"] = {}
    user_rows = []
    for name, email, role in _USERS:
        R["user"][email] = {"name": name, "email": email, "roles": [role], "active": True}
        user_rows.append({"name": name, "email": email.upper() if name.startswith("İ") else email, "roles": role,
                          "active": words["yes"]})
    owners = [u[0] for u in _USERS]

    def owner_cell(i: int) -> tuple[str, str]:
        """(cell text, expected user id): mostly names, sometimes e-mails, once an unknown person."""
        if i % 11 == 7:
            return _EXTRA_OWNER, _EXTRA_OWNER
        name, email, _ = _USERS[i % len(_USERS)]
        return (email if i % 5 == 3 else (name.upper() if i % 7 == 2 else name)), email

    # companies and contacts ----------------------------------------------------------------------------------------
    R["company"], R["contact"] = {}, {}
    contact_rows: list[dict[str, Any]] = []
    company_names = list(_COMPANIES[:max(2, min(companies, len(_COMPANIES)))])
    company_names += ["Deniz Emlak Ltd. Şti.", "Deniz Emlak A.Ş."]  # differ only by suffix
    next_id = 1001
    company_ids: dict[str, str] = {}
    for i, cname in enumerate(company_names):
        ident = str(next_id)
        next_id += 1
        company_ids[cname] = ident
        phone = f"212{rng.randrange(1000000, 9999999)}"
        owner_text, owner_id = owner_cell(i)
        created = base + dt.timedelta(days=i, hours=i % 5)
        vat = f"{rng.randrange(10**8, 10**9):010d}"  # 10 digits with leading zero(s)
        R["company"][ident] = {"name": cname, "is_company": True, "phone": "+90" + phone, "vat": vat,
                               "owner": owner_id, "created_at": _utc(created), "customer": i % 3 != 0,
                               "company": None}
        contact_rows.append({"contact_id": int(ident), "party_type": words["company"], "name": cname,
                             "phone": _phone_text(phone, i), "vat": vat, "owner": owner_text,
                             "created_at": created if i % 2 else created.strftime("%d.%m.%Y %H:%M"),
                             "customer": words["yes"] if i % 3 != 0 else words["no"],
                             "x:Eski Sistem Kodu": f"LEG-{i:03d}"})
    person_names: list[str] = []
    used_names: set[str] = set()
    for i in range(contacts):
        ident = str(next_id)
        next_id += 1
        first, last = _FIRST[i % len(_FIRST)], _LAST[(i * 7 + i // len(_FIRST)) % len(_LAST)]
        name = f"{first} {last}"
        bump = 0
        while name in used_names or name in ("Mehmet Yılmaz", "İsmail Kaya"):
            bump += 1
            name = f"{first} {_LAST[(i * 7 + bump) % len(_LAST)]}" + (f" {bump}" if bump >= len(_LAST) else "")
        if i == 5:
            name = "Mehmet Yılmaz"
        if i == 6:
            name = "Mehmet Yılmaz"  # a namesake: links by this name are ambiguous
        if i == 2:
            name = "İsmail Kaya"
        written_name = "İSMAİL KAYA" if name == "İsmail Kaya" else (f"  {name} " if i % 13 == 4 else name)
        used_names.add(name)
        person_names.append(name)
        mobile = f"5{rng.randrange(30, 56)}{rng.randrange(1000000, 9999999)}"
        email = f"{slug(name).replace('_', '.')}{i}@example.com"
        owner_text, owner_id = owner_cell(i + 3)
        cindex = i % (len(company_names) + 3)
        company_cell: str | None = None
        company_ref: str | None = None
        if cindex < len(company_names) - 2:
            company_ref = company_ids[company_names[cindex]]
            company_cell = company_names[cindex]
            if i % 4 == 1:
                company_cell = company_cell.replace(" Ltd. Şti.", " LTD ŞTİ").replace(" A.Ş.", " AŞ")
        elif cindex == len(company_names) - 2 and i % 2 == 0:
            company_ref = company_ids["Deniz Emlak Ltd. Şti."]
            company_cell = "Deniz Emlak Ltd. Şti."
        elif cindex == len(company_names) - 1:
            company_cell = "Deniz Emlak"  # suffix missing: two companies fit, must be reported
            ds.expect_problem("contact", ident, "company")
        created = base + dt.timedelta(days=20 + i, hours=i % 9, minutes=(i * 7) % 60)
        modified = created + dt.timedelta(days=3, minutes=15)
        note = f"Hasta ilk görüşmede {_TREATMENTS[i % 4]} ile ilgilendi.\r\nTekrar aranacak." if i % 6 == 0 else None
        treatment = _TREATMENTS[i % 4] if i % 3 == 0 else None
        referral = ["Instagram", "Eski hasta", "Acente"][i % 3] if i % 3 == 0 else None
        R["contact"][ident] = {"name": written_name.strip(), "is_company": False, "company": company_ref, "email": email,
                               "mobile": "+90" + mobile, "owner": owner_id, "created_at": _utc(created),
                               "modified_at": _utc(modified), "notes": note.replace("\r\n", "\n") if note else None,
                               "x_tedavi_paketi": treatment, "x_referans_kaynagi": referral,
                               "customer": i % 2 == 0}
        contact_rows.append({"contact_id": int(ident) if i % 3 else ident, "party_type": words["person"],
                             "name": written_name, "company": company_cell, "email": email,
                             "mobile": _phone_text(mobile, i), "owner": owner_text,
                             "created_at": created if i % 2 == 0 else created.strftime("%d.%m.%Y %H:%M"),
                             "modified_at": modified.strftime("%d.%m.%Y %H:%M"), "notes": note,
                             "customer": words["yes"] if i % 2 == 0 else words["no"],
                             "x:Tedavi Paketi": treatment, "x:Referans Kaynağı": referral,
                             "x:Eski Sistem Kodu": f"LEG-{100 + i}"})
    w.sheet(hd.CONTACTS, ["contact_id", "party_type", "name", "company", "email", "mobile", "phone", "vat",
                          "customer", "owner", "created_at", "modified_at", "notes", "x:Tedavi Paketi",
                          "x:Referans Kaynağı", "x:Eski Sistem Kodu"], contact_rows,
            title="Kişiler Listesi - 01.03.2024" if language == "tr" else "Contacts - 01/03/2024")
    w.sheet(hd.USERS, ["name", "email", "roles", "active"], user_rows)

    # leads --------------------------------------------------------------------------------------------------------
    R["lead"] = {}
    lead_rows = []
    for i in range(leads):
        ident = f"L-{i + 1:04d}"
        platform, channel, source = _PLATFORMS[i % len(_PLATFORMS)]
        name = f"{_FIRST[(i + 3) % len(_FIRST)]} {_LAST[i % len(_LAST)]}"
        ext = str(rng.randrange(10**17, 10**18)) if platform in ("facebook", "instagram") else None
        received = base + dt.timedelta(days=i, hours=8 + i % 10)
        mobile = f"5{rng.randrange(30, 56)}{rng.randrange(1000000, 9999999)}"
        score = (i * 17) % 100
        owner_text, owner_id = owner_cell(i)
        campaign = ["UK Hair 2024-03", "DE Dental Q2", "Villa Bodrum", "Ajans Retainer"][i % 4]
        lead_type = _LEAD_TYPES[i % 3] if i % 4 == 2 else None
        R["lead"][ident] = {"name": name, "mobile": "+90" + mobile, "ad_platform": platform,
                            "external_lead_id": ext, "source": source, "campaign": campaign,
                            "source_channel": channel, "lead_score": score, "received_at": _utc(received),
                            "owner": owner_id, "x_tedavi_paketi": _TREATMENTS[i % 4] if i % 4 == 0 else None,
                            "x_lead_tipi": lead_type, "form_name": f"{campaign} Form"}
        lead_rows.append({"lead_id": ident, "name": name, "mobile": _phone_text(mobile, i + 1),
                          "ad_platform": platform, "external_lead_id": ext, "source": source, "campaign": campaign,
                          "lead_score": score if i % 2 else str(score), "form_name": f"{campaign} Form",
                          "received_at": received if i % 3 else received.strftime("%d.%m.%Y %H:%M"),
                          "owner": owner_text, "x:Tedavi Paketi": _TREATMENTS[i % 4] if i % 4 == 0 else None,
                          "x:Lead Tipi": lead_type})
    w.sheet(hd.LEADS, ["lead_id", "name", "mobile", "ad_platform", "form_name", "external_lead_id", "source",
                       "campaign", "lead_score", "received_at", "owner", "x:Tedavi Paketi", "x:Lead Tipi"],
            lead_rows, title="Potansiyel Müşteriler" if language == "tr" else "Leads")

    # deals, stages, pipelines, lost reasons ---------------------------------------------------------------------
    R["deal"], R["pipeline"], R["stage"], R["lost_reason"] = {}, {}, {}, {}
    deal_rows = []
    plan = []
    pipelines = list(_PIPELINES)
    for i in range(deals):
        pname = pipelines[i * len(pipelines) // max(deals, 1)]
        plan.append((pname, _PIPELINES[pname][(i * 3) % len(_PIPELINES[pname])]))
    stage_outcomes: dict[str, set[str]] = {}
    person_ids = list(R["contact"])
    for i, (pname, sname) in enumerate(plan):
        ident = f"F-{i + 1:05d}"
        pid = slug(pname)
        sid = f"{pid}/{slug(sname)}"
        if pid not in R["pipeline"]:
            R["pipeline"][pid] = {"name": pname, "sequence": len(R["pipeline"]) + 1}
        if sid not in R["stage"]:
            R["stage"][sid] = {"name": sname, "pipeline": pid,
                               "sequence": sum(1 for s in R["stage"].values() if s["pipeline"] == pid) + 1}
        outcome = "won" if sname in _WON else "lost" if sname == "Kaybedildi" else "open"
        stage_outcomes.setdefault(sid, set()).add(outcome)
        code, symbol, word = _CURRENCIES[i % 4]
        amount = Decimal(rng.randrange(50000, 5000000)) / 100
        style = i % 4
        cell = _money_text(amount, language, style, symbol, word)
        cur_col = None if style in (1, 2) and i % 3 else [code, symbol, word][i % 3]
        probability: float = (i * 10) % 100
        prob_cell: Any = [f"%{probability}", f"{probability}%", probability / 100 if probability else 0,
                          str(probability)][i % 4]
        if i == 3:
            prob_cell, probability = "12,5%", 12.5
        close = dt.date(2024, 4, 1) + dt.timedelta(days=i * 3)
        reason = ["Fiyat yüksek", "Rakip tercih edildi", "Ulaşılamadı"][i % 3] if outcome == "lost" else None
        if reason:
            R["lost_reason"][slug(reason)] = {"name": reason}
        contact_ref = company_ref = None
        if i == 1:
            party = "Mehmet Yılmaz"
            ds.expect_problem("deal", ident, "contact")
        elif i % 5 == 4:
            cname = company_names[i % (len(company_names) - 2)]
            party, company_ref = cname, company_ids[cname]
        elif i == 2:
            party, contact_ref = "İsmail Kaya", next(k for k, v in R["contact"].items() if v["name"] == "İSMAİL KAYA")
        else:
            pick = person_ids[(i * 7) % len(person_ids)]
            if R["contact"][pick]["name"] == "Mehmet Yılmaz":
                pick = person_ids[0]
            party, contact_ref = R["contact"][pick]["name"], pick
        owner_text, owner_id = owner_cell(i)
        status = words[outcome]
        treatment = _TREATMENTS[i % 4] if pid == "saglik_turizmi" else None
        portfolio = f"{i * 37:06d}" if pid == "emlak" else None
        lead_type = _LEAD_TYPES[i % 3] if pid == "emlak" else None
        tags = ["Meta", "Retargeting"][: 1 + i % 2] if pid == "ajans" else None
        spend = Decimal(15000 + i * 250) if pid == "ajans" else None
        R["deal"][ident] = {"name": f"{party} - {sname}", "pipeline": pid, "stage": sid, "status": status,
                            "outcome": outcome, "probability": float(probability), "amount": amount,
                            "amount__currency": code, "expected_close": close, "lost_reason":
                            slug(reason) if reason else None, "contact": contact_ref, "company": company_ref,
                            "owner": owner_id, "x_tedavi_paketi": treatment,
                            "x_referans_kaynagi": "Instagram" if treatment else None, "x_portfoy_no": portfolio,
                            "x_lead_tipi": lead_type, "x_kampanya_etiketi": tags, "x_reklam_butcesi": spend,
                            "x_reklam_butcesi__currency": "TRY" if spend is not None else None,
                            "currency": code if cur_col is not None else None}
        deal_rows.append({"deal_id": ident, "name": f"{party} - {sname}", "contact": party, "pipeline": pname,
                          "stage": sname, "status": status, "probability": prob_cell, "amount": cell,
                          "currency": cur_col, "lost_reason": reason, "owner": owner_text,
                          "expected_close": close if i % 2 else _date_text(close, language),
                          "x:Tedavi Paketi": treatment, "x:Referans Kaynağı": "Instagram" if treatment else None,
                          "x:Portföy No": portfolio, "x:Lead Tipi": lead_type,
                          "x:Kampanya Etiketi": ", ".join(tags) if tags else None,
                          "x:Reklam Bütçesi": f"₺{spend:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
                          if spend is not None else None})
        if cur_col is None and style in (0, 3):
            R["deal"][ident]["amount__currency"] = None
    for sid, seen in stage_outcomes.items():
        R["stage"][sid]["stage_type"] = next(iter(seen)) if len(seen) == 1 and seen & {"won", "lost"} else "open"
    w.sheet(hd.DEALS, ["deal_id", "name", "contact", "pipeline", "stage", "status", "probability", "amount",
                       "currency", "expected_close", "lost_reason", "owner", "x:Tedavi Paketi", "x:Referans Kaynağı",
                       "x:Portföy No", "x:Lead Tipi", "x:Kampanya Etiketi", "x:Reklam Bütçesi"], deal_rows,
            merge_down="pipeline")

    # custom field definitions ----------------------------------------------------------------------------------
    defs = [("Tedavi Paketi", "Fırsat", "Seçim", "; ".join(_TREATMENTS)),
            ("Tedavi Paketi", "Kişi", "Seçim", "; ".join(_TREATMENTS)),
            ("Tedavi Paketi", "Lead", "Seçim", "; ".join(_TREATMENTS)),
            ("Referans Kaynağı", "Fırsat", "Metin", None), ("Referans Kaynağı", "Kişi", "Metin", None),
            ("Portföy No", "Fırsat", "Metin", None), ("Lead Tipi", "Fırsat", "Seçim", "; ".join(_LEAD_TYPES)),
            ("Lead Tipi", "Lead", "Seçim", "; ".join(_LEAD_TYPES)),
            ("Kampanya Etiketi", "Fırsat", "Çoklu Seçim", "Meta; Retargeting; Google"),
            ("Reklam Bütçesi", "Fırsat", "Para", None)]
    w.sheet(hd.CUSTOM_FIELDS, ["field_label", "object", "field_type", "options"],
            [{"field_label": a, "object": b, "field_type": c, "options": d} for a, b, c, d in defs], shuffle=False)

    # products, quotes and lines, orders (flattened) ---------------------------------------------------------------
    R["product"] = {}
    product_rows = []
    product_list = []
    for i in range(products):
        code = f"{i + 1:04d}" if i % 2 else f"URN-{i + 1:03d}"
        name = ["FUE Saç Ekimi Paketi", "Otel (3 gece)", "VIP Transfer", "Diş İmplantı", "Danışmanlık Saati",
                "Reklam Yönetimi", "Emlak Ekspertiz", "Tercüman"][i % 8] + ("" if i < 8 else f" {i}")
        price = Decimal(rng.randrange(5000, 300000)) / 100
        tracked = i % 3 == 0
        qty = float(i * 4) if tracked else None
        R["product"][code] = {"name": name, "code": code, "list_price": price, "list_price__currency": "EUR",
                              "stock_tracked": tracked, "qty_on_hand": qty, "tax_rate": 20.0,
                              "barcode": f"869{rng.randrange(10**9, 10**10)}"}
        product_rows.append({"code": code, "name": name, "list_price": _money_text(price, language, 0, "€", "EUR"),
                             "currency": "EUR", "stock_tracked": words["yes"] if tracked else words["no"],
                             "qty_on_hand": qty if tracked else "-", "tax_rate": "%20" if i % 2 else 20,
                             "barcode": R["product"][code]["barcode"]})
        product_list.append((code, name, price))
    w.sheet(hd.PRODUCTS, ["code", "name", "list_price", "currency", "stock_tracked", "qty_on_hand", "tax_rate",
                          "barcode"], product_rows)

    R["quote"], R["quote_line"] = {}, {}
    quote_rows: list[dict[str, Any]] = []
    line_rows: list[dict[str, Any]] = []
    line_formulas: list[str | None] = []
    deal_ids = list(R["deal"])
    for i in range(quotes):
        qno = f"TKL-2024-{i + 1:04d}"
        pick = person_ids[(i * 5 + 1) % len(person_ids)]
        if R["contact"][pick]["name"] == "Mehmet Yılmaz":
            pick = person_ids[0]
        day = dt.date(2024, 3, 5) + dt.timedelta(days=i * 2)
        total = Decimal(0)
        for seq in range(1, 2 + i % 3):
            code, pname, price = product_list[(i + seq) % len(product_list)]
            qty = [1.0, 1.5, 3.0][seq % 3]
            subtotal = (price * Decimal(str(qty))).quantize(Decimal("0.01"))
            total += subtotal
            lid = f"{qno}/{seq}"
            R["quote_line"][lid] = {"quote": qno, "sequence": seq, "product": code, "product_name": pname,
                                    "quantity": qty, "price_unit": price, "subtotal": subtotal}
            row_no = len(line_rows)
            line_rows.append({"quote": qno, "sequence": seq, "product": code, "product_name": pname,
                              "quantity": str(qty).replace(".", ",") if language == "tr" else qty,
                              "price_unit": _money_text(price, language, 0, "€", "EUR"), "subtotal": float(subtotal)})
            line_formulas.append(f"D{row_no + 2}*E{row_no + 2}")
        deal_ref = deal_ids[i % len(deal_ids)] if i % 2 == 0 else None
        owner_text, owner_id = owner_cell(i)
        R["quote"][qno] = {"date": day, "valid_until": day + dt.timedelta(days=30), "contact": R["contact"][pick]
                           and pick, "company": None, "deal": deal_ref, "amount_total": total,
                           "amount_total__currency": "EUR", "currency": "EUR", "owner": owner_id}
        quote_rows.append({"quote_no": qno, "date": day, "valid_until": _date_text(day + dt.timedelta(days=30), language),
                           "contact": R["contact"][pick]["name"], "deal": deal_ref, "currency": "€",
                           "amount_total": _money_text(total, language, 0, "€", "EUR"), "owner": owner_text})
    w.sheet(hd.QUOTES, ["quote_no", "date", "valid_until", "contact", "deal", "currency", "amount_total", "owner"],
            quote_rows)
    uncached_line = len(line_rows) - 1  # the last line's total was never calculated by Excel
    w.sheet(hd.QUOTE_LINES, ["quote", "sequence", "product", "product_name", "quantity", "price_unit", "subtotal"],
            line_rows, shuffle=False, formula=("subtotal", line_formulas))
    last_line = list(R["quote_line"])[uncached_line]
    R["quote_line"][last_line]["subtotal"] = None
    R["quote_line"][last_line]["subtotal__currency"] = None
    ds.expect_problem("quote_line", last_line, "subtotal")

    R["order"], R["order_line"] = {}, {}
    order_rows = []
    for i in range(orders):
        ono = f"SIP-{i + 1:05d}"
        pick = person_ids[(i * 3 + 2) % len(person_ids)]
        if R["contact"][pick]["name"] == "Mehmet Yılmaz":
            pick = person_ids[0]
        day = dt.date(2024, 4, 2) + dt.timedelta(days=i)
        lines = [(seq, *product_list[(i + seq) % len(product_list)]) for seq in range(1, 3)]
        total = sum((p for _s, _c, _n, p in lines), Decimal(0))
        R["order"][ono] = {"date": day, "contact": pick, "amount_total": total, "amount_total__currency": "TRY",
                           "quote": f"TKL-2024-{i + 1:04d}"}
        for seq, code, pname, price in lines:
            R["order_line"][f"{ono}/{seq}"] = {"order": ono, "sequence": seq, "product": code, "price_unit": price,
                                               "quantity": 1.0}
            order_rows.append({"order_no": ono, "date": _date_text(day, language), "contact": R["contact"][pick]["name"],
                               "quote": f"TKL-2024-{i + 1:04d}",
                               "amount_total": _money_text(total, language, 1, "₺", "TL"),
                               "sequence": seq, "product": code, "product_name": pname, "quantity": 1,
                               "price_unit": _money_text(price, language, 1, "₺", "TL")})
    ws_cols = ["order_no", "date", "contact", "quote", "amount_total", "sequence", "product", "product_name",
               "quantity", "price_unit"]
    _flat_sheet(w, ws_cols, order_rows)

    # activities, notes, cards, attachments ------------------------------------------------------------------------
    R["activity"] = {}
    act_rows = []
    kinds = [("Arama", "Call", "call"), ("Toplantı", "Meeting", "meeting"), ("E-posta", "Email", "email"),
             ("Görev", "Task", "task")]
    for i in range(activities):
        ident = str(5000 + i)
        tr_label, en_label, kind = kinds[i % 4]
        label = tr_label if language == "tr" else en_label
        start = base + dt.timedelta(days=i, hours=10 + i % 6)
        minutes = 15 + (i % 4) * 15
        end = start + dt.timedelta(minutes=minutes)
        done = i % 3 != 0
        status = ("Tamamlandı" if done else "Planlandı") if language == "tr" else ("Done" if done else "Planned")
        pick = person_ids[(i * 11) % len(person_ids)]
        if R["contact"][pick]["name"] == "Mehmet Yılmaz":
            pick = person_ids[0]
        owner_text, owner_id = owner_cell(i)
        disposition = (["Ulaşıldı", "Ulaşılamadı", "Meşgul"][i % 3] if kind == "call" else None)
        R["activity"][ident] = {"activity_type": label, "kind": kind, "subject": f"{label} #{i}",
                                "start": _utc(start), "end": _utc(end), "duration_minutes": minutes,
                                "status": status, "done": done, "disposition": disposition, "contact": pick,
                                "deal": deal_ids[i % len(deal_ids)] if i % 2 else None, "owner": owner_id}
        act_rows.append({"activity_id": int(ident), "activity_type": label, "subject": f"{label} #{i}",
                         "start": start if i % 2 else start.strftime("%d.%m.%Y %H:%M"),
                         "end": end.strftime("%d.%m.%Y %H:%M"), "status": status, "disposition": disposition,
                         "contact": R["contact"][pick]["name"], "deal": deal_ids[i % len(deal_ids)] if i % 2 else None,
                         "owner": owner_text})
    w.sheet(hd.ACTIVITIES, ["activity_id", "activity_type", "subject", "start", "end", "status", "disposition",
                            "contact", "deal", "owner"], act_rows, title="Etkinlikler")

    R["note"] = {}
    note_rows = []
    for i in range(notes):
        ident = f"N{i + 1}"
        on_deal = i % 3 == 0
        when = base + dt.timedelta(days=i * 2, hours=15)
        owner_text, owner_id = owner_cell(i)
        if on_deal:
            target = deal_ids[i % len(deal_ids)]
            rel, record_text = ("Fırsat" if language == "tr" else "Opportunity"), R["deal"][target]["name"]
            expected = {"deal": target, "contact": None, "company": None}
            if sum(1 for d in R["deal"].values() if d["name"] == record_text) > 1:
                record_text = target  # two opportunities share this name: link by number
        else:
            target = person_ids[(i * 13) % len(person_ids)]
            if R["contact"][target]["name"] == "Mehmet Yılmaz":
                target = person_ids[0]
            rel, record_text = ("Kişi" if language == "tr" else "Contact"), R["contact"][target]["name"]
            expected = {"deal": None, "contact": target, "company": None}
        body = f"Not {i}: hasta fotoğrafları gönderdi.\nDoktor değerlendirecek."
        R["note"][ident] = {"body": body, "author": owner_id, "date": _utc(when), **expected}
        note_rows.append({"note_id": ident, "related_type": rel, "related_record": record_text,
                          "body": body.replace("\n", "\r\n"), "author": owner_text,
                          "date": when.strftime("%d.%m.%Y %H:%M")})
    w.sheet(hd.NOTES, ["note_id", "related_type", "related_record", "body", "author", "date"], note_rows)

    R["board"], R["board_column"], R["card"] = {}, {}, {}
    card_rows = []
    boards = {"Hasta Yolculuğu": ["Bekleyen", "Uçuş Planlandı", "Klinikte", "Takip"],
              "Ajans Operasyon": ["Yapılacak", "Devam Ediyor", "Onayda", "Bitti"]}
    for i in range(cards):
        bname = list(boards)[i % 2]
        cname = boards[bname][(i // 2) % 4]
        bid, cid = slug(bname), f"{slug(bname)}/{slug(cname)}"
        if bid not in R["board"]:
            R["board"][bid] = {"name": bname}
        if cid not in R["board_column"]:
            R["board_column"][cid] = {"name": cname, "board": bid,
                                      "sequence": sum(1 for c in R["board_column"].values() if c["board"] == bid) + 1}
        ident = f"K{i + 1}"
        due = dt.date(2024, 5, 1) + dt.timedelta(days=i)
        pick = person_ids[(i * 3) % len(person_ids)]
        if R["contact"][pick]["name"] == "Mehmet Yılmaz":
            pick = person_ids[0]
        owner_text, owner_id = owner_cell(i)
        R["card"][ident] = {"title": f"{R['contact'][pick]['name']} - {cname}", "board": bid, "column": cid,
                            "sequence": i + 1, "contact": pick, "due_date": due, "owner": owner_id}
        card_rows.append({"board": bname, "column": cname, "card_id": ident, "title": R["card"][ident]["title"],
                          "sequence": i + 1, "contact": R["contact"][pick]["name"], "owner": owner_text,
                          "due_date": _date_text(due, language)})
    w.sheet(hd.CARDS, ["board", "column", "card_id", "title", "sequence", "contact", "owner", "due_date"], card_rows)

    R["attachment"] = {}
    att_rows = []
    folder = path.parent / "Dosyalar"
    folder.mkdir(exist_ok=True)
    for i in range(attachments):
        ident = f"D{i + 1}"
        fname = f"teklif-{i + 1}.pdf" if i % 2 == 0 else f"rapor-{i + 1}.txt"
        data = f"%PDF-1.4 dosya {i}".encode() if i % 2 == 0 else f"rapor {i}\n".encode()
        missing = i == attachments - 1
        if not missing:
            (folder / fname).write_bytes(data)
        target = person_ids[(i * 2) % len(person_ids)]
        if R["contact"][target]["name"] == "Mehmet Yılmaz":
            target = person_ids[0]
        owner_text, owner_id = owner_cell(i)
        R["attachment"][ident] = {"file_name": fname, "data": None if missing else data, "contact": target,
                                  "uploaded_by": owner_id,
                                  "path": None if missing else str(folder / fname)}
        if missing:
            ds.expect_problem("attachment", ident, "path")
        att_rows.append({"attachment_id": ident, "file_name": fname, "path": f"Dosyalar/{fname}",
                         "related_type": "Kişi" if language == "tr" else "Contact",
                         "related_record": R["contact"][target]["name"], "uploaded_by": owner_text})
    w.sheet(hd.ATTACHMENTS, ["attachment_id", "file_name", "path", "related_type", "related_record", "uploaded_by"],
            att_rows)

    # inventory-only sheets and one sheet nobody can place -----------------------------------------------------------
    w.sheet(hd.WHATSAPP, ["contact", "wa_phone", "direction", "message", "date"], [
        {"contact": person_names[i], "wa_phone": "0532 000 00 0" + str(i), "direction": "Gelen" if i % 2 else "Giden",
         "message": f"Merhaba {i}", "date": (base + dt.timedelta(hours=i)).strftime("%d.%m.%Y %H:%M")}
        for i in range(5)])
    w.sheet(hd.WORKFLOWS, ["rule_name", "trigger", "action", "active"], [
        {"rule_name": "Yeni lead → WhatsApp karşılama", "trigger": "Lead oluşturuldu",
         "action": "WhatsApp şablonu gönder", "active": words["yes"]},
        {"rule_name": "Kapora alındı → görev", "trigger": "Aşama = Kapora Alındı", "action": "Görev oluştur",
         "active": words["no"]}])
    ws = w.wb.create_sheet("Pivot")
    ws.append(["Ay", "Toplam Ciro", "Hedef"])
    ws.append(["Ocak", 1000, 1200])

    uncached = {(w.wb[hd.QUOTE_LINES.label_tr if language == "tr" else hd.QUOTE_LINES.label_en].title,
                 f"G{uncached_line + 2}")}
    w.save(path, uncached)
    # users the connector derives from owner columns
    R["user"][_EXTRA_OWNER] = {"name": _EXTRA_OWNER, "email": None}
    del owners
    return ds


def _flat_sheet(w: _Writer, cols: list[str], rows: list[dict[str, Any]]) -> None:
    """Orders exported flattened: the order's columns repeat on each of its lines."""
    name = hd.ORDERS.label_tr if w.language == "tr" else hd.ORDERS.label_en
    ws = w.wb.create_sheet(name)
    labels = []
    for c in cols:
        spec = hd.ORDERS if any(f.key == c for f in hd.ORDERS.fields) else hd.ORDER_LINES
        labels.append(spec.field(c).header(w.language))
    ws.append(labels)
    for row in rows:
        ws.append([row.get(c) for c in cols])


def _large(path: Path, n: int, language: str) -> PlanportsDataset:
    """N person rows, streamed with openpyxl's write-only mode; the truth holds counts only."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(hd.CONTACTS.label_tr if language == "tr" else hd.CONTACTS.label_en)
    keys = ["contact_id", "party_type", "name", "email", "mobile", "created_at"]
    ws.append([hd.CONTACTS.field(k).header(language) for k in keys])
    person = _words(language)["person"]
    for i in range(n):
        ws.append([100000 + i, person, f"{_FIRST[i % len(_FIRST)]} {_LAST[i % len(_LAST)]} {i}",
                   f"kisi{i}@example.com", f"0532 {i % 1000:03d} {i % 100:02d} {(i // 100) % 100:02d}",
                   f"{1 + i % 28:02d}.03.2024 10:{i % 60:02d}"])
    wb.save(path)
    return PlanportsDataset(path, language, {}, {}, rows=n)
