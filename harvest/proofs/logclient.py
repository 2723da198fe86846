"""Reading a published site's ledgers as transparency logs, trusting nothing unverified.

Used by everyone who checks a site from outside: ``build --previous-site``, the witness, the
monitor and ``verify``. A `Source` is a built site folder or its URL; `TileTree` reads any
hash of a log's Merkle tree from its published C2SP tiles (https://c2sp.org/tlog-tiles), so
proofs between any two sizes are computed from a few 8 KB files, never from the whole ledger.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from harvest.i18n import _
from harvest.load.models import is_slug
from harvest.proofs import tiles
from harvest.proofs.checkpoint import Checkpoint, parse_checkpoint, verify_note
from harvest.proofs.merkle import HASH_SIZE, MerkleTree, leaf_level, node_hash, verify_consistency

MAX_BYTES = 64 << 20
TIMEOUT = 30


class FetchError(Exception):
    """A file of the site could not be read (other than being missing)."""


class Source:
    """A published site: a folder (``site/``) or an http(s) address."""

    def __init__(self, where: str | Path) -> None:
        text = str(where)
        self.url = text.rstrip("/") + "/" if text.startswith(("http://", "https://")) else None
        self.folder = None if self.url else Path(text).resolve()
        self.where = text

    def get(self, rel: str) -> bytes | None:
        """The bytes of ``rel`` (a path below the site), None when the site has no such file."""
        if self.url is not None:
            try:
                with urllib.request.urlopen(urljoin(self.url, rel), timeout=TIMEOUT) as reply:  # noqa: S310
                    data: bytes = reply.read(MAX_BYTES + 1)
            except urllib.error.HTTPError as exc:
                if exc.code in (404, 410):
                    return None
                raise FetchError(f"{self.url}{rel}: HTTP {exc.code}") from exc
            except (urllib.error.URLError, OSError) as exc:
                raise FetchError(f"{self.url}{rel}: {exc}") from exc
        else:
            assert self.folder is not None
            path = (self.folder / rel).resolve()
            if not path.is_relative_to(self.folder):
                raise FetchError(_("{path} leads outside {folder}").format(path=rel, folder=self.folder))
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise FetchError(f"{path}: {exc.strerror}") from exc
        if len(data) > MAX_BYTES:
            raise FetchError(_("{path} is larger than {size} MB").format(path=rel, size=MAX_BYTES >> 20))
        return data

    def need(self, rel: str) -> bytes:
        """The bytes of ``rel``; FetchError when the site has no such file."""
        data = self.get(rel)
        if data is None:
            raise FetchError(_("{path} is missing").format(path=f"{self.where.rstrip('/')}/{rel}"))
        return data


@dataclass(frozen=True)
class Log:
    """One ledger as the site lists it in ``ledgers/logs.json``."""

    id: str
    origin: str
    key: str | None


@dataclass(frozen=True)
class Listing:
    """``ledgers/logs.json``: the logs, whether the site says it is signed, its witness policy."""

    logs: tuple[Log, ...]
    signed: bool
    witnesses: tuple[str, ...]
    quorum: int


def listing(source: Source) -> Listing:
    """The site's ``ledgers/logs.json``; FetchError when it is missing or malformed."""
    try:
        data = json.loads(source.need("ledgers/logs.json"))
        logs = tuple(Log(str(x["id"]), str(x["origin"]), x["key"]) for x in data["logs"])
        for log in logs:  # ids become file names on the reader's side: only campaign ids pass
            if not is_slug(log.id) or not log.origin or any(c.isspace() or c == "+" for c in log.origin):
                raise ValueError(_("the ledger id {id} or its origin is not allowed").format(id=repr(log.id[:80])))
            if log.key is not None and not isinstance(log.key, str):
                raise ValueError(_("the key of {id} is not a string").format(id=log.id))
        policy = data.get("witnesses") or {}
        return Listing(logs, bool(data["signed"]), tuple(str(k) for k in policy.get("keys", ())),
                       int(policy.get("quorum", 0)))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise FetchError(_("ledgers/logs.json of {site} is not a list of ledgers: {error}").format(
            site=source.where, error=exc)) from exc


def read_checkpoint(source: Source, log_id: str, key: str | None, rel: str = "checkpoint") -> tuple[Checkpoint, str]:
    """The checkpoint at ``ledgers/<id>/<rel>`` and its text, its signature checked by ``key``
    (skipped when ``key`` is None). Raises FetchError or ValueError."""
    text = source.need(f"ledgers/{log_id}/{rel}").decode("utf-8", "replace")
    if key is not None:
        verify_note(text, key)
    return parse_checkpoint(text), text


class TileTree(MerkleTree):
    """The Merkle tree of a log of ``size`` entries, its hashes read from published tiles."""

    def __init__(self, source: Source, log_id: str, size: int) -> None:  # noqa: D107
        self.source, self.base, self.size = source, f"ledgers/{log_id}/", size
        self.levels = []
        self._tiles: dict[tuple[int, int], bytes] = {}
        self._nodes: dict[tuple[int, int], bytes] = {}

    def tile(self, level: int, n: int) -> bytes:
        """Tile ``n`` of tile level ``level`` as it is at this size (partial at the right edge)."""
        key = (level, n)
        if key not in self._tiles:
            count = self.size >> (tiles.TILE_HEIGHT * level)
            width = min(tiles.TILE_WIDTH, count - n * tiles.TILE_WIDTH)
            if width <= 0:
                raise ValueError(_("tile {level}/{number} is beyond a tree of {size}").format(
                    level=level, number=n, size=self.size))
            data = self.source.need(self.base + tiles.tile_path(level, n, width))
            if len(data) != width * HASH_SIZE:
                raise ValueError(_("{path} holds {count} bytes, not {width} hashes").format(
                    path=self.base + tiles.tile_path(level, n, width), count=len(data), width=width))
            self._tiles[key] = data
        return self._tiles[key]

    def node(self, level: int, index: int) -> bytes:
        """The hash of the complete subtree of ``2**level`` leaves from leaf ``index << level``."""
        key = (level, index)
        if key in self._nodes:
            return self._nodes[key]
        tile_level, up = divmod(level, tiles.TILE_HEIGHT)
        first = index << up
        n, offset = divmod(first, tiles.TILE_WIDTH)
        data = self.tile(tile_level, n)
        row = [data[(offset + i) * HASH_SIZE : (offset + i + 1) * HASH_SIZE] for i in range(1 << up)]
        while len(row) > 1:
            row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
        self._nodes[key] = row[0]
        return row[0]


def consistent(tree: MerkleTree, old_size: int, old_root: bytes, new_root: bytes) -> bool:
    """Whether the head (``old_size``, ``old_root``) is a prefix of the head of ``tree`` with
    ``new_root``: an RFC 9162 consistency proof built from ``tree``'s hashes, then verified.

    A tile that cannot be read raises FetchError or ValueError: a missing file is told as
    such, not as a rewritten history.
    """
    if old_size > tree.size:
        return False
    return verify_consistency(old_size, tree.size, old_root, new_root, tree.consistency_proof(old_size))


def entry_bundles(source: Source, log_id: str, start: int, size: int) -> Iterator[tuple[int, list[bytes]]]:
    """The entry lines of entries ``start`` … ``size - 1`` (zero-based), bundle by bundle:
    (index of the bundle's first line, lines). Raises FetchError or ValueError."""
    w = tiles.TILE_WIDTH
    for n in range(start // w, (size + w - 1) // w):
        width = min(w, size - n * w)
        rel = f"ledgers/{log_id}/" + tiles.entries_path(n, width)
        data = source.need(rel)
        lines, at = [], 0
        while at < len(data):
            length = int.from_bytes(data[at : at + 2], "big")
            lines.append(data[at + 2 : at + 2 + length])
            at += 2 + length
        if at != len(data) or len(lines) != width:
            raise ValueError(_("{path} does not hold {count} entries").format(path=rel, count=width))
        skip = max(0, start - n * w)
        yield n * w + skip, lines[skip:]


def audit(source: Source, log_id: str, checkpoint: Checkpoint) -> tuple[MerkleTree, list[bytes]]:
    """Every entry of the log, read from its entry bundles and hashed into a tree whose root
    must be the checkpoint's; the published hash tiles must be that tree's. Raises ValueError."""
    lines: list[bytes] = []
    for _start, chunk in entry_bundles(source, log_id, 0, checkpoint.size):
        lines += chunk
    tree = MerkleTree((leaf_level(lines),))
    if tree.root() != checkpoint.root:
        raise ValueError(_("the {count} published entries of {id} do not hash to the checkpoint's root").format(
            count=checkpoint.size, id=log_id))
    published = TileTree(source, log_id, checkpoint.size)
    for path, data in tiles.tiles(tree):
        level = int(path.split("/")[1])
        n = _tile_number(path)
        if published.tile(level, n) != data:
            raise ValueError(_("ledgers/{id}/{path} does not hold the hashes of the published entries").format(
                id=log_id, path=path))
    return tree, lines


def _tile_number(path: str) -> int:
    parts = path.split(".p/")[0].split("/")[2:]
    return int("".join(p.lstrip("x") for p in parts))


def head_text(log_id: str, checkpoint: Checkpoint) -> str:
    """A head as messages name it: ``<id> size <n>, root <hex…>``."""
    return _("{id} size {size}, root {root}…").format(id=log_id, size=checkpoint.size, root=checkpoint.root.hex()[:16])


def check_previous(new: Source, previous: Source) -> list[str]:
    """Why the site in ``new`` must not replace ``previous`` (the live site): a ledger it
    published is gone, its key changed, or its history is not a prefix of the new one."""
    failures: list[str] = []
    try:
        now = {log.id: log for log in listing(new).logs}
        try:
            before = listing(previous).logs
        except FetchError:
            if previous.get("index.html") is None:
                raise
            before = tuple(Log(lid, log.origin, None) for lid, log in now.items())  # an older site, no listing
    except FetchError as exc:
        return [str(exc)]
    for log in before:
        try:
            old, _text = read_checkpoint(previous, log.id, None)
        except FetchError:
            continue  # the live site has no checkpoint for it: nothing to be consistent with
        except ValueError as exc:
            failures.append(_("ledgers/{id}/checkpoint of the live site: {error}").format(id=log.id, error=exc))
            continue
        mine = now.get(log.id)
        if mine is None:
            failures.append(_("the live site publishes ledger {head}; the new site dropped it").format(
                head=head_text(log.id, old)))
            continue
        if log.key and mine.key != log.key:
            failures.append(_("ledger {id}: the live site's key is {old}, the new site's {new}; "
                              "witnesses and readers pinned the old key").format(id=log.id, old=log.key, new=mine.key))
            continue
        try:
            current, _text = read_checkpoint(new, log.id, mine.key)
            ok = consistent(TileTree(new, log.id, current.size), old.size, old.root, current.root)
        except (FetchError, ValueError) as exc:
            failures.append(_("ledger {id} of the new site: {error}").format(id=log.id, error=exc))
            continue
        if not ok:
            failures.append(_("ledger {id}: the live site's head ({old}) is not a prefix of "
                              "the new site's ({new}): history was rewritten").format(
                id=log.id, old=head_text(log.id, old), new=head_text(log.id, current)))
    return failures
