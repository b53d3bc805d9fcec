"""BatchDispatcher: balanced tails, lanes that keep order, byte-cut batches, failures surfaced."""

from __future__ import annotations

import threading
import time

import pytest

from crm2odoo.load.dispatch import BatchDispatcher
from crm2odoo.mapping.engine import TargetRecord


def record(n: int, body: str = "") -> TargetRecord:
    return TargetRecord("note", str(n), "mail.message", f"crm2odoo.note_{n}", {"body": body})


class Recorder:
    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[list[str]] = []
        self.lock = threading.Lock()
        self.delay = delay
        self.running = 0
        self.most_at_once = 0

    def __call__(self, batch: list[TargetRecord]) -> None:
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(self.delay)
        with self.lock:
            self.running -= 1
            self.batches.append([t.source_id for t in batch])


def test_the_tail_is_cut_into_one_piece_per_connection() -> None:
    send = Recorder()
    with BatchDispatcher(send, workers=2, batch_size=200, max_bytes=10**9) as dispatcher:
        for n in range(1000):
            dispatcher.add(record(n))
        dispatcher.finish()
    sizes = sorted(len(b) for b in send.batches)
    # 1,000 in 200s: four full batches, then the fifth as two halves, so both connections end together
    assert sizes == [100, 100, 200, 200, 200, 200]
    assert sorted(sid for b in send.batches for sid in b) == sorted(str(n) for n in range(1000))


def test_a_partial_tail_is_spread_and_a_tiny_one_kept_whole() -> None:
    send = Recorder()
    with BatchDispatcher(send, workers=2, batch_size=200, max_bytes=10**9) as dispatcher:
        for n in range(500):
            dispatcher.add(record(n))
        dispatcher.finish()
    assert sorted(len(b) for b in send.batches) == [50, 50, 200, 200]  # 250 a connection

    send = Recorder()
    with BatchDispatcher(send, workers=4, batch_size=200, max_bytes=10**9) as dispatcher:
        for n in range(30):
            dispatcher.add(record(n))
        dispatcher.finish()
    assert [len(b) for b in send.batches] == [30]  # not worth a call each


def test_one_connection_sends_full_batches_in_order() -> None:
    send = Recorder()
    with BatchDispatcher(send, workers=1, batch_size=3, max_bytes=10**9) as dispatcher:
        for n in range(7):
            dispatcher.add(record(n))
        dispatcher.finish()
    assert send.batches == [["0", "1", "2"], ["3", "4", "5"], ["6"]]


def test_lanes_keep_each_documents_order_and_run_side_by_side() -> None:
    send = Recorder(delay=0.02)
    documents = {n: ("res.partner", n % 7) for n in range(300)}
    with BatchDispatcher(send, workers=3, batch_size=10, max_bytes=10**9, lanes=True) as dispatcher:
        for n in range(300):
            dispatcher.add(record(n), documents[n])
        dispatcher.finish()
    assert send.most_at_once > 1, "lanes run in parallel"
    sent_order = [int(sid) for batch in send.batches for sid in batch]
    assert sorted(sent_order) == list(range(300))
    for document in set(documents.values()):
        mine = [n for n in sent_order if documents[n] == document]
        assert mine == sorted(mine), f"{document}: sent out of order"


def test_heavy_records_cut_batches_by_size() -> None:
    send = Recorder()
    with BatchDispatcher(send, workers=2, batch_size=100, max_bytes=1000,
                         size_of=lambda t: len(t.vals["body"])) as dispatcher:
        for n in range(10):
            dispatcher.add(record(n, "x" * 400))
        dispatcher.finish()
    assert all(len(b) <= 3 for b in send.batches)
    assert sum(len(b) for b in send.batches) == 10


def test_a_failing_batch_is_raised_not_lost() -> None:
    def send(batch: list[TargetRecord]) -> None:
        if any(t.source_id == "42" for t in batch):
            raise RuntimeError("Odoo down")

    with pytest.raises(RuntimeError, match="Odoo down"), \
            BatchDispatcher(send, workers=2, batch_size=10, max_bytes=10**9) as dispatcher:
        for n in range(100):
            dispatcher.add(record(n))
        dispatcher.finish()
