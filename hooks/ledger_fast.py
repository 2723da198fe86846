"""The fast path of ledger checking: most lines of a large ledger are read here.

Each field is looked up in a dict of the values already found valid, so that each distinct
date, amount or name is checked once, not once a line; the eight fields from type to currency
are looked up together. A line that is not plainly valid (a
correction, a mistake) goes to `LineChecker.check_line`, which checks every rule and says what
is wrong. The fast path never accepts a line that `check_line` would refuse; tests hold both
to the same entries. (Checking a whole chunk column by column with `map` and `zip` was tried:
it was slower here, making many more short-lived objects.)
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import TypeVar

from hooks.ledger import TYPES, Entry, _EntryBuilder
from hooks.ledger_rules import CURRENCIES, LineChecker

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,2})?")  # positive; a minus sign is a correction
_QUANTITY = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,6})?")
_ORDERS = re.compile(r"[0-9]{1,9}")
_V = TypeVar("_V")


def chunks(body: bytes, size: int = 1 << 20) -> Iterator[bytes]:
    """The entry lines of `body` (after the header; the last line end left out), in pieces
    of about `size` bytes that end at a line end."""
    start = body.find(b"\n") + 1
    if start == 0:
        return
    end = len(body) - 1 if body.endswith(b"\n") else len(body)
    while start <= end:
        cut = body.find(b"\n", start + size, end) if start + size < end else -1
        if cut == -1:
            yield body[start:end]
            return
        yield body[start:cut]
        start = cut + 1


_Middle = tuple  # (type, product, channel, quantity, unit, orders, amount, currency), checked
_MIDDLES = 1 << 17  # at most so many kept: a ledger of unique amounts must not fill memory


class _Values:
    """Dicts of the texts already found valid, each mapped to its value (one shared object)."""

    def __init__(self, check: LineChecker) -> None:
        self.products = {p: p for p in (*check.products, "")}
        self.channels = {c: c for c in (*check.channels, "")}
        self.types = {t: t for t in TYPES}
        self.currencies = {c: c for c in CURRENCIES}
        self.dates: dict[str, date] = {}
        self.amounts: dict[str, Decimal] = {}
        self.quantities: dict[str, Decimal] = {}
        self.orders: dict[str, int] = {}
        self.names: dict[str, str] = {}  # units and parties (never blank)
        self.notes: dict[str, str] = {}
        # The text from type to currency, whole, is often repeated (a product, a price, a
        # common quantity): one look-up then stands for eight.
        self.middles: dict[str, _Middle] = {}

    def middle(self, parts: list[str]) -> _Middle:
        """The eight fields from type to currency, checked; KeyError or ValueError if not valid."""
        t, product, channel, q, unit, o, a, currency = parts
        t = self.types[t]
        product = self.products[product]
        channel = self.channels[channel]
        amount = self.amounts.get(a) or _remember(self.amounts, a, _amount)
        currency = self.currencies[currency]
        if t is not TYPES[1]:
            if q or unit or o:
                raise ValueError
            return (t, product, channel, None, "", None, amount, currency)
        if not product or not channel:
            raise ValueError
        quantity = self.quantities.get(q) or _remember(self.quantities, q, _quantity)
        orders = self.orders.get(o)
        if orders is None:
            orders = _remember(self.orders, o, _orders)
        unit = self.names.get(unit) or _remember(self.names, unit, _name)
        return (t, product, channel, quantity, unit, orders, amount, currency)


def read_entries(body: bytes, check: LineChecker) -> list[Entry | None]:
    """Every entry line of `body` (whose line ends are all LF), in order: the Entry, or None
    for a line with problems, which `check` then holds.

    A line is taken apart and its fields looked up in dicts of values already found valid;
    anything unexpected raises and sends the line to `check.check_line`.
    """
    entries: list[Entry | None] = []
    append = entries.append
    values = _Values(check)
    dates, names, notes, middles = values.dates, values.names, values.notes, values.middles
    check_middle = values.middle
    receipts = check.receipts
    new = object.__new__
    builder = _EntryBuilder
    entry_class = Entry
    reader = csv.reader
    donation = TYPES[0]
    # An entry's seq is its line number less one: the previous line's number, as the same int
    # object (a million ints less). `shift` counts on from a wrong seq in a broken file.
    prev = 1
    shift = 0
    lines = itertools.chain.from_iterable(chunk.split(b"\n") for chunk in chunks(body))
    for line_no, raw in enumerate(lines, 2):
        seq, prev = (prev + shift if shift else prev), line_no
        try:
            line = raw.decode()
            if '"' in line:  # quoted fields: the middle text is no key (a comma may be inside)
                fields = next(reader((line,), strict=True))
                if len(fields) != 13:
                    raise ValueError
                s, d, party, ref, note = fields[0], fields[1], *fields[10:]
                known = check_middle(fields[2:10])
            else:
                if line.count(",") != 12:
                    raise ValueError
                s, d, rest = line.split(",", 2)
                middle, party, ref, note = rest.rsplit(",", 3)
                cached = middles.get(middle)
                if cached is None:
                    cached = check_middle(middle.split(","))
                    if len(middles) < _MIDDLES:
                        middles[middle] = cached
                known = cached
            if s != str(seq) or ref[:4] == "seq:":
                raise ValueError
            day = dates.get(d) or _remember(dates, d, _date)
            party = names.get(party) or _remember(names, party, _name)
            note = notes.setdefault(note, note)
            t, product, channel, quantity, unit, orders, amount, currency = known
            if t is donation:
                if ref in receipts or not ref.strip():
                    raise ValueError
                receipts[ref] = line_no
            # As `ledger.make_entry`, inline: a call would cost a fifth of building the entry.
            entry = new(builder)
            entry.seq = seq
            entry.date = day
            entry.type = t
            entry.product = product
            entry.channel = channel
            entry.quantity = quantity
            entry.unit = unit
            entry.orders = orders
            entry.amount = amount
            entry.currency = currency
            entry.party = party
            entry.reference = ref
            entry.note = note
            entry.line = line_no
            entry.corrects = None
            entry.__class__ = entry_class  # type: ignore[assignment]
            append(entry)  # type: ignore[arg-type]
        except (ValueError, KeyError, UnicodeDecodeError, csv.Error):
            checked, number = check.check_line(raw, line_no, seq, entries)
            shift += number - seq
            append(checked)
    return entries


def _remember(cache: dict[str, _V], text: str, check: Callable[[str], _V]) -> _V:
    """`check(text)`, kept in `cache`; ValueError when `text` is not valid."""
    value = cache[text] = check(text)
    return value


def _date(text: str) -> date:
    if not _DATE.fullmatch(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def _positive(text: str, pattern: re.Pattern[str]) -> Decimal:
    if not pattern.fullmatch(text):
        raise ValueError(text)
    value = Decimal(text)
    if not value:
        raise ValueError(text)
    return value


def _amount(text: str) -> Decimal:
    return _positive(text, _AMOUNT)


def _quantity(text: str) -> Decimal:
    return _positive(text, _QUANTITY)


def _orders(text: str) -> int:
    if not _ORDERS.fullmatch(text):
        raise ValueError(text)
    return int(text)


def _name(text: str) -> str:
    if not text.strip():
        raise ValueError(text)
    return text
