"""Finding the sealed version of a ledger in git history."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from harvest.proofs.checkpoint import SealedHead, check_sealed
from harvest.proofs.history import sealed_lines_from_git
from harvest.proofs.merkle import MerkleTree

HEADER = b"seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note"
LEDGER = "ledgers/x.csv"


def line(seq: int, amount: str = "50.00") -> bytes:
    return f"{seq},2019-02-21,donation,,,,,,{amount},CNY,匿名,R-{seq},".encode()


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout.strip()


def commit(repo: Path, lines: list[bytes], message: str) -> str:
    path = repo / LEDGER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join([HEADER, *lines]) + b"\n")
    git(repo, "add", LEDGER)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def sealed(lines: list[bytes], size: int) -> SealedHead:
    return SealedHead(size, MerkleTree.from_leaves(lines[:size]).root(), date(2019, 2, 22), 1)


def test_finds_the_newest_commit_holding_the_sealed_entries(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    v1 = [line(1), line(2), line(3)]
    commit(tmp_path, v1, "three entries")
    v2 = [*v1, line(4)]
    second = commit(tmp_path, v2, "a fourth")
    head = sealed(v2, 3)
    v3 = [line(1), line(2, "5000.00"), line(3), line(4)]
    commit(tmp_path, v3, "rewrite entry 2")

    found = sealed_lines_from_git(tmp_path, LEDGER, head)
    assert found is not None
    assert found.lines == v1
    assert found.commit == second

    problems = check_sealed(
        [head],
        MerkleTree.from_leaves(v3),
        LEDGER,
        "ledgers/x.checkpoints",
        old_lines=lambda h: sealed_lines_from_git(tmp_path, LEDGER, h),
        lines=v3,
    )
    [problem] = problems
    assert problem.line == 3
    assert "entry seq 2 (line 3) was changed" in problem.got
    assert "50.00" in problem.got and "5000.00" in problem.got
    assert f"git show {second}:{LEDGER}" in problem.fix


def test_works_from_a_subdirectory_of_the_work_tree(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    site = tmp_path / "site-repo"
    site.mkdir()
    lines = [line(1), line(2)]
    path = site / LEDGER
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\n".join([HEADER, *lines]) + b"\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "in a folder")
    found = sealed_lines_from_git(site, LEDGER, sealed(lines, 2))
    assert found is not None and found.lines == lines


def test_none_when_not_a_repository_or_never_committed(tmp_path: Path) -> None:
    lines = [line(1), line(2)]
    assert sealed_lines_from_git(tmp_path / "nowhere", LEDGER, sealed(lines, 2)) is None
    assert sealed_lines_from_git(tmp_path, LEDGER, sealed(lines, 2)) is None
    git(tmp_path, "init", "-q")
    commit(tmp_path, [line(1), line(2, "1.00")], "other")
    assert sealed_lines_from_git(tmp_path, LEDGER, sealed(lines, 2)) is None
    assert sealed_lines_from_git(tmp_path, LEDGER, sealed([*lines, line(3)], 3)) is None
