"""Every rule for one ledger line, told in plain words (SPEC.md, "Ledger").

`parse.parse_ledger` sends here each line its fast path (`fast`) is not sure of: a correction, a
quoted note, or a mistake. `LineChecker.check_line` checks every column and reports each
problem with its line, column name and number, what was expected, what was found and how
to fix it, with an example.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal

from harvest.i18n import _
from harvest.ledger.format import (
    COLUMN_COUNT,
    COLUMNS,
    CORRECTION,
    INDEX,
    TYPE_SYNONYMS,
    TYPES,
    Entry,
    make_entry,
    normalise_receipt,
    split_line,
)
from harvest.load.names import Names
from harvest.load.sanity import control_character, date_in_window, window_text
from harvest.problems import Problem, shown

# Active ISO 4217 codes, and a few withdrawn since 2018 that an older ledger may carry; a code
# outside the list is most often a typo (CYN for CNY).
CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP
BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB
EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRO
MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STD STN SVC SYP SZL THB TJS TMT TND
TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VEF VES VND VUV WST XAF XCD XCG XOF XPF
YER ZAR ZMW ZWG ZWL
""".split())

_COL = {name: k + 1 for name, k in INDEX.items()}  # the column number a problem names
_SEQ = re.compile(r"[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_WHOLE = re.compile(r"-?[0-9]+")
_CORRECTION = CORRECTION
_LOOSE_CORRECTION = re.compile(r"\s*seq\s*[:：]\s*([0-9]+)\s*", re.IGNORECASE)
_YUAN = {"RMB", "人民币", "元", "¥", "￥", "CNH"}
_MAX_DIGITS = 15  # before the point: amounts up to 10^15 keep every sum exact in Decimal
# Limits that keep one hostile line from costing much: a line, and each text column.
MAX_LINE_BYTES = 4096
FIELD_LIMITS = {"unit": 32, "party": 200, "reference": 64, "note": 1000}
TEXT_COLUMNS = ("unit", "party", "reference", "note")
# A receipt code: ASCII letters and digits, and - _ / . inside; at most 64 characters.
RECEIPT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,62}[A-Za-z0-9])?")
# What a spreadsheet runs as a formula when a cell starts with it (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_EXAMPLE = {
    "sale": "5,2019-02-20,sale,baojing-navel-orange,jd,1250.5,kg,312,9975.00,CNY,京东用户,JD-0220,",
    "donation": "6,2019-02-21,donation,,,,,,5000.00,CNY,匿名,HL2019-000123,",
}


_LISTED = 12  # ids listed in a message when none is close to what was written


def formula_start(value: str) -> bool:
    """Whether a spreadsheet would run this text cell as a formula."""
    return value.startswith(FORMULA_STARTS)


class LineChecker:
    """Checks lines one at a time, remembering what later lines are checked against: the
    receipt codes already used, and (through `entries`) the entries a correction names."""

    def __init__(self, path: str, products: Collection[str], channels: Collection[str],
                 problems: list[Problem], today: date | None = None) -> None:
        self.path = path
        # Ids, with the names they go by when the caller knows them (for "did you mean").
        self.products = Names.of("product", products)
        self.channels = Names.of("channel", channels)
        self.problems = problems
        self.today = today or date.today()  # the commit date: dates may be up to a year later
        # normalised donation receipt code -> (line it is on, the code as written)
        self.receipts: dict[str, tuple[int, str]] = {}

    def check_line(self, raw: bytes, line: int, seq: int,
                   entries: Sequence[Entry | None]) -> tuple[Entry | None, int]:
        """Check one entry line (without its line end); `seq` is the number it should carry
        and `entries` holds the entries before it (None for a line with problems).

        Returns the Entry, or None after adding its problems, and the seq to count on from.
        """
        before = len(self.problems)
        if len(raw) > MAX_LINE_BYTES:
            self._add(line, "", _("a line of at most {count} bytes").format(count=MAX_LINE_BYTES),
                      _("{count} bytes, starting {start}").format(
                          count=len(raw), start=shown(raw[:60].decode("utf-8", "replace"))),
                      _("shorten the note or the names: a ledger line is one entry, not a document; "
                        "if this is not a ledger line, delete it"))
            return None, seq
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            self._add(line, "", _("text in UTF-8"),
                      _("bytes that are not UTF-8 at byte {position}").format(position=err.start + 1),
                      _("save the file as UTF-8 (in Excel: “CSV UTF-8”; in WPS or LibreOffice: "
                        "character set “Unicode (UTF-8)”); rows saved in GBK go in through python "
                        "build.py import <campaign-id> <file>, which converts them"))
            return None, seq
        if not text.strip():
            self._add(line, "", _("an entry (every line after the header is one entry)"),
                      _("an empty line"), _("delete the empty line"))
            return None, seq
        try:
            fields = split_line(text)
        except csv.Error as err:
            self._add(line, "", _("fields separated by commas, a quoted field closed by a quote"),
                      _("{error} in {line}").format(error=err, line=shown(text)),
                      _('close the double quote, as in "a note, with a comma"; a field cannot hold a '
                        "line break, so keep each entry on one line"))
            return None, seq
        if len(fields) != COLUMN_COUNT:
            found = _("1 field in {line}") if len(fields) == 1 else _("{count} fields in {line}")
            self._add(line, "", _("{count} fields separated by commas ({columns})").format(
                          count=COLUMN_COUNT, columns=",".join(COLUMNS)),
                      found.format(count=len(fields), line=shown(text)),
                      _('write one field per column, even when empty; put a note or a name that holds '
                        'a comma in double quotes ("a, b"); write amounts without thousands '
                        "separators (1200.00, not 1,200.00). Example: {example}").format(example=_EXAMPLE["sale"]))
            return None, (int(fields[0]) if _SEQ.fullmatch(fields[0]) else seq)
        for name, value in zip(COLUMNS, fields, strict=True):
            if "\r" in value or "\n" in value:
                self._add(line, name, _("a field without line breaks"), shown(value),
                          _("write the field on one line"))
            else:
                self._text(name, value, line)
        s, d, t, product, channel, q, unit, o, a, c, party, ref, note = fields
        number = self._seq(s, seq, line)
        day = self._date(d, line)
        kind = self._type(t, line)
        amount = self._number(a, "amount", 2, line)
        corrects = self._reference(ref, kind, amount, line, seq, entries)
        # A line meant as a correction (even one naming the wrong entry) is held to its signs.
        meant = _LOOSE_CORRECTION.fullmatch(ref) is not None
        correction = meant and (amount is None or amount < 0)
        if amount is not None and amount <= 0 and not meant:
            self._add(line, "amount", _("an amount greater than 0, e.g. 39.90"), shown(a),
                      _("write the amount without a sign; a negative amount only corrects an earlier "
                        "entry, and then the reference is seq:N, N the entry it corrects")
                      if amount < 0 else _("leave out entries of 0"))
        currency = self._currency(c, line)
        if not party.strip():
            self._add(line, "party", _("the public name of the donor, buyer group or recipient"),
                      shown(None), _("write the name as they agreed to be shown, or 匿名 for anonymous"))
        product = self._known(product, "product", self.products, kind == "sale", line)
        channel = self._known(channel, "channel", self.channels, kind == "sale", line)
        quantity: Decimal | None = None
        orders: int | None = None
        if kind == "sale":
            quantity = self._number(q, "quantity", 6, line)
            orders = self._orders(o, line)
            if not unit.strip():
                self._add(line, "unit", _("the unit of the quantity, e.g. kg or 箱"), shown(None),
                          _("write the unit, as in: {example}").format(example=_EXAMPLE["sale"]))
            self._signs(quantity, orders, correction, q, o, line)
        elif kind is not None:
            for name, value in (("quantity", q), ("unit", unit), ("orders", o)):
                if value:
                    self._add(line, name, _("nothing for a {type}: quantity, unit and orders are for "
                                            "sales").format(type=kind), shown(value),
                              _("leave {column} empty or, if this is a sale, write sale in type. "
                                "Example: {example}").format(column=name, example=_EXAMPLE["donation"]))
        if corrects is not None:
            self._matches(entries[corrects - 1], kind, product, channel, unit, currency, line)
        next_seq = number if number is not None else seq
        if len(self.problems) > before or day is None or kind is None or amount is None:
            return None, next_seq
        assert currency is not None
        return make_entry(next_seq, day, kind, product, channel, quantity, unit, orders, amount,
                          currency, party, ref, note, line, corrects), next_seq

    def _text(self, name: str, value: str, line: int) -> None:
        """The rules every cell obeys: no control character, no formula, a bounded length."""
        control = control_character(value) or ("U+0009" if "\t" in value else None)
        if control:
            self._add(line, name, _("text without control or invisible characters"),
                      _("the character {character} in {value}").format(character=control, value=shown(value)),
                      _("delete the invisible character (retype the field in a plain text editor)"))
        elif name in TEXT_COLUMNS and formula_start(value) and not (
                name == "reference" and _CORRECTION.fullmatch(value)):
            self._add(line, name, _("text that a spreadsheet does not run as a formula"),
                      _("{value}, starting with {start}").format(value=shown(value), start=repr(value[0])),
                      _("remove the leading {start}, or start the text with a Chinese character "
                        "or a letter (a cell starting with = + - @ is run as a formula when the "
                        "published ledger is opened in Excel or WPS)").format(start=value[0]))
        limit = FIELD_LIMITS.get(name)
        if limit is not None and len(value) > limit:
            self._add(line, name, _("at most {count} characters").format(count=limit),
                      _("{count} characters: {value}").format(count=len(value), value=shown(value)),
                      _("shorten the {column}").format(column=name))

    def _add(self, line: int, field: str, expected: str, got: str, fix: str) -> None:
        self.problems.append(Problem(self.path, line, field, expected, got, fix, _COL.get(field)))

    def _seq(self, s: str, seq: int, line: int) -> int | None:
        number = int(s) if _SEQ.fullmatch(s) else None
        if number != seq:
            self._add(line, "seq", _("{seq}: entries are numbered 1, 2, 3 … in file order").format(seq=seq),
                      shown(s), _("number the entries in order with no gap or repeat; this line is "
                                  "entry {seq}. Entries are never removed: an entry is undone by a "
                                  "correction").format(seq=seq))
        return number

    def _date(self, d: str, line: int) -> date | None:
        try:
            if _DATE.fullmatch(d):
                day = date.fromisoformat(d)
                if date_in_window(day, self.today):
                    return day
                self._add(line, "date", window_text(self.today), shown(d),
                          _("check the year: a ledger entry is dated when the money moved"))
                return None
            got = shown(d)
        except ValueError:
            got = _("{value}, a day that does not exist").format(value=shown(d))
        self._add(line, "date", _("a date written YYYY-MM-DD, e.g. 2019-02-20"), got,
                  _("write the date as year-month-day with four, two and two digits"))
        return None

    def _type(self, t: str, line: int) -> str | None:
        if t in TYPES:
            return t
        guess = TYPE_SYNONYMS.get(t.strip()) or (t.strip().lower() if t.strip().lower() in TYPES
                                                  else None)
        fix = _("write {value}").format(value=guess) if guess else _("write the type in English, lower case")
        self._add(line, "type", _("one of donation (money in), sale (goods sold), disbursement "
                                  "(money out to a beneficiary), expense (costs)"), shown(t), fix)
        return None

    def _number(self, text: str, name: str, places: int, line: int) -> Decimal | None:
        example = "39.90" if name == "amount" else "1250.5"
        if not _NUMBER.fullmatch(text):
            hint = _("write only digits and a decimal point: no currency sign, unit, spaces or "
                     "thousands separators")
            self._add(line, name, _("a decimal number, e.g. {example}").format(example=example),
                      shown(text) if text else shown(None), hint)
            return None
        whole, _point, fraction = text.lstrip("-").partition(".")
        if len(fraction) > places or len(whole) > _MAX_DIGITS:
            self._add(line, name, _("at most {places} decimal places and {digits} digits before "
                                    "the point, e.g. {example}").format(
                          places=places, digits=_MAX_DIGITS, example=example), shown(text),
                      _("round it") if len(fraction) > places else _("check the number"))
            return None
        return Decimal(text)

    def _orders(self, o: str, line: int) -> int | None:
        if _WHOLE.fullmatch(o) and len(o.lstrip("-")) <= 9:
            return int(o)
        self._add(line, "orders", _("a whole number of orders or buyers, e.g. 312"),
                  shown(o) if o else shown(None), _("write the number of orders in digits only"))
        return None

    def _signs(self, quantity: Decimal | None, orders: int | None, correction: bool,
               q: str, o: str, line: int) -> None:
        if quantity is not None:
            if correction and quantity > 0:
                self._add(line, "quantity", _("0 or a negative quantity in a correction, e.g. -12.5"),
                          shown(q), _("a correction takes back: put a minus sign before the quantity"))
            elif not correction and quantity <= 0:
                self._add(line, "quantity", _("a quantity greater than 0, e.g. 1250.5"), shown(q),
                          _("write the quantity sold; a negative quantity only in a correction "
                            "(reference seq:N)"))
        if orders is not None:
            if correction and orders > 0:
                self._add(line, "orders", _("0 or a negative number in a correction, e.g. -3"),
                          shown(o), _("a correction takes back: put a minus sign before the orders"))
            elif not correction and orders < 0:
                self._add(line, "orders", _("a whole number, 0 or more"), shown(o),
                          _("a negative number of orders only in a correction (reference seq:N)"))

    def _reference(self, ref: str, kind: str | None, amount: Decimal | None, line: int,
                   seq: int, entries: Sequence[Entry | None]) -> int | None:
        """The seq this line corrects, if it is a well-formed correction."""
        match = _CORRECTION.fullmatch(ref)
        loose = _LOOSE_CORRECTION.fullmatch(ref)
        if loose and not match:
            self._add(line, "reference", _("seq:N, e.g. seq:{seq}").format(seq=loose.group(1)), shown(ref),
                      _("write seq:{seq}: lower case, an ASCII colon, no spaces").format(seq=loose.group(1)))
            return None
        if match is None:
            if kind == "donation" and (amount is None or amount > 0):
                self._receipt(ref, line)
            return None
        target = int(match.group(1))
        if amount is not None and amount >= 0:
            self._add(line, "reference", _("seq:N only in a correction, whose amount is negative"),
                      shown(ref), _("a correction takes back: write the amount with a minus sign, "
                                    "e.g. -39.90; if this is not a correction, write a receipt or voucher code"))
            return None
        if not 1 <= target < seq or target > len(entries):
            self._add(line, "reference", _("seq:N naming an earlier entry (N from 1 to {last})").format(last=seq - 1),
                      shown(ref), _("a correction comes after the entry it corrects; check the number"))
            return None
        earlier = entries[target - 1]
        if earlier is not None and kind is not None and earlier.type != kind:
            self._add(line, "reference", _("an earlier {type} entry: a correction has the same type "
                                           "as the entry it corrects").format(type=kind),
                      _("{reference}, a {type} (line {line})").format(
                          reference=shown(ref), type=earlier.type, line=earlier.line),
                      _("check the number, or write {type} in type").format(type=earlier.type))
            return None
        return target if amount is not None else None

    def _receipt(self, ref: str, line: int) -> None:
        if not ref.strip():
            self._add(line, "reference", _("the receipt code of the donation, e.g. HL2019-000123"),
                      shown(None), _("write the code of the receipt given to the donor"))
            return
        if not RECEIPT.fullmatch(ref):
            self._add(line, "reference", _("a receipt code of at most 64 ASCII letters, digits and "
                                           "- _ / . (starting and ending with a letter or digit), e.g. HL2019-000123"),
                      shown(ref), _("write the code exactly as printed on the receipt, without spaces "
                                    "or full-width characters"))
        key = normalise_receipt(ref)
        if key in self.receipts:
            first, code = self.receipts[key]
            if code == ref:
                got = _("{code}, already on line {line}").format(code=shown(ref), line=first)
                fix = _("check the code; if this line repeats the donation on line {line}, it is a "
                        "duplicate").format(line=first)
            else:
                got = _("{code}, already on line {line} ({first} there counts as the same code)").format(
                    code=shown(ref), line=first, first=shown(code))
                fix = _("check the code; if this line repeats the donation on line {line}, it is a "
                        "duplicate; codes differing only in case, spaces or dashes are one code").format(line=first)
            self._add(line, "reference", _("a receipt code used once in the ledger"), got, fix)
        else:
            self.receipts[key] = (line, ref)

    def _currency(self, currency: str, line: int) -> str | None:
        if currency in CURRENCIES:
            return currency
        upper = currency.strip().upper()
        guess = "CNY" if upper in _YUAN or currency.strip() in _YUAN else (
            upper if upper in CURRENCIES else None)
        if guess is None:
            close = difflib.get_close_matches(upper, sorted(CURRENCIES), n=1)
            guess = close[0] if close else "CNY"
        self._add(line, "currency", _("a three-letter ISO 4217 code in capitals, e.g. CNY"),
                  shown(currency) if currency else shown(None), _("write {value}").format(value=guess))
        return None

    def _known(self, value: str, name: str, known: Names, required: bool,
               line: int) -> str:
        what = (_("a product id (the name of a file in products/ without .yml)") if name == "product"
                else _("a channel id declared in mkdocs.yml under extra.channels"))
        if not value:
            if required:
                self._add(line, name, _("{what}; required for a sale").format(what=what), shown(None),
                          _("write it, as in: {example}").format(example=_EXAMPLE["sale"]))
            return value
        if value not in known:
            hint = known.hint(value)
            listed = ", ".join(known.label(k) for k in known) or _("none yet")
            if len(known) > _LISTED and name == "product":  # a thousand products make no list to read
                listed = _("{count}, each named by its file in products/").format(count=len(known))
            if hint:
                fix = _("{hint}write the id").format(hint=hint)
            elif name == "product":
                fix = _("known products: {listed}").format(listed=listed)
            else:
                fix = _("known channels: {listed}").format(listed=listed)
            self._add(line, name, what, shown(value), fix)
        return value

    def _matches(self, earlier: Entry | None, kind: str | None, product: str, channel: str,
                 unit: str, currency: str | None, line: int) -> None:
        """A correction takes back part of one entry, so it is in that entry's terms."""
        if earlier is None or kind is None:
            return
        pairs = [("currency", earlier.currency, currency)]
        if kind == "sale":
            pairs += [("product", earlier.product, product), ("channel", earlier.channel, channel),
                      ("unit", earlier.unit, unit)]
        for name, want, have in pairs:
            if have is not None and have != want:
                self._add(line, name, _("{value}, as in entry {seq} that this line corrects").format(
                              value=want, seq=earlier.seq),
                          shown(have), _("write {value}").format(value=want))


def correction_problems(entries: Sequence[Entry | None], path: str, *,
                        earlier: Sequence[Entry | None] | None = None,
                        left: dict[int, list[Decimal]] | None = None) -> list[Problem]:
    """Corrections that, together, take back more than their entry holds: the amount (and for
    a sale the quantity and orders) of an entry plus all its (negative) corrections must stay
    0 or more. One problem per corrected entry, on the correction that first goes too far.

    For entries appended to a checked ledger (`resume`): `earlier` is every entry by seq (the
    checked ones and `entries`), and `left` what the checked ones' corrections left of each
    entry they correct, which is updated."""
    names = ("amount", "quantity", "orders")
    everything = entries if earlier is None else earlier
    # corrected seq -> what is left of amount, quantity, orders
    left = {} if left is None else left
    told: set[int] = set()
    out: list[Problem] = []
    for entry in entries:
        if entry is None or entry.corrects is None:
            continue
        target = everything[entry.corrects - 1]
        while target is not None and target.corrects is not None:  # a correction of a correction
            target = everything[target.corrects - 1]
        if target is None or target.seq in told:
            continue
        had = (target.amount, target.quantity or Decimal(0), Decimal(target.orders or 0))
        rest = left.setdefault(target.seq, list(had))
        rest[0] += entry.amount
        rest[1] += entry.quantity or 0
        rest[2] += entry.orders or 0
        for k, name in enumerate(names):
            if rest[k] < 0:
                out.append(Problem(
                    path, entry.line, name,
                    _("corrections of entry {seq} (line {line}) that take back at most its {column}, "
                      "{value}").format(seq=target.seq, line=target.line, column=name, value=had[k]),
                    _("{value} taken back by the corrections up to this line").format(value=had[k] - rest[k]),
                    _("check the amounts: a correction takes back part or all of one entry, never "
                      "more; money paid back beyond it is an entry of its own"), _COL.get(name)))
                told.add(target.seq)
                break
    return out
