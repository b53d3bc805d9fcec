"""One simulated Ontraport account: its records as the API stores them (string maps by objectID and id), and the
edits a user makes in the UI while a migration runs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from crm2odoo.testing.ontraport_schema import PAYMENT_OBJECT, meta_field


@dataclass
class OntraportAccount:
    """All records of one simulated account, as the API stores them: string maps keyed by objectID and id."""

    account_id: int
    schema: dict[int, dict[str, Any]]
    records: dict[int, dict[int, dict[str, str]]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def id_key(self, object_id: int) -> str:
        return str(self.schema[object_id].get("id_key", "id"))

    def rows(self, object_id: int) -> list[dict[str, str]]:
        with self.lock:
            return [dict(r) for _, r in sorted(self.records.get(object_id, {}).items())]

    def _stamp(self, row: dict[str, str]) -> None:
        now = int(time.time())
        row["dlm"] = str(max(now, int(row.get("dlm") or 0) + 1))

    def touch(self, contact_id: int | str, **changes: Any) -> dict[str, str]:
        """Modify a contact (or nothing but its dlm), as a user editing it in the UI would."""
        return self.update(0, contact_id, **changes)

    def update(self, object_id: int, record_id: int | str, **changes: Any) -> dict[str, str]:
        with self.lock:
            row = self.records[object_id][int(record_id)]
            row.update({k: str(v) for k, v in changes.items()})
            if "dlm" in self.schema[object_id]["fields"]:
                self._stamp(row)
            return dict(row)

    def add(self, object_id: int, **values: Any) -> int:
        with self.lock:
            table = self.records.setdefault(object_id, {})
            new_id = max(table, default=0) + 1
            row = {self.id_key(object_id): str(new_id)}
            row.update({k: str(v) for k, v in values.items()})
            fields = self.schema[object_id]["fields"]
            for key in fields:
                row.setdefault(key, "")
            if "date" in fields and not row.get("date"):
                row["date"] = str(int(time.time()))
            if "dlm" in fields:
                self._stamp(row)
            table[new_id] = row
            return new_id

    def delete(self, object_id: int, record_id: int | str) -> None:
        with self.lock:
            self.records.get(object_id, {}).pop(int(record_id), None)

    def rekey(self, object_id: int, key: str) -> None:
        """Give an object another key field (as some accounts' custom objects have): rows and schema both."""
        with self.lock:
            old = self.id_key(object_id)
            spec = self.schema[object_id]
            spec["id_key"] = key
            fields = spec["fields"]
            fields[key] = fields.pop(old) if old in fields else meta_field(f"{spec['name']} ID", "numeric")
            for rid, row in self.records.get(object_id, {}).items():
                self.records[object_id][rid] = {key if k == old else k: v for k, v in row.items()}


def add_payments(account: OntraportAccount, payments: list[tuple[int, str, int]]) -> None:
    """Give the account a Payments object holding (transaction id, amount, unix time) rows, ids from 1."""
    account.schema[227] = PAYMENT_OBJECT
    rows = account.records.setdefault(227, {})
    for pid, (txn, amount, when) in enumerate(payments, start=len(rows) + 1):
        contact = account.records[46][txn]["contact_id"]
        rows[pid] = {"id": str(pid), "transaction_id": str(txn), "contact_id": contact, "amount": amount,
                     "date": str(when), "dlm": str(when)}
