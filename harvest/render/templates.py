"""Generated pages' markup lives in theme/ as Jinja templates; this fills them.

A generated page is an `Output` with a `View`: the template (under `theme/partials/hl/`) and
plain data made by the other modules of render/. The template is rendered with autoescaping
on, so every text from a record is escaped where it is written; the editor's Markdown of the
page (a product's story), rendered by MkDocs and cleaned (load/sanitise.py), comes in as `story`.
Only that region ever went through Markdown: the rest never did, which is why this is fast.

A site's own `theme/` (`theme.custom_dir` in mkdocs.yml) is searched before the project's, so
a county office can change a partial without touching Python.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from harvest import THEME
from harvest.site import View
from harvest.vocabulary import money, number


@lru_cache(maxsize=8)
def environment(theme_dirs: tuple[Path, ...]) -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(d) for d in theme_dirs]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,  # a misspelt field is an error, not an empty cell
        auto_reload=False,
    )
    # tojson: Chinese as it is (a third of the bytes of \u escapes); < > & ' are still escaped.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters["money"] = money
    env.filters["number"] = number
    return env


def render(view: View, story: str = "", theme_dir: Path | None = None) -> str:
    """The page's content: `view.template` filled with `view.data` (as `hl`) and the cleaned
    HTML of the editor's region (as `story`)."""
    dirs = (theme_dir, THEME) if theme_dir is not None and theme_dir.resolve() != THEME else (THEME,)
    env = environment(dirs)
    story = story_pictures(env, story, view.data.get("story_pictures") or {})
    return env.get_template(view.template).render(hl=view.data, story=Markup(story))


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


class _Attributes(HTMLParser):
    """The attributes of one start tag, with character references read."""

    def __init__(self, tag: str) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self.feed(tag)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found = {k: v or "" for k, v in attrs}

    handle_startendtag = handle_starttag


def story_pictures(env: Environment, story: str, pictures: Mapping[str, Mapping[str, Any]]) -> str:
    """The cleaned story with each `<img>` of a picture that has resized copies (`pictures`:
    the `picture` macro's data by the address the story's `<img src>` holds) replaced by the
    `picture` macro (theme/partials/hl/macros.html), keeping the editor's text alternative."""
    if not pictures or "<img" not in story:
        return story
    by_address = {unquote(k): v for k, v in pictures.items()}
    picture = env.get_template("partials/hl/macros.html").module.picture  # type: ignore[attr-defined]

    def swap(m: re.Match[str]) -> str:
        attrs = _Attributes(m.group(0)).found
        data = by_address.get(unquote(attrs.get("src", "")))
        return m.group(0) if data is None else str(picture({**data, "alt": attrs.get("alt", "")}))

    return _IMG.sub(swap, story)

