"""The READMEs for editors (README.md in Chinese, README.en.md in English): every `build.py`
command and option they show exists in the CLI, every `make` target in the Makefile, every
relative link and repository path they name exists, and each links to the other at the top."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import click
import pytest

from harvest import cli as build
from tests.test_example_site import _LEFT_OUT as LEFT_OUT  # the search index: MkDocs' own

ROOT = Path(__file__).resolve().parents[1]
READMES = ("README.md", "README.en.md")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
SPAN = re.compile(r"`([^`\n]+)`")
# What an editor follows from `make site` to a sealed, imported ledger, and the forms and keys.
WALKTHROUGH = {"new", "check", "build", "serve", "import", "seal", "diff", "verify", "proof", "edit", "keygen"}
# Paths the text names that are not in the repository on purpose: what the walkthrough's
# `build.py new product yuping-honey` writes, pages it shows as refused or as a name to choose,
# and what `make site` makes.
NOT_YET = ("yuping-honey",)
NAMED_AS_EXAMPLES = {"content/go.md", "content/products/index.md", "content/about.md", "site/", ".venv/", ".venv/bin/"}


def text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def code(readme: str) -> list[str]:
    """The lines of every fenced code block, then every inline code span outside them."""
    blocks = FENCE.findall(readme)
    prose = FENCE.sub("", readme)
    return [line for block in blocks for line in block.splitlines()] + SPAN.findall(prose)


def invocations(readme: str) -> list[list[str]]:
    """Each `build.py …` the README shows, as its words after build.py (up to a comment)."""
    found = []
    for line in code(readme):
        for match in re.finditer(r"build\.py((?:\s+[^\s#;|]+)*)", line):
            found.append(shlex.split(match.group(1), posix=False))
    return found


def resolve(words: list[str]) -> tuple[list[str], click.Command, list[str]]:
    """The command path a `build.py` call names, the click command, and the words left."""
    command: click.Command = build.cli
    path: list[str] = []
    while words and isinstance(command, click.Group) and words[0] in command.commands:
        path.append(words[0])
        command = command.commands[words[0]]
        words = words[1:]
    return path, command, words


def options(command: click.Command) -> set[str]:
    names = {"--help", "-h"}
    for param in command.params:
        if isinstance(param, click.Option):
            names.update(param.opts)
            names.update(param.secondary_opts)
    return names


def every_option() -> set[str]:
    found = set()

    def walk(command: click.Command) -> None:
        found.update(options(command))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(build.cli)
    return found


@pytest.mark.parametrize("name", READMES)
def test_every_build_py_command_and_option_shown_exists(name: str) -> None:
    readme = text(name)
    shown: set[str] = set()
    for words in invocations(readme):
        path, command, rest = resolve(words)
        if not path:  # `build.py --help`, or a placeholder such as `build.py 命令` / `build.py …`
            assert rest in ([], ["--help"]) or not re.fullmatch(r"[a-z][a-z-]*", rest[0]), \
                f"{name} shows `build.py {' '.join(words)}`: no such command"
            continue
        shown.add(path[0])
        assert not isinstance(command, click.Group), f"{name} shows `build.py {' '.join(path)}` without its subcommand"
        for word in rest:
            if word.startswith("-"):
                option = word.split("=", 1)[0]
                assert option in options(command), f"{name}: `build.py {' '.join(path)}` has no option {option}"
    assert WALKTHROUGH <= shown, f"{name} never shows build.py {sorted(WALKTHROUGH - shown)}"
    # An option named on its own in the text (`--allow-unsigned`) belongs to some command.
    alone = {o for span in SPAN.findall(FENCE.sub("", readme)) for o in re.findall(r"(?<![\w-])--[a-z][a-z-]*", span)}
    assert alone <= every_option(), f"{name} names options no command has: {sorted(alone - every_option())}"


@pytest.mark.parametrize("name", READMES)
def test_every_make_target_shown_exists(name: str) -> None:
    targets = set(re.findall(r"^([a-z]+):", text("Makefile"), re.M))
    made = {m for line in code(text(name)) for m in re.findall(r"(?:^|[\s;(])make ([a-z]+)", line)}
    assert {"site", "serve"} <= made <= targets, (made, targets)


def test_each_readme_links_to_the_other_at_the_top() -> None:
    zh, en = (text(n).splitlines()[:5] for n in READMES)
    assert any("](README.en.md)" in line for line in zh), zh
    assert any("](README.md)" in line for line in en), en


def _published() -> set[str]:
    """Every file the example site publishes, and each folder they are in (from the goldens)."""
    files = json.loads((ROOT / "tests/golden/example-site.json").read_text(encoding="utf-8"))
    return set(files) | set(LEFT_OUT) | {"/".join(f.split("/")[:i]) + "/" for f in files for i in range(1, f.count("/") + 1)}


@pytest.mark.parametrize("name", READMES)
def test_every_relative_link_and_path_named_exists(name: str) -> None:
    readme = text(name)
    prose = SPAN.sub("", FENCE.sub("", readme))
    links = [t for t in re.findall(r"\]\(([^)\s]+)\)", prose) if not re.match(r"[a-z]+:|#", t)]
    assert links, name
    for link in links:
        assert (ROOT / link).exists(), f"{name} links to {link}, which is not in the repository"
    published = _published()
    paths = [s for s in SPAN.findall(FENCE.sub("", readme))
             if re.fullmatch(r"\.?[\w.-]+/[\w./-]*", s) and not re.fullmatch(r"[\d/]+", s)]  # not 2019/2/27
    assert len(paths) > 20, paths
    for path in paths:
        if any(n in path for n in NOT_YET) or path in NAMED_AS_EXAMPLES or path.split("/")[0] in ("origin",):
            continue
        assert (ROOT / path).exists() or path in published, f"{name} names {path}: not in the repository nor published"


def test_the_readmes_anchors_lead_somewhere() -> None:
    """Links inside the page (#…) name a heading, as GitHub makes their anchors."""
    for name in READMES:
        readme = text(name)
        heads = set()
        for title in re.findall(r"^#+ (.+)$", FENCE.sub("", readme), re.M):
            slug = re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
            heads.add(slug)
        for anchor in re.findall(r"\]\(#([^)]+)\)", readme):
            assert anchor in heads, f"{name}: #{anchor} names no heading ({sorted(heads)})"
