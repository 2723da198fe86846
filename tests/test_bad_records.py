"""The corpus of bad records: each is refused with file, line and field, no traceback,
and the last good site is left exactly as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.sitekit import CAMPAIGN, PRODUCT, TinySite
from tests.sitekit import swap as _swap

P = "products/test-orange.yml"
C = "campaigns/test-campaign.yml"


# (case id, file, content, expected line, words the message must contain)
CASES: list[tuple[str, str, str, int | None, list[str]]] = [
    ("broken-yaml", P, _swap("origin: {province: 湖南省, county: 保靖县}", "origin: {province: 湖南省, county: 保靖县"),
     None, ["YAML syntax error"]),
    ("tab-indent", P, _swap("  - channel: jd", "\t- channel: jd"), None, ["YAML"]),
    ("missing-name", P, _swap("name: 测试脐橙\n", ""), 1, ['field "name"', "name: 保靖黄金脐橙"]),
    ("missing-summary", P, _swap("summary: 一个测试用的产品。\n", ""), 1, ['field "summary"']),
    ("missing-origin", P, _swap("origin: {province: 湖南省, county: 保靖县}\n", ""), 1, ['field "origin"']),
    ("missing-county", P, _swap("county: 保靖县", "town: 葫芦镇"), 3, ['field "origin.county"']),
    ("missing-producer", P, _swap("producer: 测试合作社\n", ""), 1, ['field "producer"']),
    ("missing-category", P, _swap("category: fruit\n", ""), 1, ['field "category"']),
    ("missing-purchase", P, PRODUCT.split("purchase:")[0], 1, ['field "purchase"']),
    ("empty-purchase", P, PRODUCT.split("purchase:")[0] + "purchase: []\n", 9, ["at least one item"]),
    ("typo-key", P, _swap("producer:", "prodcuer:"), 4, ['unknown field "prodcuer"', 'did you mean "producer"']),
    ("typo-nested-key", P, _swap("note: 实地走访", "nots: 实地走访"), 7, ['unknown field "nots"']),
    ("duplicate-key", P, PRODUCT + "name: 另一个名字\n", 14, ["a second time"]),
    ("summary-too-long", P, _swap("一个测试用的产品。", "长" * 201), 2, ["at most 200 characters"]),
    ("markup-in-name", P, _swap("name: 测试脐橙", "name: <script>alert(1)</script>"), 1, ["without < or >"]),
    ("http-url", P, _swap("https://item.jd.com", "http://item.jd.com"), 11, ["https://"]),
    ("javascript-url", P, _swap("https://item.jd.com/100001234567.html", '"javascript:alert(1)"'), 11, ["https://"]),
    ("lookalike-domain", P, _swap("item.jd.com", "item.jd.com.evil.cn"), 11, ["jd.com or 3.cn"]),
    ("suffix-lookalike", P, _swap("item.jd.com", "item.notjd.com"), 11, ["jd.com or 3.cn"]),
    ("userinfo-url", P, _swap("item.jd.com", "jd.com@evil.example"), 11, ["without a user name"]),
    ("wrong-channel-domain", P, _swap("https://item.jd.com/100001234567.html", "https://item.taobao.com/item.htm?id=1"),
     11, ["jd.com or 3.cn"]),
    ("undeclared-channel", P, _swap("channel: jd", "channel: jingdong"), 10, ["a channel declared in mkdocs.yml"]),
    ("unknown-campaign", P, _swap("campaigns: [test-campaign]", "campaigns: [test-campain]"), 8,
     ['did you mean "test-campaign"']),
    ("bad-date", P, _swap("on: 2019-02-12", "on: 2019-02-30"), 7, ["YYYY-MM-DD"]),
    ("bad-date-format", P, _swap("on: 2019-02-12", "on: 12/02/2019"), 7, ["YYYY-MM-DD"]),
    ("bad-price", P, _swap('amount: "39.90"', 'amount: "39,90"'), 6, ["a number like 39.90"]),
    ("price-three-places", P, _swap('amount: "39.90"', 'amount: "39.901"'), 6, ["at most 2 decimal places"]),
    ("negative-price", P, _swap('amount: "39.90"', 'amount: "-1"'), 6, ["greater than 0"]),
    ("bad-currency", P, _swap("currency: CNY", "currency: rmb"), 6, ["currency code"]),
    ("bad-gtin-check", P, PRODUCT + 'gtin: "06901234567891"\n', 14, ["check digit"]),
    ("bad-gtin-length", P, PRODUCT + 'gtin: "123456789"\n', 14, ["8, 12, 13 or 14 digits"]),
    ("gtin-not-quoted", P, PRODUCT + "gtin: 12345670\n", 14, ["in quotes"]),
    ("image-traversal", P, PRODUCT + "images: [../../etc/passwd.jpg]\n", 14, ["a path inside content/"]),
    ("image-absolute", P, PRODUCT + "images: [/etc/hosts.jpg]\n", 14, ["a path inside content/"]),
    ("image-missing", P, PRODUCT + "images: [images/none.jpg]\n", 14, ["exists inside content/"]),
    ("image-not-picture", P, PRODUCT + "images: [index.md]\n", 14, ["a picture file"]),
    ("phone-in-producer", P, _swap("producer: 测试合作社", "producer: 测试合作社 13800138000"), 4,
     ["a mainland mobile number"]),
    ("phone-in-link-query", P, _swap("goods_id=1234", "goods_id=1234&tel=13800138000"), 13,
     ["a mainland mobile number"]),
    ("email-in-note", P, _swap("note: 实地走访", "note: 联系 zhang@example.com"), 7, ["an e-mail address"]),
    ("campaign-end-before-start", C, _swap("end: 2019-02-22", "end: 2019-02-01", CAMPAIGN), 5, ["not before start"]),
    ("campaign-unknown-product", C, CAMPAIGN + "products: [no-such-product]\n", 8, ["the id of a product"]),
    ("campaign-missing-organizer", C, _swap("organizer: 测试县商务局\n", "", CAMPAIGN), 1, ['field "organizer"']),
    ("campaign-bad-goal", C, _swap('amount: "1000.00"', 'amount: "lots"', CAMPAIGN), 7, ["a number like 39.90"]),
    ("bad-file-name", "products/Test_Orange.yml", PRODUCT, None, ["rename the file"]),
    ("yaml-extension", "products/other.yaml", PRODUCT, None, ["rename it to other.yml"]),
    ("not-utf8", P, PRODUCT.encode("gbk").decode("latin-1"), None, ["UTF-8"]),
    ("story-without-product", "content/stories/no-such.md", "故事\n", None, ["a story named after a product id"]),
]


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_file():
            h.update(f.relative_to(folder).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    site = TinySite(tmp_path_factory.mktemp("bad") / "repo").with_basics()
    result = site.build()
    assert result.code == 0, result.err
    return site


@pytest.mark.parametrize(("case", "rel", "content", "line", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_record_is_refused(built: TinySite, case: str, rel: str, content: str, line: int | None,
                               words: list[str]) -> None:
    before = _digest(built.path / "site")
    target = built.path / rel
    original = target.read_bytes() if target.exists() else None
    try:
        if case == "not-utf8":
            target.write_bytes(content.encode("latin-1"))
        else:
            built.write(rel, content)
        result = built.build()
    finally:
        if original is None:
            target.unlink()
        else:
            target.write_bytes(original)
    assert result.code == 1
    assert "Traceback" not in result.err
    where = f"ERROR: {rel}" + (f", line {line}" if line else "")
    assert where in result.err, result.err
    for word in words:
        assert word in result.err, result.err
    assert "how to fix:" in result.err
    assert "site/ was left as it was" in result.err
    assert _digest(built.path / "site") == before


def test_all_problems_are_reported_together(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write(P, _swap("name: 测试脐橙\n", "", _swap("https://item", "http://item")))
    tiny.write("products/second.yml", _swap("channel: jd", "channel: nope"))
    result = tiny.build()
    assert result.code == 1
    assert f"ERROR: {P}, line 1:" in result.err
    assert f"ERROR: {P}, line 10:" in result.err
    assert "ERROR: products/second.yml, line 10:" in result.err
    assert "3 problems found" in result.err
    assert not (tiny.path / "site").exists()


def test_a_shops_item_number_is_not_taken_for_a_phone_number(tiny: TinySite) -> None:
    """Item ids in a link's query may start like a landline with a country code (86 21 …)."""
    tiny.with_basics()
    tiny.write(P, _swap("goods_id=1234", "goods_id=862123456789"))
    result = tiny.run("check")
    assert result.code == 0, result.err
