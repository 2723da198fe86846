"""Every campaign's ledger, loaded once per build: entries, figures, Merkle tree, sealed heads.

`load_books` reads `ledgers/<campaign-id>.csv` and `.checkpoints`, checks them, and derives
all that pages and data files show. Nothing else reads a ledger file during a build.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from harvest.ledger.figures import Figures, GoalProgress, compute_figures, goal_progress
from harvest.ledger.format import Ledger, entry_lines, receipts_of
from harvest.ledger.parse import MAX_LEDGER_BYTES, parse_ledger
from harvest.load import inputs
from harvest.load.models import Campaign
from harvest.problems import Problem, shown
from harvest.proofs import checkpoint, history
from harvest.proofs.merkle import MerkleTree
from harvest.publish.worker import LedgerFiles


@dataclass(frozen=True)
class Book:
    """One campaign's ledger and everything derived from it."""

    campaign: str
    ledger: Ledger
    figures: Figures
    tree: MerkleTree
    heads: tuple[checkpoint.SealedHead, ...]
    goals: tuple[GoalProgress, ...]
    # The tiles, entry bundles, receipt shards and entry chunks, written by `files.write`
    # (perhaps by a worker process); None: `ledger_pages.ledger_outputs` makes them itself.
    files: LedgerFiles | None = field(default=None, repr=False, compare=False)

    @property
    def root_hex(self) -> str:
        return self.tree.root().hex()

    def write_files(self, folder: Path) -> None:
        """Begin putting the look-up files under `folder` (``<site>/ledgers/<id>``) and the
        ledger file beside it (``<id>.csv``), if `files`."""
        if self.files is not None:
            self.files.write(folder, receipts_of(self.ledger.entries), folder.with_name(f"{self.campaign}.csv"))

    def finish_files(self) -> None:
        """Wait until the files begun by `write_files` are in place."""
        if self.files is not None:
            self.files.finish()


def campaign_goals(campaign: Campaign) -> dict[str, tuple[Decimal, str]]:
    """A campaign's goals as `figures.goal_progress` takes them."""
    goals: dict[str, tuple[Decimal, str]] = {}
    if campaign.goals is None:
        return goals
    if campaign.goals.sales_quantity:
        goals["sales_quantity"] = (campaign.goals.sales_quantity.amount, campaign.goals.sales_quantity.unit)
    if campaign.goals.sales_amount:
        goals["sales_amount"] = (campaign.goals.sales_amount.amount, campaign.goals.sales_amount.currency)
    if campaign.goals.donations:
        goals["donations"] = (campaign.goals.donations.amount, campaign.goals.donations.currency)
    return goals


def commit_date(root: Path) -> date:
    """The date of the checked-out commit (today outside git): ledger dates may be up to a
    year after it, so the same commit is judged the same whatever day it is built."""
    when = history.commit_time(root)
    return date.today() if when is None else datetime.fromtimestamp(when, UTC).date()


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
    # The tree and the look-up files are begun at once (in a worker process, for a large
    # ledger) while the entries are checked here.
    files = LedgerFiles.start(data, near=root)
    ledger, problems = parse_ledger(data, rel, cid, products=products, channels=channels,
                                    suspects=files.candidate_lines, today=today)
    # Sealed heads are checked even when the ledger has other mistakes: a deleted or
    # reordered entry must be told as rewritten history, not only as a numbering error.
    if ledger is not None:
        tree = files.tree()
    else:
        files.cancel()
        tree = MerkleTree.from_leaves(entry_lines(data))
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
        files.cancel()
        return None, problems
    figures = compute_figures(ledger.entries)
    goals = tuple(goal_progress(campaign_goals(campaign), figures))
    return Book(cid, ledger, figures, tree, tuple(heads), goals, files), []


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
    today = commit_date(root)
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
                    "a ledger named after a campaign in campaigns/",
                    shown(cid),
                    f"rename it to <campaign-id>{file.suffix}, or add campaigns/{cid}.yml",
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
                        f"the ledger ledgers/{cid}.csv beside it",
                        "no ledger",
                        "restore the ledger from git: sealed entries may never be removed",
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
