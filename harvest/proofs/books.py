"""Every campaign's ledger, loaded once per build: entries, figures, Merkle tree, sealed heads.

`load_books` reads `ledgers/<campaign-id>.csv` and `.checkpoints`, checks them, and derives
all that pages and data files show. Nothing else reads a ledger file during a build. Loading
is pure: it starts no process and writes no file; the build publishes a book's look-up files
(`harvest.publish.publisher`).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harvest.i18n import _
from harvest.ledger.figures import Figures, GoalProgress, campaign_goals, compute_figures, goal_progress
from harvest.ledger.format import Ledger, entry_lines, line_groups
from harvest.ledger.parse import MAX_LEDGER_BYTES, parse_ledger
from harvest.load import git, inputs
from harvest.load.models import Campaign
from harvest.problems import Problem, shown
from harvest.proofs import checkpoint, history
from harvest.proofs.merkle import MerkleTree, leaf_level


@dataclass(frozen=True)
class Book:
    """One campaign's checked ledger and everything derived from it (plain data)."""

    campaign: str
    ledger: Ledger
    figures: Figures
    tree: MerkleTree
    heads: tuple[checkpoint.SealedHead, ...]
    goals: tuple[GoalProgress, ...]

    @property
    def root_hex(self) -> str:
        return self.tree.root().hex()


def ledger_tree(data: bytes) -> MerkleTree:
    """The Merkle tree of a checked ledger file's entry lines, hashed piece by piece (a million
    lines are never split into one list)."""
    return MerkleTree((leaf_level(line for group in line_groups(data) for line in group),))


def load_book(
    root: Path, cid: str, campaign: Campaign, *, products: Collection[str], channels: Collection[str],
    today: date | None = None,
) -> tuple[Book | None, list[Problem]]:
    """Load, check and derive one ledger; a ledger with any problem is not published."""
    rel = f"ledgers/{cid}.csv"
    seal_rel = f"ledgers/{cid}.checkpoints"
    try:
        data = inputs.read_bytes(root, rel, MAX_LEDGER_BYTES)
    except inputs.Refused as e:
        return None, [e.problem(rel)]
    try:
        sealed = inputs.read_bytes(root, seal_rel) if os.path.lexists(root / seal_rel) else None
    except inputs.Refused as e:
        return None, [e.problem(seal_rel)]
    ledger, problems = parse_ledger(data, rel, cid, products=products, channels=channels, today=today)
    # Sealed heads are checked even when the ledger has other mistakes: a deleted or
    # reordered entry must be told as rewritten history, not only as a numbering error.
    tree = ledger_tree(data) if ledger is not None else MerkleTree.from_leaves(entry_lines(data))
    heads: list[checkpoint.SealedHead] = []
    if sealed is not None:
        heads, more = checkpoint.read_checkpoints(sealed, seal_rel)
        problems += more
        if any(head.size > tree.size or tree.root(head.size) != head.root for head in heads):
            problems += checkpoint.check_sealed(
                heads,
                tree,
                rel,
                seal_rel,
                lines=ledger.lines() if ledger is not None else entry_lines(data),
                old_lines=lambda head: history.sealed_lines_from_git(root, rel, head),
            )
    problems += history.seals_kept(root, seal_rel, heads)  # compared with every committed version
    if problems or ledger is None:
        return None, problems
    figures = compute_figures(ledger.entries)
    goals = tuple(goal_progress(campaign_goals(campaign), figures))
    return Book(cid, ledger, figures, tree, tuple(heads), goals), []


def load_books(
    root: Path,
    campaigns: Mapping[str, Campaign],
    campaign_files: Collection[str],
    *,
    products: Collection[str],
    channels: Collection[str],
) -> tuple[dict[str, Book], list[Problem]]:
    """Every ledger under `root/ledgers/`, by campaign id, with every problem found."""
    books: dict[str, Book] = {}
    problems: list[Problem] = []
    folder = root / "ledgers"
    if not folder.is_dir():
        return books, problems
    today = git.commit_date(root)
    for file in sorted(folder.iterdir()):
        rel = file.relative_to(root).as_posix()
        if file.suffix not in (".csv", ".checkpoints"):
            continue
        cid = file.stem
        if cid not in campaign_files:
            problems.append(
                Problem(
                    rel,
                    None,
                    "",
                    _("a ledger named after a campaign in campaigns/"),
                    shown(cid),
                    _("rename it to <campaign-id>{suffix}, or add campaigns/{campaign}.yml").format(
                        suffix=file.suffix, campaign=cid),
                )
            )
            continue
        if file.suffix == ".checkpoints":
            if not (folder / f"{cid}.csv").is_file():
                problems.append(
                    Problem(
                        rel,
                        None,
                        "",
                        _("the ledger ledgers/{campaign}.csv beside it").format(campaign=cid),
                        _("no ledger"),
                        _("restore the ledger from git: sealed entries may never be removed"),
                    )
                )
            continue
        if cid not in campaigns:
            continue  # the campaign record has mistakes of its own, reported already
        book, more = load_book(root, cid, campaigns[cid], products=products, channels=channels, today=today)
        problems += more
        if book is not None:
            books[cid] = book
    return books, problems
