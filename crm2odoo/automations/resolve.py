"""Source references resolved through the approved map and the ledger, so drafts point at real Odoo ids."""

from __future__ import annotations

from crm2odoo.automations.translate import TAG_FIELD
from crm2odoo.ledger.db import Ledger
from crm2odoo.mapping.spec import MappingSpec


class MapResolver:
    """Tags and users by the ids the ledger recorded when they landed; fields by the approved map's lines."""

    def __init__(self, spec: MappingSpec | None, ledger: Ledger) -> None:
        self._spec = spec
        self._ledger = ledger
        self._ids: dict[str, dict[str, int]] = {}

    def _landed(self, obj: str) -> dict[str, int]:
        if obj not in self._ids:
            self._ids[obj] = self._ledger.id_map(obj)
        return self._ids[obj]

    def tag(self, model: str, source_id: str) -> int | None:
        tag_model = TAG_FIELD[model][1]
        for obj in self._objects_landing_in(tag_model):
            if (found := self._landed(obj).get(str(source_id))) is not None:
                return found
        return None

    def user(self, source_id: str) -> int | None:
        # only an owner matched to an Odoo user: a fallback stands in for records, not for whom to notify
        row = next((r for r in self._ledger.owners() if str(r["source_id"]) == str(source_id)), None)
        return int(row["odoo_user_id"]) if row is not None and row["state"] == "matched" and row["odoo_user_id"] \
            else None

    def field(self, model: str, source_field: str) -> str | None:
        for obj in self._objects_landing_in(model):
            for line in self._spec.objects[obj].fields if self._spec else ():
                if line.ignore or not line.target or "." in line.target:
                    continue
                if line.source == source_field or (isinstance(line.source, list) and line.source == [source_field]):
                    return line.target
        return None

    def _objects_landing_in(self, model: str) -> list[str]:
        if self._spec is None:
            return []
        return [name for name, obj in self._spec.objects.items() if obj.model == model and obj.enabled]
