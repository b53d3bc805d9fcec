"""Model-specific behaviour: defaults, computed fields and write rules that Odoo's business code applies.

``hooks`` holds what the ORM calls and dispatches per model to one module per model family; each rule there
names the Odoo 18 source it imitates.
"""

from .common import SCHEMA_MODELS, email_normalized, now, today, user_partner, xmlid, xmlid_id
from .defaults import default_get, defaults, skip_required
from .hooks import (
    after_create,
    after_create_batch,
    after_unlink,
    after_write,
    before_create,
    before_create_batch,
    before_unlink,
    before_write,
    check_constraints,
    check_create_values,
    check_unique,
    compute_on_create,
    compute_on_write,
    computed_value,
    display_name,
    one_setup,
)

__all__ = [
    "SCHEMA_MODELS", "after_create", "after_create_batch", "after_unlink", "after_write", "before_create",
    "before_create_batch", "before_unlink", "before_write", "check_constraints", "check_create_values",
    "check_unique", "compute_on_create", "compute_on_write", "computed_value", "default_get", "defaults",
    "display_name", "email_normalized", "now", "one_setup", "skip_required", "today", "user_partner", "xmlid", "xmlid_id",
]
