"""A ledger's look-up files: hash tiles, entry bundles, receipt shards, corrections and entry chunks.

A ledger of a million entries publishes about 10,000 small files under ``ledgers/<id>/``
(`tiles`: hash tiles and entry bundles, receipt shards, the corrections of donations; and ``entries/<k>.json``, the chunks
the ledger page loads). They are made here from the ledger file's bytes, its tree and its
receipts, and written straight into the site folder by `publisher.Publisher` (in a worker
process where one helps), not handed to MkDocs one by one.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from harvest.ledger.format import CHUNK_ENTRIES, TailLines, line_groups
from harvest.load.cache import Cache
from harvest.proofs import tiles
from harvest.proofs.merkle import HASH_SIZE, MerkleTree

# Lines taken at once: whole entry bundles and whole chunks (32,000 lines).
_GROUP = math.lcm(tiles.TILE_WIDTH, CHUNK_ENTRIES)


def entry_chunk(first: int, lines: Sequence[bytes]) -> bytes:
    """``entries/<k>.json``: the CSV lines of the entries from seq ``first`` on."""
    part = b"\n".join(lines).decode("utf-8").split("\n") if lines else []
    body = json.dumps({"first": first, "lines": part}, ensure_ascii=False, separators=(",", ":"))
    return (body + "\n").encode("utf-8")


def entry_groups(data: bytes) -> Iterator[list[bytes]]:
    """The entry lines of a checked ledger file (`format.line_groups`), in lists of `_GROUP`."""
    group: list[bytes] = []
    for lines in line_groups(data):
        group += lines
        while len(group) >= _GROUP:
            yield group[:_GROUP]
            del group[:_GROUP]
    if group:
        yield group


def write_files(folder: Path, data: bytes, tree: MerkleTree, receipts: Mapping[str, int],
                cache: Cache | None = None, cid: str = "") -> int:
    """Write every look-up file of a checked ledger (its file's bytes `data`, its `tree`, its
    `receipts` as `format.receipts_of` gives them) under `folder`; how many files were written.

    With the build `cache`, a file made before is linked from it rather than written: hash
    tiles are found by their content, entry bundles and chunks by the leaf hashes of their
    lines (so only the bundles and chunks of appended lines are made), receipt shards and
    corrections by their content. `cid` names the ledger's list of the bundles and chunks
    it has (`_Known`)."""
    writer = _Writer(folder, cache)
    known = _Known(cache, cid)
    try:
        return (write_entry_files(writer, data, tree, known) + write_receipt_files(writer, receipts, tree.size)
                + write_correction_files(writer, data, tree.size))
    finally:
        known.save()


def write_entry_files(writer: _Writer, data: bytes, tree: MerkleTree, known: _Known) -> int:
    """The hash tiles, entry bundles and entry chunks of a checked ledger. Bundles and chunks
    made before are linked from the cache without their lines being read; the lines of the
    others are read from the end of the file when they are the last ones (entries appended),
    else group by group."""
    before = writer.count
    for name, content in tiles.tiles(tree):
        writer.write(name, content)
    leaves, size, width = tree.levels[0], tree.size, tiles.TILE_WIDTH
    pieces = [(first, min(width, size - first), tiles.entries_path(first // width, min(width, size - first)),
               known.made(b"bundle", leaves[first * HASH_SIZE : min(first + width, size) * HASH_SIZE]))
              for first in range(0, size, width)]
    pieces += [(first, min(CHUNK_ENTRIES, size - first), f"entries/{first // CHUNK_ENTRIES}.json",
                known.made(b"chunk", first.to_bytes(8, "big"),
                           leaves[first * HASH_SIZE : min(first + CHUNK_ENTRIES, size) * HASH_SIZE]))
               for first in range(0, size, CHUNK_ENTRIES)]
    missing = [piece for piece in pieces if not writer.link(piece[2], piece[3])]
    lowest = min((first for first, _, _, _ in missing), default=size)
    if size - lowest <= _TAIL:
        lines: Sequence[bytes] = TailLines(data, size)[lowest:]
        _write_pieces(writer, missing, lines, lowest)
    else:
        start = 0
        for group in entry_groups(data):  # a group holds whole bundles and chunks
            end = start + len(group)
            _write_pieces(writer, [piece for piece in missing if start <= piece[0] < end], group, start)
            start = end
        if start != size:
            raise ValueError(f"{start} entry lines for a tree of {size} leaves")
    return writer.count - before


_TAIL = 1 << 16  # lines read back from the end of a file rather than split from its start
_Piece = tuple[int, int, str, "_Made"]  # first line (from 0), lines, path, what it is made of


def _write_pieces(writer: _Writer, pieces: Sequence[_Piece], lines: Sequence[bytes], start: int) -> None:
    """Write the bundles and chunks `pieces` from `lines`, whose first is line `start`."""
    for first, count, name, made in pieces:
        part = list(lines[first - start : first - start + count])
        if len(part) != count:
            raise ValueError(f"{len(part)} entry lines where {count} were expected")
        writer.write(name, _bundle(part) if name.startswith("tile/") else entry_chunk(first + 1, part), made)


def _bundle(lines: list[bytes]) -> bytes:
    """One entry bundle (`tiles.entry_bundles` of these lines alone)."""
    ((_, content),) = tiles.entry_bundles(lines)
    return content


def write_receipt_files(writer: _Writer, receipts: Mapping[str, int], size: int) -> int:
    """The receipt look-up shards (`tiles.receipt_shards`)."""
    before = writer.count
    for name, content in tiles.receipt_shards(receipts, size):
        writer.write(name, content)
    return writer.count - before


def write_correction_files(writer: _Writer, data: bytes, size: int) -> int:
    """The corrections of the donations (`tiles.correction_shards`)."""
    before = writer.count
    for name, content in tiles.correction_shards(tiles.file_corrections(data), size):
        writer.write(name, content)
    return writer.count - before


class _Known:
    """The entry bundles and chunks a ledger published before, each under what it is made of
    (a hash of its kind and its lines' leaf hashes) -> the SHA-256 of its content, kept in the
    build cache (under `cid`) so that they are linked without being made again. Only the
    ones this build publishes are kept for the next."""

    def __init__(self, cache: Cache | None, cid: str) -> None:
        self.cache = cache if cache is not None and cache.enabled and cid else None
        self.key = Cache.key("ledger-files", cid)
        self.before: dict[bytes, bytes] = {}
        self.now: dict[bytes, bytes] = {}
        if self.cache is not None:
            blob = self.cache.get("ledger_files", self.key) or b""
            self.before = {blob[i : i + 32]: blob[i + 32 : i + 64] for i in range(0, len(blob) - 63, 64)}

    def made(self, *parts: bytes) -> _Made:
        return _Made(self, hashlib.sha256(b"\0".join(parts)).digest())

    def save(self) -> None:
        if self.cache is not None and self.now != self.before:
            self.cache.put("ledger_files", self.key, b"".join(k + v for k, v in self.now.items()))


class _Made:
    """One bundle or chunk: what it is made of, and (once known) its content's digest."""

    def __init__(self, known: _Known, identity: bytes) -> None:
        self.known, self.identity = known, identity

    @property
    def digest(self) -> bytes | None:
        return self.known.before.get(self.identity)

    def found(self, digest: bytes) -> None:
        self.known.now[self.identity] = digest


class _Writer:
    """Files under one folder, each written once; folders made as needed. With a build cache,
    each file is kept there by its content's digest, and linked from it when made before."""

    def __init__(self, folder: Path, cache: Cache | None = None) -> None:
        make(folder)
        self.folder = os.fspath(folder)
        self.cache = cache if cache is not None and cache.enabled else None
        self.made: set[str] = set()
        self.count = 0

    def _path(self, name: str) -> str:
        path = os.path.join(self.folder, name)
        parent = os.path.dirname(path)
        if parent not in self.made:
            os.makedirs(parent, exist_ok=True)
            self.made.add(parent)
        return path

    def link(self, name: str, made: _Made) -> bool:
        """Link the file `made` describes from the cache, if it was made before."""
        digest = made.digest
        if self.cache is None or digest is None or not self.cache.link_file(digest, self._path(name)):
            return False
        made.found(digest)
        self.count += 1
        return True

    def write(self, name: str, content: bytes, made: _Made | None = None) -> None:
        path = self._path(name)
        digest = hashlib.sha256(content).digest() if self.cache is not None else b""
        if self.cache is not None and made is None and self.cache.link_file(digest, path):
            self.count += 1
            return
        _write_new(path, content)
        if self.cache is not None:
            self.cache.keep_file(digest, path)
            if made is not None:
                made.found(digest)
        self.count += 1


def _write_new(path: str, content: bytes) -> None:
    """`content` in a new file at `path`; a file there already (a build redone after its worker
    failed) is replaced, never written into: it may be linked from the cache."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        os.unlink(path)
        fd = os.open(path, flags, 0o644)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def make(folder: Path) -> None:
    """`folder` and its parent, but no more: a site folder removed after a failed build (while
    a worker was still at work) is not made again."""
    folder.parent.mkdir(exist_ok=True)
    folder.mkdir(exist_ok=True)


def write_copy(path: Path, data: bytes, cache: Cache | None = None) -> None:
    """The ledger file itself, byte for byte, at `path` (linked from the build `cache` when
    kept there)."""
    path.parent.mkdir(exist_ok=True)
    _Writer(path.parent, cache).write(path.name, data)
