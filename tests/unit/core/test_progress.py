"""RateMeter: records per second over a recent window and an ETA, pinned with a fake clock."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crm2odoo.cli import project_option
from crm2odoo.cli_progress import DEFAULT_INTERVAL, PlainDisplay, output_options, progress_display
from crm2odoo.load.outcomes import ObjectResult
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.progress import RateMeter, RunProgress, expected_records, format_seconds, run_plan


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


# -- the plain display (a log) and the run's overall meter ---------------------------------------------------------
def plain_display(clock: FakeClock, interval: float = 10.0) -> tuple[PlainDisplay, io.StringIO]:
    out = io.StringIO()
    return PlainDisplay(out, interval=interval, clock=clock), out


def test_plain_progress_lines_come_at_most_every_interval() -> None:
    clock = FakeClock()
    display, out = plain_display(clock, interval=10)
    display("run_plan", objects=[("contact", "res.partner", 1000), ("deal", "crm.lead", 100)])
    display("object_start", name="contact", model="res.partner", total=1000)
    for _ in range(30):  # a batch of 20 every second
        clock.advance(1)
        display("object_progress", name="contact", done=display.run.meters["contact"].done + 20, total=1000,
                quarantined=2, blocked=0)
    lines = out.getvalue().splitlines()
    assert lines[0] == "plan: 2 objects, 1,100 records"
    assert lines[1].startswith("  contact              -> res.partner (1,000 records)")
    progress = lines[2:]
    assert len(progress) == 3  # 30 s at one line per 10 s, not 30 lines
    assert progress[-1].startswith("  contact              600/1,000 (60%)  20 records/s  ETA 0:20  2 quarantined")
    assert "0/2 objects" in progress[-1]


def test_plain_display_says_blocked_not_done() -> None:
    clock = FakeClock()
    display, out = plain_display(clock, interval=0.5)
    display("object_start", name="user", model="res.users", total=3)
    clock.advance(1)
    display("object_progress", name="user", done=3, total=3, quarantined=0, blocked=0)
    display("object_done", result=ObjectResult("user", "res.users", read=3, blocked="3 owners have no Odoo user"))
    last = out.getvalue().splitlines()[-1]
    assert last == "  user                 BLOCKED: 3 owners have no Odoo user"
    assert "100%" not in last


def test_plain_display_has_no_control_codes_and_says_what_it_waits_for() -> None:
    clock = FakeClock()
    display, out = plain_display(clock)
    display("waiting", what="creating 11 fields on res.partner: Odoo reloads its registry")
    clock.advance(12.34)
    display("waiting_done", what="creating 11 fields on res.partner: Odoo reloads its registry")
    display("resume", run_id=3, state="interrupted")
    text = out.getvalue()
    assert text.splitlines() == ["  waiting: creating 11 fields on res.partner: Odoo reloads its registry ...",
                                 "  done in 12.3s: creating 11 fields on res.partner: Odoo reloads its registry",
                                 "resuming interrupted run 3"]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


def test_overall_eta_only_when_every_total_is_known() -> None:
    clock = FakeClock()
    known = RunProgress(clock=clock)
    known.plan([("contact", "res.partner", 100), ("deal", "crm.lead", 100)])
    unknown = RunProgress(clock=clock)
    unknown.plan([("contact", "res.partner", 100), ("deal", "crm.lead", None)])
    for run in (known, unknown):
        run.start("contact", 100)
    for _ in range(10):
        clock.advance(1)
        for run in (known, unknown):
            run.progress("contact", run.meters["contact"].done + 5, 100)
    assert known.overall.eta_seconds() == pytest.approx(150 / 5)
    assert unknown.overall.eta_seconds() is None
    known.end("contact")
    assert known.overall.done == 100 and known.ended == ["contact"]
    assert "1/2 objects" in known.overall_line()


def test_plain_rollback_lines_say_what_was_deleted_and_kept() -> None:
    clock = FakeClock()
    display, out = plain_display(clock)
    display("rollback_run", run_id=2)
    display("object_start", name="contact", model="res.partner", total=40)
    display("object_undone", name="contact", model="res.partner", deleted=38, kept=2)
    assert out.getvalue().splitlines() == ["undoing run 2", "  contact              -> res.partner (40 records) ...",
                                           "  contact              undone: 38 deleted, 2 kept"]
    assert display.run.ended == ["contact"]


# -- maps that split one source object by `where` ------------------------------------------------------------------
def split_tasks() -> list[ObjectMap]:
    return [ObjectMap("contact", "contact", "res.partner"),
            ObjectMap("task_open", "task", "mail.activity", where={"status": ["open"]}),
            ObjectMap("task_done", "task", "mail.message", where={"status": ["done"]})]


def test_a_map_with_where_has_no_total_but_its_object_is_counted_once_in_the_plan() -> None:
    counts = {"contact": 100, "task": 60}
    expected = expected_records(split_tasks(), counts.get)
    assert expected["contact"] == 100
    assert expected["task_open"] is None and expected["task_done"] is None  # its part: nobody can say before reading
    plan = run_plan(split_tasks(), expected)
    assert plan["objects"] == [("contact", "res.partner", 100), ("task_open", "mail.activity", None),
                               ("task_done", "mail.message", None)]
    assert plan["shared"] == [("task", 60, ["task_open", "task_done"])]
    run = RunProgress(clock=FakeClock())
    run.plan(plan["objects"], plan["shared"])
    assert run.overall.total == 160  # not 100 + 60 + 60, and not unknown


def test_without_the_shared_count_a_split_object_leaves_the_overall_eta_unknown() -> None:
    clock = FakeClock()
    run = RunProgress(clock=clock)
    run.plan(run_plan(split_tasks(), {"contact": 100, "task_open": None, "task_done": None})["objects"])
    run.start("contact", 100)
    for _ in range(10):
        clock.advance(1)
        run.progress("contact", run.meters["contact"].done + 5, 100)
    assert run.overall.total is None and run.overall.eta_seconds() is None


def test_the_overall_eta_counts_a_split_object_once_and_drops_what_no_map_took() -> None:
    clock = FakeClock()
    run = RunProgress(clock=clock)
    plan = run_plan(split_tasks(), expected_records(split_tasks(), {"contact": 100, "task": 60}.get))
    run.plan(plan["objects"], plan["shared"])
    run.start("contact", 100)
    for _ in range(10):  # 5 records a second
        clock.advance(1)
        run.progress("contact", run.meters["contact"].done + 5, 100)
    assert run.overall.eta_seconds() == pytest.approx((160 - 50) / 5)
    clock.advance(10)
    run.progress("contact", 100, 100)
    run.end("contact")
    run.start("task_open", None)
    clock.advance(4)
    open_meter = run.progress("task_open", 20, None)
    assert open_meter.total is None and open_meter.eta_seconds() is None  # no per-map ETA
    assert open_meter.rate() == pytest.approx(5.0)
    assert run.overall.eta_seconds() == pytest.approx((160 - 120) / 5)
    run.end("task_open")
    assert run.overall.total == 160  # another map may still take the rest of the tasks
    run.start("task_done", None)
    clock.advance(6)
    run.progress("task_done", 30, None)
    run.end("task_done")
    # 10 tasks matched neither map: they come off, and the run ends at its total, not short of it
    assert run.overall.total == 150 and run.overall.done == 150 and run.overall.eta_seconds() == 0.0


def test_the_log_plan_line_counts_a_split_object_once() -> None:
    display, out = plain_display(FakeClock())
    display("run_plan", **run_plan(split_tasks(), expected_records(split_tasks(), {"contact": 100, "task": 60}.get)))
    display("object_start", name="task_open", model="mail.activity", total=None)
    assert out.getvalue().splitlines() == ["plan: 3 objects, 160 records", "  task_open            -> mail.activity ..."]


# -- the pace of the log's progress lines: the option, else its variable, else crm2odoo.toml, else 10 s ------------
def test_the_progress_interval_comes_from_the_option_then_the_variable_then_the_project(tmp_path: Path) -> None:
    (tmp_path / "crm2odoo.toml").write_text("[output]\nprogress_interval = 30\n", encoding="utf-8")
    bare = tmp_path / "bare"
    bare.mkdir()
    paces: list[float] = []

    @click.command()
    @project_option
    @output_options
    def probe(project: Path) -> None:
        with progress_display() as events:
            assert isinstance(events, PlainDisplay)  # not a terminal
            paces.append(events.interval)

    def pace(root: Path, *args: str, variable: str | None = None) -> float:
        done = CliRunner().invoke(probe, ["--project", str(root), *args],
                                  env={"CRM2ODOO_PROGRESS_INTERVAL": variable})
        assert done.exit_code == 0, done.output
        return paces[-1]

    assert pace(tmp_path, "--progress-interval", "2", variable="5") == 2.0
    assert pace(tmp_path, variable="5") == 5.0
    assert pace(tmp_path) == 30.0
    assert pace(bare) == DEFAULT_INTERVAL == 10.0
