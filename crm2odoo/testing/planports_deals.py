"""The opportunities of a Planports export: pipelines and stages, amounts in many spellings, links by name.

Quirks placed here: amounts as ``1.234,56``/``₺``/``€`` text or numbers with the currency in its own column or
not, probabilities as ``%10``/``10%``/fractions, dates as Excel dates or text, a deal linked to the namesake,
custom fields per pipeline, and the pipeline column merged down.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crm2odoo.sources.planports import headers as hd
from crm2odoo.testing.planports_dataset import LEAD_TYPES, NAMESAKE, TREATMENTS, WorkbookBuild
from crm2odoo.testing.planports_layout import COLUMNS
from crm2odoo.testing.planports_quirks import date_text, money_text
from crm2odoo.textnorm import slug

PIPELINES = {
    "Sağlık Turizmi": ["Yeni Talep", "İletişime Geçildi", "Fotoğraf/Rapor Bekleniyor", "Teklif Gönderildi",
                       "Kapora Alındı", "Tamamlandı", "Kaybedildi"],
    "Emlak": ["Yeni", "Görüşme", "Yer Gösterimi", "Teklif", "Satıldı", "Kaybedildi"],
    "Ajans": ["Brief", "Teklif", "Revize", "Onay", "Kazanıldı", "Kaybedildi"],
}
_WON = {"Tamamlandı", "Satıldı", "Kazanıldı"}
_CURRENCIES = [("TRY", "₺", "TL"), ("EUR", "€", "EUR"), ("USD", "$", "USD"), ("GBP", "£", "GBP")]
_LOST_REASONS = ["Fiyat yüksek", "Rakip tercih edildi", "Ulaşılamadı"]


def _plan(count: int) -> list[tuple[str, str]]:
    """(pipeline, stage) of each deal: pipelines in blocks, stages cycling through each."""
    names = list(PIPELINES)
    plan = []
    for i in range(count):
        pname = names[i * len(names) // max(count, 1)]
        plan.append((pname, PIPELINES[pname][(i * 3) % len(PIPELINES[pname])]))
    return plan


def _stage(c: WorkbookBuild, pname: str, sname: str, outcomes: dict[str, set[str]]) -> tuple[str, str, str]:
    """Register the pipeline and stage; (pipeline id, stage id, outcome the stage's name implies)."""
    R = c.records
    pid = slug(pname)
    sid = f"{pid}/{slug(sname)}"
    if pid not in R["pipeline"]:
        R["pipeline"][pid] = {"name": pname, "sequence": len(R["pipeline"]) + 1}
    if sid not in R["stage"]:
        R["stage"][sid] = {"name": sname, "pipeline": pid,
                           "sequence": sum(1 for s in R["stage"].values() if s["pipeline"] == pid) + 1}
    outcome = "won" if sname in _WON else "lost" if sname == "Kaybedildi" else "open"
    outcomes.setdefault(sid, set()).add(outcome)
    return pid, sid, outcome


def _party(c: WorkbookBuild, i: int, ident: str) -> tuple[str, str | None, str | None]:
    """(contact cell, expected contact id, expected company id): the namesake once, some companies, İsmail."""
    R = c.records
    if i == 1:
        c.dataset.expect_problem("deal", ident, "contact")
        return NAMESAKE, None, None
    if i % 5 == 4:
        cname = c.company_names[i % (len(c.company_names) - 2)]
        return cname, None, c.company_ids[cname]
    if i == 2:
        return "İsmail Kaya", next(k for k, v in R["contact"].items() if v["name"] == "İSMAİL KAYA"), None
    pick = c.person(i * 7)
    return R["contact"][pick]["name"], pick, None


def _probability(i: int) -> tuple[float, Any]:
    """(expected probability, cell): ``%10``, ``10%``, a fraction or text; once ``12,5%``."""
    if i == 3:
        return 12.5, "12,5%"
    probability: float = (i * 10) % 100
    cell: Any = [f"%{probability}", f"{probability}%", probability / 100 if probability else 0, str(probability)][i % 4]
    return probability, cell


def _custom(pid: str, i: int) -> dict[str, Any]:
    """The custom fields each pipeline fills."""
    return {"treatment": TREATMENTS[i % 4] if pid == "saglik_turizmi" else None,
            "portfolio": f"{i * 37:06d}" if pid == "emlak" else None,
            "lead_type": LEAD_TYPES[i % 3] if pid == "emlak" else None,
            "tags": ["Meta", "Retargeting"][: 1 + i % 2] if pid == "ajans" else None,
            "spend": Decimal(15000 + i * 250) if pid == "ajans" else None}


def _deal(c: WorkbookBuild, i: int, pname: str, sname: str, outcomes: dict[str, set[str]]) -> dict[str, Any]:
    ident = f"F-{i + 1:05d}"
    pid, sid, outcome = _stage(c, pname, sname, outcomes)
    code, symbol, word = _CURRENCIES[i % 4]
    amount = Decimal(c.rng.randrange(50000, 5000000)) / 100
    style = i % 4
    cur_col = None if style in (1, 2) and i % 3 else [code, symbol, word][i % 3]
    probability, prob_cell = _probability(i)
    close = dt.date(2024, 4, 1) + dt.timedelta(days=i * 3)
    reason = _LOST_REASONS[i % 3] if outcome == "lost" else None
    if reason:
        c.records["lost_reason"][slug(reason)] = {"name": reason}
    party, contact_ref, company_ref = _party(c, i, ident)
    owner_text, owner_id = c.owner_cell(i)
    x = _custom(pid, i)
    treatment, tags, spend = x["treatment"], x["tags"], x["spend"]
    c.records["deal"][ident] = {
        "name": f"{party} - {sname}", "pipeline": pid, "stage": sid, "status": c.words[outcome], "outcome": outcome,
        "probability": float(probability), "amount": amount, "amount__currency": code, "expected_close": close,
        "lost_reason": slug(reason) if reason else None, "contact": contact_ref, "company": company_ref,
        "owner": owner_id, "x_tedavi_paketi": treatment, "x_referans_kaynagi": "Instagram" if treatment else None,
        "x_portfoy_no": x["portfolio"], "x_lead_tipi": x["lead_type"], "x_kampanya_etiketi": tags,
        "x_reklam_butcesi": spend, "x_reklam_butcesi__currency": "TRY" if spend is not None else None,
        "currency": code if cur_col is not None else None}
    return {"deal_id": ident, "name": f"{party} - {sname}", "contact": party, "pipeline": pname,
            "stage": sname, "status": c.words[outcome], "probability": prob_cell,
            "amount": money_text(amount, c.language, style, symbol, word), "currency": cur_col,
            "lost_reason": reason, "owner": owner_text,
            "expected_close": close if i % 2 else date_text(close, c.language),
            "x:Tedavi Paketi": treatment, "x:Referans Kaynağı": "Instagram" if treatment else None,
            "x:Portföy No": x["portfolio"], "x:Lead Tipi": x["lead_type"],
            "x:Kampanya Etiketi": ", ".join(tags) if tags else None,
            "x:Reklam Bütçesi": f"₺{spend:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
            if spend is not None else None}


def deals(c: WorkbookBuild, count: int) -> None:
    """The Fırsatlar sheet; a stage's type is won or lost only when every deal in it agrees."""
    R = c.records
    R["deal"], R["pipeline"], R["stage"], R["lost_reason"] = {}, {}, {}, {}
    outcomes: dict[str, set[str]] = {}
    rows = [_deal(c, i, pname, sname, outcomes) for i, (pname, sname) in enumerate(_plan(count))]
    for sid, seen in outcomes.items():
        R["stage"][sid]["stage_type"] = next(iter(seen)) if len(seen) == 1 and seen & {"won", "lost"} else "open"
    c.writer.sheet(hd.DEALS, COLUMNS["deals"], rows, merge_down="pipeline")
