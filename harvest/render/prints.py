"""Pages made to be printed: the A4 sheet of QR labels and each product's A4 poster.

Both are Markdown pages rendered with `theme/print.html` (no header, navigation or scripts)
and printed with the print rules in `harvest.css`. They are kept out of the search index
and marked `noindex`: they repeat what the product pages say.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from harvest.load.inapp import APPS, copies
from harvest.render.html import e, front_matter, rel
from harvest.render.images import Picture, picture_html
from harvest.render.products import product_url
from harvest.render.qr import qr_svg_inline
from harvest.site import Output, Site
from harvest.vocabulary import money

LABELS_URL = "labels/"
# 3 columns × 7 rows of 70 × 39.5 mm fill an A4 page inside 10 mm / 5 mm margins.
LABELS_PER_SHEET = 21
_PRINT_META = {"template": "print.html", "search": {"exclude": True}, "hide": ["navigation", "toc"]}


def poster_url(pid: str) -> str:
    return product_url(pid) + "poster/"


def short_url(url: str) -> str:
    """An address as printed under a code: without `https://` and the last slash."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")


def share_codes(site: Site, pid: str) -> list[tuple[str, str, list[str]]]:
    """(shop label, share code, apps) for each purchase link with a share code whose channel
    offers it to copy in some in-app browser: printed beside the QR code, for typing in."""
    out = []
    for buy in site.records.products[pid].purchase:
        channel = site.channels[buy.channel]
        apps = copies(channel.in_app)
        if buy.share_code and apps:
            out.append((channel.label, buy.share_code, [APPS[a] for a in apps]))
    return out


def _label(site: Site, pid: str) -> str:
    p = site.records.products[pid]
    url = site.absolute(product_url(pid))
    codes = "".join(
        f'<span class="hl-label__code">{e(shop)}口令 {e(code)}</span>' for shop, code, _ in share_codes(site, pid)
    )
    return (
        '<div class="hl-label">'
        + qr_svg_inline(url, f"{p.name} 产品页二维码：{url}")
        + f'<div class="hl-label__text"><strong class="hl-label__name">{e(p.name)}</strong>'
        + f'<span class="hl-label__place">{e(p.origin.province)} {e(p.origin.county)}</span>'
        + f'<span class="hl-label__url">{e(short_url(url)).replace("/", "/<wbr>")}</span>{codes}</div></div>'
    )


def labels_page(site: Site) -> str:
    """`labels/`: every product's QR label, 21 to an A4 sheet, ordered like the product index."""
    pids = site.products_by_place()
    sheets = [pids[i : i + LABELS_PER_SHEET] for i in range(0, len(pids), LABELS_PER_SHEET)]
    out = [
        front_matter(title="二维码标签（A4 打印）", hl_print="labels", **_PRINT_META),
        '<div class="hl-print-intro hl-noprint">',
        "<h1>二维码标签</h1>",
        f"<p>共 {len(pids)} 件产品、{len(pids)} 张标签，每页 A4 排 {LABELS_PER_SHEET} 张（3 列 × 7 行，"
        "每张 70 × 39.5 毫米）。扫码打开产品页。</p>",
        "<p>打印时请选择：A4 纸、缩放 100%（实际大小）、不打印页眉和页脚。</p>",
        f'<p><a href="{rel(LABELS_URL, "products/")}">返回全部产品</a></p>',
        "</div>",
        "",
    ]
    if not pids:
        out.append("<p>暂无产品。</p>")
    for number, sheet in enumerate(sheets, 1):
        out.append(f'<section class="hl-sheet" aria-label="第 {number} 页标签">')
        out.extend(_label(site, pid) for pid in sheet)
        out.append("</section>")
    return "\n".join(out) + "\n"


def poster_page(site: Site, pid: str, pictures: Mapping[str, Picture] | None = None) -> str:
    """`products/<id>/poster/`: one A4 page with the name, a one-line story and a large QR code."""
    p = site.records.products[pid]
    here = poster_url(pid)
    url = site.absolute(product_url(pid))
    o = p.origin
    place = " · ".join(e(x) for x in (o.province, o.county, o.town, o.village) if x)
    picture = (pictures or {}).get(p.images[0]) if p.images else None
    out = [
        front_matter(title=e(f"{p.name} · 海报"), description=e(p.summary), hl_print="poster", **_PRINT_META),
        '<div class="hl-print-intro hl-noprint">',
        f'<p><a href="{rel(here, product_url(pid))}">返回「{e(p.name)}」产品页</a></p>',
        "<p>用浏览器的“打印”把本页打印在一张 A4 纸上（缩放 100%，不打印页眉和页脚）。</p>",
        "</div>",
        '<article class="hl-poster">',
        f"<h1 class=\"hl-poster__name\">{e(p.name)}</h1>",
        f'<p class="hl-poster__place">{place} · {e(p.producer)}</p>',
        f'<p class="hl-poster__story">{e(p.summary)}</p>',
    ]
    if picture is not None:
        out.append(f'<div class="hl-poster__image">{picture_html(picture, here, p.name, lazy=False)}</div>')
    if p.price is not None:
        out.append(f'<p class="hl-poster__price">参考价 <strong>{e(money(p.price.amount, p.price.currency))}</strong>'
                   f" / {e(p.price.unit)}</p>")
    out += [
        '<figure class="hl-poster__qr">',
        qr_svg_inline(url, f"{p.name} 产品页二维码：{url}"),
        f'<figcaption><strong>扫码查看产品故事、产地和购买渠道</strong><br><span class="hl-poster__url">'
        f"{e(short_url(url))}</span>"
        + "".join(
            f'<br><span class="hl-poster__code">在{e("、".join(apps))}里：复制{e(shop)}口令'
            f" <strong>{e(code)}</strong>，打开{e(shop)} App</span>"
            for shop, code, apps in share_codes(site, pid)
        )
        + "</figcaption>",
        "</figure>",
        "</article>",
    ]
    return "\n".join(out) + "\n"


def print_outputs(site: Site, pictures: Mapping[str, Picture] | None = None) -> Iterator[Output]:
    """The label sheet and every product's poster."""
    yield Output(f"{LABELS_URL}index.md", labels_page(site), page=True)
    for pid in site.records.products:
        yield Output(f"{poster_url(pid)}index.md", poster_page(site, pid, pictures), page=True)
