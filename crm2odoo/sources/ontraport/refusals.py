"""What a person reads when Ontraport refuses a call with a 4xx: the object, the call and what to do.

The call is named by method, path and objectID only (never the query's other values, never a header), and
Ontraport's own words are quoted from the envelope's ``data`` when it has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm2odoo.errors import Fatal, SourceError, UserFacingError
from crm2odoo.sources.answers import error_words


class OntraportHttpError(SourceError, UserFacingError, Fatal):
    """A non-retryable answer (400/403/404/...) to one call; ``status`` says which, ``detail`` Ontraport's words."""

    def __init__(self, message: str, *, status: int, detail: str = "", hint: str = "", **attrs: Any) -> None:
        super().__init__(message, hint=hint, **attrs)
        self.status = status
        self.detail = detail


class OntraportShapeError(SourceError, UserFacingError, Fatal):
    """Ontraport answered, but not in a shape the connector can read (a record without any key field)."""


def answer_text(body: str) -> str:
    """Ontraport's words from an error body: the envelope's ``data`` (or ``message``), else the text itself."""
    return error_words(body, ("data", "message"))


def refusal(status: int, method: str, path: str, params: Mapping[str, str], detail: str,
            object_label: str | None) -> OntraportHttpError:
    """The user-facing error for a 4xx answer to ``method path``."""
    oid = params.get("objectID")
    call = f"{method} {path}" + (f" (objectID={oid})" if oid is not None else "")
    subject = object_label or (f"objectID {oid}" if oid is not None else path)
    said = f": {detail}" if detail else ""
    message = f"Ontraport refused to give {subject} (answer {status}{said}) to the call {call}"
    if status == 400:
        hint = (f"The account does not accept this request for {subject}. Run `crm2odoo discover` again so the "
                "fields and key of each object are learnt afresh; if it still fails, leave the object out of "
                "mapping.yaml and report the message above (it holds no secret).")
    elif status == 403:
        hint = (f"The API key's user may not see {subject}. In Ontraport give that user permission for it (or use "
                "a key of an administrator), then run the command again.")
    elif status == 404:
        hint = (f"{subject} does not exist on this account or base_url is wrong: check [source] base_url "
                "(https://api.ontraport.com/1) and that the object is enabled in Ontraport, then run the command "
                "again.")
    else:
        hint = f"Check that the API key may read {subject}, then run the command again."
    return OntraportHttpError(message, status=status, detail=detail, hint=hint)


__all__ = ["OntraportHttpError", "OntraportShapeError", "answer_text", "refusal"]
