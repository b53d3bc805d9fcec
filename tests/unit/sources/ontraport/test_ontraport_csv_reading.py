"""Reading a big export once: the names of tags, users, stages and pipelines gathered in one read for all four (and
told while it runs, as is the read that learns the columns), discover's counts of derived objects from that read,
and lines decoded as before."""

from __future__ import annotations

import codecs
import datetime as dt
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.ontraport.csv_export import NAMED_OBJECTS, OntraportCsvSource
from crm2odoo.sources.ontraport.csv_scan import SCAN_STEP, date_order_shown, date_orders_shown
from crm2odoo.sources.ontraport.csv_text import TextPlan, text_lines
from crm2odoo.sources.ontraport.decode import parse_ui_datetime, ui_datetime
from crm2odoo.testing.ontraport_csv import data_rows, write_csv_exports
from crm2odoo.testing.ontraport_generate import generate_account


def make_source(folder: Path) -> OntraportCsvSource:
    source = open_source(SourceSettings("ontraport-csv", {"path": str(folder)}, folder.parent, {}))
    assert isinstance(source, OntraportCsvSource)
    return source


def exports(tmp_path: Path) -> Path:
    write_csv_exports(generate_account(seed=9, contacts=50, companies=6, deals=12, transactions=20), tmp_path / "x")
    return tmp_path / "x"


def test_names_are_read_once_for_all_four_objects_and_the_read_is_told(tmp_path: Path) -> None:
    source = make_source(exports(tmp_path))
    told: list[tuple[int, int | None]] = []
    source.reading_progress = lambda done, total: told.append((done, total))
    users = list(source.read("user"))
    assert users and told, "the read that gathers the names says how far it is"
    rows = told[-1][0]
    assert told[-1] == (rows, rows) and rows > 50  # every row of the files with name columns, of as many
    told.clear()
    named = {name: list(source.read(name)) for name in NAMED_OBJECTS}
    assert told == [], "tags, stages and pipelines come from the same read: the export is not read again"
    assert [r.id for r in named["user"]] == [r.id for r in users]
    assert all(named.values())
    for name, records in named.items():
        assert len({r.id for r in records}) == len(records), name
    assert [r.values["sequence"] for r in named["stage"]] == list(range(1, len(named["stage"]) + 1))


def test_learning_the_columns_tells_the_rows_read_once_and_only_for_an_export_worth_telling(tmp_path: Path) -> None:
    write_csv_exports(generate_account(seed=9, contacts=1500, companies=6, deals=12, transactions=20,
                                       notes_per_contact=0), tmp_path / "big")
    source = make_source(tmp_path / "big")
    scanned: list[int] = []
    source.scanning_progress = scanned.append
    assert list(source.read("contact"))
    assert scanned == sorted(scanned) and len(scanned) > 1, "the count grows as the files are read"
    assert scanned[-1] == data_rows(tmp_path / "big") > SCAN_STEP, "every row of every file"
    scanned.clear()
    assert list(source.read("deal")) and list(source.read("user")) and scanned == [], "learnt once"

    small = make_source(exports(tmp_path))
    small.scanning_progress = scanned.append
    assert list(small.read("contact")) and scanned == [], "50 contacts are read in a blink"


def test_reading_records_of_an_exported_object_tells_no_read_of_names(tmp_path: Path) -> None:
    source = make_source(exports(tmp_path))
    told: list[tuple[int, int | None]] = []
    source.reading_progress = lambda done, total: told.append((done, total))
    assert list(source.read("contact")) and list(source.read("note"))
    assert told == []


def test_discover_counts_derived_objects_as_reading_them_finds(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    counts = {o.name: o.count for o in make_source(folder).discover().objects}
    fresh = make_source(folder)
    for name in (*NAMED_OBJECTS, "invoice_line", "payment"):
        assert counts[name] == sum(1 for _ in fresh.read(name)), name
    assert counts["invoice_line"] and counts["payment"]


def test_lines_decode_as_before_bom_carriage_returns_and_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    raw = codecs.BOM_UTF8 + b'ID,Note\r\n1,"two\rlines \xc3\xa7"\r\n2,bad \xff byte\n3,last'
    path.write_bytes(raw)
    lines = list(text_lines(path, TextPlan("utf-8-sig")))
    assert lines == ['ID,Note\r\n', '1,"two\rlines ç"\r\n', "2,bad \ufffd byte\n", "3,last"]
    assert list(text_lines(path, TextPlan("utf-8"))) == lines  # the BOM is never text, whichever UTF-8 plan
    path.write_bytes(b"")
    assert list(text_lines(path, TextPlan("utf-8"))) == []


def test_a_rows_date_orders_are_its_cells_date_orders() -> None:
    cells = ["13.06.2023", " 06/13/2023 10:00", "01/02/2023", "", "x 13/06/2023", "13-06-2023", "12/31/1999",
             "2023-06-13", "13/06/23", "\x0013/06/2023", "31.12.2023\x00", "99/99/9999", "7/30/2024 Called"]
    rnd = random.Random(5)
    for _ in range(300):
        row = rnd.choices(cells, k=rnd.randint(1, 8))
        expected = [shown for shown in map(date_order_shown, row) if shown]
        assert list(date_orders_shown(row)) == expected, row


def test_the_usual_stamp_reads_as_the_long_way_reads_it() -> None:
    rnd = random.Random(11)
    pieces = ["0", "00", "1", "01", "09", "12", "13", "23", "24", "29", "30", "31", "59", "60", "61", "٣"]
    texts = [" 06/13/2023 14:05:09 ", "13/06/2023 14:05:09", "02/29/2023 10:00:00", "02/29/2024 10:00:00",
             "03/12/2023 02:30:00", "11/05/2023 01:30:00", "1/2/2023  3:04:05", "1/2/2023 3:04", "1/2/2023",
             "01/02/2023 10:00:00 PM", "2023-01-02 10:00:00", "", "0", "1700000000"]
    for _ in range(400):
        a, b, h, m, s = (rnd.choice(pieces) for _ in range(5))
        texts.append(f"{a}/{b}/{rnd.choice(['2023', '1999', '0999'])} {h}:{m}:{s}")
    for tz in (dt.UTC, ZoneInfo("America/New_York"), ZoneInfo("Europe/Istanbul")):
        for dayfirst in (False, True):
            for text in texts:
                try:
                    expected: object = parse_ui_datetime(text, tz=tz, dayfirst=dayfirst)
                except ValueError as err:
                    expected = str(err)
                try:
                    got: object = ui_datetime(text, tz=tz, dayfirst=dayfirst)
                except ValueError as err:
                    got = str(err)
                assert got == expected, (text, tz, dayfirst)
