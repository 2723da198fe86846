"""A tiny site (not the examples) in headless Chromium: a donor checks a receipt on the ledger
page (the inclusion proof is verified in the browser with WebCrypto, against the published
checkpoint, with no server but static files) and loads older entries, and a reader searches
in Chinese."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import serving
from tests.sitekit import TinySite
from tests.test_ledger_pages import every_row, load, page_rows, write_long_ledger
from tests.test_ledger_site import LEDGER
from tests.test_signed_log import run


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[tuple[TinySite, str]]:
    site = TinySite(tmp_path_factory.mktemp("receipt") / "repo").with_basics()
    site.write("ledgers/test-campaign.csv", LEDGER)
    assert run(site, "build").returncode == 0  # signed with the fixture key: a preview is never "verified"
    with serving(site.path / "site") as base:
        yield site, base


def _check(browser: Any, base: str, code: str) -> tuple[str, str, list[str]]:
    status, text, requests, _ = _check_links(browser, base, code)
    return status, text, requests


def _check_links(browser: Any, base: str, code: str) -> tuple[str, str, list[str], list[list[str]]]:
    """Check `code` on the ledger page: the result's status and text, every request made, and
    the links in the result (text, href, and whether the page has what the href names)."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(base + "ledgers/test-campaign/")
        page.fill("input[name=receipt]", code)
        page.click("form[data-receipt-form] button[type=submit]")
        # A selector, not wait_for_function: the page's Content-Security-Policy forbids the eval it uses.
        done = ",".join(f"[data-receipt-result][data-status={s}]" for s in ("verified", "not-witnessed", "unsigned", "not-verified", "unknown", "error"))
        page.wait_for_selector(done, state="attached", timeout=30000)
        status, text = page.eval_on_selector("[data-receipt-result]", "e => [e.dataset.status, e.innerText]")
        links = page.eval_on_selector_all(
            "[data-receipt-result] a",
            "as => as.map(a => [a.textContent, a.getAttribute('href'),"
            " String(!!document.getElementById(new URL(a.href).hash.slice(1)))])")
    finally:
        page.close()
    return status, text, requests, links


def test_a_donor_verifies_a_receipt_in_the_browser(served: tuple[TinySite, str], browser: Any) -> None:
    _site, base = served
    status, text, requests = _check(browser, base, "R-002")
    assert status == "verified", text
    assert "R-002" in text and "200.00" in text
    assert all(r.startswith(base) for r in requests), [r for r in requests if not r.startswith(base)]


def test_a_verified_receipt_reads_plain_words_first(served: tuple[TinySite, str], browser: Any) -> None:
    """The result says in plain words that the donation is in the ledger and the ledger unchanged;
    the leaf position, checkpoint and root are behind a closed 技术细节 disclosure."""
    _site, base = served
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(base + "ledgers/test-campaign/")
        page.fill("input[name=receipt]", "R-002")
        page.click("form[data-receipt-form] button[type=submit]")
        page.wait_for_selector("[data-receipt-result][data-status=verified]", state="attached", timeout=30000)
        closed = page.inner_text("[data-receipt-result]")
        page.click("[data-receipt-result] details > summary")
        opened = page.inner_text("[data-receipt-result] details")
    finally:
        page.close()
    assert "已验证：这条捐赠在账本里，账本自封存以来没有被改动。" in closed, closed
    assert "技术细节" in closed and not re.search(r"默克尔|树头|RFC|位置|[0-9a-f]{64}", closed), closed
    assert "序号\n4" in closed  # R-002 is entry 4, the leaf at position 3
    assert "在默克尔树中的位置（从 0 数）\n3" in opened and re.search(r"[0-9a-f]{64}", opened), opened


def test_the_ledgers_proof_details_are_closed_on_screen_and_printed(served: tuple[TinySite, str],
                                                                    browser: Any) -> None:
    """技术细节 is a plain <details>: closed on a phone without any script, and printed in full."""
    _site, base = served
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + "ledgers/test-campaign/")
        screen = page.inner_text("main")
        page.emulate_media(media="print")
        printed = page.inner_text("details.hl-tech")
    finally:
        context.close()
    assert "账本已封存" in screen or "这个账本还没有封存" in screen, screen
    assert "技术细节" in screen and not re.search(r"RFC|[0-9a-f]{64}", screen), screen
    assert "RFC 6962" in printed and re.search(r"[0-9a-f]{64}", printed), printed


def test_unknown_receipt_is_said_plainly(served: tuple[TinySite, str], browser: Any) -> None:
    status, text, _ = _check(browser, served[1], "R-404")
    assert status == "unknown" and "R-404" in text


def test_a_tampered_entry_is_not_verified(served: tuple[TinySite, str], browser: Any) -> None:
    site, base = served
    bundle = next((site.path / "site/ledgers/test-campaign/tile/entries").rglob("*"))
    if bundle.is_dir():
        bundle = next(p for p in bundle.rglob("*") if p.is_file())
    original = bundle.read_bytes()
    try:
        bundle.write_bytes(original.replace(b"200.00", b"900.00"))
        status, text, _ = _check(browser, base, "R-002")
    finally:
        bundle.write_bytes(original)
    assert status == "not-verified", text


def test_page_without_javascript_still_offers_the_csv(served: tuple[TinySite, str]) -> None:
    site, _ = served
    page = (site.path / "site/ledgers/test-campaign/index.html").read_text(encoding="utf-8")
    assert 'href="../test-campaign.csv"' in page
    assert Path(site.path / "site/ledgers/test-campaign/receipts/index.json").exists()


@pytest.mark.parametrize("query", ["脐橙", "合作社"])
def test_chinese_search_finds_the_product(served: tuple[TinySite, str], browser: Any, query: str) -> None:
    _site, base = served
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(base)
        page.locator("label[for=__search]").first.click()
        page.locator("input[data-md-component=search-query]").fill(query)
        results = page.locator("[data-md-component=search-result] li.md-search-result__item a")
        results.first.wait_for(timeout=30_000)
        links = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    finally:
        page.close()
    assert any("products/test-orange/" in link for link in links), links


@pytest.fixture(scope="module")
def long_ledger(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[tuple[TinySite, str]]:
    site = TinySite(tmp_path_factory.mktemp("long-ledger") / "repo")
    write_long_ledger(site)
    result = site.build()
    assert result.code == 0, result.err
    with serving(site.path / "site") as base:
        yield site, base


def test_older_entries_load_as_the_pages_own_rows(long_ledger: tuple[TinySite, str], browser: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site, base = long_ledger
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(base + "ledgers/test-campaign/")
        assert page.locator("[data-ledger-table] tr[id]").count() == 50
        page.click("[data-ledger-more]")
        page.wait_for_selector("#seq-1", state="attached", timeout=30_000)
        table = page.eval_on_selector("[data-ledger-table]", "t => t.outerHTML")
        button = page.eval_on_selector("[data-ledger-more]", "b => [b.disabled, b.textContent]")
    finally:
        page.close()
    assert button == [True, "已显示全部账目"]
    shown = page_rows(table).rows
    assert list(shown) == [f"seq-{n}" for n in range(60, 0, -1)]
    assert shown == every_row(load(site), monkeypatch)


def test_a_code_typed_from_paper_checks_on_a_plain_http_host(served: tuple[TinySite, str], browser: Any,
                                                             chromium: str) -> None:
    """A county office's own host over plain http: browsers give such pages no crypto.subtle,
    and the check hashes with the vendored SHA-256 instead. The code is typed as people type
    it from paper: lower case, full-width letters, digits and dash."""
    from tests.browser.conftest import CHROMIUM_ARGS

    port = served[1].rstrip("/").rsplit(":", 1)[1]
    plain = browser.browser_type.launch(executable_path=chromium,
                                        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP receipts.test 127.0.0.1"])
    try:
        page = plain.new_page()
        page.goto(f"http://receipts.test:{port}/ledgers/test-campaign/")
        assert page.evaluate("[window.isSecureContext, typeof crypto.subtle]") == [False, "undefined"]
        page.close()
        status, text, _ = _check(plain, f"http://receipts.test:{port}/", "ｒ－００２")
    finally:
        plain.close()
    assert status == "verified", text
    assert "R-002" in text and "200.00" in text  # the entry's own code, as the ledger writes it


def test_a_corrected_donation_shows_its_corrections_and_net_amount(long_ledger: tuple[TinySite, str],
                                                                   browser: Any) -> None:
    """R-001 (1,000.00) was corrected twice: by entry 8 (-1.00), older than the page shows, and
    by entry 12 (-5.00), on the page. The check says so, links each correction (to its row, or
    to the ledger's entries where the page does not show it), and gives the net amount."""
    _site, base = long_ledger
    status, text, _, links = _check_links(browser, base, "R-001")
    assert status in ("verified", "unsigned"), text  # the fixture's build is an unsigned preview
    assert "1000.00 CNY 已被更正：第 8 条 -1.00 CNY、第 12 条 -5.00 CNY" in text, text
    assert "更正后净额 994.00 CNY" in text, text
    assert links == [["第 8 条", "./#entries", "true"], ["第 12 条", "#seq-12", "true"]]
    status, text, _, links = _check_links(browser, base, "R-0011")  # never corrected
    assert status in ("verified", "unsigned") and "更正" not in text and links == [], text
