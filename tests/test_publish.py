"""The site is switched in one step; builds killed at any moment leave the old or the new
site, and their temporary folders are removed by the next build (never a running build's)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harvest.publish import swap
from tests.hostile.harness import built_site, digest
from tests.hostile.test_files import run_patched
from tests.sitekit import ROOT, TinySite

KILL = "import os, signal\ndef die(*a, **k):\n    os.kill(os.getpid(), signal.SIGKILL)\n"


@pytest.fixture
def site(tmp_path: Path) -> TinySite:
    return built_site(tmp_path / "repo")


def leftovers(site: TinySite) -> list[str]:
    return sorted(p.name for p in site.path.iterdir() if p.name.startswith(".site"))


def test_exchange_swaps_two_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "f").write_text("a")
    (b / "f").write_text("b")
    assert swap.exchange(a, b)  # this kernel and file system have renameat2(RENAME_EXCHANGE)
    assert (a / "f").read_text() == "b" and (b / "f").read_text() == "a"


@pytest.mark.parametrize("when", ["before", "after"])
def test_build_killed_at_the_swap(site: TinySite, when: str) -> None:
    old = digest(site.path / "site")
    site.write("content/extra.md", "# 新的一页\n")
    patch = KILL + (
        "import harvest.publish.swap as p\np.exchange = die\n" if when == "before" else
        "import harvest.publish.swap as p\n_x = p.exchange\np.exchange = lambda a, b: (_x(a, b), die())\n"
    )
    result = run_patched(site, patch, "build")
    assert result.code == -signal.SIGKILL, result.err
    assert (site.path / "site").is_dir() and not (site.path / "site").is_symlink()
    if when == "before":
        assert digest(site.path / "site") == old
    else:
        assert (site.path / "site/extra/index.html").is_file()
    assert leftovers(site), "the killed build's folder is left"
    again = site.build()
    assert again.code == 0, again.err
    assert leftovers(site) == []
    assert (site.path / "site/extra/index.html").is_file()


def test_fallback_two_renames_killed_between_them(site: TinySite) -> None:
    """Where renameat2 is missing: a crash between the renames leaves no site/ for a moment;
    the next build puts the old one back first, then builds."""
    old = digest(site.path / "site")
    patch = KILL + """
import os, harvest.publish.swap as p
p.exchange = lambda a, b: False
_rename = os.rename
def rename(a, b):
    _rename(a, b)
    if str(b).endswith(".site.old"):
        die()
os.rename = rename
"""
    result = run_patched(site, patch, "build")
    assert result.code == -signal.SIGKILL, result.err
    assert not (site.path / "site").exists() and digest(site.path / ".site.old") == old
    patch_fail = "import mkdocs.commands.build as b\ndef boom(*a, **k):\n    raise SystemExit(1)\nb.build = boom\n"
    assert run_patched(site, patch_fail, "build").code == 1  # a build that fails still puts it back
    assert digest(site.path / "site") == old
    assert leftovers(site) == []


def test_fallback_two_renames_when_exchange_is_unsupported(site: TinySite) -> None:
    site.write("content/extra.md", "# 新的一页\n")
    result = run_patched(site, "import harvest.publish.swap as p\np.exchange = lambda a, b: False\n", "build")
    assert result.code == 0, result.err
    assert (site.path / "site/extra/index.html").is_file() and leftovers(site) == []


def test_folder_of_a_running_build_is_kept(site: TinySite) -> None:
    running = site.path / ".site-running1"
    running.mkdir()
    held = swap.hold(running)
    assert held is not None
    try:
        assert site.build().code == 0
        assert running.is_dir(), "a running build's folder was removed"
    finally:
        os.close(held)
    assert site.build().code == 0
    assert not running.exists()


def test_build_killed_mid_build_by_sigkill(site: TinySite) -> None:
    old = digest(site.path / "site")
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--config-file",
                             str(site.path / "mkdocs.yml")], cwd=site.path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any((p / "index.html").exists() for p in site.path.glob(".site-*")):
        assert time.monotonic() < deadline and proc.poll() is None, "the build ended before it was killed"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert digest(site.path / "site") == old
    assert leftovers(site)
    assert site.build().code == 0
    assert leftovers(site) == []


@pytest.mark.parametrize("where", [".", "..", "products", "content/site"])
def test_site_dir_never_replaces_the_repository_or_an_input_folder(site: TinySite, where: str) -> None:
    before = digest(site.path)
    result = site.run("build", "--site-dir", where)
    assert result.code == 1 and "must be a folder of its own" in result.err, result.err
    assert "Traceback" not in result.err and digest(site.path) == before
