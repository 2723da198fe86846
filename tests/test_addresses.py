"""Who owns each published address: the table of the build's folders covers everything the
build writes, and names that differ only by punctuation, width or case share one key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harvest.load.addresses import OWNED, gtin_key, owned_part, place_key
from tests.sitekit import ROOT


def test_every_built_file_is_the_builds_or_an_editors(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--site-dir", str(site)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    editors = {"index.html"}
    for entry in (ROOT / "content").iterdir():
        if entry.name != "stories":
            editors.add(entry.name.removesuffix(".md") if entry.suffix == ".md" else entry.name)
    built = {p.relative_to(site).parts[0] for p in site.rglob("*") if p.is_file()}
    assert built - editors <= set(OWNED), sorted(built - editors - set(OWNED))
    assert {"go", "qr", "01", "products", "places", "ledgers", "img"} <= built  # the example exercises them


@pytest.mark.parametrize(("rel", "owner"), [
    ("go/p/jd/index.md", "go"), ("go.md", "go"), ("GO/p/jd/index.md", "go"), ("ｇｏ/p.md", "go"),
    ("Products/index.md", "products"), ("01/06901234567892/index.md", "01"), ("404.md", "404"),
    ("sitemap.xml", "sitemap.xml"), ("assets/javascripts/x.js", "assets"),
    ("about.md", None), ("index.md", None), ("images/go.jpg", None), ("stories/go.md", None), ("goods.md", None),
])
def test_owned_part(rel: str, owner: str | None) -> None:
    assert owned_part(rel) == owner


def test_gtins_compare_as_gtin14() -> None:
    assert gtin_key("6901234567892") == gtin_key("06901234567892") == gtin_key("0006901234567892"[2:])
    assert gtin_key("12345670") != gtin_key("6901234567892")


def test_places_compare_without_punctuation_width_or_case() -> None:
    assert place_key("湖南省", "保靖县") == place_key("湖南省", "保靖 县") == place_key("湖南省", "保靖·县")
    assert place_key("湖南/省") == place_key("湖南省") == place_key("湖南?省")  # one URL segment
    assert place_key("Hunan", "Baojing") == place_key("ＨＵＮＡＮ", "baojing")
    assert place_key("湖南省", "保靖县") != place_key("湖南省", "花垣县")
    assert place_key("湖南省", "--") == ""
