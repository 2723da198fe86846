"""The one way the project calls git: the checked-out commit's date, a file's history, a
committed version of a file.

Every call returns None (never raises) when git is missing, the folder is not in a git
repository, or git refuses: outside git the callers carry on without history.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from pathlib import Path


def git(repo: Path, *args: str, stdin: bytes | None = None, timeout: float = 300) -> bytes | None:
    """What ``git -C repo <args>`` prints, or None when it fails or takes longer than `timeout`
    seconds. Example: ``git(root, "log", "-1", "--format=%ct")``."""
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False,
                              timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def commit_time(repo: Path) -> int | None:
    """The commit time (seconds since 1970) of the checked-out commit, None outside git.

    Builds use it as SOURCE_DATE_EPOCH, so that the same commit gives the same bytes (the
    sitemap's dates, the gzip header of sitemap.xml.gz) whatever day it is built.
    """
    out = git(repo, "log", "-1", "--format=%ct", timeout=60)
    text = out.decode("ascii", "replace").strip() if out else ""
    return int(text) if text.isdigit() else None


def commit_date(repo: Path) -> date:
    """The date (UTC) of the checked-out commit; today outside git. Records and ledger dates
    are checked against it, so that a commit that passed once always passes."""
    when = commit_time(repo)
    return datetime.fromtimestamp(when, UTC).date() if when is not None else date.today()


def file_history(repo: Path, path: str) -> list[str]:
    """The commits that changed `path` (relative to `repo`), newest first; none outside git."""
    log = git(repo, "log", "--format=%H", "--", path, timeout=60)
    return log.decode("ascii", "replace").split() if log else []


def committed(repo: Path, commit: str, path: str) -> bytes | None:
    """`path` (relative to `repo`, even below the top of the work tree) as committed in
    `commit`; None when it was not there."""
    return git(repo, "show", f"{commit}:./{path.lstrip('/')}", timeout=60)
