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

from harvest.i18n import _
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
    return "; ".join(parts) or _("nothing to sum")


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
            _head, text = read_checkpoint(source, log.id, key)
            tree, lines = audit(source, log.id, head)
            _check_history(source, log.id, key, tree)
        except (ValueError, FetchError) as exc:
            out.failures.append(_("ALARM: {error}").format(error=exc))
            continue
        body = checkpoint_body(head.origin, head.size, head.root)
        rows = [r for r in text.partition("\n\n")[2].splitlines() if r.split(" ")[1:2] and r.split(" ")[1] in policy.names()]
        cosigned = check_cosignatures(rows, body, policy)
        for row, why in cosigned.rejected:
            out.failures.append(_("ALARM: {origin}: a cosignature in the checkpoint is bad ({why}): {line}").format(
                origin=log.origin, why=why, line=row[:60]))
        names = ", ".join(cosigned.names()) or _("none")
        if len(cosigned.valid) < policy.quorum:
            out.said.append(_("WARNING: {origin}: only {count} of {quorum} witnesses "
                              "cosigned this head (valid: {names}): not yet witnessed").format(
                origin=log.origin, count=len(cosigned.valid), quorum=policy.quorum, names=names))
        old = int(seen["size"]) if seen else 0
        new = lines[old:]
        out.said.append(_("{head}: all {size} entries match the signed root; {count} of quorum {quorum} "
                          "witnesses ({names})").format(
            head=describe(log.origin, head.size, head.root), size=head.size, count=len(cosigned.valid),
            quorum=policy.quorum, names=names))
        appended = {"count": len(new), "old": old, "first": old + 1, "last": head.size,
                    "totals": appended_totals(new) if new else ""}
        if not new:
            said = (_("  appended {count} entries (first audit)") if not seen else
                    _("  appended {count} entries (since size {old})"))
        else:
            said = (_("  appended {count} entries (first audit) seq {first}–{last}: {totals}") if not seen else
                    _("  appended {count} entries (since size {old}) seq {first}–{last}: {totals}"))
        out.said.append(said.format(**appended))
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
            raise ValueError(_("ledgers/{id}/checkpoints/{size}: the signed head ({head}) is not a prefix of the "
                               "ledger: a fork").format(id=log_id, size=size_text,
                                                        head=describe(head.origin, head.size, head.root)))
