"""The pre-commit hook runs `build.py check` on changed records and ledgers, offline.

Each test makes a git repository in a temporary folder holding a tiny site, this project's
`build.py` and `.pre-commit-config.yaml` (with `hooks/`, `harvest/` and `.venv` linked), and runs the real
`pre-commit run --files …` in it, without network when the machine allows (`unshare -rn`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.sitekit import ROOT, TinySite

PRE_COMMIT = ROOT / ".venv" / "bin" / "pre-commit"


def _offline() -> list[str]:
    """A command prefix that cuts the network off, when this machine lets us."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


OFFLINE = _offline()


@pytest.fixture
def repo(tmp_path: Path) -> TinySite:
    site = TinySite(tmp_path / "repo").with_basics()
    shutil.copy(ROOT / "build.py", site.path / "build.py")
    shutil.copy(ROOT / ".pre-commit-config.yaml", site.path / ".pre-commit-config.yaml")
    shutil.copytree(ROOT / "schemas", site.path / "schemas")
    (site.path / "hooks").symlink_to(ROOT / "hooks")
    (site.path / "harvest").symlink_to(ROOT / "harvest")
    (site.path / ".venv").symlink_to(ROOT / ".venv")
    # build.py reads mkdocs.yml beside itself by default, as in a real site repository.
    env = {**os.environ, "GIT_AUTHOR_NAME": "E", "GIT_AUTHOR_EMAIL": "e@example.org",
           "GIT_COMMITTER_NAME": "E", "GIT_COMMITTER_EMAIL": "e@example.org"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "site"]):
        subprocess.run(["git", *args], cwd=site.path, check=True, capture_output=True, env=env)
    return site


def run_hooks(site: TinySite, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(site.path.parent / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [*OFFLINE, str(PRE_COMMIT), "run", "--color", "never", "--files", *files],
        cwd=site.path, capture_output=True, text=True, env=env, timeout=300,
    )


def test_config_and_manifest_are_valid() -> None:
    for command, file in (("validate-config", ".pre-commit-config.yaml"), ("validate-manifest", ".pre-commit-hooks.yaml")):
        done = subprocess.run([str(PRE_COMMIT), command, str(ROOT / file)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_good_records_pass(repo: TinySite) -> None:
    done = run_hooks(repo, "products/test-orange.yml", "campaigns/test-campaign.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Check records, stories and ledgers (build.py check)" in done.stdout
    assert "Passed" in done.stdout


def test_a_bad_record_stops_the_commit(repo: TinySite) -> None:
    text = (repo.path / "products" / "test-orange.yml").read_text(encoding="utf-8")
    repo.write("products/test-orange.yml", text.replace("producer: 测试合作社\n", ""))
    done = run_hooks(repo, "products/test-orange.yml")
    assert done.returncode == 1
    assert "Failed" in done.stdout
    assert 'products/test-orange.yml, line 1: field "producer"' in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_bad_ledger_stops_the_commit(repo: TinySite) -> None:
    header = "seq,date,type,product,channel,quantity,unit,orders,amount,currency,party,reference,note\n"
    repo.write("ledgers/test-campaign.csv", header + "1,2019-02-30,donation,,,,,,100.00,CNY,匿名,R-1,\n")
    done = run_hooks(repo, "ledgers/test-campaign.csv")
    assert done.returncode == 1
    assert "ledgers/test-campaign.csv, line 2" in done.stdout


def test_other_files_do_not_run_the_check(repo: TinySite) -> None:
    repo.write("products/test-orange.yml", "name: [broken\n")
    repo.write("notes.txt", "not part of the site\n")
    done = run_hooks(repo, "notes.txt")
    assert done.returncode == 0, done.stdout
    assert "(no files to check)Skipped" in done.stdout.replace(".", "")


def test_stale_schemas_are_caught(repo: TinySite) -> None:
    (repo.path / "schemas" / "product.schema.json").write_text("{}\n", encoding="utf-8")
    done = run_hooks(repo, "schemas/product.schema.json")
    assert done.returncode == 1
    assert "Out of date: schemas/product.schema.json" in done.stdout


def test_a_page_at_a_generated_path_stops_the_commit(repo: TinySite) -> None:
    repo.write("content/go/test-orange/jd/index.md", '<meta http-equiv="refresh" content="0; url=https://evil.example/">\n')
    done = run_hooks(repo, "content/go/test-orange/jd/index.md")
    assert done.returncode == 1, done.stdout
    assert "content/go/test-orange/jd/index.md" in done.stdout
    assert "products/test-orange.yml" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_linked_picture_stops_the_commit(repo: TinySite) -> None:
    (repo.path / "content" / "images").mkdir(exist_ok=True)
    (repo.path / "content" / "images" / "leak.jpg").symlink_to("/etc/passwd")
    done = run_hooks(repo, "content/images/leak.jpg")
    assert done.returncode == 1, done.stdout
    assert 'content/images/leak.jpg:' in done.stdout and 'a link to "/etc/passwd"' in done.stdout
