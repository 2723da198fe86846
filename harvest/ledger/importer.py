"""Turn a messy spreadsheet export into entries appended to a campaign's ledger.

County offices and platform back-ends export CSV files in many shapes; `import_export` reads
one, converts every data row into a canonical ledger line (SPEC.md, "Ledger"), checks the whole
resulting ledger with `ledger.parse_ledger`, and appends atomically, or appends nothing and
returns every problem it found.

What it reads:

* Encodings: a BOM first (UTF-8, UTF-16 LE or BE), then strict UTF-8, then GB18030 (a superset
  of GBK). Anything else is refused with its line.
* A header row anywhere in the file: the first row naming at least the date, type and amount
  columns. Lines above it (Alipay's preamble) are ignored. Column names, in any order, in
  English (``date``, ``type`` …, any case) or Chinese, with these synonyms:

  ======== ============================================================
  date     日期, 交易时间, 时间, 交易日期
  type     类型, 交易类型
  product  产品, 商品
  channel  渠道, 平台, 销售渠道
  quantity 数量, 销售数量
  unit     单位
  orders   订单数, 订单数量
  amount   金额, 金额(元), 金额(¥), 金额(人民币), 交易金额 (full- or half-width brackets)
  currency 币种, 货币
  party    对方, 交易对方, 付款方, 收款方, 捐赠人, 捐赠方
  reference 凭证号, 订单号, 流水号, 交易号, 收据号
  note     备注, 说明
  ======== ============================================================

  A ``seq`` / ``序号`` column is ignored: numbering continues from the ledger. Other columns
  are not imported and are listed in the summary.
* Footer lines are skipped: empty rows, and rows without a valid date whose first cell starts
  with ``#``, ``---``, ``===``, 合计, 总计, 小计, 共<number> or Total; after a ``#`` or ``---``
  line every dateless row is footer. A row with a valid date is always data: nothing is
  dropped unseen.
* Values: types 捐赠/捐款/销售/拨付/支出/费用 or English; amounts with ¥ ￥ 元 RMB CNY 人民币, thousands
  separators, full-width digits and signs, 万 (×10,000) and 亿 (×100,000,000), ``(100.00)``
  for a negative; never rounded (more than 2 places is an error). Dates as 2020-02-10,
  2020年2月10日, 2020/2/10, 2020.02.10 or 20200210, optionally followed by a time, which is
  dropped. Units 公斤, 千克, KG as ``kg``; 斤 stays ``斤`` (converting to kg would change the
  recorded quantity); other units as written. Currency 人民币, RMB, ¥, 元 or empty as ``CNY``.
  Excel's ``="…"`` text cells are unwrapped. A product or channel by its id or by a name it
  goes by when `products` and `channels` are `load.names.Names` (云南普洱茶 for the one product
  of that name; 淘宝, 天猫, 京东 … for a channel): the ledger keeps the id.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from harvest.i18n import _
from harvest.ledger.figures import compute_figures, money
from harvest.ledger.format import COLUMN_SYNONYMS, HEADER, TYPE_SYNONYMS, TYPES, join_line
from harvest.ledger.format import COLUMNS as LEDGER_COLUMNS
from harvest.ledger.parse import parse_ledger
from harvest.load.names import Names
from harvest.problems import Problem, shown

__all__ = ["ImportResult", "import_export", "summary"]

COLUMNS = LEDGER_COLUMNS[1:]  # every column but seq, which the importer numbers itself
REQUIRED = ("date", "type", "amount")

_HEADER_NAMES = {name: col for col, names in COLUMN_SYNONYMS.items() for name in (col, *names)}
_TYPES = {**TYPE_SYNONYMS, **{t: t for t in TYPES}}
_CURRENCIES = {"": "CNY", "人民币": "CNY", "RMB": "CNY", "CNY": "CNY", "¥": "CNY", "元": "CNY",
               "美元": "USD", "港元": "HKD", "港币": "HKD", "欧元": "EUR"}
_UNITS = {"公斤": "kg", "千克": "kg", "kg": "kg", "kgs": "kg"}
_FOOTER = re.compile(r"#|---|===|合计|总计|小计|total|共\s*\d", re.IGNORECASE)
_END_MARKS = ("#", "---", "===")
_DATE_FORMS = [re.compile(p + r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$") for p in (
    r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})",
    r"(\d{4})\.(\d{1,2})\.(\d{1,2})", r"(\d{4})年(\d{1,2})月(\d{1,2})日", r"(\d{4})(\d{2})(\d{2})")]
_MARK = r"¥|RMB|CNY|人民币"
_NUMBER = re.compile(
    rf"(?P<s1>[+-]?)\s*(?P<c1>{_MARK})?\s*(?P<s2>[+-]?)\s*"
    r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)\s*(?P<scale>万|亿)?\s*"
    rf"(?P<c2>元|{_MARK})?", re.IGNORECASE)
_SCALES = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_CENT = Decimal("0.01")
_BREAKS = ("\n", "\r", "\u2028", "\u2029", "\x85")
# An export larger than this is not a spreadsheet export (a million ledger entries take
# about 110 MB); refused before it is read.
MAX_EXPORT_BYTES = 512 << 20


@dataclass(frozen=True)
class ImportResult:
    """What one import appended; the totals come from `figures.compute_figures`."""

    appended: tuple[str, ...]
    skipped: int
    totals_before: dict[str, dict[str, Decimal]]
    totals_after: dict[str, dict[str, Decimal]]
    ledger_path: str = ""
    export_label: str = ""
    first_seq: int = 0
    ignored_columns: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Row:
    line: int
    values: tuple[Any, ...]  # in COLUMNS order: str, date, Decimal, int or None

    def text(self, seq: int) -> str:
        return join_line([seq, *(_render(v) for v in self.values)])


def import_export(export: Path, ledger_file: Path, *, campaign: str, products: Collection[str],
                  channels: Collection[str], ledger_path: str, export_label: str
                  ) -> tuple[ImportResult | None, list[Problem]]:
    """Append the rows of `export` to `ledger_file`, all or nothing.

    Rows already in the ledger (same content in every column but seq, counted as a multiset)
    are skipped, so importing the same export twice appends nothing. Returns the result, or
    None and every problem found; on any problem the ledger is left byte for byte as it was.
    Example: ``import_export(Path("alipay.csv"), Path("ledgers/x.csv"), campaign="x", ...)``.
    """
    problems: list[Problem] = []
    try:
        size = export.stat().st_size
        if size > MAX_EXPORT_BYTES:
            return None, [Problem(export_label, None, "",
                                  _("an export of at most {count} bytes").format(count=f"{MAX_EXPORT_BYTES:,}"),
                                  _("{count} bytes").format(count=f"{size:,}"),
                                  _("Check that this is the export; split a larger one "
                                    "into several files and import them one after the other."))]
        data = export.read_bytes()
    except OSError as err:
        return None, [Problem(export_label, None, "", _("a readable export file"),
                              err.strerror or str(err), _("Check the file name and try again."))]
    existing = _read_existing(ledger_file, ledger_path, problems)
    read = _read_export(data, export_label, products, channels, problems)
    if existing is None:
        return None, problems
    old, old_problems = parse_ledger(existing, ledger_path, campaign,
                                     products=products, channels=channels)
    problems += old_problems
    if problems or old is None or read is None:
        return None, problems
    rows, columns, ignored = read

    in_ledger = Counter(_entry_key(e) for e in old.entries)
    new: list[_Row] = []
    for row in rows:
        if in_ledger[row.values] > 0:
            in_ledger[row.values] -= 1
        else:
            new.append(row)
    first = len(old.entries) + 1
    lines = tuple(row.text(first + i) for i, row in enumerate(new))
    combined = existing + "".join(line + "\n" for line in lines).encode("utf-8")
    after, after_problems = (parse_ledger(combined, ledger_path, campaign, products=products,
                                          channels=channels) if lines else (old, []))
    base = existing.count(b"\n")
    for p in after_problems:
        if p.line is not None and base < p.line <= base + len(new):
            # A ledger rule broken by a new row: point at that row and column of the export.
            name, index = columns.get(p.field, (p.field, None))
            if index is None and p.field in COLUMN_SYNONYMS:
                fix = _("{fix} (this row would become line {line} of {ledger}); the export has no {column} "
                        "column: add one named {column} or {chinese}").format(
                    fix=p.fix, line=p.line, ledger=ledger_path, column=p.field, chinese=COLUMN_SYNONYMS[p.field][0])
            else:
                fix = _("{fix} (this row would become line {line} of {ledger})").format(
                    fix=p.fix, line=p.line, ledger=ledger_path)
            p = Problem(export_label, new[p.line - base - 1].line, name, p.expected, p.got, fix,
                        None if index is None else index + 1)
        problems.append(p)
    if problems or after is None:
        return None, problems
    if lines or not ledger_file.exists():
        _write_atomically(ledger_file, existing, combined, ledger_path, problems)
        if problems:
            return None, problems
    return ImportResult(lines, len(rows) - len(new), compute_figures(old.entries).totals,
                        compute_figures(after.entries).totals, ledger_path,
                        export_label, first, ignored), []


def summary(result: ImportResult) -> str:
    """Plain words: what was appended, what was skipped, and the new totals per currency."""
    n = len(result.appended)
    where = {"ledger": result.ledger_path, "export": result.export_label}
    if n:
        seqs = (_("seq {first}–{last}") if n > 1 else _("seq {first}")).format(
            first=result.first_seq, last=result.first_seq + n - 1)
        head = (_("Appended 1 entry ({seqs}) to {ledger} from {export}.") if n == 1 else
                _("Appended {count} entries ({seqs}) to {ledger} from {export}.")).format(count=n, seqs=seqs, **where)
    else:
        head = _("Nothing appended to {ledger}: every row from {export} is already in the ledger.").format(**where)
    if result.skipped:
        s = result.skipped
        head += (_(" Skipped 1 row already in the ledger.") if s == 1 else
                 _(" Skipped {count} rows already in the ledger.")).format(count=s)
    out = [head]
    zero = Decimal(0)
    for cur in sorted(result.totals_after):
        now, was = result.totals_after[cur], result.totals_before.get(cur, {})
        parts = {}
        for key in ("donation", "sale", "disbursement", "expense", "balance"):
            part = money(now.get(key, zero))
            if now.get(key, zero) != was.get(key, zero):
                part = _("{amount} (was {before})").format(amount=part, before=money(was.get(key, zero)))
            parts[key] = part
        out.append(_("Totals in {currency}: donation {donation}, sale {sale}, disbursement {disbursement}, "
                     "expense {expense}, balance {balance}.").format(currency=cur, **parts))
    if result.ignored_columns:
        out.append(_("Columns not imported: {columns}.").format(columns=", ".join(result.ignored_columns)))
    return "\n".join(out)


# --- reading the export -----------------------------------------------------------------


_Export = tuple[list[_Row], dict[str, tuple[str, int]], tuple[str, ...]]


def _read_export(data: bytes, label: str, products: Collection[str], channels: Collection[str],
                 problems: list[Problem]) -> _Export | None:
    """The converted rows, each column's header and index, and the columns not imported."""
    text = _decode(data, label, problems)
    if text is None:
        return None
    found, table = None, []
    for delimiter in (",", "\t", ";"):
        read = _table(text, delimiter, label, problems)
        if read is None:
            return None
        found, table = _find_header(read), read
        if found is not None:
            break
    if found is None:
        problems.append(_no_header(label))
        return None
    at, names, columns = found
    before = len(problems)
    known = {i for idxs in columns.values() for i in idxs}
    ignored = tuple(n for i, n in enumerate(names) if n and i not in known)
    columns.pop("seq", None)  # numbering always continues from the ledger
    for col, idxs in columns.items():
        if len(idxs) > 1:
            problems.append(Problem(label, table[at][0], col, _("one column meaning {column}").format(column=col),
                                    _(" and ").join(shown(names[i]) for i in idxs),
                                    _("Delete or rename all but one of these columns.")))
    if len(problems) > before:
        return None
    cols = {col: idxs[0] for col, idxs in columns.items()}
    rows: list[_Row] = []
    ended = False
    for line, cells in table[at + 1:]:
        cells = [_clean(c) for c in cells]
        first = next((c for c in cells if c), "")
        dated = "date" in cols and _date(_cell(cells, cols["date"])) is not None
        if not first or (not dated and (ended or _FOOTER.match(first))):
            ended = ended or first.startswith(_END_MARKS)
            continue
        row = _convert(line, cells, cols, names, label, products, channels, problems)
        if row is not None:
            rows.append(row)
    if not rows and len(problems) == before:
        problems.append(Problem(label, table[at][0], "", _("data rows below the header row"),
                                _("no rows with data"), _("Check that this is the right export "
                                                          "and that it was not filtered down to nothing.")))
    if len(problems) > before:
        return None
    return rows, {col: (names[i], i) for col, i in cols.items()}, ignored


def _decode(data: bytes, label: str, problems: list[Problem]) -> str | None:
    tried: tuple[str, ...]
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            data, tried = data[len(bom):], (encoding,)
            break
    else:
        tried = ("utf-8", "gb18030")
        if b"\x00" in data:  # never in UTF-8 or GBK text: UTF-16 without its BOM, or .xlsx
            problems.append(_nul(label, data[: data.index(b"\x00")].count(b"\n") + 1))
            return None
    failures: list[tuple[int, str]] = []
    for encoding in tried:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            failures.append((err.start, encoding))
            continue
        if "\x00" in text:
            problems.append(_nul(label, text[: text.index("\x00")].count("\n") + 1))
            return None
        return text
    # The encoding that read furthest is the likelier one; its failure is the real one.
    start, encoding = max(failures)
    cut = start - start % 2 if encoding.startswith("utf-16") else start
    line = data[:cut].decode(encoding, "replace").count("\n") + 1
    names = _(" or ").join({"gb18030": "GBK/GB18030"}.get(e, e.upper()) for e in tried)
    problems.append(Problem(label, line, "", _("text in {encodings}").format(encodings=names),
                            _("bytes that cannot be read: {bytes}").format(bytes=data[start:start + 4].hex(" ")),
                            _("Save the export again as CSV (UTF-8), or fix the broken "
                              "characters on that line.")))
    return None


def _nul(label: str, line: int) -> Problem:
    return Problem(label, line, "", _("a text file"), _("a NUL character (\\x00)"),
                   _("If this is UTF-16 without a byte-order mark, or an Excel .xlsx file, "
                     "save it again as CSV (UTF-8)."))


def _table(text: str, delimiter: str, label: str,
           problems: list[Problem]) -> list[tuple[int, list[str]]] | None:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            table.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as err:
        problems.append(Problem(label, start, "", _("a CSV row"), _("unreadable CSV ({error})").format(error=err),
                                _("Check the quotes on that line: a quoted value needs its "
                                  'closing quote, e.g. "a, b".')))
        return None
    return table


def _header_name(cell: str) -> str | None:
    folded = unicodedata.normalize("NFKC", _clean(cell)).replace(" ", "").lower()
    return _HEADER_NAMES.get(folded)


def _find_header(table: list[tuple[int, list[str]]]
                 ) -> tuple[int, list[str], dict[str, list[int]]] | None:
    for at, (_line, cells) in enumerate(table):
        columns: dict[str, list[int]] = {}
        for i, cell in enumerate(cells):
            col = _header_name(cell)
            if col is not None:
                columns.setdefault(col, []).append(i)
        if all(c in columns for c in REQUIRED):
            return at, [_clean(c) for c in cells], columns
    return None


def _no_header(label: str) -> Problem:
    optional = ", ".join(f"{c} ({COLUMN_SYNONYMS[c][0]})" for c in COLUMNS if c not in REQUIRED)
    return Problem(label, None, "header",
                   _("a header row naming at least the columns date (日期), type (类型) and "
                     "amount (金额); optional: {optional}").format(optional=optional),
                   _("no row that names all three"),
                   _("Add or rename the header row, e.g. 日期,类型,金额,对方,备注 "
                     "(see the importer's list of accepted column names)."))


def _clean(cell: str) -> str:
    cell = cell.strip().strip("\ufeff\u200b").strip()
    if len(cell) >= 3 and cell.startswith('="') and cell.endswith('"'):
        cell = cell[2:-1].strip()
    return cell


def _cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


# --- converting one row ------------------------------------------------------------------


def _convert(line: int, cells: list[str], cols: dict[str, int], names: list[str], label: str,
             products: Collection[str], channels: Collection[str],
             problems: list[Problem]) -> _Row | None:
    before = len(problems)

    def bad(col: str, expected: str, got: str, fix: str, index: int | None = None) -> None:
        where = cols.get(col) if index is None else index
        name = names[where] if where is not None and where < len(names) and names[where] else col
        problems.append(Problem(label, line, name, expected, got, fix,
                                None if where is None else where + 1))

    for i, cell in enumerate(cells):
        if any(b in cell for b in _BREAKS):
            bad("", _("a value on one line"), shown(cell), _("Remove the line break."), i)
        elif i >= len(names) and cell:
            bad("", _("no value outside the header's columns"), shown(cell),
                _("Delete the extra value or give its column a header."), i)
    raw = {col: _cell(cells, idx) for col, idx in cols.items()}
    values: dict[str, Any] = {c: raw.get(c, "") for c in ("party", "reference", "note")}

    values["date"] = _date(raw["date"])
    if values["date"] is None:
        bad("date", _("a real date such as 2020-02-10, 2020年2月10日, 2020/2/10 or 20200210"),
            shown(raw["date"] or None),
            _("Write the date of the entry, e.g. 2020-02-10; check that the day exists."))
    values["type"] = _TYPES.get(unicodedata.normalize("NFKC", raw["type"]).lower())
    if values["type"] is None:
        bad("type", _("捐赠 (donation), 销售 (sale), 拨付 (disbursement) or 支出 (expense)"),
            shown(raw["type"] or None), _("Use one of these words, e.g. 捐赠."))

    # An id or a name (云南普洱茶, 淘宝) is written as the id; anything else is kept as written,
    # for the ledger's rules to tell with "did you mean".
    for col, known in (("product", products), ("channel", channels)):
        written = raw.get(col, "")
        values[col] = Names.of(col, known).resolve(written) or written
    unit = raw.get("unit", "")
    values["unit"] = _UNITS.get(unicodedata.normalize("NFKC", unit).lower(), unit)

    marked = False
    for col in ("quantity", "orders", "amount"):
        text = raw.get(col, "")
        values[col] = None
        if not text:
            if col == "amount":
                bad(col, _("an amount such as 1200.00 or ¥1,200.00"), shown(None),
                    _("Write the amount of money of this entry."))
            continue
        number, mark, why = _number(text)
        if number is not None and mark and col != "amount":
            number, why = None, _("a currency sign")
        if number is not None and col == "orders" and number != number.to_integral_value():
            number, why = None, _("a fraction")
        if number is not None and col == "amount" and number != number.quantize(_CENT):
            number, why = None, _("more than 2 decimal places (never rounded)")
        if number is None:
            expected = {"quantity": _("a number such as 1250.5 or 1.2万"), "orders": _("a number such as 38"),
                        "amount": _("a number such as 1200.00, ¥1,200.00, 1.5万元 or (100.00)")}[col]
            plain = {"quantity": "1250.5", "orders": "38", "amount": "1200.00"}[col]
            bad(col, expected, _("{value}: {why}").format(value=shown(text), why=why),
                _("Write the number with at most 2 decimal places, e.g. {example}.").format(example=plain)
                if col == "amount" else _("Write a plain number, e.g. {example}.").format(example=plain))
            continue
        marked = marked or (col == "amount" and mark)
        values[col] = (int(number) if col == "orders" else
                       number.quantize(_CENT) if col == "amount" else _plain(number))

    currency = unicodedata.normalize("NFKC", raw.get("currency", ""))
    values["currency"] = _CURRENCIES.get(currency.upper(), currency.upper()
                                         if re.fullmatch(r"[A-Za-z]{3}", currency) else None)
    if values["currency"] is None:
        bad("currency", _("a currency code such as CNY, or 人民币"), shown(currency),
            _("Write CNY for renminbi, or the three-letter ISO 4217 code."))
    elif marked and values["currency"] != "CNY":
        bad("amount", _("an amount in {currency} (the currency column)").format(currency=values["currency"]),
            _("{value}, marked as renminbi").format(value=shown(raw["amount"])),
            _("Remove the ¥/元 sign or correct the currency."))
    if len(problems) > before:
        return None
    return _Row(line, tuple(values[c] for c in COLUMNS))


def _date(text: str) -> date | None:
    text = unicodedata.normalize("NFKC", text).strip()
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


def _number(text: str) -> tuple[Decimal | None, bool, str]:
    """A number from an export cell: (value, had a renminbi mark, why it could not be read)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    negative = text.startswith("(") and text.endswith(")")
    match = _NUMBER.fullmatch(text[1:-1].strip() if negative else text)
    if not match:
        return None, False, _("not a number")
    if match["s1"] and match["s2"] or negative and (match["s1"] or match["s2"]):
        return None, False, _("two signs")
    try:
        value = Decimal(match["num"].replace(",", "")) * _SCALES.get(match["scale"], Decimal(1))
    except InvalidOperation:
        return None, False, _("not a number")
    if value.adjusted() >= 15:  # the ledger allows 15 digits before the point
        return None, False, _("too large")
    if negative or "-" in (match["s1"], match["s2"]):
        value = -value
    return value, bool(match["c1"] or match["c2"]), ""


def _plain(number: Decimal) -> Decimal:
    integral = number.to_integral_value()
    return integral if number == integral else number.normalize()


def _render(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _entry_key(entry: Any) -> tuple[Any, ...]:
    """The content of a ledger entry in every column but seq, comparable with a `_Row`."""
    out: list[Any] = []
    for col in COLUMNS:
        value = getattr(entry, col)
        if col == "date" and isinstance(value, str):
            value = _date(value)
        elif col not in ("quantity", "orders", "amount", "date"):
            value = value or ""
        out.append(value)
    return tuple(out)


# --- the ledger file ---------------------------------------------------------------------


def _read_existing(ledger_file: Path, ledger_path: str, problems: list[Problem]) -> bytes | None:
    try:
        existing = ledger_file.read_bytes()
    except FileNotFoundError:
        return (HEADER + "\n").encode("utf-8")
    except OSError as err:
        problems.append(Problem(ledger_path, None, "", _("a readable ledger file"),
                                err.strerror or str(err), _("Check the file's permissions.")))
        return None
    if existing and not existing.endswith(b"\n"):
        problems.append(Problem(ledger_path, existing.count(b"\n") + 1, "",
                                _("a line end after the last line"), _("the file ends mid-line"),
                                _("Open the ledger, press Enter after the last line and save; "
                                  "the importer only appends and never changes existing bytes.")))
        return None
    return existing


def _write_atomically(path: Path, existing: bytes, combined: bytes, ledger_path: str,
                      problems: list[Problem]) -> None:
    """Replace `path` by `combined` in one step, unless someone changed it meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(combined)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temp, mode)
        current = path.read_bytes() if path.exists() else (HEADER + "\n").encode("utf-8")
        if current != existing:
            problems.append(Problem(ledger_path, None, "", _("the ledger as it was when the import "
                                                             "started"), _("it was changed meanwhile"),
                                    _("Run the import again.")))
            return
        os.replace(temp, path)
    except OSError as err:
        problems.append(Problem(ledger_path, None, "", _("a writable ledger file"),
                                err.strerror or str(err), _("Check the folder's permissions.")))
    finally:
        temp.unlink(missing_ok=True)
