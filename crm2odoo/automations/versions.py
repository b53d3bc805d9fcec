"""How ``base.automation`` differs between Odoo 17, 18 and 19, read from each version's source
(addons/base_automation/models/base_automation.py of 17.0, 18.0 and 19.0).

| what                            | 17                     | 18                      | 19                                   |
|---------------------------------|------------------------|-------------------------|--------------------------------------|
| trigger names used here         | on_create, on_create_or_write, on_tag_set, on_time (same in all three)                |
| on_create                       | "On creation" (deprecated) | same                | "On create" (not deprecated)         |
| time trigger before a date      | trg_date_range < 0     | trg_date_range < 0      | trg_date_range_mode='before', range >= 0 (a negative range is refused) |
| trg_date_range_type             | minutes/hour/day/month | same                    | same                                 |
| server action kinds used        | object_write (update_path, update_m2m_operation, resource_ref), next_activity, webhook: same in all three |
| child action warnings           | —                      | —                       | refused at create ("Following child actions have warnings") |
| base.automation extra fields    | least_delay_msg, trg_field_ref_display_name | least_delay_msg | trg_date_range_mode; mail.thread; no least_delay_msg |

The sandbox's schemas of both models (sandbox/schema/<version>/modules/base_automation) are a real 18.0
``fields_get``; 17.0 and 19.0 are that with the field differences above, read from their sources (no real 17 or 19
server was at hand).
"""

from __future__ import annotations

from typing import Any

from crm2odoo.odoo.versions import AUTOMATION_DELAY_MODE_FROM


def time_trigger(major: int, date_field: str, amount: int, unit: str) -> dict[str, Any]:
    """The fields of a time trigger ``amount`` units after (negative: before) ``date_field``."""
    values: dict[str, Any] = {"trg_date_field": date_field, "trg_date_range_type": unit}
    if major >= AUTOMATION_DELAY_MODE_FROM:
        values.update(trg_date_range=abs(amount), trg_date_range_mode="before" if amount < 0 else "after")
    else:
        values.update(trg_date_range=amount)
    return values
