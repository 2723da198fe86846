"""Every campaign's ledger, loaded once per build: entries, figures, Merkle tree, sealed heads.

`load_books` reads `ledgers/<campaign-id>.csv` and `.checkpoints`, checks them, and derives
all that pages and data files show. Nothing else reads a ledger file during a build. Loading
starts no process and writes nothing but the build cache (`load.cache`); the build publishes a
book's look-up files (`harvest.publish.publisher`).

The cache keeps, for each ledger file's bytes, what checking them found (`ledger.resume.Progress`)
and the levels of their Merkle tree, keyed by the digest of those bytes. A ledger that only
grew since (entries appended, sealed or not) is found by the digest of its first bytes: only
the appended lines are checked, and only their leaves and the right edge of the tree hashed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harvest.i18n import _
from harvest.ledger.figures import Figures, GoalProgress, Sums, campaign_goals, goal_progress
from harvest.ledger.format import Entry, Ledger, entry_lines, line_groups, receipts_of
from harvest.ledger.parse import MAX_LEDGER_BYTES, check_ledger
from harvest.ledger.resume import Progress, example_code, resume
from harvest.load import git, inputs
from harvest.load.cache import Cache
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
    # What the check found besides the entries (None: read from `ledger.entries`).
    progress: Progress | None = None

    @property
    def root_hex(self) -> str:
        return self.tree.root().hex()

    def receipts(self) -> dict[str, int]:
        """Receipt code -> zero-based leaf index (`format.receipts_of`)."""
        return self.progress.codes() if self.progress else receipts_of(self.ledger.entries)

    def named_products(self) -> set[str]:
        """Every product an entry names ("" for entries naming none)."""
        return set(self.progress.products) if self.progress else {x.product for x in self.ledger.entries}

    def newest(self, count: int) -> list[Entry]:
        """The last `count` entries (at most `resume.NEWEST`), newest first."""
        kept: Sequence[Entry] = self.progress.newest if self.progress else self.ledger.entries
        return list(kept[::-1][:count])

    def example_code(self) -> str | None:
        """The receipt code of the ledger's first donation that has one."""
        return self.progress.example if self.progress else example_code(self.ledger.entries)


def ledger_tree(data: bytes) -> MerkleTree:
    """The Merkle tree of a checked ledger file's entry lines, hashed piece by piece (a million
    lines are never split into one list)."""
    return MerkleTree((leaf_level(line for group in line_groups(data) for line in group),))


def load_book(
    root: Path, cid: str, campaign: Campaign, *, products: Collection[str], channels: Collection[str],
    today: date | None = None, cache: Cache | None = None,
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
    store = _Store(cache or Cache(None), cid, data)
    ledger, progress, tree, problems = _checked(store, data, rel, cid, products, channels, today)
    # Sealed heads are checked even when the ledger has other mistakes: a deleted or
    # reordered entry must be told as rewritten history, not only as a numbering error.
    if tree is None:
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
    if problems or ledger is None or progress is None:
        return None, problems
    figures = progress.sums.figures()
    goals = tuple(goal_progress(campaign_goals(campaign), figures))
    return Book(cid, ledger, figures, tree, tuple(heads), goals, progress), []


def _checked(
    store: _Store, data: bytes, rel: str, cid: str, products: Collection[str], channels: Collection[str],
    today: date | None,
) -> tuple[Ledger | None, Progress | None, MerkleTree | None, list[Problem]]:
    """The checked ledger, its progress and tree (resumed from the cache where a prefix of
    `data` was checked before), or the problems; the tree is None when the ledger has problems."""
    found = store.longest()
    if found is not None:
        progress, tree = found
        start = progress.length
        ledger = resume(data, progress, rel, cid, products=products, channels=channels, today=today)
        if ledger is not None:
            tail = (line for group in line_groups(b"\n" + data[start:]) for line in group)
            tree = tree.extend(leaf_level(tail))
            if start != len(data):
                store.put(progress, tree)
            return ledger, progress, tree, []
    checked = check_ledger(data, rel, cid, products=products, channels=channels, today=today)
    if checked.ledger is None:
        return None, None, None, checked.problems
    sums = Sums()
    sums.add(checked.ledger.entries)
    progress = Progress.of(data, checked, sums)
    tree = ledger_tree(data)
    store.put(progress, tree)
    return checked.ledger, progress, tree, []


class _Store:
    """A ledger's progress and tree in the build cache, by the digest of the bytes they were
    made from. An index (by campaign) lists the lengths of the versions stored lately, so that
    a file that grew is looked up by the digests of its first bytes of those lengths."""

    KEEP = 4  # lengths in the index

    def __init__(self, cache: Cache, cid: str, data: bytes) -> None:
        self.cache, self.cid, self.data = cache, cid, data
        self.index_key = cache.key("ledger-index", cid)
        self.lengths: list[int] = []
        self.digests: dict[int, bytes] = {}
        if not cache.enabled:
            return
        try:
            stored = json.loads(cache.get("ledger_index", self.index_key) or b"[]")
            self.lengths = [int(n) for n in stored][: self.KEEP]
        except (ValueError, TypeError):
            self.lengths = []
        view = memoryview(data)
        wanted = sorted({n for n in self.lengths if 0 < n <= len(data) and data[n - 1 : n] == b"\n"} | {len(data)})
        h, done = hashlib.sha256(), 0
        for n in wanted:  # one pass over the bytes for every length
            h.update(view[done:n])
            done = n
            self.digests[n] = h.copy().digest()

    def _key(self, length: int) -> str:
        return self.cache.key("ledger", self.cid, self.digests[length])

    def longest(self) -> tuple[Progress, MerkleTree] | None:
        """The progress and tree of the longest first bytes of the file found in the cache."""
        for n in sorted(self.digests, reverse=True):
            if n != len(self.data) and n not in self.lengths:
                continue
            key = self._key(n)
            progress, levels = self.cache.get("ledger_progress", key), self.cache.get("ledger_tree", key)
            if progress is None or levels is None:
                continue
            try:
                found = Progress.from_json(progress), MerkleTree.from_bytes(levels)
            except (ValueError, TypeError, KeyError):
                continue
            if found[0].length == n and found[1].size == found[0].size:
                return found
        return None

    def put(self, progress: Progress, tree: MerkleTree) -> None:
        """Keep the progress and tree of the whole file."""
        if not self.cache.enabled:
            return
        key = self._key(len(self.data))
        self.cache.put("ledger_progress", key, progress.to_json())
        self.cache.put("ledger_tree", key, tree.to_bytes())
        lengths = [len(self.data), *(n for n in self.lengths if n != len(self.data))][: self.KEEP]
        self.cache.put("ledger_index", self.index_key, json.dumps(lengths).encode())


def load_books(
    root: Path,
    campaigns: Mapping[str, Campaign],
    campaign_files: Collection[str],
    *,
    products: Collection[str],
    channels: Collection[str],
    cache: Cache | None = None,
) -> tuple[dict[str, Book], list[Problem]]:
    """Every ledger under `root/ledgers/`, by campaign id, with every problem found; `cache`
    is the build's cache (none when None: every ledger is checked whole)."""
    books: dict[str, Book] = {}
    problems: list[Problem] = []
    folder = root / "ledgers"
    if not folder.is_dir():
        return books, problems
    today = git.commit_date(root)
    if cache is None:
        cache = Cache(None)
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
        book, more = load_book(root, cid, campaigns[cid], products=products, channels=channels, today=today,
                               cache=cache)
        problems += more
        if book is not None:
            books[cid] = book
    return books, problems
