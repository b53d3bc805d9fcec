"""HTML as Odoo stores it in a sanitised ``Html`` field (``odoo/tools/mail.py`` html_normalize + html_sanitize, 18.0).

Odoo parses the value with lxml (libxml2), lets its cleaner kill some elements with their content and drop others'
tags, and writes the body's children back. What the loader meets of that, reproduced here with the standard
library's parser (a subset: attribute whitelists and style sanitising are not modelled):

* ``script``, ``style``, ``iframe``... are removed with their content (SANITIZE_TAGS kill_tags);
* ``html``, ``body`` tags go, their content stays (remove_tags); comments stay;
* text that opens the value is wrapped in a paragraph, as libxml2 does for character data directly in ``body``
  ('plain text' is stored as '<p>plain text</p>'), up to the next block element; leading blanks go;
* lxml's ``fromstring`` returns a lone element as it is, else wraps the pieces in a ``div`` (when a block
  element is among them; Odoo strips that ``div`` again) or a ``span`` (kept: '<b>x</b> y' is stored as
  '<span><b>x</b> y</span>');
* event-handler attributes (``onclick``...) and ``javascript:`` links are dropped;
* text is written back escaped (``&``, ``<``, ``>``), a void element without a closing tag.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

KILL = frozenset({"base", "embed", "frame", "head", "iframe", "link", "meta", "noscript", "object", "script",
                  "style", "title"})
DROP_TAG = frozenset({"html", "body"})
VOID = frozenset({"area", "br", "col", "hr", "img", "input", "source", "track", "wbr"})
#: close an implied paragraph (libxml2's htmlAutoClose for p)
BLOCK = frozenset({"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figure", "footer", "form",
                   "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
                   "section", "table", "ul"})
#: lxml.html.defs.block_tags: one of them anywhere makes fromstring wrap several pieces in a div, not a span
LXML_BLOCK = frozenset({"address", "blockquote", "center", "dir", "div", "dl", "fieldset", "form", "h1", "h2", "h3",
                        "h4", "h5", "h6", "hr", "isindex", "menu", "noframes", "noscript", "ol", "p", "pre", "table",
                        "ul"})


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []
        self.killing = 0
        self.implied_p = False
        self.started = False  # anything (an element, text) seen at the top level yet
        self.top_nodes = 0  # elements and comments directly in the body
        self.top_text = False  # text directly in the body, beside those
        self.has_block = False

    def _close_implied(self) -> None:
        if self.implied_p:
            self.out.append("</p>")
            self.implied_p = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.killing or tag in KILL:
            if tag not in VOID and tag not in ("base", "link", "meta"):
                self.killing += 1
            return
        if tag in DROP_TAG:
            return
        if not self.stack and tag in BLOCK:
            self._close_implied()
        if not self.stack and not self.implied_p:
            self.top_nodes += 1
        self.started = True
        self.has_block = self.has_block or tag in LXML_BLOCK
        kept = "".join(f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attrs
                       if not name.lower().startswith("on")
                       and not (value or "").strip().lower().startswith("javascript:"))
        self.out.append(f"<{tag}{kept}>")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            self.handle_starttag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.killing:
            if tag in KILL:
                self.killing -= 1
            return
        if tag in DROP_TAG or tag in VOID or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            self.out.append(f"</{open_tag}>")
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.killing:
            return
        if not self.stack and not self.implied_p and data.strip():
            if not self.started:
                self.out.append("<p>")
                self.implied_p = True
                self.top_nodes += 1
                self.has_block = True
                data = data.lstrip()
            else:
                self.top_text = True
        self.started = self.started or bool(data.strip())
        self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        if self.killing:
            return
        if not self.stack and not self.implied_p:
            self.top_nodes += 1
        self.out.append(f"<!--{data}-->")

    def result(self) -> str:
        self.close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        self._close_implied()
        body = "".join(self.out).strip()
        if (self.top_nodes == 1 and not self.top_text) or self.has_block:
            return body
        return f"<span>{body}</span>"


def sanitize_html(value: str) -> str:
    if not value or not value.strip():
        return value
    parser = _Sanitiser()
    parser.feed(value.lstrip())
    return parser.result()
