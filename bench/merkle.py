"""Time the ledger integrity work for a 1,000,000-entry ledger and print the figures.

Run: .venv/bin/python bench/merkle.py [entries] [rounds]
Each figure is the best of `rounds` runs (the machine may be shared).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harvest.proofs.merkle import MerkleTree  # noqa: E402
from harvest.proofs.tiles import (  # noqa: E402
    correction_shards,
    donation_corrections,
    entry_bundles,
    receipt_shards,
    site_files,
    tiles,
)

T = TypeVar("T")


def best(rounds: int, work: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    lines = [
        f"{i + 1},2020-03-02,donation,,,,,,{i % 500 + 1}.00,CNY,匿名,R2020-{i + 1:07d},直播助农".encode()
        for i in range(n)
    ]
    receipts = {f"R2020-{i + 1:07d}": i for i in range(n)}  # worst case: every entry a donation
    sealed = [n // 10 * k for k in range(1, 10)] + [n - 1]

    t_tree, tree = best(rounds, lambda: MerkleTree.from_leaves(lines))
    t_root, _ = best(rounds, lambda: [tree.root(m) for m in sealed])
    t_proofs, _ = best(rounds, lambda: [tree.consistency_proof(m) for m in sealed])
    t_incl, _ = best(rounds, lambda: [tree.inclusion_proof(i) for i in range(0, n, n // 1000)])
    t_tiles, tile_files = best(rounds, lambda: dict(tiles(tree)))
    t_bundles, bundles = best(rounds, lambda: dict(entry_bundles(lines)))
    t_shards, shards = best(rounds, lambda: dict(receipt_shards(receipts, n)))
    # Every 11th entry a correction of the donation before it: 9 % of entries, far above real ledgers.
    corrected = [line if (i + 1) % 11 else f"{i + 1},2020-03-03,donation,,,,,,-1.00,CNY,匿名,seq:{i},更正".encode()
                 for i, line in enumerate(lines)]
    t_corr, corr = best(rounds, lambda: dict(correction_shards(donation_corrections(corrected), n)))
    t_all, files = best(rounds, lambda: site_files(tree, lines, receipts, sealed))
    biggest = max(files, key=lambda p: len(files[p]))

    print(f"entries: {n:,}   (best of {rounds} runs)")
    print(f"tree, all levels (leaf + node hashing):   {t_tree:6.3f} s")
    print(f"roots of {len(sealed)} sealed sizes:              {t_root * 1000:6.2f} ms")
    print(f"{len(sealed)} consistency proofs:                  {t_proofs * 1000:6.2f} ms")
    print(f"1000 inclusion proofs:                    {t_incl * 1000:6.2f} ms")
    print(f"hash tiles ({len(tile_files):,} files):                {t_tiles:6.3f} s")
    print(f"entry bundles ({len(bundles):,} files):             {t_bundles:6.3f} s")
    print(f"receipt shards ({len(shards):,} files, {n:,} codes): {t_shards:6.3f} s")
    print(f"corrections ({len(corr):,} files, {n // 11:,} corrections): {t_corr:6.3f} s, "
          f"largest {max(map(len, corr.values())):,} bytes")
    print(f"site_files (all of the above but the tree): {t_all:6.3f} s")
    print(f"total, tree + site_files:                 {t_tree + t_all:6.3f} s")
    print(f"files: {len(files):,}; largest {biggest} = {len(files[biggest]):,} bytes")


if __name__ == "__main__":
    main()
