"""The one definition of success that validate, migrate and reconcile share: each verdict with its 'no'."""

from __future__ import annotations

import pytest

from crm2odoo.verdict import Shortfall, Tolerance, parse_tolerance, reason_key, top_reasons


@pytest.mark.parametrize(("value", "expected"), [
    (0, Tolerance(count=0)), (5, Tolerance(count=5)), ("5", Tolerance(count=5)), ("2%", Tolerance(share=0.02)),
    (" 2.5 % ", Tolerance(share=0.025)), (0.02, Tolerance(share=0.02)), ("100%", Tolerance(share=1.0)),
])
def test_tolerances_a_person_writes(value: object, expected: Tolerance) -> None:
    assert parse_tolerance(value) == expected


@pytest.mark.parametrize("value", [-1, "some", "120%", 1.5, True, None, [], "-3"])
def test_tolerances_that_mean_nothing_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match=r"count|share|negative"):
        parse_tolerance(value)


def test_a_count_and_a_share_allow_exactly_up_to_their_limit() -> None:
    assert Tolerance(count=0).allows(0, 100) and not Tolerance(count=0).allows(1, 100)
    assert Tolerance(count=3).allows(3, 10) and not Tolerance(count=3).allows(4, 10)
    assert Tolerance(share=0.02).allows(2, 100) and not Tolerance(share=0.02).allows(3, 100)
    assert not Tolerance(share=0.02).allows(1, 10), "2 % of 10 records is 0.2: one quarantine is over it"


def test_success_needs_nothing_quarantined_blocked_unsettled_or_unexplained() -> None:
    clean = Shortfall(read=10)
    assert clean.within(Tolerance()) and clean.lines(Tolerance()) == []
    for bad in (Shortfall(read=10, quarantined={"contact": 1}), Shortfall(read=10, blocked={"deal": "owners"}),
                Shortfall(read=10, unsettled={"note": 2}), Shortfall(read=10, unexplained={"task": 1}),
                Shortfall(read=10, conflicts=1, conflicts_stop=True)):
        assert not bad.within(Tolerance(count=5, share=None)) or bad.quarantined_total, bad
        assert not bad.within(Tolerance()), bad
        assert bad.lines(Tolerance()), "a 'no' always says why"
    assert Shortfall(read=10, conflicts=1, conflicts_stop=False).within(Tolerance()), \
        "conflicts settled by a policy (source_wins, odoo_wins) are not waiting for anyone"


def test_the_last_lines_name_counts_objects_and_top_reasons() -> None:
    shortfall = Shortfall(read=100, quarantined={"contact": 30, "deal": 10},
                          reasons=top_reasons(["email: not valid 'a@'"] * 3 + ["email: not valid 'b@'"] * 2
                                              + ["references contact 12, which is not in Odoo"] * 10))
    lines = shortfall.lines(Tolerance(count=5))
    assert lines[0] == ("40 of 100 records quarantined (contact 30, deal 10); over migration.max_quarantine "
                        "(5 records)")
    assert lines[1].split(" x ") == ["      10", "references contact N, which is not in Odoo"]
    assert lines[2].split(" x ") == ["       5", "email: not valid '…'"], "values are left out so alike reasons count"
    assert "within" in Shortfall(read=100, quarantined={"contact": 1}).lines(Tolerance(share=0.05))[0]


def test_reason_keys_drop_values_not_words() -> None:
    assert reason_key("references deal F-00002, which is not in Odoo (value 'F-00002')") == \
        "references deal F-N, which is not in Odoo (value '…')"
