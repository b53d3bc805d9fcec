"""How often the proposer picks the right target: `python bench/mapping_accuracy.py`.

Cases live in bench/data/mapping_cases.yaml: groups of source fields (one source object each) with sampled
values and the correct answer: an existing Odoo field name, ``new:<odoo type>`` or ``ignore``. The proposer runs
offline against the real Odoo 18 ``fields_get`` files shipped with the sandbox (or /work/shared/odoo-schema).

Prints top-1 accuracy for standard and for custom fields, precision among lines proposed with confidence
>= 0.9, and every miss. Exit status 1 when a target is missed (standard 97%, custom 85%, precision 98%).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crm2odoo.mapping.propose import ProposeOptions, propose  # noqa: E402
from crm2odoo.mapping.spec import FieldMap, MappingSpec  # noqa: E402
from crm2odoo.sources.base import Catalog, FieldInfo, ObjectInfo, SourceRecord  # noqa: E402

CASES = ROOT / "bench" / "data" / "mapping_cases.yaml"
SCHEMA_DIRS = (ROOT / "crm2odoo" / "sandbox" / "schema", Path("/work/shared/odoo-schema"))
TARGETS = {"standard": 0.97, "custom": 0.85, "precision": 0.98}


@dataclass
class Outcome:
    group: str
    key: str
    label: str
    custom: bool
    expected: str
    got: str
    confidence: float
    reason: str

    @property
    def ok(self) -> bool:
        return self.expected == self.got


def load_odoo_fields(version: str = "18.0") -> dict[str, dict[str, dict[str, Any]]]:
    for base in SCHEMA_DIRS:
        folder = base / version
        if folder.is_dir() and any(folder.glob("*.json")):
            out: dict[str, dict[str, dict[str, Any]]] = {}
            for path in sorted(folder.glob("*.json")):
                data = json.loads(path.read_text(encoding="utf-8"))
                out[data["model"]] = data["fields"]
            return out
    raise SystemExit(f"no Odoo schema files for {version} in {', '.join(map(str, SCHEMA_DIRS))}")


def _answer(line: FieldMap | None) -> str:
    if line is None:
        return "(no line)"
    if line.ignore:
        return "ignore"
    if line.new_field is not None:
        return f"new:{line.new_field.type}"
    return str(line.target)


def _group_catalog(group: Mapping[str, Any]) -> tuple[ObjectInfo, list[SourceRecord]]:
    fields: list[FieldInfo] = []
    columns: dict[str, list[Any]] = {}
    pk = None
    for case in group["cases"]:
        fields.append(FieldInfo(
            name=str(case["k"]), label=str(case.get("l", case["k"])), type=case.get("t", "text"),
            custom=bool(case.get("custom", group.get("custom", False))),
            options=tuple(str(o) for o in case.get("o") or ()), ref_object=case.get("ref"),
        ))
        columns[str(case["k"])] = list(case.get("v") or [])
        if case.get("pk"):
            pk = str(case["k"])
    rows = max((len(v) for v in columns.values()), default=0)
    records = []
    for i in range(rows):
        values = {k: (v[i] if i < len(v) else None) for k, v in columns.items()}
        rid = str(values[pk]) if pk and values.get(pk) is not None else f"r{i + 1}"
        records.append(SourceRecord(object=group["object"], id=rid, values=values))
    obj = ObjectInfo(name=group["object"], label=str(group.get("label", group["object"])), fields=tuple(fields),
                     custom=bool(group.get("custom_object", False)))
    return obj, records


def run(cases_path: Path = CASES) -> tuple[list[Outcome], dict[str, float]]:
    data = yaml.safe_load(cases_path.read_text(encoding="utf-8"))
    base_fields = load_odoo_fields(str(data.get("odoo_version", "18.0")))
    outcomes: list[Outcome] = []
    for group in data["groups"]:
        odoo_fields = {m: dict(f) for m, f in base_fields.items()}
        for model, extra in (group.get("odoo_extra") or {}).items():
            odoo_fields.setdefault(model, {}).update(extra)
        obj, records = _group_catalog(group)
        others = tuple(ObjectInfo(name=o, label=o, fields=()) for o in group.get("also") or ())
        catalog = Catalog(source_kind=group["source"], objects=(obj, *others))
        spec: MappingSpec = propose(catalog, {obj.name: records}, odoo_fields, system=group["source"],
                                    odoo_version="18.0", options=ProposeOptions(default_country="TR"))
        omap = spec.objects[group.get("map", obj.name)]
        for case in group["cases"]:
            key = str(case["k"])
            line = next((ln for ln in omap.fields if key in ln.sources), None)
            outcomes.append(Outcome(
                group=str(group["name"]), key=key, label=str(case.get("l", key)),
                custom=bool(case.get("custom", group.get("custom", False))), expected=str(case["e"]),
                got=_answer(line), confidence=line.confidence if line else 0.0, reason=line.reason if line else "",
            ))
    std = [o for o in outcomes if not o.custom]
    cus = [o for o in outcomes if o.custom]
    high = [o for o in outcomes if o.confidence >= 0.9]
    metrics = {
        "standard": sum(o.ok for o in std) / len(std) if std else 1.0,
        "custom": sum(o.ok for o in cus) / len(cus) if cus else 1.0,
        "precision": sum(o.ok for o in high) / len(high) if high else 1.0,
        "n_standard": float(len(std)), "n_custom": float(len(cus)), "n_high": float(len(high)),
    }
    return outcomes, metrics


def main() -> int:
    outcomes, m = run()
    print(f"standard fields : {m['standard']:.1%} top-1 of {int(m['n_standard'])} (target {TARGETS['standard']:.0%})")
    print(f"custom fields   : {m['custom']:.1%} top-1 of {int(m['n_custom'])} (target {TARGETS['custom']:.0%})")
    print(f"precision >=0.9 : {m['precision']:.1%} of {int(m['n_high'])} lines (target {TARGETS['precision']:.0%})")
    held = [o for o in outcomes if o.group.startswith("heldout")]
    if held:
        print(f"held-out wording: {sum(o.ok for o in held) / len(held):.1%} of {len(held)} "
              "(cases written after the vocabulary; included in the figures above)")
    misses = [o for o in outcomes if not o.ok]
    if misses:
        print(f"\n{len(misses)} misses:")
        for o in misses:
            print(f"  [{o.group}] {o.key} '{o.label}': expected {o.expected}, got {o.got} "
                  f"(conf {o.confidence:.2f}; {o.reason[:80]})")
    passed = all(m[k] >= t for k, t in TARGETS.items())
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
