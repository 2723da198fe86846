"""RFC 6962 / RFC 9162 Merkle trees: the shared test vectors, and properties of proofs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvest.proofs.merkle import (
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parent / "data" / "rfc6962.json"


def load_vectors() -> dict[str, Any]:
    if not VECTORS.is_file():
        pytest.fail(
            f"the shared RFC 6962 test vectors are missing: expected {VECTORS} (tests/data/README.md says where they come from)"
        )
    data: dict[str, Any] = json.loads(VECTORS.read_text("utf-8"))
    return data


V = load_vectors() if VECTORS.is_file() else {"roots_hex": [], "inclusion": [], "consistency": []}


def vector_tree() -> MerkleTree:
    return MerkleTree.from_leaves([bytes.fromhex(x) for x in load_vectors()["leaf_inputs_hex"]])


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 6962 §2.1, recursive, to check the stored-level tree against."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])).digest()


def flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << bit)]) + h[1:]


def test_vectors_are_present_and_complete() -> None:
    data = load_vectors()
    assert len(data["roots_hex"]) == 9
    assert data["inclusion"] and data["consistency"]


def test_hash_functions_follow_rfc6962() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    assert leaf_hash(b"").hex() == load_vectors()["roots_hex"][1]


@pytest.mark.parametrize("size", range(9))
def test_roots_match_vectors(size: int) -> None:
    expected = bytes.fromhex(load_vectors()["roots_hex"][size])
    assert vector_tree().root(size) == expected
    leaves = [bytes.fromhex(x) for x in load_vectors()["leaf_inputs_hex"][:size]]
    assert MerkleTree.from_leaves(leaves).root() == expected


@pytest.mark.parametrize("case", V["inclusion"], ids=lambda c: f"{c['index']}-of-{c['size']}")
def test_inclusion_vectors(case: dict[str, Any]) -> None:
    tree = vector_tree()
    proof = [bytes.fromhex(h) for h in case["proof"]]
    assert tree.inclusion_proof(case["index"], case["size"]) == proof
    root = bytes.fromhex(load_vectors()["roots_hex"][case["size"]])
    leaf = leaf_hash(bytes.fromhex(load_vectors()["leaf_inputs_hex"][case["index"]]))
    assert verify_inclusion(leaf, case["index"], case["size"], proof, root)
    assert not verify_inclusion(flip(leaf), case["index"], case["size"], proof, root)
    assert not verify_inclusion(leaf, case["index"], case["size"], proof, flip(root))
    if proof:
        assert not verify_inclusion(leaf, case["index"], case["size"], proof[:-1], root)
        assert not verify_inclusion(leaf, case["index"], case["size"], [flip(proof[0], 7), *proof[1:]], root)


@pytest.mark.parametrize("case", V["consistency"], ids=lambda c: f"{c['size1']}-to-{c['size2']}")
def test_consistency_vectors(case: dict[str, Any]) -> None:
    tree = vector_tree()
    m, n = case["size1"], case["size2"]
    proof = [bytes.fromhex(h) for h in case["proof"]]
    assert tree.consistency_proof(m, n) == proof
    roots = [bytes.fromhex(r) for r in load_vectors()["roots_hex"]]
    assert verify_consistency(m, n, roots[m], roots[n], proof)
    assert not verify_consistency(m, n, flip(roots[m]), roots[n], proof)
    assert not verify_consistency(m, n, roots[m], flip(roots[n]), proof)
    if proof:
        assert not verify_consistency(m, n, roots[m], roots[n], [*proof[:-1], flip(proof[-1])])


def test_empty_and_out_of_range() -> None:
    tree = MerkleTree.from_leaves([b"a", b"b", b"c"])
    assert MerkleTree().root() == hashlib.sha256(b"").digest()
    assert tree.consistency_proof(0) == [] and tree.consistency_proof(3) == []
    assert verify_consistency(0, 3, b"", tree.root(), [])
    assert not verify_consistency(3, 2, tree.root(3), tree.root(2), [])
    assert not verify_consistency(2, 3, tree.root(2), tree.root(3), [])
    assert not verify_inclusion(tree.leaf(0), 3, 3, [], tree.root())
    with pytest.raises(ValueError):
        tree.root(4)
    with pytest.raises(ValueError):
        tree.inclusion_proof(3)
    with pytest.raises(ValueError):
        tree.consistency_proof(4)
    with pytest.raises(ValueError):
        MerkleTree([b"short"])


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.randoms(use_true_random=False))
def test_every_inclusion_proof_verifies(size: int, rnd: Any) -> None:
    lines = [f"{i},line".encode() for i in range(size)]
    tree = MerkleTree.from_leaves(lines)
    assert tree.root() == reference_root(lines)
    for prefix in {size, rnd.randint(1, size)}:
        root = tree.root(prefix)
        assert root == reference_root(lines[:prefix])
        for index in range(prefix):
            proof = tree.inclusion_proof(index, prefix)
            assert verify_inclusion(tree.leaf(index), index, prefix, proof, root)
    index = rnd.randrange(size)
    proof = tree.inclusion_proof(index)
    leaf, root = tree.leaf(index), tree.root()
    assert not verify_inclusion(flip(leaf, rnd.randrange(8)), index, size, proof, root)
    if size > 1:
        wrong = (index + 1) % size
        assert not verify_inclusion(leaf, wrong, size, proof, root)
        # A size with the same path shape can accept the proof (RFC 9162 binds the size only
        # through the shape), so take one whose path is longer.
        assert not verify_inclusion(leaf, index, 2 * size + 1, proof, root)
        bad = list(proof)
        k = rnd.randrange(len(bad))
        bad[k] = flip(bad[k], rnd.randrange(8))
        assert not verify_inclusion(leaf, index, size, bad, root)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=3000), st.data())
def test_consistency_proofs_between_sizes(size: int, data: st.DataObject) -> None:
    lines = [f"entry {i}".encode() for i in range(size)]
    tree = MerkleTree.from_leaves(lines)
    pairs = data.draw(
        st.lists(st.tuples(st.integers(1, size), st.integers(1, size)).map(sorted), min_size=1, max_size=30)
    )
    for m, n in pairs:
        proof = tree.consistency_proof(m, n)
        assert verify_consistency(m, n, tree.root(m), tree.root(n), proof)
        if m < n:
            assert not verify_consistency(m, n, flip(tree.root(m)), tree.root(n), proof)
            assert not verify_consistency(m, n, tree.root(m), flip(tree.root(n)), proof)
            assert not verify_consistency(m, 2 * n + 1, tree.root(m), tree.root(n), proof)
            if m > 1:
                assert not verify_consistency(m - 1, n, tree.root(m - 1), tree.root(n), proof)
            if proof:
                bad = [*proof[:-1], flip(proof[-1], 3)]
                assert not verify_consistency(m, n, tree.root(m), tree.root(n), bad)


def test_all_consistency_pairs_of_small_trees() -> None:
    lines = [bytes([i]) for i in range(70)]
    tree = MerkleTree.from_leaves(lines)
    for n in range(1, 71):
        for m in range(1, n + 1):
            proof = tree.consistency_proof(m, n)
            assert verify_consistency(m, n, tree.root(m), tree.root(n), proof), (m, n)
            other = MerkleTree.from_leaves([*lines[: m - 1], b"changed", *lines[m:n]])
            if m < n:
                assert not verify_consistency(m, n, other.root(m), tree.root(n), proof), (m, n)
