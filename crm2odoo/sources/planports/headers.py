"""Which sheet holds which Planports object, and which column holds which field, from Turkish or English headers.

The export format is not documented (see docs: shared reference §5-6), so every sheet is recognised by its
headers, never by its name. Each :class:`SheetSpec` lists its fields with Turkish and English header aliases;
the first alias of each language is what the workbook generator writes. Canonical field keys are the same for
the workbook and the API connector so one default map serves both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from crm2odoo.sources.base import FieldType
from crm2odoo.textnorm import slug


@dataclass(frozen=True)
class FieldSpec:
    key: str
    type: FieldType
    tr: tuple[str, ...]
    en: tuple[str, ...]
    ref: str | None = None  # object a ref/refs field points to
    description: str = ""

    def header(self, language: str) -> str:
        return (self.tr if language == "tr" else self.en)[0]


@dataclass(frozen=True)
class SheetSpec:
    """One kind of sheet. ``required``: groups of field keys; each group needs at least one present column."""

    kind: str
    label_tr: str
    label_en: str
    fields: tuple[FieldSpec, ...]
    required: tuple[tuple[str, ...], ...]

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)


def header_key(text: str) -> str:
    """Comparable form of a header: folded, '(%)' / '(TL)' dropped, punctuation gone: 'Olasılık (%)' -> 'olasilik'."""
    return slug(re.sub(r"\([^)]*\)", " ", text))


def _f(key: str, type_: FieldType, tr: str | tuple[str, ...], en: str | tuple[str, ...], ref: str | None = None,
       description: str = "") -> FieldSpec:
    return FieldSpec(key, type_, (tr,) if isinstance(tr, str) else tr, (en,) if isinstance(en, str) else en, ref,
                     description)


_OWNER = _f("owner", "ref", ("Sorumlu", "Temsilci", "Satış Temsilcisi", "Atanan"), ("Owner", "Assigned To", "Sales Rep"),
            "user", "user id: e-mail where the export gives one, else the name")
_SOURCE = _f("source", "text", "Kaynak", ("Source", "Lead Source"))
_CAMPAIGN = _f("campaign", "text", "Kampanya", ("Campaign", "Campaign Name"))
_TAGS = _f("tags", "multiselect", ("Etiketler", "Gruplar", "Etiket"), ("Tags", "Groups"))
_CREATED = _f("created_at", "datetime", ("Oluşturulma Tarihi", "Kayıt Tarihi", "Oluşturulma"), ("Created On", "Created"))
_MODIFIED = _f("modified_at", "datetime", ("Güncellenme Tarihi", "Son Güncelleme"), ("Modified On", "Last Modified"))
_NAME = _f("name", "text", ("Ad Soyad", "Adı Soyadı", "Ad Soyad / Unvan", "İsim", "Kişi Adı"),
           ("Name", "Full Name", "Name Surname", "NameSurname"))
_EMAIL = _f("email", "email", ("E-posta", "Kişisel E-posta", "E-posta Adresi", "Eposta"),
            ("Email", "E-mail", "Personal Email", "Email Address"))
_MOBILE = _f("mobile", "phone", ("Cep Telefonu", "Cep", "GSM", "Cep Tel"), ("Mobile", "Mobile Phone", "Cell Phone"))
_PHONE = _f("phone", "phone", ("Telefon", "İş Telefonu", "Sabit Telefon"), ("Phone", "Work Phone", "Telephone"))
# a person-or-company column: resolved against both halves of Kişiler (see workbook._resolve_party)
_PARTY = _f("contact", "ref", ("Kişi", "Müşteri", "İlgili Kişi", "Kişi / Firma", "Cari"),
            ("Contact", "Customer", "Related Contact"), "contact")
_PARTY_ID = _f("contact_no", "id", ("Kişi No", "Müşteri No", "Cari No"), ("Contact ID", "Customer ID"))
_COMPANY_REF = _f("company", "ref", ("Firma", "Bağlı Firma", "Şirket"), ("Company", "Organization", "Account"), "company")
_DEAL_REF = _f("deal", "ref", ("Fırsat", "İlgili Fırsat", "Fırsat No"), ("Opportunity", "Related Opportunity", "Deal"),
               "deal")
_CURRENCY = _f("currency", "text", ("Para Birimi", "Döviz", "Döviz Cinsi"), ("Currency", "Currency Code"),
               description="ISO 4217 code (TL/₺ -> TRY, € -> EUR, $ -> USD, £ -> GBP)")
_DESCRIPTION = _f("description", "longtext", ("Açıklama", "Notlar", "Not"), ("Description", "Notes", "Note"))
_RELATED_TYPE = _f("related_type", "select", ("İlgili Kayıt Türü", "Kayıt Türü"), ("Related Type", "Record Type"))
_RELATED = _f("related_record", "text", ("İlgili Kayıt",), ("Related Record", "Related To"),
              description="raw text; resolved into contact / company / deal")
_RELATED_ID = _f("related_id", "id", ("İlgili Kayıt No", "Bağlı Kayıt No"),
                 ("Related Record ID", "Related Record No", "Related ID"),
                 description="the number of the record it belongs to; links before the name does")

CONTACTS = SheetSpec("contacts", "Kişiler", "Contacts", (
    _f("contact_id", "id", ("No", "Kişi No", "Kayıt No", "ID"), ("ID", "No", "Contact ID", "Record No")),
    _f("party_type", "select", ("Tür", "Kişi Tipi", "Kişi/Firma"), ("Type", "Contact Type")),
    _f("is_organization", "boolean", ("Firma mı", "Tüzel Kişi"), ("Is Organization", "IsOrganization")),
    _NAME,
    _f("first_name", "text", ("Ad", "Adı"), ("First Name", "Firstname")),
    _f("last_name", "text", ("Soyad", "Soyadı"), ("Last Name", "Lastname", "Surname")),
    _COMPANY_REF,
    _f("company_no", "id", ("Firma No", "Bağlı Firma No"), ("Company ID",)),
    _f("job_title", "text", ("Görev", "Pozisyon", "Ünvanı"), ("Job Title", "Title", "Position")),
    _EMAIL,
    _f("email2", "email", ("İş E-postası", "İkinci E-posta"), ("Work Email", "Email 2", "Secondary Email")),
    _MOBILE, _PHONE,
    _f("whatsapp", "phone", ("WhatsApp", "WhatsApp No"), ("WhatsApp", "WhatsApp Number")),
    _f("street", "text", ("Adres", "Açık Adres"), ("Address", "Street")),
    _f("city", "text", ("İl", "Şehir"), ("City", "Province")),
    _f("district", "text", ("İlçe",), ("District",)),
    _f("zip", "id", ("Posta Kodu",), ("Zip", "Postal Code", "Zip Code")),
    _f("country", "text", ("Ülke",), ("Country",)),
    _f("tax_office", "text", ("Vergi Dairesi",), ("Tax Office",)),
    _f("vat", "id", ("Vergi No", "Vergi Numarası", "VKN"), ("Tax No", "Tax Number", "VAT")),
    _f("national_id", "id", ("TC Kimlik No", "TCKN"), ("National ID",)),
    _f("website", "url", ("Web Sitesi", "Web"), ("Website", "Web Site")),
    _f("customer", "boolean", ("Müşteri",), ("Customer",)),
    _f("supplier", "boolean", ("Tedarikçi",), ("Supplier",)),
    _f("prospect", "boolean", ("Aday", "Aday Müşteri"), ("Prospect", "Lead")),
    _f("card_states", "multiselect", ("Kart Durumu",), ("Card State", "Card States", "CardStates")),
    _SOURCE, _CAMPAIGN, _TAGS, _OWNER,
    _f("language", "text", ("Dil",), ("Language",)),
    _f("consent", "boolean", ("KVKK Onayı", "İzinler"), ("Consent", "GDPR Consent")),
    _f("notes", "longtext", ("Hatırlatma Notu", "Not", "Açıklama"), ("Reminder Note", "Note", "Notes", "ReminderNote")),
    _CREATED, _MODIFIED,
), required=(("name", "first_name"), ("party_type", "is_organization", "contact_id")))

LEADS = SheetSpec("leads", "Potansiyel Müşteriler", "Leads", (
    _f("lead_id", "id", ("No", "Kayıt No", "Lead No"), ("ID", "No", "Record No")),
    _NAME, _EMAIL, _MOBILE, _PHONE,
    _f("company_name", "text", ("Firma", "Firma Adı", "Şirket"), ("Company", "Company Name")),
    _f("ad_platform", "select", ("Platform", "Reklam Platformu"), ("Platform", "Ad Platform")),
    _f("form_name", "text", ("Form Adı", "Form"), ("Form Name", "Form")),
    _f("ad_name", "text", ("Reklam", "Reklam Adı"), ("Ad Name",)),
    _f("adset_name", "text", ("Reklam Seti",), ("Ad Set", "Ad Set Name")),
    _f("external_lead_id", "id", ("Lead ID", "Form Yanıt ID", "Meta Lead ID"), ("Lead ID", "Form Response ID")),
    _f("utm_source", "text", ("UTM Kaynak",), ("UTM Source",)),
    _f("utm_medium", "text", ("UTM Ortam",), ("UTM Medium",)),
    _f("utm_campaign", "text", ("UTM Kampanya",), ("UTM Campaign",)),
    _f("gclid", "id", ("gclid",), ("gclid", "GCLID")),
    _f("ttclid", "id", ("ttclid",), ("ttclid", "TTCLID")),
    _SOURCE, _CAMPAIGN,
    _f("lead_score", "integer", ("Lead Skoru", "Puan", "Skor"), ("Lead Score", "Score")),
    _f("lead_status", "select", ("Durum",), ("Status",)),
    _f("received_at", "datetime", ("Geliş Tarihi", "Oluşturulma Tarihi"), ("Received On", "Created On")),
    _OWNER,
    _f("notes", "longtext", ("Not", "Açıklama"), ("Note", "Notes")),
), required=(("name", "email", "mobile"), ("ad_platform", "form_name", "external_lead_id", "lead_score", "received_at")))

DEALS = SheetSpec("deals", "Satış Fırsatları", "Opportunities", (
    _f("deal_id", "id", ("Fırsat No", "No", "ID"), ("Opportunity No", "Deal ID", "ID", "No")),
    _f("name", "text", ("Fırsat Adı", "Konu", "Başlık"), ("Opportunity Name", "Deal Name", "Name", "Subject")),
    _PARTY, _PARTY_ID,
    _f("company", "ref", ("Firma",), ("Company",), "company"),
    _f("pipeline", "ref", ("Süreç", "Satış Süreci", "Pano"), ("Pipeline", "Process"), "pipeline"),
    _f("stage", "ref", ("Aşama",), ("Stage",), "stage"),
    _f("status", "select", ("Durum",), ("Status",)),
    _f("probability", "percent", ("Olasılık", "Olasılık (%)"), ("Probability", "Probability (%)")),
    _f("amount", "money", ("Tutar", "Tahmini Tutar", "Beklenen Gelir"), ("Amount", "Expected Revenue", "Value")),
    _CURRENCY,
    _f("expected_close", "date", ("Tahmini Kapanış Tarihi", "Tahmini Kapanış"), ("Expected Close Date",)),
    _f("closed_on", "date", ("Kapanış Tarihi",), ("Closed On", "Close Date")),
    _f("lost_reason", "ref", ("Kayıp Nedeni", "Kaybedilme Nedeni"), ("Lost Reason",), "lost_reason"),
    _SOURCE, _CAMPAIGN, _OWNER,
    _f("priority", "select", ("Öncelik",), ("Priority",)),
    _TAGS, _DESCRIPTION, _CREATED, _MODIFIED,
), required=(("deal_id", "name"), ("stage", "probability", "status")))

STAGES = SheetSpec("stages", "Aşamalar", "Stages", (
    _f("pipeline", "ref", ("Süreç", "Satış Süreci"), ("Pipeline", "Process"), "pipeline"),
    _f("name", "text", ("Aşama Adı", "Aşama"), ("Stage Name", "Stage")),
    _f("sequence", "integer", ("Sıra",), ("Order", "Sequence")),
    _f("probability", "percent", ("Olasılık",), ("Probability",)),
    _f("stage_type", "select", ("Tip", "Aşama Tipi"), ("Stage Type", "Type")),
), required=(("name",), ("sequence", "stage_type")))

LOST_REASONS = SheetSpec("lost_reasons", "Kayıp Nedenleri", "Lost Reasons", (
    _f("name", "text", ("Kayıp Nedeni", "Kaybedilme Nedeni", "Neden"), ("Lost Reason", "Reason")),
), required=(("name",),))

USERS = SheetSpec("users", "Kullanıcılar", "Users", (
    _f("name", "text", ("Ad Soyad", "Kullanıcı"), ("Full Name", "Name", "User")),
    _f("email", "email", ("E-posta",), ("Email", "E-mail")),
    _f("roles", "multiselect", ("Rol", "Roller"), ("Role", "Roles")),
    _f("active", "boolean", ("Aktif", "Durum"), ("Active", "Status")),
    _f("phone", "phone", ("Telefon",), ("Phone",)),
    _f("last_login", "datetime", ("Son Giriş",), ("Last Login",)),
), required=(("name", "email"), ("roles", "last_login", "active")))

PRODUCTS = SheetSpec("products", "Ürünler ve Hizmetler", "Products & Services", (
    _f("code", "id", ("Ürün Kodu", "Kod", "Stok Kodu"), ("Product Code", "Code", "SKU")),
    _f("name", "text", ("Ürün Adı", "Ürün/Hizmet Adı", "Ad"), ("Product Name", "Name")),
    _f("kind", "select", ("Tür", "Ürün/Hizmet"), ("Type",)),
    _f("category", "text", ("Kategori",), ("Category",)),
    _f("uom", "text", ("Birim",), ("Unit",)),
    _f("list_price", "money", ("Satış Fiyatı", "Fiyat"), ("Sale Price", "Price")),
    _f("cost_price", "money", ("Alış Fiyatı",), ("Purchase Price", "Cost")),
    _CURRENCY,
    _f("tax_rate", "percent", ("KDV", "KDV (%)", "KDV Oranı"), ("VAT", "VAT %", "VAT Rate")),
    _f("stock_tracked", "boolean", ("Stok Takibi",), ("Stock Tracked",)),
    _f("qty_on_hand", "float", ("Stok", "Toplam Stok"), ("Stock", "On Hand")),
    _f("barcode", "id", ("Barkod",), ("Barcode",)),
), required=(("code", "name"), ("list_price", "stock_tracked", "barcode", "cost_price")))

_LINE_FIELDS = (
    _f("sequence", "integer", ("Sıra", "Satır No"), ("Line No", "Line")),
    _f("product", "ref", ("Ürün Kodu", "Ürün/Hizmet Kodu", "Stok Kodu"), ("Product Code", "SKU"), "product"),
    _f("product_name", "text", ("Ürün/Hizmet Adı", "Ürün Adı", "Ürün/Hizmet"), ("Product / Service", "Product Name", "Product")),
    _f("line_description", "text", ("Satır Açıklaması",), ("Line Description",)),
    _f("quantity", "float", ("Miktar", "Adet"), ("Quantity", "Qty")),
    _f("uom", "text", ("Birim",), ("Unit",)),
    _f("price_unit", "money", ("Birim Fiyat", "Birim Fiyatı"), ("Unit Price",)),
    _f("discount", "percent", ("İskonto", "İskonto (%)", "İndirim"), ("Discount", "Discount %")),
    _f("tax_rate", "percent", ("KDV", "KDV (%)", "KDV Oranı"), ("VAT", "VAT %", "VAT Rate")),
    _f("price_include", "boolean", ("KDV Dahil mi?", "KDV Dahil"), ("Tax Included",)),
    _f("subtotal", "money", ("Satır Toplamı", "Satır Tutarı"), ("Line Total",)),
)

_DOC_FIELDS = (
    _PARTY, _PARTY_ID, _DEAL_REF,
    _f("status", "select", ("Durum",), ("Status",)),
    _CURRENCY,
    _f("fx_rate", "float", ("Döviz Kuru", "Kur"), ("Exchange Rate",)),
    _f("amount_untaxed", "money", ("Ara Toplam", "Ara Toplam (KDV Hariç)"), ("Subtotal",)),
    _f("discount_total", "money", ("İskonto Tutarı",), ("Discount Amount",)),
    _f("amount_tax", "money", ("KDV Tutarı",), ("VAT Amount", "Tax")),
    _f("amount_total", "money", ("Genel Toplam", "Genel Toplam (KDV Dahil)", "Toplam"), ("Total", "Grand Total")),
    _OWNER,
    _f("payment_terms", "text", ("Ödeme Koşulları", "Vade"), ("Payment Terms",)),
    _f("note", "longtext", ("Açıklama", "Notlar", "Şartlar"), ("Notes", "Terms", "Description")),
)

QUOTES = SheetSpec("quotes", "Teklifler", "Quotes", (
    _f("quote_no", "id", ("Teklif No",), ("Quote No", "Quote Number")),
    _f("date", "date", ("Teklif Tarihi",), ("Quote Date",)),
    _f("valid_until", "date", ("Geçerlilik Tarihi", "Son Geçerlilik"), ("Valid Until",)),
    *_DOC_FIELDS,
), required=(("quote_no",), ("date", "valid_until", "amount_total", "contact")))

QUOTE_LINES = SheetSpec("quote_lines", "Teklif Kalemleri", "Quote Lines", (
    _f("quote", "ref", ("Teklif No",), ("Quote No", "Quote Number"), "quote"),
    *_LINE_FIELDS,
), required=(("quote",), ("quantity", "price_unit")))

ORDERS = SheetSpec("orders", "Siparişler", "Orders", (
    _f("order_no", "id", ("Sipariş No",), ("Order No", "Order Number")),
    _f("date", "date", ("Sipariş Tarihi",), ("Order Date",)),
    _f("delivery_date", "date", ("Teslim Tarihi",), ("Delivery Date",)),
    _f("quote", "ref", ("Kaynak Teklif No", "Teklif No"), ("Source Quote No", "Quote No"), "quote"),
    _f("invoice_no", "id", ("Fatura No",), ("Invoice No",)),
    _f("warehouse", "text", ("Depo",), ("Warehouse",)),
    *_DOC_FIELDS,
), required=(("order_no",), ("date", "delivery_date", "amount_total", "contact")))

ORDER_LINES = SheetSpec("order_lines", "Sipariş Kalemleri", "Order Lines", (
    _f("order", "ref", ("Sipariş No",), ("Order No", "Order Number"), "order"),
    *_LINE_FIELDS,
), required=(("order",), ("quantity", "price_unit")))

ACTIVITIES = SheetSpec("activities", "Etkinlikler", "Activities", (
    _f("activity_id", "id", ("No", "Etkinlik No"), ("ID", "No", "Activity ID")),
    _f("activity_type", "select", ("Tür", "Etkinlik Türü"), ("Type", "Activity Type")),
    _f("subject", "text", ("Konu", "Başlık"), ("Subject", "Title")),
    _f("start", "datetime", ("Başlangıç", "Başlangıç Tarihi"), ("Start", "Start Date")),
    _f("end", "datetime", ("Bitiş", "Bitiş Tarihi"), ("End", "End Date")),
    _f("duration_minutes", "integer", ("Süre (dk)", "Süre"), ("Duration (min)", "Duration")),
    _f("due_date", "date", ("Son Tarih", "Termin"), ("Due Date",)),
    _f("status", "select", ("Durum",), ("Status",)),
    _f("disposition", "select", ("Sonuç", "Arama Sonucu"), ("Outcome", "Disposition")),
    _PARTY, _PARTY_ID, _DEAL_REF, _OWNER,
    _f("attendees", "multiselect", ("Katılımcılar",), ("Attendees",)),
    _f("location", "text", ("Yer", "Konum"), ("Location",)),
    _DESCRIPTION,
), required=(("activity_type",), ("subject",), ("start", "due_date", "status")))

NOTES = SheetSpec("notes", "Notlar", "Notes", (
    _f("note_id", "id", ("Not No", "No"), ("Note ID", "ID")),
    _RELATED_TYPE, _RELATED, _RELATED_ID,
    _f("body", "longtext", ("Not", "Not İçeriği"), ("Note", "Body")),
    _f("author", "ref", ("Yazan", "Ekleyen"), ("Author", "Created By"), "user"),
    _f("date", "datetime", ("Tarih",), ("Date",)),
), required=(("body",), ("related_record", "related_type")))

CARDS = SheetSpec("cards", "Süreçler", "Process Boards", (
    _f("board", "ref", ("Pano", "Süreç Adı"), ("Board", "Process"), "board"),
    _f("column", "ref", ("Sütun", "Aşama"), ("Column", "Stage"), "board_column"),
    _f("card_id", "id", ("Kart No",), ("Card ID", "Card No")),
    _f("title", "text", ("Kart Başlığı", "Başlık"), ("Card Title", "Title")),
    _f("sequence", "integer", ("Sıra",), ("Order", "Sequence")),
    _PARTY, _DEAL_REF, _OWNER,
    _f("due_date", "date", ("Son Tarih",), ("Due Date",)),
    _TAGS, _DESCRIPTION,
), required=(("board",), ("column",), ("title", "card_id")))

ATTACHMENTS = SheetSpec("attachments", "Dosyalar", "Files", (
    _f("attachment_id", "id", ("Dosya No", "No"), ("File ID", "ID")),
    _f("file_name", "text", ("Dosya Adı",), ("File Name", "Filename")),
    _f("path", "text", ("Dosya Yolu", "URL", "Bağlantı"), ("Path", "URL", "Link")),
    _RELATED_TYPE, _RELATED, _RELATED_ID,
    _f("size", "integer", ("Boyut", "Boyut (bayt)"), ("Size", "Size (bytes)")),
    _f("uploaded_by", "ref", ("Yükleyen",), ("Uploaded By",), "user"),
    _f("date", "datetime", ("Tarih", "Yükleme Tarihi"), ("Date", "Uploaded On")),
), required=(("file_name",),))

CUSTOM_FIELDS = SheetSpec("custom_fields", "Özel Alanlar", "Custom Fields", (
    _f("field_label", "text", ("Alan Adı", "Alan"), ("Field Name", "Field")),
    _f("object", "text", ("Modül", "Nesne", "Kayıt Türü"), ("Module", "Object")),
    _f("field_type", "text", ("Alan Tipi", "Tip"), ("Field Type", "Type")),
    _f("options", "text", ("Seçenekler",), ("Options",)),
), required=(("field_label",), ("field_type",)))

WHATSAPP = SheetSpec("whatsapp", "WhatsApp Mesajları", "WhatsApp Messages", (
    _f("contact", "text", ("Kişi",), ("Contact",)),
    _f("wa_phone", "phone", ("Telefon", "WhatsApp No"), ("Phone", "WhatsApp Number")),
    _f("direction", "select", ("Yön",), ("Direction",)),
    _f("message", "longtext", ("Mesaj",), ("Message",)),
    _f("date", "datetime", ("Tarih",), ("Date",)),
), required=(("message",), ("direction", "wa_phone")))

WORKFLOWS = SheetSpec("workflows", "Otomasyonlar", "Automations", (
    _f("rule_name", "text", ("Kural Adı", "Otomasyon Adı"), ("Rule Name", "Automation")),
    _f("trigger", "text", ("Tetikleyici",), ("Trigger",)),
    _f("condition", "text", ("Koşul",), ("Condition",)),
    _f("action", "text", ("Aksiyon", "Eylem"), ("Action",)),
    _f("active", "boolean", ("Aktif",), ("Active",)),
    _f("board", "text", ("Pano", "Süreç"), ("Board", "Process")),
), required=(("rule_name",), ("trigger", "action")))

SHEET_SPECS: tuple[SheetSpec, ...] = (
    CONTACTS, LEADS, DEALS, STAGES, LOST_REASONS, USERS, PRODUCTS, QUOTES, QUOTE_LINES, ORDERS, ORDER_LINES,
    ACTIVITIES, NOTES, CARDS, ATTACHMENTS, CUSTOM_FIELDS, WHATSAPP, WORKFLOWS,
)

_ALL_ALIASES: frozenset[str] = frozenset(
    header_key(a) for spec in SHEET_SPECS for f in spec.fields for a in (*f.tr, *f.en)
)


def is_known_header(text: str) -> bool:
    return header_key(text) in _ALL_ALIASES


def find_header_row(rows: Sequence[Sequence[object]]) -> int | None:
    """Index of the header row among the first rows: the first row with 2+ known headers making >= 50 % of it."""
    for index, row in enumerate(rows):
        texts = [str(c) for c in row if c is not None and str(c).strip()]
        known = sum(1 for t in texts if is_known_header(t))
        if known >= 2 and known * 2 >= len(texts):
            return index
    return None


@dataclass(frozen=True)
class SheetMatch:
    spec: SheetSpec
    columns: dict[int, FieldSpec]  # column index -> field
    unknown: dict[int, str]  # column index -> header text
    score: int


def match_columns(spec: SheetSpec, headers: Sequence[str | None]) -> SheetMatch:
    """Assign headers to fields; an alias listed earlier in the spec wins a header both could take."""
    columns: dict[int, FieldSpec] = {}
    unknown: dict[int, str] = {}
    taken: set[str] = set()
    keys = [header_key(h) if h else "" for h in headers]
    # exact alias match in field order, earlier aliases first, so 'Firma' on Kişiler goes to company, not name
    for rank in range(8):
        for f in spec.fields:
            if f.key in taken:
                continue
            aliases = (*f.tr, *f.en)
            if rank >= len(aliases):
                continue
            wanted = header_key(aliases[rank])
            for i, k in enumerate(keys):
                if k and k == wanted and i not in columns:
                    columns[i] = f
                    taken.add(f.key)
                    break
    for i, h in enumerate(headers):
        if h and str(h).strip() and i not in columns:
            unknown[i] = str(h).strip()
    return SheetMatch(spec, columns, unknown, len(columns))


def recognise(headers: Sequence[str | None]) -> SheetMatch | None:
    """The best sheet kind for these headers, or None when no kind has its required columns."""
    best: SheetMatch | None = None
    for spec in SHEET_SPECS:
        m = match_columns(spec, headers)
        present = {f.key for f in m.columns.values()}
        if not all(present & set(group) for group in spec.required):
            continue
        if best is None or m.score > best.score:
            best = m
    return best
