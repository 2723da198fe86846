"""Hostile corpus, part D: ledgers, receipt codes, personal data and the importer.

Each case writes an attacker's file into a built tiny site and checks the refusal: exit 1, the
file and line named, the words of the rule in the message, no traceback, site/ unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.harness import assert_refused, built_site, changed
from tests.sitekit import TinySite

L = "ledgers/test-campaign.csv"
HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note"
GOOD = [
    "1,2019-02-20,donation,,,,,,1000.00,CNY,爱心企业,R-001,",
    "2,2019-02-21,sale,test-orange,jd,10,kg,5,399.00,CNY,京东用户,JD-20190221-0001,首批",
]


def ledger(*extra: str) -> str:
    return "\n".join([HEADER, *GOOD, *extra]) + "\n"


def line(text: str) -> str:
    """An entry line numbered 3 (the first after GOOD), from the fields after seq."""
    return "3," + text


DONATION = "2019-02-22,donation,,,,,,50.00,CNY,{party},{ref},{note}"
EXPENSE = "2019-02-22,expense,,,,,,50.00,CNY,{party},{ref},{note}"


def donation(party: str = "匿名", ref: str = "R-002", note: str = "") -> str:
    return line(DONATION.format(party=party, ref=ref, note=note))


def expense(party: str = "顺丰速运", ref: str = "FP-1", note: str = "") -> str:
    return line(EXPENSE.format(party=party, ref=ref, note=note))


# (case, the bytes of the ledger, line, words the message must hold)
LEDGER_CASES: list[tuple[str, str | bytes, int, list[str]]] = [
    # sizes and odd bytes
    ("very-long-line", ledger(donation(note="长" * 40_000)), 4, ["at most 4096 bytes"]),
    ("huge-quoted-field", ledger(donation(note='"' + "x" * 200_000 + '"')), 4, ["at most 4096 bytes"]),
    ("oversized-party", ledger(donation(party="张" * 300)), 4, ["party", "at most 200 characters"]),
    ("oversized-note", ledger(donation(note="注" * 1200)), 4, ["note", "at most 1000 characters"]),
    ("not-utf8-bytes", ledger(donation()).encode() + b"4,2019-02-22,donation,,,,,,5.00,CNY,\xff\xfe,R-9,\n",
     5, ["not UTF-8"]),
    ("nul-in-note", ledger(donation(note="a\x00b")), 4, ["U+0000", "control"]),
    ("tab-in-note", ledger(donation(note="a\tb")), 4, ["U+0009"]),
    ("zero-width-in-party", ledger(donation(party="张\u200b三")), 4, ["U+200B"]),
    ("bidi-override-in-note", ledger(donation(note="\u202eabc")), 4, ["U+202E"]),
    ("bom-inside-note", ledger(donation(note="a\ufeffb")), 4, ["U+FEFF"]),
    # receipt codes
    ("receipt-trailing-space", ledger(donation(ref="R-001 ")), 4, ["receipt code of at most 64", "line 2"]),
    ("receipt-case", ledger(donation(ref="r-001")), 4, ["used once", "line 2", "same code"]),
    ("receipt-full-width", ledger(donation(ref="Ｒ－００１")), 4, ["ASCII", "already on line 2"]),
    ("receipt-en-dash", ledger(donation(ref="R–001")), 4, ["already on line 2"]),
    ("receipt-inner-space", ledger(donation(ref="R 001")), 4, ["already on line 2"]),
    ("receipt-too-long", ledger(donation(ref="R" * 65)), 4, ["at most 64"]),
    # personal data in other forms
    ("full-width-mobile", ledger(donation(note="联系１３８００１３８０００")), 4, ["note", "mobile"]),
    ("dotted-mobile-in-party", ledger(donation(party="张 138.0013.8000")), 4, ["party", "mobile"]),
    ("oddly-grouped-mobile", ledger(donation(note="13 800 138 000")), 4, ["note", "mobile"]),
    ("unicode-email", ledger(donation(note="张三@例子.中国")), 4, ["note", "e-mail"]),
    ("full-width-at-email", ledger(donation(note="zhang＠qq．com")), 4, ["note", "e-mail"]),
    ("old-id-card", ledger(donation(note="身份证430124900101123")), 4, ["note", "ID-card"]),
    ("landline", ledger(donation(note="电话(0743)852-1234")), 4, ["note", "landline"]),
    ("spaced-bank-card-in-reference", ledger(expense(ref="6222-0212-3456-7890-128")), 4,
     ["reference", "bank-card"]),
    # corrections larger than what they correct
    ("donation-over-corrected", ledger(line("2019-02-23,donation,,,,,,-600.00,CNY,爱心企业,seq:1,更正"),
                                       "4,2019-02-24,donation,,,,,,-600.00,CNY,爱心企业,seq:1,更正"),
     5, ["entry 1 (line 2)", "1000.00", "1200.00 taken back"]),
    ("sale-quantity-over-corrected", ledger(line("2019-02-23,sale,test-orange,jd,-11,kg,-1,-10.00,CNY,京东用户,seq:2,")),
     4, ["quantity", "entry 2 (line 3)"]),
    ("correction-of-a-correction", ledger(line("2019-02-23,donation,,,,,,-900.00,CNY,爱心企业,seq:1,"),
                                          "4,2019-02-24,donation,,,,,,-200.00,CNY,爱心企业,seq:3,"),
     5, ["entry 1"]),
    # spreadsheet formulas
    ("formula-in-note", ledger(donation(note='"=HYPERLINK(""http://evil.example"",""点我"")"')), 4,
     ["formula", "remove the leading ="]),
    ("plus-in-party", ledger(donation(party="+1+cmd|' /C calc'!A0")), 4, ["party", "formula"]),
    ("at-in-reference", ledger(expense(ref="@SUM(A1)")), 4, ["reference", "formula"]),
    ("minus-in-note", ledger(donation(note="-2+3")), 4, ["note", "remove the leading -"]),
    ("formula-in-unit", ledger(line("2019-02-23,sale,test-orange,jd,1,=1+1,1,39.90,CNY,京东用户,JD-2,")), 4,
     ["unit", "formula"]),
    # dates centuries away
    ("date-1900", ledger(donation().replace("2019-02-22", "1900-01-01")), 4, ["date", "2000-01-01"]),
    ("date-2999", ledger(donation().replace("2019-02-22", "2999-01-01")), 4, ["date", "2000-01-01"]),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    return built_site(tmp_path_factory.mktemp("hostile-ledgers"))


@pytest.mark.parametrize(("case", "content", "line", "words"), LEDGER_CASES, ids=[c[0] for c in LEDGER_CASES])
def test_hostile_ledger_is_refused(site: TinySite, case: str, content: str | bytes, line: int,
                                   words: list[str]) -> None:
    with changed(site, {L: content}):
        assert_refused(site, site.build, L, line, words)


# Personal data outside ledgers: stories, editors' pages, record fields.
PAGE_CASES = [
    ("phone-in-story", "content/stories/test-orange.md", "果园在山上。\n\n联系：１３８－００１３－８０００\n", 3, ["mobile"]),
    ("email-in-editors-page", "content/about.md", "# 关于\n\n邮箱 li.si@例子.中国\n", 3, ["e-mail"]),
    ("landline-in-index", "content/index.md", "# 首页\n电话 0743-8521234\n", 2, ["landline"]),
]


@pytest.mark.parametrize(("case", "rel", "content", "line", "words"), PAGE_CASES, ids=[c[0] for c in PAGE_CASES])
def test_personal_data_in_pages_is_refused(site: TinySite, case: str, rel: str, content: str, line: int,
                                           words: list[str]) -> None:
    with changed(site, {rel: content}):
        assert_refused(site, site.build, rel, line, words)


def test_personal_data_in_a_record_field_is_refused(site: TinySite) -> None:
    product = (site.path / "products/test-orange.yml").read_text(encoding="utf-8")
    hostile = product.replace("producer: 测试合作社", "producer: 测试合作社 138．0013．8000")
    with changed(site, {"products/test-orange.yml": hostile}):
        assert_refused(site, site.build, "products/test-orange.yml", 4, ["producer", "mobile"])


def test_figures_codes_and_gtins_are_not_personal_data(site: TinySite) -> None:
    """What ledgers and stories are full of passes: dates, amounts, receipt codes, sequence
    numbers, item ids and a valid GTIN."""
    product = (site.path / "products/test-orange.yml").read_text(encoding="utf-8")
    content = {
        L: ledger("3,2019-02-22,donation,,,,,,138001380.00,CNY,匿名,HL2019-0000123,2019-02-22 到账",
                  "4,2019-02-23,donation,,,,,,-38001380.00,CNY,匿名,seq:3,更正 2019.02.23",
                  "5,2019-02-24,expense,,,,,,12.50,CNY,顺丰速运,SF1234567890,运单 100001234567"),
        "products/test-orange.yml": product + "gtin: \"6901234567892\"\n",
        "content/stories/test-orange.md": "2019年2月20日起售，每箱 39.90 元，商品编号 100001234567。\n",
    }
    with changed(site, content):
        result = site.build()
        assert result.code == 0, result.err


# The importer: the same rules, told for the export's row and column.
IMPORT_CASES = [
    ("import-formula", "日期,类型,金额,对方,凭证号,备注\n2019-03-01,捐赠,100,=1+2,R-100,\n", ["formula", "对方"]),
    ("import-full-width-phone", "日期,类型,金额,对方,凭证号\n2019-03-01,捐赠,100,张先生 １３８００１３８０００,R-100\n",
     ["mobile"]),
    ("import-far-date", "日期,类型,金额,对方,凭证号\n2199-03-01,捐赠,100,匿名,R-100\n", ["2000-01-01"]),
    ("import-control-character", "日期,类型,金额,对方,凭证号,备注\n2019-03-01,捐赠,100,匿名,R-100,a\x07b\n", ["U+0007"]),
    ("import-receipt-collides", "日期,类型,金额,对方,凭证号\n2019-03-01,捐赠,100,匿名,r-001\n", ["already on line 2"]),
]


@pytest.mark.parametrize(("case", "export", "words"), IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_hostile_export_is_refused(site: TinySite, case: str, export: str, words: list[str]) -> None:
    with changed(site, {L: ledger(), "export.csv": export}):
        assert_refused(site, lambda: site.run("import", "test-campaign", "export.csv"), "export.csv", 2, words,
                       command="import")
        assert (site.path / L).read_bytes() == ledger().encode()  # nothing appended


def test_ledger_file_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from harvest.load.models import Campaign
    from harvest.proofs import books

    monkeypatch.setattr(books, "MAX_LEDGER_BYTES", 100)
    (tmp_path / "ledgers").mkdir()
    (tmp_path / L).write_text(ledger(), encoding="utf-8")
    book, problems = books.load_book(tmp_path, "test-campaign", Campaign.model_construct(),
                                     products={"test-orange"}, channels={"jd"})
    assert book is None
    assert [(p.path, p.line, p.expected) for p in problems] == [(L, None, "a file of at most 1 KB")]
