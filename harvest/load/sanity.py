"""Rules every text an editor or an export hands us must pass, wherever it comes from.

Shared by records, stories, ledgers and the importer so that they refuse the same things in
the same words: control characters, dates far from now, and the key under which two
published names count as the same address.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from harvest.i18n import _

# C0 and C1 controls (tab, line feed and carriage return are the file's own business),
# zero-width and direction-changing characters (they make text read differently from how it
# is stored), and the byte-order mark inside text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

EARLIEST = date(2000, 1, 1)


def control_character(text: str, allow: str = "") -> str | None:
    """The first control or invisible character in `text`, as `U+XXXX`, or None.

    `allow` names characters that are fine in this text (for example "\\t" in a story).
    """
    for match in _CONTROL.finditer(text):
        if match.group() not in allow:
            return f"U+{ord(match.group()):04X}"
    return None


def visible(text: str) -> str:
    """`text` with every control or invisible character (and every blank but the space)
    written as `[U+XXXX]`, so that a message shows what is really there."""
    return "".join(f"[U+{ord(c):04X}]" if _CONTROL.match(c) or (c.isspace() and c != " ") else c for c in text)


def latest(today: date) -> date:
    """The latest plausible date: one year after `today` (the commit date)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def date_in_window(value: date, today: date) -> bool:
    """Whether a date is plausible: from 2000-01-01 to a year after `today`."""
    return EARLIEST <= value <= latest(today)


def window_text(today: date) -> str:
    """The plausible window, as error messages say it."""
    return _("a date from {earliest} to {latest}").format(earliest=EARLIEST.isoformat(), latest=latest(today).isoformat())


_SEPARATORS = re.compile(r"[\s\-_.,;:·・、，。；：'\"`()\[\]{}（）【】「」『』《》〈〉/\\|]+")


def address_key(text: str) -> str:
    """The key under which two published names are the same address: NFKC, case folded, with
    spaces, punctuation and separators removed (`Baojing County`, `baojing-county` and
    `Baojing·County` collide)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS.sub("", folded)
