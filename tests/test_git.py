"""harvest/load/git.py, the one wrapper of git: answers from history, None outside git."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

from harvest.load import git


def _run(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   check=True, capture_output=True, env={"GIT_COMMITTER_DATE": "2019-03-01T12:00:00Z",
                                                         "GIT_AUTHOR_DATE": "2019-03-01T12:00:00Z", "PATH": "/usr/bin:/bin"})


def test_outside_git_every_answer_is_empty(tmp_path: Path) -> None:
    assert git.git(tmp_path, "log") is None
    assert git.commit_time(tmp_path) is None
    assert git.commit_date(tmp_path) == date.today()
    assert git.file_history(tmp_path, "ledgers/x.csv") == []


def test_a_site_below_the_top_of_the_work_tree(tmp_path: Path) -> None:
    """Paths are relative to the site folder even when the repository starts above it."""
    site = tmp_path / "sites" / "county"
    (site / "ledgers").mkdir(parents=True)
    (site / "ledgers" / "x.csv").write_bytes(b"first\n")
    _run(tmp_path, "init", "-q")
    _run(tmp_path, "add", "-A")
    _run(tmp_path, "commit", "-qm", "one")
    (site / "ledgers" / "x.csv").write_bytes(b"second\n")
    _run(tmp_path, "commit", "-qam", "two")
    history = git.file_history(site, "ledgers/x.csv")
    assert len(history) == 2
    assert [git.committed(site, commit, "ledgers/x.csv") for commit in history] == [b"second\n", b"first\n"]
    assert git.committed(site, history[0], "ledgers/missing.csv") is None
    assert git.commit_time(site) == int(datetime(2019, 3, 1, 12, tzinfo=UTC).timestamp())
    assert git.commit_date(site) == date(2019, 3, 1)
