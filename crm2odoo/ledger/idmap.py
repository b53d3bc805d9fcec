"""source id -> Odoo id of one object's landed records: the ledger's answer, with a bounded cache in front."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping

from crm2odoo.ledger.db import Ledger

#: recently landed ids kept in memory per object; the ledger answers for the others (flat memory on any size)
ID_CACHE = 50_000


class IdMap(Mapping[str, int]):
    """source id -> Odoo id of one object's landed records.

    The ledger holds them all (indexed); memory keeps only a bounded cache of the ones landed or looked up
    recently, so a run over millions of records does not hold an entry per record.
    """

    def __init__(self, ledger: Ledger, obj: str) -> None:
        self._ledger, self._obj = ledger, obj
        self._cache: dict[str, int] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> int:
        with self._lock:
            found = self._cache.get(key)
        if found is None:
            found = self._ledger.landed_ids(self._obj, [key]).get(key)
            if found is None:
                raise KeyError(key)
            self.remember({key: found})
        return found

    def many(self, keys: Iterable[str]) -> dict[str, int]:
        """The landed ones of ``keys``, in one indexed read for those not cached."""
        out: dict[str, int] = {}
        missing: list[str] = []
        with self._lock:
            for key in keys:
                found = self._cache.get(key)
                if found is None:
                    missing.append(key)
                else:
                    out[key] = found
        if missing:
            fetched = self._ledger.landed_ids(self._obj, missing)
            self.remember(fetched)
            out.update(fetched)
        return out

    def remember(self, pairs: Mapping[str, int]) -> None:
        with self._lock:
            if len(self._cache) + len(pairs) > ID_CACHE:
                self._cache.clear()  # a fresh generation; evicted ids are still one indexed read away
            self._cache.update(pairs)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ledger.landed_source_ids(self._obj))

    def __len__(self) -> int:
        return self._ledger.landed_count(self._obj)
