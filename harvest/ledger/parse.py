"""Loading and checking a campaign's ledger, `ledgers/<campaign-id>.csv` (SPEC.md, "Ledger").

`parse_ledger` checks the file as a whole (encoding, line ends, header), then every line, and
returns the entries with every problem found. A ledger with any problem is not returned: a
public ledger is published whole or not at all.

Ledgers grow to millions of lines, so most lines take the fast path of `fast`; any line it
is not sure of goes to `rules.LineChecker.check_line`, which checks every rule and says what
is wrong. Personal data is looked for in all the bytes at once (`privacy`). What a ledger
file is made of (header, columns, `Entry`, `Ledger`) is in `format`.
"""

from __future__ import annotations

import codecs
import csv
import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import cast

from harvest.i18n import _
from harvest.ledger.fast import read_entries
from harvest.ledger.format import (
    COLUMN_COUNT,
    COLUMN_SYNONYMS,
    COLUMNS,
    HEADER,
    Entry,
    Ledger,
    entry_lines,
    split_line,
)
from harvest.ledger.rules import LineChecker, correction_problems
from harvest.load.privacy import candidate_lines, find_personal_data
from harvest.problems import Problem, shown

MAX_PROBLEMS = 200
# A million entries take about 110 MB; a file past this is not a ledger anyone can check.
MAX_LEDGER_BYTES = 1 << 30

_BOM = b"\xef\xbb\xbf"
# The Chinese column names of a spreadsheet's header, which only the importer reads.
_CHINESE_HEADER = tuple(names[0] for column, names in COLUMN_SYNONYMS.items() if column != "seq")


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
    checked = check_ledger(data, path, campaign, products=products, channels=channels, today=today)
    return checked.ledger, checked.problems


@dataclass
class Checked:
    """A ledger checked whole: the ledger (None when it has problems) and its problems, with
    what the check kept that the entries appended to it are checked against (`resume`): the
    receipt codes and what corrections left of the entries they correct."""

    ledger: Ledger | None
    problems: list[Problem]
    receipts: dict[str, tuple[int, str]] = field(default_factory=dict)
    left: dict[int, list[Decimal]] = field(default_factory=dict)


def check_ledger(data: bytes, path: str, campaign: str, *, products: Collection[str],
                 channels: Collection[str], today: date | None = None) -> Checked:
    """`parse_ledger`, and what the check kept (`Checked`)."""
    problems: list[Problem] = []
    body = _file_problems(data, path, campaign, problems)
    if body is None:
        return Checked(None, problems)
    header_problems = _header_problems(body.partition(b"\n")[0].removesuffix(b"\r"), path, campaign)
    if header_problems:
        return Checked(None, problems + header_problems)

    # Personal data first: its scan makes a copy of the bytes, gone before entries are built.
    suspect = candidate_lines(body)
    checker = LineChecker(path, products, channels, problems, today)
    with no_gc():
        if problems:  # the line ends or the encoding are wrong: check every line slowly
            entries = _check_slowly(body, checker)
        else:
            entries = read_entries(body, checker)
    left: dict[int, list[Decimal]] = {}
    problems += correction_problems(entries, path, left=left)
    if suspect:
        lines = entry_lines(body)  # line `index` of the file (the header is 0) is lines[index - 1]
        for index in suspect:
            if 0 < index <= len(lines):
                personal_data(lines[index - 1], index + 1, path, problems)
    if problems:
        return Checked(None, capped(problems, path))
    return Checked(Ledger(campaign, path, data, tuple(cast(list[Entry], entries))), [], checker.receipts, left)


@contextmanager
def no_gc() -> Iterator[None]:
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
    move = _("move the file out of ledgers/, leave only the header line in {path}, then run {importer}; "
             "the importer converts it to UTF-8").format(
        path=path, importer=_("python build.py import {campaign} <the moved file>").format(campaign=campaign))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(path, None, "", _("a file in UTF-8"), _("a file in UTF-16"), move))
        return None
    body = data
    if data.startswith(_BOM):
        body = data[len(_BOM):]
        problems.append(Problem(path, 1, "", _("UTF-8 without a byte order mark (BOM)"),
                                _("a BOM (the bytes EF BB BF) before the header"),
                                _("save the file as plain “UTF-8”, not “UTF-8 with BOM” (in VS Code: click "
                                  "“UTF-8 with BOM” in the status bar, “Save with Encoding”, “UTF-8”)")))
    try:
        # The start tells a GBK file; each line is decoded later anyway, so a damaged line
        # further down is still found (and told by its number).
        codecs.utf_8_decode(body[:1 << 16], "strict", False)
    except UnicodeDecodeError:
        if _is_chinese_encoding(body):
            problems.append(Problem(path, None, "", _("a file in UTF-8"),
                                    _("a file in GBK / GB18030 (Chinese Windows encoding)"), move))
            return None
        # Otherwise each damaged line is reported where it is.
        problems.append(Problem(path, None, "", _("a file in UTF-8"), _("bytes that are not UTF-8"),
                                _("save the file as UTF-8; the lines concerned are listed")))
    if not body:
        problems.append(Problem(path, 1, "", _("the header line {header}").format(header=HEADER),
                                _("an empty file"),
                                _("write the header line (and nothing else for an empty ledger)")))
        return None
    if b"\r" in body:
        first = body[: body.index(b"\r")].count(b"\n") + 1
        problems.append(Problem(path, first, "", _("LF line ends (Unix)"),
                                _("CR LF line ends (Windows)") if b"\r\n" in body else _("CR characters"),
                                _("save the file with LF line ends (in VS Code: click “CRLF” in the status "
                                  "bar and choose “LF”; in Notepad++: Edit › EOL Conversion › Unix (LF))")))
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
    header_line = _("the header line {header}").format(header=HEADER)
    fix_all = _("make the first line exactly: {header}").format(header=HEADER)
    if got[0].strip().isdigit():
        return [Problem(path, 1, "", header_line, _("an entry {line}").format(line=shown(text)),
                        _("insert this line at the top of the file: {header}").format(header=HEADER))]
    if any(name in text for name in _CHINESE_HEADER):
        return [Problem(path, 1, "", header_line, _("Chinese column names {line}").format(line=shown(text)),
                        _("a spreadsheet export goes through python build.py import {campaign} <file>, "
                          "which reads Chinese column names; a ledger's own header is in English").format(
                            campaign=campaign))]
    if '"' in text:
        return [Problem(path, 1, "", header_line, _("quotes in {line}").format(line=shown(text)),
                        _("make the first line exactly: {header} (without quotes)").format(header=HEADER))]
    out: list[Problem] = []
    in_order = _("the columns in this order: {header}").format(header=HEADER)
    this_order = _("this order: {line}").format(line=text)
    if len(got) == COLUMN_COUNT:
        if sorted(got) == sorted(COLUMNS):
            return [Problem(path, 1, "", in_order, this_order, fix_all)]
        for k, (want, have) in enumerate(zip(COLUMNS, got, strict=True), 1):
            if want != have:
                out.append(Problem(path, 1, want, _('column {number} named "{name}"').format(number=k, name=want),
                                   shown(have),
                                   _("make the first line exactly: {header} (no spaces, lower case)").format(
                                       header=HEADER), column=k))
        return out
    for k, want in enumerate(COLUMNS, 1):
        if want not in got:
            out.append(Problem(path, 1, want, _('a column "{name}" (column {number})').format(name=want, number=k),
                               _("no such column"), fix_all, column=k))
    for k, have in enumerate(got, 1):
        if have not in COLUMNS:
            out.append(Problem(path, 1, have, _("only the {count} columns of {header}").format(
                               count=COLUMN_COUNT, header=HEADER),
                               _("an extra column {name}").format(name=shown(have)), fix_all, column=k))
        elif got.index(have) != k - 1:
            out.append(Problem(path, 1, have, _("each column once"),
                               _('"{name}" a second time').format(name=have), fix_all, column=k))
    if not out:
        out.append(Problem(path, 1, "", in_order, this_order, fix_all))
    return out


def _check_slowly(body: bytes, check: LineChecker) -> list[Entry | None]:
    """Every entry line through `LineChecker`, CR line ends taken off."""
    entries: list[Entry | None] = []
    seq = 0
    for line, raw in enumerate(entry_lines(body), 2):
        checked, seq = check.check_line(raw, line, seq + 1, entries)
        entries.append(checked)
    return entries


# The columns a person's details could be written in; the others hold numbers, dates and ids,
# checked by their own rules (an amount of 13800138000.00 is not a phone number).
_TEXT = ("product", "channel", "unit", "party", "reference", "note")


def personal_data(raw: bytes, line: int, path: str, problems: list[Problem]) -> None:
    text = raw.decode("utf-8", "replace")
    try:
        fields = split_line(text)
    except csv.Error:  # told as a problem of its own; the whole line is looked at
        kind = find_personal_data(text)
        if kind:
            problems.append(_personal_problem(path, line, "", kind, None))
        return
    for k, (name, value) in enumerate(zip(COLUMNS, fields, strict=False), 1):
        kind = find_personal_data(value) if name in _TEXT or len(fields) != COLUMN_COUNT else None
        if kind:
            problems.append(_personal_problem(path, line, name, kind, k))


def _personal_problem(path: str, line: int, field: str, kind: str, column: int | None) -> Problem:
    return Problem(path, line, field, _("no personal data in a public ledger"),
                   _("what looks like {kind}").format(kind=kind),
                   _("remove it: a ledger names people only as they agreed (for example 张先生, or 匿名 "
                     "for anonymous) and never holds phone, ID-card or bank-card numbers or e-mail "
                     "addresses, however written (spaces, dots, full-width digits); the ledger is "
                     "public and its history is kept"), column)


def capped(problems: list[Problem], path: str) -> list[Problem]:
    problems = sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.field))
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    not_shown = _("1 more problem not shown") if more == 1 else _("{count} more problems not shown")
    return problems[:MAX_PROBLEMS] + [
        Problem(path, None, "", _("at most {count} problems shown for one ledger").format(count=MAX_PROBLEMS),
                not_shown.format(count=more), _("fix the ones above and build again to see the rest"))
    ]
