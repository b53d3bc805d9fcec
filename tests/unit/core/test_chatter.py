"""The chatter group: which message maps load together, and how a merged batch is cut into writes."""

from __future__ import annotations

from crm2odoo.load.chatter import chatter_group, runs
from crm2odoo.load.objectpass import chatter_date
from crm2odoo.load.order import LoadStep
from crm2odoo.mapping.engine import TargetRecord
from crm2odoo.mapping.spec import ObjectMap
from crm2odoo.mapping.transforms import RecordRef, Ref
from crm2odoo.spill import spilled_sort


def message(map_name: str, sid: str, document: str, date: str, **vals: str) -> TargetRecord:
    return TargetRecord(map_name, sid, "mail.message", f"crm2odoo.{map_name}_{sid}",
                        {"doc": document, "date": date, **vals})


def cut(batch: list[TargetRecord]) -> list[list[str]]:
    return [[f"{t.map_name}:{t.source_id}" for t in run] for run in runs(batch, lambda t: t.vals["doc"])]


def test_documents_share_writes_and_each_keeps_its_order() -> None:
    batch = [message("note", "1", "a", "2024-01-01"), message("note", "2", "b", "2024-01-02"),
             message("task_done", "3", "a", "2024-01-03"), message("note", "4", "c", "2024-01-04"),
             message("task_done", "5", "b", "2024-01-05"), message("note", "6", "a", "2024-01-06")]
    # a's note 1 < task 3 < note 6; b's note 2 < task 5; c's note goes with the first notes
    assert cut(batch) == [["note:1", "note:2", "note:4"], ["task_done:3", "task_done:5"], ["note:6"]]


def test_a_document_alternating_maps_is_never_sent_out_of_order() -> None:
    batch = [message("note" if n % 2 else "task_done", str(n), "a", f"2024-01-{n:02d}") for n in range(1, 6)]
    assert cut(batch) == [["note:1"], ["task_done:2"], ["note:3"], ["task_done:4"], ["note:5"]]


def test_messages_filling_different_default_columns_go_in_separate_writes() -> None:
    batch = [message("note", "1", "a", "2024-01-01", subtype_id="x"), message("note", "2", "b", "2024-01-02")]
    assert cut(batch) == [["note:1"], ["note:2"]]


def step(name: str, model: str, *depends: str) -> LoadStep:
    return LoadStep(ObjectMap(name=name, source_object=name, model=model), tuple(depends), False)


def test_a_message_map_waiting_for_a_later_map_keeps_its_own_place() -> None:
    steps = [step("contact", "res.partner"), step("note", "mail.message", "contact"),
             step("task", "mail.activity", "contact"), step("task_done", "mail.message", "contact"),
             step("project_task", "project.task"), step("card_note", "mail.message", "project_task")]
    group = chatter_group(steps, 1, {"contact", "note"}, set(), lambda o: True)
    assert [s.map.name for s in group] == ["note", "task_done"]
    assert [s.map.name for s in chatter_group(steps, 1, {"contact", "note"}, {"contact"}, lambda o: True)] == ["note"]


def test_a_message_map_too_big_to_sort_in_memory_keeps_its_references() -> None:
    owner = RecordRef((Ref("deal", "7"), Ref("contact", "3")))
    notes = [TargetRecord("note", str(n), "mail.message", f"x.note_{n}", {"date": f"2024-01-{30 - n:02d}",
                                                                          "res_id": owner}) for n in range(20)]
    spilled = list(spilled_sort(notes, lambda t: (chatter_date(t), t.source_id), in_memory=4))
    assert [t.source_id for t in spilled] == [str(n) for n in reversed(range(20))]
    assert spilled[0].vals["res_id"] == owner and spilled[0].content_hash == notes[-1].content_hash
