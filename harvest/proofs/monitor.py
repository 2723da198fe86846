"""A monitor: audits every entry of a site's ledgers and tells what was appended since last time.

For every ledger the site lists, `monitor_site` checks the checkpoint's signature (with the
key pinned the first time), its witness cosignatures, its consistency with the last head the
monitor saw, every signed earlier head (``checkpoints/<m>``), and every entry against the
root: all entry bundles are read and hashed, and the hash tiles must be that tree's. What
was appended since the last run is summed by type and currency. Any rewrite, fork or bad
signature is an alarm; the state then keeps the last good head of that ledger.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from harvest.ledger.format import INDEX, split_line
from harvest.proofs.checkpoint import checkpoint_body, parse_checkpoint, verify_note
from harvest.proofs.cosignature import Policy, check_cosignatures
from harvest.proofs.logclient import FetchError, Source, audit, listing, read_checkpoint
from harvest.proofs.merkle import MerkleTree
from harvest.proofs.witness import Outcome, check_head, describe, head_record, load_state, save_state

_TYPE, _AMOUNT, _CURRENCY = INDEX["type"], INDEX["amount"], INDEX["currency"]


def appended_totals(lines: Sequence[bytes]) -> str:
    """The appended entries summed by type and currency, e.g. ``donation +1,200.00 CNY (3)``."""
    amounts: dict[tuple[str, str], list[str]] = {}
    for line in lines:
        try:
            row = split_line(line.decode("utf-8", "replace"))
        except csv.Error:  # not one CSV record: nothing to sum
            continue
        if len(row) > _CURRENCY:
            amounts.setdefault((row[_TYPE], row[_CURRENCY]), []).append(row[_AMOUNT])
    parts = []
    for (kind, currency), values in sorted(amounts.items()):
        total, counted = Decimal(0), 0
        for value in values:
            try:
                total += Decimal(value)
                counted += 1
            except InvalidOperation:
                continue
        parts.append(f"{kind} {total:+,} {currency} ({counted})")
    return "; ".join(parts) or "nothing to sum"


def monitor_site(source: Source, state_dir: Path, now: int, *, witnesses: Sequence[str] | None = None,
                 quorum: int | None = None) -> Outcome:
    """Audit every ledger of the site; ``failures`` are the alarms (see the module docstring)."""
    out = Outcome()
    state = load_state(state_dir)
    try:
        site = listing(source)
    except FetchError as exc:
        out.failures.append(str(exc))
        return out
    policy = Policy(tuple(witnesses if witnesses is not None else site.witnesses),
                    quorum if quorum is not None else site.quorum)
    for log in site.logs:
        seen = state.get(log.origin)
        try:
            head, key = check_head(source, log.id, log.origin, log.key, seen)
            _, text = read_checkpoint(source, log.id, key)
            tree, lines = audit(source, log.id, head)
            _check_history(source, log.id, key, tree)
        except (ValueError, FetchError) as exc:
            out.failures.append(f"ALARM: {exc}")
            continue
        body = checkpoint_body(head.origin, head.size, head.root)
        rows = [r for r in text.partition("\n\n")[2].splitlines() if r.split(" ")[1:2] and r.split(" ")[1] in policy.names()]
        cosigned = check_cosignatures(rows, body, policy)
        for row, why in cosigned.rejected:
            out.failures.append(f"ALARM: {log.origin}: a cosignature in the checkpoint is bad ({why}): {row[:60]}")
        names = ", ".join(cosigned.names()) or "none"
        if len(cosigned.valid) < policy.quorum:
            out.said.append(f"WARNING: {log.origin}: only {len(cosigned.valid)} of {policy.quorum} witnesses "
                            f"cosigned this head (valid: {names}): not yet witnessed")
        old = int(seen["size"]) if seen else 0
        new = lines[old:]
        first = "first audit" if not seen else f"since size {old}"
        out.said.append(f"{describe(log.origin, head.size, head.root)}: all {head.size} entries match the signed "
                        f"root; {len(cosigned.valid)} of quorum {policy.quorum} witnesses ({names})")
        span = f"seq {old + 1}–{head.size}: " if new else ""
        out.said.append(f"  appended {len(new)} entries ({first}) {span}{appended_totals(new) if new else ''}".rstrip())
        state[log.origin] = head_record(key, head, time=now)
    save_state(state_dir, state)
    return out


def _check_history(source: Source, log_id: str, key: str, tree: MerkleTree) -> None:
    """Every signed earlier head (``checkpoints/<m>``) must be the root of the first m entries."""
    index = source.get(f"ledgers/{log_id}/checkpoints/index")
    for size_text in (index or b"").decode("ascii", "replace").split():
        text = source.need(f"ledgers/{log_id}/checkpoints/{size_text}").decode("utf-8", "replace")
        head = parse_checkpoint(verify_note(text, key))
        if head.size != int(size_text) or head.size > tree.size or tree.root(head.size) != head.root:
            raise ValueError(f"ledgers/{log_id}/checkpoints/{size_text}: the signed head "
                             f"({describe(head.origin, head.size, head.root)}) is not a prefix of the ledger: a fork")
