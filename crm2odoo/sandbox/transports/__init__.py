"""The sandbox's HTTP front, one module per transport: XML-RPC, JSON-RPC and JSON-2 (19+)."""

from __future__ import annotations

from ..faults import DropConnection, HttpReply
from .json2 import Json2Routes
from .json_rpc import JsonRpcRoutes
from .xml_rpc import XmlRpcRoutes

__all__ = ["Handler"]


class Handler(XmlRpcRoutes, JsonRpcRoutes, Json2Routes):
    """Routes each request to its transport; faults become an error page or a dropped connection."""

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if self.sandbox.major >= 19 and path in ("/web/version", "/json/version"):
            self._version()
            return
        self._not_found()

    def do_POST(self) -> None:
        path = self.path.split("?")[0]
        try:
            self._route_post(path)
        except HttpReply as exc:
            self._send(exc.status, exc.body, exc.content_type, exc.headers)
        except DropConnection as exc:
            self._drop(exc.delay)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # noqa: BLE001 - a sandbox bug must still answer, as Odoo's WSGI layer does
            self._send(500, b"<h1>Internal Server Error</h1>", "text/html; charset=utf-8")

    def _route_post(self, path: str) -> None:
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
            self._version()
        elif self.sandbox.major >= 19 and path.startswith("/json/2/"):
            self._json2(path[len("/json/2/"):])
        else:
            self._body()
            self._not_found()
