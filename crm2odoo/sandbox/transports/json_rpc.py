"""JSON-RPC (``/jsonrpc`` and the web client's JSON routes): ``odoo/http.py``'s error envelope with code 200
and ``serialize_exception`` data."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..exceptions import OdooFault, as_dict
from ..faults import DropConnection
from .base import HandlerBase


class JsonRpcRoutes(HandlerBase):
    def _read_jsonrpc(self) -> tuple[Any, dict[str, Any]] | None:
        try:
            request = json.loads(self._body() or b"null")
        except ValueError:
            self._send(400, b"Invalid JSON data", "text/html; charset=utf-8")
            return None
        if not isinstance(request, dict):
            self._send(400, b"Invalid JSON-RPC data", "text/html; charset=utf-8")
            return None
        params = request.get("params") or {}
        return request.get("id"), params if isinstance(params, dict) else {}

    def _json_error(self, call_id: Any, err: OdooFault) -> None:
        self._json(200, {"jsonrpc": "2.0", "id": call_id,
                         "error": {"code": 200, "message": "Odoo Server Error", "data": as_dict(err)}})

    def _jsonrpc(self) -> None:
        parsed = self._read_jsonrpc()
        if parsed is None:
            return
        call_id, params = parsed
        drop_after = False
        try:
            service, method, args = params.get("service"), params.get("method"), params.get("args")
            if service is None or method is None or args is None:
                missing = [k for k in ("service", "method", "args") if params.get(k) is None]
                raise OdooFault(f"RPC.jsonrpc() missing {len(missing)} required positional argument(s): "
                                + ", ".join(repr(m) for m in missing), name="builtins.TypeError")
            result, drop_after = self.sandbox.dispatch(str(service), str(method), list(args))
        except OdooFault as err:
            self._json_error(call_id, err)
            return
        if drop_after:
            raise DropConnection()
        self._json(200, {"jsonrpc": "2.0", "id": call_id, "result": result})

    def _json_route(self, fn: Callable[[], Any]) -> None:
        parsed = self._read_jsonrpc()
        if parsed is None:
            return
        self._json(200, {"jsonrpc": "2.0", "id": parsed[0], "result": fn()})
