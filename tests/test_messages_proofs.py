"""What an editor or an auditor reads, in Chinese, for each kind of mistake the proofs find
(harvest/proofs/): sealed heads, rewritten history, stray ledger files, the witness policy,
keys, the verifier's report, receipt proofs, the witness, the monitor and the live-site check.

Each test makes one representative mistake of a kind and reads what is printed with the
default language (Chinese); the English texts are the other tests' business.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from harvest.i18n import use_language
from harvest.load.models import Campaign
from harvest.problems import report
from harvest.proofs import checkpoint, cosignature, published
from harvest.proofs.books import load_book, load_books
from harvest.proofs.checkpoint import SealedHead, check_sealed, read_checkpoints, seal_line
from harvest.proofs.logclient import Source, check_previous
from harvest.proofs.merkle import MerkleTree
from harvest.proofs.monitor import monitor_site
from harvest.proofs.verify import Trust, proof_for_receipt, verify_site
from harvest.proofs.witness import cosign_site, head_record, save_state
from tests.sitekit import CAMPAIGN
from tests.test_verify import ORIGIN, SIGNER, entries, write_ledger

HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note"
LABELS = ("应为：", "实际：", "怎样改：")
LID = "baojing-oranges-2019"


def assert_told(text: str, place: str, *phrases: str) -> None:
    assert place in text, text
    assert all(label in text for label in LABELS), text
    for phrase in phrases:
        assert phrase in text, (phrase, text)


def row(seq: int, amount: str = "50.00") -> bytes:
    return f"{seq},2019-02-21,donation,,,,,,{amount},CNY,匿名,R-{seq},".encode()


def test_a_broken_checkpoints_file_is_told_in_chinese() -> None:
    data = f"12 {'ab' * 32} 2019-02-30\n5 {'ab' * 32} 2019-02-22\nnonsense\n".encode()
    with use_language("zh_CN"):
        _heads, problems = read_checkpoints(data, "ledgers/x.checkpoints")
        text = report(problems)
    assert_told(text, "ledgers/x.checkpoints，第 1 行，字段「date」：", "按 YYYY-MM-DD 写的日期",
                "每行写一条封存记录：条数、根哈希、日期，例如 120 ")
    assert_told(text, "ledgers/x.checkpoints，第 3 行：", "条数 根哈希 日期，用一个空格隔开")


def test_an_edited_sealed_entry_is_told_in_chinese() -> None:
    sealed = [row(1), row(2), row(3)]
    head = SealedHead(3, MerkleTree.from_leaves(sealed).root(), date(2019, 2, 22), 1)
    now = [row(1), row(2, "5000.00"), row(3)]
    with use_language("zh_CN"):
        problems = check_sealed([head], MerkleTree.from_leaves(now), "ledgers/x.csv", "ledgers/x.checkpoints",
                                old_lines=lambda _head: sealed, lines=now, today=date(2019, 3, 1))
        text = report(problems)
    assert_told(text, "ledgers/x.csv，第 3 行：", "应为：前 3 条和 2019-02-22 封存时一模一样（ledgers/x.checkpoints，第 1 行",
                "实际：历史被改写了：序号 2 的条目（第 3 行）被改动了：原为", "，现为", "已封存的条目永远不能修改",
                "记一笔对第 2 笔的更正", "4,2019-03-01,donation,,,,,,-50.00,CNY,匿名,seq:2,更正第2条")
    with use_language("zh_CN"):  # no commit holds the sealed entries: the seal line may be what is wrong
        text = report(check_sealed([head], MerkleTree.from_leaves(now), "ledgers/x.csv", "ledgers/x.checkpoints",
                                   today=date(2019, 3, 1)))
    assert_told(text, "ledgers/x.csv：", "前 3 条的默克尔根哈希变了", "运行 git log -p ledgers/x.csv 可以看到何时改动的",
                "4,2019-03-01,<type>,<product>,<channel>,-<quantity>,<unit>,-<orders>,-<amount>,<currency>,<party>,"
                "seq:N,更正第N条，其中类型、产品、渠道", "如果没有改过任何条目，而 ledgers/x.checkpoints 的第 1 行是手写的",
                "再运行 python build.py seal x")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=repo,
                   capture_output=True, check=True)


def test_a_lowered_seal_in_git_is_told_in_chinese(tmp_path: Path) -> None:
    """End to end through git: a ledger whose sealed entry was deleted, and whose seal line was
    then lowered to match; the committed history tells both."""
    campaign = Campaign.model_validate(yaml.safe_load(CAMPAIGN))
    git(tmp_path, "init", "-q")
    lines = [row(1), row(2), row(3)]
    ledger, seals = tmp_path / "ledgers/x.csv", tmp_path / "ledgers/x.checkpoints"
    ledger.parent.mkdir()
    ledger.write_bytes(b"\n".join([HEADER.encode(), *lines]) + b"\n")
    seals.write_text(seal_line(3, MerkleTree.from_leaves(lines).root(), date(2019, 2, 22)))
    git(tmp_path, "add", "ledgers")
    git(tmp_path, "commit", "-q", "-m", "sealed")
    ledger.write_bytes(b"\n".join([HEADER.encode(), *lines[:2]]) + b"\n")
    seals.write_text(seal_line(2, MerkleTree.from_leaves(lines[:2]).root(), date(2019, 2, 22)))
    with use_language("zh_CN"):
        book, problems = load_book(tmp_path, "x", campaign, products=set(), channels=set(), today=date(2019, 3, 1))
        text = report(problems)
    assert book is None
    assert_told(text, "ledgers/x.checkpoints，第 1 行：", "保持提交", "封存时的样子", "它被改小成了 2 ",
                "封存记录只增不减：不能删除、改小或改动。请用 git checkout", "在账本末尾新记一笔来更正")


def test_a_stray_ledger_file_is_told_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "ledgers").mkdir()
    (tmp_path / "ledgers/wanrong.csv").write_text(HEADER + "\n")
    (tmp_path / "ledgers/gone.checkpoints").write_text("")
    with use_language("zh_CN"):
        _books, problems = load_books(tmp_path, {}, {"gone"}, products=set(), channels=set())
        text = report(problems)
    assert_told(text, "ledgers/wanrong.csv：", "以 campaigns/ 里某个活动命名的账本",
                "把它改名为 <campaign-id>.csv，或添加 campaigns/wanrong.yml")
    assert_told(text, "ledgers/gone.checkpoints：", "旁边有账本 ledgers/gone.csv", "没有账本",
                "从 git 恢复这本账本：已封存的条目永远不能删除")


def test_a_wrong_witness_policy_is_told_in_chinese() -> None:
    with use_language("zh_CN"):
        _policy, problems = cosignature.parse_policy({"witnesses": {"quorum": 5, "keys": ["w+1234+AAAA", "w+1234+AAAA"]}})
        text = report(problems)
    assert_told(text, "mkdocs.yml，字段「extra.witnesses.keys」：", "见证方的验证公钥（类型 0x04）",
                "验证公钥不是 Ed25519 公钥", "（公钥用 build.py witness keygen 生成）", "每个见证方只出现一次",
                "删掉重复的见证方")
    assert_told(text, "mkdocs.yml，字段「extra.witnesses.quorum」：", "0 到 2 之间的整数",
                "把 quorum 设为至少要有几个所列见证方联署")


def test_a_broken_signing_key_is_told_in_chinese() -> None:
    with use_language("zh_CN"), pytest.raises(ValueError) as caught:
        checkpoint.signer_from_env({"HARVEST_SIGNING_KEY": "PRIVATE+KEY+x"})
    assert str(caught.value) == ("环境变量 HARVEST_SIGNING_KEY 不是有效的密钥：签名密钥的格式是 "
                                 "PRIVATE+KEY+<名称>+<8 位十六进制>+<base64>；用这条命令生成：python build.py keygen")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A published site of one signed ledger of 20 entries, sealed at 10."""
    root = tmp_path / "site"
    write_ledger(root, LID, entries(20), [10])
    logs = [{"id": LID, "origin": ORIGIN + LID, "key": checkpoint.verifier_for(SIGNER)}]
    (root / "ledgers/logs.json").write_text(json.dumps({"signed": True, "logs": logs,
                                                        "witnesses": {"quorum": 0, "keys": []}}))
    return root


def test_the_verifier_reports_in_chinese(site: Path) -> None:
    (site / f"ledgers/{LID}/tile/0/000.p/20").write_bytes(b"\0" * 640)
    with use_language("zh_CN"):
        lines, failure = verify_site(site, trust=Trust(quorum=0))
    text = "\n".join(lines)
    assert f"已核对 ledgers/{LID}.csv：20 条，默克尔根哈希 " in text
    assert f"已核对 ledgers/{LID}/checkpoint：条数和根哈希相符（example.org/harvest 的签名）" in text
    assert f"未通过：ledgers/{LID}/tile/0/000.p/20（另有 0 个）和账本不符" in text
    assert failure == f"ledgers/{LID}/tile/0/000.p/20（另有 0 个）和账本不符"
    with use_language("zh_CN"):
        lines, failure = verify_site(site)
    assert (f"未通过：ledgers/{LID}/checkpoint：网站没有要求见证方，所以没有人为这个账本状态担保；"
            "加上 --quorum 0 可接受没有见证的账本") in lines


def test_an_unknown_receipt_is_told_in_chinese(site: Path) -> None:
    note = (site / f"ledgers/{LID}/checkpoint").read_text()
    with use_language("zh_CN"), pytest.raises(LookupError) as caught:
        proof_for_receipt((site / f"ledgers/{LID}.csv").read_bytes(), note, "R2019-99999")
    assert str(caught.value) == "这本账本里没有凭证号为「R2019-99999」的捐赠；请核对收据上的凭证号（字母和数字）"


def test_the_witness_refuses_a_rewrite_in_chinese(site: Path, tmp_path: Path) -> None:
    head = checkpoint.parse_checkpoint((site / f"ledgers/{LID}/checkpoint").read_text())
    forked = checkpoint.Checkpoint(head.origin, 15, b"\1" * 32)
    save_state(tmp_path / "state", {head.origin: head_record(checkpoint.verifier_for(SIGNER), forked, time=1)})
    witness = cosignature.witness_keygen("witness.example.edu")[0]
    with use_language("zh_CN"):
        outcome = cosign_site(Source(site), witness, tmp_path / "state", 2)
    assert outcome.lines == {} and outcome.said == []
    assert outcome.failures == [
        f"{head.origin}：前后不一致：之前看到的账本状态（{head.origin}，15 条，根哈希 {'01' * 8}…）"
        f"不是现在公开的账本状态（{head.origin}，20 条，根哈希 {head.root.hex()[:16]}…）的开头部分：历史被改写或分叉了"]


def test_the_monitor_reports_and_alarms_in_chinese(site: Path, tmp_path: Path) -> None:
    with use_language("zh_CN"):
        outcome = monitor_site(Source(site), tmp_path / "state", 1)
    assert outcome.failures == []
    assert outcome.said[0].endswith("：全部 20 条都和签名的根哈希相符；见证方 0 个，要求 0 个（无）")
    assert outcome.said[1].startswith("  新增 20 条（首次审计），序号 1–20：donation ")
    other = checkpoint.verifier_for(checkpoint.generate_signer("example.org/harvest")[0])
    listing = json.loads((site / "ledgers/logs.json").read_text())
    listing["logs"][0]["key"] = other
    (site / "ledgers/logs.json").write_text(json.dumps(listing))
    with use_language("zh_CN"):
        outcome = monitor_site(Source(site), tmp_path / "state", 2)
    assert len(outcome.failures) == 1
    assert outcome.failures[0].startswith(f"警报：{ORIGIN + LID}：网站现在列出的公钥是 {other}，但第一次看到这个日志时是 ")


def test_a_dropped_ledger_is_told_in_chinese(site: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(site, new)
    (new / "ledgers/logs.json").write_text(json.dumps({"signed": True, "logs": [], "witnesses": {}}))
    with use_language("zh_CN"):
        failures = check_previous(Source(new), Source(site))
    assert failures == [f"线上网站公开了账本 {LID}，20 条，根哈希 "
                        f"{checkpoint.parse_checkpoint((site / f'ledgers/{LID}/checkpoint').read_text()).root.hex()[:16]}"
                        "…；新网站把它去掉了"]


def test_a_left_out_cosignature_is_said_in_chinese(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "ledgers").mkdir()
    (tmp_path / "ledgers/x.cosignatures").write_text("— x y\n" * 20_000)
    with use_language("zh_CN"), caplog.at_level(logging.WARNING):
        assert published.cosignature_lines(tmp_path, "x") == []
    assert "ledgers/x.cosignatures：没有采用：它是符号链接，或大于 64 KB（每个见证方应只有短短一行）" in caplog.text
