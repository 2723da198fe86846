"""go/ pages inside WeChat, QQ, Weibo, Alipay, DingTalk, Douyin and Kuaishou, and in plain
mobile Safari and Chrome: Chromium with each app's real user-agent string opens every
channel's go/ page of a tiny site whose channels carry the example site's policies.

Where the policy says `open`, the page goes to the shop (the request is intercepted and
answered here, never fetched); where it says `guide` or `copy`, nothing navigates within 3 s,
the guidance is shown, and the copy button puts the exact link or share code on the
clipboard (read back with the clipboard permission). Also: without JavaScript, without the
Clipboard API, the product page's notes, page weight and axe.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PHONE, serving
from tests.inappkit import LINKS, SHARE_CODE, policy, write_site
from tests.sitekit import TinySite

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PID = "test-orange"

# Real user agents, as these apps sent them in 2024–2025 (name, app the page must recognise, UA).
AGENTS: list[tuple[str, str | None, str]] = [
    ("wechat-ios", "wechat",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Mobile/15E148 MicroMessenger/8.0.50(0x1800323b) NetType/WIFI Language/zh_CN"),
    ("wechat-android", "wechat",
     "Mozilla/5.0 (Linux; Android 14; 23127PN0CC Build/UKQ1.230804.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/126.0.6478.188 Mobile Safari/537.36 XWEB/1260117 MMWEBSDK/20240801 MMWEBID/5021 "
     "MicroMessenger/8.0.51.2720(0x28003351) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"),
    ("qq-android", "qq",
     "Mozilla/5.0 (Linux; Android 13; PHB110 Build/TP1A.220905.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/109.0.5414.86 MQQBrowser/6.2 TBS/047205 Mobile Safari/537.36 V1_AND_SQ_9.0.65_6558_YYB_D "
     "QQ/9.0.65.16420 NetType/WIFI WebP/0.4.1 AppId/537222085 Pixel/1440 StatusBarHeight/128 SimpleUISwitch/0 "
     "QQTheme/2105 StudyMode/0 CurrentMode/0 CurrentFontScale/1.0"),
    ("qq-ios", "qq",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
     "QQ/9.0.75.614 V1_IPH_SQ_9.0.75_1_APP_A Pixel/1179 MiniAppEnable SimpleUISwitch/0 StudyMode/0 CurrentMode/0 "
     "CurrentFontScale/1.000000 QQTheme/1000 Core/WKWebView Device/Apple(iPhone 15 Pro) NetType/WIFI "
     "QBWebViewType/1 WKType/1"),
    ("weibo-ios", "weibo",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
     "Weibo (iPhone15,3__weibo__14.7.2__iphone__os17.5)"),
    ("alipay-ios", "alipay",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
     "Ariver/1.1.0 AliApp(AP/10.6.10.6000) Nebula WK RVKType(0) AlipayDefined(nt:WIFI,ws:393|852|3.0) "
     "AlipayClient/10.6.10.6000 Language/zh-Hans Region/CN NebulaX/1.0.0 DTN/2.0"),
    ("dingtalk-android", "dingtalk",
     "Mozilla/5.0 (Linux; U; Android 13; zh-CN; PGEM10 Build/TP1A.220905.001) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/100.0.4896.58 UWS/3.22.2.59 Mobile Safari/537.36 AliApp(DingTalk/7.5.20) "
     "com.alibaba.android.rimet/36436512 Channel/700159 language/zh-CN abi/64 UT4Aplus/0.2.25 colorScheme/light"),
    ("douyin-ios", "douyin",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
     "aweme_30.4.0 JsSdk/2.0 NetType/WIFI Channel/App_Store ByteLocale/zh Region/CN AppTheme/light "
     "RevealType/Dialog isDarkMode/0 WKWebView/1 BytedanceWebview/d8a21c6 FalconTag/"),
    ("douyin-android", "douyin",
     "Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/113.0.5672.136 Mobile Safari/537.36 aweme_300401 AppName/aweme app_version/30.4.0 "
     "ByteLocale/zh-CN Region/CN AppSkin/white AppTheme/light BytedanceWebview/d8a21c6 WebView/075113004008"),
    ("kuaishou-android", "kuaishou",
     "Mozilla/5.0 (Linux; Android 14; 23049RAD8C Build/UKQ1.230804.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Version/4.0 Chrome/120.0.6099.193 Mobile Safari/537.36 Yoda/3.2.6-rc1 Kwai/12.5.40.38059 OS_PRO_BIT/64 "
     "MAX_PHY_MEM/7463 KDT/PHONE AZPREFIX/az3 ICFO/0 StatusHT/34 TitleHT/44 NetType/WIFI ISLP/0 ISDM/0 ISLB/0 "
     "locale/zh-cn"),
    ("safari-ios", None,
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1"),
    ("chrome-android", None,
     "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Mobile Safari/537.36"),
    # The QQ Browser app is a browser of its own, not QQ's in-app one: it opens every shop.
    ("qqbrowser-android", None,
     "Mozilla/5.0 (Linux; U; Android 14; zh-cn; 23127PN0CC Build/UKQ1.230804.001) AppleWebKit/537.36 "
     "(KHTML, like Gecko) Version/4.0 Chrome/109.0.5414.86 MQQBrowser/15.4 Mobile Safari/537.36 COVC/046915"),
]
APP_NAMES = {"wechat": "微信", "qq": "QQ", "weibo": "微博", "alipay": "支付宝", "dingtalk": "钉钉", "douyin": "抖音",
             "kuaishou": "快手"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[tuple[TinySite, str]]:
    site = write_site(TinySite(tmp_path_factory.mktemp("inapp") / "repo"))
    result = site.build()
    assert result.code == 0, result.err
    with serving(site.path / "site") as base:
        yield site, base


class Shops:
    """Every request that leaves the test server: recorded, answered here, never fetched."""

    def __init__(self, base: str, status: int = 200) -> None:
        self.host = urlsplit(base).netloc
        self.status = status
        self.seen: list[str] = []

    def route(self, route: Any) -> None:
        if urlsplit(route.request.url).netloc == self.host:
            route.continue_()
            return
        self.seen.append(route.request.url)
        # 204 keeps the page where it is (to look at it after a refresh was asked for).
        route.fulfill(status=self.status, content_type="text/html", body="" if self.status == 204 else "<p>shop</p>")


def _context(browser: Any, base: str, ua: str, **options: Any) -> tuple[Any, Shops]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True,
                                  user_agent=ua, locale="zh-CN", **options)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    shops = Shops(base)
    context.route("**/*", shops.route)
    return context, shops


def _read_clipboard(page: Any) -> str:
    page.bring_to_front()
    return str(page.evaluate("() => navigator.clipboard.readText()"))


def _expected_copy(cid: str, state: str) -> str:
    return SHARE_CODE if state == "copy" and cid == "taobao" else LINKS[cid]


@pytest.mark.parametrize(("name", "app", "ua"), AGENTS, ids=[a[0] for a in AGENTS])
def test_every_channel_behaves_as_its_policy_says(served: tuple[TinySite, str], browser: Any,
                                                  name: str, app: str | None, ua: str) -> None:
    _site, base = served
    context, shops = _context(browser, base, ua)
    csp_errors: list[str] = []
    try:
        pages = {}
        for cid in LINKS:
            page = context.new_page()
            page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(f"{base}go/{PID}/{cid}/", wait_until="commit")
            pages[cid] = page
        for cid, page in pages.items():
            if policy(cid, app) == "open":
                page.wait_for_url(LINKS[cid], timeout=10_000)
        time.sleep(3)  # the pages that must stay have had 3 s to leave
        expected_away = sorted(LINKS[c] for c in LINKS if policy(c, app) == "open")
        assert sorted(shops.seen) == expected_away, f"{name}: shops asked for"
        for cid, page in pages.items():
            state = policy(cid, app)
            if state == "open":
                assert page.url == LINKS[cid]
                continue
            assert page.url == f"{base}go/{PID}/{cid}/", f"{name} {cid}: the page left"
            assert page.get_attribute("html", "data-hl-state") == state
            if state == "guide":
                assert page.locator(".hl-guide").is_visible()
                assert "点右上角" in page.inner_text(".hl-guide") and APP_NAMES[str(app)] in page.inner_text(".hl-guide")
            else:
                assert page.locator(".hl-guide").is_hidden()
                hint = page.locator("p.hl-hint[data-hl-show=copy]")
                assert hint.is_visible() and ("口令" if cid == "taobao" else "链接") in hint.inner_text()
            assert page.locator("h1").inner_text() == "测试脐橙" and "¥39.90" in page.inner_text(".hl-price")
            assert page.locator("#hl-link").is_visible() and page.get_attribute("#hl-link", "href") == LINKS[cid]
            button = page.locator("#hl-copy")
            assert button.is_visible() and button.bounding_box()["height"] >= 44
            page.bring_to_front()
            button.click()
            # (waiting with a locator: the page's CSP refuses Playwright's eval-based waits)
            page.locator("#hl-status", has_text="已复制").wait_for(timeout=5_000)
            assert _read_clipboard(page) == _expected_copy(cid, state), f"{name} {cid}"
    finally:
        context.close()
    assert csp_errors == []


def test_the_copy_fallback_without_the_clipboard_api(served: tuple[TinySite, str], browser: Any) -> None:
    """Older in-app browsers have no navigator.clipboard: the selected input is copied with
    execCommand, and the text really reaches the clipboard."""
    _site, base = served
    ua = dict((a[0], a[2]) for a in AGENTS)["douyin-android"]
    context, shops = _context(browser, base, ua)
    try:
        reader = context.new_page()
        reader.goto(f"{base}go/{PID}/jd/", wait_until="commit")  # any page of the site: its clipboard
        page = context.new_page()
        page.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {value: undefined});"
                             "window.__execs = []; const ec = document.execCommand.bind(document);"
                             "document.execCommand = (c, ...a) => { window.__execs.push(c); return ec(c, ...a); };")
        for cid, state in (("taobao", "copy"), ("kuaishou", "guide")):
            page.goto(f"{base}go/{PID}/{cid}/")
            assert page.evaluate("navigator.clipboard") is None
            assert page.get_attribute("html", "data-hl-state") == state
            page.bring_to_front()
            page.click("#hl-copy")
            assert page.evaluate("window.__execs") == ["copy"]
            assert page.inner_text("#hl-status").startswith("已复制")
            assert _read_clipboard(reader) == _expected_copy(cid, state)
    finally:
        context.close()


def test_without_javascript_the_link_is_there_and_the_page_goes_on(served: tuple[TinySite, str],
                                                                    browser: Any) -> None:
    _site, base = served
    wechat = AGENTS[0][2]
    context = browser.new_context(viewport=PHONE, user_agent=wechat, java_script_enabled=False)
    shops = Shops(base, status=204)
    context.route("**/*", shops.route)
    try:
        page = context.new_page()
        for cid, url in LINKS.items():
            page.goto(f"{base}go/{PID}/{cid}/")
            link = page.locator("a#hl-link")
            assert link.is_visible() and link.get_attribute("href") == url and link.inner_text() == url
            assert page.locator("#hl-copy").is_hidden()  # nothing that needs a script is offered
            page.wait_for_timeout(500)
            assert shops.seen[-1:] == [url], f"{cid}: the refresh did not go on to the shop"
    finally:
        context.close()


def test_product_page_says_what_each_button_does(served: tuple[TinySite, str], browser: Any) -> None:
    _site, base = served
    notes: dict[str, dict[str, str]] = {}
    for name, app, ua in AGENTS:
        context, _shops = _context(browser, base, ua)
        try:
            page = context.new_page()
            page.goto(f"{base}products/{PID}/", wait_until="networkidle")
            notes[name] = page.evaluate(
                "() => Object.fromEntries([...document.querySelectorAll('a.hl-buy__button')].map("
                "a => [a.getAttribute('href').split('/').at(-2), a.querySelector('.hl-buy__note')?.innerText || '']))"
            )
        finally:
            context.close()
        for cid in LINKS:
            state, note = policy(cid, app), notes[name][cid]
            if state == "open":
                assert note == "", f"{name} {cid}"
            else:
                assert note.startswith(APP_NAMES[str(app)]), f"{name} {cid}: {note!r}"
                assert ("浏览器中打开" in note) == (state == "guide"), f"{name} {cid}: {note!r}"
                assert ("复制" in note) == (state == "copy"), f"{name} {cid}: {note!r}"


def test_go_pages_are_small(served: tuple[TinySite, str]) -> None:
    site, _ = served
    sizes = {}
    for page in sorted((site.path / "site" / "go").rglob("index.html")):
        sizes[page.parent.relative_to(site.path / "site").as_posix()] = len(gzip.compress(page.read_bytes(), 9))
    print("\ngo/ pages, gzip -9 bytes:", json.dumps(sizes, indent=1))
    assert len(sizes) == len(LINKS)
    assert max(sizes.values()) < 4096, sizes


@pytest.mark.parametrize(("cid", "agent"), [("taobao", "wechat-ios"), ("taobao", "douyin-android"),
                                            ("shop", "wechat-android")])
def test_axe_on_guide_and_copy_states(served: tuple[TinySite, str], browser: Any, cid: str, agent: str) -> None:
    _site, base = served
    name, app, ua = next(a for a in AGENTS if a[0] == agent)
    # The page's own CSP refuses injected scripts: axe is added past it, for this test only.
    context, _shops = _context(browser, base, ua, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{base}go/{PID}/{cid}/")
        assert page.get_attribute("html", "data-hl-state") == policy(cid, app)
        page.click("#hl-copy")
        page.locator("#hl-status", has_text="已复制").wait_for(timeout=5_000)
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    finally:
        context.close()
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in result]
    assert bad == [], bad
