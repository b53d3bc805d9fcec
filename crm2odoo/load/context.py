"""What every strategy and helper of one run shares: the Odoo it writes, the ledger, the map, the run's settings.

Strategies and helpers take a ``LoadContext`` (and record through its ``outcomes``) instead of the Loader, so no
module of load/ needs the driver (load/executor.py) and none imports it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import Interrupted
from crm2odoo.ledger.db import Ledger
from crm2odoo.load.cells import quiet_context
from crm2odoo.load.longread import watched
from crm2odoo.load.outcomes import ObjectResult, Outcomes
from crm2odoo.load.resolve import Resolver
from crm2odoo.mapping.engine import Engine, TargetRecord
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.mapping.transforms import RecordRef
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.sources.base import Source, SourceRecord

Events = Callable[..., None]


def no_events(kind: str, **data: Any) -> None:
    """The events callback of a run nobody watches."""


@dataclass(frozen=True)
class RunSettings:
    """How a run loads: batches, connections, and what a delta does with conflicts and deletions."""

    batch_size: int = 200
    #: records per call of a message map (mail.message); None: batch_size
    message_batch_size: int | None = None
    workers: int = 2
    delta: bool = False
    conflicts: str = "stop"  # stop | source_wins | odoo_wins
    delta_deletes: str = "archive"
    fallback_owner: str | None = None

    def records_per_call(self, model: str) -> int:
        """Messages have their own size: Odoo's mail.message ``create`` costs about 0.15 s a call beside ~1.3 ms a
        message (measured on 18), so they go in bigger calls than the partners' ``load``."""
        if model == "mail.message" and self.message_batch_size:
            return self.message_batch_size
        return self.batch_size


@dataclass
class LoadContext:
    client: OdooClient
    schema: Schema
    ledger: Ledger
    spec: MappingSpec
    engine: Engine
    source: Source
    run_id: int
    resolver: Resolver
    settings: RunSettings = field(default_factory=RunSettings)
    events: Events = no_events
    #: set by a signal handler: the run stops between records, after the batches in flight are settled
    stop: threading.Event = field(default_factory=threading.Event)
    #: object -> source ids an earlier run quarantined (tried again by this one)
    retry: dict[str, list[str]] = field(default_factory=dict)
    #: map name -> the records it is expected to meet (for progress; None or absent: unknown)
    totals: dict[str, int | None] = field(default_factory=dict)
    #: the context of every write: Odoo sends no mail and tracks nothing for migrated records
    context: dict[str, Any] = field(default_factory=quiet_context)
    outcomes: Outcomes = field(init=False)

    def __post_init__(self) -> None:
        self.outcomes = Outcomes(self.ledger, self.run_id, self.resolver)

    def check_stop(self) -> None:
        if self.stop.is_set():
            raise Interrupted("the run was interrupted; what was in flight has been settled")

    def records(self, obj: ObjectMap, ids: set[str] | None) -> Iterator[SourceRecord]:
        """The source's records of ``obj`` (only ``ids`` when given)."""
        if ids is not None and not ids:
            return iter(())
        return watched(self.events, self.source, obj.source_object, self.source.read(obj.source_object, ids=ids))

    def transformed(self, obj: ObjectMap, ids: set[str] | None, result: ObjectResult) -> Iterator[TargetRecord]:
        """The object's records that apply to the map, transformed; counted as read, and the ones the transform
        refused already settled as skipped or quarantined (for strategies that write other than by ``load``)."""
        for record in self.records(obj, ids):
            self.check_stop()
            if not self.engine.applies(obj, record):
                continue
            result.read += 1
            target = self.engine.transform(obj, record)
            if target.outcome != "ok":
                self.outcomes.problems(target, result)
                continue
            yield target

    def quarantine(self, obj: ObjectMap, source_id: str, reason: str, locator: str, result: ObjectResult, *,
                   xmlid: str = "", field_name: str | None = None) -> None:
        self.outcomes.quarantine(obj.name, obj.model, source_id, reason, locator, result, xmlid=xmlid,
                                 field_name=field_name)

    def document_of(self, target: TargetRecord) -> tuple[str, int] | str:
        """The record whose chatter a message goes to (its lane): the first candidate of its owner that landed."""
        for value in target.vals.values():
            if isinstance(value, RecordRef):
                for candidate in value.candidates:
                    found = self.resolver.id_of(candidate)
                    obj = self.spec.objects.get(candidate.object)
                    if found is not None and obj is not None:
                        return obj.model, found
        return target.source_id  # no owner in Odoo: it is quarantined, in any lane
