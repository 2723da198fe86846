"""The auditor's site verifier, receipt proofs, and the browser verifier run in Node."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from harvest.ledger.format import normalise_receipt
from harvest.proofs.checkpoint import (
    checkpoint_note,
    generate_signer,
    parse_tlog_proof,
    seal_line,
)
from harvest.proofs.merkle import MerkleTree
from harvest.proofs.tiles import donation_receipts
from harvest.proofs.verify import Trust, check_receipt_proof, proof_for_receipt, verify_site
from tests.ledgerkit import site_files

HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note"
ORIGIN = "example.org/harvest/ledgers/"
VECTORS = Path(__file__).resolve().parent / "data" / "rfc6962.json"
SIGNER, VERIFIER = generate_signer("example.org/harvest")
UNWITNESSED = Trust(quorum=0)
UNSIGNED = Trust(quorum=0, allow_unsigned=True)


def entries(n: int) -> list[bytes]:
    rows = []
    for i in range(1, n + 1):
        if i % 7 == 0:
            rows.append(f"{i},2019-02-21,expense,,,,,,{i}.50,CNY,顺丰速运,V-{i},运费")
        elif i % 11 == 0:
            rows.append(f"{i},2019-02-22,donation,,,,,,-{i - 1}.00,CNY,匿名,seq:{i - 1},更正")
        else:
            rows.append(f'{i},2019-02-20,donation,,,,,,{i}.00,CNY,"张, 三",R2019-{i:05d},捐赠')
    return [r.encode() for r in rows]


def write_ledger(site: Path, lid: str, lines: list[bytes], sealed: list[int]) -> None:
    folder = site / "ledgers"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{lid}.csv").write_bytes(b"\n".join([HEADER.encode(), *lines]) + b"\n")
    tree = MerkleTree.from_leaves(lines)
    note = checkpoint_note(ORIGIN + lid, tree.size, tree.root(), SIGNER)
    files = site_files(tree, lines, donation_receipts(lines), sealed, checkpoint=note)
    for rel, data in files.items():
        path = folder / lid / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for m in sealed:
        (folder / lid / "checkpoints" / str(m)).parent.mkdir(exist_ok=True)
        (folder / lid / "checkpoints" / str(m)).write_text(checkpoint_note(ORIGIN + lid, m, tree.root(m), SIGNER))
    seals = "".join(seal_line(m, tree.root(m), date(2019, 3, 1)) for m in sealed)
    (folder / f"{lid}.checkpoints").write_text(seals)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_ledger(root, "baojing-oranges-2019", entries(600), [100, 513])
    write_ledger(root, "wanrong-apples-2020", entries(3), [])
    logs = [{"id": lid, "origin": ORIGIN + lid, "key": VERIFIER} for lid in ("baojing-oranges-2019", "wanrong-apples-2020")]
    policy = {"signed": True, "logs": logs, "witnesses": {"quorum": 0, "keys": []}}
    (root / "ledgers" / "logs.json").write_text(json.dumps(policy))
    return root


def test_a_good_site_passes_with_its_signature(site: Path) -> None:
    lines, failure = verify_site(site, verifier_key=VERIFIER, trust=UNWITNESSED)
    assert failure is None, lines
    text = "\n".join(lines)
    assert all(line.startswith("checked ") for line in lines)
    assert "ledgers/baojing-oranges-2019.csv: 600 entries" in text
    assert "signature by example.org/harvest" in text
    assert "consistency/100: the signed head of size 100 is a prefix of the one of size 600" in text
    assert "consistency/513" in text
    assert "ledgers/wanrong-apples-2020.csv: 3 entries" in text
    assert "all 468 receipt codes lead to their entries" in text
    assert "corrections: 47 corrected donations listed, with 47 corrections" in text


def tamper(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


LID = "baojing-oranges-2019"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda s: tamper(s / f"ledgers/{LID}.csv", b",5.00,", b",50.00,"), "checkpoint says size 600"),
        (lambda s: (s / f"ledgers/{LID}/checkpoint").unlink(), "checkpoint is missing"),
        (lambda s: tamper(s / f"ledgers/{LID}/checkpoint", b"\n600\n", b"\n601\n"), "altered"),
        (
            lambda s: (s / f"ledgers/{LID}/consistency/100").write_bytes(
                (s / f"ledgers/{LID}/consistency/513").read_bytes()
            ),
            "consistency/100: the proof does not show",
        ),
        (lambda s: (s / f"ledgers/{LID}/tile/0/001").write_bytes(b"\0" * 8192), "tile/0/001"),
        (lambda s: (s / f"ledgers/{LID}/tile/entries/002.p/88").unlink(), "entries/002.p/88"),
        (lambda s: (s / f"ledgers/{LID}/receipts/index.json").unlink(), "receipts/index.json"),
        (lambda s: tamper(s / f"ledgers/{LID}.checkpoints", b"100 ", b"101 "), "history was rewritten"),
        # A correction hidden from the receipt check, or one made up.
        (lambda s: tamper(s / f"ledgers/{LID}/corrections/0.json", b'"10":[[11,"-10.00"]],', b""), "corrections/0.json"),
        (lambda s: tamper(s / f"ledgers/{LID}/corrections/0.json", b'"10":', b'"9":'), "corrections/0.json"),
        (lambda s: (s / f"ledgers/{LID}/corrections/0.json").unlink(), "corrections/0.json"),
    ],
)
def test_tampered_sites_fail(site: Path, change, words: str) -> None:  # type: ignore[no-untyped-def]
    change(site)
    lines, failure = verify_site(site, verifier_key=VERIFIER, trust=UNWITNESSED)
    assert failure is not None
    assert words in failure, failure
    assert f"FAILED: {failure}" in lines


def test_a_receipt_shard_that_lies_fails(site: Path) -> None:
    for shard in (site / f"ledgers/{LID}/receipts").glob("*.json"):
        data = json.loads(shard.read_bytes())
        if "r201900005" in data:  # codes are kept in their normalised form
            data["r201900005"] = 5
            shard.write_text(json.dumps(data))
    _, failure = verify_site(site, trust=UNSIGNED)
    assert failure is not None and "R2019-00005" in failure


def test_a_wrong_key_fails_and_no_site_fails(site: Path, tmp_path: Path) -> None:
    _, other = generate_signer("example.org/harvest")
    _, failure = verify_site(site, verifier_key=other, trust=UNWITNESSED)
    assert failure is not None and "no signature" in failure
    _, failure = verify_site(tmp_path / "empty")
    assert failure is not None and "is this a built site" in failure


def test_a_saved_checkpoint_is_checked_for_consistency(site: Path) -> None:
    lines = entries(600)
    earlier = MerkleTree.from_leaves(lines[:250])
    saved = checkpoint_note(ORIGIN + LID, 250, earlier.root(), SIGNER)
    log, failure = verify_site(site, verifier_key=VERIFIER, trust=UNWITNESSED, previous_checkpoint=saved)
    assert failure is None, log
    assert any("saved checkpoint (size 250) is a prefix of size 600" in line for line in log)

    rewritten = MerkleTree.from_leaves([b"forged", *lines[1:250]])
    forged = checkpoint_note(ORIGIN + LID, 250, rewritten.root(), SIGNER)  # the log signed two histories
    _, failure = verify_site(site, verifier_key=VERIFIER, trust=UNWITNESSED, previous_checkpoint=forged)
    assert failure is not None and "history was rewritten since the saved checkpoint" in failure

    other = checkpoint_note("example.org/harvest/ledgers/nope", 2, earlier.root(), SIGNER)
    _, failure = verify_site(site, verifier_key=VERIFIER, trust=UNWITNESSED, previous_checkpoint=other)
    assert failure is not None and "origin" in failure


def test_receipt_proofs(site: Path) -> None:
    csv_bytes = (site / f"ledgers/{LID}.csv").read_bytes()
    note = (site / f"ledgers/{LID}/checkpoint").read_text()
    text = proof_for_receipt(csv_bytes, note, " R2019-00040 ")
    parsed = parse_tlog_proof(text)
    assert parsed.index == 39 and parsed.checkpoint == note
    line = entries(600)[39]
    assert check_receipt_proof(text, line, VERIFIER) == 39
    with pytest.raises(ValueError):
        check_receipt_proof(text, line.replace(b"40.00", b"400.00"), VERIFIER)
    assert proof_for_receipt(csv_bytes, note, "ｒ２０１９－０００４０") == text  # as a donor types it from paper
    with pytest.raises(LookupError, match="R2019-99999"):
        proof_for_receipt(csv_bytes, note, "R2019-99999")
    with pytest.raises(LookupError):
        proof_for_receipt(csv_bytes, note, "seq:10")
    with pytest.raises(ValueError, match="does not match"):
        proof_for_receipt(csv_bytes.replace(b",5.00,", b",6.00,"), note, "R2019-00040")


def test_browser_verifier_in_node(site: Path, tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (v18 or later; CI installs nodejs) is needed to test theme/assets/javascripts/receipt.js")
    if not VECTORS.is_file():
        pytest.fail(f"the shared RFC 6962 test vectors are missing: expected {VECTORS}")
    tampered = tmp_path / "tampered"
    shutil.copytree(site / "ledgers" / LID, tampered)
    shutil.copy(site / "ledgers" / "logs.json", tmp_path / "logs.json")  # ../logs.json beside the copy
    tamper(tampered / "tile/entries/000", b"R2019-00002,", b"R2019-00003,")
    tamper(tampered / "corrections/0.json", b'[[11,"-10.00"]]', b'[[11,"-1.00"]]')  # the list lies
    tamper(tampered / "corrections/0.json", b'"21":[[22,', b'"23":[[22,')  # names a correction of another entry
    spec = {"vectors": json.loads(VECTORS.read_text()), "ledgers": []}
    for lid, folder in [(LID, site / "ledgers" / LID), ("wanrong-apples-2020", None)]:
        lines = entries(600 if lid == LID else 3)
        tree = MerkleTree.from_leaves(lines)
        indices = sorted({0, 1, 255, 256, 299, 512, 513, tree.size - 1} & set(range(tree.size)))
        spec["ledgers"].append(
            {
                "dir": str(folder or site / "ledgers" / lid) + "/",
                "size": tree.size,
                "root": tree.root().hex(),
                "proofs": {str(i): [h.hex() for h in tree.inclusion_proof(i)] for i in indices},
                "receipts": [
                    {"code": " R2019-00040 ", "index": 39, "line": lines[39].decode(), "status": "verified"},
                    {"code": "R2019-00599", "index": 598, "line": lines[598].decode(), "status": "verified"},
                    # Typed from paper: any case, full-width forms, spaces, another dash.
                    {"code": "r2019-00599", "index": 598, "line": lines[598].decode(), "status": "verified",
                     "reference": "R2019-00599"},
                    {"code": "Ｒ２０１９－００５９９", "index": 598, "line": lines[598].decode(), "status": "verified",
                     "reference": "R2019-00599"},
                    {"code": "r 2019 \u2013 00040", "index": 39, "line": lines[39].decode(), "status": "verified",
                     "reference": "R2019-00040"},
                    # Corrected by seq 11 (-10.00): the check says so, with the net amount.
                    {"code": "R2019-00010", "index": 9, "line": lines[9].decode(), "status": "verified",
                     "corrections": [[11, "-10.00"]], "net": "0.00"},
                    {"code": "R2019-00011", "status": "unknown"},
                    {"code": "nope", "status": "unknown"},
                ]
                if lid == LID
                else [{"code": "R2019-00002", "index": 1, "line": lines[1].decode(), "status": "verified"}],
            }
        )
    spec["ledgers"].append(
        {
            "dir": str(tampered) + "/",
            "size": 600,
            "root": MerkleTree.from_leaves(entries(600)).root().hex(),
            "proofs": {},
            "receipts": [
                {"code": "R2019-00002", "status": "not-verified"},
                {"code": "R2019-00300", "index": 299, "line": entries(600)[299].decode(), "status": "verified"},
                {"code": "R2019-00010", "status": "not-verified"},
                {"code": "R2019-00023", "status": "not-verified"},
            ],
        }
    )
    spec["ledgers"].append(
        {
            "dir": str(tmp_path / "missing") + "/",
            "proofs": {},
            "receipts": [{"code": "R2019-00002", "status": "error"}],
        }
    )
    # The page's normalisation of a typed code is the build's (format.normalise_receipt).
    typed = [" ＨＬ2019－000123", "hl 2019 000123", "Ab\u00ad-\u2212\u3000cD", "ＲＥＦ．１／２", "", "x\u200by"]
    spec["normalise"] = [[t, normalise_receipt(t)] for t in typed]
    # The net amount of a corrected donation, summed as Decimal sums it.
    sums = [["500.00", "-500.00"], ["500", "-0.5"], ["0.01", "-0.02"], ["999999999999999.99", "-0.99", "-1"],
            ["-3.5", "-0.75", "10"], ["123456789012345.67", "-123456789012345.60"]]
    spec["sums"] = [[amounts, f"{sum(map(Decimal, amounts)):.2f}"] for amounts in sums]
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec))
    script = Path(__file__).parent / "js" / "receipt.test.mjs"
    done = subprocess.run([node, str(script), str(spec_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    assert done.stdout.startswith("ok ")
