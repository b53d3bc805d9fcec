"""The loader's decisions as pure functions: what changed, what an update sends, what is kept for rollback.

Nothing here talks to Odoo or the ledger; the callers (load/batch.py, load/finder.py, load/writer.py) read what
these need, and write what they decide.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.emails import is_plain_email
from crm2odoo.load.cells import same_cell
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.rules import changed_since_landed, same_stored
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.models import DEFAULT_SENSITIVE, LOG_ACCESS
from crm2odoo.sources.base import SourceRecord
from crm2odoo.textnorm import fold

FieldsMeta = Mapping[str, Mapping[str, Any]]
#: (state, content hash, Odoo id) the ledger holds for a source id (Ledger.fates)
Fate = tuple[str, str | None, int | None]

#: states of a record whose content hash says whether it is in Odoo as it is now
_HASHED_STATES = ("created", "updated", "matched", "unchanged")
#: field types a snapshot for rollback leaves out: links other records own, file content, and computed containers
_NOT_SNAPSHOT = ("one2many", "many2many", "binary", "properties", "properties_definition")


@dataclass
class Changes:
    """Which records of a batch to send, against what the ledger knows of them."""

    send: list[TargetRecord] = field(default_factory=list)
    unchanged: int = 0
    #: landed records whose content changed though their modified date is not newer than the delta's since
    unnoticed: list[TargetRecord] = field(default_factory=list)


def changed_records(targets: Iterable[TargetRecord], fates: Mapping[str, Fate],
                    undated: Collection[str] = ()) -> Changes:
    """Those of ``targets`` not already in Odoo as they are now: a landed record whose hash is the same is not.

    The hash is of the transformed record: a change of a column the map leaves out is no change, an edit of the map
    is. A landed record of ``undated`` whose hash moved is listed as unnoticed (changed without a new modified date).
    """
    out = Changes()
    for target in targets:
        state, known_hash, odoo_id = fates.get(target.source_id) or ("", None, None)
        landed = state in _HASHED_STATES and bool(odoo_id)
        if landed and known_hash == target.content_hash:
            out.unchanged += 1
            continue
        if landed and known_hash is not None and target.source_id in undated:
            out.unnoticed.append(target)
        out.send.append(target)
    return out


@dataclass
class UpdatePlan:
    """What an update of one record sends: the fields the source changed, the many2many links to add or remove, and
    the fields both the source and Odoo changed since the tool's last write (conflicts)."""

    send: dict[str, str] = field(default_factory=dict)
    relink: dict[str, list[list[int]]] = field(default_factory=dict)
    clashes: list[str] = field(default_factory=list)


def relink_commands(before: str, value: str) -> list[list[int]]:
    """many2many commands adding and removing only what the source changed: links others added stay."""
    old_ids = {int(i) for i in before.split(",") if i}
    new_ids = {int(i) for i in value.split(",") if i}
    return [[4, i] for i in sorted(new_ids - old_ids)] + [[3, i] for i in sorted(old_ids - new_ids)]


def plan_update(cells: Mapping[str, str], written: Mapping[str, Any], landed_value: Callable[[str], str | None],
                now: Mapping[str, str], fields_meta: FieldsMeta, model: str) -> UpdatePlan:
    """The three-way merge of one record: ``written`` (what the tool last sent) against the source's ``cells`` tells
    whether the source changed; the landed value (what Odoo stored after that write) against Odoo's value ``now``
    tells whether Odoo changed. A field the source did not change is not sent (an Odoo user's edit survives)."""
    sent_before = {k: str(v) for k, v in written.items()}
    plan = UpdatePlan()
    for name, value in cells.items():
        before = written.get(name)
        meta = fields_meta[name]
        if before is not None and same_cell(str(before), value, meta):
            continue
        if meta.get("type") == "many2many" and before is not None:
            plan.relink[name] = relink_commands(str(before), value)
            continue
        if before is not None and changed_since_landed(str(before), landed_value(name), now[name], meta, name,
                                                       model=model, cells=sent_before) \
                and not same_stored(value, now[name], meta, name):
            plan.clashes.append(name)
            continue
        plan.send[name] = value
    return plan


def conflict_detail(clashes: Sequence[str], stored: Mapping[str, Any], now: Mapping[str, str],
                    cells: Mapping[str, str]) -> str:
    """What the tool wrote, what Odoo has now and what the source says, per field both changed."""
    return "; ".join(f"{n}: tool wrote {str(stored.get(n))[:40]!r}, Odoo now has {now[n][:40]!r}, "
                     f"source now says {cells[n][:40]!r}" for n in clashes)


def snapshot_fields(sent: Iterable[str], fields_meta: FieldsMeta) -> list[str]:
    """The fields kept before an existing record is overwritten: every stored writable field, not only those sent,
    since Odoo recomputes others as a side effect (peppol_eas follows the country) and rollback must put those
    back too. Many2many fields only when sent: others are often the reverse side of links other records own (a
    tag's partner_ids), which no snapshot of this record can restore."""
    stored = {n for n, m in fields_meta.items() if m.get("store") and not m.get("readonly")
              and m.get("type") not in _NOT_SNAPSHOT and not n.startswith("__") and n not in LOG_ACCESS}
    return sorted((set(sent) | stored) & set(fields_meta))


def prior_values(row: Mapping[str, Any], names: Iterable[str], fields_meta: FieldsMeta) -> dict[str, Any]:
    """A record as read, in the form a ``write`` takes back (many2one as an id, many2many as a (6, 0, ids))."""
    vals: dict[str, Any] = {}
    for name in names:
        value = row.get(name)
        kind = fields_meta[name].get("type")
        if kind == "many2one":
            vals[name] = value[0] if isinstance(value, list) and value else False
        elif kind == "many2many":
            vals[name] = [[6, 0, list(value or [])]]
        else:
            vals[name] = value
    return vals


Signature = tuple[str, ...]


def write_groups(prepared: Iterable[Prepared]) -> dict[Signature, list[Prepared]]:
    """Records that can share one ``load``: those filling the same default-sensitive columns (Odoo's default must
    apply to a record that leaves one empty); a partial update exactly its own columns, or others would be cleared
    (its signature starts with ``=``)."""
    groups: dict[Signature, list[Prepared]] = {}
    for p in prepared:
        if p.full is not None:
            signature: Signature = ("=", *sorted(p.cells))
        else:
            signature = tuple(sorted(n for n in p.cells if n in DEFAULT_SENSITIVE and p.cells[n] != ""))
        groups.setdefault(signature, []).append(p)
    return groups


def group_columns(signature: Signature, group: Iterable[Prepared]) -> list[str]:
    """The columns one ``load`` of a write group sends."""
    if signature[:1] == ("=",):
        return list(signature[1:])
    return sorted({n for p in group for n in p.cells if n not in DEFAULT_SENSITIVE or n in signature})


def dedupe_key(obj: ObjectMap, vals: Mapping[str, Any]) -> str | None:
    """The map's dedupe fields, folded, as one key; None when one of them is empty (nothing to merge by)."""
    if not obj.dedupe_fields:
        return None
    parts = []
    for name in obj.dedupe_fields:
        value = vals.get(name)
        if value is None or value == "":
            return None
        parts.append(fold(str(value)))
    return "\x1f".join(parts)


def match_key(obj: ObjectMap, cells: Mapping[str, Any]) -> str:
    """The key an Odoo record (or a record's cells) is matched by: its dedupe fields folded, empty ones included."""
    return "\x1f".join(fold(str(cells.get(f) or "")) for f in obj.dedupe_fields)


def candidates_domain(field_name: str, values: Sequence[str], *, normalized_email: bool) -> list[Any]:
    """Odoo records that may equal ``values`` ignoring case; the caller keeps the exact (folded) matches.

    An email is looked up through Odoo's stored ``email_normalized`` (a plain address, lower-cased) with one ``in``:
    a clause per value (``=ilike``) has PostgreSQL test every pattern against every row. Values Odoo would not
    normalise that way (a non-ASCII local part, anything but one plain address) keep their ``=ilike`` clause, as do
    other fields.
    """
    clauses: list[Any] = []
    rest = list(values)
    if field_name == "email" and normalized_email:
        plain = sorted({v.lower() for v in values if is_plain_email(v)})
        rest = [v for v in values if not is_plain_email(v)]
        if plain:
            clauses.append(["email_normalized", "in", plain])
    clauses += [[field_name, "=ilike", v] for v in rest]
    return ["|"] * (len(clauses) - 1) + clauses


def constants_domain(obj: ObjectMap) -> list[Any]:
    """The map's constants as a search domain: a record matched must have them already."""
    return [[k, "=", v] for k, v in obj.constants.items() if isinstance(v, bool | str | int)]


def actions_for(obj: ObjectMap, record: SourceRecord) -> list[str]:
    """The map's ``options.actions`` that apply to this record: [{call, when: {source field: [values]}}]."""
    out = []
    for spec in obj.options.get("actions") or []:
        when = spec.get("when") or {}
        if all(fold(str(record.values.get(k) or "")) in {fold(str(v)) for v in values} for k, values in when.items()):
            out.append(str(spec["call"]))
    return out


def encoded_size(target: TargetRecord, binary_fields: Iterable[str]) -> int:
    """Size of a record's file content as sent (base64: 4 characters per 3 bytes)."""
    size = 0
    for name in binary_fields:
        value = target.vals.get(name)
        if isinstance(value, bytes):
            size += 4 * ((len(value) + 2) // 3)
        elif isinstance(value, str):
            size += len(value)
    return size
