"""Each source pipeline shows its own stages in Odoo, and a deal sits in a stage of its own pipeline.

Odoo's pipeline view of a team lists the stages of that team plus every stage of no team
(crm_lead.py ``_read_group_stage_ids``: ``team_id = False or team_id = T`` on 17/18, ``team_ids`` on 19). So:

* a source with one global stage list and a pipeline field (Ontraport) gets that list in every pipeline: on 19 one
  stage shared by all the migration's teams (``team_ids``), on 17/18 (one ``team_id`` per stage) the first team
  takes the stage the map loaded and each other team gets a copy of it;
* a source whose stages belong to a pipeline (Planports) already loads them with their team;
* Odoo's own stages of no team that no source stage reused would show in every migrated pipeline: the map's
  ``options.unused_default_stages`` says what to do with them (``keep``, ``fold``, or ``default_team``: give them
  to Odoo's own "Sales" team). Every write to a record that existed before keeps its prior value for rollback.

Lost stages (by name: Lost, Closed Lost, Kaybedildi...) make their deals lost as Odoo's "Mark as lost" does.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.errors import OdooFatalError
from crm2odoo.ledger.db import Landing, Ledger
from crm2odoo.ledger.undo import created_by_tool, merge_prior, odoo_ids_of
from crm2odoo.load.autocreate import AutoRecord, create_auto
from crm2odoo.load.outcomes import LANDED_STATES
from crm2odoo.mapping.defaults import LOST_WORDS
from crm2odoo.mapping.engine import XMLID_MODULE, RecordProblem, xmlid_for
from crm2odoo.mapping.spec import MappingSpec, ObjectMap
from crm2odoo.odoo import versions
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema
from crm2odoo.textnorm import fold

UNUSED_DEFAULT_CHOICES = ("keep", "fold", "default_team")
DEFAULT_TEAM_XMLID = ("sales_team", "team_sales_department")
COPIED_FIELDS = ("name", "sequence", "is_won", "fold", "requirements")


def is_lost_stage_name(name: str) -> bool:
    """Lost, Closed - Lost, closed_lost, Lost (no budget), Kaybedildi: a word or a pair of words meaning lost."""
    words = [w for w in re.split(r"[^0-9a-z]+", fold(name)) if w]
    return any(w in LOST_WORDS for w in words) or any(f"{a} {b}" in LOST_WORDS for a, b in itertools.pairwise(words))


@dataclass
class StageLayout:
    """What the deals need to be placed: this migration's teams, each team's copy of a shared source stage, the
    stages that mean lost, and which teams see each stage (empty: every team)."""

    teams: list[int] = field(default_factory=list)
    copies: dict[tuple[int, int], int] = field(default_factory=dict)
    lost: frozenset[int] = frozenset()
    seen_by: dict[int, frozenset[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    replaced: dict[int, int] = field(default_factory=dict)  # a stage this run created -> Odoo's own that took its place
    own: dict[tuple[int, str], int] = field(default_factory=dict)  # (team, folded name) -> that team's own stage

    def stage_for(self, stage: int, team: int) -> int:
        """The team's own stage of that name: a copy of a shared source stage, or the team's namesake of a stage of
        no team (a deal's stage found by name among every team's)."""
        if (stage, team) in self.copies:
            return self.copies[(stage, team)]
        if not self.seen_by.get(stage):
            return self.own.get((team, fold(self.names.get(stage, ""))), stage)
        return stage

    def visible(self, stage: int, team: int) -> bool:
        teams = self.seen_by.get(stage, frozenset())
        return not teams or team in teams


class StageArranger:
    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger, spec: MappingSpec,
                 run_id: int = 0) -> None:
        """``run_id`` 0: only ``read`` (reconcile), never ``arrange``."""
        self.client, self.schema, self.ledger, self.spec, self.run_id = client, schema, ledger, spec, run_id
        self.team_field = versions.stage_team_field(schema)

    def arrange(self) -> StageLayout:
        """Lay the stages out in Odoo (before the deals load), then read the layout back."""
        stage_maps = self._stage_maps()
        if not stage_maps:
            return StageLayout()
        teams = self._landed([o for o in self.spec.enabled_objects() if o.model == "crm.team"])
        replaced: dict[int, int] = {}
        if teams and not any(_fills_team(o) for o in stage_maps):
            self._share(self._landed(stage_maps), teams)
        elif any(_fills_team(o) for o in stage_maps):
            replaced = self._reuse_defaults([o for o in stage_maps if _fills_team(o)])
        self._unused_defaults(stage_maps, self._stages(), self._mine(stage_maps), teams)
        layout = self.read()
        layout.replaced = replaced
        return layout

    def read(self) -> StageLayout:
        """The layout as Odoo holds it, writing nothing (reconcile places the deals as the load did)."""
        stage_maps = self._stage_maps()
        if not stage_maps:
            return StageLayout()
        teams = self._landed([o for o in self.spec.enabled_objects() if o.model == "crm.team"])
        stages = self._stages()
        layout = StageLayout(teams=teams)
        layout.seen_by = {sid: frozenset(_teams(row.get(self.team_field))) for sid, row in stages.items()}
        layout.names = {sid: str(row.get("name") or "") for sid, row in stages.items()}
        mine = self._mine(stage_maps)
        by_team_name = layout.own = {(team, fold(layout.names[sid])): sid for sid in sorted(stages, reverse=True)
                                     for team in layout.seen_by[sid]}
        for sid in self._landed(stage_maps):
            for team in teams:
                if sid in stages and not layout.visible(sid, team):
                    found = by_team_name.get((team, fold(layout.names[sid])))
                    if found is not None:
                        layout.copies[(sid, team)] = found
        layout.lost = frozenset(sid for sid in mine if sid in stages and is_lost_stage_name(layout.names[sid]))
        return layout

    def _stage_maps(self) -> list[ObjectMap]:
        if not self.schema.has_model("crm.stage"):
            return []
        return [o for o in self.spec.enabled_objects() if o.model == "crm.stage"]

    def _mine(self, stage_maps: list[ObjectMap]) -> set[int]:
        return set(self._landed(stage_maps)) | self._landed_auto()

    # -- a global stage list in every pipeline -------------------------------------------------------------------
    def _share(self, ours: list[int], teams: list[int]) -> None:
        stages = self._stages()
        copies: list[tuple[dict[str, Any], int]] = []
        writes: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        for sid in ours:
            row = stages.get(sid)
            if row is None:
                continue
            current = _teams(row.get(self.team_field))
            if versions.stages_shared_by_teams(self.team_field):
                if not set(teams) <= set(current):
                    shared = versions.stage_team_value(self.team_field, sorted(set(current) | set(teams)))
                    writes.append((sid, row, {self.team_field: shared}))
                continue
            owner = current[0] if current else teams[0]
            if not current:
                writes.append((sid, row, {"team_id": owner}))
            copies += [(row, team) for team in teams if team != owner and not _has_copy(row, team, stages)]
        self._write_keeping_prior(writes)
        if copies:
            self._copy_all(copies)

    def _copy_all(self, copies: list[tuple[dict[str, Any], int]]) -> None:
        """Each team's copy of a shared stage, all in one ``load`` through the one way the run creates records of
        its own (load/autocreate.py: our external IDs, so sending it again after a lost reply updates them; every
        intent recorded before it). A copy Odoo refuses stops the run: the pipelines would be incomplete."""
        copied = [f for f in COPIED_FIELDS if f in copies[0][0]]
        records: dict[str, AutoRecord] = {}
        for row, team in copies:
            source_id = f"{fold(str(row.get('name') or ''))}@team{team}"
            xmlid = xmlid_for(self.spec.system, "auto_crm_stage", source_id)
            records.setdefault(xmlid, AutoRecord("crm.stage", source_id, xmlid, ("id", *copied, "team_id/.id"),
                                                 (xmlid, *[_cell(row.get(f)) for f in copied], str(team))))
        created = create_auto(self.client, self.ledger, self.run_id, records.values())
        refused = [r for r in records.values() if created.get(r.xmlid) is None]
        if refused:
            rows = [self.ledger.get(r.obj, r.source_id) for r in refused]
            # a known failure (message, hint, exit 2), not a bug: the refused copies are quarantined with Odoo's
            # words, the run stays open and the next migrate sends them again
            raise OdooFatalError(
                "Odoo refused the copies of stages for the other pipelines: "
                + "; ".join(dict.fromkeys(row.reason for row in rows if row is not None and row.reason)),
                model="crm.stage", method="load",
                hint="fix what Odoo says (the migration user's rights on crm.stage, a rule or a required field of "
                     "an Odoo module), then run `crm2odoo migrate` again: it resumes and sends nothing twice")

    # -- a pipeline's stage named like one of Odoo's own ----------------------------------------------------------
    def _reuse_defaults(self, maps: list[ObjectMap]) -> dict[int, int]:
        """Stages of one pipeline each (they cannot be matched by name when loaded: two pipelines may share a
        name): the first one this run created under the name of an Odoo stage of no team takes that stage's place
        (the Odoo stage joins its team, the created one is removed before any deal points at it)."""
        stages = self._stages()
        known = odoo_ids_of(self.ledger, "crm.stage")
        theirs: dict[str, int] = {}
        replaced: dict[int, int] = {}
        for sid, row in stages.items():
            if sid not in known and not _teams(row.get(self.team_field)):
                theirs.setdefault(fold(str(row.get("name") or "")), sid)
        for obj in maps:
            for record in self.ledger.records(obj.name, states=LANDED_STATES):
                created = stages.get(int(record.odoo_id or 0))
                if created is None or record.origin != "created" or record.created_run != self.run_id:
                    continue
                default = theirs.pop(fold(str(created.get("name") or "")), None)
                if default is None or self.client.search_count("crm.lead", [["stage_id", "=", created["id"]]],
                                                               context={"active_test": False}):
                    continue
                self._take_place(obj, record, created, stages[default])
                replaced[int(created["id"])] = default
        return replaced

    def _take_place(self, obj: ObjectMap, record: Any, created: dict[str, Any], default: dict[str, Any]) -> None:
        team = _teams(created.get(self.team_field))
        vals: dict[str, Any] = {"sequence": created.get("sequence"), "is_won": bool(created.get("is_won")),
                                self.team_field: versions.stage_team_value(self.team_field, team)}
        self._write_keeping_prior([(int(default["id"]), default, vals)])
        self.client.unlink("crm.stage", [int(created["id"])])
        self.ledger.mark_matched(self.run_id, obj.name, record.source_id, "crm.stage", record.xmlid,
                                 int(default["id"]), record.locator)
        self.ledger.mark_landed(self.run_id, [Landing(obj.name, record.source_id, int(default["id"]), "matched", {})])
        if record.xmlid.startswith(XMLID_MODULE + "."):
            self.client.execute("ir.model.data", "create", vals_list=[
                {"module": XMLID_MODULE, "name": record.xmlid.split(".", 1)[1], "model": "crm.stage",
                 "res_id": int(default["id"]), "noupdate": True}], retry_writes=False)

    # -- Odoo's own stages no source stage reused ---------------------------------------------------------------
    def _unused_defaults(self, stage_maps: list[ObjectMap], stages: dict[int, dict[str, Any]], mine: set[int],
                         teams: list[int]) -> None:
        choice = next((str(o.options.get("unused_default_stages")) for o in stage_maps
                       if o.options.get("unused_default_stages")), "keep")
        if choice not in UNUSED_DEFAULT_CHOICES or choice == "keep":
            return
        unused = {sid: row for sid, row in stages.items() if sid not in mine and not _teams(row.get(self.team_field))}
        home = self._default_team() if choice == "default_team" else None
        if choice == "fold" or home in teams:  # a source pipeline matched Odoo's Sales team: they would show there
            self._write_keeping_prior([(sid, row, {"fold": True}) for sid, row in unused.items() if not row.get("fold")])
            return
        if home is None:
            return
        value = versions.stage_team_value(self.team_field, [home])
        self._write_keeping_prior([(sid, row, {self.team_field: value}) for sid, row in unused.items()])

    def _default_team(self) -> int | None:
        module, name = DEFAULT_TEAM_XMLID
        rows = self.client.search_read("ir.model.data", [["module", "=", module], ["name", "=", name],
                                                         ["model", "=", "crm.team"]], ["res_id"], limit=1)
        return int(rows[0]["res_id"]) if rows else None

    # -- reading and writing -------------------------------------------------------------------------------------
    def _stages(self) -> dict[int, dict[str, Any]]:
        fields = ["id", *[f for f in COPIED_FIELDS if f in self.schema.fields("crm.stage")], self.team_field]
        rows = self.client.search_read_all("crm.stage", [], fields)
        return {int(r["id"]): r for r in sorted(rows, key=lambda r: (int(r.get("sequence") or 0), int(r["id"])))}

    def _landed(self, maps: list[ObjectMap]) -> list[int]:
        found: list[int] = []
        for obj in maps:
            for row in self.ledger.records(obj.name, states=LANDED_STATES):
                if row.odoo_id and int(row.odoo_id) not in found:
                    found.append(int(row.odoo_id))
        return found

    def _landed_auto(self) -> set[int]:
        return {int(r.odoo_id) for r in self.ledger.records("auto:crm.stage", states=LANDED_STATES) if r.odoo_id}

    def _write_keeping_prior(self, writes: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> None:
        """Write to stages, one call per distinct set of values (the stages a pipeline takes over all get the same
        team, the folded ones the same ``fold``); a stage that existed before the migration keeps its prior value
        for rollback first (merged into a prior the run already kept for it, e.g. when the stage map matched it by
        name)."""
        groups: dict[str, tuple[dict[str, Any], list[int]]] = {}
        for sid, row, vals in writes:
            if not created_by_tool(self.ledger, "crm.stage", sid):
                # a many2many is restored by a command, as the executor keeps them
                meta = self.schema.fields("crm.stage")
                prior = {name: [[6, 0, _teams(row.get(name))]] if meta.get(name, {}).get("type") == "many2many"
                         else row.get(name) for name in vals}
                merge_prior(self.ledger, self.run_id, "crm.stage", sid, prior)
            groups.setdefault(json.dumps(vals, sort_keys=True), (vals, []))[1].append(sid)
        for vals, ids in groups.values():
            self.client.write("crm.stage", ids, vals)


def _fills_team(obj: ObjectMap) -> bool:
    team_fields = versions.names_across_versions("crm.stage", "team_id")
    return any(not line.ignore and line.target in team_fields for line in obj.fields) \
        or any(k in team_fields for k in obj.constants)


def _teams(value: Any) -> list[int]:
    """A team field as read: False, [id, name] (many2one) or [ids] (many2many)."""
    if not value:
        return []
    if isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[1], str):
        return [int(value[0])]
    return [int(v) for v in value]


def _has_copy(row: dict[str, Any], team: int, stages: dict[int, dict[str, Any]]) -> bool:
    """Whether the team already has its own stage of that name (a copy made by an earlier run, or its own)."""
    wanted = fold(str(row.get("name") or ""))
    return any(fold(str(other.get("name") or "")) == wanted and _teams(other.get("team_id")) == [team]
               for other in stages.values())


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def place_deal(layout: StageLayout, vals: dict[str, Any], problems: list[RecordProblem]) -> None:
    """Put a deal in its own pipeline's stage of that name, and make a deal in a lost stage lost (archived with
    probability 0, as Odoo's "Mark as lost" leaves it; its lost reason comes from the map when the source has one)."""
    stage, team = vals.get("stage_id"), vals.get("team_id")
    if isinstance(stage, bool) or not isinstance(stage, int):
        return
    vals["stage_id"] = stage = layout.replaced.get(stage, stage)
    if isinstance(team, int) and not isinstance(team, bool) and team:
        vals["stage_id"] = stage = layout.stage_for(stage, team)
        if layout.seen_by and not layout.visible(stage, team):
            problems.append(RecordProblem("stage_id", layout.names.get(stage, str(stage)),
                                          "this stage is not one of the deal's pipeline's stages in Odoo: the deal "
                                          "shows in no column of its pipeline", "warning"))
    elif layout.teams and layout.seen_by.get(stage):
        problems.append(RecordProblem("team_id", "", "the deal has no pipeline in the source: Odoo files it under "
                                      "its default sales team, whose pipeline does not show its stage "
                                      f"{layout.names.get(stage, str(stage))!r}; set its pipeline in the source "
                                      "and migrate again", "warning"))
    if stage in layout.lost and vals.get("active", True) is not False:
        vals["active"], vals["probability"] = False, 0
    elif layout.lost:
        # a batch loads one set of columns: a deal not lost says so, or it would take the lost one's empty cell
        vals.setdefault("active", True)
