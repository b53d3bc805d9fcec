"""What the Ontraport UI exports as CSV: display-label headers, UI dates, labels for dropdowns, tag names."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crm2odoo.testing.ontraport_account import OntraportAccount


def _ui_datetime(raw: str) -> str:
    if not raw or raw == "0":
        return ""
    return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).strftime("%m/%d/%Y %H:%M:%S")


def _ui_date(raw: str) -> str:
    if not raw or raw == "0":
        return ""
    return dt.datetime.fromtimestamp(int(raw), tz=dt.UTC).strftime("%m/%d/%Y")


def _ui_value(account: OntraportAccount, meta: dict[str, Any], key: str, raw: str) -> str:
    kind = meta["type"]
    if kind == "timestamp":
        return _ui_datetime(raw)
    if kind == "fulldate":
        return _ui_date(raw)
    if kind == "drop":
        return str(meta.get("options", {}).get(raw, ""))
    if kind == "list":
        return "*/*".join(meta.get("options", {}).get(p, p) for p in raw.split("*/*") if p)
    if key == "contact_cat":
        tags = {r["tag_id"]: r["tag_name"] for r in account.rows(14)}
        return "*/*".join(tags.get(p, p) for p in raw.split("*/*") if p)
    if key in ("owner", "author"):
        users = {r["id"]: f"{r['firstname']} {r['lastname']}" for r in account.rows(2)}
        return users.get(raw, "")
    if kind == "parent":
        return "" if raw in ("", "0") else raw
    if kind == "check":
        return "Yes" if raw == "1" else "No"
    return raw


#: columns the UI's export leaves out (the transactions screen shows no offer detail)
_NOT_EXPORTED = {46: {"offer_data"}}


def _export(account: OntraportAccount, oid: int, id_label: str) -> Iterator[tuple[list[str], dict[str, str]]]:
    fields = {k: m for k, m in account.schema[oid]["fields"].items() if k not in _NOT_EXPORTED.get(oid, set())}
    header = [id_label] + [m["alias"] for m in fields.values()]
    for row in account.rows(oid):
        yield header, {id_label: row["id"], **{m["alias"]: _ui_value(account, m, k, row.get(k, ""))
                                               for k, m in fields.items()}}


def write_csv_exports(account: OntraportAccount, folder: Path, *, encoding: str = "utf-8-sig",
                      with_notes: bool = True) -> list[Path]:
    """Write what the Ontraport UI exports: display-label headers, UI dates, labels for dropdowns, tag names.

    File names are deliberately unhelpful (``export-<n>.csv``) because the connector must detect the
    object from headers. The contacts file repeats the contact once per note when ``with_notes``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    notes_by_contact: dict[str, list[dict[str, str]]] = {}
    if with_notes:
        for note in account.rows(12):
            notes_by_contact.setdefault(note["contact_id"], []).append(note)
    users = {r["id"]: f"{r['firstname']} {r['lastname']}" for r in account.rows(2)}
    plan = [(0, "Contact ID"), (150, "Company ID"), (149, "Deal ID"), (16, "Product ID"), (1, "Task ID"),
            (46, "Transaction ID")]
    for n, (oid, id_label) in enumerate(plan, start=1):
        path = folder / f"export-{n}.csv"
        with path.open("w", encoding=encoding, newline="", errors="replace") as fh:
            writer: Any = None
            for header, values in _export(account, oid, id_label):
                if writer is None:
                    if oid == 0 and with_notes:
                        header = [*header, "Note", "Note Date", "Note Author"]
                    writer = csv.DictWriter(fh, fieldnames=header)
                    writer.writeheader()
                if oid == 0 and with_notes:
                    notes = notes_by_contact.get(values[id_label], [])
                    for note in notes or [{}]:
                        writer.writerow({**values, "Note": note.get("data", ""),
                                         "Note Date": _ui_datetime(note.get("date", "")),
                                         "Note Author": users.get(note.get("author", ""), "")})
                else:
                    writer.writerow(values)
        written.append(path)
    return written


def data_rows(folder: Path) -> int:
    """Rows holding a value in every CSV file of ``folder`` (header left out), counted with the csv module alone:
    what a test compares the product's own count of an export with."""
    rows = 0
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows += sum(1 for row in list(csv.reader(fh))[1:] if any(cell.strip() for cell in row))
    return rows
