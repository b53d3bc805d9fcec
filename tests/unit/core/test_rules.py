"""load/rules.py: the one place where the loader, reconcile, the three-way merge and rollback learn what Odoo holds
after a write. Each rule is checked both ways: what it accepts, and the nearby case it must refuse."""

from __future__ import annotations

from pathlib import Path

from crm2odoo.ledger.db import Intent, Landing, Ledger
from crm2odoo.load.rules import (
    changed_since_landed,
    clean_website,
    corresponds,
    html_text,
    keeps_parent_address_once_linked,
    odoo_fills,
    partner_cells_for_version,
    same_stored,
)

CHAR = {"type": "char"}
HTML = {"type": "html"}
DATETIME = {"type": "datetime"}
M2M = {"type": "many2many"}
FLOAT = {"type": "float"}


def test_website_gains_a_scheme_as_res_partner_clean_website_does() -> None:
    assert clean_website("example.com/x") == "http://example.com/x"
    assert clean_website("https://example.com") == "https://example.com"
    assert clean_website("") == ""
    assert same_stored("example.com", "http://example.com", CHAR, "website")
    assert not same_stored("example.com", "http://example.org", CHAR, "website")
    assert not same_stored("example.com", "http://example.com", CHAR, "name"), "only the website field is cleaned"


def test_html_compares_by_what_it_says_after_sanitising() -> None:
    assert same_stored("first\n\nline <b>b</b><script>x()</script>", "<p>first\n\nline <b>b</b></p>", HTML)
    assert same_stored("a & b", "<p>a &amp; b</p>", HTML)
    assert html_text("<p>a</p><!-- c --><style>p {}</style>") == "a"
    assert not same_stored("<p>the whole text</p>", "<p>the whole</p>", HTML), "lost words are not normalisation"


def test_datetimes_compare_as_instants_and_numbers_within_a_cent() -> None:
    assert same_stored("2024-01-01", "2024-01-01 00:00:00", DATETIME)
    assert same_stored("2024-01-01T10:00:00", "2024-01-01 10:00:00", DATETIME)
    assert not same_stored("2024-01-01 10:00:00", "2024-01-01 11:00:00", DATETIME)
    assert same_stored("1500.5", "1500.50", FLOAT) and not same_stored("1500.5", "1500.6", FLOAT)


def test_a_value_cut_short_is_not_the_value_sent() -> None:
    assert not same_stored("x" * 1100, "x" * 1024, CHAR)


def test_many2many_stored_may_hold_more_than_sent_but_not_less() -> None:
    assert same_stored("1,2", "1,2,3", M2M)
    assert not same_stored("1,2", "1", M2M)
    assert not changed_since_landed("1,2", "1,2", "1,2,3", M2M, "category_id", model="res.partner", cells={},
                                    subset=True)
    assert changed_since_landed("1,2", "1,2", "1,2,3", M2M, "category_id", model="res.partner", cells={}), \
        "rollback counts an added tag as a change (it keeps the record)"


def test_defaults_odoo_fills_when_the_loader_leaves_a_field_empty() -> None:
    assert odoo_fills("mail.message", "date", {})  # a done task without a date: the time of the load
    assert odoo_fills("crm.lead", "date_closed", {})
    assert odoo_fills("crm.lead", "stage_id", {})  # not sent when empty: Odoo's first stage
    assert not odoo_fills("crm.lead", "name", {})
    assert corresponds("", "2026-12-01 23:00:00", DATETIME, "date", model="mail.message", cells={})
    assert not corresponds("2022-01-01 00:00:00", "2026-12-01 23:00:00", DATETIME, "date", model="mail.message",
                           cells={}), "a date the source gives must be the date Odoo holds"
    assert not corresponds("", "Someone", CHAR, "name", model="crm.lead", cells={})


def test_a_person_without_an_address_shows_the_company_address() -> None:
    person = {"parent_id": "7", "street": "", "city": ""}
    assert corresponds("", "1 Office Park", CHAR, "street", model="res.partner", cells=person)
    assert not corresponds("", "1 Office Park", CHAR, "street", model="res.partner",
                           cells={**person, "city": "Dallas"}), "an address of her own is hers, all of it"
    assert not corresponds("", "1 Office Park", CHAR, "street", model="res.partner",
                           cells={"street": "", "city": ""}), "without a company there is nothing to show"


def test_partners_per_version_commercial_fields_and_addresses() -> None:
    child = {"name": "A", "parent_id": "7", "vat": "DE1", "company_name": "X", "street": "", "city": ""}
    assert partner_cells_for_version(child, 18) == {"name": "A", "parent_id": "7", "street": "", "city": ""}
    assert partner_cells_for_version(child, 19) == {"name": "A", "parent_id": "7"}
    assert partner_cells_for_version({**child, "city": "Dallas"}, 19)["type"] == "other"
    assert partner_cells_for_version({"name": "Co", "vat": "DE1"}, 18) == {"name": "Co", "vat": "DE1"}


def test_after_a_link_only_a_record_without_an_address_of_its_own_shows_its_parents() -> None:
    empty = {"street": "", "city": ""}
    assert keeps_parent_address_once_linked(empty, new=True, major=18)
    assert not keeps_parent_address_once_linked(empty, new=False, major=18), \
        "a record already in Odoo before 19 gets the source's empty address back"
    assert keeps_parent_address_once_linked(empty, new=False, major=19), "on 19 an empty address would be copied up"
    for major in (17, 18, 19):
        assert not keeps_parent_address_once_linked({**empty, "city": "Dallas"}, new=True, major=major)


def test_without_a_read_back_the_value_sent_stands_in_under_the_rules() -> None:
    assert not changed_since_landed("example.com", None, "http://example.com", CHAR, "website", model="res.partner",
                                    cells={})
    assert changed_since_landed("example.com", None, "http://other.example.com", CHAR, "website",
                                model="res.partner", cells={})
    assert not changed_since_landed("", None, "2026-12-01 23:00:00", DATETIME, "date", model="mail.message", cells={})
    assert changed_since_landed("a", "http://a", "http://b", CHAR, "website", model="res.partner", cells={})


def test_the_ledger_keeps_landed_values_tied_to_the_write_they_followed(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite")
    run = ledger.start_run("migrate", mapping_hash="h", options={})
    ledger.mark_sending(run, [Intent("contact", "1", "res.partner", "crm2odoo.x_contact_1", "h1", "")])
    ledger.mark_landed(run, [Landing("contact", "1", 41, "created", {"website": "a.example.com", "name": "A"})])
    ledger.set_landed("contact", [("1", {"website": ("a.example.com", "http://a.example.com"), "name": ("A", "A")})])
    row = ledger.get("contact", "1")
    assert row is not None and row.landed_value("website") == "http://a.example.com"
    assert row.stored == {"website": "http://a.example.com", "name": "A"}
    # a later write that was not read back: the value sent stands, the old read-back does not
    ledger.mark_landed(run, [Landing("contact", "1", 41, "updated", {"website": "b.example.com", "name": "A"})])
    row = ledger.get("contact", "1")
    assert row is not None and row.landed_value("website") is None and row.landed_value("name") == "A"
    assert row.stored == {"website": "b.example.com", "name": "A"}
    assert row.landed_value("city") is None, "a field never written has no landed value"


def test_a_ledger_from_before_landed_values_is_migrated_and_falls_back_to_the_values_sent(tmp_path: Path) -> None:
    import sqlite3

    from crm2odoo.ledger import db as ledger_db
    from crm2odoo.ledger import migrations as ledger_migrations

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:
        for version, script in ledger_migrations.MIGRATIONS:
            if version <= 2:
                old.executescript(script)
        old.execute("INSERT INTO meta VALUES ('schema_version', '2')")
        old.execute("INSERT INTO records (object, source_id, model, xmlid, odoo_id, state, written, updated_at) "
                    "VALUES ('contact', '1', 'res.partner', 'crm2odoo.x_1', 41, 'created', "
                    "'{\"website\": \"a.example.com\"}', '2024-01-01 00:00:00')")
    ledger = Ledger(path)
    assert ledger.meta("schema_version") == str(ledger_db.SCHEMA_VERSION) == "3"
    row = ledger.get("contact", "1")
    assert row is not None and row.landed is None and row.landed_value("website") is None
    assert row.stored == {"website": "a.example.com"}
