"""Saving a discovered Catalog in the project (.crm2odoo/catalog.json) and reading it back."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from crm2odoo.sources.base import Catalog, FieldInfo, InventoryItem, ObjectInfo


def catalog_to_data(catalog: Catalog) -> dict[str, Any]:
    return asdict(catalog)


def catalog_from_data(data: dict[str, Any]) -> Catalog:
    objects = tuple(
        ObjectInfo(
            **{**o, "fields": tuple(FieldInfo(**{**f, "options": tuple(f.get("options") or ())}) for f in o["fields"]),
               "depends_on": tuple(o.get("depends_on") or ())}
        )
        for o in data["objects"]
    )
    inventory = tuple(InventoryItem(**i) for i in data.get("inventory") or ())
    return Catalog(source_kind=data["source_kind"], objects=objects, inventory=inventory,
                   warnings=tuple(data.get("warnings") or ()), account=dict(data.get("account") or {}))


def save_catalog(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(catalog_to_data(catalog), indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


def load_catalog(path: Path) -> Catalog:
    return catalog_from_data(json.loads(path.read_text(encoding="utf-8")))
