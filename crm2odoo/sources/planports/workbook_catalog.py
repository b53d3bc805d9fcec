"""What a Planports workbook holds, for `discover`: objects with their fields and counts (derived ones too:
pipelines, stages, boards, tags, users), what cannot be migrated, and the warnings of reading it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from crm2odoo.sources.base import Catalog, FieldInfo, InventoryItem, ObjectInfo, SourceRecord
from crm2odoo.sources.planports import decode as dec
from crm2odoo.sources.planports import headers as hd
from crm2odoo.sources.planports import tags as tg
from crm2odoo.sources.planports.workbook_sheets import SheetPlan, Sheets

KIND = "planports-xlsx"

#: which objects a recognised sheet kind yields directly
OBJECTS_OF_KIND: dict[str, tuple[str, ...]] = {
    "contacts": ("contact", "company"), "leads": ("lead",), "deals": ("deal",), "stages": ("stage",),
    "lost_reasons": ("lost_reason",), "users": ("user",), "products": ("product",), "quotes": ("quote",),
    "quote_lines": ("quote_line",), "orders": ("order",), "order_lines": ("order_line",),
    "activities": ("activity",), "notes": ("note",), "cards": ("card",), "attachments": ("attachment",),
}
_ID_FIELD = {
    "contacts": "contact_id", "leads": "lead_id", "deals": "deal_id", "activities": "activity_id",
    "notes": "note_id", "cards": "card_id", "attachments": "attachment_id", "quotes": "quote_no",
    "orders": "order_no", "products": "code",
}


class WorkbookCatalog:
    """Builds the Catalog of a workbook from its sheets and the records its source makes (to count them)."""

    def __init__(self, sheets: Sheets, records: Callable[[str], Iterator[SourceRecord]],
                 tag_plans: Callable[[str], list[SheetPlan]]) -> None:
        self.sheets = sheets
        self.records = records
        self.tag_plans = tag_plans

    def discover(self) -> Catalog:
        plans = self.sheets.plans()
        objects: list[ObjectInfo] = []
        by_obj: dict[str, list[SheetPlan]] = {}
        for plan in plans:
            for obj in OBJECTS_OF_KIND.get(plan.kind, ()):
                by_obj.setdefault(obj, []).append(plan)
            if plan.line_columns and not self.sheets.of(plan.kind[:-1] + "_lines"):
                by_obj.setdefault(plan.kind[:-1] + "_line", []).append(plan)
        for obj, obj_plans in by_obj.items():
            objects.append(self._object_info(obj, obj_plans))
        derived: list[tuple[str, str, str, tuple[FieldInfo, ...], tuple[str, ...]]] = []
        if "deal" in by_obj:
            derived.append(("pipeline", "Satış Süreçleri", "distinct Süreç values of the opportunities",
                            (FieldInfo("name", "Süreç", "text"), FieldInfo("sequence", "Sıra", "integer")), ()))
            if "stage" not in by_obj:
                derived.append(("stage", "Aşamalar", "distinct (Süreç, Aşama) pairs of the opportunities, in order",
                                _STAGE_FIELDS, ("pipeline",)))
            if "lost_reason" not in by_obj and any(p.has("lost_reason") for p in by_obj["deal"]):
                derived.append(("lost_reason", "Kayıp Nedenleri", "distinct Kayıp Nedeni values",
                                (FieldInfo("name", "Kayıp Nedeni", "text"),), ()))
        if "stage" in by_obj and "deal" not in by_obj:
            derived.append(("pipeline", "Satış Süreçleri", "Süreç values of the stage sheet",
                            (FieldInfo("name", "Süreç", "text"), FieldInfo("sequence", "Sıra", "integer")), ()))
        if "card" in by_obj:
            derived.append(("board", "Panolar", "distinct Pano values of the process cards",
                            (FieldInfo("name", "Pano", "text"),), ()))
            derived.append(("board_column", "Sütunlar", "distinct (Pano, Sütun) pairs of the process cards",
                            (FieldInfo("name", "Sütun", "text"), FieldInfo("board", "Pano", "ref", ref_object="board"),
                             FieldInfo("sequence", "Sıra", "integer")), ("board",)))
        for tag_obj in ("tag", "deal_tag"):
            if self.tag_plans(tag_obj):
                derived.append((tag_obj, "Etiketler", "distinct names in the Etiketler / Gruplar columns",
                                tg.TAG_FIELDS, ()))
        if "user" not in by_obj:
            derived.append(("user", "Kullanıcılar", "owner columns (Sorumlu, Yazan, Yükleyen) of every sheet",
                            _USER_FIELDS, ()))
        for name, label, origin, fields, deps in derived:
            count = sum(1 for _ in self.records(name))
            objects.append(ObjectInfo(name, label, fields, count, deps, origin=f"derived from {origin}"))
        if "user" in by_obj:
            objects = [o for o in objects if o.name != "user"]
            objects.append(ObjectInfo("user", "Kullanıcılar", _USER_FIELDS, sum(1 for _ in self.records("user")),
                                      origin="Kullanıcılar sheet, plus owners found only in other sheets"))
        if "stage" in by_obj:
            objects = [o for o in objects if o.name != "stage"]
            objects.append(ObjectInfo("stage", "Aşamalar", _STAGE_FIELDS, sum(1 for _ in self.records("stage")),
                                      ("pipeline",), origin=", ".join(p.where for p in by_obj["stage"])))
        order = {name: i for i, name in enumerate(_OBJECT_ORDER)}
        objects.sort(key=lambda o: order.get(o.name, 99))
        languages = {p.language for p in plans}
        return Catalog(KIND, tuple(objects), tuple(self._inventory()), tuple(dict.fromkeys(self.sheets.warnings)),
                       {"files": [f.name for f in self.sheets.files()], "timezone": "Europe/Istanbul",
                        "languages": sorted(languages)})

    def _object_info(self, obj: str, plans: list[SheetPlan]) -> ObjectInfo:
        fields: dict[str, FieldInfo] = {}
        line_obj = obj.endswith("_line")
        for plan in plans:
            specs = plan.line_columns if (line_obj and plan.kind in ("quotes", "orders")) else plan.columns
            if line_obj and plan.kind in ("quotes", "orders"):
                parent = obj[: -len("_line")]
                for i, f in plan.columns.items():
                    if f.key == parent + "_no":
                        fields[parent] = FieldInfo(parent, plan.headers[i], "ref", ref_object=parent)
            for i, f in specs.items():
                for info in _field_infos(obj, f, plan.headers[i], plan.options.get(i, ())):
                    fields.setdefault(info.name, info)
            if not line_obj:
                for info in plan.custom.values():
                    fields.setdefault(info.name, info)
                    if info.type == "money":
                        fields.setdefault(info.name + "__currency", _currency_info(info.name, info.label))
        for info in _DERIVED_FIELDS.get(obj, ()):
            fields[info.name] = info
        id_key = _ID_FIELD.get(plans[0].kind)
        if id_key and obj != "product":
            fields.pop(id_key, None)
        for dropped in ("company_no", "contact_no", "is_organization") if obj in ("contact", "company") else ("contact_no",):
            fields.pop(dropped, None)
        if obj in ("contact", "company") and "company" in fields:
            fields["company"] = FieldInfo("company", fields["company"].label, "ref", ref_object="company",
                                          description="the person's company (Firma / Firma No), by id or by name")
        deps = tuple(dict.fromkeys(f.ref_object for f in fields.values() if f.ref_object and f.ref_object != obj))
        count = None
        if obj not in ("contact", "company") or all(self._small(p) for p in plans):
            count = sum(1 for _ in self.records(obj))
        label = plans[0].spec.label_tr if plans[0].language == "tr" else plans[0].spec.label_en
        if obj == "company":
            label = "Firmalar" if plans[0].language == "tr" else "Companies"
        return ObjectInfo(obj, label, tuple(fields.values()), count, deps,
                          origin=", ".join(f"{p.where} sheet" for p in plans))

    @staticmethod
    def _small(plan: SheetPlan) -> bool:
        return plan.file.stat().st_size < 20_000_000

    def _inventory(self) -> Iterable[InventoryItem]:
        for plan in self.sheets.inventory_plans:
            if plan.kind == "whatsapp":
                count = 0
                contacts: set[str] = set()
                first: dt.datetime | None = None
                last: dt.datetime | None = None
                for row in self.sheets.rows(plan):
                    count += 1
                    who = row.values.get("contact") or row.values.get("wa_phone")
                    if who:
                        contacts.add(str(who))
                    when = row.values.get("date")
                    if isinstance(when, dt.datetime):
                        first = when if first is None or when < first else first
                        last = when if last is None or when > last else last
                yield InventoryItem(
                    "whatsapp_history", f"WhatsApp messages ({plan.where})",
                    {"messages": count, "contacts": len(contacts), "first": first.isoformat() if first else None,
                     "last": last.isoformat() if last else None, "sheet": plan.where},
                    "Odoo CRM has no WhatsApp history; keep the export, or connect Odoo's WhatsApp app and "
                    "re-link conversations from Meta, which keeps the message bodies")
            elif plan.kind == "workflows":
                for row in self.sheets.rows(plan):
                    name = row.values.get("rule_name")
                    if not name:
                        continue
                    yield InventoryItem(
                        "workflow_rule", str(name),
                        {k: row.values.get(k) for k in ("trigger", "condition", "action", "active", "board")}
                        | {"where": row.locator},
                        "rebuild as an Odoo automation rule (base.automation) on the matching model")


def _currency_info(key: str, label: str) -> FieldInfo:
    return FieldInfo(key + "__currency", f"{label} (currency)", "text",
                     description=f"ISO code of the currency written in the {label!r} cells (₺/TL -> TRY, € -> EUR, "
                                 "$ -> USD, £ -> GBP), else of the row's Para Birimi; derived by crm2odoo")


def _field_infos(obj: str, f: hd.FieldSpec, header: str, options: tuple[str, ...] = ()) -> list[FieldInfo]:
    ref_object = f.ref
    type_ = f.type
    tags = tg.tags_field(obj, header) if f.key == tg.TAG_KEY else None
    if tags is not None:
        return [tags]
    if f.key == "contact" and f.ref == "contact":
        return [FieldInfo("contact", header, "ref", ref_object="contact",
                          description="the person this record belongs to (by name or Kişi No)"),
                FieldInfo("company", header, "ref", ref_object="company",
                          description="the company this record belongs to, when the Kişi column names a company")]
    if f.key == "related_record":
        return [FieldInfo("related_record", header, "text", description="raw İlgili Kayıt text"),
                FieldInfo("contact", header, "ref", ref_object="contact"),
                FieldInfo("company", header, "ref", ref_object="company"),
                FieldInfo("deal", header, "ref", ref_object="deal")]
    if f.key == "column":
        ref_object = "board_column"
    description = f.description
    if options:
        description = (description + "; " if description else "") + "options: labels seen in the first rows"
    out = [FieldInfo(f.key, header, type_, options=options, ref_object=ref_object, description=description)]
    if type_ == "money":
        out.append(_currency_info(f.key, header))
    return out


_STAGE_FIELDS = (
    FieldInfo("name", "Aşama", "text"), FieldInfo("pipeline", "Süreç", "ref", ref_object="pipeline"),
    FieldInfo("sequence", "Sıra", "integer"), FieldInfo("probability", "Olasılık", "percent"),
    FieldInfo("stage_type", "Tip", "select", options=("open", "won", "lost"),
              description="from a stage sheet, else derived: won/lost when every deal in the stage is won/lost"),
)


_USER_FIELDS = (
    FieldInfo("name", "Ad Soyad", "text"), FieldInfo("email", "E-posta", "email"),
    FieldInfo("roles", "Rol", "multiselect"), FieldInfo("active", "Aktif", "boolean"),
    FieldInfo("phone", "Telefon", "phone"), FieldInfo("last_login", "Son Giriş", "datetime"),
)


_DERIVED_FIELDS: dict[str, tuple[FieldInfo, ...]] = {
    "contact": (FieldInfo("is_company", "Tür", "boolean", description="False: Kişi (person)"),),
    "company": (FieldInfo("is_company", "Tür", "boolean", description="True: Firma (organisation)"),),
    "lead": (FieldInfo("source_channel", "Kaynak Kanalı", "select", options=dec.SOURCE_CHANNELS,
                       description="derived from Platform / Kaynak / UTM Kaynak by crm2odoo"),),
    "deal": (FieldInfo("outcome", "Durum", "select", options=("open", "won", "lost", "cancelled"),
                       description="derived from Durum by crm2odoo"),
             FieldInfo("pipeline", "Süreç", "ref", ref_object="pipeline"),
             FieldInfo("stage", "Aşama", "ref", ref_object="stage")),
    "activity": (FieldInfo("kind", "Tür", "select", options=("call", "meeting", "email", "task", "whatsapp",
                                                              "reminder", "other"),
                           description="derived from Tür by crm2odoo"),
                 FieldInfo("done", "Durum", "boolean", description="derived: Durum is Tamamlandı / Done"),
                 FieldInfo("duration_minutes", "Süre (dk)", "integer",
                           description="from the column, else end - start")),
    "attachment": (FieldInfo("path", "Dosya Yolu", "text", description="absolute path of the file found on disk"),
                   FieldInfo("url", "URL", "url"), FieldInfo("data", "Dosya", "binary"),
                   FieldInfo("mimetype", "MIME", "text")),
    "card": (FieldInfo("board", "Pano", "ref", ref_object="board"),
             FieldInfo("column", "Sütun", "ref", ref_object="board_column")),
}


_OBJECT_ORDER = ("user", "company", "contact", "lead", "pipeline", "stage", "lost_reason", "deal", "product", "quote",
                 "quote_line", "order", "order_line", "activity", "note", "board", "board_column", "card",
                 "attachment")
