"""E-mail addresses: the one place that decides what an address is, how it is cleaned and how it is shown.

Whether a text is an address is the ``email-validator`` library's verdict (syntax only: no DNS lookups, so a
migration never waits on the network). The library costs ~100-300 µs a call, mostly on the domain, and the transform
asks once per record. So the domain's verdict is kept per domain (an export has many addresses at few domains), and
the library sees the whole address only when its local part is not a plain dot-atom of letters, digits and the
usual specials. The verdict is the library's either way (tests/unit/core/test_emails.py holds the two paths equal).
"""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

__all__ = ["clean_email", "is_email", "is_plain_email", "library_accepts", "mask_email"]

#: RFC 5321's limit on a whole address, in bytes
_MAX_ADDRESS = 254
_MAX_LOCAL = 64

#: a dot-atom of letters and digits of any script and the RFC 5322 specials ('ayşe.yılmaz', "o'brien+news")
_PLAIN_LOCAL = re.compile(r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*")
#: never in an address the library accepts (it allows no quoted local parts and no display names)
_NEVER = re.compile(r"\s|\.\.|@.*@")

#: one address of printable ASCII, the shape Odoo's email_normalized holds lower-cased
_PLAIN_ASCII = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")

#: the first character of the local part, the rest of it, and everything from the '@' on
_MASKABLE = re.compile(r"^([^@\s])[^@\s]*(@.+)$")


def clean_email(value: object) -> str:
    """The address written in a cell: without the blanks, angle brackets and 'mailto:' around it."""
    text = str(value).strip().strip("<>").strip()
    return text[7:] if text.lower().startswith("mailto:") else text


def is_email(text: str) -> bool:
    """True when ``text`` (already cleaned) is one syntactically valid, deliverable-looking address."""
    local, at, domain = text.rpartition("@")
    if not at or _NEVER.search(text):  # most values the profiler shows here are not addresses at all
        return False
    if _PLAIN_LOCAL.fullmatch(local) is None or len(local) > _MAX_LOCAL:
        return library_accepts(text)
    ascii_domain_length = _domain_verdict(domain)
    if ascii_domain_length is None:
        return False  # the library judges the domain on its own: no local part makes it valid
    if len(local.encode()) + 1 + ascii_domain_length > _MAX_ADDRESS:
        return library_accepts(text)
    return True


def library_accepts(text: str) -> bool:
    """The library's verdict on the whole address, without the shortcuts (~100-300 µs a call)."""
    local, at, domain = text.rpartition("@")
    try:
        validate_email(f"{local}{at}{_special_use_as_plain(domain)}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _special_use_as_plain(domain: str) -> str:
    """The domain with a special-use ending (``.local``, ``.test``, ``.invalid``...) swapped for a plain one of the
    same length. The library refuses those names because no mail reaches them over the internet, but a CRM holds
    the addresses the company used (an intranet's ``@corp.local``) and Odoo stores them: the tool keeps them too."""
    folded = domain.lower()
    for name in SPECIAL_USE_DOMAIN_NAMES:
        if folded == name or folded.endswith("." + name):
            return domain[: len(domain) - len(name)] + "x" * len(name)
    return domain


@lru_cache(maxsize=4096)  # an export holds many addresses at few domains
def _domain_verdict(domain: str) -> int | None:
    """The length of the domain in ASCII (IDNA) when the library accepts it, else None."""
    try:
        return len(validate_email(f"a@{_special_use_as_plain(domain)}", check_deliverability=False).ascii_domain)
    except EmailNotValidError:
        return None


def is_plain_email(text: str) -> bool:
    """One address of printable ASCII: Odoo stores it lower-cased in email_normalized, so it can be searched."""
    return _PLAIN_ASCII.fullmatch(text) is not None


def mask_email(text: str) -> str:
    """Enough of an address to recognise it ('a***@example.com'), not the whole of anyone's contact details."""
    return _MASKABLE.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text.strip())
