"""A thin client for Odoo's external API: JSON-RPC and XML-RPC (17, 18) and JSON-2 (19+).

Why our own client instead of OdooRPC or odooly: neither speaks JSON-2 (the only non-deprecated API from 19
on), neither reports errors in a form that tells retry from skip from stop, and both hide the transport we
need to control (connection pooling shared by worker threads, per-call timeouts, knowing whether a failed
write may have committed). What we need is small: one ``execute_kw`` over three wire formats.

Every call is its own transaction on the server. A failure that proves the server rolled back (an error
reply, a serialization failure Odoo gave up retrying) is safe to retry; a failure that leaves the outcome
unknown (timeout, dropped connection, 502/504 from a proxy) is retried only for reads. Writes surface it as
:class:`OdooTransientError` with ``outcome_unknown=True`` so the loader settles it through external IDs.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from crm2odoo.errors import OdooError, OdooFatalError, OdooRecordError, OdooTransientError
from crm2odoo.odoo import versions
from crm2odoo.redact import Secret, redact

log = logging.getLogger("crm2odoo.odoo")

#: Methods that never change data; safe to retry after any transient failure.
READ_METHODS = frozenset({
    "search", "search_read", "search_count", "read", "fields_get", "name_search", "get_external_id",
    "check_object_reference", "context_get", "default_get", "get_param", "has_group", "read_group",
    "web_search_read", "version",
})

#: PostgreSQL's words when two transactions wrote one row (40001 serialization failure, 40P01 deadlock, 55P03 lock
#: not available): the writer's transaction rolled back, and the same write sent again succeeds
CONCURRENCY_SIGNS = ("could not serialize access", "concurrent update", "deadlock detected", "could not obtain lock")
_TRANSIENT_NAMES = (
    "SerializationFailure", "TransactionRollbackError", "LockNotAvailable", "DeadlockDetected", *CONCURRENCY_SIGNS,
)
_FATAL_NAMES = (
    "odoo.exceptions.AccessDenied", "odoo.exceptions.AccessError", "werkzeug.exceptions.NotFound",
    "builtins.KeyError", "builtins.AttributeError", "builtins.NotImplementedError",
    "odoo.http.SessionExpiredException",
)

DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class OdooSettings:
    """The resolved ``[odoo]`` table."""

    url: str
    database: str
    login: str
    password: Secret | None = None
    api_key: Secret | None = None
    transport: str = "auto"  # auto | jsonrpc | xmlrpc | json2
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = 5

    @property
    def secret(self) -> Secret:
        found = self.api_key or self.password
        if not found:
            raise OdooFatalError("no Odoo password or api_key configured", hint="set odoo.api_key = \"${ODOO_API_KEY}\"")
        return found


class Transport(Protocol):
    name: str

    def execute_kw(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any: ...


def _classify(name: str, message: str, *, model: str | None, method: str | None, status: int | None = None) -> OdooError:
    text = f"{model}.{method}: {message}" if model else message
    text = redact(text)
    if any(mark in name or mark in message for mark in _TRANSIENT_NAMES):
        return OdooTransientError(text, model=model, method=method, odoo_name=name, outcome_unknown=False)
    # A missing model is a UserError ("Object x doesn't exist") on 17/18: stop, do not quarantine every record.
    missing_model = bool(model) and f"Object {model} doesn't exist" in message
    if name in _FATAL_NAMES or status in (401, 403, 404) or missing_model:
        hint = ""
        if "AccessDenied" in name or status == 401:
            hint = "check odoo.login and the password or API key (API keys: Preferences > Account Security)"
        elif "AccessError" in name or status == 403:
            hint = "the migration user needs Administration / Settings rights (ir.model.data, custom fields)"
        return OdooFatalError(text, hint=hint, model=model, method=method, odoo_name=name)
    return OdooRecordError(text, model=model, method=method, odoo_name=name)


def unreachable(settings: OdooSettings, exc: OdooError) -> tuple[str, str]:
    """Message and hint for a server that did not answer the version probe, by what went wrong on the wire."""
    url = settings.url
    cause = exc.attrs.get("cause")
    reason = str(cause or exc).lower()
    path = urlsplit(url).path
    if isinstance(cause, httpx.TimeoutException):
        return (f"Odoo at {url} did not answer within {settings.timeout:g} seconds (odoo.timeout)",
                "check that the server is up and answers in a browser; raise odoo.timeout if it is only slow")
    if "ssl" in reason or "certificate" in reason or "tls" in reason:
        return (f"the TLS (https) handshake with {url} failed: {cause}",
                "check the certificate, or whether the server speaks https at all (http:// for a local server)")
    if "name or service not known" in reason or "nodename" in reason or "name resolution" in reason \
            or "getaddrinfo" in reason:
        return (f"the name {urlsplit(url).hostname!r} in odoo.url does not resolve to an address",
                "check the spelling of odoo.url (e.g. https://mycompany.odoo.com) and this machine's DNS")
    if "refused" in reason:
        return (f"nothing listens at {url}: connection refused",
                "check odoo.url and its port, and that Odoo is running")
    if path not in ("", "/"):
        base = url[: len(url) - len(path)]
        return (f"odoo.url has a path ({path}): Odoo answers at the server's root, not at a page",
                f'write url = "{base}"')
    return (f"cannot reach Odoo at {url}: {exc}", "check odoo.url; the server must answer /jsonrpc")


class _HttpBase:
    def __init__(self, client: httpx.Client, url: str) -> None:
        self._http = client
        self._url = url.rstrip("/")

    def _post(self, path: str, *, model: str | None, method: str, **kw: Any) -> httpx.Response:
        try:
            response = self._http.post(self._url + path, **kw)
        except httpx.TimeoutException as exc:
            raise OdooTransientError(
                f"{model}.{method}: timed out ({type(exc).__name__})", model=model, method=method,
                outcome_unknown=True, cause=exc,
            ) from None
        except httpx.TransportError as exc:
            # A refused connection never reached Odoo; anything later may have.
            unknown = not isinstance(exc, httpx.ConnectError)
            raise OdooTransientError(
                f"{model}.{method}: connection failed ({type(exc).__name__})", model=model, method=method,
                outcome_unknown=unknown, cause=exc,
            ) from None
        if response.status_code in (502, 503, 504):
            raise OdooTransientError(
                f"{model}.{method}: HTTP {response.status_code}", model=model, method=method,
                outcome_unknown=response.status_code != 503,
            )
        return response


class JsonRpcTransport(_HttpBase):
    """``POST /jsonrpc`` (17, 18; deprecated in 19). Errors carry Odoo's exception class name."""

    name = "jsonrpc"

    def __init__(self, client: httpx.Client, url: str, database: str, uid: int, secret: Secret) -> None:
        super().__init__(client, url)
        self._db, self._uid, self._secret = database, uid, secret
        self._ids = iter(range(1, 1 << 62))
        self._lock = threading.Lock()

    def rpc(self, service: str, method: str, args: list[Any], *, model: str | None = None,
            label: str | None = None) -> Any:
        method = label or method
        with self._lock:
            call_id = next(self._ids)
        body = {"jsonrpc": "2.0", "method": "call",
                "params": {"service": service, "method": "execute_kw" if label else method, "args": args},
                "id": call_id}
        response = self._post("/jsonrpc", model=model, method=method, content=_dumps(body),
                              headers={"Content-Type": "application/json"})
        if response.status_code != 200:
            raise _classify("http", f"HTTP {response.status_code}", model=model, method=method,
                            status=response.status_code)
        payload = response.json()
        if "error" in payload:
            data = payload["error"].get("data") or {}
            name = str(data.get("name") or "")
            message = str(data.get("message") or payload["error"].get("message") or "")
            raise _classify(name, message, model=model, method=method)
        return payload.get("result")

    def execute_kw(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        args, kwargs = _positional_for_rpc(method, args, kwargs)
        call_args = [self._db, self._uid, self._secret.reveal(), model, method, args, kwargs]
        return self.rpc("object", "execute_kw", call_args, model=model, label=method)


def _positional_for_rpc(method: str, args: list[Any], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """``create`` and ``write`` go positionally over RPC (17, 18).

    ``create`` is wrapped by ``api.model_create_multi``, which does not accept its list by name, and overrides of
    ``write`` do not agree on the parameter's name (``ir.model.access.write(values)``, most others ``vals``).
    """
    for name, key in (("create", "vals_list"), ("write", "vals")):
        if method == name and key in kwargs:
            rest = dict(kwargs)
            return [*args, rest.pop(key)], rest
    return args, kwargs


_XML_FAULT_NAMES = {2: "odoo.exceptions.UserError", 3: "odoo.exceptions.AccessDenied", 4: "odoo.exceptions.AccessError"}


class XmlRpcTransport(_HttpBase):
    """``/xmlrpc/2/object`` (all versions up to 21; deprecated in 19). Marshalled by the stdlib."""

    name = "xmlrpc"

    def __init__(self, client: httpx.Client, url: str, database: str, uid: int, secret: Secret) -> None:
        super().__init__(client, url)
        self._db, self._uid, self._secret = database, uid, secret

    def rpc(self, service: str, method: str, args: list[Any], *, model: str | None = None,
            label: str | None = None) -> Any:
        body = xmlrpc.client.dumps(tuple(args), method, allow_none=False)
        method = label or method
        response = self._post(f"/xmlrpc/2/{service}", model=model, method=method, content=body.encode(),
                              headers={"Content-Type": "text/xml"})
        if response.status_code != 200:
            raise _classify("http", f"HTTP {response.status_code}", model=model, method=method,
                            status=response.status_code)
        try:
            result, _ = xmlrpc.client.loads(response.content, use_datetime=False)
        except xmlrpc.client.Fault as fault:
            code = fault.faultCode
            if isinstance(code, int):
                name = _XML_FAULT_NAMES.get(code, "")
                message = fault.faultString if code in _XML_FAULT_NAMES else fault.faultString.strip().splitlines()[-1]
            else:  # older servers put the exception text in faultCode
                name, message = "", str(code)
            raise _classify(name, message, model=model, method=method) from None
        return result[0] if result else None

    def execute_kw(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        args, kwargs = _positional_for_rpc(method, args, kwargs)
        return self.rpc("object", "execute_kw",
                        [self._db, self._uid, self._secret.reveal(), model, method, args, kwargs], model=model,
                        label=method)


class Json2Transport(_HttpBase):
    """``POST /json/2/<model>/<method>`` with a bearer API key (19+). Named arguments only."""

    name = "json2"

    def __init__(self, client: httpx.Client, url: str, database: str, secret: Secret) -> None:
        super().__init__(client, url)
        self._db, self._secret = database, secret

    def execute_kw(self, model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        body = dict(kwargs)
        if args:
            if len(args) != 1:
                raise OdooFatalError(f"{model}.{method}: JSON-2 takes named arguments only", model=model, method=method)
            body["ids"] = args[0]
        response = self._post(
            f"/json/2/{model}/{method}", model=model, method=method, content=_dumps(body),
            headers={"Authorization": f"bearer {self._secret.reveal()}", "X-Odoo-Database": self._db,
                     "Content-Type": "application/json", "User-Agent": "crm2odoo"},
        )
        if response.status_code == 200:
            return response.json()
        try:
            data = response.json()
        except ValueError:
            data = {}
        name = str(data.get("name") or "") if isinstance(data, dict) else ""
        message = str(data.get("message") or response.reason_phrase) if isinstance(data, dict) else response.text[:200]
        raise _classify(name, message, model=model, method=method, status=response.status_code)


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__} to Odoo")


def _dumps(body: Any) -> bytes:
    return json.dumps(body, default=_default, ensure_ascii=False).encode()


@dataclass(frozen=True)
class ServerInfo:
    version: str  # '18.0'
    major: int
    version_info: tuple[Any, ...]


class OdooClient:
    """One authenticated connection to one Odoo database, shared by worker threads.

    ``execute`` is the single door to the server: retries with backoff for transient failures where that is
    safe (see the module docstring), counts calls, and never puts the secret in an error.
    """

    def __init__(self, settings: OdooSettings, *, http: httpx.Client | None = None) -> None:
        self.settings = settings
        self._http = http or httpx.Client(
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)),
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
        )
        self._owns_http = http is None
        self.server = self._probe_version()
        self.uid, self.transport = self._authenticate()
        self.calls = 0
        self._calls_lock = threading.Lock()

    # -- connection -------------------------------------------------------------------------------------------
    def _bootstrap(self) -> JsonRpcTransport:
        return JsonRpcTransport(self._http, self.settings.url, self.settings.database, 0, Secret(""))

    def _probe_version(self) -> ServerInfo:
        try:
            info = self._bootstrap().rpc("common", "version", [])
        except OdooError as exc:
            message, hint = unreachable(self.settings, exc)
            raise OdooFatalError(message, hint=hint) from None
        version_info = tuple(info.get("server_version_info") or ())
        major = int(version_info[0]) if version_info and isinstance(version_info[0], int) else int(
            str(info.get("server_version", "0")).split(".")[0].split("+")[0].split("saas~")[-1] or 0)
        series = str(info.get("server_serie") or f"{major}.0")
        return ServerInfo(version=series, major=major, version_info=version_info)

    def _authenticate(self) -> tuple[int, Transport]:
        s = self.settings
        choice = s.transport
        if choice == "auto":
            choice = versions.default_transport(self.server.major, bool(s.api_key))
        if choice == "json2":
            if not s.api_key:
                raise OdooFatalError("JSON-2 needs an API key", hint="set odoo.api_key (Preferences > Account Security)")
            transport2 = Json2Transport(self._http, s.url, s.database, s.api_key)
            ctx = self._retrying(lambda: transport2.execute_kw("res.users", "context_get", [], {}))
            uid = int(ctx.get("uid") or 0) if isinstance(ctx, dict) else 0
            if not uid:
                uid = self._uid_by_login(transport2)
            return uid, transport2
        boot = self._bootstrap()
        try:
            uid = self._retrying(lambda: boot.rpc("common", "authenticate", [s.database, s.login, s.secret.reveal(), {}]))
        except OdooError as exc:
            hint = "check odoo.database and odoo.login"
            if "does not exist" in str(exc) or "KeyError" in str(exc.odoo_name):
                hint = f"the server has no database {s.database!r}: set odoo.database to one it has (see /web/database/selector)"
            raise OdooFatalError(f"cannot log in to database {s.database!r}: {exc}", hint=hint) from None
        if not uid:
            raise OdooFatalError(
                f"Odoo refused login {s.login!r} on database {s.database!r}",
                hint="check odoo.login and the password or API key; users with 2FA need an API key",
            )
        if choice == "xmlrpc":
            return int(uid), XmlRpcTransport(self._http, s.url, s.database, int(uid), s.secret)
        if versions.offers_json2(self.server.major):
            log.warning("Odoo %s: JSON-RPC is deprecated; configure odoo.api_key to use JSON-2", self.server.version)
        return int(uid), JsonRpcTransport(self._http, s.url, s.database, int(uid), s.secret)

    def _retrying(self, call: Callable[[], Any]) -> Any:
        """A read made before the client is ready (logging in): retried on transient failures like any read."""
        attempt = 0
        while True:
            try:
                return call()
            except OdooTransientError as exc:
                attempt += 1
                if attempt > self.settings.max_retries:
                    raise
                delay = min(30.0, 0.25 * 2 ** (attempt - 1)) * (0.5 + random.random())
                log.info("retrying login after %s (attempt %d, %.1fs)", exc, attempt, delay)
                time.sleep(delay)

    def _uid_by_login(self, transport: Transport) -> int:
        rows = transport.execute_kw("res.users", "search_read", [],
                                    {"domain": [["login", "=", self.settings.login]], "fields": ["id"], "limit": 1})
        return int(rows[0]["id"]) if rows else 0

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> OdooClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the one door -----------------------------------------------------------------------------------------
    def execute(
        self,
        model: str,
        method: str,
        ids: Sequence[int] | None = None,
        *,
        context: Mapping[str, Any] | None = None,
        retry_writes: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Call ``model.method``. ``ids`` for recordset methods; named arguments in ``kwargs``.

        Reads are retried on every transient failure. Writes are retried only when the server certainly rolled
        back, unless ``retry_writes`` says the call is idempotent anyway (e.g. a write of the same values).
        """
        args: list[Any] = [list(ids)] if ids is not None else []
        if context:
            kwargs["context"] = dict(context)
        attempt = 0
        while True:
            with self._calls_lock:
                self.calls += 1
            try:
                return self.transport.execute_kw(model, method, args, kwargs)
            except OdooTransientError as exc:
                unknown = bool(exc.attrs.get("outcome_unknown"))
                may_retry = method in READ_METHODS or retry_writes or not unknown
                attempt += 1
                if not may_retry or attempt > self.settings.max_retries:
                    raise
                delay = min(30.0, 0.25 * 2 ** (attempt - 1)) * (0.5 + random.random())
                log.info("retrying %s.%s after %s (attempt %d, %.1fs)", model, method, exc, attempt, delay)
                time.sleep(delay)

    # -- conveniences (each one execute call) ------------------------------------------------------------------
    def create(self, model: str, vals_list: list[dict[str, Any]], *, context: Mapping[str, Any] | None = None) -> list[int]:
        result = self.execute(model, "create", vals_list=vals_list, context=context)
        return [int(r) for r in result] if isinstance(result, list) else [int(result)]

    def write(self, model: str, ids: Sequence[int], vals: dict[str, Any], *,
              context: Mapping[str, Any] | None = None) -> bool:
        return bool(self.execute(model, "write", ids, vals=vals, context=context, retry_writes=True))

    def unlink(self, model: str, ids: Sequence[int], *, context: Mapping[str, Any] | None = None) -> bool:
        return bool(self.execute(model, "unlink", ids, context=context, retry_writes=True))

    def search_read(self, model: str, domain: list[Any], fields: list[str], *, limit: int | None = None,
                    order: str | None = None, offset: int = 0,
                    context: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        kw: dict[str, Any] = {"domain": domain, "fields": fields}
        if limit is not None:
            kw["limit"] = limit
        if order:
            kw["order"] = order
        if offset:
            kw["offset"] = offset
        return list(self.execute(model, "search_read", context=context, **kw))

    def search_read_all(self, model: str, domain: list[Any], fields: list[str], *, page: int = 2000,
                        context: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every matching record, paged by id (never by a growing offset)."""
        out: list[dict[str, Any]] = []
        last = 0
        fields_with_id = fields if "id" in fields else [*fields, "id"]
        while True:
            rows = self.search_read(model, [*domain, ["id", ">", last]], fields_with_id, limit=page, order="id",
                                    context=context)
            out.extend(rows)
            if len(rows) < page:
                return out
            last = rows[-1]["id"]

    def search_count(self, model: str, domain: list[Any], *, context: Mapping[str, Any] | None = None) -> int:
        return int(self.execute(model, "search_count", domain=domain, context=context))

    def read(self, model: str, ids: Sequence[int], fields: list[str], *,
             context: Mapping[str, Any] | None = None, link_names: bool = True) -> list[dict[str, Any]]:
        """``link_names=False``: many2one values as bare ids (Odoo's ``load=None``), without the display name Odoo
        computes for every linked record (a contact's company, its country, its owner)."""
        if link_names:
            return list(self.execute(model, "read", ids, fields=fields, context=context))
        return list(self.execute(model, "read", ids, fields=fields, load=None, context=context))

    def fields_get(self, model: str, attributes: list[str] | None = None) -> dict[str, dict[str, Any]]:
        attrs = attributes or ["type", "string", "required", "readonly", "relation", "selection", "store", "size"]
        return dict(self.execute(model, "fields_get", attributes=attrs))

    def load(self, model: str, fields: list[str], rows: list[list[str]], *,
             context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return dict(self.execute(model, "load", fields=fields, data=rows, context=context))
