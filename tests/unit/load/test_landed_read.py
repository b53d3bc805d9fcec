"""The read-back of landed values asks Odoo for bare many2one ids (no display names) and reads the same cells."""

from __future__ import annotations

from crm2odoo.load.cells import read_cells
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema


def test_bare_ids_give_the_cells_named_links_give(odoo: OdooClient, tag: str) -> None:
    meta = Schema(odoo).fields("res.partner")
    country = odoo.search_read("res.country", [["code", "=", "DE"]], ["id"])[0]["id"]
    company = odoo.create("res.partner", [{"name": f"Co {tag}", "is_company": True}])[0]
    people = odoo.create("res.partner", [{"name": f"Ada {tag}", "parent_id": company, "country_id": country},
                                         {"name": f"Bob {tag}", "active": True}])
    names = ["parent_id", "country_id", "active", "name"]
    try:
        named = odoo.read("res.partner", people, names)
        bare = odoo.read("res.partner", people, names, link_names=False)
        assert isinstance(bare[0]["parent_id"], int) and isinstance(named[0]["parent_id"], list)
        cells = [read_cells(row, names, meta) for row in bare]
        assert cells == [read_cells(row, names, meta) for row in named]
        assert cells[0]["parent_id"] == str(company) and cells[0]["country_id"] == str(country)
        # no link reads as empty, not as the id False would make, and a boolean stays a boolean
        assert cells[1]["parent_id"] == "" and cells[1]["country_id"] == "" and cells[1]["active"] == "True"
    finally:
        odoo.unlink("res.partner", [*people, company])
