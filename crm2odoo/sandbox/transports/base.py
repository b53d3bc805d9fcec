"""What every transport's request handler shares: reading the body, answering, dropping the connection."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from crm2odoo.testing.loopback import reply

if TYPE_CHECKING:
    from ..server import SandboxServer


class HandlerBase(BaseHTTPRequestHandler):
    sandbox: SandboxServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms delayed-ACK stalls
    server_version = "Werkzeug/3.0.1"
    sys_version = "Python/3.11"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        reply(self, status, body, content_type, headers)

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

    def _version(self) -> None:
        """/web/version and /json/version (19+): the server's version without authentication."""
        info = self.sandbox.version_info()
        self._json(200, {"version_info": info["server_version_info"], "version": info["server_version"]})
