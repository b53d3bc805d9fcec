"""The workbook connector against generated dirty exports, record by record against the clean truth."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from crm2odoo.errors import SourceError
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.base import Catalog, SourceRecord
from crm2odoo.sources.planports.workbook import PlanportsWorkbookSource
from crm2odoo.testing.planports_workbook import PlanportsDataset, generate_workbook


def _source(path: Path) -> PlanportsWorkbookSource:
    source = open_source(SourceSettings("planports-xlsx", {"path": str(path)}, path.parent))
    assert isinstance(source, PlanportsWorkbookSource)
    return source


@pytest.fixture(scope="module", params=["tr", "en"])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[PlanportsDataset, PlanportsWorkbookSource, Catalog, dict[str, dict[str, SourceRecord]]]:
    folder = tmp_path_factory.mktemp(f"pp_{request.param}")
    ds = generate_workbook(folder / "export.xlsx", seed=7, language=request.param)
    src = _source(ds.path)
    catalog = src.discover()
    records = {obj: {r.id: r for r in src.read(obj)} for obj in ds.records}
    return ds, src, catalog, records


OBJECTS = ["user", "company", "contact", "lead", "pipeline", "stage", "lost_reason", "deal", "product", "quote",
           "quote_line", "order", "order_line", "activity", "note", "board", "board_column", "card", "attachment"]


@pytest.mark.parametrize("obj", OBJECTS)
def test_records_equal_truth(generated: tuple[PlanportsDataset, PlanportsWorkbookSource, Catalog,
                                              dict[str, dict[str, SourceRecord]]], obj: str) -> None:
    ds, _src, catalog, records = generated
    truth = ds.records[obj]
    got = records[obj]
    assert set(got) == set(truth)
    info = catalog.object(obj)
    assert info is not None and info.count == len(truth)
    for ident, expected in truth.items():
        record = got[ident]
        actual = {k: record.values.get(k, "<missing>") for k in expected}
        assert actual == expected, record.locator
        assert {p.field for p in record.problems} == ds.problems.get(obj, {}).get(ident, set()), (
            record.locator, record.problems)
        for key in expected:
            assert info.field(key) is not None, (obj, key)


def test_catalog_shape(generated: tuple[PlanportsDataset, PlanportsWorkbookSource, Catalog,
                                        dict[str, dict[str, SourceRecord]]]) -> None:
    _ds, _src, catalog, _records = generated
    assert catalog.source_kind == "planports-xlsx"
    contact = catalog.object("contact")
    deal = catalog.object("deal")
    assert contact is not None and deal is not None
    company_field = contact.field("company")
    assert company_field is not None and company_field.type == "ref" and company_field.ref_object == "company"
    assert "company" in contact.depends_on and "user" in contact.depends_on
    treatment = deal.field("x_tedavi_paketi")
    assert treatment is not None and treatment.custom and treatment.type == "select"
    assert "Diş İmplantı" in treatment.options
    spend = deal.field("x_reklam_butcesi")
    assert spend is not None and spend.custom and spend.type == "money"
    currency = deal.field("x_reklam_butcesi__currency")
    assert currency is not None and "ISO" in currency.description
    tags = deal.field("x_kampanya_etiketi")
    assert tags is not None and tags.type == "multiselect"
    assert deal.field("amount__currency") is not None
    legacy = contact.field("x_eski_sistem_kodu")
    assert legacy is not None and legacy.custom
    assert any("Eski Sistem Kodu" in w for w in catalog.warnings)
    assert any("Pivot" in w for w in catalog.warnings)
    stage = catalog.object("stage")
    assert stage is not None and stage.origin.startswith("derived")
    kinds = [i.kind for i in catalog.inventory]
    assert kinds.count("whatsapp_history") == 1 and kinds.count("workflow_rule") == 2
    whatsapp = next(i for i in catalog.inventory if i.kind == "whatsapp_history")
    assert whatsapp.details["messages"] == 5


def test_problems_name_field_raw_value_and_candidates(
        generated: tuple[PlanportsDataset, PlanportsWorkbookSource, Catalog, dict[str, dict[str, SourceRecord]]]) -> None:
    ds, _src, _catalog, records = generated
    (deal_id,) = ds.problems["deal"]
    problem = records["deal"][deal_id].problems[0]
    assert problem.field == "contact" and problem.raw == "Mehmet Yılmaz" and "ambiguous" in problem.message
    contact_id = next(iter(ds.problems["contact"]))
    problem = records["contact"][contact_id].problems[0]
    assert problem.field == "company" and "ambiguous" in problem.message and problem.raw == "Deniz Emlak"
    (line_id,) = ds.problems["quote_line"]
    assert "cached value" in records["quote_line"][line_id].problems[0].message
    (att_id,) = ds.problems["attachment"]
    assert "not found" in records["attachment"][att_id].problems[0].message


def test_turkish_folding_links_uppercase_names(
        generated: tuple[PlanportsDataset, PlanportsWorkbookSource, Catalog, dict[str, dict[str, SourceRecord]]]) -> None:
    _ds, _src, _catalog, records = generated
    ismail = next(r for r in records["contact"].values() if r.values["name"] == "İSMAİL KAYA")
    assert any(d.values["contact"] == ismail.id for d in records["deal"].values())


def test_values_are_decoded_types(
        generated: tuple[PlanportsDataset, PlanportsWorkbookSource, Catalog, dict[str, dict[str, SourceRecord]]]) -> None:
    _ds, _src, _catalog, records = generated
    for deal in records["deal"].values():
        assert isinstance(deal.values["amount"], Decimal)
    for contact in records["contact"].values():
        created = contact.values["created_at"]
        assert isinstance(created, dt.datetime) and created.utcoffset() == dt.timedelta(0)
        assert contact.values["mobile"].startswith("+90")
        assert " › " in contact.locator and "row" in contact.locator
    meta = [lead for lead in records["lead"].values() if lead.values["external_lead_id"]]
    assert meta and all(len(lead.values["external_lead_id"]) == 18 for lead in meta)


def test_ids_and_since_filters(tmp_path: Path) -> None:
    ds = generate_workbook(tmp_path / "e.xlsx", contacts=12, companies=3, leads=2, deals=4, quotes=2, orders=1,
                           activities=2, notes=2, cards=2, attachments=1)
    src = _source(ds.path)
    wanted = sorted(ds.records["contact"])[:2]
    assert sorted(r.id for r in src.read("contact", ids=wanted)) == wanted
    since = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert list(src.read("contact", since=since)) == []  # every person has Güncellenme Tarihi
    assert sorted(src.list_ids("deal")) == sorted(ds.records["deal"])
    with pytest.raises(SourceError):
        list(src.read("invoice"))


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        _source(tmp_path / "nope.xlsx").discover()


_PEAK_READER = """
import sys, tracemalloc
from pathlib import Path
from crm2odoo.sources import SourceSettings, open_source
path = Path(sys.argv[1])
source = open_source(SourceSettings("planports-xlsx", {"path": str(path)}, path.parent))
tracemalloc.start()
count = 0
for record in source.read("contact"):
    count += 1
    assert not record.problems, record
print(count, tracemalloc.get_traced_memory()[1])
"""


def _peak_reading(path: Path) -> tuple[int, int]:
    """Rows read and tracemalloc's peak, in a fresh interpreter: threads other tests left running allocate too."""
    done = subprocess.run([sys.executable, "-c", _PEAK_READER, str(path)], capture_output=True, text=True,
                          timeout=300, check=True)
    count, peak = done.stdout.split()
    return int(count), int(peak)


def test_large_workbook_streams_in_flat_memory(tmp_path: Path) -> None:
    small = generate_workbook(tmp_path / "small.xlsx", large=500)
    large = generate_workbook(tmp_path / "large.xlsx", large=2_000)
    count_small, peak_small = _peak_reading(small.path)
    count_large, peak_large = _peak_reading(large.path)
    assert (count_small, count_large) == (500, 2_000)
    # four times the rows must not mean (nearly) four times the memory: rows are streamed, not collected
    assert peak_large < peak_small * 1.5, (peak_small, peak_large)
    assert peak_large < 8_000_000
