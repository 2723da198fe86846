"""The files a reader's browser needs to verify a receipt, none of them large.

Under ``ledgers/<id>/`` the build publishes:

- ``tile/<L>/<N>[.p/<W>]``: C2SP tlog-tiles (https://c2sp.org/tlog-tiles) of height 8; tile
  ``N`` at level ``L`` holds up to 256 hashes of tree level ``8 * L``, so a browser derives any
  inclusion proof from at most a few 8 KB files;
- ``tile/entries/<N>[.p/<W>]``: the tlog-tiles entry bundles, the entry lines themselves
  (each a big-endian uint16 length, then the line's bytes), 256 a bundle;
- ``receipts/index.json``: ``{"hash": "sha256", "prefix": p, "size": n}``;
- ``receipts/<xx>.json``: receipt code → zero-based leaf index, for the codes whose
  SHA-256 (of their UTF-8 bytes) starts with the hex digits ``xx`` (``p`` of them); every
  shard exists, empty ones as ``{}``, so a missing shard means a broken site;
- ``corrections/<k>.json``: the corrections of the donations of seq ``1000 k + 1`` to
  ``1000 (k + 1)`` (`format.CHUNK_ENTRIES`), as ``{"<seq>": [[<seq>, "<amount>"], …]}``: the
  donation's seq → each correcting entry's seq and amount as the ledger writes it (a
  correction of a correction counts against the donation it finally corrects); every such
  file exists, ``{}`` when no donation in its range was corrected;
- ``consistency/<m>``: the RFC 9162 consistency proof from sealed size ``m`` to the current
  size, one base64 hash a line;
- ``checkpoint``: the (signed) checkpoint note, when given.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from hashlib import sha256
from json.encoder import encode_basestring  # type: ignore[attr-defined]

from harvest.ledger.format import (
    CHUNK_ENTRIES,
    INDEX,
    correction_of_fields,
    normalise_receipt,
    receipt_of_fields,
    split_line,
)
from harvest.proofs.merkle import HASH_SIZE, MerkleTree

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
SHARD_TARGET_BYTES = 24_000
_MAX_PREFIX = 6


def tile_index_path(n: int) -> str:
    """The tlog-tiles path of index ``n``: three-digit groups, all but the last with ``x``."""
    groups = [f"{n % 1000:03d}"]
    n //= 1000
    while n:
        groups.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(groups))


def tile_path(level: int, n: int, width: int = TILE_WIDTH) -> str:
    """``tile/<L>/<N>`` for a full tile, ``tile/<L>/<N>.p/<W>`` for a partial one."""
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/{level}/{tile_index_path(n)}{suffix}"


def entries_path(n: int, width: int = TILE_WIDTH) -> str:
    """The path of entry bundle ``n`` (partial when ``width`` < 256)."""
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/entries/{tile_index_path(n)}{suffix}"


def tiles(tree: MerkleTree) -> Iterable[tuple[str, bytes]]:
    """Every hash tile of the tree at its current size, level by level."""
    level = 0
    while TILE_HEIGHT * level < len(tree.levels):
        hashes = tree.levels[TILE_HEIGHT * level]
        count = len(hashes) // HASH_SIZE
        if count == 0:
            break
        span = TILE_WIDTH * HASH_SIZE
        for n in range(0, (count + TILE_WIDTH - 1) // TILE_WIDTH):
            data = hashes[n * span : (n + 1) * span]
            yield tile_path(level, n, len(data) // HASH_SIZE), data
        level += 1


def entry_bundles(lines: Sequence[bytes], start: int = 0) -> Iterable[tuple[str, bytes]]:
    """The tlog-tiles entry bundles: each line as a big-endian uint16 length and its bytes.

    ``lines[0]`` is the first line of bundle ``start`` (a ledger given in parts).
    """
    for n in range(0, (len(lines) + TILE_WIDTH - 1) // TILE_WIDTH):
        chunk = lines[n * TILE_WIDTH : (n + 1) * TILE_WIDTH]
        if max(map(len, chunk)) > 0xFFFF:
            raise ValueError("a ledger line is longer than 65535 bytes")
        data = b"".join([len(line).to_bytes(2, "big") + line for line in chunk])
        yield entries_path(start + n, len(chunk)), data


def shard_prefix_length(receipts: Mapping[str, int]) -> int:
    """How many hex digits name a receipt shard, so that shards stay near 24 KB."""
    total = sum(map(len, receipts)) + 12 * len(receipts)
    p = 1
    while p < _MAX_PREFIX and total > SHARD_TARGET_BYTES * 16**p:
        p += 1
    return p


def receipt_shard(code: str, prefix: int) -> str:
    """The shard name of a receipt code: the first ``prefix`` hex digits of the SHA-256 of its
    normalised form (`format.normalise_receipt`), so that ＨＬ2019－000123 typed from paper and
    hl2019-000123 find the same donation."""
    return sha256(normalise_receipt(code).encode("utf-8")).hexdigest()[:prefix]


def receipt_shards(receipts: Mapping[str, int], size: int) -> Iterable[tuple[str, bytes]]:
    """``receipts/index.json`` and every ``receipts/<xx>.json`` shard.

    Entries are in leaf order within each byte prefix of the code's hash.
    """
    p = shard_prefix_length(receipts)
    codes, indices = list(receipts), list(receipts.values())
    if indices != sorted(indices):
        pairs = sorted(receipts.items(), key=lambda item: item[1])
        codes, indices = [c for c, _ in pairs], [i for _, i in pairs]
    # List comprehensions and raw digest bytes: per-entry work dominates for a million codes.
    width = (p + 1) // 2
    h, enc = sha256, encode_basestring
    # A shard maps each code's normalised form to its entry (the rules refuse two donations
    # whose codes have the same form); the page normalises what the donor types the same way.
    codes = [normalise_receipt(code) for code in codes]
    keys = [h(code.encode("utf-8")).digest()[:width] for code in codes]
    entries = [f"{enc(code)}:{index}" for code, index in zip(codes, indices, strict=True)]
    by_key: dict[bytes, list[str]] = {}
    for key, entry in zip(keys, entries, strict=True):
        by_key.setdefault(key, []).append(entry)
    shards: dict[str, list[str]] = {f"{i:0{p}x}": [] for i in range(16**p)}
    for key in sorted(by_key):
        shards[key.hex()[:p]] += by_key[key]
    yield "receipts/index.json", _json({"hash": "sha256", "prefix": p, "size": size})
    for name, group in shards.items():
        yield f"receipts/{name}.json", ("{" + ",".join(group) + "}\n").encode("utf-8")


def donation_corrections(lines: Iterable[bytes]) -> dict[int, list[tuple[int, str]]]:
    """The corrected donations of a ledger's entry lines: the donation's seq → the seq and
    amount (as written) of each entry correcting it, in ledger order. A correction of a
    correction is listed under the donation the chain ends at, as `rules.correction_problems`
    counts it. The seq of a line is its place (``lines[0]`` is seq 1), as in a checked ledger.
    Only lines holding ``seq:`` are taken apart, so a million lines take a fraction of a second.
    """
    return _corrections((seq, line) for seq, line in enumerate(lines, 1) if b"seq:" in line)


def file_corrections(data: bytes) -> dict[int, list[tuple[int, str]]]:
    """`donation_corrections` of a checked ledger file's entry lines (LF line ends), found by
    searching its bytes for ``seq:``: the other lines are never split apart."""
    return _corrections(_lines_holding(data, b"seq:"))


def _lines_holding(data: bytes, what: bytes) -> Iterator[tuple[int, bytes]]:
    """(seq, line) of each entry line of `data` holding `what` (the header is line 0)."""
    seq, counted = 0, 0
    pos = data.find(what, data.find(b"\n") + 1)
    while pos != -1:
        start = data.rfind(b"\n", 0, pos) + 1
        end = data.find(b"\n", pos)
        end = len(data) if end == -1 else end
        seq += data.count(b"\n", counted, start)
        counted = start
        yield seq, data[start:end]
        pos = data.find(what, end)


def _corrections(candidates: Iterable[tuple[int, bytes]]) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = {}
    root: dict[int, int] = {}  # the seq of a correction -> the donation it finally corrects
    amount = INDEX["amount"]
    for seq, line in candidates:
        try:
            fields = split_line(line.decode("utf-8", "replace"))
        except csv.Error:
            continue  # not one CSV record: the ledger's own check reports it
        target = correction_of_fields(fields)
        if target is None or not 1 <= target < seq:
            continue
        donation = root.get(target, target)
        root[seq] = donation
        found.setdefault(donation, []).append((seq, fields[amount]))
    return found


def correction_shards(corrections: Mapping[int, Sequence[tuple[int, str]]], size: int) -> Iterable[tuple[str, bytes]]:
    """Every ``corrections/<k>.json`` of a ledger of ``size`` entries (`donation_corrections`)."""
    shards: list[dict[str, list[list[int | str]]]] = [{} for _ in range((size + CHUNK_ENTRIES - 1) // CHUNK_ENTRIES)]
    for seq in sorted(corrections):
        if 1 <= seq <= size:
            shards[(seq - 1) // CHUNK_ENTRIES][str(seq)] = [[s, a] for s, a in corrections[seq]]
    for k, shard in enumerate(shards):
        text = json.dumps(shard, ensure_ascii=False, separators=(",", ":"))  # in seq order, not sorted as text
        yield f"corrections/{k}.json", (text + "\n").encode("utf-8")


def _json(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def proof_text(proof: Sequence[bytes]) -> bytes:
    """A proof as published: one base64 hash a line."""
    return b"".join(base64.b64encode(h) + b"\n" for h in proof)


def donation_receipts(lines: Sequence[bytes]) -> dict[str, int]:
    """Receipt code → zero-based leaf index for every donation entry with a receipt code.

    Corrections (reference ``seq:N``) carry no receipt; the first entry wins a repeated code.
    """
    found: dict[str, int] = {}
    if add_receipts(found, lines, 0):
        return found
    return _receipts_by_csv(lines)


def add_receipts(found: dict[str, int], lines: Iterable[bytes], start: int) -> bool:
    """`donation_receipts` of ``lines`` added to ``found``, ``lines[0]`` being leaf ``start``.

    Only lines naming a donation, or holding quotes or line-break characters, are taken
    apart. False (``found`` then incomplete) when such a line is not one CSV record by itself
    (an unclosed quote, say): a CSV reader would read on into the next line, and only
    `donation_receipts` over every line says what that means.
    """
    for index, line in enumerate(lines, start):
        simple = b'"' not in line and b"\r" not in line and b"\n" not in line
        if simple and b"donation" not in line:  # any CSV spelling of the field holds these bytes
            continue
        try:
            code = receipt_of_fields(split_line(line.decode("utf-8", "replace")))
        except csv.Error:
            return False
        if code is not None:
            found.setdefault(code, index)
    return True


def _receipts_by_csv(lines: Sequence[bytes]) -> dict[str, int]:
    found: dict[str, int] = {}
    rows = csv.reader(line.decode("utf-8", "replace") for line in lines)
    for index, row in enumerate(rows):
        code = receipt_of_fields(row)
        if code is not None:
            found.setdefault(code, index)
    return found
