"""Initial data of a fresh sandbox database, with the ids and external IDs a fresh real Odoo has.

Rows are inserted straight into the store (the ORM's per-row checks would make 4 000 ir.model.fields rows
slow). Values were read from a fresh Odoo 18 with crm, sale_management, project and account installed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .geodata import COUNTRIES, STATES
from .meta import TRANSIENT_MODELS
from .schema import OPTIONAL_MODULES, Registry
from .store import Store

ADMIN_API_KEY = "5a7d0c9e8b1f2a3c4d5e6f708192a3b4c5d6e7f8"
MODULES = ("base", "mail", "contacts", "crm", "sale_management", "sale", "project", "calendar", "account", "utm",
           "sales_team", "product")
_MODULE_OF = {"res": "base", "ir": "base", "crm": "crm", "mail": "mail", "utm": "utm", "sale": "sale",
              "project": "project", "account": "account", "product": "product", "uom": "uom",
              "calendar": "calendar"}
STAMP = "2024-01-01 00:00:00"
# res.groups ids of a fresh Odoo 18 and the "Category/Name" labels access errors print.
GROUPS: dict[int, tuple[str, str]] = {
    1: ("base.group_user", "User types/Internal User"), 2: ("base.group_erp_manager", "Administration/Access Rights"),
    4: ("base.group_system", "Administration/Settings"), 9: ("base.group_partner_manager",
                                                             "Extra Rights/Contact Creation"),
    10: ("base.group_portal", "User types/Portal"), 11: ("base.group_public", "User types/Public"),
    21: ("sales_team.group_sale_salesman", "Sales/User: Own Documents Only"),
    22: ("sales_team.group_sale_salesman_all_leads", "Sales/User: All Documents"),
    23: ("sales_team.group_sale_manager", "Sales/Administrator"),
}

# the seeded reference rows of a fresh Odoo 18 (base, crm, utm, mail, account data files), in creation order
_CURRENCIES = (("USD", "$", "before", "United States dollar"), ("EUR", "€", "after", "Euro"),
               ("TRY", "₺", "after", "Turkish lira"), ("GBP", "£", "before", "Pound sterling"))
_MONEY = {"US": "USD", "TR": "TRY", "GB": "GBP", "DE": "EUR", "FR": "EUR", "NL": "EUR"}  # country -> currency
_CRM_STAGES = (("New", 1, False, 11), ("Qualified", 2, False, 5), ("Proposition", 3, False, 8), ("Won", 70, True, 10))
_LOST_REASONS = ("Too expensive", "We don't have people/skills", "Not enough stock")
_UTM_SOURCES = (("search_engine", "Search engine"), ("mailing", "Lead Recall"), ("newsletter", "Newsletter"),
                ("facebook", "Facebook"), ("twitter", "X"), ("linkedin", "LinkedIn"), ("monster", "Monster"),
                ("glassdoor", "Glassdoor"), ("craigslist", "Craigslist"))
_UTM_MEDIUMS = (("website", "Website"), ("phone", "Phone"), ("direct", "Direct"), ("email", "Email"),
                ("banner", "Banner"), ("twitter", "X"), ("facebook", "Facebook"), ("linkedin", "LinkedIn"),
                ("television", "Television"), ("google_adwords", "Google Adwords"))
_SUBTYPES = (("mt_comment", "Discussions", False, 0, True), ("mt_note", "Note", True, 100, False),
             ("mt_activities", "Activities", True, 90, False))
_ACTIVITY_TYPES = (("email", "Email", "default", 3, "fa-envelope", True),
                   ("call", "Call", "phonecall", 6, "fa-phone", True),
                   ("meeting", "Meeting", "meeting", 9, "fa-users", True),
                   ("todo", "To-Do", "default", 12, "fa-check", True),
                   ("upload_document", "Upload Document", "upload_file", 25, "fa-upload", True),
                   ("warning", "Exception", "default", 99, "fa-warning", False))
_JOURNALS = (("1_sale", "Customer Invoices", "INV", "sale"), ("1_general", "Miscellaneous Operations", "MISC", "general"),
             ("1_bank", "Bank", "BNK1", "bank"))
_APPLICATIONS = frozenset({"crm", "sale_management", "project", "account", "contacts", "calendar"})


class Seeder:
    def __init__(self, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry

    def add(self, model: str, values: dict[str, Any], xmlid: str | None = None, rid: int | None = None) -> int:
        fields = self.registry.models[model].fields
        row = {k: v for k, v in values.items() if k in fields}
        if "active" in fields and "active" not in row:
            row["active"] = True
        for key, value in (("create_uid", 1), ("write_uid", 1), ("create_date", STAMP), ("write_date", STAMP)):
            if key in fields:
                row[key] = value
        if rid is None:
            rid = self.store.next_id(model)
        else:
            self.store.bump_id(model, rid)
        self.store.insert(model, rid, row)
        if xmlid:
            module, _, name = xmlid.partition(".")
            self.add("ir.model.data", {"module": module, "name": name, "model": model, "res_id": rid,
                                       "noupdate": True, "complete_name": xmlid})
        return rid

    def run(self, database_uuid: str) -> None:
        """Seed in the order a fresh Odoo creates these rows, so ids and xmlids match it."""
        currency = self._currencies()
        country = self._countries(currency)
        self._partners_and_users(currency["USD"], country["US"])
        self._groups()
        self._crm()
        self._utm()
        self._mail()
        self._products()
        self._journals()
        self._modules_and_parameters(database_uuid)
        self._reflect()
        self.store.set_meta("version", self.registry.version)
        self.store.set_meta("password:2", "admin")
        self.store.set_meta("password:6", "salesman")
        self.store.set_meta(f"apikey:{ADMIN_API_KEY}", "2")

    def _currencies(self) -> dict[str, int]:
        currency: dict[str, int] = {}
        for code, symbol, position, full in _CURRENCIES:
            currency[code] = self.add("res.currency", {"name": code, "symbol": symbol, "position": position,
                                                       "rounding": 0.01, "decimal_places": 2, "full_name": full},
                                      f"base.{code}")
        return currency

    def _countries(self, currency: dict[str, int]) -> dict[str, int]:
        country: dict[str, int] = {}
        for line in COUNTRIES.strip().splitlines():
            code, name, phone = line.split("|")
            xml = "base.uk" if code == "GB" else f"base.{code.lower()}"
            country[code] = self.add("res.country", {"code": code, "name": name, "phone_code": int(phone or 0),
                                                     "currency_id": currency.get(_MONEY.get(code, ""))}, xml)
        for line in STATES.strip().splitlines():
            cc, code, name, xml = line.split("|")
            self.add("res.country.state", {"country_id": country[cc], "code": code, "name": name},
                     f"base.{xml}" if xml else None)
        return country

    def _partners_and_users(self, usd: int, us: int) -> None:
        """Ids match a fresh Odoo: partners 1 company, 2 OdooBot, 3 Administrator; users 1 and 2; a salesman."""
        self.add("res.partner", {"name": "My Company", "is_company": True, "type": "contact", "lang": "en_US",
                                 "complete_name": "My Company", "commercial_partner_id": 1,
                                 "country_id": us}, "base.main_partner", rid=1)
        self.add("res.company", {"name": "My Company", "partner_id": 1, "currency_id": usd,
                                 "country_id": us, "sequence": 10}, "base.main_company", rid=1)
        self.add("res.partner", {"name": "OdooBot", "email": "odoobot@example.com", "active": False,
                                 "company_id": 1, "type": "contact", "complete_name": "OdooBot",
                                 "commercial_partner_id": 2}, "base.partner_root", rid=2)
        self.add("res.partner", {"name": "Administrator", "email": "admin@example.com", "company_id": 1,
                                 "type": "contact", "complete_name": "Administrator", "commercial_partner_id": 3,
                                 "lang": "en_US"}, "base.partner_admin", rid=3)
        self.add("res.users", {"login": "__system__", "partner_id": 2, "active": False, "company_id": 1,
                               "share": False}, "base.user_root", rid=1)
        self.add("res.users", {"login": "admin", "partner_id": 3, "company_id": 1, "share": False,
                               "notification_type": "email"}, "base.user_admin", rid=2)
        salesman_partner = self.add("res.partner", {
            "name": "Sam Salesman", "email": "salesman@example.com", "company_id": 1, "type": "contact",
            "complete_name": "Sam Salesman", "lang": "en_US"}, rid=7)
        self.store.update("res.partner", salesman_partner, {**(self.store.get("res.partner", salesman_partner) or {}),
                                                            "commercial_partner_id": salesman_partner})
        self.add("res.users", {"login": "salesman", "partner_id": salesman_partner, "company_id": 1,
                               "share": False, "notification_type": "email"}, rid=6)

    def _groups(self) -> None:
        groups_field = "group_ids" if self.registry.major >= 19 else "groups_id"
        tbl, col = self.registry.m2m("res.users", groups_field)
        for gid, (xml, name) in GROUPS.items():
            self.add("res.groups", {"name": name.split("/", 1)[1]}, xml, rid=gid)
            for uid in (2, 6) if gid in (1, 9, 21) else (2,) if gid not in (10, 11) else ():
                self.store.rel_add(tbl, *((uid, gid) if col == "a" else (gid, uid)))

    def _crm(self) -> None:
        self.add("crm.team", {"name": "Sales", "use_opportunities": True, "use_leads": False, "sequence": 0,
                              "alias_contact": "everyone"}, "sales_team.team_sales_department")
        # crm/data/crm_stage_data.xml: four stages of no team (every pipeline shows them); 19 gives each a colour
        for i, (name, seq, won, color) in enumerate(_CRM_STAGES, start=1):
            self.add("crm.stage", {"name": name, "sequence": seq, "is_won": won, "fold": False}
                     | ({"color": color} if self.registry.major >= 19 else {}), f"crm.stage_lead{i}")
        for i, name in enumerate(_LOST_REASONS, start=1):
            self.add("crm.lost.reason", {"name": name}, f"crm.lost_reason_{i}")

    def _utm(self) -> None:
        for xml, name in _UTM_SOURCES:
            self.add("utm.source", {"name": name}, f"utm.utm_source_{xml}")
        for xml, name in _UTM_MEDIUMS:
            self.add("utm.medium", {"name": name}, f"utm.utm_medium_{xml}")
        self.add("utm.stage", {"name": "New"}, "utm.default_utm_stage")

    def _mail(self) -> None:
        for xml, name, internal, sequence, default in _SUBTYPES:
            self.add("mail.message.subtype", {"name": name, "internal": internal, "sequence": sequence,
                                              "default": default}, f"mail.{xml}")
        for xml, name, category, seq, icon, active in _ACTIVITY_TYPES:
            self.add("mail.activity.type", {"name": name, "category": category, "sequence": seq, "icon": icon,
                                            "active": active, "chaining_type": "suggest",
                                            "delay_from": "previous_activity", "delay_unit": "days"},
                     f"mail.mail_activity_data_{xml}")

    def _products(self) -> None:
        if "uom.category" in self.registry.models:
            unit_cat = self.add("uom.category", {"name": "Unit"}, "uom.product_uom_categ_unit")
        else:
            unit_cat = None
        self.add("uom.uom", {"name": "Units", "category_id": unit_cat, "factor": 1.0, "factor_inv": 1.0,
                             "rounding": 0.01, "uom_type": "reference", "relative_factor": 1.0},
                 "uom.product_uom_unit")
        self.add("product.category", {"name": "All"}, "product.product_category_all")

    def _journals(self) -> None:
        if "account.journal" not in self.registry.models:
            return
        for xml, name, code, kind in _JOURNALS:
            self.add("account.journal", {"name": name, "code": code, "type": kind, "company_id": 1,
                                         "invoice_reference_model": "odoo", "invoice_reference_type": "invoice"},
                     f"account.{xml}")

    def _modules_and_parameters(self, database_uuid: str) -> None:
        # an optional module is listed either way, as Odoo lists every module it can install
        for name in (*MODULES, *OPTIONAL_MODULES):
            installed = name in MODULES or name in self.registry.modules
            self.add("ir.module.module", {"name": name, "shortdesc": name.replace("_", " ").title(),
                                          "state": "installed" if installed else "uninstalled",
                                          "latest_version": f"{self.registry.version}.1.0" if installed else False,
                                          "application": name in _APPLICATIONS, "sequence": 100},
                     f"base.module_{name}")
        now = datetime.utcnow()
        self.add("ir.config_parameter", {"key": "web.base.url", "value": "http://localhost:8069"})
        self.add("ir.config_parameter", {"key": "database.uuid", "value": database_uuid})
        self.add("ir.config_parameter", {"key": "database.create_date", "value": now.strftime("%Y-%m-%d %H:%M:%S")})
        # crm_lead_prediction_data.xml: predictive lead scoring counts opportunities created from 8 days before install
        self.add("ir.config_parameter", {"key": "crm.pls_start_date",
                                         "value": (now - timedelta(days=8)).strftime("%Y-%m-%d")})

    def _reflect(self) -> None:
        """ir.model and ir.model.fields rows for every model, as Odoo's registry reflection writes them."""
        for name in sorted(self.registry.base):
            model = self.registry.base[name]
            module = "sales_team" if name == "crm.team" else _MODULE_OF.get(name.split(".")[0], "base")
            mid = self.add("ir.model", {"name": model.description, "model": name, "state": "base", "order":
                                        model.order, "transient": name in TRANSIENT_MODELS, "info": False},
                           f"{module}.model_{model.table}")
            for fname, f in model.fields.items():
                self.add("ir.model.fields", {
                    "model_id": mid, "model": name, "name": fname, "ttype": f["type"], "state": "base",
                    "field_description": f.get("string", fname), "relation": f.get("relation") or False,
                    "relation_field": f.get("relation_field") or False, "required": bool(f.get("required")),
                    "readonly": bool(f.get("readonly")), "store": bool(f.get("store", True)),
                    "on_delete": self.registry.ondelete(name, fname) if f["type"] == "many2one" else False,
                })
