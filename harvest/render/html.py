"""Small helpers for writing HTML safely inside generated Markdown pages.

Everything that comes from a record goes through `e()`; links between generated pages are
computed here as relative URLs, so the site works under any path and in `mkdocs serve`.
"""

from __future__ import annotations

import json
import posixpath
from html import escape
from typing import Any
from urllib.parse import quote


def e(text: object) -> str:
    """Escape text for HTML content and attribute values."""
    return escape(str(text), quote=True)


def rel(from_url: str, to_url: str) -> str:
    """The relative link from the page at `from_url` to `to_url` (both site-relative, '/' dirs)."""
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target = posixpath.relpath("/" + to_url, "/" + base)
    if to_url.endswith("/") and not target.endswith("/"):
        target += "/"
    if target == "./":
        return "./"
    return quote(target, safe="/.-_~#?=&")


def front_matter(**fields: Any) -> str:
    """YAML front matter; values are JSON-quoted so that any text stays one safe scalar."""
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"
