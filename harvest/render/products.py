"""Product, place and campaign pages, redirects, QR files and data/products.json.

Every function here takes the loaded `Site` and returns `Output`s: Markdown pages (rendered
by MkDocs with the theme) or finished files (copied as they are). Nothing is computed here
that `catalog.py` or `figures.py` already computed; text from records is escaped with `e()`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping

from harvest.load.addresses import segment
from harvest.load.inapp import policy_attr
from harvest.load.models import Product, Purchase
from harvest.render import prepared
from harvest.render.go import GoPages
from harvest.render.html import e, front_matter, rel
from harvest.render.images import Picture, picture_html
from harvest.render.qr import qr_svg_file, qr_svg_inline
from harvest.site import Output, Site
from harvest.vocabulary import money


def product_url(pid: str) -> str:
    return f"products/{pid}/"


def go_url(pid: str, channel: str) -> str:
    return f"go/{pid}/{channel}/"


def campaign_url(cid: str) -> str:
    return f"campaigns/{cid}/"


def place_url(province: str, county: str | None = None) -> str:
    url = f"places/{segment(province)}/"
    return url + f"{segment(county)}/" if county else url


def gtin14(gtin: str) -> str:
    return gtin.zfill(14)


def _buy_label(site: Site, channel: str) -> str:
    return f"去{site.channels[channel].label}购买"


def _price(product: Product) -> str:
    if product.price is None:
        return ""
    p = product.price
    return f'<p class="hl-price"><strong>{e(money(p.amount, p.currency))}</strong> / {e(p.unit)}</p>'


def product_page(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> str:
    """The product page: name, price and buy buttons first, then story, facts and QR codes."""
    from harvest.render.seo import product_meta  # seo.py uses this module's URLs

    p = site.records.products[pid]
    here = product_url(pid)
    o = p.origin
    place = " · ".join(e(x) for x in (o.province, o.county, o.town, o.village) if x)
    buttons = "\n".join(
        f'<a class="md-button md-button--primary hl-buy__button" href="{rel(here, go_url(pid, b.channel))}"'
        f' rel="nofollow"{_in_app_attrs(site, b)}>{e(_buy_label(site, b.channel))}</a>'
        for b in p.purchase
    )
    parts = [
        front_matter(
            template="product.html",
            title=e(p.name),
            description=e(p.summary),
            hl_product=pid,
            hl_seo=product_meta(site, pid, pictures),
        ),
        '<div class="hl-hero">',
        f"<h1>{e(p.name)}</h1>",
        f'<p class="hl-place"><a href="{rel(here, place_url(o.province, o.county))}">{place}</a></p>',
        _price(p),
        f'<div class="hl-buy">\n{buttons}\n</div>',
        f'<p class="hl-lead">{e(p.summary)}</p>',
        "</div>",
        "",
    ]
    picture = (pictures or {}).get(p.images[0]) if p.images else None
    if picture is not None:
        parts += [f'<p class="hl-image">{picture_html(picture, here, p.name)}</p>', ""]
    elif p.images:
        parts += [f'<p class="hl-image"><img src="{rel(here, p.images[0])}" alt="{e(p.name)}" loading="lazy"></p>', ""]
    story = site.stories.get(pid)
    if story:
        parts += ['<h2 id="story">产品故事</h2>', "", prepared.content(story.strip()), ""]
    parts += [_facts(site, pid), "", _verification(p), "", _campaigns(site, pid), "", _qr_codes(site, pid)]
    parts += ["", f'<p class="hl-poster-link"><a href="{rel(here, product_url(pid) + "poster/")}">打印本产品的 A4 海报</a></p>']
    return "\n".join(x for x in parts if x is not None) + "\n"


def _in_app_attrs(site: Site, buy: Purchase) -> str:
    """What the button does in in-app browsers, for theme/assets/javascripts/hl-inapp.js."""
    policy = policy_attr(site.channels[buy.channel].in_app)
    if not policy:
        return ""
    return f' data-hl-in-app="{e(policy)}"' + (" data-hl-code" if buy.share_code else "")


def _facts(site: Site, pid: str) -> str:
    p = site.records.products[pid]
    rows = [
        ("产地", " ".join(x for x in (p.origin.province, p.origin.county, p.origin.town, p.origin.village) if x)),
        ("生产者", p.producer),
        ("品类", site.category(p.category)),
    ]
    if p.price:
        rows.append(("参考价格", f"{money(p.price.amount, p.price.currency)} / {p.price.unit}"))
    if p.season:
        rows.append(("产季", p.season))
    if p.gtin:
        rows.append(("商品条码 (GTIN)", p.gtin))
    body = "\n".join(f'<tr><th scope="row">{e(k)}</th><td>{e(v)}</td></tr>' for k, v in rows)
    return f'<h2 id="facts">产品信息</h2>\n<table>\n{body}\n</table>'


def _verification(p: Product) -> str:
    if p.verified is None:
        return '<h2 id="verified">核实情况</h2>\n<p>这件产品的信息尚未经过实地核实。</p>'
    v = p.verified
    note = f"：{e(v.note)}" if v.note else ""
    return (
        f'<h2 id="verified">核实情况</h2>\n<p class="hl-verified">由 <strong>{e(v.by)}</strong>'
        f' 于 <time datetime="{v.on.isoformat()}">{v.on.isoformat()}</time> 核实{note}</p>'
    )


def _campaigns(site: Site, pid: str) -> str:
    here = product_url(pid)
    cids = site.product_campaigns(pid)
    if not cids:
        return ""
    items = "\n".join(
        f'<li><a href="{rel(here, campaign_url(c))}">{e(site.records.campaigns[c].name)}</a></li>' for c in cids
    )
    return f'<h2 id="campaigns">所属助农活动</h2>\n<ul>\n{items}\n</ul>'


def _qr_figure(url: str, caption: str) -> str:
    return (
        f'<figure class="hl-qr">{qr_svg_inline(url, caption + "：" + url)}'
        f'<figcaption>{e(caption)}<br><a href="{e(url)}"><code>{e(url)}</code></a></figcaption></figure>'
    )


def _qr_codes(site: Site, pid: str) -> str:
    p = site.records.products[pid]
    figures = [
        _qr_figure(site.absolute(go_url(pid, b.channel)), f"扫码{_buy_label(site, b.channel)}") for b in p.purchase
    ]
    figures.append(_qr_figure(site.absolute(product_url(pid)), "本页二维码（用于海报）"))
    return (
        '<h2 id="qr">扫码购买</h2>\n<p data-search-exclude>用手机扫描二维码，或长按识别。每个码下方是它的网址。</p>\n'
        # Addresses are not worth searching, and segmenting them is slow.
        '<div class="hl-qr-grid" data-search-exclude>\n' + "\n".join(figures) + "\n</div>"
    )


def product_outputs(site: Site, pictures: Mapping[str, Picture] | None = None) -> Iterator[Output]:
    """Everything one product brings: its page, go/ pages, QR files, GS1 Digital Link."""
    go = GoPages()
    for pid, p in site.records.products.items():
        yield Output(f"products/{pid}.md", product_page(site, pid, pictures), page=True)
        price = f"{money(p.price.amount, p.price.currency)} / {p.price.unit}" if p.price else ""
        for b in p.purchase:
            label = site.channels[b.channel].label
            yield Output(
                f"{go_url(pid, b.channel)}index.html",
                go.page(target=b.url, title=f"{p.name} · {label}", note=f"正在前往{label}购买「{p.name}」……",
                        name=p.name, price=price, shop=label, policy=policy_attr(site.channels[b.channel].in_app),
                        share_code=b.share_code),
            )
            yield Output(
                f"qr/{pid}/{b.channel}.svg", qr_svg_file(site.absolute(go_url(pid, b.channel)), f"{p.name} · {label}")
            )
        yield Output(f"qr/{pid}/page.svg", qr_svg_file(site.absolute(product_url(pid)), p.name))
        if p.gtin:
            link = f"01/{gtin14(p.gtin)}/"
            yield Output(
                f"{link}index.html",
                go.page(target=rel(link, product_url(pid)), title=p.name, note=f"「{p.name}」的产品页"),
            )


def card_data(site: Site, here: str, pids: list[str]) -> list[dict[str, str]]:
    """Product cards for the `cards` macro (theme/partials/hl/macros.html)."""
    out = []
    for pid in pids:
        p = site.records.products[pid]
        out.append({"href": rel(here, product_url(pid)), "name": p.name,
                    "place": f"{p.origin.province} {p.origin.county}", "category": site.category(p.category),
                    "summary": p.summary})
    return out


def card(site: Site, here: str, pid: str) -> str:
    p = site.records.products[pid]
    return (
        f'<li class="hl-card"><a href="{rel(here, product_url(pid))}"><strong>{e(p.name)}</strong></a>'
        f'<span class="hl-card__meta">{e(p.origin.province)} {e(p.origin.county)} · {e(site.category(p.category))}</span>'
        f"<span>{e(p.summary)}</span></li>"
    )


def cards(site: Site, here: str, pids: list[str]) -> str:
    if not pids:
        return "<p>暂无产品。</p>"
    # Cards repeat what each product page says: searching them would list a product many times.
    return '<ul class="hl-cards" data-search-exclude>\n' + "\n".join(card(site, here, pid) for pid in pids) + "\n</ul>"


def index_outputs(site: Site) -> Iterator[Output]:
    """The product index, the place pages (province and county) and the campaign index."""
    pids = site.products_by_place()
    here = "products/"
    yield Output(
        "products/index.md",
        front_matter(title="全部产品")
        + "# 全部产品\n\n"
        + f"共 {len(pids)} 件产品，按产地排列。\n\n"
        + cards(site, here, pids)
        + "\n",
        page=True,
        in_nav=True,
    )
    by_province: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for pid in pids:
        o = site.records.products[pid].origin
        by_province[o.province][o.county].append(pid)
    lines = [front_matter(title="产地"), "# 产地\n", '<ul class="hl-places">']
    for province in by_province:  # in the order of products_by_place
        counties = by_province[province]
        links = "、".join(f'<a href="{rel("places/", place_url(province, c))}">{e(c)}</a>' for c in counties)
        lines.append(
            f'<li><a href="{rel("places/", place_url(province))}"><strong>{e(province)}</strong></a>：{links}</li>'
        )
        yield Output(f"places/{segment(province)}/index.md", _province_page(site, province, counties), page=True)
        for county, cpids in counties.items():
            url = place_url(province, county)
            yield Output(
                f"{url}index.md",
                front_matter(title=e(f"{province} {county}"))
                + f"<h1>{e(province)} {e(county)}</h1>\n\n"
                + f'<p><a href="{rel(url, place_url(province))}">{e(province)}</a> · '
                + f"{len(cpids)} 件产品</p>\n\n"
                + cards(site, url, cpids)
                + "\n",
                page=True,
            )
    lines.append("</ul>")
    yield Output("places/index.md", "\n".join(lines) + "\n", page=True, in_nav=True)


def _province_page(site: Site, province: str, counties: dict[str, list[str]]) -> str:
    url = place_url(province)
    out = [front_matter(title=e(province)), f"<h1>{e(province)}</h1>\n"]
    for county in counties:
        out.append(f'<h2><a href="{rel(url, place_url(province, county))}">{e(county)}</a></h2>\n')
        out.append(cards(site, url, counties[county]) + "\n")
    return "\n".join(out)


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
