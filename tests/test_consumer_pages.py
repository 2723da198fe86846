"""Resized pictures, JSON-LD / Open Graph data and the print pages, without a browser."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re

import pytest
import yaml
from PIL import Image

from harvest import THEME
from harvest.load import inputs
from harvest.render import images, prints, seo, templates
from harvest.site import load_site
from tests.qrread import decode_svg, inline_svgs
from tests.sitekit import PRODUCT, TinySite


def _site(tiny: TinySite):  # type: ignore[no-untyped-def]
    config = yaml.safe_load((tiny.path / "mkdocs.yml").read_text(encoding="utf-8"))
    site, problems = load_site(tiny.path, tiny.path / "content", config["site_url"], config["extra"])
    assert problems == []
    return site


def _jpeg(size: tuple[int, int], color: tuple[int, int, int] = (200, 120, 40), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", **save)  # type: ignore[arg-type]
    return out.getvalue()


def _noisy(size: tuple[int, int]) -> Image.Image:
    import random

    rnd = random.Random(3)
    return Image.frombytes("RGB", size, rnd.randbytes(size[0] * size[1] * 3))


@pytest.mark.parametrize(
    ("size", "widths"),
    [((1600, 1067), [480, 800]), ((800, 600), [480, 800]), ((640, 480), [480, 640]), ((300, 200), [300])],
)
def test_plan_never_upscales(size: tuple[int, int], widths: list[int]) -> None:
    pic = images.plan("images/a b.jpg", *size)
    assert sorted({v.width for v in pic.variants}) == widths
    assert {v.ext for v in pic.variants} == {"webp", "jpg"}
    for v in pic.variants:
        assert v.url == f"img/images/a b-{v.width}w.{v.ext}"
        assert abs(v.height - size[1] * v.width / size[0]) <= 0.5
    assert pic.largest().width == widths[-1] and pic.largest().ext == "jpg"


def test_encode_keeps_quality_for_plain_pictures_and_squeezes_detailed_ones() -> None:
    plain = Image.new("RGB", (800, 533), (30, 140, 60))
    noisy = _noisy((800, 533))
    for ext in ("webp", "jpg"):
        budget = 800 * 533 * images.BITS_PER_PIXEL[ext] / 8
        assert len(images.encode(plain, ext)) <= budget
        squeezed = images.encode(noisy, ext)
        assert squeezed == images.encode(noisy, ext)  # deterministic
        # pure noise cannot fit; it gets the last (smallest) step rather than the first
        first = io.BytesIO()
        noisy.save(first, "WEBP" if ext == "webp" else "JPEG", quality=images.QUALITIES[0])
        assert len(squeezed) < len(first.getvalue())


def test_resize_turns_phone_photos_upright_and_drops_metadata() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90° to show
    data = _jpeg((1200, 900), exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as im:
        pic = images.plan("p.jpg", *inputs.oriented(im, im.width, im.height))
    assert (pic.width, pic.height) == (900, 1200)
    outs = {o.src_uri: o.content for o in images.resize(data, pic)}
    assert set(outs) == {v.url for v in pic.variants}
    for v in pic.variants:
        with Image.open(io.BytesIO(outs[v.url])) as im:  # type: ignore[arg-type]
            assert im.size == (v.width, v.height)
            assert not im.getexif()


def test_transparent_png_gets_a_white_background() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (600, 400), (0, 0, 0, 0)).save(out, "PNG")
    pic = images.plan("t.png", 600, 400)
    first = next(iter(images.resize(out.getvalue(), pic)))
    with Image.open(io.BytesIO(first.content)) as im:  # type: ignore[arg-type]
        assert im.convert("RGB").getpixel((10, 10)) == (255, 255, 255)


def _picture(data: dict[str, object]) -> str:
    """The `picture` macro of theme/partials/hl/macros.html, filled with `data`."""
    macros = templates.environment((THEME,)).get_template("partials/hl/macros.html").module
    return str(macros.picture(data))  # type: ignore[attr-defined]


def test_picture_markup_offers_webp_then_jpeg() -> None:
    pic = images.plan("images/o.jpg", 1600, 1000)
    markup = _picture(images.picture_data(pic, "products/x/", 'A & "B" <img src=x onerror=alert(1)>'))
    assert markup.startswith("<picture>") and markup.endswith("</picture>")
    assert '<source type="image/webp" srcset="../../img/images/o-480w.webp 480w, ../../img/images/o-800w.webp 800w"' in markup
    assert 'src="../../img/images/o-800w.jpg"' in markup and 'width="800" height="500"' in markup
    assert 'srcset="../../img/images/o-480w.jpg 480w, ../../img/images/o-800w.jpg 800w"' in markup
    assert 'alt="A &amp; &#34;B&#34; &lt;img src=x onerror=alert(1)&gt;"' in markup and 'loading="lazy"' in markup
    assert 'loading="eager"' in _picture(images.picture_data(pic, "products/x/poster/", "x", lazy=False))
    # without resized copies, the original
    plain = _picture(images.picture_data(None, "products/x/", "x", "images/o.jpg"))
    assert plain == '<img src="../../images/o.jpg" alt="x" loading="lazy">'


def test_a_file_that_is_not_a_picture_is_reported(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("content/images/bad.jpg", b"not a picture")
    tiny.write("products/test-orange.yml", PRODUCT + "images: [images/bad.jpg]\n")
    result = tiny.build()
    assert result.code == 1 and "Traceback" not in result.err
    assert 'ERROR: products/test-orange.yml, line 14: field "images[0]"' in result.err
    assert "JPEG, PNG or WebP picture that opens" in result.err and "images/bad.jpg" in result.err


def test_product_json_ld_and_open_graph(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("content/images/o.jpg", _jpeg((1600, 1067)))
    tiny.write("products/test-orange.yml", PRODUCT + 'gtin: "6901234567892"\nimages: [images/o.jpg]\n')
    site = _site(tiny)
    pics = images.pictures(site, tiny.path / "content")
    data = seo.product_jsonld(site, "test-orange", pics)
    base = "https://harvest.example.org/sub/"
    assert data["@type"] == "Product" and data["name"] == "测试脐橙" and data["description"] == "一个测试用的产品。"
    assert data["brand"] == {"@type": "Organization", "name": "测试合作社"}
    assert data["gtin"] == "06901234567892"
    assert data["image"] == [base + "img/images/o-800w.jpg"]
    assert [(o["url"], o["price"], o["priceCurrency"], o["availability"]) for o in data["offers"]] == [
        (base + "go/test-orange/jd/", "39.90", "CNY", "https://schema.org/InStock"),
        (base + "go/test-orange/pinduoduo/", "39.90", "CNY", "https://schema.org/InStock"),
    ]
    og = dict(seo.product_open_graph(site, "test-orange", pics))
    assert og["og:type"] == "product" and og["og:url"] == base + "products/test-orange/"
    assert og["og:image"] == base + "img/images/o-800w.jpg" and og["og:image:width"] == "800"


def test_built_page_prints_json_ld_and_open_graph_safely(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("content/images/o.jpg", _jpeg((1000, 700)))
    name = "A & B's 脐橙"
    tiny.write(
        "products/test-orange.yml", PRODUCT.replace("name: 测试脐橙", f'name: "{name}"') + "images: [images/o.jpg]\n"
    )
    result = tiny.build()
    assert result.code == 0, result.err
    page = tiny.read("products/test-orange/index.html")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block and "&" not in block.group(1) and "'" not in block.group(1)  # written as \u0026, \u0027
    assert json.loads(block.group(1))["name"] == name
    og = dict(re.findall(r'<meta property="([^"]+)" content="([^"]*)">', page))
    assert html.unescape(og["og:title"]) == name and og["og:title"] == "A &amp; B&#39;s 脐橙"
    assert og["og:image"] == "https://harvest.example.org/sub/img/images/o-800w.jpg"
    assert '<picture><source type="image/webp"' in page
    assert (tiny.path / "site/img/images/o-480w.webp").is_file()
    home = tiny.read("index.html")
    assert '"@type": "Organization"' in home and 'property="og:type" content="website"' in home
    # the search index waits for the reader: Material's worker and index are held back
    assert "hlIndex" in page and "window.Worker = function" in page


def test_resized_pictures_are_byte_identical_between_builds(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("content/images/o.jpg", _jpeg((1600, 1067)))
    tiny.write("products/test-orange.yml", PRODUCT + "images: [images/o.jpg]\n")

    def digest() -> dict[str, str]:
        folder = tiny.path / "site" / "img"
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.*"))}

    assert tiny.build().code == 0
    first = digest()
    assert tiny.build().code == 0
    assert digest() == first and len(first) == 4


def test_label_sheet_and_poster(tiny: TinySite) -> None:
    tiny.with_basics()
    for i in range(22):  # one more than a sheet
        tiny.write(f"products/p-{i:02d}.yml", PRODUCT.replace("测试脐橙", f"产品{i}"))
    site = _site(tiny)
    pages = {o.src_uri: o for o in prints.print_outputs(site)}
    labels = pages["labels/index.md"]
    assert labels.view is not None
    text = templates.render(labels.view)
    assert text.count('<div class="hl-label">') == 23 and text.count('<section class="hl-sheet"') == 2
    svgs = inline_svgs(text)
    assert sorted(decode_svg(s)[0] for s in svgs) == sorted(
        f"https://harvest.example.org/sub/products/{pid}/" for pid in site.records.products
    )
    assert all('aria-label="' in s for s in svgs)
    assert 'template: "print.html"' in str(labels.content) and 'hl_print: "labels"' in str(labels.content)
    assert text.count("/<wbr>") == 23 * 3  # harvest.example.org/<wbr>sub/<wbr>products/<wbr>p-00
    made = pages["products/test-orange/poster/index.md"]
    assert made.view is not None
    poster = str(made.content) + templates.render(made.view)
    assert 'template: "print.html"' in poster and 'hl_print: "poster"' in poster
    assert 'search: {"exclude": true}' in poster
    [svg] = inline_svgs(poster)
    assert decode_svg(svg) == ["https://harvest.example.org/sub/products/test-orange/"]
    assert "一个测试用的产品。" in poster and "¥39.90" in poster
    assert prints.short_url("https://a.example/x/products/p/") == "a.example/x/products/p"


def test_print_pages_are_built_and_kept_out_of_search(tiny: TinySite) -> None:
    tiny.with_basics()
    result = tiny.build()
    assert result.code == 0, result.err
    poster = tiny.read("products/test-orange/poster/index.html")
    assert '<meta name="robots" content="noindex">' in poster and "@page { size: A4" in poster
    assert "bundle." not in poster and 'class="md-header' not in poster  # no scripts, no header
    labels = tiny.read("labels/index.html")
    assert labels.count('class="hl-label"') == 1
    index = json.loads(tiny.read("search/search_index.json"))
    locations = {d["location"] for d in index["docs"]}
    assert "products/test-orange/" in locations
    assert not any(loc.startswith(("labels/", "products/test-orange/poster/")) for loc in locations)
    page = tiny.read("products/test-orange/index.html")
    assert 'href="poster/"' in page


def test_story_pictures_are_published_as_resized_copies(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("content/images/o.jpg", _jpeg((1600, 1067)))
    tiny.write("products/test-orange.yml", PRODUCT + "images: [images/o.jpg]\n")
    big = _noisy((3000, 2000))
    out = io.BytesIO()
    big.save(out, "JPEG", quality=95)
    assert len(out.getvalue()) > 3_000_000  # what a phone camera gives
    tiny.write("content/images/field 1.jpg", out.getvalue())
    tiny.write("content/stories/test-orange.md",
               '果园在山上。\n\n![果园 & "山"](../images/field%201.jpg "秋天")\n')
    result = tiny.build()
    assert result.code == 0, result.err
    page = tiny.read("products/test-orange/index.html")
    story = page[page.index("果园在山上"):]
    tags = re.findall(r"<(?:img|source)\b[^>]*>", story)
    assert tags and not any("images/field%201.jpg" in t or "images/field 1.jpg" in t for t in tags), tags
    img = next(t for t in tags if t.startswith("<img"))
    assert 'src="../../img/images/field%201-800w.jpg"' in img and 'width="800" height="533"' in img
    assert 'loading="lazy"' in img and 'alt="果园 &amp; &#34;山&#34;"' in img
    assert '<source type="image/webp" srcset="../../img/images/field%201-480w.webp 480w, ../../img/images/field%201-800w.webp 800w"' in story
    for w in (480, 800):
        for ext in ("webp", "jpg"):
            copy = tiny.path / "site" / "img" / "images" / f"field 1-{w}w.{ext}"
            assert copy.is_file() and copy.stat().st_size < 200_000


def test_story_pictures_are_found_in_the_markdown() -> None:
    story = ("![a](../images/a.jpg) ![b](<../images/b c.png> \"t\") ![c](https://x.org/c.jpg) "
             "![d](../../outside.jpg) ![e](../images/a.jpg) [not a picture](../images/f.jpg) ![g](../about.md)")
    assert images.story_pictures(story) == ["images/a.jpg", "images/b c.png"]


def test_cards_show_the_smallest_copy_and_qr_codes_open_their_picture(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("content/images/o.jpg", _jpeg((1600, 1067)))
    tiny.write("products/test-orange.yml", PRODUCT + "images: [images/o.jpg]\n")
    assert tiny.build().code == 0
    cards = tiny.read("products/index.html")
    card = cards[cards.index('<li class="hl-card">'):]
    card = card[:card.index("</li>")]
    assert 'src="../img/images/o-480w.jpg"' in card and 'loading="lazy"' in card and "800w" not in card
    page = tiny.read("products/test-orange/index.html")
    zooms = re.findall(r'<a class="hl-qr__zoom" href="([^"]+)"', page)
    assert zooms == ["../../qr/test-orange/jd.svg", "../../qr/test-orange/pinduoduo.svg", "../../qr/test-orange/page.svg"]
    for z in zooms:
        assert (tiny.path / "site" / "qr" / "test-orange" / z.rsplit("/", 1)[1]).is_file()
