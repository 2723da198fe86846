"""Shared by every file of the hostile corpus: a built tiny site, and the one way to say
"refused, with file and line, no traceback, site/ unchanged"."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.sitekit import Result, TinySite


def digest(folder: Path) -> str:
    """Every file of a folder, names and bytes, as one hash (links are hashed as links)."""
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        if f.is_symlink():
            h.update(b"L" + f.relative_to(folder).as_posix().encode() + b"\0" + str(f.readlink()).encode())
        elif f.is_file():
            h.update(b"F" + f.relative_to(folder).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def built_site(path: Path) -> TinySite:
    """A tiny site with its basics, built once (the "last good site")."""
    site = TinySite(path).with_basics()
    result = site.build()
    assert result.code == 0, result.err
    return site


@contextmanager
def changed(site: TinySite, files: dict[str, str | bytes]) -> Iterator[None]:
    """Write `files` into the site repository for the duration of the block, then put every
    file back exactly as it was (removing the new ones and the folders made for them)."""
    saved: dict[Path, bytes | None] = {}
    made: list[Path] = []
    for rel, content in files.items():
        target = site.path / rel
        folder = target.parent
        while not folder.exists() and not folder.is_symlink():
            made.append(folder)
            folder = folder.parent
        saved[target] = target.read_bytes() if target.exists() and not target.is_symlink() else None
        if target.is_symlink():
            target.unlink()
        site.write(rel, content)
    try:
        yield
    finally:
        for target, original in saved.items():
            if original is None:
                if target.exists() or target.is_symlink():
                    target.unlink()
            else:
                target.write_bytes(original)
        for folder in sorted(made, key=lambda f: len(f.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def assert_refused(site: TinySite, run: Callable[[], Result], rel: str, line: int | None,
                   words: list[str], command: str = "build") -> Result:
    """Run `run` (a build by default) and check the refusal: exit 1, no traceback, the file
    (and line) named, every word of `words` in the message, and site/ unchanged."""
    before = digest(site.path / "site")
    result = run()
    assert result.code == 1, (result.code, result.out, result.err)
    assert "Traceback" not in result.err + result.out, result.err
    where = f"{rel}" + (f", line {line}" if line else "")
    assert where in result.err, result.err
    for word in words:
        assert word in result.err, result.err
    assert digest(site.path / "site") == before, f"{command} changed site/"
    return result
