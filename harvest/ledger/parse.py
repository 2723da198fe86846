"""Loading and checking a campaign's ledger, `ledgers/<campaign-id>.csv` (SPEC.md, "Ledger").

`parse_ledger` checks the file as a whole (encoding, line ends, header), then every line, and
returns the entries with every problem found. A ledger with any problem is not returned: a
public ledger is published whole or not at all.

Ledgers grow to millions of lines, so most lines take the fast path of `ledger_fast`; any
line it is not sure of goes to `ledger_rules.LineChecker.check_line`, which checks every rule
and says what is wrong. Personal data is looked for in all the bytes at once (`privacy`).
"""

from __future__ import annotations

import codecs
import csv
import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, cast

from harvest.load.privacy import candidate_lines, find_personal_data
from harvest.problems import Problem, shown

if TYPE_CHECKING:
    from harvest.ledger.rules import LineChecker

HEADER = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note"
COLUMNS = tuple(HEADER.split(","))
TYPES = ("donation", "sale", "disbursement", "expense")
MAX_PROBLEMS = 200
# A million entries take about 110 MB; a file past this is not a ledger anyone can check.
MAX_LEDGER_BYTES = 1 << 30

_BOM = b"\xef\xbb\xbf"
_CHINESE_HEADER = ("日期", "类型", "产品", "渠道", "数量", "单位", "订单数", "金额", "币种", "对方", "凭证号", "备注")


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


class _EntryBuilder:
    """Entry's twin without `frozen`: `frozen` sets each field through `object.__setattr__`,
    which costs about 3 µs an entry here against 0.5 µs for plain slot stores. The loader
    fills a twin and gives it Entry's class (same slots, so the same layout); the result is
    an ordinary frozen Entry."""

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
    """An Entry from its fields in declaration order, built the fast way (see `_EntryBuilder`)."""
    entry = _EntryBuilder(*fields)  # type: ignore[arg-type]
    entry.__class__ = Entry  # type: ignore[assignment]
    return cast(Entry, entry)


@dataclass(frozen=True)
class Ledger:
    """A checked ledger: its bytes exactly as committed and its entries in file order."""

    campaign: str
    path: str  # repository-relative, e.g. "ledgers/baojing-oranges-2019.csv"
    data: bytes
    entries: tuple[Entry, ...]

    def lines(self) -> list[bytes]:
        """Each entry line's bytes without its line end: the Merkle leaves (entry i is leaf i-1)."""
        rows = self.data.split(b"\n")
        if rows[-1] == b"":
            rows.pop()
        del rows[0]
        return rows


def load_ledger(file: Path, path: str, campaign: str, *, products: Collection[str],
                channels: Collection[str], today: date | None = None) -> tuple[Ledger | None, list[Problem]]:
    """Read `file` and check it with `parse_ledger`; `path` is how messages name it."""
    data, problems = read_ledger_bytes(file, path)
    if data is None:
        return None, problems
    return parse_ledger(data, path, campaign, products=products, channels=channels, today=today)


def read_ledger_bytes(file: Path, path: str) -> tuple[bytes | None, list[Problem]]:
    """A ledger file's bytes, or None and why not: unreadable, or larger than
    `MAX_LEDGER_BYTES` (told before reading it)."""
    try:
        size = file.stat().st_size
        if size > MAX_LEDGER_BYTES:
            return None, [Problem(path, None, "", f"a ledger file of at most {MAX_LEDGER_BYTES:,} bytes",
                                  f"{size:,} bytes", "check that this is the ledger (a million entries "
                                  "take about 110 MB); split a campaign this large into several campaigns")]
        return file.read_bytes(), []
    except OSError as err:
        return None, [Problem(path, None, "", "a readable ledger file", err.strerror or str(err),
                              f"create {path} with the header line {HEADER}, or check its permissions")]


def parse_ledger(data: bytes, path: str, campaign: str, *, products: Collection[str],
                 channels: Collection[str], today: date | None = None) -> tuple[Ledger | None, list[Problem]]:
    """Check a ledger file's bytes against every rule of SPEC.md; the ledger, or None and the
    problems (all of them, at most `MAX_PROBLEMS` shown, then one saying how many more).

    The lines that may hold personal data (`privacy.candidate_lines`) are each then looked at
    closely. `today` is the commit date (dates may be up to a year after it); the day of the
    check when None.

    Example: ``parse_ledger(b"seq,date,...,note\\n", "ledgers/x.csv", "x", products={"p"},
    channels={"jd"})`` is an empty ledger and no problems.
    """
    from harvest.ledger.fast import read_entries
    from harvest.ledger.rules import LineChecker, correction_problems

    problems: list[Problem] = []
    body = _file_problems(data, path, campaign, problems)
    if body is None:
        return None, problems
    header_problems = _header_problems(body.partition(b"\n")[0].removesuffix(b"\r"), path, campaign)
    if header_problems:
        return None, problems + header_problems

    # Personal data first: its scan makes a copy of the bytes, gone before entries are built.
    suspect = candidate_lines(body)
    checker = LineChecker(path, products, channels, problems, today)
    with _no_gc():
        if problems:  # the line ends or the encoding are wrong: check every line slowly
            entries = _check_slowly(body, checker)
        else:
            entries = read_entries(body, checker)
    problems += correction_problems(entries, path)
    if suspect:
        rows = body.split(b"\n")
        for index in suspect:
            if index > 0:
                _personal_data(rows[index].removesuffix(b"\r"), index + 1, path, problems)
    if problems:
        return None, _capped(problems, path)
    return Ledger(campaign, path, data, tuple(cast(list[Entry], entries))), []


@contextmanager
def _no_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector out of loading.

    Entries hold no reference cycles, yet each is an object the collector tracks: left on,
    it walks a million young entries over and over as they are made, then once more in the
    first collection after loading. Paused, then `freeze` + `unfreeze` (which move every
    tracked object to the oldest generation in constant time), the entries cost nothing
    until the next full collection, which is rare.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _file_problems(data: bytes, path: str, campaign: str, problems: list[Problem]) -> bytes | None:
    """Encoding and line ends; the bytes after a BOM, or None when nothing more can be read."""
    importer = f"python build.py import {campaign} <the moved file>"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(path, None, "", "a file in UTF-8", "a file in UTF-16",
                                f"move the file out of ledgers/, leave only the header line in {path}, "
                                f"then run {importer}; the importer converts it to UTF-8"))
        return None
    body = data
    if data.startswith(_BOM):
        body = data[len(_BOM):]
        problems.append(Problem(path, 1, "", "UTF-8 without a byte order mark (BOM)",
                                "a BOM (the bytes EF BB BF) before the header",
                                "save the file as plain “UTF-8”, not “UTF-8 with BOM” (in VS Code: click "
                                "“UTF-8 with BOM” in the status bar, “Save with Encoding”, “UTF-8”)"))
    try:
        # The start tells a GBK file; each line is decoded later anyway, so a damaged line
        # further down is still found (and told by its number).
        codecs.utf_8_decode(body[:1 << 16], "strict", False)
    except UnicodeDecodeError:
        if _is_chinese_encoding(body):
            problems.append(Problem(path, None, "", "a file in UTF-8",
                                    "a file in GBK / GB18030 (Chinese Windows encoding)",
                                    f"move the file out of ledgers/, leave only the header line in "
                                    f"{path}, then run {importer}; the importer converts it to UTF-8"))
            return None
        # Otherwise each damaged line is reported where it is.
        problems.append(Problem(path, None, "", "a file in UTF-8", "bytes that are not UTF-8",
                                "save the file as UTF-8; the lines concerned are listed"))
    if not body:
        problems.append(Problem(path, 1, "", f"the header line {HEADER}", "an empty file",
                                "write the header line (and nothing else for an empty ledger)"))
        return None
    if b"\r" in body:
        first = body[: body.index(b"\r")].count(b"\n") + 1
        problems.append(Problem(path, first, "", "LF line ends (Unix)",
                                "CR LF line ends (Windows)" if b"\r\n" in body else "CR characters",
                                "save the file with LF line ends (in VS Code: click “CRLF” in the status "
                                "bar and choose “LF”; in Notepad++: Edit › EOL Conversion › Unix (LF))"))
    return body


def _is_chinese_encoding(body: bytes) -> bool:
    try:
        body.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _header_problems(first: bytes, path: str, campaign: str) -> list[Problem]:
    """Say how the header line differs from `HEADER`, column by column."""
    text = first.decode("utf-8", "replace")
    if text == HEADER:
        return []
    got = text.split(",")
    fix_all = f"make the first line exactly: {HEADER}"
    if got[0].strip().isdigit():
        return [Problem(path, 1, "", f"the header line {HEADER}", f"an entry {shown(text)}",
                        f"insert this line at the top of the file: {HEADER}")]
    if any(name in text for name in _CHINESE_HEADER):
        return [Problem(path, 1, "", f"the header line {HEADER}", f"Chinese column names {shown(text)}",
                        f"a spreadsheet export goes through python build.py import {campaign} <file>, "
                        "which reads Chinese column names; a ledger's own header is in English")]
    if '"' in text:
        return [Problem(path, 1, "", f"the header line {HEADER}", f"quotes in {shown(text)}",
                        fix_all + " (without quotes)")]
    out: list[Problem] = []
    if len(got) == len(COLUMNS):
        if sorted(got) == sorted(COLUMNS):
            return [Problem(path, 1, "", f"the columns in this order: {HEADER}",
                            f"this order: {text}", fix_all)]
        for k, (want, have) in enumerate(zip(COLUMNS, got, strict=True), 1):
            if want != have:
                out.append(Problem(path, 1, want, f'column {k} named "{want}"', shown(have),
                                   fix_all + " (no spaces, lower case)", column=k))
        return out
    for k, want in enumerate(COLUMNS, 1):
        if want not in got:
            out.append(Problem(path, 1, want, f'a column "{want}" (column {k})', "no such column",
                               fix_all, column=k))
    for k, have in enumerate(got, 1):
        if have not in COLUMNS:
            out.append(Problem(path, 1, have, f"only the {len(COLUMNS)} columns of {HEADER}",
                               f"an extra column {shown(have)}", fix_all, column=k))
        elif got.index(have) != k - 1:
            out.append(Problem(path, 1, have, "each column once", f'"{have}" a second time',
                               fix_all, column=k))
    if not out:
        out.append(Problem(path, 1, "", f"the columns in this order: {HEADER}", f"this order: {text}",
                           fix_all))
    return out


def _check_slowly(body: bytes, check: LineChecker) -> list[Entry | None]:
    """Every entry line through `LineChecker`, CR line ends taken off."""
    rows = body.split(b"\n")
    if rows[-1] == b"":
        rows.pop()
    entries: list[Entry | None] = []
    seq = 0
    for index in range(1, len(rows)):
        checked, seq = check.check_line(rows[index].removesuffix(b"\r"), index + 1, seq + 1, entries)
        entries.append(checked)
    return entries


# The columns a person's details could be written in; the others hold numbers, dates and ids,
# checked by their own rules (an amount of 13800138000.00 is not a phone number).
_TEXT = ("product", "channel", "unit", "party", "reference", "note")


def _personal_data(raw: bytes, line: int, path: str, problems: list[Problem]) -> None:
    text = raw.decode("utf-8", "replace")
    try:
        fields = next(csv.reader((text,), strict=True))
    except csv.Error:  # told as a problem of its own; the whole line is looked at
        kind = find_personal_data(text)
        if kind:
            problems.append(_personal_problem(path, line, "", kind, None))
        return
    for k, (name, value) in enumerate(zip(COLUMNS, fields, strict=False), 1):
        kind = find_personal_data(value) if name in _TEXT or len(fields) != len(COLUMNS) else None
        if kind:
            problems.append(_personal_problem(path, line, name, kind, k))


def _personal_problem(path: str, line: int, field: str, kind: str, column: int | None) -> Problem:
    return Problem(path, line, field, "no personal data in a public ledger", f"what looks like {kind}",
                   "remove it: a ledger names people only as they agreed (for example 张先生, or 匿名 "
                   "for anonymous) and never holds phone, ID-card or bank-card numbers or e-mail "
                   "addresses, however written (spaces, dots, full-width digits); the ledger is "
                   "public and its history is kept", column)


def _capped(problems: list[Problem], path: str) -> list[Problem]:
    problems = sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.field))
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [
        Problem(path, None, "", f"at most {MAX_PROBLEMS} problems shown for one ledger",
                f"{more} more problem{'s' if more != 1 else ''} not shown",
                "fix the ones above and build again to see the rest")
    ]
