"""Benchmark: load, check and total a realistic ledger of a million entries.

Not a test (pytest does not collect it). Run from the repository root:

    .venv/bin/python bench/ledger.py            # 1,000,000 entries
    .venv/bin/python bench/ledger.py 200000     # another size

It writes the ledger into a temporary directory, then prints the seconds and the peak
resident memory (resource.getrusage) of reading and checking it as the build does
(`inputs.read_bytes` and `parse.parse_ledger`, as in `books.load_book`) and of `compute_figures`.
"""

from __future__ import annotations

import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harvest.ledger.figures import compute_figures  # noqa: E402
from harvest.ledger.format import HEADER  # noqa: E402
from harvest.ledger.parse import MAX_LEDGER_BYTES, parse_ledger  # noqa: E402
from harvest.load import inputs  # noqa: E402

CHANNELS = ("jd", "taobao", "pinduoduo", "douyin", "kuaishou", "weidian")
PRODUCTS = tuple(
    [f"{place}-{kind}" for place in ("baojing", "wanrong", "shanghe", "guizhou", "yunnan")
     for kind in ("navel-orange", "apple", "gerbera", "tea", "brown-sugar", "mooncake",
                  "apricot", "mushroom", "sweet-potato-powder", "honey")]
    + [f"county-{i:02d}-produce" for i in range(50)]
)
UNITS = ("kg", "箱", "盒", "5 kg box")
BUYERS = {"jd": "京东用户", "taobao": "淘宝买家", "pinduoduo": "拼多多拼团用户", "douyin": "抖音直播间观众",
          "kuaishou": "快手直播间观众", "weidian": "微店顾客"}
DONORS = ("匿名", "爱心企业", "腾讯公益用户", "县商务局职工", "京东公益")
NOTES = ("", "", "", "", "", "", "", "直播带货", "首批发货", '"含运费, 已签收"', "补录 2月20日 数据",
         "商品 100001234567", "县长直播间")


def entries(n: int, seed: int = 2019) -> Iterator[str]:
    """`n` entry lines (without line ends) of a plausible campaign ledger, seq 1..n."""
    rnd = random.Random(seed)
    start = date(2019, 2, 20)
    prices = {p: Decimal(rnd.randrange(990, 9990)) / 100 for p in PRODUCTS}
    units = {p: UNITS[i % len(UNITS)] for i, p in enumerate(PRODUCTS)}
    donors = [*DONORS, *(f"爱心人士{i:04d}" for i in range(3000))]
    originals: list[list[str] | None] = []  # seq-1 -> fields after seq, None for corrections
    for seq in range(1, n + 1):
        day = (start + timedelta(days=seq * 400 // max(n, 1))).isoformat()
        roll = rnd.random()
        note = rnd.choice(NOTES)
        fields: list[str]
        target = rnd.randrange(1, seq) if seq > 1 else 0
        if roll < 0.001 and target and (original := originals[target - 1]):
            fields = [day, *original[1:]]
            if fields[1] == "sale":
                fields[4], fields[6] = f"-{fields[4]}", f"-{fields[6]}"
            fields[7], fields[10], fields[11] = f"-{fields[7]}", f"seq:{target}", "冲正"
            originals.append(None)
            originals[target - 1] = None  # corrected once, in full: never below zero
            yield ",".join([str(seq), *fields])
            continue
        if roll < 0.75:
            product = rnd.choice(PRODUCTS)
            channel = rnd.choice(CHANNELS)
            qty = rnd.choice((1, 2, 3, 5, 10, 12, 20, 25, 50, 100, 250))
            orders = max(1, qty // rnd.choice((1, 2, 5)))
            amount = prices[product] * qty
            fields = [day, "sale", product, channel, str(qty), units[product], str(orders),
                      f"{amount:.2f}", "CNY", BUYERS[channel],
                      f"{channel.upper()}-{day.replace('-', '')}-{seq % 10000:04d}", note]
        elif roll < 0.90:
            amount = Decimal(rnd.choice((50, 100, 200, 500, 1000, 5000, rnd.randrange(10, 100000))))
            fields = [day, "donation", "", "", "", "", "", f"{amount:.2f}", "CNY",
                      rnd.choice(donors), f"HL2019-{seq:07d}", note]
        elif roll < 0.95:
            amount = Decimal(rnd.randrange(1000, 500000)) / 100
            fields = [day, "disbursement", rnd.choice(PRODUCTS), "", "", "", "", f"{amount:.2f}",
                      "CNY", f"保靖县{rnd.randrange(1, 80)}村合作社", f"BF-{seq:07d}", "到户补贴"]
        else:
            amount = Decimal(rnd.randrange(500, 200000)) / 100
            fields = [day, "expense", "", rnd.choice(CHANNELS), "", "", "", f"{amount:.2f}", "CNY",
                      "顺丰速运", f"FP{seq:08d}", "物流费用"]
        originals.append(fields)
        yield ",".join([str(seq), *fields])


def write_ledger(path: Path, n: int, seed: int = 2019) -> None:
    """Write a ledger of `n` entries to `path`, a chunk at a time (little memory)."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(HEADER + "\n")
        chunk: list[str] = []
        for line in entries(n, seed):
            chunk.append(line)
            if len(chunk) == 10000:
                out.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            out.write("\n".join(chunk) + "\n")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _baseline(file: Path) -> None:
    """For scale on this machine: csv.reader and Decimal(amount) over every row, nothing else."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    total = Decimal(0)
    with file.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            if row[0] != "seq":
                total += Decimal(row[8])
    print(f"baseline csv.reader + Decimal(amount): {time.perf_counter() - t0:.2f} s "
          f"({time.process_time() - c0:.2f} s CPU), "
          f"peak RSS {_peak_mb():.0f} MB")


def _measure(file: Path) -> None:
    print(f"peak RSS before loading {_peak_mb():.0f} MB")
    c0 = time.process_time()
    t0 = time.perf_counter()
    data = inputs.read_bytes(file.parent, file.name, MAX_LEDGER_BYTES)
    ledger, problems = parse_ledger(data, "ledgers/bench.csv", "bench", products=PRODUCTS, channels=CHANNELS)
    t1 = time.perf_counter()
    c1 = time.process_time()
    if ledger is None:
        print("\n".join(str(p) for p in problems[:5]))
        raise SystemExit(1)
    print(f"read_bytes + parse_ledger (read, check, build entries): {t1 - t0:.2f} s ({c1 - c0:.2f} s CPU), "
          f"peak RSS {_peak_mb():.0f} MB")
    figures = compute_figures(ledger.entries)
    t2 = time.perf_counter()
    c2 = time.process_time()
    print(f"compute_figures: {t2 - t1:.2f} s ({c2 - c1:.2f} s CPU), peak RSS {_peak_mb():.0f} MB")
    print(f"load + figures: {t2 - t0:.2f} s ({c2 - c0:.2f} s CPU); balance {figures.totals['CNY']['balance']} CNY, "
          f"{len(figures.corrections)} corrected entries, {len(figures.days)} days")


def main(n: int) -> None:
    """Write the ledger, then measure each step in a fresh process."""
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "bench.csv"
        # Each step runs in its own process: a child inherits its parent's peak RSS.
        subprocess.run([sys.executable, __file__, "--write", str(file), str(n)], check=True)
        print(f"{n:,} entries, {file.stat().st_size / 1e6:.1f} MB")
        for step in ("--baseline", "--measure"):
            subprocess.run([sys.executable, __file__, step, str(file)], check=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--baseline":
        _baseline(Path(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "--write":
        write_ledger(Path(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--measure":
        _measure(Path(sys.argv[2]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
