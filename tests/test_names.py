"""Names where people write names: channels, categories and products by their Chinese names,
kept as ids; "did you mean" for every unknown id, campaign or channel; full-width YAML marks
and pasted share texts named as such. End to end through `build.py check`, `build` and `import`."""

from __future__ import annotations

import json
import re

import pytest

from harvest.load.names import Names
from harvest.load.records import Channel, channel_names
from tests.sitekit import CAMPAIGN, CONFIG, PRODUCT, TinySite
from tests.sitekit import swap as _swap

P = "products/test-orange.yml"
L = "ledgers/test-campaign.csv"
HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
JD = "channel: jd\n    url: https://item.jd.com/100001234567.html"


def _problems(err: str) -> list[str]:
    """Each problem the command printed, as one block of text."""
    return [block.removeprefix("ERROR: ") for block in re.split(r"(?m)^(?=\S)", err) if "\n    expected:" in block]


def test_names_resolve_ids_and_names_once() -> None:
    names = Names("product", {"puer-tea": ["云南普洱茶"], "green-tea": ["绿茶"], "green-tea-2": ["绿茶"]})
    assert names.resolve("puer-tea") == "puer-tea"
    assert names.resolve("云南普洱茶") == "puer-tea"
    assert names.resolve("ＰＵＥＲ-TEA") == "puer-tea"  # full-width and capitals as typed
    assert names.resolve("绿茶") is None  # two products go by it
    assert names.hint("绿茶") == 'did you mean "green-tea" (绿茶) or "green-tea-2" (绿茶)? '
    assert names.hint("云南普洱") == 'did you mean "puer-tea" (云南普洱茶)? '
    assert names.hint("puer-te") == 'did you mean "puer-tea" (云南普洱茶)? '
    assert names.hint("咖啡") == ""
    assert list(names) == ["green-tea", "green-tea-2", "puer-tea"] and "云南普洱茶" not in names


def test_a_channels_names_are_its_label_and_the_aliases_of_its_domains() -> None:
    names = channel_names({"tb": Channel("tb", "淘宝网", ("taobao.com",)), "jd": Channel("jd", "京东", ("jd.com",))})
    assert names.resolve("淘宝网") == names.resolve("淘宝") == "tb"
    assert names.resolve("天猫") is None  # this site's tb channel does not declare tmall.com
    assert names.resolve("ＪＤ") == "jd"


@pytest.mark.parametrize(("channel", "url", "slug"), [
    ("淘宝", "https://item.taobao.com/item.htm?id=1", "taobao"),
    ("天猫", "https://detail.tmall.com/item.htm?id=1", "taobao"),  # an alias, by tmall.com
    ("京东", "https://item.jd.com/1.html", "jd"),
    ("抖音", "https://haohuo.jinritemai.com/views/product/item2?id=1", "douyin"),  # by douyin.com
    ("抖音小店", "https://haohuo.jinritemai.com/views/product/item2?id=1", "douyin"),  # the label
])
def test_a_channel_by_its_chinese_name_is_kept_as_its_id(tiny: TinySite, channel: str, url: str, slug: str) -> None:
    tiny.with_basics()
    tiny.write(P, _swap(JD, f"channel: {channel}\n    url: {url}").replace("category: fruit", "category: 水果"))
    result = tiny.build()
    assert result.code == 0 and result.err == "", result.err  # accepted, and nothing printed
    data = json.loads(tiny.read("data/products.json"))["products"][0]
    assert data["purchase"][0]["channel"] == slug
    assert data["category"] == "fruit"
    assert (tiny.path / "site" / "go" / "test-orange" / slug / "index.html").is_file()


@pytest.mark.parametrize(("line", "expected"), [
    ("channel: 淘包", 'did you mean "taobao" (淘宝)?'),
    ("channel: jingdong", "a channel declared in mkdocs.yml: douyin (抖音小店), jd (京东)"),
    ("channel: Pinduodo", 'did you mean "pinduoduo" (拼多多)?'),
])
def test_an_unknown_channel_is_one_problem_with_did_you_mean(tiny: TinySite, line: str, expected: str) -> None:
    tiny.with_basics()
    tiny.write(P, _swap("channel: jd", line))
    result = tiny.run("check")
    assert result.code == 1
    problems = _problems(result.err)
    assert len(problems) == 1, result.err
    assert problems[0].startswith(f'{P}, line 10: field "purchase[0].channel"'), result.err
    assert expected in problems[0]


@pytest.mark.parametrize(("category", "expected"), [
    ("fruits", 'did you mean "fruit" (水果)?'),
    ("茶", 'did you mean "tea" (茶叶)?'),
    ("玩具", "a category of mkdocs.yml (extra.categories): aquatic (水产), crafts (手工艺品), flowers (花卉)"),
])
def test_an_unknown_category_is_refused_with_did_you_mean_and_the_list(tiny: TinySite, category: str,
                                                                       expected: str) -> None:
    tiny.with_basics()
    tiny.write(P, _swap("category: fruit", f"category: {category}"))
    result = tiny.run("check")
    assert result.code == 1
    problems = _problems(result.err)
    assert len(problems) == 1, result.err
    assert problems[0].startswith(f'{P}, line 5: field "category"') and expected in problems[0], result.err


def test_the_sites_own_categories_replace_the_defaults(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("mkdocs.yml", CONFIG + "  categories: {tea: 茶叶, oranges: 柑橘}\n")
    tiny.write(P, _swap("category: fruit", "category: 柑橘"))
    ok = tiny.run("check")
    assert ok.code == 0, ok.err
    tiny.write(P, PRODUCT)  # fruit is a default, not one of this site's
    refused = tiny.run("check")
    assert refused.code == 1 and "oranges (柑橘), tea (茶叶)" in refused.err, refused.err


@pytest.mark.parametrize(("old", "new", "line", "named"), [
    ("producer: 测试合作社", "producer：测试合作社", 4, "全角冒号「：」, 请改为半角「:」"),
    ("name: 测试脐橙", "name：测试脐橙", 1, "全角冒号「：」, 请改为半角「:」"),
    ("producer: 测试合作社", "producer:\u3000测试合作社", 4, "全角空格「\u3000」, 请改为半角空格「 」"),
    ("  - channel: pinduoduo", "  － channel: pinduoduo", 12, "全角横线「－」, 请改为半角「-」"),
])
def test_full_width_yaml_marks_are_one_problem_naming_them(tiny: TinySite, old: str, new: str, line: int,
                                                           named: str) -> None:
    tiny.with_basics()
    tiny.write(P, _swap(old, new))
    result = tiny.run("check")
    assert result.code == 1
    problems = _problems(result.err)
    assert len(problems) == 1, result.err
    assert problems[0].startswith(f"{P}, line {line}:") and named in problems[0], result.err
    assert "YAML syntax error" not in result.err


def test_a_full_width_colon_inside_a_text_is_fine(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write(P, _swap("summary: 一个测试用的产品。", "summary: 产地：湖南保靖。"))
    result = tiny.run("check")
    assert result.code == 0, result.err


def test_a_pasted_share_text_is_answered_with_the_link_to_keep(tiny: TinySite) -> None:
    share = "【淘宝】https://m.tb.cn/h.5abc123?tk=XyZ1 CZ0001 「测试脐橙 5kg」点击链接直接打开"
    tiny.with_basics()
    tiny.write(P, _swap(JD, f"channel: 淘宝\n    url: {share}"))
    result = tiny.run("check")
    assert result.code == 1
    problems = _problems(result.err)
    assert len(problems) == 1, result.err
    assert problems[0].startswith(f'{P}, line 11: field "purchase[0].url"'), result.err
    assert "keep only the link:\n      https://m.tb.cn/h.5abc123?tk=XyZ1\n" in problems[0], result.err
    tiny.write(P, _swap(JD, "channel: 淘宝\n    url: https://m.tb.cn/h.5abc123?tk=XyZ1"))
    assert tiny.run("check").code == 0


def test_an_unknown_campaign_in_a_record_gets_did_you_mean_by_id_or_name(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write(P, _swap("campaigns: [test-campaign]", "campaigns: [测试活动]"))
    result = tiny.run("check")
    assert result.code == 1 and len(_problems(result.err)) == 1, result.err
    assert 'did you mean "test-campaign" (测试活动)?' in result.err, result.err


def test_an_unknown_product_in_a_campaign_gets_did_you_mean_by_name(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("campaigns/test-campaign.yml", CAMPAIGN + "products: [测试脐橙]\n")
    result = tiny.run("check")
    assert result.code == 1 and len(_problems(result.err)) == 1, result.err
    assert 'did you mean "test-orange" (测试脐橙)?' in result.err, result.err


def test_a_ledger_line_with_an_unknown_product_or_channel_gets_did_you_mean(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write(L, HEADER + "1,2019-02-20,sale,测试脐橙,淘宝,10,kg,2,100.00,CNY,买家,S-1,\n"
               + "2,2019-02-20,sale,test-ornge,jdd,10,kg,2,100.00,CNY,买家,S-2,\n")
    result = tiny.run("check")
    assert result.code == 1
    problems = _problems(result.err)
    assert len(problems) == 4, result.err
    for line, field, hint in [(2, "product", '"test-orange" (测试脐橙)'), (2, "channel", '"taobao" (淘宝)'),
                              (3, "product", '"test-orange" (测试脐橙)'), (3, "channel", '"jd" (京东)')]:
        assert any(p.startswith(f"{L}, line {line},") and f'field "{field}"' in p and f"did you mean {hint}?" in p
                   for p in problems), (line, field, result.err)


EXPORT = "日期,类型,产品,渠道,数量,单位,订单数,金额,对方,凭证号\n"


def test_an_import_takes_products_and_channels_by_their_chinese_names(tiny: TinySite) -> None:
    tiny.with_basics()
    export = tiny.write("export.csv", EXPORT + "2019-02-21,销售,测试脐橙,淘宝,10,kg,2,100.00,淘宝买家,S-1\n"
                        + "2019-02-21,销售,测试脐橙,天猫,5,kg,1,50.00,天猫买家,S-2\n")
    result = tiny.run("import", "test-campaign", str(export))
    assert result.code == 0, result.err
    assert (tiny.path / L).read_text(encoding="utf-8") == HEADER + (
        "1,2019-02-21,sale,test-orange,taobao,10,kg,2,100.00,CNY,淘宝买家,S-1,\n"
        "2,2019-02-21,sale,test-orange,taobao,5,kg,1,50.00,CNY,天猫买家,S-2,\n")


@pytest.mark.parametrize(("product", "twin", "hint"), [
    ("测试橙子", False, 'did you mean "test-orange" (测试脐橙)? write the id'),
    ("测试脐橙", True, 'did you mean "test-orange" (测试脐橙) or "twin" (测试脐橙)?'),  # two products go by it
])
def test_an_unknown_or_ambiguous_product_name_in_an_import_gets_did_you_mean(tiny: TinySite, product: str,
                                                                             twin: bool, hint: str) -> None:
    tiny.with_basics()
    if twin:
        tiny.write("products/twin.yml", PRODUCT)
    export = tiny.write("export.csv", EXPORT + f"2019-02-21,销售,{product},京东,10,kg,2,100.00,买家,S-1\n")
    result = tiny.run("import", "test-campaign", str(export))
    assert result.code == 1
    problems = _problems(result.err)
    assert len(problems) == 1 and problems[0].startswith('export.csv, line 2, column 3: field "产品"'), \
        result.err
    assert hint in problems[0] and "known products" not in problems[0], result.err
    assert not (tiny.path / L).exists()


@pytest.mark.parametrize("command", ["import", "seal", "proof"])
def test_a_campaign_typo_on_the_command_line_gets_did_you_mean(tiny: TinySite, command: str) -> None:
    tiny.with_basics()
    tiny.write(L, HEADER + "1,2019-02-20,donation,,,,,,100.00,CNY,匿名,R-1,\n")
    export = tiny.write("export.csv", EXPORT)
    extra = {"import": [str(export)], "seal": [], "proof": ["R-1"]}[command]
    result = tiny.run(command, "test-campain", *extra)
    assert result.code == 1 and "Traceback" not in result.err
    assert 'There is no campaign "test-campain": did you mean "test-campaign" (测试活动)?' in result.err, result.err
