"""What Odoo holds after the tool writes: the loader's own rules and Odoo's, in one place.

The loader, reconcile, the delta's three-way merge and rollback all ask these questions, and must answer them
alike, or one of them calls a record "changed" or "wrong" that another wrote correctly:

* how a partner linked to a company is written, per Odoo version (addresses, commercial fields);
* which empty values the loader leaves to Odoo, which then fills them (defaults, the time of the load);
* how Odoo normalises what it stores (a website gains its scheme, HTML is sanitised, datetimes and numbers are
  reformatted), so a value read back means the same as the value sent.

Each rule names the Odoo 18 source it follows. A difference between what was sent and what Odoo stored that no
rule here explains (a value cut short, a field Odoo overrides) is reported, never taken as written.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from typing import Any

from crm2odoo.load.cells import same_cell
from crm2odoo.models import DEFAULT_SENSITIVE, odoo_model
from crm2odoo.odoo import versions

#: a partner's own postal address
PARTNER_ADDRESS = ("street", "street2", "zip", "city", "state_id", "country_id")

#: synced from the parent company by Odoo (commercial fields): a child never holds its own
PARTNER_COMMERCIAL = ("vat", "company_registry", "industry_id")

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_KILLED = re.compile(r"<(script|style|title|noscript|iframe|object|embed|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def partner_cells_for_version(cells: dict[str, str], major: int) -> dict[str, str]:
    """How a partner linked to a parent must be written so each keeps its own address, per Odoo version.

    On 19 a ``type=contact`` child's address is its parent's (writing it is copied up to the parent and on to the
    siblings): a child with an address of its own becomes ``type=other``, which is never synced; a child without
    one keeps ``type=contact`` and shows its parent's, so no (empty) address is sent. 17/18 need no change here:
    the loader sends the address in a second load (see load/addresses.py).
    In every version the commercial fields (VAT, registry, industry) of a child are its company's: not sent; nor
    is ``company_name``, which Odoo clears whenever ``parent_id`` is set (res_partner.py create and write).
    """
    if not cells.get("parent_id"):
        return cells
    out = {k: v for k, v in cells.items() if k not in PARTNER_COMMERCIAL and k != "company_name"}
    if not versions.child_address_is_parents(major) or not any(f in out for f in PARTNER_ADDRESS):
        return out
    if any(out.get(f) for f in PARTNER_ADDRESS):
        if out.get("type", "contact") in ("contact", ""):
            out["type"] = "other"
    else:
        for f in PARTNER_ADDRESS:
            out.pop(f, None)
    return out


def keeps_parent_address_once_linked(own: Mapping[str, str], new: bool, major: int) -> bool:
    """A partner just linked to its parent, with ``own`` the source's address: does it show the parent's?

    One rule for both ways a link is written (on create when the parent landed first, by a later write when both
    were in one batch): a record new with this run and without an address of its own shows its parent's (Odoo 17/18
    copy it on link, 19 shows it through); on 19 so does one already in Odoo, since writing an empty address there
    would be copied up to the parent. Otherwise the source's address is written back after the link.
    """
    return not any(own.values()) and (new or versions.child_address_is_parents(major))


def shows_parent_address(model: str, name: str, cells: Mapping[str, str]) -> bool:
    """A person linked to a company without an address of its own shows the company's (res_partner.py
    _fields_sync / _compute_address): Odoo's rule, which the loader follows by sending no empty address."""
    return model == "res.partner" and name in PARTNER_ADDRESS and bool(cells.get("parent_id")) \
        and not any(cells.get(f) for f in PARTNER_ADDRESS)


def odoo_fills(model: str, name: str, cells: Mapping[str, str]) -> bool:
    """Does Odoo choose this field's value when the tool's cell is empty?"""
    return name in DEFAULT_SENSITIVE or name in odoo_model(model).odoo_fills \
        or shows_parent_address(model, name, cells)


def clean_website(url: str) -> str:
    """res.partner._clean_website (base/models/res_partner.py): a URL without a scheme gets ``http://``."""
    if not url or _SCHEME.match(url):
        return url
    return "http://" + url


def html_text(value: str) -> str:
    """What an HTML value says, as Odoo's sanitiser keeps it (tools/mail.py html_sanitize): the elements it
    kills go with their content, tags and whitespace do not count, entities are read as characters."""
    text = _TAG.sub("", _KILLED.sub("", value))
    return "".join(html.unescape(text).split())


def _datetime(value: str) -> dt.datetime | None:
    text = value.strip()[:19]
    for pattern in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def same_stored(sent: str, stored: str, meta: Mapping[str, Any], name: str = "") -> bool:
    """Does ``stored`` (read back from Odoo) hold ``sent`` as Odoo normalises it? Both are cells (see resolve.cell).

    many2many: every id sent is stored (other maps and Odoo itself may add more).
    """
    if same_cell(sent, stored, meta, subset=True, name=name):
        return True
    kind = meta.get("type")
    if kind == "html":
        return html_text(sent) == html_text(stored)
    if name == "website":
        return clean_website(sent) == stored
    if kind == "datetime":
        left, right = _datetime(sent), _datetime(stored)
        return left is not None and left == right
    if kind == "date":
        return sent[:10] == stored[:10] and bool(sent)
    return False


def corresponds(expected: str, landed: str, meta: Mapping[str, Any], name: str, *, model: str,
                cells: Mapping[str, str]) -> bool:
    """Is ``landed`` (what Odoo held after the tool wrote) what the tool lands for ``expected`` (the cell the map
    produces from the source), under the rules above? ``cells``: every cell of the record (for the partner rule)."""
    if expected == landed:  # most fields of most records, read back after every write: the rules need not be asked
        return True
    if expected == "" and odoo_fills(model, name, cells):
        return True
    return same_stored(expected, landed, meta, name)


def changed_since_landed(sent: str, landed: str | None, now: str, meta: Mapping[str, Any], name: str, *, model: str,
                         cells: Mapping[str, str], subset: bool = False) -> bool:
    """Has Odoo's value ``now`` changed since the tool wrote ``sent``, which Odoo stored as ``landed``?

    Without a read-back (``landed`` None: a ledger from before landed values), the value sent as Odoo stores it
    under the rules above stands in for it. ``subset``: for many2many, ids added since do not count.
    """
    if landed is not None:
        return not same_cell(landed, now, meta, subset=subset, name=name)
    if sent == "" and odoo_fills(model, name, cells):
        return False
    return not same_stored(sent, now, meta, name) if subset or meta.get("type") != "many2many" \
        else not same_cell(sent, now, meta, name=name)
