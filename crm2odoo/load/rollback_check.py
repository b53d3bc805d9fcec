"""What a rollback reads and never writes: which records are still in Odoo, what Odoo added on the side during a
run, and the read-back that says whether Odoo is as it was before the rolled-back runs.

:class:`RollbackCheck` compares everything the runs touched with the state before them: records the runs created
must be gone, records that existed before must hold their prior values again, messages Odoo posted as a side effect
must be gone and the custom schema removed. Each thing that is not as before is a :class:`Leftover` with why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm2odoo.errors import OdooError
from crm2odoo.ledger.db import Ledger, RecordRow
from crm2odoo.ledger.undo import label_of, odoo_ids_by_model, odoo_ids_of
from crm2odoo.load.resolve import cell, read_cells, same_cell
from crm2odoo.models import LOG_ACCESS, SIDE_TABLES, side_table_mark
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema

SCHEMA_MODELS = {"field": "ir.model.fields", "access": "ir.model.access", "model": "ir.model"}


#: why a record is not as it was before the runs
KEPT_CHANGED = "kept: changed in Odoo since the tool wrote it (--force undoes it)"
REFUSED = "Odoo refused to delete it"
STILL_THERE = "created by the runs and still in Odoo"
HELD = "a record that is not the tool's points at it"
NOT_RESTORED = "not restored exactly"
GONE = "existed before the runs and is gone"
SIDE_EFFECT = "message posted by Odoo during the run, still there"
SCHEMA_LEFT = "custom schema the runs created, still there"
SIDE_ROW = ("added by Odoo during the run; nobody may delete it over the API (Odoo's scheduled job recomputes this "
            "table)")
SIDE_CHANGED = ("changed by Odoo during the run; nobody may write it over the API (Odoo's scheduled job recomputes this "
                "table)")




@dataclass
class Leftover:
    """One thing in Odoo that is not as it was before the rolled-back runs."""

    model: str
    odoo_id: int
    label: str  # object and source id, or the field's name
    why: str
    detail: str = ""

    def line(self) -> str:
        where = f"{self.label} ({self.model} {self.odoo_id})" if self.odoo_id else f"{self.label} ({self.model})"
        return f"{where}: {self.why}" + (f": {self.detail}" if self.detail else "")




def schema_row(change: Any) -> tuple[str, list[Any]]:
    """(model, domain) of the Odoo row a ledger schema change created: a field, an access rule or a model."""
    kind, model = str(change["kind"]), str(change["model"])
    if kind == "field":
        return SCHEMA_MODELS[kind], [["model", "=", model], ["name", "=", str(change["name"])]]
    if kind == "access":
        return SCHEMA_MODELS[kind], [["id", "=", int(change["odoo_id"] or 0)]]
    return SCHEMA_MODELS["model"], [["model", "=", model]]


def prior_cell(value: Any, meta: dict[str, Any]) -> str:
    """A saved prior value ([[6, 0, ids]] for many2many) in the same form as read_cells."""
    if meta.get("type") == "many2many" and isinstance(value, list) and value and isinstance(value[0], list):
        value = sorted(value[0][2])
    return cell(value, meta)



class RollbackCheck:
    """Reads Odoo and the ledger for a rollback; writes nothing."""

    def __init__(self, client: OdooClient, schema: Schema, ledger: Ledger) -> None:
        self.client, self.schema, self.ledger = client, schema, ledger
        #: (model, id) -> (why, detail) of records the rollback left in Odoo on purpose or because Odoo refused
        self.kept: dict[tuple[str, int], tuple[str, str]] = {}
        #: runs that were already rolled back before this rollback started: their restored values are not redone
        self.done_before: set[int] = set()

    def alive(self, model: str, ids: list[int]) -> set[int]:
        alive: set[int] = set()
        for start in range(0, len(ids), 1000):
            chunk = sorted(set(ids[start:start + 1000]))
            alive |= {int(r["id"]) for r in self.client.search_read(model, [["id", "in", chunk]], ["id"],
                                                                    context={"active_test": False})}
        return alive


    def side_rows(self, run_id: int) -> dict[str, list[int]]:
        """Rows Odoo added to its side tables (SIDE_TABLES) since the run started."""
        out: dict[str, list[int]] = {}
        for model in SIDE_TABLES:
            mark = self.ledger.meta(side_table_mark(run_id, model))
            if mark is None or not self.schema.has_model(model):
                continue
            rows = self.client.search_read(model, [["id", ">", int(mark)]], ["id"])
            if rows:
                out[model] = [int(r["id"]) for r in rows]
        return out

    def side_effect_messages(self, run_id: int) -> list[tuple[int, str, int]]:
        """Messages Odoo posted as the migration user during the run on records that existed before it:
        (message id, model, record id)."""
        mark = self.ledger.meta(f"run{run_id}_message_mark")
        if mark is None:
            return []
        me = self.client.read("res.users", [self.client.uid], ["partner_id"])[0]["partner_id"]
        author = me[0] if isinstance(me, list) and me else me
        ours_ids = odoo_ids_of(self.ledger, "mail.message")
        touched: dict[str, set[int]] = {}
        for model, odoo_id, _, _ in self.ledger.priors(run_id):
            if model not in SIDE_TABLES:
                touched.setdefault(model, set()).add(odoo_id)
        found: list[tuple[int, str, int]] = []
        for model, ids in touched.items():
            rows = self.client.search_read("mail.message", [["model", "=", model], ["res_id", "in", sorted(ids)],
                                                            ["id", ">", int(mark)], ["author_id", "=", author]],
                                           ["id", "res_id"])
            found += [(int(r["id"]), model, int(r["res_id"])) for r in rows if int(r["id"]) not in ours_ids]
        return found

    # -- the read-back ---------------------------------------------------------------------------------------------
    def verify(self, run_ids: list[int], gone_wanted: dict[tuple[str, int], RecordRow]) -> tuple[list[Leftover], int]:
        """Read back everything the runs touched and compare it with the state before them: what is not as before,
        and how many records were compared. ``gone_wanted``: the records the runs created, by (model, id)."""
        left: list[Leftover] = []
        left += self._verify_created(gone_wanted)
        left += self._verify_priors(run_ids, set(gone_wanted))
        fresh = [run_id for run_id in run_ids if run_id not in self.done_before]
        left += self._verify_side_effects(fresh)
        left += self._verify_schema(run_ids)
        return left, len(gone_wanted) + len(self.earliest_priors(run_ids))

    def _verify_created(self, wanted: dict[tuple[str, int], RecordRow]) -> list[Leftover]:
        by_model: dict[str, list[int]] = {}
        for model, odoo_id in wanted:
            by_model.setdefault(model, []).append(odoo_id)
        left: list[Leftover] = []
        for model, ids in sorted(by_model.items()):
            if not self.schema.has_model(model):
                continue  # a custom model the rollback removed: its records went with it
            alive = self.alive(model, ids)
            if not alive:
                continue
            for odoo_id in sorted(alive):
                record = wanted[(model, odoo_id)]
                why, detail = self.kept.get((model, odoo_id), (STILL_THERE, ""))
                left.append(Leftover(model, odoo_id, f"{record.object} {record.source_id}", why, detail))
            left += self._holders(model, sorted(alive))
        return left

    def _holders(self, model: str, ids: list[int]) -> list[Leftover]:
        """Records that are not the tool's whose many-to-one field points at one of ``ids`` (why it cannot go)."""
        ours = odoo_ids_by_model(self.ledger)
        transient = {str(r["model"]) for r in self.client.search_read("ir.model", [["transient", "=", True]],
                                                                      ["model"])}
        links = self.client.search_read("ir.model.fields", [["relation", "=", model], ["ttype", "=", "many2one"],
                                                            ["store", "=", True]], ["model", "name"])
        left: list[Leftover] = []
        for link in links:
            holder_model, name = str(link["model"]), str(link["name"])
            if holder_model in transient:
                continue
            try:
                rows = self.client.search_read(holder_model, [[name, "in", ids]], ["id", name], limit=20,
                                               context={"active_test": False})
            except OdooError:  # an abstract model, or one the migration user may not read
                continue
            for row in rows:
                target = row[name][0] if isinstance(row[name], list) else row[name]
                if int(row["id"]) in ours.get(holder_model, set()) or (holder_model == model
                                                                        and int(row["id"]) in ids):
                    continue
                left.append(Leftover(holder_model, int(row["id"]), f"{holder_model}.{name}", HELD,
                                     f"points at {model} {target}, which the runs created"))
        return left

    def earliest_priors(self, run_ids: list[int]) -> dict[tuple[str, int], dict[str, Any]]:
        """(model, id) -> field -> its value before the earliest of the runs that changed it."""
        before: dict[tuple[str, int], dict[str, Any]] = {}
        first = min(run_ids, default=0)
        for run_id in sorted(run_ids, reverse=True):  # older runs last: their values win
            for model, odoo_id, vals, restored in self.ledger.priors(run_id):
                if restored and run_id in self.done_before:
                    continue  # restored and verified by an earlier rollback; Odoo's users may have moved on since
                if model in SIDE_TABLES and run_id != first:
                    continue  # kept whole by the first run: a row only later runs knew was added by the runs
                before.setdefault((model, odoo_id), {}).update(vals)
        return before

    def _verify_priors(self, run_ids: list[int], created: set[tuple[str, int]]) -> list[Leftover]:
        by_model: dict[str, dict[int, dict[str, Any]]] = {}
        for (model, odoo_id), vals in self.earliest_priors(run_ids).items():
            if (model, odoo_id) not in created:
                by_model.setdefault(model, {})[odoo_id] = vals
        left: list[Leftover] = []
        for model, records in sorted(by_model.items()):
            meta = self.schema.fields(model)
            names = sorted({n for vals in records.values() for n in vals if n in meta and n not in LOG_ACCESS
                            and meta[n].get("type") not in ("binary", "one2many")})
            ids = sorted(records)
            now: dict[int, dict[str, Any]] = {}
            for start in range(0, len(ids), 500):
                for row in self.client.read(model, ids[start:start + 500], names, context={"active_test": False}):
                    now[int(row["id"])] = row
            for odoo_id in ids:
                if odoo_id not in now:
                    left.append(Leftover(model, odoo_id, model, GONE))
                    continue
                vals = records[odoo_id]
                fields = [n for n in names if n in vals]
                cells = read_cells(now[odoo_id], fields, meta)
                differ = [n for n in fields if not same_cell(prior_cell(vals[n], meta[n]), cells[n], meta[n])]
                if differ:
                    shown = ", ".join(f"{n} (was {prior_cell(vals[n], meta[n])[:30]!r}, is {cells[n][:30]!r})"
                                      for n in differ[:4])
                    why = SIDE_CHANGED if model in SIDE_TABLES else NOT_RESTORED
                    left.append(Leftover(model, odoo_id, label_of(self.ledger, model, odoo_id) or model, why, shown))
        return left

    def _verify_side_effects(self, run_ids: list[int]) -> list[Leftover]:
        """Rows Odoo added to its side tables, and messages it posted, during the runs."""
        left: list[Leftover] = []
        for model, ids in (self.side_rows(min(run_ids)) if run_ids else {}).items():
            left += [Leftover(model, odoo_id, model, SIDE_ROW) for odoo_id in ids]
        for run_id in run_ids:
            for message_id, model, res_id in self.side_effect_messages(run_id):
                left.append(Leftover("mail.message", message_id, "message", SIDE_EFFECT, f"on {model} {res_id}"))
        return left

    def _verify_schema(self, run_ids: list[int]) -> list[Leftover]:
        left: list[Leftover] = []
        for run_id in run_ids:
            for change in self.ledger.schema_changes(run_id):
                kind, model = str(change["kind"]), str(change["model"])
                if kind not in SCHEMA_MODELS:
                    continue
                target, domain = schema_row(change)
                if self.client.search_count(target, domain):
                    what = {"field": f"field {model}.{change['name']}", "access": f"access rule on {model}",
                            "model": f"model {model}"}[kind]
                    left.append(Leftover(target, 0, what, SCHEMA_LEFT))
        return left
