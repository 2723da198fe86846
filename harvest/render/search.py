"""The search index entries of a page, found again in the build cache.

Material's search plugin indexes every page as it is built: it reads the page's HTML into
sections and cuts their Chinese text into words with jieba, which is most of what indexing
costs. A page's entries depend only on its content, table of contents, address, title, tags
and search settings (and the versions of Material and jieba, which every cache key holds), so
an unchanged page's entries are taken from the cache, in the same place of the index: the
index is the same bytes as one made without the cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from harvest.load.cache import Cache


def toc_data(items: Iterable[Any]) -> list[Any]:
    """A page's table of contents as plain data."""
    return [[item.id, item.title, item.level, toc_data(item.children)] for item in items]


def remember_entries(plugin: Any, cache: Cache) -> None:
    """Make the search plugin's index take each page's entries from `cache` when it has them
    (and store those it makes). Nothing changes when the plugin is not Material's search."""
    index: Any = getattr(plugin, "search_index", None)
    add: Callable[[Any], None] | None = getattr(index, "add_entry_from_context", None)
    if not cache.enabled or add is None or not isinstance(getattr(index, "entries", None), list):
        return
    settings = json.dumps(dict(plugin.config), sort_keys=True, default=str)

    def add_entry_from_context(page: Any) -> None:
        meta = page.meta
        if (meta.get("search") or {}).get("exclude"):
            return add(page)
        described = json.dumps([page.url, str(meta.get("title", page.title)), meta.get("tags"), meta.get("search"),
                                toc_data(page.toc)], ensure_ascii=False, sort_keys=True, default=str)
        key = cache.key("search", settings, described, page.content)
        found = cache.get("search", key)
        entries = index.entries
        if found is not None:
            entries.extend(json.loads(found))
            return None
        before = len(entries)
        add(page)
        cache.put("search", key, json.dumps(entries[before:], ensure_ascii=False).encode())
        return None

    index.add_entry_from_context = add_entry_from_context
