"""Keys learnt from the data: Tags keyed ``tag_id``, a custom object keyed otherwise, meta that names no key.

Ontraport answers 400 "Invalid sort field: id" to a sort by a field the object lacks; the simulator does too,
so a connector that assumes ``id`` fails here as it does against a real account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings, open_source
from crm2odoo.sources.ontraport.api import OntraportApiSource
from crm2odoo.sources.ontraport.keys import key_from_meta, key_from_record, own_key_names
from crm2odoo.testing.ontraport_sim import OntraportAccount, OntraportSimulator, generate_account

APP_ID, KEY = "2_AppID_777", "Key-keys-0001"
FAST = {"rate_limit": 10_000, "retry_backoff": 0.01, "timeout": 5}
TAG, PROPERTY = 14, 10000


def make_source(sim: OntraportSimulator) -> OntraportApiSource:
    source = open_source(SourceSettings(kind="ontraport", values={"base_url": sim.url, "app_id": APP_ID,
                                                                  "api_key": Secret(KEY)},
                                        base_dir=Path("."), options=FAST))
    assert isinstance(source, OntraportApiSource)
    return source


@pytest.fixture(scope="module")
def account() -> OntraportAccount:
    acc = generate_account(seed=9, contacts=70, companies=5, deals=8, properties=60)
    acc.rekey(PROPERTY, "property_id")  # a custom object whose key is not `id`
    return acc


@pytest.fixture(scope="module")
def sim(account: OntraportAccount) -> Iterator[OntraportSimulator]:
    # neither the Tag meta nor the custom object's names its key
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=100_000,
                            meta_omits_key={TAG, PROPERTY}) as server:
        yield server


def get(sim: OntraportSimulator, **params: Any) -> httpx.Response:
    return httpx.get(sim.url + "/objects", params=params, headers={"Api-Key": KEY, "Api-Appid": APP_ID})


def test_the_simulator_refuses_a_sort_by_a_field_the_object_lacks(sim: OntraportSimulator) -> None:
    refused = get(sim, objectID=TAG, sort="id", sortDir="asc", range=50)
    assert refused.status_code == 400 and refused.json()["data"] == "Invalid sort field: id"
    ok = get(sim, objectID=TAG, sort="tag_id", sortDir="asc", range=50)
    assert ok.status_code == 200 and all("tag_id" in row and "id" not in row for row in ok.json()["data"])
    meta = httpx.get(sim.url + "/objects/meta", params={"objectID": TAG, "format": "byId"},
                     headers={"Api-Key": KEY, "Api-Appid": APP_ID}).json()["data"]
    assert "tag_id" not in meta[str(TAG)]["fields"], "the meta need not list the key"


def test_tags_are_read_by_tag_id_when_the_meta_omits_it(sim: OntraportSimulator, account: OntraportAccount) -> None:
    sim.request_log.clear()
    src = make_source(sim)
    try:
        catalog = src.discover()
        assert catalog.object("tag") is not None and catalog.object("custom_properties") is not None
        tags = list(src.read("tag"))
        expected = {row["tag_id"]: row["tag_name"] for row in account.rows(TAG) if row["object_type_id"] == "0"}
        assert {t.id: t.values["tag_name"] for t in tags} == expected
        assert not any(t.problems for t in tags)
        sorts = {e["params"].get("sort") for e in sim.request_log
                 if e["path"] == "/1/objects" and e["params"].get("objectID") == str(TAG)}
        assert "id" not in sorts and "tag_id" in sorts
        picked = list(src.read("tag", ids=["2", "5"]))
        assert sorted(t.id for t in picked) == ["2", "5"]
        assert sorted(src.list_ids("tag"), key=int) == sorted(expected, key=int)
    finally:
        src.close()


def test_a_custom_object_keyed_otherwise_pages_filters_and_ids_by_its_key(sim: OntraportSimulator,
                                                                          account: OntraportAccount) -> None:
    src = make_source(sim)
    try:
        records = list(src.read("custom_properties"))
        keys = sorted(int(r["property_id"]) for r in account.rows(PROPERTY))
        assert sorted(int(r.id) for r in records) == keys and len(keys) == 60, "both pages, each record once"
        assert all(not r.problems and r.values["id"] == r.id for r in records)
        assert sorted(r.id for r in src.read("custom_properties", ids=["3", "51"])) == ["3", "51"]
        newest = max(records, key=lambda r: r.modified_at or dt.datetime.min.replace(tzinfo=dt.UTC))
        assert newest.modified_at is not None
        recent = list(src.read("custom_properties", since=newest.modified_at))
        assert newest.id in {r.id for r in recent} and len(recent) < len(records)
    finally:
        src.close()


def test_a_key_named_in_the_meta_needs_no_probe(account: OntraportAccount) -> None:
    with OntraportSimulator(account, app_id=APP_ID, api_key=KEY, rate_limit=100_000) as server:
        src = make_source(server)
        try:
            assert len(list(src.read("custom_properties"))) == 60
            reads = [e["params"] for e in server.request_log
                     if e["path"] == "/1/objects" and e["params"].get("objectID") == str(PROPERTY)]
            assert reads and all(p.get("sort") == "property_id" for p in reads), reads
        finally:
            src.close()


def test_key_rules_say_no_to_links_and_other_identifiers() -> None:
    names = own_key_names("Tag", "Tags")
    assert names[:2] == ("id", "tag_id")
    assert key_from_meta(names, {"tag_id": {"type": "numeric"}, "tag_name": {}}) == "tag_id"
    assert key_from_meta(own_key_names("Note", "Notes"), {"contact_id": {"type": "parent"}}) is None
    assert key_from_meta(own_key_names("Deal", "Deals"), {"deal_id": {"type": "parent"}}) is None
    listing = own_key_names("Listing", "Listings")
    row = {"object_type_id": "0", "contact_id": "4", "unique_id": "77", "listing_no_id": "12", "name": "x"}
    assert key_from_record(listing, [row], {}) == "listing_no_id"
    assert key_from_record(listing, [{"contact_id": "4", "name": "x"}], {}) is None
    assert key_from_record(listing, [{"ref_id": "4"}], {"ref_id": {"type": "parent", "parent_object": "0"}}) is None
    assert key_from_record(listing, [{"code_id": "A-4"}], {}) is None
    assert key_from_record(listing, [], {}) is None


def test_a_key_is_the_field_distinct_in_every_record_whatever_the_object_is_called() -> None:
    """Real Ontraport: objectID 14 is keyed tag_id although 'tag_id' links tags elsewhere, and its label need not
    be 'Tag'; object_type_id is a whole number in every record too, but the same in all of them."""
    rows = [{"tag_id": str(n), "tag_name": f"t{n}", "object_type_id": "0"} for n in (3, 9, 12)]
    assert key_from_record(own_key_names("Tags (of deals)"), rows, {}, "Tags (of deals)") == "tag_id"
    assert key_from_record(own_key_names("Labels"), rows, {}, "Labels") == "tag_id"
    shared = [{"tag_id": "3", "object_type_id": "0"}, {"tag_id": "3", "object_type_id": "0"}]
    assert key_from_record(own_key_names("Labels"), shared, {}, "Labels") is None


def test_a_key_the_meta_names_wrongly_is_relearnt_from_the_records() -> None:
    acc = generate_account(seed=10, contacts=12, companies=2, deals=2, properties=8)
    acc.rekey(PROPERTY, "listing_id")
    # the meta lists an `id` field that the records do not carry: a whole record shows the key
    acc.schema[PROPERTY]["fields"]["id"] = {"alias": "ID", "type": "numeric"}
    with OntraportSimulator(acc, app_id=APP_ID, api_key=KEY, rate_limit=100_000, meta_omits_key={PROPERTY}) as server:
        src = make_source(server)
        try:
            records = list(src.read("custom_properties"))
            assert sorted(int(r.id) for r in records) == list(range(1, 9)) and not any(r.problems for r in records)
            assert sorted(src.list_ids("custom_properties"), key=int) == [str(n) for n in range(1, 9)]
        finally:
            src.close()


def test_a_payments_object_that_names_no_transaction_gives_way_to_payments_derived_from_transactions() -> None:
    """Real accounts may answer Payments (227) with a meta that links no transaction: such payments cannot say what
    they pay, so the payments come from the transactions, as when 227 is absent."""
    acc = generate_account(seed=12, contacts=10, companies=2, deals=2, transactions=4)
    acc.schema[227] = {"name": "Payment", "fields": {"amount": {"alias": "Amount", "type": "price"},
                                                     "date": {"alias": "Date", "type": "timestamp"}}}
    acc.records[227] = {}
    with OntraportSimulator(acc, app_id=APP_ID, api_key=KEY, rate_limit=100_000) as server:
        src = make_source(server)
        try:
            catalog = src.discover()
            payment = catalog.object("payment")
            assert payment is not None
            link = payment.field("invoice_id")
            assert link is not None and link.ref_object == "invoice"
            assert any("Payments (objectID 227) name no transaction" in w for w in catalog.warnings)
            assert list(src.read("payment")), "the paid transactions' payments"
        finally:
            src.close()
