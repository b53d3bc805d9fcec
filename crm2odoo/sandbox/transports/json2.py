"""JSON-2 (Odoo 19+): ``POST /json/2/<model>/<method>`` with a bearer API key and named arguments, as Odoo 19's
documentation describes it."""

from __future__ import annotations

import json
from typing import Any

from .. import methods
from ..exceptions import HttpError, OdooFault, as_dict
from ..faults import LOAD_INTERNAL_ANSWER, DropConnection
from .base import HandlerBase


class Json2Routes(HandlerBase):
    def _json2_error(self, err: OdooFault) -> None:
        self._json(err.http_status, as_dict(err))

    def _json2_uid(self) -> int | None:
        """The user of the bearer API key; answers 401 (and returns None) without a valid one."""
        auth = self.headers.get("Authorization") or ""
        scheme, _, key = auth.partition(" ")
        uid = self.sandbox.uid_for_key(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
        if uid is None:
            self._send(401, json.dumps(as_dict(HttpError(401, "Unauthorized", "Invalid apikey"))).encode(),
                       "application/json", {"WWW-Authenticate": "Bearer"})
        return uid

    def _json2_payload(self, body: bytes) -> dict[str, Any] | None:
        """The named arguments, or None after answering why the request cannot be read."""
        db = self.headers.get("X-Odoo-Database")
        if db and db != self.sandbox.database:
            self._json2_error(HttpError(404, "NotFound", f"database {db!r} not found"))
            return None
        try:
            payload = json.loads(body or b"{}")
        except ValueError as exc:
            self._json2_error(HttpError(400, "BadRequest", f"could not parse the body as json: {exc}"))
            return None
        if not isinstance(payload, dict):
            self._json2_error(HttpError(400, "BadRequest", "could not parse the body, expecting a json object"))
            return None
        return payload

    def _json2(self, rest: str) -> None:
        body = self._body()
        parts = rest.split("/")
        if len(parts) != 2 or not all(parts):
            self._not_found()
            return
        model, method = parts
        uid = self._json2_uid()
        if uid is None:
            return
        payload = self._json2_payload(body)
        if payload is None:
            return
        drop_after = False
        try:
            pending = self.sandbox._before_call(model, method)
            drop_after = pending == "drop-after"
            if pending == "load-internal":
                self._json(200, LOAD_INTERNAL_ANSWER)
                return
            result = self.sandbox.transaction(uid, lambda env: methods.call_named(env, model, method, payload))
        except OdooFault as err:
            self._json2_error(err)
            return
        if drop_after:
            raise DropConnection()
        self._json(200, result)
