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

from harvest.i18n import _
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
        self.lines.append(_("checked {what}").format(what=text))

    def fail(self, text: str) -> None:
        self.lines.append(_("FAILED: {what}").format(what=text))
        if self.failure is None:
            self.failure = text


def _read_proof(data: bytes) -> list[bytes]:
    try:
        hashes = [base64.b64decode(row, validate=True) for row in data.split()]
    except binascii.Error as exc:
        raise ValueError(_("a proof line is not base64")) from exc
    if any(len(h) != 32 for h in hashes):
        raise ValueError(_("a proof line is not a SHA-256 hash"))
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
    how = _("unsigned check")
    if verifier_key is not None:
        verify_note(text, verifier_key)
        how = _("signature by {name}").format(name=verifier_key.split("+", 1)[0])
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
        report.fail(_("no ledgers/<id>.csv in {folder}: is this a built site?").format(folder=site_dir))
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
            report.fail(_("ledgers/{id}/checkpoint: unsigned (no verifier key); pass --allow-unsigned to check a "
                          "preview").format(id=lid))
            continue
        checkpoint = _verify_ledger(site_dir, path, key, report)
        if checkpoint is not None:
            _verify_witnesses(site_dir, lid, witnesses, quorum, report, explicit=trust.quorum is not None)
        if previous_text is not None and checkpoint is not None:
            try:
                previous = _read_note(previous_text, _key_for(checkpoint.origin, [key] if key else []))[0]
            except ValueError as exc:
                report.fail(_("the saved checkpoint: {error}").format(error=exc))
                previous_text = None
                continue
            if previous.origin == checkpoint.origin:
                matched = True
                _verify_previous(site_dir, lid, previous, checkpoint, report)
    if previous_text is not None and not matched and csvs:
        report.fail(_("no published ledger has the saved checkpoint's origin"))
    return report.lines, report.failure


def _origin_of(site_dir: Path, lid: str) -> str:
    data = _read(site_dir / "ledgers" / lid / "checkpoint") or b""
    return data.split(b"\n", 1)[0].decode("utf-8", "replace")


def _verify_witnesses(site_dir: Path, lid: str, witnesses: Sequence[str], quorum: int, report: _Report,
                      *, explicit: bool) -> None:
    text = (_read(site_dir / "ledgers" / lid / "checkpoint") or b"").decode("utf-8", "replace")
    body, _blank, rest = text.partition("\n\n")
    seen = check_cosignatures(rest.splitlines(), body + "\n", Policy(tuple(witnesses), quorum))
    names = ", ".join(seen.names()) or _("none")
    if len(seen.valid) < quorum:
        report.fail(_("ledgers/{id}/checkpoint: only {count} of the {quorum} witness cosignatures "
                      "needed (valid: {names}); pass --quorum 0 to accept an unwitnessed head").format(
            id=lid, count=len(seen.valid), quorum=quorum, names=names))
    elif quorum == 0 and not explicit:
        report.fail(_("ledgers/{id}/checkpoint: the site asks for no witness, so nobody vouches for this head; "
                      "pass --quorum 0 to accept an unwitnessed head").format(id=lid))
    else:
        report.ok(_("ledgers/{id}/checkpoint: cosigned by {count} witnesses ({names}), quorum {quorum}").format(
            id=lid, count=len(seen.valid), names=names, quorum=quorum))


def _verify_ledger(site_dir: Path, path: Path, verifier_key: str | None, report: _Report) -> Checkpoint | None:
    lid = path.stem
    rel = f"ledgers/{lid}.csv"
    lines = entry_lines(path.read_bytes())
    tree = MerkleTree.from_leaves(lines)
    root = tree.root()
    report.ok(_("{path}: {count} entries, Merkle root {root}").format(path=rel, count=tree.size, root=root.hex()))
    folder = site_dir / "ledgers" / lid
    note = folder / "checkpoint"
    if not note.is_file():
        report.fail(_("ledgers/{id}/checkpoint is missing").format(id=lid))
        return None
    try:
        checkpoint, how = _read_note(note.read_text("utf-8"), verifier_key)
    except (ValueError, UnicodeDecodeError) as exc:
        report.fail(_("{path}: {error}").format(path=f"ledgers/{lid}/checkpoint", error=exc))
        return None
    if checkpoint.size != tree.size or checkpoint.root != root:
        report.fail(_("ledgers/{id}/checkpoint says size {size}, root {root}, but {path} has {count} entries "
                      "with root {actual}").format(id=lid, size=checkpoint.size, root=checkpoint.root.hex(),
                                                   path=rel, count=tree.size, actual=root.hex()))
        return checkpoint
    report.ok(_("ledgers/{id}/checkpoint: size and root match ({how})").format(id=lid, how=how))
    heads = _signed_heads(folder, lid, verifier_key, checkpoint, report)
    for proof_path in sorted((folder / "consistency").glob("*"), key=lambda p: p.name.zfill(20)):
        _verify_consistency_file(proof_path, lid, heads, report)
    sealed = site_dir / "ledgers" / f"{lid}.checkpoints"
    if sealed.is_file():
        heads_file, problems = read_checkpoints(sealed.read_bytes(), f"ledgers/{lid}.checkpoints")
        problems += check_sealed(heads_file, tree, rel, f"ledgers/{lid}.checkpoints", lines=lines)
        for problem in problems:
            report.fail(_("{path}: {error}").format(path=problem.path, error=problem.got))
        if not problems:
            report.ok(_("ledgers/{id}.checkpoints: {count} sealed heads hold").format(id=lid, count=len(heads_file)))
    _verify_browser_files(folder, lid, tree, lines, report)
    return checkpoint


def _signed_heads(folder: Path, lid: str, key: str | None, current: Checkpoint, report: _Report) -> dict[int, bytes]:
    """Size → root of every published head: ``checkpoints/<m>`` (signatures checked) and the current one."""
    heads = {current.size: current.root}
    for path in sorted((folder / "checkpoints").glob("[0-9]*"), key=lambda p: p.name.zfill(20)):
        try:
            head, _how = _read_note(path.read_text("utf-8"), key)
        except (ValueError, UnicodeDecodeError) as exc:
            report.fail(_("{path}: {error}").format(path=f"ledgers/{lid}/checkpoints/{path.name}", error=exc))
            continue
        if str(head.size) != path.name or head.origin != current.origin:
            report.fail(_("ledgers/{id}/checkpoints/{name} is the head of {origin} at size {size}").format(
                id=lid, name=path.name, origin=head.origin, size=head.size))
            continue
        heads[head.size] = head.root
    if len(heads) > 1:
        report.ok(_("ledgers/{id}/checkpoints: {count} signed earlier heads").format(id=lid, count=len(heads) - 1))
    return heads


def _verify_consistency_file(path: Path, lid: str, heads: dict[int, bytes], report: _Report) -> None:
    name = f"ledgers/{lid}/consistency/{path.name}"
    first, _dash, second = path.name.partition("-")
    if not first.isdigit() or (second and not second.isdigit()):
        report.fail(_("{path}: not a size, or two sizes joined by -").format(path=name))
        return
    m, n = int(first), int(second) if second else max(heads)
    if m not in heads or n not in heads:
        report.fail(_("{path}: there is no signed checkpoint of size {size} to check it against").format(
            path=name, size=m if m not in heads else n))
        return
    try:
        proof = _read_proof(path.read_bytes())
    except ValueError as exc:
        report.fail(_("{path}: {error}").format(path=name, error=exc))
        return
    if verify_consistency(m, n, heads[m], heads[n], proof):
        report.ok(_("{path}: the signed head of size {old} is a prefix of the one of size {new}").format(
            path=name, old=m, new=n))
    else:
        report.fail(_("{path}: the proof does not show size {old} is a prefix of size {new}").format(
            path=name, old=m, new=n))


def _verify_previous(site_dir: Path, lid: str, previous: Checkpoint, current: Checkpoint, report: _Report) -> None:
    m, n = previous.size, current.size
    if m > n:
        report.fail(_("ledgers/{id}: the saved checkpoint has {old} entries, the site only {new}").format(
            id=lid, old=m, new=n))
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
        report.ok(_("ledgers/{id}: the saved checkpoint (size {old}) is a prefix of size {new}").format(
            id=lid, old=m, new=n))
    else:
        report.fail(_("ledgers/{id}: history was rewritten since the saved checkpoint (size {old}, root "
                      "{root}): its entries are not the first {old} of the ledger now").format(
            id=lid, old=m, root=previous.root.hex()))


def _verify_browser_files(folder: Path, lid: str, tree: MerkleTree, lines: list[bytes], report: _Report) -> None:
    expected = dict(tiles(tree))
    expected.update(entry_bundles(lines))
    bad = [p for p, data in expected.items() if _read(folder / p) != data]
    if bad:
        report.fail(_("ledgers/{id}/{path} (and {count} more) differ from the ledger").format(
            id=lid, path=bad[0], count=len(bad) - 1))
    else:
        report.ok(_("ledgers/{id}/tile: {count} tiles and entry bundles match").format(id=lid, count=len(expected)))
    meta_data = _read(folder / "receipts" / "index.json")
    try:
        prefix = int(json.loads(meta_data or b"")["prefix"])
    except (ValueError, KeyError, TypeError):
        report.fail(_("ledgers/{id}/receipts/index.json is missing or malformed").format(id=lid))
        return
    wanted = donation_receipts(lines)
    shards: dict[str, dict[str, int] | None] = {}
    for code, index in wanted.items():
        name = receipt_shard(code, prefix)
        if name not in shards:
            shards[name] = _read_json(folder / "receipts" / f"{name}.json")
        shard = shards[name]
        if shard is None or shard.get(normalise_receipt(code)) != index:
            report.fail(_("ledgers/{id}/receipts/{name}.json does not lead receipt {code} to seq {seq}").format(
                id=lid, name=name, code=code, seq=index + 1))
            return
    report.ok(_("ledgers/{id}/receipts: all {count} receipt codes lead to their entries").format(
        id=lid, count=len(wanted)))
    corrections = donation_corrections(lines)
    bad = [p for p, data in correction_shards(corrections, tree.size) if _read(folder / p) != data]
    if bad:
        report.fail(_("ledgers/{id}/{path} (and {count} more) do not list the corrections of the "
                      "donations as the ledger has them").format(id=lid, path=bad[0], count=len(bad) - 1))
    else:
        n, m = len(corrections), sum(map(len, corrections.values()))
        donations = (_("ledgers/{id}/corrections: 1 corrected donation listed") if n == 1 else
                     _("ledgers/{id}/corrections: {count} corrected donations listed")).format(id=lid, count=n)
        report.ok((_("{donations}, with 1 correction") if m == 1 else
                   _("{donations}, with {count} corrections")).format(donations=donations, count=m))


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
        raise LookupError(_('no donation in this ledger has the receipt code "{code}"; check the code on '
                            "the receipt (its letters and digits)").format(code=code))
    checkpoint = parse_checkpoint(checkpoint_text)
    if index >= checkpoint.size:
        raise LookupError(_('the donation "{code}" (seq {seq}) is newer than the checkpoint '
                            "({count} entries); rebuild the site and try again").format(
            code=code, seq=index + 1, count=checkpoint.size))
    if checkpoint.size > len(lines):
        raise ValueError(_("the checkpoint has {count} entries, the ledger {actual}").format(
            count=checkpoint.size, actual=len(lines)))
    tree = MerkleTree.from_leaves(lines[: checkpoint.size])
    if tree.root() != checkpoint.root:
        raise ValueError(_("the ledger does not match the checkpoint: history was rewritten"))
    return tlog_proof(index, tree.inclusion_proof(index), checkpoint_text)


def check_receipt_proof(proof_text: str, line: bytes, verifier_key: str | None = None) -> int:
    """Check a tlog-proof for the entry ``line``; its index. Raises ValueError when it fails."""
    proof = parse_tlog_proof(proof_text)
    if verifier_key is not None:
        verify_note(proof.checkpoint, verifier_key)
    checkpoint = parse_checkpoint(proof.checkpoint)
    if not verify_inclusion(leaf_hash(line), proof.index, checkpoint.size, proof.proof, checkpoint.root):
        raise ValueError(_("the proof does not show this entry in the checkpointed ledger"))
    return proof.index
