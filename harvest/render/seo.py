"""What search engines and sharing apps read: schema.org JSON-LD and Open Graph, as plain data.

The functions return dicts and lists that product pages carry in their front matter
(`hl_seo`); the theme only prints them (`theme/main.html`): JSON-LD with Jinja's `tojson`, which
writes `<`, `>`, `&` and `'` as \\u escapes so that no `</script>` can end the block early, and
Open Graph values with `|e`. The site's `Organization` is printed on the home page from
mkdocs.yml (`site_name`, `site_url`, `site_description`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harvest.render.images import Picture
from harvest.render.urls import go_url, gtin14, product_url
from harvest.site import Site

SCHEMA = "https://schema.org"
# schema.org wants an ItemAvailability; a product listed here is for sale through its channels.
IN_STOCK = "https://schema.org/InStock"


def product_jsonld(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> dict[str, Any]:
    """A schema.org `Product`: name, image, description, brand (the producer), gtin, one Offer a channel."""
    p = site.records.products[pid]
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Product",
        "@id": site.absolute(product_url(pid)) + "#product",
        "name": p.name,
        "description": p.summary,
        "url": site.absolute(product_url(pid)),
        "category": site.category(p.category),
        "brand": {"@type": "Organization", "name": p.producer},
    }
    images = image_urls(site, pid, pictures)
    if images:
        data["image"] = images
    if p.gtin:
        data["gtin"] = gtin14(p.gtin)
    offers = []
    for b in p.purchase:
        offer: dict[str, Any] = {
            "@type": "Offer",
            "url": site.absolute(go_url(pid, b.channel)),
            "availability": IN_STOCK,
            "seller": {"@type": "Organization", "name": site.channels[b.channel].label},
        }
        if p.price is not None:
            offer["price"] = f"{p.price.amount:.2f}"
            offer["priceCurrency"] = p.price.currency
        offers.append(offer)
    data["offers"] = offers
    return data


def image_urls(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> list[str]:
    """Absolute addresses of a product's pictures: the largest JPEG copy, or the original."""
    out = []
    for src in site.records.products[pid].images:
        picture = (pictures or {}).get(src)
        out.append(site.absolute(picture.largest("jpg").url if picture else src))
    return out


def product_open_graph(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> list[list[str]]:
    """Open Graph properties of a product page, as [property, content] pairs in a stable order."""
    p = site.records.products[pid]
    pairs = [
        ["og:type", "product"],
        ["og:title", p.name],
        ["og:description", p.summary],
        ["og:url", site.absolute(product_url(pid))],
    ]
    first = next(iter(p.images), None)
    if first is not None:
        picture = (pictures or {}).get(first)
        pairs.append(["og:image", image_urls(site, pid, pictures)[0]])
        if picture is not None:
            big = picture.largest("jpg")
            pairs += [["og:image:width", str(big.width)], ["og:image:height", str(big.height)]]
        pairs.append(["og:image:alt", p.name])
    if p.price is not None:
        pairs += [["product:price:amount", f"{p.price.amount:.2f}"], ["product:price:currency", p.price.currency]]
    return pairs


def product_meta(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> dict[str, Any]:
    """What a product page's front matter carries for the theme: `jsonld` and `og`."""
    return {"jsonld": product_jsonld(site, pid, pictures), "og": product_open_graph(site, pid, pictures)}
