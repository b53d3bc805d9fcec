"""The same Ontraport account as the UI's CSV exports would plausibly write it: one file per object, display-label
headers, UTF-8 with a BOM, owners by full name (never e-mailed), dropdowns and lists as labels, tags in one
"Contact Tags" cell separated by ", ", a multi-select separated by ``*/*``, links as a name AND an id column, tasks
linked by "Related To Type" + "Related To ID" (+ "Related To Name"), dates as MM/DD/YYYY HH:MM."""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path

from tests.independent.coaching import (
    COMPANIES,
    INTERESTS,
    PIPELINES,
    PROGRAMS,
    STAGES,
    VENUES,
    OntraportAccount,
)
from tests.independent.truth import Owner, Truth

KIND_LABEL = {"0": "Contact", "149": "Deal", "150": "Company"}


def when(stamp: str, *, with_time: bool = True) -> str:
    if stamp in ("", "0"):
        return ""
    moment = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
    return moment.strftime("%m/%d/%Y %H:%M" if with_time else "%m/%d/%Y")


def _ids(listed: str) -> list[str]:
    return [p for p in listed.split("*/*") if p]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_exports(account: OntraportAccount, folder: Path) -> Truth:
    """Write the CSV files into ``folder``; returns the manifest of what they hold."""
    folder.mkdir(parents=True, exist_ok=True)
    t = account.types
    owner = account.user_name
    contact_name = {r["id"]: f"{r['firstname']} {r['lastname']}".strip() for r in t[0].records}
    deal_name = {r["id"]: r["name"] for r in t[149].records}
    tag_name = {r["tag_id"]: r["tag_name"] for r in t[14].records}

    _write(folder / "Contacts.csv",
           ["Contact ID", "First Name", "Last Name", "Email", "Office Phone", "Cell Phone", "Title", "Company",
            "Company ID", "City", "Zip Code", "Country", "Birthday", "Contact Tags", "Coaching Program", "Interests",
            "Owner", "Date Added", "Date Modified"],
           [[r["id"], r["firstname"], r["lastname"], r["email"], r["office_phone"], r["cell_phone"], r["title"],
             COMPANIES[int(r["f2001"]) - 1] if r["f2001"] != "0" else "", "" if r["f2001"] == "0" else r["f2001"],
             r["city"], r["zip"], r["country"], when(r["birthday"], with_time=False),
             ", ".join(tag_name[i] for i in _ids(r["contact_cat"])), PROGRAMS.get(r["f1950"], ""),
             "*/*".join(INTERESTS[i] for i in _ids(r["f1951"])), owner(r["owner"]), when(r["date"]),
             when(r["dlm"])] for r in t[0].records])
    _write(folder / "Companies.csv",
           ["Company ID", "Company Name", "Phone", "Industry", "City", "Zip Code", "Owner", "Date Added"],
           [[r["id"], r["name"], r["phone"], r["industry"], r["city"], r["zipcode"], owner(r["owner"]),
             when(r["date"])] for r in t[150].records])
    _write(folder / "Deals.csv",
           ["Deal ID", "Deal Name", "Deal Value", "Pipeline", "Sales Stage", "Expected Win %", "Expected Close Date",
            "Actual Close Date", "Primary Contact", "Primary Contact ID", "Company", "Company ID", "Owner",
            "Date Created"],
           [[r["id"], r["name"], r["value"], PIPELINES[r["f2101"]], STAGES[r["sales_stage"]],
             r["expected_win_percent"], when(r["expected_close_date"], with_time=False),
             when(r["actual_close_date"], with_time=False), contact_name.get(r["primary_contact"], ""),
             "" if r["primary_contact"] == "0" else r["primary_contact"],
             COMPANIES[int(r["company"]) - 1] if r["company"] != "0" else "",
             "" if r["company"] == "0" else r["company"], owner(r["owner"]), when(r["date"])]
            for r in t[149].records])
    _write(folder / "Tasks.csv",
           ["Task ID", "Subject", "Details", "Status", "Due Date", "Date Completed", "Assignee", "Related To Type",
            "Related To ID", "Related To Name"],
           [[r["id"], r["subject"], r["details"], "Completed" if r["status"] == "1" else "Pending",
             when(r["date_due"]), when(r["date_complete"]), owner(r["owner"]), KIND_LABEL[r["object_type_id"]],
             r["object_id"], (deal_name if r["object_type_id"] == "149" else contact_name).get(r["object_id"], "")]
            for r in t[1].records])
    _write(folder / "Notes.csv", ["Note ID", "Contact ID", "Contact Name", "Note", "Author", "Date Created"],
           [[r["id"], r["contact_id"], contact_name.get(r["contact_id"], ""), r["data"], owner(r["author"]),
             when(r["date"])] for r in t[12].records])
    _write(folder / "Products.csv", ["Product ID", "Product Name", "Price", "SKU", "Description"],
           [[r["id"], r["name"], r["price"], r["sku"], r["description"]] for r in t[16].records])
    _write(folder / "Workshops.csv", ["Workshop ID", "Title", "Session Date", "Seats", "Venue", "Owner"],
           [[r["id"], r["f2301"], when(r["f2302"], with_time=False), r["f2303"], VENUES[r["f2304"]],
             owner(r["owner"])] for r in t[10003].records])
    return _csv_truth(account)


def _csv_truth(account: OntraportAccount) -> Truth:
    """The API truth, less what a UI export does not carry: no Tags file (tags live in the contacts' cells) and no
    e-mail for the owners."""
    truth = copy.deepcopy(account.truth)
    truth.account = "Brightpath Coaching (Ontraport CSV exports)"
    del truth.objects["tag"]
    truth.users = [Owner(u.name, None) for u in truth.users]
    return truth


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.csv"))

