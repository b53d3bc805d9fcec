"""A source registered in one place is picked up by config, the CLI, the load order and open_source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm2odoo.cli import main
from crm2odoo.config import load_config
from crm2odoo.load.order import order, rank
from crm2odoo.mapping.defaults import OBJECT_DEFAULTS, ObjectDefault
from crm2odoo.mapping.spec import FieldMap, ObjectMap
from crm2odoo.mapping.synonyms import is_system_key
from crm2odoo.sources import Catalog, SourceRecord, SourceSettings, open_source, phases, registry

ODOO = '''
[odoo]
url = "https://example.odoo.com"
database = "prod"
login = "bot@example.com"
api_key = "${ODOO_KEY}"
'''


class TicketSource:
    """A connector for a help desk that only yields tickets."""

    kind = "tickets-csv"
    full_read_is_cheap = True

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings

    def discover(self) -> Catalog:
        return Catalog(source_kind=self.kind, objects=())

    def read(self, object_name: str, *, since: dt.datetime | None = None,
             ids: Collection[str] | None = None) -> Iterator[SourceRecord]:
        return iter(())

    def list_ids(self, object_name: str) -> Iterator[str]:
        return iter(())

    def close(self) -> None:
        pass


HELPDESK = registry.SourceRegistration(
    system="helpdesk",
    kinds=(registry.SourceKind(
        "tickets-csv", TicketSource, keys={"path": True, "delimiter": False},
        template='[source]\nkind = "tickets-csv"\npath = "tickets/"\n', defaults={"delimiter": ";"}),),
    load_order={"contact": phases.CONTACTS, "ticket": phases.DEALS + 1},
    system_phrases=("ticket checksum",),
    object_defaults={"ticket": ObjectDefault("helpdesk.ticket")},
)


@pytest.fixture
def helpdesk() -> Iterator[None]:
    registry.register(HELPDESK)
    try:
        yield
    finally:
        registry.unregister("helpdesk")


def test_config_reads_the_registered_kind_with_its_defaults(helpdesk: None, tmp_path: Path) -> None:
    (tmp_path / "crm2odoo.toml").write_text('[source]\nkind = "tickets-csv"\npath = "tickets/"\n' + ODOO,
                                            encoding="utf-8")
    cfg = load_config(tmp_path, env={"ODOO_KEY": "k" * 40})
    assert cfg.system == "helpdesk"
    assert cfg.source.values["delimiter"] == ";"
    assert isinstance(open_source(cfg.source), TicketSource)


def test_the_cli_offers_the_kind_and_writes_its_template(helpdesk: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", "--project", str(tmp_path), "--source", "tickets-csv"])
    assert result.exit_code == 0, result.output
    assert 'kind = "tickets-csv"' in (tmp_path / "crm2odoo.toml").read_text(encoding="utf-8")
    assert "tickets-csv" in CliRunner().invoke(main, ["init", "--help"]).output


def test_the_load_order_and_the_proposer_tables_take_its_objects(helpdesk: None) -> None:
    ticket = ObjectMap(name="ticket", source_object="ticket", model="helpdesk.ticket", fields=[
        FieldMap(source="customer", target="partner_id", transform="ref", params={"object": "contact"})])
    note = ObjectMap(name="note", source_object="note", model="mail.message")
    contact = ObjectMap(name="contact", source_object="contact", model="res.partner")
    assert rank(ticket) == phases.DEALS + 1
    assert [step.map.name for step in order([note, ticket, contact])] == ["contact", "ticket", "note"]
    assert OBJECT_DEFAULTS["ticket"].model == "helpdesk.ticket"
    assert is_system_key("Ticket Checksum")


def test_without_the_registration_nothing_knows_the_kind(tmp_path: Path) -> None:
    assert "tickets-csv" not in registry.kind_names()
    assert "ticket" not in OBJECT_DEFAULTS
    assert not is_system_key("Ticket Checksum")
    result = CliRunner().invoke(main, ["init", "--project", str(tmp_path), "--source", "tickets-csv"])
    assert result.exit_code == 2


def test_a_source_may_not_move_a_shared_object_to_another_phase() -> None:
    clash = registry.SourceRegistration(system="clash", kinds=(), load_order={"contact": phases.DEALS})
    with pytest.raises(registry.RegistryError, match="contact"):
        registry.register(clash)
    assert "clash" not in {r.system for r in registry.registrations()}
