"""The loader's decisions as pure functions: what changed, what an update sends, what rollback keeps."""

from __future__ import annotations

import datetime as dt

from crm2odoo.load.diffing import (
    candidates_domain,
    changed_records,
    conflict_detail,
    dedupe_key,
    encoded_size,
    group_columns,
    plan_update,
    prior_values,
    relink_commands,
    snapshot_fields,
    write_groups,
)
from crm2odoo.load.objectpass import SINCE_OVERLAP_SECONDS, since_cursor
from crm2odoo.load.outcomes import landed_state
from crm2odoo.load.prepared import Prepared
from crm2odoo.load.tags import merged_tags
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.mapping.spec import ObjectMap

CHAR = {"type": "char", "store": True}
TAGS = {"type": "many2many", "store": True}
META = {"name": CHAR, "email": CHAR, "category_id": TAGS}


def target(source_id: str, **vals: object) -> TargetRecord:
    return TargetRecord("contact", source_id, "res.partner", f"crm2odoo.x_contact_{source_id}", dict(vals))


def test_a_landed_record_with_the_same_hash_is_not_sent_again() -> None:
    same, moved, new, undated = target("1", name="A"), target("2", name="B"), target("3", name="C"), target("4")
    fates = {"1": ("created", same.content_hash, 41), "2": ("updated", "old", 42), "4": ("unchanged", "old", 44)}
    changes = changed_records([same, moved, new, undated], fates, undated={"4"})
    assert [t.source_id for t in changes.send] == ["2", "3", "4"]
    assert changes.unchanged == 1
    assert [t.source_id for t in changes.unnoticed] == ["4"], "changed, though its modified date did not move"


def test_a_quarantined_record_is_sent_again_whatever_its_hash() -> None:
    again = target("1", name="A")
    assert changed_records([again], {"1": ("quarantined", again.content_hash, None)}).send == [again]


def test_an_update_sends_what_the_source_changed_and_keeps_an_odoo_users_edit() -> None:
    written = {"name": "A", "email": "a@x.com"}
    # the source changed the e-mail; an Odoo user changed the name, which the source did not touch
    plan = plan_update({"name": "A", "email": "b@x.com"}, written, lambda name: None,
                       {"name": "A edited", "email": "a@x.com"}, META, "res.partner")
    assert plan.send == {"email": "b@x.com"} and not plan.clashes and not plan.relink


def test_a_field_both_changed_is_a_conflict() -> None:
    plan = plan_update({"name": "B"}, {"name": "A"}, lambda name: "A", {"name": "A edited"}, META, "res.partner")
    assert plan.clashes == ["name"] and plan.send == {}
    detail = conflict_detail(plan.clashes, {"name": "A"}, {"name": "A edited"}, {"name": "B"})
    assert detail == "name: tool wrote 'A', Odoo now has 'A edited', source now says 'B'"


def test_the_same_change_in_odoo_and_the_source_is_no_conflict() -> None:
    plan = plan_update({"name": "B"}, {"name": "A"}, lambda name: "A", {"name": "B"}, META, "res.partner")
    assert plan.send == {"name": "B"} and not plan.clashes


def test_tags_are_added_and_removed_one_by_one_so_others_tags_stay() -> None:
    plan = plan_update({"category_id": "1,3"}, {"category_id": "1,2"}, lambda name: None, {"category_id": "1,2,9"},
                       META, "res.partner")
    assert plan.relink == {"category_id": [[4, 3], [3, 2]]} and plan.send == {}
    assert relink_commands("", "5") == [[4, 5]]
    assert merged_tags("3,1", {2}) == "1,2,3"


def test_rollback_keeps_every_stored_writable_field_but_links_it_does_not_send() -> None:
    meta = {"name": CHAR, "category_id": TAGS, "create_date": {"type": "datetime", "store": True},
            "display_name": {"type": "char", "store": False}, "parent_id": {"type": "many2one", "store": True},
            "ref": {"type": "char", "store": True, "readonly": True}}
    assert snapshot_fields(["email_missing"], meta) == ["name", "parent_id"]
    assert snapshot_fields(["category_id"], meta) == ["category_id", "name", "parent_id"]
    row = {"name": "A", "parent_id": [7, "Co"], "category_id": [3, 1]}
    assert prior_values(row, ["name", "parent_id", "category_id"], meta) == {
        "name": "A", "parent_id": 7, "category_id": [[6, 0, [3, 1]]]}


def test_records_share_a_load_when_they_fill_the_same_default_sensitive_columns() -> None:
    with_stage = Prepared(target("1"), {"name": "A", "stage_id": "4"})
    without = Prepared(target("2"), {"name": "B", "stage_id": ""})
    partial = Prepared(target("3"), {"email": "c@x.com"}, full={"name": "C", "email": "c@x.com"})
    groups = write_groups([with_stage, without, partial])
    assert groups == {("stage_id",): [with_stage], (): [without], ("=", "email"): [partial]}
    assert group_columns(("stage_id",), [with_stage]) == ["name", "stage_id"]
    assert group_columns((), [without]) == ["name"], "Odoo's default stage applies to a record that has none"
    assert group_columns(("=", "email"), [partial]) == ["email"]


def test_a_written_record_lands_as_matched_updated_or_created() -> None:
    assert landed_state(Prepared(target("1"), {}, existing_id=5, matched=True)) == "matched"
    assert landed_state(Prepared(target("1"), {}, existing_id=5)) == "updated"
    assert landed_state(Prepared(target("1"), {}, existing_id=5, resent=True)) == "created"
    assert landed_state(Prepared(target("1"), {})) == "created"


def test_dedupe_keys_fold_case_and_need_every_field() -> None:
    obj = ObjectMap(name="contact", source_object="contact", model="res.partner", dedupe_fields=["email", "name"])
    assert dedupe_key(obj, {"email": "A@X.com", "name": "İstanbul"}) == dedupe_key(obj, {"email": "a@x.com",
                                                                                       "name": "istanbul"})
    assert dedupe_key(obj, {"email": "a@x.com", "name": ""}) is None
    assert dedupe_key(ObjectMap(name="n", source_object="n", model="res.partner"), {"email": "a"}) is None


def test_plain_emails_are_searched_through_their_normalized_form() -> None:
    domain = candidates_domain("email", ["A@X.com", "ünï@x.com"], normalized_email=True)
    assert domain == ["|", ["email_normalized", "in", ["a@x.com"]], ["email", "=ilike", "ünï@x.com"]]
    assert candidates_domain("email", ["a@x.com"], normalized_email=False) == [["email", "=ilike", "a@x.com"]]


def test_file_content_counts_as_base64() -> None:
    assert encoded_size(target("1", datas=b"abcd", name="x"), ["datas"]) == 8


def test_a_delta_reads_a_little_before_its_cursor() -> None:
    assert since_cursor(None) is None
    since = since_cursor("2026-01-01T10:00:00")
    assert since == dt.datetime(2026, 1, 1, 10, 0) - dt.timedelta(seconds=SINCE_OVERLAP_SECONDS)


def test_a_maps_options_choose_its_load_kind() -> None:
    def kind(model: str, **options: object) -> str:
        return ObjectMap(name="m", source_object="m", model=model, options=dict(options)).load_kind

    assert kind("res.partner") == "records" and kind("mail.message") == "chatter"
    assert kind("res.users", match_only=True) == "match_users" and kind("res.partner", apply_tags=True) == "tags"
    assert kind("mail.message", aggregate=True) == "aggregate"
    assert kind("account.payment", register_payments=True) == "payments"
