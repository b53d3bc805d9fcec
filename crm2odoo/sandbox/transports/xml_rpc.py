"""XML-RPC (``/xmlrpc/2`` with integer fault codes, ``/xmlrpc`` with string ones), as Odoo 18's
``odoo/addons/base/controllers/rpc.py`` answers it."""

from __future__ import annotations

import base64
import xmlrpc.client
from datetime import datetime
from typing import Any

from ..exceptions import AccessDenied, OdooFault, UserError, fake_traceback
from ..faults import DropConnection
from .base import HandlerBase

_CONTROL = dict.fromkeys(set(range(32)) - {9, 10, 13})


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
    """Control characters XML 1.0 cannot carry are left out of answers."""
    if isinstance(value, str):
        return value.translate(_CONTROL)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def xml_fault(err: OdooFault, int_codes: bool) -> str:
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


class XmlRpcRoutes(HandlerBase):
    def _xmlrpc(self, service: str, *, int_codes: bool) -> None:
        body = self._body()
        drop_after = False
        try:
            params, method = xmlrpc.client.loads(body, use_datetime=True)
            result, drop_after = self.sandbox.dispatch(service, str(method), _from_xml(list(params)))
            payload = xmlrpc.client.dumps((_clean(result),), methodresponse=True, allow_none=False)
        except OdooFault as err:
            payload = xml_fault(err, int_codes)
        except TypeError as exc:  # marshalling: None results, non-string dict keys, like Odoo's dumps()
            payload = xml_fault(OdooFault(str(exc), name="builtins.TypeError"), int_codes)
        except (xmlrpc.client.ResponseError, ValueError) as exc:
            payload = xml_fault(OdooFault(str(exc), name="xml.parsers.expat.ExpatError"), int_codes)
        if drop_after:
            raise DropConnection()
        self._send(200, payload.encode(), "text/xml; charset=utf-8")
