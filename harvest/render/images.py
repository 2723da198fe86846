"""Product pictures resized at build time to what a phone needs.

An editor commits whatever the camera gave (often 4000 px and several MB); a shopper on a
slow network should fetch a picture the width of the screen. Each product picture becomes
WebP and JPEG copies 480 and 800 px wide (never wider than the original), served with
`srcset` so that the browser picks one. Output bytes are deterministic: no metadata, fixed
encoder settings, the same Pillow giving the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from PIL import Image, ImageOps

from harvest.i18n import _
from harvest.load import inputs
from harvest.load.cache import Cache
from harvest.problems import Problem, ProblemsFound
from harvest.render.urls import PRODUCTS_URL, rel
from harvest.site import Output, Site

WIDTHS = (480, 800)
FORMATS = (("webp", "image/webp"), ("jpg", "image/jpeg"))
# Wide screens show the picture in the content column (Material's is at most ~40rem there).
SIZES = "(min-width: 60em) 40rem, 100vw"
# Quality is stepped down until a copy fits its byte budget (bits a pixel): a plain picture
# keeps the first quality, a very detailed one (foliage, gravel) is squeezed before it can
# push a product page past its weight budget. The last step is used whatever it weighs.
QUALITIES = (76, 68, 60, 52, 44)
BITS_PER_PIXEL = {"webp": 0.8, "jpg": 1.2}


@dataclass(frozen=True)
class Variant:
    """One resized copy: where it is published, its pixel size and format."""

    url: str
    width: int
    height: int
    ext: str


@dataclass(frozen=True)
class Picture:
    """A product picture (path under content/) and the copies made of it."""

    src: str
    width: int
    height: int
    variants: tuple[Variant, ...]

    def largest(self, ext: str = "jpg") -> Variant:
        """The widest copy in a format (JPEG by default: what sharing apps read)."""
        return max((v for v in self.variants if v.ext == ext), key=lambda v: v.width)


def smallest(picture: Picture) -> Picture:
    """The same picture with only its narrowest copies (a card's thumbnail)."""
    width = min(v.width for v in picture.variants)
    return Picture(picture.src, picture.width, picture.height, tuple(v for v in picture.variants if v.width == width))


def plan(src: str, width: int, height: int) -> Picture:
    """Which copies to make of a `width`×`height` picture at `src` (no upscaling)."""
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    stem = posixpath.splitext(src)[0]
    variants = tuple(
        Variant(f"img/{stem}-{w}w.{ext}", w, max(1, round(height * w / width)), ext)
        for ext, _ in FORMATS
        for w in widths
    )
    return Picture(src, width, height, variants)


def _size(docs_dir: Path, src: str) -> tuple[int, int] | None:
    try:
        return inputs.picture_size(docs_dir, src)
    except inputs.Refused:
        return None


# `![text](path "title")` in a story's Markdown: the path, as written.
_STORY_PICTURE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*(?:<([^>\n]+)>|([^\s)]+))")
_PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def story_pictures(story: str) -> list[str]:
    """The pictures a story shows, by path under content/. A story is rendered as the page
    `products/<id>.md`, so `../images/x.jpg` is `images/x.jpg`; links to other sites and
    paths outside content/ are not pictures of the site."""
    found = []
    for bracketed, plain in _STORY_PICTURE.findall(story):
        written = bracketed or plain
        path = unquote(written.split("#")[0].split("?")[0])
        if ":" in path or path.startswith("/") or not path.lower().endswith(_PICTURE_SUFFIXES):
            continue
        src = posixpath.normpath(posixpath.join(PRODUCTS_URL, path))
        if not src.startswith("../") and src not in found:
            found.append(src)
    return found


def pictures(site: Site, docs_dir: Path) -> dict[str, Picture]:
    """Every product picture and every picture a story shows, by path under content/, with
    the copies to make.

    A file that is not a picture, or too large, gets no copies (records.py refuses a product's
    with its line, from the same `inputs.picture_size`; a story's is published as it is).
    """
    found: dict[str, Picture] = {}
    srcs = [src for product in site.records.products.values() for src in product.images]
    srcs += [src for story in site.stories.values() for src in story_pictures(story)]
    for src in srcs:
        size = None if src in found else _size(docs_dir, src)
        if size is not None:
            found[src] = plan(src, *size)
    return dict(sorted(found.items()))


def resize(data: bytes, picture: Picture) -> Iterator[Output]:
    """The copies of one picture, from the original file's bytes."""
    with Image.open(io.BytesIO(data), formats=inputs.FORMATS) as original:
        # A large JPEG is decoded at 1/2, 1/4 or 1/8 of its size (never below the widest copy):
        # a 64-megapixel photo then takes about 100 MB instead of 800.
        original.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
        im = ImageOps.exif_transpose(original)
        if im.mode in ("RGBA", "LA", "P"):
            im = im.convert("RGBA")
            flat = Image.new("RGB", im.size, (255, 255, 255))
            flat.paste(im, mask=im.getchannel("A"))
            im = flat
        im = im.convert("RGB")
        for v in picture.variants:
            small = im if (v.width, v.height) == im.size else im.resize((v.width, v.height), Image.Resampling.LANCZOS)
            yield Output(v.url, encode(small, v.ext))


def encode(im: Image.Image, ext: str) -> bytes:
    """WebP or JPEG bytes, at the best quality of `QUALITIES` that fits the byte budget."""
    budget = im.width * im.height * BITS_PER_PIXEL[ext] / 8
    data = b""
    for quality in QUALITIES:
        out = io.BytesIO()
        if ext == "webp":
            im.save(out, "WEBP", quality=quality, method=4)
        else:
            im.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        data = out.getvalue()
        if len(data) <= budget:
            break
    return data


def outputs(pics: Mapping[str, Picture], docs_dir: Path, cache: Cache | None = None) -> Iterator[Output]:
    """Every resized copy of every product picture (from the build cache when the same bytes
    were resized before).

    Raises `ProblemsFound` when a picture changed since it was checked and no longer opens.
    """
    for src, picture in pics.items():
        try:
            copies = _copies(inputs.read_bytes(docs_dir, src), picture, cache)
        except inputs.Refused as e:
            raise ProblemsFound([e.problem(_rel(docs_dir, src))]) from None
        except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
            raise ProblemsFound([Problem(_rel(docs_dir, src), None, "", _("a picture that opens"),
                                         _("a file that changed during the build and no longer opens"),
                                         _("build again; if it happens again, save the picture again as JPEG"))]) from None
        yield from copies


def _copies(data: bytes, picture: Picture, cache: Cache | None) -> list[Output]:
    """`resize`, or the copies an earlier build made of the same bytes at the same sizes."""
    if cache is None or not cache.enabled:
        return list(resize(data, picture))
    sizes = " ".join(f"{v.width}x{v.height}.{v.ext}" for v in picture.variants)

    def make() -> bytes:
        made = [out.content for out in resize(data, picture)]
        return b"".join(len(c).to_bytes(8, "big") + c for c in made if isinstance(c, bytes))

    blob = cache.made("picture", (hashlib.sha256(data).digest(), sizes), make)
    copies, at = [], 0
    for v in picture.variants:
        size = int.from_bytes(blob[at : at + 8], "big")
        copies.append(Output(v.url, blob[at + 8 : at + 8 + size]))
        at += 8 + size
    return copies


def _rel(docs_dir: Path, src: str) -> str:
    return f"{docs_dir.name}/{src}"


def picture_data(picture: Picture | None, here: str, alt: str, src: str = "", lazy: bool = True) -> dict[str, Any]:
    """What the `picture` macro (theme/partials/hl/macros.html) shows on the page at `here`:
    WebP where the browser takes it, JPEG otherwise. Without copies (`picture` is None) it is
    the original at `src`.

    `lazy=False` for pages that are printed: a lazy picture may not be loaded in time.
    """
    loading = "lazy" if lazy else "eager"
    if picture is None:
        return {"sources": [], "src": rel(here, src), "alt": alt, "loading": loading}
    srcsets = {ext: ", ".join(f"{rel(here, v.url)} {v.width}w" for v in picture.variants if v.ext == ext)
               for ext, _ in FORMATS}
    last = FORMATS[-1][0]  # the <img> itself: what every browser shows
    fallback = picture.largest(last)
    return {
        "sources": [{"type": mime, "srcset": srcsets[ext]} for ext, mime in FORMATS[:-1]],
        "src": rel(here, fallback.url), "srcset": srcsets[last], "sizes": SIZES, "alt": alt,
        "width": fallback.width, "height": fallback.height, "loading": loading,
    }
