"""The package's shape (ARCHITECTURE.md): imports point down the pipeline, no import cycle.

The pipeline, bottom first: the package root (`harvest/__init__.py`, `problems.py`,
`vocabulary.py`) → load/ → ledger/ → proofs/ → site.py → render/ → publish/ → commands/ →
hook.py and cli.py. A module may import from its own layer and the layers before it, never
after: imports inside functions count too (they only hide a cycle).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "harvest"
LAYERS = ["", "load", "ledger", "proofs", "site", "render", "publish", "commands", "hook|cli"]
ROOT_MODULES = {"problems", "vocabulary", "i18n"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    top = "" if top in ROOT_MODULES else top
    return next(i for i, names in enumerate(LAYERS) if top in names.split("|"))


def imports(path: Path, known: set[str]) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of a harvest module in `path`, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.split(".")[0] == "harvest":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield node.lineno, sub if sub in known else node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "harvest":
                    yield node.lineno, alias.name


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {m: {t for _, t in imports(p, set(files))} - {m} for m, p in files.items()}


def test_no_relative_imports() -> None:
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            assert not (isinstance(node, ast.ImportFrom) and node.level), f"{path}:{node.lineno} imports relatively"


def test_imports_point_down_the_pipeline() -> None:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    up = [f"{files[m].relative_to(PACKAGE.parent)}:{line} imports {target}"
          for m, path in files.items() for line, target in imports(path, set(files))
          if target in files and layer(target) > layer(m)]
    assert up == [], "imports that point back up the pipeline:\n" + "\n".join(up)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize(("module", "expected"), [("harvest.load.inputs", 1), ("harvest.vocabulary", 0),
                                                  ("harvest.site", 4), ("harvest.cli", 8), ("harvest", 0)])
def test_layers(module: str, expected: int) -> None:
    assert layer(module) == expected
