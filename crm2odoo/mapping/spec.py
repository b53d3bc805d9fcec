"""mapping.yaml: the whole, reviewable truth of how source records become Odoo records.

Shape (YAML)::

    version: 1
    source_kind: ontraport
    system: ontraport            # used in external IDs: crm2odoo.<system>_<object>_<id>
    odoo_version: "18.0"
    owners:
      fallback_login: null       # login of the user that gets records whose owner has no Odoo user
    objects:
      contact:                   # the map key; also the <object> part of external IDs
        source_object: contact   # canonical source object (sources/base.py)
        model: res.partner
        where: null              # optional {source_field: [values]} to route part of an object here
        dedupe: {fields: [email], match_existing: true}
        constants: {is_company: false, type: contact}
        on_error: quarantine     # stop | skip | quarantine (per-record problems)
        options: {}
        fields:
          - source: email
            target: email
            transform: email
            params: {}
            confidence: 0.98
            reason: "label 'Email'; 100% of 50 sampled values are emails"
            status: proposed     # proposed | confirmed | edited
          - source: f1234
            target: x_referral_source
            new_field: {type: selection, label: Referral source, options: [[google, Google], [friend, Friend]]}
            transform: value_map
            params: {map: {Google: google, "A friend": friend}}
          - source: f9999
            ignore: true
            reason: "internal Ontraport counter"

Transforms and their parameters are listed in :mod:`crm2odoo.mapping.transforms`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import yaml

from crm2odoo.errors import MappingError

OnError = Literal["stop", "skip", "quarantine"]
ON_ERROR_VALUES: tuple[str, ...] = get_args(OnError)
FieldOnError = Literal["stop", "skip", "quarantine", "set_empty"]
FIELD_ON_ERROR_VALUES: tuple[str, ...] = get_args(FieldOnError)
LineStatus = Literal["proposed", "confirmed", "edited"]
#: how a map's records reach Odoo (load/strategies.py has one strategy per kind): ``records`` written with external
#: IDs, ``chatter`` the same for messages (loaded together so a document's history stays in date order),
#: ``match_users`` owners matched to existing users, ``tags`` tags added to existing partners, ``aggregate`` totals
#: summed onto partners, ``payments`` registered through Odoo's wizard
LoadKind = Literal["records", "chatter", "match_users", "tags", "aggregate", "payments"]
#: the mapping.yaml option that chooses each kind that is not the default
KIND_OPTIONS: dict[str, LoadKind] = {"match_only": "match_users", "apply_tags": "tags", "aggregate": "aggregate",
                                     "register_payments": "payments"}
LINE_STATUSES: tuple[str, ...] = get_args(LineStatus)
NewFieldType = Literal[
    "char", "text", "html", "integer", "float", "monetary", "date", "datetime", "boolean",
    "selection", "many2one", "many2many",
]
NEW_FIELD_TYPES: tuple[str, ...] = get_args(NewFieldType)
SPEC_VERSION = 1


@dataclass
class NewField:
    """A custom ``x_`` field the tool creates in Odoo before loading."""

    type: str
    label: str
    options: list[tuple[str, str]] = field(default_factory=list)  # selection (key, label)
    relation: str | None = None  # many2one / many2many target model

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "label": self.label}
        if self.options:
            data["options"] = [[k, v] for k, v in self.options]
        if self.relation:
            data["relation"] = self.relation
        return data


@dataclass
class FieldMap:
    """One line of the map: source field(s) -> Odoo field, through a transform."""

    source: str | list[str] | None
    target: str | None = None
    transform: str = "copy"
    params: dict[str, Any] = field(default_factory=dict)
    on_error: FieldOnError | None = None  # None: the object's policy
    new_field: NewField | None = None
    ignore: bool = False
    confidence: float = 1.0
    reason: str = ""
    status: LineStatus = "proposed"

    @property
    def sources(self) -> list[str]:
        if self.source is None:
            return []
        return [self.source] if isinstance(self.source, str) else list(self.source)

    @property
    def reads(self) -> list[str]:
        """The source fields its transform reads: its own, then those it falls back to where they are empty
        (``params.fallbacks``: [[source field, label], ...]); a fallback column keeps its own line too."""
        extra = [str(pair[0]) for pair in self.params.get("fallbacks") or [] if isinstance(pair, list | tuple) and pair]
        return [*self.sources, *extra]

    def key(self) -> str:
        """Identity of a line across re-plans: its source field(s), or its target for constants."""
        return "+".join(self.sources) if self.sources else f"={self.target}"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source}
        if self.ignore:
            data["ignore"] = True
        else:
            data["target"] = self.target
            data["transform"] = self.transform
            if self.params:
                data["params"] = self.params
            if self.on_error:
                data["on_error"] = self.on_error
            if self.new_field:
                data["new_field"] = self.new_field.to_data()
        data["confidence"] = round(self.confidence, 2)
        if self.reason:
            data["reason"] = self.reason
        data["status"] = self.status
        return data


@dataclass
class ObjectMap:
    """How one source object (or a routed part of it) becomes records of one Odoo model."""

    name: str
    source_object: str
    model: str
    fields: list[FieldMap] = field(default_factory=list)
    constants: dict[str, Any] = field(default_factory=dict)
    dedupe_fields: list[str] = field(default_factory=list)  # Odoo fields forming the dedupe key
    match_existing: bool = False  # update an Odoo record with the same dedupe key instead of creating
    where: dict[str, list[str]] | None = None
    on_error: OnError = "quarantine"
    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    new_model: dict[str, Any] | None = None  # {label: ...} when model is an x_ model the tool creates
    confidence: float = 1.0
    reason: str = ""
    status: LineStatus = "proposed"

    @property
    def load_kind(self) -> LoadKind:
        """How this map's records reach Odoo, from its options (the first of KIND_OPTIONS it sets)."""
        for option, kind in KIND_OPTIONS.items():
            if self.options.get(option):
                return kind
        return "chatter" if self.model == "mail.message" else "records"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source_object": self.source_object, "model": self.model}
        if not self.enabled:
            data["enabled"] = False
        if self.new_model:
            data["new_model"] = self.new_model
        if self.where:
            data["where"] = self.where
        if self.dedupe_fields:
            data["dedupe"] = {"fields": self.dedupe_fields, "match_existing": self.match_existing}
        if self.constants:
            data["constants"] = self.constants
        data["on_error"] = self.on_error
        if self.options:
            data["options"] = self.options
        data["confidence"] = round(self.confidence, 2)
        if self.reason:
            data["reason"] = self.reason
        data["status"] = self.status
        data["fields"] = [f.to_data() for f in self.fields]
        return data


@dataclass
class MappingSpec:
    source_kind: str
    system: str
    odoo_version: str
    objects: dict[str, ObjectMap] = field(default_factory=dict)
    fallback_owner_login: str | None = None
    version: int = SPEC_VERSION

    def to_data(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "source_kind": self.source_kind,
            "system": self.system,
            "odoo_version": self.odoo_version,
            "owners": {"fallback_login": self.fallback_owner_login},
            "objects": {name: obj.to_data() for name, obj in self.objects.items()},
        }

    def content_hash(self) -> str:
        """Hash of the map's meaning (not its formatting): what approval is bound to.

        ``status``, ``confidence`` and ``reason`` are review annotations, not behaviour, so changing them does
        not invalidate an approval; every other edit does.
        """
        data = self.to_data()
        for obj in data["objects"].values():
            for key in ("status", "confidence", "reason"):
                obj.pop(key, None)
            for line in obj["fields"]:
                for key in ("status", "confidence", "reason"):
                    line.pop(key, None)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def enabled_objects(self) -> list[ObjectMap]:
        return [o for o in self.objects.values() if o.enabled]


def _problem(path: str, message: str) -> MappingError:
    return MappingError(f"mapping.yaml: {path}: {message}", hint="edit mapping.yaml or re-run `crm2odoo plan`")


def _new_field(path: str, raw: Any) -> NewField | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or raw.get("type") not in NEW_FIELD_TYPES:
        raise _problem(path, f"new_field needs a type, one of {', '.join(NEW_FIELD_TYPES)}")
    options = [(str(k), str(v)) for k, v in raw.get("options") or []]
    return NewField(type=raw["type"], label=str(raw.get("label") or ""), options=options,
                    relation=raw.get("relation"))


def _field_map(path: str, raw: Any) -> FieldMap:
    if not isinstance(raw, dict) or "source" not in raw:
        raise _problem(path, "each field line needs a 'source' (null for constants)")
    status = raw.get("status", "proposed")
    if status not in LINE_STATUSES:
        raise _problem(path, f"status must be one of {', '.join(LINE_STATUSES)}")
    on_error = raw.get("on_error")
    if on_error is not None and on_error not in FIELD_ON_ERROR_VALUES:
        raise _problem(path, f"on_error must be one of {', '.join(FIELD_ON_ERROR_VALUES)}")
    ignore = bool(raw.get("ignore", False))
    target = raw.get("target")
    if not ignore and not target:
        raise _problem(path, "a line that is not ignored needs a target")
    source = raw["source"]
    if source is not None and not isinstance(source, str | list):
        raise _problem(path, "source must be a field name, a list of names, or null")
    return FieldMap(
        source=source,
        target=target,
        transform=str(raw.get("transform", "copy")),
        params=dict(raw.get("params") or {}),
        on_error=on_error,
        new_field=_new_field(path, raw.get("new_field")),
        ignore=ignore,
        confidence=float(raw.get("confidence", 1.0)),
        reason=str(raw.get("reason", "")),
        status=status,
    )


def _object_map(name: str, raw: Any) -> ObjectMap:
    path = f"objects.{name}"
    if not isinstance(raw, dict) or not raw.get("model") or not raw.get("source_object"):
        raise _problem(path, "needs source_object and model")
    on_error = raw.get("on_error", "quarantine")
    if on_error not in ON_ERROR_VALUES:
        raise _problem(path, f"on_error must be one of {', '.join(ON_ERROR_VALUES)}")
    dedupe = raw.get("dedupe") or {}
    fields = [_field_map(f"{path}.fields[{i}]", line) for i, line in enumerate(raw.get("fields") or [])]
    return ObjectMap(
        name=name,
        source_object=str(raw["source_object"]),
        model=str(raw["model"]),
        fields=fields,
        constants=dict(raw.get("constants") or {}),
        dedupe_fields=list(dedupe.get("fields") or []),
        match_existing=bool(dedupe.get("match_existing", False)),
        where=raw.get("where"),
        on_error=on_error,
        enabled=bool(raw.get("enabled", True)),
        options=dict(raw.get("options") or {}),
        new_model=raw.get("new_model"),
        confidence=float(raw.get("confidence", 1.0)),
        reason=str(raw.get("reason", "")),
        status=raw.get("status", "proposed"),
    )


def spec_from_data(data: Any) -> MappingSpec:
    if not isinstance(data, dict):
        raise _problem("(top)", "expected a mapping with 'objects'")
    if data.get("version", SPEC_VERSION) != SPEC_VERSION:
        raise _problem("version", f"this crm2odoo reads version {SPEC_VERSION}")
    objects = data.get("objects")
    if objects is None:
        objects = {}
    if not isinstance(objects, dict):
        raise _problem("objects", "expected a table of object maps")
    owners = data.get("owners") or {}
    return MappingSpec(
        source_kind=str(data.get("source_kind", "")),
        system=str(data.get("system", "")),
        odoo_version=str(data.get("odoo_version", "")),
        objects={str(name): _object_map(str(name), raw) for name, raw in objects.items()},
        fallback_owner_login=owners.get("fallback_login"),
    )


HEADER = (
    "# crm2odoo field map. The tool proposed it; you confirm it with `crm2odoo approve`.\n"
    "# Edit any line: change a target, a transform or its params, set `ignore: true`, or change on_error.\n"
    "# Re-running `crm2odoo plan` keeps every line you edited or confirmed and proposes only for new fields.\n"
    "# Any edit after approval needs a new `crm2odoo approve` before records move.\n"
)


def dump_spec(spec: MappingSpec) -> str:
    return HEADER + yaml.safe_dump(spec.to_data(), sort_keys=False, allow_unicode=True, width=110)


def load_spec(path: Path) -> MappingSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"{path} does not exist", hint="run `crm2odoo plan` first") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"{path} is not valid YAML: {exc}", hint="fix the YAML syntax") from None
    return spec_from_data(data)


def save_spec(spec: MappingSpec, path: Path) -> None:
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(dump_spec(spec), encoding="utf-8")
    tmp.replace(path)
