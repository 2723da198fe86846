"""Interoperability: Go's golang.org/x/mod/sumdb/note and sumdb/tlog check the signed example site.

`tests/interop/interop.go` opens every signed checkpoint with `note.Open`, reads each
published head's tree through `tlog.TileHashReader`, checks the consistency proofs with
`tlog.CheckTree` and a `build.py proof` with `tlog.CheckRecord`. It runs offline in GOPATH
mode against Debian's golang-golang-x-mod-dev (`.ci/run` installs it with golang-go).
Without Go the test is skipped on a developer's machine and fails under CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sitekit import ROOT
from tests.test_signed_log import LOG_KEY

GOPATH_SRC = Path("/usr/share/gocode")
PROGRAM = ROOT / "tests" / "interop" / "interop.go"


@pytest.fixture(scope="module")
def go() -> str:
    exe = shutil.which("go")
    missing = None if exe else "go is not installed (apt-get install golang-go)"
    if not (GOPATH_SRC / "src/golang.org/x/mod/sumdb/tlog").is_dir():
        missing = "golang.org/x/mod is not installed (apt-get install golang-golang-x-mod-dev)"
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{missing} (CI=true: the interoperability test must run in CI)")
        pytest.skip(missing)
    assert exe
    return exe


@pytest.fixture(scope="module")
def signed_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("interop") / "site"
    env = {**os.environ, "HARVEST_SIGNING_KEY": LOG_KEY}
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "-d", str(site)], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    return site


def run_go(go: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": f"{GOPATH_SRC}:{tmp / 'gopath'}", "GOFLAGS": "",
           "GOCACHE": str(tmp / "gocache"), "GOPROXY": "off"}
    return subprocess.run([go, "run", str(PROGRAM), *args], capture_output=True, text=True, env=env, timeout=600)


def test_go_verifies_the_signed_example_site(go: str, signed_example: Path, tmp_path: Path) -> None:
    env = {**os.environ, "HARVEST_SIGNING_KEY": LOG_KEY}
    proof = subprocess.run([sys.executable, str(ROOT / "build.py"), "proof", "baojing-oranges-2019", "BJ2019-0003"],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proof.returncode == 0, proof.stderr
    (tmp_path / "proof").write_text(proof.stdout)
    line = next(x for x in (ROOT / "ledgers/baojing-oranges-2019.csv").read_text().splitlines() if "BJ2019-0003" in x)
    (tmp_path / "entry").write_text(line)
    key = (signed_example / "ledgers/baojing-oranges-2019/verifier-key").read_text().strip()
    done = run_go(go, tmp_path, "-proof", str(tmp_path / "proof"), "-entry", str(tmp_path / "entry"), "-key", key,
                  str(signed_example))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok baojing-oranges-2019: 3 signed heads" in done.stdout
    assert done.stdout.count("\nok ") + done.stdout.startswith("ok ") == 5  # four ledgers and the proof
    assert "ok proof: entry 8 is in the signed tree of 21 entries (tlog.CheckRecord)" in done.stdout
    (tmp_path / "entry").write_text(line.replace("5000.00", "500.00"))
    bad = run_go(go, tmp_path, "-proof", str(tmp_path / "proof"), "-entry", str(tmp_path / "entry"), "-key", key,
                 str(signed_example))
    assert bad.returncode == 1 and "CheckRecord" in bad.stderr


def test_go_rejects_a_tampered_tile_or_signature(go: str, signed_example: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(signed_example, site)
    tile = site / "ledgers/baojing-oranges-2019/tile/0/000.p/12"
    tile.write_bytes(b"\0" * 32 + tile.read_bytes()[32:])
    done = run_go(go, tmp_path, str(site))
    assert done.returncode == 1 and "tiles of size 12" in done.stderr
    shutil.rmtree(site)
    shutil.copytree(signed_example, site)
    note = site / "ledgers/wanrong-apples-2020/checkpoint"
    origin, size, rest = note.read_text().split("\n", 2)
    note.write_text(f"{origin}\n{int(size) + 1}\n{rest}")  # a signed head claiming one more entry
    done = run_go(go, tmp_path, str(site))
    assert done.returncode == 1 and "note.Open" in done.stderr


def test_go_reads_every_sealed_head_of_a_large_ledger(go: str, tmp_path: Path) -> None:
    """70,000 entries sealed at 300 and 65,836: the heads' partial tiles at levels 0 and 1."""
    from tests.sitekit import TinySite
    from tests.test_signed_log import HEADER, rows, run, seal

    site = TinySite(tmp_path / "repo").with_basics()
    lines = rows(70_000)
    site.write("ledgers/test-campaign.csv", HEADER + "".join(lines))
    seal(site, lines, [300, 65_836])
    assert run(site, "build").returncode == 0
    done = run_go(go, tmp_path, str(site.path / "site"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok test-campaign: 3 signed heads" in done.stdout
