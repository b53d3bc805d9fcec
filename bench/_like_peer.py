"""The peer of bench/like_for_like.py: odoo-import-export-client loading the values crm2odoo stored, then checked.

The peer (PyPI ``odoo-import-export-client``, ``odoo_csv_tools.import_threaded.import_data``) loads rows through
Odoo's ``load`` with external IDs, as its users call it: links to the run's own records by external ID
(``parent_id/id``), other links by database id (``country_id/.id``), the same batch size as crm2odoo's default and
the same quiet context, over its default protocol, XML-RPC (its JSON-RPC connector posts with httpx's default
5-second timeout, so on a busy server a batch Odoo commits is reported failed). A note's ``res_id`` is a plain integer, so its partners' ids are looked up before the notes
(not timed). Afterwards every field the peer stored is compared with what crm2odoo stored for the same source
record; the differences are counted per field, with an example.
"""

from __future__ import annotations

import configparser
import logging
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crm2odoo.odoo.client import OdooClient, OdooSettings
from crm2odoo.odoo.schema import QUIET_CONTEXT

PEER_BATCH = 200
#: crm2odoo's objects in the order it loads them, their models, and the fields pointing at records of the run
#: itself (the limit and the peer point them at their own copies)
OBJECTS = ["company", "contact", "deal", "note"]
MODELS = {"company": "res.partner", "contact": "res.partner", "deal": "crm.lead", "note": "mail.message"}
OWN_LINKS = {"parent_id", "partner_id", "res_id"}
#: the peer's second import of contacts (their own addresses), timed apart from its first
ADDRESS_IMPORT = "contact address (second import)"
ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")


class PeerRun:
    def __init__(self, settings: OdooSettings, folder: Path, workers: int, client: OdooClient) -> None:
        for name in ("info", "error"):  # the tool logs every batch
            logging.getLogger(name).setLevel(logging.CRITICAL)
        parts = urlsplit(settings.url)
        config = configparser.RawConfigParser()
        config["Connection"] = {"hostname": parts.hostname or "127.0.0.1", "port": str(parts.port or 8069),
                                "database": settings.database, "login": settings.login,
                                "password": settings.secret.reveal(), "protocol": "xmlrpc", "uid": str(client.uid)}
        self.config_file = folder / "peer-connection.conf"
        with self.config_file.open("w") as fh:
            config.write(fh)
        self.client, self.workers = client, workers
        self.module = f"bbpeer_{uuid.uuid4().hex[:8]}"
        self.partner_of: dict[int, str] = {}  # crm2odoo's partner id -> the peer's external ID of its copy
        self.failed: Counter[str] = Counter()

    def xid(self, obj: str, crm_id: int) -> str:
        return f"{self.module}.{obj}_{crm_id}"

    def peer_ids(self) -> dict[str, int]:
        rows = self.client.search_read_all("ir.model.data", [["module", "=", self.module]], ["name", "res_id"])
        return {f"{self.module}.{r['name']}": int(r["res_id"]) for r in rows}

    def columns(self, obj: str, types: dict[str, str]) -> list[tuple[str, str, str]]:
        """(field, type, header) per written field."""
        out = []
        for name, kind in types.items():
            if kind == "many2one":
                out.append((name, kind, f"{name}/id" if name in OWN_LINKS else f"{name}/.id"))
            elif kind == "many2many":
                out.append((name, kind, f"{name}/.id"))
            else:
                out.append((name, kind, name))
        return out

    def cell(self, name: str, kind: str, value: Any, ids: dict[str, int]) -> str:
        if value is False or value is None:
            return "0" if kind == "boolean" else ""
        if kind == "many2one":
            return self.partner_of.get(value[0], "") if name in OWN_LINKS else str(value[0])
        if kind == "many2many":
            return ",".join(str(v) for v in value)
        if kind == "boolean":
            return "1" if value else "0"
        if name == "res_id":
            return str(ids.get(self.partner_of.get(int(value), ""), ""))
        return str(value)

    def run(self, stored: Any) -> dict[str, float]:
        from odoo_csv_tools.import_threaded import import_data  # type: ignore[import-untyped]

        took: dict[str, float] = {}
        for obj in OBJECTS:
            cols = self.columns(obj, stored.types[obj])
            ids = self.peer_ids() if obj == "note" else {}
            rows = [[self.xid(obj, int(r["id"]))] + [self.cell(n, k, r[n], ids) for n, k, _ in cols]
                    for r in stored.rows[obj]]
            started = time.perf_counter()
            _, failed = import_data(str(self.config_file), MODELS[obj], header=["id"] + [h for _, _, h in cols],
                                    data=rows, context=dict(QUIET_CONTEXT), batch_size=PEER_BATCH,
                                    max_connection=self.workers, check=True)
            took[obj] = time.perf_counter() - started
            self.failed[obj] = len(failed or [])
            if MODELS[obj] == "res.partner":
                self.partner_of.update({int(r["id"]): self.xid(obj, int(r["id"])) for r in stored.rows[obj]})
            if obj == "contact":
                took[ADDRESS_IMPORT] = self.import_addresses(stored, import_data)
        return took

    def import_addresses(self, stored: Any, import_data: Any) -> float:
        """The second import a peer user needs for correct contacts: Odoo's ``load`` with ``parent_id`` gave every
        person of a company the company's address, so the persons whose own address differs are imported again
        with only their address columns (an update through their external IDs). Seconds it took."""
        types = stored.types["contact"]
        names = [n for n in ADDRESS_FIELDS if n in types]
        companies = {int(r["id"]): r for r in stored.rows["company"]}
        rows = []
        for row in stored.rows["contact"]:
            if not row.get("parent_id"):
                continue
            company = companies.get(row["parent_id"][0], {})
            if all(self.cell(n, types[n], row[n], {}) == self.cell(n, types[n], company.get(n), {}) for n in names):
                continue
            rows.append([self.xid("contact", int(row["id"]))] + [self.cell(n, types[n], row[n], {}) for n in names])
        header = ["id"] + [f"{n}/.id" if types[n] == "many2one" else n for n in names]
        started = time.perf_counter()
        if rows:
            _, failed = import_data(str(self.config_file), "res.partner", header=header, data=rows,
                                    context=dict(QUIET_CONTEXT), batch_size=PEER_BATCH, max_connection=self.workers,
                                    check=True)
            self.failed[ADDRESS_IMPORT] = len(failed or [])
        return time.perf_counter() - started

    def check(self, stored: Any) -> list[str]:
        """What the peer stored, field by field against crm2odoo's values for the same source record."""
        ids = self.peer_ids()
        back = {v: int(k.rsplit("_", 1)[1]) for k, v in ids.items()  # the peer's partner id -> crm2odoo's
                if k.split(".", 1)[1].startswith(("company_", "contact_"))}
        lines = []
        for obj in OBJECTS:
            types = stored.types[obj]
            mine = {int(r["id"]): r for r in stored.rows[obj]}
            theirs = {ids[self.xid(obj, crm)]: crm for crm in mine if self.xid(obj, crm) in ids}
            got = self.client.read(MODELS[obj], sorted(theirs), sorted(types), context={"active_test": False}) \
                if theirs else []
            wrong: Counter[str] = Counter()
            example: dict[str, str] = {}
            for row in got:
                crm_row = mine[theirs[int(row["id"])]]
                for name, kind in types.items():
                    value = row[name]
                    if name in OWN_LINKS and value:
                        value = ([back.get(value[0], value[0])] if kind == "many2one"
                                 else back.get(int(value), value))
                    expected = crm_row[name]
                    if kind == "many2one":
                        value, expected = (value or [False])[0], (expected or [False])[0]
                    if value != expected and not (kind == "many2many" and sorted(value) == sorted(expected)):
                        wrong[name] += 1
                        example.setdefault(name, f"{expected!r} -> {value!r}"[:90])
            missing = len(mine) - len(got)
            summary = ", ".join(f"{n} {c} (e.g. {example[n]})" for n, c in wrong.most_common(6)) or "none"
            lines.append(f"{obj}: {len(got)}/{len(mine)} stored ({missing} missing, {self.failed[obj]} rows failed); "
                         f"fields differing from crm2odoo's: {summary}")
        return lines
