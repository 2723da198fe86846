"""Every ledger rule of SPEC.md, good and bad, and the messages editors read."""

from __future__ import annotations

import dataclasses
import gc
import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvest.ledger.fast import read_entries
from harvest.ledger.format import HEADER, Entry, Ledger, chunks, make_entry, normalise_receipt
from harvest.ledger.parse import MAX_PROBLEMS, _check_slowly, parse_ledger
from harvest.ledger.rules import LineChecker, correction_problems
from harvest.problems import Problem

PATH = "ledgers/baojing-oranges-2019.csv"
PRODUCTS = {"baojing-navel-orange", "wanrong-apple"}
CHANNELS = {"jd", "taobao", "douyin"}
GOOD = [
    "1,2019-02-20,donation,,,,,,5000.00,CNY,匿名,HL2019-000001,",
    "2,2019-02-20,sale,baojing-navel-orange,jd,1250.5,kg,312,9975.00,CNY,京东用户,JD-0220,首批",
    "3,2019-02-21,expense,,jd,,,,300.00,CNY,顺丰速运,FP0001,物流",
    "4,2019-02-21,disbursement,baojing-navel-orange,,,,,2000.00,CNY,保靖县某村合作社,BF-1,",
    "5,2019-02-22,sale,baojing-navel-orange,jd,-10,kg,-2,-79.80,CNY,京东用户,seq:2,退货",
    '6,2019-02-22,donation,,,,,,100,CNY,"张先生, 李女士",HL2019-000002,"a note, with a comma"',
]


def ledger_bytes(lines: list[str], header: str = HEADER) -> bytes:
    return (header + "\n" + "".join(line + "\n" for line in lines)).encode()


def parse(data: bytes | list[str]) -> tuple[Ledger | None, list[Problem]]:
    if isinstance(data, list):
        data = ledger_bytes(data)
    return parse_ledger(data, PATH, "baojing-oranges-2019", products=PRODUCTS, channels=CHANNELS)


def where(problems: list[Problem]) -> set[tuple[int | None, str, int | None]]:
    return {(p.line, p.field, p.column) for p in problems}


def test_a_good_ledger_is_read_whole() -> None:
    ledger, problems = parse(GOOD)
    assert problems == []
    assert ledger is not None
    assert [e.seq for e in ledger.entries] == [1, 2, 3, 4, 5, 6]
    assert [e.line for e in ledger.entries] == [2, 3, 4, 5, 6, 7]
    sale = ledger.entries[1]
    assert sale == Entry(2, date(2019, 2, 20), "sale", "baojing-navel-orange", "jd",
                         Decimal("1250.5"), "kg", 312, Decimal("9975.00"), "CNY", "京东用户",
                         "JD-0220", "首批", 3, None)
    assert ledger.entries[0].quantity is None and ledger.entries[0].orders is None
    correction = ledger.entries[4]
    assert (correction.corrects, correction.amount, correction.quantity, correction.orders) == (
        2, Decimal("-79.80"), Decimal("-10"), -2)
    assert ledger.entries[5].party == "张先生, 李女士"
    assert ledger.entries[5].note == "a note, with a comma"
    assert ledger.data == ledger_bytes(GOOD)
    assert ledger.lines() == [line.encode() for line in GOOD]


def test_empty_ledgers_are_valid() -> None:
    for data in (HEADER.encode(), (HEADER + "\n").encode()):
        ledger, problems = parse(data)
        assert problems == [] and ledger is not None and ledger.entries == ()
        assert ledger.lines() == []


def test_the_last_line_end_may_be_missing() -> None:
    ledger, problems = parse(ledger_bytes(GOOD)[:-1])
    assert problems == [] and ledger is not None and len(ledger.entries) == 6


def test_entries_are_frozen_and_built_the_fast_way_equal() -> None:
    fields = (1, date(2019, 2, 20), "donation", "", "", None, "", None, Decimal("5"), "CNY", "匿名",
              "HL-1", "", 2, None)
    fast = make_entry(*fields)
    assert type(fast) is Entry
    assert fast == Entry(*fields) and hash(fast) == hash(Entry(*fields))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.amount = Decimal(1)  # type: ignore[misc]
    assert dataclasses.replace(fast, amount=Decimal(2)).amount == Decimal(2)


def _replace(index: int, line: str) -> list[str]:
    lines = list(GOOD)
    lines[index - 1] = line
    return lines


# (entry number to replace, the new line, the problem's field and column)
BAD = [
    pytest.param(3, "3,2019-02-30,expense,,jd,,,,300.00,CNY,顺丰速运,FP0001,", "date", 2, id="no-such-day"),
    pytest.param(3, "3,2019/02/21,expense,,jd,,,,300.00,CNY,顺丰速运,FP0001,", "date", 2, id="date-slashes"),
    pytest.param(3, "3,2019-2-21,expense,,jd,,,,300.00,CNY,顺丰速运,FP0001,", "date", 2, id="date-short"),
    pytest.param(3, "3,2019-02-21,Expense,,jd,,,,300.00,CNY,顺丰速运,FP0001,", "type", 3, id="type-case"),
    pytest.param(3, "3,2019-02-21,支出,,jd,,,,300.00,CNY,顺丰速运,FP0001,", "type", 3, id="type-chinese"),
    pytest.param(2, "2,2019-02-20,sale,,jd,1250.5,kg,312,9975.00,CNY,京东用户,JD-0220,", "product", 4,
                 id="sale-without-product"),
    pytest.param(2, "2,2019-02-20,sale,baojing-orange,jd,1250.5,kg,312,9975.00,CNY,京东用户,JD-0220,",
                 "product", 4, id="unknown-product"),
    pytest.param(4, "4,2019-02-21,disbursement,apple,,,,,2000.00,CNY,合作社,BF-1,", "product", 4,
                 id="unknown-product-not-sale"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,,1250.5,kg,312,9975.00,CNY,京东用户,JD-0220,",
                 "channel", 5, id="sale-without-channel"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jdd,1250.5,kg,312,9975.00,CNY,京东用户,JD,",
                 "channel", 5, id="unknown-channel"),
    pytest.param(3, "3,2019-02-21,expense,,amazon,,,,300.00,CNY,顺丰速运,FP0001,", "channel", 5,
                 id="unknown-channel-not-sale"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,,kg,312,9975.00,CNY,京东用户,JD-0220,",
                 "quantity", 6, id="sale-without-quantity"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,0,kg,312,9975.00,CNY,京东用户,JD-0220,",
                 "quantity", 6, id="quantity-zero"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,-5,kg,312,9975.00,CNY,京东用户,JD-0220,",
                 "quantity", 6, id="quantity-negative"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,5 kg,kg,312,9975.00,CNY,京东用户,JD-0220,",
                 "quantity", 6, id="quantity-with-unit"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,1.1234567,kg,3,9.00,CNY,京东用户,JD,",
                 "quantity", 6, id="quantity-too-precise"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,1250.5,,312,9975.00,CNY,京东用户,JD-0220,",
                 "unit", 7, id="sale-without-unit"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,1250.5,kg,,9975.00,CNY,京东用户,JD-0220,",
                 "orders", 8, id="sale-without-orders"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,1250.5,kg,3.5,9975.00,CNY,京东用户,JD,",
                 "orders", 8, id="orders-not-whole"),
    pytest.param(2, "2,2019-02-20,sale,baojing-navel-orange,jd,1250.5,kg,-3,9975.00,CNY,京东用户,JD,",
                 "orders", 8, id="orders-negative"),
    pytest.param(1, "1,2019-02-20,donation,,,5,,,5000.00,CNY,匿名,HL2019-000001,", "quantity", 6,
                 id="donation-with-quantity"),
    pytest.param(1, "1,2019-02-20,donation,,,,kg,,5000.00,CNY,匿名,HL2019-000001,", "unit", 7,
                 id="donation-with-unit"),
    pytest.param(1, "1,2019-02-20,donation,,,,,3,5000.00,CNY,匿名,HL2019-000001,", "orders", 8,
                 id="donation-with-orders"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.001,CNY,匿名,HL2019-000001,", "amount", 9,
                 id="amount-three-places"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,¥5000,CNY,匿名,HL2019-000001,", "amount", 9,
                 id="amount-with-sign"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,1e3,CNY,匿名,HL2019-000001,", "amount", 9,
                 id="amount-exponent"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,0.00,CNY,匿名,HL2019-000001,", "amount", 9,
                 id="amount-zero"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,-5000.00,CNY,匿名,HL2019-000001,", "amount", 9,
                 id="negative-without-correction"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,,CNY,匿名,HL2019-000001,", "amount", 9,
                 id="amount-missing"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,10000000000000000.00,CNY,匿名,HL-1,", "amount", 9,
                 id="amount-too-large"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,cny,匿名,HL2019-000001,", "currency", 10,
                 id="currency-lower-case"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,RMB,匿名,HL2019-000001,", "currency", 10,
                 id="currency-rmb"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,CYN,匿名,HL2019-000001,", "currency", 10,
                 id="currency-typo"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,,匿名,HL2019-000001,", "currency", 10,
                 id="currency-missing"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,CNY,,HL2019-000001,", "party", 11,
                 id="party-missing"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,CNY,  ,HL2019-000001,", "party", 11,
                 id="party-blank"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,CNY,匿名,,", "reference", 12,
                 id="donation-without-receipt"),
    pytest.param(6, "6,2019-02-22,donation,,,,,,100,CNY,张先生,HL2019-000001,", "reference", 12,
                 id="receipt-used-twice"),
    pytest.param(3, "3,2019-02-21,expense,,jd,,,,300.00,CNY,顺丰速运,seq:1,", "reference", 12,
                 id="seq-reference-on-positive-amount"),
    pytest.param(5, "5,2019-02-22,sale,baojing-navel-orange,jd,-10,kg,-2,-79.80,CNY,京东用户,seq:7,",
                 "reference", 12, id="correction-of-later-entry"),
    pytest.param(5, "5,2019-02-22,sale,baojing-navel-orange,jd,-10,kg,-2,-79.80,CNY,京东用户,seq:5,",
                 "reference", 12, id="correction-of-itself"),
    pytest.param(5, "5,2019-02-22,sale,baojing-navel-orange,jd,-10,kg,-2,-79.80,CNY,京东用户,seq:0,",
                 "reference", 12, id="correction-of-seq-0"),
    pytest.param(5, "5,2019-02-22,sale,baojing-navel-orange,jd,-10,kg,-2,-79.80,CNY,京东用户,seq:1,",
                 "reference", 12, id="correction-of-other-type"),
    pytest.param(5, "5,2019-02-22,sale,baojing-navel-orange,jd,-10,kg,-2,-79.80,CNY,京东用户,seq: 2,",
                 "reference", 12, id="correction-reference-spaced"),
    pytest.param(5, "5,2019-02-22,sale,wanrong-apple,jd,-10,kg,-2,-79.80,CNY,京东用户,seq:2,", "product", 4,
                 id="correction-of-other-product"),
    pytest.param(5, "5,2019-02-22,sale,baojing-navel-orange,jd,-10,kg,-2,-79.80,USD,京东用户,seq:2,",
                 "currency", 10, id="correction-in-other-currency"),
    pytest.param(5, "5,2019-02-22,sale,baojing-navel-orange,jd,10,kg,-2,-79.80,CNY,京东用户,seq:2,",
                 "quantity", 6, id="correction-with-positive-quantity"),
    pytest.param(5, "5,2019-02-22,sale,baojing-navel-orange,jd,-10,kg,2,-79.80,CNY,京东用户,seq:2,",
                 "orders", 8, id="correction-with-positive-orders"),
    pytest.param(3, "3,2019-02-21,expense,,jd,,,,300.00,CNY,顺丰速运,FP0001", "", None, id="12-fields"),
    pytest.param(3, "3,2019-02-21,expense,,jd,,,,1,300.00,CNY,顺丰速运,FP0001,", "", None, id="14-fields"),
    pytest.param(3, '3,2019-02-21,expense,,jd,,,,300.00,CNY,顺丰速运,FP0001,"open quote', "", None,
                 id="unclosed-quote"),
    pytest.param(3, "", "", None, id="empty-line"),
    pytest.param(3, "3,2019-02-21,expense,,jd,,,,300.00,CNY,顺丰速运,FP0001,联系 13800138000", "note", 13,
                 id="mobile-in-note"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,CNY,zhang@example.com,HL2019-000001,", "party", 11,
                 id="email-as-party"),
    pytest.param(1, "1,2019-02-20,donation,,,,,,5000.00,CNY,匿名,6222021234567890128,", "reference", 12,
                 id="bank-card-as-reference"),
    pytest.param(4, "4,2019-02-21,disbursement,,,,,,2000.00,CNY,户主 430124199001011234,BF-1,", "party", 11,
                 id="id-card-in-party"),
]


@pytest.mark.parametrize(("index", "line", "field", "column"), BAD)
def test_each_rule_is_checked(index: int, line: str, field: str, column: int | None) -> None:
    ledger, problems = parse(_replace(index, line))
    assert ledger is None
    assert where(problems) == {(index + 1, field, column)}, [str(p) for p in problems]
    for p in problems:
        assert p.path == PATH and p.expected and p.got and p.fix


def _shift(line: str, k: int) -> str:
    """The line renumbered k further on, corrections too (seq:0 stays: it names no entry)."""
    if not line:
        return line
    head, rest = line.split(",", 1)
    rest = re.sub(r"seq:(\s*)([1-9][0-9]*)", lambda m: f"seq:{m[1]}{int(m[2]) + k}", rest)
    return f"{int(head) + k},{rest}"


@pytest.mark.parametrize(("index", "line", "field", "column"), BAD)
def test_a_rule_broken_far_down_is_found(index: int, line: str, field: str, column: int | None) -> None:
    """The same mistakes after many good lines, once every cache of the fast path is warm."""
    warm = [f"{seq},2019-02-19,sale,baojing-navel-orange,jd,1250.5,kg,312,9975.00,CNY,京东用户,T{seq},"
            for seq in range(1, 201)]
    ledger, problems = parse(warm + [_shift(g, 200) for g in _replace(index, line)])
    assert ledger is None
    assert where(problems) == {(index + 201, field, column)}, [str(p) for p in problems]


def test_exact_messages() -> None:
    _, problems = parse(_replace(3, "3,2019-02-30,expense,,jd,,,,300.00,CNY,顺丰速运,FP0001,"))
    assert str(problems[0]) == (
        f"{PATH}, line 4, column 2: field \"date\"\n"
        "    expected: a date written YYYY-MM-DD, e.g. 2019-02-20\n"
        "    found:    \"2019-02-30\", a day that does not exist\n"
        "    how to fix: write the date as year-month-day with four, two and two digits"
    )
    _, problems = parse(_replace(6, "6,2019-02-22,donation,,,,,,100,CNY,张先生,HL2019-000001,"))
    assert problems == [Problem(
        PATH, 7, "reference", "a receipt code used once in the ledger",
        '"HL2019-000001", already on line 2',
        "check the code; if this line repeats the donation on line 2, it is a duplicate", 12)]
    _, problems = parse(_replace(1, "1,2019-02-20,donation,,,,,,5000.00,RMB,匿名,HL2019-000001,"))
    assert (problems[0].got, problems[0].fix) == ('"RMB"', "write CNY")
    _, problems = parse(_replace(3, "3,2019-02-21,支出,,jd,,,,300.00,CNY,顺丰速运,FP0001,"))
    assert problems[0].fix == "write expense"


def test_seq_gap_and_repeat_are_told_once() -> None:
    gap = [GOOD[0], GOOD[1].replace("2,", "3,", 1)] + [g.replace(f"{i},", f"{i + 1},", 1)
                                                        for i, g in enumerate(GOOD[2:4], 3)]
    _, problems = parse(gap)
    assert where(problems) == {(3, "seq", 1)}
    assert problems[0].expected.startswith("2:") and problems[0].got == '"3"'
    repeat = [GOOD[0], GOOD[0].replace("HL2019-000001", "HL2019-000009")]
    _, problems = parse(repeat)
    assert where(problems) == {(3, "seq", 1)}


@pytest.mark.parametrize(
    ("header", "field", "column"),
    [
        (HEADER.replace(",note", ""), "note", 13),
        (HEADER.replace("product", "produt"), "product", 4),
        (HEADER.replace("amount", "Amount"), "amount", 9),
        (HEADER + ",extra", "extra", 14),
        (HEADER.replace("seq,date", "date,seq"), "", None),
        (HEADER.replace("seq,", "seq, "), "date", 2),
    ],
)
def test_header_problems_name_the_column(header: str, field: str, column: int | None) -> None:
    ledger, problems = parse(ledger_bytes(GOOD, header))
    assert ledger is None
    assert where(problems) == {(1, field, column)}
    assert HEADER in problems[0].fix or HEADER in problems[0].expected


def test_header_missing_or_chinese() -> None:
    _, problems = parse("\n".join(GOOD).encode())
    assert len(problems) == 1 and problems[0].fix == f"insert this line at the top of the file: {HEADER}"
    _, problems = parse(ledger_bytes(GOOD, "序号,日期,类型,产品,渠道,数量,单位,订单数,金额,币种,对方,凭证号,备注"))
    assert len(problems) == 1 and "python build.py import baojing-oranges-2019" in problems[0].fix
    _, problems = parse(b"")
    assert len(problems) == 1 and problems[0].got == "an empty file"


def test_bom_is_a_problem_and_the_lines_are_still_checked() -> None:
    data = b"\xef\xbb\xbf" + ledger_bytes(_replace(3, "3,2019-02-30,expense,,jd,,,,300.00,CNY,顺丰速运,F,"))
    ledger, problems = parse(data)
    assert ledger is None
    assert where(problems) == {(1, "", None), (4, "date", 2)}
    assert "BOM" in problems[0].expected


def test_crlf_is_a_problem_that_says_how_to_fix() -> None:
    data = ledger_bytes(_replace(2, GOOD[1].replace("jd", "jdd"))).replace(b"\n", b"\r\n")
    ledger, problems = parse(data)
    assert ledger is None
    assert where(problems) == {(1, "", None), (3, "channel", 5)}
    crlf = problems[0]
    assert crlf.expected == "LF line ends (Unix)" and crlf.got == "CR LF line ends (Windows)"
    assert "LF" in crlf.fix


def test_gbk_is_sent_to_the_importer() -> None:
    ledger, problems = parse(ledger_bytes(GOOD).decode().encode("gbk"))
    assert ledger is None and len(problems) == 1
    assert "GBK" in problems[0].got
    assert "python build.py import baojing-oranges-2019" in problems[0].fix


def test_utf16_is_sent_to_the_importer() -> None:
    _, problems = parse(ledger_bytes(GOOD).decode().encode("utf-16"))
    assert len(problems) == 1 and "UTF-16" in problems[0].got and "import" in problems[0].fix


def test_broken_utf8_is_told_where() -> None:
    data = ledger_bytes(GOOD).replace("物流".encode(), b"\xff\xfe\xfa")
    ledger, problems = parse(data)
    assert ledger is None
    assert (4, "", None) in where(problems)
    assert any("not UTF-8" in p.got for p in problems)


def test_problems_are_capped() -> None:
    lines = [f"{i},2019-02-30,donation,,,,,,1.00,CNY,匿名,HL-{i}," for i in range(1, 251)]
    _, problems = parse(lines)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].got == "50 more problems not shown"
    assert [p.line for p in problems[:3]] == [2, 3, 4]


def test_parsing_leaves_the_garbage_collector_as_it_was() -> None:
    assert gc.isenabled()
    parse(GOOD)
    assert gc.isenabled()
    gc.disable()
    try:
        parse(GOOD)
        assert not gc.isenabled()
    finally:
        gc.enable()


_line = st.builds(
    lambda kind, product, channel, qty, unit, orders, cents, party, note: (
        f"{kind},{product if kind == 'sale' else ''},{channel if kind == 'sale' else ''},"
        f"{qty if kind == 'sale' else ''},{unit if kind == 'sale' else ''},"
        f"{orders if kind == 'sale' else ''},{cents // 100}.{cents % 100:02d},CNY,{party}",
        note),
    st.sampled_from(["donation", "sale", "disbursement", "expense"]),
    st.sampled_from(sorted(PRODUCTS)), st.sampled_from(sorted(CHANNELS)),
    st.sampled_from(["1", "2.5", "1250.5", "0.001"]),
    st.sampled_from(["kg", "箱", "5 kg box", '"5 kg, box"']),
    st.integers(0, 500), st.integers(1, 10**9), st.sampled_from(["匿名", "京东用户", '"a, b"']),
    st.sampled_from(["", "备注", '"x, y"', 'say ""hi""']),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_line, max_size=30))
def test_fast_path_and_full_check_agree(lines: list[tuple[str, str]]) -> None:
    rows = [f"{i},2019-03-0{i % 9 + 1},{body},R-{i},{note}" for i, (body, note) in enumerate(lines, 1)]
    ledger, problems = parse(rows)
    assert problems == [] and ledger is not None
    checker = LineChecker(PATH, PRODUCTS, CHANNELS, [])
    slow: list[Entry | None] = []
    for i, row in enumerate(rows, 1):
        entry, _ = checker.check_line(row.encode(), i + 1, i, slow)
        slow.append(entry)
    assert checker.problems == []
    assert list(ledger.entries) == slow


@pytest.mark.parametrize("size", [1, 3, 7, 64, 1 << 20])
@pytest.mark.parametrize(
    "body", [b"H", b"H\n", b"H\n\n", b"H\nA", b"H\nA\n", b"H\nA\n\nB\n", b"H\nAAAA\nBBBBBBBBB\nC\nDD"]
)
def test_lines_come_in_chunks_without_line_ends(body: bytes, size: int) -> None:
    expected = body.split(b"\n")[1:]
    if body.endswith(b"\n"):
        expected.pop()
    assert [line for chunk in chunks(body, size) for line in chunk.split(b"\n")] == expected


# --- issue 9: every input hostile ------------------------------------------------------


@pytest.mark.parametrize(("code", "form"), [
    ("HL2019-000123", "hl2019000123"),
    (" HL2019-000123 ", "hl2019000123"),
    ("ＨＬ２０１９－０００１２３", "hl2019000123"),  # full width
    ("hl2019–000123", "hl2019000123"),  # en dash
    ("HL 2019 000123", "hl2019000123"),
    ("HL2019\u3000000123", "hl2019000123"),  # ideographic space
    ("HL2019/000123", "hl2019/000123"),  # a slash is part of the code
    ("Straße-1", "strasse1"),  # case folding, not lower()
])
def test_normalise_receipt(code: str, form: str) -> None:
    assert normalise_receipt(code) == form


@pytest.mark.parametrize(("first", "second"), [
    ("HL2019-000001", "hl2019-000001"),
    ("HL2019-000001", "HL2019000001"),
    ("HL2019-000001", "HL2019-000001 "),
    ("HL2019-000001", "ＨＬ2019-000001"),
    ("HL2019-000001", "HL2019—000001"),
])
def test_receipt_codes_that_collide_after_normalising_name_both_lines(first: str, second: str) -> None:
    lines = [f"1,2019-02-20,donation,,,,,,10.00,CNY,匿名,{first},", f"2,2019-02-21,donation,,,,,,20.00,CNY,匿名,{second},"]
    _, problems = parse(lines)
    clash = [p for p in problems if p.expected == "a receipt code used once in the ledger"]
    assert [(p.line, p.field) for p in clash] == [(3, "reference")]
    assert "already on line 2" in clash[0].got


@pytest.mark.parametrize("code", ["HL 1", " HL1", "HL1 ", "ＨＬ1", "HL-", "-HL", "H" * 65, "HL1;", "收据1"])
def test_receipt_code_characters_and_length(code: str) -> None:
    _, problems = parse([f'1,2019-02-20,donation,,,,,,10.00,CNY,匿名,"{code}",'])
    assert {(p.line, p.field) for p in problems} == {(2, "reference")}  # "-HL" is a formula, too
    assert any("at most 64 ASCII letters" in p.expected for p in problems)


def test_voucher_codes_of_other_entries_keep_their_freedom() -> None:
    ledger, problems = parse(["1,2019-02-21,expense,,jd,,,,300.00,CNY,顺丰速运,发票 No. 12,物流"])
    assert problems == [] and ledger is not None


@pytest.mark.parametrize(("column", "value"), [
    ("note", "=1+1"), ("note", "+1"), ("note", "-1"), ("note", "@A1"), ("party", "=cmd|' /C calc'!A0"),
    ("reference", "@SUM(A1)"), ("note", '"=HYPERLINK(""x"")"'),
])
def test_formula_cells_are_refused(column: str, value: str) -> None:
    fields = {"party": "顺丰速运", "reference": "FP-1", "note": ""} | {column: value}
    _, problems = parse([f"1,2019-02-21,expense,,jd,,,,300.00,CNY,{fields['party']},{fields['reference']},{fields['note']}"])
    assert [(p.line, p.field) for p in problems] == [(2, column)]
    assert "formula" in problems[0].expected and "remove the leading" in problems[0].fix


@pytest.mark.parametrize(("value", "code"), [("a\x00b", "U+0000"), ("a\tb", "U+0009"), ("a\x1bb", "U+001B"),
                                             ("a\u200bb", "U+200B"), ("\u202eab", "U+202E"), ("a\x85b", "U+0085")])
def test_control_characters_are_refused(value: str, code: str) -> None:
    _, problems = parse([f"1,2019-02-21,expense,,jd,,,,300.00,CNY,顺丰速运,FP-1,{value}"])
    assert [(p.line, p.field) for p in problems] == [(2, "note")]
    assert code in problems[0].got


def test_dates_outside_the_window_are_refused() -> None:
    lines = ["1,1999-12-31,expense,,jd,,,,1.00,CNY,a,F1,", "2,2000-01-01,expense,,jd,,,,1.00,CNY,a,F2,",
             "3,2020-03-01,expense,,jd,,,,1.00,CNY,a,F3,", "4,2020-03-02,expense,,jd,,,,1.00,CNY,a,F4,"]
    _, problems = parse_ledger(ledger_bytes(lines), PATH, "x", products=PRODUCTS, channels=CHANNELS,
                               today=date(2019, 3, 1))
    assert [(p.line, p.field) for p in problems] == [(2, "date"), (5, "date")]
    assert problems[0].expected == "a date from 2000-01-01 to 2020-03-01"


def test_limits_are_problems_with_line_and_field() -> None:
    lines = ["1,2019-02-21,expense,,jd,,,,1.00,CNY," + "张" * 201 + ",F1,",
             "2,2019-02-21,expense,,jd,,,,1.00,CNY,a,F2," + "注" * 1001,
             "3,2019-02-21,expense,,jd,,,,1.00,CNY,a,F3," + "x" * 5000,
             "4,2019-02-21,expense,,jd,,,,1.00,CNY,a," + "F" * 65 + ","]
    _, problems = parse(lines)
    assert where(problems) == {(2, "party", 11), (3, "note", 13), (4, "", None), (5, "reference", 12)}


def test_corrections_may_not_take_back_more_than_their_entry() -> None:
    lines = GOOD + ["7,2019-02-23,sale,baojing-navel-orange,jd,-1200,kg,-300,-9000.00,CNY,京东用户,seq:2,退货",
                    "8,2019-02-24,sale,baojing-navel-orange,jd,-1,kg,0,-900.00,CNY,京东用户,seq:2,退货"]
    _, problems = parse(lines)
    assert [(p.line, p.field) for p in problems] == [(9, "amount")]
    assert problems[0].expected == ("corrections of entry 2 (line 3) that take back at most its amount, 9975.00")
    assert problems[0].got == "9979.80 taken back by the corrections up to this line"
    lines[-1] = "8,2019-02-24,sale,baojing-navel-orange,jd,-41,kg,0,-1.00,CNY,京东用户,seq:2,退货"
    _, problems = parse(lines)
    assert [(p.line, p.field) for p in problems] == [(9, "quantity")]


def test_corrections_in_full_are_fine() -> None:
    lines = GOOD + ["7,2019-02-23,donation,,,,,,-5000.00,CNY,匿名,seq:1,撤回"]
    ledger, problems = parse(lines)
    assert problems == [] and ledger is not None
    assert correction_problems(list(ledger.entries), PATH) == []


_hostile_field = st.sampled_from([
    "", "=1", "+1", "-1", "@x", "\t", "a\x00", "\u200b", "\u3000", "R-1", "r-1", "R 1", "Ｒ-1", "seq:1", "seq:2",
    "-5.00", "5.00", "2019-02-20", "1999-01-01", "2999-01-01", "donation", "sale", "expense", "CNY", "kg", "匿名",
    "jd", "baojing-navel-orange", "1", "-1", "x" * 70, "138 0013 8000", '"a,b"', '"', "１３８００１３８０００",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_hostile_field, min_size=12, max_size=12), max_size=8))
def test_fast_path_never_accepts_what_the_full_check_refuses(rows: list[list[str]]) -> None:
    """Hostile lines read both ways give the same entries and the same problems."""
    body = ledger_bytes(GOOD[:2] + [f"{i},{','.join(r)}" for i, r in enumerate(rows, 3)])
    fast_problems: list[Problem] = []
    fast = read_entries(body, LineChecker(PATH, PRODUCTS, CHANNELS, fast_problems))
    slow_problems: list[Problem] = []
    slow = _check_slowly(body, LineChecker(PATH, PRODUCTS, CHANNELS, slow_problems))
    assert fast == slow
    assert sorted(fast_problems) == sorted(slow_problems)
