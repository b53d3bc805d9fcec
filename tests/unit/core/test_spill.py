"""SpillMap: the on-disk map behind one-pass dedupe keeps dict semantics across its write buffer."""

from __future__ import annotations

from crm2odoo.spill import SpillMap


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
