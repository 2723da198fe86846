"""The one publisher of the ledgers' look-up files, started by the build once MkDocs has
emptied the site folder (`on_files`) and waited for once the pages are written (`on_post_build`).

A ledger of a million entries publishes about 9,000 small files (`ledger_files`) and its CSV,
byte for byte. `Publisher.start` writes them straight into ``<site>/ledgers/``: for large
ledgers in a forked worker process, which carries on while MkDocs builds the pages (the books
are already in memory: the worker inherits them, nothing is sent to it); `finish` waits for
it, and redoes in this process whatever it could not do. Without fork (Windows), in a process
with threads (fork would copy locks held by other threads: `mkdocs serve`), or for small
ledgers, the same functions run here at once. The files are the same bytes either way.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path

from harvest.load.cache import Cache
from harvest.proofs.books import Book
from harvest.publish.ledger_files import write_copy, write_files

FORK_BYTES = 1 << 20  # smaller ledgers are quicker written here than forked


class Publisher:
    """Every checked ledger's look-up files and CSV, being written into one site folder."""

    def __init__(self, books: Mapping[str, Book], site_dir: Path, cache: Cache | None = None) -> None:
        self.books = dict(books)
        self.site_dir = site_dir
        self.cache = cache
        self._pid = 0
        self._reap: weakref.finalize | None = None

    @classmethod
    def start(cls, books: Mapping[str, Book], site_dir: Path, *, fork: bool | None = None,
              cache: Cache | None = None) -> Publisher:
        """Begin writing under `site_dir` (``ledgers/<id>/…`` and ``ledgers/<id>.csv``).

        `fork`: None to fork a worker when it helps, True or False to force the choice.
        `cache`: the site's build cache, from which files made before are linked.
        """
        publisher = cls(books, site_dir, cache)
        if books:  # MkDocs makes the site folder only when it writes its first page: later
            site_dir.mkdir(parents=True, exist_ok=True)
        size = sum(len(book.ledger.data) for book in books.values())
        if not books or not (fork if fork is not None else _fork_helps(size)) or not publisher._fork():
            publisher._write_here()
        return publisher

    @property
    def forked(self) -> bool:
        """Whether a worker process is still doing the work."""
        return self._pid != 0

    def finish(self) -> None:
        """Wait until every file is in place; what the worker could not do is redone here."""
        if not self._pid:
            return
        status = _wait(self._pid)
        if self._reap is not None:
            self._reap.detach()  # reaped: its pid may be another process's by now
        self._pid = 0
        if status != 0:
            self._write_here()

    def cancel(self) -> None:
        """Stop the worker, if any (the build failed: its site folder is thrown away)."""
        if self._reap is not None:
            self._reap()
        self._pid = 0

    def _write_here(self) -> None:
        for cid, book in self.books.items():
            publish_book(self.site_dir, cid, book, self.cache)

    def _fork(self) -> bool:
        try:
            pid = os.fork()
        except OSError:
            return False
        if pid == 0:  # the worker: never returns
            _work(self._write_here)
        self._pid = pid
        self._reap = weakref.finalize(self, _kill, pid)  # also when dropped, or at exit
        return True


def publish_book(site_dir: Path, cid: str, book: Book, cache: Cache | None = None) -> None:
    """One checked ledger's look-up files under ``<site>/ledgers/<id>/``, and its CSV beside them."""
    folder = site_dir / "ledgers" / cid
    write_files(folder, book.ledger.data, book.tree, book.receipts(), cache, cid)
    write_copy(folder.with_name(f"{cid}.csv"), book.ledger.data, cache)


def _fork_helps(size: int) -> bool:
    return size >= FORK_BYTES and hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


def _work(write: Callable[[], None]) -> None:
    """The worker: writes every book's files, then exits (0: all done). Never returns."""
    import gc

    gc.disable()  # nothing here makes cycles; a collection would copy the parent's pages
    os.nice(5)  # where the two compete for a core, the build's pages are what is waited for
    code = 1
    try:
        write()
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the build redoes the work and reports its error itself
        pass
    finally:
        os._exit(code)


def _wait(pid: int) -> int:
    """The worker's exit status (non-zero when it failed or was killed)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return -1
    return os.waitstatus_to_exitcode(status)


def _kill(pid: int) -> None:
    """Stop and reap a worker (a no-op once it has been waited for)."""
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass
