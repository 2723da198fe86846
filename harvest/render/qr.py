"""QR codes as SVG, with segno.

Why segno and not qrcode: measured for this project, qrcode 8.2's path SVG is 8.6 KB a code
and repeats `id="qr-path"` when several codes are inlined in one page (invalid HTML), while
segno writes 1.9 KB, 1.6x faster, with no ids. Every code uses error correction M or better
(segno raises it when that costs no extra size) and a 4-module quiet zone.

Every code uses the same data mask. Letting segno score all eight masks and keep the best
costs 3.8 ms a code against 0.7 ms (measured here, 200 product URLs): most of the build time
of a large site. Any mask gives a valid code; the tests decode every published code with
zxing-cpp, from the SVG files and from a Chromium screenshot of the page.
"""

from __future__ import annotations

import functools
from html import escape

import segno

from harvest.load.cache import Cache

QUIET_ZONE = 4  # modules; ISO/IEC 18004 asks for 4
MASK = 0  # the data mask of every code (see above)
FILE_SCALE = 10  # px a module in the print files


# The same address is drawn several times a build (inline in its page, as a print file, on
# the label sheet and the poster): it is encoded and drawn once, as the inline SVG, and the
# print file is made from that drawing (segno writes the same path for both, the file's only
# scaled); the label is added after. Across builds the drawing comes from the build cache.
@functools.lru_cache(maxsize=4096)
def _drawn(data: str) -> str:
    code = segno.make(data, error="m", micro=False, boost_error=True, mask=MASK)
    return code.svg_inline(
        border=QUIET_ZONE, omitsize=True, light="#fff", dark="#000", svgclass="qr", lineclass=None, title=None
    )


def _inline(data: str, cache: Cache | None) -> str:
    if cache is None or not cache.enabled:  # --no-cache: drawn once a build all the same
        return _drawn(data)
    # The cache keeps the drawing for this build: not a second copy in _drawn's own memory.
    return cache.made("qr", (data,), lambda: _drawn.__wrapped__(data).encode(), keep=True).decode()


def qr_svg_inline(data: str, label: str, cache: Cache | None = None) -> str:
    """An SVG element to put in a page: scales with CSS, white quiet zone, accessible name."""
    return _inline(data, cache).replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def qr_svg_file(data: str, label: str, cache: Cache | None = None) -> bytes:
    """A standalone SVG file for print shops: 10 px a module, with its own title (the bytes
    segno's own SVG file writer gives, tests/test_qr.py checks)."""
    svg = _inline(data, cache)
    head = svg.index(">") + 1
    size = int(svg[svg.index('viewBox="0 0 ') + 13 : head].split(" ", 1)[0]) * FILE_SCALE
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">'
        f"<title>{escape(label, quote=False)}</title>"
        f'<g transform="scale({FILE_SCALE})">{svg[head : -len("</svg>")]}</g></svg>\n'
    ).encode()
