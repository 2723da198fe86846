"""The ledger importer: messy exports in, canonical ledger lines out, all or nothing."""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvest.ledger import importer
from harvest.ledger.format import COLUMN_SYNONYMS, HEADER
from harvest.ledger.importer import import_export, summary
from harvest.load.models import Product
from harvest.load.records import Channel, channel_names, load_channels, product_names
from harvest.load.yamlfile import parse_yaml
from tests.sitekit import CONFIG, PRODUCT

DATA = Path(__file__).parent / "data" / "import"
_RECORD = parse_yaml(PRODUCT, "products/x.yml")[0].data  # type: ignore[union-attr]
PRODUCTS = product_names({
    "baojing-navel-orange": Product.model_validate({**_RECORD, "name": "保靖黄金脐橙"}),
    "xiangxi-kiwi": Product.model_validate({**_RECORD, "name": "湘西猕猴桃"}),
})
# The channels as the build names them: by id, label and the shops' usual names.
CHANNELS = channel_names(load_channels(yaml.safe_load(CONFIG)["extra"])[0] | {
    "kuaishou": Channel("kuaishou", "快手小店", ("kuaishou.com",)), "weidian": Channel("weidian", "微店", ("weidian.com",))})
CAMPAIGN = "baojing-oranges-2019"
LEDGER = f"ledgers/{CAMPAIGN}.csv"


def run(tmp: Path, export: bytes | Path, ledger: bytes | None = None, label: str = "export.csv"):
    """Import `export` into a ledger holding `ledger` (None: no file yet)."""
    if isinstance(export, bytes):
        path = tmp / label
        path.write_bytes(export)
    else:
        path = export
    ledger_file = tmp / LEDGER
    if ledger is not None:
        ledger_file.parent.mkdir(parents=True, exist_ok=True)
        ledger_file.write_bytes(ledger)
    return import_export(path, ledger_file, campaign=CAMPAIGN, products=PRODUCTS,
                         channels=CHANNELS, ledger_path=LEDGER, export_label=label)


def ledger_bytes(tmp: Path) -> bytes:
    return (tmp / LEDGER).read_bytes()


def one_row(tmp: Path, **cells: str) -> tuple[str | None, list]:
    """Import a one-row UTF-8 export with these (header: value) cells; the new line or None."""
    row = {"日期": "2020-02-10", "类型": "捐赠", "金额": "100.00", "对方": "匿名", "凭证号": "R-1"} | cells
    text = ",".join(row) + "\n" + ",".join(_quoted(v) for v in row.values()) + "\n"
    result, problems = run(tmp, text.encode("utf-8"))
    if result is None:
        return None, problems
    assert len(result.appended) == 1
    return result.appended[0], problems


def _quoted(value: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([value])  # quotes values with line breaks
    return out.getvalue()[:-2]


OLD = (HEADER + "\n1,2020-02-01,donation,,,,,,500.00,CNY,匿名,R-0,\n").encode()


# --- encodings ---------------------------------------------------------------------------

SAMPLE = "日期,类型,对方,金额,收据号,备注\n2020年2月10日,捐赠,湘西州慈善总会,￥1.5万,HL2020-001,首批捐款\n"
SAMPLE_LINE = "1,2020-02-10,donation,,,,,,15000.00,CNY,湘西州慈善总会,HL2020-001,首批捐款"


@pytest.mark.parametrize("encode", [
    pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
    pytest.param(lambda t: t.encode("utf-8-sig"), id="utf-8-bom"),
    pytest.param(lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), id="utf-16-le"),
    pytest.param(lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), id="utf-16-be"),
    pytest.param(lambda t: t.encode("gbk"), id="gbk"),
    pytest.param(lambda t: t.encode("gb18030"), id="gb18030"),
    pytest.param(lambda t: t.replace("\n", "\r\n").encode("gbk"), id="gbk-crlf"),
])
def test_every_encoding_gives_the_same_entry(tmp_path, encode):
    result, problems = run(tmp_path, encode(SAMPLE))
    assert problems == []
    assert result is not None and result.appended == (SAMPLE_LINE,)
    assert ledger_bytes(tmp_path) == (HEADER + "\n" + SAMPLE_LINE + "\n").encode("utf-8")


def test_gb18030_characters_outside_gbk(tmp_path):
    text = SAMPLE.replace("湘西州慈善总会", "𠀀村合作社")  # a CJK Extension B character
    result, problems = run(tmp_path, text.encode("gb18030"))
    assert problems == [] and result is not None
    assert "𠀀村合作社" in result.appended[0]


@pytest.mark.parametrize(("data", "line"), [
    pytest.param(SAMPLE.encode("utf-8") + b"2020-02-11,\xff\xfe\xff,x,1,\n", 3, id="stray-bytes"),
    pytest.param(SAMPLE.encode("gbk") + b"\x80\n", 3, id="gbk-0x80"),
    pytest.param(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8") + "备注".encode("gbk") + b"\n", 3,
                 id="utf-8-bom-then-gbk"),
    pytest.param(codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le") + b"\x00\xd8A\x00", 3,
                 id="utf-16-lone-surrogate"),
])
def test_undecodable_bytes_are_refused_with_their_line(tmp_path, data, line):
    result, problems = run(tmp_path, data, ledger=OLD)
    assert result is None
    assert [(p.path, p.line) for p in problems] == [("export.csv", line)]
    assert "cannot be read" in problems[0].got
    assert ledger_bytes(tmp_path) == OLD


def test_utf16_without_bom_is_refused_not_misread(tmp_path):
    result, problems = run(tmp_path, SAMPLE.encode("utf-16-le"))
    assert result is None and len(problems) == 1
    assert "UTF-16" in problems[0].fix
    assert not (tmp_path / LEDGER).exists()


# --- headers, preamble, footer -----------------------------------------------------------

@pytest.mark.parametrize(("header", "column"), [
    ("date", "date"), ("Date", "date"), ("日期", "date"), ("交易时间", "date"), ("时间", "date"),
    ("type", "type"), ("类型", "type"),
    ("amount", "amount"), ("金额", "amount"), ("金额(元)", "amount"), ("金额（元）", "amount"),
    ("party", "party"), ("对方", "party"), ("付款方", "party"), ("收款方", "party"),
    ("捐赠人", "party"),
    ("reference", "reference"), ("凭证号", "reference"), ("订单号", "reference"),
    ("流水号", "reference"), ("交易号", "reference"), ("收据号", "reference"),
    ("note", "note"), ("备注", "note"), ("currency", "currency"), ("币种", "currency"),
])
def test_header_names_and_synonyms(tmp_path, header, column):
    values = {"date": "2020-02-10", "type": "donation", "amount": "7.00", "party": "p",
              "reference": "R-9", "note": "n", "currency": "CNY"}
    names = {c: c for c in values} | {column: header}
    text = ",".join(names.values()) + "\n" + ",".join(values.values()) + "\n"
    result, problems = run(tmp_path, text.encode("utf-8"))
    assert problems == [] and result is not None
    assert result.appended == ("1,2020-02-10,donation,,,,,,7.00,CNY,p,R-9,n",)


@pytest.mark.parametrize("header", ["商品", "产品", "product"])
@pytest.mark.parametrize("channel_header", ["平台", "渠道", "channel"])
def test_sale_columns_in_any_order(tmp_path, header, channel_header):
    text = (f"订单数,{channel_header},单位,数量,{header},金额,类型,日期,对方\n"
            "12,jd,箱,30,xiangxi-kiwi,900,销售,2020-02-10,京东买家\n")
    result, problems = run(tmp_path, text.encode("utf-8"))
    assert problems == [] and result is not None
    assert result.appended == ("1,2020-02-10,sale,xiangxi-kiwi,jd,30,箱,12,900.00,CNY,京东买家,,",)


def test_seq_column_of_the_export_is_ignored(tmp_path):
    text = "seq,date,type,amount,reference,party\n77,2020-02-10,donation,1,R-1,匿名\n"
    result, problems = run(tmp_path, text.encode(), ledger=OLD)
    assert problems == [] and result is not None
    assert result.appended == ("2,2020-02-10,donation,,,,,,1.00,CNY,匿名,R-1,",)
    assert result.ignored_columns == ()


def test_unknown_columns_are_ignored_and_listed(tmp_path):
    text = "日期,类型,金额,交易状态,对方,服务费（元）,凭证号\n2020-02-10,捐赠,1,交易成功,匿名,0.00,R-1\n"
    result, problems = run(tmp_path, text.encode())
    assert problems == [] and result is not None
    assert result.ignored_columns == ("交易状态", "服务费（元）")
    assert "Columns not imported: 交易状态, 服务费（元）." in summary(result)


def test_tab_separated_export(tmp_path):
    text = "日期\t类型\t金额\t备注\t对方\t凭证号\n2020-02-10\t捐赠\t1,000\t一, 二\t匿名\tR-1\n"
    result, problems = run(tmp_path, text.encode())
    assert problems == [] and result is not None
    assert result.appended == ('1,2020-02-10,donation,,,,,,1000.00,CNY,匿名,R-1,"一, 二"',)


@pytest.mark.parametrize("text", [
    "名称,数值\n甲,1\n",
    "日期,金额\n2020-02-10,1\n",  # no type column
    "",
])
def test_no_header_row_names_the_expected_columns(tmp_path, text):
    result, problems = run(tmp_path, text.encode(), ledger=OLD)
    assert result is None and len(problems) == 1
    p = problems[0]
    assert (p.path, p.line, p.field) == ("export.csv", None, "header")
    assert all(word in p.expected for word in ("date (日期)", "type (类型)", "amount (金额)"))
    assert ledger_bytes(tmp_path) == OLD


def test_two_columns_with_one_meaning_are_refused(tmp_path):
    text = "日期,交易时间,类型,金额\n2020-02-10,2020-02-11,捐赠,1\n"
    result, problems = run(tmp_path, text.encode())
    assert result is None
    assert [(p.line, p.field) for p in problems] == [(1, "date")]
    assert '"日期" and "交易时间"' in problems[0].got


@pytest.mark.parametrize("footer", [
    "", ",,,", "#----结束----", "合计,,3,", "总计,,,", "小计,,2,", "Total,,3,", "TOTAL,,,",
    "共2笔记录", "-----------------",
])
def test_footer_lines_are_skipped(tmp_path, footer):
    text = (f"说明\n\n类型,日期,金额,对方,凭证号\n捐赠,2020-02-10,1,甲,R-1\n{footer}\n"
            f"捐赠,2020-02-11,2,乙,R-2\n{footer}\n")
    result, problems = run(tmp_path, text.encode())
    assert problems == [] and result is not None
    assert [line.split(",")[1] for line in result.appended] == ["2020-02-10", "2020-02-11"]


def test_rows_after_an_end_marker_are_footer_unless_dated(tmp_path):
    text = ("类型,日期,金额,对方,凭证号\n捐赠,2020-02-10,1,甲,R-1\n#----结束----\n"
            "导出时间:[2020-03-01]\n捐赠,2020-02-12,3,乙,R-2\n")
    result, problems = run(tmp_path, text.encode())
    assert problems == [] and result is not None
    assert [line.split(",")[1] for line in result.appended] == ["2020-02-10", "2020-02-12"]


def test_a_header_without_data_rows_is_a_problem(tmp_path):
    result, problems = run(tmp_path, "日期,类型,金额\n合计,,0\n".encode())
    assert result is None and [(p.line, p.got) for p in problems] == [(1, "no rows with data")]


# --- values ------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("捐赠", "donation"), ("销售", "sale"), ("拨付", "disbursement"), ("支出", "expense"),
    ("donation", "donation"), ("Disbursement", "disbursement"), ("EXPENSE", "expense"),
])
def test_types(tmp_path, raw, expected):
    cells = {"类型": raw}
    if expected == "sale":
        cells |= {"产品": "xiangxi-kiwi", "渠道": "jd", "数量": "1", "单位": "箱", "订单数": "1"}
    line, problems = one_row(tmp_path, **cells)
    assert problems == [] and line is not None and line.split(",")[2] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("100", "100.00"), ("100.5", "100.50"), ("¥100", "100.00"), ("￥1,234.50", "1234.50"),
    ("1,234.50元", "1234.50"), ("RMB 1,234.50", "1234.50"), ("rmb1234.5", "1234.50"),
    ("CNY 8", "8.00"), ("１，２３４．５", "1234.50"), ("人民币100元", "100.00"),
    ("＋１２", "12.00"), ("1.5万", "15000.00"), ("1.5万元", "15000.00"), ("￥2万", "20000.00"),
    ("0.012345万", "123.45"), ("3亿", "300000000.00"), ("1.23456789亿", "123456789.00"),
    ("  42.10  ", "42.10"), (".5", "0.50"), ('="88.00"', "88.00"), ("1,000,000", "1000000.00"),
])
def test_amounts(tmp_path, raw, expected):
    line, problems = one_row(tmp_path, 金额=raw)
    assert problems == [] and line is not None
    assert line.split(",")[8] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("-100.00", "-100.00"), ("(100.00)", "-100.00"), ("（¥100.00）", "-100.00"),
    ("－１００", "-100.00"), ("¥-100", "-100.00"), ("-¥100", "-100.00"), ("\u2212100", "-100.00"),
])
def test_negative_amounts_for_corrections(tmp_path, raw, expected):
    text = f"日期,类型,金额,凭证号,对方\n2020-02-10,捐赠,{_quoted(raw)},seq:1,匿名\n"
    result, problems = run(tmp_path, text.encode(), ledger=OLD)
    assert problems == [] and result is not None
    assert result.appended == (f"2,2020-02-10,donation,,,,,,{expected},CNY,匿名,seq:1,",)


@pytest.mark.parametrize(("raw", "why"), [
    ("12.345", "more than 2 decimal places"), ("1.2345678万", "2 decimal places"),
    ("0.00000000001亿", "2 decimal places"), ("1,23", "not a number"), ("abc", "not a number"),
    ("1.2.3", "not a number"), ("--5", "two signs"), ("(-5)", "two signs"),
    ("$5", "not a number"), ("5 美元", "not a number"),
    ("1" * 30, "too large"), ("1e3", "not a number"), ("", "nothing"),
])
def test_bad_amounts_are_refused(tmp_path, raw, why):
    line, problems = one_row(tmp_path, 金额=raw)
    assert line is None and len(problems) == 1
    p = problems[0]
    assert (p.path, p.line, p.field, p.column) == ("export.csv", 2, "金额", 3)
    assert why in p.got


@pytest.mark.parametrize(("raw", "quantity"), [
    ("1250.5", "1250.5"), ("1,250.50", "1250.5"), ("８００", "800"), ("1.2万", "12000"),
    ("0.125", "0.125"), ("3.000", "3"),
])
def test_quantities(tmp_path, raw, quantity):
    line, problems = one_row(tmp_path, 类型="销售", 产品="baojing-navel-orange", 渠道="jd",
                             数量=raw, 单位="kg", 订单数="1,024")
    assert problems == [] and line is not None
    assert line.split(",")[5:8] == [quantity, "kg", "1024"]


@pytest.mark.parametrize(("column", "raw", "why"), [
    ("数量", "¥5", "a currency sign"), ("数量", "5kg", "not a number"),
    ("订单数", "2.5", "a fraction"), ("订单数", "十", "not a number"),
])
def test_bad_quantities_and_orders(tmp_path, column, raw, why):
    cells = {"类型": "销售", "产品": "xiangxi-kiwi", "渠道": "jd", "数量": "5", "单位": "箱",
             "订单数": "1"} | {column: raw}
    line, problems = one_row(tmp_path, **cells)
    assert line is None and [(p.field, p.line) for p in problems] == [(column, 2)]
    assert why in problems[0].got


@pytest.mark.parametrize(("raw", "expected"), [
    ("2020-02-10", "2020-02-10"), ("2020年2月10日", "2020-02-10"), ("2020/2/10", "2020-02-10"),
    ("2020.02.10", "2020-02-10"), ("20200210", "2020-02-10"), ("2020-2-3", "2020-02-03"),
    ("2020-02-10 14:33:05", "2020-02-10"), ("2020/2/10 9:05", "2020-02-10"),
    ("２０２０年２月１０日", "2020-02-10"), ("2020-02-29", "2020-02-29"),
    ("2020-02-10T14:33:05", "2020-02-10"),
])
def test_dates(tmp_path, raw, expected):
    line, problems = one_row(tmp_path, 日期=raw)
    assert problems == [] and line is not None and line.split(",")[1] == expected


@pytest.mark.parametrize("raw", [
    "2019-02-29", "2020-13-01", "2020-02-30", "2020年2月30日", "20200230", "10/02/2020",
    "2020-02", "2020-02-10 25", "昨天", "2020/02-10x",
])
def test_bad_dates_are_refused(tmp_path, raw):
    line, problems = one_row(tmp_path, 日期=raw)
    assert line is None and [(p.field, p.line, p.column) for p in problems] == [("日期", 2, 1)]
    assert raw in problems[0].got


@pytest.mark.parametrize(("raw", "expected"), [
    ("公斤", "kg"), ("千克", "kg"), ("KG", "kg"), ("kg", "kg"), ("㎏", "kg"), ("斤", "斤"),
    ("箱", "箱"), ("盒", "盒"),
])
def test_units(tmp_path, raw, expected):
    line, problems = one_row(tmp_path, 类型="销售", 产品="xiangxi-kiwi", 渠道="jd", 数量="5",
                             单位=raw, 订单数="1")
    assert problems == [] and line is not None and line.split(",")[6] == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("人民币", "CNY"), ("RMB", "CNY"), ("rmb", "CNY"), ("CNY", "CNY"), ("￥", "CNY"), ("", "CNY"),
    ("元", "CNY"), ("usd", "USD"), ("美元", "USD"),
])
def test_currencies(tmp_path, raw, expected):
    line, problems = one_row(tmp_path, 币种=raw)
    assert problems == [] and line is not None and line.split(",")[9] == expected


def test_a_renminbi_sign_contradicting_the_currency_column_is_refused(tmp_path):
    line, problems = one_row(tmp_path, 币种="USD", 金额="¥100")
    assert line is None and [(p.field, p.line) for p in problems] == [("金额", 2)]


@pytest.mark.parametrize(("raw", "expected"), [
    ("京东", "jd"), ("JD", "jd"), ("拼多多", "pinduoduo"), ("天猫", "taobao"), ("douyin", "douyin"),
])
def test_channel_names(tmp_path, raw, expected):
    line, problems = one_row(tmp_path, 类型="销售", 产品="xiangxi-kiwi", 渠道=raw, 数量="5",
                             单位="箱", 订单数="1")
    assert problems == [] and line is not None and line.split(",")[4] == expected


@pytest.mark.parametrize(("note", "written"), [
    ("一, 二", '"一, 二"'), ('他说"好"', '"他说""好"""'), ("  padded  ", "padded"),
    ('="0012"', "0012"), ("#1 批次", "#1 批次"),
])
def test_text_is_stripped_and_quoted_minimally(tmp_path, note, written):
    line, problems = one_row(tmp_path, 备注=note)
    assert problems == [] and line is not None
    assert line == f"1,2020-02-10,donation,,,,,,100.00,CNY,匿名,R-1,{written}"


@pytest.mark.parametrize("note", ["第一行\n第二行", "a\rb"])
def test_a_line_break_in_a_field_is_refused(tmp_path, note):
    line, problems = one_row(tmp_path, 备注=note)
    assert line is None and [(p.field, p.line) for p in problems] == [("备注", 2)]


def test_an_extra_value_beyond_the_header_is_refused(tmp_path):
    result, problems = run(tmp_path, "日期,类型,金额\n2020-02-10,捐赠,1,,oops\n".encode())
    assert result is None and [(p.line, p.column) for p in problems] == [(2, 5)]


# --- the ledger file ---------------------------------------------------------------------

def test_seq_continues_from_the_ledger_and_bytes_are_kept(tmp_path):
    result, problems = run(tmp_path, SAMPLE.encode(), ledger=OLD)
    assert problems == [] and result is not None
    assert result.appended == ("2" + SAMPLE_LINE[1:],)
    assert ledger_bytes(tmp_path) == OLD + ("2" + SAMPLE_LINE[1:] + "\n").encode()


def test_a_missing_ledger_is_created_with_the_header(tmp_path):
    assert not (tmp_path / "ledgers").exists()
    result, problems = run(tmp_path, SAMPLE.encode())
    assert problems == [] and result is not None
    assert ledger_bytes(tmp_path).decode().splitlines() == [HEADER, SAMPLE_LINE]


def test_a_ledger_without_a_final_line_end_is_reported_not_fixed(tmp_path):
    old = OLD[:-1]
    result, problems = run(tmp_path, SAMPLE.encode(), ledger=old)
    assert result is None and [(p.path, p.line) for p in problems] == [(LEDGER, 2)]
    assert ledger_bytes(tmp_path) == old


def test_a_broken_ledger_stops_the_import(tmp_path):
    old = OLD + b"3,2020-02-02,donation,,,,,,5.00,CNY,,R-1,\n"  # seq gap
    result, problems = run(tmp_path, SAMPLE.encode(), ledger=old)
    assert result is None and problems and all(p.path == LEDGER for p in problems)
    assert ledger_bytes(tmp_path) == old


def test_one_bad_row_appends_nothing_and_every_bad_row_is_reported(tmp_path):
    text = ("日期,类型,金额\n2020-02-10,捐赠,1\n2020-02-31,捐赠,2\n2020-02-11,捐赠,3\n"
            "2020-02-12,退款,x\n")
    result, problems = run(tmp_path, text.encode(), ledger=OLD)
    assert result is None
    assert sorted((p.line, p.field) for p in problems) == [(3, "日期"), (5, "类型"), (5, "金额")]
    assert ledger_bytes(tmp_path) == OLD


def test_ledger_rules_are_reported_at_the_export_line(tmp_path):
    text = ("日期,类型,金额,产品,渠道,数量,单位,订单数,对方,凭证号\n2020-02-10,捐赠,1,,,,,,甲,R-1\n"
            "2020-02-11,销售,2,no-such-product,jd,1,箱,1,乙,\n")
    result, problems = run(tmp_path, text.encode(), ledger=OLD)
    assert result is None and problems
    assert [(p.path, p.line, p.field, p.column) for p in problems] == [("export.csv", 3, "产品", 4)]
    assert "no-such-product" in problems[0].got
    assert "line 4 of " + LEDGER in problems[0].fix  # the ledger line it would have become
    assert ledger_bytes(tmp_path) == OLD


def test_sale_without_its_columns_is_refused_by_the_ledger_rules(tmp_path):
    result, problems = run(tmp_path, "日期,类型,金额\n2020-02-10,销售,1\n".encode(), ledger=OLD)
    assert result is None
    assert {(p.path, p.line, p.column) for p in problems} == {("export.csv", 2, None)}
    assert {p.field for p in problems} >= {"product", "channel", "quantity", "unit", "orders"}
    assert all("the export has no " + p.field + " column" in p.fix for p in problems)
    assert ledger_bytes(tmp_path) == OLD


def test_no_temporary_file_is_left_behind(tmp_path):
    run(tmp_path, SAMPLE.encode(), ledger=OLD)
    assert sorted(p.name for p in (tmp_path / "ledgers").iterdir()) == [f"{CAMPAIGN}.csv"]


def test_the_file_mode_is_kept(tmp_path):
    ledger_file = tmp_path / LEDGER
    ledger_file.parent.mkdir()
    ledger_file.write_bytes(OLD)
    ledger_file.chmod(0o640)
    run(tmp_path, SAMPLE.encode())
    assert ledger_file.stat().st_mode & 0o777 == 0o640


def test_an_unreadable_export_is_a_problem_not_a_traceback(tmp_path):
    result, problems = run(tmp_path, tmp_path / "missing.csv", ledger=OLD)
    assert result is None and [p.path for p in problems] == ["export.csv"]


# --- idempotence -------------------------------------------------------------------------

def test_importing_twice_appends_nothing_the_second_time(tmp_path):
    first, _ = run(tmp_path, SAMPLE.encode(), ledger=OLD)
    after_first = ledger_bytes(tmp_path)
    second, problems = run(tmp_path, SAMPLE.encode("gbk"))
    assert problems == [] and first is not None and second is not None
    assert (len(first.appended), second.appended, second.skipped) == (1, (), 1)
    assert ledger_bytes(tmp_path) == after_first
    assert summary(second).startswith(f"Nothing appended to {LEDGER}")


def test_identical_rows_are_counted_as_a_multiset(tmp_path):
    row = "2020-02-10,支出,50,顺丰速运\n"  # expenses: a receipt code is unique, a voucher need not be
    head = "日期,类型,金额,对方\n"
    first, _ = run(tmp_path, (head + row * 2).encode())
    assert first is not None and len(first.appended) == 2
    again, _ = run(tmp_path, (head + row * 2).encode())
    assert again is not None and (again.appended, again.skipped) == ((), 2)
    more, _ = run(tmp_path, (head + row * 3 + "2020-02-11,支出,5,顺丰速运\n").encode())
    assert more is not None and more.skipped == 2
    assert more.appended == ("3,2020-02-10,expense,,,,,,50.00,CNY,顺丰速运,,",
                             "4,2020-02-11,expense,,,,,,5.00,CNY,顺丰速运,,")


def test_a_differently_written_existing_entry_counts_as_present(tmp_path):
    old = (HEADER + "\n1,2020-02-10,donation,,,,,,15000,CNY,湘西州慈善总会,HL2020-001,首批捐款\n").encode()
    result, problems = run(tmp_path, SAMPLE.encode(), ledger=old)
    assert problems == [] and result is not None and result.skipped == 1
    assert ledger_bytes(tmp_path) == old


# --- summary -----------------------------------------------------------------------------

def test_summary_says_what_was_appended_and_the_new_totals(tmp_path):
    text = "日期,类型,金额,凭证号,对方\n2020-02-10,捐赠,1000,R-1,甲\n2020-02-11,支出,200.5,V-1,乙\n"
    result, problems = run(tmp_path, text.encode(), ledger=OLD)
    assert problems == [] and result is not None
    assert summary(result) == (
        f"Appended 2 entries (seq 2–3) to {LEDGER} from export.csv.\n"
        "Totals in CNY: donation 1500.00 (was 500.00), sale 0.00, disbursement 0.00, "
        "expense 200.50 (was 0.00), balance 1299.50 (was 500.00).")


def test_summary_of_one_entry(tmp_path):
    result, _ = run(tmp_path, SAMPLE.encode())
    assert result is not None
    assert summary(result).startswith(f"Appended 1 entry (seq 1) to {LEDGER} from export.csv.")


# --- realistic fixtures ------------------------------------------------------------------

ALIPAY = [
    "1,2019-02-20,donation,,,,,,1000.00,CNY,匿名,ALI20190220001,",
    "2,2019-02-20,donation,,,,,,20000.00,CNY,保靖县商务局,ALI20190220002,首批助农捐款",
    "3,2019-02-21,expense,,,,,,1234.50,CNY,顺丰速运,ALI20190221001,冷链运费",
    "4,2019-02-22,disbursement,,,,,,15000.00,CNY,保靖县柑橘专业合作社,ALI20190222001,首批货款",
]
SALES = [
    "1,2019-02-21,sale,baojing-navel-orange,jd,1250.5,kg,312,12450.00,CNY,京东买家,JD-20190221,第一天直播",
    "2,2019-02-22,sale,baojing-navel-orange,pinduoduo,800,kg,201,7960.00,CNY,拼多多买家,PDD-20190222,",
    '3,2019-02-22,sale,xiangxi-kiwi,taobao,40,箱,38,1520.00,CNY,淘宝买家,TB-20190222,"礼盒装, 每箱5斤"',
]
UTF16 = [
    "1,2019-02-23,donation,,,,,,50000.00,CNY,腾讯公益,R-0001,配捐",
    "2,2019-02-24,expense,,,,,,3200.00,CNY,湘西包装厂,V-0002,纸箱 2000 个",
]


@pytest.mark.parametrize(("name", "expected", "ignored"), [
    ("alipay_gbk.csv", ALIPAY, ("交易状态",)),
    ("platform_sales_bom.csv", SALES, ()),
    ("excel_unicode_utf16.txt", UTF16, ()),
])
def test_realistic_exports(tmp_path, name, expected, ignored):
    result, problems = run(tmp_path, DATA / name, label=f"exports/{name}")
    assert problems == [] and result is not None
    assert list(result.appended) == expected and result.ignored_columns == ignored
    assert ledger_bytes(tmp_path).decode("utf-8") == "\n".join([HEADER, *expected]) + "\n"
    again, _ = run(tmp_path, DATA / name, label=f"exports/{name}")
    assert again is not None and (again.appended, again.skipped) == ((), len(expected))


def test_realistic_exports_one_after_another(tmp_path):
    for name in ("alipay_gbk.csv", "platform_sales_bom.csv", "excel_unicode_utf16.txt"):
        result, problems = run(tmp_path, DATA / name)
        assert problems == [] and result is not None
    lines = ledger_bytes(tmp_path).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == [str(i) for i in range(1, 10)]


@pytest.mark.parametrize(("name", "line", "field", "reason"), [
    ("bad_undecodable.csv", 4, "", "cannot be read: ff"),
    ("bad_amount.csv", 3, "金额", "more than 2 decimal places"),
    ("bad_date.csv", 4, "日期", "2019年2月30日"),
    ("bad_type.csv", 2, "类型", "退款"),
])
@pytest.mark.parametrize("existing", [None, OLD], ids=["no-ledger", "ledger"])
def test_bad_exports_change_nothing(tmp_path, name, line, field, reason, existing):
    export = tmp_path / name
    shutil.copy(DATA / name, export)
    result, problems = run(tmp_path, export, ledger=existing, label=f"exports/{name}")
    assert result is None
    assert [(p.path, p.line, p.field) for p in problems] == [(f"exports/{name}", line, field)]
    assert reason in problems[0].got
    if existing is None:
        assert not (tmp_path / "ledgers").exists()
    else:
        assert ledger_bytes(tmp_path) == existing
        assert os.listdir(tmp_path / "ledgers") == [f"{CAMPAIGN}.csv"]


# --- property: any valid ledger survives any messy rendering -----------------------------

HEADERS = {c: (c, c.upper(), *COLUMN_SYNONYMS[c]) for c in importer.COLUMNS}
TEXT = st.text(st.sampled_from("甲乙丙丁湘西保靖合作社脐橙abcXYZ ,;\"'#-.()（）：·"),
               min_size=1, max_size=12).map(str.strip).filter(lambda t: bool(t) and t[0] != "-")  # "-x": a formula cell


@st.composite
def entries(draw):
    n = draw(st.integers(1, 8))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(["donation", "sale", "disbursement", "expense"]))
        cents = draw(st.integers(1, 10**11))
        currency = draw(st.sampled_from(["CNY", "CNY", "CNY", "USD"]))
        entry = {c: "" for c in importer.COLUMNS}
        entry |= {"date": draw(st.dates(date(2000, 1, 1), date(2025, 12, 31))), "type": kind,
                  "amount": Decimal(cents).scaleb(-2), "currency": currency,
                  "party": draw(st.one_of(st.just("匿名"), TEXT)),
                  "note": draw(st.one_of(st.just(""), TEXT)),
                  "reference": f"R-{i}" if kind == "donation" else draw(
                      st.one_of(st.just(""), st.from_regex(r"V-[A-Z]{2}", fullmatch=True)))}
        if kind == "sale":
            entry |= {"product": draw(st.sampled_from(sorted(PRODUCTS))),
                      "channel": draw(st.sampled_from(sorted(CHANNELS))),
                      "quantity": Decimal(draw(st.integers(1, 10**7))).scaleb(
                          -draw(st.integers(0, 3))),
                      "unit": draw(st.sampled_from(["kg", "箱", "斤"])),
                      "orders": draw(st.integers(1, 5000))}
        out.append(entry)
    return out


def canonical(entries_: list[dict]) -> list[str]:
    def text(col, value):
        if col == "amount":
            return f"{value:.2f}"
        if col == "quantity" and value != "":
            return format(value.normalize(), "f") if value != value.to_integral() else \
                str(int(value))
        return str(value)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for seq, entry in enumerate(entries_, 1):
        writer.writerow([seq, *(text(c, entry[c]) for c in importer.COLUMNS)])
    return out.getvalue().splitlines()


@st.composite
def messy(draw, entries_):
    """One export of these entries: random headers, order, formats, encoding and framing."""
    used = [c for c in importer.COLUMNS if c in importer.REQUIRED
            or any(e[c] != "" for e in entries_) or draw(st.booleans())]
    used = draw(st.permutations(used))
    names = [draw(st.sampled_from(HEADERS[c])) for c in used]

    def amount(value, currency):
        forms = [f"{value:.2f}", f"{value:,.2f}", format(value, "f")]
        if currency == "CNY":
            forms += [f"¥{value:,.2f}", f"￥{value}", f"{value}元", f"RMB {value:,.2f}",
                      f"{format((value / 10000).normalize(), 'f')}万"]
        if value >= 10**6:
            forms.append(f"{format((value / 10**8).normalize(), 'f')}亿")
        text = draw(st.sampled_from(forms))
        if draw(st.booleans()):
            text = text.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))
        return text

    def cell(col, entry):
        value = entry[col]
        if col == "date":
            d = value
            return draw(st.sampled_from([
                d.isoformat(), f"{d.year}年{d.month}月{d.day}日", f"{d.year}/{d.month}/{d.day}",
                d.strftime("%Y.%m.%d"), d.strftime("%Y%m%d"), f"{d.isoformat()} 14:33:05"]))
        if col == "type":
            return draw(st.sampled_from([value, value.title(), {
                "donation": "捐赠", "sale": "销售", "disbursement": "拨付", "expense": "支出"}[value]]))
        if col == "amount":
            return amount(value, entry["currency"])
        if col == "currency":
            return draw(st.sampled_from({"CNY": ["CNY", "人民币", "RMB", ""]}.get(value, [value])))
        if col == "unit" and value == "kg":
            return draw(st.sampled_from(["kg", "公斤", "千克", "KG"]))
        if col == "quantity" and value != "":
            return draw(st.sampled_from([format(value, "f"), f"{value:,}"]))
        if col == "orders" and value != "":
            return draw(st.sampled_from([str(value), f"{value:,}"]))
        pad = draw(st.sampled_from(["", " ", "\t"]))
        return f"{pad}{value}{pad}" if value != "" else ""

    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    for line in draw(st.lists(st.sampled_from(["导出说明", "账号:[农业局]", "", "#", "----"]),
                              max_size=3)):
        writer.writerow([line])
    writer.writerow(names)
    for entry in entries_:
        writer.writerow([cell(c, entry) for c in used])
    writer.writerow([draw(st.sampled_from(["#----结束----", "合计", "Total", ""]))])
    text = out.getvalue()
    encodings = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "gbk", "gb18030"]
    encoding = draw(st.sampled_from(encodings))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        encoding, data = "gb18030", text.encode("gb18030")
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    return bom + data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_messy_exports_import_to_the_canonical_ledger(tmp_path_factory, data):
    tmp = tmp_path_factory.mktemp("prop")
    entries_ = data.draw(entries())
    export = data.draw(messy(entries_))
    result, problems = run(tmp, export)
    assert problems == [] and result is not None
    expected = canonical(entries_)
    assert list(result.appended) == expected
    assert ledger_bytes(tmp).decode("utf-8") == "\n".join([HEADER, *expected]) + "\n"
    before = ledger_bytes(tmp)
    again, problems = run(tmp, export)
    assert problems == [] and again is not None
    assert (again.appended, again.skipped) == ((), len(entries_))
    assert ledger_bytes(tmp) == before


def test_a_failed_write_leaves_the_ledger_as_it_was(tmp_path, monkeypatch):
    def refuse(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(importer.os, "replace", refuse)
    result, problems = run(tmp_path, SAMPLE.encode(), ledger=OLD)
    assert result is None and [(p.path, p.got) for p in problems] == [(LEDGER, "No space left on device")]
    assert ledger_bytes(tmp_path) == OLD
    assert os.listdir(tmp_path / "ledgers") == [f"{CAMPAIGN}.csv"]


def test_a_ledger_changed_during_the_import_is_not_overwritten(tmp_path, monkeypatch):
    real_fsync = os.fsync
    other = "2,2020-02-02,expense,,,,,,5.00,CNY,顺丰速运,,\n".encode()

    def fsync_while_someone_appends(fd):
        real_fsync(fd)
        with (tmp_path / LEDGER).open("ab") as f:
            f.write(other)
    monkeypatch.setattr(importer.os, "fsync", fsync_while_someone_appends)
    result, problems = run(tmp_path, SAMPLE.encode(), ledger=OLD)
    assert result is None and [(p.path, p.got) for p in problems] == [(LEDGER, "it was changed meanwhile")]
    assert ledger_bytes(tmp_path) == OLD + other


def test_an_export_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_EXPORT_BYTES", 10)
    result, problems = run(tmp_path, "日期,类型,金额\n2020-02-10,捐赠,100\n".encode())
    assert result is None
    assert [(p.path, p.line, p.expected) for p in problems] == [("export.csv", None, "an export of at most 10 bytes")]
