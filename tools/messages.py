"""Keep the message catalogs in step with the code (Babel's extract, update and compile).

    .venv/bin/python tools/messages.py update    # after changing messages: new ones appear, empty
    .venv/bin/python tools/messages.py compile   # after translating: writes the .mo files
    .venv/bin/python tools/messages.py check     # what is missing (the tests run the same check)

`make messages` runs update then compile. The catalogs are split by the package's folders
(`harvest/locale/<language>/<part>.po`), so that work on two folders never touches one file;
`compile` joins each language's parts into `harvest/locale/<language>/LC_MESSAGES/harvest.mo`.
The English catalog repeats each message (msgstr = msgid) unless a better English is given.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "harvest"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("zh_CN", "en")
KEYWORDS = {"_": None, "N_": None}


HEADER = """\
# Harvest Ledger messages ({lang}), part "{part}": the English of the code is msgid,
# its translation msgstr. Keep every {{placeholder}}; then run: python tools/messages.py compile"""


def part_of(path: Path) -> str:
    """The catalog part a source file's messages belong to."""
    rel = path.relative_to(ROOT).parts
    if rel == ("build.py",):
        return "commands"
    if len(rel) == 2:  # harvest/<module>.py
        return {"site.py": "render", "hook.py": "render", "cli.py": "commands"}.get(rel[1], "core")
    return {"publish": "render", "render": "render"}.get(rel[1], rel[1])


def sources() -> Iterator[Path]:
    yield ROOT / "build.py"
    yield from sorted(PACKAGE.rglob("*.py"))


def extracted() -> dict[str, dict[str, list[tuple[str, int]]]]:
    """part -> message id -> where it is used."""
    parts: dict[str, dict[str, list[tuple[str, int]]]] = {}
    for path in sources():
        for lineno, message, _comments, _context in extract_from_file("python", path, keywords=KEYWORDS):
            if isinstance(message, str):
                parts.setdefault(part_of(path), {}).setdefault(message, []).append((str(path.relative_to(ROOT)), lineno))
    return parts


def po_path(lang: str, part: str) -> Path:
    return LOCALE / lang / f"{part}.po"


def read(lang: str, part: str) -> Catalog:
    path = po_path(lang, part)
    if not path.exists():
        return Catalog(locale=lang, domain="harvest", project="Harvest Ledger")
    with path.open("rb") as fp:
        return read_po(fp, locale=lang)


def update() -> None:
    for part, messages in sorted(extracted().items()):
        for lang in LANGUAGES:
            old = read(lang, part)
            new = Catalog(locale=lang, domain="harvest", project="Harvest Ledger", fuzzy=False,
                          header_comment=HEADER.format(part=part, lang=lang))
            new.creation_date = new.revision_date = old.creation_date  # stable files
            for key, places in messages.items():
                previous = old.get(key)
                string = previous.string if previous is not None and isinstance(previous.string, str) else ""
                if lang == "en" and not string:
                    string = key
                new.add(key, string, locations=places, flags=["python-brace-format"] if "{" in key else [])
            path = po_path(lang, part)
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            write_po(buffer, new, width=0, omit_header=False, sort_output=True, include_lineno=False)
            path.write_bytes(buffer.getvalue())


def joined(lang: str) -> Catalog:
    """Every part of one language's catalog, as one catalog."""
    catalog = Catalog(locale=lang, domain="harvest", project="Harvest Ledger", fuzzy=False)
    catalog.creation_date = catalog.revision_date = read(lang, "core").creation_date
    for path in sorted((LOCALE / lang).glob("*.po")):
        for message in read(lang, path.stem):
            if message.id and isinstance(message.string, str) and message.string:
                catalog[message.id] = message
    return catalog


def compile_all() -> None:
    for lang in LANGUAGES:
        target = LOCALE / lang / "LC_MESSAGES" / "harvest.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_mo(buffer, joined(lang), use_fuzzy=False)
        target.write_bytes(buffer.getvalue())


def missing() -> list[str]:
    """One line for each message of the code that a catalog lacks."""
    out = []
    for lang in LANGUAGES:
        catalog = joined(lang)
        for messages in extracted().values():
            for key, places in messages.items():
                found = catalog.get(key)
                if found is None or not found.string:
                    file, line = places[0]
                    out.append(f"{lang}: {file}:{line}: {key!r}")
    return sorted(set(out))


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        lines = missing()
        print("\n".join(lines) or "every message has a Chinese and an English text")
        return 1 if lines else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
