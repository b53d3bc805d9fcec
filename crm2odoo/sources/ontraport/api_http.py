"""The HTTP side of the Ontraport connector: credentials, one paced client, retries of transient failures and
429s, refusals told in the words of the object they concern."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from crm2odoo.errors import ConfigError, SourceAuthError, SourceTransientError
from crm2odoo.redact import Secret
from crm2odoo.sources import SourceSettings
from crm2odoo.sources.ontraport.objects import INVENTORY_TYPES, STANDARD_TYPES
from crm2odoo.sources.ontraport.ratelimit import RatePacer
from crm2odoo.sources.ontraport.refusals import OntraportHttpError, answer_text, refusal

DEFAULT_BASE_URL = "https://api.ontraport.com/1"
_TRANSIENT = {500, 502, 503, 504}
#: how many rate windows one call may spend answered by 429 before the run stops with a transient error
RATE_LIMIT_PATIENCE_WINDOWS = 3


class OntraportHttp:
    """GETs against one Ontraport account. The request budget is shared with the customer's other integrations,
    so every call goes through one :class:`RatePacer`."""

    def __init__(self, settings: SourceSettings) -> None:
        values = settings.values
        app_id, api_key = values.get("app_id"), values.get("api_key")
        problems = []
        if not app_id:
            problems.append(("source.app_id", "is required for kind ontraport", 'app_id = "${ONTRAPORT_APP_ID}"'))
        if not api_key:
            problems.append(("source.api_key", "is required for kind ontraport", 'api_key = "${ONTRAPORT_API_KEY}"'))
        if problems:
            raise ConfigError(problems)
        self._app_id = app_id.reveal() if isinstance(app_id, Secret) else str(app_id)
        self._api_key = api_key if isinstance(api_key, Secret) else Secret(str(api_key))
        self.base_url = str(values.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        opts = settings.options
        self.timeout = float(opts.get("timeout", 30.0))
        self.max_retries = int(opts.get("max_retries", 5))
        self.retry_backoff = float(opts.get("retry_backoff", 1.0))
        self.pacer = RatePacer(limit=int(opts.get("rate_limit", 180)),
                               window=float(opts.get("rate_window_seconds", 60.0)))
        self._client: httpx.Client | None = None
        self._authenticated = False
        self.account: dict[str, Any] = {}
        #: objectID -> the name a person knows the object by, for messages
        self.labels: dict[str, str] = {str(oid): f"{plural} (objectID {oid})" for oid, plural in
                                       [(t.object_id, t.plural) for t in STANDARD_TYPES]
                                       + [(i.object_id, i.plural) for i in INVENTORY_TYPES]}
        self.stats = {"requests": 0, "retries": 0, "rate_limited": 0}

    def _http(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, headers={"Accept": "application/json"})
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def get(self, path: str, params: Mapping[str, str]) -> Any:
        """One GET with pacing, 429 back-off and retries; returns the envelope's ``data``."""
        url = self.base_url + path
        what = f"GET {path}" + (f" objectID={params['objectID']}" if "objectID" in params else "")
        failures = 0
        limited = 0
        limited_since: float | None = None  # when this call was first answered by 429
        while True:
            self.pacer.acquire()
            self.stats["requests"] += 1
            headers = {"Api-Key": self._api_key.reveal(), "Api-Appid": self._app_id}
            try:
                resp = self._http().get(url, params=dict(params), headers=headers)
            except (httpx.TimeoutException, httpx.TransportError) as err:
                failures += 1
                self._retry_or_raise(failures, f"{what}: {type(err).__name__}")
                continue
            self.pacer.observe(resp.headers)
            status = resp.status_code
            if status == 429:
                limited += 1
                self.stats["rate_limited"] += 1
                now = time.monotonic()
                if limited_since is None:
                    limited_since = now
                # Patience is time, not a count: a rolling window full of our own calls answers each 429 with
                # the moment its oldest call ages out, so one spent window can mean dozens of short waits.
                if now - limited_since >= RATE_LIMIT_PATIENCE_WINDOWS * self.pacer.window:
                    raise SourceTransientError(
                        f"{what}: still rate limited after {limited} waits ({now - limited_since:.1f} s)",
                        retry_after=self.pacer.window)
                self.pacer.backoff_429(resp.headers)
                continue
            if status in _TRANSIENT:
                failures += 1
                self._retry_or_raise(failures, f"{what}: HTTP {status}")
                continue
            if status == 401 or (status == 403 and not self._authenticated):
                raise SourceAuthError(
                    f"Ontraport refused the API key / app id pair (HTTP {status}) at {self.base_url}",
                    hint="Check api_key and app_id under Administration > Integrations > Ontraport API "
                         "Instructions and Key Manager; the key's user must be allowed to see the records.",
                )
            if status >= 400:
                raise self._refusal(status, path, params, answer_text(resp.text))
            try:
                body = resp.json()
            except ValueError:
                failures += 1
                self._retry_or_raise(failures, f"{what}: the answer is not JSON")
                continue
            if isinstance(body, dict) and str(body.get("code", "0")) not in ("0", ""):
                raise self._refusal(400, path, params, answer_text(json.dumps(body)))
            self._authenticated = True
            if isinstance(body, dict):
                if "account_id" in body:
                    self.account.setdefault("account_id", str(body["account_id"]))
                return body.get("data")
            return body

    def _refusal(self, status: int, path: str, params: Mapping[str, str], detail: str) -> OntraportHttpError:
        oid = params.get("objectID")
        return refusal(status, "GET", path, params, detail, self.labels.get(oid) if oid is not None else None)

    def _retry_or_raise(self, failures: int, message: str) -> None:
        if failures > self.max_retries:
            raise SourceTransientError(f"{message} (gave up after {failures} tries)",
                                       retry_after=self.retry_backoff * 4)
        self.stats["retries"] += 1
        time.sleep(min(30.0, self.retry_backoff * (2 ** (failures - 1))))
