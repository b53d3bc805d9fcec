"""Source connectors, chosen by ``[source] kind`` in crm2odoo.toml."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.errors import ConfigError
from crm2odoo.sources.base import (
    Catalog,
    FieldInfo,
    FieldProblem,
    InventoryItem,
    ObjectInfo,
    Source,
    SourceRecord,
)

#: kind -> "module:Class". Each class is constructed as ``Class(settings: SourceSettings)``.
CONNECTORS: dict[str, str] = {
    "ontraport": "crm2odoo.sources.ontraport.api:OntraportApiSource",
    "ontraport-csv": "crm2odoo.sources.ontraport.csv_export:OntraportCsvSource",
    "planports-xlsx": "crm2odoo.sources.planports.workbook:PlanportsWorkbookSource",
    "planports-api": "crm2odoo.sources.planports.api:PlanportsApiSource",
}

#: The short name of each kind's system, used in external IDs (crm2odoo.<system>_<object>_<id>).
SYSTEM_OF_KIND: dict[str, str] = {
    "ontraport": "ontraport",
    "ontraport-csv": "ontraport",
    "planports-xlsx": "planports",
    "planports-api": "planports",
}


@dataclass(frozen=True)
class SourceSettings:
    """The resolved ``[source]`` table. Secret values are :class:`crm2odoo.redact.Secret` objects."""

    kind: str
    values: Mapping[str, Any]
    base_dir: Path  # the project folder; relative paths in values are relative to it
    options: Mapping[str, Any] = field(default_factory=dict)  # runtime knobs (timeouts, page size) for tests

    def path(self, key: str = "path") -> Path:
        raw = self.values.get(key)
        if not raw:
            raise ConfigError([(f"source.{key}", "is required for kind " + self.kind, f'{key} = "exports/"')])
        p = Path(str(raw)).expanduser()
        return p if p.is_absolute() else self.base_dir / p


def open_source(settings: SourceSettings) -> Source:
    """Construct the connector for ``settings.kind``."""
    target = CONNECTORS.get(settings.kind)
    if target is None:
        raise ConfigError([("source.kind", f"unknown kind {settings.kind!r}", "one of " + ", ".join(CONNECTORS))])
    module_name, class_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    source: Source = cls(settings)
    return source


__all__ = [
    "CONNECTORS",
    "SYSTEM_OF_KIND",
    "Catalog",
    "FieldInfo",
    "FieldProblem",
    "InventoryItem",
    "ObjectInfo",
    "Source",
    "SourceRecord",
    "SourceSettings",
    "open_source",
]
