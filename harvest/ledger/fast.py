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
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from harvest.ledger.format import (
    COLUMN_COUNT,
    DONATION,
    SALE,
    TYPES,
    Entry,
    EntryBuilder,
    line_groups,
    normalise_receipt,
    split_line,
)
from harvest.ledger.rules import CURRENCIES, FIELD_LIMITS, FORMULA_STARTS, MAX_LINE_BYTES, RECEIPT, LineChecker
from harvest.load.sanity import date_in_window

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_AMOUNT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,2})?")  # positive; a minus sign is a correction
_QUANTITY = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,6})?")
_ORDERS = re.compile(r"[0-9]{1,9}")
_V = TypeVar("_V")


_Head = tuple  # (type, product, channel, quantity, unit, orders), checked
_CACHED = 1 << 17  # at most so many texts kept per cache: unique values must not fill memory


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
        self.names: dict[str, str] = {}  # parties (never blank)
        self.units: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        # The text from type to orders, whole, is often repeated (a product, a channel, a common
        # quantity): one look-up then stands for six. Amounts are looked up on their own, so
        # that unique amounts do not make every line a miss.
        self.heads: dict[str, _Head] = {}

    def head(self, text: str) -> _Head:
        """The six fields from type to orders, checked and remembered; KeyError or ValueError
        if not valid."""
        value = self.head_of(text.split(","))
        if len(self.heads) < _CACHED:
            self.heads[text] = value
        return value

    def head_of(self, parts: list[str]) -> _Head:
        """The six fields from type to orders, checked; KeyError or ValueError if not valid."""
        t, product, channel, q, unit, o = parts
        t = self.types[t]
        product = self.products[product]
        channel = self.channels[channel]
        if t is not SALE:
            if q or unit or o:
                raise ValueError
            return (t, product, channel, None, "", None)
        if not product or not channel:
            raise ValueError
        quantity = self.quantities.get(q) or _remember(self.quantities, q, _quantity)
        orders = self.orders.get(o)
        if orders is None:
            orders = _remember(self.orders, o, _orders)
        unit = self.units.get(unit) or _remember(self.units, unit, _unit)
        return (t, product, channel, quantity, unit, orders)

    def amount(self, text: str) -> Decimal:
        """A positive amount with at most 2 places, remembered; ValueError if not."""
        value = _amount(text)
        if len(self.amounts) < _CACHED:
            self.amounts[text] = value
        return value


def read_entries(body: bytes, check: LineChecker, *, start: int = 0,
                 earlier: Sequence[Entry | None] | None = None,
                 into: list[Entry | None] | None = None) -> list[Entry | None]:
    """Every entry line of `body` (whose line ends are all LF), in order: the Entry, or None
    for a line with problems, which `check` then holds.

    Lines appended to a checked ledger (`resume`): `body` is a line end and the new lines,
    `start` the number of entries before them, `earlier` every entry by seq (the ones
    before, then those read here, which are appended to `into`): a correction's check looks
    up the entry it corrects there.

    A line is taken apart and its fields looked up in dicts of values already found valid;
    anything unexpected raises and sends the line to `check.check_line`.
    """
    entries: list[Entry | None] = [] if into is None else into
    seen = entries if earlier is None else earlier
    append = entries.append
    values = _Values(check)
    dates, names, notes, heads = values.dates, values.names, values.notes, values.heads
    amounts, currencies = values.amounts, values.currencies
    new_head, head_of, new_amount = values.head, values.head_of, values.amount
    receipts = check.receipts
    receipt = RECEIPT.fullmatch
    normalise = normalise_receipt
    today = check.today

    def day_of(text: str) -> date:
        value = _date(text)
        if not date_in_window(value, today):
            raise ValueError(text)
        return value

    note_limit, ref_limit = FIELD_LIMITS["note"], FIELD_LIMITS["reference"]
    formula = frozenset(FORMULA_STARTS)
    new = object.__new__
    builder = EntryBuilder
    entry_class = Entry
    donation = DONATION
    # An entry's seq is its line number less one: the previous line's number, as the same int
    # object (a million ints less). `shift` counts on from a wrong seq in a broken file.
    prev = start + 1
    shift = 0
    lines = itertools.chain.from_iterable(line_groups(body))
    for line_no, raw in enumerate(lines, start + 2):
        seq, prev = (prev + shift if shift else prev), line_no
        try:
            if len(raw) > MAX_LINE_BYTES:
                raise ValueError
            line = raw.decode()
            if '"' in line:  # quoted fields: split by the csv module (a comma may be inside)
                fields = split_line(line)
                if len(fields) != COLUMN_COUNT:
                    raise ValueError
                s, d, a, c, party, ref, note = fields[0], fields[1], *fields[8:]
                head = ",".join(fields[2:8])
                known = heads.get(head) if head.count(",") == 5 else head_of(fields[2:8])
            else:
                # Thirteen fields: two split off the front, five off the back, and a head that
                # is only found (or remembered) when it is exactly six valid fields.
                s, d, rest = line.split(",", 2)
                head, a, c, party, ref, note = rest.rsplit(",", 5)
                known = heads.get(head)
            if known is None:
                known = new_head(head)
            if (s != str(seq) or ":" in ref or "：" in ref or len(ref) > ref_limit
                    or ref[:1] in formula or not ref.isprintable()):
                raise ValueError  # a correction, or meant as one, or a mistake
            day = dates.get(d) or _remember(dates, d, day_of)
            amount = amounts.get(a) or new_amount(a)
            currency = currencies[c]
            party = names.get(party) or _remember(names, party, _name)
            try:
                note = notes[note]
            except KeyError:
                if not _plain(note, note_limit):
                    raise ValueError from None
                notes[note] = note
            t, product, channel, quantity, unit, orders = known
            if t is donation:
                key = normalise(ref)
                if key in receipts or not receipt(ref):
                    raise ValueError
                receipts[key] = (line_no, ref)
            # As `format.make_entry`, inline: a call would cost a fifth of building the entry.
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
            checked, number = check.check_line(raw, line_no, seq, seen)
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


def _plain(text: str, limit: int) -> bool:
    """Text the full check would pass without a look: printable (no control or invisible
    character; `str.isprintable` refuses more, such as U+3000, and the full check says which
    are fine), within its length, not starting like a spreadsheet formula."""
    return text.isprintable() and len(text) <= limit and not text.startswith(FORMULA_STARTS)


def _name(text: str) -> str:
    if not text.strip() or not _plain(text, FIELD_LIMITS["party"]):
        raise ValueError(text)
    return text


def _unit(text: str) -> str:
    if not text.strip() or not _plain(text, FIELD_LIMITS["unit"]):
        raise ValueError(text)
    return text
