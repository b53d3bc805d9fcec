"""The review page over HTTP: Starlette routes, a token on every request, and headers that keep the page to
itself (no external asset, no inline script, no framing by others).

The token is random per start and printed in the URL; a request without it gets 403. POSTs must carry it in a
header, which a page of another origin cannot set without the browser asking first, so a link or a form elsewhere
cannot act on the map.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from importlib import resources
from json import JSONDecodeError
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from crm2odoo.errors import MappingError, UserFacingError
from crm2odoo.redact import redact
from crm2odoo.web.edits import EditError
from crm2odoo.web.service import Conflict, Refused, ReviewService

TOKEN_HEADER = "X-Review-Token"
_REPORT_NAME = re.compile(r"^[A-Za-z0-9_.-]+\.html$")
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
#: a report is a self-contained HTML file with inline styles and SVG charts: it may show itself, run nothing
REPORT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none';"
                 " frame-ancestors 'self'; sandbox")

Endpoint = Callable[[Request], Awaitable[Response]]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Guard(BaseHTTPMiddleware):
    """Refuses requests without the token, or addressed to another host name (DNS rebinding), and sets the
    headers every answer carries."""

    def __init__(self, app: Any, token: str, hosts: frozenset[str]) -> None:
        super().__init__(app)
        self.token, self.hosts = token, hosts

    def _allowed(self, request: Request) -> bool:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if host not in self.hosts:
            return False
        given = request.headers.get(TOKEN_HEADER, "")
        if request.method == "GET" and not given:
            given = request.query_params.get("token", "")
        return secrets.compare_digest(given.encode(), self.token.encode())

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if not self._allowed(request):
            return PlainTextResponse("this page needs the link `crm2odoo review` printed (with its token)",
                                     status_code=403)
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": redact(message), **extra}, status_code=status)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise EditError("the request body must be a JSON object")
    return body


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Endpoints:
    """The routes' handlers: HTTP in and out around :class:`ReviewService` (which does the work in a thread)."""

    def __init__(self, service: ReviewService, token: str) -> None:
        self.service, self.token = service, token
        self.templates = Environment(loader=PackageLoader("crm2odoo.web", "templates"),
                                     autoescape=select_autoescape(), trim_blocks=True, lstrip_blocks=True)

    def page(self, name: str, title: str) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            return HTMLResponse(self.templates.get_template(name).render(
                title=title, token=self.token, project=self.service.project.root.name))
        return endpoint

    async def map_state(self, request: Request) -> Response:
        try:
            return JSONResponse(await run_in_threadpool(self.service.map_view))
        except MappingError as exc:  # the file as it is now cannot be read (a hand edit half done)
            return _error(422, exc.message + (f" ({exc.hint})" if exc.hint else ""))

    async def edit(self, request: Request) -> Response:
        try:
            body = await _json_body(request)
            return JSONResponse(await run_in_threadpool(self.service.edit, body, str(body.get("hash", ""))))
        except EditError as exc:
            return _error(400, str(exc))
        except Conflict as exc:
            return _error(409, str(exc))
        except MappingError as exc:
            return _error(422, exc.message + (f" ({exc.hint})" if exc.hint else ""))

    async def approve(self, request: Request) -> Response:
        try:
            body = await _json_body(request)
            return JSONResponse(await run_in_threadpool(self.service.approve, str(body.get("reviewer", "")),
                                                        str(body.get("hash", ""))))
        except EditError as exc:
            return _error(400, str(exc))
        except Conflict as exc:
            return _error(409, str(exc))
        except Refused as exc:
            return _error(422, str(exc), problems=exc.problems)
        except UserFacingError as exc:  # another command holds the project (a migrate is running)
            return _error(409, exc.message + (f" ({exc.hint})" if exc.hint else ""))

    async def run_state(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self.service.run_view))

    async def report(self, request: Request) -> Response:
        name = str(request.path_params["name"])
        path = self.service.project.reports_dir / name
        if not _REPORT_NAME.match(name) or not path.is_file():
            return PlainTextResponse("no such report", status_code=404)
        return FileResponse(path, media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": REPORT_POLICY})


def create_app(service: ReviewService, token: str, *, host: str = "127.0.0.1") -> Starlette:
    """The page's app; ``host`` is the address it listens on (requests naming another host are refused)."""
    endpoints = Endpoints(service, token)
    static = resources.files("crm2odoo.web") / "static"
    routes = [
        Route("/", endpoints.page("review.html", "Map review")),
        Route("/run", endpoints.page("run.html", "Run")),
        Route("/api/map", endpoints.map_state),
        Route("/api/edit", endpoints.edit, methods=["POST"]),
        Route("/api/approve", endpoints.approve, methods=["POST"]),
        Route("/api/run", endpoints.run_state),
        Route("/reports/{name}", endpoints.report),
        Mount("/static", StaticFiles(directory=str(static)), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, token=token, hosts=LOCAL_HOSTS | {host})])


__all__ = ["PAGE_POLICY", "REPORT_POLICY", "TOKEN_HEADER", "create_app", "new_token"]
