"""HTTP front of the sandbox: XML-RPC, JSON-RPC, JSON-2 (19+) and version routes, plus fault injection.

Wire formats follow Odoo 18's ``odoo/addons/base/controllers/rpc.py`` (``/xmlrpc/2`` integer fault codes,
``/xmlrpc`` string fault codes, ``/jsonrpc``), ``odoo/http.py`` (JSON-RPC error envelope with code 200 and
``serialize_exception`` data) and the JSON-2 description in Odoo 19's documentation. Every call runs in
one SQLite transaction under a lock: committed on success, rolled back on any error.
"""

from __future__ import annotations

import base64
import contextlib
import json
import random
import socket
import threading
import time
import uuid
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import methods
from .exceptions import (
    AccessDenied,
    HttpError,
    OdooFault,
    PyKeyError,
    UserError,
    as_dict,
    fake_traceback,
    missing_db,
    serialization_failure,
)
from .irmodel import refresh_registry
from .orm import Env
from .schema import Registry
from .seed import ADMIN_API_KEY, Seeder
from .store import Store

FAULT_KINDS = ("502", "503", "504", "timeout", "drop", "serialization", "slow", "load_internal")
#: what Odoo 18's load() answered when its registry was being reloaded by another request's schema change
LOAD_INTERNAL_ANSWER: dict[str, Any] = {
    "ids": False, "nextrow": 0,
    "messages": [{"type": "error", "record": 0, "rows": {"from": 0, "to": 0}, "moreinfo": "Resolve other errors first",
                  "message": "Unknown error during import: <class 'KeyError'>: 'res.partner.phone_sanitized'"}]}
_CONTROL = dict.fromkeys(set(range(32)) - {9, 10, 13})
_REASONS = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class FaultPlan:
    """Which object calls fail and how. Deterministic for a given seed and call order."""

    share: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    seed: int = 0
    slow_seconds: float = 0.2
    methods: set[str] | None = None
    drop_after_commit: bool = False
    timeout_seconds: float = 3.0  # how long a "timeout" call hangs before the socket is closed
    limit: int | None = None  # inject at most this many faults (``share=1, limit=1``: exactly the next matching call)
    after: int = 0  # let this many matching calls through untouched before faults start

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; use {FAULT_KINDS}")


@dataclass
class _Drop(Exception):
    """Close the connection without answering (after the call's effects, if any, are committed)."""

    delay: float = 0.0


@dataclass
class _Http(Exception):
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _from_xml(value: Any) -> Any:
    """XML-RPC dateTime and base64 values as Odoo's fields receive them (strings)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, xmlrpc.client.Binary):
        return base64.b64encode(value.data).decode()
    if isinstance(value, list | tuple):
        return [_from_xml(v) for v in value]
    if isinstance(value, dict):
        return {k: _from_xml(v) for k, v in value.items()}
    return value


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_CONTROL)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


class SandboxServer:
    """An Odoo-compatible server on 127.0.0.1 for tests and the demo. A test double, not Odoo."""

    admin_login = "admin"
    admin_password = "admin"
    admin_api_key = ADMIN_API_KEY
    user_login = "salesman"
    user_password = "salesman"
    user_email = "salesman@example.com"

    def __init__(self, version: str = "18.0", db_path: str | None = None, database: str = "sandbox",
                 port: int = 0, host: str = "127.0.0.1") -> None:
        self.version = version
        self.database = database
        self.registry = Registry(version)
        self.store = Store(db_path)
        self._lock = threading.Lock()
        self._fault_lock = threading.Lock()
        self._plan = FaultPlan()
        self._rng = random.Random(0)
        self.faults_injected = 0
        self._matching_calls = 0
        self.call_log: list[tuple[str, str]] = []
        existing = self.store.get_meta("version")
        if existing is None:
            self.store.begin()
            Seeder(self.store, self.registry).run(str(uuid.uuid4()))
            self.store.commit()
        elif existing != version:
            self.store.close()
            raise ValueError(f"{db_path} holds an Odoo {existing} sandbox, not {version}")
        refresh_registry(self.store, self.registry)
        self._host, self._port = host, port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        handler = type("Handler", (_Handler,), {"sandbox": self})
        httpd = ThreadingHTTPServer((self._host, self._port), handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="odoo-sandbox", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        if self._httpd is None:
            self.start()
        assert self._thread is not None
        self._thread.join()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        with self._lock:
            self.store.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def major(self) -> int:
        return self.registry.major

    def set_faults(self, plan: FaultPlan | None) -> None:
        with self._fault_lock:
            self._plan = plan or FaultPlan()
            self._rng = random.Random(self._plan.seed)
            self.faults_injected = 0
            self._matching_calls = 0

    # -- faults -----------------------------------------------------------------------------------------
    def _pick_fault(self, method: str) -> str | None:
        with self._fault_lock:
            plan = self._plan
            if plan.share <= 0 or not plan.kinds or (plan.methods is not None and method not in plan.methods):
                return None
            self._matching_calls += 1
            if self._matching_calls <= plan.after:
                return None
            if plan.limit is not None and self.faults_injected >= plan.limit:
                return None
            if self._rng.random() >= plan.share:
                return None
            self.faults_injected += 1
            return self._rng.choice(plan.kinds)

    def _before_call(self, model: str, method: str) -> str | None:
        """Log the call and apply a fault that happens before execution; returns 'drop-after' if pending."""
        self.call_log.append((model, method))
        kind = self._pick_fault(method)
        if kind is None:
            return None
        plan = self._plan
        if kind in ("502", "503", "504"):
            status = int(kind)
            raise _Http(status, f"<html><head><title>{status} {_REASONS[status]}</title></head><body><center>"
                                f"<h1>{status} {_REASONS[status]}</h1></center></body></html>".encode())
        if kind == "timeout":
            raise _Drop(delay=plan.timeout_seconds)
        if kind == "slow":
            time.sleep(plan.slow_seconds)
            return None
        if kind == "serialization":
            raise serialization_failure()
        if kind == "drop":
            if plan.drop_after_commit:
                return "drop-after"
            raise _Drop()
        if kind == "load_internal":
            # load() fails inside and says so in its answer; nothing is written (other methods pass untouched)
            return "load-internal" if method == "load" else None
        return None

    # -- execution --------------------------------------------------------------------------------------
    def transaction(self, uid: int, fn: Callable[[Env], Any]) -> Any:
        with self._lock:
            self.store.begin()
            env = Env(self.store, self.registry, uid)
            try:
                result = fn(env)
                self.store.commit()
            except OdooFault:
                self._rollback(env)
                raise
            except (_Http, _Drop):
                self._rollback(env)
                raise
            except Exception as exc:
                self._rollback(env)
                raise OdooFault(str(exc), name=f"builtins.{type(exc).__name__}") from exc
            return result

    def _rollback(self, env: Env) -> None:
        self.store.rollback()
        if env.schema_changed:
            refresh_registry(self.store, self.registry)

    def _check_db(self, db: Any) -> None:
        if db != self.database:
            raise missing_db(str(db))

    def _password_ok(self, uid: int, secret: Any) -> bool:
        if not isinstance(secret, str) or not secret:
            return False
        with self._lock:
            if self.store.get_meta(f"password:{uid}") == secret:
                return True
            return self.store.get_meta(f"apikey:{secret}") == str(uid)

    def _uid_for_login(self, login: Any) -> int | None:
        with self._lock:
            for rid, row in self.store.scan("res.users", [("json_extract(data, '$.login') = ?", [login])]):
                if row.get("active", True):
                    return rid
        return None

    def set_credentials(self, login: str, *, password: str | None = None, api_key: str | None = None) -> None:
        """Give ``login`` a new password and/or one more API key, as a person does in Odoo's preferences."""
        uid = self._uid_for_login(login)
        if uid is None:
            raise ValueError(f"no active user {login!r}")
        with self._lock:
            self.store.begin()
            if password is not None:
                self.store.set_meta(f"password:{uid}", password)
            if api_key is not None:
                self.store.set_meta(f"apikey:{api_key}", str(uid))
            self.store.commit()

    def uid_for_key(self, key: str) -> int | None:
        with self._lock:
            found = self.store.get_meta(f"apikey:{key}")
        return int(found) if found else None

    def version_info(self) -> dict[str, Any]:
        info = [self.major, 0, 0, "final", 0, ""]
        return {"server_version": self.version, "server_version_info": info, "server_serie": self.version,
                "protocol_version": 1}

    def dispatch(self, service: str, method: str, params: list[Any]) -> tuple[Any, bool]:
        """Run one RPC; returns (result, drop_after_commit)."""
        if service == "common":
            if method == "version":
                return self.version_info(), False
            if method in ("authenticate", "login"):
                db, login, password = ([*list(params), None, None, None])[:3]
                self._check_db(db)
                uid = self._uid_for_login(login)
                return (uid if uid and self._password_ok(uid, password) else False), False
            if method == "about":
                return "See http://openerp.com", False
            raise OdooFault(f"Method not found: {method}")
        if service == "object":
            if method not in ("execute", "execute_kw"):
                raise OdooFault(f"Method not available {method}", name="builtins.NameError")
            if len(params) < (6 if method == "execute_kw" else 5):
                missing = "'args'" if len(params) == 5 else "'obj', 'method' and 'args'"
                raise OdooFault(f"{method}() missing required positional argument(s): {missing}",
                                name="builtins.TypeError")
            db, uid_raw, secret, model, name = params[:5]
            self._check_db(db)
            try:
                uid = int(uid_raw)
            except (TypeError, ValueError):
                raise AccessDenied() from None
            if not self._password_ok(uid, secret):
                raise AccessDenied()
            if method == "execute_kw":
                args = params[5] if len(params) > 5 else []
                kwargs = params[6] if len(params) > 6 else {}
            else:
                args, kwargs = list(params[5:]), {}
            pending = self._before_call(str(model), str(name))
            if pending == "load-internal":
                return json.loads(json.dumps(LOAD_INTERNAL_ANSWER)), False
            result = self.transaction(uid, lambda env: methods.call(env, str(model), str(name), list(args or []),
                                                                    dict(kwargs or {})))
            return result, pending == "drop-after"
        if service == "db":
            if method == "list":
                return [self.database], False
            if method == "server_version":
                return self.version, False
            raise AccessDenied()
        raise PyKeyError(repr(service))


class _Handler(BaseHTTPRequestHandler):
    sandbox: SandboxServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms delayed-ACK stalls
    server_version = "Werkzeug/3.0.1"
    sys_version = "Python/3.11"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    # -- plumbing ---------------------------------------------------------------------------------------
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def _drop(self, delay: float = 0.0) -> None:
        if delay:
            time.sleep(delay)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _not_found(self) -> None:
        self._send(404, b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found"
                        b"</h1></body></html>", "text/html; charset=utf-8")

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if self.sandbox.major >= 19 and path in ("/web/version", "/json/version"):
            info = self.sandbox.version_info()
            self._json(200, {"version_info": info["server_version_info"], "version": info["server_version"]})
            return
        self._not_found()

    def do_POST(self) -> None:
        path = self.path.split("?")[0]
        try:
            if path.startswith("/xmlrpc/2/"):
                self._xmlrpc(path[len("/xmlrpc/2/"):], int_codes=True)
            elif path.startswith("/xmlrpc/"):
                self._xmlrpc(path[len("/xmlrpc/"):], int_codes=False)
            elif path == "/jsonrpc":
                self._jsonrpc()
            elif path == "/web/webclient/version_info":
                self._json_route(lambda: self.sandbox.version_info())
            elif self.sandbox.major >= 19 and path in ("/web/version", "/json/version"):
                self._body()
                info = self.sandbox.version_info()
                self._json(200, {"version_info": info["server_version_info"], "version": info["server_version"]})
            elif self.sandbox.major >= 19 and path.startswith("/json/2/"):
                self._json2(path[len("/json/2/"):])
            else:
                self._body()
                self._not_found()
        except _Http as exc:
            self._send(exc.status, exc.body, exc.content_type, exc.headers)
        except _Drop as exc:
            self._drop(exc.delay)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - a sandbox bug must still answer, as Odoo's WSGI layer does
            self._send(500, b"<h1>Internal Server Error</h1>", "text/html; charset=utf-8")

    # -- XML-RPC ----------------------------------------------------------------------------------------
    def _xmlrpc(self, service: str, *, int_codes: bool) -> None:
        body = self._body()
        drop_after = False
        try:
            params, method = xmlrpc.client.loads(body, use_datetime=True)
            result, drop_after = self.sandbox.dispatch(service, str(method), _from_xml(list(params)))
            payload = xmlrpc.client.dumps((_clean(result),), methodresponse=True, allow_none=False)
        except OdooFault as err:
            payload = self._xml_fault(err, int_codes)
        except TypeError as exc:  # marshalling: None results, non-string dict keys, like Odoo's dumps()
            payload = self._xml_fault(OdooFault(str(exc), name="builtins.TypeError"), int_codes)
        except (xmlrpc.client.ResponseError, ValueError) as exc:
            payload = self._xml_fault(OdooFault(str(exc), name="xml.parsers.expat.ExpatError"), int_codes)
        if drop_after:
            raise _Drop()
        self._send(200, payload.encode(), "text/xml; charset=utf-8")

    @staticmethod
    def _xml_fault(err: OdooFault, int_codes: bool) -> str:
        if int_codes:
            text = err.message if err.xmlrpc_code != 1 else fake_traceback(err)
            fault = xmlrpc.client.Fault(err.xmlrpc_code, text)
        elif isinstance(err, AccessDenied):
            fault = xmlrpc.client.Fault("AccessDenied", err.message)  # type: ignore[arg-type]
        elif isinstance(err, UserError):
            kind = "UserError" if err.short_name == "ValidationError" else err.short_name
            fault = xmlrpc.client.Fault(f"warning -- {kind}\n\n{err.message}", "")  # type: ignore[arg-type]
        else:
            fault = xmlrpc.client.Fault(err.message, fake_traceback(err))  # type: ignore[arg-type]
        return xmlrpc.client.dumps(fault, methodresponse=True, allow_none=False)

    # -- JSON-RPC ---------------------------------------------------------------------------------------
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
            raise _Drop()
        self._json(200, {"jsonrpc": "2.0", "id": call_id, "result": result})

    def _json_route(self, fn: Callable[[], Any]) -> None:
        parsed = self._read_jsonrpc()
        if parsed is None:
            return
        self._json(200, {"jsonrpc": "2.0", "id": parsed[0], "result": fn()})

    # -- JSON-2 (19+) -----------------------------------------------------------------------------------
    def _json2_error(self, err: OdooFault) -> None:
        self._json(err.http_status, as_dict(err))

    def _json2(self, rest: str) -> None:
        body = self._body()
        parts = rest.split("/")
        if len(parts) != 2 or not all(parts):
            self._not_found()
            return
        model, method = parts
        auth = self.headers.get("Authorization") or ""
        scheme, _, key = auth.partition(" ")
        uid = self.sandbox.uid_for_key(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
        if uid is None:
            self._send(401, json.dumps(as_dict(HttpError(401, "Unauthorized", "Invalid apikey"))).encode(),
                       "application/json", {"WWW-Authenticate": "Bearer"})
            return
        db = self.headers.get("X-Odoo-Database")
        if db and db != self.sandbox.database:
            self._json2_error(HttpError(404, "NotFound", f"database {db!r} not found"))
            return
        try:
            payload = json.loads(body or b"{}")
        except ValueError as exc:
            self._json2_error(HttpError(400, "BadRequest", f"could not parse the body as json: {exc}"))
            return
        if not isinstance(payload, dict):
            self._json2_error(HttpError(400, "BadRequest", "could not parse the body, expecting a json object"))
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
            raise _Drop()
        self._json(200, result)
