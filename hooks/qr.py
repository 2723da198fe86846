"""QR codes as SVG, with segno.

Why segno and not qrcode: measured for this project, qrcode 8.2's path SVG is 8.6 KB a code
and repeats `id="qr-path"` when several codes are inlined in one page (invalid HTML), while
segno writes 1.9 KB, 1.6x faster, with no ids. Every code uses error correction M or better
(segno raises it when that costs no extra size) and a 4-module quiet zone.
"""

from __future__ import annotations

from html import escape

import segno

QUIET_ZONE = 4  # modules; ISO/IEC 18004 asks for 4


def _code(data: str) -> segno.QRCode:
    return segno.make(data, error="m", micro=False, boost_error=True)


def qr_svg_inline(data: str, label: str) -> str:
    """An SVG element to put in a page: scales with CSS, white quiet zone, accessible name."""
    svg = _code(data).svg_inline(
        border=QUIET_ZONE,
        omitsize=True,
        light="#fff",
        dark="#000",
        svgclass="qr",
        lineclass=None,
        title=None,
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def qr_svg_file(data: str, label: str) -> bytes:
    """A standalone SVG file for print shops: 10 px a module, with its own title."""
    code = _code(data)
    import io

    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=10,
        border=QUIET_ZONE,
        light="#fff",
        dark="#000",
        title=label,
        xmldecl=True,
        svgclass=None,
        lineclass=None,
    )
    return out.getvalue()
