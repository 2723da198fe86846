"""Checking only the lines appended to a ledger that was checked before (the build cache keeps
what that check found).

A ledger only grows: most builds see the same million entries as the build before, and some
more. `Progress` is what a clean check of a ledger's first `length` bytes leaves for the lines
after them: the receipt codes used, what corrections left of the entries they correct, the
running sums of the figures, the products, channels and dates the entries name, and what the
ledger's page shows of them (the newest entries, a receipt code). `resume` checks only the
appended lines against it, by the same rules (`fast.read_entries`, `rules`, `privacy`), and
gives the ledger and figures `parse.check_ledger` gives for the whole file. Whenever it cannot
be sure of that (any problem, dates outside the window of a new commit date, a product or
channel no longer declared, CR line ends), it returns None and the caller checks the whole file,
which tells the problems as always.

Only the entries the ledger's page shows are kept: the whole list of a resumed ledger
(`Ledger.entries`) is read from its bytes again if something asks for it (`LazyEntries`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, overload

from harvest.ledger.fast import read_entries
from harvest.ledger.figures import Sums
from harvest.ledger.format import DONATION, Entry, Ledger, entry_lines, make_entry, receipt_code
from harvest.ledger.parse import Checked, capped, check_ledger, no_gc, personal_data
from harvest.ledger.rules import LineChecker, correction_problems
from harvest.load.privacy import candidate_lines
from harvest.load.sanity import date_in_window
from harvest.problems import Problem

# The newest entries kept: the ledger page shows 50 (render.ledgers.FIRST_SCREEN).
NEWEST = 100


@dataclass
class Progress:
    """What a clean check of a ledger's first `length` bytes (`size` entries) leaves for the
    lines appended after them."""

    length: int
    size: int
    receipts: dict[str, tuple[int, str]]  # normalised receipt code -> (line, code as written)
    left: dict[int, list[Decimal]]  # corrected seq -> what is left of amount, quantity, orders
    products: set[str]  # every product an entry names ("" for none)
    channels: set[str]
    first: date | None  # the earliest and latest dates of the entries
    last: date | None
    sums: Sums
    newest: list[Entry]  # the last NEWEST entries, in file order
    example: str | None  # the receipt code of the first donation that has one

    @classmethod
    def of(cls, data: bytes, checked: Checked, sums: Sums) -> Progress:
        """The progress of a ledger checked whole (`checked.ledger` not None), whose entries'
        sums are `sums`."""
        assert checked.ledger is not None
        entries = checked.ledger.entries
        days = {day for day, _, _ in sums.by_day}
        return cls(len(data), len(entries), checked.receipts, checked.left,
                   {e.product for e in entries}, {e.channel for e in entries},
                   min(days, default=None), max(days, default=None), sums,
                   list(entries[-NEWEST:]), example_code(entries))

    def add(self, data: bytes, entries: Sequence[Entry]) -> None:
        """The progress once `entries` (the lines of `data` after `length`) are checked."""
        self.length = len(data)
        self.size += len(entries)
        self.products.update(e.product for e in entries)
        self.channels.update(e.channel for e in entries)
        days = [e.date for e in entries]
        if days:
            self.first = min(days) if self.first is None else min(self.first, *days)
            self.last = max(days) if self.last is None else max(self.last, *days)
        self.sums.add(entries)
        self.newest = [*self.newest, *entries][-NEWEST:]
        if self.example is None:
            self.example = example_code(entries)

    def codes(self) -> dict[str, int]:
        """Receipt code -> zero-based leaf index, as `format.receipts_of` gives them."""
        return {ref: line - 2 for line, ref in self.receipts.values()}

    def to_json(self) -> bytes:
        """The progress as JSON (amounts exact, as their decimal text)."""
        value = {
            "length": self.length,
            "size": self.size,
            # One text, a code a line (codes hold no tab or line end): a list of lists of 250,000
            # codes takes seconds to write and read, this a fraction of one.
            "receipts": "".join([f"{key}\t{line}\t{ref}\n" for key, (line, ref) in self.receipts.items()]),
            "left": [[seq, *map(str, rest)] for seq, rest in self.left.items()],
            "products": sorted(self.products),
            "channels": sorted(self.channels),
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "sums": self.sums.to_json(),
            "newest": [_entry_json(e) for e in self.newest],
            "example": self.example,
        }
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Progress:
        """`to_json` read back."""
        v = json.loads(data)
        return cls(
            int(v["length"]), int(v["size"]),
            {key: (int(line), ref) for key, line, ref in (row.split("\t") for row in v["receipts"].split("\n")[:-1])},
            {int(seq): [Decimal(x) for x in rest] for seq, *rest in v["left"]},
            set(v["products"]), set(v["channels"]),
            date.fromisoformat(v["first"]) if v["first"] else None,
            date.fromisoformat(v["last"]) if v["last"] else None,
            Sums.from_json(v["sums"]), [_entry_of(x) for x in v["newest"]], v["example"],
        )


def resume(data: bytes, progress: Progress, path: str, campaign: str, *, products: Collection[str],
           channels: Collection[str], today: date | None = None) -> Ledger | None:
    """The ledger `data`, whose first `progress.length` bytes were checked clean before, checking
    only the lines after them; `progress` is brought up to the whole file. None when the
    whole file must be checked instead (see the module's note)."""
    start, size = progress.length, progress.size
    today = today or date.today()
    if not 0 < start <= len(data) or (start < len(data) and data[start - 1 : start] != b"\n"):
        return None
    tail = data[start:]
    if b"\r" in tail or not progress.products <= {*products, ""} or not progress.channels <= {*channels, ""}:
        return None
    if progress.first and progress.last and not (
            date_in_window(progress.first, today) and date_in_window(progress.last, today)):
        return None
    problems: list[Problem] = []
    checker = LineChecker(path, products, channels, problems, today)
    checker.receipts = progress.receipts
    new: list[Entry | None] = []
    earlier = _Earlier(size, new, data, LineChecker(path, products, channels, [], today))
    suspect = candidate_lines(tail)
    with no_gc():
        read_entries(b"\n" + tail, checker, start=size, earlier=earlier, into=new)
    problems += correction_problems(new, path, earlier=earlier, left=progress.left)
    if suspect:
        lines = tail.split(b"\n")
        for k in suspect:
            if k < len(lines):
                personal_data(lines[k], size + 2 + k, path, problems)
    if problems or None in new:
        return None
    entries: list[Entry] = new  # type: ignore[assignment]  # none is None
    progress.add(data, entries)
    return Ledger(campaign, path, data, LazyEntries(progress.size, lambda: _all_entries(
        data, path, campaign, products=products, channels=channels, today=today)))


class LazyEntries(Sequence[Entry]):
    """A resumed ledger's entries, read from its bytes the first time they are asked for."""

    def __init__(self, size: int, read: Callable[[], Sequence[Entry]]) -> None:
        self._size = size
        self._read: Callable[[], Sequence[Entry]] | None = read
        self._entries: Sequence[Entry] = ()

    def _all(self) -> Sequence[Entry]:
        if self._read is not None:
            self._entries, self._read = self._read(), None
        return self._entries

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Entry: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry]: ...
    def __getitem__(self, index: int | slice) -> Entry | Sequence[Entry]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._all())


def _all_entries(data: bytes, path: str, campaign: str, *, products: Collection[str],
                 channels: Collection[str], today: date) -> Sequence[Entry]:
    checked = check_ledger(data, path, campaign, products=products, channels=channels, today=today)
    if checked.ledger is None:  # it was checked clean, piece by piece: cannot be
        raise ValueError("\n".join(str(p) for p in capped(checked.problems, path)))
    return checked.ledger.entries


class _Earlier(Sequence[Entry | None]):
    """Every entry by seq: the `size` checked before (each read again from its line when a
    correction names it: rare, so the file is split into lines only then) and the `new` ones
    being checked."""

    def __init__(self, size: int, new: list[Entry | None], data: bytes, checker: LineChecker) -> None:
        self.size, self.new, self.data, self.checker = size, new, data, checker
        self.lines: list[bytes] = []
        self.read: dict[int, Entry | None] = {}

    def __len__(self) -> int:
        return self.size + len(self.new)

    @overload
    def __getitem__(self, index: int) -> Entry | None: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Entry | None]: ...
    def __getitem__(self, index: int | slice) -> Entry | None | Sequence[Entry | None]:
        if isinstance(index, slice):
            raise TypeError("entries are looked up one by one")
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index >= self.size:
            return self.new[index - self.size]
        if index not in self.read:
            if not self.lines:
                self.lines = entry_lines(self.data)
            # Checked clean before, with the products and channels declared now (`resume`).
            self.read[index], _ = self.checker.check_line(self.lines[index], index + 2, index + 1, self)
        return self.read[index]


def example_code(entries: Sequence[Entry]) -> str | None:
    """The receipt code of the first donation in `entries` that has one."""
    return next((code for x in entries if x.type == DONATION for code in [receipt_code(x.reference)] if code), None)


def _entry_json(e: Entry) -> list[Any]:
    return [e.seq, e.date.isoformat(), e.type, e.product, e.channel,
            None if e.quantity is None else str(e.quantity), e.unit, e.orders, str(e.amount),
            e.currency, e.party, e.reference, e.note, e.line, e.corrects]


def _entry_of(v: list[Any]) -> Entry:
    seq, day, kind, product, channel, quantity, unit, orders, amount, currency, party, ref, note, line, corrects = v
    return make_entry(seq, date.fromisoformat(day), kind, product, channel,
                      None if quantity is None else Decimal(quantity), unit, orders, Decimal(amount),
                      currency, party, ref, note, line, corrects)
