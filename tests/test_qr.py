"""Every QR code the site publishes decodes, with a real decoder, to the address it stands for."""

from __future__ import annotations

import re

import pytest

from harvest.render.qr import qr_svg_file, qr_svg_inline
from tests.qrread import decode_svg, inline_svgs
from tests.sitekit import TinySite


@pytest.mark.parametrize("url", ["https://harvest.example.org/go/a/jd/", "https://x.cn/" + "长" * 40])
def test_inline_and_file_codes_decode(url: str) -> None:
    assert decode_svg(qr_svg_inline(url, "label")) == [url]
    assert decode_svg(qr_svg_file(url, "label").decode()) == [url]


def test_several_codes_on_one_page_have_no_duplicate_ids() -> None:
    page = qr_svg_inline("https://a.example/1", "a") + qr_svg_inline("https://a.example/2", "b")
    assert " id=" not in page


def test_quiet_zone_and_error_correction() -> None:
    svg = qr_svg_inline("https://harvest.example.org/go/a/jd/", "x")
    size = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))  # type: ignore[union-attr]
    assert (size - 8 - 17) % 4 == 0  # 4 modules of quiet zone on each side of a version-N symbol
    assert 'd="M4 4.5' in svg  # the first dark module sits 4 modules in


def test_every_code_on_every_product_page_decodes(tiny: TinySite) -> None:
    tiny.with_basics()
    assert tiny.build().code == 0
    html = tiny.read("products/test-orange/index.html")
    svgs = inline_svgs(html)
    decoded = [decode_svg(s) for s in svgs]
    base = "https://harvest.example.org/sub/"
    assert decoded == [[base + "go/test-orange/jd/"], [base + "go/test-orange/pinduoduo/"],
                       [base + "products/test-orange/"]]
    for channel in ("jd", "pinduoduo"):
        assert decode_svg(tiny.read(f"qr/test-orange/{channel}.svg")) == [base + f"go/test-orange/{channel}/"]
        # the visible text alternative beside each code is the same address
        assert f"<code>{base}go/test-orange/{channel}/</code>" in html
    assert decode_svg(tiny.read("qr/test-orange/page.svg")) == [base + "products/test-orange/"]


def test_the_print_file_is_what_segnos_own_file_writer_gives() -> None:
    """The file is made from the inline drawing (one encoding a code); it must stay the bytes
    segno writes for a file: every QR code of the site, printed or on screen, is the same."""
    import io
    import random
    from html import escape

    import segno

    from harvest.render.qr import MASK, QUIET_ZONE

    rnd = random.Random(7)
    for _ in range(60):
        url = "https://harvest.example.org/" + "".join(rnd.choice("ab长/-_09") for _ in range(rnd.randrange(1, 400)))
        out = io.BytesIO()
        segno.make(url, error="m", micro=False, boost_error=True, mask=MASK).save(
            out, kind="svg", scale=10, border=QUIET_ZONE, light="#fff", dark="#000", title=None, xmldecl=True,
            svgclass=None, lineclass=None)
        svg = out.getvalue().decode()
        head = svg.index(">", svg.index("<svg")) + 1
        label = "<脐橙 & 京东>"
        assert qr_svg_file(url, label) == (svg[:head] + f"<title>{escape(label, quote=False)}</title>"
                                           + svg[head:]).encode()
