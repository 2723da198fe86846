"""`build.py diff <ref>`: the change report, one golden file per kind of change.

Each case starts from the same committed tiny site (two products, two campaigns, a ledger of
five entries whose first three are sealed), changes the working tree as an editor would, and
compares the Markdown report with `tests/golden/diff/<case>.md` (review those when they change:
`pytest tests/test_diff.py --update-goldens`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from harvest.commands.diff import _history
from harvest.proofs.merkle import MerkleTree
from harvest.vocabulary import money
from tests.sitekit import TinySite

HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note"
ENTRIES = [
    "1,2019-02-20,donation,,,,,,3000.00,CNY,测试协会,R-001,首笔捐赠",
    "2,2019-02-20,sale,test-orange,jd,100,kg,20,560.00,CNY,京东买家,S-001,",
    "3,2019-02-21,expense,,,,,,200.50,CNY,物流公司,E-001,快递费",
    "4,2019-02-21,disbursement,,,,,,1000.00,CNY,测试合作社,D-001,第一次拨付",
    "5,2019-02-22,donation,,,,,,1200.00,CNY,匿名,R-002,",
]
TEA = """\
name: 测试绿茶
summary: 另一个测试用的产品。
origin: {province: 贵州省, county: 石阡县}
producer: 测试茶厂
category: tea
season: 3月–5月
purchase:
  - channel: taobao
    url: https://item.taobao.com/item.htm?id=1234
"""
OLD_CAMPAIGN = """\
name: 旧活动
summary: 一个要删掉的活动。
organizer: 测试县商务局
start: 2018-01-01
"""
GIT_ENV = {"GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
           # fixed dates: the same commits, so the same hashes in the reports' goldens
           "GIT_AUTHOR_DATE": "2019-02-25T12:00:00+08:00", "GIT_COMMITTER_DATE": "2019-02-25T12:00:00+08:00"}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def ledger(lines: list[str]) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def seal(lines: list[str], size: int, day: str) -> str:
    root = MerkleTree.from_leaves([line.encode() for line in lines[:size]]).root(size)
    return f"{size} {root.hex()} {day}\n"


def base_site(path: Path) -> TinySite:
    site = TinySite(path).with_basics()
    site.write("products/test-tea.yml", TEA)
    site.write("campaigns/old-campaign.yml", OLD_CAMPAIGN)
    site.write("ledgers/test-campaign.csv", ledger(ENTRIES))
    site.write("ledgers/test-campaign.checkpoints", seal(ENTRIES, 3, "2019-02-21"))
    return site


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = base_site(tmp_path_factory.mktemp("base") / "repo")
    assert site.run("check").code == 0, site.run("check").err
    git(site.path, "init", "-q", "-b", "main")
    git(site.path, "add", "-A")
    git(site.path, "commit", "-q", "-m", "base")
    return site.path


@pytest.fixture
def site(committed: Path, tmp_path: Path) -> TinySite:
    shutil.copytree(committed, tmp_path / "repo")
    copy = TinySite.__new__(TinySite)
    copy.path = tmp_path / "repo"
    return copy


def _edit(site: TinySite, rel: str, old: str, new: str) -> None:
    text = (site.path / rel).read_text(encoding="utf-8")
    assert old in text, (rel, old)
    (site.path / rel).write_text(text.replace(old, new, 1), encoding="utf-8")


def _renumber(lines: list[str]) -> list[str]:
    return [f"{i},{line.split(',', 1)[1]}" for i, line in enumerate(lines, 1)]


APPENDED = [
    "6,2019-02-23,donation,,,,,,800.00,CNY,测试基金会,R-003,",
    "7,2019-02-23,sale,test-orange,pinduoduo,50.5,kg,9,282.80,CNY,拼多多买家,S-002,",
    "8,2019-02-24,donation,,,,,,400.00,CNY,匿名,R-004,",
]


def no_change(site: TinySite) -> None:
    pass


def products_changed(site: TinySite) -> None:
    site.write("products/new-honey.yml", TEA.replace("测试绿茶", "测试蜂蜜").replace("category: tea", "category: honey"))
    (site.path / "products" / "test-tea.yml").unlink()
    _edit(site, "products/test-orange.yml", 'amount: "39.90"', 'amount: "42.00"')
    _edit(site, "products/test-orange.yml", "一个测试用的产品。", "一个测试用的产品，" + "果园直发，" * 12)
    _edit(site, "products/test-orange.yml", "  - channel: pinduoduo\n    url: https://mobile.yangkeduo.com/goods.html"
          "?goods_id=1234\n", "")
    (site.path / "products" / "test-orange.yml").write_text(
        (site.path / "products" / "test-orange.yml").read_text(encoding="utf-8") + 'gtin: "06901234567892"\n',
        encoding="utf-8",
    )


def campaigns_changed(site: TinySite) -> None:
    (site.path / "campaigns" / "old-campaign.yml").unlink()
    site.write("campaigns/new-campaign.yml", OLD_CAMPAIGN.replace("旧活动", "新活动").replace("2018", "2020"))
    _edit(site, "campaigns/test-campaign.yml", "end: 2019-02-22", "end: 2019-03-31")
    _edit(site, "campaigns/test-campaign.yml", 'amount: "1000.00"', 'amount: "5000.00"')


def ledger_appended(site: TinySite) -> None:
    site.write("ledgers/test-campaign.csv", ledger(ENTRIES + APPENDED))
    with (site.path / "ledgers" / "test-campaign.checkpoints").open("a") as f:
        f.write(seal(ENTRIES + APPENDED, 8, "2019-02-24"))


def ledger_new(site: TinySite) -> None:
    site.write("ledgers/old-campaign.csv", ledger(["1,2018-01-02,donation,,,,,,99.90,CNY,匿名,R-1,"]))


def ledger_edited_sealed(site: TinySite) -> None:
    site.write("ledgers/test-campaign.csv", ledger([ENTRIES[0], ENTRIES[1].replace("560.00", "650.00"), *ENTRIES[2:]]))


def ledger_edited_unsealed(site: TinySite) -> None:
    site.write("ledgers/test-campaign.csv", ledger([*ENTRIES[:4], ENTRIES[4].replace("匿名", "某公司")]))


def ledger_line_deleted(site: TinySite) -> None:
    site.write("ledgers/test-campaign.csv", ledger(_renumber([*ENTRIES[:3], ENTRIES[4]])))


def ledger_reordered(site: TinySite) -> None:
    site.write("ledgers/test-campaign.csv", ledger(_renumber([*ENTRIES[:3], ENTRIES[4], ENTRIES[3]])))


def ledger_inserted_in_middle(site: TinySite) -> None:
    extra = "0,2019-02-20,donation,,,,,,10.00,CNY,匿名,R-009,"
    site.write("ledgers/test-campaign.csv", ledger(_renumber([ENTRIES[0], extra, *ENTRIES[1:]])))


def ledger_truncated(site: TinySite) -> None:
    site.write("ledgers/test-campaign.csv", ledger(ENTRIES[:2]))


def ledger_removed(site: TinySite) -> None:
    (site.path / "ledgers" / "test-campaign.csv").unlink()
    (site.path / "ledgers" / "test-campaign.checkpoints").unlink()


def sealed_head_removed(site: TinySite) -> None:
    site.write("ledgers/test-campaign.checkpoints", "")


def bad_new_seal(site: TinySite) -> None:
    with (site.path / "ledgers" / "test-campaign.checkpoints").open("a") as f:
        f.write(f"5 {'ab' * 32} 2019-02-25\n")


def sealed_then_edited(site: TinySite) -> None:
    """The editor seals the ledger, then edits an entry sealed at `HEAD`: the new head matched
    the ledger when it was written and matches it no longer."""
    with (site.path / "ledgers" / "test-campaign.checkpoints").open("a") as f:
        f.write(seal(ENTRIES, 5, "2019-02-25"))
    ledger_edited_sealed(site)


def correction_appended(site: TinySite) -> None:
    site.write("ledgers/test-campaign.csv",
               ledger([*ENTRIES, "6,2019-02-23,expense,,,,,,-50.50,CNY,物流公司,seq:3,更正：快递费多计"]))


def record_with_mistakes(site: TinySite) -> None:
    _edit(site, "products/test-tea.yml", "producer: 测试茶厂\n", "")


# case -> (change, what the report must say besides matching its golden file)
CASES: dict[str, tuple[Callable[[TinySite], None], list[str]]] = {
    "no-change": (no_change, ["No change to products, campaigns or ledgers since `HEAD`."]),
    "products-changed": (products_changed, ["1 product added; 1 product removed; 1 product changed",
                                            "`price.amount` `39.90` → `42.00`", "[!WARNING]"]),
    "campaigns-changed": (campaigns_changed, ["1 campaign added; 1 campaign removed; 1 campaign changed",
                                              "`end` `2019-02-22` → `2019-03-31`"]),
    "ledger-appended": (ledger_appended, ["ledger test-campaign: 3 entries appended, donations +¥1,200.00, sales "
                                          "+¥282.80, balance ¥2,999.50 → ¥4,199.50",
                                          "sealed at 8 entries", "no sealed entry touched"]),
    "ledger-new": (ledger_new, ["ledger old-campaign: new, 1 entry, donations ¥99.90, balance ¥99.90"]),
    "ledger-edited-sealed": (ledger_edited_sealed, ["HISTORY REWRITTEN", "seq 2 edited",
                                                    "THIS TOUCHES SEALED ENTRIES (seq 2)", "SEALED HISTORY TOUCHED"]),
    "ledger-edited-unsealed": (ledger_edited_unsealed, ["HISTORY REWRITTEN", "seq 5 edited",
                                                        "no sealed entry touched"]),
    "ledger-line-deleted": (ledger_line_deleted, ["seq 4 deleted", "[!CAUTION]"]),
    "ledger-reordered": (ledger_reordered, ["entries were put in another order (seq 4–5)"]),
    "ledger-inserted-in-middle": (ledger_inserted_in_middle, ["1 entry inserted before old seq 2",
                                                              "THIS TOUCHES SEALED ENTRIES (seq 2)"]),
    "ledger-truncated": (ledger_truncated, ["seq 3–5 deleted", "SEALED ENTRIES (seq 3)"]),
    "ledger-removed": (ledger_removed, ["LEDGER DELETED", "It had 1 sealed head.", "SEALED HISTORY TOUCHED"]),
    "sealed-head-removed": (sealed_head_removed, ["SEALED HEAD REMOVED", "SEALED HISTORY TOUCHED"]),
    "bad-new-seal": (bad_new_seal, ["SEALED HEAD DOES NOT MATCH", "it does not match the ledger",
                                    "so will `python build.py seal` while it is there. Delete line 2 of "
                                    "`ledgers/test-campaign.checkpoints`"]),
    "sealed-then-edited": (sealed_then_edited, ["THIS TOUCHES SEALED ENTRIES (seq 2)",
                                                "Put those entries back as they were (`git show HEAD:ledgers/",
                                                "SEALED HEAD DOES NOT MATCH", "if this head still does not match"]),
    "correction-appended": (correction_appended, ["expenses -¥50.50, balance ¥2,999.50 → ¥3,050.00"]),
    "record-with-mistakes": (record_with_mistakes, ["it now has mistakes; run `python build.py check`"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_change_report(case: str, site: TinySite, golden: Callable[[str, str], None]) -> None:
    change, says = CASES[case]
    change(site)
    result = site.run("diff", "HEAD")
    assert result.code == 0, result.err
    assert result.err == ""
    for text in says:
        assert text in result.out, f"{text!r} not in:\n{result.out}"
    # The commit that sealed a head is named by its hash, which depends on where the test site
    # lives (its mkdocs.yml names the theme folder): the golden holds the commit it really is.
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=site.path, capture_output=True,
                          text=True, check=True).stdout.strip()
    golden(f"diff/{case}.md", result.out.replace(f"commit {head}", "commit <HEAD>"))


def test_the_advice_on_a_bad_new_seal_is_what_seal_accepts(site: TinySite) -> None:
    """`seal` refuses while a head that does not match is in the file; the report says to
    delete the line first, and then `check` passes and `seal` seals."""
    bad_new_seal(site)
    assert "Delete line 2 of `ledgers/test-campaign.checkpoints`" in site.run("diff", "HEAD").out
    assert site.run("seal", "test-campaign").code == 1  # what the report used to advise
    seals = site.path / "ledgers" / "test-campaign.checkpoints"
    seals.write_text("".join(seals.read_text().splitlines(keepends=True)[:1]))  # line 2 deleted
    assert site.run("check").code == 0
    sealed = site.run("seal", "test-campaign")
    assert sealed.code == 0 and "Sealed the first 5 entries" in sealed.out, sealed.err
    assert site.run("check").code == 0


def test_the_advice_on_an_edited_sealed_entry_is_what_the_tools_accept(site: TinySite) -> None:
    """Sealed, then a sealed entry edited: the report says to put the entries back (with the
    command that prints them) and append a correction; done so, `check` passes and `seal` seals."""
    sealed_then_edited(site)
    report = site.run("diff", "HEAD").out
    assert "`git show HEAD:ledgers/test-campaign.csv` prints them" in report
    assert site.run("seal", "test-campaign").code == 1
    printed = subprocess.run(["git", "show", "HEAD:ledgers/test-campaign.csv"], cwd=site.path, capture_output=True,
                             check=True).stdout.decode()
    correction = "6,2019-02-25,sale,test-orange,jd,-10,kg,-2,-56.00,CNY,京东买家,seq:2,更正第2条\n"
    site.write("ledgers/test-campaign.csv", printed + correction)
    assert site.run("check").code == 0, site.run("check").err
    assert site.run("seal", "test-campaign").code == 0


def test_loud_warnings_only_when_history_changes(site: TinySite) -> None:
    ledger_appended(site)
    assert "[!CAUTION]" not in site.run("diff", "HEAD").out
    ledger_edited_unsealed(site)
    assert "[!CAUTION]" in site.run("diff", "HEAD").out


def test_output_file_holds_the_report(site: TinySite, tmp_path: Path) -> None:
    ledger_appended(site)
    target = tmp_path / "report.md"
    result = site.run("diff", "HEAD", "--output", str(target))
    assert result.code == 0
    assert target.read_text(encoding="utf-8") == result.out


def test_site_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    site = base_site(outer / "sites" / "county")
    git(outer, "init", "-q", "-b", "main")
    git(outer, "add", "-A")
    git(outer, "commit", "-q", "-m", "base")
    ledger_appended(site)
    result = site.run("diff", "HEAD")
    assert result.code == 0, result.err
    assert "ledger test-campaign: 3 entries appended" in result.out
    assert "product" not in result.out.split("\n\n")[1]  # no record is seen as added or removed


@pytest.mark.parametrize(
    ("ref", "message"),
    [("no-such-branch", 'git knows no commit called "no-such-branch"'), ("HEAD~5", 'no commit called "HEAD~5"')],
)
def test_unknown_ref_is_a_plain_error(site: TinySite, ref: str, message: str) -> None:
    result = site.run("diff", ref)
    assert result.code == 1
    assert message in result.err
    assert "Traceback" not in result.err


def test_not_a_git_repository(tmp_path: Path) -> None:
    site = base_site(tmp_path / "plain")
    result = site.run("diff", "HEAD")
    assert result.code == 1
    assert "is not in a git repository" in result.err and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("amount", "currency", "sign", "text"),
    [("1200", "CNY", True, "+¥1,200.00"), ("-50.5", "CNY", True, "-¥50.50"), ("0", "CNY", True, "¥0.00"),
     ("5000.5", "CNY", False, "¥5,000.50"), ("1234567.891", "USD", False, "1,234,567.89 USD"),
     ("-0.001", "CNY", False, "¥0.00")],
)
def test_money(amount: str, currency: str, sign: bool, text: str) -> None:
    assert money(Decimal(amount), currency, sign) == text


def test_history_appended_and_rewritten() -> None:
    old = [b"1,a", b"2,b", b"3,c"]
    assert _history(old, [*old, b"4,d"]).appended == 1
    assert _history(old, [b"1,a", b"2,c"]).touched == [2]
    assert _history(old, [b"1,a", b"2,c", b"3,b"]).said == ["entries were put in another order (seq 2–3)"]
