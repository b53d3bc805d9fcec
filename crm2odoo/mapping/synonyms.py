"""Domain vocabulary for recognising CRM fields by their header, label or key, in Turkish, English and German.

Each *concept* is a meaning a CRM column can carry ("email", "mobile", "expected close date"), with the phrases
people actually write for it. Phrases are compared after :func:`crm2odoo.textnorm.fold` and a light stemming
(:func:`stem`), so 'E-Posta Adresi', 'e-posta adresi' and 'EPOSTA' meet, and Turkish possessive endings
('Adı', 'Telefonu', 'Tarihi') fall away. The vocabulary is the language of CRMs and of Turkish/German business
forms, not a list of any particular export's headers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crm2odoo.sources import registry
from crm2odoo.textnorm import fold

#: concept -> phrases. Order inside a list does not matter; a phrase may be one word or several.
CONCEPTS: dict[str, tuple[str, ...]] = {
    # -- identity -------------------------------------------------------------------------------------------------
    "record_id": ("id", "no", "nr", "number", "kayit no", "kayit numarasi", "record id", "record number",
                  "sira no", "numara", "kod", "code", "unique id", "uid", "kimlik", "datensatz id", "nummer"),
    "full_name": ("name", "full name", "ad soyad", "adi soyadi", "isim soyisim", "isim", "ad soyadi",
                  "contact name", "kisi adi", "musteri adi", "vollstandiger name", "name surname", "namesurname",
                  "fn", "display name", "hasta adi", "patient name"),
    "first_name": ("first name", "firstname", "given name", "forename", "ad", "adi", "isim", "vorname", "first"),
    "last_name": ("last name", "lastname", "surname", "family name", "soyad", "soyadi", "soyisim", "nachname",
                  "familienname", "last"),
    "company_name": ("company", "company name", "organization", "organisation", "organization name", "account",
                     "account name", "firma", "firma adi", "sirket", "sirket adi", "bagli firma", "kurum",
                     "kurum adi", "unternehmen", "firmenname", "ticari unvan", "business name", "employer"),
    "job_title": ("title", "job title", "job position", "position", "gorev", "pozisyon", "unvan",
                  "meslek", "departman", "position im unternehmen", "berufsbezeichnung", "funktion", "jobtitel"),
    "salutation": ("salutation", "hitap", "anrede", "prefix"),
    "contact_type": ("type", "kisi tipi", "tur", "kayit turu", "person or company", "contact type", "art",
                     "is organization", "isorganization", "kisi firma"),
    # -- channels -------------------------------------------------------------------------------------------------
    "email": ("email", "e mail", "e posta", "eposta", "mail", "email address", "e posta adresi", "mail adresi",
              "personal email", "work email", "kisisel e posta", "is e postasi", "e mail adresse", "emailadresse",
              "primary email", "elektronik posta"),
    "email2": ("email 2", "secondary email", "other email", "ikinci e posta", "diger e posta", "e mail 2",
               "alternative email"),
    "phone": ("phone", "telephone", "tel", "telefon", "telefon no", "telefon numarasi", "phone number",
              "office phone", "work phone", "business phone", "is telefonu", "sabit telefon", "ev telefonu",
              "home phone", "telefonnummer", "geschaftlich telefon", "buro telefonu", "landline", "main phone"),
    "mobile": ("mobile", "mobile phone", "cell", "cell phone", "cellphone", "cep", "cep telefonu", "cep tel",
               "gsm", "gsm no", "mobil", "mobiltelefon", "handy", "handynummer", "sms", "sms number",
               "mobile number", "cep no", "whatsapp", "whatsapp number", "whatsapp no"),
    "fax": ("fax", "faks", "telefax", "fax number", "faks no"),
    "website": ("website", "web site", "web", "url", "homepage", "web sitesi", "web adresi", "internet sitesi",
                "webseite", "internetseite", "site"),
    "social_url": ("facebook", "facebook link", "twitter", "twitter link", "instagram", "instagram link",
                   "linkedin", "linkedin link", "facebook page", "instagram name", "profile image"),
    # -- address --------------------------------------------------------------------------------------------------
    "street": ("address", "street", "street address", "address 1", "address line 1", "adres", "acik adres",
               "sokak", "cadde", "strasse", "anschrift", "adresse", "billing address", "fatura adresi"),
    "street2": ("address 2", "address line 2", "street 2", "adres 2", "adres satiri 2", "adresszusatz",
                "address2"),
    "city": ("city", "town", "sehir", "sehri", "ort", "stadt", "kent", "locality"),
    "district": ("district", "ilce", "semt", "county", "bezirk", "stadtteil", "mahalle"),
    "state": ("state", "province", "state province", "il", "eyalet", "bundesland", "region state"),
    "zip": ("zip", "zip code", "zipcode", "postal code", "postcode", "post code", "posta kodu", "plz",
            "postleitzahl"),
    "country": ("country", "ulke", "ulkesi", "land", "country code", "ulke kodu", "nation"),
    # -- company facts ----------------------------------------------------------------------------------------------
    "vat": ("vat", "vat no", "vat number", "tax id", "tax no", "tax number", "vergi no", "vergi numarasi",
            "vkn", "vergi kimlik no", "ust id", "ust idnr", "umsatzsteuer id", "steuernummer", "tin"),
    "tax_office": ("tax office", "vergi dairesi", "finanzamt"),
    "national_id": ("national id", "tc kimlik no", "tc no", "tckn", "tc kimlik", "kimlik no", "passport no",
                    "pasaport no", "ausweisnummer", "personalausweis", "identity number", "passport number"),
    "industry": ("industry", "sector", "sektor", "branche", "faaliyet alani"),
    "employees": ("employees", "employee count", "number of employees", "calisan sayisi", "personel sayisi",
                  "mitarbeiter", "mitarbeiterzahl", "anzahl mitarbeiter"),
    "annual_revenue": ("annual revenue", "yillik ciro", "ciro", "jahresumsatz", "umsatz", "revenue"),
    "birthday": ("birthday", "birth date", "date of birth", "dob", "dogum tarihi", "dogum gunu", "geburtstag",
                 "geburtsdatum"),
    "language": ("language", "lang", "dil", "sprache", "preferred language", "iletisim dili"),
    "timezone": ("timezone", "time zone", "saat dilimi", "zeitzone"),
    # -- classification ---------------------------------------------------------------------------------------------
    "tags": ("tags", "tag", "tag name", "etiket", "etiket adi", "etiketler", "labels", "label", "gruplar", "grup", "groups",
             "contact tags", "schlagworte", "schlagworter", "kategorien", "categories", "contact cat", "kategori"),
    "owner": ("owner", "assigned to", "assignee", "sorumlu", "temsilci", "satis temsilcisi", "sales rep",
              "salesperson", "sales person", "account manager", "musteri temsilcisi", "verantwortlich",
              "zustandig", "betreuer", "vertriebsmitarbeiter", "atanan", "record owner", "deal owner",
              "contact owner", "danisman", "yetkili", "user", "kullanici", "author", "yazan", "ekleyen", "bearbeiter"),
    "lead_source": ("source", "lead source", "kaynak", "musteri kaynagi", "lead kaynagi", "quelle", "lead quelle",
                    "utm source", "utm kaynak", "n lead source", "l lead source", "origin", "channel",
                    "how did you hear about us", "nereden duydunuz", "kanal", "referral source",
                    "referans kaynagi", "yonlendiren", "referans", "referrer"),
    "campaign": ("campaign", "kampanya", "kampagne", "utm campaign", "utm kampanya", "n campaign", "l campaign",
                 "kampanya adi", "campaign name"),
    "medium": ("medium", "utm medium", "utm ortam", "ortam", "n medium", "l medium", "medyum"),
    "notes": ("notes", "note", "not", "notlar", "hatirlatma notu", "reminder note", "remarks", "comments",
              "comment", "yorum", "aciklama", "description", "notiz", "notizen", "bemerkung", "bemerkungen",
              "beschreibung", "details", "detay", "data", "body", "icerik", "content", "text", "message",
              "mesaj", "sonuc", "outcome", "gorusme notu", "disposition"),
    "customer_flag": ("customer", "musteri", "is customer", "kunde"),
    "supplier_flag": ("supplier", "vendor", "tedarikci", "is supplier", "lieferant"),
    "card_state": ("card state", "card states", "kart durumu", "cardstates", "contact status", "kisi durumu",
                   "lifecycle stage", "lebenszyklus"),
    "consent": ("consent", "gdpr", "kvkk", "kvkk onayi", "izinler", "marketing consent", "opt in",
                "pazarlama izni", "einwilligung", "newsletter"),
    "priority": ("priority", "oncelik", "prioritat", "importance", "onem"),
    # -- dates of the record itself -------------------------------------------------------------------------------
    "created": ("created", "created on", "created at", "create date", "date added", "date created", "creation date",
                "olusturulma", "olusturulma tarihi", "kayit tarihi", "eklenme tarihi", "erstellt", "erstellt am",
                "angelegt am", "erstellungsdatum", "date", "tarih", "received on", "gelis tarihi form",
                "added on"),
    "modified": ("modified", "modified on", "last modified", "date last modified", "updated", "updated at",
                 "guncellenme", "guncellenme tarihi", "son guncelleme", "degistirilme tarihi", "geandert am",
                 "zuletzt geandert", "letzte anderung", "dlm", "write date"),
    "last_activity": ("last activity", "date of last activity", "last activity date", "son aktivite",
                      "son islem tarihi", "letzte aktivitat", "dla", "last contacted", "son iletisim"),
    "created_by": ("created by", "olusturan", "kaydi olusturan", "erstellt von", "angelegt von"),
    # -- deals --------------------------------------------------------------------------------------------------------
    "deal_name": ("deal name", "opportunity name", "opportunity", "firsat", "firsat adi", "satis firsati", "konu",
                  "baslik", "subject", "title", "name", "chance", "verkaufschance", "projekt", "deal title",
                  "opportunity title"),
    "pipeline": ("pipeline", "sales pipeline", "surec", "satis sureci", "pano", "process", "board",
                 "sales process", "vertriebspipeline", "sales team", "satis ekibi", "team", "takim"),
    "stage": ("stage", "asama", "sales stage", "deal stage", "phase", "phase im verkauf", "stufe", "asama adi",
              "stage name", "column", "sutun", "pipeline stage", "verkaufsphase"),
    "deal_status": ("status", "durum", "state", "deal status", "won lost", "kazanildi kaybedildi",
                    "firsat durumu", "ergebnis", "result", "outcome", "sonuc"),
    "probability": ("probability", "olasilik", "win probability", "expected win", "expected win percent",
                    "kazanma olasiligi", "wahrscheinlichkeit", "abschlusswahrscheinlichkeit", "chance percent"),
    "amount": ("amount", "value", "deal value", "expected revenue", "tutar", "tahmini tutar", "beklenen gelir",
               "betrag", "volumen", "wert", "auftragswert", "opportunity amount", "revenue amount",
               "firsat tutari", "toplam", "total", "genel toplam", "grand total", "gesamtbetrag"),
    "weighted_amount": ("weighted value", "weighted amount", "agirlikli tutar", "gewichteter wert",
                        "weighted deal value"),
    "currency": ("currency", "para birimi", "doviz", "doviz cinsi", "wahrung", "currency code", "kur cinsi"),
    "expected_close": ("expected close", "expected close date", "close date expected", "tahmini kapanis",
                       "tahmini kapanis tarihi", "beklenen kapanis", "planned close", "erwarteter abschluss",
                       "voraussichtlicher abschluss", "deadline", "target close date", "forecast close"),
    "close_date": ("close date", "closed on", "actual close date", "kapanis tarihi", "kapanis",
                   "kapanma tarihi", "abschlussdatum", "won on", "date closed", "closing date", "geschlossen am"),
    "lost_reason": ("lost reason", "kayip nedeni", "kaybedilme nedeni", "reason lost", "verlustgrund",
                    "loss reason", "close reason", "kaybetme sebebi"),
    "fx_rate": ("exchange rate", "doviz kuru", "kur", "wechselkurs", "fx rate"),
    # -- stages --------------------------------------------------------------------------------------------------------
    "sequence": ("sequence", "order", "sira", "line no", "sort order", "position index", "reihenfolge",
                 "satir no", "step num"),
    "stage_kind": ("stage type", "tip", "won stage", "is won", "kazanildi mi", "stage kind", "closed won",
                   "asama tipi"),
    "folded": ("fold", "folded", "katlanmis", "collapsed", "eingeklappt"),
    # -- tasks, activities, notes ---------------------------------------------------------------------------------
    "subject": ("subject", "konu", "baslik", "title", "summary", "betreff", "ozet", "task subject", "name",
                "kart basligi", "card title", "gorev adi", "task name", "aufgabe"),
    "due_date": ("due date", "due", "date due", "son tarih", "termin", "deadline", "bitis tarihi gorev",
                 "faellig", "falligkeit", "falligkeitsdatum", "teslim tarihi gorev", "date deadline"),
    "done_date": ("completed on", "date complete", "date completed", "completion date", "done date",
                  "tamamlanma tarihi", "erledigt am", "bitirilme tarihi", "finished on"),
    "assigned_date": ("date assigned", "assigned on", "atanma tarihi", "zugewiesen am"),
    "activity_type": ("activity type", "etkinlik turu", "aktivite tipi", "aktivitatstyp", "type", "tur",
                      "event type", "task type"),
    "start": ("start", "starts", "start date", "start time", "baslangic", "baslangic tarihi", "beginn",
              "startzeit", "from", "begin"),
    "stop": ("end", "ends", "end date", "end time", "bitis", "bitis tarihi", "ende", "endzeit", "until"),
    "duration": ("duration", "sure", "dauer", "length minutes", "sure dakika"),
    "attendees": ("attendees", "participants", "katilimcilar", "teilnehmer", "guests", "davetliler"),
    "location": ("location", "yer", "konum", "mekan", "ort termin", "venue"),
    "related_type": ("related type", "ilgili kayit turu", "object type", "object type id", "object name",
                     "related object", "bezugsobjekt"),
    "related_record": ("related record", "ilgili kayit", "related to", "regarding", "bezug"),
    # -- products, quotes, orders, invoices -----------------------------------------------------------------------
    "product_code": ("product code", "sku", "code", "kod", "urun kodu", "stok kodu", "urun hizmet kodu",
                     "artikelnummer", "item code", "default code", "internal reference", "model no"),
    "product_name": ("product", "product name", "urun", "urun adi", "hizmet", "urun hizmet adi", "urun hizmet",
                     "service", "item", "artikel", "produkt", "produktname", "kalem", "item name"),
    "product_kind": ("product type", "urun tipi", "kind", "urun hizmet turu", "produktart", "tur", "type", "tip",
                     "art"),
    "category": ("category", "kategori", "product category", "urun kategorisi", "produktkategorie",
                 "product group", "urun grubu", "warengruppe"),
    "uom": ("unit", "uom", "birim", "unit of measure", "olcu birimi", "einheit", "mengeneinheit"),
    "list_price": ("sale price", "sales price", "price", "list price", "satis fiyati", "fiyat", "liste fiyati",
                   "verkaufspreis", "preis", "listenpreis"),
    "cost_price": ("purchase price", "cost", "cost price", "alis fiyati", "maliyet", "einkaufspreis",
                   "kosten"),
    "barcode": ("barcode", "barkod", "ean", "gtin", "strichcode", "upc"),
    "stock_tracked": ("stock tracked", "stok takibi", "track inventory", "lagerverfolgung"),
    "qty_on_hand": ("stock", "on hand", "stok", "toplam stok", "quantity on hand", "lagerbestand", "bestand"),
    "tax_rate": ("vat percent", "vat rate", "tax rate", "kdv", "kdv orani", "tax", "mwst", "mwst satz",
                 "ust satz", "steuersatz", "taxable"),
    "price_include": ("tax included", "kdv dahil", "kdv dahil mi", "price includes tax", "inkl mwst",
                      "brutto"),
    "quantity": ("quantity", "qty", "miktar", "adet", "menge", "anzahl"),
    "price_unit": ("unit price", "birim fiyat", "birim fiyati", "einzelpreis", "stuckpreis", "price each",
                   "unit cost"),
    "discount": ("discount", "discount percent", "iskonto", "iskonto orani", "indirim", "indirim orani",
                 "rabatt", "nachlass"),
    "discount_amount": ("discount amount", "iskonto tutari", "indirim tutari", "rabattbetrag"),
    "subtotal": ("subtotal", "line total", "ara toplam", "satir toplami", "zwischensumme", "nettobetrag",
                 "amount untaxed", "total price", "net amount"),
    "tax_amount": ("tax amount", "vat amount", "kdv tutari", "steuerbetrag", "mwst betrag"),
    "order_date": ("order date", "quote date", "siparis tarihi", "teklif tarihi", "bestelldatum",
                   "angebotsdatum", "date order", "invoice date", "fatura tarihi", "rechnungsdatum"),
    "validity_date": ("valid until", "validity date", "expiration date", "gecerlilik tarihi", "son gecerlilik",
                      "gultig bis", "expiry date"),
    "delivery_date": ("delivery date", "teslim tarihi", "lieferdatum", "commitment date"),
    "payment_terms": ("payment terms", "odeme kosullari", "vade", "zahlungsbedingungen", "payment term"),
    "reference": ("reference", "referans no", "customer reference", "musteri referansi", "po number",
                  "bestellnummer kunde", "external order id"),
    "card_data": ("cc type", "cc number", "cc expiration month", "cc expiration year", "cc expiration date",
                  "credit card", "kredi karti", "card number"),
    "file_name": ("file name", "filename", "dosya adi", "dateiname", "attachment name"),
    "file_data": ("file", "content", "dosya", "datei", "data", "binary"),
    "mimetype": ("mime type", "mimetype", "content type", "dosya tipi"),
    "file_url": ("url", "file url", "dosya url", "link"),
}

#: Bookkeeping keys any CRM may keep on its records; they carry no customer data. Each source adds its own system's
#: (``system_phrases`` of its registration in crm2odoo/sources/<system>/__init__.py).
SYSTEM_PHRASES: tuple[str, ...] = ("import id", "unique id", "deleted", "hidden", "last login")

_NON_WORD = re.compile(r"[^0-9a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DIGIT_EDGE = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")


def tokens(text: str) -> tuple[str, ...]:
    """Words of a header or key: camelCase and snake_case split, folded, punctuation and '(%)' / '(TL)' dropped."""
    spaced = _CAMEL.sub(" ", text)
    folded = _DIGIT_EDGE.sub(" ", fold(spaced))
    return tuple(w for w in _NON_WORD.split(folded) if w)


def stem(word: str) -> str:
    """Drop the endings that vary between otherwise identical headers.

    Turkish possessive endings ('Adı' -> ad, 'Telefonu' -> telefon, 'Tarihi' -> tarih, 'Numarası' -> numara)
    and the English plural ('Tags' -> tag). Applied to both sides of a comparison, so over-stemming is harmless.
    """
    if len(word) > 4 and word.endswith(("si", "su")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith(("i", "u")):
        word = word[:-1]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in tokens(text))


#: words that qualify a header without changing its meaning ('Email Address', 'Telefon No', 'Kişisel')
NOISE_WORDS = frozenset(stem(w) for w in (
    "address", "adres", "adresi", "no", "nr", "number", "numarasi", "field", "alan", "custom", "ozel",
    "the", "of", "der", "die", "das", "des", "contact", "kisi", "primary", "main", "your", "sizin",
    "tl", "try", "eur", "usd", "pct", "percent", "yuzde", "info", "bilgi", "bilgisi", "value", "deger",
))


#: words that name almost anything; alone they decide a header only when they are the whole header
GENERIC_WORDS = frozenset(stem(w) for w in (
    "name", "title", "type", "date", "status", "data", "text", "value", "kind", "state", "number", "code",
    "ad", "adi", "tur", "tip", "tarih", "durum", "deger", "isim",
))


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, tuple[tuple[str, ...], ...]]:
    return {concept: tuple(dict.fromkeys(stems(p) for p in phrases)) for concept, phrases in CONCEPTS.items()}


@lru_cache(maxsize=2)
def _system_index(registry_generation: int) -> frozenset[tuple[str, ...]]:
    """Generic and registered sources' bookkeeping phrases, stemmed; rebuilt when a source is registered."""
    return frozenset(stems(p) for p in (*SYSTEM_PHRASES, *registry.system_phrases()))


def is_system_key(text: str) -> bool:
    return stems(text) in _system_index(registry.generation())


def concept_scores(*texts: str) -> dict[str, float]:
    """How well each concept's phrases explain the given texts (key, label): 0..1, best text wins.

    1.0: the whole header is one of the concept's phrases. Less when the phrase covers only part of the header
    (the rest counts against it, except noise words such as 'No' or 'Adresi'), so 'Tahmini Kapanış Tarihi' is
    an exact 'expected_close' and only a partial 'close_date'.
    """
    result: dict[str, float] = {}
    for text in texts:
        for concept, score in _text_scores(text):
            if score > result.get(concept, 0.0):
                result[concept] = score
    return result


@lru_cache(maxsize=8192)
def _text_scores(text: str) -> tuple[tuple[str, float], ...]:
    """One header's concept scores above 0. Cached: plan asks about the same few headers for every sampled record,
    and each answer walks every concept's phrases."""
    words = stems(text)
    if not words:
        return ()
    meaningful = [w for w in words if w not in NOISE_WORDS] or list(words)
    scores: list[tuple[str, float]] = []
    for concept, phrases in _phrase_index().items():
        best = 0.0
        for phrase in phrases:
            if phrase == words or (phrase == tuple(meaningful) and len(meaningful) > 0):
                best = 1.0
                break
            if len(phrase) == 1 and len(phrase[0]) <= 2:
                continue  # 'ad', 'il', 'no' are words only when they are the whole header
            if len(phrase) <= len(words) and _contains(words, phrase):
                covered = len(phrase)
                rest = sum(1 for w in meaningful if w not in phrase)
                share = covered / (covered + rest) if covered + rest else 0.0
                # 'Form Name' is not a person's name: a lone generic word inside a longer header is weak
                weak = len(phrase) == 1 and phrase[0] in GENERIC_WORDS
                best = max(best, 0.5 if weak else 0.45 + 0.4 * share)
        # German compounds: 'Kaufwahrscheinlichkeit' ends with 'wahrscheinlichkeit'
        if best < 0.7 and len(words) == 1 and len(words[0]) > 8 \
                and any(len(p) == 1 and len(p[0]) >= 6 and words[0].endswith(p[0]) for p in phrases):
            best = 0.7
        if best > 0.0:
            scores.append((concept, best))
    return tuple(scores)


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))
