"""Pages made to be printed: the A4 sheet of QR labels and each product's A4 poster.

Both are made by templates (theme/partials/hl/labels.html, poster.html) in the frame
`theme/print.html` (no header, navigation or scripts) and printed with the print rules in
`harvest.css`. They are kept out of the search index and marked `noindex`: they repeat what
the product pages say.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from harvest.load.inapp import APPS, copies
from harvest.render.html import e, front_matter
from harvest.render.images import Picture, picture_data
from harvest.render.products import places, price_data
from harvest.render.qr import qr_svg_inline
from harvest.render.urls import LABELS_URL, PRODUCTS_URL, poster_url, product_url, rel
from harvest.site import Output, Site, View

# 3 columns × 7 rows of 70 × 39.5 mm fill an A4 page inside 10 mm / 5 mm margins.
LABELS_PER_SHEET = 21
_PRINT_META = {"template": "print.html", "search": {"exclude": True}, "hide": ["navigation", "toc"]}


def short_url(url: str) -> str:
    """An address as printed under a code: without `https://` and the last slash."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")


def share_codes(site: Site, pid: str) -> list[dict[str, Any]]:
    """{shop label, share code, apps} for each purchase link with a share code whose channel
    offers it to copy in some in-app browser: printed beside the QR code, for typing in."""
    out = []
    for buy in site.records.products[pid].purchase:
        channel = site.channels[buy.channel]
        apps = copies(channel.in_app)
        if buy.share_code and apps:
            out.append({"shop": channel.label, "code": buy.share_code, "apps": [APPS[a] for a in apps]})
    return out


def _qr(site: Site, pid: str) -> Markup:
    url = site.absolute(product_url(pid))
    return Markup(qr_svg_inline(url, f"{site.records.products[pid].name} 产品页二维码：{url}", site.cache))


def _label(site: Site, pid: str) -> dict[str, Any]:
    p = site.records.products[pid]
    return {"svg": _qr(site, pid), "name": p.name, "place": f"{p.origin.province} {p.origin.county}",
            # printed with a possible line break after each slash
            "url": short_url(site.absolute(product_url(pid))).split("/"), "codes": share_codes(site, pid)}


def labels_view(site: Site) -> dict[str, Any]:
    """`labels/`: every product's QR label, 21 to an A4 sheet, ordered like the product index."""
    pids = site.products_by_place()
    return {
        "count": len(pids),
        "per_sheet": LABELS_PER_SHEET,
        "products": rel(LABELS_URL, PRODUCTS_URL),
        "sheets": [[_label(site, pid) for pid in pids[i : i + LABELS_PER_SHEET]]
                   for i in range(0, len(pids), LABELS_PER_SHEET)],
    }


def poster_view(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> dict[str, Any]:
    """`products/<id>/poster/`: one A4 page with the name, a one-line story and a large QR code."""
    p = site.records.products[pid]
    here = poster_url(pid)
    picture = (pictures or {}).get(p.images[0]) if p.images else None
    return {
        "name": p.name,
        "product": rel(here, product_url(pid)),
        "place": places(p.origin),
        "producer": p.producer,
        "summary": p.summary,
        "image": None if picture is None else picture_data(picture, here, p.name, lazy=False),
        "price": price_data(p),
        "qr": _qr(site, pid),
        "url": short_url(site.absolute(product_url(pid))),
        "codes": share_codes(site, pid),
    }


def print_outputs(site: Site, pictures: Mapping[str, Picture] | None = None) -> Iterator[Output]:
    """The label sheet and every product's poster."""
    yield Output(f"{LABELS_URL}index.md", front_matter(title="二维码标签（A4 打印）", hl_print="labels", **_PRINT_META),
                 page=True, view=View("partials/hl/labels.html", labels_view(site)))
    for pid, p in site.records.products.items():
        yield Output(f"{poster_url(pid)}index.md",
                     front_matter(title=e(f"{p.name} · 海报"), description=e(p.summary), hl_print="poster", **_PRINT_META),
                     page=True, view=View("partials/hl/poster.html", poster_view(site, pid, pictures)))
