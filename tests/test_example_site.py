"""The example site's output, file by file, against tests/golden/example-site.json.

The golden holds a SHA-256 of each file the example site publishes: of the bytes, except for
HTML, XML and SVG, whose whitespace is normalised first (runs of blanks become one space and
blanks next to a tag go), so that moving markup between Python and templates may change
indentation but nothing a reader or a program sees. The search index is left out: it is
MkDocs' own summary of the pages. After a change meant to alter pages, run
`pytest tests/test_example_site.py --update-goldens` and review which files changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "example-site.json"
_MARKUP = (".html", ".xml", ".svg")
_BLANKS = re.compile(rb"\s+")
_NEAR_TAG = re.compile(rb" ?(<|>) ?")
_LEFT_OUT = ("search/",)


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix in _MARKUP:
        data = _NEAR_TAG.sub(rb"\1", _BLANKS.sub(b" ", data)).strip()
    return data


def fingerprints(site: Path) -> dict[str, str]:
    return {
        rel: hashlib.sha256(normalised(path)).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file() and not (rel := path.relative_to(site).as_posix()).startswith(_LEFT_OUT)
    }


def test_normalising_ignores_only_whitespace(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.html", tmp_path / "b.html", tmp_path / "c.html"
    a.write_text("<div>\n  <p>一个 苹果</p>\n</div>\n")
    b.write_text("<div><p>一个\n苹果</p></div>")
    c.write_text("<div><p>一个苹果</p></div>")
    assert normalised(a) == normalised(b)
    assert normalised(a) != normalised(c)


def test_the_example_site_is_what_it_was(tmp_path: Path, request) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764547200"}  # not the commit's date
    done = subprocess.run([sys.executable, "build.py", "build", "--site-dir", str(site)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    found = fingerprints(site)
    if request.config.getoption("--update-goldens"):
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    wanted = json.loads(GOLDEN.read_text(encoding="utf-8"))
    changed = sorted(k for k in wanted.keys() & found.keys() if wanted[k] != found[k])
    assert not changed, f"{len(changed)} files changed, first: {changed[:10]}"
    assert sorted(wanted.keys() - found.keys()) == [], "files no longer published"
    assert sorted(found.keys() - wanted.keys()) == [], "files newly published"
