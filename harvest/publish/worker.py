"""A ledger's Merkle tree and look-up files, made by a worker process beside the main one.

`LedgerFiles.start` forks a worker as soon as a large ledger's bytes are read. While the
main process checks the entries, the worker looks for personal data (`privacy`), hashes the
entry lines into the Merkle tree and hands both back (the tree as one bytes object per level,
through shared memory). It then writes the look-up files (`ledger_files`) and a copy of the
ledger file into a staging folder in the system's temporary folder, when that is on the
project's file system, so that a rename puts them in place. Told where the site is (`write`,
once MkDocs has emptied it), it moves them there, or writes them there if it could not stage
them, while MkDocs builds the pages; `finish` waits for it.

Without fork (Windows), in a process with threads (fork would copy locks held by other
threads), or for a small ledger, the same functions run in the main process. The files are
the same bytes either way; any failure of the worker is redone in the main process.
"""

from __future__ import annotations

import mmap
import os
import shutil
import signal
import struct
import sys
import tempfile
import threading
import traceback
import weakref
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import overload

from harvest.load import privacy
from harvest.proofs.merkle import HASH_SIZE, MerkleTree
from harvest.publish import ledger_files, swap
from harvest.publish.ledger_files import ledger_tree, write_copy, write_entry_files, write_receipt_files

FORK_BYTES = 1 << 20  # a smaller ledger is quicker done in the main process than forked
_FRAME = struct.Struct("<Q")
_FILES, _COPY = "files", "ledger.csv"  # in the staging folder
_STAGING = ".hl-ledger-"  # the staging folders' prefix, in the system's temporary folder


class LedgerFiles:
    """A checked ledger's tree and look-up files, made by a worker process where one helps."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._tree: MerkleTree | None = None
        self._folder: Path | None = None
        self._staging: Path | None = None
        self._pid = 0
        self._todo = -1  # main -> worker: where to put the files (nothing: stop)
        self._done = -1  # worker -> main: the tree levels, then b"" or what went wrong
        self._reap: weakref.finalize | None = None
        self._shared: mmap.mmap | None = None  # where the worker puts the tree levels
        self._receipts: Mapping[str, int] = {}
        self._copy: Path | None = None
        self._suspects: list[int] | None = None  # privacy.candidate_lines of the bytes
        self._locks: list[int] = []  # the staging folder's lock, closed when the worker is stopped
        self._leftovers: list[Path] = []  # removed with the worker: its staging folder, spool

    @classmethod
    def start(cls, data: bytes, *, near: Path | None = None, fork: bool | None = None) -> LedgerFiles:
        """Start on a ledger file's bytes; `near`: the project folder (the site's file system).

        `fork`: None to fork when it helps, True or False to force the choice.
        """
        files = cls(data)
        if fork if fork is not None else _fork_helps(data):
            files._fork(_staging_parent(near))
        return files

    @property
    def forked(self) -> bool:
        """Whether a worker process is doing the work."""
        return self._pid != 0

    def candidate_lines(self, body: bytes) -> Sequence[int]:
        """`privacy.candidate_lines(body)`: the worker's answer, read when first looked at,
        when `body` is the ledger's bytes."""
        if self._pid and body is self.data:
            return _Later(self._candidates)
        return privacy.candidate_lines(body)

    def _candidates(self) -> list[int]:
        if self._suspects is None:
            answer = _receive(self._done) if self._pid else None
            if answer is None or len(answer) != 1 or len(answer[0]) % 8:
                self.cancel()
                self._suspects = privacy.candidate_lines(self.data)
            else:
                self._suspects = list(array("Q", answer[0]))
        return self._suspects

    def tree(self) -> MerkleTree:
        """The Merkle tree of the entry lines (the worker's, when it has one)."""
        self._candidates()  # the worker's first answer
        if self._tree is None:
            levels = self._levels() if self._pid else None
            if levels is None:
                self.cancel()
                self._tree = ledger_tree(self.data)
            else:
                self._tree = MerkleTree.from_levels(levels)
        return self._tree

    def _levels(self) -> list[bytes] | None:
        """The worker's tree levels, from the shared memory it wrote them in."""
        answer = _receive(self._done)
        shared, self._shared = self._shared, None
        try:
            if answer is None or len(answer) != 1 or len(answer[0]) % 8 or shared is None:
                return None
            levels, at = [], 0
            for (size,) in struct.iter_unpack("<Q", answer[0]):
                levels.append(shared[at : at + size])
                at += size
            return levels
        finally:
            if shared is not None:
                shared.close()

    def write(self, folder: Path, receipts: Mapping[str, int], copy: Path) -> None:
        """Put the look-up files under `folder` (``<site>/ledgers/<id>``) and the ledger file
        itself, byte for byte, at `copy` (``<site>/ledgers/<id>.csv``): by the worker, which
        carries on while the build goes on, or here. `receipts`: `format.receipts_of` the entries.
        `finish` waits for them."""
        self.tree()
        self._folder, self._receipts, self._copy = folder, receipts, copy
        folder.mkdir(parents=True, exist_ok=True)  # the worker makes nothing above it
        if self._pid:
            try:
                # The receipts go through a file: the worker reads its pipe only once it has
                # staged the files, and a pipe holds 64 KB, not a million codes.
                fd, name = tempfile.mkstemp(prefix=".hl-receipts-", dir=self._staging)  # removed with it
                with os.fdopen(fd, "wb") as out:
                    out.write(array("Q", receipts.values()).tobytes())
                    out.write("\n".join(receipts).encode("utf-8", "surrogatepass"))
                self._leftovers.append(Path(name))
                told = [os.fsencode(folder), os.fsencode(copy), os.fsencode(name), str(len(receipts)).encode()]
                _send(self._todo, told)
                return
            except (OSError, UnicodeEncodeError):
                self.cancel()
        self._write_here()

    def finish(self) -> None:
        """Wait until the files are in place; redo the worker's part here if it failed."""
        if self._folder is None or not self._pid:
            return
        answer = _receive(self._done)
        self.cancel()
        if answer != [b""]:
            self._write_here()

    def _write_here(self) -> None:
        assert self._folder is not None and self._copy is not None
        ledger_files.write_files(self._folder, self.data, self.tree(), self._receipts)
        write_copy(self._copy, self.data)

    def cancel(self) -> None:
        """Stop the worker, if any, and remove its staging folder."""
        if self._reap is not None:
            self._reap()
        self._pid = 0

    def _fork(self, staging_parent: Path | None) -> None:
        # Every level of a tree of n leaves fits in 64 n bytes; pages never written cost nothing.
        shared = mmap.mmap(-1, 2 * HASH_SIZE * (self.data.count(b"\n") + 1))
        staging = None
        if staging_parent is not None:
            swap.remove_unheld(staging_parent, _STAGING + "*")  # what killed builds left behind
            staging = Path(tempfile.mkdtemp(prefix=_STAGING, dir=staging_parent))
            lock = swap.hold(staging)  # held until the worker is stopped: not a leftover
            if lock is not None:
                self._locks.append(lock)
        todo_r, todo_w = os.pipe()
        done_r, done_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (todo_r, todo_w, done_r, done_w):
                os.close(fd)
            if staging:
                staging.rmdir()
            for lock in self._locks:
                os.close(lock)
            self._locks.clear()
            shared.close()
            return
        if pid == 0:  # the worker: never returns
            os.close(todo_w)
            os.close(done_r)
            _work(self.data, shared, staging, todo_r, done_w)
        self._shared = shared
        os.close(todo_r)
        os.close(done_w)
        self._pid, self._todo, self._done, self._staging = pid, todo_w, done_r, staging
        if staging is not None:
            self._leftovers.append(staging)
        self._reap = weakref.finalize(self, _stop, pid, todo_w, done_r, self._leftovers, self._locks)


class _Later(Sequence[int]):
    """A list of ints got from `fetch` when first looked at."""

    def __init__(self, fetch: Callable[[], list[int]]) -> None:
        self._fetch = fetch

    def __len__(self) -> int:
        return len(self._fetch())

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        return self._fetch()[index]


def _fork_helps(data: bytes) -> bool:
    return (
        len(data) >= FORK_BYTES
        and hasattr(os, "fork")
        and sys.platform != "win32"
        and threading.active_count() == 1
    )


def _staging_parent(near: Path | None) -> Path | None:
    """The temporary folder, if it is on the file system of `near` (a rename is then enough)."""
    if near is None:
        return None
    try:
        temp = Path(tempfile.gettempdir())
        return temp if temp.stat().st_dev == near.stat().st_dev else None
    except OSError:
        return None


def _work(data: bytes, shared: mmap.mmap, staging: Path | None, todo: int, done: int) -> None:
    """The worker: the tree levels, into `shared`; the files, staged; once told where, the
    files in place. Exits, never returns."""
    import gc

    gc.disable()  # nothing here makes cycles; a collection would copy the parent's pages
    os.nice(5)  # where the two compete for a core, the main process is the one waited for
    code = 0
    try:
        _send(done, [array("Q", privacy.candidate_lines(data)).tobytes()])
        tree = ledger_tree(data)
        for level in tree.levels:
            shared.write(level)
        _send(done, [b"".join(struct.pack("<Q", len(level)) for level in tree.levels)])
        shared.close()
        if staging is not None:
            write_copy(staging / _COPY, data)
            write_entry_files(staging / _FILES, data, tree)
        told = _receive(todo)
        if told and len(told) == 4:
            folder, copy, spool = (Path(os.fsdecode(part)) for part in told[:3])
            count = int(told[3])
            spooled = spool.read_bytes()
            indices = array("Q", spooled[: 8 * count])
            codes = spooled[8 * count :].decode("utf-8", "surrogatepass").split("\n") if count else []
            receipts = dict(zip(codes, indices, strict=True))
            if staging is not None:
                write_receipt_files(staging / _FILES, receipts, tree.size)
                _move(staging / _FILES, folder)
                _move_file(staging / _COPY, copy)
            else:
                ledger_files.write_files(folder, data, tree, receipts)
                write_copy(copy, data)
            _send(done, [b""])
    except BaseException:  # noqa: BLE001 - told to the main process, which redoes the work
        code = 1
        try:
            _send(done, [traceback.format_exc().encode("utf-8", "replace") or b"?"])
        except OSError:
            pass
    finally:
        os._exit(code)


def _move(staging: Path, folder: Path) -> None:
    """Every folder made in `staging` into `folder`, renamed (copied across file systems)."""
    ledger_files.make(folder)
    for entry in sorted(os.listdir(staging)):
        source, target = staging / entry, folder / entry
        if target.exists():  # the build put files there too (earlier heads' partial tiles): merge
            for base, _, names in os.walk(source):
                here = target / Path(base).relative_to(source)
                here.mkdir(parents=True, exist_ok=True)
                for name in names:
                    _move_file(Path(base) / name, here / name)
            continue
        try:
            os.rename(source, target)
        except OSError:
            shutil.copytree(source, target)


def _move_file(source: Path, target: Path) -> None:
    target.parent.mkdir(exist_ok=True)
    try:
        os.replace(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _stop(pid: int, todo: int, done: int, leftovers: list[Path], locks: list[int]) -> None:
    """Stop and reap a worker, close its pipes, remove what it leaves in the temporary folder
    (also when its `LedgerFiles` is dropped)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    for fd in (todo, done):
        try:
            os.close(fd)
        except OSError:
            pass
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    for fd in locks:
        try:
            os.close(fd)
        except OSError:
            pass


def _send(fd: int, parts: Iterable[bytes]) -> None:
    """A frame: the number of parts, then each part's length and bytes."""
    parts = list(parts)
    _write_all(fd, _FRAME.pack(len(parts)))
    for part in parts:
        _write_all(fd, _FRAME.pack(len(part)))
        _write_all(fd, part)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> list[bytes] | None:
    """One frame from `_send`; None when the other side is gone."""
    try:
        head = _read_exactly(fd, _FRAME.size)
        if head is None:
            return None
        parts = []
        for _ in range(_FRAME.unpack(head)[0]):
            size = _read_exactly(fd, _FRAME.size)
            part = _read_exactly(fd, _FRAME.unpack(size)[0]) if size is not None else None
            if part is None:
                return None
            parts.append(part)
        return parts
    except OSError:
        return None


def _read_exactly(fd: int, size: int) -> bytes | None:
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = os.readv(fd, [view[got:]])
        if n == 0:
            return None
        got += n
    return bytes(buffer)
