"""The overall time left of a run whose objects go at different speeds, with and without the paces an earlier run
measured (crm2odoo/progress.py, ledger/paces.py), replayed on a fake clock."""

from __future__ import annotations

import pytest

from crm2odoo.progress import RunProgress, time_left

#: the shape of session 12's 300,000 + 1,000,000 run, scaled down: notes slower per record than contacts
CONTACTS, NOTES = 3_000, 10_000
CONTACT_RATE, NOTE_RATE = 62.0, 37.8


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _errors_at_marks(paces: dict[str, float] | None) -> list[float]:
    """The overall ETA's error (shown / true time left - 1) at 20, 30, ... 90 % of the run's records."""
    clock = FakeClock()
    run = RunProgress(clock=clock)
    run.plan([("contact", "res.partner", CONTACTS), ("note", "mail.message", NOTES)], paces=paces)
    finish = CONTACTS / CONTACT_RATE + NOTES / NOTE_RATE
    shown: dict[int, float | None] = {}
    marks = iter(range(20, 100, 10))
    mark = next(marks)
    for name, total, rate in (("contact", CONTACTS, CONTACT_RATE), ("note", NOTES, NOTE_RATE)):
        run.start(name, total)
        done = 0.0
        while done < total:
            clock.now += 1.0
            done = min(total, done + rate)
            run.progress(name, int(done), total)
            if run.overall.done >= (CONTACTS + NOTES) * mark / 100:
                shown[mark] = run.overall.eta_seconds()
                mark = next(marks, 1000)
        run.end(name)
    assert len(shown) == 8
    return [(eta or 0.0) / (finish - at) - 1 for at, eta in zip(_times_at_marks(), shown.values(), strict=True)]


def _times_at_marks() -> list[float]:
    """When the run reaches 20, 30, ... 90 % of its records (whole seconds, as the replay steps)."""
    times, done, now = [], 0.0, 0.0
    targets = [(CONTACTS + NOTES) * m / 100 for m in range(20, 100, 10)]
    for total, rate in ((CONTACTS, CONTACT_RATE), (NOTES, NOTE_RATE)):
        left = float(total)
        while left > 0:
            now += 1.0
            step = min(left, rate)
            left -= step
            done += step
            while targets and int(done) >= targets[0]:
                targets.pop(0)
                times.append(now)
    return times


def test_without_paces_the_notes_are_promised_the_contacts_speed() -> None:
    """The failing case first: one rate for every record is far short while the faster contacts run."""
    errors = _errors_at_marks(None)
    assert errors[0] < -0.15, errors


def test_with_an_earlier_runs_paces_each_object_is_priced_at_its_own_and_the_eta_holds() -> None:
    """An earlier run on another day measured both objects 10 % off today's speeds: within 15 % at every mark."""
    paces = {"contact": 1.1 / CONTACT_RATE, "note": 0.9 / NOTE_RATE}
    errors = _errors_at_marks(paces)
    assert max(abs(e) for e in errors) < 0.15, errors


def test_an_object_without_a_pace_goes_at_the_runs_rate_and_a_running_one_at_its_own() -> None:
    assert time_left([(100, 10.0, 5.0), (50, None, 0.5), (30, None, None)], rate=3.0) == pytest.approx(
        10 + 25 + 10)
    assert time_left([(30, None, None)], rate=None) is None, "nothing to price it by: no ETA rather than a guess"
    assert time_left([(0, None, None), (20, None, 0.1)], rate=None) == pytest.approx(2.0)


def test_paces_of_objects_outside_the_plan_change_nothing() -> None:
    clock = FakeClock()
    run = RunProgress(clock=clock)
    run.plan([("contact", "res.partner", 100)], paces={"deal": 1.0})
    run.start("contact", 100)
    for _ in range(5):
        clock.now += 1
        run.progress("contact", run.meters["contact"].done + 10, 100)
    assert run.paces == {} and run.overall.eta_seconds() == pytest.approx(50 / 10)
