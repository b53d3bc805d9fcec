"""What the review page knows about a project besides mapping.yaml: the Odoo fields each target can take, sample
values of every source field, and record counts. Gathered once when the page starts; the map itself is re-read
from the file on every request, so the file stays the one truth.

Secrets stay here: the configuration (with its ``Secret`` values) is used to connect and is never returned.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.config import load_config
from crm2odoo.errors import ConfigError, OdooError, SourceError, UserFacingError
from crm2odoo.mapping.review import mask_sample
from crm2odoo.mapping.spec import FieldMap, MappingSpec, load_spec
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.project import Project
from crm2odoo.redact import redact
from crm2odoo.sources import open_source
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.sources.catalog import load_catalog

#: the schema `plan` saved next to the ledger (see validate/approvable.py), used when Odoo does not answer
SCHEMA_SNAPSHOT = "odoo-schema.json"
SAMPLE_RECORDS = 60
SAMPLE_VALUES = 5
SAMPLE_WIDTH = 48
#: sources read from files are counted by reading them whole; an API source is counted only if it says cheaply
_COUNTED_KINDS = ("ontraport-csv", "planports-xlsx")

OdooFields = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass
class ProjectData:
    odoo_fields: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    schema_origin: str = "no Odoo schema at hand: targets are not checked"
    samples: dict[str, list[SourceRecord]] = field(default_factory=dict)  # by source object
    samples_note: str = ""
    catalog: Catalog | None = None
    counted: dict[str, int] = field(default_factory=dict)  # records per source object, read when sampling

    def record_count(self, source_object: str) -> int | None:
        found = self.catalog.object(source_object) if self.catalog else None
        if found is not None and found.count is not None:
            return found.count
        return self.counted.get(source_object)

    def is_custom(self, source_object: str, source_field: str) -> bool:
        found = self.catalog.object(source_object) if self.catalog else None
        info = found.field(source_field) if found else None
        return bool(info and info.custom)

    def source_label(self, source_object: str, source_field: str) -> str:
        found = self.catalog.object(source_object) if self.catalog else None
        info = found.field(source_field) if found else None
        return info.label if info else ""

    def source_options(self, source_object: str, source_field: str) -> list[str]:
        found = self.catalog.object(source_object) if self.catalog else None
        info = found.field(source_field) if found else None
        return list(info.options) if info else []


def _live_schema(project: Project, models: list[str]) -> tuple[dict[str, dict[str, dict[str, Any]]], str]:
    config = load_config(project.root)
    # a page that waits a minute for an Odoo that is down helps nobody: one quick try, then the snapshot
    settings = dataclasses.replace(config.odoo, max_retries=0, timeout=min(config.odoo.timeout, 20.0))
    client = OdooClient(settings)
    try:
        schema = Schema(client)
        fields = schema.all_fields(models)
        return {m: {n: dict(meta) for n, meta in f.items()} for m, f in fields.items()}, f"live Odoo {schema.version} at {settings.url}"
    finally:
        client.close()


def load_schema(project: Project, models: Iterable[str]) -> tuple[dict[str, dict[str, dict[str, Any]]], str]:
    """(fields per model, where they came from): the live Odoo, else the schema `plan` used."""
    wanted = sorted(set(models))
    try:
        return _live_schema(project, wanted)
    except ConfigError as exc:
        why = redact(exc.message)
    except OdooError:
        why = "Odoo did not answer"
    snapshot = project.state_dir / SCHEMA_SNAPSHOT
    if not snapshot.exists():
        return {}, f"{why}, and `plan` saved no schema: targets are not checked"
    data = json.loads(snapshot.read_text(encoding="utf-8"))
    fields = {m: f for m, f in data.get("fields", {}).items() if m in wanted}
    return fields, f"the schema `crm2odoo plan` used ({why})"


def load_samples(project: Project, objects: Iterable[str], data: ProjectData) -> None:
    """The first records of each source object, read once (files are read whole, to count them); a source that
    cannot be read leaves a note instead."""
    try:
        settings = load_config(project.root).source
        source = open_source(settings)
    except UserFacingError as exc:
        data.samples_note = f"no sample values: {redact(exc.message)}"
        return
    count_all = settings.kind in _COUNTED_KINDS
    try:
        for name in sorted(set(objects)):
            rows: list[SourceRecord] = []
            seen = 0
            for record in source.read(name):
                seen += 1
                if len(rows) < SAMPLE_RECORDS:
                    rows.append(record)
                elif not count_all:
                    break
            data.samples[name] = rows
            if count_all:
                data.counted[name] = seen
    except (SourceError, UserFacingError) as exc:
        data.samples_note = f"some sample values are missing: {redact(exc.message)}"
    finally:
        source.close()


def load_project_data(project: Project) -> ProjectData:
    spec: MappingSpec = load_spec(project.mapping_path)
    data = ProjectData()
    if project.catalog_path.exists():
        data.catalog = load_catalog(project.catalog_path)
    data.odoo_fields, data.schema_origin = load_schema(project, (o.model for o in spec.objects.values()))
    load_samples(project, {o.source_object for o in spec.objects.values()}, data)
    return data


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SAMPLE_WIDTH else text[: SAMPLE_WIDTH - 1] + "…"


def sample_values(line: FieldMap, records: Iterable[SourceRecord]) -> list[str]:
    """Up to five distinct values of the line's source fields, masked as the terminal review masks them."""
    shown: list[str] = []
    for record in records:
        values = [record.values.get(s) for s in line.sources]
        present = [v for v in values if v not in (None, "", [])]
        if not present:
            continue
        text = _cut(" ".join(mask_sample(v, line.transform) for v in present))
        if text not in shown:
            shown.append(text)
        if len(shown) >= SAMPLE_VALUES:
            break
    return shown


__all__ = ["ProjectData", "load_project_data", "load_samples", "load_schema", "sample_values"]
