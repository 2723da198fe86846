"""Prepared HTML in generated pages goes around Markdown, not through it.

Generated pages are mostly HTML that is already escaped and finished (buy buttons, tables,
QR codes). Python-Markdown would only pass those blocks through, slowly: on a site of 1,000
products that took more time than the rest of the page. `protect` swaps each such block for
a placeholder comment before Markdown runs; `restore` puts the HTML back afterwards. What
Markdown still sees (a story, headings written in Markdown) is processed as usual, and what
it renders is cleaned by `restore` (harvest/load/sanitise.py): only the prepared blocks are trusted.

An editor's Markdown inside a generated page (a product's story) is marked with `content`:
no block of it is ever taken for prepared HTML, and only there are figures cited. A marker
or placeholder typed into a story is a comment inside the editor's region, and cleaning
removes every comment there before any placeholder is put back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Block-level tags our generators start HTML blocks with. A block runs to the next blank line,
# as Markdown's own raw-HTML blocks do.
_BLOCK = re.compile(
    r"^<(?:div|h[1-6]|p|table|ul|ol|figure|details|form|script|section|nav|picture|svg)\b[^\n]*"
    r"(?:\n(?!\n)[^\n]*)*",
    re.M,
)
_PLACEHOLDER = re.compile(r"<!--hl-prepared:(\d+)-->")
CONTENT_START = "<!--hl-content-->"
CONTENT_END = "<!--/hl-content-->"


def content(markdown: str) -> str:
    """An editor's Markdown, marked for a generated page: cleaned, never taken as prepared HTML."""
    return f"{CONTENT_START}\n\n{markdown}\n\n{CONTENT_END}"


def split(text: str) -> tuple[str, str, str]:
    """Before, inside and after the editor's region (from the first start marker to the last
    end marker, so that markers typed inside stay inside); ("", "", text) when there is none."""
    start = text.find(CONTENT_START)
    end = text.rfind(CONTENT_END)
    if start < 0 or end < start:
        return text, "", ""
    return text[:start], text[start : end + len(CONTENT_END)], text[end + len(CONTENT_END) :]


def edit_content(markdown: str, edit: Callable[[str], str]) -> str:
    """The page with `edit` applied to the editor's region only."""
    before, region, after = split(markdown)
    return before + edit(region) + after if region else markdown


def protect(markdown: str) -> tuple[str, list[str]]:
    """The Markdown with every prepared HTML block outside the editor's region replaced by a
    placeholder, and the blocks."""
    blocks: list[str] = []

    def keep(match: re.Match[str]) -> str:
        blocks.append(match.group(0))
        return f"<!--hl-prepared:{len(blocks) - 1}-->"

    before, region, after = split(markdown)
    return _BLOCK.sub(keep, before) + region + _BLOCK.sub(keep, after), blocks


def restore(html: str, blocks: list[str], clean: Callable[[str], str]) -> str:
    """The rendered page with everything Markdown made cleaned by `clean`, and each
    placeholder replaced by its block again."""
    before, region, after = split(html)

    def put_back(part: str) -> str:
        pieces = _PLACEHOLDER.split(part)  # text, index, text, index, …, text
        return "".join(blocks[int(p)] if i % 2 else clean(p) for i, p in enumerate(pieces))

    return put_back(before) + clean(region) + put_back(after)
