"""A source that misbehaves during migrate: the Ontraport API answering 429 (its budget spent by another
integration), 500 and 502 and dropping connections; the Planports API token expiring mid-run. Each migration ends
with exactly the records of a run against a well-behaved source, each once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crm2odoo import api
from crm2odoo.sandbox import SandboxServer
from crm2odoo.testing.ontraport_sim import Faults, OntraportAccount, OntraportSimulator
from crm2odoo.testing.planports_sim import PlanportsSimulator
from crm2odoo.testing.planports_workbook import PlanportsDataset, generate_workbook

from .world import (
    API_KEY,
    APP_ID,
    admin,
    assert_exactly_once,
    baseline,
    odoo_picture,
    ontraport_source,
    outcomes,
    prepare,
    small_account,
    write_config,
)

PP_EMAIL, PP_PASSWORD = "0f8e2b7c-1111-4c1d-9a55-3e0f7d2c9b10@api.planports.com", "pp-secret-Şifre-42"


def migrate_and_check(root: Path, server: SandboxServer, events: Callable[..., None] | None = None
                      ) -> tuple[dict[tuple[str, str], str], dict[str, Any]]:
    client = admin(server)
    try:
        before = baseline(client)
        info = api.migrate(root, events=events or (lambda kind, **data: None))
        assert info.state == "done" and info.reconcile is not None and info.reconcile.adds_up, info.asdict()
        assert_exactly_once(root, client, before)
        return outcomes(root), odoo_picture(client)
    finally:
        client.close()


# -- Ontraport ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def account() -> OntraportAccount:
    return small_account(seed=44)


def ontraport_run(root: Path, account: OntraportAccount, monkeypatch: pytest.MonkeyPatch, *, faults: Faults | None
                  ) -> tuple[dict[tuple[str, str], str], dict[str, Any], dict[str, int]]:
    """The simulator's rate window is one second (Ontraport's is a minute) so a spent budget costs ~1 s."""
    rate_limit = 100000
    with SandboxServer(version="18.0") as server, OntraportSimulator(
            account, app_id=APP_ID, api_key=API_KEY, rate_limit=rate_limit, rate_window_seconds=1.0) as sim:
        api.init_project(root, "ontraport")
        write_config(root, ontraport_source(sim.url), server, monkeypatch)
        prepare(root)
        sim.counters = dict.fromkeys(sim.counters, 0)
        if faults is not None:
            sim.faults = faults

        starts = iter(range(10**6))

        def busy_neighbour(kind: str, **data: Any) -> None:
            # another integration of the customer spends the whole budget as each of the first objects starts
            if faults is not None and kind == "object_start" and next(starts) in (1, 4, 5, 9):
                sim.consume(rate_limit)

        fates, picture = migrate_and_check(root, server, busy_neighbour)
        return fates, picture, dict(sim.counters)


def test_ontraport_429_500_502_and_dropped_connections_during_migrate(tmp_path: Path, account: OntraportAccount,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    clean_fates, clean_picture, _ = ontraport_run(tmp_path / "clean", account, monkeypatch, faults=None)
    fates, picture, counters = ontraport_run(tmp_path / "faulty", account, monkeypatch,
                                             faults=Faults(seed=9, error_500=0.04, error_502=0.03, drop=0.04))
    assert counters["429"] >= 3 and counters["500"] >= 1 and counters["502"] >= 1 and counters["dropped"] >= 1, \
        counters
    assert fates == clean_fates, "every record ends as with a well-behaved API"
    assert picture == clean_picture, "the same records, with the same names, under the same external IDs"


# -- Planports ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> PlanportsDataset:
    return generate_workbook(tmp_path_factory.mktemp("pp") / "truth.xlsx", seed=6, language="tr", contacts=40,
                             companies=8, leads=15, deals=15, quotes=5, orders=4, activities=15, notes=10, cards=8,
                             attachments=3)


def planports_run(root: Path, dataset: PlanportsDataset, monkeypatch: pytest.MonkeyPatch, *, expire: bool
                  ) -> tuple[dict[tuple[str, str], str], dict[str, Any], PlanportsSimulator]:
    monkeypatch.setenv("FT_PP_EMAIL", PP_EMAIL)
    monkeypatch.setenv("FT_PP_PASSWORD", PP_PASSWORD)
    with SandboxServer(version="18.0") as server, PlanportsSimulator(
            dataset, email=PP_EMAIL, password=PP_PASSWORD, faults={"500": 0.03, "drop": 0.03} if expire else None,
            seed=3) as sim:
        api.init_project(root, "planports-api")
        write_config(root, f'[source]\nkind = "planports-api"\nbase_url = "{sim.url}"\nemail = "${{FT_PP_EMAIL}}"\n'
                           'password = "${FT_PP_PASSWORD}"\n', server, monkeypatch,
                     migration_extra='default_country = "TR"\nsource_timezone = "Europe/Istanbul"\n')
        prepare(root)
        logins_before = sum(1 for _, path, _ in sim.request_log if path.lower() == "/api/token")

        def expire_now(kind: str, **data: Any) -> None:
            if expire and kind == "object_start":
                sim.expire_tokens()  # the token the connector holds is refused from the next call on

        fates, picture = migrate_and_check(root, server, expire_now)
        refused = [entry for entry in sim.request_log if entry[2] == 401]
        logins = sum(1 for _, path, _ in sim.request_log if path.lower() == "/api/token") - logins_before
        if expire:
            assert refused and logins >= len(refused), (len(refused), logins)
        return fates, picture, sim


def test_planports_token_expiring_during_migrate(tmp_path: Path, dataset: PlanportsDataset,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    clean_fates, clean_picture, _ = planports_run(tmp_path / "clean", dataset, monkeypatch, expire=False)
    fates, picture, sim = planports_run(tmp_path / "expiring", dataset, monkeypatch, expire=True)
    assert sum(1 for entry in sim.request_log if entry[2] == 401) >= 3
    assert fates == clean_fates, "every record ends as with a token that never expires"
    assert picture == clean_picture
