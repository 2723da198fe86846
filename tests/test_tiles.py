"""Tiles, entry bundles, receipt shards and consistency files for the browser."""

from __future__ import annotations

import base64
import hashlib
import json
import random

import pytest

from harvest.ledger.format import normalise_receipt
from harvest.proofs.merkle import MerkleTree, leaf_hash, node_hash, verify_consistency, verify_inclusion
from harvest.proofs.tiles import (
    correction_shards,
    donation_corrections,
    donation_receipts,
    entries_path,
    shard_prefix_length,
    tile_index_path,
    tile_path,
)
from tests.ledgerkit import site_files


def ledger(n: int) -> list[bytes]:
    return [f"{i + 1},2019-02-21,donation,,,,,,10.00,CNY,匿名,R{i + 1:07d},".encode() for i in range(n)]


def receipts(lines: list[bytes]) -> dict[str, int]:
    return {f"R{i + 1:07d}": i for i in range(len(lines))}


def tile_hashes(files: dict[str, bytes], size: int, height: int, index: int) -> bytes:
    """A complete subtree's hash read from the tile files only, as the browser does it."""
    level, r = divmod(height, 8)
    first = index << r
    n, offset = divmod(first, 256)
    count = size >> (8 * level)
    width = min(256, count - 256 * n)
    data = files[tile_path(level, n, width)]
    assert len(data) == 32 * width
    hashes = [data[32 * (offset + i) : 32 * (offset + i + 1)] for i in range(1 << r)]
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


def subtree(files: dict[str, bytes], size: int, start: int, end: int) -> bytes:
    n = end - start
    if n & (n - 1) == 0:
        height = n.bit_length() - 1
        return tile_hashes(files, size, height, start >> height)
    k = 1 << ((n - 1).bit_length() - 1)
    return node_hash(subtree(files, size, start, start + k), subtree(files, size, start + k, end))


def proof_from_tiles(files: dict[str, bytes], index: int, size: int) -> list[bytes]:
    proof = []
    start, end = 0, size
    while end - start > 1:
        k = 1 << ((end - start - 1).bit_length() - 1)
        if index < start + k:
            proof.append(subtree(files, size, start + k, end))
            end = start + k
        else:
            proof.append(subtree(files, size, start, start + k))
            start += k
    return proof[::-1]


def bundle_lines(data: bytes) -> list[bytes]:
    out, at = [], 0
    while at < len(data):
        length = int.from_bytes(data[at : at + 2], "big")
        out.append(data[at + 2 : at + 2 + length])
        at += 2 + length
    assert at == len(data)
    return out


@pytest.mark.parametrize(
    ("n", "path"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_tile_index_paths(n: int, path: str) -> None:
    assert tile_index_path(n) == path


def test_tile_and_bundle_paths() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 3, 17) == "tile/1/003.p/17"
    assert entries_path(2) == "tile/entries/002"
    assert entries_path(2, 5) == "tile/entries/002.p/5"


@pytest.mark.parametrize("size", [1, 2, 255, 256, 257, 512, 65536, 65536 + 256 * 3 + 7])
def test_tiles_give_every_proof(size: int) -> None:
    lines = ledger(size)
    tree = MerkleTree.from_leaves(lines)
    files = site_files(tree, lines, {}, [])
    level0 = [p for p in files if p.startswith("tile/0/")]
    assert len(level0) == (size + 255) // 256
    if size % 256:
        assert tile_path(0, size // 256, size % 256) in files
    if size >= 65536:
        assert "tile/2/000.p/1" in files and "tile/1/000" in files
    rng = random.Random(size)
    indices = set(range(min(size, 300))) | {size - 1} | {rng.randrange(size) for _ in range(40)}
    root = tree.root()
    for index in sorted(indices):
        proof = proof_from_tiles(files, index, size)
        assert proof == tree.inclusion_proof(index)
        assert verify_inclusion(leaf_hash(lines[index]), index, size, proof, root)


@pytest.mark.parametrize("size", [1, 255, 256, 300, 1000])
def test_entry_bundles_hold_the_lines(size: int) -> None:
    lines = ledger(size)
    lines[size // 2] = '中文,"quoted, comma"'.encode()
    files = site_files(MerkleTree.from_leaves(lines), lines, {}, [])
    bundles = sorted(p for p in files if p.startswith("tile/entries/"))
    assert len(bundles) == (size + 255) // 256
    assert [x for p in bundles for x in bundle_lines(files[p])] == lines
    if size % 256:
        assert entries_path(size // 256, size % 256) in files


def test_receipt_shards_lead_to_their_entries() -> None:
    lines = ledger(5000)
    codes = receipts(lines)
    files = site_files(MerkleTree.from_leaves(lines), lines, codes, [])
    meta = json.loads(files["receipts/index.json"])
    assert meta == {"hash": "sha256", "prefix": shard_prefix_length(codes), "size": 5000}
    p = meta["prefix"]
    shards = {k: v for k, v in files.items() if k.startswith("receipts/") and k != "receipts/index.json"}
    assert len(shards) == 16**p
    seen: dict[str, int] = {}
    for path, data in shards.items():
        for code, index in json.loads(data).items():
            assert hashlib.sha256(code.encode()).hexdigest()[:p] == path[len("receipts/") : -5]
            seen[code] = index
    assert seen == {normalise_receipt(code): index for code, index in codes.items()}


def test_shards_stay_small_and_prefix_grows() -> None:
    assert shard_prefix_length({}) == 1
    assert shard_prefix_length({f"R{i:07d}": i for i in range(1000)}) == 1
    big = {f"R{i:07d}": i for i in range(1_000_000)}
    assert shard_prefix_length(big) == 3  # 4096 shards of about 6 KB


def test_output_is_deterministic_whatever_the_mapping_order() -> None:
    lines = ledger(700)
    tree = MerkleTree.from_leaves(lines)
    codes = receipts(lines)
    shuffled = dict(sorted(codes.items(), key=lambda item: -item[1]))
    first = site_files(tree, lines, codes, [3, 100])
    assert first == site_files(tree, lines, shuffled, [100, 3, 100])
    assert list(first) == sorted(first)


def test_consistency_files_prove_each_sealed_size() -> None:
    lines = ledger(1000)
    tree = MerkleTree.from_leaves(lines)
    files = site_files(tree, lines, {}, [1, 64, 300, 999, 1000], checkpoint="cp\n")
    assert files["checkpoint"] == b"cp\n"
    assert files["consistency/1000"] == b""
    for m in [1, 64, 300, 999]:
        proof = [base64.b64decode(row) for row in files[f"consistency/{m}"].split()]
        assert proof == tree.consistency_proof(m)
        assert verify_consistency(m, 1000, tree.root(m), tree.root(), proof)
    with pytest.raises(ValueError):
        site_files(tree, lines[:-1], {}, [])


def test_no_file_over_100_kb_for_a_large_ledger() -> None:
    lines = ledger(200_000)
    files = site_files(MerkleTree.from_leaves(lines), lines, receipts(lines), [150_000])
    biggest = max(files, key=lambda p: len(files[p]))
    assert len(files[biggest]) < 100_000, biggest


def test_donation_receipts_skip_corrections_and_other_types() -> None:
    lines = [
        b"1,2019-02-21,donation,,,,,,100.00,CNY,\xe5\x8c\xbf\xe5\x90\x8d,R-1,",
        b"2,2019-02-21,expense,,,,,,10.00,CNY,SF,V-9,",
        b'3,2019-02-21,donation,,,,,,5.00,CNY,"Li, Wang",R-3,"note, with comma"',
        b"4,2019-02-22,donation,,,,,,-100.00,CNY,\xe5\x8c\xbf\xe5\x90\x8d,seq:1,",
        b"5,2019-02-22,donation,,,,,,1.00,CNY,x,,",
        b"6,2019-02-22,donation,,,,,,1.00,CNY,x,R-1,",
    ]
    assert donation_receipts(lines) == {"R-1": 0, "R-3": 2}


def test_donation_corrections_list_each_corrected_donation_with_its_corrections() -> None:
    lines = [
        b"1,2019-02-21,donation,,,,,,500.00,CNY,A,R-1,",
        b"2,2019-02-21,expense,,,,,,10.00,CNY,SF,V-9,",
        b"3,2019-02-21,donation,,,,,,5.00,CNY,B,R-3,about seq:1",  # seq: in a note is no correction
        b"4,2019-02-22,donation,,,,,,-400.00,CNY,A,seq:1,",
        b"5,2019-02-22,expense,,,,,,-1.00,CNY,SF,seq:2,",  # not a donation's
        b'6,2019-02-22,donation,,,,,,-50,CNY,"A, B",seq:4,"a correction, of a correction"',
    ]
    found = donation_corrections(lines)
    assert found == {1: [(4, "-400.00"), (6, "-50")]}
    files = dict(correction_shards(found, 1001))
    assert files == {"corrections/0.json": b'{"1":[[4,"-400.00"],[6,"-50"]]}\n', "corrections/1.json": b"{}\n"}
    assert dict(correction_shards({1000: [(1001, "-1")], 1001: [(1002, "-2")], 2: [(3, "-3")]}, 1002)) == {
        "corrections/0.json": b'{"2":[[3,"-3"]],"1000":[[1001,"-1"]]}\n',
        "corrections/1.json": b'{"1001":[[1002,"-2"]]}\n',
    }
    assert dict(correction_shards({}, 0)) == {}
