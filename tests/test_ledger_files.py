"""A ledger's tree and look-up files, published by a worker process: the same bytes as made in
one process, a failed worker redone, a stopped one reaped; receipts from the entries equal to
those read from the lines."""

from __future__ import annotations

import csv
import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvest.ledger.figures import compute_figures
from harvest.ledger.format import CHUNK_ENTRIES, HEADER, Entry, chunks, receipts_of
from harvest.ledger.parse import parse_ledger
from harvest.proofs import tiles
from harvest.proofs.books import Book, ledger_tree
from harvest.proofs.merkle import MerkleTree
from harvest.publish import ledger_files, publisher
from harvest.publish.ledger_files import write_files
from harvest.publish.publisher import Publisher
from tests.ledgerkit import site_files

PRODUCTS = {"baojing-navel-orange", "wanrong-apple"}
CHANNELS = {"jd", "taobao"}


def ledger(n: int, seed: int = 7) -> bytes:
    """A checked ledger of `n` entries: sales, donations (some quoted), corrections."""
    rnd = random.Random(seed)
    rows = []
    for seq in range(1, n + 1):
        roll = rnd.random()
        if seq == 1:
            rows.append("1,2019-03-01,donation,,,,,,5000.00,CNY,匿名,R-1,")  # corrected below, never past 0
        elif roll < 0.05:
            rows.append(f"{seq},2019-03-01,donation,,,,,,-1.00,CNY,匿名,seq:1,冲正")
        elif roll < 0.4:
            party = '"张先生, 李女士"' if rnd.random() < 0.3 else "匿名"
            ref = f"R-{seq}"
            rows.append(f"{seq},2019-03-0{seq % 9 + 1},donation,,,,,,{rnd.randrange(1, 999)}.00,CNY,{party},{ref},")
        else:
            note = '"含运费, 已签收"' if rnd.random() < 0.2 else ""
            rows.append(f"{seq},2019-03-02,sale,wanrong-apple,jd,{rnd.randrange(1, 9)},kg,1,9.90,CNY,京东用户,JD-{seq},{note}")
    return (HEADER + "\n" + "".join(r + "\n" for r in rows)).encode()


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def checked_entries(data: bytes) -> tuple[Entry, ...]:
    checked, problems = parse_ledger(data, "ledgers/x.csv", "x", products=PRODUCTS, channels=CHANNELS)
    assert problems == [] and checked is not None
    return checked.entries


def expected_files(data: bytes) -> dict[str, bytes]:
    """What `ledger_pages` published before the worker: `site_files` and the entry chunks."""
    checked, problems = parse_ledger(data, "ledgers/x.csv", "x", products=PRODUCTS, channels=CHANNELS)
    assert problems == [] and checked is not None
    lines = checked.lines()
    files = site_files(MerkleTree.from_leaves(lines), lines, tiles.donation_receipts(lines), [])
    for k in range(0, len(lines), CHUNK_ENTRIES):
        files[f"entries/{k // CHUNK_ENTRIES}.json"] = ledger_files.entry_chunk(k + 1, lines[k : k + CHUNK_ENTRIES])
    return files


def book(data: bytes) -> Book:
    """The checked ledger `data` as the loader makes it (no sealed heads, no goals)."""
    checked, problems = parse_ledger(data, "ledgers/x.csv", "x", products=PRODUCTS, channels=CHANNELS)
    assert problems == [] and checked is not None
    return Book("x", checked, compute_figures(checked.entries), ledger_tree(data), (), ())


@pytest.mark.parametrize("n", [0, 1, 255, 256, 1001, 33_000])
def test_ledger_tree_is_the_tree_of_the_entry_lines(n: int) -> None:
    data = ledger(n)
    assert ledger_tree(data).levels == MerkleTree.from_leaves(data.split(b"\n")[1:-1]).levels


@pytest.mark.parametrize("fork", [True, False])
@pytest.mark.parametrize("n", [0, 1, 255, 256, 1001, 33_000])
def test_worker_and_main_process_make_the_same_files(tmp_path: Path, fork: bool, n: int) -> None:
    data = ledger(n)
    site = tmp_path / "site"
    site.mkdir()
    published = Publisher.start({"x": book(data)}, site, fork=fork)
    assert published.forked is fork
    published.finish()
    assert not published.forked
    assert files_in(site / "ledgers" / "x") == expected_files(data)
    assert (site / "ledgers/x.csv").read_bytes() == data


def test_a_small_ledger_is_written_at_once_without_a_worker(tmp_path: Path) -> None:
    data = ledger(300)
    published = Publisher.start({"x": book(data)}, tmp_path)
    assert not published.forked
    assert files_in(tmp_path / "ledgers" / "x") == expected_files(data)


def test_the_worker_is_stopped_and_reaped_when_the_build_fails(tmp_path: Path) -> None:
    published = Publisher.start({"x": book(ledger(3000))}, tmp_path, fork=True)
    pid = published._pid
    published.cancel()
    assert not published.forked
    with pytest.raises(ChildProcessError):  # no zombie left behind
        os.waitpid(pid, os.WNOHANG)


def test_a_failed_worker_is_redone_in_the_main_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = ledger(700)
    main = os.getpid()
    real = ledger_files.write_files

    def fails_in_the_worker(folder: Path, data: bytes, tree: MerkleTree, receipts: dict[str, int], *more: Any) -> int:
        if os.getpid() != main:
            raise OSError("disk full")
        return real(folder, data, tree, receipts, *more)

    monkeypatch.setattr(publisher, "write_files", fails_in_the_worker)
    published = Publisher.start({"x": book(data)}, tmp_path, fork=True)
    assert published.forked
    assert not (tmp_path / "ledgers" / "x.csv").exists()
    published.finish()
    assert not published.forked
    assert files_in(tmp_path / "ledgers" / "x") == expected_files(data)
    assert (tmp_path / "ledgers" / "x.csv").read_bytes() == data


def test_write_files_counts_its_files(tmp_path: Path) -> None:
    data = ledger(600)
    tree = MerkleTree.from_leaves(data.split(b"\n")[1:-1])
    assert write_files(tmp_path, data, tree, receipts_of(checked_entries(data))) == len(expected_files(data))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2000), st.integers(0, 10**6))
def test_receipts_of_a_checked_ledgers_entries_are_those_of_its_lines(n: int, seed: int) -> None:
    data = ledger(n, seed)
    assert receipts_of(checked_entries(data)) == tiles.donation_receipts(data.split(b"\n")[1:-1])


def _by_csv(lines: list[bytes]) -> dict[str, int] | str:
    """`donation_receipts` as it was: a CSV reader over every line (an error as its text)."""
    found: dict[str, int] = {}
    try:
        for index, row in enumerate(csv.reader(line.decode("utf-8", "replace") for line in lines)):
            if len(row) >= 12 and row[2] == "donation":
                code = row[11].strip()
                if code and not code.startswith("seq:"):
                    found.setdefault(code, index)
    except csv.Error as err:
        return str(err)
    return found


_field = st.sampled_from(["", "donation", "sale", "R-1", " R-2 ", "seq:3", '"', '"a,b"', '"x', "\r", "a\rb", ",", "\xff"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_field, min_size=0, max_size=14).map(lambda f: ",".join(f).encode("utf-8", "surrogateescape")),
                max_size=12))
def test_donation_receipts_read_every_line_as_a_csv_reader_does(lines: list[bytes]) -> None:
    lines = [line.replace("\xff".encode(), b"\xff") for line in lines]
    try:
        got: dict[str, int] | str = tiles.donation_receipts(lines)
    except csv.Error as err:
        got = str(err)
    assert got == _by_csv(lines)


def test_entry_lines_are_the_ledgers_lines() -> None:
    data = ledger(70_000)
    assert [line for group in ledger_files.entry_groups(data) for line in group] == data.split(b"\n")[1:-1]
    assert [line for chunk in chunks(data) for line in chunk.split(b"\n")] == data.split(b"\n")[1:-1]


_MUTATIONS = [
    ("reference", "SEQ:1"), ("reference", " seq:1"), ("reference", "seq：1"), ("reference", "a:b"),
    ("reference", ""), ("reference", "R-1"), ("amount", "0.00"), ("amount", "-5.00"), ("amount", "1.234"),
    ("quantity", "0"), ("quantity", ""), ("orders", "-1"), ("unit", " "), ("party", " "), ("currency", "RMB"),
    ("date", "2019-02-30"), ("seq", "007"), ("product", "apple"), ("channel", ""), ("note", '"x, y"'),
    ("type", "Sale"), ("unit", '"5 kg, box"'), ("party", '"a, b"'),
]
_COLUMNS = HEADER.split(",")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 40), st.sampled_from(_MUTATIONS)), max_size=6))
def test_the_fast_path_refuses_all_the_full_check_refuses(changes: list[tuple[int, tuple[str, str]]]) -> None:
    """Any line, good or not: the ledger's problems are those of checking every line fully."""
    rows = [line.decode() for line in ledger(40, 3).split(b"\n")[1:-1]]
    for seq, (column, value) in changes:
        fields = next(csv.reader([rows[seq - 1]]))
        fields[_COLUMNS.index(column)] = value
        rows[seq - 1] = ",".join(fields)
    data = (HEADER + "\n" + "".join(r + "\n" for r in rows)).encode()
    checked, problems = parse_ledger(data, "ledgers/x.csv", "x", products=PRODUCTS, channels=CHANNELS)
    # The same lines checked the slow way: a CR makes parse_ledger check every line fully.
    _, slow = parse_ledger(data.replace(b"\n", b"\r\n"), "ledgers/x.csv", "x", products=PRODUCTS,
                           channels=CHANNELS)
    assert slow[0].expected == "LF line ends (Unix)"
    assert problems == slow[1:]
    assert (checked is None) == bool(problems)
