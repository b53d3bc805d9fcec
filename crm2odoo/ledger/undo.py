"""Named questions rollback and the stage arranger ask the ledger about what the tool made and what it overwrote.

Kept apart from :mod:`crm2odoo.ledger.db` so that no SQL against the ledger runs outside ``ledger/``.
"""

from __future__ import annotations

import json
from typing import Any

from crm2odoo.ledger.db import Ledger


def odoo_ids_of(ledger: Ledger, model: str) -> set[int]:
    """Every record of ``model`` the ledger knows in Odoo, whatever run made or matched it."""
    rows = ledger.query("SELECT odoo_id FROM records WHERE model=? AND odoo_id IS NOT NULL", (model,))
    return {int(r[0]) for r in rows}


def odoo_ids_by_model(ledger: Ledger) -> dict[str, set[int]]:
    """model -> every record of it the ledger knows in Odoo."""
    out: dict[str, set[int]] = {}
    for row in ledger.query("SELECT model, odoo_id FROM records WHERE odoo_id IS NOT NULL"):
        out.setdefault(str(row[0]), set()).add(int(row[1]))
    return out


def label_of(ledger: Ledger, model: str, odoo_id: int) -> str | None:
    """"object source_id" of the ledger's record for this Odoo record (None: not one the ledger knows)."""
    rows = ledger.query("SELECT object, source_id FROM records WHERE model=? AND odoo_id=? LIMIT 1", (model, odoo_id))
    return f"{rows[0][0]} {rows[0][1]}" if rows else None


def created_by_tool(ledger: Ledger, model: str, odoo_id: int) -> bool:
    """The tool created this Odoo record (rather than finding it there)."""
    return bool(ledger.query("SELECT 1 FROM records WHERE model=? AND odoo_id=? AND origin='created' LIMIT 1",
                             (model, odoo_id)))


def merge_prior(ledger: Ledger, run_id: int, model: str, odoo_id: int, prior: dict[str, Any]) -> None:
    """Keep ``prior`` as the record's values before run ``run_id``, under what the run already kept for it (a
    value kept first is the older one, and wins)."""
    kept = ledger.query("SELECT vals FROM prior_values WHERE run_id=? AND model=? AND odoo_id=?",
                        (run_id, model, odoo_id))
    if not kept:
        ledger.save_prior(run_id, model, {odoo_id: prior})
        return
    merged = {**prior, **json.loads(kept[0][0])}
    with ledger.tx() as db:
        db.execute("UPDATE prior_values SET vals=? WHERE run_id=? AND model=? AND odoo_id=?",
                   (json.dumps(merged, sort_keys=True, default=str), run_id, model, odoo_id))
