"""Small helpers for generated pages: escaping (`e()`) and front matter.

Links between generated pages are made in urls.py.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any


def e(text: object) -> str:
    """Escape text for HTML content and attribute values."""
    return escape(str(text), quote=True)


def front_matter(**fields: Any) -> str:
    """YAML front matter; values are JSON-quoted so that any text stays one safe scalar."""
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"
