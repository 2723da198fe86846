"""Find, in git, the version of a ledger that a sealed head was made from.

When a sealed head no longer matches the ledger, the committed history usually still holds
the sealed entries; finding them lets the build name the entry that changed and tell the
editor which commit to restore from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from harvest.i18n import _
from harvest.ledger.format import entry_lines
from harvest.load import git
from harvest.problems import Problem
from harvest.proofs.checkpoint import SealedHead, SealedVersion, read_checkpoints, seal_line
from harvest.proofs.merkle import MerkleTree


def sealed_lines_from_git(repo: Path, ledger_path: str, head: SealedHead) -> SealedVersion | None:
    """The newest committed version of ``ledger_path`` whose first ``head.size`` entries hash
    to ``head.root``: those lines and the commit id. None when ``repo`` is not a git
    repository, git is missing, or no commit holds the sealed entries.
    """
    for commit in git.file_history(repo, ledger_path):
        data = git.committed(repo, commit, ledger_path)
        if data is None:
            continue
        lines = entry_lines(data)
        if len(lines) < head.size:
            continue
        sealed = lines[: head.size]
        if MerkleTree.from_leaves(sealed).root() == head.root:
            return SealedVersion(sealed, commit)
    return None


def seals_kept(repo: Path, seal_rel: str, heads: Sequence[SealedHead]) -> list[Problem]:
    """A Problem for every sealed head a committed version of ``seal_rel`` holds and the file
    now lost, lowered or changed: seals only grow. Each names the commit that sealed the head.

    Nothing is checked outside git (no history to compare with).
    """
    now = [(h.size, h.root, h.date) for h in heads]
    sealed_in: dict[tuple[int, int, bytes, date], str] = {}  # (line, size, root, date) -> oldest commit
    for commit in git.file_history(repo, seal_rel):
        data = git.committed(repo, commit, seal_rel)
        old = read_checkpoints(data, seal_rel)[0] if data else []
        for i, head in enumerate(old):
            sealed_in[(i, head.size, head.root, head.date)] = commit
    problems = []
    for (i, size, root, day), commit in sorted(sealed_in.items(), key=lambda kv: kv[0][0]):
        if i < len(now) and now[i] == (size, root, day):
            continue
        line = seal_line(size, root, day).strip()
        if i >= len(now):
            got = (_("it is gone: the file was deleted") if not heads else
                   _("it is gone: the file has only {count} sealed heads").format(count=len(now)))
        elif now[i][0] < size:
            got = _("it was lowered to {head}").format(head=seal_line(*now[i]).strip())
        else:
            got = _("it was changed to {head}").format(head=seal_line(*now[i]).strip())
        problems.append(Problem(
            seal_rel, i + 1, "",
            _("the sealed head {head}, kept as commit {commit} sealed it").format(head=line, commit=commit[:12]), got,
            _("sealed heads only grow: never remove, lower or change one. Restore the file with "
              "git checkout {commit} -- {path}; correct a mistake with a new entry at the end of the ledger").format(
                commit=commit[:12], path=seal_rel),
        ))
    return problems
