"""Personal data is found in any text, and the whole-file pre-check never misses a line."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harvest.load.privacy import (
    candidate_lines,
    find_personal_data,
    luhn_ok,
    page_problems,
)

EMAIL = "an e-mail address"
MOBILE = "a mainland mobile number"
ID_CARD = "an ID-card number"
BANK = "a bank-card number"
LANDLINE = "a landline phone number"


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
        # written in other forms (issue 9)
        ("１３８００１３８０００", MOBILE),  # full-width digits
        ("１３８－００１３－８０００", MOBILE),
        ("138.0013.8000", MOBILE),  # dotted
        ("138 0013 8000", MOBILE),
        ("13 800 138 000", MOBILE),  # any grouping
        ("1380\u30000138\u3000000", MOBILE),  # ideographic spaces
        ("138\u200b0013\u200b8000", MOBILE),  # zero-width spaces
        ("138—0013—8000", MOBILE),  # em dashes
        ("（138）00138000", MOBILE),  # full-width brackets
        ("8613800138000", MOBILE),
        ("＋８６ １３８ ００１３ ８０００", MOBILE),
        ("电话 0743-8521234", LANDLINE),
        ("(010)62345678", LANDLINE),
        ("（０１０）６２３４５６７８", LANDLINE),
        ("010 6234 5678", LANDLINE),
        ("+86 10 62345678", LANDLINE),
        ("020-87654321", LANDLINE),
        ("430124900101123", ID_CARD),  # the old 15-digit form: region, 1990-01-01, sequence
        ("４３０１２４１９９００１０１１２３４", ID_CARD),
        ("430124 19900101 1234", ID_CARD),
        ("张三@例子.中国", EMAIL),  # Unicode local part and domain
        ("zhang＠example．com", EMAIL),  # full-width @ and dot
        ("用户.名@例え.jp", EMAIL),
        ("6222 0212 3456 7890 128", BANK),
        ("６２２２０２１２３４５６７８９０１２８", BANK),
        ("13800138000x", MOBILE),  # a letter after the number
    ],
)
def test_personal_data_is_found(text: str, kind: str) -> None:
    assert find_personal_data(text) == kind
    assert candidate_lines(text.encode())
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
        # what a ledger and a story are full of must not look like people
        "138001380.00",  # an amount with cents, not a phone number
        "13,800,138,000",  # thousands separators do not join digits
        "2019-02-20 12:30",
        "2019.02.20",
        "2019年2月20日 收到 280000.00 元",
        "JD-20190220-0001",
        "HL2019-0000123",
        "seq:12",
        "01234567890",  # 0 and 12 is not an area code
        "02012345678",  # a local number does not start with 1
        "990101900101123",  # region 99 does not exist
        "430124901301123",  # month 13
        "（含3箱）",
        "6901234567892",
        "073852123456789",  # 15 digits, region 07 does not exist, and no phone ends a group here
        "用户@抖音",
        "a@b",
    ],
)
def test_ordinary_text_is_not_personal_data(text: str) -> None:
    assert find_personal_data(text) is None


@pytest.mark.parametrize("text", ["2019-02-20 280000.00 HL2019-000123", "6901234567892", ""])
def test_clean_text_passes_the_quick_check(text: str) -> None:
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
     "0", "7", "\n", "张", "X", "@",
     # other forms: full-width, separators of any width, invisible characters, landlines
     "１３８", "００１３", "８０００", "．", "－", "　", "\u200b", "(010)", "（", "）", "6234", "5678",
     "0743", "8521234", "＠", "例子.中国", "430124900101123", ".", "—", "\x01", "\u00a0", "，"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=12))
@example(["(010)", "\x01", "2019-02-20"])  # a control character the full check drops
def test_every_line_with_personal_data_is_a_candidate(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = candidate_lines(text.encode())
    for number, line in enumerate(text.split("\n")):
        if find_personal_data(line):
            assert number in found


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("0123456789０１２３４５６７８９ .-()（）－．　@＠Xx\u200b\n,张a١٢"), max_size=40))
def test_every_line_with_personal_data_is_a_candidate_in_any_characters(text: str) -> None:
    found = candidate_lines(text.encode())
    for number, line in enumerate(text.split("\n")):
        if find_personal_data(line):
            assert number in found


def test_page_problems_name_the_line() -> None:
    problems = page_problems("content/about.md", "# 关于\n\n联系电话：１３８ ００１３ ８０００\n")
    assert [(p.path, p.line) for p in problems] == [("content/about.md", 3)]
    assert "a mainland mobile number" in problems[0].got
    assert page_problems("content/about.md", "2019年2月20日，售出 1250.5 kg，收入 ¥39,900.00。\n") == []


@pytest.mark.parametrize("text", ["1234567890 13800138000", "00000000000 13800138000", "2" * 22 + " 13800138000",
                                  "x" + "9" * 33 + "-138-0013-8000", "430124 19900101 123X", "5" * 22 + "\n13800138000"])
def test_numbers_at_the_end_of_long_runs_are_candidates(text: str) -> None:
    last = text.count("\n")
    assert find_personal_data(text.split("\n")[-1])
    assert candidate_lines(text.encode()) == [last]
