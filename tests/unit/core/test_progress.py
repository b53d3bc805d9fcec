"""RateMeter: records per second over a recent window and an ETA, pinned with a fake clock."""

from __future__ import annotations

import itertools

import pytest

from crm2odoo.progress import RateMeter, format_seconds


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_steady_rate_gives_rate_and_eta() -> None:
    clock = FakeClock()
    meter = RateMeter(1000, clock=clock, window_seconds=30)
    for _ in range(10):
        clock.advance(1)
        meter.update(meter.done + 20)
    assert meter.rate() == pytest.approx(20.0)
    assert meter.eta_seconds() == pytest.approx(800 / 20)


def test_no_eta_before_a_rate_can_be_said() -> None:
    clock = FakeClock()
    meter = RateMeter(1000, clock=clock)
    assert meter.rate() is None and meter.eta_seconds() is None
    clock.advance(0.2)
    meter.update(200)  # one fast batch a fraction of a second in: no steady rate yet
    assert meter.rate() is None and meter.eta_seconds() is None


def test_no_eta_without_a_total() -> None:
    clock = FakeClock()
    meter = RateMeter(None, clock=clock)
    clock.advance(5)
    meter.update(100)
    assert meter.rate() == pytest.approx(20.0)
    assert meter.eta_seconds() is None


def test_no_eta_when_nothing_moved_for_a_whole_window() -> None:
    clock = FakeClock()
    meter = RateMeter(1000, clock=clock, window_seconds=10)
    clock.advance(2)
    meter.update(100)
    clock.advance(30)  # stalled: the old pace says nothing about when this ends
    assert meter.rate() == 0.0
    assert meter.eta_seconds() is None


def test_eta_follows_the_recent_pace_not_the_average() -> None:
    clock = FakeClock()
    meter = RateMeter(10_000, clock=clock, window_seconds=10)
    for _ in range(20):  # 100 records/s for 20 s
        clock.advance(1)
        meter.update(meter.done + 100)
    fast_eta = meter.eta_seconds()
    assert fast_eta == pytest.approx(8000 / 100)
    for _ in range(20):  # then 10 records/s: the window forgets the fast start
        clock.advance(1)
        meter.update(meter.done + 10)
    assert meter.rate() == pytest.approx(10.0)
    slow_eta = meter.eta_seconds()
    assert slow_eta == pytest.approx((10_000 - 2200) / 10)
    assert fast_eta is not None and slow_eta is not None and slow_eta > fast_eta


def test_a_stall_inside_the_window_lowers_the_rate() -> None:
    clock = FakeClock()
    meter = RateMeter(1000, clock=clock, window_seconds=10)
    for _ in range(10):
        clock.advance(1)
        meter.update(meter.done + 10)
    before = meter.eta_seconds()
    clock.advance(5)  # no batch settled for 5 s
    after = meter.eta_seconds()
    assert before is not None and after is not None and after > before


def test_eta_is_steady_across_uneven_batches() -> None:
    """Batches of uneven size at an even overall pace: the ETA moves by little from one update to the next."""
    clock = FakeClock()
    meter = RateMeter(100_000, clock=clock, window_seconds=30)
    etas: list[float] = []
    for step in range(120):
        clock.advance(0.5 if step % 2 else 1.5)
        meter.update(meter.done + (50 if step % 2 else 150))
        eta = meter.eta_seconds()
        if step >= 60 and eta is not None:
            etas.append(eta)
    jumps = [abs(a - b) / a for a, b in itertools.pairwise(etas)]
    assert max(jumps) < 0.05


def test_done_at_total_means_no_time_left() -> None:
    clock = FakeClock()
    meter = RateMeter(50, clock=clock)
    clock.advance(3)
    meter.update(50)
    assert meter.eta_seconds() == 0.0
    assert meter.elapsed() == pytest.approx(3.0)


def test_window_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateMeter(10, window_seconds=0)


def test_format_seconds() -> None:
    assert format_seconds(None) == "--:--"
    assert format_seconds(65) == "1:05"
    assert format_seconds(3723) == "1:02:03"
