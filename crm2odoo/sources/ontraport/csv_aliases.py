"""Other headers seen for the columns of Ontraport UI exports: renamed in a spreadsheet, in Turkish or German.

Folded spellings (see :func:`crm2odoo.textnorm.fold`), per object, to the field key. An alias shared by several
objects ('name', 'phone') reads the column once the file's object is known, but never decides which object a
file holds.
"""

from __future__ import annotations

from crm2odoo.sources.ontraport.objects import CSV_ALT_LABELS, CSV_FIELDS
from crm2odoo.textnorm import fold

_OWNER = {word: "owner" for word in (
    "owner", "contact owner", "record owner", "account owner", "owner name", "assigned to", "assigned user",
    "sales rep", "salesperson", "inhaber", "besitzer", "eigentumer", "zustandig", "verantwortlich",
    "verantwortlicher", "betreuer", "zugewiesen an", "sorumlu", "temsilci", "sahibi", "sahip", "kayit sahibi",
    "musteri temsilcisi", "satis temsilcisi", "atanan")}
_STAMPS = {"erstellt am": "date", "erstellt": "date", "olusturma tarihi": "date", "eklenme tarihi": "date",
           "geandert am": "dlm", "guncellenme tarihi": "dlm", "son degisiklik": "dlm", "date modified": "dlm"}

MORE_ALIASES: dict[str, dict[str, str]] = {
    "contact": {
        "vorname": "firstname", "ad": "firstname", "adi": "firstname", "isim": "firstname", "first": "firstname",
        "nachname": "lastname", "soyad": "lastname", "soyadi": "lastname", "familienname": "lastname",
        "last": "lastname", "email address": "email", "e-mail-adresse": "email", "e-posta": "email",
        "eposta": "email", "mail": "email", "e-mail": "email", "telefon": "office_phone",
        "is telefonu": "office_phone", "work phone": "office_phone", "cep telefonu": "sms_number",
        "handy": "sms_number", "mobiltelefon": "sms_number", "cell phone": "sms_number", "gsm": "sms_number",
        "firma": "company", "sirket": "company", "unternehmen": "company", "company name": "company",
        "stadt": "city", "ort": "city", "sehir": "city", "il": "city", "land": "country", "ulke": "country",
        "plz": "zip", "postleitzahl": "zip", "posta kodu": "zip", "adresse": "address", "strasse": "address",
        "adres": "address", "unvan": "title", "titel": "title", "position": "title", "job title": "title",
        "etiketler": "contact_cat", "etiket": "contact_cat", "schlagworter": "contact_cat", "tags": "contact_cat",
        "geburtstag": "birthday", "dogum tarihi": "birthday", "webseite": "website", "web sitesi": "website",
        **_OWNER, **_STAMPS,
    },
    "company": {"firmenname": "name", "sirket adi": "name", "firma adi": "name", "branche": "industry",
                "sektor": "industry", "beschreibung": "description", "aciklama": "description",
                "mitarbeiter": "employee_count", "calisan sayisi": "employee_count", "umsatz": "annual_revenue",
                "ciro": "annual_revenue", "telefon": "phone", "stadt": "city", "sehir": "city", "land": "country",
                "ulke": "country", "plz": "zipcode", "posta kodu": "zipcode", "adresse": "address",
                "adres": "address", **_OWNER, **_STAMPS},
    "deal": {"firsat adi": "name", "deal-name": "name", "opportunity name": "name", "wert": "value",
             "tutar": "value", "deger": "value", "amount": "value", "phase": "sales_stage", "asama": "sales_stage",
             "verkaufsphase": "sales_stage", "satis asamasi": "sales_stage", "kontakt": "primary_contact",
             "kisi": "primary_contact", "contact": "primary_contact", "firma": "company", "sirket": "company",
             "olasilik": "expected_win_percent", "wahrscheinlichkeit": "expected_win_percent",
             "probability": "expected_win_percent", "close date": "expected_close_date",
             "abschlussdatum": "expected_close_date", "kapanis tarihi": "expected_close_date", **_OWNER, **_STAMPS},
    "product": {"urun adi": "name", "produktname": "name", "fiyat": "price", "preis": "price", "stok kodu": "sku",
                "artikelnummer": "sku", **_STAMPS},
    "task": {"konu": "subject", "betreff": "subject", "title": "subject", "aciklama": "details",
             "beschreibung": "details", "faellig": "date_due", "fallig am": "date_due", "son tarih": "date_due",
             "bitis tarihi": "date_due", "durum": "status", "status": "status", **_OWNER, **_STAMPS},
    "invoice": {"toplam": "total", "gesamt": "total", "betrag": "total", "ara toplam": "subtotal",
                "zwischensumme": "subtotal", "vergi": "tax", "steuer": "tax", "kargo": "shipping",
                "versand": "shipping", "durum": "status", **_OWNER, **_STAMPS},
}


#: a custom object's export (or one this reader has no table for): its owner and its time stamps
_ANY_OBJECT = {"date created": "date", "created": "date", "last modified": "dlm", **_OWNER, **_STAMPS}


def aliases(obj: str) -> dict[str, str]:
    """Folded header -> field key for one object: the English alternatives, then the TR/DE ones."""
    out = {fold(k): v for k, v in CSV_ALT_LABELS.get(obj, {}).items()}
    for k, v in MORE_ALIASES.get(obj, _ANY_OBJECT if obj not in CSV_FIELDS else {}).items():
        out.setdefault(fold(k), v)
    return out


def deciding_aliases() -> dict[str, dict[str, str]]:
    """Per object, the aliases no other object shares: only these count when telling which object a file holds."""
    every = {obj: aliases(obj) for obj in MORE_ALIASES}
    counts: dict[str, int] = {}
    for table in every.values():
        for alias in table:
            counts[alias] = counts.get(alias, 0) + 1
    labels = {fold(label) for columns in CSV_FIELDS.values() for label, _type in columns.values()}
    return {obj: {a: k for a, k in table.items() if counts[a] == 1 and k != "id" and a not in labels}
            for obj, table in every.items()}


__all__ = ["MORE_ALIASES", "aliases", "deciding_aliases"]
