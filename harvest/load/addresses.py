"""Who owns each published address, and one address per thing.

The build owns whole folders of the site (`go/`, `qr/`, `products/` …): printed QR codes lead
there, so an editor's page must never take one of their places. And two records must never
claim one address under two spellings: a GTIN with and without its leading zeros is one
`01/<GTIN-14>/` page, and county names that differ only by punctuation, width or case would
get one place page (or two that readers cannot tell apart).
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from harvest.i18n import _
from harvest.load.sanity import address_key
from harvest.problems import Problem, shown

# The first part of every path the build (with the theme and its search) writes, and what
# writes it, in the reader's language. tests/test_addresses.py checks that every built file
# is covered.
OWNED: dict[str, Callable[[], str]] = {
    "products": lambda: _("the product pages, made from products/*.yml"),
    "go": lambda: _("the buy-link redirects that printed QR codes lead to, made from purchase: in products/*.yml"),
    "qr": lambda: _("the QR code pictures, made from products/*.yml"),
    "01": lambda: _("the GS1 Digital Link pages (01/<GTIN-14>/), made from gtin: in products/*.yml"),
    "places": lambda: _("the place pages, made from origin: in products/*.yml"),
    "campaigns": lambda: _("the campaign pages, made from campaigns/*.yml"),
    "ledgers": lambda: _("the ledger pages and files, made from ledgers/*.csv"),
    "transparency": lambda: _("the transparency page, made from the ledgers"),
    "labels": lambda: _("the printable labels and posters, made from products/*.yml"),
    "data": lambda: _("the open data files (data/products.json …), made from the records"),
    "schemas": lambda: _("the record schemas, made from harvest/load/models.py"),
    "img": lambda: _("the resized pictures, made from the pictures in content/images/"),
    "assets": lambda: _("the theme's styles and scripts (theme/)"),
    "search": lambda: _("the search index, made by the search plugin"),
    "admin": lambda: _("the editors' forms (Decap CMS), made from harvest/load/models.py and extra.admin"),
    "sitemap.xml": lambda: _("the sitemap, made by MkDocs"),
    "sitemap.xml.gz": lambda: _("the sitemap, made by MkDocs"),
    "404.html": lambda: _("the page-not-found page of the theme"),
    "404": lambda: _("the page-not-found page of the theme"),
}

# An id that would take the place of a folder's own index page (products/index.md …).
RESERVED_IDS = frozenset({"index"})



def segment(name: str) -> str:
    """A URL path segment made from a place name (Chinese names are kept as they are)."""
    out = "".join("-" if c in "/\\?#%&\"'<>" or c.isspace() else c for c in name.strip())
    return out.strip("-.") or "-"

def fold(name: str) -> str:
    """A path part as file systems that ignore case and width see it."""
    return unicodedata.normalize("NFKC", name).casefold()


def owned_part(rel: str) -> str | None:
    """The owned first part of the site that an editor's file under content/ (`rel`, posix)
    would be published under, or None when the path is the editor's."""
    parts = rel.split("/")
    first = parts[0]
    if len(parts) == 1 and first.lower().endswith(".md"):
        first = first[:-3]  # go.md is published as go/index.html
    key = fold(first)
    return next((name for name in OWNED if fold(name) == key), None)


@dataclass(frozen=True)
class Claim:
    """One record's claim to a published address: under `key`, written `text`."""

    key: str
    text: str
    path: str
    line: int | None
    field: str


def picture_key(src: str) -> str:
    """A picture's path without its extension, as case-blind file systems see it: its resized
    copies are published under it (`img/images/orange-480w.webp` for images/orange.jpg)."""
    return fold(posixpath.splitext(src)[0])


def place_key(*names: str) -> str:
    """The address key of a place (province, or province and county): names that would share
    a URL path segment, or differ only by punctuation, width or case, share it."""
    keys = [address_key(segment(name)) for name in names]
    return "/".join(keys) if all(keys) else ""  # "" when a name is all punctuation


def gtin_key(gtin: str) -> str:
    """A GTIN as the GTIN-14 it is published under."""
    return gtin.zfill(14)


def clashes(claims: Iterable[Claim], what: str, fix: str, same_text_clashes: bool = False) -> list[Problem]:
    """Problems for claims on one key: always when `same_text_clashes` (a product code is one
    product's), else only when written differently (two products may share a county). `what`
    names the thing claimed ("a county name"); `fix` says how to fix a clash, with {where}
    (the other file and line) and {text} (its spelling)."""
    first: dict[str, Claim] = {}
    out: list[Problem] = []
    for claim in sorted(claims, key=lambda c: (c.path, c.line or 0, c.field)):
        if not claim.key:
            out.append(Problem(claim.path, claim.line, claim.field,
                               _("{what} with letters or digits in it").format(what=what),
                               shown(claim.text), _("write the name as it is officially written")))
            continue
        seen = first.setdefault(claim.key, claim)
        if seen is claim or (seen.text == claim.text and not same_text_clashes):
            continue
        where = _("{path}, line {line}").format(path=seen.path, line=seen.line) if seen.line else seen.path
        out.append(Problem(claim.path, claim.line, claim.field,
                           _("{what} of its own (it is published under one address with {where})")
                           .format(what=what, where=where),
                           _("{text}, the same as {other}").format(text=shown(claim.text), other=shown(seen.text)),
                           fix.format(where=where, text=seen.text)))
    return out
