"""Fuzzing the ledger reader and the importer: arbitrary bytes and mutations of good files.

Whatever arrives, the answer is a ledger or Problems: never another exception, never a hang
(each example runs under a CPU-time alarm, `setitimer(ITIMER_VIRTUAL)`, so that a busy
machine does not count), never unbounded memory (each example's peak, traced
by tracemalloc, stays under a bound proportional to its input). A ledger that is accepted
obeys every rule of a published ledger, whichever path (fast or full) read its lines.
"""

from __future__ import annotations

import codecs
import signal
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvest.ledger.format import COLUMNS, HEADER, Ledger, normalise_receipt
from harvest.ledger.importer import import_export
from harvest.ledger.parse import parse_ledger
from harvest.ledger.rules import RECEIPT, formula_start
from harvest.load.models import Campaign
from harvest.load.privacy import find_personal_data
from harvest.load.sanity import control_character
from harvest.problems import Problem
from harvest.proofs.books import load_books

PRODUCTS = frozenset({"test-orange"})
CHANNELS = frozenset({"jd"})
PATH = "ledgers/test-campaign.csv"
SECONDS = 10  # CPU seconds per example: far above any real case (most take milliseconds)

GOOD_LINES = [
    "1,2019-02-20,donation,,,,,,1000.00,CNY,爱心企业,R-001,",
    "2,2019-02-21,sale,test-orange,jd,10,kg,5,399.00,CNY,京东用户,JD-20190221-0001,首批",
    '3,2019-02-21,donation,,,,,,50.00,CNY,"张先生, 李女士",R-002,"含运费, 已签收"',
    "4,2019-02-22,expense,,jd,,,,12.50,CNY,顺丰速运,FP-1,物流",
    "5,2019-02-23,donation,,,,,,-100.00,CNY,爱心企业,seq:1,更正",
    "6,2019-02-24,disbursement,test-orange,,,,,300.00,CNY,保靖县一村合作社,BF-1,到户补贴",
]
GOOD = (HEADER + "\n" + "\n".join(GOOD_LINES) + "\n").encode()

EXPORT = "日期,类型,金额,对方,凭证号,备注\n2019-03-01,捐赠,¥1,200.00,匿名,R-100,\n2019-03-02,支出,30元,顺丰,FP-9,运费\n"


@contextmanager
def bounded(input_size: int) -> Iterator[None]:
    """No hang (SIGVTALRM after `SECONDS` of CPU time) and a memory peak under a bound for
    the input."""

    def timeout(signum: int, frame: Any) -> None:
        raise AssertionError(f"no answer within {SECONDS} s of CPU time")

    old = signal.signal(signal.SIGVTALRM, timeout)
    signal.setitimer(signal.ITIMER_VIRTUAL, SECONDS)
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
        assert peak < 64 * input_size + (16 << 20), f"{peak:,} bytes traced for {input_size:,} bytes of input"
    finally:
        tracemalloc.stop()
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)


def check(data: bytes) -> tuple[Ledger | None, list[Problem]]:
    with bounded(len(data)):
        ledger, problems = parse_ledger(data, PATH, "test-campaign", products=PRODUCTS, channels=CHANNELS)
    assert all(isinstance(p, Problem) and p.path == PATH for p in problems)
    assert (ledger is None) == bool(problems)
    if ledger is not None:
        assert_published_rules(ledger)
    return ledger, problems


def assert_published_rules(ledger: Ledger) -> None:
    """What an accepted ledger never holds, whichever path read it."""
    receipts: set[str] = set()
    left: dict[int, Any] = {}
    for entry in ledger.entries:
        for name in ("unit", "party", "reference", "note"):
            value = getattr(entry, name)
            assert control_character(value) is None and "\t" not in value, (name, value)
            assert not formula_start(value) or value.startswith("seq:"), (name, value)
            assert find_personal_data(value) is None, (name, value)
        if entry.type == "donation" and entry.corrects is None:
            assert RECEIPT.fullmatch(entry.reference)
            key = normalise_receipt(entry.reference)
            assert key not in receipts
            receipts.add(key)
        if entry.corrects is not None:
            left[entry.corrects] = left.get(entry.corrects, ledger.entries[entry.corrects - 1].amount) + entry.amount
            assert left[entry.corrects] >= 0


# --- mutations of a good ledger ---------------------------------------------------------

HOSTILE_FIELDS = ["", "=1+1", "+86 138 0013 8000", "-2", "@SUM(A1)", "\t", "a\x00b", "\u200b", '"', '""', '"a,b"',
                  "１３８００１３８０００", "张三@例子.中国", "R-001", "r-001 ", "Ｒ－００１", "seq:1", "seq:99", "-1000.00",
                  "1900-01-01", "2999-12-31", "x" * 5000, "9" * 40, "\xff", "\r", "\n", "，", "匿名"]


@st.composite
def mutated_ledger(draw: st.DrawFn) -> bytes:
    lines = GOOD.decode().split("\n")[1:-1]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "field", "append", "bytes"]))
        if not lines:
            lines.append(GOOD_LINES[0])
        k = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[k]
        elif op == "duplicate":
            lines.insert(k, lines[k])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[k], lines[j] = lines[j], lines[k]
        elif op == "field":
            fields = lines[k].split(",")
            fields[draw(st.integers(0, len(fields) - 1))] = draw(st.sampled_from(HOSTILE_FIELDS))
            lines[k] = ",".join(fields)
        elif op == "append":
            fields = [str(len(lines) + 1)] + [draw(st.sampled_from(HOSTILE_FIELDS + ["donation", "sale", "CNY", "5.00"]))
                                              for _ in COLUMNS[1:]]
            lines.append(",".join(fields))
        else:
            pos = draw(st.integers(0, len(lines[k])))
            lines[k] = lines[k][:pos] + draw(st.text(max_size=8)) + lines[k][pos:]
    text = HEADER + "\n" + "\n".join(lines) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "gb18030", "crlf"]))
    if encoding == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_problems_not_exceptions(data: bytes) -> None:
    check(data)
    check(HEADER.encode() + b"\n" + data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_ledger())
def test_mutated_ledgers_give_problems_not_exceptions(data: bytes) -> None:
    check(data)


def test_huge_field_and_huge_line_count_are_bounded() -> None:
    _, problems = check(GOOD + b"7,2019-02-25,donation,,,,,,1.00,CNY,a,R-7," + b"x" * 5_000_000 + b"\n")
    assert [p.line for p in problems] == [8]
    many = GOOD + b"".join(b"%d,2019-02-25,donation,,,,,,1.00,CNY,a,R-%d,=1\n" % (n, n) for n in range(7, 2_007))
    _, problems = check(many)
    assert len(problems) == 201  # 200 shown, then one saying how many more


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_ledger())
def test_load_books_gives_problems_not_exceptions(data: bytes) -> None:
    campaign = Campaign.model_validate({"name": "测试活动", "summary": "测试。", "organizer": "测试县商务局",
                                        "start": "2019-02-20", "end": "2019-02-22"})
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "ledgers").mkdir()
        (root / "ledgers" / "test-campaign.csv").write_bytes(data)
        with bounded(len(data)):
            books, problems = load_books(root, {"test-campaign": campaign}, {"test-campaign"},
                                         products=PRODUCTS, channels=CHANNELS)
        assert all(isinstance(p, Problem) for p in problems)
        assert ("test-campaign" in books) != bool(problems)


# --- the importer -----------------------------------------------------------------------


def run_import(export: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "export.csv").write_bytes(export)
        ledger_file = folder / PATH
        ledger_file.parent.mkdir(parents=True)
        ledger_file.write_bytes(GOOD)
        with bounded(len(export) + len(GOOD)):
            result, problems = import_export(folder / "export.csv", ledger_file, campaign="test-campaign",
                                             products=PRODUCTS, channels=CHANNELS, ledger_path=PATH,
                                             export_label="export.csv")
        assert all(isinstance(p, Problem) for p in problems)
        after = ledger_file.read_bytes()
        if result is None:
            assert problems and after == GOOD  # all or nothing
        else:
            assert not problems and after.startswith(GOOD)
            ledger, more = parse_ledger(after, PATH, "test-campaign", products=PRODUCTS, channels=CHANNELS)
            assert ledger is not None, more
            assert_published_rules(ledger)


@st.composite
def mutated_export(draw: st.DrawFn) -> bytes:
    rows = [r.split(",") for r in EXPORT.strip("\n").split("\n")]
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.integers(0, len(rows) - 1))
        op = draw(st.sampled_from(["cell", "delete", "duplicate", "quote"]))
        if op == "cell":
            cells = rows[row]
            cells[draw(st.integers(0, len(cells) - 1))] = draw(st.sampled_from(HOSTILE_FIELDS + ["=\"R-1\"", "2199-01-01",
                                                                                                 "1.5万元", "(100.00)"]))
        elif op == "delete" and len(rows) > 1:
            del rows[row]
        elif op == "duplicate":
            rows.insert(row, list(rows[row]))
        else:
            cells = rows[row]
            k = draw(st.integers(0, len(cells) - 1))
            cells[k] = '"' + cells[k]
    text = "\n".join(",".join(r) for r in rows) + "\n"
    codec: Callable[[str], bytes] = draw(st.sampled_from([
        lambda t: t.encode("utf-8", "surrogatepass"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8", "surrogatepass"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le", "surrogatepass"),
        lambda t: t.encode("gb18030", "replace"),
    ]))
    return codec(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=1500))
def test_importer_arbitrary_bytes_give_problems_not_exceptions(export: bytes) -> None:
    run_import(export)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_export())
def test_importer_mutated_exports_give_problems_not_exceptions(export: bytes) -> None:
    run_import(export)
