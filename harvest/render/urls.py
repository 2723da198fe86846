"""Where each generated page and file is published, and links between them.

Every page address is site-relative and ends with a slash (a folder with `index.html`). Pages
link to each other with `rel(here, there)`, so the site works under any path and in `mkdocs
serve`; QR codes and data files use `Site.absolute(url)`. Nothing else builds these addresses.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from harvest.load.addresses import segment

PRODUCTS_URL = "products/"
PLACES_URL = "places/"
CAMPAIGNS_URL = "campaigns/"
LABELS_URL = "labels/"

__all__ = [
    "CAMPAIGNS_URL", "LABELS_URL", "PLACES_URL", "PRODUCTS_URL", "campaign_url", "go_url", "gs1_url", "gtin14",
    "ledger_url", "place_url", "poster_url", "product_url", "qr_file", "rel", "segment",
]


def product_url(pid: str) -> str:
    return f"{PRODUCTS_URL}{pid}/"


def poster_url(pid: str) -> str:
    """A product's A4 poster, under its page."""
    return product_url(pid) + "poster/"


def go_url(pid: str, channel: str) -> str:
    """Where a buy button and its QR code lead: the redirect to the shop."""
    return f"go/{pid}/{channel}/"


def qr_file(pid: str, channel: str | None = None) -> str:
    """The QR code picture of a buy link, or of the product page when `channel` is None."""
    return f"qr/{pid}/{channel or 'page'}.svg"


def gtin14(gtin: str) -> str:
    """A GTIN written with 14 digits, as GS1 Digital Link and schema.org want it."""
    return gtin.zfill(14)


def gs1_url(gtin: str) -> str:
    """The GS1 Digital Link address of a GTIN (`01/<GTIN-14>/`), what a barcode app opens."""
    return f"01/{gtin14(gtin)}/"


def campaign_url(cid: str) -> str:
    return f"{CAMPAIGNS_URL}{cid}/"


def ledger_url(cid: str) -> str:
    return f"ledgers/{cid}/"


def place_url(province: str, county: str | None = None) -> str:
    """A province's page, or a county's under it."""
    url = f"{PLACES_URL}{segment(province)}/"
    return url + f"{segment(county)}/" if county else url


def rel(from_url: str, to_url: str) -> str:
    """The relative link from the page at `from_url` to `to_url` (both site-relative, '/' dirs)."""
    base = from_url if from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    target = posixpath.relpath("/" + to_url, "/" + base)
    if to_url.endswith("/") and not target.endswith("/"):
        target += "/"
    if target == "./":
        return "./"
    return quote(target, safe="/.-_~#?=&")
