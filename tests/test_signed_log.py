"""Signed ledgers: one key per ledger named after its origin, published history, unsigned previews."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harvest.proofs.checkpoint import (
    checkpoint_body,
    is_unsigned_preview,
    ledger_signer,
    parse_checkpoint,
    seal_line,
    verifier_for,
    verify_note,
)
from harvest.proofs.merkle import MerkleTree, verify_consistency
from harvest.proofs.published import history_tiles
from harvest.proofs.tiles import entry_bundles, tiles
from tests.sitekit import ROOT, TinySite

KEYS = Path(__file__).resolve().parent / "data" / "keys"
LOG_KEY = (KEYS / "log.key").read_text().strip()
HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
ORIGIN = "harvest.example.org/sub/ledgers/test-campaign"


def rows(n: int, start: int = 1) -> list[str]:
    return [f"{i},2019-02-20,donation,,,,,,{i}.00,CNY,匿名,R-{i:04d},\n" for i in range(start, start + n)]


def run(site: TinySite, *args: str, key: str | None = LOG_KEY) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HARVEST_SIGNING_KEY"}
    if key:
        env["HARVEST_SIGNING_KEY"] = key
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args, "--config-file", str(site.path / "mkdocs.yml")],
                          capture_output=True, text=True, cwd=site.path, env=env, timeout=300)


def seal(site: TinySite, lines: list[str], sizes: list[int]) -> None:
    leaves = [r.rstrip("\n").encode() for r in lines]
    tree = MerkleTree.from_leaves(leaves)
    from datetime import date

    site.write("ledgers/test-campaign.checkpoints", "".join(seal_line(m, tree.root(m), date(2019, 3, 1)) for m in sizes))


def test_ledger_keys_are_derived_and_named_after_the_origin() -> None:
    one = ledger_signer(LOG_KEY, ORIGIN)
    assert one == ledger_signer(LOG_KEY, ORIGIN)  # the same secret gives the same key
    assert one != ledger_signer(LOG_KEY, ORIGIN + "-2")
    verifier = verifier_for(one)
    assert verifier.startswith(ORIGIN + "+") and len(verifier.split("+", 2)[1]) == 8
    assert base64.b64decode(verifier.split("+", 2)[2])[0] == 1  # Ed25519, as Go's sumdb/note reads it
    with pytest.raises(ValueError):
        ledger_signer(LOG_KEY, "has space")


def test_history_tiles_are_the_partial_tiles_of_each_sealed_size() -> None:
    lines = [f"line {i}".encode() for i in range(70_000)]
    tree = MerkleTree.from_leaves(lines)
    for m in (300, 65_536 + 300, 69_900):
        old = MerkleTree.from_leaves(lines[:m])
        wanted = dict(tiles(old)) | dict(entry_bundles(lines[:m]))
        now = dict(tiles(tree)) | dict(entry_bundles(lines))
        extra = history_tiles(tree, lines, [m])
        # Every tile of the old head is readable from the site: published now, kept as history,
        # or its full tile exists and starts with it (tlog-tiles lets clients read that instead).
        for path, data in wanted.items():
            found = (now | extra).get(path)
            if found is None and ".p/" in path:
                full = now.get(path.split(".p/")[0])
                found = data if full is not None and full.startswith(data) else None
            assert found == data, (m, path)
        # Partial tiles whose full tile exists are not kept.
        assert all(".p/" in p for p in extra)
        assert not any(p.startswith("tile/0/000.p/") for p in extra)


def test_signed_build_publishes_keys_history_and_proofs(tiny: TinySite) -> None:
    tiny.with_basics()
    lines = rows(300)
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(lines))
    seal(tiny, lines, [5, 260, 300])
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(lines + rows(20, 301)))
    done = run(tiny, "build")
    assert done.returncode == 0, done.stderr
    out = tiny.path / "site" / "ledgers" / "test-campaign"
    verifier = (out / "verifier-key").read_text().strip()
    assert verifier.startswith(ORIGIN + "+")
    assert verifier == verifier_for(ledger_signer(LOG_KEY, ORIGIN))
    assert verifier + "\n" == (tiny.path / "site/ledgers/verifier-key.txt").read_text()
    assert parse_checkpoint(verify_note((out / "checkpoint").read_text(), verifier)).size == 320
    assert (out / "checkpoints" / "index").read_text() == "5\n260\n300\n"
    leaves = [r.rstrip("\n").encode() for r in lines + rows(20, 301)]
    tree = MerkleTree.from_leaves(leaves)
    for m in (5, 260, 300):
        head = parse_checkpoint(verify_note((out / "checkpoints" / str(m)).read_text(), verifier))
        assert (head.size, head.root) == (m, tree.root(m))
    for m, n in ((5, 260), (260, 300)):
        proof = [base64.b64decode(x) for x in (out / "consistency" / f"{m}-{n}").read_text().split()]
        assert verify_consistency(m, n, tree.root(m), tree.root(n), proof)
    # A reader holding the size-260 head reads its partial tiles; the current ones are there too.
    assert (out / "tile/0/001.p/4").read_bytes() == tree.levels[0][256 * 32 : 260 * 32]
    assert (out / "tile/0/001.p/44").is_file() and (out / "tile/entries/001.p/4").is_file()
    page = tiny.read("ledgers/test-campaign/index.html")
    assert ORIGIN in page and "未签名预览" not in page
    logs = (tiny.path / "site/ledgers/logs.json").read_text()
    assert verifier in logs and '"signed": true' in logs


def test_unsigned_build_says_it_is_a_preview(tiny: TinySite) -> None:
    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(rows(3)))
    done = run(tiny, "build", key=None)
    assert done.returncode == 0, done.stderr
    out = tiny.path / "site" / "ledgers" / "test-campaign"
    note = (out / "checkpoint").read_text()
    assert note.startswith(checkpoint_body(ORIGIN, 3, parse_checkpoint(note).root)) and is_unsigned_preview(note)
    assert "unsigned preview" in note
    assert not (out / "verifier-key").exists()
    assert "未签名预览" in tiny.read("ledgers/test-campaign/index.html")
    with pytest.raises(ValueError, match="unsigned preview"):
        verify_note(note, verifier_for(ledger_signer(LOG_KEY, ORIGIN)))


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-C", str(repo), *args],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def sealed_repo(tiny: TinySite) -> TinySite:
    """A tiny site in git whose ledger of 6 entries was sealed at 3 and 6, committed."""
    tiny.with_basics()
    lines = rows(6)
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(lines))
    seal(tiny, lines, [3, 6])
    git(tiny.path, "init", "-q")
    git(tiny.path, "add", ".")
    git(tiny.path, "commit", "-qm", "sealed")
    return tiny


def _rewrite(site: TinySite) -> None:
    """The attack: rewrite a sealed donation, then seal the rewritten ledger again."""
    lines = rows(6)
    lines[1] = lines[1].replace("2.00", "2000.00")
    site.write("ledgers/test-campaign.csv", HEADER + "".join(lines))
    seal(site, lines, [3, 6])


@pytest.mark.parametrize(
    ("case", "change", "words"),
    [
        ("deleted", lambda s: (s.path / "ledgers/test-campaign.checkpoints").unlink(), "the file was deleted"),
        ("lowered", lambda s: seal(s, rows(6), [3, 5]), "it was lowered to 5 "),
        ("dropped", lambda s: seal(s, rows(6), [3]), "has only 1 sealed heads"),
        ("rewritten and resealed", _rewrite, "it was changed to 3 "),
    ],
)
def test_seals_only_grow_compared_with_git(sealed_repo: TinySite, case: str, change, words: str) -> None:  # type: ignore[no-untyped-def]
    commit = git(sealed_repo.path, "rev-parse", "HEAD")[:12]
    change(sealed_repo)
    for committed in (False, True):
        done = run(sealed_repo, "build")
        assert done.returncode == 1, (case, done.stdout)
        assert words in done.stderr and f"git checkout {commit} -- ledgers/test-campaign.checkpoints" in done.stderr
        assert "Traceback" not in done.stderr
        if not committed:  # committing the rewrite does not help: every committed version counts
            git(sealed_repo.path, "add", "-A")
            git(sealed_repo.path, "commit", "-qm", "rewrite")


def test_a_growing_seal_file_builds(sealed_repo: TinySite) -> None:
    lines = rows(8)
    sealed_repo.write("ledgers/test-campaign.csv", HEADER + "".join(lines))
    seal(sealed_repo, lines, [3, 6, 8])
    done = run(sealed_repo, "build")
    assert done.returncode == 0, done.stderr


def test_previous_site_refuses_a_rewritten_history(tiny: TinySite, tmp_path: Path) -> None:
    tiny.with_basics()
    lines = rows(6)
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(lines))
    assert run(tiny, "build").returncode == 0
    live = tmp_path / "live"
    (tiny.path / "site").rename(live)
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(rows(9)))
    grown = run(tiny, "build", "--previous-site", str(live))
    assert grown.returncode == 0, grown.stderr
    _rewrite(tiny)  # not in git: only the live site can tell
    done = run(tiny, "build", "--previous-site", str(live))
    assert done.returncode == 1
    assert "is not a prefix of the new site's" in done.stderr and "test-campaign size 6" in done.stderr
    assert (tiny.path / "site" / "ledgers/test-campaign/tile/0/000.p/9").is_file()  # the last good site stays
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(rows(9)))
    tiny.write("ledgers/test-campaign.checkpoints", "")
    unsigned = run(tiny, "build", "--previous-site", str(live), key=None)  # a key change is refused too
    assert unsigned.returncode == 1 and "witnesses and readers pinned the old key" in unsigned.stderr


def test_previous_site_from_before_logs_json_is_still_checked(tiny: TinySite, tmp_path: Path) -> None:
    tiny.with_basics()
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(rows(6)))
    assert run(tiny, "build").returncode == 0
    live = tmp_path / "live"
    (tiny.path / "site").rename(live)
    (live / "ledgers/logs.json").unlink()  # published by an older version
    _rewrite(tiny)
    done = run(tiny, "build", "--previous-site", str(live))
    assert done.returncode == 1 and "history was rewritten" in done.stderr
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(rows(7)))
    tiny.write("ledgers/test-campaign.checkpoints", "")
    assert run(tiny, "build", "--previous-site", str(live)).returncode == 0


def test_a_large_ledger_keeps_the_partial_tiles_of_its_sealed_heads(tiny: TinySite) -> None:
    """A large ledger's look-up files come from a forked worker; the earlier heads' partial
    tiles the build writes beside them must stay."""
    tiny.with_basics()
    lines = rows(70_000)
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(lines))
    seal(tiny, lines, [300, 65_836])
    done = run(tiny, "build")
    assert done.returncode == 0, done.stderr
    tree = MerkleTree.from_leaves([r.rstrip("\n").encode() for r in lines])
    out = tiny.path / "site/ledgers/test-campaign"
    assert (out / "tile/1/001.p/1").read_bytes() == tree.levels[8][256 * 32 : 257 * 32]
    assert (out / "tile/1/001.p/17").is_file() and (out / "tile/0/273.p/112").is_file()
