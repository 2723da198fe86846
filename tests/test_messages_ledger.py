"""What an editor reads, in Chinese, for each kind of mistake in a ledger, a citation or an
import (harvest/ledger/): the place, the labels 应为/实际/怎样改 and the words of the fix.

Each test makes one representative mistake of a kind and reads the report as an editor
would, with the default language (Chinese); the English texts are the other tests' business.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from harvest.i18n import use_language
from harvest.ledger import citations
from harvest.ledger.format import HEADER
from harvest.ledger.importer import import_export, summary
from harvest.ledger.parse import MAX_PROBLEMS, parse_ledger
from harvest.problems import Problem, report
from tests.sitekit import TinySite

PATH = "ledgers/baojing-oranges-2019.csv"
CAMPAIGN = "baojing-oranges-2019"
PRODUCTS = {"baojing-navel-orange"}
CHANNELS = {"jd", "taobao"}
DONATION = "1,2019-02-20,donation,,,,,,5000.00,CNY,匿名,HL2019-000001,"
SALE = "2,2019-02-20,sale,baojing-navel-orange,jd,1250.5,kg,312,9975.00,CNY,京东用户,JD-0220,首批"
LABELS = ("应为：", "实际：", "怎样改：")


def chinese(data: bytes) -> tuple[list[Problem], str]:
    """The problems of a ledger file, and the report an editor reads, in Chinese."""
    with use_language("zh_CN"):
        ledger, problems = parse_ledger(data, PATH, CAMPAIGN, products=PRODUCTS, channels=CHANNELS)
        assert ledger is None
        return problems, report(problems)


def lines(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n" + "".join(row + "\n" for row in rows)).encode()


def assert_told(text: str, place: str, *phrases: str) -> None:
    assert place in text, text
    assert all(label in text for label in LABELS), text
    for phrase in phrases:
        assert phrase in text, (phrase, text)


@pytest.mark.parametrize(("rows", "place", "phrases"), [
    pytest.param([DONATION, SALE.replace("2,", "3,", 1)], "第 3 行，第 1 列，字段「seq」：",
                 ["条目按文件里的顺序编号", "这一行是第 2 笔"], id="numbering"),
    pytest.param([DONATION.replace("2019-02-20", "2019-02-30")], "第 2 行，第 2 列，字段「date」：",
                 ["没有这一天", "日期按 年-月-日 写"], id="date"),
    pytest.param([DONATION.replace("donation", "捐款")], "第 2 行，第 3 列，字段「type」：",
                 ["以下之一：donation（捐赠", "请写 donation"], id="type"),
    pytest.param([DONATION.replace("5000.00", "¥5000")], "第 2 行，第 9 列，字段「amount」：",
                 ["一个数字，例如 39.90", "只写数字和小数点"], id="amount"),
    pytest.param([DONATION.replace("CNY", "RMB")], "第 2 行，第 10 列，字段「currency」：",
                 ["ISO 4217 币种代码", "请写 CNY"], id="currency"),
    pytest.param([SALE.replace("2,", "1,", 1).replace("baojing-navel-orange", "xyz")],
                 "第 2 行，第 4 列，字段「product」：",
                 ["产品 id（products/ 里文件的名字", "已有的产品：baojing-navel-orange"], id="unknown id"),
    pytest.param([SALE.replace("2,", "1,", 1).replace(",jd,", ",,")], "第 2 行，第 5 列，字段「channel」：",
                 ["销售必须填写", "请填写，例如："], id="missing id"),
    pytest.param([DONATION.replace("匿名", "=SUM(A1)")], "第 2 行，第 11 列，字段「party」：",
                 ["不会被表格软件当成公式的文字", "去掉开头的 ="], id="formula"),
    pytest.param([DONATION.replace("匿名", "匿\u200b名")], "第 2 行，第 11 列，字段「party」：",
                 ["不带控制字符或隐形字符", "删掉看不见的字符"], id="invisible character"),
    pytest.param([DONATION, DONATION.replace("1,", "2,", 1).replace("HL2019-000001", "hl2019 000001")],
                 "第 3 行，第 12 列，字段「reference」：",
                 ["第 2 行已用过", "算同一个凭证号", "只有大小写、空格或横线不同的凭证号算同一个"], id="receipt"),
    pytest.param([DONATION, "2,2019-02-21,donation,,,,,,-100.00,CNY,匿名,SEQ: 1,"],
                 "第 3 行，第 12 列，字段「reference」：",
                 ["写成 seq:1：小写字母、半角冒号"], id="correction written loosely"),
    pytest.param([DONATION, "2,2019-02-21,donation,,,,,,-6000.00,CNY,匿名,seq:1,"], "第 3 行，第 9 列，字段「amount」：",
                 ["对第 1 笔（第 2 行）的更正", "更正共冲减了 6000.00", "超出的退款要另记一笔"], id="correction too large"),
    pytest.param([SALE.replace("2,", "1,", 1), "2,2019-02-21,sale,baojing-navel-orange,taobao,-1,kg,-1,-8.00,CNY,"
                  "京东用户,seq:1,"], "第 3 行，第 5 列，字段「channel」：", ["jd，和这一行所更正的第 1 笔一致", "请写 jd"],
                 id="correction in other terms"),
    pytest.param([DONATION.replace("匿名", "张三 13800138000")], "第 2 行，第 11 列，字段「party」：",
                 ["公开的账本里不能有个人信息", "都不能有电话号码"], id="personal data"),
    pytest.param([DONATION.replace("匿名", '"匿名')], "第 2 行：",
                 ["用引号括起的字段要有结尾的引号", "把双引号补完整"], id="quote not closed"),
    pytest.param([DONATION.replace(",匿名", "")], "第 2 行：",
                 ["用逗号分隔的 13 个字段", "里有 12 个字段", "每一列写一个字段"], id="field count"),
])
def test_a_ledger_line_mistake_is_told_in_chinese(rows: list[str], place: str, phrases: list[str]) -> None:
    problems, text = chinese(lines(*rows))
    assert_told(text, PATH + "，" + place, *phrases)


@pytest.mark.parametrize(("data", "place", "phrases"), [
    pytest.param(b"\xef\xbb\xbf" + lines(DONATION), "第 1 行：", ["不带 BOM（字节顺序标记）的 UTF-8",
                                                               "不要存成“UTF-8 with BOM”"], id="BOM"),
    pytest.param(lines(DONATION).replace(b"\n", b"\r\n"), "第 1 行：", ["LF 换行（Unix 格式）",
                                                                      "CR LF 换行（Windows 格式）"], id="CR LF"),
    pytest.param(lines("1,2019-02-20,donation,,,,,,5000.00,CNY,匿名,HL2019-000001,捐款").decode().encode("gbk"),
                 PATH + "：", ["GBK / GB18030 编码的文件", "把这个文件移出 ledgers/",
                              f"python build.py import {CAMPAIGN} <移出的文件>"], id="GBK"),
    pytest.param("日期,类型,金额\n".encode(), "第 1 行：", ["中文列名", "表格软件导出的文件请用 python build.py import"],
                 id="Chinese header"),
    pytest.param(lines(DONATION, header=HEADER.replace("party", "payer")), "第 1 行，第 11 列，字段「party」：",
                 ["第 11 列名为「party」", "第一行必须一字不差地写成"], id="header column"),
    pytest.param(b"", "第 1 行：", ["空文件", "写上表头行"], id="empty file"),
])
def test_a_ledger_file_mistake_is_told_in_chinese(data: bytes, place: str, phrases: list[str]) -> None:
    _problems, text = chinese(data)
    assert_told(text, PATH + "，" + place if place.startswith("第") else place, *phrases)


def test_a_long_list_of_problems_is_cut_in_chinese() -> None:
    problems, text = chinese((HEADER + "\n" + "\n" * (MAX_PROBLEMS + 2)).encode())
    assert len(problems) == MAX_PROBLEMS + 1
    assert "一本账本最多列出 200 个问题" in text and "还有 2 个问题没有列出" in text
    assert "先改好上面这些，再生成一次" in text and "空行" in text


def test_a_wrong_citation_is_told_in_chinese() -> None:
    records = SimpleNamespace(campaigns={"baojing-oranges-2019": object()}, products={})
    with use_language("zh_CN"):
        problems = citations.check_text(records, {}, "# 标题\n\n{{ figure wanrong sold kg }}\n"  # type: ignore[arg-type]
                                        "{{ figure baojing-oranges-2019 sold kg }}\n", "content/a.md")
        text = report(problems)
    assert_told(text, "content/a.md，第 3 行，字段「figure」：", "没有活动「wanrong」", "请这样写：{{ figure",
                "<name> 是以下之一：donations（捐赠）")
    assert_told(text, "content/a.md，第 4 行，字段「figure」：",
                "一个有账本的活动；活动「baojing-oranges-2019」没有 ledgers/baojing-oranges-2019.csv")


# --- imports ----------------------------------------------------------------------------------


def import_chinese(tmp_path: Path, export: bytes, ledger: bytes | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "导出.csv"
    path.write_bytes(export)
    ledger_file = tmp_path / PATH
    if ledger is not None:
        ledger_file.parent.mkdir(parents=True, exist_ok=True)
        ledger_file.write_bytes(ledger)
    with use_language("zh_CN"):
        result, problems = import_export(path, ledger_file, campaign=CAMPAIGN, products=PRODUCTS,
                                         channels=CHANNELS, ledger_path=PATH, export_label="导出.csv")
        told = summary(result) if result is not None else report(problems, "账本没有改动。")
        return result, problems, told


@pytest.mark.parametrize(("export", "place", "phrases"), [
    pytest.param("日期,类型,金额\n2020-02-10,捐赠,100\n".encode("utf-16-le"), "导出.csv，第 1 行：",
                 ["文本文件", "空字符 NUL（\\x00）", "重新另存为 CSV（UTF-8）"], id="encoding"),
    pytest.param("名称,数目\n苹果,3\n".encode(), "导出.csv，字段「header」：",
                 ["表头行，至少要有 日期（date）、类型（type）和 金额（amount）三列", "没有一行同时写出这三列",
                  "加上表头行或改好列名"], id="no header"),
    pytest.param("日期,类型,金额,交易金额\n2020-02-10,捐赠,100,100\n".encode(), "导出.csv，第 1 行，字段「amount」：",
                 ["只有一列表示 amount", "\"金额\" 和 \"交易金额\"", "这几列只留一列"], id="two columns"),
    pytest.param("日期,类型,金额\n2020-02-30,捐赠,100\n".encode(), "导出.csv，第 2 行，第 1 列，字段「日期」：",
                 ["真实的日期，例如 2020-02-10", "并确认这一天确实存在"], id="row date"),
    pytest.param("日期,类型,金额\n2020-02-10,捐赠,100.005\n".encode(), "导出.csv，第 2 行，第 3 列，字段「金额」：",
                 ["1.5万元", "超过两位小数（不会自动四舍五入）", "最多两位小数"], id="row amount"),
    pytest.param("日期,类型,金额,币种\n2020-02-10,捐赠,¥100,USD\n".encode(), "导出.csv，第 2 行，第 3 列，字段「金额」：",
                 ["以 USD 计的金额", "标着人民币", "去掉 ¥ 或「元」"], id="row currency"),
    pytest.param("日期,类型,金额,对方\n2020-02-10,捐赠,100,张三\n".encode(), "导出.csv，第 2 行，字段「reference」：",
                 ["这笔捐赠的凭证号", "（这一行会成为 ledgers/baojing-oranges-2019.csv 的第 2 行）",
                  "导出的表格没有 reference 一列：请加一列，列名写 reference 或 凭证号"], id="ledger rule"),
])
def test_an_import_mistake_is_told_in_chinese(tmp_path: Path, export: bytes, place: str, phrases: list[str]) -> None:
    result, problems, text = import_chinese(tmp_path, export)
    assert result is None and problems
    assert_told(text, place, *phrases)
    assert text.endswith("账本没有改动。")


def test_a_ledger_that_ends_mid_line_is_told_in_chinese(tmp_path: Path) -> None:
    _result, _problems, text = import_chinese(tmp_path, "日期,类型,金额,凭证号\n2020-02-10,捐赠,100,R1\n".encode(),
                                              (HEADER + "\n" + DONATION).encode())
    assert_told(text, PATH + "，第 2 行：", "文件最后一行没有换行", "在最后一行末尾按一下回车再保存")


def test_the_import_summary_is_in_chinese(tmp_path: Path) -> None:
    export = "日期,类型,金额,对方,凭证号,交易状态\n2020-02-10,捐赠,¥1,200.00,张先生,R-1,成功\n2020-02-11,捐赠,300,匿名,R-2,成功\n"
    _result, problems, text = import_chinese(tmp_path, export.replace("¥1,200.00", '"¥1,200.00"').encode(),
                                             lines(DONATION))
    assert problems == []
    assert text.splitlines() == [
        f"已从 导出.csv 向 {PATH} 追加 2 条（序号 2–3）。",
        "CNY 合计：捐赠 6500.00（原为 5000.00），销售 0.00，拨付 0.00，支出 0.00，结余 6500.00（原为 5000.00）。",
        "没有导入的列：交易状态。",
    ]
    _again, _none, text = import_chinese(tmp_path, export.replace("¥1,200.00", '"¥1,200.00"').encode())
    assert text.startswith(f"没有向 {PATH} 追加任何内容：导出.csv 里的每一行都已在账本里。有 2 行已在账本里，已跳过。")


def test_the_build_tells_a_ledger_mistake_in_chinese(tiny: TinySite, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: `build.py build` in a Chinese environment prints the ledger's problem in Chinese."""
    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", lines(DONATION.replace("CNY", "RMB")))
    monkeypatch.setenv("HARVEST_LANG", "zh_CN")
    assert os.environ["HARVEST_LANG"] == "zh_CN"
    done = tiny.build()
    assert done.code == 1
    out = done.out + done.err
    assert_told(out, "ledgers/test-campaign.csv，第 2 行，第 10 列，字段「currency」：",
                "应为：三个大写字母的 ISO 4217 币种代码，例如 CNY", '实际："RMB"', "怎样改：请写 CNY")
    assert "Traceback" not in out
