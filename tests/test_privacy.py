"""Personal data is found in any text, and the whole-file pre-check never misses a line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hooks.privacy import candidate_lines, find_personal_data, luhn_ok, may_hold_personal_data, scan_text

EMAIL = "an e-mail address"
MOBILE = "a mainland mobile number"
ID_CARD = "an ID-card number"
BANK = "a bank-card number"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("联系 zhang.san@example.com", EMAIL),
        ("qq: 123456@qq.com", EMAIL),
        ("13800138000", MOBILE),
        ("电话13912345678请回电", MOBILE),
        ("138 0013 8000", MOBILE),
        ("138-0013-8000", MOBILE),
        ("+86 138 0013 8000", MOBILE),
        ("+8613800138000", MOBILE),
        ("0086-13800138000", MOBILE),
        ("2019-02-20 13800138000", MOBILE),
        ("11010519491231002X", ID_CARD),
        ("11010519491231002x", ID_CARD),
        ("身份证 430124199001011234 已核对", ID_CARD),
        ("6222021234567890128", BANK),  # 19 digits, Luhn ok
        ("4111111111111111", BANK),
        ("卡号 4111 1111 1111 1111", BANK),
        ("4111-1111-1111-1111", BANK),
    ],
)
def test_personal_data_is_found(text: str, kind: str) -> None:
    assert find_personal_data(text) == kind
    assert scan_text(text)
    assert candidate_lines(f"header\nclean line\n{text}\n".encode()) == [2]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2019-02-20",
        "20190220",
        "6901234567892",  # GTIN-13
        "06901234567892",  # GTIN-14
        "280000.00",
        "HL2019-000123",
        "https://item.jd.com/100001234567.html",  # 12-digit item id
        "JD 100001234567",
        "12800138000",  # 12 is not a mobile prefix
        "138001380001",  # 12 digits: a mobile number inside a longer run
        "913800138000",
        "4111111111111112",  # fails the Luhn check
        "4111 1111 1111 1112",
        "123456789012345678901234",  # a 24-digit transaction id
        "110105194913310021",  # month 13: not a birth date
        "张先生, 匿名, 保靖县柑橘专业合作社",
        "用户@抖音",  # an at sign alone
        "1,2019-02-20,sale,baojing-navel-orange,jd,1250.5,kg,312,9975.00,CNY,京东用户,JD-0220,",
    ],
)
def test_ordinary_text_is_not_personal_data(text: str) -> None:
    assert find_personal_data(text) is None


@pytest.mark.parametrize("text", ["2019-02-20 280000.00 HL2019-000123", "6901234567892", ""])
def test_clean_text_passes_the_quick_check(text: str) -> None:
    assert not scan_text(text)
    assert not may_hold_personal_data(text.encode())
    assert candidate_lines(text.encode()) == []


def test_luhn() -> None:
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")


def test_candidate_lines_are_few_and_in_order() -> None:
    lines = ["seq,note", "1,100001234567", "2,ok", "3,a@b.cn", "4,138 0013 8000 and 13800138000",
             "5,6901234567892"]
    assert candidate_lines("\n".join(lines).encode()) == [3, 4]


_pieces = st.sampled_from(
    ["13800138000", "138 0013 8000", "+86", "11010519491231002X", "4111111111111111",
     "4111 1111 1111 1111", "a@b.cn", "100001234567", "2019-02-20", "280000.00", ",", " ", "-",
     "0", "7", "\n", "张", "X", "@"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=12))
def test_every_line_with_personal_data_is_a_candidate(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = candidate_lines(text.encode())
    for number, line in enumerate(text.split("\n")):
        if find_personal_data(line):
            assert number in found
