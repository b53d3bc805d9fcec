"""The people of a Planports export: users, companies, persons (with their dirty links to companies) and leads.

Quirks placed here: ids as numbers or text, names with stray spaces or in capitals (İ), companies that differ
only by their legal suffix, a company link that two companies fit, a namesake, e-mails as owners.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crm2odoo.sources.planports import headers as hd
from crm2odoo.testing.planports_dataset import (
    FIRST_NAMES,
    LAST_NAMES,
    LEAD_TYPES,
    NAMESAKE,
    TREATMENTS,
    USERS,
    WorkbookBuild,
    utc,
)
from crm2odoo.testing.planports_layout import COLUMNS, title
from crm2odoo.testing.planports_quirks import phone_text
from crm2odoo.textnorm import slug

COMPANIES = ["Kuzey Yazılım Ltd. Şti.", "İstanbul Dental Klinik A.Ş.", "Ege Sağlık Turizmi Ltd. Şti.",
             "Akdeniz Gayrimenkul A.Ş.", "Mavi Ajans Ltd. Şti.", "Anadolu Otomotiv A.Ş.", "Bosphorus Estates GmbH",
             "Işıklar Medikal Ltd. Şti.", "Pera Reklam A.Ş.", "Kapadokya Turizm Ltd. Şti.", "Trakya İnşaat A.Ş.",
             "Marmara Hair Clinic Ltd. Şti.", "Atlas Dijital A.Ş.", "Lykia Villas Ltd. Şti.", "Galata Medya A.Ş."]
#: two companies that differ only by their legal suffix
SUFFIX_TWINS = ["Deniz Emlak Ltd. Şti.", "Deniz Emlak A.Ş."]
_PLATFORMS = [("facebook", "Meta Instant Form", "Facebook Lead Ads"), ("instagram", "Meta Instant Form", "Instagram"),
              ("google", "Google Ads", "Google Ads"), ("tiktok", "TikTok", "TikTok"), ("web", "Web", "Web Form")]
_CAMPAIGNS = ["UK Hair 2024-03", "DE Dental Q2", "Villa Bodrum", "Ajans Retainer"]
_FIRST_ID = 1001  # companies, then persons, numbered on from here


def users(c: WorkbookBuild) -> list[dict[str, Any]]:
    """The Kullanıcılar rows (written after the contacts sheet); one e-mail in capitals."""
    c.records["user"] = {}
    rows = []
    for name, email, role in USERS:
        c.records["user"][email] = {"name": name, "email": email, "roles": [role], "active": True}
        rows.append({"name": name, "email": email.upper() if name.startswith("İ") else email, "roles": role,
                     "active": c.words["yes"]})
    return rows


def companies(c: WorkbookBuild, count: int) -> list[dict[str, Any]]:
    R, words = c.records, c.words
    R["company"] = {}
    rows: list[dict[str, Any]] = []
    c.company_names = list(COMPANIES[:max(2, min(count, len(COMPANIES)))]) + SUFFIX_TWINS
    for i, cname in enumerate(c.company_names):
        ident = str(_FIRST_ID + i)
        c.company_ids[cname] = ident
        phone = f"212{c.rng.randrange(1000000, 9999999)}"
        owner_text, owner_id = c.owner_cell(i)
        created = c.base + dt.timedelta(days=i, hours=i % 5)
        vat = f"{c.rng.randrange(10**8, 10**9):010d}"  # 10 digits with leading zero(s)
        R["company"][ident] = {"name": cname, "is_company": True, "phone": "+90" + phone, "vat": vat,
                               "owner": owner_id, "created_at": utc(created), "customer": i % 3 != 0,
                               "company": None}
        rows.append({"contact_id": int(ident), "party_type": words["company"], "name": cname,
                     "phone": phone_text(phone, i), "vat": vat, "owner": owner_text,
                     "created_at": created if i % 2 else created.strftime("%d.%m.%Y %H:%M"),
                     "customer": words["yes"] if i % 3 != 0 else words["no"],
                     "x:Eski Sistem Kodu": f"LEG-{i:03d}"})
    return rows


def _person_name(i: int, used: set[str]) -> str:
    """Unique names, except the namesake (persons 5 and 6) and İsmail Kaya (person 2, written in capitals)."""
    first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i * 7 + i // len(FIRST_NAMES)) % len(LAST_NAMES)]
    name = f"{first} {last}"
    bump = 0
    while name in used or name in (NAMESAKE, "İsmail Kaya"):
        bump += 1
        name = f"{first} {LAST_NAMES[(i * 7 + bump) % len(LAST_NAMES)]}" + (f" {bump}" if bump >= len(LAST_NAMES) else "")
    return {5: NAMESAKE, 6: NAMESAKE, 2: "İsmail Kaya"}.get(i, name)


def _company_link(c: WorkbookBuild, i: int, ident: str) -> tuple[str | None, str | None]:
    """(company cell, expected company id): exact, suffix spelled short, a suffix twin, or ambiguous."""
    names = c.company_names
    cindex = i % (len(names) + 3)
    if cindex < len(names) - 2:
        cell = names[cindex]
        if i % 4 == 1:
            cell = cell.replace(" Ltd. Şti.", " LTD ŞTİ").replace(" A.Ş.", " AŞ")
        return cell, c.company_ids[names[cindex]]
    if cindex == len(names) - 2 and i % 2 == 0:
        return "Deniz Emlak Ltd. Şti.", c.company_ids["Deniz Emlak Ltd. Şti."]
    if cindex == len(names) - 1:
        c.dataset.expect_problem("contact", ident, "company")
        return "Deniz Emlak", None  # suffix missing: two companies fit, must be reported
    return None, None


def _person(c: WorkbookBuild, i: int, used: set[str]) -> dict[str, Any]:
    ident = str(_FIRST_ID + len(c.company_names) + i)
    name = _person_name(i, used)
    written_name = "İSMAİL KAYA" if name == "İsmail Kaya" else (f"  {name} " if i % 13 == 4 else name)
    used.add(name)
    c.person_names.append(name)
    mobile = f"5{c.rng.randrange(30, 56)}{c.rng.randrange(1000000, 9999999)}"
    email = f"{slug(name).replace('_', '.')}{i}@example.com"
    owner_text, owner_id = c.owner_cell(i + 3)
    company_cell, company_ref = _company_link(c, i, ident)
    created = c.base + dt.timedelta(days=20 + i, hours=i % 9, minutes=(i * 7) % 60)
    modified = created + dt.timedelta(days=3, minutes=15)
    note = f"Hasta ilk görüşmede {TREATMENTS[i % 4]} ile ilgilendi.\r\nTekrar aranacak." if i % 6 == 0 else None
    treatment = TREATMENTS[i % 4] if i % 3 == 0 else None
    referral = ["Instagram", "Eski hasta", "Acente"][i % 3] if i % 3 == 0 else None
    c.records["contact"][ident] = {
        "name": written_name.strip(), "is_company": False, "company": company_ref, "email": email,
        "mobile": "+90" + mobile, "owner": owner_id, "created_at": utc(created), "modified_at": utc(modified),
        "notes": note.replace("\r\n", "\n") if note else None, "x_tedavi_paketi": treatment,
        "x_referans_kaynagi": referral, "customer": i % 2 == 0}
    words = c.words
    return {"contact_id": int(ident) if i % 3 else ident, "party_type": words["person"],
            "name": written_name, "company": company_cell, "email": email,
            "mobile": phone_text(mobile, i), "owner": owner_text,
            "created_at": created if i % 2 == 0 else created.strftime("%d.%m.%Y %H:%M"),
            "modified_at": modified.strftime("%d.%m.%Y %H:%M"), "notes": note,
            "customer": words["yes"] if i % 2 == 0 else words["no"],
            "x:Tedavi Paketi": treatment, "x:Referans Kaynağı": referral,
            "x:Eski Sistem Kodu": f"LEG-{100 + i}"}


def people(c: WorkbookBuild, companies_count: int, persons: int) -> None:
    """The Kişiler sheet (companies, then persons) with its title row, then the Kullanıcılar sheet."""
    user_rows = users(c)
    c.records["company"], c.records["contact"] = {}, {}
    rows = companies(c, companies_count)
    used: set[str] = set()
    rows += [_person(c, i, used) for i in range(persons)]
    c.writer.sheet(hd.CONTACTS, COLUMNS["contacts"], rows, title=title("contacts", c.language))
    c.writer.sheet(hd.USERS, COLUMNS["users"], user_rows)


def _lead(c: WorkbookBuild, i: int) -> dict[str, Any]:
    ident = f"L-{i + 1:04d}"
    platform, channel, source = _PLATFORMS[i % len(_PLATFORMS)]
    name = f"{FIRST_NAMES[(i + 3) % len(FIRST_NAMES)]} {LAST_NAMES[i % len(LAST_NAMES)]}"
    ext = str(c.rng.randrange(10**17, 10**18)) if platform in ("facebook", "instagram") else None
    received = c.base + dt.timedelta(days=i, hours=8 + i % 10)
    mobile = f"5{c.rng.randrange(30, 56)}{c.rng.randrange(1000000, 9999999)}"
    score = (i * 17) % 100
    owner_text, owner_id = c.owner_cell(i)
    campaign = _CAMPAIGNS[i % 4]
    lead_type = LEAD_TYPES[i % 3] if i % 4 == 2 else None
    c.records["lead"][ident] = {"name": name, "mobile": "+90" + mobile, "ad_platform": platform,
                                "external_lead_id": ext, "source": source, "campaign": campaign,
                                "source_channel": channel, "lead_score": score, "received_at": utc(received),
                                "owner": owner_id, "x_tedavi_paketi": TREATMENTS[i % 4] if i % 4 == 0 else None,
                                "x_lead_tipi": lead_type, "form_name": f"{campaign} Form"}
    return {"lead_id": ident, "name": name, "mobile": phone_text(mobile, i + 1),
            "ad_platform": platform, "external_lead_id": ext, "source": source, "campaign": campaign,
            "lead_score": score if i % 2 else str(score), "form_name": f"{campaign} Form",
            "received_at": received if i % 3 else received.strftime("%d.%m.%Y %H:%M"),
            "owner": owner_text, "x:Tedavi Paketi": TREATMENTS[i % 4] if i % 4 == 0 else None,
            "x:Lead Tipi": lead_type}


def leads(c: WorkbookBuild, count: int) -> None:
    c.records["lead"] = {}
    rows = [_lead(c, i) for i in range(count)]
    c.writer.sheet(hd.LEADS, COLUMNS["leads"], rows, title=title("leads", c.language))
