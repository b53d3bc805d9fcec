"""Self-contained HTML reports: our Markdown subset turned into escaped HTML, plus small inline SVG charts.

Everything from the data is escaped before any markup is added, so a note containing ``<script>`` shows as
text. No external CSS, fonts or scripts: the file opens anywhere, offline.
"""

from __future__ import annotations

import html
import re

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#1d2327;padding:0 1em}
h1{font-size:1.5em;border-bottom:2px solid #714b67;padding-bottom:.3em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:13px}td,th{border:1px solid #d0d4d9;padding:3px 7px;text-align:left;
vertical-align:top}th{background:#f3f0f2}tr:nth-child(even) td{background:#fafafa}code{background:#f1f1f1;padding:0 3px}
.chart{margin:.8em 0}.ok{color:#1a7f37}.bad{color:#b42318}
"""


def _inline(text: str) -> str:
    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = escaped.replace("MISMATCH", '<b class="bad">MISMATCH</b>')
    return escaped


def _cells(line: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [p.strip().replace("\\|", "|") for p in parts]


def markdown_to_html(markdown: str) -> str:
    out: list[str] = []
    lines = markdown.splitlines()
    i = 0
    in_list = False
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            header = _cells(line)
            i += 2  # the header and its |---| line
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_cells(lines[i]))
                i += 1
            out.append("<table><tr>" + "".join(f"<th>{_inline(h)}</th>" for h in header) + "</tr>"
                       + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in rows)
                       + "</table>")
            continue
        if line.startswith("- "):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_inline(line[2:])}</li>")
            i += 1
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        heading = re.match(r"^(#{1,4}) (.*)$", line)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif line.strip():
            out.append(f"<p>{_inline(line)}</p>")
        i += 1
    if in_list:
        out.append("</ul>")
    return "\n".join(out)


def bar_chart(title: str, values: list[tuple[str, int]], *, width: int = 520) -> str:
    """A horizontal bar chart as inline SVG."""
    values = [(label, max(0, int(v))) for label, v in values if v]
    if not values:
        return ""
    top = max(v for _, v in values) or 1
    row, label_w = 20, 150
    height = row * len(values) + 28
    bars = []
    for n, (label, value) in enumerate(values):
        y = 24 + n * row
        w = max(1, int((width - label_w - 60) * value / top))
        bars.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">{html.escape(label)}</text>'
                    f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row - 6}" fill="#714b67"/>'
                    f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{value:,}</text>')
    return (f'<div class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img" aria-label="{html.escape(title)}"><text x="0" y="14" font-size="13" font-weight="bold">'
            f'{html.escape(title)}</text>{"".join(bars)}</svg></div>')


def page(title: str, markdown: str, charts: list[str]) -> str:
    body = markdown_to_html(markdown)
    chart_html = "".join(c for c in charts if c)
    # charts go right after the first heading
    if "</h1>" in body:
        body = body.replace("</h1>", "</h1>" + chart_html, 1)
    else:
        body = chart_html + body
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>{body}</body></html>\n")
