"""Find, in git, the version of a ledger that a sealed head was made from.

When a sealed head no longer matches the ledger, the committed history usually still holds
the sealed entries; finding them lets the build name the entry that changed and tell the
editor which commit to restore from.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from harvest.ledger.format import entry_lines
from harvest.problems import Problem
from harvest.proofs.checkpoint import SealedHead, SealedVersion, read_checkpoints, seal_line
from harvest.proofs.merkle import MerkleTree


def _git(repo: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def sealed_lines_from_git(repo: Path, ledger_path: str, head: SealedHead) -> SealedVersion | None:
    """The newest committed version of ``ledger_path`` whose first ``head.size`` entries hash
    to ``head.root``: those lines and the commit id. None when ``repo`` is not a git
    repository, git is missing, or no commit holds the sealed entries.
    """
    log = _git(repo, "log", "--format=%H", "--", ledger_path)
    if not log:
        return None
    # "./" makes the path relative to `repo` even when it is below the top of the work tree.
    spec = "./" + ledger_path.lstrip("/")
    for commit in log.decode("ascii", "replace").split():
        data = _git(repo, "show", f"{commit}:{spec}")
        if data is None:
            continue
        lines = entry_lines(data)
        if len(lines) < head.size:
            continue
        sealed = lines[: head.size]
        if MerkleTree.from_leaves(sealed).root() == head.root:
            return SealedVersion(sealed, commit)
    return None


def commit_time(repo: Path) -> int | None:
    """The commit time (seconds since 1970) of the checked-out commit, None outside git.

    Builds use it as SOURCE_DATE_EPOCH, so that the same commit gives the same bytes (the
    sitemap's dates, the gzip header of sitemap.xml.gz) whatever day it is built.
    """
    out = _git(repo, "log", "-1", "--format=%ct")
    text = out.decode("ascii", "replace").strip() if out else ""
    return int(text) if text.isdigit() else None


def commit_date(repo: Path) -> date:
    """The date (UTC) of the checked-out commit; today outside git. Records are checked
    against it, so that a commit that passed once always passes."""
    when = commit_time(repo)
    return datetime.fromtimestamp(when, UTC).date() if when is not None else date.today()


def seals_kept(repo: Path, seal_rel: str, heads: Sequence[SealedHead]) -> list[Problem]:
    """A Problem for every sealed head a committed version of ``seal_rel`` holds and the file
    now lost, lowered or changed: seals only grow. Each names the commit that sealed the head.

    Nothing is checked outside git (no history to compare with).
    """
    log = _git(repo, "log", "--format=%H", "--", seal_rel)
    if not log:
        return []
    spec = "./" + seal_rel.lstrip("/")
    now = [(h.size, h.root, h.date) for h in heads]
    sealed_in: dict[tuple[int, int, bytes, date], str] = {}  # (line, size, root, date) -> oldest commit
    for commit in log.decode("ascii", "replace").split():
        data = _git(repo, "show", f"{commit}:{spec}")
        old = read_checkpoints(data, seal_rel)[0] if data else []
        for i, head in enumerate(old):
            sealed_in[(i, head.size, head.root, head.date)] = commit
    problems = []
    for (i, size, root, day), commit in sorted(sealed_in.items(), key=lambda kv: kv[0][0]):
        if i < len(now) and now[i] == (size, root, day):
            continue
        line = seal_line(size, root, day).strip()
        if i >= len(now):
            got = "it is gone: the file " + ("was deleted" if not heads else f"has only {len(now)} sealed heads")
        elif now[i][0] < size:
            got = f"it was lowered to {seal_line(*now[i]).strip()}"
        else:
            got = f"it was changed to {seal_line(*now[i]).strip()}"
        problems.append(Problem(
            seal_rel, i + 1, "", f"the sealed head {line}, kept as commit {commit[:12]} sealed it", got,
            "sealed heads only grow: never remove, lower or change one. Restore the file with "
            f"git checkout {commit[:12]} -- {seal_rel}; correct a mistake with a new entry at the end of the ledger",
        ))
    return problems
