"""The page the preview shows while a rebuild failed: every problem, as the terminal tells it."""

from __future__ import annotations

from pathlib import Path

from harvest.problems import Problem
from harvest.render import csp, templates
from harvest.site import View


def page(problems: list[Problem], theme_dir: Path | None = None) -> str:
    """The whole HTML page (theme/partials/hl/problems.html) listing `problems`, with the
    preview's Content-Security-Policy."""
    data = {
        "count": len(problems),
        "problems": [{"path": p.path, "line": p.line, "column": p.column, "field": p.field,
                      "expected": p.expected, "found": p.got, "fix": p.fix} for p in problems],
    }
    return csp.secure(templates.render(View("partials/hl/problems.html", data), theme_dir=theme_dir), preview=True)
