"""The part every simulator shares: an HTTP server on 127.0.0.1 in a background thread."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
          headers: Mapping[str, str] | None = None) -> None:
    """Answer one request: status, content type and length, extra headers, then the body."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


class LoopbackServer:
    """Start/stop and context-manager plumbing for a simulator; subclasses build the request handler."""

    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def _serve(self, handler: type[BaseHTTPRequestHandler], name: str) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        # a short poll interval keeps stop() quick in tests
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=name, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("start() the simulator first")
        return int(self._server.server_address[1])

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
