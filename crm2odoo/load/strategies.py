"""One strategy per way a map's records reach Odoo, chosen by the map's ``load_kind`` (mapping/spec.py).

Every strategy takes the run's ``LoadContext`` and answers ``run`` (load one map, return its counts) and ``check_map``
(what a map loaded this way must hold, asked by validate before any record is read); its class says
whether reconcile may spot-check what it landed against the source (``reconcilable``: the records are records of
their own in Odoo) and whether the map creates records (``creates_records``: Odoo's required fields apply).
Message maps (``chatter``) load as a group, so their strategy also has ``run_group``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from crm2odoo.load import objectpass
from crm2odoo.load.actions import run_actions
from crm2odoo.load.aggregate import Aggregator, aggregate_map_problems
from crm2odoo.load.batch import Batches
from crm2odoo.load.chatter import load_chatter
from crm2odoo.load.context import LoadContext
from crm2odoo.load.diffing import encoded_size
from crm2odoo.load.dispatch import BatchDispatcher
from crm2odoo.load.objectpass import ObjectPass
from crm2odoo.load.order import LoadStep
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.load.owners import match_owners
from crm2odoo.load.payments import PaymentRegistrar, payment_map_problems
from crm2odoo.load.stages import StageArranger
from crm2odoo.load.tags import apply_tags
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.mapping.spec import LoadKind, ObjectMap
from crm2odoo.validate.runnable import record_map_problems

Fields = Mapping[str, Mapping[str, Any]]

#: contacts are grouped by company within a window of this many batches per connection (memory stays bounded)
PARENT_WINDOW_BATCHES = 4


class Strategy(Protocol):
    kind: ClassVar[LoadKind]
    reconcilable: ClassVar[bool]
    creates_records: ClassVar[bool]

    def run(self, step: LoadStep, wanted: set[str] | None, done: list[ObjectResult]) -> ObjectResult:
        """Load ``step``'s map (only the ``wanted`` source ids when given); ``done``: the maps loaded before."""
        ...

    @staticmethod
    def check_map(obj: ObjectMap, fields: Fields, creates_model: bool) -> list[str]:
        """Problems in a map loaded this way, found without reading a record (``fields``: its model's)."""
        ...


class LoadRecords:
    """Records written with our external IDs by ``load`` (or ``create`` then named), in parallel batches."""

    kind: ClassVar[LoadKind] = "records"
    reconcilable: ClassVar[bool] = True
    creates_records: ClassVar[bool] = True

    @staticmethod
    def check_map(obj: ObjectMap, fields: Fields, creates_model: bool) -> list[str]:
        return record_map_problems(obj, fields, creates_model)

    def __init__(self, ctx: LoadContext, batches: Batches) -> None:
        self.ctx, self.batches = ctx, batches

    def run(self, step: LoadStep, wanted: set[str] | None, done: list[ObjectResult]) -> ObjectResult:
        obj, ctx = step.map, self.ctx
        if obj.model == "crm.lead" and ctx.resolver.stage_layout is None:
            # stages and pipelines are in Odoo now: each pipeline gets its stages before a deal is placed
            ctx.resolver.stage_layout = StageArranger(ctx.client, ctx.schema, ctx.ledger, ctx.spec,
                                                      ctx.run_id).arrange()
        one = ObjectPass(ctx, self.batches, step, wanted, ObjectResult(obj.name, obj.model))
        # file content makes batches heavy: they are cut by size as well as by count
        binary_fields = sorted({line.target for line in obj.fields if line.target and not line.ignore
                                and one.fields_meta.get(line.target, {}).get("type") == "binary"})

        def size_of(target: TargetRecord) -> int:
            return encoded_size(target, binary_fields)

        sized = size_of if binary_fields else None
        settings = ctx.settings
        with BatchDispatcher(one.send, workers=settings.workers, batch_size=settings.batch_size,
                             max_bytes=objectpass.MAX_BATCH_BYTES, lanes=one.ordered, size_of=sized) as dispatcher:
            # children of one company are sent together: Odoo's load writes a company's values onto its new
            # contacts in one write per company in the batch, and two connections never update one company at once
            by_parent = obj.model == "res.partner" and any(
                line.target == "parent_id" and line.transform == "ref" for line in obj.fields)
            window: list[TargetRecord] = []
            for changed in one.changed(sized):
                if not by_parent:
                    for item in changed:
                        dispatcher.add(item, ctx.document_of(item) if one.ordered else None)
                    continue
                window.extend(changed)
                if len(window) >= settings.batch_size * settings.workers * PARENT_WINDOW_BATCHES:
                    _send_window(dispatcher, window)
            _send_window(dispatcher, window)
            dispatcher.finish()
        one.finish()
        return one.result


def _send_window(dispatcher: BatchDispatcher, window: list[TargetRecord]) -> None:
    window.sort(key=lambda t: str(getattr(t.vals.get("parent_id"), "source_id", "")))
    for item in window:
        dispatcher.add(item)
    window.clear()


class LoadChatter:
    """Message maps ready together, loaded as one stream so each document's chatter is in date order."""

    kind: ClassVar[LoadKind] = "chatter"
    reconcilable: ClassVar[bool] = True
    creates_records: ClassVar[bool] = True

    @staticmethod
    def check_map(obj: ObjectMap, fields: Fields, creates_model: bool) -> list[str]:
        return record_map_problems(obj, fields, creates_model)

    def __init__(self, ctx: LoadContext, batches: Batches) -> None:
        self.ctx, self.batches = ctx, batches

    def run(self, step: LoadStep, wanted: set[str] | None, done: list[ObjectResult]) -> ObjectResult:
        result = ObjectResult(step.map.name, step.map.model)
        self.run_group([step], {step.map.name: wanted}, {step.map.name: result})
        return result

    def run_group(self, group: list[LoadStep], wanted: dict[str, set[str] | None],
                  results: dict[str, ObjectResult]) -> None:
        load_chatter(self.ctx, self.batches, group, wanted, results)


class MatchUsers:
    """Owners matched to the existing internal users; nothing is created (load/owners.py)."""

    kind: ClassVar[LoadKind] = "match_users"
    reconcilable: ClassVar[bool] = False
    creates_records: ClassVar[bool] = False

    @staticmethod
    def check_map(obj: ObjectMap, fields: Fields, creates_model: bool) -> list[str]:
        return record_map_problems(obj, fields, creates_model)

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx

    def run(self, step: LoadStep, wanted: set[str] | None, done: list[ObjectResult]) -> ObjectResult:
        return match_owners(self.ctx, step.map, wanted, ObjectResult(step.map.name, step.map.model))


class ApplyTags:
    """Tags added to partners that exist (load/tags.py)."""

    kind: ClassVar[LoadKind] = "tags"
    reconcilable: ClassVar[bool] = False
    creates_records: ClassVar[bool] = False

    @staticmethod
    def check_map(obj: ObjectMap, fields: Fields, creates_model: bool) -> list[str]:
        return []  # updates existing partners: no required fields of its own

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx

    def run(self, step: LoadStep, wanted: set[str] | None, done: list[ObjectResult]) -> ObjectResult:
        return apply_tags(self.ctx, step.map, wanted, ObjectResult(step.map.name, step.map.model))


class Aggregate:
    """Totals summed onto the partners the records belong to (load/aggregate.py)."""

    kind: ClassVar[LoadKind] = "aggregate"
    reconcilable: ClassVar[bool] = False
    creates_records: ClassVar[bool] = False

    @staticmethod
    def check_map(obj: ObjectMap, fields: Fields, creates_model: bool) -> list[str]:
        return aggregate_map_problems(obj, fields)

    def __init__(self, ctx: LoadContext) -> None:
        self.ctx = ctx

    def run(self, step: LoadStep, wanted: set[str] | None, done: list[ObjectResult]) -> ObjectResult:
        return Aggregator(self.ctx).run(step.map, wanted, ObjectResult(step.map.name, step.map.model))


class RegisterPayments:
    """Payments registered through Odoo's wizard against the invoices they pay (load/payments.py)."""

    kind: ClassVar[LoadKind] = "payments"
    reconcilable: ClassVar[bool] = True
    creates_records: ClassVar[bool] = True

    @staticmethod
    def check_map(obj: ObjectMap, fields: Fields, creates_model: bool) -> list[str]:
        return payment_map_problems(obj)

    def __init__(self, ctx: LoadContext, batches: Batches) -> None:
        self.ctx, self.batches = ctx, batches

    def run(self, step: LoadStep, wanted: set[str] | None, done: list[ObjectResult]) -> ObjectResult:
        # a payment settles a posted invoice: post what is pending (invoices) before paying it
        run_actions(self.ctx, self.batches.writer, done)
        return PaymentRegistrar(self.ctx).register(step.map, wanted, ObjectResult(step.map.name, step.map.model))


STRATEGIES: dict[LoadKind, type[LoadRecords | LoadChatter | MatchUsers | ApplyTags | Aggregate | RegisterPayments]] = {
    s.kind: s for s in (LoadRecords, LoadChatter, MatchUsers, ApplyTags, Aggregate, RegisterPayments)}


def strategies_for(ctx: LoadContext, batches: Batches) -> dict[LoadKind, Strategy]:
    """One strategy per kind for a run, sharing its write path."""
    return {"records": LoadRecords(ctx, batches), "chatter": LoadChatter(ctx, batches), "match_users": MatchUsers(ctx),
            "tags": ApplyTags(ctx), "aggregate": Aggregate(ctx), "payments": RegisterPayments(ctx, batches)}


def reconcilable(kind: LoadKind) -> bool:
    """May reconcile spot-check a map of this kind against the source (are its records records of their own)?"""
    return STRATEGIES[kind].reconcilable


def creates_records(kind: LoadKind) -> bool:
    """Does a map of this kind create Odoo records (so that Odoo's required fields apply)?"""
    return STRATEGIES[kind].creates_records


def map_problems(obj: ObjectMap, fields: Fields, creates_model: bool) -> list[str]:
    """What the strategy that will load ``obj`` finds wrong with its map."""
    return STRATEGIES[obj.load_kind].check_map(obj, fields, creates_model)
