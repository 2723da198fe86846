"""Hostile corpus: HTML from content, the Content-Security-Policy and figure placeholders.

Every vector is written both into an editor's page (content/hostile/vNN.md) and into a
product's story, the site is built once, and each page is read back as a browser would
parse it: no script from content, no event handler, no javascript:/vbscript:/data: link,
no frame, object, form, base, meta or style element from content. Files a browser runs as
a page (HTML, SVG, XML) are refused under content/ by the one loader.
"""

from __future__ import annotations

import base64
import hashlib
import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harvest.render import csp
from tests.hostile.harness import assert_refused, built_site, changed
from tests.sitekit import CAMPAIGN, PRODUCT, TinySite
from tests.test_ledger_site import HEADER, ROWS

VECTORS = {
    "01": "<script>window.pwn01=1</script>",
    "02": '<img src=x onerror="window.pwn02=1">',
    "03": "[click](javascript:window.pwn03=1)",
    "04": '<a href="javascript:window.pwn04=1">click</a>',
    "05": '<a href="JaVaScRiPt&#58;window.pwn05=1">click</a>',
    "06": '<a href=" java&#x09;script:window.pwn06=1">click</a>',
    "07": '<a href="&#106;avascript:window.pwn07=1">click</a>',
    "08": '<iframe src="javascript:window.pwn08=1"></iframe>',
    "09": "<svg><script>window.pwn09=1</script></svg>",
    "10": '<svg onload="window.pwn10=1"><circle r="1"/></svg>',
    "11": '<math><mtext><table><mglyph><style><img src=x onerror="window.pwn11=1">',
    "12": "<style>body{background:url('https://evil.example/pwn12')}</style>",
    "13": '<div style="position:fixed" onclick="window.pwn13=1">x</div>',
    "14": '<object data="javascript:window.pwn14=1"></object><embed src="javascript:window.pwn14=1">',
    "15": '<form action="https://evil.example/pwn15"><input name="pwn15"><button formaction="javascript:pwn15">go</button></form>',
    "16": '<base href="https://evil.example/pwn16/">',
    "17": '<meta http-equiv="refresh" content="0;url=javascript:window.pwn17=1">',
    "18": '<link rel="stylesheet" href="https://evil.example/pwn18.css">',
    "19": "![picture](javascript:window.pwn19=1)",
    "20": "A paragraph.\n{: onclick=\"window.pwn20=1\" }",
    "21": '<a href="data:text/html,<script>window.pwn21=1</script>">click</a>',
    "22": '<a href="vbscript:msgbox(pwn22)">click</a>',
    "23": '<noscript><p title="</noscript><img src=x onerror=window.pwn23=1>"></noscript>',
    "24": '<div id="__config">{"base": "https://evil.example/pwn24/"}</div>',
    "25": '<details open ontoggle="window.pwn25=1"><summary>more</summary>x</details>',
    "26": "<scr<script>ipt>window.pwn26=1</scr</script>ipt>",
    "27": '<div markdown="1">\n<script>window.pwn27=1</script>\n</div>',
    "28": "<template><script>window.pwn28=1</script></template>",
    "29": '<img src="data:image/svg+xml,<svg onload=window.pwn29=1>">',
    "30": '<p class="hl-verified md-button md-button--primary">pwn30 已核验</p>',
    "31": '<a href="https://evil.example/pwn31" target="_blank">an outside link</a>',
    "32": '<img src="https://evil.example/pwn32.png" alt="outside">',
}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "srcset", "xlink:href", "background", "poster")
BAD_TAGS = ("iframe", "frame", "object", "embed", "base", "form", "input", "button", "link", "meta", "style", "svg")
JSON_TYPES = ("application/json", "application/ld+json")


class _Dangers(HTMLParser):
    """Everything in a page that could run script, load from outside or stand in for the
    theme, as a browser's HTML parser sees it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.ids: list[str] = []
        self._in: str | None = None
        self._attrs = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = f"<{tag} {attrs}>"
        values = dict(attrs)
        for name, value in attrs:
            v = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on"):
                self.found.append(f"event handler {shown}")
            if name in URL_ATTRIBUTES and v.startswith(("javascript:", "vbscript:", "data:text", "data:image/svg")):
                self.found.append(f"script link {shown}")
            if name == "style" and "pwn" in v:
                self.found.append(f"style attribute {shown}")
            if name == "class" and "hl-verified" in v or name == "class" and "md-button" in v and "pwn" in shown:
                self.found.append(f"theme class {shown}")
            if name == "id":
                self.ids.append(value or "")
        if tag == "img" and "evil" in (values.get("src") or ""):
            self.found.append(f"outside picture {shown}")
        if tag in BAD_TAGS and "pwn" in shown:
            self.found.append(f"element {shown}")
        if tag in ("script", "style"):
            self._in, self._attrs = tag, shown
            if tag == "script" and "src" not in values and values.get("type") not in JSON_TYPES:
                self._in = "inline-script"

    def handle_data(self, data: str) -> None:
        if self._in and "pwn" in data:
            self.found.append(f"{self._in} {self._attrs} {data[:80]}")
        if "pwn30" in data and self.found and "theme class" in self.found[-1]:
            self.found[-1] += " pwn30"

    def handle_endtag(self, tag: str) -> None:
        self._in = None


# Python's parser does not read <noscript> or <math><style> as a browser does: an event
# handler anywhere inside a tag's brackets counts too.
_RAW_HANDLER = re.compile(r"<[^<>]*\son\w+\s*=[^<>]*", re.I)


def dangers(html: str) -> list[str]:
    """What is unsafe in a page (see `_Dangers`), and any id used twice (one stands in for the other)."""
    parser = _Dangers()
    parser.feed(html)
    parser.close()
    twice = sorted({i for i in parser.ids if parser.ids.count(i) > 1 and i.startswith("__")})
    raw = [f"raw event handler {m.group(0)[:120]}" for m in _RAW_HANDLER.finditer(html)]
    return parser.found + [f"id used twice: {i}" for i in twice] + raw


EXTENSIONS = "markdown_extensions: [admonition, attr_list, toc, tables: {use_align_attribute: true}]\n"


def _hostile_site(path: Path) -> TinySite:
    site = TinySite(path).with_basics()
    site.write("mkdocs.yml", (site.path / "mkdocs.yml").read_text() + EXTENSIONS)  # as in the example site
    for key, vector in VECTORS.items():
        page = f"# 页面 {key}\n\nbefore-{key}\n\n{vector}\n\nafter-{key}\n"
        site.write(f"content/hostile/v{key}.md", page)
        site.write(f"products/p-v{key}.yml", PRODUCT.replace("测试脐橙", f"产品 {key}"))
        site.write(f"content/stories/p-v{key}.md", f"before-{key}\n\n{vector}\n\nafter-{key}\n")
    site.write("ledgers/test-campaign.csv", HEADER + "".join(ROWS))
    return site


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    site = _hostile_site(tmp_path_factory.mktemp("hostile-html") / "repo")
    result = site.build()
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return site


@pytest.mark.parametrize("where", ["hostile/v{}/index.html", "products/p-v{}/index.html"], ids=["page", "story"])
@pytest.mark.parametrize("key", sorted(VECTORS))
def test_content_html_is_harmless(hostile: TinySite, key: str, where: str) -> None:
    html = hostile.read(where.format(key))
    assert f"before-{key}" in html  # the vector was on this page
    found = [d for d in dangers(html) if f"pwn{key}" in d or "id used twice" in d or "event handler" in d]
    assert not found, found


def test_outside_links_get_noopener_and_keep_their_text(hostile: TinySite) -> None:
    html = hostile.read("hostile/v31/index.html")
    assert '<a href="https://evil.example/pwn31" rel="noopener noreferrer">an outside link</a>' in html
    assert 'target="' not in html.split("before-31")[1].split("after-31")[0]


def test_markdown_and_admonitions_still_render(tmp_path: Path) -> None:
    site = TinySite(tmp_path / "repo").with_basics()
    site.write("mkdocs.yml", (site.path / "mkdocs.yml").read_text() + EXTENSIONS)
    site.write(
        "content/stories/test-orange.md",
        '## 果园\n\n!!! note "提示"\n    **十二月**采摘。\n\n| 月份 | 产量 |\n| :--- | ---: |\n| 12 | 5 |\n\n'
        "![果园](../../images/a.jpg){ width=\"300\" loading=lazy }\n\n[合作社](https://example.org/) · <abbr title=\"中华人民共和国\">中国</abbr>\n",
    )
    result = site.build()
    assert result.code == 0, result.err
    html = site.read("products/test-orange/index.html")
    assert '<div class="admonition note">\n<p class="admonition-title">提示</p>' in html
    assert "<strong>十二月</strong>" in html
    assert '<th align="left">月份</th>' in html and '<td align="right">5</td>' in html
    assert '<img alt="果园" loading="lazy" src="../../images/a.jpg" width="300">' in html
    assert '<abbr title="中华人民共和国">中国</abbr>' in html
    assert '<h2 id="_1">果园</h2>' in html  # toc's own id, kept


# Files a browser runs as a page are refused by the loader, for check and build alike.
ACTIVE = {
    "content/evil.html": "<script>window.pwn=1</script>",
    "content/images/evil.svg": '<svg xmlns="http://www.w3.org/2000/svg"><script>window.pwn=1</script></svg>',
    "content/images/clean.svg": '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>',
    "content/deep/page.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><script>window.pwn=1</script></html>',
    "content/data/feed.XML": '<?xml version="1.0"?><x/>',
}


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    return built_site(tmp_path_factory.mktemp("hostile-files") / "repo")


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("rel", sorted(ACTIVE))
def test_active_files_in_content_are_refused(good: TinySite, rel: str, command: str) -> None:
    svg = rel.endswith(".svg")
    words = ["convert the picture to PNG or JPEG"] if svg else ["write the page in Markdown (.md)"]
    with changed(good, {rel: ACTIVE[rel]}):
        assert_refused(good, lambda: good.run(command), rel, None, words, command)


# Figure placeholders are read in what editors wrote, never in records, ledgers or imports.
def test_figure_text_in_records_and_ledger_notes_is_shown_as_written(good: TinySite) -> None:
    product = PRODUCT.replace("测试脐橙", "脐橙 {{ figure nope sold kg }}").replace(
        "一个测试用的产品。", '"{{ figure test-campaign donations }}"'
    )
    rows = [*ROWS[:-1], "7,2019-02-23,donation,,,,,,10.00,CNY,匿名,R-009,{{ figure nope nope }}\n"]
    with changed(good, {"products/test-orange.yml": product, "ledgers/test-campaign.csv": HEADER + "".join(rows)}):
        result = good.build()
        assert result.code == 0, result.err
        page = good.read("products/test-orange/index.html")
        ledger = good.read("ledgers/test-campaign/index.html")
    assert "脐橙 {{ figure nope sold kg }}" in page
    assert "{{ figure test-campaign donations }}" in page  # a record's text is never a citation
    assert "{{ figure nope nope }}" in ledger


def test_a_figure_in_an_imported_cell_is_shown_as_written(good: TinySite) -> None:
    export = "日期,类型,金额,对方,凭证号,备注\n2019年2月24日,捐赠,100,某商会,R-100,{{ figure nope nope }}\n"
    with changed(good, {"ledgers/test-campaign.csv": HEADER + "".join(ROWS), "export.csv": export}):
        imported = good.run("import", "test-campaign", str(good.path / "export.csv"))
        assert imported.code == 0, imported.err
        result = good.build()
        assert result.code == 0 and "Traceback" not in result.err, result.err
        assert "{{ figure nope nope }}" in good.read("ledgers/test-campaign/index.html")


def test_figures_in_stories_and_pages_are_still_cited(good: TinySite) -> None:
    files = {
        "ledgers/test-campaign.csv": HEADER + "".join(ROWS),
        "content/stories/test-orange.md": "捐赠共 {{ figure test-campaign donations }}。\n",
        "content/about.md": "# 关于\n\n共 {{ figure test-campaign entries }} 条。\n",
    }
    with changed(good, files):
        result = good.build()
        assert result.code == 0, result.err
        assert "捐赠共 ¥1,200.00。" in good.read("products/test-orange/index.html")
        assert "共 7 条。" in good.read("about/index.html")


# Text from records and ledgers on the pages made by templates: shown as text, never as markup.
# (Names refuse < and >, so only a ledger's cells carry a tag.)
HOSTILE_TEXT = "<img src=x onerror=alert(1)> \"'&"
SHOWN = "&lt;img src=x onerror=alert(1)&gt; &#34;&#39;&amp;"


def test_record_and_ledger_text_on_ledger_pages_is_only_text(good: TinySite) -> None:
    quoted = '"' + HOSTILE_TEXT.replace('"', '""') + '"'  # one CSV field
    files = {
        "campaigns/test-campaign.yml": CAMPAIGN.replace("测试活动", "'活动 \"''&'"),
        "products/test-orange.yml": PRODUCT.replace("测试脐橙", "'脐橙 \"''&'"),
        "ledgers/test-campaign.csv": HEADER + "".join(ROWS)
        + f"8,2019-02-24,sale,test-orange,jd,1,kg,1,5.00,CNY,{quoted},{quoted},{quoted}\n",
    }
    with changed(good, files):
        result = good.build()
        assert result.code == 0, result.err
        pages = {rel: good.read(rel) for rel in ("ledgers/test-campaign/index.html", "transparency/index.html")}
    ledger = pages["ledgers/test-campaign/index.html"]
    row = ledger.split('<tr id="seq-8">')[1].split("</tr>")[0]
    assert row.count(SHOWN) == 3  # party, reference, note
    assert '<a href="../../products/test-orange/">脐橙 &#34;&#39;&amp;</a>' in row
    assert "<h1>活动 &#34;&#39;&amp; · 公开账本</h1>" in ledger
    assert '<a href="../campaigns/test-campaign/">活动 &#34;&#39;&amp;</a>' in pages["transparency/index.html"]
    for rel, html in pages.items():
        assert "<img src=x" not in html, rel
        assert not [d for d in dangers(html) if "event handler" in d or "script link" in d], rel


MARKERS = (
    "<!--hl-prepared:0-->\n\n<!--hl-prepared:999-->\n\n"
    "<!--/hl-content-->\n\n<script>window.pwnM1=1</script>\n\n"
    "<!--/hl-page-content--><script>window.pwnM2=1</script>\n\n<!--hl-content-->\n"
)


@pytest.mark.parametrize("rel", ["content/stories/test-orange.md", "content/about.md"])
def test_placeholder_markers_typed_by_an_editor_do_nothing(good: TinySite, rel: str) -> None:
    with changed(good, {rel: f"# 标题\n\nbefore-M\n\n{MARKERS}\nafter-M\n"}):
        result = good.build()
        assert result.code == 0, result.err
        assert "Traceback" not in result.err
        html = good.read("products/test-orange/index.html" if "stories" in rel else "about/index.html")
    assert "before-M" in html and "after-M" in html
    assert not [d for d in dangers(html) if "pwnM" in d]
    assert "hl-prepared" not in html and "hl-content" not in html and "hl-page-content" not in html
    assert html.count('class="hl-hero"') == (1 if "stories" in rel else 0)  # no prepared block put back twice


def test_front_matter_of_an_editors_page_cannot_reach_the_head(good: TinySite) -> None:
    page = (
        '---\ntitle: "</title><script>window.pwnT=1</script>"\n'
        'description: "\\"><script>window.pwnD=1</script>"\n---\n\n# 关于\n\n'
        '## <img src=x onerror="window.pwnH=1"> <svg onload="window.pwnH=2">in the contents\n'
    )
    with changed(good, {"content/about.md": page}):
        result = good.build()
        assert result.code == 0, result.err
        html = good.read("about/index.html")
    assert not [d for d in dangers(html) if d.startswith(("inline-script", "event handler", "raw event handler"))]
    assert "<script>window.pwnT" not in html and "<script>window.pwnD" not in html
    assert "&lt;/title&gt;&lt;script&gt;" in html


# The Content-Security-Policy: on every page, first in the head, only the theme's scripts.
_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_every_page_has_a_policy_before_any_script(hostile: TinySite) -> None:
    site = hostile.path / "site"
    pages = sorted(site.rglob("*.html"))
    kinds = {p.relative_to(site).parts[0] for p in pages}
    assert {"404.html", "index.html", "go", "products", "campaigns", "ledgers", "transparency", "places"} <= kinds
    for path in pages:
        if path.relative_to(site).parts[0] == "admin":
            continue  # the editors' forms: a policy of their own (tests/test_admin.py)
        html = path.read_text(encoding="utf-8")
        policies = _POLICY.findall(html)
        assert len(policies) == 1, path
        first_script = html.find("<script")
        assert first_script < 0 or html.index("Content-Security-Policy") < first_script, path
        policy = dict(d.split(" ", 1) for d in html_lib.unescape(policies[0]).split("; "))
        inline = [m.group(2) for m in re.finditer(r"<script(\s[^>]*)?>(.*?)</script>", html, re.S)
                  if "src=" not in (m.group(1) or "") and "json" not in (m.group(1) or "")]
        styles = re.findall(r"<style>(.*?)</style>", html, re.S)
        if path.relative_to(site).parts[0] in ("go", "01"):  # no theme: the stricter standalone policy
            assert policy["default-src"] == "'none'" and policy["base-uri"] == "'none'", path
            assert policy["form-action"] == "'none'" and policy["img-src"] == "'self'", path
            assert policy["script-src"].split() == (sorted({_hash(s) for s in inline}) or ["'none'"]), path
            assert policy["style-src"].split() == (sorted({_hash(s) for s in styles}) or ["'none'"]), path
            continue
        assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'", path
        assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'", path
        assert policy["frame-src"] == "'none'" and policy["img-src"] == "'self' data:", path
        sources = policy["script-src"].split()
        assert sources[0] == "'self'" and all(s.startswith("'sha256-") for s in sources[1:]), path
        assert sorted({_hash(s) for s in inline}) == sources[1:], path
        assert policy["style-src"].split() == ["'self'", *sorted({_hash(s) for s in styles})], path
        assert "hl-page-content" not in html and "pwn" not in policies[0], path


def test_digest_matches_the_csp_specification_example() -> None:
    # CSP Level 3, "Hash usage for script elements": alert('Hello, world.');
    assert csp.digest("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
    assert csp.digest("a\r\nb") == csp.digest("a\nb")  # as the HTML parser normalises newlines


def test_an_inline_script_inside_content_stops_the_build() -> None:
    page = "<html><head><meta charset=\"utf-8\"><script>theme()</script></head><body>{}</body></html>"
    safe = csp.secure(page.format(csp.mark_content('<p>ok</p><script src="x.js"></script>')))
    assert csp.digest("theme()") in safe and "hl-page-content" not in safe
    for bad in ("<script>x()</script>", "<SCRIPT type=module>x()</SCRIPT>", "<script\n>x()", "<style>*{}</style>"):
        with pytest.raises(csp.ContentScript):
            csp.secure(page.format(csp.mark_content(f"<p>{bad}</p>")))


def test_redirect_pages_get_the_policy_where_they_had_none() -> None:
    page = '<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>x</title>\n</head><body></body></html>'
    out = csp.secure(page)
    assert out.index('<meta charset="utf-8">') < out.index("Content-Security-Policy") < out.index("<title>")
    assert csp.secure(out) == out  # applying it twice changes nothing


def test_only_the_preview_allows_inline_scripts() -> None:
    # `build.py serve` adds MkDocs' live reload, an inline script that changes on every request.
    assert "script-src 'self' 'unsafe-inline';" in csp.policy(["theme()"], preview=True)
    assert "'unsafe-inline'" not in csp.policy(["theme()"]).split("script-src")[1].split(";")[0]


# Record text on the pages made from records by templates (product, poster, labels, indexes and
# places): escaped where it is written, never markup. The loader refuses < and > in records, so
# what is left is `"'&` and entities typed as text, which must come back as the same text.
RECORD_TEXT = "x{n} \"'& &lt;b&gt;bold&lt;/b&gt; &#60;script&#62;window.evilR{n}=1&#60;/script&#62;"


def _quoted(n: int) -> str:
    return '"' + RECORD_TEXT.format(n=n).replace('"', '\\"') + '"'


def test_record_text_is_escaped_on_every_page_made_from_records(good: TinySite) -> None:
    product = (PRODUCT.replace("name: 测试脐橙", f"name: {_quoted(1)}")
               .replace("summary: 一个测试用的产品。", f"summary: {_quoted(2)}")
               .replace("producer: 测试合作社", f"producer: {_quoted(3)}")
               .replace("county: 保靖县}", f"county: {_quoted(4)}, town: {_quoted(5)}, village: {_quoted(6)}}}")
               .replace("unit: 5 kg 箱}", f"unit: {_quoted(7)}}}")
               .replace("by: 测试小组", f"by: {_quoted(8)}").replace("note: 实地走访", f"note: {_quoted(9)}")
               + f"season: {_quoted(10)}\n")
    with changed(good, {"products/test-orange.yml": product}):
        result = good.build()
        assert result.code == 0 and "Traceback" not in result.err, result.err
        pages = {rel: good.read(rel) for rel in (
            "products/test-orange/index.html", "products/test-orange/poster/index.html", "labels/index.html",
            "products/index.html", "places/index.html", "places/湖南省/index.html",
            "campaigns/test-campaign/index.html")}
        county = next((good.path / "site/places/湖南省").glob("*/index.html"))
        pages["county"] = county.read_text(encoding="utf-8")
    for rel, html in pages.items():
        assert not [d for d in dangers(html) if "evilR" in d], rel
        assert "<b>bold" not in html and "<script>window.evilR" not in html, rel
        # every occurrence escaped: an entity typed in a record is never written as an entity
        assert "&lt;b&gt;bold" not in html and "&#60;script" not in html, rel
    shown = {"products/test-orange/index.html": range(1, 11), "products/test-orange/poster/index.html": (1, 2, 3, 4, 5, 6, 7),
             "labels/index.html": (1, 4), "products/index.html": (1, 2, 4), "places/index.html": (4,),
             "places/湖南省/index.html": (1, 2, 4), "county": (1, 2, 4), "campaigns/test-campaign/index.html": (1, 2, 4)}
    for rel, fields in shown.items():
        shown_text = html_lib.unescape(pages[rel])
        for n in fields:  # written as text: the page holds it escaped, and no <b> element
            assert RECORD_TEXT.format(n=n) in shown_text, (rel, n)
