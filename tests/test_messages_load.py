"""Every kind of mistake harvest/load/ finds is told in Chinese: end to end, `build.py check`
run as an editor runs it (HARVEST_LANG=zh_CN), on a site that holds one mistake of each kind.

Each case names the file and line of the mistake and a phrase of its Chinese message; the
problem must keep its shape (file，第 N 行 / 应为 / 实际 / 怎样改) and read no English words of
the message (ids, fields, paths, commands and examples are kept as typed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harvest.i18n import use_language
from harvest.load import inapp
from harvest.load.names import Names
from harvest.load.privacy import find_personal_data
from tests.sitekit import CAMPAIGN, CONFIG, PRODUCT, ROOT, TinySite
from tests.sitekit import swap as _swap

JD = "  - channel: jd\n    url: https://item.jd.com/100001234567.html\n"


def _zh(site: TinySite, *args: str) -> str:
    """What `build.py` prints to an editor whose computer speaks Chinese (stderr)."""
    env = {**os.environ, "HARVEST_LANG": "zh_CN"}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), *args, "--config-file",
                           str(site.path / "mkdocs.yml")], capture_output=True, text=True, cwd=site.path,
                          env=env, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr


def _blocks(err: str) -> list[str]:
    """Each problem printed, as one block of text (its first line says where it is)."""
    return [b.removeprefix("ERROR: ") for b in re.split(r"(?m)^(?=\S)", err) if "\n    应为：" in b]


def _told(err: str, where: str, phrase: str) -> str:
    """The one problem printed at `where` (``products/x.yml，第 4 行``) that holds `phrase`."""
    found = [b for b in _blocks(err) if b.startswith(where) and phrase in b]
    assert found, f"{where} / {phrase}\n{err}"
    block = found[0]
    assert all(label in block for label in ("\n    应为：", "\n    实际：", "\n    怎样改：")), block
    return block


# (what kind of mistake, file, its content, where the message says it is, phrases it holds)
RECORDS: list[tuple[str, str, str | bytes, str, list[str]]] = [
    ("yaml-syntax", "products/broken.yml", _swap("county: 保靖县}", "county: 保靖县"), "products/broken.yml",
     ["YAML 格式错误", "冒号后面少了空格"]),
    ("full-width-colon", "products/colon.yml", _swap("producer: ", "producer："), "products/colon.yml，第 4 行",
     ["全角冒号「：」，请改为半角「:」", "YAML 自己的符号要用半角输入"]),
    ("yaml-anchors", "products/anchors.yml", _swap("name: 测试脐橙", "name: &n 测试脐橙") + "producer2: *n\n",
     "products/anchors.yml，第 1 行", ["锚点和别名：&n", "删掉 & 和 * 的名字"]),
    ("long-number", "products/long.yml", _swap('amount: "39.90"', "amount: " + "9" * 50),
     "products/long.yml，第 6 行", ["不超过 40 个字符的数字", "一个 50 个字符长的数字"]),
    ("duplicate-field", "products/twice.yml", PRODUCT + "name: 另一个名字\n", "products/twice.yml，第 14 行",
     ["字段「name」", "「name」出现了第二次", "保留你要的值"]),
    ("missing-field", "products/no-name.yml", _swap("name: 测试脐橙\n", ""), "products/no-name.yml，第 1 行",
     ["字段「name」", "没有这个字段", "加上这一行\n      name: 保靖黄金脐橙"]),
    ("unknown-field", "products/typo.yml", _swap("producer:", "prodcuer:"), "products/typo.yml，第 4 行",
     ["不认识的字段「prodcuer」", "是不是「producer」？检查拼写"]),
    ("wrong-value", "products/bad-date.yml", _swap("on: 2019-02-12", "on: 2019-02-30"),
     "products/bad-date.yml，第 7 行", ["写成 年-月-日（YYYY-MM-DD）的日期", "写成这样\n      on: 2019-02-12"]),
    ("check-digit", "products/gtin.yml", PRODUCT + 'gtin: "06901234567891"\n', "products/gtin.yml，第 14 行",
     ["最后一位是 GS1 校验位的商品条码"]),
    ("channel-name", "products/taobao.yml", _swap("channel: jd", "channel: 淘包"),
     "products/taobao.yml，第 10 行，字段「purchase[0].channel」", ["mkdocs.yml 里登记过的渠道之一：", "jd（京东）、pinduoduo（拼多多）",
                                                                  "是不是「taobao」（淘宝）？用其中之一"]),
    ("category-name", "products/fruits.yml", _swap("category: fruit", "category: fruits"),
     "products/fruits.yml，第 5 行，字段「category」", ["分类之一", "是不是「fruit」（水果）？"]),
    ("unknown-campaign", "products/campain.yml", _swap("[test-campaign]", "[test-campain]"),
     "products/campain.yml，第 8 行", ["campaigns/ 里某个活动的 id", "是不是「test-campaign」（测试活动）？",
                                      "新建 campaigns/test-campain.yml，或者改正这个 id"]),
    ("share-text", "products/share.yml",
     _swap(JD, "  - channel: taobao\n    url: 【淘宝】https://m.tb.cn/h.5abc123?tk=XyZ1 CZ0001 点击链接直接打开\n"),
     "products/share.yml，第 11 行", ["只要链接本身", "只保留链接：\n      https://m.tb.cn/h.5abc123?tk=XyZ1"]),
    ("wrong-domain", "products/domain.yml", _swap("item.jd.com", "item.notjd.com"), "products/domain.yml，第 11 行",
     ["在 jd.com 或 3.cn（渠道「jd」）上的链接", "其他网站的链接一律不发布"]),
    ("same-channel-twice", "products/twice-jd.yml", PRODUCT + JD, "products/twice-jd.yml，第 14 行",
     ["每个产品每个渠道只写一次", "每个渠道只留一个链接"]),
    ("personal-data", "products/phone.yml", _swap("测试合作社", "测试合作社 13800138000"),
     "products/phone.yml，第 4 行", ["公开页面上不能有个人信息", "像是大陆手机号码的内容"]),
    ("invisible-character", "products/hidden.yml", _swap("测试脐橙", "测试\u200b脐橙"), "products/hidden.yml，第 1 行",
     ["不带控制字符或隐形字符的文字", "里的字符 U+200B", "看不见"]),
    ("far-date", "products/year.yml", _swap("on: 2019-02-12", "on: 2109-02-12"), "products/year.yml，第 7 行",
     ["2000-01-01 到", "之间的日期", "检查年份"]),
    ("end-before-start", "campaigns/backwards.yml", _swap("end: 2019-02-22", "end: 2019-02-01", CAMPAIGN),
     "campaigns/backwards.yml，第 5 行", ["不早于开始日期（2019-02-20）的日期", "改正开始日期或结束日期"]),
    ("unknown-product", "campaigns/with-products.yml", CAMPAIGN + "products: [云南普洱]\n",
     "campaigns/with-products.yml，第 8 行", ["products/ 里某个产品的 id", "是不是「puer-tea」（云南普洱茶）？",
                                             "新建 products/云南普洱.yml，或者改正这个 id"]),
    ("address-clash", "products/county.yml", _swap("county: 保靖县", "county: 保靖·县"),
     "products/county.yml，第 3 行", ["独有的县名", "第 3 行 会发布在同一个地址下", "完全一样（「保靖县」）"]),
    ("missing-picture", "products/picture.yml", PRODUCT + "images: [images/none.jpg]\n",
     "products/picture.yml，第 14 行", ["content/ 里确实存在的图片", "把图片放进 content/images/"]),
    ("damaged-picture", "products/damaged.yml", PRODUCT + "images: [images/damaged.jpg]\n",
     "products/damaged.yml，第 14 行", ["能打开的 JPEG、PNG 或 WebP 图片", "损坏或不完整的文件"]),
    ("file-name", "products/Test_Orange.yml", PRODUCT, "products/Test_Orange.yml：", ["文件名就是 id", "给文件改名"]),
    ("file-extension", "products/other.yaml", PRODUCT, "products/other.yaml：", ["以 .yml 结尾的文件名", "改名为 other.yml"]),
    ("reserved-id", "products/index.yml", PRODUCT, "products/index.yml：", ["index 以外的 id"]),
    ("not-utf8", "products/gbk.yml", PRODUCT.encode("gbk"), "products/gbk.yml，第 1 行",
     ["不是 UTF-8 的字节", "存为 UTF-8"]),
    ("not-a-record", "campaigns/list.yml", "- 测试\n", "campaigns/list.yml，第 1 行",
     ["写成 `key: value` 的字段", "python build.py new campaign <id>"]),
    ("build-owned-path", "content/go/mine.md", "# 我的\n", "content/go/mine.md：",
     ["放在网站不会自动生成的路径上的页面", "位于文件夹 go/ 里，这里由网站生成：印出来的二维码指向的购买链接跳转页",
      "网站自己生成的页面不能被替换"]),
    ("page-control-character", "content/about.md", "# 关于\n\n我们\u200b在这里。\n", "content/about.md，第 3 行，第 3 列",
     ["字符 U+200B", "删掉它"]),
    ("story-personal-data", "content/stories/test-orange.md", "果园在山上，电话 138 0013 8000。\n",
     "content/stories/test-orange.md，第 1 行", ["像是大陆手机号码的内容：138 0013 8000", "号码不管怎么写都算"]),
    ("active-file", "content/page.html", "<p>hi</p>\n", "content/page.html：",
     ["用 Markdown 写的页面（.md）", "一个 .html 文件，里面可能带脚本"]),
    ("admin-settings", "mkdocs.yml", "", "mkdocs.yml，字段「extra.admin.backend」",
     ["以下之一：github、gitlab、gitea、forgejo", "写明网站仓库放在哪个代码托管平台上"]),
    ("in-app-browser", "mkdocs.yml", "", "mkdocs.yml，字段「extra.channels.taobao.in_app.wehcat」",
     ["以下应用之一：wechat、qq、weibo", "是不是「wechat」？用其中一个名字"]),
    ("channel-declaration", "mkdocs.yml", "", "mkdocs.yml，字段「extra.channels.Bad」",
     ["渠道 id（小写字母、数字、短横线）", "写成这样\n      channels:"]),
]

# What the settings cases above add to mkdocs.yml.
SETTINGS = """\
    Bad: {label: 坏, domains: [bad.example]}
  admin: {backend: svn, repo: county-office/harvest-site}
"""


@pytest.fixture(scope="module")
def told(tmp_path_factory: pytest.TempPathFactory) -> str:
    site = TinySite(tmp_path_factory.mktemp("zh") / "repo").with_basics()
    config = CONFIG.replace("domains: [taobao.com, tmall.com, tb.cn]}",
                            "domains: [taobao.com, tmall.com, tb.cn], in_app: {wehcat: guide}}")
    site.write("mkdocs.yml", config + SETTINGS)
    site.write("content/images/damaged.jpg", b"\xff\xd8\xff\xe0 not a picture")
    site.write("products/puer-tea.yml", _swap("name: 测试脐橙", "name: 云南普洱茶"))  # named in "unknown-product"
    for _case, rel, text, _where, _phrases in RECORDS:
        if rel != "mkdocs.yml":
            site.write(rel, text)
    return _zh(site, "check")


@pytest.mark.parametrize(("case", "rel", "text", "where", "phrases"), RECORDS, ids=[c[0] for c in RECORDS])
def test_each_mistake_in_records_pages_and_settings_is_told_in_chinese(
        told: str, case: str, rel: str, text: str | bytes, where: str, phrases: list[str]) -> None:
    block = _told(told, where, phrases[0])
    for phrase in phrases[1:]:
        assert phrase in block, block
    words = re.sub(r"`[^`]*`|\"[^\"]*\"|「[^」]*」|\[[^\]]*\]|\S*[/.]\S*|\n      .*", "", block)
    assert not re.search(r"\b(?:the|a|an|or|and|with|of|field|line|expected|found|fix)\b", words), block


def test_refused_inputs_are_told_in_chinese(tmp_path: Path) -> None:
    """Links, oversized files and !ENV are refused before anything is read: a run of their own."""
    site = TinySite(tmp_path / "repo").with_basics()
    site.write("mkdocs.yml", CONFIG + "copyright: !ENV HARVEST_SIGNING_KEY\n")
    (site.path / "products" / "link.yml").symlink_to(site.path / "products" / "test-orange.yml")
    site.write("products/big.yml", "name: 测试\n" + "# " + "长" * 100_000 + "\n")
    err = _zh(site, "check")
    _told(err, "products/link.yml：", "真正的文件或文件夹（链接一律不跟随")
    assert "把链接换成文件的副本（cp -L），或者删掉它" in _told(err, "products/link.yml：", "指向")
    assert "拆成几个小文件" in _told(err, "products/big.yml：", "不超过 256 KB 的文件")
    line = len(CONFIG.splitlines()) + 1
    assert "直接写值，不要用 !ENV" in _told(err, f"mkdocs.yml，第 {line} 行", "网站不从环境变量读取任何东西")


def test_did_you_mean_reads_as_one_chinese_sentence() -> None:
    """The hint names each id a name stands for, joined in Chinese, in one question."""
    names = Names("product", {"green-tea": ["绿茶"], "green-tea-2": ["绿茶"]})
    with use_language("zh_CN"):
        assert names.hint("绿 茶") == "是不是「green-tea」（绿茶） 或 「green-tea-2」（绿茶）？"
    with use_language("en"):
        assert names.hint("绿 茶") == 'did you mean "green-tea" (绿茶) or "green-tea-2" (绿茶)? '


def test_the_in_app_report_and_personal_data_words_follow_the_language() -> None:
    with use_language("zh_CN"):
        assert inapp.report_title().startswith("应用内浏览器")
        assert inapp.policy_summary("jd", "京东", {}) == "  jd（京东）：在所有应用里都直接打开店铺"
        assert find_personal_data("电话 138-0013-8000") == "大陆手机号码"
    with use_language("en"):
        assert find_personal_data("电话 138-0013-8000") == "a mainland mobile number"
