"""How long deciding a CSV export's encoding takes (issue 15): the byte heuristics of ``--before`` against the
charset-normalizer detection of the working tree, on large exports.

    python bench/charset.py                      # 200 000 rows, the heuristics as they were on main
    python bench/charset.py --rows 50000 --before HEAD~3

Three exports, each ``--rows`` rows of Turkish and German names: all UTF-8; UTF-8 with one row in 500 pasted
from a Windows program (cp1254); all cp1254. Printed per export: the encoding each version decides, the best of
``--rounds`` timings of ``plan_text`` (one streaming scan of the file, the two versions in turn), and after /
before (1.0: no slower).
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import table

from crm2odoo.sources.ontraport import csv_text

MODULE = "crm2odoo/sources/ontraport/csv_text.py"
NAMES = ("Şahin Ağaç İşleri Ltd. Şti.", "Müller Straße Café", "Öztürk Tekstil A.Ş.", "Doğan Gıda", "Groß GmbH")


def module_at(ref: str) -> ModuleType:
    """``csv_text`` as it is at git ``ref``, loaded under another name beside the working tree's."""
    root = Path(__file__).resolve().parent.parent
    source = subprocess.run(["git", "show", f"{ref}:{MODULE}"], cwd=root, check=True, capture_output=True,
                            text=True).stdout
    path = Path(tempfile.mkdtemp()) / "csv_text_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("csv_text_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def write_export(path: Path, rows: int, windows_every: int) -> Path:
    """``rows`` rows in UTF-8, but every ``windows_every``-th in cp1254 (1: all of it; 0: none)."""
    with path.open("wb") as fh:
        fh.write(b"Contact ID,Name,City,Email\r\n")
        for n in range(rows):
            line = f"{n},{NAMES[n % len(NAMES)]},İzmir,user{n}@example.com\r\n"
            cp1254 = windows_every and n % windows_every == 0
            fh.write(line.encode("cp1254" if cp1254 else "utf-8"))
    return path


def best_times(plans: list[Callable[[Path], object]], path: Path, rounds: int) -> list[tuple[float, str]]:
    """The best time of each plan over ``rounds`` rounds, taken in turn so that a busy moment hits both alike, and
    what each plan decided."""
    best = [float("inf")] * len(plans)
    decided = [""] * len(plans)
    for _ in range(rounds):
        for n, plan in enumerate(plans):
            started = time.perf_counter()
            result = plan(path)
            best[n] = min(best[n], time.perf_counter() - started)
            decided[n] = str(getattr(result, "name", result))
    return list(zip(best, decided, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--before", default="main", help="git ref of the heuristics to compare with")
    parser.add_argument("--rounds", type=int, default=5, help="timings of each version, taken in turn")
    args = parser.parse_args()
    before = module_at(args.before)
    folder = Path(tempfile.mkdtemp())
    exports = {"utf-8": 0, "utf-8, 1 row in 500 cp1254": 500, "cp1254": 1}
    rows: list[list[str]] = []
    for label, every in exports.items():
        path = write_export(folder / f"{every}.csv", args.rows, every)
        (old_seconds, old_encoding), (new_seconds, new_encoding) = best_times(
            [before.plan_text, csv_text.plan_text], path, args.rounds)
        rows.append([label, f"{path.stat().st_size / 1e6:.1f} MB", old_encoding, new_encoding,
                     f"{old_seconds:.3f}s", f"{new_seconds:.3f}s", f"{new_seconds / old_seconds:.2f}"])
    print(table(["export", "size", "before decides", "after decides", "before", "after", "after/before"], rows))


if __name__ == "__main__":
    main()
