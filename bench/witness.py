"""Benchmark: a witness cosigning, and a monitor auditing, a ledger of a million entries.

Not a test (pytest does not collect it). Run from the repository root:

    .venv/bin/python bench/witness.py            # 1,000,000 entries
    .venv/bin/python bench/witness.py 200000     # another size

It builds a tiny signed site whose ledger (donations, about 75 bytes a line) has n - 1,000 entries, lets a witness cosign and a
monitor audit it, appends 1,000 entries, builds again, and prints the seconds of the second
`witness cosign` (signature, then a consistency proof read from the tiles) and `monitor`
(signature, consistency, and every entry hashed against the root), each a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.sitekit import CAMPAIGN, ROOT, TinySite  # noqa: E402

KEYS = ROOT / "tests" / "data" / "keys"


def _run(site: TinySite, *args: str, config: bool = True) -> float:
    env = {**os.environ, "HARVEST_SIGNING_KEY": (KEYS / "log.key").read_text().strip()}
    more = ["--config-file", str(site.path / "mkdocs.yml")] if config else []
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), *args, *more], capture_output=True, text=True,
                          cwd=site.path, env=env)
    took = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")
    return took


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = TinySite(Path(tmp) / "repo")
        site.with_basics()
        site.write("campaigns/test-campaign.yml", CAMPAIGN)
        ledger = site.path / "ledgers" / "test-campaign.csv"
        header = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
        rows = [f"{i},2019-02-20,donation,,,,,,{i % 997 + 1}.00,CNY,爱心人士{i % 3000:04d},R{i:07d},线上捐赠\n"
                for i in range(1, n + 1)]
        full = (header + "".join(rows)).encode()
        ledger.write_bytes((header + "".join(rows[:-1000])).encode())
        built = site.path / "site"
        witness = ["witness", "cosign", str(built), "--key", str(KEYS / "witness.gongyi-partner.example.key"),
                   "--state", str(Path(tmp) / "w")]
        mon = ["monitor", str(built), "--state", str(Path(tmp) / "m")]
        print(f"build of {n - 1000:,} entries: {_run(site, 'build'):.1f} s")
        print(f"witness cosign, first sight: {_run(site, *witness, config=False):.2f} s")
        print(f"monitor, first audit: {_run(site, *mon, config=False):.2f} s")
        ledger.write_bytes(full)
        print(f"build of {n:,} entries: {_run(site, 'build'):.1f} s")
        print(f"witness cosign {n - 1000:,} -> {n:,} (consistency from tiles): {_run(site, *witness, config=False):.2f} s")
        print(f"monitor {n - 1000:,} -> {n:,} (full audit of {n:,} entries): {_run(site, *mon, config=False):.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
