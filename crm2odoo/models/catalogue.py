"""One record per Odoo model the tool writes or points at: adding a model is adding its record here.

A model that is not listed gets ``OdooModel(name)``: every rule empty, and not a standard model the addon knows.
"""

from __future__ import annotations

from crm2odoo.models.record import Action, FieldChange, FormView, Holder, OdooModel

#: set by Odoo on every write, never ours to snapshot or restore
LOG_ACCESS = frozenset({"create_date", "create_uid", "write_date", "write_uid"})

#: fields whose emptiness is not sent as an explicit False: Odoo's default matters (the first stage, the current
#: user and company, the time of the load for a message's or a task's date; a meeting's attendees, which
#: calendar.event.create iterates, so an explicit False fails there: "'bool' object is not iterable")
DEFAULT_SENSITIVE = frozenset({"stage_id", "team_id", "type", "company_id", "currency_id", "user_id", "message_type",
                               "subtype_id", "activity_type_id", "date", "date_order", "state", "move_type",
                               "partner_ids"})

ACTIONS: dict[str, Action] = {a.call: a for a in (
    # sale.order: confirm sets date_order to now; a confirmed order is cancelled before it can be deleted
    Action("action_confirm", overwrites=("date_order",), undo="action_cancel"),
    # account.move: posting keeps invoice_date, and a posted move refuses changes to it; reset to draft to delete
    Action("action_post", undo="button_draft"),
)}

#: tables Odoo changes as a side effect of what a run loads and that nobody may write over the API, kept whole before
#: the run so rollback can tell exactly what the run changed there: predictive lead scoring counts every deal created
#: won or lost by its values (crm_lead.py _handle_won_lost), deleting the deal does not count it out again, and no
#: group may write or delete these rows (crm/security/ir.model.access.csv); Odoo's scheduled job recomputes them
SIDE_TABLES: dict[str, tuple[str, ...]] = {"crm.lead.scoring.frequency": ("won_count", "lost_count")}

_TOTALS = "totals are computed by Odoo from the lines"
_TAXES = "taxes are chosen per product in Odoo; a line's tax rate maps to the line's taxes"
_ORDER_TOTALS = {"amount": _TOTALS, "subtotal": _TOTALS, "tax_amount": _TOTALS, "fx_rate": _TOTALS}
_LINE_TOTALS = {"subtotal": _TOTALS, "amount": _TOTALS, "tax_amount": _TOTALS}

_PHONE_AND_TITLE_GONE_IN_19 = (FieldChange("mobile", 19), FieldChange("title", 19))
_KIND_BECOMES_TYPE_IN_18 = (FieldChange("detailed_type", 18),)


def _form(xmlid: str, *, notebook: bool = True) -> FormView:
    return FormView(xmlid, notebook)


MODELS: dict[str, OdooModel] = {m.name: m for m in (
    # -- base ------------------------------------------------------------------------------------------------------
    OdooModel(
        "res.partner", "base",
        identity=("name", "email", "is_company"),
        takes_new_fields=True, has_phones=True,
        required_filled_by_odoo=frozenset({"autopost_bills"}),
        required_by_constraint=frozenset({"name"}),
        form=_form("base.view_partner_form"),
        field_changes=_PHONE_AND_TITLE_GONE_IN_19,
        # finished register-payment wizards hold their partner with ondelete=restrict until Odoo's vacuum
        held_by=(Holder("account.payment.register", "partner_id"),),
    ),
    OdooModel(
        "res.users", "base",
        required_filled_by_odoo=frozenset({"company_id", "notification_type", "partner_id"}),
        form=_form("base.view_users_form"),
        field_changes=(FieldChange("groups_id", 19, "group_ids"),),
        # a run's users are never deleted by its rollback: they may have logged in and own what they did since
        kept_on_rollback=True,
    ),
    OdooModel("res.partner.category", "base", form=_form("base.view_partner_category_form", notebook=False),
              lookup_search=("name",), read_whole=True),
    OdooModel("ir.attachment", "base", required_filled_by_odoo=frozenset({"type"}),
              form=_form("base.view_attachment_form", notebook=False), owner_model_field="res_model",
              takes_record_ref=True, content_fields=("datas", "raw")),
    OdooModel("res.currency", "base", never_created=True, read_whole=True),
    OdooModel("res.country", "base", lookup_search=("code", "name"), never_created=True, read_whole=True),
    OdooModel("res.country.state", "base", lookup_search=("code", "name"), never_created=True),
    OdooModel("res.lang", "base", lookup_search=("code", "iso_code", "name"), never_created=True),
    OdooModel("res.partner.industry", "base", lookup_search=("name", "full_name"), read_whole=True),
    OdooModel("res.partner.title", "base", read_whole=True),
    # -- crm -------------------------------------------------------------------------------------------------------
    OdooModel(
        "crm.lead", "crm",
        identity=("name", "type", "partner_id"),
        takes_new_fields=True, has_phones=True,
        ignored_concepts={"weighted_amount": "Odoo computes the prorated revenue from amount and probability"},
        # closing sets date_closed to now (crm_lead.py, write)
        write_overwrites=("date_closed",),
        # crm_iap_enrich would enrich new leads, spending credits
        defaults={"iap_enrich_done": True},
        # crm.lead.write stamps date_closed with the time of the write on a won or lost lead
        odoo_fills=frozenset({"date_closed", "date_last_stage_update", "date_open"}),
        required_filled_by_odoo=frozenset({"type"}),
        form=_form("crm.crm_lead_view_form"),
        field_changes=_PHONE_AND_TITLE_GONE_IN_19,
    ),
    # a stage belongs to one team on 17/18 and to several on 19 (see crm2odoo.odoo.versions.stage_team_field)
    OdooModel("crm.stage", "crm", form=_form("crm.crm_stage_form", notebook=False),
              field_changes=(FieldChange("team_id", 19, "team_ids"),), lookup_search=("name",), read_whole=True,
              ignored_concepts={"probability": "Odoo stages carry no probability (since 13); Odoo computes it per lead"}),
    OdooModel("crm.tag", "crm", lookup_search=("name",), read_whole=True),
    OdooModel("crm.lost.reason", "crm", form=_form("crm.crm_lost_reason_view_form", notebook=False),
              lookup_search=("name",), read_whole=True),
    OdooModel("crm.team", "sales_team", required_filled_by_odoo=frozenset({"alias_id"}),
              form=_form("sales_team.crm_team_view_form"), lookup_search=("name",), read_whole=True),
    # -- sales -----------------------------------------------------------------------------------------------------
    OdooModel("sale.order", "sale_management",
              required_filled_by_odoo=frozenset({"company_id", "date_order", "name", "partner_invoice_id",
                                                 "partner_shipping_id"}),
              form=_form("sale.view_order_form"), takes_new_fields=True,
              ignored_concepts={**_ORDER_TOTALS, "currency": "the order currency comes from its pricelist"}),
    OdooModel("sale.order.line", "sale_management",
              required_filled_by_odoo=frozenset({"customer_lead", "name", "price_unit", "product_uom_qty"}),
              field_changes=(FieldChange("product_uom", 19, "product_uom_id"), FieldChange("tax_id", 19, "tax_ids")),
              is_line=True,
              ignored_concepts={**_LINE_TOTALS, "price_include": _TAXES, "currency": "lines use the order's currency",
                                "uom": "units of measure must exist in Odoo; map by hand to the unit field"}),
    # -- project ---------------------------------------------------------------------------------------------------
    OdooModel("project.project", "project",
              required_filled_by_odoo=frozenset({"alias_id", "last_update_status", "privacy_visibility",
                                                 "rating_status", "rating_status_period"}),
              form=_form("project.edit_project"), takes_new_fields=True),
    # project.task stamps date_end when it reaches a closed state (project_task.py, _compute_date_end / write)
    OdooModel("project.task", "project", odoo_fills=frozenset({"date_end", "date_last_stage_update", "date_assign"}),
              required_filled_by_odoo=frozenset({"state"}), form=_form("project.view_task_form2"),
              takes_new_fields=True),
    OdooModel("project.task.type", "project",
              required_filled_by_odoo=frozenset({"rating_status", "rating_status_period"}),
              form=_form("project.task_type_edit", notebook=False)),
    OdooModel("project.tags", "project"),
    # -- accounting ------------------------------------------------------------------------------------------------
    OdooModel("account.move", "account",
              required_filled_by_odoo=frozenset({"auto_post", "currency_id", "date", "journal_id"}),
              form=_form("account.view_move_form"),
              # a posted entry cannot be deleted (a credit note whose posting the ledger missed): reset it first
              reset_to_draft="button_draft",
              ignored_concepts={**_ORDER_TOTALS,
                                "currency": "the invoice currency is set on the invoice journal/pricelist"}),
    OdooModel("account.move.line", "account", required_filled_by_odoo=frozenset({"currency_id", "display_type"}),
              is_line=True, ignored_concepts={**_LINE_TOTALS, "currency": "lines use the invoice's currency"}),
    # a registered payment is reset to draft (unlinking it posted fails with "A payment with an outstanding account
    # cannot be confirmed without having a journal entry", seen on 18)
    OdooModel("account.payment", "account", pre_unlink="action_draft",
              required_filled_by_odoo=frozenset({"company_id", "date", "journal_id", "partner_type", "payment_type",
                                                 "state"}),
              form=_form("account.view_account_payment_form")),
    OdooModel("account.tax", "account"),
    OdooModel("account.journal", "account"),
    # -- products --------------------------------------------------------------------------------------------------
    OdooModel("product.product", "product", required_filled_by_odoo=frozenset({"product_tmpl_id"}),
              form=_form("product.product_normal_form_view"), field_changes=_KIND_BECOMES_TYPE_IN_18,
              takes_new_fields=True,
              ignored_concepts={"qty_on_hand": "stock levels need an inventory adjustment in Odoo, not a field write",
                                "tax_rate": _TAXES, "currency": "product prices are in the company currency"}),
    OdooModel("product.template", "product",
              required_filled_by_odoo=frozenset({"categ_id", "detailed_type", "product_variant_ids",
                                                 "sale_line_warn", "service_tracking", "type", "uom_id",
                                                 "uom_po_id"}),
              form=_form("product.product_template_form_view"), field_changes=_KIND_BECOMES_TYPE_IN_18),
    OdooModel("product.category", "product", lookup_search=("complete_name", "name"), read_whole=True),
    OdooModel("uom.uom", "uom", read_whole=True),
    # -- calendar, chatter, activities -----------------------------------------------------------------------------
    OdooModel("calendar.event", "calendar", required_filled_by_odoo=frozenset({"show_as", "privacy"}),
              form=_form("calendar.view_calendar_event_form"), owner_model_field="res_model_id",
              # a meeting attached to an opportunity is in its Meetings, one attached to a partner invites it
              parent_also={"crm.lead": "opportunity_id", "res.partner": "partner_ids"},
              # created with its opportunity, a meeting posts "Meeting scheduled at …" on the opportunity's chatter
              # (crm's calendar.event.create), noise in a migration; on a real Odoo 18 it failed inside `load`
              # ("'bool' object is not iterable")
              written_after_create=("opportunity_id",)),
    OdooModel(
        "mail.message", "mail",
        identity=("model", "res_id", "message_type", "date"),
        odoo_fills=frozenset({"date"}),
        required_filled_by_odoo=frozenset({"message_type"}),
        field_changes=(FieldChange("description", 18),),
        owner_model_field="model", takes_record_ref=True,
    ),
    # mail.activity's date_done is the time it is marked done (mail_activity.py, _action_done)
    OdooModel("mail.activity", "mail", odoo_fills=frozenset({"date_done"}),
              required_filled_by_odoo=frozenset({"date_deadline", "user_id"}),
              form=_form("mail.mail_activity_view_form_popup", notebook=False),
              field_changes=(FieldChange("request_partner_id", 19),), owner_model_field="res_model_id",
              takes_record_ref=True,
              ignored_concepts={"done_date": "an open task has no completion date",
                                "assigned_date": "Odoo stamps the assignment itself"}),
    OdooModel("mail.activity.type", "mail", read_whole=True),
    # -- marketing -------------------------------------------------------------------------------------------------
    OdooModel("utm.source", "utm", lookup_search=("name",), read_whole=True),
    OdooModel("utm.campaign", "utm", required_filled_by_odoo=frozenset({"stage_id", "title", "user_id"}),
              lookup_search=("name",), read_whole=True),
    OdooModel("utm.medium", "utm", lookup_search=("name",), read_whole=True),
)}
