"""RFC 6962 / RFC 9162 Merkle trees over SHA-256: roots, inclusion and consistency proofs.

Leaf hash ``SHA-256(0x00 || data)``, node hash ``SHA-256(0x01 || left || right)``. A
`MerkleTree` keeps every level of complete subtrees, so the root of any prefix and any
proof cost O(log² n) hashes once the tree is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from hashlib import sha256

HASH_SIZE = 32


def leaf_hash(data: bytes) -> bytes:
    """The RFC 6962 hash of one leaf: ``SHA-256(0x00 || data)``."""
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 6962 hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return sha256(b"\x01" + left + right).digest()


def leaf_level(lines: Iterable[bytes]) -> bytes:
    """The leaf hashes of ``lines``, one after another (32 bytes each): level 0 of the tree."""
    h = sha256
    return b"".join([h(b"\x00" + line).digest() for line in lines])


def tree_levels(leaves: bytes) -> list[bytes]:
    """Every level of complete subtrees over the leaf hashes ``leaves``, from the leaves up.

    Each level is one bytes object (its hashes one after another), so that a million-leaf
    tree is a few objects, not millions.
    """
    levels = [leaves]
    level = leaves
    h = sha256
    while len(level) >= 2 * HASH_SIZE:
        end = len(level) - 2 * HASH_SIZE + 1
        level = b"".join([h(b"\x01" + level[i : i + 64]).digest() for i in range(0, end, 64)])
        levels.append(level)
    return levels


def _split(n: int) -> int:
    """The largest power of two strictly less than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """A Merkle tree over a list of leaf hashes, keeping every level of complete subtrees.

    ``levels[k]`` is the concatenation of the hashes of the complete, aligned subtrees of
    ``2**k`` leaves (``size >> k`` hashes of 32 bytes), so any prefix root and any proof are
    read from stored hashes rather than recomputed.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        level = b"".join(leaf_hashes)
        if len(level) % HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes each")
        self.size = len(level) // HASH_SIZE
        self.levels: list[bytes] = tree_levels(level)

    @classmethod
    def from_leaves(cls, lines: Iterable[bytes]) -> MerkleTree:
        """The tree whose leaf ``i`` is ``lines[i]`` (the bytes of entry line i+1, no line end)."""
        return cls((leaf_level(lines),))

    def extend(self, leaf_hashes: bytes) -> MerkleTree:
        """The tree with the leaf hashes `leaf_hashes` (32 bytes each) appended: only the new
        leaves and the right edge of each level are hashed; the complete subtrees of this tree
        are kept as they are."""
        if len(leaf_hashes) % HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes each")
        level = self.levels[0] + leaf_hashes
        levels = [level]
        h = sha256
        while len(level) >= 2 * HASH_SIZE:
            k = len(levels)
            kept = self.levels[k] if k < len(self.levels) else b""  # pairs of this tree's nodes only
            end = len(level) - 2 * HASH_SIZE + 1
            level = kept + b"".join([h(b"\x01" + level[i : i + 64]).digest() for i in range(2 * len(kept), end, 64)])
            levels.append(level)
        return MerkleTree.of_levels(levels)

    @classmethod
    def of_levels(cls, levels: list[bytes]) -> MerkleTree:
        """The tree whose levels (`levels`, as `tree_levels` makes them) are known."""
        tree = cls.__new__(cls)
        tree.levels = levels
        tree.size = len(levels[0]) // HASH_SIZE
        return tree

    def to_bytes(self) -> bytes:
        """Every level, each after its length (8 bytes): what `from_bytes` reads back."""
        return b"".join(len(level).to_bytes(8, "big") + level for level in self.levels)

    @classmethod
    def from_bytes(cls, data: bytes) -> MerkleTree:
        """A tree written by `to_bytes`; ValueError when `data` is not one (its levels are not
        checked against each other: `data` is trusted, as the build cache's entries are)."""
        levels: list[bytes] = []
        pos = 0
        while pos < len(data):
            n = int.from_bytes(data[pos : pos + 8], "big")
            levels.append(data[pos + 8 : pos + 8 + n])
            pos += 8 + n
            if len(levels[-1]) != n or n % HASH_SIZE:
                raise ValueError("not a Merkle tree's levels")
        if not levels:
            raise ValueError("not a Merkle tree's levels")
        for below, above in zip(levels, levels[1:], strict=False):
            if len(above) != len(below) // (2 * HASH_SIZE) * HASH_SIZE:
                raise ValueError("not a Merkle tree's levels")
        return cls.of_levels(levels)

    def leaf(self, index: int) -> bytes:
        """The hash of leaf ``index`` (zero-based)."""
        return self.node(0, index)

    def node(self, level: int, index: int) -> bytes:
        """The hash of the complete subtree of ``2**level`` leaves from leaf ``index << level``."""
        start = index * HASH_SIZE
        return self.levels[level][start : start + HASH_SIZE]

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is outside 0..{self.size}")
        return size

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a range whose start is aligned as in RFC 6962 recursion."""
        n = end - start
        if n == 0:
            return sha256(b"").digest()
        if n & (n - 1) == 0:
            k = n.bit_length() - 1
            return self.node(k, start >> k)
        k = _split(n)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the first ``size`` leaves (all of them when None)."""
        n = self._size(size)
        if n == 0:
            return sha256(b"").digest()
        # The root is the right fold of the complete subtrees given by the bits of n.
        result = b""
        end = n
        for k in range(n.bit_length()):
            if n >> k & 1:
                start = end - (1 << k)
                h = self.node(k, start >> k)
                result = h if not result else node_hash(h, result)
                end = start
        return result

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The RFC 9162 §2.1.3.1 inclusion proof of leaf ``index`` in the tree of ``size``."""
        n = self._size(size)
        if not 0 <= index < n:
            raise ValueError(f"leaf index {index} is outside 0..{n - 1}")
        proof: list[bytes] = []
        start, end = 0, n
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                proof.append(self.subtree(start + k, end))
                end = start + k
            else:
                proof.append(self.subtree(start, start + k))
                start += k
        proof.reverse()
        return proof

    def consistency_proof(self, m: int, n: int | None = None) -> list[bytes]:
        """The RFC 9162 §2.1.4.1 consistency proof from size ``m`` to size ``n``.

        Empty when ``m`` is 0 or equals ``n``.
        """
        size = self._size(n)
        if not 0 <= m <= size:
            raise ValueError(f"old size {m} is outside 0..{size}")
        if m == 0 or m == size:
            return []
        proof: list[bytes] = []
        start, end, whole = 0, size, True
        while True:
            span = end - start
            if m == span:
                if not whole:
                    proof.append(self.subtree(start, end))
                break
            k = _split(span)
            if m <= k:
                proof.append(self.subtree(start + k, end))
                end = start + k
            else:
                proof.append(self.subtree(start, start + k))
                start += k
                m -= k
                whole = False
        proof.reverse()
        return proof


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: whether ``proof`` shows leaf hash ``leaf`` at ``index`` under ``root``."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m: int, n: int, root_m: bytes, root_n: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: whether ``proof`` shows the size-``m`` tree is a prefix of size ``n``."""
    if not 0 <= m <= n:
        return False
    if m == n:
        return not proof and root_m == root_n
    if m == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, root_m)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root_m and sr == root_n and sn == 0
