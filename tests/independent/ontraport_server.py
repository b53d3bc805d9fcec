"""An Ontraport REST API on 127.0.0.1 (stdlib http.server in a thread), written from the public API notes:
generic ``/objects`` + ``/objects/meta`` + ``/objects/getInfo`` and the named aliases (``/Contacts``, ``/Tags``,
custom-object plurals...), both auth headers (401 as text otherwise), the ``{"code", "data", "account_id"}``
envelope with every scalar a string, ``start``/``range`` paging capped at 50, a rolling rate limit with
``X-Rate-Limit-*`` headers and 429, a ``condition`` criteria engine, ``sort``/``sortDir`` (400 "Invalid sort
field: X" for a field the object lacks, as the real service answered for ``id`` on Tags), ``ids`` and
``listFields``. Read-only: a migration only reads."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.independent.coaching import ObjectType, OntraportAccount

AUTH_FAILED = "Your App ID and API Key do not authenticate."
PAGE_CAP = 50


class BadRequest(Exception):
    pass


class OntraportServer:
    def __init__(self, account: OntraportAccount, *, app_id: str, api_key: str, rate_limit: int = 180,
                 window_seconds: float = 60.0) -> None:
        self.account = account
        self.app_id, self.api_key = app_id, api_key
        self.rate_limit, self.window = rate_limit, window_seconds
        self.calls: deque[float] = deque()
        self.log: list[tuple[str, int]] = []  # (path?query, status) of every request
        self.lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/1"

    def start(self) -> OntraportServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = server.handle("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    # -- one request ----------------------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            status, out_headers, body = self._handle(method, raw_path, headers)
            self.log.append((raw_path, status))
            return status, out_headers, body

    def _rate_headers(self, now: float) -> dict[str, str]:
        while self.calls and self.calls[0] <= now - self.window:
            self.calls.popleft()
        reset = int(self.window - (now - self.calls[0])) + 1 if self.calls else int(self.window)
        return {"X-Rate-Limit-Limit": str(self.rate_limit),
                "X-Rate-Limit-Remaining": str(max(0, self.rate_limit - len(self.calls))),
                "X-Rate-Limit-Reset": str(reset)}

    def _handle(self, method: str, raw_path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        now = time.monotonic()
        text = {"Content-Type": "text/plain; charset=utf-8"}
        if headers.get("api-key") != self.api_key or headers.get("api-appid") != self.app_id:
            return 401, text, AUTH_FAILED.encode()
        rate = self._rate_headers(now)
        if len(self.calls) >= self.rate_limit:
            return 429, {**text, **rate}, b"Too Many Requests: the limit is 180 requests per minute"
        self.calls.append(now)
        rate = self._rate_headers(now)
        parts = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            data = self._route(parts.path.rstrip("/"), query)
        except BadRequest as exc:
            return 400, {**text, **rate}, str(exc).encode()
        except LookupError as exc:
            return 404, {**text, **rate}, str(exc).encode()
        envelope: dict[str, Any] = {"code": 0, "data": data, "account_id": self.account.account_id}
        if isinstance(data, list):
            envelope["misc"] = []
        return 200, {"Content-Type": "application/json", **rate}, json.dumps(envelope).encode()

    def _route(self, path: str, query: dict[str, str]) -> Any:
        if not path.startswith("/1/"):
            raise LookupError(f"Unknown path {path}")
        segments = path[3:].split("/")
        head, tail = segments[0], "/".join(segments[1:])
        if head.lower() in ("objects", "object"):
            if tail == "meta":
                if "objectID" not in query:
                    return {str(t.type_id): _meta(t) for t in self.account.types.values()}
                return {str(self._type(query).type_id): _meta(self._type(query))}
            type_ = self._type(query)
        else:
            found = self.account.by_plural(head)
            if found is None:
                raise LookupError(f"Unknown object {head}")
            type_ = found
            if tail == "meta":
                return {str(type_.type_id): _meta(type_)}
        if tail == "getInfo":
            rows = self._select(type_, query)
            return {"listFields": list(_visible_fields(type_))[:8], "listFieldSettings": [],
                    "cardViewSettings": [], "viewMode": [], "count": str(len(rows))}
        if tail:
            raise LookupError(f"Unknown path {path}")
        if head.lower() == "object" or head.lower() == type_.name.lower():
            wanted = query.get("id", "")
            for rec in type_.records:
                if rec.get(type_.key) == wanted:
                    return dict(rec)
            raise LookupError(f"Object {type_.type_id} record {wanted} does not exist")
        return self._page(type_, query)

    def _type(self, query: dict[str, str]) -> ObjectType:
        raw = query.get("objectID", "")
        if not raw.lstrip("-").isdigit() or int(raw) not in self.account.types:
            raise BadRequest(f"Invalid objectID: {raw}")
        return self.account.types[int(raw)]

    def _select(self, type_: ObjectType, query: dict[str, str]) -> list[dict[str, str]]:
        rows = list(type_.records)
        if query.get("ids") not in (None, "", "0"):
            wanted = {i.strip() for i in query["ids"].split(",")}
            rows = [r for r in rows if r.get(type_.key) in wanted]
        if query.get("condition"):
            try:
                condition = json.loads(query["condition"])
            except json.JSONDecodeError as exc:
                raise BadRequest(f"Invalid condition: {exc.msg}") from None
            rows = [r for r in rows if _matches(r, condition, _known(type_))]
        if query.get("search"):
            needle = query["search"].lower()
            rows = [r for r in rows if any(needle in v.lower() for v in r.values())]
        return rows

    def _page(self, type_: ObjectType, query: dict[str, str]) -> list[dict[str, str]]:
        rows = self._select(type_, query)
        sort = query.get("sort")
        if sort:
            if sort not in _known(type_):
                raise BadRequest(f"Invalid sort field: {sort}")
            rows.sort(key=lambda r: _sort_key(r.get(sort, "")), reverse=query.get("sortDir", "asc") == "desc")
        try:
            start = int(query.get("start", "0") or 0)
            size = min(int(query.get("range", str(PAGE_CAP)) or PAGE_CAP), PAGE_CAP)
        except ValueError:
            raise BadRequest("start and range must be integers") from None
        page = rows[max(start, 0):max(start, 0) + max(size, 0)]
        if query.get("listFields"):
            # what Ontraport does with a field the object lacks here is not documented: it comes back empty
            keep = [f.strip() for f in query["listFields"].split(",") if f.strip()]
            page = [{k: r.get(k, "") for k in keep} for r in page]
        return [dict(r) for r in page]


def _known(type_: ObjectType) -> set[str]:
    """What the object really has: its meta fields and what its records carry (the key even when the meta omits it)."""
    out = set(type_.fields)
    for rec in type_.records[:1]:
        out |= set(rec)
    return out


def _visible_fields(type_: ObjectType) -> list[str]:
    return [k for k in type_.fields if k not in ("date", "dlm")]


def _meta(type_: ObjectType) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, spec in type_.fields.items():
        fields[key] = {k: (dict(v) if isinstance(v, dict) else str(v)) for k, v in spec.items()}
    return {"name": type_.name, "fields": fields}


def _sort_key(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value.lower())


def _compare(actual: str, op: str, expected: Any) -> bool:
    if op == "IN" or op == "NOT IN":
        values = {str(v.get("value")) if isinstance(v, dict) else str(v) for v in (expected or {}).get("list", [])}
        return (actual in values) == (op == "IN")
    if op == "IS":
        return (actual in ("", "0")) == (str(expected).upper() == "NULL")
    wanted = str(expected.get("value") if isinstance(expected, dict) else expected)
    if op == "LIKE":
        return wanted.strip("%").lower() in actual.lower()
    try:
        a, b = float(actual or 0), float(wanted)
    except ValueError:
        a, b = actual, wanted  # type: ignore[assignment]
    return {"=": a == b, "<>": a != b, ">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}[op]


def _matches(record: dict[str, str], condition: Any, known: set[str]) -> bool:
    if isinstance(condition, dict):
        condition = [condition]
    if not isinstance(condition, list) or not condition:
        raise BadRequest("Invalid condition: expected a list of clauses")
    result: bool | None = None
    joiner = "AND"
    for item in condition:
        if isinstance(item, str):
            if item.upper() not in ("AND", "OR"):
                raise BadRequest(f"Invalid condition joiner: {item}")
            joiner = item.upper()
            continue
        if not isinstance(item, dict) or "op" not in item or "field" not in item:
            raise BadRequest("Invalid condition: a clause needs field, op and value")
        name = item["field"].get("field") if isinstance(item["field"], dict) else item["field"]
        if name not in known:
            raise BadRequest(f"Invalid field: {name}")
        op = str(item["op"]).upper()
        if op not in ("=", "<>", ">", "<", ">=", "<=", "IN", "NOT IN", "IS", "LIKE"):
            raise BadRequest(f"Invalid operator: {item['op']}")
        value = _compare(record.get(name, ""), op, item.get("value"))
        result = value if result is None else (result and value if joiner == "AND" else result or value)
    return bool(result)
