"""The summary document as Markdown (CommonMark and GitHub-flavoured tables)."""

from __future__ import annotations

import base64
import re

from b12course._notice import NOT_MEDICAL_ADVICE
from b12course.export._summary import Block, Bullets, Image, Summary, Table

__all__ = ["md_text", "render_markdown"]

# ASCII punctuation that starts or ends Markdown or inline HTML anywhere in a line.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#~!&])")
# "_" opens or closes emphasis only at a word's edge (CommonMark's flanking rules),
# so every_day stays readable and _this_ is escaped.
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# At the start of a line, these make a list item or a thematic break ("1. ",
# "3) ", "- ", "+ ", "* "); "#" and ">" are escaped wherever they are.
_MD_LEADING_BULLET = re.compile(r"^([-+*])(?=\s|$)")
_MD_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def md_text(text: str) -> str:
    r"""Return user-visible text safe to drop into Markdown: one line, escaped.

    >>> md_text("1. first")
    '1\\. first'
    >>> md_text("+ added <b>")
    '\\+ added \\<b\\>'
    >>> md_text("every_months(2) and _this_")
    'every_months(2) and \\_this\\_'
    """
    line = " ".join(text.split())
    line = _MD_SPECIAL.sub(r"\\\1", line)
    line = _MD_UNDERSCORE.sub(r"\\_", line)
    line = _MD_LEADING_BULLET.sub(r"\\\1", line)
    return _MD_LEADING_NUMBER.sub(r"\1\\\2", line)


def _image(block: Image) -> str:
    if block.href is not None:
        target = block.href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    else:
        png = block.png or b""
        target = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return f"![{md_text(block.alt)}]({target})"


def _block(block: Block) -> str:
    if isinstance(block, str):
        return md_text(block)
    if isinstance(block, Bullets):
        return "\n".join(f"- {md_text(item)}" for item in block.items)
    if isinstance(block, Table):
        lines = [
            "| " + " | ".join(md_text(h) for h in block.header) + " |",
            "|" + "|".join("---" for _ in block.header) + "|",
        ]
        lines.extend(
            "| " + " | ".join(md_text(c) for c in row) + " |" for row in block.rows
        )
        return "\n".join(lines)
    return _image(block)


def render_markdown(summary: Summary) -> str:
    """Return the summary as one Markdown document ending in a newline."""
    parts = ["# B12 course summary", md_text(summary.meta)]
    for section in summary.sections:
        parts.append(f"## {section.title}")
        parts.extend(_block(b) for b in section.blocks)
    parts.append(f"_{md_text(NOT_MEDICAL_ADVICE)}_")
    return "\n\n".join(parts) + "\n"
