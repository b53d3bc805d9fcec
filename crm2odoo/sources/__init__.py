"""Source connectors, chosen by ``[source] kind`` in crm2odoo.toml; the kinds are those of :mod:`.registry`."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm2odoo.errors import ConfigError
from crm2odoo.sources import registry
from crm2odoo.sources.base import (
    Catalog,
    FieldInfo,
    FieldProblem,
    InventoryItem,
    ObjectInfo,
    Source,
    SourceRecord,
)


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
    source_kind = registry.source_kinds().get(settings.kind)
    if source_kind is None:
        raise ConfigError([("source.kind", f"unknown kind {settings.kind!r}", "one of " + ", ".join(registry.kind_names()))])
    cls = source_kind.connector
    if isinstance(cls, str):
        module_name, class_name = cls.split(":")
        cls = getattr(importlib.import_module(module_name), class_name)
    source: Source = cls(settings)
    return source


__all__ = [
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
