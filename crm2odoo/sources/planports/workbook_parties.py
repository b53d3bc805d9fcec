"""People and firms of Planports exports: Kişiler rows as contacts or companies, the name -> id indexes that
links written as display names need, and the users behind owner columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crm2odoo.sources.base import FieldProblem, SourceRecord
from crm2odoo.sources.planports import decode as dec
from crm2odoo.sources.planports import tags as tg
from crm2odoo.sources.planports import values as v
from crm2odoo.sources.planports.workbook_sheets import Names, Row, Sheets, make_record, money_fallback, problem

_OWNER_KEYS = ("owner", "author", "uploaded_by")


class Parties:
    """Contacts, companies and users of a workbook, with the indexes other sheets link through. ``cache`` is the
    source's, emptied when it is closed."""

    def __init__(self, sheets: Sheets, cache: dict[str, Any]) -> None:
        self.sheets = sheets
        self._cache = cache

    def party_of(self, row: Row) -> tuple[bool, str | None]:
        """(is_company, problem)."""
        if row.values.get("is_organization") is not None:
            return bool(row.values["is_organization"]), None
        text = row.values.get("party_type")
        if not text:
            return False, None
        try:
            return dec.is_organisation(str(text)), None
        except ValueError:
            return False, f"type {text!r} is neither Kişi nor Firma; read as a person"

    def contact_name(self, row: Row) -> str | None:
        name = row.values.get("name")
        if not name:
            parts = [row.values.get("first_name"), row.values.get("last_name")]
            name = " ".join(str(p) for p in parts if p) or None
        return name

    def company_index(self) -> Names:
        if "companies" not in self._cache:
            names = Names()
            ids: set[str] = set()
            for plan in self.sheets.of("contacts"):
                for row in self.sheets.rows(plan):
                    is_org, _ = self.party_of(row)
                    name = self.contact_name(row)
                    ident = row.values.get("contact_id") or f"row-{row.number}"
                    if is_org:
                        ids.add(str(ident))
                        if name:
                            names.add(name, str(ident))
            self._cache["companies"] = names
            self._cache["company_ids"] = ids
        names_: Names = self._cache["companies"]
        return names_

    def contacts(self, obj: str) -> Iterator[SourceRecord]:
        want_company = obj == "company"
        for plan in self.sheets.of("contacts"):
            needs_index = plan.has("company")
            for row in self.sheets.rows(plan):
                is_org, type_problem = self.party_of(row)
                if is_org != want_company:
                    continue
                values = dict(row.values)
                tg.as_ids(values)
                if type_problem:
                    row.problems.append(FieldProblem("party_type", type_problem, str(values.get("party_type"))))
                values["name"] = self.contact_name(row)
                values["is_company"] = is_org
                company_name = values.pop("company", None)
                company_no = values.pop("company_no", None)
                values.pop("is_organization", None)  # folded into is_company
                values["company"] = None
                if company_no:
                    values["company"] = str(company_no)
                elif company_name and needs_index:
                    ident, why = self.company_index().resolve(str(company_name))
                    values["company"] = ident
                    if why:
                        row.problems.append(problem("company", f"company link: {why}", company_name))
                self.owner(values, row)
                money_fallback(values, plan)
                yield make_record(obj, row, values.pop("contact_id", None), values)

    def party_index(self) -> tuple[Names, dict[str, bool]]:
        if "party" not in self._cache:
            names = Names()
            kinds: dict[str, bool] = {}
            wanted = self._wanted_party_names()
            for plan in self.sheets.of("contacts"):
                for row in self.sheets.rows(plan):
                    is_org, _ = self.party_of(row)
                    ident = str(row.values.get("contact_id") or f"row-{row.number}")
                    kinds[ident] = is_org
                    name = self.contact_name(row)
                    if name and v.loose_name_key(name) in wanted:
                        names.add(name, ident)
            self._cache["party"] = (names, kinds)
        result: tuple[Names, dict[str, bool]] = self._cache["party"]
        return result

    def _wanted_party_names(self) -> set[str]:
        """Loose keys of every name other sheets use to point at Kişiler; only those enter the index."""
        wanted: set[str] = set()
        for plan in self.sheets.plans():
            if plan.kind in ("contacts", "custom_fields", "whatsapp", "workflows"):
                continue
            keys = [k for k in ("contact", "related_record") if plan.has(k)]
            if not keys:
                continue
            for row in self.sheets.rows(plan):
                for k in keys:
                    if row.values.get(k):
                        wanted.add(v.loose_name_key(str(row.values[k])))
        return wanted

    def link_party(self, values: dict[str, Any], row: Row, *, key: str = "contact", id_key: str = "contact_no") -> None:
        """Fill values['contact'] / values['company'] from a name or Kişi No column."""
        name = values.pop(key, None)
        number = values.pop(id_key, None)
        explicit_company = values.get("company")
        values["contact"] = None
        values["company"] = None
        if number:
            _names, kinds = self.party_index()
            ident = str(number)
            if ident not in kinds:
                row.problems.append(problem(id_key, f"no Kişiler row has id {ident!r}", number))
            elif kinds[ident]:
                values["company"] = ident
            else:
                values["contact"] = ident
        elif name:
            names, kinds = self.party_index()
            ident_, why = names.resolve(str(name))
            if ident_ is None:
                row.problems.append(problem(key, f"contact link: {why}", name))
            elif kinds.get(ident_):
                values["company"] = ident_
            else:
                values["contact"] = ident_
        if explicit_company and values["company"] is None:
            ident2, why2 = self.company_index().resolve(str(explicit_company))
            values["company"] = ident2
            if why2:
                row.problems.append(problem("company", f"company link: {why2}", explicit_company))

    def users(self) -> tuple[dict[str, str], list[tuple[str, dict[str, Any], str, list[FieldProblem]]]]:
        """(lookup key -> user id, user records). Users come from a Kullanıcılar sheet, then from owner columns."""
        if "users" in self._cache:
            result: tuple[dict[str, str], list[tuple[str, dict[str, Any], str, list[FieldProblem]]]] = self._cache["users"]
            return result
        lookup: dict[str, str] = {}
        records: list[tuple[str, dict[str, Any], str, list[FieldProblem]]] = []
        for plan in self.sheets.of("users"):
            for row in self.sheets.rows(plan):
                email = row.values.get("email")
                name = row.values.get("name")
                ident = str(email).lower() if email else (str(name) if name else f"row-{row.number}")
                if email:
                    lookup[str(email).lower()] = ident
                if name:
                    lookup.setdefault(v.name_key(str(name)), ident)
                records.append((ident, dict(row.values), row.locator, list(row.problems)))
        seen = {r[0] for r in records}
        for plan in self.sheets.plans():
            keys = [k for k in _OWNER_KEYS if plan.has(k)]
            if not keys or plan.kind == "users":
                continue
            for row in self.sheets.rows(plan):
                for k in keys:
                    text = row.values.get(k)
                    if not text:
                        continue
                    text = str(text).strip()
                    key = text.lower() if "@" in text else v.name_key(text)
                    if key in lookup:
                        continue
                    ident = text.lower() if "@" in text else text
                    lookup[key] = ident
                    if ident not in seen:
                        seen.add(ident)
                        records.append((ident, {"name": None if "@" in text else text,
                                                "email": text.lower() if "@" in text else None},
                                        f"{row.locator} ({plan.label(k)})", []))
        self._cache["users"] = (lookup, records)
        return lookup, records

    def owner(self, values: dict[str, Any], row: Row) -> None:
        for k in _OWNER_KEYS:
            text = values.get(k)
            if text:
                lookup, _ = self.users()
                text = str(text).strip()
                values[k] = lookup.get(text.lower() if "@" in text else v.name_key(text), text)

    def user_records(self) -> Iterator[SourceRecord]:
        _, records = self.users()
        for ident, values, locator, problems in records:
            yield SourceRecord("user", ident, values, locator, None, problems)
