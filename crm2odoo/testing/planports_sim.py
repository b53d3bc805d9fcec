"""A Planports REST API simulator on 127.0.0.1, fed from a :class:`PlanportsDataset`.

It speaks what is confirmed (``POST /api/token`` -> ``AccessToken``; ``/api/v1/PpContacts`` with PascalCase
NameSurname / IsOrganization / ContactInfos / ReminderNote) and serves the other lists under the connector's
guessed paths, in one of several .NET paging shapes. Token expiry and faults (429, 500, dropped connections)
are deterministic by seed so tests can rely on them.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from crm2odoo.sources.planports.api import DEFAULT_ENDPOINTS
from crm2odoo.testing.loopback import LoopbackServer, reply
from crm2odoo.testing.planports_workbook import PlanportsDataset

PAGE_STYLES = ("items", "data", "array", "results", "unpaged")

# canonical key -> API property, where it is not simply the PascalCase of the key
_PROPERTY: dict[str, str] = {
    "name": "NameSurname", "notes": "ReminderNote", "contact": "ContactId", "company": "CompanyId",
    "deal": "OpportunityId", "created_at": "CreatedOn", "modified_at": "ModifiedOn", "quote": "QuoteId",
    "order": "OrderId", "product": "ProductCode", "pipeline": "PipelineName", "stage": "StageName",
}
_CHANNELS = {"email": "PersonalEmail", "email2": "WorkEmail", "mobile": "MobileTelNumber", "phone": "WorkTelNumber",
             "whatsapp": "WhatsApp"}


def _pascal(key: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat() + "T00:00:00"
    return value


def api_item(obj: str, ident: str, values: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """One truth record as the API would answer it."""
    item: dict[str, Any] = {"Id": ident}
    infos: list[dict[str, str]] = []
    custom: list[dict[str, Any]] = []
    for key, value in values.items():
        if value is None:
            continue  # the API leaves empty properties out
        if key.endswith("__currency") or key in ("outcome", "source_channel", "kind", "done", "data", "path"):
            if key.endswith("__currency") and value is not None and "Currency" not in item:
                item["Currency"] = value
            continue
        if obj in ("contact", "company") and key == "is_company":
            item["IsOrganization"] = bool(value)
            continue
        if obj in ("contact", "company") and key in _CHANNELS:
            if value is not None:
                infos.append({"SubTypeName": _CHANNELS[key], "ContactValue": value})
            continue
        if key.startswith("x_"):
            if value is not None:
                custom.append({"Name": key[2:], "Value": _json_value(value)})
            continue
        if key in ("owner", "author", "uploaded_by"):
            if value is not None:
                item[("OwnerEmail" if "@" in str(value) else "OwnerName") if key == "owner" else _pascal(key)] = value
            continue
        if key in ("pipeline", "stage", "lost_reason", "board", "column"):
            value = names.get(value, value)
        prop = _PROPERTY.get(key, _pascal(key))
        if obj not in ("contact", "company") and key == "name":
            prop = "Title" if obj == "deal" else "Name"
        item[prop] = _json_value(value)
    if infos:
        item["ContactInfos"] = infos
    if custom:
        item["CustomFields"] = custom
    return item


class PlanportsSimulator(LoopbackServer):
    """HTTP double of the Planports API. ``faults``: {'429': p, '500': p, 'drop': p} per list request."""

    def __init__(self, dataset: PlanportsDataset, *, email: str, password: str, token_ttl_seconds: float = 3600,
                 faults: Mapping[str, float] | None = None, page_style: str = "items", seed: int = 1,
                 missing: Iterable[str] = (), max_page_size: int = 1000,
                 refuse: Mapping[str, tuple[int, str]] | None = None) -> None:
        if page_style not in PAGE_STYLES:
            raise ValueError(f"page_style must be one of {PAGE_STYLES}")
        self.email, self.password = email, password
        self.token_ttl = token_ttl_seconds
        self.faults = dict(faults or {})
        self.page_style = page_style
        self.max_page_size = max_page_size
        self.rng = random.Random(seed)
        self.tokens: dict[str, float] = {}
        self.request_log: list[tuple[str, str, int]] = []
        #: list path -> (status, message): GETs of that list are refused so (a 4xx seam)
        self.refuse = {path.lower(): answer for path, answer in (refuse or {}).items()}
        self.fail_next: list[str] = []  # queued faults ('429', '500', 'drop', '401') for the next list requests
        self.lists: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        missing_set = set(missing)
        names = {**{pid: p["name"] for pid, p in dataset.records.get("pipeline", {}).items()},
                 **{sid: s["name"] for sid, s in dataset.records.get("stage", {}).items()},
                 **{rid: r["name"] for rid, r in dataset.records.get("lost_reason", {}).items()},
                 **{bid: b["name"] for bid, b in dataset.records.get("board", {}).items()},
                 **{cid: c["name"] for cid, c in dataset.records.get("board_column", {}).items()}}
        for obj, path in DEFAULT_ENDPOINTS.items():
            if obj in missing_set:
                continue
            sources = ("company", "contact") if obj == "contact" else (obj,)
            items = [api_item(src, ident, values, names) for src in sources
                     for ident, values in dataset.records.get(src, {}).items()]
            if obj == "user":
                items = [i for i in items if "@" in str(i["Id"])]
            self.lists[path.lower()] = items

    # -- lifecycle ---------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the simulator first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> PlanportsSimulator:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True
            wbufsize = 1 << 16  # headers and body leave in one packet: no 40 ms delayed-ACK stall per request

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                sim._handle(self, "POST")

            def do_GET(self) -> None:
                sim._handle(self, "GET")

        self._serve(Handler, "planports-sim")
        return self

    def expire_tokens(self) -> None:
        with self._lock:
            self.tokens.clear()

    # -- requests ----------------------------------------------------------------------------------------------

    def _reply(self, h: BaseHTTPRequestHandler, method: str, status: int, body: Any,
               headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        reply(h, status, data, "application/json; charset=utf-8", headers)
        with self._lock:
            self.request_log.append((method, h.path, status))

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        url = urlparse(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        if method == "POST" and url.path.lower() == "/api/token":
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {}
            if body.get("Email") == self.email and body.get("Password") == self.password:
                token = secrets.token_hex(16)
                with self._lock:
                    self.tokens[token] = time.monotonic() + self.token_ttl
                self._reply(h, method, 200, {"AccessToken": token, "ExpiresIn": int(self.token_ttl)})
            else:
                self._reply(h, method, 400, {"error": "invalid_grant", "ResultMessage": "E-posta veya şifre hatalı"})
            return
        if method != "GET":
            self._reply(h, method, 405, {"ResultMessage": "method not allowed"})
            return
        auth = h.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        with self._lock:
            expiry = self.tokens.get(token)
        if expiry is None or expiry < time.monotonic():
            self._reply(h, method, 401, {"Message": "Authorization has been denied for this request."})
            return
        fault = self._fault()
        if fault == "drop":
            with self._lock:
                self.request_log.append((method, h.path, 0))
            h.close_connection = True
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault in ("429", "500", "401"):
            self._reply(h, method, int(fault), {"Message": "simulated fault"},
                        {"Retry-After": "0"} if fault == "429" else None)
            return
        refused = self.refuse.get(url.path.lower())
        if refused is not None:
            self._reply(h, method, refused[0], {"Message": refused[1]})
            return
        items = self.lists.get(url.path.lower())
        if items is None:
            self._reply(h, method, 404, {"Message": f"No HTTP resource was found that matches {url.path}"})
            return
        self._reply(h, method, 200, self._page(items, parse_qs(url.query), url.path))

    def _fault(self) -> str | None:
        with self._lock:
            if self.fail_next:
                return self.fail_next.pop(0)
            for kind in ("429", "500", "drop"):
                p = self.faults.get(kind, 0.0)
                if p and self.rng.random() < p:
                    return kind
        return None

    def _page(self, items: list[dict[str, Any]], query: dict[str, list[str]], path: str) -> Any:
        def number(*names: str, default: int) -> int:
            for n in names:
                if n in query:
                    return int(query[n][0])
            return default

        if self.page_style == "unpaged":
            return items
        if self.page_style == "items":
            size = min(number("pageSize", default=50), self.max_page_size)
            page = number("page", default=1)
            chunk = items[(page - 1) * size: page * size]
            return {"Items": chunk, "TotalCount": len(items), "Page": page, "PageSize": size}
        top = min(number("$top", default=50), self.max_page_size)
        skip = number("$skip", default=0)
        chunk = items[skip: skip + top]
        if self.page_style == "data":
            return {"Data": chunk, "TotalCount": len(items)}
        if self.page_style == "results":
            following = skip + top
            link = f"{path}?$top={top}&$skip={following}" if following < len(items) else None
            return {"Results": chunk, "NextPageLink": link}
        return chunk
