"""The auditor's checks of a built or downloaded site, and receipt proofs.

``python build.py verify <site-dir>`` recomputes every ledger's Merkle tree from the published
CSV and checks the published checkpoint (and its signature), the consistency proofs, the
tiles, entry bundles, receipt shards and corrections the browser relies on, and optionally an earlier
checkpoint the auditor saved. ``python build.py proof <campaign> <receipt>`` prints a
c2sp.org/tlog-proof@v1 for one donation.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harvest.ledger.format import entry_lines, normalise_receipt
from harvest.proofs.checkpoint import (
    Checkpoint,
    check_sealed,
    parse_checkpoint,
    parse_tlog_proof,
    read_checkpoints,
    tlog_proof,
    verify_note,
)
from harvest.proofs.cosignature import Policy, check_cosignatures
from harvest.proofs.logclient import FetchError, Source, TileTree
from harvest.proofs.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from harvest.proofs.tiles import (
    correction_shards,
    donation_corrections,
    donation_receipts,
    entry_bundles,
    receipt_shard,
    tiles,
)


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


@dataclass(frozen=True)
class Trust:
    """What the auditor accepts: log keys (None: the site's published ones), the witnesses and
    their quorum (None: the site's published policy), and whether unsigned logs may pass."""

    keys: tuple[str, ...] | None = None
    witnesses: tuple[str, ...] | None = None
    quorum: int | None = None
    allow_unsigned: bool = False


def _published_policy(site_dir: Path) -> tuple[dict[str, str | None], tuple[str, ...], int] | None:
    """The keys by ledger id and the witness policy of ``ledgers/logs.json``, None without it."""
    data = _read(site_dir / "ledgers" / "logs.json")
    try:
        value = json.loads(data or b"null")
        keys = {str(x["id"]): x["key"] if isinstance(x["key"], str) else None for x in value["logs"]}
        policy = value.get("witnesses") or {}
        return keys, tuple(str(k) for k in policy.get("keys", ())), int(policy.get("quorum", 0))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _key_for(origin: str, keys: Sequence[str]) -> str | None:
    if len(keys) == 1:
        return keys[0]
    return next((k for k in keys if k.split("+", 1)[0] == origin), None)


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
    trust: Trust | None = None,
) -> tuple[list[str], str | None]:
    """Check every ``ledgers/<id>.csv`` of a site against what was published beside it.

    Signatures are checked with ``verifier_key`` or ``trust.keys`` when given, else with the
    keys the site publishes (``ledgers/logs.json``); an unsigned ledger fails unless
    ``trust.allow_unsigned``. The current head must carry a quorum of valid witness
    cosignatures (the site's policy unless ``trust`` names witnesses or a quorum).
    Returns the report lines (``checked …`` / ``FAILED: …``) for the command to print, and
    the first failure, None when everything holds.
    """
    trust = trust or Trust()
    if verifier_key is not None:
        trust = Trust((verifier_key,), trust.witnesses, trust.quorum, trust.allow_unsigned)
    report = _Report()
    csvs = sorted((site_dir / "ledgers").glob("*.csv"))
    if not csvs:
        report.fail(f"no ledgers/<id>.csv in {site_dir}: is this a built site?")
    published = _published_policy(site_dir)
    site_keys, site_witnesses, site_quorum = published or ({}, (), 0)
    witnesses = trust.witnesses if trust.witnesses is not None else site_witnesses
    quorum = trust.quorum if trust.quorum is not None else site_quorum
    previous_text = previous_checkpoint
    matched = False
    for path in csvs:
        lid = path.stem
        key = _key_for(_origin_of(site_dir, lid), trust.keys) if trust.keys else site_keys.get(lid)
        if key is None and not trust.allow_unsigned:
            report.fail(f"ledgers/{lid}/checkpoint: unsigned (no verifier key); pass --allow-unsigned to check a preview")
            continue
        checkpoint = _verify_ledger(site_dir, path, key, report)
        if checkpoint is not None:
            _verify_witnesses(site_dir, lid, witnesses, quorum, report, explicit=trust.quorum is not None)
        if previous_text is not None and checkpoint is not None:
            try:
                previous = _read_note(previous_text, _key_for(checkpoint.origin, [key] if key else []))[0]
            except ValueError as exc:
                report.fail(f"the saved checkpoint: {exc}")
                previous_text = None
                continue
            if previous.origin == checkpoint.origin:
                matched = True
                _verify_previous(site_dir, lid, previous, checkpoint, report)
    if previous_text is not None and not matched and csvs:
        report.fail("no published ledger has the saved checkpoint's origin")
    return report.lines, report.failure


def _origin_of(site_dir: Path, lid: str) -> str:
    data = _read(site_dir / "ledgers" / lid / "checkpoint") or b""
    return data.split(b"\n", 1)[0].decode("utf-8", "replace")


def _verify_witnesses(site_dir: Path, lid: str, witnesses: Sequence[str], quorum: int, report: _Report,
                      *, explicit: bool) -> None:
    text = (_read(site_dir / "ledgers" / lid / "checkpoint") or b"").decode("utf-8", "replace")
    body, _, rest = text.partition("\n\n")
    seen = check_cosignatures(rest.splitlines(), body + "\n", Policy(tuple(witnesses), quorum))
    names = ", ".join(seen.names()) or "none"
    if len(seen.valid) < quorum:
        report.fail(f"ledgers/{lid}/checkpoint: only {len(seen.valid)} of the {quorum} witness cosignatures "
                    f"needed (valid: {names}); pass --quorum 0 to accept an unwitnessed head")
    elif quorum == 0 and not explicit:
        report.fail(f"ledgers/{lid}/checkpoint: the site asks for no witness, so nobody vouches for this head; "
                    "pass --quorum 0 to accept an unwitnessed head")
    else:
        report.ok(f"ledgers/{lid}/checkpoint: cosigned by {len(seen.valid)} witnesses ({names}), quorum {quorum}")


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
    heads = _signed_heads(folder, lid, verifier_key, checkpoint, report)
    for proof_path in sorted((folder / "consistency").glob("*"), key=lambda p: p.name.zfill(20)):
        _verify_consistency_file(proof_path, lid, heads, report)
    sealed = site_dir / "ledgers" / f"{lid}.checkpoints"
    if sealed.is_file():
        heads_file, problems = read_checkpoints(sealed.read_bytes(), f"ledgers/{lid}.checkpoints")
        problems += check_sealed(heads_file, tree, rel, f"ledgers/{lid}.checkpoints", lines=lines)
        for problem in problems:
            report.fail(f"{problem.path}: {problem.got}")
        if not problems:
            report.ok(f"ledgers/{lid}.checkpoints: {len(heads_file)} sealed heads hold")
    _verify_browser_files(folder, lid, tree, lines, report)
    return checkpoint


def _signed_heads(folder: Path, lid: str, key: str | None, current: Checkpoint, report: _Report) -> dict[int, bytes]:
    """Size → root of every published head: ``checkpoints/<m>`` (signatures checked) and the current one."""
    heads = {current.size: current.root}
    for path in sorted((folder / "checkpoints").glob("[0-9]*"), key=lambda p: p.name.zfill(20)):
        try:
            head, _ = _read_note(path.read_text("utf-8"), key)
        except (ValueError, UnicodeDecodeError) as exc:
            report.fail(f"ledgers/{lid}/checkpoints/{path.name}: {exc}")
            continue
        if str(head.size) != path.name or head.origin != current.origin:
            report.fail(f"ledgers/{lid}/checkpoints/{path.name} is the head of {head.origin} at size {head.size}")
            continue
        heads[head.size] = head.root
    if len(heads) > 1:
        report.ok(f"ledgers/{lid}/checkpoints: {len(heads) - 1} signed earlier heads")
    return heads


def _verify_consistency_file(path: Path, lid: str, heads: dict[int, bytes], report: _Report) -> None:
    name = f"ledgers/{lid}/consistency/{path.name}"
    first, _, second = path.name.partition("-")
    if not first.isdigit() or (second and not second.isdigit()):
        report.fail(f"{name}: not a size, or two sizes joined by -")
        return
    m, n = int(first), int(second) if second else max(heads)
    if m not in heads or n not in heads:
        report.fail(f"{name}: there is no signed checkpoint of size {m if m not in heads else n} to check it against")
        return
    try:
        proof = _read_proof(path.read_bytes())
    except ValueError as exc:
        report.fail(f"{name}: {exc}")
        return
    if verify_consistency(m, n, heads[m], heads[n], proof):
        report.ok(f"{name}: the signed head of size {m} is a prefix of the one of size {n}")
    else:
        report.fail(f"{name}: the proof does not show size {m} is a prefix of size {n}")


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
    if proof is None:  # made from the published tiles; it holds only if it leads to both roots
        try:
            proof = TileTree(Source(site_dir), lid, n).consistency_proof(m)
        except (ValueError, FetchError):
            proof = []
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
        if shard is None or shard.get(normalise_receipt(code)) != index:
            report.fail(f"ledgers/{lid}/receipts/{name}.json does not lead receipt {code} to seq {index + 1}")
            return
    report.ok(f"ledgers/{lid}/receipts: all {len(wanted)} receipt codes lead to their entries")
    corrections = donation_corrections(lines)
    bad = [p for p, data in correction_shards(corrections, tree.size) if _read(folder / p) != data]
    if bad:
        report.fail(f"ledgers/{lid}/{bad[0]} (and {len(bad) - 1} more) do not list the corrections of the "
                    "donations as the ledger has them")
    else:
        n, m = len(corrections), sum(map(len, corrections.values()))
        report.ok(f"ledgers/{lid}/corrections: {n} corrected donation{'s' if n != 1 else ''} listed, with "
                  f"{m} correction{'s' if m != 1 else ''}")


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
    typed = normalise_receipt(code)  # as the page reads it: any case, full-width, spaces, dashes
    index = next((i for c, i in donation_receipts(lines).items() if normalise_receipt(c) == typed), None)
    if index is None:
        raise LookupError(
            f'no donation in this ledger has the receipt code "{code}"; check the code on '
            "the receipt (its letters and digits)"
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
