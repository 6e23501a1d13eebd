"""A small, safe markdown subset for our own articles: headings, lists, paragraphs, bold."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

BOLD = re.compile(r"\*\*(.+?)\*\*")


def inline(text: str) -> str:
    """Escape HTML, then turn **bold** into <strong>."""
    return BOLD.sub(r"<strong>\1</strong>", str(escape(text)))


def to_html(source: str) -> Markup:
    """Blocks are separated by blank lines; `- ` lines form a list, `## ` lines a heading."""
    html: list[str] = []
    for block in re.split(r"\n\s*\n", source.strip()):
        html.append(_block([line.strip() for line in block.splitlines() if line.strip()]))
    return Markup("\n".join(html))


def _block(lines: list[str]) -> str:
    if len(lines) == 1 and (match := re.match(r"(#{1,4})\s+(.*)", lines[0])):
        level = max(2, len(match.group(1)))  # the page title is the only <h1>
        return f"<h{level}>{inline(match.group(2))}</h{level}>"
    if all(line.startswith("- ") for line in lines):
        items = "".join(f"<li>{inline(line[2:])}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    return f"<p>{inline(' '.join(lines))}</p>"
