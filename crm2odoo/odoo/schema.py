"""What the target Odoo looks like: version, installed modules, fields per model; cached per run.

Differences between 17, 18 and 19 live in :mod:`crm2odoo.odoo.versions`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from crm2odoo.odoo.client import OdooClient
from crm2odoo.odoo.versions import FIELD_CHANGES, field_for_version

__all__ = ["FIELD_CHANGES", "QUIET_CONTEXT", "Schema", "field_for_version"]

#: Write context for every load: no tracking, no chatter noise, no follower subscription, no outgoing mail.
QUIET_CONTEXT: dict[str, Any] = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "mail_activity_quick_update": True,
    "mail_notify_force_send": False,
    "no_mail_to_attendees": True,
    "dont_notify": True,
    "no_vat_validation": True,
    "tz": "UTC",  # load() reads naive datetimes in the context timezone; ours are UTC
    "active_test": False,
}

FIELD_ATTRIBUTES = ["type", "string", "required", "readonly", "relation", "selection", "store", "size"]


class Schema:
    """Cached introspection of one Odoo database."""

    def __init__(self, client: OdooClient) -> None:
        self.client = client
        self.major = client.server.major
        self.version = client.server.version
        self._fields: dict[str, dict[str, dict[str, Any]]] = {}
        self._modules: set[str] | None = None
        self._models: set[str] | None = None
        self._lock = threading.Lock()
        self._fetching = threading.Lock()
        self._present: dict[str, bool] = {}

    def models(self) -> set[str]:
        models = self._models
        if models is None:
            with self._fetching:
                models = self._models
                if models is None:
                    models = {r["model"] for r in self.client.search_read_all("ir.model", [], ["model"])}
                    self._models = models
        return models

    def has_model(self, model: str) -> bool:
        """One indexed count per model asked about, unless the whole list is at hand (reading ir.model whole
        took 0.35 s on a real 18 worker, on the way of a run's first batch)."""
        with self._lock:
            if self._models is not None:
                return model in self._models
            if model in self._fields:
                return True
            known = self._present.get(model)
        if known is None:
            known = self.client.search_count("ir.model", [["model", "=", model]]) > 0
            with self._lock:
                self._present[model] = known
        return known

    def installed_modules(self) -> set[str]:
        if self._modules is None:
            rows = self.client.search_read_all("ir.module.module", [["state", "=", "installed"]], ["name"])
            self._modules = {r["name"] for r in rows}
        return self._modules

    def fields(self, model: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            cached = self._fields.get(model)
        if cached is None:
            with self._fetching:  # worker threads asking for the same model wait for one call, not one each
                with self._lock:
                    cached = self._fields.get(model)
                if cached is None:
                    cached = self.client.fields_get(model, FIELD_ATTRIBUTES)
                    with self._lock:
                        self._fields[model] = cached
        return cached

    def forget(self, model: str | None = None, *, models_removed: bool = False) -> None:
        """Drop cached fields after custom fields or models were created (``models_removed``: or removed).

        Models known to exist stay known unless ``models_removed``: creating fields and models adds, never takes
        away, so after provisioning each model the run asks about needs no new ``ir.model`` count (13 of them,
        a quarter of a second each on a busy 18, sat between provisioning and the first record).
        """
        with self._lock:
            present = {} if models_removed else {
                **{m: True for m, known in self._present.items() if known},
                **dict.fromkeys(self._fields, True), **dict.fromkeys(self._models or (), True)}
            self._present = present
            if model is None:
                self._fields.clear()
            else:
                self._fields.pop(model, None)
            self._models = None

    def all_fields(self, models: list[str]) -> Mapping[str, Mapping[str, Mapping[str, Any]]]:
        return {m: self.fields(m) for m in models if self.has_model(m)}
