"""Product and place pages, redirects, QR files and data/products.json.

Every function here takes the loaded `Site` and returns `Output`s: pages made by a template
under theme/partials/hl/ from the plain data made here (the `*_view` functions), or finished
files (copied as they are). Text from records is escaped by the templates; front matter is
escaped with `e()` (Material prints the title as it is).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from markupsafe import Markup

from harvest.load.inapp import policy_attr
from harvest.load.models import Origin, Product
from harvest.render.go import GoPages
from harvest.render.html import e, front_matter
from harvest.render.images import Picture, picture_data, smallest, story_pictures
from harvest.render.qr import qr_svg_file, qr_svg_inline
from harvest.render.seo import product_meta
from harvest.render.urls import (
    PLACES_URL,
    PRODUCTS_URL,
    campaign_url,
    go_url,
    gs1_url,
    place_url,
    poster_url,
    product_url,
    qr_file,
    rel,
)
from harvest.site import Output, Site, View
from harvest.vocabulary import money


def _buy_label(site: Site, channel: str) -> str:
    return f"去{site.channels[channel].label}购买"


def places(o: Origin) -> list[str]:
    """Province, county, town and village, as far as the record names them."""
    return [x for x in (o.province, o.county, o.town, o.village) if x]


def price_data(p: Product) -> dict[str, str] | None:
    """A product's price as shown: {"amount": "¥39.90", "unit": "5 kg 箱"}."""
    return None if p.price is None else {"amount": money(p.price.amount, p.price.currency), "unit": p.price.unit}


def _price_text(p: Product) -> str:
    price = price_data(p)
    return f"{price['amount']} / {price['unit']}" if price else ""


def product_view(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> dict[str, Any]:
    """What theme/partials/hl/product.html shows of a product."""
    p = site.records.products[pid]
    here = product_url(pid)
    o = p.origin
    pics = pictures or {}
    picture = pics.get(p.images[0]) if p.images else None
    facts = [("产地", " ".join(places(o))), ("生产者", p.producer), ("品类", site.category(p.category))]
    if p.price:
        facts.append(("参考价格", _price_text(p)))
    if p.season:
        facts.append(("产季", p.season))
    if p.gtin:
        facts.append(("商品条码 (GTIN)", p.gtin))
    v = p.verified
    return {
        "name": p.name,
        "summary": p.summary,
        "place": {"href": rel(here, place_url(o.province, o.county)), "names": places(o)},
        "price": price_data(p),
        "buy": [{"href": rel(here, go_url(pid, b.channel)), "label": _buy_label(site, b.channel),
                 "in_app": policy_attr(site.channels[b.channel].in_app), "share_code": bool(b.share_code)}
                for b in p.purchase],
        "image": picture_data(picture, here, p.name, p.images[0]) if p.images else None,
        "has_story": bool(site.stories.get(pid)),
        # The story's own pictures, by the address MkDocs writes in its <img> (templates.py swaps them).
        "story_pictures": {rel(here, src): picture_data(pics[src], here, "")
                           for src in story_pictures(site.stories.get(pid) or "") if src in pics},
        "facts": facts,
        "verified": None if v is None else {"by": v.by, "on": v.on.isoformat(), "note": v.note},
        "campaigns": [{"href": rel(here, campaign_url(c)), "name": site.records.campaigns[c].name}
                      for c in site.product_campaigns(pid)],
        "qr": [_qr(site, site.absolute(go_url(pid, b.channel)), f"扫码{_buy_label(site, b.channel)}",
                   rel(here, qr_file(pid, b.channel))) for b in p.purchase]
        + [_qr(site, site.absolute(here), "本页二维码（用于海报）", rel(here, qr_file(pid)))],
        "poster": rel(here, poster_url(pid)),
    }


def _qr(site: Site, url: str, caption: str, file: str) -> dict[str, Any]:
    """A QR code on the page; `file` is its picture alone (tapped, it fills the screen)."""
    svg = qr_svg_inline(url, caption + "：" + url, site.cache)
    return {"svg": Markup(svg), "caption": caption, "url": url, "file": file}


def product_page(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> Output:
    """The product page: front matter (with what search engines read) and the editor's story
    as its content, the rest made by theme/partials/hl/product.html."""
    p = site.records.products[pid]
    story = site.stories.get(pid)
    matter = front_matter(template="product.html", title=e(p.name), description=e(p.summary), hl_product=pid,
                          hl_seo=product_meta(site, pid, pictures))
    return Output(f"{PRODUCTS_URL}{pid}.md", matter + (story.strip() + "\n" if story else ""), page=True,
                  view=View("partials/hl/product.html", product_view(site, pid, pictures)))


def product_outputs(site: Site, pictures: Mapping[str, Picture] | None = None) -> Iterator[Output]:
    """Everything one product brings: its page, go/ pages, QR files, GS1 Digital Link."""
    go = GoPages()
    for pid, p in site.records.products.items():
        yield product_page(site, pid, pictures)
        price = _price_text(p)
        for b in p.purchase:
            label = site.channels[b.channel].label
            yield Output(
                f"{go_url(pid, b.channel)}index.html",
                go.page(target=b.url, title=f"{p.name} · {label}", note=f"正在前往{label}购买「{p.name}」……",
                        name=p.name, price=price, shop=label, policy=policy_attr(site.channels[b.channel].in_app),
                        share_code=b.share_code),
            )
            yield Output(qr_file(pid, b.channel),
                         qr_svg_file(site.absolute(go_url(pid, b.channel)), f"{p.name} · {label}", site.cache))
        yield Output(qr_file(pid), qr_svg_file(site.absolute(product_url(pid)), p.name, site.cache))
        if p.gtin:
            link = gs1_url(p.gtin)
            yield Output(
                f"{link}index.html",
                go.page(target=rel(link, product_url(pid)), title=p.name, note=f"「{p.name}」的产品页"),
            )


def card_data(site: Site, here: str, pids: list[str], pictures: Mapping[str, Picture] | None = None) -> list[dict[str, Any]]:
    """Product cards for the `cards` macro (theme/partials/hl/macros.html), each with the
    smallest copy of its product's first picture when it has copies (the name says what it is:
    the picture's text alternative is empty)."""
    out = []
    for pid in pids:
        p = site.records.products[pid]
        picture = (pictures or {}).get(p.images[0]) if p.images else None
        out.append({"href": rel(here, product_url(pid)), "name": p.name,
                    "place": f"{p.origin.province} {p.origin.county}", "category": site.category(p.category),
                    "summary": p.summary, "image": None if picture is None else picture_data(smallest(picture), here, "")})
    return out


def _by_place(site: Site) -> dict[str, dict[str, list[str]]]:
    """Product ids by province, then county, in the order of `Site.products_by_place`
    (provinces in the official order, counties by pinyin)."""
    by_province: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pid in site.products_by_place():
        o = site.records.products[pid].origin
        by_province[o.province][o.county].append(pid)
    return {province: dict(counties) for province, counties in by_province.items()}


def index_outputs(site: Site, pictures: Mapping[str, Picture] | None = None) -> Iterator[Output]:
    """The product index, the place pages (province and county) and the place index."""
    pids = site.products_by_place()
    yield Output(f"{PRODUCTS_URL}index.md", front_matter(title="全部产品"), page=True, in_nav=True,
                 view=View("partials/hl/products.html", {"count": len(pids), "cards": card_data(site, PRODUCTS_URL, pids, pictures)}))
    provinces = []
    for province, counties in _by_place(site).items():
        here = place_url(province)
        provinces.append({"href": rel(PLACES_URL, here), "name": province, "counties": [
            {"href": rel(PLACES_URL, place_url(province, county)), "name": county} for county in counties]})
        province_view = {"name": province, "counties": [
            {"href": rel(here, place_url(province, county)), "name": county, "cards": card_data(site, here, cpids, pictures)}
            for county, cpids in counties.items()]}
        yield Output(f"{here}index.md", front_matter(title=e(province)), page=True,
                     view=View("partials/hl/province.html", province_view))
        for county, cpids in counties.items():
            url = place_url(province, county)
            county_view = {"name": county, "province": {"name": province, "href": rel(url, here)},
                           "count": len(cpids), "cards": card_data(site, url, cpids, pictures)}
            yield Output(f"{url}index.md", front_matter(title=e(f"{province} {county}")), page=True,
                         view=View("partials/hl/county.html", county_view))
    yield Output(f"{PLACES_URL}index.md", front_matter(title="产地"), page=True, in_nav=True,
                 view=View("partials/hl/places.html", {"provinces": provinces}))


def products_json(site: Site) -> bytes:
    """data/products.json: every product with its links, as SPEC describes (plus a few extras)."""
    items = []
    for pid, p in site.records.products.items():
        items.append(
            {
                "id": pid,
                "name": p.name,
                "summary": p.summary,
                "url": site.absolute(product_url(pid)),
                "origin": p.origin.model_dump(exclude_none=True),
                "producer": p.producer,
                "category": p.category,
                "price": None
                if p.price is None
                else {"amount": f"{p.price.amount:.2f}", "currency": p.price.currency, "unit": p.price.unit},
                "gtin": p.gtin,
                "purchase": [
                    {"channel": b.channel, "url": b.url, "go": site.absolute(go_url(pid, b.channel))}
                    for b in p.purchase
                ],
                "campaigns": site.product_campaigns(pid),
            }
        )
    text = json.dumps({"products": items}, ensure_ascii=False, indent=1, sort_keys=True)
    return (text + "\n").encode("utf-8")
