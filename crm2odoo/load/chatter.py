"""A record's chatter in date order, whichever maps its messages come from.

Odoo's web client shows a thread's messages sorted by id (mail thread_model.js on 17, 18 and 19; the server's
_message_fetch orders by id too), so on a document a message's id must grow with its date. Notes, done tasks,
logged calls and e-mails are separate maps writing mail.message on the same documents: loaded one map after the
other, every note would be older in id than every done task whatever their dates. So the message maps that are
ready together are loaded as one group:

* each map keeps its own pass (its reading, duplicates, ledger check, results and ledger rows under its name);
* their records are merged by (date, map order, source id), each map's stream being in date order already;
* one dispatcher sends them in lanes, a document's messages always in the same lane, in that order;
* a batch of the merged stream is cut into *runs*, each of one map and one column signature (the columns whose
  emptiness Odoo fills itself are sent together, load/rules.py), such that a document's messages are sent in
  order: a message goes to the first run of its kind not before the run of the document's previous message.
  Messages of many documents share a run, so batches stay full unless one document's history alternates
  within a single batch.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable, Hashable, Iterator

from crm2odoo.load import objectpass
from crm2odoo.load.batch import Batches
from crm2odoo.load.context import LoadContext
from crm2odoo.load.dispatch import BatchDispatcher
from crm2odoo.load.objectpass import ObjectPass, chatter_date
from crm2odoo.load.order import LoadStep
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.models import DEFAULT_SENSITIVE

RunKey = tuple[str, frozenset[str]]


def is_chatter(obj: ObjectMap) -> bool:
    """A map whose records are chatter messages written by the ordinary load."""
    return obj.load_kind == "chatter"


def chatter_group(steps: list[LoadStep], index: int, processed: set[str], blocked: set[str],
                  selected: Callable[[ObjectMap], bool]) -> list[LoadStep]:
    """The message map at ``index`` and every later selected one whose dependencies are loaded already (or in the
    group): they can load together now. A message map that waits for another map keeps its own place."""
    group = [steps[index]]
    ready = (processed | {steps[index].map.name}) - blocked
    for step in steps[index + 1:]:
        if is_chatter(step.map) and selected(step.map) and set(step.depends_on) <= ready:
            group.append(step)
            ready.add(step.map.name)
    return group


def run_key(target: TargetRecord) -> RunKey:
    """What must be equal for records to share one write: their map and which default-sensitive columns they fill."""
    return target.map_name, frozenset(n for n in DEFAULT_SENSITIVE if target.vals.get(n) not in (None, "", False))


def runs(batch: list[TargetRecord], document: Callable[[TargetRecord], Hashable]) -> list[list[TargetRecord]]:
    """``batch`` cut into runs of one kind, sent in sequence, keeping each document's messages in batch order."""
    layers: list[tuple[RunKey, list[TargetRecord]]] = []
    at: dict[Hashable, int] = {}  # document -> run of its latest message
    for target in batch:
        doc, key = document(target), run_key(target)
        index = next((i for i in range(at.get(doc, 0), len(layers)) if layers[i][0] == key), len(layers))
        if index == len(layers):
            layers.append((key, []))
        layers[index][1].append(target)
        at[doc] = index
    return [records for _, records in layers]


def merged(passes: list[ObjectPass]) -> Iterator[TargetRecord]:
    """The passes' records to send, oldest first; a tie goes to the map loaded first, then the source id."""
    rank = {p.obj.name: n for n, p in enumerate(passes)}
    streams = [(t for changed in p.changed() for t in changed) for p in passes]
    return heapq.merge(*streams, key=lambda t: (chatter_date(t), rank[t.map_name], t.source_id))


def load_chatter(ctx: LoadContext, batches: Batches, group: list[LoadStep], wanted: dict[str, set[str] | None],
                 results: dict[str, ObjectResult]) -> None:
    """Load the group's maps as one stream; each map's results go to ``results[name]``."""
    passes = [ObjectPass(ctx, batches, step, wanted[step.map.name], results[step.map.name]) for step in group]
    by_name = {p.obj.name: p for p in passes}
    documents: dict[tuple[str, str], Hashable] = {}  # the lane of each record in flight, found once
    lock = threading.Lock()

    def document_of(target: TargetRecord) -> Hashable:
        with lock:
            return documents.pop((target.map_name, target.source_id))

    def send(batch: list[TargetRecord]) -> None:
        for run in runs(batch, document_of):
            by_name[run[0].map_name].send(run)

    with BatchDispatcher(send, workers=ctx.settings.workers, batch_size=ctx.settings.records_per_call("mail.message"),
                         max_bytes=objectpass.MAX_BATCH_BYTES, lanes=True) as dispatcher:
        for target in merged(passes):
            document = ctx.document_of(target)
            with lock:
                documents[(target.map_name, target.source_id)] = document
            dispatcher.add(target, document)
        dispatcher.finish()
    for p in passes:
        p.finish()
