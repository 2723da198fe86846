"""A ledger's look-up files: hash tiles, entry bundles, receipt shards, corrections and entry chunks.

A ledger of a million entries publishes about 10,000 small files under ``ledgers/<id>/``
(`tiles`: hash tiles and entry bundles, receipt shards, the corrections of donations; and ``entries/<k>.json``, the chunks
the ledger page loads). They are made here from the ledger file's bytes, its tree and its
receipts, and written straight into the site folder by `publisher.Publisher` (in a worker
process where one helps), not handed to MkDocs one by one.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from harvest.ledger.format import CHUNK_ENTRIES, line_groups
from harvest.proofs import tiles
from harvest.proofs.merkle import MerkleTree

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


def write_files(folder: Path, data: bytes, tree: MerkleTree, receipts: Mapping[str, int]) -> int:
    """Write every look-up file of a checked ledger (its file's bytes `data`, its `tree`, its
    `receipts` as `format.receipts_of` gives them) under `folder`; how many files were written."""
    return (write_entry_files(folder, data, tree) + write_receipt_files(folder, receipts, tree.size)
            + write_correction_files(folder, data, tree.size))


def write_entry_files(folder: Path, data: bytes, tree: MerkleTree) -> int:
    """The hash tiles, entry bundles and entry chunks of a checked ledger, under `folder`."""
    writer = _Writer(folder)
    for name, content in tiles.tiles(tree):
        writer.write(name, content)
    start = 0
    for group in entry_groups(data):
        for name, content in tiles.entry_bundles(group, start // tiles.TILE_WIDTH):
            writer.write(name, content)
        for k in range(0, len(group), CHUNK_ENTRIES):
            first = start + k
            writer.write(f"entries/{first // CHUNK_ENTRIES}.json",
                         entry_chunk(first + 1, group[k : k + CHUNK_ENTRIES]))
        start += len(group)
    if start != tree.size:
        raise ValueError(f"{start} entry lines for a tree of {tree.size} leaves")
    return writer.count


def write_receipt_files(folder: Path, receipts: Mapping[str, int], size: int) -> int:
    """The receipt look-up shards (`tiles.receipt_shards`) under `folder`."""
    writer = _Writer(folder)
    for name, content in tiles.receipt_shards(receipts, size):
        writer.write(name, content)
    return writer.count


def write_correction_files(folder: Path, data: bytes, size: int) -> int:
    """The corrections of the donations (`tiles.correction_shards`) under `folder`."""
    writer = _Writer(folder)
    lines = (line for group in line_groups(data) for line in group)
    for name, content in tiles.correction_shards(tiles.donation_corrections(lines), size):
        writer.write(name, content)
    return writer.count


class _Writer:
    """Files under one folder, each written once; folders made as needed."""

    def __init__(self, folder: Path) -> None:
        make(folder)
        self.folder = os.fspath(folder)
        self.made: set[str] = set()
        self.count = 0

    def write(self, name: str, content: bytes) -> None:
        path = os.path.join(self.folder, name)
        parent = os.path.dirname(path)
        if parent not in self.made:
            os.makedirs(parent, exist_ok=True)
            self.made.add(parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        self.count += 1


def make(folder: Path) -> None:
    """`folder` and its parent, but no more: a site folder removed after a failed build (while
    a worker was still at work) is not made again."""
    folder.parent.mkdir(exist_ok=True)
    folder.mkdir(exist_ok=True)


def write_copy(path: Path, data: bytes) -> None:
    """The ledger file itself, byte for byte, at `path`."""
    path.parent.mkdir(exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
