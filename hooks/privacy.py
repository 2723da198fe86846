"""Personal data that must never reach a public page or ledger (SPEC.md, "Ledger").

Four kinds are refused: an e-mail address, a mainland mobile number, an ID-card number and a
bank-card number. `find_personal_data` tells which one a piece of text holds. A whole ledger
is not run through it line by line: `may_hold_personal_data` / `candidate_lines` look at all the
bytes at once, at C speed, and name the few lines worth a closer look (usually none).

Numbers are told apart by their shape, so that the figures a ledger is full of are not
mistaken for people: dates (20190220), GTIN-13/14 codes, amounts (280000.00), receipt codes
(HL2019-000123) and 12-digit item ids are all fine. A number inside a longer run of digits is
not any of the four.
"""

from __future__ import annotations

import re

# Digits are matched as [0-9] (not \d, which also takes full-width and other scripts' digits).
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# 1[3-9] and nine more digits, written 13800138000, 138 0013 8000 or 138-0013-8000, with an
# optional +86 / 0086 / 86 in front.
_MOBILE = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[ -]?)?1[3-9][0-9](?:[0-9]{8}|([ -])[0-9]{4}\1[0-9]{4})(?![0-9])"
)

# Region code, a birth date in 1900–2099 and a three-digit sequence, then a digit or X. The
# ISO 7064 check digit is deliberately not required: a mistyped ID-card number still names
# the person, and a number of this shape is almost never anything else.
_ID_CARD = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[0-9]{3}[0-9Xx](?![0-9])"
)

# 16 to 19 digits, run together or in groups of four; only a number passing the Luhn check
# counts, which keeps most order numbers out.
_BANK_CARD = re.compile(
    r"(?<![0-9])(?:[0-9]{16,19}|[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?:\1[0-9]{1,3})?)"
    r"(?![0-9])"
)

_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_ELEVEN = b"0" * 11
_NOT_ZERO = re.compile(rb"[^0]")

# Once its digits are all turned into 0, every text the patterns above accept holds "@"
# (e-mail), a run of digits of one of these lengths (mobile: 11, or 13 and 15 with 86 or
# 0086 in front; ID card: 17 and an X, or 18; bank card: 16 to 19), or 3-4-4 digits split
# by spaces or dashes (a grouped mobile or bank-card number).
_RUN_LENGTHS = frozenset((11, 13, 15, 16, 17, 18, 19))
_PREFIXED = {13: b"86", 15: b"0086"}  # so that GTIN-13 codes are not candidates
_GROUPED = (b"000 0000 0000", b"000-0000-0000")


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
    """The kind of personal data `text` holds, in plain words, or None.

    Example: ``find_personal_data("电话 138-0013-8000")`` is ``"a mainland mobile number"``;
    ``find_personal_data("HL2019-000123")`` is None.
    """
    if "@" in text and _EMAIL.search(text):
        return "an e-mail address"
    if not may_hold_personal_data(text.encode("utf-8", "surrogatepass")):
        return None
    if _MOBILE.search(text):
        return "a mainland mobile number"
    if _ID_CARD.search(text):
        return "an ID-card number"
    for match in _BANK_CARD.finditer(text):
        if luhn_ok(re.sub(r"[ -]", "", match.group(0))):
            return "a bank-card number"
    return None


def may_hold_personal_data(data: bytes) -> bool:
    """Quick check of a whole text: False means it certainly holds no personal data.

    One pass over the bytes in C (about 0.1 s for 100 MB); True only means that
    `find_personal_data` must look closer.
    """
    return bool(candidate_lines(data, first_only=True))


def scan_text(text: str) -> bool:
    """`may_hold_personal_data` for a str."""
    return may_hold_personal_data(text.encode("utf-8", "surrogatepass"))


def candidate_lines(data: bytes, first_only: bool = False) -> list[int]:
    """The 0-based numbers of the lines of `data` (split at b"\\n") worth a closer look.

    Every line holding personal data is among them. A clean ledger costs one translation
    and a few searches of its bytes, all in C; a Python step is taken only for a run of 11
    or more digits, and such a run is a candidate only if its length fits.
    """
    zeroed = data.translate(_DIGITS_TO_ZERO)
    starts: set[int] = set()
    pos = zeroed.find(_ELEVEN)
    while pos != -1:
        run = zeroed[pos : pos + 21]
        length = len(run) - len(run.lstrip(b"0"))
        if length in _RUN_LENGTHS and (length not in _PREFIXED or data.startswith(_PREFIXED[length], pos)):
            starts.add(zeroed.rfind(b"\n", 0, pos) + 1)
            if first_only:
                break
        elif length == 21:  # a long run: find where it ends
            after = _NOT_ZERO.search(zeroed, pos)
            length = (after.start() if after else len(zeroed)) - pos
        pos = zeroed.find(_ELEVEN, pos + length)
    for marker in (b"@", *_GROUPED):
        pos = zeroed.find(marker)
        while pos != -1 and not (first_only and starts):
            starts.add(zeroed.rfind(b"\n", 0, pos) + 1)
            end = zeroed.find(b"\n", pos)
            pos = -1 if end == -1 else zeroed.find(marker, end)
    lines: list[int] = []
    line = 0
    last = 0
    for start in sorted(starts):
        line += zeroed.count(b"\n", last, start)
        last = start
        lines.append(line)
    return lines
