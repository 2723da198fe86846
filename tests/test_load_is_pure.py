"""Loading is pure: `load_site` starts no process of its own and writes no file, for the
example site and for a site whose ledger is large enough that publishing it forks a worker.
Only the build publishes (`harvest.publish.publisher`, started in the hook's `on_files`)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.config import load_config

from harvest.publish.publisher import FORK_BYTES
from harvest.site import Site, load_site
from tests.sitekit import ROOT, TinySite, large_ledger


def every_file(*folders: Path) -> set[str]:
    return {str(p) for folder in folders for p in folder.rglob("*")}


def loaded_purely(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, root: Path, **config: Any) -> Site:
    """`load_site(root, …)` with fork and multiprocessing refused and the temporary folder
    watched; git is the one program it may run (reading history: log, show)."""
    started: list[str] = []

    def no_fork(*args: object, **kwargs: object) -> int:
        started.append("os.fork")
        raise AssertionError("loading forked a process")

    def no_process(self: object) -> None:
        started.append("multiprocessing")
        raise AssertionError("loading started a process")

    real_popen = subprocess.Popen

    def only_git(args: Any, *rest: Any, **kwargs: Any) -> Any:
        if not (isinstance(args, list) and args[0] == "git" and {"log", "show"} & set(args)):
            started.append(f"subprocess {args!r}")
        return real_popen(args, *rest, **kwargs)

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setattr(multiprocessing.Process, "start", no_process)
    monkeypatch.setattr(subprocess, "Popen", only_git)
    before = every_file(root, temp)
    site, problems = load_site(root, **config)
    assert problems == []
    assert site is not None
    assert started == []
    assert every_file(root, temp) == before, "loading wrote files"
    return site


def test_loading_the_example_site_starts_nothing_and_writes_nothing(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    config = load_config(str(ROOT / "mkdocs.yml"))
    site = loaded_purely(monkeypatch, tmp_path, ROOT, docs_dir=Path(config.docs_dir), site_url=config.site_url,
                         extra=config.extra, config_file=ROOT / "mkdocs.yml",
                         theme_dir=Path(config.theme.custom_dir))
    assert site.books


def test_loading_a_large_ledger_starts_nothing_and_writes_nothing(monkeypatch: pytest.MonkeyPatch,
                                                                  tiny: TinySite) -> None:
    tiny.with_basics()
    ledger = large_ledger(10_000)
    assert len(ledger) > FORK_BYTES  # published by a worker process: loaded without one
    tiny.write("ledgers/test-campaign.csv", ledger)
    config = yaml.safe_load((tiny.path / "mkdocs.yml").read_text(encoding="utf-8"))
    site = loaded_purely(monkeypatch, tiny.path.parent, tiny.path, docs_dir=tiny.path / "content",
                         site_url=config["site_url"], extra=config["extra"])
    assert site.books["test-campaign"].figures.size == 10_000
