"""crm2odoo.odoo.versions against the real fields_get metadata of Odoo 17, 18 and 19 (crm2odoo/sandbox/schema)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crm2odoo.odoo import versions

SCHEMA = Path(__file__).resolve().parents[3] / "crm2odoo" / "sandbox" / "schema"
VERSIONS = ("17.0", "18.0", "19.0")


def fields(version: str, model: str) -> dict[str, Any]:
    data = json.loads((SCHEMA / version / f"{model}.json").read_text(encoding="utf-8"))
    return dict(data["fields"])


@pytest.mark.parametrize("version", VERSIONS)
def test_the_change_table_says_what_each_versions_schema_has(version: str) -> None:
    major = int(version.split(".")[0])
    for changes in versions.FIELD_CHANGES.values():
        for model, old in changes:
            if not (SCHEMA / version / f"{model}.json").exists():
                continue
            have = fields(version, model)
            now = versions.field_for_version(major, model, old)
            assert (now is None and old not in have) or (now is not None and now in have), (version, model, old, now)


@pytest.mark.parametrize(("version", "team", "kind", "groups", "mobile"), [
    ("17.0", "team_id", "detailed_type", "groups_id", True),
    ("18.0", "team_id", "type", "groups_id", True),
    ("19.0", "team_ids", "type", "group_ids", False),
])
def test_questions_answered_from_the_live_schema(version: str, team: str, kind: str, groups: str,
                                                 mobile: bool) -> None:
    assert versions.stage_team_field_of(fields(version, "crm.stage")) == team
    assert versions.product_type_field_of(fields(version, "product.template")) == kind
    assert versions.user_groups_field_of(fields(version, "res.users")) == groups
    assert versions.has_mobile_of(fields(version, "res.partner")) is mobile
    assert versions.has_mobile_of(fields(version, "crm.lead")) is mobile
    # a 19 database with partner_mobile (OCA) installed has mobile back: the schema decides, not the number
    assert versions.has_mobile_of({**fields(version, "res.partner"), "mobile": {"type": "char"}})


def test_a_many2one_renamed_to_many2many_is_followed_only_where_it_was() -> None:
    assert versions.renamed_to_many("team_id", fields("19.0", "crm.stage")) == "team_ids"
    assert versions.renamed_to_many("team_id", fields("18.0", "crm.stage")) == "team_id"
    assert versions.renamed_to_many("stage_id", fields("19.0", "crm.lead")) == "stage_id"


def test_behaviour_without_a_field_is_keyed_by_the_version() -> None:
    assert [versions.child_address_is_parents(m) for m in (17, 18, 19, 20)] == [False, False, True, True]
    assert versions.default_transport(19, has_api_key=True) == "json2"
    assert versions.default_transport(19, has_api_key=False) == "jsonrpc"
    assert versions.default_transport(18, has_api_key=True) == "jsonrpc"


class _Schema:
    def __init__(self, version: str) -> None:
        self.major = int(version.split(".")[0])
        self.version = version

    def fields(self, model: str) -> dict[str, dict[str, Any]]:
        return fields(self.version, model)


def test_a_stage_is_given_its_pipelines_the_way_each_version_stores_them() -> None:
    assert versions.stage_team_values(_Schema("19.0"), [3, 4]) == {"team_ids": [(6, 0, [3, 4])]}
    assert versions.stage_team_values(_Schema("18.0"), [3]) == {"team_id": 3}
    assert versions.stage_team_values(_Schema("17.0"), []) == {"team_id": False}
    assert versions.stage_team_field(_Schema("19.0")) == "team_ids"
