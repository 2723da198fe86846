"""The example site builds the same with ProperDocs (the maintained continuation of MkDocs 1.6).

Both engines build `mkdocs.yml` from their own command line (`mkdocs build`, `properdocs
build`); the ProperDocs run must not load a single module of the `mkdocs` package (ProperDocs
answers the `import mkdocs…` of the hook and of Material itself), and the two sites must carry
the same product pages and data files: every file identical except the generator tag.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sitekit import ROOT, TinySite

# Runs an engine's command line and reports, at exit, which modules came from which package.
DRIVER = """
import atexit, sys
engine = sys.argv[1]
def where():
    files = [getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]
    for package in ("mkdocs", "properdocs"):
        n = sum(1 for f in files if f"/site-packages/{package}/" in f.replace("\\\\", "/"))
        sys.stderr.write(f"MODULES-FROM {package} {n}\\n")
atexit.register(where)
sys.argv = [engine, *sys.argv[2:]]
if engine == "properdocs":
    from properdocs.__main__ import cli
else:
    from mkdocs.__main__ import cli
cli()
"""
GENERATOR = re.compile(rb'\s*<meta name="generator" content="[^"]*">')
ARTICLE = re.compile(r"<article\b.*?</article>", re.S)


def _build(engine: str, out: Path) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, engine, "build", "--quiet", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},  # the same sitemap dates in both
    )
    assert done.returncode == 0, f"{engine} build failed:\n{done.stderr[-4000:]}"
    assert "Traceback" not in done.stderr
    modules = {m[0]: int(m[1]) for m in re.findall(r"MODULES-FROM (\w+) (\d+)", done.stderr)}
    assert set(modules) == {"mkdocs", "properdocs"}, done.stderr[-2000:]
    return modules


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, int], dict[str, int]]:
    root = tmp_path_factory.mktemp("engines")
    mk_modules = _build("mkdocs", root / "mkdocs")
    pd_modules = _build("properdocs", root / "properdocs")
    return root / "mkdocs", root / "properdocs", mk_modules, pd_modules


def _files(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()}


def test_each_engine_ran_its_own_code(sites: tuple[Path, Path, dict[str, int], dict[str, int]]) -> None:
    mk, pd, mk_modules, pd_modules = sites
    assert mk_modules["mkdocs"] > 20 and mk_modules["properdocs"] == 0
    assert pd_modules["properdocs"] > 20 and pd_modules["mkdocs"] == 0, pd_modules
    assert b"ProperDocs" in (pd / "index.html").read_bytes()
    assert b"ProperDocs" not in (mk / "index.html").read_bytes()


def test_same_product_pages(sites: tuple[Path, Path, dict[str, int], dict[str, int]]) -> None:
    mk, pd, _, _ = sites
    pages = sorted(p.relative_to(mk).as_posix() for p in mk.glob("products/*/index.html"))
    assert len(pages) == len(list((ROOT / "products").glob("*.yml"))) > 0
    for rel in pages:
        mine, theirs = (mk / rel).read_text(encoding="utf-8"), (pd / rel).read_text(encoding="utf-8")
        article = ARTICLE.findall(mine)
        assert len(article) == 1 and "<svg" in article[0], rel  # the story and the QR codes are there
        assert ARTICLE.findall(theirs) == article, f"{rel} differs between MkDocs and ProperDocs"


def test_same_data_files(sites: tuple[Path, Path, dict[str, int], dict[str, int]]) -> None:
    mk, pd, _, _ = sites
    data = [rel for rel in _files(mk) if rel.startswith(("data/", "ledgers/", "qr/", "schemas/"))
            and not rel.endswith(".html")]
    assert "data/products.json" in data
    assert any(rel.startswith("ledgers/") for rel in data) == any((ROOT / "ledgers").glob("*.csv"))
    for rel in data:
        assert (pd / rel).read_bytes() == (mk / rel).read_bytes(), f"{rel} differs between MkDocs and ProperDocs"


def test_same_site_but_the_generator_tag(sites: tuple[Path, Path, dict[str, int], dict[str, int]]) -> None:
    mk, pd, _, _ = sites
    mk_files, pd_files = _files(mk), _files(pd)
    assert sorted(mk_files) == sorted(pd_files)
    differ = [rel for rel, path in mk_files.items()
              if GENERATOR.sub(b"", path.read_bytes()) != GENERATOR.sub(b"", pd_files[rel].read_bytes())]
    assert differ == []


def test_build_py_switches_engine(tmp_path: Path) -> None:
    """`HARVEST_ENGINE=properdocs python build.py build`: the project's own commands on ProperDocs."""
    site = TinySite(tmp_path / "repo").with_basics()
    built = {}
    for engine in ("", "properdocs"):
        done = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "build", "--config-file", str(site.path / "mkdocs.yml"),
             "--site-dir", str(tmp_path / (engine or "mkdocs"))],
            capture_output=True, text=True, timeout=300,
            env={**os.environ, "HARVEST_ENGINE": engine, "SOURCE_DATE_EPOCH": "1700000000"},
        )
        assert done.returncode == 0, done.stderr
        built[engine or "mkdocs"] = tmp_path / (engine or "mkdocs")
    assert b"ProperDocs" in (built["properdocs"] / "index.html").read_bytes()
    assert b"ProperDocs" not in (built["mkdocs"] / "index.html").read_bytes()
    for rel in ("data/products.json", "products/test-orange/index.html"):
        mine, theirs = ((built[e] / rel).read_bytes() for e in ("mkdocs", "properdocs"))
        assert GENERATOR.sub(b"", mine) == GENERATOR.sub(b"", theirs), rel
