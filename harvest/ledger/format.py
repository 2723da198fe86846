"""The ledger file format (SPEC.md, "Ledger"): what every module that reads a ledger shares.

A ledger file is UTF-8 text: the header line `HEADER`, then one entry a line, each of the
`COLUMN_COUNT` columns of `COLUMNS` separated by commas (a field holding a comma is quoted, as
CSV does). Here are the names and their synonyms in exports, the `Entry` type and the checked
`Ledger`, the one way of cutting a file into entry lines (`line_groups`, `entry_lines`) and a
line into fields (`split_line`; back: `join_line`), and the one way of finding a donation's
receipt code and telling two codes apart (`receipt_code`, `normalise_receipt`). Checking is
`parse`'s job.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast, overload

HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note"
COLUMNS = tuple(HEADER.split(","))
COLUMN_COUNT = len(COLUMNS)
# Each column's position in a line's fields (0 for seq); a problem's column number is one more.
INDEX = {name: k for k, name in enumerate(COLUMNS)}
TYPES = ("donation", "sale", "disbursement", "expense")
DONATION, SALE = TYPES[0], TYPES[1]
# Entries in each published chunk ``ledgers/<id>/entries/<k>.json``, which the ledger page loads.
CHUNK_ENTRIES = 1000

# The names of the columns in spreadsheet exports, after the column's own name (any case);
# the first is the Chinese name the column goes by.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号",),
    "date": ("日期", "交易时间", "时间", "交易日期"),
    "type": ("类型", "交易类型"),
    "product": ("产品", "商品"),
    "channel": ("渠道", "平台", "销售渠道"),
    "quantity": ("数量", "销售数量"),
    "unit": ("单位",),
    "orders": ("订单数", "订单数量"),
    "amount": ("金额", "金额(元)", "金额(¥)", "金额(人民币)", "交易金额"),
    "currency": ("币种", "货币"),
    "party": ("对方", "交易对方", "付款方", "收款方", "捐赠人", "捐赠方"),
    "reference": ("凭证号", "订单号", "流水号", "交易号", "收据号"),
    "note": ("备注", "说明"),
}
# The Chinese words for the entry types, as editors and exports write them.
TYPE_SYNONYMS = {"捐赠": DONATION, "捐款": DONATION, "销售": SALE, "拨付": "disbursement",
                 "支出": "expense", "费用": "expense"}

_TYPE, _REFERENCE = INDEX["type"], INDEX["reference"]
_SPACES_AND_DASHES = re.compile(r"[\s\-\u00ad\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]+")
_CORRECTION_START = "seq:"
# A correction's reference: N is the seq of the entry it corrects (SPEC.md, "Ledger").
CORRECTION = re.compile(r"seq:([0-9]+)")


@dataclass(frozen=True, slots=True)
class Entry:
    """One ledger line, checked. Amounts and quantities are signed (corrections are negative)."""

    seq: int
    date: date
    type: str
    product: str
    channel: str
    quantity: Decimal | None
    unit: str
    orders: int | None
    amount: Decimal
    currency: str
    party: str
    reference: str
    note: str
    line: int  # 1-based line number in the file; the header is line 1
    corrects: int | None  # seq of the entry this one corrects (reference "seq:N")


class EntryBuilder:
    """Entry's twin without `frozen`, for building a million entries fast.

    `frozen` sets each field through `object.__setattr__`, which costs about 3 µs an entry
    against 0.5 µs for plain slot stores. A loader fills a builder (`object.__new__` and slot
    stores, or `make_entry`) and then gives it Entry's class (same slots, so the same layout);
    the result is an ordinary frozen Entry.
    """

    __slots__ = Entry.__slots__

    def __init__(self, seq: int, day: date, type: str, product: str, channel: str,
                 quantity: Decimal | None, unit: str, orders: int | None, amount: Decimal,
                 currency: str, party: str, reference: str, note: str, line: int,
                 corrects: int | None) -> None:
        self.seq = seq
        self.date = day
        self.type = type
        self.product = product
        self.channel = channel
        self.quantity = quantity
        self.unit = unit
        self.orders = orders
        self.amount = amount
        self.currency = currency
        self.party = party
        self.reference = reference
        self.note = note
        self.line = line
        self.corrects = corrects


def make_entry(*fields: object) -> Entry:
    """An Entry from its fields in declaration order, built the fast way (see `EntryBuilder`)."""
    entry = EntryBuilder(*fields)  # type: ignore[arg-type]
    entry.__class__ = Entry  # type: ignore[assignment]
    return cast(Entry, entry)


@dataclass(frozen=True)
class Ledger:
    """A checked ledger: its bytes exactly as committed and its entries in file order."""

    campaign: str
    path: str  # repository-relative, e.g. "ledgers/baojing-oranges-2019.csv"
    data: bytes
    entries: Sequence[Entry]  # a tuple; read again on demand when only the appended lines were checked (`resume`)

    def lines(self) -> list[bytes]:
        """Each entry line's bytes without its line end: the Merkle leaves (entry i is leaf i-1)."""
        return entry_lines(self.data)


def chunks(data: bytes, size: int = 1 << 20) -> Iterator[bytes]:
    """The entry lines of a ledger file (after the header; the last line end left out) as
    pieces of about `size` bytes that end at a line end, each line end inside kept."""
    start = data.find(b"\n") + 1
    if start == 0:
        return
    end = len(data) - 1 if data.endswith(b"\n") else len(data)
    while start <= end:
        cut = data.find(b"\n", start + size, end) if start + size < end else -1
        if cut == -1:
            yield data[start:end]
            return
        yield data[start:cut]
        start = cut + 1


def line_groups(data: bytes, size: int = 1 << 20) -> Iterator[list[bytes]]:
    """The entry lines of a ledger file, in order, as lists of the lines of about `size`
    bytes: every line after the header (line 1), without its line end (LF, or CR LF).

    Example: ``list(line_groups(b"seq,...\\n1,a\\r\\n2,b\\n"))`` is ``[[b"1,a", b"2,b"]]``.
    """
    carriage = b"\r" in data
    for piece in chunks(data, size):
        lines = piece.split(b"\n")
        yield [line.removesuffix(b"\r") for line in lines] if carriage else lines


def entry_lines(data: bytes) -> list[bytes]:
    """Every entry line of a ledger file, as `line_groups` gives them, in one list."""
    lines: list[bytes] = []
    for group in line_groups(data):
        lines += group
    return lines


class TailLines(Sequence[bytes]):
    """The `size` entry lines of a checked ledger file (LF line ends) as a sequence whose
    slices are read from the end of the bytes: the last few lines without splitting them all."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size = data, size

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, int):
            return self[index : index + 1 or None][0]
        start, stop, step = index.indices(self.size)
        if step != 1 or start >= stop:
            return entry_lines(self.data)[index] if step != 1 else []
        end = len(self.data) - 1 if self.data.endswith(b"\n") else len(self.data)
        lines: list[bytes] = []
        for _ in range(self.size - start):  # from the last line back to line `start`
            cut = self.data.rfind(b"\n", 0, end)
            lines.append(self.data[cut + 1 : end])
            end = cut
        lines.reverse()
        return lines[: stop - start]


def split_line(text: str) -> list[str]:
    """The fields of one ledger line, as a CSV reader reads them: split at the commas, or
    by the `csv` module when the line holds a quote or a line break.

    Raises `csv.Error` for a line that is not one CSV record (a quote not closed, say).
    Example: ``split_line('1,"a, b",c')`` is ``["1", "a, b", "c"]``.
    """
    if '"' in text or "\r" in text or "\n" in text:
        return next(csv.reader((text,), strict=True), [])
    return text.split(",") if text else []


def join_line(fields: Iterable[object]) -> str:
    """One ledger line (without its line end) from its fields, quoted as CSV where needed:
    the inverse of `split_line` for fields without line breaks (a ledger field holds none).
    Example: ``join_line([1, "a, b"])`` is ``'1,"a, b"'``."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue()[:-1]


def receipt_code(reference: str) -> str | None:
    """The receipt code a donation's reference gives a donor: the reference without spaces
    around it; None when there is none, or the entry is a correction (``seq:N``)."""
    code = reference.strip()
    return code if code and not code.startswith(_CORRECTION_START) else None


def receipt_of_fields(fields: Sequence[str]) -> str | None:
    """`receipt_code` of a line's fields when they are a donation's; None otherwise."""
    if len(fields) <= _REFERENCE or fields[_TYPE] != DONATION:
        return None
    return receipt_code(fields[_REFERENCE])


def correction_of_fields(fields: Sequence[str]) -> int | None:
    """The seq a line's fields correct when they are a donation's correction (reference
    ``seq:N``); None otherwise."""
    if len(fields) <= _REFERENCE or fields[_TYPE] != DONATION:
        return None
    match = CORRECTION.fullmatch(fields[_REFERENCE])
    return int(match.group(1)) if match else None


def receipts_of(entries: Iterable[Entry]) -> dict[str, int]:
    """Receipt code → zero-based leaf index (the entry's seq less one) of a checked ledger's
    donations; the first entry wins a repeated code."""
    found: dict[str, int] = {}
    for entry in entries:
        if entry.type == DONATION:
            code = receipt_code(entry.reference)
            if code is not None:
                found.setdefault(code, entry.line - 2)
    return found


def normalise_receipt(code: str) -> str:
    """The form under which two receipt codes are the same code.

    Unicode NFKC (full-width letters and digits become ASCII), case folded, and every space
    and every dash removed, of any width (hyphen, en and em dash, minus sign, full-width
    hyphen-minus …). Two donations whose codes have the same form are refused: a donor typing
    either would find the other's entry. The browser's receipt look-up must use exactly this
    rule. Example: ``normalise_receipt(" ＨＬ2019－000123")`` is ``"hl2019000123"``, as is
    ``normalise_receipt("hl 2019 000123")``.
    """
    if code.isascii() and code.isprintable():
        # The same, quicker, for the usual code: NFKC and case folding of printable ASCII are
        # `lower`, and its only space or dash are " " and "-".
        return code.lower().replace("-", "").replace(" ", "")
    return _SPACES_AND_DASHES.sub("", unicodedata.normalize("NFKC", code).casefold())
