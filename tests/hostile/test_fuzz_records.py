"""Property tests of the record loader (`yamlfile` + the record models, through `load_records`):
for arbitrary bytes and for mutations of a good record, it returns Problems and never raises,
hangs or balloons. Each example runs under a time limit (an interval timer) and a memory
limit (RLIMIT_AS a few hundred MB above what the test process already uses)."""

from __future__ import annotations

import resource
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvest.load.records import Channel, load_records
from harvest.problems import Problem
from tests.sitekit import CAMPAIGN, PRODUCT

SECONDS = 2.0  # per example; a good record loads in about a millisecond
HEADROOM = 512 * 1024 * 1024  # bytes of address space an example may add
CHANNELS = {
    "jd": Channel("jd", "京东", ("jd.com", "3.cn"), {}),
    "pinduoduo": Channel("pinduoduo", "拼多多", ("pinduoduo.com", "yangkeduo.com"), {}),
}
GOOD_LINES = PRODUCT.splitlines(keepends=True)


class TooSlow(Exception):
    pass


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


@contextmanager
def bounded() -> Iterator[None]:
    """Raise TooSlow after SECONDS and MemoryError past HEADROOM, for the block."""
    def alarm(signum: int, frame: Any) -> None:
        raise TooSlow(f"one example took more than {SECONDS} s")

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _vm_size() + HEADROOM
    previous = signal.signal(signal.SIGALRM, alarm)
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    for folder in ("products", "campaigns", "content/images"):
        (root / folder).mkdir(parents=True)
    (root / "campaigns/test-campaign.yml").write_text(CAMPAIGN, encoding="utf-8")
    return root


def load(repo: Path, data: bytes) -> list[Problem]:
    (repo / "products/test-orange.yml").write_bytes(data)
    with bounded():
        records, problems = load_records(repo, repo / "content", CHANNELS)
        text = "\n".join(str(p) for p in problems)  # every message can be told
    assert all(isinstance(p, Problem) for p in problems)
    assert text or "test-orange" in records.products
    return problems


# ---- mutations of a good record ---------------------------------------------------------------

ODD = st.sampled_from([
    "\ufeff", "\t", "\u200b", "\u202e", "\x00", "\x85", "\u2028", "\ud7ff", "𠀀", "️", "\r", "\r\n", "#", ":", "- ",
    "&a ", "*a", "<<: *a", "!!binary ", "!!python/object:os.system ", "? ", "|", ">", "%YAML 1.1\n", "---\n", "...\n",
    "{", "[", "'", '"', "9" * 5000, "1e999999999", "-0.0", ".nan", "1:2:3:4:5:6:7:8:9", "0x" + "f" * 100,
    "2019-02-30", "9999-12-31T23:59:59-23:59", "~", "null", "yes", "on",
])


NUMBERS = ["9" * 5000, "-" + "1" * 4400, "1" + "0" * 100, "0x" + "f" * 5000, ":".join(["59"] * 3000), "1e999999999",
           "9" * 5000 + ".5", "0o" + "7" * 5000, "0b" + "1" * 20000]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    lines = list(GOOD_LINES)
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "odd", "nest", "anchor", "number", "text"]))
        if not lines:
            lines = [""]
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "swap" and len(line) > 1:
            j = draw(st.integers(0, len(line) - 2))
            lines[i] = line[:j] + line[j + 1] + line[j] + line[j + 2:]
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(GOOD_LINES)))
        elif op == "odd":
            j = draw(st.integers(0, len(line)))
            lines[i] = line[:j] + draw(ODD) + line[j:]
        elif op == "nest":
            depth = draw(st.sampled_from([5, 25, 1500]))
            lines.insert(i, "extra: " + "[" * depth + "]" * depth + "\n")
        elif op == "anchor":  # up to the issue's ten levels of nine aliases
            levels = draw(st.integers(1, 10))
            lines[i:i] = ["l0: &l0 [x, x, x, x, x, x, x, x, x]\n"] + [
                f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]\n" for n in range(1, levels)]
        elif op == "number":
            lines.insert(i, "big: " + draw(st.sampled_from(NUMBERS)) + "\n")
        elif op == "text":
            j = draw(st.integers(0, len(line)))
            lines[i] = line[:j] + draw(st.text(max_size=20)) + line[j:]
    text = "".join(lines)
    prefix = draw(st.sampled_from(["", "\ufeff"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "gb18030"]))
    return (prefix + text).encode(encoding, "surrogatepass") if encoding == "utf-8" else \
        (prefix + text).encode(encoding, "replace")


COUNT = {"bytes": 0, "mutated": 0}


def test_loader_never_raises_hangs_or_balloons(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = settings(deadline=None, database=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

    @settings(common, max_examples=400)
    @given(st.binary(max_size=2048))
    def arbitrary(data: bytes) -> None:
        COUNT["bytes"] += 1
        load(repo, data)

    @settings(common, max_examples=1000)
    @given(mutated())
    def mutations(data: bytes) -> None:
        COUNT["mutated"] += 1
        load(repo, data)

    start = time.monotonic()
    arbitrary()
    mutations()
    took = time.monotonic() - start
    with capsys.disabled():
        print(f"\nrecord loader fuzzed: {COUNT['bytes']} arbitrary byte strings and {COUNT['mutated']} mutated"
              f" records in {took:.1f} s, each under {SECONDS} s and {HEADROOM >> 20} MB more memory")
    assert COUNT["bytes"] >= 100 and COUNT["mutated"] >= 300


def test_the_bounds_catch_a_hang_and_a_balloon() -> None:
    """The limits above are real: a slow or greedy example fails instead of stalling the run."""
    with pytest.raises(TooSlow), bounded():
        while True:
            pass
    with pytest.raises(MemoryError), bounded():
        bytearray(2 * HEADROOM)


def test_the_issue_record_fails_without_the_alias_rule(repo: Path) -> None:
    """The anchor mutation is the billion laughs in small: refused, not expanded."""
    problems = load(repo, PRODUCT.encode() + b"a: &a [x, x]\nb: [*a, *a]\n")
    assert any("anchors and aliases" in p.got for p in problems)
