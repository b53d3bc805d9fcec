"""How a Planports export lays out its sheets: the columns of each (field keys, or ``x:<header>`` for custom
and unknown columns), the title rows some carry, and the words that change with the export's language."""

from __future__ import annotations

#: sheet -> its columns, in the order the export writes them (before the dirt shuffles them)
COLUMNS: dict[str, list[str]] = {
    "contacts": ["contact_id", "party_type", "name", "company", "email", "mobile", "phone", "vat", "customer", "owner",
                 "created_at", "modified_at", "notes", "x:Tedavi Paketi", "x:Referans Kaynağı", "x:Eski Sistem Kodu"],
    "users": ["name", "email", "roles", "active"],
    "leads": ["lead_id", "name", "mobile", "ad_platform", "form_name", "external_lead_id", "source", "campaign",
              "lead_score", "received_at", "owner", "x:Tedavi Paketi", "x:Lead Tipi"],
    "deals": ["deal_id", "name", "contact", "pipeline", "stage", "status", "probability", "amount", "currency",
              "expected_close", "lost_reason", "owner", "x:Tedavi Paketi", "x:Referans Kaynağı", "x:Portföy No",
              "x:Lead Tipi", "x:Kampanya Etiketi", "x:Reklam Bütçesi"],
    "custom_fields": ["field_label", "object", "field_type", "options"],
    "products": ["code", "name", "list_price", "currency", "stock_tracked", "qty_on_hand", "tax_rate", "barcode"],
    "quotes": ["quote_no", "date", "valid_until", "contact", "deal", "currency", "amount_total", "owner"],
    "quote_lines": ["quote", "sequence", "product", "product_name", "quantity", "price_unit", "subtotal"],
    "orders": ["order_no", "date", "contact", "quote", "amount_total", "sequence", "product", "product_name",
               "quantity", "price_unit"],
    "activities": ["activity_id", "activity_type", "subject", "start", "end", "status", "disposition", "contact",
                   "deal", "owner"],
    "notes": ["note_id", "related_type", "related_record", "body", "author", "date"],
    "cards": ["board", "column", "card_id", "title", "sequence", "contact", "owner", "due_date"],
    "attachments": ["attachment_id", "file_name", "path", "related_type", "related_record", "uploaded_by"],
    "whatsapp": ["contact", "wa_phone", "direction", "message", "date"],
    "workflows": ["rule_name", "trigger", "action", "active"],
    "large": ["contact_id", "party_type", "name", "email", "mobile", "created_at"],
}

#: sheet -> (Turkish title, English title) of the title row over its headers
TITLES: dict[str, tuple[str, str]] = {
    "contacts": ("Kişiler Listesi - 01.03.2024", "Contacts - 01/03/2024"),
    "leads": ("Potansiyel Müşteriler", "Leads"),
    "activities": ("Etkinlikler", "Etkinlikler"),
}


def title(sheet: str, language: str) -> str:
    tr, en = TITLES[sheet]
    return tr if language == "tr" else en


def words(language: str) -> dict[str, str]:
    """The export's spelling of party types, yes/no and deal status."""
    tr = language == "tr"
    return {
        "person": "Kişi" if tr else "Person", "company": "Firma" if tr else "Company",
        "yes": "Evet" if tr else "Yes", "no": "Hayır" if tr else "No",
        "open": "Açık" if tr else "Open", "won": "Kazanıldı" if tr else "Won", "lost": "Kaybedildi" if tr else "Lost",
    }


def pick(language: str, turkish: str, english: str) -> str:
    """The Turkish or English spelling of a label, by the export's language."""
    return turkish if language == "tr" else english
