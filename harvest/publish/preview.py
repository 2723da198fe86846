"""The preview's site folder while a rebuild failed: the problems page in place of every page.

MkDocs' preview keeps serving the last good site when a rebuild fails, so an editor would see
no change in the browser. Instead every page of the last good build (and 404.html, which the
preview serves for any other address) is overwritten with the problems page; the live reload
then shows it, and the next good build empties the folder and writes the real pages again.
"""

from __future__ import annotations

from pathlib import Path

ALWAYS = ("index.html", "404.html")


def pages(site_dir: Path) -> frozenset[str]:
    """The HTML pages of a built site, relative to its folder."""
    return frozenset(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html") if p.is_file())


def show(site_dir: Path, known: frozenset[str], html: str) -> None:
    """Write `html` in place of every page in `known` and of the pages in ALWAYS."""
    for rel in sorted(known | set(ALWAYS)):
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
