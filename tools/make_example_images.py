"""Draw the illustrative example images of the example products.

Each product gets one simple picture: a soft gradient, a few shapes that suggest the
product, and a small "示例图片 EXAMPLE" mark, so nobody mistakes it for a photograph.
The drawing is deterministic; run it again to re-make the files:

    .venv/bin/python tools/make_example_images.py            # writes content/images/*.jpg
    .venv/bin/python tools/make_example_images.py --out /tmp/images
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 800
SCALE = 2  # draw at twice the size, then shrink: smooth edges without anti-aliasing support
QUALITY = 80

RGB = tuple[int, int, int]
Point = tuple[float, float]

# 示例图片 as strokes on a 10 × 10 grid: Pillow's default font has no Chinese glyphs.
GLYPHS: dict[str, list[list[Point]]] = {
    "示": [
        [(2.5, 1), (7.5, 1)],
        [(1, 3.6), (9, 3.6)],
        [(5, 3.6), (5, 9.3), (4, 8.6)],
        [(3, 5.6), (1.6, 7.8)],
        [(7, 5.6), (8.5, 7.8)],
    ],
    "例": [
        [(2.1, 0.5), (0.5, 4)],
        [(1.4, 2.6), (1.4, 9.5)],
        [(2.8, 1.3), (6.2, 1.3)],
        [(4.4, 1.3), (3.2, 4.2)],
        [(3.6, 3.1), (5.8, 3.1), (3.1, 9.2)],
        [(4.2, 5.6), (5.3, 6.7)],
        [(7.2, 2.5), (7.2, 7)],
        [(9, 0.8), (9, 9.4), (8.3, 8.9)],
    ],
    "图": [
        [(1, 1), (9, 1), (9, 9.4), (1, 9.4), (1, 1)],
        [(4.4, 2.2), (2.6, 4.4)],
        [(3.8, 3), (7, 3), (2.8, 6.4)],
        [(4.6, 4.2), (7.6, 6.3)],
        [(4.3, 6.6), (5.6, 7.2)],
        [(4, 7.9), (5.9, 8.5)],
    ],
    "片": [
        [(3, 0.8), (3, 5.2), (1.4, 9.5)],
        [(6, 0.5), (6, 3)],
        [(3, 3), (8.6, 3)],
        [(3, 5.6), (7, 5.6), (7, 9.5)],
    ],
}


def gradient(top: RGB, bottom: RGB) -> Image.Image:
    """A vertical gradient the size of the drawing canvas."""
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    column = Image.new("RGB", (1, h))
    for y in range(h):
        t = y / (h - 1)
        column.putpixel((0, y), mix(top, bottom, t))
    return column.resize((w, h))


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour a fraction t of the way from a to b."""
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t),
            round(a[2] + (b[2] - a[2]) * t))


def s(v: float) -> int:
    """A coordinate of the 1200 × 800 design grid on the canvas."""
    return round(v * SCALE)


def circle(d: ImageDraw.ImageDraw, x: float, y: float, r: float, fill: RGB) -> None:
    d.ellipse((s(x - r), s(y - r), s(x + r), s(y + r)), fill=fill)


def leaf(d: ImageDraw.ImageDraw, x: float, y: float, length: float, angle: float,
         fill: RGB, width: float = 0.38) -> None:
    """A pointed leaf from (x, y), `angle` degrees from the x axis, with a midrib."""
    a = math.radians(angle)
    pts = []
    for side, steps in ((1, range(21)), (-1, range(20, -1, -1))):
        for i in steps:
            u = i / 20
            along = length * u
            across = side * length * width * math.sin(math.pi * u) / 2
            pts.append((s(x + along * math.cos(a) - across * math.sin(a)),
                        s(y + along * math.sin(a) + across * math.cos(a))))
    d.polygon(pts, fill=fill)
    d.line([(s(x), s(y)), (s(x + length * 0.9 * math.cos(a)), s(y + length * 0.9 * math.sin(a)))],
           fill=mix(fill, (255, 255, 255), 0.35), width=s(2))


def fruit(d: ImageDraw.ImageDraw, x: float, y: float, r: float, body: RGB,
          leaf_colour: RGB | None = (70, 140, 60)) -> None:
    """A round fruit with a soft shadow, a highlight and, optionally, a leaf."""
    circle(d, x + r * 0.08, y + r * 0.1, r, mix(body, (60, 40, 20), 0.35))
    circle(d, x, y, r, body)
    circle(d, x - r * 0.35, y - r * 0.35, r * 0.28, mix(body, (255, 255, 255), 0.35))
    if leaf_colour:
        leaf(d, x + r * 0.05, y - r * 0.92, r * 0.7, -35, leaf_colour)


def hills(d: ImageDraw.ImageDraw, colour: RGB, base: float = 620) -> None:
    """Two soft hills along the bottom edge."""
    d.ellipse((s(-200), s(base), s(700), s(base + 500)), fill=colour)
    d.ellipse((s(450), s(base + 40), s(1500), s(base + 560)), fill=mix(colour, (0, 0, 0), 0.08))


def draw_oranges(d: ImageDraw.ImageDraw) -> None:
    hills(d, (150, 190, 120))
    for x, y, r in [(380, 470, 120), (600, 420, 140), (830, 480, 115), (500, 600, 100),
                    (730, 610, 105)]:
        fruit(d, x, y, r, (242, 140, 30))


def draw_apples(d: ImageDraw.ImageDraw) -> None:
    hills(d, (200, 170, 120))
    for x, y, r in [(400, 470, 125), (640, 430, 140), (880, 490, 115), (530, 620, 100),
                    (760, 630, 100)]:
        fruit(d, x, y, r, (200, 40, 45), leaf_colour=None)
        d.line([(s(x), s(y - r * 0.8)), (s(x + 12), s(y - r - 30))], fill=(95, 60, 30), width=s(7))
        leaf(d, x + 8, y - r - 10, r * 0.55, -20, (80, 150, 60))


def flower(d: ImageDraw.ImageDraw, x: float, y: float, r: float, petal: RGB) -> None:
    """A gerbera: a stem, a ring of long petals and a dark centre."""
    d.line([(s(x), s(y)), (s(x + 20), s(800))], fill=(70, 130, 60), width=s(10))
    for i in range(22):
        a = math.radians(i * 360 / 22)
        px, py = x + math.cos(a) * r * 0.55, y + math.sin(a) * r * 0.55
        pts = []
        for k in range(16):
            b = math.radians(k * 360 / 16)
            ex, ey = math.cos(b) * r * 0.5, math.sin(b) * r * 0.13
            pts.append((s(px + ex * math.cos(a) - ey * math.sin(a)),
                        s(py + ex * math.sin(a) + ey * math.cos(a))))
        d.polygon(pts, fill=mix(petal, (255, 255, 255), 0.15 * (i % 2)))
    circle(d, x, y, r * 0.28, (120, 80, 30))
    circle(d, x, y, r * 0.16, (70, 45, 20))


def draw_gerberas(d: ImageDraw.ImageDraw) -> None:
    for x, y, r, c in [(330, 380, 170, (235, 70, 80)), (620, 300, 190, (250, 190, 40)),
                       (900, 400, 165, (240, 120, 170)), (480, 560, 140, (250, 130, 40)),
                       (770, 590, 140, (220, 50, 90))]:
        flower(d, x, y, r, c)


def draw_sugar(d: ImageDraw.ImageDraw) -> None:
    for x in range(120, 1150, 170):  # sugar cane in the background
        d.line([(s(x), s(800)), (s(x + 30), s(80))], fill=(185, 200, 140), width=s(14))
    d.ellipse((s(250), s(560), s(950), s(720)), fill=(200, 160, 110))
    for x, y, size in [(380, 470, 150), (560, 450, 160), (750, 480, 150), (470, 320, 150),
                       (660, 310, 155)]:
        d.rounded_rectangle((s(x), s(y), s(x + size), s(y + size)), radius=s(22),
                            fill=(120, 60, 30))
        d.rounded_rectangle((s(x + 18), s(y + 14), s(x + size * 0.55), s(y + 40)), radius=s(10),
                            fill=(160, 95, 55))


def draw_tea(d: ImageDraw.ImageDraw) -> None:
    hills(d, (150, 190, 130), base=640)
    for i, (x, y, ang) in enumerate([(250, 420, -60), (330, 380, -25), (300, 470, 10),
                                     (850, 380, -150), (930, 420, -110), (880, 480, 170)]):
        leaf(d, x, y, 160, ang, (60 + 10 * i, 140, 70))
    cup, rim = (120, 165, 150), (150, 190, 175)
    d.arc((s(715), s(470), s(835), s(590)), -80, 80, fill=cup, width=s(18))
    d.chord((s(430), s(280), s(770), s(680)), 0, 180, fill=cup)
    d.ellipse((s(430), s(445), s(770), s(515)), fill=rim)
    d.ellipse((s(450), s(455), s(750), s(505)), fill=(200, 195, 110))
    d.ellipse((s(470), s(660), s(730), s(700)), fill=(90, 130, 80))


def mushroom(d: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    d.rounded_rectangle((s(x - r * 0.28), s(y - r * 0.1), s(x + r * 0.28), s(y + r * 1.1)),
                        radius=s(r * 0.15), fill=(235, 220, 195))
    d.chord((s(x - r), s(y - r * 0.8), s(x + r), s(y + r * 0.5)), 180, 360, fill=(130, 80, 45))
    for dx, dy in [(-0.45, -0.35), (0.1, -0.55), (0.5, -0.25)]:
        circle(d, x + dx * r, y + dy * r, r * 0.08, (200, 170, 130))


def draw_mushrooms(d: ImageDraw.ImageDraw) -> None:
    hills(d, (150, 120, 80), base=600)
    d.rounded_rectangle((s(150), s(560), s(1050), s(640)), radius=s(30), fill=(110, 80, 50))
    for x, y, r in [(330, 430, 140), (580, 380, 170), (840, 440, 140), (460, 520, 90),
                    (720, 530, 95)]:
        mushroom(d, x, y, r)


def draw_sweet_potato(d: ImageDraw.ImageDraw) -> None:
    for x, y, w, h in [(170, 520, 260, 120), (880, 540, 240, 110), (820, 430, 220, 100)]:
        d.ellipse((s(x), s(y), s(x + w), s(y + h)), fill=(165, 70, 85))
        d.ellipse((s(x + 30), s(y + 15), s(x + w * 0.5), s(y + 40)), fill=(190, 100, 110))
    d.chord((s(380), s(300), s(820), s(700)), 0, 180, fill=(70, 110, 150))
    d.ellipse((s(380), s(470), s(820), s(540)), fill=(90, 130, 170))
    d.chord((s(420), s(400), s(780), s(560)), 180, 360, fill=(225, 215, 200))


def mooncake(d: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    for i in range(16):
        a = math.radians(i * 360 / 16)
        circle(d, x + math.cos(a) * r * 0.9, y + math.sin(a) * r * 0.9, r * 0.2, (190, 120, 50))
    circle(d, x, y, r * 0.95, (215, 150, 70))
    d.ellipse((s(x - r * 0.7), s(y - r * 0.7), s(x + r * 0.7), s(y + r * 0.7)),
              outline=(170, 100, 40), width=s(6))
    for i in range(8):
        a = math.radians(i * 45)
        circle(d, x + math.cos(a) * r * 0.4, y + math.sin(a) * r * 0.4, r * 0.09, (180, 110, 45))
    circle(d, x, y, r * 0.14, (180, 110, 45))


def draw_mooncakes(d: ImageDraw.ImageDraw) -> None:
    d.ellipse((s(200), s(540), s(1000), s(740)), fill=(150, 40, 40))
    mooncake(d, 440, 460, 170)
    mooncake(d, 760, 480, 150)
    d.ellipse((s(880), s(250), s(1080), s(390)), fill=(245, 180, 40))
    leaf(d, 1060, 300, 110, -40, (80, 150, 60))


def draw_apricots(d: ImageDraw.ImageDraw) -> None:
    hills(d, (215, 185, 120))
    for x, y, r in [(380, 480, 110), (590, 440, 125), (810, 490, 105), (490, 610, 95),
                    (700, 620, 95)]:
        fruit(d, x, y, r, (250, 175, 50))
        circle(d, x + r * 0.35, y + r * 0.2, r * 0.35, (240, 130, 60))


def draw_zigui(d: ImageDraw.ImageDraw) -> None:
    d.polygon([(s(0), s(560)), (s(1200), s(520)), (s(1200), s(620)), (s(0), s(650))],
              fill=(110, 160, 190))
    d.polygon([(s(0), s(560)), (s(250), s(200)), (s(480), s(560))], fill=(110, 150, 100))
    d.polygon([(s(760), s(530)), (s(1000), s(160)), (s(1200), s(520))], fill=(95, 140, 95))
    for x, y, r in [(450, 610, 110), (650, 580, 125), (850, 630, 105)]:
        fruit(d, x, y, r, (240, 130, 25))


def stamp(img: Image.Image) -> None:
    """The "示例图片 EXAMPLE" mark in the lower right corner."""
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(overlay)
    font = ImageFont.load_default(size=s(22))
    cell, gap = s(24), s(6)
    x0, y0 = s(WIDTH - 300), s(HEIGHT - 62)
    text_x = x0 + 4 * (cell + gap) + s(12)
    right = text_x + font.getlength("EXAMPLE") + s(18)
    d.rounded_rectangle((x0 - s(18), y0 - s(14), right, y0 + cell + s(14)), radius=s(12),
                        fill=(255, 255, 255, 190))
    for n, ch in enumerate("示例图片"):
        ox = x0 + n * (cell + gap)
        for stroke in GLYPHS[ch]:
            d.line([(ox + px / 10 * cell, y0 + py / 10 * cell) for px, py in stroke],
                   fill=(60, 60, 60, 255), width=s(2.4), joint="curve")
    d.text((text_x, y0 + cell / 2), "EXAMPLE", font=font,
           fill=(60, 60, 60, 255), anchor="lm")
    img.alpha_composite(overlay)


PICTURES: dict[str, tuple[RGB, RGB, Callable[[ImageDraw.ImageDraw], None]]] = {
    "baojing-navel-orange": ((255, 236, 205), (250, 210, 160), draw_oranges),
    "wanrong-apple": ((235, 242, 250), (250, 225, 205), draw_apples),
    "shanghe-gerbera": ((250, 240, 245), (225, 240, 225), draw_gerberas),
    "xinping-brown-sugar": ((250, 238, 215), (235, 205, 165), draw_sugar),
    "shiqian-green-tea": ((230, 245, 235), (245, 250, 235), draw_tea),
    "fangxian-shiitake": ((235, 240, 225), (225, 210, 185), draw_mushrooms),
    "jianshi-sweet-potato-powder": ((245, 238, 230), (230, 220, 235), draw_sweet_potato),
    "tiandong-mango-mooncake": ((250, 235, 205), (240, 200, 160), draw_mooncakes),
    "yanchuan-apricot": ((240, 245, 250), (250, 230, 190), draw_apricots),
    "zigui-navel-orange": ((225, 238, 250), (240, 235, 215), draw_zigui),
}


def render(product_id: str) -> Image.Image:
    """The finished 1200 × 800 picture of one product."""
    top, bottom, draw = PICTURES[product_id]
    img = gradient(top, bottom).convert("RGBA")
    draw(ImageDraw.Draw(img))
    stamp(img)
    return img.convert("RGB").resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("content/images"),
                        help="folder to write <product-id>.jpg into")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for product_id in PICTURES:
        path = args.out / f"{product_id}.jpg"
        render(product_id).save(path, "JPEG", quality=QUALITY, optimize=True)
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
