"""The real workflow against source simulators written independently from the public documentation
(tests/independent): an Ontraport REST account, the same account as UI CSV exports, and a Turkish Planports workbook.
Each is migrated with the proposal accepted unchanged, into the sandbox (or a real Odoo, see tests/conftest.py), and
what landed is compared with the account's TRUTH manifest: every valid record landed, only the invalid ones left
out, links, owners and tags as in the source, a second migrate creating nothing, reconcile ok."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm2odoo import api
from crm2odoo.odoo.client import OdooClient, OdooSettings
from tests.independent import checks
from tests.independent.coaching import generate
from tests.independent.ontraport_csv import write_exports
from tests.independent.ontraport_server import OntraportServer
from tests.independent.planports_book import build
from tests.independent.truth import Truth
from tests.independent.values import value_problems
from tests.independent.workflow import Outcome, ensure_owners, namespace, run, verdict_lines, write_config

APP_ID, API_KEY = "2_AppID_48213", "Key-ind-5678"
SOURCES = ["ontraport_api", "ontraport_csv", "planports_xlsx"]


def _tolerated(truth: Truth) -> int:
    """Quarantines the source itself caused: the run may leave exactly those and still say ok."""
    return sum(len(o.invalid) for o in truth.objects.values())


def _migrate(root: Path, truth: Truth, settings: OdooSettings, source_table: str, prefix: str) -> Outcome:
    ns = namespace(prefix)
    write_config(root, source_table, settings, ns)
    with (root / "crm2odoo.toml").open("a", encoding="utf-8") as handle:
        handle.write(f"max_quarantine = {_tolerated(truth)}\n")
    client = OdooClient(settings)
    try:
        ensure_owners(client, truth.users, ns)
        return run(root, truth, client)
    finally:
        client.close()


@pytest.fixture(scope="module")
def ontraport_api(odoo_settings: OdooSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    account = generate()
    server = OntraportServer(account, app_id=APP_ID, api_key=API_KEY).start()
    os.environ["IND_OP_APP"], os.environ["IND_OP_KEY"] = APP_ID, API_KEY
    source = (f'[source]\nkind = "ontraport"\nbase_url = "{server.url}"\napp_id = "${{IND_OP_APP}}"\n'
              f'api_key = "${{IND_OP_KEY}}"\n')
    try:
        yield _migrate(tmp_path_factory.mktemp("ind-op-api"), account.truth, odoo_settings, source, "ind-opa")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def ontraport_csv(odoo_settings: OdooSettings, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    root = tmp_path_factory.mktemp("ind-op-csv")
    truth = write_exports(generate(), root / "exports")
    source = '[source]\nkind = "ontraport-csv"\npath = "exports/"\n'
    return _migrate(root, truth, odoo_settings, source, "ind-opc")


@pytest.fixture(scope="module")
def planports_xlsx(odoo_settings: OdooSettings, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    root = tmp_path_factory.mktemp("ind-pp-xlsx")
    truth = build(root / "ege-gulus-disa-aktarim.xlsx")
    source = '[source]\nkind = "planports-xlsx"\npath = "ege-gulus-disa-aktarim.xlsx"\n'
    return _migrate(root, truth, odoo_settings, source, "ind-ppx")


@pytest.fixture(params=SOURCES)
def outcome(request: pytest.FixtureRequest) -> Outcome:
    result: Outcome = request.getfixturevalue(request.param)
    return result


@pytest.fixture(scope="module")
def reader(odoo_settings: OdooSettings) -> Iterator[OdooClient]:
    client = OdooClient(odoo_settings)
    yield client
    client.close()


# -- the workflow's own verdicts -----------------------------------------------------------------------------------
def test_the_accepted_proposal_validates(outcome: Outcome) -> None:
    info = outcome.reached("validate")
    errors = Counter(f"{f.object} {f.kind} ({f.action}): {f.message[:140]} [{f.locator.split(' row ')[0]}]"
                     for f in info.findings if f.severity == "error")
    listed = "; ".join(f"{n}x {what}" for what, n in errors.most_common(8))
    assert not info.stops, f"validate stops: schema problems {info.schema_problems}; errors: {listed}"


def test_validate_finds_errors_only_where_the_source_is_invalid(outcome: Outcome) -> None:
    problems = checks.finding_problems(outcome.truth, outcome.reached("validate"))
    assert not problems, checks.summarise(problems)


def test_migrate_says_ok(outcome: Outcome) -> None:
    info = outcome.reached("migrate")
    assert info.ok, f"migrate verdict not ok: {verdict_lines(info)}"


def test_reconcile_says_ok(outcome: Outcome) -> None:
    info = outcome.reached("reconcile")
    bad = []
    for obj in info.asdict()["objects"]:
        if not obj["ok"]:
            kinds = Counter(d["what"] for d in obj.get("differences", []))
            first = (obj.get("differences") or [{}])[0]
            bad.append(f"{obj['name']}: {dict(kinds)} (e.g. {first.get('source_id')}: {first.get('detail')})")
    assert info.ok, f"reconcile not ok (quarantined {info.quarantined}, within tolerance " \
                    f"{info.within_tolerance}): " + "; ".join(bad)


def test_a_second_migrate_creates_nothing(outcome: Outcome) -> None:
    info = outcome.reached("migrate again")
    created = {o.name: o.created for o in info.objects if o.created}
    assert not created, f"the second migrate created records: {created}"
    before = {(r.object, r.source_id) for r in outcome.rows}
    new_rows = sorted({(r.object, r.source_id) for r in checks.ledger_rows(outcome.root)} - before)
    assert not new_rows, f"the second migrate added {len(new_rows)} ledger records: {new_rows[:10]}"
    if not os.environ.get("CRM2ODOO_TEST_ODOO_URL"):  # a shared real database changes under other writers
        grown = {m: (n, outcome.counts_after_again.get(m)) for m, n in outcome.counts_before_again.items()
                 if outcome.counts_after_again.get(m) != n}
        assert not grown, f"records per model changed on the second migrate (before, after): {grown}"


# -- what landed, against the manifest -----------------------------------------------------------------------------
def test_every_valid_record_lands_and_only_invalid_ones_do_not(outcome: Outcome) -> None:
    outcome.reached("migrate")
    problems = checks.outcome_problems(outcome.truth, outcome.rows)
    assert not problems, checks.summarise(problems)


def test_links_in_odoo_are_the_sources_links(outcome: Outcome, reader: OdooClient) -> None:
    outcome.reached("migrate")
    view = checks.OdooView(reader, outcome.truth, outcome.rows)
    problems = checks.link_problems(view) + checks.line_problems(view, outcome.rows)
    assert not problems, checks.summarise(problems)


def test_owners_are_the_odoo_users_of_the_same_name(outcome: Outcome, reader: OdooClient) -> None:
    outcome.reached("migrate")
    problems = checks.owner_problems(checks.OdooView(reader, outcome.truth, outcome.rows))
    assert not problems, checks.summarise(problems)


def test_tag_sets_are_the_sources(outcome: Outcome, reader: OdooClient) -> None:
    outcome.reached("migrate")
    problems = checks.tag_problems(checks.OdooView(reader, outcome.truth, outcome.rows))
    assert not problems, checks.summarise(problems)


def test_values_keep_their_meaning(outcome: Outcome, reader: OdooClient) -> None:
    """Amounts and dates as the source says; dropdown and list labels, pipeline names visible on the record."""
    outcome.reached("migrate")
    problems = value_problems(checks.OdooView(reader, outcome.truth, outcome.rows))
    assert not problems, checks.summarise(problems)


# -- the Ontraport API: a key that is not `id` ---------------------------------------------------------------------
def test_discover_and_plan_read_the_tag_object_whose_key_is_not_id(tmp_path: Path,
                                                                     odoo_settings: OdooSettings) -> None:
    account = generate(seed=3, contacts=12)
    server = OntraportServer(account, app_id=APP_ID, api_key=API_KEY).start()
    os.environ["IND_OP_APP"], os.environ["IND_OP_KEY"] = APP_ID, API_KEY
    try:
        write_config(tmp_path, f'[source]\nkind = "ontraport"\nbase_url = "{server.url}"\n'
                               f'app_id = "${{IND_OP_APP}}"\napi_key = "${{IND_OP_KEY}}"\n',
                     odoo_settings, namespace("ind-tag"))
        api.discover(tmp_path)
        api.plan(tmp_path)
        tag_reads = [(path, status) for path, status in server.log
                     if ("objectID=14" in path or path.startswith("/1/Tags")) and "meta" not in path]
        assert tag_reads and all(status == 200 for _, status in tag_reads), \
            f"the Tag object was not read cleanly: {tag_reads[:6]}"
        mapping = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
        assert "tag" in mapping.lower(), "the proposal says nothing about the Tag object"
    finally:
        server.stop()


# -- the simulator answers as the documentation says (so failures above are the product's) -------------------------
def _get(server: OntraportServer, path: str, *, auth: bool = True) -> tuple[int, dict[str, str], str]:
    headers = {"Api-key": API_KEY, "Api-Appid": APP_ID} if auth else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(server.url + path, headers=headers)) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def test_the_independent_ontraport_server_speaks_the_documented_protocol() -> None:
    server = OntraportServer(generate(seed=5, contacts=70), app_id=APP_ID, api_key=API_KEY, rate_limit=8).start()
    try:
        assert _get(server, "/Contacts", auth=False)[:3:2] == (401, "Your App ID and API Key do not authenticate.")
        status, headers, body = _get(server, "/Contacts?start=0&range=500")
        page = json.loads(body)
        assert status == 200 and len(page["data"]) == 50 and page["code"] == 0
        assert all(isinstance(v, str) for rec in page["data"] for v in rec.values())
        assert headers["X-Rate-Limit-Limit"] == "8" and int(headers["X-Rate-Limit-Remaining"]) == 7
        assert json.loads(_get(server, "/Contacts/getInfo")[2])["data"]["count"] == "70"
        assert _get(server, "/objects?objectID=14&sort=id")[::2] == (400, "Invalid sort field: id")
        tags = json.loads(_get(server, "/Tags?sort=tag_id&sortDir=desc&listFields=tag_id")[2])["data"]
        assert [t["tag_id"] for t in tags][:2] == ["18", "17"]
        assert "tag_id" not in json.loads(_get(server, "/objects/meta?objectID=14")[2])["data"]["14"]["fields"]
        statuses = [_get(server, "/Tasks")[0] for _ in range(4)]
        assert statuses[-1] == 429, statuses
    finally:
        server.stop()


def test_the_manifest_checks_say_no_when_a_valid_record_is_missing_or_an_invalid_one_landed() -> None:
    truth = generate(seed=9, contacts=20).truth
    rows = [checks.Row(key, sid, "x", 1, "created", "") for key, obj in truth.objects.items() for sid in obj.ids]
    invalid = next(iter(truth.objects["contact"].invalid))
    problems = checks.outcome_problems(truth, rows)
    assert any(f"contact {invalid}: landed" in p for p in problems), problems
    rows = [r if r.source_id != "2" or r.object != "deal" else checks.Row("deal", "2", "x", None, "quarantined",
                                                                           "references company 3") for r in rows]
    assert any("deal: 1 of 16 valid records not landed" in p for p in checks.outcome_problems(truth, rows))
