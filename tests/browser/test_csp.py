"""A tiny hostile site in headless Chromium: on every page type, no script from content or
records runs, the Content-Security-Policy reports no violation caused by the theme, and the
theme's own scripts still work (search opens and finds, under the policy).

Every page is opened with a listener installed before any of its scripts (Playwright's init
script is not subject to the page's policy): `securitypolicyviolation` events, console
errors and page errors are collected; content sets `window.__pwned` if any of it runs."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import serving
from tests.hostile.test_html import EXTENSIONS, VECTORS
from tests.sitekit import CAMPAIGN, PRODUCT, TinySite
from tests.test_ledger_site import HEADER, ROWS

PWN = "window.__pwned=1"
STORY = "果园在山上。\n\n" + "\n\n".join(re.sub(r"window\.pwn\d+=1", PWN, v) for v in VECTORS.values()) + "\n"
EDITOR_PAGE = "# 关于我们\n\n我们是一个合作社。\n\n" + STORY
# Records refuse markup; what is left to try is Markdown and a citation.
RECORD_TEXT = f"[点我](javascript:{PWN}) {{{{ figure nope nope }}}}"
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber, e.sample].join(" "));
});
"""
PAGES = {
    "home": "",
    "product (hostile story)": "products/test-orange/",
    "editor page (hostile)": "hostile/",
    "products": "products/",
    "campaign": "campaigns/test-campaign/",
    "ledger": "ledgers/test-campaign/",
    "transparency": "transparency/",
    "places": "places/",
    "county": "places/湖南省/保靖县/",
    "poster (print)": "products/test-orange/poster/",
    "404": "404.html",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[tuple[TinySite, str]]:
    site = TinySite(tmp_path_factory.mktemp("csp") / "repo").with_basics()
    site.write("mkdocs.yml", (site.path / "mkdocs.yml").read_text() + EXTENSIONS)
    site.write("content/stories/test-orange.md", STORY)
    site.write("content/hostile.md", EDITOR_PAGE)
    site.write("campaigns/test-campaign.yml", CAMPAIGN.replace("一个测试用的活动。", f"'{RECORD_TEXT}'"))
    site.write("products/test-orange.yml", PRODUCT.replace("测试合作社", f"'{RECORD_TEXT}'"))
    note = RECORD_TEXT.replace('"', '""')
    site.write("ledgers/test-campaign.csv", HEADER + "".join(ROWS) + f'8,2019-02-23,donation,,,,,,1.00,CNY,匿名,R-9,"{note}"\n')
    result = site.build()
    assert result.code == 0, result.err
    # As if something had slipped past the sanitiser: the policy alone must stop it.
    product = site.path / "site/products/test-orange/index.html"
    slipped = f'<p>slipped</p><script>{PWN}</script><img src="x" onerror="{PWN}"><a id="slip" href="javascript:{PWN}">x</a>'
    product.with_name("slipped.html").write_text(
        product.read_text(encoding="utf-8").replace('<h2 id="story"', slipped + '<h2 id="story"', 1), encoding="utf-8"
    )
    with serving(site.path / "site") as base:
        yield site, base


def _open(browser: Any, base: str, path: str) -> tuple[Any, list[str], list[str]]:
    """A page at `path` with the listeners installed; foreign requests are refused and listed."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.add_init_script(LISTEN)
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r: Any) -> None:
        if r.request.url.startswith(base):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(base + path, wait_until="networkidle")
    return page, errors, foreign


@pytest.mark.parametrize("path", list(PAGES.values()), ids=list(PAGES))
def test_no_content_script_runs_and_the_theme_violates_nothing(
    served: tuple[TinySite, str], browser: Any, path: str
) -> None:
    _site, base = served
    page, errors, _ = _open(browser, base, path)
    try:
        for selector in ("img", "details", "a"):  # give every handler its chance
            for el in page.query_selector_all(f"article {selector}")[:50]:
                el.dispatch_event("error" if selector == "img" else "toggle" if selector == "details" else "mouseover")
        pwned = page.evaluate("window.__pwned")
        violations = page.evaluate("window.__violations")
        csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    finally:
        page.close()
    assert pwned is None
    assert violations == [], violations
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == [], errors
    assert csp and "script-src 'self'" in csp and "object-src 'none'" in csp


def test_the_policy_alone_stops_a_script_that_slipped_through(served: tuple[TinySite, str], browser: Any) -> None:
    _site, base = served
    page, errors, _ = _open(browser, base, "products/test-orange/slipped.html")
    try:
        page.dispatch_event("img[onerror]", "error")
        page.click("#slip")
        page.wait_for_timeout(200)
        pwned = page.evaluate("window.__pwned")
        violations = page.evaluate("window.__violations")
        theme_ran = page.evaluate("typeof __md_get === 'function' && document.body.classList.length >= 0")
    finally:
        page.close()
    assert pwned is None
    assert any(v.startswith("script-src-elem") for v in violations), violations
    assert any(v.startswith("script-src-attr") for v in violations), violations
    assert theme_ran  # Material's own inline script (hashed) still ran


def test_search_opens_and_finds_under_the_policy(served: tuple[TinySite, str], browser: Any) -> None:
    _site, base = served
    page, errors, _ = _open(browser, base, "")
    try:
        page.locator("label[for=__search]").first.click()
        page.locator("input[data-md-component=search-query]").fill("脐橙")
        results = page.locator("[data-md-component=search-result] li.md-search-result__item a")
        results.first.wait_for(timeout=30_000)
        links = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
        violations = page.evaluate("window.__violations")
        pwned = page.evaluate("window.__pwned")
    finally:
        page.close()
    assert any("products/test-orange/" in link for link in links), links
    assert violations == [] and pwned is None, violations


def test_a_go_page_sends_the_reader_on_without_a_violation(served: tuple[TinySite, str], browser: Any) -> None:
    site, base = served
    page = browser.new_page()
    errors: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (foreign.append(r.request.url), r.abort()))
    try:
        page.goto(base + "go/test-orange/jd/", wait_until="commit")
        page.wait_for_timeout(1500)  # the meta refresh fires at once; the merchant is refused by the route
    finally:
        page.close()
    assert any(u.startswith("https://item.jd.com/") for u in foreign), foreign
    assert [e for e in errors if "Content Security Policy" in e] == [], errors
    # A go/ page loads nothing of the theme: the stricter policy of its own (csp.standalone).
    assert "default-src 'none'" in html.unescape(site.read("go/test-orange/jd/index.html"))
