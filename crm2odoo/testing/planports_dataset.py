"""The clean truth behind a generated Planports workbook, and the state its generation steps share.

Values in :class:`PlanportsDataset` are exactly what the connector should decode (UTC datetimes, ``Decimal``
money, E.164 phones, ids as text).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from crm2odoo.sources.planports.values import ISTANBUL
from crm2odoo.testing.planports_quirks import SheetWriter

Truth = dict[str, dict[str, dict[str, Any]]]


@dataclass
class PlanportsDataset:
    """The clean truth behind a generated workbook."""

    path: Path
    language: str
    records: Truth = field(default_factory=dict)  # object -> id -> expected values (a subset of the keys read)
    problems: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # object -> id -> fields with problems
    rows: int = 0  # large mode: number of contact rows written

    def expect_problem(self, obj: str, ident: str, key: str) -> None:
        self.problems.setdefault(obj, {}).setdefault(ident, set()).add(key)


FIRST_NAMES = ["Ayşe", "Mehmet", "İsmail", "Işıl", "Ilgın", "Çağla", "Gökhan", "Şule", "Ömer", "Zeynep", "Emre",
               "Büşra", "Oğuz", "Elif", "Can", "Deniz", "Hülya", "Burak", "Emma", "Oliver", "Hans", "Sophie", "Lukas",
               "Fatma", "Ali"]
LAST_NAMES = ["Kaya", "Yılmaz", "Öztürk", "Şahin", "Çelik", "Doğan", "Arslan", "Koç", "Aydın", "Güneş", "Clarke",
              "Müller", "Schmidt", "Smith", "Işık", "Ünal"]
USERS = [("Ayşe Kaya", "ayse.kaya@example.com.tr", "Sistem Yöneticisi"),
         ("Mehmet Öz", "mehmet.oz@example.com.tr", "Satış"),
         ("İrem Işık", "irem.isik@example.com.tr", "Satış"),
         ("Oğuz Şahin", "oguz.sahin@example.com.tr", "Stok Yönetimi")]
EXTRA_OWNER = "Selin Aydın"  # appears only as an owner, never in Kullanıcılar
TREATMENTS = ["Saç Ekimi FUE", "Diş İmplantı", "Rinoplasti", "Gülüş Tasarımı"]
LEAD_TYPES = ["Satılık", "Kiralık", "Yatırım"]
#: the namesake: two contacts share this name, so links by it are ambiguous
NAMESAKE = "Mehmet Yılmaz"


def utc(local: dt.datetime) -> dt.datetime:
    return local.replace(tzinfo=ISTANBUL).astimezone(dt.UTC)


@dataclass
class WorkbookBuild:
    """What the generation steps share: the seeded generator, the sheet writer and the truth so far."""

    dataset: PlanportsDataset
    rng: random.Random
    writer: SheetWriter
    words: dict[str, str]
    base: dt.datetime = dt.datetime(2024, 3, 1, 9, 0)
    company_names: list[str] = field(default_factory=list)
    company_ids: dict[str, str] = field(default_factory=dict)
    person_names: list[str] = field(default_factory=list)
    product_list: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (code, name, price)
    uncached_line: int = 0  # the quote line whose total Excel never calculated

    @property
    def language(self) -> str:
        return self.dataset.language

    @property
    def records(self) -> Truth:
        return self.dataset.records

    @property
    def person_ids(self) -> list[str]:
        return list(self.records["contact"])

    @property
    def deal_ids(self) -> list[str]:
        return list(self.records["deal"])

    def person(self, index: int) -> str:
        """The index-th person (cycling), never the namesake: links to it by name would be ambiguous."""
        ids = self.person_ids
        pick = ids[index % len(ids)]
        return ids[0] if self.records["contact"][pick]["name"] == NAMESAKE else pick

    def owner_cell(self, i: int) -> tuple[str, str]:
        """(cell text, expected user id): mostly names, sometimes e-mails, once an unknown person."""
        if i % 11 == 7:
            return EXTRA_OWNER, EXTRA_OWNER
        name, email, _ = USERS[i % len(USERS)]
        return (email if i % 5 == 3 else (name.upper() if i % 7 == 2 else name)), email
