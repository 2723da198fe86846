"""What a change does to the public site: records and ledgers at a git ref against the working tree.

`read_state` loads records and ledgers with the build's own loaders; `read_state_at` first
copies them out of git into a temporary folder. `change_report` compares two states and says,
in Markdown for a pull-request comment, which products and campaigns were added, removed or
changed (and which fields), what every ledger gained (entries appended, every total and
balance before and after), which heads were newly sealed, and, loudly, anything that rewrites
published history.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from harvest.i18n import _
from harvest.ledger.figures import KINDS, Figures, compute_figures
from harvest.ledger.format import INDEX, Entry, entry_lines, split_line
from harvest.ledger.parse import parse_ledger
from harvest.load import git, inputs
from harvest.load.content import taken_paths
from harvest.load.records import Channel, load_records
from harvest.problems import Problem
from harvest.proofs.checkpoint import SealedHead, read_checkpoints
from harvest.proofs.merkle import MerkleTree
from harvest.vocabulary import money

_FOLDERS = ("products", "campaigns", "ledgers")


@dataclass(frozen=True)
class LedgerState:
    """A ledger file as lines, its entries when it is valid, and its sealed heads."""

    header: bytes
    lines: list[bytes]
    entries: Sequence[Entry] | None
    heads: list[SealedHead]


@dataclass(frozen=True)
class State:
    """Records (as plain data, None when a record has mistakes) and ledgers, by id."""

    products: dict[str, dict[str, Any] | None]
    campaigns: dict[str, dict[str, Any] | None]
    ledgers: dict[str, LedgerState]
    # Editors' files under content/ at paths the build makes: (file, what the build makes there).
    taken: tuple[tuple[str, str], ...] = ()


def read_state(root: Path, channels: Mapping[str, Channel]) -> State:
    """The records and ledgers under `root`, loaded as the build loads them."""
    records, _mistakes = load_records(root, root / "content", channels)  # mistakes are `build.py check`'s job
    dumps: dict[str, dict[str, dict[str, Any] | None]] = {}
    for kind, valid in (("products", records.products), ("campaigns", records.campaigns)):
        dumps[kind] = {
            rid: (valid[rid].model_dump(mode="json", exclude_defaults=True) if rid in valid else None)
            for rid in sorted(records.files_of(kind))
        }
    ledgers: dict[str, LedgerState] = {}
    for file in sorted((root / "ledgers").glob("*.csv")):
        try:
            data = inputs.read_bytes(root, f"ledgers/{file.name}")  # a link is `build.py check`'s to refuse
        except inputs.Refused:
            continue
        ledger, _mistakes = parse_ledger(data, f"ledgers/{file.name}", file.stem,
                                 products=records.files_of("products"), channels=set(channels))
        sealed = file.with_suffix(".checkpoints")
        try:
            heads = read_checkpoints(inputs.read_bytes(root, f"ledgers/{sealed.name}"), sealed.name)[0]
        except inputs.Refused:
            heads = []
        ledgers[file.stem] = LedgerState(data.partition(b"\n")[0], entry_lines(data),
                                         ledger.entries if ledger else None, heads)
    taken = tuple((p.path, p.got) for p in taken_paths(root / "content", root, records))
    return State(dumps["products"], dumps["campaigns"], ledgers, taken)


def read_state_at(root: Path, ref: str, channels: Mapping[str, Channel]) -> tuple[State | None, str]:
    """The records and ledgers of `root` as committed at `ref`; None and a plain message when git
    cannot give them."""
    if git.git(root, "rev-parse", "--is-inside-work-tree") is None:
        return None, _("{root} is not in a git repository (or git is not installed), so there is nothing to "
                       "compare.").format(root=root)
    if git.git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        return None, _('git knows no commit called "{ref}". Use a branch, tag or commit, like origin/main '
                       "(run `git fetch origin` first when it is a branch of the shared repository).").format(ref=ref)
    prefix = (git.git(root, "rev-parse", "--show-prefix") or b"").decode().strip()
    listing = git.git(root, "ls-tree", "-r", "-z", "--full-name", "--name-only", ref, "--", *_FOLDERS) or b""
    names = [n.decode() for n in listing.split(b"\0") if n]
    tmp = Path(tempfile.mkdtemp(prefix="harvest-diff-"))
    blobs = git.git(root, "cat-file", "--batch", stdin="".join(f"{ref}:{n}\n" for n in names).encode()) or b""
    at = 0
    for name in names:
        header_end = blobs.index(b"\n", at)
        size = int(blobs[at:header_end].split()[2])
        target = tmp / name.removeprefix(prefix)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blobs[header_end + 1 : header_end + 1 + size])
        at = header_end + 1 + size + 1
    try:
        return read_state(tmp, channels), ""
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _md(text: str) -> str:
    """Record text shown in Markdown: no character of it is read as markup."""
    for ch in "\\`*_[]<>|#~":
        text = text.replace(ch, "\\" + ch)
    return text


def _seqs(numbers: list[int]) -> str:
    """[3, 4, 5, 9] -> "seq 3–5, 9"."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return _("seq {numbers}").format(numbers=", ".join(f"{a}–{b}" if a != b else str(a) for a, b in runs))


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else k))
        return out
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_flat(v, f"{prefix}[{i}]"))
        return out
    return {prefix: ", ".join(map(str, value)) if isinstance(value, list) else str(value)}


def _kind(line: bytes) -> str | None:
    """The type of an entry line (None when the line has no type, or is not one CSV record)."""
    try:
        fields = split_line(line.decode("utf-8", "replace"))
    except csv.Error:
        return None
    return fields[INDEX["type"]] if len(fields) > INDEX["type"] else None


def _code(line: bytes) -> str:
    return line.decode("utf-8", "replace").replace("`", "'")


def _short(text: str) -> str | None:
    return f"`{text.replace('`', chr(39))}`" if len(text) <= 48 else None


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    before, after = _flat(old), _flat(new)
    out = []
    for key in sorted(set(before) | set(after), key=lambda k: (k.split(".")[0], k)):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if a is None:
            value = _short(str(b))
            out.append(_("`{field}` added ({value})").format(field=key, value=value) if value
                       else _("`{field}` added").format(field=key))
        elif b is None:
            out.append(_("`{field}` removed").format(field=key))
        elif _short(a) and _short(b):
            out.append(f"`{key}` {_short(a)} → {_short(b)}")
        else:
            out.append(_("`{field}` (text changed)").format(field=key))
    return out


def _records_counted(kind: str, what: str, n: int) -> str:
    """"1 product added", "2 campaigns changed"… (each a whole message: Chinese orders the words otherwise)."""
    one, many = {
        ("products", "added"): (_("{n} product added"), _("{n} products added")),
        ("products", "removed"): (_("{n} product removed"), _("{n} products removed")),
        ("products", "changed"): (_("{n} product changed"), _("{n} products changed")),
        ("campaigns", "added"): (_("{n} campaign added"), _("{n} campaigns added")),
        ("campaigns", "removed"): (_("{n} campaign removed"), _("{n} campaigns removed")),
        ("campaigns", "changed"): (_("{n} campaign changed"), _("{n} campaigns changed")),
    }[kind, what]
    return (one if n == 1 else many).format(n=n)


def _record_section(kind: str, old: dict[str, dict[str, Any] | None], new: dict[str, dict[str, Any] | None],
                    summary: list[str], notes: list[str]) -> list[str]:
    lines: list[str] = []
    counts = Counter[str]()

    def label(rid: str, record: dict[str, Any] | None) -> str:
        name = record.get("name") if record else None
        return f"{_md(str(name))} (`{rid}`)" if name else f"`{rid}`"

    for rid in sorted(set(old) | set(new)):
        a, b = old.get(rid), new.get(rid)
        if rid not in old:
            counts["added"] += 1
            lines.append(_("- **Added** {record}").format(record=label(rid, b)) if b else
                         _("- **Added** {record} — it has mistakes; run `python build.py check`").format(record=label(rid, b)))
        elif rid not in new:
            counts["removed"] += 1
            lines.append(_("- **Removed** {record}").format(record=label(rid, a)))
            if kind == "products":
                notes.append(_("Product `{id}` is removed: printed QR codes of its page and buy links will lead "
                               "to a missing page.").format(id=rid))
        elif b is None:
            counts["changed"] += 1
            lines.append(_("- **Changed** {record} — it now has mistakes; run `python build.py check`")
                         .format(record=label(rid, a)))
        elif a is None:
            counts["changed"] += 1
            lines.append(_("- **Changed** {record} — fixed (it had mistakes before)").format(record=label(rid, b)))
        elif a != b:
            counts["changed"] += 1
            lines.append(_("- **Changed** {record}: {changes}").format(record=label(rid, b),
                                                                        changes=_("; ").join(_field_changes(a, b))))
            if kind == "products":
                gone = {p["channel"] for p in a["purchase"]} - {p["channel"] for p in b["purchase"]}
                if gone:
                    notes.append(_("Product `{id}` no longer sells on {channels}: printed QR codes of those buy links "
                                   "will lead to a missing page.").format(id=rid, channels=_(", ").join(sorted(gone))))
    for what in ("added", "removed", "changed"):
        if counts[what]:
            summary.append(_records_counted(kind, what, counts[what]))
    heading = _("### Products") if kind == "products" else _("### Campaigns")
    return [heading, "", *lines, ""] if lines else []


def _in_order(a: list[bytes], b: list[bytes]) -> bool:
    """Whether `a` appears in `b` in the same order (with other items in between)."""
    rest = iter(b)
    return all(any(x == y for y in rest) for x in a)


@dataclass(frozen=True)
class _History:
    """How the lines of a ledger changed, by the old seq numbers they touch."""

    appended: int
    touched: list[int]  # old seq numbers edited, deleted, moved, or before which entries were inserted
    said: list[str]
    edits: list[tuple[bytes, bytes]]  # (old line, new line) of edited entries


def _history(old: list[bytes], new: list[bytes]) -> _History:
    p = 0
    while p < min(len(old), len(new)) and old[p] == new[p]:
        p += 1
    if p == len(old):
        return _History(len(new) - p, [], [], [])
    # Compared without the seq column, so an insertion is not also seen as renumbering everything after it.
    a = [line.partition(b",")[2] for line in old[p:]]
    b = [line.partition(b",")[2] for line in new[p:]]
    said: list[str] = []
    touched: list[int] = []
    edits: list[tuple[bytes, bytes]] = []
    if not Counter(a) - Counter(b) and not _in_order(a, b):
        moved = [p + i + 1 for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
        touched += moved
        said.append(_("entries were put in another order ({seqs})").format(seqs=_seqs(moved)))
    else:
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            olds = list(range(p + i1 + 1, p + i2 + 1))
            if tag in ("replace", "delete"):
                touched += olds
                if tag == "replace" and i2 - i1 == j2 - j1:
                    edits += zip(old[p + i1 : p + i2], new[p + j1 : p + j2], strict=True)
                said.append((_("{seqs} edited") if tag == "replace" else _("{seqs} deleted")).format(seqs=_seqs(olds)))
            elif tag == "insert" and i1 < len(a):
                touched.append(p + i1 + 1)
                inserted = _("{n} entry inserted before old seq {seq}") if j2 - j1 == 1 else \
                    _("{n} entries inserted before old seq {seq}")
                said.append(inserted.format(n=j2 - j1, seq=p + i1 + 1))
        if not said:
            touched += list(range(p + 1, len(old) + 1))
            said.append(_("{seqs} renumbered").format(seqs=_seqs(touched)))
    return _History(0, touched, said, edits)


def _kind_names() -> dict[str, str]:
    """What each figure of a ledger is called in the report."""
    return {"donation": _("donations"), "sale": _("sales"), "disbursement": _("disbursements"),
            "expense": _("expenses"), "balance": _("balance")}


def _kinds_counted(kind: str, n: int) -> str:
    """"1 donation", "3 sales"…; an unknown type as it is written."""
    texts = {
        "donation": (_("{n} donation"), _("{n} donations")), "sale": (_("{n} sale"), _("{n} sales")),
        "disbursement": (_("{n} disbursement"), _("{n} disbursements")),
        "expense": (_("{n} expense"), _("{n} expenses")),
    }
    if kind not in texts:
        return f"{n} {kind}"
    return texts[kind][n != 1].format(n=n)


def _figures_table(before: Figures | None, after: Figures) -> list[str]:
    out = []
    names = _kind_names()
    for currency, totals in after.totals.items():
        old = before.totals.get(currency, {}) if before else {}
        out += [_("| {currency} | before | after | change |").format(currency=currency), "| --- | ---: | ---: | ---: |"]
        for kind in KINDS:
            a, b = old.get(kind, Decimal(0)), totals[kind]
            name = f"**{names[kind]}**" if kind == "balance" else names[kind]
            change = money(b - a, currency, True) if b != a else "—"
            out.append(f"| {name} | {money(a, currency)} | {money(b, currency)} | {change} |")
        out.append("")
    return out


def _ledger_clause(lid: str, before: Figures | None, after: Figures | None, appended: int, new: bool) -> str:
    if new:
        first = _("ledger {id}: new, {n} entry") if appended == 1 else _("ledger {id}: new, {n} entries")
    else:
        first = _("ledger {id}: {n} entry appended") if appended == 1 else _("ledger {id}: {n} entries appended")
    parts = [first.format(id=lid, n=appended)]
    names = _kind_names()
    for currency, totals in (after.totals.items() if after else []):
        old = before.totals.get(currency, {}) if before else {}
        for kind in KINDS[:-1]:
            delta = totals[kind] - old.get(kind, Decimal(0))
            if delta:
                parts.append(f"{names[kind]} {money(delta, currency, not new)}")
        was = old.get("balance")
        now = money(totals["balance"], currency)
        parts.append(_("balance {before} → {after}").format(before=money(was, currency), after=now)
                     if was is not None and not new else _("balance {amount}").format(amount=now))
    return _(", ").join(parts)


def _reseal(lid: str, line: int, ref: str, restore: bool) -> str:
    """The steps that make a sealed head this change added match again, in an order the tools accept."""
    if restore:
        steps = _("Put the sealed entries back as they were at `{ref}` and append a correction instead (see above); "
                  "if this head still does not match then, delete line {line} of `ledgers/{id}.checkpoints` (this "
                  "change added it: a seal is only written by `python build.py seal`), then run `python build.py "
                  "check` and, once it passes, `python build.py seal {id}`.")
    else:
        steps = _("Delete line {line} of `ledgers/{id}.checkpoints` (this change added it: a seal is only written by "
                  "`python build.py seal`), then run `python build.py check` and, once it passes, "
                  "`python build.py seal {id}`.")
    return steps.format(ref=ref, line=line, id=lid)


def _ledger_section(lid: str, old: LedgerState | None, new: LedgerState | None, ref: str,
                    summary: list[str], alarms: list[str], sealed_touched: list[str]) -> list[str]:
    """The report's section on one ledger; adds to `summary` and `alarms`, and to `sealed_touched`
    each change that touches sealed history."""
    out = [_("### Ledger `{id}`").format(id=lid), ""]
    if new is None:
        n = len(old.heads) if old else 0
        if n == 0:
            alarm = _("**LEDGER DELETED: `ledgers/{id}.csv`** — a published ledger must stay; its entries, "
                      "receipts and sealed heads disappear from the site.")
        elif n == 1:
            alarm = _("**LEDGER DELETED: `ledgers/{id}.csv`** — a published ledger must stay; its entries, "
                      "receipts and sealed heads disappear from the site. It had {n} sealed head.")
        else:
            alarm = _("**LEDGER DELETED: `ledgers/{id}.csv`** — a published ledger must stay; its entries, "
                      "receipts and sealed heads disappear from the site. It had {n} sealed heads.")
        alarms.append(alarm.format(id=lid, n=n))
        if n:
            sealed_touched.append(lid)
        summary.append(_("ledger {id}: DELETED").format(id=lid))
        return out + [_("The ledger file is removed."), ""]
    heads_before = {(h.size, h.root) for h in old.heads} if old else set()
    clause: list[str] = []
    sealed = max((h.size for h in [*(old.heads if old else []), *new.heads]), default=0)
    history = _history(old.lines, new.lines) if old else _History(len(new.lines), [], [], [])
    if old and old.header != new.header:
        alarms.append(_("**HEADER CHANGED in ledger `{id}`** — the header line must stay exactly as it was.").format(id=lid))
    hit = sorted(s for s in history.touched if s <= sealed)
    committed = max((h.size for h in old.heads), default=0) if old else 0
    # Sealed entries changed since `ref`: nothing is sealed, built or published until they are put back.
    restore = bool(hit) and hit[0] <= committed
    if history.said:
        alarm = _("**HISTORY REWRITTEN in ledger `{id}`**: {changes}. Published entries are never edited, deleted "
                  "or moved; a mistake is corrected by a new entry whose reference is `seq:N`.")
        if restore:
            alarm = _("**HISTORY REWRITTEN in ledger `{id}`**: {changes}. Published entries are never edited, deleted "
                      "or moved; a mistake is corrected by a new entry whose reference is `seq:N`. "
                      "**THIS TOUCHES SEALED ENTRIES ({seqs})**, sealed at `{ref}`: the build refuses it, whatever the "
                      "seals file says now. Put those entries back as they were (`git show {ref}:ledgers/{id}.csv` "
                      "prints them), then correct a mistake by appending a correction at the end: "
                      "`python build.py check` proposes the line.")
            sealed_touched.append(lid)
        elif hit:
            alarm = _("**HISTORY REWRITTEN in ledger `{id}`**: {changes}. Published entries are never edited, deleted "
                      "or moved; a mistake is corrected by a new entry whose reference is `seq:N`. "
                      "It touches entries ({seqs}) that only this change seals: the build does not stop it, but "
                      "readers who saved an earlier checkpoint, the witnesses and the monitors will.")
        alarms.append(alarm.format(id=lid, changes=_("; ").join(history.said), seqs=_seqs(hit), ref=ref))
        clause = [_("ledger {id}: HISTORY REWRITTEN").format(id=lid)]
        out.append(_("Existing entries changed: {changes}.").format(changes=_("; ").join(history.said)))
        for was, now in history.edits[:10]:
            out += ["", _("- was: `{line}`").format(line=_code(was)), _("- now: `{line}`").format(line=_code(now))]
    before = compute_figures(old.entries) if old and old.entries is not None else None
    after = compute_figures(new.entries) if new.entries is not None else None
    if not history.said and (history.appended or old is None):
        clause = [_ledger_clause(lid, before, after, history.appended, old is None)]
        added = new.lines[len(new.lines) - history.appended :]
        kinds = Counter(kind for kind in map(_kind, added) if kind is not None)
        order = {k: i for i, k in enumerate(KINDS)}
        what = _(", ").join(_kinds_counted(k, n)
                         for k, n in sorted(kinds.items(), key=lambda kv: (order.get(kv[0], 9), kv[0])))
        first = len(new.lines) - history.appended + 1
        n = history.appended
        span = _("seq {numbers}").format(numbers=f"{first}–{len(new.lines)}" if n != 1 else first)
        if old is None:
            said = _("New ledger with {n} entry ({seqs}): {kinds}.") if n == 1 else \
                _("New ledger with {n} entries ({seqs}): {kinds}.")
        else:
            said = _("Appended {n} entry ({seqs}): {kinds}.") if n == 1 else _("Appended {n} entries ({seqs}): {kinds}.")
        out.append(said.format(n=n, seqs=span, kinds=what))
    out.append("")
    if after is None:
        out += [_("The ledger has mistakes, so its figures are not shown; run `python build.py check`."), ""]
    elif history.appended or history.said or old is None:
        if old is not None and before is None:
            out += [_("(The ledger at `{ref}` had mistakes, so its figures count as zero.)").format(ref=ref), ""]
        out += _figures_table(before, after)
    tree = MerkleTree.from_leaves(new.lines) if new.heads else None
    for head in new.heads:
        if (head.size, head.root) in heads_before:
            continue
        matches = tree is not None and head.size <= tree.size and tree.root(head.size) == head.root
        said = _("New sealed head: the first {size} entries, sealed {date}, root `{root}…`.") if matches else \
            _("New sealed head: the first {size} entries, sealed {date}, root `{root}…` — **it does not match the ledger**.")
        out.append(said.format(size=head.size, date=head.date.isoformat(), root=head.root.hex()[:16]))
        clause.append((_("sealed at {size} entries") if clause else _("ledger {id}: sealed at {size} entries"))
                      .format(id=lid, size=head.size))
        if not matches:
            alarms.append(_("**SEALED HEAD DOES NOT MATCH ledger `{id}`** (line {line} of `ledgers/{id}.checkpoints`): "
                            "the build will refuse it, and so will `python build.py seal` while it is there. {steps}")
                          .format(id=lid, line=head.line, steps=_reseal(lid, head.line, ref, restore)))
            sealed_touched.append(lid)
    kept = {(h.size, h.root) for h in new.heads}
    for head in old.heads if old else []:
        if (head.size, head.root) not in kept:
            alarms.append(_("**SEALED HEAD REMOVED from `ledgers/{id}.checkpoints`**: the head of {size} entries sealed "
                            "{date} is gone. Sealed heads are never edited or removed: the build refuses it (it compares "
                            "the seals with every committed version).")
                          .format(id=lid, size=head.size, date=head.date.isoformat()))
            sealed_touched.append(lid)
            clause.append((_("SEALED HEAD REMOVED") if clause else _("ledger {id}: SEALED HEAD REMOVED")).format(id=lid))
    if clause:
        summary.append(_(", ").join(clause))
    return out + ([""] if out[-1] else [])


def change_report(old: State, new: State, ref: str, refused: Sequence[Problem] = ()) -> str:
    """The Markdown change report of going from `old` (at `ref`) to `new` (the working tree).

    `refused` are the problems the one loader (`catalog.load_site`, as `check` and `build` run
    it) finds in the working tree: the report says first that the build will refuse them."""
    summary: list[str] = []
    alarms: list[str] = []
    sealed_touched: list[str] = []
    if refused:
        summary.append((_("the build will refuse it ({n} problem)") if len(refused) == 1 else
                        _("the build will refuse it ({n} problems)")).format(n=len(refused)))
        listed = "\n".join(_("> - {place} expected {expected}; found {found}").format(
            place=_md(p.place), expected=_md(p.expected), found=_md(p.got)) for p in refused)
        alarms.append(_("`python build.py check` and the build refuse this change as it is, and nothing is"
                        " published until it is fixed:\n{problems}").format(problems=listed))
    notes: list[str] = []
    body = _record_section("products", old.products, new.products, summary, notes)
    body += _record_section("campaigns", old.campaigns, new.campaigns, summary, notes)
    ledgers_changed = False
    for lid in sorted(set(old.ledgers) | set(new.ledgers)):
        a, b = old.ledgers.get(lid), new.ledgers.get(lid)
        if a == b:
            continue
        section = _ledger_section(lid, a, b, ref, summary, alarms, sealed_touched)
        if any(section[2:]):  # more than the heading: something a reader would see changed
            body += section
            ledgers_changed = True
    for path, what in new.taken:
        summary.append(_("`{path}` takes a built page's place").format(path=path))
        alarms.append(_("`{path}` is at a path the build makes ({what}): it would replace that page, and printed QR "
                        "codes could lead wherever it says. `python build.py check` refuses it.")
                      .format(path=path, what=_md(what)))
    out = [_("## What this change does to the public site"), ""]
    if not summary and not alarms:
        return "\n".join([*out, _("No change to products, campaigns or ledgers since `{ref}`.").format(ref=ref), ""])
    tail = [_("SEALED HISTORY TOUCHED")] if sealed_touched else ([_("no sealed entry touched")] if ledgers_changed else [])
    out += [_("Compared with `{ref}`: {summary}.").format(ref=ref, summary=_("; ").join(summary + tail)), ""]
    for alarm in alarms:
        out += ["> [!CAUTION]", f"> {alarm}", ""]
    for note in notes:
        out += ["> [!WARNING]", f"> {note}", ""]
    lines = [line for i, line in enumerate(out + body) if line or i == 0 or (out + body)[i - 1]]
    return "\n".join(lines).rstrip("\n") + "\n"
