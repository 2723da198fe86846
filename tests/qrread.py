"""Reading published QR codes back with a real decoder (zxing-cpp).

The SVGs segno writes are one path of horizontal strokes; drawing those strokes into a
bitmap is enough to hand the exact published code to zxing-cpp, with no SVG renderer.
"""

from __future__ import annotations

import re

import zxingcpp
from PIL import Image, ImageDraw

SVG_RE = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)
VIEWBOX_RE = re.compile(r'viewBox="0 0 (\d+) (\d+)"')
SIZE_RE = re.compile(r'width="(\d+)" height="(\d+)"')
DARK_RE = re.compile(r'<path[^>]*stroke="#000"[^>]*d="([^"]+)"')
TOKEN_RE = re.compile(r"([MmHhVvZz])([^MmHhVvZz]*)")


def svg_to_image(svg: str, scale: int = 8) -> Image.Image:
    """Rasterise a segno SVG (inline or file) into a black-on-white bitmap."""
    box = VIEWBOX_RE.search(svg)
    if box:
        width, height = int(box.group(1)), int(box.group(2))
    else:
        size = SIZE_RE.search(svg)
        assert size, "no size in SVG"
        factor = int(re.search(r"scale\((\d+)\)", svg).group(1)) if "scale(" in svg else 1  # type: ignore[union-attr]
        width, height = int(size.group(1)) // factor, int(size.group(2)) // factor
    image = Image.new("L", (width * scale, height * scale), 255)
    draw = ImageDraw.Draw(image)
    dark = DARK_RE.search(svg)
    assert dark, "no dark path in SVG"
    x = y = 0.0
    for op, args in TOKEN_RE.findall(dark.group(1)):
        nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if op == "M":
            x, y = nums[0], nums[1]
        elif op == "m":
            x, y = x + nums[0], y + nums[1]
        elif op in "hH":
            end = x + nums[0] if op == "h" else nums[0]
            row = int(y - 0.5)
            draw.rectangle([min(x, end) * scale, row * scale, max(x, end) * scale - 1, (row + 1) * scale - 1], fill=0)
            x = end
        elif op in "vV":
            y = y + nums[0] if op == "v" else nums[0]
    return image


def decode_svg(svg: str) -> list[str]:
    """Every QR code's text found in one SVG image."""
    return [r.text for r in zxingcpp.read_barcodes(svg_to_image(svg)) if r.format == zxingcpp.BarcodeFormat.QRCode]


def inline_svgs(html: str) -> list[str]:
    """The inline QR code SVGs of a page."""
    return [s for s in SVG_RE.findall(html) if 'class="qr"' in s]
