"""HTML from a CRM made safe for Odoo's html fields: an allow-list of tags and attributes, no scripts, styles or
event handlers, links only to web, mail and phone addresses."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_ALLOWED_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "ul", "ol", "li", "a", "blockquote", "pre", "code",
    "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "td", "th", "span", "div", "hr", "img",
}
_DROP_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
_ALLOWED_ATTRS = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"colspan", "rowspan"},
                  "th": {"colspan", "rowspan"}}
_SAFE_URL = re.compile(r"^(https?:|mailto:|tel:|/|#)", re.IGNORECASE)


class _Sanitiser(HTMLParser):
    """Keeps a small allow-list of tags and attributes; drops scripts, styles and event handlers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self._skip += 1
            return
        if self._skip or tag not in _ALLOWED_TAGS:
            return
        kept = []
        for name, value in attrs:
            if name in _ALLOWED_ATTRS.get(tag, set()) and value is not None:
                if name in {"href", "src"} and not _SAFE_URL.match(value.strip()):
                    continue
                kept.append(f' {name}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self._skip = max(0, self._skip - 1)
            return
        if not self._skip and tag in _ALLOWED_TAGS and tag not in {"br", "hr", "img"}:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(html.escape(data, quote=False))


def sanitise_html(text: str) -> str:
    parser = _Sanitiser()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)
