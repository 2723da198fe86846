"""Cited figures (`{{ figure … }}`, see harvest/ledger/citations.py) replaced by their values in
what editors wrote, as text: the value is escaped, so it is never read as markup."""

from __future__ import annotations

from harvest.ledger.citations import FIGURE_RE, value
from harvest.render.html import e
from harvest.site import Site


def substitute(site: Site, text: str) -> str:
    """Replace every citation by its figure (checked already by the site's loader)."""
    return FIGURE_RE.sub(lambda m: e(value(site.records, site.books, m.group(1).split())), text)
