"""The summary document as one printable, self-contained HTML page."""

from __future__ import annotations

import base64
import html

from b12course._notice import NOT_MEDICAL_ADVICE
from b12course.export._summary import Block, Bullets, Image, Summary, Table

__all__ = ["render_html"]

# A page a clinician can file: readable on screen, and on paper (A4 or
# Letter: the margins fit both, and the width is the paper's) without a
# table row, the chart or a heading split from what follows it.
_STYLE = (
    "body{font-family:sans-serif;max-width:48em;margin:1em auto;line-height:1.4;"
    "color:#111}"
    "header{border-bottom:2px solid #333;margin-bottom:1em}"
    "header h1{margin:0 0 .2em}header p{margin:0 0 .5em;font-weight:bold}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #999;padding:.2em .5em;text-align:left;"
    "vertical-align:top}"
    "th{background:#eee}img{max-width:100%}.disclaimer{font-style:italic}"
    "@page{margin:15mm}"
    "@media print{body{max-width:none;margin:0;font-size:10pt}"
    "h2{break-after:avoid;page-break-after:avoid}"
    "tr,img,li{break-inside:avoid;page-break-inside:avoid}"
    "thead{display:table-header-group}a{color:inherit;text-decoration:none}}"
)


def _image(block: Image) -> str:
    if block.href is not None:
        src = block.href
    else:
        src = "data:image/png;base64," + base64.b64encode(block.png or b"").decode()
    return f'<img alt="{html.escape(block.alt)}" src="{html.escape(src)}">'


def _block(block: Block) -> str:
    esc = html.escape
    if isinstance(block, str):
        return f"<p>{esc(block)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f"<th>{esc(h)}</th>" for h in block.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
            for row in block.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return _image(block)


def render_html(summary: Summary) -> str:
    """Return the summary as an HTML page ending in a newline."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>B12 course summary</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<header><h1>B12 course summary</h1>",
        f"<p>{html.escape(summary.meta)}</p></header>",
    ]
    for section in summary.sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        parts.extend(_block(b) for b in section.blocks)
    parts.append(f'<p class="disclaimer">{html.escape(NOT_MEDICAL_ADVICE)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
