"""What a person reads when the Planports API refuses a call with a 4xx: the object, the call and what to do.

The call is named by method and path only (never the query, never the token), and Planports' own words are
quoted from the JSON body's message when it has one.
"""

from __future__ import annotations

from crm2odoo.errors import Fatal, SourceError, UserFacingError
from crm2odoo.sources.answers import error_words

_MESSAGE_KEYS = ("ResultMessage", "Message", "message", "error_description", "error", "title", "detail")


class PlanportsHttpError(SourceError, UserFacingError, Fatal):
    """A non-retryable answer (400/403/404/...) to one call, or an answer the connector cannot read."""

    def __init__(self, message: str, *, status: int, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.status = status


def answer_words(body: str) -> str:
    """Planports' words from an error body: a message field of its JSON, else the text (never an HTML page)."""
    return error_words(body, _MESSAGE_KEYS)


def refusal(status: int, method: str, path: str, obj: str, words: str) -> PlanportsHttpError:
    said = f": {words}" if words else ""
    message = f"Planports refused to give the {obj} records (answer {status}{said}) to the call {method} {path}"
    if status == 403:
        hint = (f"The API user may not read {obj} records. Give it that permission in Planports (or use an "
                "administrator's API user), then run the command again.")
    elif status == 404:
        hint = (f"If your Planports account lists {obj} records under another path, set it in crm2odoo.toml: "
                f'[source.endpoints] {obj} = "/api/v1/..."; else check [source] base_url.')
    else:
        hint = (f"Planports did not accept the request for {obj} records. Check [source] base_url and "
                f"[source.endpoints] {obj}; if they are right, report the message above (it holds no secret).")
    return PlanportsHttpError(message, status=status, hint=hint)


def unreadable(method: str, path: str, obj: str, what: str) -> PlanportsHttpError:
    return PlanportsHttpError(
        f"Planports answered the call {method} {path} for the {obj} records with {what}", status=0,
        hint="Check that [source] base_url points at the Planports API (not its web pages) and that "
             f"[source.endpoints] {obj} is a list endpoint, then run the command again.")


__all__ = ["PlanportsHttpError", "answer_words", "refusal", "unreadable"]
