"""Every difference between Odoo 17, 18 and 19 the tool handles, in one place.

Fields renamed or removed are declared on each model's record (``field_changes`` in
:mod:`crm2odoo.models.catalogue`) and answered here; the behaviour that differs is decided here.

Read from the live schema (``fields_get``) where the difference shows there, so a database that adds a field back
(the OCA module ``partner_mobile`` on 19) is handled by what it has, not by its number; from the major version
only where the difference is behaviour that no field reveals (how a child contact's address is synced, which
API a server offers).

| difference                    | 17                  | 18                  | 19                                   |
|-------------------------------|---------------------|---------------------|--------------------------------------|
| partner / lead mobile         | mobile              | mobile              | gone: one phone (see mobile_plan)    |
| child contact's address       | copied from parent  | copied from parent  | is the parent's (type=other keeps it)|
| crm.stage's pipeline          | team_id (many2one)  | team_id             | team_ids (many2many)                 |
| product kind                  | detailed_type       | type                | type                                 |
| user groups                   | groups_id           | groups_id           | group_ids                            |
| mail.message description      | description         | gone                | gone                                 |
| mail.activity request partner | request_partner_id  | request_partner_id  | gone                                 |
| external API                  | JSON-RPC, XML-RPC   | JSON-RPC, XML-RPC   | JSON-2 (JSON-RPC deprecated)         |
| automation delay before a date| trg_date_range < 0  | trg_date_range < 0  | trg_date_range_mode='before', >= 0   |

Automation rules (base_automation) use the same trigger names (on_create, on_create_or_write, on_tag_set,
on_time...) and server-action fields in all three; the rest of their differences is in crm2odoo/automations/versions.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from crm2odoo.models import odoo_model
from crm2odoo.models.catalogue import MODELS

FieldsMeta = Mapping[str, Mapping[str, Any]]


def _field_changes() -> dict[int, dict[tuple[str, str], str | None]]:
    """Fields renamed or removed by version, gathered from the model records: major -> {(model, old): new or None}."""
    out: dict[int, dict[tuple[str, str], str | None]] = {}
    for model in MODELS.values():
        for change in model.field_changes:
            out.setdefault(change.since, {})[(model.name, change.field)] = change.becomes
    return dict(sorted(out.items()))


#: (model, field) renamed or removed by version, as the model records in crm2odoo/models/catalogue.py say
FIELD_CHANGES: dict[int, dict[tuple[str, str], str | None]] = _field_changes()

#: the major version from which a ``type=contact`` child's address is its parent's (res_partner.py 19,
#: _fields_sync / _compute_address): writing it is copied up to the parent and on to the siblings
CHILD_ADDRESS_IS_PARENTS_FROM = 19

#: the major version from which JSON-2 (``/json/2/``) is offered and JSON-RPC deprecated
JSON2_FROM = 19

#: the major version from which a time-based automation's direction is ``trg_date_range_mode`` and a negative
#: ``trg_date_range`` is refused (base_automation.py 19, _check_time_trigger)
AUTOMATION_DELAY_MODE_FROM = 19


class HasFields(Protocol):
    """What these questions need of :class:`crm2odoo.odoo.schema.Schema`."""

    major: int

    def fields(self, model: str) -> dict[str, dict[str, Any]]: ...


def field_for_version(major: int, model: str, name: str) -> str | None:
    """The name of ``model.name`` on an Odoo of version ``major`` (None: the field does not exist there)."""
    return odoo_model(model).field_on(major, name)


def names_across_versions(model: str, name: str) -> frozenset[str]:
    """``name`` and every name the field has on another version (crm.stage team_id: {team_id, team_ids})."""
    names = {name}
    for changes in FIELD_CHANGES.values():
        for (changed_model, old), new in changes.items():
            if changed_model == model and new is not None and (old in names or new in names):
                names |= {old, new}
    return frozenset(names)


# -- crm.stage: the pipeline a stage belongs to ------------------------------------------------------------------
def stage_team_field_of(stage_fields: FieldsMeta) -> str:
    """``team_ids`` (19, many2many: a stage shared by several pipelines) where it exists, else ``team_id``."""
    return "team_ids" if "team_ids" in stage_fields else "team_id"


def stage_team_field(schema: HasFields) -> str:
    return stage_team_field_of(schema.fields("crm.stage"))


def stage_team_values(schema: HasFields, team_ids: list[int]) -> dict[str, Any]:
    """The write that gives a stage its pipelines: ``team_ids`` replaced on 19; on 17/18 the one ``team_id`` (a
    stage there belongs to one team or, with none, to every team)."""
    name = stage_team_field(schema)
    return {name: stage_team_value(name, team_ids)}


def stage_team_value(team_field: str, team_ids: list[int]) -> Any:
    """The value of ``team_field`` (see :func:`stage_team_field`) that gives a stage these pipelines."""
    if stages_shared_by_teams(team_field):
        return [(6, 0, list(team_ids))]
    return team_ids[0] if team_ids else False


def stages_shared_by_teams(team_field: str) -> bool:
    """19 (``team_ids``): one stage may sit in several pipelines; 17/18: a team needs its own copy of a stage."""
    return team_field == "team_ids"


def renamed_to_many(target: str, fields: FieldsMeta) -> str:
    """A many2one ``x_id`` that became the many2many ``x_ids`` on this database (crm.stage.team_id on 19)."""
    if target not in fields and target.endswith("_id") and f"{target[:-3]}_ids" in fields:
        return f"{target[:-3]}_ids"
    return target


# -- product kind --------------------------------------------------------------------------------------------------
def product_type_field_of(product_fields: FieldsMeta) -> str:
    """Odoo 17 writes the product kind through ``detailed_type``; 18 and 19 through ``type``."""
    return "detailed_type" if "detailed_type" in product_fields else "type"


# -- partner and lead phones ---------------------------------------------------------------------------------------
def has_mobile_of(model_fields: FieldsMeta) -> bool:
    return "mobile" in model_fields


def partner_has_mobile(schema: HasFields) -> bool:
    return has_mobile_of(schema.fields("res.partner"))


# -- partner addresses ---------------------------------------------------------------------------------------------
def child_address_is_parents(major: int) -> bool:
    """19: a child contact shows (and writes through to) its parent's address; 17/18 copy it once on link."""
    return major >= CHILD_ADDRESS_IS_PARENTS_FROM


# -- users ---------------------------------------------------------------------------------------------------------
def user_groups_field_of(user_fields: FieldsMeta) -> str:
    return "group_ids" if "group_ids" in user_fields else "groups_id"


# -- external API --------------------------------------------------------------------------------------------------
def offers_json2(major: int) -> bool:
    return major >= JSON2_FROM


def default_transport(major: int, has_api_key: bool) -> str:
    """JSON-2 where the server offers it and an API key is configured, else JSON-RPC."""
    return "json2" if offers_json2(major) and has_api_key else "jsonrpc"
