"""The ledger format module: the one line splitter, field splitter and receipt-code rule, and
the shape of the ledger package (format at the bottom, no cycle, no hidden import)."""

from __future__ import annotations

import ast
import csv
import re
import unicodedata
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvest.ledger.format import (
    HEADER,
    entry_lines,
    join_line,
    line_groups,
    normalise_receipt,
    receipt_code,
    receipt_of_fields,
    split_line,
)

LEDGER = Path(__file__).resolve().parent.parent / "harvest" / "ledger"
H = HEADER.encode()


def test_entry_lines_drop_header_and_line_ends() -> None:
    assert entry_lines(H + b"\n1,a\n2,b\n") == [b"1,a", b"2,b"]
    assert entry_lines(H + b"\n1,a") == [b"1,a"]
    assert entry_lines(H + b"\n") == entry_lines(H) == entry_lines(b"") == []
    assert entry_lines(H + b"\r\n1,a\r\n2,b\r\n") == [b"1,a", b"2,b"]
    assert entry_lines(H + b"\n\n1,a\n") == [b"", b"1,a"]  # an empty line is a line (an error)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"1,a", b"", b"2,b\r", b"x" * 40, b'"q\r']), max_size=40),
       st.booleans(), st.integers(1, 64))
def test_line_groups_are_the_files_lines_after_the_header(rows: list[bytes], end: bool, size: int) -> None:
    data = b"\n".join([H, *rows]) + (b"\n" if end else b"")
    expected = data.split(b"\n")
    if expected[-1] == b"":
        expected.pop()
    expected = [row.removesuffix(b"\r") for row in expected[1:]]
    assert [line for group in line_groups(data, size) for line in group] == expected
    assert entry_lines(data) == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", ",", '"', "\r", " ", "，", "\x00"]), max_size=12).map("".join))
def test_split_line_reads_a_line_as_a_strict_csv_reader_does(text: str) -> None:
    try:
        expected: list[str] | str = next(csv.reader((text,), strict=True), [])
    except csv.Error as err:
        expected = f"error: {err}"
    try:
        got: list[str] | str = split_line(text)
    except csv.Error as err:
        got = f"error: {err}"
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from(["a", ",", '"', " ", "张", "\x00"]), max_size=5), min_size=2, max_size=14))
def test_a_joined_line_splits_into_its_fields(fields: list[str]) -> None:
    """Fields without line breaks (a ledger field holds none, nor does the importer write one)."""
    assert split_line(join_line(fields)) == fields


@pytest.mark.parametrize(("fields", "code"), [
    (["1", "2019-02-20", "donation", "", "", "", "", "", "5.00", "CNY", "匿名", " HL-1 ", ""], "HL-1"),
    (["1", "2019-02-20", "donation", "", "", "", "", "", "-5.00", "CNY", "匿名", "seq:1", ""], None),
    (["1", "2019-02-20", "donation", "", "", "", "", "", "5.00", "CNY", "匿名", " ", ""], None),
    (["1", "2019-02-20", "sale", "", "", "", "", "", "5.00", "CNY", "匿名", "JD-1", ""], None),
    (["1", "2019-02-20", "donation"], None),
])
def test_a_receipt_code_is_a_donations_reference(fields: list[str], code: str | None) -> None:
    assert receipt_of_fields(fields) == code


def test_a_receipt_code_is_the_reference_stripped_unless_a_correction() -> None:
    assert [receipt_code(r) for r in (" HL-1\t", "seq:3", "", "  ", "SEQ:3")] == ["HL-1", None, None, None, "SEQ:3"]


_SLOW = re.compile(r"[\s\-\u00ad\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]+")


@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(max_codepoint=0x7F) | st.sampled_from("Ａａ－—　\u00ad"), max_size=20))
def test_normalising_a_receipt_code_the_quick_way_is_the_rule(code: str) -> None:
    assert normalise_receipt(code) == _SLOW.sub("", unicodedata.normalize("NFKC", code).casefold())


_Import = tuple[ast.ImportFrom | ast.Import, str, list[str]]


def _ledger_imports(tree: ast.Module) -> list[_Import]:
    """Every import of a `harvest.ledger` module: the node, the module, the names taken."""
    found: list[_Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "harvest.ledger":
                found += [(node, f"harvest.ledger.{a.name}", []) for a in node.names]
            elif node.module.startswith("harvest.ledger."):
                found.append((node, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node, a.name, []) for a in node.names if a.name.startswith("harvest.ledger.")]
    return found


def test_the_ledger_package_has_no_cycle_and_no_hidden_import() -> None:
    """Imports between its modules are at the top of a module (not in a function or under
    `if TYPE_CHECKING`), take no private name, form no cycle, and `format` imports none."""
    graph: dict[str, set[str]] = {}
    for file in sorted(LEDGER.glob("*.py")):
        tree = ast.parse(file.read_text("utf-8"))
        name = f"harvest.ledger.{file.stem}"
        graph[name] = set()
        for node, module, names in _ledger_imports(tree):
            where = f"{file.name}:{node.lineno}"
            assert node in tree.body, f"{where}: import of {module} not at the top of the module"
            assert not [n for n in names if n.startswith("_")], f"{where}: private name from {module}"
            graph[name].add(module)
    assert graph["harvest.ledger.format"] == set()
    assert "harvest.ledger.fast" not in graph["harvest.ledger.rules"]
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as err:
        pytest.fail(f"import cycle in harvest/ledger: {' -> '.join(err.args[1])}")
    assert order.index("harvest.ledger.format") < order.index("harvest.ledger.rules") < order.index(
        "harvest.ledger.fast") < order.index("harvest.ledger.parse")
