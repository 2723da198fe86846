"""Builds with the build cache (.cache/harvest/) give the same bytes as builds without it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from harvest.load.cache import MAGIC, Cache
from harvest.render.qr import _drawn
from tests.qrread import decode_svg
from tests.sitekit import PRODUCT, TinySite

PAGE = "https://harvest.example.org/sub/products/test-orange/"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _entries(tiny: TinySite) -> dict[str, int]:
    """Every cache entry, with the time it was last written."""
    folder = tiny.path / ".cache" / "harvest"
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def pictured(tiny: TinySite, monkeypatch: pytest.MonkeyPatch) -> TinySite:
    """The test product with a picture, a story and a picture in its story."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    tiny.with_basics()
    for name, color in (("o.jpg", (200, 120, 40)), ("s.jpg", (30, 140, 60))):
        out = io.BytesIO()
        Image.new("RGB", (1200, 800), color).save(out, "JPEG")
        tiny.write(f"content/images/{name}", out.getvalue())
    tiny.write("products/test-orange.yml", PRODUCT + "images: [images/o.jpg]\n")
    tiny.write("content/stories/test-orange.md", "果园在山上。\n\n![果园](../images/s.jpg)\n")
    return tiny


def test_cached_and_clean_builds_are_byte_identical(pictured: TinySite) -> None:
    site = pictured.path / "site"
    assert pictured.build().code == 0
    first = _files(site)
    made = _entries(pictured)
    kinds = {name.split("/")[0] for name in made}
    assert {"qr", "picture", "search", "page"} <= kinds, kinds
    assert len([n for n in made if n.startswith("picture/")]) == 2

    assert pictured.build().code == 0  # everything found in the cache: nothing made or stored again
    assert _files(site) == first
    assert _entries(pictured) == made

    result = pictured.run("build", "--no-cache")
    assert result.code == 0, result.err
    assert _files(site) == first
    assert _entries(pictured) == made  # --no-cache neither reads nor writes it


def test_the_next_build_takes_its_work_from_the_cache(pictured: TinySite) -> None:
    assert pictured.build().code == 0
    # An entry that is well formed but holds another address's code: a build that uses the
    # cache publishes it (a build that made its codes again would not).
    other = "https://harvest.example.org/sub/somewhere-else/"
    cache = Cache.for_site(pictured.path)
    cache.put("qr", cache.key("qr", PAGE), _drawn(other).encode())
    assert pictured.build().code == 0
    assert decode_svg(pictured.read("qr/test-orange/page.svg")) == [other]
    assert pictured.run("build", "--no-cache").code == 0
    assert decode_svg(pictured.read("qr/test-orange/page.svg")) == [PAGE]


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_entry_is_made_again_and_never_published(pictured: TinySite, damage: str) -> None:
    site = pictured.path / "site"
    assert pictured.build().code == 0
    first = _files(site)
    folder = pictured.path / ".cache" / "harvest"
    entries = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".gitignore")
    for path in entries:
        blob = bytearray(path.read_bytes())
        if damage == "flip":
            blob[-1] ^= 0x20
        else:
            del blob[len(blob) // 2 :]
        path.write_bytes(bytes(blob))
    assert pictured.build().code == 0
    assert _files(site) == first
    for path in entries:  # made again, whole
        blob = path.read_bytes()
        assert blob.startswith(MAGIC)
        kind, key = path.relative_to(folder).parts[0], path.name
        assert Cache.for_site(pictured.path).get(kind, key) is not None


def test_what_changed_is_made_again_and_nothing_stale_is_published(pictured: TinySite) -> None:
    """A story, a record, the configuration and a picture edited between two builds: the
    cached build shows every change, and is the same as a clean build of the edited site."""
    site = pictured.path / "site"
    assert pictured.build().code == 0
    pictured.write("content/stories/test-orange.md", "果园在河边。\n\n![果园](../images/s.jpg)\n")
    pictured.write("products/test-orange.yml", PRODUCT.replace('"39.90"', '"42.50"') + "images: [images/o.jpg]\n")
    config = (pictured.path / "mkdocs.yml").read_text(encoding="utf-8")
    pictured.write("mkdocs.yml", config.replace("site_name: Test site", "site_name: 测试县助农"))
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), (10, 10, 200)).save(out, "JPEG")
    pictured.write("content/images/o.jpg", out.getvalue())
    assert pictured.build().code == 0
    cached = _files(site)
    page = cached["products/test-orange/index.html"].decode()
    assert "果园在河边" in page and "果园在山上" not in page
    assert "42.50" in page and "39.90" not in page
    assert "测试县助农" in cached["products/test-orange/poster/index.html"].decode()
    docs = json.loads(cached["search/search_index.json"])["docs"]
    text = "".join(d["text"] for d in docs if d["location"].startswith("products/test-orange/")).replace("\u200b", "")
    assert "果园在河边" in text and "果园在山上" not in text
    assert pictured.run("build", "--no-cache").code == 0
    assert _files(site) == cached
