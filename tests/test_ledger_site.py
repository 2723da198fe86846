"""End-to-end: ledgers of a tiny site (not the examples) through build.py and the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from harvest.proofs.merkle import MerkleTree, leaf_hash
from harvest.proofs.verify import check_receipt_proof
from tests.sitekit import TinySite, large_ledger

L = "ledgers/test-campaign.csv"
HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
ROWS = [
    "1,2019-02-20,donation,,,,,,1000.00,CNY,某公司,R-001,首笔捐赠\n",
    "2,2019-02-20,sale,test-orange,jd,1250.5,kg,300,7003.00,CNY,京东买家,S-1,\n",
    "3,2019-02-21,sale,test-orange,pinduoduo,100,kg,20,560.50,CNY,拼多多买家,S-2,\"备注, 有逗号\"\n",
    "4,2019-02-21,donation,,,,,,200.00,CNY,匿名,R-002,\n",
    "5,2019-02-22,disbursement,,,,,,600.00,CNY,测试合作社,P-1,包装补贴\n",
    "6,2019-02-22,expense,,,,,,150.25,CNY,快递公司,E-1,运费\n",
    "7,2019-02-23,sale,test-orange,pinduoduo,-100,kg,-20,-560.50,CNY,拼多多买家,seq:3,重复录入\n",
]
LEDGER = HEADER + "".join(ROWS)


@pytest.fixture
def ledger_site(tiny: TinySite) -> TinySite:
    tiny.with_basics()
    tiny.write(L, LEDGER)
    return tiny


def test_ledger_json_csv_and_pages(ledger_site: TinySite) -> None:
    result = ledger_site.build()
    assert result.code == 0, result.err
    site = ledger_site.path / "site"
    assert (site / L).read_bytes() == LEDGER.encode()
    data = json.loads((site / "ledgers/test-campaign.json").read_text())
    root = MerkleTree.from_leaves([r.rstrip("\n").encode() for r in ROWS]).root().hex()
    assert data == {
        "campaign": "test-campaign",
        "size": 7,
        "root": root,
        "totals": {"CNY": {"donation": "1200.00", "sale": "7003.00", "disbursement": "600.00",
                           "expense": "150.25", "balance": "449.75"}},
        "sales": {"test-orange": {"quantity": {"kg": "1250.5"}, "orders": 300, "amount": {"CNY": "7003.00"}}},
    }
    page = ledger_site.read("ledgers/test-campaign/index.html")
    assert page.index("¥449.75") < page.index('id="seq-7"') < page.index('id="seq-1"')  # totals first, newest first
    assert '更正 <a href="#seq-3">第 3 条</a>' in page and '已由 <a href="#seq-7">第 7 条</a> 更正' in page
    assert "备注, 有逗号" in page
    campaign = ledger_site.read("campaigns/test-campaign/index.html")
    assert "<progress" in campaign and "¥7,003.00 / 目标 ¥1,000.00（700.3%）" in campaign
    assert '<svg class="hl-chart"' in campaign and "<td>2019-02-21</td>" in campaign
    overall = ledger_site.read("transparency/index.html")
    assert "¥449.75" in overall and "合计（CNY）" in overall
    checkpoint = (site / "ledgers/test-campaign/checkpoint").read_text()
    assert checkpoint.startswith("harvest.example.org/sub/ledgers/test-campaign\n7\n")


def test_datapackage_passes_frictionless(ledger_site: TinySite) -> None:
    assert ledger_site.build().code == 0
    package = ledger_site.path / "site" / "data" / "datapackage.json"
    frictionless = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "frictionless"
    exe = str(frictionless) if frictionless.exists() else "frictionless"
    done = subprocess.run([exe, "validate", "--trusted", str(package)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VALID" in done.stdout
    # a broken published CSV is caught by the same schema
    csv = ledger_site.path / "site" / L
    csv.write_text(LEDGER.replace("1000.00,CNY", "lots,CNY"), encoding="utf-8")
    done = subprocess.run([exe, "validate", "--trusted", str(package)], capture_output=True, text=True)
    assert done.returncode != 0


def test_stories_cite_figures(ledger_site: TinySite) -> None:
    ledger_site.write("content/stories/test-orange.md",
                      "卖出 {{ figure test-campaign sold kg }}，共 {{ figure test-campaign orders }} 单，"
                      "捐赠 {{ figure test-campaign donations }}，进度 {{ figure test-campaign progress sales_amount }}。\n")
    result = ledger_site.build()
    assert result.code == 0, result.err
    assert "卖出 1,250.5 kg，共 300 单，捐赠 ¥1,200.00，进度 700.3%。" in ledger_site.read("products/test-orange/index.html")
    ledger_site.write("content/about.md", "# 关于\n\n第二行\n{{ figure test-campaign kilos }}\n")
    result = ledger_site.build()
    assert result.code == 1 and "Traceback" not in result.err
    assert 'ERROR: content/about.md, line 4: field "figure"' in result.err


def test_receipt_proof_and_verify(ledger_site: TinySite) -> None:
    assert ledger_site.build().code == 0
    result = ledger_site.run("proof", "test-campaign", "R-002")
    assert result.code == 0, result.err
    assert result.out.startswith("c2sp.org/tlog-proof@v1\nindex 3\n")
    assert check_receipt_proof(result.out, ROWS[3].rstrip("\n").encode()) == 3
    unknown = ledger_site.run("proof", "test-campaign", "R-999")
    assert unknown.code == 1 and "R-999" in unknown.err and "Traceback" not in unknown.err
    preview = ledger_site.run_plain("verify", str(ledger_site.path / "site"))
    assert preview.code == 1 and "unsigned" in preview.err  # a preview is never "verified" by default
    ok = ledger_site.run_plain("verify", str(ledger_site.path / "site"), "--allow-unsigned", "--quorum", "0")
    assert ok.code == 0 and "All checks passed." in ok.out
    csv = ledger_site.path / "site" / L
    csv.write_bytes(csv.read_bytes().replace(b"1000.00", b"9000.00"))
    bad = ledger_site.run_plain("verify", str(ledger_site.path / "site"), "--allow-unsigned", "--quorum", "0")
    assert bad.code == 1 and "NOT VERIFIED" in bad.err


def _git(path: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True)


TAMPER = {
    "edit": lambda rows: [rows[0].replace("1000.00", "100.00"), *rows[1:]],
    "delete": lambda rows: [rows[0], *rows[2:]],
    "reorder": lambda rows: [rows[1], rows[0], *rows[2:]],
    "insert-middle": lambda rows: [rows[0], "2,2019-02-20,donation,,,,,,5.00,CNY,匿名,R-X,\n", *rows[1:]],
    "truncate": lambda rows: rows[:3],
}


@pytest.mark.parametrize("kind", list(TAMPER))
def test_sealed_history_cannot_be_rewritten(ledger_site: TinySite, kind: str) -> None:
    _git(ledger_site.path, "init", "-q")
    _git(ledger_site.path, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    sealed = ledger_site.run("seal", "test-campaign", "--date", "2019-03-01")
    assert sealed.code == 0, sealed.err
    assert (ledger_site.path / "ledgers/test-campaign.checkpoints").read_text().endswith(" 2019-03-01\n")
    _git(ledger_site.path, "add", "-A")
    _git(ledger_site.path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "seal")
    assert ledger_site.build().code == 0
    before = ledger_site.read(L)
    ledger_site.write(L, HEADER + "".join(TAMPER[kind](ROWS)))
    result = ledger_site.build()
    assert result.code == 1 and "Traceback" not in result.err
    assert f"ERROR: {L}, line " in result.err
    assert "history was rewritten" in result.err and "ledgers/test-campaign.checkpoints, line 1" in result.err
    if kind == "edit":
        assert "1000.00" in result.err and "100.00" in result.err  # which entry changed, old and new
    assert ledger_site.read(L) == before  # the last good site stays


def test_appending_after_a_seal_is_fine(ledger_site: TinySite) -> None:
    assert ledger_site.run("seal", "test-campaign", "--date", "2019-03-01").code == 0
    ledger_site.write(L, LEDGER + "8,2019-03-02,donation,,,,,,50.00,CNY,匿名,R-003,\n")
    assert ledger_site.build().code == 0
    proof = (ledger_site.path / "site/ledgers/test-campaign/consistency/7").read_text().split()
    assert len(proof) >= 1
    again = ledger_site.run("seal", "test-campaign", "--date", "2019-03-03")
    assert again.code == 0
    heads = (ledger_site.path / "ledgers/test-campaign.checkpoints").read_text().splitlines()
    assert [h.split()[0] for h in heads] == ["7", "8"]
    assert heads[1].split()[1] == MerkleTree([leaf_hash(r.rstrip("\n").encode()) for r in ROWS] + [
        leaf_hash("8,2019-03-02,donation,,,,,,50.00,CNY,匿名,R-003,".encode())]).root().hex()


def test_import_command(ledger_site: TinySite) -> None:
    export = ledger_site.path / "export.csv"
    export.write_bytes("支付宝交易明细\n\n日期,类型,金额,对方,凭证号\n2019年2月24日,捐赠,1.5万,某商会,R-100\n合计,,,,\n".encode("gbk"))
    first = ledger_site.run("import", "test-campaign", str(export))
    assert first.code == 0, first.err
    assert ledger_site.path.joinpath(L).read_text(encoding="utf-8").endswith(
        "8,2019-02-24,donation,,,,,,15000.00,CNY,某商会,R-100,\n")
    second = ledger_site.run("import", "test-campaign", str(export))
    assert second.code == 0
    assert ledger_site.path.joinpath(L).read_text(encoding="utf-8").count("R-100") == 1
    missing = ledger_site.run("import", "no-such-campaign", str(export))
    assert missing.code == 1 and "no campaign" in missing.err


def test_a_large_ledger_is_published_whole_by_the_worker(tiny: TinySite) -> None:
    """A ledger above FORK_BYTES is written by the publisher's worker while the pages are
    built; the build waits for it: every look-up file is in place, the same as made here."""
    from harvest.ledger.format import CHUNK_ENTRIES as CHUNK
    from harvest.proofs import tiles
    from harvest.publish.ledger_files import entry_chunk
    from harvest.publish.publisher import FORK_BYTES

    data = large_ledger(10_000)
    assert len(data) > FORK_BYTES
    tiny.with_basics()
    tiny.write(L, data)
    result = tiny.build()
    assert result.code == 0, result.err
    site = tiny.path / "site" / "ledgers"
    assert (site / "test-campaign.csv").read_bytes() == data
    lines = data.split(b"\n")[1:-1]
    expected = tiles.site_files(MerkleTree.from_leaves(lines), lines, tiles.donation_receipts(lines), [])
    expected.update({f"entries/{k // CHUNK}.json": entry_chunk(k + 1, lines[k : k + CHUNK])
                     for k in range(0, len(lines), CHUNK)})
    for name, content in expected.items():
        assert (site / "test-campaign" / name).read_bytes() == content, name


def test_import_checks_the_site_as_the_build_does(ledger_site: TinySite) -> None:
    """`import` loads the site with the build's loader: a mistake the build refuses elsewhere
    (here a story for no product) stops the import too, and nothing is appended."""
    export = ledger_site.path / "export.csv"
    export.write_text("日期,类型,金额,对方,凭证号\n2019-02-24,捐赠,100,某商会,R-100\n", encoding="utf-8")
    ledger_site.write("content/stories/no-such-product.md", "没有这个产品。\n")
    refused = ledger_site.run("import", "test-campaign", str(export))
    assert refused.code == 1
    assert "content/stories/no-such-product.md" in refused.err and "nothing was appended" in refused.err
    assert "Traceback" not in refused.err
    assert ledger_site.path.joinpath(L).read_text(encoding="utf-8") == LEDGER


BAD_LEDGERS = [
    ("bom", "\ufeff" + LEDGER, 1, "BOM"),
    ("crlf", LEDGER.replace("\n", "\r\n"), 1, ""),
    ("header-typo", LEDGER.replace("party", "payer", 1), 1, "party"),
    ("missing-column", LEDGER.replace(",note\n", "\n", 1), 1, "note"),
    ("seq-gap", LEDGER.replace("4,2019-02-21", "5,2019-02-21", 1), 5, "seq"),
    ("seq-repeat", LEDGER.replace("4,2019-02-21", "3,2019-02-21", 1), 5, "seq"),
    ("bad-date", LEDGER.replace("2019-02-22,disbursement", "2019-02-30,disbursement", 1), 6, "date"),
    ("date-format", LEDGER.replace("2019-02-22,disbursement", "2019/02/22,disbursement", 1), 6, "date"),
    ("unknown-type", LEDGER.replace(",expense,", ",fee,", 1), 7, "type"),
    ("sale-without-product", LEDGER.replace("sale,test-orange,jd", "sale,,jd", 1), 3, "product"),
    ("unknown-product", LEDGER.replace("sale,test-orange,jd", "sale,test-apple,jd", 1), 3, "product"),
    ("unknown-channel", LEDGER.replace("test-orange,jd,", "test-orange,jingdong,", 1), 3, "channel"),
    ("quantity-on-donation", LEDGER.replace("1000.00,CNY", "1000.00,CNY", 1).replace(",,,,,,1000.00", ",,,5,kg,,1000.00", 1), 2, "quantity"),
    ("three-places", LEDGER.replace("1000.00,CNY", "1000.001,CNY", 1), 2, "amount"),
    ("zero-amount", LEDGER.replace("1000.00,CNY", "0.00,CNY", 1), 2, "amount"),
    ("negative-without-correction", LEDGER.replace("600.00,CNY", "-600.00,CNY", 1), 6, "amount"),
    ("correction-of-later", LEDGER.replace("seq:3", "seq:9", 1), 8, "reference"),
    ("correction-wrong-type", LEDGER.replace("seq:3", "seq:1", 1), 8, "reference"),
    ("duplicate-receipt", LEDGER.replace("R-002", "R-001", 1), 5, "reference"),
    ("bad-currency", LEDGER.replace("1000.00,CNY", "1000.00,rmb", 1), 2, "currency"),
    ("phone-in-note", LEDGER.replace("首笔捐赠", "联系 13800138000", 1), 2, "mobile"),
    ("id-card-in-party", LEDGER.replace("某公司", "110101199003074518", 1), 2, "ID-card"),
    ("email-in-note", LEDGER.replace("首笔捐赠", "a.b@example.com", 1), 2, "e-mail"),
    ("bank-card", LEDGER.replace("首笔捐赠", "6222020200112345679", 1), 2, "bank-card"),
    ("line-break-in-field", LEDGER.replace('"备注, 有逗号"', '"备注\n有换行"', 1), 4, ""),
    ("too-few-fields", LEDGER.replace(",首笔捐赠\n", "\n", 1), 2, ""),
]


@pytest.fixture(scope="module")
def built_ledger_site(tmp_path_factory: pytest.TempPathFactory) -> TinySite:
    site = TinySite(tmp_path_factory.mktemp("badledger") / "repo").with_basics()
    site.write(L, LEDGER)
    assert site.build().code == 0
    return site


@pytest.mark.parametrize(("case", "content", "line", "word"), BAD_LEDGERS, ids=[c[0] for c in BAD_LEDGERS])
def test_bad_ledger_is_refused(built_ledger_site: TinySite, case: str, content: str, line: int, word: str) -> None:
    site = built_ledger_site
    before = (site.path / "site" / L).read_bytes()
    page = site.read("ledgers/test-campaign/index.html")
    target = site.path / L
    try:
        target.write_bytes(content.encode("utf-8"))
        result = site.build()
    finally:
        target.write_bytes(LEDGER.encode())
    assert result.code == 1
    assert "Traceback" not in result.err
    assert f"ERROR: {L}, line {line}" in result.err, result.err
    assert word in result.err, result.err
    assert (site.path / "site" / L).read_bytes() == before
    assert site.read("ledgers/test-campaign/index.html") == page


def test_gbk_ledger_points_to_the_importer(ledger_site: TinySite) -> None:
    ledger_site.write(L, LEDGER.encode("gbk"))
    result = ledger_site.build()
    assert result.code == 1 and "build.py import" in result.err and f"ERROR: {L}" in result.err


def test_ledger_for_unknown_campaign(ledger_site: TinySite) -> None:
    ledger_site.write("ledgers/no-such-campaign.csv", HEADER)
    result = ledger_site.build()
    assert result.code == 1 and "ERROR: ledgers/no-such-campaign.csv" in result.err
