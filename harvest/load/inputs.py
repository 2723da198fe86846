"""Editors' files, read as an attacker might have written them.

Every input folder (content/, products/, campaigns/, ledgers/, the theme folder) is walked
once, before anything is read or copied: a symbolic link (to a file or a folder, dangling
or not), a pipe or a device, or a file above its size limit is refused with its path. Files
are then opened without following links on any part of their path (`O_NOFOLLOW`, one folder
at a time), so that a link made after the walk is not followed either. Pictures are refused
above a pixel limit from their header, before a pixel is decoded.

The limits are far above anything an editor writes and far below what hurts a build; README.md
tells editors about them.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath

from PIL import Image, ImageFile

from harvest.i18n import _
from harvest.problems import Problem, shown

RECORD_BYTES = 256 * 1024  # a product or campaign record (a long one is 3 KB)
PAGE_BYTES = 1024 * 1024  # a story or a page under content/ (a long story is 10 KB)
PICTURE_PIXELS = 64_000_000  # 8000×8000; a 50-megapixel phone photo fits
PICTURE_BYTES = 50 * 1024 * 1024  # a 64-megapixel photo is about 30 MB as JPEG
FORMATS = ("JPEG", "PNG", "WEBP")  # the decoders Pillow may use (a phone's MPO opens as JPEG)
SIZE_LIMITS = {".yml": RECORD_BYTES, ".yaml": RECORD_BYTES, ".md": PAGE_BYTES,
               **dict.fromkeys((".jpg", ".jpeg", ".png", ".webp"), PICTURE_BYTES)}

# Pillow's own lock, for every picture it opens in this process: from the header, before a
# pixel is decoded, it warns above this and raises DecompressionBombError above twice this
# (`picture_size` turns both into a refusal); a truncated picture raises, never half-loads.
Image.MAX_IMAGE_PIXELS = PICTURE_PIXELS
ImageFile.LOAD_TRUNCATED_IMAGES = False

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a pipe named like a file must not hang the open


def _link() -> str:
    return _("a file or folder of its own (links are never followed, so that nothing outside the repository is published)")


def _unlink() -> str:
    return _("replace the link with a copy of the file (cp -L), or remove it")


class Refused(Exception):
    """A file that is not read, and why: what was expected, what was found, how to fix it."""

    def __init__(self, expected: str, got: str, fix: str) -> None:
        super().__init__(got)
        self.expected, self.got, self.fix = expected, got, fix

    def problem(self, path: str, line: int | None = None, field: str = "") -> Problem:
        """The refusal told about `path` (and the record line that names the file)."""
        return Problem(path, line, field, self.expected, self.got, self.fix)


def io_words(error: OSError) -> tuple[str, str]:
    """What went wrong, in plain words, and how to fix it, for an error of the system."""
    code = error.errno
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return _("the disk is full"), _("free some space on the disk (or build elsewhere with --site-dir), then try again")
    if code == errno.EROFS:
        return (_("the disk or folder is read-only"),
                _("build on a disk you can write to (--site-dir), or make it writable"))
    if code in (errno.EACCES, errno.EPERM):
        return _("no permission"), _("give your user permission to read and write the file and its folder, then try again")
    if code == errno.ENOENT:
        return (_("the file or its folder vanished while it was being used"),
                _("try again (another program may have moved it)"))
    if code == errno.ELOOP:
        return _("a link"), _unlink()
    if code == errno.EMFILE or code == errno.ENFILE:
        return _("too many open files"), _("close some programs and try again")
    return (_("an error of the system: {error}").format(error=error.strerror or error),
            _("try again; if it happens again, tell the site's maintainer"))


def _refused_io(error: OSError) -> Refused:
    what, fix = io_words(error)
    if error.errno == errno.ELOOP:
        return Refused(_link(), what, fix)
    return Refused(_("a file that can be read"), _("it could not be read: {reason}").format(reason=what), fix)


def _open(root: Path, rel: str) -> int:
    """A read-only descriptor of `root/rel`, following no link on the way."""
    parts = PurePosixPath(rel).parts
    if not parts or ".." in parts or PurePosixPath(rel).is_absolute():
        raise Refused(_("a path inside the repository"), shown(rel), _("write the path without .. or / at the start"))
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:  # Windows: no dir_fd; check, then open
        if any((root / Path(*parts[:n])).is_symlink() for n in range(1, len(parts) + 1)):
            raise OSError(errno.ELOOP, "a link", str(root / rel))
        return os.open(root / rel, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    fd = os.open(root, os.O_RDONLY | _DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                sub = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            except NotADirectoryError:  # what Linux says of a link to a folder here
                if stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode):
                    raise OSError(errno.ELOOP, "a link", str(root / rel)) from None
                raise
            os.close(fd)
            fd = sub
        return os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | os.O_CLOEXEC, dir_fd=fd)
    finally:
        os.close(fd)


def read_bytes(root: Path, rel: str, limit: int | None = None) -> bytes:
    """The bytes of `root/rel` (posix `rel`): no link followed, a plain file, at most `limit`
    bytes. Raises `Refused` otherwise, or when the system could not read it."""
    try:
        fd = _open(root, rel)
    except OSError as e:
        raise _refused_io(e) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(_("a plain file"), _("a pipe, device or folder"), _("replace it with an ordinary file, or remove it"))
        if limit is not None and info.st_size > limit:
            raise too_big(info.st_size, limit)
        chunks, total = [], 0
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:  # it grew after fstat
                raise too_big(total, limit)
        return b"".join(chunks)
    except OSError as e:
        raise _refused_io(e) from None
    finally:
        os.close(fd)


def too_big(size: int, limit: int) -> Refused:
    """A file above its size limit."""
    return Refused(
        _("a file of at most {size}").format(size=_kb(limit)), _kb(size),
        _("split it into smaller files, or move large parts (pictures, tables) into files of their own"),
    )


def _kb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{-(-size // 1024)} KB"


def read_text(root: Path, rel: str, limit: int | None = None) -> str:
    """`read_bytes` as UTF-8 text (a leading byte-order mark removed)."""
    data = read_bytes(root, rel, limit)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise Refused(_("text saved as UTF-8"), _("bytes that are not UTF-8 (line {line})").format(line=line),
                      _('save the file as UTF-8 in your editor ("Save with encoding")')) from None


def picture_size(root: Path, rel: str) -> tuple[int, int]:
    """A picture's width and height, after every pixel was checked to decode.

    Refused before decoding when the header claims more than `PICTURE_PIXELS`; refused when
    it is truncated, damaged or not a picture. JPEG is decoded at an eighth of its size
    (every byte is still read), so that checking costs little.
    """
    data = read_bytes(root, rel, PICTURE_BYTES)
    damaged = Refused(_("a JPEG, PNG or WebP picture that opens"),
                      _("a damaged or truncated file, or not a picture"),
                      _("open it in a picture editor and save it again as JPEG, or take the picture again"))
    try:
        with warnings.catch_warnings(record=True), Image.open(io.BytesIO(data), formats=FORMATS) as im:
            # Pillow warns (recorded here, not shown) between PICTURE_PIXELS and twice that,
            # and raises DecompressionBombError above; the header is all it has read.
            width, height = im.size
            if width * height > PICTURE_PIXELS:
                raise too_many_pixels(width * height, width, height)
            im.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            im.load()
            return oriented(im, width, height)
    except Image.DecompressionBombError as e:
        claimed = re.search(r"\((\d+) pixels\)", str(e))  # "Image size (… pixels) exceeds limit…"
        raise too_many_pixels(int(claimed[1]) if claimed else 0) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise damaged from None


def oriented(im: Image.Image, width: int, height: int) -> tuple[int, int]:
    """Width and height as shown: phone photos are often stored sideways with an EXIF tag."""
    orientation = im.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def too_many_pixels(pixels: int, width: int = 0, height: int = 0) -> Refused:
    """A picture above the pixel limit (0: Pillow's own check found it, without a count), of
    `width`×`height` pixels when known."""
    if not pixels:
        got = _("a picture far too large")
    elif width:
        got = _("{width}×{height} pixels, {millions} million pixels").format(
            width=width, height=height, millions=f"{pixels / 1e6:,.0f}")
    else:
        got = _("{millions} million pixels").format(millions=f"{pixels / 1e6:,.0f}")
    return Refused(
        _("a picture of at most {millions} million pixels (like 8000×8000)").format(millions=PICTURE_PIXELS // 1_000_000),
        got,
        _("save a smaller copy (any picture editor's Resize, 2000 pixels wide is plenty: the site shows at most 800)"),
    )


def scan(root: Path, folders: Iterable[Path], limits: Mapping[str, int] = SIZE_LIMITS) -> list[Problem]:
    """Every link, pipe or device, and every file above its size limit, in `folders`."""
    problems: list[Problem] = []
    for folder in folders:
        problems += _scan(root, folder, limits)
    return problems


def _where(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _scan(root: Path, folder: Path, limits: Mapping[str, int]) -> Iterator[Problem]:
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return
    except OSError as e:
        yield _refused_io(e).problem(_where(root, folder))
        return
    if stat.S_ISLNK(info.st_mode):
        yield link_problem(root, folder)
        return
    todo = [folder]
    while todo:
        here = todo.pop()
        try:
            with os.scandir(here) as entries:
                found = sorted(entries, key=lambda e: e.name)
        except OSError as e:
            yield _refused_io(e).problem(_where(root, here))
            continue
        for entry in found:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    yield link_problem(root, path)
                elif entry.is_dir(follow_symlinks=False):
                    todo.append(path)
                elif not entry.is_file(follow_symlinks=False):
                    yield Refused(_("a plain file"), _("a pipe, device or socket"),
                                  _("replace it with an ordinary file, or remove it")).problem(_where(root, path))
                else:
                    limit = limits.get(path.suffix.lower())
                    size = entry.stat(follow_symlinks=False).st_size
                    if limit is not None and size > limit:
                        yield too_big(size, limit).problem(_where(root, path))
            except OSError as e:
                yield _refused_io(e).problem(_where(root, path))


def link_problem(root: Path, path: Path) -> Problem:
    """A link refused: named with where it points, never read."""
    try:
        target = shown(os.readlink(path))
    except OSError:
        target = _("somewhere")
    return Problem(_where(root, path), None, "", _link(), _("a link to {target}").format(target=target), _unlink())


def inside(root: Path, path: Path, what: str, setting: str) -> Problem | None:
    """A folder the config names (`setting`) must be inside the repository; `what` names the
    folder in the reader's language (`_("the pages folder")`)."""
    try:
        path.resolve().relative_to(root.resolve())
        return None
    except (ValueError, OSError):
        return Problem("mkdocs.yml", None, setting, _("{what} inside the repository").format(what=what),
                       shown(path.as_posix()),
                       _("point {setting} at a folder inside the repository").format(setting=setting))


def no_environment(root: Path, config_file: Path) -> list[Problem]:
    """MkDocs' `!ENV` tag copies an environment variable into the config, and from there
    onto pages: `site_description: !ENV HARVEST_SIGNING_KEY` would publish the signing key."""
    rel = _where(root, config_file)
    try:
        text = read_bytes(config_file.parent, config_file.name, RECORD_BYTES).decode("utf-8", "replace")
    except Refused as e:
        return [e.problem(rel)]
    return [
        Problem(rel, n, "", _("values written out (the site reads nothing from environment variables)"),
                shown(line.strip()), _("write the value itself instead of !ENV"))
        for n, line in enumerate(text.splitlines(), 1)
        if re.search(r"!ENV\b", line.split("#", 1)[0])
    ]
