"""Self-contained HTML reports: our Markdown subset and small inline SVG charts, rendered by Jinja2 templates
(``crm2odoo/report/templates``) with autoescape on.

Everything from the data reaches a template as text and is escaped there, so a note containing ``<script>`` shows
as text; the only markup made here is the bold, code and MISMATCH of a line, around text already escaped. No
external CSS, fonts or scripts: the file opens anywhere, offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape


@cache
def _templates() -> Environment:
    return Environment(loader=PackageLoader("crm2odoo.report", "templates"), autoescape=True,
                       undefined=StrictUndefined)


def _inline(text: str) -> Markup:
    escaped = str(escape(text))
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = escaped.replace("MISMATCH", '<b class="bad">MISMATCH</b>')
    return Markup(escaped)  # built from escaped text: only the markup above is added


def _cells(line: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [p.strip().replace("\\|", "|") for p in parts]


@dataclass
class _Block:
    """One block of the Markdown subset: a table, a list, a heading or a paragraph."""

    kind: str
    text: str = ""  # Markup: escaped by _inline
    level: int = 0
    header: list[Markup] = field(default_factory=list)
    rows: list[list[Markup]] = field(default_factory=list)
    items: list[Markup] = field(default_factory=list)


def _blocks(markdown: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            table = _Block("table", header=[_inline(h) for h in _cells(line)])
            i += 2  # the header and its |---| line
            while i < len(lines) and lines[i].startswith("|"):
                table.rows.append([_inline(c) for c in _cells(lines[i])])
                i += 1
            blocks.append(table)
            continue
        if line.startswith("- "):
            if not blocks or blocks[-1].kind != "list":
                blocks.append(_Block("list"))
            blocks[-1].items.append(_inline(line[2:]))
        elif heading := re.match(r"^(#{1,4}) (.*)$", line):
            blocks.append(_Block("heading", _inline(heading.group(2)), level=len(heading.group(1))))
        elif line.strip():
            blocks.append(_Block("paragraph", _inline(line)))
        else:
            blocks.append(_Block("break"))  # ends a list; renders as nothing
        i += 1
    return [b for b in blocks if b.kind != "break"]


def markdown_to_html(markdown: str, charts: str = "") -> Markup:
    """The Markdown as HTML; ``charts`` (markup) go right after the first top-level heading, else first."""
    blocks = _blocks(markdown)
    first_title = next((n for n, b in enumerate(blocks) if b.kind == "heading" and b.level == 1), -1)
    html = _templates().get_template("markdown.html.j2").render(blocks=blocks, charts=Markup(charts),
                                                                 charts_after=first_title)
    return Markup(html)  # rendered with autoescape; the charts are SVG rendered the same way


def bar_chart(title: str, values: list[tuple[str, int]], *, width: int = 520) -> str:
    """A horizontal bar chart as inline SVG."""
    values = [(label, max(0, int(v))) for label, v in values if v]
    if not values:
        return ""
    top = max(v for _, v in values) or 1
    row, label_width = 20, 150
    bars = [{"y": 24 + n * row, "label": label, "value": f"{value:,}",
             "width": max(1, int((width - label_width - 60) * value / top))} for n, (label, value) in enumerate(values)]
    return _templates().get_template("bar_chart.svg.j2").render(
        title=title, width=width, height=row * len(values) + 28, row=row, label_width=label_width, bars=bars)


def page(title: str, markdown: str, charts: list[str]) -> str:
    body = markdown_to_html(markdown, "".join(c for c in charts if c))
    return _templates().get_template("page.html.j2").render(title=title, body=body)
