"""The page the preview shows while a rebuild failed: every problem, as the terminal tells it,
in the language the terminal speaks (harvest/i18n.py)."""

from __future__ import annotations

from pathlib import Path

from harvest.i18n import _, language
from harvest.problems import Problem
from harvest.render import csp, templates
from harvest.site import View


def page(problems: list[Problem], theme_dir: Path | None = None) -> str:
    """The whole HTML page (theme/partials/hl/problems.html) listing `problems`, with the
    preview's Content-Security-Policy."""
    if len(problems) == 1:
        title = _("The site was not updated: 1 problem found")
    else:
        title = _("The site was not updated: {count} problems found").format(count=len(problems))
    data = {
        "lang": "en" if language() == "en" else "zh-CN",
        "title": title,
        "intro": _("The preview shows these problems, not the site. Fix the files as told below and save them: "
                   "the preview builds the site again by itself, and the pages come back once it is right."),
        "labels": {"expected": _("Expected"), "found": _("Found"), "fix": _("How to fix")},
        "problems": [{"place": p.place, "expected": p.expected, "found": p.got, "fix": p.fix} for p in problems],
    }
    return csp.secure(templates.render(View("partials/hl/problems.html", data), theme_dir=theme_dir), preview=True)
