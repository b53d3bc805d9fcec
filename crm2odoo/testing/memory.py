"""An in-memory source: a Catalog plus records. For tests and the benchmarks' generated data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator

from crm2odoo.sources.base import Catalog, SourceRecord


class MemorySource:
    kind = "memory"

    def __init__(self, catalog: Catalog, records: dict[str, list[SourceRecord]], *,
                 full_read_is_cheap: bool = False) -> None:
        self.catalog = catalog
        self.data = records
        # False by default: deltas ask for changes since the cursor, as over an API
        self.full_read_is_cheap = full_read_is_cheap

    def discover(self) -> Catalog:
        return self.catalog

    def read(self, object_name: str, *, since: dt.datetime | None = None,
             ids: Collection[str] | None = None) -> Iterator[SourceRecord]:
        for record in self.data.get(object_name, []):
            if ids is not None and record.id not in ids:
                continue
            if since is not None and record.modified_at is not None and record.modified_at < since:
                continue
            yield record

    def list_ids(self, object_name: str) -> Iterator[str]:
        return (r.id for r in self.data.get(object_name, []))

    def close(self) -> None:
        pass
