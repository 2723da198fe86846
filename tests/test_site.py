"""End-to-end: a tiny site of records that are not the examples, built with build.py."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from harvest.render import templates
from harvest.render.products import product_page, products_json
from harvest.site import load_site
from tests.sitekit import PRODUCT, TinySite


def _site(tiny: TinySite):  # type: ignore[no-untyped-def]
    import yaml

    config = yaml.safe_load((tiny.path / "mkdocs.yml").read_text(encoding="utf-8"))
    site, problems = load_site(tiny.path, tiny.path / "content", config["site_url"], config["extra"])
    assert problems == []
    return site


def test_generated_markdown_and_products_json_golden(tiny: TinySite, golden) -> None:  # type: ignore[no-untyped-def]
    tiny.with_basics()
    tiny.write("products/test-orange.yml", PRODUCT + 'gtin: "06901234567892"\n')
    site = _site(tiny)
    page = product_page(site, "test-orange")
    assert page.view is not None
    golden("tiny-product-page.md", str(page.content))  # front matter and the editor's story
    # The rest is the template's, around the story as MkDocs renders it.
    golden("tiny-product-page.html", templates.render(page.view, "<p>果园在山上。</p>"))
    golden("tiny-products.json", products_json(site).decode())


def test_pages_links_and_redirects(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("products/test-orange.yml", PRODUCT + 'gtin: "06901234567892"\n')
    result = tiny.build()
    assert result.code == 0, result.err
    page = tiny.read("products/test-orange/index.html")
    assert "<h1>测试脐橙</h1>" in page
    assert "¥39.90" in page and "5 kg 箱" in page
    assert 'href="../../go/test-orange/jd/"' in page and "去京东购买" in page
    assert "果园在山上。" in page  # the story
    assert "测试小组" in page and 'datetime="2019-02-12"' in page
    assert 'href="../../campaigns/test-campaign/"' in page
    go = tiny.read("go/test-orange/jd/index.html")
    assert '<meta http-equiv="refresh" content="0; url=https://item.jd.com/100001234567.html">' in go
    assert '<a href="https://item.jd.com/100001234567.html" id="hl-link">' in go
    assert '<meta name="robots" content="noindex">' in go
    gs1 = tiny.read("01/06901234567892/index.html")
    assert 'url=../../products/test-orange/"' in gs1
    assert not (tiny.path / "site" / "stories").exists()
    # product pages are kept out of the navigation: the nav lists sections only
    index = tiny.read("index.html")
    assert "products/test-orange/" not in index
    data = json.loads(tiny.read("data/products.json"))
    assert data["products"][0]["purchase"][0]["go"] == "https://harvest.example.org/sub/go/test-orange/jd/"
    campaign = tiny.read("campaigns/test-campaign/index.html")
    assert "测试县商务局" in campaign and "¥1,000.00" in campaign and "测试脐橙" in campaign
    county = tiny.read("places/湖南省/保靖县/index.html")
    assert 'href="../../../products/test-orange/"' in county


def test_text_from_records_is_escaped(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("products/test-orange.yml", PRODUCT.replace("producer: 测试合作社", 'producer: "A & B \\"合作社\\""')
               .replace("测试小组", "'小组 *强调* [x](javascript:alert(1))'"))
    result = tiny.build()
    assert result.code == 0, result.err
    page = tiny.read("products/test-orange/index.html")
    assert "A &amp; B &#34;合作社&#34;" in page  # escaped by the template (markupsafe writes " as &#34;)
    assert "<em>强调</em>" not in page and 'href="javascript:' not in page


def _tree_digest(folder: Path) -> dict[str, str]:
    return {f.relative_to(folder).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file()}


def test_builds_are_byte_identical(tiny: TinySite) -> None:
    tiny.with_basics()
    assert tiny.build().code == 0
    first = _tree_digest(tiny.path / "site")
    assert tiny.build().code == 0
    second = _tree_digest(tiny.path / "site")
    assert first == second
    assert any(re.match(r"products/test-orange/index.html", k) for k in first)


def test_check_command(tiny: TinySite) -> None:
    tiny.with_basics()
    result = tiny.run("check")
    assert result.code == 0 and "All good: 1 products, 1 campaigns" in result.out
    tiny.write("products/bad.yml", "name: [\n")
    result = tiny.run("check")
    assert result.code == 1 and "products/bad.yml, line 2" in result.err and "Traceback" not in result.err
    assert not (tiny.path / "site").exists()


def test_new_product_and_campaign_start_valid(tiny: TinySite) -> None:
    tiny.with_basics()
    assert tiny.run("new", "product", "new-thing").code == 0
    assert tiny.run("new", "campaign", "new-campaign").code == 0
    assert (tiny.path / "products/new-thing.yml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schemas/product.schema.json")
    assert (tiny.path / "content/stories/new-thing.md").exists()
    result = tiny.run("check")
    assert result.code == 0, result.err
    assert "All good: 2 products, 2 campaigns" in result.out
    again = tiny.run("new", "product", "new-thing")
    assert again.code == 1 and "products/new-thing.yml already exists" in again.err
    bad = tiny.run("new", "product", "Bad_Id")
    assert bad.code != 0 and "is not an id" in bad.err and "Traceback" not in bad.err


def test_dates_in_the_output_come_from_the_commit(tiny: TinySite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    tiny.with_basics()
    env = {"GIT_AUTHOR_DATE": "2019-03-01T12:00:00Z", "GIT_COMMITTER_DATE": "2019-03-01T12:00:00Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "site"]):
        subprocess.run(["git", "-C", str(tiny.path), *args], check=True, capture_output=True, env=env)
    assert tiny.build().code == 0
    sitemap = tiny.read("sitemap.xml")
    assert "<lastmod>2019-03-01</lastmod>" in sitemap and "poster" not in sitemap


def test_products_are_listed_by_official_province_order_then_pinyin(tiny: TinySite) -> None:
    """按产地排列: provinces in the official order (北京 … 湖南 … 云南), counties and names by pinyin."""
    tiny.with_basics()
    for pid, province, county, name in [("a-tea", "云南省", "勐海县", "普洱茶"), ("b-rice", "湖南省", "长沙县", "稻米"),
                                        ("c-orange", "湖南省", "保靖县", "脐橙"), ("d-pear", "北京市", "大兴区", "梨"),
                                        ("e-yam", "湖南省", "长沙县", "山药")]:
        tiny.write(f"products/{pid}.yml", PRODUCT.replace("测试脐橙", name).replace(
            "{province: 湖南省, county: 保靖县}", f"{{province: {province}, county: {county}}}"))
    site = _site(tiny)
    order = [(site.records.products[p].origin.province, site.records.products[p].origin.county,
              site.records.products[p].name) for p in site.products_by_place()]
    assert order == [("北京市", "大兴区", "梨"), ("湖南省", "保靖县", "测试脐橙"), ("湖南省", "保靖县", "脐橙"),
                     ("湖南省", "长沙县", "稻米"), ("湖南省", "长沙县", "山药"), ("云南省", "勐海县", "普洱茶")]
