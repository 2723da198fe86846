"""The ledger pages, the transparency page and cited figures, from the loaded site without a
build: the view data of harvest/render/ledgers.py through the templates under theme/partials/hl/,
and the citations of harvest/ledger/citations.py."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from harvest.ledger import citations
from harvest.publish import ledger_files
from harvest.render import ledgers, templates
from harvest.site import Site, load_site
from tests.sitekit import CAMPAIGN, PRODUCT, TinySite
from tests.test_ledger_site import HEADER, LEDGER, ROWS


def load(tiny: TinySite) -> Site:
    config = yaml.safe_load((tiny.path / "mkdocs.yml").read_text(encoding="utf-8"))
    site, problems = load_site(tiny.path, tiny.path / "content", config["site_url"], config["extra"])
    assert problems == [] and site is not None
    return site


def _page(site: Site, src: str) -> str:
    pages = [ledgers.ledger_page(site, cid) for cid in site.books] + list(ledgers.transparency_outputs(site))
    out = next(o for o in pages if o.src_uri == src)
    assert out.view is not None and isinstance(out.content, str) and out.content.startswith("---\n")
    return templates.render(out.view)


def _donations(count: int) -> str:
    return HEADER + "".join(f"{n},2019-02-20,donation,,,,,,{n}.00,CNY,捐赠人 {n},R-{n:04d},\n"
                            for n in range(1, count + 1))


def test_a_long_ledger_shows_the_newest_50_and_loads_the_rest(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", _donations(1060))
    html = _page(load(tiny), "ledgers/test-campaign.md")
    rows = re.findall(r'<tr id="seq-(\d+)">', html)
    assert rows == [str(n) for n in range(1060, 1010, -1)]
    button = ('<button type="button" class="md-button" data-ledger-more data-ledger-chunks="2" data-ledger-shown="50"'
              ' data-ledger-size="1060" data-ledger-names=\'{"channels": {"douyin": "抖音小店", "jd": "京东",'
              ' "pinduoduo": "拼多多", "taobao": "淘宝"}, "corrected": {}, "products": {}, "symbols": {"CNY": "¥"},'
              ' "types": {"disbursement": "拨付", "donation": "捐赠", "expense": "支出", "sale": "销售"}}\'>'
              '再显示 1,000 条更早的账目</button>')
    assert button in html
    assert '还有 1,010 条更早的账目。没有 JavaScript 也可以<a href="../test-campaign.csv">下载完整账本（CSV）</a>' in html
    assert "共 <strong>1,060</strong> 条" in html and "共 1,060 条账目" in html
    assert html.index('<script src="../../assets/javascripts/receipt.js" defer></script>') > html.index("封存记录")
    assert '<script src="../../assets/javascripts/ledger.js" defer></script>' in html


def test_a_short_unsigned_ledger_without_seals_or_witnesses(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", LEDGER)
    html = _page(load(tiny), "ledgers/test-campaign.md")
    assert "data-ledger-more" not in html and "更早的账目" not in html
    assert "<li>这个账本还没有封存。</li>" in html and 'href="consistency/' not in html
    assert ('<li class="hl-unsigned" data-unsigned-preview><strong>未签名预览</strong>：'
            "这次构建没有签名密钥，账本没有签名。正式发布的站点一定是签名的。</li>") in html
    assert "<li>本站没有设定见证方。</li>" in html
    # A sale links its product; a correction and the entry it corrects link each other.
    assert ('<tr id="seq-2"><td>2</td><td>2019-02-20</td><td>销售</td><td><a href="../../products/test-orange/">'
            "测试脐橙</a></td><td>京东</td><td>1,250.5 kg</td><td>300</td><td class=\"hl-num\">¥7,003.00</td>"
            "<td>京东买家</td><td>S-1</td><td></td></tr>") in html
    assert '<td>备注, 有逗号；已由 <a href="#seq-7">第 7 条</a> 更正</td>' in html
    assert '<td class="hl-num">-¥560.50</td><td>拼多多买家</td><td>seq:3</td><td>重复录入；更正 <a href="#seq-3">第 3 条</a></td>' in html


class _OutsideDetails(HTMLParser):
    """The text and attribute values of a page that are not inside a <details> (nor a script)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # how many <details> (or <script>) are open
        self.outside: list[str] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("details", "script"):
            self.depth += 1
        (self.inside if self.depth else self.outside).extend(v or "" for _, v in attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("details", "script"):
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        (self.inside if self.depth else self.outside).append(data)


def test_plain_words_first_and_the_proof_behind_technical_details(tiny: TinySite,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A donor reads the seal, the signature and the witnesses in plain words; roots, tree heads,
    leaf positions and RFC names are inside a closed <details><summary>技术细节</summary>."""
    from tests.test_signed_log import LOG_KEY, seal

    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", LEDGER)
    seal(tiny, ROWS, [2, len(ROWS) - 2])
    monkeypatch.setenv("HARVEST_SIGNING_KEY", LOG_KEY)
    site = load(tiny)
    html = _page(site, "ledgers/test-campaign.md")
    assert f"<li>账本已封存 {len(ROWS) - 2} 条，最后封存于 2019-03-01；之后的 2 条还没有封存。" in html
    assert "<li data-witnesses>签名：账本由本站的签名密钥签名" in html
    assert '<details class="hl-tech" data-ledger-details>\n<summary>技术细节</summary>' in html  # closed: no "open"
    parts = _OutsideDetails()
    parts.feed(html)
    outside, inside = " ".join(parts.outside), " ".join(parts.inside)
    root = site.books["test-campaign"].root_hex
    assert root in inside and "RFC 6962" in inside and "树头" in inside and "从 0 数" in inside
    assert not re.search(r"\b[0-9a-f]{64}\b", outside), outside
    assert "RFC" not in outside and "树头" not in outside and "叶子" not in outside and "默克尔" not in outside


class _Rows(HTMLParser):
    """The entry rows of a page as a browser reads them: id → cells ({"tag", "text", "class"}, the
    text with each link written [text](href)), and the attributes of the button for older entries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, list[dict[str, str]]] = {}
        self.button: dict[str, str | None] = {}
        self._row: list[dict[str, str]] | None = None
        self._cell: dict[str, str] | None = None
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and (a.get("id") or "").startswith("seq-"):
            self._row = self.rows[a["id"] or ""] = []
        elif tag == "td" and self._row is not None:
            self._cell = {"tag": "td", "text": "", "class": a.get("class") or ""}
            self._row.append(self._cell)
        elif tag == "a" and self._cell is not None:
            self._href = a.get("href")
            self._cell["text"] += "["
        elif tag == "button" and "data-ledger-more" in a:
            self.button = a

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._cell is not None:
            self._cell["text"] += f"]({self._href})"
        elif tag == "td":
            self._cell = None
        elif tag == "tr":
            self._row = None


def page_rows(html: str) -> _Rows:
    """The entry rows and the button of a ledger page (see `_Rows`)."""
    parser = _Rows()
    parser.feed(html)
    return parser


LOADED = [  # the ten oldest entries, which ledger.js loads: every type, quantities, currencies, texts
    *ROWS,
    "8,2019-02-23,donation,,,,,,-1.00,CNY,某公司,seq:1,再次更正\n",
    '9,2019-02-23,donation,,,,,,12345.67,USD,"<b>名字</b> ""引号"" & 符号",R-004,"备注 <i>x</i> \'单引号\'"\n',
    "10,2019-02-23,sale,test-orange,jd,1234567.125,kg,12000,1000000.00,CNY,京东买家,S-3,\n",
]
ON_PAGE = "12,2019-02-24,donation,,,,,,-5.00,CNY,某公司,seq:1,多记了\n"  # corrects an entry the page does not show


def write_long_ledger(site: TinySite) -> None:
    """A site whose ledger has 60 entries: the page shows 50, the button loads the 10 of `LOADED`."""
    site.with_basics()
    site.write("products/test-orange.yml", PRODUCT.replace("测试脐橙", "'测试脐橙 \"''&'"))  # in a quoted attribute
    more = [f"{n},2019-02-24,donation,,,,,,{n}.00,CNY,捐赠人 {n},R-{n:04d},\n" for n in range(11, 61)]
    more[1] = ON_PAGE
    site.write("ledgers/test-campaign.csv", HEADER + "".join(LOADED + more))


def every_row(site: Site, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[dict[str, str]]]:
    """Every entry's row as the template makes it (the page shows only the newest 50)."""
    with monkeypatch.context() as m:
        m.setattr(ledgers, "FIRST_SCREEN", site.books["test-campaign"].figures.size)
        return page_rows(_page(site, "ledgers/test-campaign.md")).rows


def test_rows_loaded_by_ledger_js_are_the_pages_rows(tiny: TinySite, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The button loads older entries as rows made by theme/assets/javascripts/ledger.js; they
    must be the rows the template makes (theme/partials/hl/macros.html `entry_rows`): the same
    cells, texts and links (product pages, corrections both ways)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (v18 or later; CI installs nodejs) is needed to test theme/assets/javascripts/ledger.js")
    write_long_ledger(tiny)
    site = load(tiny)
    page = page_rows(_page(site, "ledgers/test-campaign.md"))
    assert sorted(page.rows) == sorted(f"seq-{n}" for n in range(11, 61))
    chunk = ledger_files.entry_chunk(1, site.books["test-campaign"].ledger.lines())  # entries/0.json, as published
    spec = {"button": page.button, "chunks": {"entries/0.json": json.loads(chunk)}}
    (tmp_path / "spec.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([node, str(Path(__file__).parent / "js" / "ledger.test.mjs"), str(tmp_path / "spec.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["button"] == {"disabled": True, "text": "已显示全部账目"}
    whole = every_row(site, monkeypatch)
    assert [row["id"] for row in made["rows"]] == [f"seq-{n}" for n in range(10, 0, -1)]
    for row in made["rows"]:
        assert row["tag"] == "tr" and row["cells"] == whole[row["id"]], row["id"]
    assert whole["seq-1"][10]["text"] == "首笔捐赠；已由 [第 8 条](#seq-8) 更正；已由 [第 12 条](#seq-12) 更正"
    assert whole["seq-3"][10]["text"] == "备注, 有逗号；已由 [第 7 条](#seq-7) 更正"
    assert whole["seq-2"][3]["text"] == "[测试脐橙 \"'&](../../products/test-orange/)"


def test_the_transparency_page_sums_each_currency(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("campaigns/later-campaign.yml", CAMPAIGN.replace("测试活动", "后来的活动").replace("2019-02-2", "2020-02-2"))
    tiny.write("ledgers/test-campaign.csv", LEDGER + "8,2019-02-23,donation,,,,,,50.00,USD,某基金会,R-003,\n")
    html = _page(load(tiny), "transparency/index.md")
    assert "<h1" not in html  # Material writes the page's title
    rows = re.findall(r"<tr>.*?</tr>", html)
    assert rows[0] == ('<tr><th scope="col">活动</th><th scope="col">捐赠收入</th><th scope="col">销售额</th>'
                       '<th scope="col">拨付给受助方</th><th scope="col">活动支出</th><th scope="col">结余</th>'
                       '<th scope="col">账目</th></tr>')
    assert rows[1] == ('<tr><th scope="row"><a href="../campaigns/test-campaign/">测试活动</a></th>'
                       '<td class="hl-num" data-label="捐赠收入">¥1,200.00</td>'
                       '<td class="hl-num" data-label="销售额">¥7,003.00</td>'
                       '<td class="hl-num" data-label="拨付给受助方">¥600.00</td>'
                       '<td class="hl-num" data-label="活动支出">¥150.25</td><td class="hl-num" data-label="结余">¥449.75</td>'
                       '<td data-label="账目"><a href="../ledgers/test-campaign/">8 条</a></td></tr>')
    assert rows[2].startswith('<tr><th scope="row"><a href="../campaigns/test-campaign/">测试活动</a></th>'
                              '<td class="hl-num" data-label="捐赠收入">50.00 USD</td>')
    assert rows[3] == ('<tr><th scope="row"><a href="../campaigns/later-campaign/">后来的活动</a></th>'
                       '<td colspan="6">尚无账本</td></tr>')
    assert [r.split("</th>")[0] for r in rows[4:]] == ['<tr><th scope="row">合计（CNY）', '<tr><th scope="row">合计（USD）']
    assert '<td class="hl-num" data-label="结余"><strong>¥449.75</strong></td><td></td></tr>' in rows[4]


def test_a_ledger_without_entries_is_on_the_transparency_page(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", HEADER)
    html = _page(load(tiny), "transparency/index.md")
    assert ('<tr><th scope="row"><a href="../campaigns/test-campaign/">测试活动</a></th>'
            + "".join(f'<td class="hl-num" data-label="{k}">¥0.00</td>' for k in ("捐赠收入", "销售额", "拨付给受助方", "活动支出", "结余"))
            + '<td data-label="账目"><a href="../ledgers/test-campaign/">0 条</a></td></tr>') in html


@pytest.mark.parametrize(("words", "text"), [
    ("test-campaign sold kg", "1,250.5 kg"),
    ("test-campaign sold kg test-orange", "1,250.5 kg"),
    ("test-campaign orders", "300"),
    ("test-campaign donations", "¥1,200.00"),
    ("test-campaign balance", "¥449.75"),
    ("test-campaign expenses USD", "0.00 USD"),
    ("test-campaign entries", "7"),
    ("test-campaign progress sales_amount", "700.3%"),
])
def test_a_citation_is_the_ledgers_figure(tiny: TinySite, words: str, text: str) -> None:
    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", LEDGER)
    site = load(tiny)
    assert citations.value(site.records, site.books, words.split()) == text


@pytest.mark.parametrize(("words", "expected"), [
    ("no-such-campaign entries", 'a campaign id; there is no campaign "no-such-campaign"'),
    ("test-campaign progress donations", 'a goal that campaign "test-campaign" sets; it has no goal "donations"'),
    ("test-campaign sold kg no-such-product", 'a product id; there is no product "no-such-product"'),
    ("test-campaign kilos", citations.usage()),
])
def test_a_wrong_citation_is_one_problem_with_its_line(tiny: TinySite, words: str, expected: str) -> None:
    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", LEDGER)
    site = load(tiny)
    problems = citations.check_text(site.records, site.books, f"# 标题\n\n{{{{ figure {words} }}}}\n", "content/a.md")
    assert [(p.path, p.line, p.field, p.expected) for p in problems] == [("content/a.md", 3, "figure", expected)]
