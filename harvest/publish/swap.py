"""Putting a built site in place in one step, and cleaning up after builds that were killed.

A build writes into a fresh folder beside the site (`.site-XXXXXXXX`), held with a lock for
as long as the build runs. On success `swap` exchanges it with the site folder in one
`renameat2(RENAME_EXCHANGE)` call (Linux 3.15 and later, on the file systems that have it):
at every moment `site/` is the old site or the new one, a real folder either way. Where the
call is missing (macOS, Windows, some network file systems) two renames are used; a crash
between them leaves the old site as `.site.old`, which the next build puts back.

A build killed by a signal or a power cut leaves its folder behind; the next build removes
every such folder whose lock nobody holds, never the folder of a build still running.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no locks, so leftovers are not cleaned up there
    fcntl = None  # type: ignore[assignment]

PREFIX = ".site-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@contextmanager
def staging(target: Path) -> Iterator[Path]:
    """A new, locked, empty folder beside `target` to build into; removed at the end (after
    `swap`, it holds the old site). Leftovers of killed builds are removed first."""
    parent = target.parent
    with _locked(parent):  # no other build cleans up or starts meanwhile
        clean_leftovers(target)
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        held = hold(folder)
    try:
        yield folder
    finally:
        _remove(folder)
        if held is not None:
            os.close(held)


def swap(staged: Path, target: Path) -> None:
    """Put `staged` where `target` is, in one step where the system allows it. Afterwards
    `staged` holds the old site (or nothing)."""
    os.chmod(staged, 0o755)
    if not os.path.lexists(target):
        os.rename(staged, target)
    elif not exchange(staged, target):
        old = _old(target)
        _remove(old)
        os.rename(target, old)
        os.rename(staged, target)  # a crash before this line: the next build puts `old` back
        os.rename(old, staged)


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (nothing was changed)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def clean_leftovers(target: Path) -> list[Path]:
    """Remove the folders of killed builds beside `target` (call with the parent locked);
    put back the old site if a crash left only `.site.old`. Returns what was removed."""
    removed: list[Path] = []
    old = _old(target)
    if old.is_dir() and not old.is_symlink():
        if os.path.lexists(target):
            _remove(old)
            removed.append(old)
        else:
            os.rename(old, target)
    return removed + remove_unheld(target.parent, PREFIX + "*")


def remove_unheld(parent: Path, pattern: str) -> list[Path]:
    """Remove the folders matching `pattern` in `parent` whose lock (`hold`) nobody holds:
    what killed builds and their workers left behind, never a running one's. Returns them."""
    removed: list[Path] = []
    if fcntl is None:
        return removed
    for entry in sorted(parent.glob(pattern)):
        if entry.is_symlink() or not entry.is_dir():
            continue
        try:
            held = hold(entry, wait=False)
        except OSError:
            continue  # gone meanwhile, or not ours to open
        if held is None:
            continue  # a build still running
        try:
            _remove(entry)
            removed.append(entry)
        finally:
            os.close(held)
    return removed


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def hold(folder: Path, wait: bool = True) -> int | None:
    """An open descriptor of `folder` holding its lock (kept while the descriptor is open, in
    this process and any it forks); None if another process holds it, or without locks."""
    if fcntl is None:
        return None
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    held = hold(folder)
    try:
        yield
    finally:
        if held is not None:
            os.close(held)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
