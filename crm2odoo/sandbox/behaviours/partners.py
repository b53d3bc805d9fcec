"""res.partner and res.users: display names, commercial partner, address sync up and down, related user fields.

Each rule names the Odoo source it imitates (base/models/res_partner.py, res_users.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..orm import Env
    from ..schema import Model
    from ..store import Row

ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")
COMMERCIAL_FIELDS = ("vat", "company_registry", "industry_id")
#: res.users fields related to its partner
USER_PARTNER_FIELDS = ("name", "email", "phone")


def partner_names(env: Env, row: Row) -> None:
    """res.partner _compute_complete_name and _compute_commercial_partner (base/models/res_partner.py)."""
    parent = env.store.get("res.partner", int(row["parent_id"])) if row.get("parent_id") else None
    name = row.get("name") or ""
    if parent is not None:
        if not name and row.get("type") in ("invoice", "delivery", "other"):
            labels = dict(env.model("res.partner").fields["type"].get("selection") or [])
            name = labels.get(row["type"], "")
        if not row.get("is_company"):
            commercial = env.store.get("res.partner", int(parent.get("commercial_partner_id") or 0)) or parent
            company = commercial.get("name") if commercial.get("is_company") else parent.get("name")
            name = f"{company or parent.get('name') or ''}, {name}"
    row["complete_name"] = name.strip()
    if parent is not None and not row.get("is_company"):
        row["commercial_partner_id"] = parent.get("commercial_partner_id") or row["parent_id"]


def clean_website(vals: dict[str, Any]) -> None:
    # res.partner._clean_website (crm.lead does the same): a URL without a scheme gets http://
    url = vals.get("website")
    if isinstance(url, str) and url and "://" not in url:
        vals["website"] = f"http://{url}"


def _copy_address(model: Model, source: Row, target: Row) -> None:
    for f in ADDRESS_FIELDS:
        if f in model.fields:
            target[f] = source.get(f)


def before_save(env: Env, model: Model, vals: dict[str, Any]) -> None:
    """res_partner.py create / write: a scheme for the website, no free-text company name under a parent."""
    clean_website(vals)
    if vals.get("parent_id"):
        vals["company_name"] = False


def on_create(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    """A contact under a parent takes the parent's address (when it has one) and its commercial fields."""
    parent = env.store.get("res.partner", int(row["parent_id"])) if row.get("parent_id") else None
    if parent is not None:
        if row.get("type") == "contact" and any(parent.get(f) for f in ADDRESS_FIELDS):
            _copy_address(model, parent, row)
        commercial = env.store.get("res.partner", int(parent.get("commercial_partner_id") or 0)) or parent
        for f in COMMERCIAL_FIELDS:
            if f in model.fields and commercial.get(f) is not None:
                row[f] = commercial.get(f)
    partner_names(env, row)


def after_create(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    if not row.get("commercial_partner_id"):
        row["commercial_partner_id"] = rid
        env.store.update("res.partner", rid, row)
    parent_id = row.get("parent_id")
    parent = env.store.get("res.partner", int(parent_id)) if parent_id else None
    # _handle_first_contact_creation: the first contact's address goes up to an address-less company
    siblings = list(env.store.scan("res.partner", [("json_extract(data, '$.parent_id') = ?", [parent_id])])) \
        if parent_id else []
    if parent is not None and parent_id is not None and not any(parent.get(f) for f in ADDRESS_FIELDS) \
            and any(row.get(f) for f in ADDRESS_FIELDS) and len(siblings) == 1 \
            and (parent.get("is_company") or not parent.get("parent_id")):
        _copy_address(model, row, parent)
        env.store.update("res.partner", int(parent_id), parent)


def on_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    # res_partner.py _fields_sync: upstream sync when parent_id is written or type becomes 'contact'
    if "parent_id" in vals or vals.get("type") == "contact":
        if "parent_id" in vals:
            row["commercial_partner_id"] = rid
        if row.get("parent_id") and row.get("type") == "contact":
            parent = env.store.get("res.partner", int(row["parent_id"])) or {}
            if any(parent.get(f) for f in ADDRESS_FIELDS):
                _copy_address(model, parent, row)
    if "is_company" in vals and row.get("is_company"):
        row["commercial_partner_id"] = rid
    partner_names(env, row)


def after_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    """_fields_sync downstream: children take a changed address, the commercial partner and new names."""
    _address_upstream_19(env, model, row, vals)
    children = list(env.store.scan("res.partner", [("json_extract(data, '$.parent_id') = ?", [rid])]))
    push_address = any(f in vals for f in ADDRESS_FIELDS)
    for cid, child in children:
        if push_address and child.get("type") == "contact":
            _copy_address(model, row, child)
        if not child.get("is_company"):
            child["commercial_partner_id"] = row.get("commercial_partner_id") or rid
        partner_names(env, child)
        env.store.update("res.partner", cid, child)


def _address_upstream_19(env: Env, model: Model, row: Row, vals: dict[str, Any]) -> None:
    """Odoo 19 res_partner.py _fields_sync step 2: a type=contact child's address is copied up to its parent
    (whose own write then pushes it down to the siblings)."""
    if env.registry.major < 19 or not row.get("parent_id") or row.get("type") != "contact":
        return
    if not (any(f in vals for f in ADDRESS_FIELDS) or "parent_id" in vals):
        return
    parent = env.store.get("res.partner", int(row["parent_id"])) or {}
    fields = [f for f in ADDRESS_FIELDS if f in model.fields]
    if any(row.get(f) != parent.get(f) for f in fields):
        env.sudo_call().write("res.partner", [int(row["parent_id"])], {f: row.get(f) or False for f in fields})


def user_before_create(env: Env, model: Model, vals: dict[str, Any]) -> None:
    """res_users.py create: a user without a partner gets one made from its name, e-mail and company."""
    if not vals.get("partner_id"):
        partner = {"name": vals.get("name") or vals.get("login"), "email": vals.get("email"),
                   "company_id": vals.get("company_id") or 1}
        vals["partner_id"] = env.sudo_call().create("res.partner", [partner])[0]


def drop_related_user_fields(model: Model, row: Row) -> None:
    """The user's name, e-mail and phone live on its partner (related fields): the user row keeps none."""
    for fname in USER_PARTNER_FIELDS:
        if fname in model.fields and not model.stored(fname):
            row.pop(fname, None)


def user_after_write(env: Env, model: Model, rid: int, row: Row, vals: dict[str, Any]) -> None:
    # name/email/phone are related to the user's partner; writes go through to it
    shared: dict[str, Any] = {k: vals[k] for k in USER_PARTNER_FIELDS if k in vals}
    if shared and row.get("partner_id"):
        env.sudo_call().write("res.partner", [int(row["partner_id"])], shared)
