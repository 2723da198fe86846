"""Personal data that must never reach a public page or ledger (SPEC.md, "Ledger").

Five kinds are refused: an e-mail address (its local part or domain may be in any script), a
mainland mobile number, a landline number with its area code, an ID-card number (18 digits
with a check character, or the old 15-digit form) and a bank-card number.
`find_personal_data` tells which one a piece of text holds.

Text is read as a person would read it, not as it is stored: Unicode NFKC first (full-width
digits ０-９ and ＠ become 0-9 and @), invisible characters dropped, digits of every script
read as digits, and spaces, dots, dashes and brackets of any width between digits ignored, so
that ``138 0013 8000``, ``138.0013.8000``, ``１３８－００１３－８０００``, ``(010)12345678``,
``0743-8521234`` and ``+86 138 0013 8000`` are all the numbers they are.

Numbers are told apart by their shape, so that the figures a ledger is full of are not
mistaken for people: dates (20190220, 2019-02-20), GTIN-13/14 codes, amounts (280000.00,
138001380.00), receipt codes (HL2019-000123) and 12-digit item ids are all fine. A number
counts only from the start of a group of digits to the end of a group (a group being digits
between separators), so a number inside a longer run of digits is not any of these.

A whole ledger is not run through `find_personal_data` line by line: `candidate_lines` looks at
all the bytes at once, at C speed, and names the few lines worth a closer look (usually none).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date

from harvest.i18n import _
from harvest.problems import Problem

# E-mail: a local part and a domain of letters and digits of any script (after NFKC), the
# domain ending in a dot and a name of two or more letters (com, cn, 中国).
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")

# A sequence of digit groups joined by separators (spaces, dots, dashes, brackets, already
# mapped to ASCII by `_normalised`), perhaps ending in the X of an ID-card number.
_SEQUENCE = re.compile(r"[0-9]+(?:[ .\-()]+[0-9]+)*[Xx]?")
_SEPARATORS = "\t\n\r\x0b\x0c .-()"
_SPLIT = str.maketrans({c: " " for c in _SEPARATORS})

_MOBILE = re.compile(r"(?:0086|86)?1[3-9][0-9]{9}")
# 0, an area code (010, 02X, or three digits from 3), a local number of 7-8 digits from 2-9;
# with the country code, the area code's 0 is left out.
_LANDLINE = re.compile(r"(?:0|86|0086)(?:10|2[0-9]|[3-9][0-9]{2})[2-9][0-9]{6,7}")
# Province codes: the first two digits of a mainland (and HK, Macau, Taiwan) ID-card number.
_REGIONS = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83 91".split()
)

# The kinds, as `_digits_kind` names them; `kind_words` says them to a reader.
EMAIL = "email"
MOBILE = "mobile"
LANDLINE = "landline"
ID_CARD = "id-card"
BANK_CARD = "bank-card"


def kind_words(kind: str) -> str:
    """A kind of personal data in plain words, in the reader's language: "a mainland mobile number"."""
    return {
        EMAIL: _("an e-mail address"),
        MOBILE: _("a mainland mobile number"),
        LANDLINE: _("a landline phone number"),
        ID_CARD: _("an ID-card number"),
        BANK_CARD: _("a bank-card number"),
    }[kind]


def luhn_ok(digits: str) -> bool:
    """True when the string of ASCII digits passes the Luhn check used by bank cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def find_personal_data(text: str) -> str | None:
    """The kind of personal data `text` holds, in plain words (in the reader's language), or None.

    Example: ``find_personal_data("电话 138-0013-8000")`` is ``"a mainland mobile number"``;
    ``find_personal_data("HL2019-000123")`` is None.
    """
    found = personal_data(text)
    return kind_words(found[0]) if found else None


def personal_data(text: str) -> tuple[str, str] | None:
    """The kind of personal data `text` holds (`EMAIL`, `MOBILE` …) and the part of the
    (normalised) text that is it, or None."""
    plain = _normalised(text)
    if "@" in plain:
        match = _EMAIL.search(plain)
        if match:
            return EMAIL, match.group()
    for match in _SEQUENCE.finditer(plain):
        kind = _digits_kind(match.group())
        if kind:
            return kind, match.group()
    return None


def page_problems(path: str, text: str) -> list[Problem]:
    """Personal data in a Markdown page (a story, an editors' page), one problem a line."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        found = personal_data(line)
        if found:
            out.append(Problem(path, number, "", _("no personal data on a public page"),
                               _("what looks like {kind}: {text}").format(kind=kind_words(found[0]), text=found[1]),
                               _("remove it; name a cooperative or an office instead of a person's "
                                 "contact details (a number counts however it is written: with "
                                 "spaces, dots or dashes, or in full-width digits)")))
    return out


# --- reading text as a person reads it ---------------------------------------------------

# Controls and invisible characters (as `sanity.control_character`, without tab and line
# ends, which separate): dropped, so that 138\u200b0013\u200b8000 is still a number.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_DOTS = "·・。｡﹒․‧∙⋅"


@functools.lru_cache(maxsize=4096)
def _char_class(ch: str) -> str:
    """How a non-ASCII character reads in a number: "d" a digit or @, "s" a separator,
    "x" invisible (dropped), "" anything else."""
    if _INVISIBLE.match(ch):
        return "x"
    if unicodedata.decimal(ch, None) is not None:
        return "d"
    plain = unicodedata.normalize("NFKC", ch)
    if any(c in "0123456789@" for c in plain):
        return "d"
    if _as_separator(plain) is not None or _as_separator(ch) is not None:
        return "s"
    return ""


def _as_separator(ch: str) -> str | None:
    if len(ch) != 1:
        return None
    if ch.isspace():
        return " "
    if ch in _DOTS or ch == ".":
        return "."
    category = unicodedata.category(ch)
    if category == "Pd" or ch in "\u2212\u2043\ufe63\uff0d":
        return "-"
    if category == "Ps":
        return "("
    if category == "Pe":
        return ")"
    return None


@functools.lru_cache(maxsize=4096)
def _plain_char(ch: str) -> str:
    """A non-ASCII character (already NFKC) as `_SEQUENCE` reads it."""
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    return _as_separator(ch) or ch


def _normalised(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    if not text.isascii():
        text = "".join(c if c < "\x80" else _plain_char(c) for c in text)
    return text


def _digits_kind(sequence: str) -> str | None:
    """The kind of personal data a sequence of digit groups holds: any run of whole groups,
    joined, that is one of the numbers."""
    groups = sequence.translate(_SPLIT).split()
    if sum(map(len, groups)) < 11:
        return None
    last = len(groups)
    if last > 1 and len(groups[-1]) <= 2 and sequence[: -len(groups[-1])].endswith("."):
        last -= 1  # 138001380.00 is an amount: its cents join nothing
    for i in range(last):
        joined = ""
        for j in range(i, last):
            joined += groups[j]
            size = len(joined)
            if size > 19:
                break
            if size >= 11:
                kind = _number_kind(joined, size)
                if kind:
                    return kind
    return None


def _number_kind(s: str, size: int) -> str | None:
    if s[-1] in "Xx":  # an ID card's check character, or a letter after a number
        if size == 18 and _id_card(s):
            return ID_CARD
        return _number_kind(s[:-1], size - 1) if size > 11 else None
    first = s[0]
    if first in "018":
        if size in (11, 13, 15) and _MOBILE.fullmatch(s):
            return MOBILE
        if size <= 16 and _LANDLINE.fullmatch(s):
            return LANDLINE
    if size in (15, 18) and _id_card(s):
        return ID_CARD
    if size >= 16 and luhn_ok(s):
        return BANK_CARD
    return None


def _id_card(s: str) -> bool:
    """An ID-card number's shape: a province code, a real birth date, a sequence (and, for 18
    characters, a check character, not required to be right: a mistyped number still names
    the person)."""
    if s[:2] not in _REGIONS or s[0] == "0":
        return False
    if len(s) == 18:
        year, rest = s[6:10], s[10:14]
    else:
        year, rest = "19" + s[6:8], s[8:12]
    try:
        born = date(int(year), int(rest[:2]), int(rest[2:]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born


# --- the whole-file pre-check ------------------------------------------------------------

# Digits, ASCII separators and controls all become "0": a run of 11 or more of them is the
# only place an ASCII-written number can be. The lead byte of every multi-byte character that
# may read as a digit, @ or a separator becomes NUL (CJK ideographs, E4-E9, never do).
_TABLE = bytearray(range(256))
for _b in b"0123456789 .-()\t\x0b\x0c" + bytes(range(0x01, 0x09)) + bytes(range(0x0e, 0x20)) + b"\x7f":
    _TABLE[_b] = 0x30
for _b in (0x00, *range(0xC2, 0xE4), *range(0xEA, 0xF5)):
    _TABLE[_b] = 0x00
_ZEROED = bytes(_TABLE)
_ELEVEN = b"0" * 11
_AT = b"@"
_NOT_ZERO = re.compile(rb"[^0]")


def candidate_lines(data: bytes) -> list[int]:
    """The 0-based numbers of the lines of `data` (split at b"\\n") worth a closer look.

    Every line that `find_personal_data` would find something in is among them. A clean
    ledger costs one translation and a few searches of its bytes, all in C; a Python step is
    taken for each run of 11 or more digits and separators, and for each character outside
    ASCII and CJK ideographs.
    """
    zeroed = data.translate(_ZEROED)
    starts: set[int] = set()

    def add(pos: int) -> int:
        """Mark the line of `pos`; where to search on (the next line)."""
        starts.add(zeroed.rfind(b"\n", 0, pos) + 1)
        end = zeroed.find(b"\n", pos)
        return len(zeroed) if end == -1 else end

    # Every run of 11 or more: `split` finds them in C; a run's shape (`_SHAPE`) decides most
    # runs from a small cache, and only a shape that may hold a number has its digits read.
    pieces = zeroed.split(_ELEVEN)
    shapes: dict[bytes, bool] = {}
    pos = end = 0
    for k in range(len(pieces) - 1):
        pos += len(pieces[k])
        if pos >= end:  # a new run (else a second split inside the run before)
            rest = pieces[k + 1]
            zeros = len(rest) - len(rest.lstrip(b"0"))
            if zeros < len(rest) or k + 2 == len(pieces):
                end = pos + 11 + zeros
            else:  # the run goes on past the next split
                after = _NOT_ZERO.search(zeroed, pos)
                end = after.start() if after else len(zeroed)
            if data[end:end + 1] in (b"X", b"x"):
                end += 1
            run = data[pos:end]
            shape = run.translate(_SHAPE)
            maybe = shapes.get(shape)
            if maybe is None:
                maybe = shapes[shape] = _shape_may_hold(shape)
            if maybe and any(_digits_kind(m.group()) for m in
                             _SEQUENCE.finditer(_normalised(run.decode("latin-1")))):
                add(pos)
        pos += 11
    pos = data.find(_AT)
    while pos != -1:
        pos = data.find(_AT, add(pos))
    pos = zeroed.find(b"\x00")
    while pos != -1:
        lead = data[pos]
        size = 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        ch = data[pos:pos + size].decode("utf-8", "replace")[:1]
        kind = "x" if lead == 0 else _char_class(ch)
        if kind == "d" or (kind in ("s", "x") and _near_digit(zeroed, pos, size)):
            pos = zeroed.find(b"\x00", add(pos))
        else:
            pos = zeroed.find(b"\x00", pos + 1)
    lines: list[int] = []
    line = 0
    last = 0
    for start in sorted(starts):
        line += zeroed.count(b"\n", last, start)
        last = start
        lines.append(line)
    return lines


# A run's shape: digits that may start a phone number (0, 1, 8) as "a", other digits as "b",
# X as "b", separators and controls as spaces.
_SHAPE_TABLE = bytearray(b" " * 256)
for _b in b"018":
    _SHAPE_TABLE[_b] = ord("a")
for _b in b"234567 9Xx".replace(b" ", b""):
    _SHAPE_TABLE[_b] = ord("b")
_SHAPE = bytes(_SHAPE_TABLE)


def _shape_may_hold(shape: bytes) -> bool:
    """Quick necessary condition on a run's shape: 11 digits or more, and, below 15 (no
    ID-card or bank-card number), a group starting with 0, 1 or 8 with 11 digits or more
    from there (a phone number). Controls count as separators here, which only adds joins."""
    groups = shape.split()
    digits = sum(map(len, groups))
    if digits < 11:
        return False
    if digits >= 15:
        return True
    for group in groups:
        if group[0] == 0x61 and digits >= 11:
            return True
        digits -= len(group)
    return False


def _near_digit(zeroed: bytes, pos: int, size: int) -> bool:
    """A separator or invisible character next to a digit (or to another such character)."""
    return zeroed[pos - 1:pos] in (b"0", b"\x00") or zeroed[pos + size:pos + size + 1] in (b"0", b"\x00")
