"""Ontraport REST API connector (``kind = "ontraport"``).

Reads through the generic ``/objects`` interface, one 50-row page per request, with keyset paging
(``id > last`` sorted by id) so records created or deleted mid-run do not shift pages. Field types come
from ``/objects/meta``; values are decoded by :mod:`.decode`. The request budget is shared with the
customer's other integrations, so every call goes through one :class:`RatePacer`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal

from crm2odoo.errors import SourceError
from crm2odoo.sources import SourceSettings
from crm2odoo.sources.base import Catalog, FieldProblem, InventoryItem, ObjectInfo, SourceRecord
from crm2odoo.sources.ontraport.api_http import OntraportHttp
from crm2odoo.sources.ontraport.api_plans import Clause, PlanBuilder, ReadPlan
from crm2odoo.sources.ontraport.automation import inventory_item
from crm2odoo.sources.ontraport.decode import decode_decimal, decode_row, decode_timestamp
from crm2odoo.sources.ontraport.keys import key_from_record, own_key_names
from crm2odoo.sources.ontraport.objects import DEAL_OBJECT_ID, INVENTORY_TYPES, TAG_SUBSCRIBER_ID
from crm2odoo.sources.ontraport.refusals import OntraportHttpError, OntraportShapeError
from crm2odoo.sources.ontraport.transactions import (
    PURCHASE_REFUNDED,
    line_records,
    payment_record,
    received_money,
    refund_kind,
    refund_record,
    shipping_line,
    tax_rate,
)
from crm2odoo.textnorm import fold

PAGE_SIZE = 50  # documented maximum and default of `range`
_WON = ("won",)
_LOST = ("lost",)


class OntraportApiSource:
    """The REST connector. Construct with the resolved ``[source]`` settings."""

    kind = "ontraport"
    full_read_is_cheap = False

    def __init__(self, settings: SourceSettings) -> None:
        self.http = OntraportHttp(settings)
        self.base_url = self.http.base_url
        self.pacer = self.http.pacer
        self.stats = self.http.stats  # the same dict: requests, retries, rate_limited
        self._condition_style: Literal["json", "legacy", "none"] = "json"
        self._plans: dict[str, ReadPlan] | None = None
        self._tax_rates: dict[str, float | None] | None = None  # transaction id -> its tax as % of the subtotal
        self._refunds: dict[str, Decimal] | None = None  # transaction id -> its refunded Purchases' total
        self._deal_tags: dict[str, list[str]] | None = None  # deal id -> its tag ids (Tag Subscribers)

    def __repr__(self) -> str:
        return f"OntraportApiSource(base_url={self.base_url!r})"

    def close(self) -> None:
        self.http.close()

    def discover(self) -> Catalog:
        warnings: list[str] = []
        plans, meta_all = PlanBuilder(self.http).build(warnings)
        self._plans = plans
        objects: list[ObjectInfo] = []
        for plan in plans.values():
            count: int | None = None
            if plan.kind in ("direct", "tag", "deal_tag") and plan.object_id is not None:
                count = self._count(plan.object_id, warnings)
            elif plan.kind in ("stage", "pipeline"):
                count = len(plan.options)
            depends = tuple(sorted({f.ref_object for f in plan.fields if f.ref_object and f.ref_object != plan.name
                                    and f.ref_object in plans}))
            origin = f"GET /{plan.plural}" if plan.kind == "direct" else f"derived: {plan.plural}"
            objects.append(ObjectInfo(
                name=plan.name, label=plan.label, fields=plan.fields, count=count, depends_on=depends,
                custom=plan.custom, origin=origin, supports_delta=plan.has_dlm,
            ))
        inventory = self._inventory(plans, meta_all, warnings)
        account = dict(self.http.account)
        account["base_url"] = self.base_url
        return Catalog(source_kind=self.kind, objects=tuple(objects), inventory=tuple(inventory),
                       warnings=tuple(warnings), account=account)

    def _plans_ready(self) -> dict[str, ReadPlan]:
        if self._plans is None:
            self._plans, _ = PlanBuilder(self.http).build([])
        assert self._plans is not None
        return self._plans

    def _deal_tag_ids(self) -> dict[str, list[str]]:
        if self._deal_tags is None:
            plan = ReadPlan(name="tag_subscriber", kind="direct", object_id=TAG_SUBSCRIBER_ID, label="Tag subscriber",
                         plural="TagSubscribers")
            tags: dict[str, list[str]] = {}
            for row in self._raw_rows(plan, [("object_type_id", "=", str(DEAL_OBJECT_ID))]):
                if str(row.get("object_type_id")) != str(DEAL_OBJECT_ID):
                    continue  # an API that ignored the condition
                record, tag_id = str(row.get("object_id") or ""), str(row.get("tag_id") or "")
                if record and tag_id:
                    tags.setdefault(record, []).append(tag_id)
            self._deal_tags = tags
        return self._deal_tags

    def _count(self, object_id: int, warnings: list[str]) -> int | None:
        try:
            info = self.http.get("/objects/getInfo", {"objectID": str(object_id)})
        except OntraportHttpError as err:
            warnings.append(f"count of objectID {object_id} unavailable (HTTP {err.status})")
            return None
        if isinstance(info, Mapping):
            try:
                return int(str(info.get("count")))
            except ValueError:
                return None
        return None

    def _inventory(self, plans: Mapping[str, ReadPlan], meta_all: Mapping[str, Any],
                   warnings: list[str]) -> list[InventoryItem]:
        items: list[InventoryItem] = []
        enrolled: dict[str, int] = {}
        if "campaign_enrollment" in plans:
            for row in self._raw_rows(plans["campaign_enrollment"], [], list_fields=["id", "drip_id"]):
                drip = str(row.get("drip_id") or "")
                enrolled[drip] = enrolled.get(drip, 0) + 1
        for inv in INVENTORY_TYPES:
            try:
                rows = list(self._plain_rows(inv.object_id))
            except OntraportHttpError as err:
                warnings.append(f"{inv.plural} (objectID {inv.object_id}) could not be listed for the inventory "
                                f"(HTTP {err.status}); check them in the Ontraport UI")
                continue
            for row in rows:
                items.append(inventory_item(inv, row, enrolled))
        return items

    def read(self, object_name: str, *, since: dt.datetime | None = None,
             ids: Collection[str] | None = None) -> Iterator[SourceRecord]:
        plan = self._plan(object_name)
        if plan.kind in ("stage", "pipeline"):
            yield from self._option_records(plan, ids)
            return
        if plan.kind == "lines_from_offers":
            yield from self._derived_lines(since, ids)
            return
        if plan.kind == "payments_from_invoices":
            yield from self._derived_payments(since, ids)
            return
        if plan.kind in ("tag", "deal_tag"):
            # type 14 holds tags of every object type; contact tags are the ones without another type
            for row in self._filtered_rows(plan, None, ids):
                if _tag_kind(row) == plan.kind:
                    yield self._record(plan, row)
            return
        with_deal_tags = plan.name == "deal" and any(f.name == "tags" and f.ref_object == "deal_tag"
                                                     for f in plan.fields)
        with_tax = plan.name == "invoice_line" and any(f.name == "tax_rate" for f in plan.fields)
        for row in self._filtered_rows(plan, since, ids):
            record = self._record(plan, row)
            if with_tax:
                record.values["tax_rate"] = self._transaction_tax_rates().get(str(row.get("invoice_id") or ""))
            if with_deal_tags:
                record.values["tags"] = self._deal_tag_ids().get(record.id, [])
            yield record
        if with_tax:
            # Purchases hold the products only: a shipped transaction's shipping is a line of its own
            wanted = {str(i) for i in ids} if ids is not None else None
            for line in self._shipping_lines(since):
                if wanted is None or line.id in wanted:
                    yield line

    def _shipping_lines(self, since: dt.datetime | None) -> Iterator[SourceRecord]:
        invoice = self._plan("invoice")
        for row in self._filtered_rows(invoice, since, None):
            txn = _row_id(row, invoice.id_key) or ""
            line = shipping_line(txn, row, when=_safe_stamp(row.get("date")), modified=_safe_stamp(row.get("dlm")),
                                 locator=f"GET /Transactions id={txn}")
            if line is not None:
                yield line

    def _transaction_tax_rates(self) -> dict[str, float | None]:
        if self._tax_rates is None:
            invoice = self._plan("invoice")
            rates: dict[str, float | None] = {}
            for row in self._raw_rows(invoice, [], list_fields=["id", "subtotal", "tax"]):
                tid = _row_id(row, invoice.id_key)
                if tid:
                    rates[tid] = tax_rate(row)
            self._tax_rates = rates
        return self._tax_rates

    def list_ids(self, object_name: str) -> Iterator[str]:
        plan = self._plan(object_name)
        if plan.kind in ("direct", "tag", "deal_tag"):
            for row in self._raw_rows(plan, [], list_fields=["id"] if plan.kind == "direct" else None):
                if plan.kind != "direct" and _tag_kind(row) != plan.kind:
                    continue
                rid = _row_id(row, plan.id_key)
                if rid:
                    yield rid
            if plan.name == "invoice_line" and any(f.name == "tax_rate" for f in plan.fields):
                yield from (line.id for line in self._shipping_lines(None))
            return
        for record in self.read(object_name):
            yield record.id

    def _plan(self, object_name: str) -> ReadPlan:
        plan = self._plans_ready().get(object_name)
        if plan is None:
            raise SourceError(f"object {object_name!r} is not available from this Ontraport account",
                              hint="run discover and use an object listed in the catalog")
        return plan

    def _filtered_rows(self, plan: ReadPlan, since: dt.datetime | None,
                       ids: Collection[str] | None) -> Iterator[dict[str, Any]]:
        clauses: list[Clause] = []
        if since is not None and plan.has_dlm:
            when = since if since.tzinfo is not None else since.replace(tzinfo=dt.UTC)  # naive means UTC
            clauses.append(("dlm", ">=", str(int(when.timestamp()))))
        if ids is None:
            yield from self._raw_rows(plan, clauses)
            return
        wanted = sorted({str(i) for i in ids if str(i).isdigit()}, key=int)
        for start in range(0, len(wanted), PAGE_SIZE):
            chunk = wanted[start:start + PAGE_SIZE]
            yield from self._raw_rows(plan, [*clauses, (plan.id_key, "IN", chunk)])

    def _raw_rows(self, plan: ReadPlan, clauses: list[Clause],
                  list_fields: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every row matching ``clauses``, page by page (keyset on the id while conditions work)."""
        assert plan.object_id is not None
        if not plan.key_known and not self._learn_key(plan):
            return  # the object holds no record at all
        last: str | None = None
        start = 0
        relearnt = False
        while True:
            style = self._condition_style
            params = {"objectID": str(plan.object_id), "range": str(PAGE_SIZE), "sort": plan.id_key,
                      "sortDir": "asc"}
            if list_fields:
                params["listFields"] = ",".join(plan.id_key if f == "id" else f for f in list_fields)
            if style == "none":
                params["start"] = str(start)
            else:
                params["start"] = "0"
                keyset = [*clauses, (plan.id_key, ">", last)] if last is not None else clauses
                if keyset:
                    params["condition"] = _encode_condition(keyset, style)
            try:
                page = self.http.get("/objects", params)
            except OntraportHttpError as err:
                if err.status == 400 and "sort field" in err.detail.lower() and not relearnt:
                    # sorted by a field the object lacks: its key is not what the meta suggested; ask a record
                    relearnt, before = True, plan.id_key
                    if self._learn_key(plan) and plan.id_key != before:
                        continue
                    raise
                if err.status == 400 and "condition" in params:
                    # the account's API did not accept this condition form: fall back one step and redo the page
                    self._condition_style = "legacy" if style == "json" else "none"
                    continue
                raise
            rows = _as_rows(page)
            if rows and plan.id_key not in rows[0] and not relearnt:
                # the records do not carry the key the meta suggested: a whole record shows it; page again
                relearnt, before = True, plan.id_key
                if self._learn_key(plan) and plan.id_key != before:
                    last, start = None, 0
                    continue
            for row in rows:
                if style == "none" and not _client_match(row, clauses, plan.id_key):
                    continue
                yield row
            if len(rows) < PAGE_SIZE:
                return
            last = _row_id(rows[-1], plan.id_key)
            start += len(rows)
            if last is None:
                self._condition_style = "none"

    def _learn_key(self, plan: ReadPlan) -> bool:
        """Learn ``plan.id_key`` from one record read unsorted; False when the object has no record."""
        assert plan.object_id is not None
        rows = _as_rows(self.http.get("/objects", {"objectID": str(plan.object_id), "start": "0",
                                                "range": str(PAGE_SIZE)}))
        if not rows:
            return False
        key = key_from_record(own_key_names(plan.label, plan.plural), rows, plan.meta_fields,
                              f"{plan.label} {plan.plural}")
        if key is None:
            raise OntraportShapeError(
                f"Ontraport's {plan.plural} (objectID {plan.object_id}) records carry no field that identifies them "
                f"(fields seen: {', '.join(list(rows[0])[:12])}); expected a field of whole numbers, distinct per record, such as 'id' or '<object>_id'",
                hint="Report this message (it holds no secret); meanwhile leave the object out of mapping.yaml.")
        plan.id_key, plan.key_known = key, True
        return True

    def _plain_rows(self, object_id: int) -> Iterator[dict[str, Any]]:
        """Small lists (inventory): offset paging without sort, since their id key varies."""
        start = 0
        while True:
            rows = _as_rows(self.http.get("/objects", {"objectID": str(object_id), "start": str(start),
                                                   "range": str(PAGE_SIZE)}))
            yield from rows
            if len(rows) < PAGE_SIZE:
                return
            start += len(rows)

    def _record(self, plan: ReadPlan, row: Mapping[str, Any]) -> SourceRecord:
        values, problems = decode_row(row, plan.codecs)
        rid = _row_id(row, plan.id_key)
        record_problems = [FieldProblem(f, m, raw) for f, m, raw in problems]
        if not rid:
            rid = f"row-{id(row)}"
            record_problems.append(FieldProblem(None, "the record has no id", json.dumps(row)[:200]))
        values = {"id": rid, **values}
        modified = values.get("dlm")
        return SourceRecord(object=plan.name, id=rid, values=values, locator=f"GET /{plan.plural} id={rid}",
                            modified_at=modified if isinstance(modified, dt.datetime) else None,
                            problems=record_problems)

    def _option_records(self, plan: ReadPlan, ids: Collection[str] | None) -> Iterator[SourceRecord]:
        wanted = {str(i) for i in ids} if ids is not None else None
        for n, (oid, label) in enumerate(plan.options.items(), start=1):
            if wanted is not None and oid not in wanted:
                continue
            values: dict[str, Any] = {"id": oid, "name": label, "sequence": n}
            if plan.kind == "stage":
                folded = fold(label)
                values["is_won"] = any(w in folded.split() or folded.endswith(w) for w in _WON)
                values["is_lost"] = any(w in folded.split() or folded.endswith(w) for w in _LOST)
            yield SourceRecord(object=plan.name, id=oid, values=values, locator=f"{plan.plural} id={oid}")

    def _invoice_rows(self, since: dt.datetime | None, ids: Collection[str] | None) -> Iterator[dict[str, Any]]:
        invoice = self._plan("invoice")
        parents = None if ids is None else {str(i).split("-")[0] for i in ids}
        yield from self._filtered_rows(invoice, since, parents)

    def _derived_lines(self, since: dt.datetime | None, ids: Collection[str] | None) -> Iterator[SourceRecord]:
        invoice = self._plan("invoice")
        wanted = {str(i) for i in ids} if ids is not None else None
        for row in self._invoice_rows(since, ids):
            txn = _row_id(row, invoice.id_key) or ""
            yield from line_records(txn, row, when=_safe_stamp(row.get("date")), modified=_safe_stamp(row.get("dlm")),
                                    locator=f"GET /Transactions id={txn}", wanted=wanted)

    def _derived_payments(self, since: dt.datetime | None, ids: Collection[str] | None) -> Iterator[SourceRecord]:
        invoice = self._plan("invoice")
        status_codec = invoice.codecs.get("status")
        wanted = {str(i) for i in ids} if ids is not None else None
        for row in self._invoice_rows(since, ids):
            if not received_money(row.get("status")):
                continue
            txn = _row_id(row, invoice.id_key) or ""
            label = status_codec.option_labels.get(str(row.get("status"))) if status_codec else None
            when, modified, locator = _safe_stamp(row.get("date")), _safe_stamp(row.get("dlm")), f"GET /Transactions id={txn}"
            records = [payment_record(txn, row, when=when, modified=modified, status_label=label, locator=locator)]
            if refund_kind(row.get("status")) is not None:
                refunded = self._refunded_purchases().get(txn) if refund_kind(row.get("status")) == "partial" else None
                refund = refund_record(txn, row, when=when, modified=modified, status_label=label, locator=locator,
                                       refunded=refunded)
                records += [refund] if refund is not None else []
            yield from (r for r in records if wanted is None or r.id in wanted)

    def _refunded_purchases(self) -> dict[str, Decimal]:
        """transaction id -> what its refunded Purchases (17, status refunded) come to: what a partial refund gave
        back. Empty when the account exposes no Purchases."""
        if self._refunds is None:
            self._refunds = {}
            plan = (self._plans or {}).get("invoice_line")
            if plan is not None and plan.kind == "direct":
                for row in self._raw_rows(plan, [], list_fields=["id", "invoice_id", "status", "total_price"]):
                    status = str(row.get("status") or "").strip()
                    if status not in PURCHASE_REFUNDED and fold(status) not in PURCHASE_REFUNDED:
                        continue
                    try:
                        price = decode_decimal(row.get("total_price"))
                    except ValueError:
                        continue
                    txn = str(row.get("invoice_id") or "")
                    self._refunds[txn] = self._refunds.get(txn, Decimal(0)) + (price or Decimal(0))
        return self._refunds


def _safe_stamp(raw: Any) -> dt.datetime | None:
    try:
        return decode_timestamp(raw)
    except ValueError:
        return None


def _row_id(row: Mapping[str, Any], id_key: str) -> str | None:
    for key in (id_key, "id", "tag_id", "form_id"):
        value = row.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def _tag_kind(row: Mapping[str, Any]) -> str:
    """'tag' for contact tags (no object type), 'deal_tag' for deals' (149), '' for other objects' tags."""
    kind = str(row.get("object_type_id") or "0")
    return "tag" if kind == "0" else ("deal_tag" if kind == str(DEAL_OBJECT_ID) else "")


def _as_rows(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    if isinstance(data, dict):
        # some endpoints key collections by id
        return [r for r in data.values() if isinstance(r, dict)]
    return []


def _encode_condition(clauses: list[Clause], style: str) -> str:
    if style == "legacy":
        parts = []
        for name, op, value in clauses:
            if op == "IN":
                parts.append(f"{name} IN ({','.join(str(v) for v in value)})")
            else:
                parts.append(f"{name} {op} '{value}'")
        return " AND ".join(parts)
    out: list[Any] = []
    for name, op, value in clauses:
        if out:
            out.append("AND")
        if op == "IN":
            out.append({"field": {"field": name}, "op": "IN", "value": {"list": [{"value": v} for v in value]}})
        else:
            out.append({"field": {"field": name}, "op": op, "value": {"value": value}})
    return json.dumps(out, separators=(",", ":"))


def _client_match(row: Mapping[str, Any], clauses: list[Clause], id_key: str) -> bool:
    for name, op, value in clauses:
        raw = str(row.get(name) or (row.get(id_key) if name == "id" else "") or "0")
        if op == "IN":
            if raw not in {str(v) for v in value}:
                return False
            continue
        try:
            left, right = float(raw), float(str(value))
        except ValueError:
            return False
        if not {">=": left >= right, ">": left > right, "=": left == right}.get(op, True):
            return False
    return True
