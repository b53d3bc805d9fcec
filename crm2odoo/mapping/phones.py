"""A contact's second number on an Odoo without ``mobile`` (19): never dropped, shown where the user looks.

Odoo 19 keeps one phone per contact and lead (``mobile`` was removed from res.partner and crm.lead). A source
with a phone and a mobile column maps the phone to ``phone`` and the mobile to a kept ``x_mobile`` field (the
version gap line of the proposer). Here the phone line also reads the mobile: a contact with only a mobile
shows it as its phone, as Odoo's form and list show nothing else. The mobile stays in ``x_mobile`` in any case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm2odoo.mapping.spec import FieldMap, ObjectMap
from crm2odoo.models import odoo_model
from crm2odoo.odoo import versions


def _mobile_line(omap: ObjectMap, phone: FieldMap) -> FieldMap | None:
    return next((ln for ln in omap.fields if ln is not phone and not ln.ignore and ln.transform == "phone"
                 and ln.target is not None and ln.target.startswith("x_") and len(ln.sources) == 1), None)


def mobile_fills_empty_phone(objects: Mapping[str, ObjectMap],
                             odoo_fields: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
    """On a database without ``mobile``: the proposed phone line takes the mobile where the phone is empty."""
    for omap in objects.values():
        fields = odoo_fields.get(omap.model)
        if not odoo_model(omap.model).has_phones or fields is None or versions.has_mobile_of(fields):
            continue
        phone = next((ln for ln in omap.fields if ln.target == "phone" and not ln.ignore
                      and ln.transform == "phone" and ln.status == "proposed" and len(ln.sources) == 1), None)
        if phone is None:
            continue
        mobile = _mobile_line(omap, phone)
        if mobile is None:
            continue
        phone.params = {**phone.params, "fallbacks": [[mobile.sources[0], "mobile"]]}
        phone.reason += (f"; this Odoo keeps one phone per record: where it is empty, the mobile fills it "
                         f"(the mobile is kept in {mobile.target} too)")
