"""The auditor's checks of a built or downloaded site, and receipt proofs.

``python build.py verify <site-dir>`` recomputes every ledger's Merkle tree from the published
CSV and checks the published checkpoint (and its signature), the consistency proofs, the
tiles, entry bundles and receipt shards the browser relies on, and optionally an earlier
checkpoint the auditor saved. ``python build.py proof <campaign> <receipt>`` prints a
c2sp.org/tlog-proof@v1 for one donation.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from pathlib import Path

from hooks.checkpoint import (
    Checkpoint,
    check_sealed,
    parse_checkpoint,
    parse_tlog_proof,
    read_checkpoints,
    tlog_proof,
    verify_note,
)
from hooks.history import entry_lines
from hooks.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from hooks.tiles import donation_receipts, entry_bundles, receipt_shard, tiles


@dataclass
class _Report:
    lines: list[str] = field(default_factory=list)
    failure: str | None = None

    def ok(self, text: str) -> None:
        self.lines.append(f"checked {text}")

    def fail(self, text: str) -> None:
        self.lines.append(f"FAILED: {text}")
        if self.failure is None:
            self.failure = text


def _read_proof(data: bytes) -> list[bytes]:
    try:
        hashes = [base64.b64decode(row, validate=True) for row in data.split()]
    except binascii.Error as exc:
        raise ValueError("a proof line is not base64") from exc
    if any(len(h) != 32 for h in hashes):
        raise ValueError("a proof line is not a SHA-256 hash")
    return hashes


def _read_note(text: str, verifier_key: str | None) -> tuple[Checkpoint, str]:
    """The checkpoint, and how it was checked; raises ValueError."""
    how = "unsigned check"
    if verifier_key is not None:
        verify_note(text, verifier_key)
        how = f"signature by {verifier_key.split('+', 1)[0]}"
    return parse_checkpoint(text), how


def verify_site(
    site_dir: Path,
    *,
    verifier_key: str | None = None,
    previous_checkpoint: str | None = None,
) -> tuple[list[str], str | None]:
    """Check every ``ledgers/<id>.csv`` of a site against what was published beside it.

    Returns the report lines (``checked …`` / ``FAILED: …``) for the command to print, and
    the first failure, None when everything holds.
    """
    report = _Report()
    csvs = sorted((site_dir / "ledgers").glob("*.csv"))
    if not csvs:
        report.fail(f"no ledgers/<id>.csv in {site_dir}: is this a built site?")
    previous = None
    if previous_checkpoint is not None:
        try:
            previous = _read_note(previous_checkpoint, verifier_key)[0]
        except ValueError as exc:
            report.fail(f"the saved checkpoint: {exc}")
    matched = False
    for path in csvs:
        checkpoint = _verify_ledger(site_dir, path, verifier_key, report)
        if previous is not None and checkpoint is not None:
            if checkpoint.origin == previous.origin:
                matched = True
                _verify_previous(site_dir, path.stem, previous, checkpoint, report)
    if previous is not None and not matched:
        report.fail(f"no published ledger has the saved checkpoint's origin {previous.origin}")
    return report.lines, report.failure


def _verify_ledger(site_dir: Path, path: Path, verifier_key: str | None, report: _Report) -> Checkpoint | None:
    lid = path.stem
    rel = f"ledgers/{lid}.csv"
    lines = entry_lines(path.read_bytes())
    tree = MerkleTree.from_leaves(lines)
    root = tree.root()
    report.ok(f"{rel}: {tree.size} entries, Merkle root {root.hex()}")
    folder = site_dir / "ledgers" / lid
    note = folder / "checkpoint"
    if not note.is_file():
        report.fail(f"ledgers/{lid}/checkpoint is missing")
        return None
    try:
        checkpoint, how = _read_note(note.read_text("utf-8"), verifier_key)
    except (ValueError, UnicodeDecodeError) as exc:
        report.fail(f"ledgers/{lid}/checkpoint: {exc}")
        return None
    if checkpoint.size != tree.size or checkpoint.root != root:
        report.fail(
            f"ledgers/{lid}/checkpoint says size {checkpoint.size}, root "
            f"{checkpoint.root.hex()}, but {rel} has {tree.size} entries with root {root.hex()}"
        )
        return checkpoint
    report.ok(f"ledgers/{lid}/checkpoint: size and root match ({how})")
    for proof_path in sorted((folder / "consistency").glob("*"), key=lambda p: p.name.zfill(20)):
        _verify_consistency_file(proof_path, lid, tree, report)
    sealed = site_dir / "ledgers" / f"{lid}.checkpoints"
    if sealed.is_file():
        heads, problems = read_checkpoints(sealed.read_bytes(), f"ledgers/{lid}.checkpoints")
        problems += check_sealed(heads, tree, rel, f"ledgers/{lid}.checkpoints", lines=lines)
        for problem in problems:
            report.fail(f"{problem.path}: {problem.got}")
        if not problems:
            report.ok(f"ledgers/{lid}.checkpoints: {len(heads)} sealed heads hold")
    _verify_browser_files(folder, lid, tree, lines, report)
    return checkpoint


def _verify_consistency_file(path: Path, lid: str, tree: MerkleTree, report: _Report) -> None:
    name = f"ledgers/{lid}/consistency/{path.name}"
    if not path.name.isdigit() or not 0 < int(path.name) <= tree.size:
        report.fail(f"{name}: not a size between 1 and {tree.size}")
        return
    m = int(path.name)
    try:
        proof = _read_proof(path.read_bytes())
    except ValueError as exc:
        report.fail(f"{name}: {exc}")
        return
    if verify_consistency(m, tree.size, tree.root(m), tree.root(), proof):
        report.ok(f"{name}: the first {m} entries are unchanged in the current ledger")
    else:
        report.fail(f"{name}: the proof does not show size {m} is a prefix of size {tree.size}")


def _verify_previous(site_dir: Path, lid: str, previous: Checkpoint, current: Checkpoint, report: _Report) -> None:
    m, n = previous.size, current.size
    if m > n:
        report.fail(f"ledgers/{lid}: the saved checkpoint has {m} entries, the site only {n}")
        return
    published = site_dir / "ledgers" / lid / "consistency" / str(m)
    proof: list[bytes] | None = None
    if published.is_file():
        try:
            proof = _read_proof(published.read_bytes())
        except ValueError:
            proof = None
    if proof is None:
        lines = entry_lines((site_dir / "ledgers" / f"{lid}.csv").read_bytes())
        proof = MerkleTree.from_leaves(lines).consistency_proof(m)
    if verify_consistency(m, n, previous.root, current.root, proof):
        report.ok(f"ledgers/{lid}: the saved checkpoint (size {m}) is a prefix of size {n}")
    else:
        report.fail(
            f"ledgers/{lid}: history was rewritten since the saved checkpoint (size {m}, root "
            f"{previous.root.hex()}): its entries are not the first {m} of the ledger now"
        )


def _verify_browser_files(folder: Path, lid: str, tree: MerkleTree, lines: list[bytes], report: _Report) -> None:
    expected = dict(tiles(tree))
    expected.update(entry_bundles(lines))
    bad = [p for p, data in expected.items() if _read(folder / p) != data]
    if bad:
        report.fail(f"ledgers/{lid}/{bad[0]} (and {len(bad) - 1} more) differ from the ledger")
    else:
        report.ok(f"ledgers/{lid}/tile: {len(expected)} tiles and entry bundles match")
    meta_data = _read(folder / "receipts" / "index.json")
    try:
        prefix = int(json.loads(meta_data or b"")["prefix"])
    except (ValueError, KeyError, TypeError):
        report.fail(f"ledgers/{lid}/receipts/index.json is missing or malformed")
        return
    wanted = donation_receipts(lines)
    shards: dict[str, dict[str, int] | None] = {}
    for code, index in wanted.items():
        name = receipt_shard(code, prefix)
        if name not in shards:
            shards[name] = _read_json(folder / "receipts" / f"{name}.json")
        shard = shards[name]
        if shard is None or shard.get(code) != index:
            report.fail(f"ledgers/{lid}/receipts/{name}.json does not lead receipt {code} to seq {index + 1}")
            return
    report.ok(f"ledgers/{lid}/receipts: all {len(wanted)} receipt codes lead to their entries")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _read_json(path: Path) -> dict[str, int] | None:
    data = _read(path)
    try:
        value = json.loads(data) if data is not None else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def proof_for_receipt(csv_bytes: bytes, checkpoint_text: str, receipt: str) -> str:
    """The c2sp.org/tlog-proof@v1 text showing the donation with ``receipt`` is in the ledger.

    Raises LookupError for an unknown receipt (or one newer than the checkpoint), and
    ValueError when the ledger does not match the checkpoint.
    """
    lines = entry_lines(csv_bytes)
    code = receipt.strip()
    index = donation_receipts(lines).get(code)
    if index is None:
        raise LookupError(
            f'no donation in this ledger has the receipt code "{code}"; check the code on '
            "the receipt (letters, digits and dashes exactly as printed)"
        )
    checkpoint = parse_checkpoint(checkpoint_text)
    if index >= checkpoint.size:
        raise LookupError(
            f'the donation "{code}" (seq {index + 1}) is newer than the checkpoint '
            f"({checkpoint.size} entries); rebuild the site and try again"
        )
    if checkpoint.size > len(lines):
        raise ValueError(f"the checkpoint has {checkpoint.size} entries, the ledger {len(lines)}")
    tree = MerkleTree.from_leaves(lines[: checkpoint.size])
    if tree.root() != checkpoint.root:
        raise ValueError("the ledger does not match the checkpoint: history was rewritten")
    return tlog_proof(index, tree.inclusion_proof(index), checkpoint_text)


def check_receipt_proof(proof_text: str, line: bytes, verifier_key: str | None = None) -> int:
    """Check a tlog-proof for the entry ``line``; its index. Raises ValueError when it fails."""
    proof = parse_tlog_proof(proof_text)
    if verifier_key is not None:
        verify_note(proof.checkpoint, verifier_key)
    checkpoint = parse_checkpoint(proof.checkpoint)
    if not verify_inclusion(leaf_hash(line), proof.index, checkpoint.size, proof.proof, checkpoint.root):
        raise ValueError("the proof does not show this entry in the checkpointed ledger")
    return proof.index
