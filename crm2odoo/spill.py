"""A string map for per-record bookkeeping of one pass (dedupe keys, ids already read) that never fills memory.

A migration of millions of records must not keep a Python object per record: its entries live in a private
temporary SQLite file (SQLite deletes it on close) behind a small write buffer, so memory stays flat whatever
the number of records. Lookups are indexed point reads; writes go in batches.
"""

from __future__ import annotations

import pickle
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

#: entries kept in memory before they are written in one transaction
BUFFER = 2000
#: SQLite page cache of the temporary file, in KiB (negative pragma value): bounded whatever the size
CACHE_KIB = 1024
#: a Bloom filter of 2**23 bits (1 MiB) answers "never stored" without a read: most keys of a pass are new, and a
#: read per record costs a GIL hand-over while worker threads run (about 3 % false positives at a million keys)
BLOOM_BITS = 23
_HASHES = 3

T = TypeVar("T")


class SpillMap:
    """``str -> str``, like the subset of ``dict`` a one-pass dedupe needs: get, setdefault, set."""

    def __init__(self, *, buffer: int = BUFFER) -> None:
        # "" opens a temporary database in a file SQLite removes itself; it stays in the page cache while small
        self._db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
        self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID")
        self._pending: dict[str, str] = {}
        self._buffer = buffer
        self._stored = False  # nothing flushed yet: a miss in the buffer is a miss
        self._bloom = bytearray(1 << (BLOOM_BITS - 3))
        self._lock = threading.Lock()

    @staticmethod
    def _bits(key: str) -> list[int]:
        h = hash(key) & 0xFFFF_FFFF_FFFF_FFFF
        first, step, mask = h, (h >> 32) | 1, (1 << BLOOM_BITS) - 1
        return [(first + i * step) & mask for i in range(_HASHES)]

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._get(key)

    def _get(self, key: str) -> str | None:
        found = self._pending.get(key)
        if found is not None or not self._stored:
            return found
        bloom = self._bloom
        if not all(bloom[b >> 3] & (1 << (b & 7)) for b in self._bits(key)):
            return None
        row = self._db.execute("SELECT v FROM kv WHERE k=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def setdefault(self, key: str, value: str) -> str:
        with self._lock:
            found = self._get(key)
            if found is not None:
                return found
            self._put(key, value)
            return value

    def __setitem__(self, key: str, value: str) -> None:
        with self._lock:
            self._put(key, value)

    def _put(self, key: str, value: str) -> None:
        self._pending[key] = value
        for b in self._bits(key):
            self._bloom[b >> 3] |= 1 << (b & 7)
        if len(self._pending) >= self._buffer:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        self._db.execute("BEGIN")
        self._db.executemany("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", self._pending.items())
        self._db.execute("COMMIT")
        self._pending.clear()
        self._stored = True

    def items(self) -> Iterator[tuple[str, str]]:
        """Every entry, by key (code point order, as ``sorted`` gives), read from disk as it goes; no writes
        while iterating."""
        with self._lock:
            self._flush()
        for key, value in self._db.execute("SELECT k, v FROM kv ORDER BY k"):
            yield str(key), str(value)

    def close(self) -> None:
        with self._lock:
            self._pending.clear()
            self._db.close()

    def __enter__(self) -> SpillMap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: records held in memory by ``spilled_sort`` before it moves them to a temporary file
SORT_IN_MEMORY = 50_000


def spilled_sort(items: Iterable[T], key: Callable[[T], tuple[str, str]], *,
                 in_memory: int = SORT_IN_MEMORY) -> Iterator[T]:
    """``items`` sorted by ``key`` (two texts), in memory while they are few, else through a temporary SQLite
    file (SQLite deletes it on close): a message map of millions of records is sorted without holding them."""
    held: list[T] = []
    iterator = iter(items)
    for item in iterator:
        held.append(item)
        if len(held) > in_memory:
            break
    else:
        yield from sorted(held, key=key)
        return
    db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
    try:
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("CREATE TABLE items (k1 TEXT NOT NULL, k2 TEXT NOT NULL, n INTEGER PRIMARY KEY, v BLOB NOT NULL)")

        def put(chunk: list[T]) -> None:
            db.execute("BEGIN")
            db.executemany("INSERT INTO items (k1, k2, v) VALUES (?, ?, ?)",
                           [(*key(i), pickle.dumps(i, pickle.HIGHEST_PROTOCOL)) for i in chunk])
            db.execute("COMMIT")

        put(held)
        held.clear()
        for item in iterator:
            held.append(item)
            if len(held) >= BUFFER:
                put(held)
                held.clear()
        put(held)
        held.clear()
        db.execute("CREATE INDEX items_order ON items (k1, k2, n)")
        for (blob,) in db.execute("SELECT v FROM items ORDER BY k1, k2, n"):
            yield pickle.loads(blob)  # written by this very function a moment ago
    finally:
        db.close()
