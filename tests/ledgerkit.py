"""Every file a ledger publishes under ``ledgers/<id>/``, composed in memory: what the
publisher (harvest/publish/) must write, as the tests expect it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from harvest.proofs.merkle import MerkleTree
from harvest.proofs.tiles import (
    correction_shards,
    donation_corrections,
    entry_bundles,
    proof_text,
    receipt_shards,
    tiles,
)


def site_files(
    tree: MerkleTree,
    lines: Sequence[bytes],
    receipts: Mapping[str, int],
    sealed_sizes: Sequence[int],
    *,
    checkpoint: str | None = None,
) -> dict[str, bytes]:
    """Every file under ``ledgers/<id>/`` for receipt look-up and audit: relative path → bytes.

    ``receipts`` maps receipt code → zero-based leaf index; ``sealed_sizes`` are the sizes of
    the sealed heads (each gets ``consistency/<m>``). Deterministic for the same input.
    """
    if len(lines) != tree.size:
        raise ValueError(f"{len(lines)} lines for a tree of {tree.size} leaves")
    files: dict[str, bytes] = {}
    files.update(tiles(tree))
    files.update(entry_bundles(lines))
    files.update(receipt_shards(receipts, tree.size))
    files.update(correction_shards(donation_corrections(lines), tree.size))
    for m in sorted(set(sealed_sizes)):
        if 0 < m <= tree.size:
            files[f"consistency/{m}"] = proof_text(tree.consistency_proof(m))
    if checkpoint is not None:
        files["checkpoint"] = checkpoint.encode("utf-8")
    return dict(sorted(files.items()))
