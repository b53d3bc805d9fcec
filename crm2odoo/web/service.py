"""The review page's server-side half, free of HTTP: the map as the page shows it, edits guarded by the file's
hash, approval through :func:`crm2odoo.api.approve`, and the run as the ledger has it.

mapping.yaml stays the one truth: every request reads it again, and a write happens only when the file still has
the hash the page last saw, so an edit made in an editor meanwhile is never overwritten (the page says so and
reloads instead).
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from typing import Any

import yaml

from crm2odoo import api
from crm2odoo.errors import MappingError, UserFacingError
from crm2odoo.lock import current_holder
from crm2odoo.mapping.review import KINDS, attention_items, diff_specs
from crm2odoo.mapping.spec import MappingSpec, ObjectMap, save_spec, spec_from_data
from crm2odoo.progress import expected_records, run_plan
from crm2odoo.project import Project
from crm2odoo.redact import redact
from crm2odoo.web import ledger_view
from crm2odoo.web.edits import PAGE_FIELD_TYPES, apply_edit, find_line
from crm2odoo.web.project_data import ProjectData, load_project_data, sample_values

#: attention kinds that stop approval; the page lists these lines first and in red
BLOCKING = ("required_unmapped", "unrunnable", "unknown_target")
#: `approve` names each problem as "objects.<map>: <line key> ...": the page links it to that line
_PROBLEM_LINE = re.compile(r"^objects\.([^:\s]+):\s*(?:([^\s:]+)\s*(?:->|:))?")


class Conflict(Exception):
    """mapping.yaml changed since the page read it (another editor, `crm2odoo plan`); nothing was written."""


class Refused(Exception):
    """The map cannot be approved; ``problems`` name the lines (as `crm2odoo approve` does)."""

    def __init__(self, message: str, problems: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.problems = problems


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class ReviewService:
    project: Project
    data: ProjectData

    def __post_init__(self) -> None:
        self._writing = threading.Lock()

    @classmethod
    def open(cls, project: Project) -> ReviewService:
        if not project.mapping_path.exists():
            raise UserFacingError("there is no mapping.yaml to review yet", hint="run `crm2odoo plan` first")
        return cls(project, load_project_data(project))

    # -- reading -----------------------------------------------------------------------------------------------
    def _read(self) -> tuple[MappingSpec, str]:
        raw = self.project.mapping_path.read_bytes()
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:  # a hand edit in progress: say so, the page shows it and waits
            raise MappingError(f"mapping.yaml is not valid YAML: {exc}", hint="fix the YAML syntax") from None
        return spec_from_data(data), file_hash(raw)

    def _line_view(self, obj: ObjectMap, index: int, items: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
        line = obj.fields[index]
        fields = self.data.odoo_fields.get(obj.model) or {}
        meta = fields.get(line.target or "") or {}
        first = line.sources[0] if line.sources else ""
        value_map = line.params.get("map") if line.transform == "value_map" and not line.ignore else None
        return {
            "key": line.key(), "order": index, "sources": line.sources,
            "label": self.data.source_label(obj.source_object, first),
            "custom": any(self.data.is_custom(obj.source_object, s) for s in line.sources),
            "samples": sample_values(line, self.data.samples.get(obj.source_object, [])),
            "target": None if line.ignore else line.target, "ignore": line.ignore,
            "target_type": (line.new_field.type if line.new_field else meta.get("type", "")),
            "target_required": bool(meta.get("required")),
            "new_field": line.new_field.to_data() if line.new_field else None,
            "transform": "" if line.ignore else line.transform,
            "params": {k: v for k, v in line.params.items() if k != "map"} if not line.ignore else {},
            "value_map": [[str(k), v] for k, v in value_map.items()] if isinstance(value_map, dict) else None,
            "source_options": self.data.source_options(obj.source_object, first),
            "confidence": round(line.confidence, 2), "reason": line.reason, "status": line.status,
            "attention": items.get(line.key(), []),
        }

    def _object_view(self, obj: ObjectMap, items: list[dict[str, str]]) -> dict[str, Any]:
        by_line: dict[str, list[dict[str, str]]] = {}
        for item in items:
            by_line.setdefault(item["field"], []).append(item)
        lines = [self._line_view(obj, i, by_line) for i in range(len(obj.fields))]
        rank = {kind: n for n, kind in enumerate(KINDS)}
        lines.sort(key=lambda ln: (min((rank[a["kind"]] for a in ln["attention"]), default=len(KINDS)),
                                   ln["confidence"], ln["order"]))
        keys = {ln["key"] for ln in lines}
        return {
            "name": obj.name, "source_object": obj.source_object, "model": obj.model, "enabled": obj.enabled,
            "reason": obj.reason, "count": self.data.record_count(obj.source_object),
            "attention": len({i["field"] for i in items if i["kind"] != "ignored"}),
            "blocking": len({i["field"] for i in items if i["kind"] in BLOCKING}),
            # needs of the object itself (a required field nothing fills), not tied to one line
            "notes": [i for i in items if i["field"] not in keys],
            "lines": lines,
        }

    def _approval_view(self, spec: MappingSpec) -> dict[str, Any]:
        last = ledger_view.last_approval(self.project.ledger_path)
        previous = spec_from_data(yaml.safe_load(last["mapping"])) if last else None
        state = "unapproved" if last is None else (
            "approved" if last["mapping_hash"] == spec.content_hash() else "edited")
        return {"state": state, "by": last["login"] if last else None, "at": last["approved_at"] if last else None,
                "changes": diff_specs(previous, spec) if state != "approved" else []}

    def map_view(self) -> dict[str, Any]:
        spec, digest = self._read()
        items = [{"object": i.object, "field": i.field, "kind": i.kind, "message": i.message}
                 for i in attention_items(spec, self.data.odoo_fields)]
        objects = [self._object_view(obj, [i for i in items if i["object"] == obj.name])
                   for obj in spec.objects.values()]
        models = {o.model for o in spec.objects.values()}
        fields = {m: sorted(({"name": n, "type": f.get("type", ""), "label": f.get("string", ""),
                              "required": bool(f.get("required")), "readonly": bool(f.get("readonly")),
                              "selection": [k for k, _ in f.get("selection") or [] if isinstance(k, str)]}
                             for n, f in self.data.odoo_fields.get(m, {}).items()), key=lambda f: f["name"])
                  for m in sorted(models)}
        return {"hash": digest, "objects": objects, "fields": fields, "approval": self._approval_view(spec),
                "schema_origin": self.data.schema_origin, "samples_note": self.data.samples_note,
                "odoo_version": spec.odoo_version, "source_kind": spec.source_kind,
                "field_types": list(PAGE_FIELD_TYPES)}

    # -- writing -----------------------------------------------------------------------------------------------
    def edit(self, payload: dict[str, Any], base_hash: str) -> dict[str, Any]:
        with self._writing:
            spec, digest = self._read()
            if digest != base_hash:
                raise Conflict("mapping.yaml was changed outside this page since you loaded it")
            obj, line = find_line(spec, str(payload.get("object", "")), str(payload.get("line", "")))
            first = line.sources[0] if line.sources else ""
            apply_edit(spec, payload, self.data.odoo_fields,
                       self.data.source_options(obj.source_object, first))
            save_spec(spec, self.project.mapping_path)
        return self.map_view()

    def approve(self, reviewer: str, base_hash: str) -> dict[str, Any]:
        reviewer = " ".join(reviewer.split())
        if not reviewer:
            raise Refused("type your name: the approval records who confirmed the map", [])
        with self._writing:
            spec, digest = self._read()
            if digest != base_hash:
                raise Conflict("mapping.yaml was changed outside this page since you loaded it: review it again")
            try:
                info = api.approve(self.project.root, confirm=lambda changes: True, login=reviewer)
            except MappingError as exc:
                raise Refused(redact(exc.message), _named_problems(exc.message)) from None
            if info.mapping_hash != spec.content_hash():
                raise Conflict("mapping.yaml changed while it was being approved: review it again")
        return self.map_view()

    # -- the run -----------------------------------------------------------------------------------------------
    def run_view(self) -> dict[str, Any]:
        spec, _ = self._read()
        expected = expected_records(spec.objects.values(), self.data.record_count)
        holder = current_holder(self.project.state_dir)
        enabled = spec.enabled_objects()
        run = ledger_view.run_progress(self.project.ledger_path, expected, [o.name for o in enabled],
                                       shared=run_plan(enabled, expected)["shared"])
        reports = sorted((p.name for p in self.project.reports_dir.glob("*.html")), key=_report_order) \
            if self.project.reports_dir.exists() else []
        return {"run": run, "active": holder.describe() if holder else None, "reports": reports}


#: reports in the order of the workflow; runs newest first
_REPORT_STEPS = ("discovery", "validation", "dry-run", "migrate", "reconcile", "rollback", "inventory")


def _report_order(name: str) -> tuple[int, int, str]:
    stem = name.removesuffix(".html")
    step = next((i for i, s in enumerate(_REPORT_STEPS) if stem.startswith(s)), len(_REPORT_STEPS))
    run = re.search(r"run(\d+)$", stem)
    return step, -int(run.group(1)) if run else 0, stem


def _named_problems(message: str) -> list[dict[str, str]]:
    """approve's refusal, one entry per problem, with the map and line it names when it names one."""
    problems = []
    for text in message.splitlines()[1:]:
        text = text.strip()
        if not text:
            continue
        found = _PROBLEM_LINE.match(text)
        problems.append({"object": found.group(1) if found else "", "line": (found.group(2) or "") if found else "",
                         "message": redact(text)})
    return problems


__all__ = ["BLOCKING", "Conflict", "Refused", "ReviewService", "file_hash"]
