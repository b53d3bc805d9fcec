"""What planning one catalog shares across objects: the inputs, and the x_ fields reserved so far."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from crm2odoo.mapping.links import LinkFinder
from crm2odoo.mapping.propose.scoring import FieldsGet, ProposeOptions
from crm2odoo.sources.base import Catalog, FieldInfo, SourceRecord


@dataclass
class PlanState:
    catalog: Catalog
    samples: Mapping[str, Sequence[SourceRecord]]
    odoo: FieldsGet
    options: ProposeOptions
    known: Mapping[str, Collection[str]]  # model -> folded names of Odoo's existing records (judges lookups)
    links: LinkFinder
    # model -> x_ name -> type, across maps (contact and company share res.partner's x_ fields)
    planned: dict[str, dict[str, str]] = field(default_factory=dict)
    weak: set[tuple[str, str]] = field(default_factory=set)  # reservations typed without samples: a sampled column wins
    unsampled: bool = False  # the object being planned has records the sample did not read

    @classmethod
    def start(cls, catalog: Catalog, samples: Mapping[str, Sequence[SourceRecord]], odoo_fields: FieldsGet,
              options: ProposeOptions, known: Mapping[str, Collection[str]] | None = None) -> PlanState:
        return cls(catalog, samples, odoo_fields, options, known or {}, LinkFinder(catalog, samples))

    def records(self, name: str) -> Sequence[SourceRecord]:
        return self.samples.get(name) or ()

    def phone_region(self, fi: FieldInfo, recs: Sequence[SourceRecord]) -> tuple[str, float | None]:
        """The default country under which most sampled numbers are valid (local numbers need one)."""
        import phonenumbers  # only here: the library loads its metadata on import

        preferred = (self.options.default_country or "").upper()
        account = str(self.catalog.account.get("country") or "").upper()
        regions = list(dict.fromkeys(r for r in (preferred, account, "TR", "US", "GB", "DE") if len(r) == 2))
        texts = [str(r.values[fi.name]).strip() for r in recs if r.values.get(fi.name) not in (None, "")][:200]
        if not texts or not regions:
            return preferred, None
        best, best_share = regions[0], -1.0
        for region in regions:
            ok = 0
            for text in texts:
                with contextlib.suppress(phonenumbers.NumberParseException):
                    ok += phonenumbers.is_valid_number(phonenumbers.parse(text, region))
            share = ok / len(texts)
            if share > best_share + 1e-9:
                best, best_share = region, share
        return best, best_share
