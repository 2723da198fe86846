"""HTML written by editors is cleaned by an allow-list before it reaches a page.

Stories and editors' own pages are Markdown, and Markdown lets raw HTML through: a
`<script>`, an `<img onerror=…>` or a `javascript:` link would run on the same origin as the
ledger pages. What Markdown renders from them is cleaned with nh3 (Rust's ammonia), keeping
only what Markdown and the project's extensions produce: headings, paragraphs, lists,
tables, code, quotes, images, links, abbreviations, details and admonitions. Links keep only
http, https, mailto and relative addresses; every link gets rel="noopener noreferrer".

Files a browser would run as a page (HTML, SVG, XML) are refused under content/ by
`check_files`: a picture is PNG, JPEG or WebP, and a page is Markdown.
"""

from __future__ import annotations

from pathlib import Path

import nh3

from harvest.i18n import _
from harvest.problems import Problem

TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div",
        "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
# Removed with everything inside them (other unknown tags are removed, their text kept).
DROPPED = frozenset(
    {
        "script", "style", "iframe", "object", "noscript", "template", "textarea", "select", "title",
        "noembed", "noframes", "xmp", "math", "svg",
    }
)  # fmt: skip
ATTRIBUTES = {
    "*": {"id", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "srcset", "sizes", "width", "height", "loading", "decoding"},
    "ol": {"start", "reversed"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "details": {"open"},
}
# Admonitions (`!!! note "Title"`) are the only classes content may use: any other class
# could borrow the theme's look (a green "verified" badge, a fake button).
ADMONITIONS = frozenset(
    {
        "admonition", "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important",
        "success", "check", "done", "question", "help", "faq", "warning", "caution", "attention", "failure",
        "fail", "missing", "danger", "error", "bug", "example", "quote", "cite",
    }
)  # fmt: skip
CLASSES = {"div": set(ADMONITIONS), "details": set(ADMONITIONS), "p": {"admonition-title"}}
SCHEMES = {"http", "https", "mailto"}
# Extensions of files a browser runs as a document (scripts included) when opened directly.
ACTIVE_FILES = frozenset({".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt"})


def _attribute(tag: str, name: str, value: str) -> str | None:
    # The theme's own elements have ids starting with "__" (__config, __search, __drawer):
    # an element of the same id earlier in the page would stand in for them.
    if name == "id" and value.startswith("__"):
        return None
    # Pictures come from the site itself (the Content-Security-Policy blocks others anyway).
    if tag == "img" and name in ("src", "srcset") and ("//" in value or ":" in value.split("/")[0]):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(DROPPED),
    attributes={k: set(v) for k, v in ATTRIBUTES.items()},
    attribute_filter=_attribute,
    allowed_classes=CLASSES,
    url_schemes=set(SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean(html: str) -> str:
    """`html` with only the allowed tags, attributes, classes and link schemes left."""
    if "<" not in html and "&" not in html:
        return html  # plain text: nothing to clean (most of a generated page's Markdown)
    return _CLEANER.clean(html)


def check_files(docs_dir: Path, root: Path) -> list[Problem]:
    """A Problem for each file under content/ that a browser would open as a page: HTML, SVG, XML."""
    problems: list[Problem] = []
    if not docs_dir.is_dir():
        return problems
    for file in sorted(docs_dir.rglob("*")):
        if file.suffix.lower() not in ACTIVE_FILES or not (file.is_file() or file.is_symlink()):
            continue
        rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else file.as_posix()
        suffix = file.suffix.lower()
        if suffix in (".svg", ".svgz"):
            problem = Problem(rel, None, "", _("a picture in PNG, JPEG or WebP"),
                              _("an SVG picture, which can carry scripts"),
                              _("convert the picture to PNG or JPEG and link that instead"))
        else:
            problem = Problem(rel, None, "", _("pages written in Markdown (.md)"),
                              _("a {suffix} file, which can carry scripts").format(suffix=suffix),
                              _("write the page in Markdown (.md), or remove the file"))
        problems.append(problem)
    return problems
