"""The plan's stage map: a global stage list reuses Odoo's stages by name; a pipeline's own stages never do (two
pipelines may each have a 'Teklif'); the choice for Odoo's unused stages is written in the plan."""

from __future__ import annotations

from crm2odoo.load.stages import StageLayout, is_lost_stage_name, place_deal
from crm2odoo.mapping.engine import RecordProblem
from crm2odoo.mapping.pipelines import settle_stage_map
from crm2odoo.mapping.spec import FieldMap, ObjectMap


def _stage_map(*targets: str) -> ObjectMap:
    return ObjectMap(name="stage", source_object="stage", model="crm.stage", reason="Stages -> crm.stage",
                     fields=[FieldMap(source=t, target=t) for t in targets])


def test_a_global_stage_list_matches_odoo_stages_by_name() -> None:
    omap = _stage_map("name", "sequence", "is_won")
    settle_stage_map(omap, source_has_pipelines=True)
    assert omap.dedupe_fields == ["name"] and omap.match_existing
    assert omap.options["unused_default_stages"] == "default_team"
    assert "unused_default_stages: default_team" in omap.reason and "keep" in omap.reason


def test_stages_of_a_pipeline_are_never_matched_by_name_alone() -> None:
    for team_field in ("team_id", "team_ids"):
        omap = _stage_map("name", team_field, "sequence")
        settle_stage_map(omap, source_has_pipelines=True)
        assert omap.dedupe_fields == [] and not omap.match_existing, team_field


def test_without_pipelines_unused_odoo_stages_are_folded_and_a_person_may_choose_otherwise() -> None:
    omap = _stage_map("name")
    settle_stage_map(omap, source_has_pipelines=False)
    assert omap.options["unused_default_stages"] == "fold"
    chosen = _stage_map("name")
    chosen.options["unused_default_stages"] = "keep"
    settle_stage_map(chosen, source_has_pipelines=True)
    assert chosen.options["unused_default_stages"] == "keep" and "unused_default_stages: keep" in chosen.reason


def test_a_stage_is_lost_by_its_words_not_by_a_part_of_a_word() -> None:
    for lost in ("Lost", "Closed - Lost", "closed_lost", "Lost (no budget)", "KAYBEDİLDİ", "Verloren"):
        assert is_lost_stage_name(lost), lost
    for other in ("Won", "Closed - Won", "Negotiation", "Lostwax Casting", "Proposal Sent", "Yeni Talep"):
        assert not is_lost_stage_name(other), other


def test_a_deal_goes_to_its_own_teams_stage_of_that_name() -> None:
    # stage 1 'Won' of no team (Odoo's), 2 'Won' of team 10, 3 'Lost' of team 10 copied as 4 for team 20
    layout = StageLayout(teams=[10, 20], copies={(3, 20): 4}, lost=frozenset({3, 4}),
                         seen_by={1: frozenset(), 2: frozenset({10}), 3: frozenset({10}), 4: frozenset({20})},
                         names={1: "Won", 2: "Won", 3: "Lost", 4: "Lost"}, own={(10, "won"): 2, (10, "lost"): 3,
                                                                                (20, "lost"): 4})
    problems: list[RecordProblem] = []
    won = {"stage_id": 1, "team_id": 10}
    place_deal(layout, won, problems)
    assert won == {"stage_id": 2, "team_id": 10, "active": True}
    lost = {"stage_id": 3, "team_id": 20, "probability": 40}
    place_deal(layout, lost, problems)
    assert lost == {"stage_id": 4, "team_id": 20, "active": False, "probability": 0}
    nowhere = {"stage_id": 3, "team_id": False}
    place_deal(layout, nowhere, problems)
    assert not problems[:-1] and "no pipeline" in problems[-1].message and nowhere["active"] is False
