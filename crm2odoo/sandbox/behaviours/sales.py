"""Sale orders, invoices (account.move) and products: names, journals, locks, variants, unlink refusals.

Each rule names the Odoo source it imitates (sale_order.py, account_move.py, product_product.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exceptions import UserError

if TYPE_CHECKING:
    from ..orm import Env
    from ..schema import Model
    from ..store import Row

#: account_move.py _compute_journal_id: the journal type each move type needs ("general" otherwise)
_JOURNAL_TYPE = {"out_invoice": "sale", "out_refund": "sale", "out_receipt": "sale", "in_invoice": "purchase",
                 "in_refund": "purchase", "in_receipt": "purchase"}
#: account_move.py _check_fiscal_lock / write: these fields are locked once posted
_POSTED_LOCKED = frozenset({"invoice_date", "date", "partner_id", "journal_id", "currency_id", "move_type"})


def order_on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    if row.get("name") in (None, "New"):
        row["name"] = f"S{env.store.count('sale.order') + 1:05d}"
    for f in ("partner_invoice_id", "partner_shipping_id"):
        if not row.get(f):
            row[f] = row.get("partner_id")


def order_line_on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    if not row.get("name") and row.get("product_id"):
        product = env.store.get("product.product", int(row["product_id"])) or {}
        row["name"] = product.get("name")


def move_on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    """_compute_journal_id / _search_default_journal: the company's first journal of the type the move needs,
    and the company currency."""
    if not row.get("journal_id"):
        kind = _JOURNAL_TYPE.get(str(row.get("move_type") or ""), "general")
        journals = env.search_ids("account.journal", [("type", "=", kind)], active_test=True)
        row["journal_id"] = journals[0] if journals else None
    if not row.get("currency_id"):
        company = env.store.get("res.company", int(row.get("company_id") or 1)) or {}
        row["currency_id"] = company.get("currency_id")
    move_commercial_partner(env, row)


def move_before_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> dict[str, Any]:
    if row.get("state") == "posted":
        locked = sorted(set(vals) & _POSTED_LOCKED)
        if locked:
            raise UserError("You cannot modify the following readonly fields on a posted move: " + ", ".join(locked))
    return vals


def move_on_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if "partner_id" in vals:
        move_commercial_partner(env, row)


def move_commercial_partner(env: Env, row: Row) -> None:
    """account_move.py: commercial_partner_id = partner_id.commercial_partner_id (stored)."""
    partner = env.store.get("res.partner", int(row["partner_id"])) if row.get("partner_id") else None
    row["commercial_partner_id"] = (partner or {}).get("commercial_partner_id") or row.get("partner_id")


def variant_before_create(env: Env, model: Model, vals: dict[str, Any]) -> None:
    """product_product.py create: a variant made without a template makes its template from the same values."""
    if not vals.get("product_tmpl_id"):
        tmpl_model = env.model("product.template")
        tmpl_vals = {k: v for k, v in vals.items() if k in tmpl_model.fields and tmpl_model.stored(k)}
        sub = env.sudo_call()
        sub.context["create_product_product"] = False
        vals["product_tmpl_id"] = sub.create("product.template", [tmpl_vals])[0]


def template_after_create(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    """product_template.py create: a template gets its single variant (unless the variant is making it)."""
    if env.context.get("create_product_product", True) is False:
        return
    variant = {"product_tmpl_id": rid}
    product = env.model("product.product")
    for k, v in row.items():
        if k in product.fields and product.stored(k) and k not in ("id", "create_uid", "write_uid"):
            variant[k] = v
    env.sudo_call().create("product.product", [variant])


def refuse_unlink(env: Env, model: Model, ids: list[int]) -> None:
    """The refusals rollback meets: a posted entry, a confirmed order or its lines (_unlink_* methods)."""
    for rid in ids:
        row = env.store.get(model.name, rid) or {}
        if model.name == "account.move" and row.get("state") == "posted":
            raise UserError("You cannot delete an entry which has been posted once.")
        if model.name == "sale.order" and row.get("state") == "sale":
            raise UserError("You can not delete a sent quotation or a confirmed sales order. You must first cancel it.")
        if model.name == "sale.order.line" and row.get("order_id"):
            order = env.store.get("sale.order", int(row["order_id"])) or {}
            if order.get("state") == "sale" and not row.get("display_type"):
                raise UserError("Once a sales order is confirmed, you can't remove one of its lines (we need to track "
                                "if something gets invoiced or delivered).\nSet the quantity to 0 instead.")


def orphan_templates(env: Env, model: Model, ids: list[int]) -> list[tuple[str, list[int]]]:
    """product_product.py unlink: a template whose last variant goes is deleted with it."""
    variants = [env.store.get(model.name, rid) or {} for rid in ids]
    templates = {int(v["product_tmpl_id"]) for v in variants if v.get("product_tmpl_id")}
    doomed = set(ids)
    orphans = [t for t in sorted(templates) if not any(
        i not in doomed for i, _ in env.store.scan("product.product", [
            ("json_extract(data, '$.product_tmpl_id') = ?", [t])]))]
    return [("product.template", orphans)] if orphans else []
