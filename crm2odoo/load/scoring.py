"""Keep Odoo's predictive lead scoring statistics out of a run's way.

Odoo counts every opportunity that becomes won or lost in ``crm.lead.scoring.frequency`` (crm_lead.py
``_handle_won_lost`` -> ``_pls_increment_frequencies``), as it is created or written. Nobody may write or delete
those rows over the API (ir.model.access: read only, administrators included), and deleting an opportunity does not
count it back out, so a migration that created won and lost deals could never be rolled back to the state before.

Odoo only counts opportunities created on or after the day in the ``crm.pls_start_date`` system parameter. While a
run (or a rollback) writes, the tool moves that day to the far future and puts the person's value back when it
ends: the statistics are left exactly as they were. The value before is kept in the ledger first, so a run that is
killed in between puts it back on the next migrate or rollback. Lead scoring learns from the migrated history when
an administrator runs Odoo's scheduled action "Predictive Lead Scoring: Recompute Automated Probabilities" once,
as the README says.

Every change of a system parameter clears Odoo's caches (``ir.config_parameter`` set_param/write/create call
``registry.clear_cache()``): the next request of every worker rebuilds them (0.3-0.5 s on 18). So migrate opens the
pause once around its whole run: before provisioning, whose field create sets the registry up anew anyway (one
cold start for both), and closes it after its own reconciliation, when nothing of the run follows the clearing.
The Loader's own pause inside it then adds no call (the pause is re-entrant per ledger).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from crm2odoo.ledger.db import Ledger
from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema

PLS_START_PARAM = "crm.pls_start_date"
#: a day no opportunity is created on: Odoo's live counting skips every record created before it
FAR_FUTURE = "9999-12-31"
LEDGER_KEY = "pls_start_date_before"
STATISTICS_MODEL = "crm.lead.scoring.frequency"

#: ledgers (by identity) whose run holds the pause open in this process: a pause inside it sends nothing
_OPEN: set[int] = set()
_OPEN_GUARD = threading.Lock()


def _restore(client: OdooClient, ledger: Ledger) -> None:
    kept = ledger.meta(LEDGER_KEY)
    if kept is None:
        return
    before = json.loads(kept)
    # set_param with False removes the parameter: as it was when there was none
    client.execute("ir.config_parameter", "set_param", key=PLS_START_PARAM, value=before if before else False,
                   retry_writes=True)
    ledger.del_meta(LEDGER_KEY)


@contextmanager
def scoring_paused(client: OdooClient, schema: Schema, ledger: Ledger) -> Iterator[None]:
    """Odoo does not count opportunities into its lead scoring statistics while this is open. Opened again inside
    itself (same ledger), the inner one sends nothing and leaves the restoring to the outer one."""
    with _OPEN_GUARD:
        inner = id(ledger) in _OPEN
        if not inner:
            _OPEN.add(id(ledger))
    if inner:
        yield
        return
    try:
        with _paused(client, schema, ledger):
            yield
    finally:
        with _OPEN_GUARD:
            _OPEN.discard(id(ledger))


@contextmanager
def _paused(client: OdooClient, schema: Schema, ledger: Ledger) -> Iterator[None]:
    if not schema.has_model(STATISTICS_MODEL):
        yield
        return
    if ledger.meta(LEDGER_KEY) is None:  # else a killed run moved it: what is kept is the person's value
        current = client.execute("ir.config_parameter", "get_param", key=PLS_START_PARAM)
        ledger.set_meta(LEDGER_KEY, json.dumps(current or None))
    client.execute("ir.config_parameter", "set_param", key=PLS_START_PARAM, value=FAR_FUTURE, retry_writes=True)
    try:
        yield
    finally:
        _restore(client, ledger)
