"""A fault at the network edge that works in front of any Odoo (the sandbox or a real server): a loopback HTTP proxy
that forwards a set number of object calls, lets Odoo carry out the next one but drops its reply, and drops every
call after that, as a network cut or a killed process would leave things."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx

from crm2odoo.testing.loopback import LoopbackServer


class CuttingProxy(LoopbackServer):
    def __init__(self, upstream: str, *, allow: int | None = None) -> None:
        self.upstream = upstream.rstrip("/")
        self.allow = allow  # object calls forwarded whole; None: never cut
        self.when: Callable[[], bool] | None = None  # or: cut at the first object call made once this holds
        self.calls = 0  # object calls seen
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=120)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def heal(self) -> None:
        with self._lock:
            self.allow, self.when = None, None

    def cut_when(self, condition: Callable[[], bool]) -> None:
        with self._lock:
            self.calls, self.allow, self.when = 0, None, condition

    def cut_after(self, allow: int) -> None:
        with self._lock:
            self.calls, self.allow = 0, allow

    def start(self) -> CuttingProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                verdict = proxy._verdict(body)
                if verdict == "refuse":
                    self.close_connection = True
                    return
                reply = proxy._http.post(proxy.upstream + self.path, content=body,
                                         headers={k: v for k, v in self.headers.items()
                                                  if k.lower() in ("content-type", "authorization")})
                if verdict == "lose_reply":
                    self.close_connection = True
                    return
                self.send_response(reply.status_code)
                self.send_header("Content-Type", reply.headers.get("content-type", "application/json"))
                self.send_header("Content-Length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._serve(Handler, "cutting-proxy")
        return self

    def _verdict(self, body: bytes) -> str:
        try:
            params = json.loads(body or b"{}").get("params") or {}
        except ValueError:
            params = {}
        is_object_call = params.get("service") == "object" or not params.get("service")
        with self._lock:
            if not is_object_call:
                return "forward"
            self.calls += 1
            if self.when is not None and self.allow is None and self.when():
                self.allow = self.calls - 1
            if self.allow is None:
                return "forward"
            if self.calls <= self.allow:
                return "forward"
            return "lose_reply" if self.calls == self.allow + 1 else "refuse"

    def stop(self) -> None:
        super().stop()
        self._http.close()
