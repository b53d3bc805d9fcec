"""The HTTP side of the Planports API connector: the bearer-token login, calls retried through 429s, 5xx and
dropped connections (with one fresh login after a 401), and list endpoints read whatever paging shape they use."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx

from crm2odoo.errors import SourceAuthError, SourceError, SourceTransientError
from crm2odoo.redact import Secret, redact
from crm2odoo.sources import SourceSettings
from crm2odoo.sources.planports.refusals import answer_words, refusal, unreadable

#: object -> default list path. Only PpContacts is confirmed; the rest follow its naming.
DEFAULT_ENDPOINTS: dict[str, str] = {
    "contact": "/api/v1/PpContacts",
    "lead": "/api/v1/PpLeads",
    "deal": "/api/v1/PpOpportunities",
    "user": "/api/v1/PpUsers",
    "product": "/api/v1/PpProducts",
    "quote": "/api/v1/PpQuotes",
    "quote_line": "/api/v1/PpQuoteLines",
    "order": "/api/v1/PpOrders",
    "order_line": "/api/v1/PpOrderLines",
    "activity": "/api/v1/PpActivities",
    "note": "/api/v1/PpNotes",
    "card": "/api/v1/PpProcessCards",
}
_LIST_KEYS = ("Items", "items", "Data", "data", "Results", "results", "Value", "value", "Records", "records")
_TOTAL_KEYS = ("TotalCount", "totalCount", "Total", "total", "Count", "count", "@odata.count")
_NEXT_KEYS = ("NextPageLink", "nextPageLink", "NextLink", "nextLink", "@odata.nextLink", "Next", "next")


class MissingEndpoint(Exception):
    def __init__(self, obj: str, path: str) -> None:
        super().__init__(path)
        self.obj, self.path = obj, path
        self.message = f"GET {path} answered 404, so {obj} records were skipped."
        self.hint = (f'If your Planports account lists them under another path, set it in crm2odoo.toml: '
                     f'[source.endpoints] {obj} = "/api/v1/..."')


class PlanportsHttp:
    """Calls to one Planports account, as the API user of ``[source]``."""

    def __init__(self, settings: SourceSettings) -> None:
        values = settings.values
        self.base_url = str(values.get("base_url") or "https://www.planports.com").rstrip("/")
        self.email = str(values.get("email") or "")
        password = values.get("password")
        self._password = password if isinstance(password, Secret) else Secret(str(password or ""))
        self.endpoints = dict(DEFAULT_ENDPOINTS)
        for key, path in dict(values.get("endpoints") or {}).items():
            self.endpoints[str(key)] = str(path)
        opts = settings.options
        self.page_size = int(opts.get("page_size", 100))
        self.retries = int(opts.get("retries", 5))
        self.backoff = float(opts.get("backoff", 0.5))
        self.client = httpx.Client(base_url=self.base_url, timeout=float(opts.get("timeout", 30.0)),
                                   headers={"Accept": "application/json"})
        self._token: Secret | None = None

    def close(self) -> None:
        self.client.close()

    def login(self) -> None:
        if not self.email or not self._password:
            raise SourceAuthError("Planports API: email and password are required",
                                  hint="set [source] email and password (the API user <GUID>@api.planports.com)")
        resp = self.send("POST", "/api/token", json={"Email": self.email, "Password": self._password.reveal()},
                          auth=False)
        if resp.status_code in (400, 401, 403):
            raise SourceAuthError(f"Planports refused the login for {self.email} (HTTP {resp.status_code})",
                                  hint="check the API user's e-mail and password, and that API access is enabled")
        if resp.status_code >= 300:
            raise SourceError(f"Planports login failed with HTTP {resp.status_code}")
        try:
            body = resp.json()
        except ValueError as exc:
            raise SourceError("Planports /api/token did not answer with JSON") from exc
        token = next((body.get(k) for k in ("AccessToken", "accessToken", "access_token", "Token", "token")
                      if isinstance(body, dict) and body.get(k)), None)
        if not token:
            raise SourceAuthError("Planports /api/token answered without an AccessToken")
        self._token = Secret(str(token))

    def send(self, method: str, path: str, *, params: dict[str, Any] | None = None, json: Any = None,
              auth: bool = True) -> httpx.Response:
        """One call with retries for 429 / 5xx / dropped connections, and one fresh login after a 401."""
        relogged = False
        last = ""
        retry_after: float | None = None
        attempt = 0
        while attempt <= self.retries:
            headers = {}
            if auth:
                if self._token is None:
                    self.login()
                assert self._token is not None
                headers["Authorization"] = "Bearer " + self._token.reveal()
            try:
                resp = self.client.request(method, path, params=params, json=json, headers=headers)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}"
                retry_after = None
            else:
                if resp.status_code == 401 and auth:
                    if relogged:
                        raise SourceAuthError(f"Planports rejected a fresh token for {self.email} on {method} {path}",
                                              hint="the API user may have lost access; log in to Planports and check")
                    relogged = True
                    self._token = None
                    continue
                if resp.status_code != 429 and resp.status_code < 500:
                    return resp
                last = f"HTTP {resp.status_code}"
                retry_after = _retry_after(resp)
            attempt += 1
            if attempt <= self.retries:
                time.sleep(retry_after if retry_after is not None else self.backoff * 2 ** (attempt - 1))
        raise SourceTransientError(redact(f"Planports {method} {path} failed {self.retries + 1} times; last: {last}"),
                                   retry_after=retry_after)

    def pages(self, obj: str) -> Iterator[dict[str, Any]]:
        """Every item of a list endpoint, whatever paging shape it uses (detected from the answers)."""
        path = self.endpoints[obj]
        page, skip = 1, 0
        url: str | None = path
        params: dict[str, Any] | None = None
        previous_first: Any = None
        while url is not None:
            if params is None and url == path:
                params = {"page": page, "pageSize": self.page_size, "$top": self.page_size, "$skip": skip}
            resp = self.send("GET", url, params=params)
            if resp.status_code == 404:
                raise MissingEndpoint(obj, path)
            if resp.status_code >= 400:
                raise refusal(resp.status_code, "GET", path, obj, answer_words(resp.text))
            try:
                body = resp.json()
            except ValueError:
                raise unreadable("GET", path, obj, "something that is not JSON") from None
            try:
                items, total, next_link = _unpack(body)
            except SourceError as err:
                raise unreadable("GET", path, obj, err.message) from None
            first = items[0] if items else None
            if page > 1 and first is not None and first == previous_first:
                return  # the server ignores paging parameters and sent the first page again
            previous_first = first
            yield from items
            if len(items) > self.page_size or not items:
                return
            skip += len(items)
            page += 1
            if next_link:
                url, params = str(next_link), None
                continue
            if total is not None and skip >= int(total):
                return
            if total is None and len(items) < self.page_size:
                return
            params = {"page": page, "pageSize": self.page_size, "$top": self.page_size, "$skip": skip}


def _unpack(body: Any) -> tuple[list[Any], int | None, str | None]:
    """(items, total or None, next link or None) from a bare array or a .NET-style envelope."""
    if isinstance(body, list):
        return body, None, None
    if isinstance(body, dict):
        items = next((body[k] for k in _LIST_KEYS if isinstance(body.get(k), list)), None)
        if items is None:
            raise SourceError("a JSON object without a list (expected Items, Data or Results)")
        total = next((body[k] for k in _TOTAL_KEYS if isinstance(body.get(k), int)), None)
        next_link = next((body[k] for k in _NEXT_KEYS if isinstance(body.get(k), str) and body.get(k)), None)
        return items, total, next_link
    raise SourceError("neither a JSON list nor an object")


def _retry_after(resp: httpx.Response) -> float | None:
    raw = resp.headers.get("Retry-After")
    try:
        return min(float(raw), 60.0) if raw else None
    except ValueError:
        return None
