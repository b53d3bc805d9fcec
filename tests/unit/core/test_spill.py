"""SpillMap: the on-disk map behind one-pass dedupe keeps dict semantics across its write buffer."""

from __future__ import annotations

from crm2odoo.spill import SpillMap, spilled_sort


def test_setdefault_get_and_overwrite_across_flushes() -> None:
    with SpillMap(buffer=7) as seen:
        for i in range(100):
            assert seen.setdefault(f"k{i}", f"v{i}") == f"v{i}"
        for i in range(100):  # flushed ones come back from SQLite, buffered ones from memory
            assert seen.get(f"k{i}") == f"v{i}"
            assert seen.setdefault(f"k{i}", "other") == f"v{i}"
            assert f"k{i}" in seen
        assert seen.get("missing") is None
        assert "missing" not in seen
        seen["k3"] = "changed"
        assert seen.get("k3") == "changed"


def test_items_come_back_by_key_with_their_last_value() -> None:
    with SpillMap(buffer=3) as seen:
        for key in ["b", "é", "a", "c10", "c9"]:
            seen[key] = "first"
        seen["a"] = "again"  # still buffered or already on disk: the last value wins either way
        assert list(seen.items()) == [("a", "again"), ("b", "first"), ("c10", "first"), ("c9", "first"),
                                      ("é", "first")]
        assert sorted(dict(seen.items())) == [k for k, _ in seen.items()]


def test_spilled_sort_orders_through_its_file_as_in_memory() -> None:
    items = [(f"2024-01-{n % 28 + 1:02d}", str(n)) for n in range(1, 400)]
    spilled = list(spilled_sort(reversed(items), key=lambda i: i, in_memory=10))
    assert spilled == sorted(items)
    assert list(spilled_sort(items, key=lambda i: i)) == sorted(items)


def test_spilled_sort_keeps_the_arrival_order_of_equal_keys() -> None:
    items = [("2024", "1", n) for n in range(30)]
    assert [i[2] for i in spilled_sort(items, key=lambda i: (i[0], i[1]), in_memory=5)] == list(range(30))
