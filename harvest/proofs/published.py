"""What a ledger publishes as a transparency log: signed checkpoints, history, cosignatures.

Under ``ledgers/<id>/`` (beside the tiles, entry bundles and receipt shards of `tiles`):

- ``checkpoint``: the current head, signed by the ledger's own key (named after its origin),
  with every valid witness cosignature from ``ledgers/<id>.cosignatures`` attached;
- ``checkpoints/<size>``: each sealed head as a signed checkpoint that never changes, and
  ``checkpoints/index``, their sizes one a line;
- ``consistency/<m>``: the proof from sealed size ``m`` to the current head;
  ``consistency/<m>-<n>``: the proof between consecutive sealed heads;
- the partial tiles and entry bundles of every sealed size, until the full tile exists;
- ``verifier-key``: the ledger's verifier key in the Go note format.

Site-wide, ``ledgers/logs.json`` lists every ledger's origin and key, and the witness policy.
A build without a signing key publishes the same, unsigned, and says it is a preview.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from mkdocs.plugins import get_plugin_logger

from harvest.i18n import _
from harvest.ledger.format import TailLines
from harvest.problems import shown
from harvest.proofs import checkpoint, tiles
from harvest.proofs.books import Book
from harvest.proofs.cosignature import Policy, Witnessed, check_cosignatures
from harvest.proofs.merkle import HASH_SIZE, MerkleTree

log = get_plugin_logger("harvest")
MAX_COSIGNATURES_BYTES = 64_000


class LogSource(Protocol):
    """What the logs are published from: the loaded site (harvest.site.Site, which comes later
    in the pipeline and is named here only by what it has)."""

    @property
    def root(self) -> Path: ...  # the repository, which holds ledgers/<id>.cosignatures
    @property
    def site_url(self) -> str: ...  # the logs' origins are made from it
    @property
    def signer(self) -> str | None: ...  # the site's signer key; None: an unsigned preview
    @property
    def witnesses(self) -> Policy: ...
    @property
    def preview(self) -> bool: ...  # `serve`: the origins are the preview's, no cosignature fits
    @property
    def books(self) -> Mapping[str, Book]: ...


def origin_of(site: LogSource, cid: str) -> str:
    """The log origin of a ledger, which is also its signing key's name."""
    return checkpoint.checkpoint_origin(site.site_url, cid)


def signer_of(site: LogSource, cid: str) -> str | None:
    """The ledger's own signer key (derived from the site's secret), None for a preview."""
    return checkpoint.ledger_signer(site.signer, origin_of(site, cid)) if site.signer else None


def verifier_of(site: LogSource, cid: str) -> str | None:
    """The ledger's verifier key (``<origin>+<hash>+<base64>``), None for a preview."""
    signer = signer_of(site, cid)
    return checkpoint.verifier_for(signer) if signer else None


def cosignature_lines(root: Path, cid: str) -> list[str]:
    """The lines of ``ledgers/<id>.cosignatures`` (none when the file is missing)."""
    path = root / "ledgers" / f"{cid}.cosignatures"
    try:
        if path.is_symlink() or path.stat().st_size > MAX_COSIGNATURES_BYTES:
            log.warning(_("ledgers/{id}.cosignatures: left out: a symbolic link or larger than "
                          "{size} KB (one short line a witness is expected)").format(
                id=cid, size=MAX_COSIGNATURES_BYTES // 1000))
            return []
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [row.strip() for row in text.splitlines() if row.strip()]


def witnessed(site: LogSource, cid: str, book: Book) -> Witnessed:
    """The cosignatures of the ledger's current head by the site's witnesses."""
    body = checkpoint.checkpoint_body(origin_of(site, cid), book.tree.size, book.tree.root())
    return check_cosignatures(cosignature_lines(site.root, cid), body, site.witnesses)


def history_tiles(tree: MerkleTree, lines: Sequence[bytes], sizes: Sequence[int]) -> dict[str, bytes]:
    """The partial tiles and entry bundles a reader holding a checkpoint of each of ``sizes``
    needs and the current tree no longer publishes (its tile has grown, but is not full yet)."""
    files: dict[str, bytes] = {}
    w = tiles.TILE_WIDTH
    for m in sizes:
        if not 0 < m < tree.size:
            continue
        level = 0
        while (count := m >> (tiles.TILE_HEIGHT * level)) > 0:
            now = tree.size >> (tiles.TILE_HEIGHT * level)
            n, width = divmod(count, w)
            if width and count != now and now < (n + 1) * w:  # else published already, or full
                hashes = tree.levels[tiles.TILE_HEIGHT * level]
                files[tiles.tile_path(level, n, width)] = hashes[n * w * HASH_SIZE : (n * w + width) * HASH_SIZE]
            level += 1
        n, width = divmod(m, w)
        if width and tree.size < (n + 1) * w:
            files.update(tiles.entry_bundles(lines[n * w : m], n))
    return files


def log_files(site: LogSource, cid: str, book: Book) -> dict[str, bytes]:
    """The checkpoint, history and proofs of one ledger: path under ``ledgers/<id>/`` → bytes."""
    origin, signer, tree = origin_of(site, cid), signer_of(site, cid), book.tree
    seen = witnessed(site, cid, book)
    for row, why in () if site.preview else seen.rejected:
        log.warning(_("ledgers/{id}.cosignatures: left out the cosignature {line}: {why}").format(
            id=cid, line=shown(row, limit=60), why=why))
    lines = [row for _, _, row in seen.valid]
    files = {"checkpoint": checkpoint.checkpoint_note(origin, tree.size, tree.root(), signer, lines).encode()}
    if signer:
        files["verifier-key"] = (checkpoint.verifier_for(signer) + "\n").encode()
    sizes = [h.size for h in book.heads if 0 < h.size <= tree.size]
    for head in book.heads:
        files[f"checkpoints/{head.size}"] = checkpoint.checkpoint_note(origin, head.size, head.root, signer).encode()
    files["checkpoints/index"] = "".join(f"{m}\n" for m in sizes).encode()
    for m in sizes:
        files[f"consistency/{m}"] = tiles.proof_text(tree.consistency_proof(m))
    for m, n in zip(sizes, sizes[1:], strict=False):
        files[f"consistency/{m}-{n}"] = tiles.proof_text(tree.consistency_proof(m, n))
    if any(m % tiles.TILE_WIDTH for m in sizes):
        files.update(history_tiles(tree, TailLines(book.ledger.data, tree.size), sizes))
    return files


def logs_json(site: LogSource) -> bytes:
    """``ledgers/logs.json``: every ledger's origin and verifier key, and the witness policy."""
    logs = []
    for cid in sorted(site.books):
        logs.append({"id": cid, "origin": origin_of(site, cid), "key": verifier_of(site, cid)})
    data = {
        "signed": site.signer is not None,
        "logs": logs,
        "witnesses": {"quorum": site.witnesses.quorum, "keys": list(site.witnesses.witnesses)},
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()
