"""Generated pages, finished, found again in the build cache.

Filling Material's page frame (header, tabs, navigation, table of contents) and securing the
result (csp.py) is most of what a generated page costs once its content is made. The
finished page depends only on what every page shares (the site's configuration, its own theme
folder when it has one, the navigation with its titles, preview or not) and on the page's own
address, front matter, title, table of contents and content. With all of those the same as in
an earlier build, the finished bytes are taken from the cache and the frame is not filled
again: the page is written through `FINISHED`, a template that prints them as they are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from harvest import THEME
from harvest.load.cache import Cache
from harvest.render.search import toc_data

FINISHED = "hl-finished.html"  # theme/hl-finished.html: the page's finished bytes, as they are


def _nav(items: Iterable[Any]) -> list[Any]:
    return [[type(item).__name__, str(item.title), getattr(item, "url", None), _nav(getattr(item, "children", None) or [])]
            for item in items]


def _folder(folder: Path) -> bytes:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


def shared(config_file: Path, theme_dir: Path | None, nav: Any, preview: bool) -> str:
    """What every page's frame is made from, as one digest."""
    theme = _folder(theme_dir) if theme_dir is not None and theme_dir.resolve() != THEME else b""
    described = json.dumps([_nav(nav.items), getattr(nav.homepage, "url", None), preview], ensure_ascii=False)
    return Cache.key("site", config_file.read_bytes(), theme, described)


def page_key(site: str, page: Any) -> str:
    """The key of one page's finished bytes."""
    described = json.dumps([page.file.src_uri, page.url, str(page.title), toc_data(page.toc)], ensure_ascii=False)
    meta = json.dumps(page.meta, ensure_ascii=False, sort_keys=True, default=str)
    return Cache.key("page", site, described, meta, page.content or "")


class FinishedPages:
    """This build's finished pages: those found in the cache, and the keys of those to store."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.found: dict[str, str] = {}  # src_uri -> the finished page
        self.keys: dict[str, str] = {}  # src_uri -> where to store it once finished

    def look_up(self, site: str, pages: Iterable[Any]) -> None:
        """Find each page's finished bytes; a page found is written through FINISHED."""
        if not self.cache.enabled:
            return
        for page in pages:
            key = page_key(site, page)
            data = self.cache.get("page", key)
            if data is None:
                self.keys[page.file.src_uri] = key
            else:
                self.found[page.file.src_uri] = data.decode("utf-8")
                page.meta["template"] = FINISHED

    def store(self, src_uri: str, output: str) -> None:
        key = self.keys.pop(src_uri, None)
        if key is not None:
            self.cache.put("page", key, output.encode("utf-8"))
