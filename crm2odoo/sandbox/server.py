"""The sandbox Odoo server: its database, users and credentials, and one RPC call run in one transaction.

Wire formats live in ``transports`` (one module per transport) and injected faults in ``faults``. Every call
runs in one SQLite transaction under a lock: committed on success, rolled back on any error.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any

from . import methods
from .exceptions import AccessDenied, OdooFault, PyKeyError, missing_db
from .faults import (
    CANNED_ANSWERS,
    FAULT_KINDS,
    LOAD_INTERNAL_ANSWER,
    LOAD_REFUSED_ANSWER,
    DropConnection,
    FaultInjector,
    FaultPlan,
    HttpReply,
)
from .irmodel import refresh_registry
from .orm import Env
from .schema import Registry
from .seed import ADMIN_API_KEY, Seeder
from .store import Store
from .transports import Handler

__all__ = ["FAULT_KINDS", "LOAD_INTERNAL_ANSWER", "LOAD_REFUSED_ANSWER", "FaultPlan", "SandboxServer"]


class SandboxServer:
    """An Odoo-compatible server on 127.0.0.1 for tests and the demo. A test double, not Odoo."""

    admin_login = "admin"
    admin_password = "admin"
    admin_api_key = ADMIN_API_KEY
    user_login = "salesman"
    user_password = "salesman"
    user_email = "salesman@example.com"

    def __init__(self, version: str = "18.0", db_path: str | None = None, database: str = "sandbox",
                 port: int = 0, host: str = "127.0.0.1", modules: tuple[str, ...] = ()) -> None:
        """``modules``: optional modules installed in this database (``base_automation``); a reopened database
        keeps the ones it was created with."""
        self.version = version
        self.database = database
        self.store = Store(db_path)
        stored_modules = self.store.get_meta("modules")
        self.registry = Registry(version, tuple(stored_modules.split(",")) if stored_modules else modules)
        self._lock = threading.Lock()
        self._faults = FaultInjector()
        self.call_log: list[tuple[str, str]] = []
        existing = self.store.get_meta("version")
        if existing is None:
            self.store.begin()
            Seeder(self.store, self.registry).run(str(uuid.uuid4()))
            self.store.set_meta("modules", ",".join(self.registry.modules))
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
        handler = type("Handler", (Handler,), {"sandbox": self})
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

    @property
    def faults_injected(self) -> int:
        return self._faults.injected

    def set_faults(self, plan: FaultPlan | None) -> None:
        self._faults.reset(plan)

    def _before_call(self, model: str, method: str) -> str | None:
        """Log the call and apply a fault that happens before execution; returns 'drop-after' if pending."""
        self.call_log.append((model, method))
        return self._faults.apply(method, model)

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
            except (HttpReply, DropConnection):
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
            if pending in CANNED_ANSWERS:
                return json.loads(json.dumps(CANNED_ANSWERS[pending])), False
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
