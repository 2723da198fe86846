"""Editors' own files under content/: the paths they may take and the text they may hold.

Every path the build generates belongs to the build (see `addresses.OWNED`): an editor's file
there would silently replace a product page, or the redirect a printed QR code leads to.
Pages and stories must not hold control or invisible characters.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from harvest.i18n import _
from harvest.load.addresses import OWNED, gtin_key, owned_part
from harvest.load.privacy import page_problems
from harvest.load.records import Records
from harvest.load.sanity import control_character
from harvest.problems import Problem, shown

# Folders whose second part names a record: `go/<product-id>/…`, `ledgers/<campaign-id>.csv`.
_BY_RECORD = {"products": "products", "go": "products", "qr": "products", "campaigns": "campaigns",
              "ledgers": "campaigns"}


def check_content(docs_dir: Path, root: Path, records: Records) -> list[Problem]:
    """Every editor file under `docs_dir` at a path the build generates, and every page with
    a control character or personal data."""
    problems = taken_paths(docs_dir, root, records)
    for file, path in _editor_files(docs_dir, root):
        if file.suffix == ".md" and not file.is_symlink() and owned_part(file.relative_to(docs_dir).as_posix()) is None:
            problems += _page_text(file, path)
    return problems


def taken_paths(docs_dir: Path, root: Path, records: Records) -> list[Problem]:
    """Every editor file under `docs_dir` at a path the build generates."""
    problems: list[Problem] = []
    for file, path in _editor_files(docs_dir, root):
        rel = file.relative_to(docs_dir).as_posix()
        owned = owned_part(rel)
        if owned is not None:
            problems.append(_taken(path, rel, owned, records))
    return problems


def _editor_files(docs_dir: Path, root: Path) -> Iterator[tuple[Path, str]]:
    """Each file under `docs_dir` and its path as messages name it. Files and folders whose
    names start with a dot are skipped, as MkDocs skips them."""
    base = docs_dir.relative_to(root).as_posix() if docs_dir.is_relative_to(root) else docs_dir.as_posix()
    for folder, dirs, names in os.walk(docs_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # MkDocs follows a linked folder; os.walk does not, so a link is checked by its own name.
        links = [d for d in dirs if (Path(folder) / d).is_symlink()]
        for name in sorted([n for n in names if not n.startswith(".")] + links):
            file = Path(folder) / name
            yield file, f"{base}/{file.relative_to(docs_dir).as_posix()}"


def _taken(path: str, rel: str, owned: str, records: Records) -> Problem:
    parts = rel.split("/")
    stem = parts[1].split(".")[0] if len(parts) > 1 else ""
    kind = _BY_RECORD.get(owned)
    if kind and f"{kind}/{stem}" in records.files:
        makers = [records.files[f"{kind}/{stem}"]]
    elif owned == "01":
        makers = [records.files[f"products/{pid}"] for pid, p in records.products.items()
                  if p.gtin and gtin_key(p.gtin) == stem]
    else:
        makers = []
    what = _("the folder {owned}/").format(owned=owned) if len(parts) > 1 else _("the name {owned}").format(owned=owned)
    got = _("{path} under {where}, which the build writes: {what}").format(path=shown(rel), where=what,
                                                                         what=OWNED[owned]())
    fix = _("the build's own pages cannot be replaced: move the file out of that folder, or rename it")
    if makers:
        made = _(" and ").join(makers)
        got = _("{found}; this path is made from {files}").format(found=got, files=made)
        fix = _("{fix}; to change what the build makes there, edit {files}").format(fix=fix, files=made)
    return Problem(path, None, "", _("a page at a path the build does not make itself"), got, fix)


def _page_text(file: Path, path: str) -> list[Problem]:
    try:
        text = file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # told by the story loader, or by MkDocs when it reads the page
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        code = control_character(line, allow="\t")
        if code:
            column = line.index(chr(int(code[2:], 16))) + 1
            return [Problem(path, number, "", _("text without control or invisible characters"),
                            _("the character {code}").format(code=code),
                            _("delete it (it was pasted with the text and cannot be seen)"), column=column)]
    return page_problems(path, text)
