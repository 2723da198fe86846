"""The Content-Security-Policy of every HTML page the site publishes.

Each page carries the policy in a `<meta http-equiv="Content-Security-Policy">` early in
its head. Scripts may come only from the site itself, plus the theme's own inline scripts,
allowed one by one by their SHA-256 hash (Material writes some whose text depends on the
page's depth, so the hashes are computed for each finished page). Nothing inside a page's
content region (what editors wrote, see `mark_content`) is ever hashed: an inline script
found there stops the build, since the sanitiser should never have let it through. Inline
<style> elements are treated the same way (the print pages' @page rule).

    secure(html)               → the finished page with its policy (any HTML page)
    policy(inline_scripts)     → the policy text for pages with these inline scripts
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from harvest.i18n import _

# Why each source: Material's stylesheet draws its icons with data: SVG images. Styles, like
# scripts, come from the site's files or are inline <style> elements of the theme allowed by
# hash (the print pages' @page rule); Material changes styles only through the CSSOM, which
# the policy does not restrict, and no style attribute is written anywhere.
DIRECTIVES = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-src", "'none'"),
    ("img-src", "'self' data:"),
    ("style-src", "'self'"),
)
CONTENT_START = "<!--hl-page-content-->"
CONTENT_END = "<!--/hl-page-content-->"
# A script element: its start tag, then its text up to the first "</script" (as a browser reads it).
_SCRIPT = re.compile(r"<script(?=[\s/>])([^>]*)>(.*?)</script(?=[\s/>])[^>]*>", re.I | re.S)
_STYLE = re.compile(r"<style(?=[\s>])[^>]*>(.*?)</style(?=[\s>])[^>]*>", re.I | re.S)
_SRC = re.compile(r"\ssrc\s*=", re.I)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]*)""", re.I)
_JS_TYPES = frozenset({"", "module", "text/javascript", "application/javascript", "application/ecmascript",
                       "text/ecmascript", "text/jscript", "text/livescript", "application/x-javascript"})
_INLINE_START = re.compile(r"<script(?=[\s/>])(?![^>]*\ssrc\s*=)|<style(?=[\s/>])", re.I)
_META = re.compile(r"""<meta\s+http-equiv=["']?Content-Security-Policy["']?[^>]*>""", re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
_HEAD = re.compile(r"<head(?=[\s>])[^>]*>", re.I)


class ContentScript(ValueError):
    """An inline script or style element inside a page's content region: the sanitiser let
    something through."""


def digest(script: str) -> str:
    """The CSP source for one inline script or style: 'sha256-<base64>' of its text as a browser hashes it."""
    text = script.replace("\r\n", "\n").replace("\r", "\n")  # the HTML parser's newline rule
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(inline_scripts: Iterable[str], preview: bool = False, inline_styles: Iterable[str] = ()) -> str:
    """The policy text for a page whose trusted inline scripts are `inline_scripts` (and
    trusted inline <style> elements `inline_styles`).

    `preview` (`build.py serve` only, on the editor's own computer): MkDocs adds its live
    reload as an inline script that changes with every request, so no hash can allow it;
    inline scripts are allowed instead. Content is still cleaned; published pages never
    get this."""
    extra = {
        "script-src": ["'unsafe-inline'"] if preview else sorted({digest(s) for s in inline_scripts}),
        "style-src": sorted({digest(s) for s in inline_styles}),
    }
    return "; ".join(" ".join([name, value, *extra.get(name, [])]) for name, value in DIRECTIVES)


def standalone(inline_scripts: Iterable[str], inline_styles: Iterable[str]) -> str:
    """The policy of a page that loads nothing of the theme (the go/ pages): nothing at all but
    these inline scripts and styles and the site's own pictures; no <base>, no form."""

    def sources(texts: Iterable[str]) -> str:
        return " ".join(sorted({digest(t) for t in texts})) or "'none'"

    return (f"default-src 'none'; script-src {sources(inline_scripts)}; style-src {sources(inline_styles)};"
            " img-src 'self'; base-uri 'none'; form-action 'none'")


def has_policy(html: str) -> bool:
    """Whether a finished page already carries its own policy (the go/ pages' stricter one)."""
    return _META.search(html) is not None


def meta(inline_scripts: Iterable[str] = (), preview: bool = False, inline_styles: Iterable[str] = ()) -> str:
    """The `<meta>` element carrying the policy."""
    return f'<meta http-equiv="Content-Security-Policy" content="{policy(inline_scripts, preview, inline_styles)}">'


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script a browser would run (not data blocks such as JSON-LD)."""
    found = []
    for match in _SCRIPT.finditer(html):
        attrs = match.group(1)
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind and kind.group(1).lower() not in _JS_TYPES):
            continue
        found.append(match.group(2))
    return found


def mark_content(html: str) -> str:
    """A page's content (what editors wrote, cleaned) marked for `secure`."""
    return f"{CONTENT_START}{html}{CONTENT_END}"


def secure(html: str, preview: bool = False) -> str:
    """The finished page with its policy in the head and the content markers removed.

    Raises ContentScript when an inline script is found inside the marked content."""
    start, end = html.find(CONTENT_START), html.rfind(CONTENT_END)
    theme = html
    if 0 <= start <= end:
        region = html[start + len(CONTENT_START) : end]
        if _INLINE_START.search(region):
            raise ContentScript(_("an inline <script> or <style> inside the page's content"))
        html = html[:start] + region + html[end + len(CONTENT_END) :]
        theme = html[:start] + html[start + len(region) :]
    tag = meta(inline_scripts(theme), preview, [m.group(1) for m in _STYLE.finditer(theme)])
    if _META.search(html):
        return _META.sub(lambda _match: tag, html, count=1)
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    if anchor is None:
        return tag + "\n" + html
    return html[: anchor.end()] + "\n" + tag + html[anchor.end() :]
