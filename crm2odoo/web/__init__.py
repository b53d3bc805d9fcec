"""``crm2odoo review``: a page served on 127.0.0.1 to review the proposed map, approve it, and watch a run.

Starlette serves it (through uvicorn), Jinja2 renders its two pages and a little plain JavaScript (shipped in
``static/``) draws them from a JSON API: no Node build, no asset from the internet.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from crm2odoo.project import Project
from crm2odoo.web.app import create_app, new_token
from crm2odoo.web.service import ReviewService


class ReviewServer:
    """The review page of one project, listening on ``host:port`` (port 0: a free one) until :meth:`stop`."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.service = ReviewService.open(Project(root))
        self.token = new_token()
        self.host = host
        self._socket = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.port = int(self._socket.getsockname()[1])
        config = uvicorn.Config(create_app(self.service, self.token, host=host), log_level="warning",
                                access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address to open, token included."""
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{shown}:{self.port}/?token={self.token}"

    def start(self) -> ReviewServer:
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="crm2odoo-review", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until Ctrl-C."""
        self._server.run(sockets=[self._socket])

    def __enter__(self) -> ReviewServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()


__all__ = ["ReviewServer"]
