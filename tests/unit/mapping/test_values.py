"""Values, not headers: lookups judged by what Odoo has, list separators, selection options, phones by version."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from crm2odoo.mapping.propose import propose
from crm2odoo.mapping.spec import FieldMap, MappingSpec
from crm2odoo.mapping.values import judge_lookup, lookup_evidence
from crm2odoo.sources.base import Catalog, FieldInfo, ObjectInfo, SourceRecord

sys.path.insert(0, str(Path(__file__).parent))
from test_runnable import ODOO  # noqa: E402


def F(name: str, label: str, type: str = "text", **kw: Any) -> FieldInfo:
    return FieldInfo(name=name, label=label, type=type, **kw)  # type: ignore[arg-type]


def rows(obj: str, columns: dict[str, list[Any]]) -> list[SourceRecord]:
    n = max(len(v) for v in columns.values())
    return [SourceRecord(obj, str(i + 1), {k: (v[i] if i < len(v) else None) for k, v in columns.items()})
            for i in range(n)]


def line(spec: MappingSpec, obj: str, source: str) -> FieldMap:
    return next(ln for ln in spec.objects[obj].fields if source in ln.sources)


CONTACT = ObjectInfo("contact", "Contacts", (F("id", "Contact ID", "id"), F("email", "Email", "email"),
                                             F("sector", "Industry"), F("country", "Country")))
KNOWN = {"res.partner.industry": {"retail", "information technology"}, "res.country": {"us", "tr", "turkiye"}}


def _contacts(sectors: list[str], countries: list[str]) -> dict[str, list[SourceRecord]]:
    return {"contact": rows("contact", {"id": [str(i) for i in range(1, len(sectors) + 1)],
                                        "email": [f"p{i}@example.com" for i in range(len(sectors))],
                                        "sector": sectors, "country": countries})}


def test_a_lookup_none_of_whose_values_resolve_is_low_confidence_and_offers_creation() -> None:
    samples = _contacts(["Farming", "Mining", "Shipping"], ["US", "TR", "Narnia"])
    spec = propose(Catalog("ontraport-csv", (CONTACT,)), samples, ODOO["18.0"], system="t", odoo_version="18.0",
                   known=KNOWN)
    industry = line(spec, "contact", "sector")
    assert industry.target == "industry_id" and industry.transform == "lookup"
    assert industry.confidence <= 0.6 and industry.params["create"] is True
    assert "0 of 3 distinct sampled values match an existing res.partner.industry" in industry.reason
    assert "create: false leaves them empty" in industry.reason
    country = line(spec, "contact", "country")
    # two of three countries exist: still a decision, and a country is never invented
    assert country.confidence <= 0.6 and country.params["create"] is False
    assert "2 of 3" in country.reason and "'Narnia'" in country.reason


def test_a_lookup_whose_values_resolve_keeps_its_confidence() -> None:
    samples = _contacts(["Retail", "Information Technology", "retail"], ["US", "TR", "us"])
    spec = propose(Catalog("ontraport-csv", (CONTACT,)), samples, ODOO["18.0"], system="t", odoo_version="18.0",
                   known=KNOWN)
    industry = line(spec, "contact", "sector")
    assert industry.confidence >= 0.9 and "create" not in industry.params
    assert "all 2 distinct sampled values match an existing res.partner.industry" in industry.reason


def test_lookup_evidence_folds_both_sides_and_uses_the_format() -> None:
    names = {"istanbul", "campaign spring"}
    assert lookup_evidence(["İSTANBUL", " Istanbul ", "Ankara"], names) == lookup_evidence(["istanbul", "Ankara"], names)
    assert lookup_evidence(["Spring"], names, "Campaign {0}").resolved == 1
    params: dict[str, Any] = {"model": "utm.source", "create": False}
    cap, why = judge_lookup("utm.source", params, ["Fair"], {"utm.source": set()})
    assert cap is not None and params["create"] is False and "create: true creates them" in why
