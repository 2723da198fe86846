"""The small stand-alone pages that send a reader on: `go/<id>/<channel>/` and GS1 `01/<gtin>/`.

They are rendered from `theme/go.html` with Jinja, outside MkDocs' theme (no theme assets: a
go/ page is what a QR code opens on a slow phone, and stays under 4 KB compressed). Each
carries its own Content-Security-Policy, with the sha256 of its inline script and style.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from harvest import THEME
from harvest.render import csp

SCRIPT = "assets/javascripts/hl-inapp.js"  # also served as a file to product pages
STYLE = "partials/hl-go-style.html"


def _lean(script: str) -> str:
    """The script without its comments and indentation: every go/ page carries it. Only whole
    comment lines go (the file is written so: a `//` inside a line may be a regex or a URL)."""
    body = re.sub(r"\A/\*.*?\*/\s*", "", script, flags=re.S)
    lines = (line.strip() for line in body.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


class GoPages:
    """Renders go/ and redirect pages for one build (templates are read once per build)."""

    def __init__(self, theme: Path = THEME) -> None:
        loader = jinja2.FileSystemLoader(str(theme))
        self.env = jinja2.Environment(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
        )
        self.template = self.env.get_template("go.html")
        # The script and the style are inlined as text, not as templates.
        self.script = _lean(loader.get_source(self.env, SCRIPT)[0])
        self.style = loader.get_source(self.env, STYLE)[0].strip()

    def page(
        self, *, target: str, title: str, note: str, name: str = "", price: str = "", shop: str = "",
        policy: str = "", share_code: str | None = None,
    ) -> str:
        """A page for `target`. With a `policy` (see inapp.policy_attr) the inline script decides
        in the browser; without one the page is a plain redirect with no script."""
        script = self.script if policy else ""
        return self.template.render(
            target=target, title=title, note=note, name=name, price=price, shop=shop, policy=policy,
            share_code=share_code, script=Markup(script),
            style=Markup(self.style),
            csp=csp.standalone([script] if script else [], [self.style]),
        )
