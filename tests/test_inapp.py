"""In-app browser policies and share codes, without a browser: what mkdocs.yml may declare,
what a record may hold, what the build reports, and what the go/ pages, posters and labels say.
(What the pages do in each app's browser is tested in tests/browser/test_in_app.py.)"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest

from harvest.load.inapp import parse_in_app, policy_attr
from harvest.render.csp import standalone as inline_csp
from tests.inappkit import LINKS, SHARE_CODE, write_site
from tests.sitekit import TinySite


class _Inline(HTMLParser):
    """The page's inline scripts and styles, and its meta elements."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.metas: list[dict[str, str | None]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")
        if tag == "meta":
            self.metas.append(dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_policy_keeps_only_what_does_not_open_in_app_order() -> None:
    policy, problems = parse_in_app({"douyin": "copy", "weibo": "open", "wechat": "guide"}, "f", "mkdocs.yml")
    assert problems == []
    assert policy == {"wechat": "guide", "douyin": "copy"}
    assert policy_attr(policy) == "wechat:guide douyin:copy"


@pytest.mark.parametrize(
    ("raw", "field", "expected"),
    [
        ({"wehcat": "guide"}, "extra.channels.taobao.in_app.wehcat", 'did you mean "wechat"?'),
        ({"wechat": "redirect"}, "extra.channels.taobao.in_app.wechat", "one of: open, guide, copy"),
        ("guide", "extra.channels.taobao.in_app", "a group like {wechat: guide, qq: guide}"),
    ],
)
def test_a_wrong_policy_stops_the_build_with_a_clear_message(tiny: TinySite, raw: object, field: str,
                                                            expected: str) -> None:
    import yaml

    write_site(tiny)
    config = yaml.safe_load((tiny.path / "mkdocs.yml").read_text(encoding="utf-8"))
    config["extra"]["channels"]["taobao"]["in_app"] = raw
    tiny.write("mkdocs.yml", yaml.safe_dump(config, allow_unicode=True))
    result = tiny.build()
    assert result.code == 1 and "Traceback" not in result.err
    assert f'mkdocs.yml: field "{field}"' in result.err, result.err
    assert expected in result.err, result.err


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("https://m.tb.cn/h.5XyZ", "the code alone"),  # a link is never a share code
        ("￥AbCdEfGh123￥ 复制这段描述后打开淘宝", "the code alone"),  # the app's whole message
        ("ab@example.com", "the code alone"),
        ("￥ab￥", "the code alone"),  # too short to be a code
        ("<script>alert(1)</script>", "the code alone"),
        ("javascript:alert(1)//AbCdEfGh", "the code alone"),
        ("x" * 41, "at most 40 characters"),
        ("13800138000", "no personal data"),  # a mobile number in the code's shape
    ],
)
def test_bad_share_codes_are_refused(tiny: TinySite, code: str, words: str) -> None:
    write_site(tiny)
    record = (tiny.path / "products/test-orange.yml").read_text(encoding="utf-8")
    record = record.replace(f"share_code: {SHARE_CODE}", f"share_code: '{code}'")
    tiny.write("products/test-orange.yml", record)
    result = tiny.build()
    assert result.code == 1 and "Traceback" not in result.err
    assert "products/test-orange.yml" in result.err and "purchase[1].share_code" in result.err, result.err
    assert words in result.err, result.err


def test_the_build_reports_every_channels_policy(tiny: TinySite) -> None:
    result = write_site(tiny).build()
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "  jd (京东): open in every app" in lines
    assert "  taobao (淘宝): open the shop (open): weibo, alipay, dingtalk; guide to the browser (guide): wechat, qq; offer the link to copy (copy): douyin, kuaishou" in lines
    assert ("  shop (测试商城): open the shop (open): qq, kuaishou; guide to the browser (guide): alipay, dingtalk, douyin; offer the link to copy (copy): wechat, weibo"
            in lines)


def test_go_pages_carry_their_own_csp_and_refresh_only_where_they_may(tiny: TinySite) -> None:
    assert write_site(tiny).build().code == 0
    for cid, url in LINKS.items():
        html = tiny.read(f"go/test-orange/{cid}/index.html")
        page = _Inline()
        page.feed(html)
        csp = next(m["content"] for m in page.metas if m.get("http-equiv") == "Content-Security-Policy")
        assert csp == inline_csp(page.scripts, page.styles)
        directives = dict(d.strip().split(" ", 1) for d in str(csp).split(";"))
        assert directives["default-src"] == "'none'" and directives["img-src"] == "'self'"
        assert directives["base-uri"] == "'none'" and directives["form-action"] == "'none'"
        assert directives["style-src"] == " ".join(_sha(s) for s in page.styles)
        refresh = f'<meta http-equiv="refresh" content="0; url={url.replace("&", "&amp;")}">'
        if cid in ("jd", "pinduoduo", "weidian"):  # open in every app: a plain redirect, no script
            assert page.scripts == [] and directives["script-src"] == "'none'"
            assert refresh in html and "<noscript>" not in html
        else:
            assert len(page.scripts) == 1 and directives["script-src"] == _sha(page.scripts[0])
            assert f"<noscript>{refresh}</noscript>" in html
            assert re.search(r'<meta http-equiv="refresh"', html.replace(f"<noscript>{refresh}</noscript>", "")) is None
        assert f'<a href="{url.replace("&", "&amp;")}" id="hl-link">' in html


def test_share_codes_are_printed_where_the_channel_copies(tiny: TinySite) -> None:
    write_site(tiny)
    record = (tiny.path / "products/test-orange.yml").read_text(encoding="utf-8")
    # jd opens in every app: a share code there is kept in the record but not printed.
    record = record.replace(f"url: {LINKS['jd']}\n", f"url: {LINKS['jd']}\n    share_code: (JdCode123456)\n")
    tiny.write("products/test-orange.yml", record)
    assert tiny.build().code == 0
    poster = tiny.read("products/test-orange/poster/index.html")
    labels = tiny.read("labels/index.html")
    assert f"在抖音、快手里：复制淘宝口令 <strong>{SHARE_CODE}</strong>" in poster
    assert f'<span class="hl-label__code">淘宝口令 {SHARE_CODE}</span>' in labels
    assert "JdCode123456" not in poster and "JdCode123456" not in labels
    product = tiny.read("products/test-orange/index.html")
    assert 'data-hl-in-app="wechat:guide qq:guide douyin:copy kuaishou:copy" data-hl-code>' in product
    assert 'href="../../go/test-orange/jd/" rel="nofollow">' in product
