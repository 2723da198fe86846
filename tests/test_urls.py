"""Purchase links are judged as browsers read them (the WHATWG URL Standard, through ada), and
only the parser's serialisation is published."""

from __future__ import annotations

import json

import ada_url
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harvest.commands.diff import read_state
from harvest.load.links import check_link, on_domains
from harvest.load.records import load_channels
from harvest.load.sanity import control_character
from harvest.site import check_site_url
from tests.sitekit import PRODUCT, TinySite

DOMAINS = ("jd.com", "3.cn")

SCHEMES = ["https://", "HTTPS://", "https:", "https:/", "https:///", "http://", "javascript:", "ftp://", ""]
USERS = ["", "", "", "user@", "a:b@", "jd.com@", "%40@", "@"]
LABELS = ["item", "jd", "com", "3", "cn", "evil", "example", "jd.com", "京东", "ｊｄ", "xn--xhq9m", "JD", "ITEM", "",
          "%2e", "%2E", "%2f", "%5c", "\\", ".", "\t", " ", "\u200b", "ß", "a\u00ad", "0x7f", "127", "[::1]"]
PORTS = ["", "", "", ":443", ":8080", ":"]
PATHS = ["", "/", "/1.html", "/%2e%2e/x", "/%2F%2Fevil.example", "\\evil", "/a b", "/中文", "/..//x", "@evil.example",
         "/./x", "//evil.example/", "/%252e", "\n/x"]
QUERIES = ["", "?id=1", "?q=中文", "?u=https://evil.example/", "?%2f", "?a=\\"]
FRAGMENTS = ["", "#x", "#@evil.example"]


@st.composite
def tricky_urls(draw: st.DrawFn) -> str:
    labels = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=5))
    host = draw(st.sampled_from([".", "", "\\.", "。"])).join(labels) if draw(st.booleans()) else ".".join(labels)
    parts = [draw(st.sampled_from(x)) for x in (SCHEMES, USERS)] + [host] + [
        draw(st.sampled_from(x)) for x in (PORTS, PATHS, QUERIES, FRAGMENTS)]
    return "".join(parts)


def _agrees_with_the_parser(url: str) -> None:
    verdict = check_link(url, DOMAINS, "jd.com or 3.cn")
    if verdict.href is None:
        assert verdict.expected and verdict.fix
        return
    parsed = ada_url.URL(url)
    host = parsed.hostname
    assert parsed.protocol == "https:"
    assert parsed.username == "" and parsed.password == "" and parsed.port == ""
    assert any(host.removesuffix(".") == d or host.removesuffix(".").endswith("." + d) for d in DOMAINS), host
    assert ".." not in host and not host.startswith(".")
    assert verdict.href == parsed.href
    again = ada_url.URL(verdict.href)
    assert again.href == verdict.href and again.hostname == host
    # What the editor typed reads the same to a browser: no backslash, no invisible character,
    # and the host as typed is the host as parsed.
    assert "\\" not in url and control_character(url) is None and not any(c.isspace() for c in url)
    typed_host = url[len("https://"):].split("/")[0].split("?")[0].split("#")[0]
    assert typed_host.lower() == host


@settings(max_examples=3000, deadline=None)
@given(tricky_urls())
@example(r"https://evil.example\.jd.com/1.html")
@example("https://jd.com@evil.example/")
@example("https://item.jd.com%2eevil.cn/")
@example("https://.jd.com/")
@example("https://京东.jd.com/")
def test_an_accepted_link_is_what_browsers_read(url: str) -> None:
    _agrees_with_the_parser(url)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60).map(lambda t: "https://item.jd.com" + t) | st.text(max_size=60))
def test_any_text_agrees_with_the_parser(url: str) -> None:
    _agrees_with_the_parser(url)


@given(st.lists(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True), max_size=3),
       st.sampled_from(DOMAINS), st.from_regex(r"(/[A-Za-z0-9._~-]{0,12}){0,3}", fullmatch=True))
def test_plain_shop_links_are_accepted(labels: list[str], domain: str, path: str) -> None:
    host = ".".join([*labels, domain])
    verdict = check_link(f"https://{host}{path}", DOMAINS, "jd.com or 3.cn")
    assert verdict.href == ada_url.URL(f"https://{host}{path}").href


def test_domains_match_label_by_label() -> None:
    assert on_domains("item.jd.com", DOMAINS) and on_domains("jd.com.", DOMAINS)
    assert not on_domains("notjd.com", DOMAINS) and not on_domains(".jd.com", DOMAINS)
    assert not on_domains("a..jd.com", DOMAINS) and not on_domains("jd.com.evil.cn", DOMAINS)


def test_the_parsers_form_is_published_everywhere(tiny: TinySite) -> None:
    raw = "https://ITEM.JD.COM/a/../1.html?q=中文"
    href = "https://item.jd.com/1.html?q=%E4%B8%AD%E6%96%87"
    tiny.with_basics()
    tiny.write("products/test-orange.yml", PRODUCT.replace("https://item.jd.com/100001234567.html", raw))
    result = tiny.build()
    assert result.code == 0, result.err
    go = tiny.read("go/test-orange/jd/index.html")
    assert f'content="0; url={href}"' in go and raw not in go
    products = json.loads(tiny.read("data/products.json"))["products"]
    assert products[0]["purchase"][0]["url"] == href
    for page in ("products/test-orange/index.html", "products/test-orange/poster/index.html"):
        assert raw not in tiny.read(page) and "ITEM.JD.COM" not in tiny.read(page)
    channels, _ = load_channels({"channels": {"jd": {"label": "京东", "domains": ["jd.com"]},
                                              "pinduoduo": {"label": "拼多多", "domains": ["yangkeduo.com"]}}})
    state = read_state(tiny.path, channels)  # what the change report compares
    record = state.products["test-orange"]
    assert record is not None and record["purchase"][0]["url"] == href


@pytest.mark.parametrize(("site_url", "published"), [
    ("https://harvest.example.org/sub/", "https://harvest.example.org/sub/"),
    ("https://harvest.example.org", "https://harvest.example.org/"),
    ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
])
def test_a_plain_site_url_is_kept(site_url: str, published: str) -> None:
    assert check_site_url(site_url) == (published, [])


@pytest.mark.parametrize(("site_url", "words"), [
    (r"https://evil.example\.harvest.org/", "an address like"),
    ("https://u:p@harvest.example.org/", "an address like"),
    ("https://harvest.example.org/?a=1", "an address like"),
    ("ftp://harvest.example.org/", "an address like"),
    ("HTTPS://Harvest.Example.org/", "site_url: https://harvest.example.org/"),
    ("https://harvest.example.org/中文/", "site_url: https://harvest.example.org/%E4%B8%AD%E6%96%87/"),
])
def test_a_site_url_browsers_read_otherwise_is_refused(site_url: str, words: str) -> None:
    url, problems = check_site_url(site_url)
    assert url == "" and len(problems) == 1
    assert words in problems[0].expected + problems[0].fix
