"""Prepared HTML in generated pages goes around Markdown, not through it.

Generated pages are mostly HTML that is already escaped and finished (buy buttons, tables,
QR codes). Python-Markdown would only pass those blocks through, slowly: on a site of 1,000
products that took more time than the rest of the page. `protect` swaps each such block for
a placeholder comment before Markdown runs; `restore` puts the HTML back afterwards. What
Markdown still sees (a story, headings written in Markdown) is processed as usual.
"""

from __future__ import annotations

import re

# Block-level tags our generators start HTML blocks with. A block runs to the next blank line,
# as Markdown's own raw-HTML blocks do.
_BLOCK = re.compile(
    r"^<(?:div|h[1-6]|p|table|ul|ol|figure|details|form|script|section|nav|picture|svg)\b[^\n]*"
    r"(?:\n(?!\n)[^\n]*)*",
    re.M,
)
_PLACEHOLDER = re.compile(r"<!--hl-prepared:(\d+)-->")


def protect(markdown: str) -> tuple[str, list[str]]:
    """The Markdown with every prepared HTML block replaced by a placeholder, and the blocks."""
    blocks: list[str] = []

    def keep(match: re.Match[str]) -> str:
        blocks.append(match.group(0))
        return f"<!--hl-prepared:{len(blocks) - 1}-->"

    return _BLOCK.sub(keep, markdown), blocks


def restore(html: str, blocks: list[str]) -> str:
    """The rendered page with each placeholder replaced by its block again."""
    if not blocks:
        return html
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1))], html)
