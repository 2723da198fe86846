"""Hostile records, stories and pages: links that lead elsewhere than they seem, editor files
that take the place of generated pages (the QR redirects), invisible characters, dates
centuries away, and two records on one published address. Each is refused with its file and
line, without a traceback, and the last good site/ stays byte for byte as it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.hostile.harness import assert_refused, built_site, changed
from tests.sitekit import CAMPAIGN, PRODUCT, TinySite
from tests.sitekit import swap as _swap

P = "products/test-orange.yml"
P2 = "products/second-orange.yml"
C = "campaigns/test-campaign.yml"
JD = "https://item.jd.com/100001234567.html"


def _url(url: str) -> dict[str, str | bytes]:
    """The product with its jd link written as `url` (a YAML scalar, quoted as given)."""
    return {P: _swap(JD, url)}


def _picture(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 0)).save(out, fmt)
    return out.getvalue()


JPG, PNG = _picture("JPEG"), _picture("PNG")


def _gtin(first: str, second: str) -> dict[str, str | bytes]:
    return {P: PRODUCT + f'gtin: "{first}"\n', P2: PRODUCT + f'gtin: "{second}"\n'}


def _origin(first: str, second: str) -> dict[str, str | bytes]:
    line = "origin: {province: 湖南省, county: 保靖县}"
    return {P: _swap(line, first), P2: _swap(line, second)}


# (case id, files written, file named, line, words the message must hold)
CASES: list[tuple[str, dict[str, str | bytes], str, int | None, list[str]]] = [
    # Links: the issue's own example first. Python reads the host as evil.example\.jd.com,
    # browsers as evil.example.
    ("issue-backslash-host", _url(r"'https://evil.example\.jd.com/1.html'"), P, 11, ["backslashes"]),
    ("backslash-at", _url(r"'https://item.jd.com\@evil.example/'"), P, 11, ["backslashes"]),
    ("tab-in-host", _url('"https://item.jd.com\\t/1.html"'), P, 11, ["without spaces or control characters", "[U+0009]"]),
    ("zero-width-in-host", _url('"https://item\\u200b.jd.com/1.html"'), P, 11, ["control characters", "U+200B"]),
    ("credentials", _url("https://user:pw@item.jd.com/1.html"), P, 11, ["without a user name"]),
    ("port", _url("https://item.jd.com:8443/1.html"), P, 11, ["port number"]),
    ("default-port", _url("https://item.jd.com:443/1.html"), P, 11, ["port number"]),
    ("encoded-dot-in-host", _url("https://item.jd.com%2eevil.cn/1.html"), P, 11, ["without % codes"]),
    ("encoded-slash-in-host", _url("https://evil.cn%2f.jd.com/1.html"), P, 11, ["well-formed"]),
    ("encoded-dots-in-path", _url("https://item.jd.com/%2e%2e/%2E%2e/1.html"), P, 11, ["%2e, %2f or %5c"]),
    ("encoded-slashes-in-path", _url("https://item.jd.com/%2F%2Fevil.example/"), P, 11, ["%2e, %2f or %5c"]),
    ("idn-host", _url("https://京东.jd.com/1.html"), P, 11,
     ["as browsers read it", "https://xn--xhq9m.jd.com/1.html"]),
    ("fullwidth-host", _url("https://ｉｔｅｍ.jd.com/1.html"), P, 11,
     ["as browsers read it", "https://item.jd.com/1.html"]),
    ("empty-label", _url("https://.jd.com/1.html"), P, 11, ["jd.com or 3.cn"]),
    ("no-slashes", _url("https:item.jd.com/1.html"), P, 11, ["starts with https://"]),
    ("uppercase-http", _url("HTTP://item.jd.com/1.html"), P, 11, ["starts with https://"]),
    # Editor files where the build writes its own: the QR redirect first.
    ("page-over-go-redirect", {"content/go/test-orange/jd/index.md": "[继续](https://evil.example/)\n"},
     "content/go/test-orange/jd/index.md", None, ["products/test-orange.yml", "buy-link redirects"]),
    ("page-named-like-go", {"content/go.md": "# go\n"}, "content/go.md", None, ["buy-link redirects"]),
    ("html-over-go-redirect", {"content/go/test-orange/jd/index.html": "<meta http-equiv=refresh>\n"},
     "content/go/test-orange/jd/index.html", None, ["buy-link redirects"]),
    ("uppercase-go", {"content/GO/test-orange/jd/index.md": "x\n"}, "content/GO/test-orange/jd/index.md", None,
     ["buy-link redirects"]),
    ("product-index", {"content/products/index.md": "# 全部产品\n"}, "content/products/index.md", None,
     ["the product pages"]),
    ("product-page", {"content/products/test-orange.md": "# 假\n"}, "content/products/test-orange.md", None,
     ["products/test-orange.yml"]),
    ("qr-picture", {"content/qr/test-orange/jd.svg": "<svg/>\n"}, "content/qr/test-orange/jd.svg", None,
     ["QR code pictures"]),
    ("gs1-link", {P: PRODUCT + 'gtin: "06901234567892"\n', "content/01/06901234567892/index.md": "x\n"},
     "content/01/06901234567892/index.md", None, ["GS1 Digital Link", "products/test-orange.yml"]),
    ("ledger-copy", {"content/ledgers/test-campaign.csv": "seq\n"}, "content/ledgers/test-campaign.csv", None,
     ["campaigns/test-campaign.yml"]),
    ("transparency-index", {"content/transparency/index.md": "# 假账\n"}, "content/transparency/index.md", None,
     ["transparency page"]),
    ("open-data", {"content/data/products.json": "{}\n"}, "content/data/products.json", None, ["open data"]),
    ("place-page", {"content/places/湖南省/index.md": "x\n"}, "content/places/湖南省/index.md", None, ["place pages"]),
    ("theme-script", {"content/assets/javascripts/harvest.js": "alert(1)\n"},
     "content/assets/javascripts/harvest.js", None, ["theme"]),
    ("search-index", {"content/search/search_index.json": "{}\n"}, "content/search/search_index.json", None,
     ["search index"]),
    ("labels", {"content/labels/index.md": "x\n"}, "content/labels/index.md", None, ["labels"]),
    ("sitemap", {"content/sitemap.xml": "<urlset/>\n"}, "content/sitemap.xml", None, ["sitemap"]),
    # Control and invisible characters in records, stories and pages.
    ("bidi-in-name", {P: _swap("name: 测试脐橙", 'name: "测试\\u202e脐橙"')}, P, 1, ["U+202E", "invisible"]),
    ("nul-in-producer", {P: _swap("producer: 测试合作社", 'producer: "测试\\0合作社"')}, P, 4, ["U+0000"]),
    ("zero-width-in-campaign", {C: _swap("summary: 一个测试用的活动。", 'summary: "一个\\u200b测试"', CAMPAIGN)}, C, 2,
     ["U+200B"]),
    ("bell-in-story", {"content/stories/test-orange.md": "果园在山上。\n第二\x07行\n"},
     "content/stories/test-orange.md", 2, ["U+0007", "column 3"]),
    ("escape-in-page", {"content/about.md": "# 关于\n\x1b[31m\n"}, "content/about.md", 2, ["U+001B"]),
    # Dates far from the commit date.
    ("verified-long-ago", {P: _swap("on: 2019-02-12", "on: 1019-02-12")}, P, 7, ["a date from 2000-01-01 to"]),
    ("verified-far-ahead", {P: _swap("on: 2019-02-12", "on: 2119-02-12")}, P, 7, ["a date from 2000-01-01 to"]),
    ("campaign-start-1900", {C: _swap("start: 2019-02-20", "start: 1900-02-20", CAMPAIGN)}, C, 4, ['"start"']),
    ("campaign-end-2999", {C: _swap("end: 2019-02-22", "end: 2999-02-22", CAMPAIGN)}, C, 5, ['"end"']),
    # Two records on one address.
    ("gtin-leading-zero", _gtin("06901234567892", "6901234567892"), P2, 14,
     ["products/test-orange.yml, line 14", "GTIN"]),
    ("gtin-twice", _gtin("06901234567892", "06901234567892"), P2, 14, ["products/test-orange.yml, line 14"]),
    ("county-punctuation", _origin("origin: {province: 湖南省, county: 保靖县}", "origin: {province: 湖南省, county: 保靖·县}"),
     P2, 3, ["products/test-orange.yml, line 3", "county name"]),
    ("county-fullwidth-case", _origin("origin: {province: 湖南省, county: Baojing}",
                                      "origin: {province: 湖南省, county: ＢＡＯＪＩＮＧ}"),
     P2, 3, ["products/test-orange.yml, line 3"]),
    ("province-slash", _origin("origin: {province: 湖南省, county: 保靖县}", "origin: {province: 湖南/省, county: 保靖县}"),
     P2, 3, ["province name"]),
    ("county-only-punctuation", {P: _swap("county: 保靖县", "county: '--'")}, P, 3, ["with letters or digits"]),
    ("picture-extensions", {P: PRODUCT + "images: [images/o.jpg, images/o.png]\n", "content/images/o.jpg": JPG,
                            "content/images/o.png": PNG}, P, 14, ["a picture name", "images/o.jpg"]),
    ("picture-case", {P: PRODUCT + "images: [images/o.jpg]\n", P2: PRODUCT + "images: [images/O.jpg]\n",
                      "content/images/o.jpg": JPG, "content/images/O.jpg": JPG}, P2, 14,
     ["a picture name", "products/test-orange.yml, line 14"]),
    ("product-id-index", {"products/index.yml": PRODUCT}, "products/index.yml", None, ["an id other than index"]),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    return built_site(tmp_path_factory.mktemp("hostile-records") / "repo")


@pytest.mark.parametrize(("case", "files", "rel", "line", "words"), CASES, ids=[c[0] for c in CASES])
def test_refused_by_build(site: TinySite, case: str, files: dict[str, str | bytes], rel: str, line: int | None,
                          words: list[str]) -> None:
    with changed(site, files):
        assert_refused(site, site.build, rel, line, words)


@pytest.mark.parametrize("case", ["issue-backslash-host", "page-over-go-redirect", "product-index", "bell-in-story",
                                  "verified-far-ahead", "gtin-leading-zero", "county-punctuation"])
def test_refused_by_check(site: TinySite, case: str) -> None:
    _, files, rel, line, words = next(c for c in CASES if c[0] == case)
    with changed(site, files):
        assert_refused(site, lambda: site.run("check"), rel, line, words, command="check")


def test_a_linked_folder_at_a_generated_path_is_refused(site: TinySite, tmp_path: Path) -> None:
    (tmp_path / "fake" / "test-orange" / "jd").mkdir(parents=True)
    (tmp_path / "fake" / "test-orange" / "jd" / "index.md").write_text("x\n", encoding="utf-8")
    link = site.path / "content" / "go"
    link.symlink_to(tmp_path / "fake", target_is_directory=True)
    try:
        assert_refused(site, site.build, "content/go", None, ["a link to"])
    finally:
        link.unlink()


def test_the_same_county_twice_is_fine(site: TinySite) -> None:
    with changed(site, {P2: PRODUCT}):
        assert site.run("check").code == 0


def test_a_page_at_a_generated_path_is_in_the_change_report(site: TinySite, tmp_path: Path) -> None:
    import subprocess

    git = ["git", "-c", "user.name=E", "-c", "user.email=e@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=site.path, check=True)
    subprocess.run([*git, "add", "products", "campaigns", "ledgers"], cwd=site.path, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=site.path, check=True)
    with changed(site, {"content/go/test-orange/jd/index.md": "x\n"}):
        result = site.run("diff", "HEAD")
    assert result.code == 0, result.err
    assert "`content/go/test-orange/jd/index.md` is at a path the build makes" in result.out, result.out
    assert "products/test-orange.yml" in result.out


def test_the_change_report_says_what_the_build_will_refuse(site: TinySite) -> None:
    """`diff` runs the same loader as `check` and `build`: a problem they refuse is at the top
    of the report (here a story with an invisible character and a picture as SVG)."""
    import subprocess

    git = ["git", "-c", "user.name=E", "-c", "user.email=e@example.org"]
    if not (site.path / ".git").exists():
        subprocess.run([*git, "init", "-q"], cwd=site.path, check=True)
    subprocess.run([*git, "add", "products", "campaigns", "ledgers"], cwd=site.path, check=True)
    subprocess.run([*git, "commit", "-qm", "base", "--allow-empty"], cwd=site.path, check=True)
    with changed(site, {"content/stories/test-orange.md": "果园\u200b在山上。\n", "content/images/x.svg": "<svg/>"}):
        result = site.run("diff", "HEAD")
        check = site.run("check")
    assert result.code == 0 and check.code == 1, result.err
    assert "the build will refuse it (2 problems)" in result.out, result.out
    assert "content/stories/test-orange.md, line 1" in result.out and "content/images/x.svg" in result.out
    assert "Traceback" not in result.err
