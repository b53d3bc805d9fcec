"""Every event, condition and action of Ontraport's rule syntax, with the parameters each takes.

The names and parameter lists are those of Ontraport's public API documentation for the Rules object
(objectID 6), as its official SDKs spell them (``OntraportAPI\\Models\\Rules\\Events``, ``Conditions``,
``Actions``). A clause is written ``Name(param1,param2)``; several clauses of one part are joined with ``;``
(and, for conditions, ``|`` for "or"). A name not listed here is kept verbatim as an unknown clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Part = Literal["event", "condition", "action"]


@dataclass(frozen=True)
class ClauseSpec:
    """One documented clause: its name in the syntax, its parameters in order and what it means in words."""

    part: Part
    name: str
    params: tuple[str, ...]
    words: str


def _specs(part: Part, rows: tuple[tuple[str, tuple[str, ...], str], ...]) -> dict[str, ClauseSpec]:
    return {name: ClauseSpec(part, name, params, words) for name, params, words in rows}


EVENTS = _specs("event", (
    ("Contact_added_to_my_database", (), "the record is created"),
    ("field_is_updated", ("field_id",), "field {field_id} is updated"),
    ("Contact_added_to_campaign", ("sequence_id",), "the record is added to sequence {sequence_id}"),
    ("Contact_leaves_campaign", ("sequence_id",), "the record leaves sequence {sequence_id}"),
    ("Subscription_to_drip_is_paused", ("sequence_id",), "its subscription to sequence {sequence_id} is paused"),
    ("Subscription_to_drip_is_unpaused", ("sequence_id",), "its subscription to sequence {sequence_id} resumes"),
    ("pause_campaign", ("campaign_id",), "the record is paused on campaign {campaign_id}"),
    ("unpause_campaign", ("campaign_id",), "the record is resumed on campaign {campaign_id}"),
    ("Contact_added_to_category", ("tag_id",), "tag {tag_id} is added"),
    ("Contact_removed_from_category", ("tag_id",), "tag {tag_id} is removed"),
    ("Contact_subscribed_to_fulfillment", ("fulfillment_id",), "the record is added to fulfillment list "
                                                                "{fulfillment_id}"),
    ("Contact_unsubscribed_from_fulfillment", ("fulfillment_id",), "the record leaves fulfillment list "
                                                                    "{fulfillment_id}"),
    ("on_date_field", ("date_field",), "today is the date in field {date_field}"),
    ("relative_date_field", ("numberOf", "units", "option", "date_field"),
     "{numberOf} {units} {option} the date in field {date_field}"),
    ("campaign_builder_object_change", ("option", "campaign_id"), "the record is {option} campaign {campaign_id}"),
    ("object_completed_task", ("task_id",), "task {task_id} is completed"),
    ("object_submits_form", ("form_id", "outcome"), "form {form_id} is submitted"),
    ("call_is_logged", (), "a call is logged"),
    ("Contact_opens_email", ("email_id",), "e-mail {email_id} is opened"),
    ("Contact_clicks_emailanchor", ("email_id", "link_num"), "link {link_num} of e-mail {email_id} is clicked"),
    ("Contact_sends_Email", (), "the contact sends you an e-mail"),
    ("sms_message_received", ("number_id",), "an SMS arrives on number {number_id}"),
    ("Contact_purchases_product", ("product_id",), "product {product_id} is purchased"),
    ("Contact_receives_refund_on_product", ("product_id",), "a refund on product {product_id} is issued"),
    ("Contact_visits_landingpage_splittest", ("landingPage_id",), "landing page {landingPage_id} is visited"),
    ("Contact_visits_purl_splittest", ("PURL_id",), "personal URL {PURL_id} is visited"),
    ("Contact_is_subscribed_to_productsub", ("product_id",), "an open order for product {product_id} is created"),
    ("Contact_subscription_to_productsub_is_subaction", ("order_id", "option"), "open order {order_id} is {option}"),
    ("Contact_credit_card_is_ccstatus", ("option",), "a card charge is {option}"),
    ("contact_visits_url", ("url",), "URL {url} is visited"),
    ("clicks_tracked_link", ("trackedLink_id",), "tracked link {trackedLink_id} is clicked"),
    ("Contact_given_access_to_wpintmembershiplevel", ("wpMembership_id",), "access to membership level "
                                                                           "{wpMembership_id} is given"),
    ("Contact_removed_from_access_to_wpintmembershiplevel", ("wpMembership_id",), "access to membership level "
                                                                                  "{wpMembership_id} is removed"),
))

CONDITIONS = _specs("condition", (
    ("campaignbuilder_subscription_date_is_val", ("campaign_id", "conditional", "date"),
     "it joined campaign {campaign_id} {conditional} {date}"),
    ("Been_on_campaign_for_timeframe", ("campaign_id", "number_units"), "it has been on campaign {campaign_id} for "
                                                                        "{number_units}"),
    ("paused_or_active_on_camp", ("option", "campaign_id"), "it is {option} on campaign {campaign_id}"),
    ("been_on_campaignbuilder_for_timeframe", ("sequence_id", "numberOf", "units"),
     "it has been on sequence {sequence_id} for {numberOf} {units}"),
    ("Date_of_subscription_to_drip_is_datecondition_datevalue", ("sequence_id", "conditional", "date"),
     "it joined sequence {sequence_id} {conditional} {date}"),
    ("Is_subscribed_to_drip", ("sequence_id",), "it is on sequence {sequence_id}"),
    ("Is_not_subscribed_to_drip", ("sequence_id",), "it is not on sequence {sequence_id}"),
    ("Subscription_to_dripa_is_paused", ("sequence_id",), "its subscription to sequence {sequence_id} is paused"),
    ("Subscription_to_dripa_is_not_paused", ("sequence_id",), "its subscription to sequence {sequence_id} is active"),
    ("field_is_condition_fieldvalue", ("field_id", "conditional", "value"), "field {field_id} {conditional} {value}"),
    ("Is_in_category", ("tag_id",), "it has tag {tag_id}"),
    ("Is_not_in_category", ("tag_id",), "it does not have tag {tag_id}"),
    ("Is_on_fulfillment", ("fulfillment_id",), "it is on fulfillment list {fulfillment_id}"),
    ("Is_not_on_fulfillment", ("fulfillment_id",), "it is not on fulfillment list {fulfillment_id}"),
    ("Has_opened_email_condition_n_times", ("email_id", "conditional", "number"),
     "it opened e-mail {email_id} {conditional} {number} times"),
    ("Has_clicked_emailanchor_condition_n_times", ("email_id_link_num", "conditional", "number"),
     "it clicked link {email_id_link_num} {conditional} {number} times"),
    ("sms_contains_email", (), "the SMS contains an e-mail address"),
    ("sms_does_not_contain_email", (), "the SMS contains no e-mail address"),
    ("sms_contains_text", ("text",), "the SMS contains {text}"),
    ("sms_does_not_contain_text", ("text",), "the SMS does not contain {text}"),
    ("Has_spent_condition_N_on_product", ("conditional", "number", "product_id"),
     "it spent {conditional} {number} on product {product_id}"),
    ("Has_purchased_condition_n_product", ("conditional", "number", "product_id"),
     "it bought {conditional} {number} of product {product_id}"),
    ("Is_subscribed_to_productsub", ("product_id",), "it has an open order for product {product_id}"),
    ("Has_been_subscribed_to_productsub_for_timeframe", ("product_id", "number_units"),
     "it has had an open order for product {product_id} for {number_units}"),
    ("Has_visited_website_condition_n_times", ("wordpress_id", "conditional", "number"),
     "it visited site {wordpress_id} {conditional} {number} times"),
    ("Has_visited_landingpage_splittest_condition_n_times", ("landingPage_id", "object_type_id", "conditional",
                                                             "number"),
     "it visited landing page {landingPage_id} {conditional} {number} times"),
    ("Contact_has_access_to_wpintmembershiplevel", ("wpMembership_id",), "it has membership level {wpMembership_id}"),
    ("Contact_does_not_have_access_to_wpintmembershiplevel", ("wpMembership_id",),
     "it does not have membership level {wpMembership_id}"),
))

ACTIONS = _specs("action", (
    ("Add_contact_to_category", ("tag_id",), "add tag {tag_id}"),
    ("Remove_contact_from_category", ("tag_id",), "remove tag {tag_id}"),
    ("campaign_builder_action_change", ("option", "campaign_id"), "{option} campaign {campaign_id}"),
    ("pause_or_unpause_on_camp", ("option", "campaign_id"), "{option} the record on campaign {campaign_id}"),
    ("Assign_contact_to_drip", ("sequence_id",), "add to sequence {sequence_id}"),
    ("Remove_contact_from_drip", ("sequence_id",), "remove from sequence {sequence_id}"),
    ("Remove_contact_from_all_sequences", (), "remove from every sequence"),
    ("Pause_subscription_to_dripa", ("sequence_id",), "pause its subscription to sequence {sequence_id}"),
    ("Unpause_subscription_to_dripa", ("sequence_id",), "resume its subscription to sequence {sequence_id}"),
    ("Change_field_to_fieldvalue", ("field_id", "value", "field_option"), "set field {field_id} to {value}"),
    ("Add_to_leadrouter", ("leadRouter_id",), "send to lead router {leadRouter_id}"),
    ("Assign_to_fulfillment", ("fulfillment_id",), "add to fulfillment list {fulfillment_id}"),
    ("Remove_from_fulfillment", ("fulfillment_id",), "remove from fulfillment list {fulfillment_id}"),
    ("Remove_from_all_fulfillments", (), "remove from every fulfillment list"),
    ("Recharge_all_declined_transactions", (), "recharge every declined transaction"),
    ("Add_product_to_purchase_history", ("product_id",), "add product {product_id} to the purchase history"),
    ("Cancel_open_orders_with_product", ("product_id",), "cancel open orders of product {product_id}"),
    ("Notify_someone_with_emailmbs", ("user_id", "email_id"), "e-mail {email_id} to user {user_id}"),
    ("Send_contact_an_emailmbs", ("email_id",), "send e-mail {email_id} to the contact"),
    ("Send_contact_a_postcard", ("postcard_id",), "send postcard {postcard_id}"),
    ("Send_contact_a_task", ("task_id",), "assign task {task_id}"),
    ("send_contact_an_sms", ("sms_id", "number_id"), "send SMS {sms_id} from number {number_id}"),
    ("Ping_APIURL", ("url", "post_data", "json"), "call URL {url}"),
    ("Add_access_for_contact_to_wpintmembershiplevel", ("wpMembership_id",), "give membership level "
                                                                             "{wpMembership_id}"),
    ("Remove_access_for_contact_to_wpintmembershiplevel", ("wpMembership_id",), "remove membership level "
                                                                                "{wpMembership_id}"),
    ("facebook_audience_action", ("add_remove", "custom_audience_id"), "{add_remove} Facebook audience "
                                                                       "{custom_audience_id}"),
    ("Notify_someone_with_sms", ("user_id", "sms_id", "number_id"), "text SMS {sms_id} to user {user_id}"),
))

BY_PART: dict[Part, dict[str, ClauseSpec]] = {"event": EVENTS, "condition": CONDITIONS, "action": ACTIONS}
