"""A witness: cosigns a site's ledger heads only when they are consistent with all it saw before.

`cosign_site` follows C2SP tlog-witness (https://c2sp.org/tlog-witness) in spirit: for every
ledger the site lists, it checks the log's signature against the key it recorded the first
time it saw that origin, and the consistency of the new head with the last head it cosigned
(an RFC 9162 proof computed from the site's published tiles). Only when every ledger passes
does it cosign (C2SP tlog-cosignature) and record the new heads in its state folder; on any
failure it cosigns nothing.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harvest.i18n import _
from harvest.proofs.checkpoint import Checkpoint, checkpoint_body
from harvest.proofs.cosignature import cosign, witness_verifier
from harvest.proofs.logclient import FetchError, Source, TileTree, consistent, listing, read_checkpoint

STATE_FILE = "heads.json"


def load_state(folder: Path) -> dict[str, dict[str, Any]]:
    """The heads a witness or monitor recorded, by origin (empty for a new state folder)."""
    path = folder / STATE_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
        for origin, head in data.items():
            if not (isinstance(head["key"], str) and isinstance(head["size"], int) and head["size"] >= 0
                    and len(base64.b64decode(head["root"], validate=True)) == 32):
                raise ValueError(origin)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(_("{path} is not a JSON object of heads (key, size, root) by origin ({error}); "
                           "restore it from its history (git log -p)").format(path=path, error=repr(exc))) from exc
    return data


def save_state(folder: Path, state: dict[str, dict[str, Any]]) -> None:
    """Write the state atomically (a crash never leaves half a file)."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(folder / STATE_FILE)


def head_record(key: str, head: Checkpoint, **more: Any) -> dict[str, Any]:
    """How a head is kept in the state: the log key, size and base64 root."""
    return {"key": key, "size": head.size, "root": base64.b64encode(head.root).decode(), **more}


def describe(origin: str, size: int, root: bytes) -> str:
    """A head as the alarms name it."""
    return _("{origin} at size {size}, root {root}…").format(origin=origin, size=size, root=root.hex()[:16])


@dataclass
class Outcome:
    """What `cosign_site` or the monitor found: per-ledger lines, and failures (then nothing is done)."""

    lines: dict[str, str] = field(default_factory=dict)  # ledger id -> cosignature line
    said: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def check_head(source: Source, log_id: str, origin: str, listed_key: str | None,
               seen: dict[str, Any] | None) -> tuple[Checkpoint, str]:
    """The ledger's current head after checking its signature (by the pinned key) and its
    consistency with ``seen``; the key used. Raises ValueError naming both heads."""
    key = seen["key"] if seen else listed_key
    if not key:
        raise ValueError(_("{origin}: the site publishes no verifier key (an unsigned preview): nothing to "
                           "vouch for").format(origin=origin))
    if listed_key and listed_key != key:
        raise ValueError(_("{origin}: the site now lists the key {listed}, but this log was first seen with "
                           "{key}").format(origin=origin, listed=listed_key, key=key))
    try:
        head, _text = read_checkpoint(source, log_id, key)
    except ValueError as exc:
        raise ValueError(_("{origin}: bad signature on ledgers/{id}/checkpoint: {error}").format(
            origin=origin, id=log_id, error=exc)) from exc
    if head.origin != origin:
        raise ValueError(_("ledgers/{id}/checkpoint names the origin {named}, the site lists {origin}").format(
            id=log_id, named=head.origin, origin=origin))
    if seen:
        size, root = int(seen["size"]), base64.b64decode(seen["root"])
        if not consistent(TileTree(source, log_id, head.size), size, root, head.root):
            raise ValueError(_(
                "{origin}: INCONSISTENT: the head seen before ({before}) is not a prefix of "
                "the published head ({now}): history was rewritten or forked").format(
                origin=origin, before=describe(origin, size, root), now=describe(origin, head.size, head.root)))
    return head, key


def cosign_site(source: Source, signer: str, state_dir: Path, now: int) -> Outcome:
    """Cosign every ledger head of the site, or nothing: see the module's docstring."""
    out = Outcome()
    state = load_state(state_dir)
    new_state = dict(state)
    try:
        logs = listing(source).logs
    except FetchError as exc:
        out.failures.append(str(exc))
        return out
    name = witness_verifier(signer).split("+", 1)[0]
    for log in logs:
        try:
            head, key = check_head(source, log.id, log.origin, log.key, state.get(log.origin))
        except (ValueError, FetchError) as exc:
            out.failures.append(str(exc))
            continue
        body = checkpoint_body(head.origin, head.size, head.root)
        out.lines[log.id] = cosign(body, signer, now)
        new_state[log.origin] = head_record(key, head, time=now)
        out.said.append(_("{name} cosigns {head}").format(name=name, head=describe(head.origin, head.size, head.root)))
    if out.failures:
        out.lines.clear()
        out.said.clear()
        return out
    save_state(state_dir, new_state)
    return out


def write_cosignatures(repo: Path, lines: dict[str, str], witness_name: str) -> list[Path]:
    """Put each line into ``<repo>/ledgers/<id>.cosignatures``, replacing this witness's old
    line and keeping the other witnesses'. The files written."""
    written = []
    for log_id, line in sorted(lines.items()):
        path = repo / "ledgers" / f"{log_id}.cosignatures"
        old = path.read_text("utf-8").splitlines() if path.is_file() else []
        keep = [row for row in old if row.strip() and row.split(" ")[1:2] != [witness_name]]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{row}\n" for row in sorted([*keep, line])), encoding="utf-8")
        written.append(path)
    return written
