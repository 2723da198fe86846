"""The build cache: work already done, found again by the bytes it was made from.

Under `<site>/.cache/harvest/<kind>/<ab>/<key>`, where `key` is the SHA-256 of everything
the work depends on (`Cache.key`: the caller's inputs, the package's own code and templates,
and the version of every installed library, so that a new version of Harvest Ledger, segno or
Pillow never reuses an old result). An entry is
`MAGIC + SHA-256(data) + data`: a damaged or truncated entry is detected on reading, removed
and made again, never published. The cache is only ever a shortcut: a build with it gives the
same bytes as one without (`--no-cache`, tested file by file), and any failure to read or
write it (a full disk, a read-only folder) only makes the build slower.

Published files that are large or many (a ledger's ten thousand look-up files) are kept whole
under `<site>/.cache/harvest/files/<ab>/<sha256 of the content>` and hard-linked into the built
site (`link_file`, `keep_file`): a build that makes the same file again costs a link, not a new
file. Such a file is checked against its name (its digest) before it is linked, so a damaged one
is removed and made again; the build never writes into a file it linked.

An editor's repository is hostile input, so the cache is not used at all when `.cache` or
`.cache/harvest` is a link, or when git tracks any file under `.cache/` (a committed "cache"
could carry output the inputs never made). Files are opened without following links.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harvest import PROJECT
from harvest.load.git import git

MAGIC = b"HLC1"
_DIGEST = 32
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_PENDING = 512  # entries at most waiting for the writer thread


@cache
def code_version() -> bytes:
    """A digest of the package's code and theme, and of the installed libraries' versions: part
    of every key."""
    h = hashlib.sha256()
    libraries = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    h.update("\n".join(libraries).encode() + b"\0")
    for folder in (PROJECT / "harvest", PROJECT / "theme"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                data = path.read_bytes()
                h.update(str(path.relative_to(PROJECT)).encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return h.digest()


@dataclass
class Counts:
    hits: int = 0
    misses: int = 0
    damaged: int = 0
    written: int = 0


class Cache:
    """A content-addressed store; `Cache(None)` stores nothing (`--no-cache`)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.counts = Counts()
        self._kept: dict[tuple[str, str], bytes] = {}
        self._folders: set[Path] = set()  # folders this cache checked (no link) and made
        self._writer: ThreadPoolExecutor | None = None
        self._pending: dict[Path, bytes] = {}  # handed to the writer, not yet on disk

    @classmethod
    def for_site(cls, site_root: Path, enabled: bool = True) -> Cache:
        """The cache of a site repository, or none when disabled or not safe to use."""
        if not enabled or os.environ.get("HARVEST_NO_CACHE"):
            return cls(None)
        top = site_root / ".cache"
        root = top / "harvest"
        if top.is_symlink() or root.is_symlink() or _tracked(site_root):
            return cls(None)
        return cls(root)

    @property
    def enabled(self) -> bool:
        return self.root is not None

    @staticmethod
    def key(*parts: bytes | str) -> str:
        """The key of work made from `parts` (each length-prefixed, so no two lists collide)."""
        h = hashlib.sha256(code_version())
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            h.update(len(data).to_bytes(8, "big") + data)
        return h.hexdigest()

    def _path(self, kind: str, key: str) -> Path:
        assert self.root is not None and kind.isidentifier() and len(key) == 64
        return self.root / kind / key[:2] / key

    def write_behind(self) -> None:
        """From now on, store entries in a thread of their own while the build goes on (the
        disk's time is then not the build's); `flush` waits until they are written."""
        if self.root is not None and self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="harvest-cache")

    def flush(self) -> None:
        """Wait until every entry handed to the writer is written."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None

    def get(self, kind: str, key: str) -> bytes | None:
        """The stored bytes, or None (not stored, damaged, or no cache)."""
        if self.root is None:
            return None
        path = self._path(kind, key)
        pending = self._pending.get(path)
        if pending is not None:
            self.counts.hits += 1
            return pending
        blob = self._read(path, lambda blob: blob[: len(MAGIC)] == MAGIC and blob[
            len(MAGIC) : len(MAGIC) + _DIGEST] == hashlib.sha256(blob[len(MAGIC) + _DIGEST :]).digest())
        return None if blob is None else blob[len(MAGIC) + _DIGEST :]

    def _read(self, path: Path, sound: Callable[[bytes], bool]) -> bytes | None:
        """The bytes of `path` (a link is not followed) when `sound` finds them so; a damaged
        file is removed. Counted as a hit or a miss."""
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            self.counts.misses += 1
            return None
        try:
            with os.fdopen(fd, "rb") as fp:
                blob = fp.read()
        except OSError:
            blob = b""
        if not sound(blob):
            self.counts.damaged += 1
            self.counts.misses += 1
            try:
                path.unlink()
            except OSError:
                pass
            return None
        self.counts.hits += 1
        return blob

    def put(self, kind: str, key: str, data: bytes) -> None:
        """Store `data`; a failure (full disk, read-only folder) stores nothing and is no error."""
        if self.root is None:
            return
        path = self._path(kind, key)
        if self._writer is None or len(self._pending) >= _PENDING:
            self._write(path, data)  # no writer, or it is behind: memory must not hold the whole site
        else:
            self._pending[path] = data
            self._writer.submit(self._write, path, data)

    def _write(self, path: Path, data: bytes) -> None:
        assert self.root is not None
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        try:
            if not self._ready(path):
                return
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as fp:
                fp.write(MAGIC + hashlib.sha256(data).digest() + data)
            os.replace(tmp, path)
            self.counts.written += 1
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass
        finally:
            self._pending.pop(path, None)


    def _ready(self, path: Path) -> bool:
        """Whether `path`'s folder exists and neither it nor a folder above it in the cache is a
        link; made when missing. Checked once a build per folder (ten thousand files share a few)."""
        assert self.root is not None
        if path.parent in self._folders:
            return True
        for folder in (self.root.parent, self.root, path.parent.parent, path.parent):
            if folder.is_symlink():
                return False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._ignored()
        self._folders.add(path.parent)
        return True

    def _ignored(self) -> None:
        """A `.gitignore` of `*` in the cache's folder, once: git never offers to commit the
        cache, even in a repository whose own .gitignore does not name it (as pytest does)."""
        assert self.root is not None
        if self.root in self._folders:
            return
        try:
            fd = os.open(self.root / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fp:
                fp.write("# Harvest Ledger's build cache (.cache/harvest/): never committed.\n*\n")
        except FileExistsError:
            pass
        self._folders.add(self.root)

    def made(self, kind: str, parts: tuple[bytes | str, ...], make: Callable[[], bytes], keep: bool = False) -> bytes:
        """The bytes `make()` gives for `parts`: stored ones when found, else made and stored.
        `keep`: also held in memory for this build (small results asked for several times)."""
        if self.root is None:
            return make()
        key = self.key(kind, *parts)
        data = self._kept.get((kind, key)) if keep else None
        if data is None:
            data = self.get(kind, key)
            if data is None:
                data = make()
                self.put(kind, key, data)
            if keep:
                self._kept[kind, key] = data
        return data

    def _file(self, digest: bytes) -> Path:
        assert self.root is not None and len(digest) == _DIGEST
        name = digest.hex()
        return self.root / "files" / name[:2] / name

    def link_file(self, digest: bytes, dest: str) -> bool:
        """Put the kept file whose content has SHA-256 `digest` at `dest` (a new path): a hard
        link, or a copy where links cannot be made. False when there is no such file (or it
        was damaged: then it is removed)."""
        if self.root is None:
            return False
        path = self._file(digest)
        data = self._read(path, lambda blob: hashlib.sha256(blob).digest() == digest)
        if data is None:
            return False
        try:
            try:
                os.link(path, dest, follow_symlinks=False)
            except OSError as e:
                if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                    raise
                with open(dest, "xb") as out:  # another file system, or no links: a copy
                    out.write(data)
        except OSError:
            self.counts.hits -= 1
            self.counts.misses += 1
            return False
        return True

    def keep_file(self, digest: bytes, src: str) -> None:
        """Keep the file just written at `src` (its content's SHA-256 is `digest`) for later
        builds, as a hard link; nothing when links cannot be made (a failure is no error)."""
        if self.root is None:
            return
        path = self._file(digest)
        try:
            if not self._ready(path):
                return
            os.link(src, path, follow_symlinks=False)
            self.counts.written += 1
        except OSError:
            pass


def _tracked(site_root: Path) -> bool:
    """Whether git tracks any file under `.cache/` (no git, or not a repository: no)."""
    return bool(git(site_root, "ls-files", "-z", "--", ".cache", timeout=30))
