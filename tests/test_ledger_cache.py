"""A ledger that grew, loaded from the build cache: only the appended lines are checked, only
their leaves and the tree's right edge hashed, only new look-up files written; everything the
same as a clean load and a clean build (HARVEST_NO_CACHE=1), file for file."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from harvest.ledger.format import HEADER, TailLines, entry_lines
from harvest.ledger.resume import LazyEntries
from harvest.load.cache import Cache
from harvest.load.models import Campaign
from harvest.proofs.books import Book, load_book
from harvest.proofs.merkle import MerkleTree
from harvest.proofs.tiles import donation_corrections, file_corrections
from tests.sitekit import TinySite

PRODUCTS = {"wanrong-apple", "baojing-navel-orange"}
CHANNELS = {"jd", "taobao"}


def rows(n: int, seed: int = 3, start: int = 1) -> list[str]:
    """Entry lines `start`..`n` of a valid ledger: sales, donations, expenses, and corrections
    (some of entries far back, some of corrections), never taking back more than an entry holds."""
    rnd = random.Random(seed)
    out: list[str] = []
    for seq in range(1, n + 1):
        roll = rnd.random()
        day = f"2019-03-{seq % 28 + 1:02d}"
        if seq % 97 == 0 and seq > 1:  # a correction of sale 2 or donation 3, by a cent at a time
            target, kind = (2, "sale") if seq % 2 else (3, "donation")
            line = (f"{seq},{day},sale,wanrong-apple,jd,-0.001,kg,0,-0.01,CNY,京东用户,seq:{target},冲正"
                    if kind == "sale" else f"{seq},{day},donation,,,,,,-0.01,CNY,匿名,seq:{target},冲正")
        elif seq == 2:
            line = f"{seq},{day},sale,wanrong-apple,jd,100,kg,50,990.00,CNY,京东用户,JD-{seq},"
        elif roll < 0.4 or seq == 3:
            note = '"含运费, 已签收"' if rnd.random() < 0.2 else ""
            line = f"{seq},{day},donation,,,,,,{rnd.randrange(1, 999)}.00,CNY,匿名,R-{seq},{note}"
        elif roll < 0.9:
            product = rnd.choice(sorted(PRODUCTS))
            line = f"{seq},{day},sale,{product},taobao,{rnd.randrange(1, 9)},kg,1,9.90,CNY,淘宝买家,TB-{seq},"
        else:
            line = f"{seq},{day},expense,,jd,,,,12.50,CNY,顺丰速运,E-{seq},运费"
        if seq >= start:
            out.append(line + "\n")
    return out


def ledger(n: int) -> bytes:
    return (HEADER + "\n" + "".join(rows(n))).encode()


def load(root: Path, cache: Cache) -> tuple[Book | None, list[str]]:
    book, problems = load_book(root, "x", Campaign.model_construct(), products=PRODUCTS, channels=CHANNELS,
                               cache=cache)
    return book, [str(p) for p in problems]


def same_book(a: Book, b: Book) -> None:
    assert a.ledger.data == b.ledger.data
    assert a.figures == b.figures and a.goals == b.goals and a.heads == b.heads
    assert a.tree.levels == b.tree.levels
    assert a.receipts() == b.receipts()
    assert a.named_products() == b.named_products()
    assert a.newest(50) == b.newest(50)
    assert a.example_code() == b.example_code()
    assert len(a.ledger.entries) == len(b.ledger.entries)
    assert list(a.ledger.entries) == list(b.ledger.entries)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "ledgers").mkdir()
    return tmp_path


@pytest.mark.parametrize(("before", "after"), [(0, 5), (1, 2), (255, 256), (256, 700), (1000, 1257), (500, 500)])
def test_an_appended_ledger_resumed_from_the_cache_is_the_ledger_checked_whole(repo: Path, before: int,
                                                                                after: int) -> None:
    cache = Cache.for_site(repo)
    (repo / "ledgers/x.csv").write_bytes(ledger(before))
    assert load(repo, cache)[0] is not None
    (repo / "ledgers/x.csv").write_bytes(ledger(after))
    resumed, problems = load(repo, cache)
    clean, clean_problems = load(repo, Cache(None))
    assert problems == clean_problems == []
    assert resumed is not None and clean is not None
    assert isinstance(resumed.ledger.entries, LazyEntries), "the ledger was checked whole, not resumed"
    same_book(resumed, clean)


@pytest.mark.parametrize("bad", [
    "{seq},2019-03-05,donation,,,,,,5.00,CNY,匿名,r-3,\n",  # the receipt code of entry 3, written otherwise
    "{seq},2019-03-05,donation,,,,,,-99999.00,CNY,匿名,seq:3,冲正\n",  # takes back more than entry 3 holds
    "{seq},2019-03-05,donation,,,,,,5.00,CNY,电话 13800138000,R-new,\n",  # personal data
    "{seq},2019-03-05,sale,unknown-thing,jd,1,kg,1,9.90,CNY,京东用户,JD-new,\n",  # an unknown product
    "{seq},2019-03-05,sale,wanrong-apple,taobao,-1,kg,-1,-9.90,CNY,淘宝买家,seq:2,\n",  # not in entry 2's terms
    "{seq},2019-03-05,donation,,,,,,5.00,CNY,匿名,R-new\n",  # 12 fields
    "{seq},2019-03-05,donation,,,,,,5.00,CNY,匿名,R-new,\r\n",  # CR LF
])
def test_appended_lines_with_problems_are_told_as_a_clean_check_tells_them(repo: Path, bad: str) -> None:
    cache = Cache.for_site(repo)
    (repo / "ledgers/x.csv").write_bytes(ledger(400))
    assert load(repo, cache)[0] is not None
    (repo / "ledgers/x.csv").write_bytes(ledger(400) + "".join(rows(410, start=401)).encode()
                                         + bad.format(seq=411).encode())
    book, problems = load(repo, cache)
    assert book is None and problems
    assert problems == load(repo, Cache(None))[1]


def test_an_entry_changed_in_the_middle_is_found_by_a_whole_check(repo: Path) -> None:
    cache = Cache.for_site(repo)
    data = ledger(600)
    (repo / "ledgers/x.csv").write_bytes(data)
    assert load(repo, cache)[0] is not None
    changed = data.replace(b",R-3,", b",R-0003,")
    assert changed != data
    (repo / "ledgers/x.csv").write_bytes(changed + "".join(rows(620, start=601)).encode())
    book, problems = load(repo, cache)
    clean, _ = load(repo, Cache(None))
    assert problems == [] and book is not None and clean is not None
    assert not isinstance(book.ledger.entries, LazyEntries)
    same_book(book, clean)


def test_a_damaged_cache_entry_is_not_used(repo: Path) -> None:
    cache = Cache.for_site(repo)
    (repo / "ledgers/x.csv").write_bytes(ledger(300))
    load(repo, cache)
    for entry in (repo / ".cache/harvest/ledger_tree").rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:-1] + b"X")
    (repo / "ledgers/x.csv").write_bytes(ledger(350))
    book, _ = load(repo, cache)
    clean, _ = load(repo, Cache(None))
    assert book is not None and clean is not None and cache.counts.damaged >= 1
    same_book(book, clean)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_cached_build_after_an_append_is_byte_identical_to_a_clean_build(
        tiny: TinySite, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny.with_basics()
    lines = [line.replace("wanrong-apple", "test-orange").replace("baojing-navel-orange", "test-orange")
             for line in rows(3200)]
    tiny.write("ledgers/test-campaign.csv", HEADER + "\n" + "".join(lines[:3000]))
    assert tiny.build().code == 0
    assert tiny.run("seal", "test-campaign").code == 0
    assert tiny.build().code == 0  # the sealed ledger, kept in the cache
    tiny.write("ledgers/test-campaign.csv", HEADER + "\n" + "".join(lines))
    result = tiny.build()
    assert result.code == 0, result.err
    cached = files_in(tiny.path / "site")
    linked = [p for p in (tiny.path / "site/ledgers/test-campaign").rglob("*") if p.is_file() and p.stat().st_nlink > 1]
    assert len(linked) > 20, "the look-up files made before were not linked from the cache"
    monkeypatch.setenv("HARVEST_NO_CACHE", "1")
    result = tiny.run("build", "--site-dir", str(tiny.path / "site-clean"))
    assert result.code == 0, result.err
    clean = files_in(tiny.path / "site-clean")
    assert sorted(cached) == sorted(clean)
    assert [name for name in cached if cached[name] != clean[name]] == []


@pytest.mark.parametrize("n", [0, 1, 2, 3, 255, 256, 257, 1000])
@pytest.mark.parametrize("m", [0, 1, 7, 256, 513])
def test_an_extended_tree_is_the_tree_of_all_its_leaves(n: int, m: int) -> None:
    leaves = [f"line {k}".encode() for k in range(n + m)]
    tree = MerkleTree.from_leaves(leaves[:n])
    grown = tree.extend(MerkleTree.from_leaves(leaves[n:]).levels[0])
    whole = MerkleTree.from_leaves(leaves)
    assert grown.levels == whole.levels and grown.size == n + m
    assert grown.root() == whole.root()
    assert MerkleTree.from_bytes(whole.to_bytes()).levels == whole.levels


@pytest.mark.parametrize("data", [b"h\n", b"h\na\nb\nc\n", b"h\na\nb\nc", b"h\n\nb\n", ledger(300)])
def test_tail_lines_are_the_entry_lines(data: bytes) -> None:
    lines = entry_lines(data)
    tail = TailLines(data, len(lines))
    for a in range(-4, len(lines) + 2, 37 if len(lines) > 10 else 1):
        for b in (*range(-3, 4), len(lines) - 1, len(lines), None):
            assert tail[a:b] == lines[a:b], (a, b)
    assert [tail[i] for i in range(len(lines))] == lines


@pytest.mark.parametrize("data", [b"h\n", b"h\n1,a,seq:1", b"h\n1,x\n2,seq:1\n3,seq:2,seq:1\n", ledger(1500)])
def test_corrections_found_in_the_bytes_are_those_of_the_lines(data: bytes) -> None:
    assert file_corrections(data) == donation_corrections(entry_lines(data))


def test_a_ledger_without_a_last_line_end_is_resumed_when_unchanged_and_checked_whole_when_grown(
        repo: Path) -> None:
    cache = Cache.for_site(repo)
    data = ledger(300).removesuffix(b"\n")
    (repo / "ledgers/x.csv").write_bytes(data)
    assert load(repo, cache)[0] is not None
    same, _ = load(repo, cache)
    assert same is not None and isinstance(same.ledger.entries, LazyEntries)
    (repo / "ledgers/x.csv").write_bytes(data + b"\n" + "".join(rows(320, start=301)).encode())
    grown, _ = load(repo, cache)
    clean, _ = load(repo, Cache(None))
    assert grown is not None and clean is not None and not isinstance(grown.ledger.entries, LazyEntries)
    same_book(grown, clean)
