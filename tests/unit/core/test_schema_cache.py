"""Schema's cache across provisioning: models known to exist stay known, unless models were removed."""

from __future__ import annotations

from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.schema import Schema


def test_models_known_to_exist_are_not_counted_again_after_fields_were_created(odoo: OdooClient) -> None:
    schema = Schema(odoo)
    assert schema.has_model("res.partner") and schema.has_model("crm.lead")
    schema.fields("mail.message")
    schema.forget()  # what provisioning does once it has created fields
    before = odoo.calls
    assert schema.has_model("res.partner") and schema.has_model("crm.lead") and schema.has_model("mail.message")
    assert odoo.calls == before


def test_a_model_not_there_is_asked_again_and_removals_forget_every_model(odoo: OdooClient) -> None:
    schema = Schema(odoo)
    assert not schema.has_model("x_bench_nowhere")
    assert schema.has_model("res.partner")
    schema.forget("res.partner")
    before = odoo.calls
    assert not schema.has_model("x_bench_nowhere")  # absent before provisioning says nothing about after it
    assert odoo.calls == before + 1
    schema.forget(models_removed=True)  # what rollback does once it removed models: nothing is taken as known
    assert schema.has_model("res.partner")
    assert odoo.calls == before + 2
