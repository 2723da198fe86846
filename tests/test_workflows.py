"""The GitHub Actions workflows: valid by GitHub's schema (checked offline), and doing what they should.

`check-jsonschema --builtin-schema vendor.github-workflows` carries the schema inside the
package, so it needs no network; the run is made without network when the machine allows it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from tests.sitekit import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
CHECK_JSONSCHEMA = ROOT / ".venv" / "bin" / "check-jsonschema"


def _offline() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        return [unshare, "-rn"]
    return []


def validate(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_offline(), str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )


def load(name: str) -> dict[Any, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict[Any, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def uses(workflow: dict[Any, Any]) -> dict[str, dict[str, Any]]:
    return {step["uses"].split("@")[0]: step for step in steps(workflow) if "uses" in step}


def test_every_workflow_is_valid_offline() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["publish.yml", "pull-request.yml"]
    done = validate(*files)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_validator_refuses_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8").replace("runs-on:", "runs_on:", 1)
    broken.write_text(text, encoding="utf-8")
    done = validate(broken)
    assert done.returncode == 1
    assert "runs_on" in done.stdout


def test_pull_request_checks_builds_and_posts_the_change_report() -> None:
    wf = load("pull-request.yml")
    assert "pull_request" in wf["on"]
    assert wf["permissions"] == {"contents": "read", "pull-requests": "write"}
    used = uses(wf)
    assert used["actions/checkout"]["with"]["fetch-depth"] == 0  # the base branch must be there to compare
    assert used["actions/setup-python"]["with"]["python-version"] == "3.11"
    script = runs(wf)
    assert "python build.py check" in script
    assert "python build.py build" in script
    assert 'python build.py diff "origin/$BASE_REF" --output change-report.md' in script
    report_step = next(s for s in steps(wf) if "build.py diff" in s.get("run", ""))
    assert report_step["env"]["BASE_REF"] == "${{ github.base_ref }}"  # no ${{ }} inside the shell script
    comment = used["actions/github-script"]["with"]["script"]
    assert 'readFileSync("change-report.md"' in comment and "createComment" in comment
    assert ".ci/run" in script  # the whole test suite, as make test


def test_main_branch_builds_and_deploys_to_pages() -> None:
    wf = load("publish.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    used = uses(wf)
    assert used["actions/checkout"]["with"]["fetch-depth"] == 0
    assert used["actions/setup-python"]["with"]["python-version"] == "3.11"
    assert set(used) >= {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"}
    assert used["actions/upload-pages-artifact"]["with"]["path"] == "site"
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert "python build.py check" in runs(wf) and "python build.py build" in runs(wf)


@pytest.mark.parametrize("name", ["publish.yml", "pull-request.yml"])
def test_the_build_cache_is_restored_before_the_build_and_keyed_by_the_lock_files(name: str) -> None:
    wf = load(name)
    order = steps(wf)
    cache = uses(wf)["actions/cache"]
    assert cache["with"]["path"] == ".cache/harvest"
    for lock in ("requirements.txt", "requirements-dev.txt"):
        assert lock in cache["with"]["key"] and lock in cache["with"]["restore-keys"]
    assert "github.sha" in cache["with"]["key"]  # each run saves what it made; the next restores the newest
    build = next(s for s in order if "build.py build" in s.get("run", ""))
    assert order.index(cache) < order.index(build)


@pytest.mark.parametrize("name", ["publish.yml", "pull-request.yml"])
def test_actions_are_pinned_and_commands_exist(name: str) -> None:
    from harvest import cli as build

    wf = load(name)
    for action in (s["uses"] for s in steps(wf) if "uses" in s):
        assert "@v" in action, f"{action} is not pinned to a major version"
    commands = set(build.cli.commands)
    for line in runs(wf).splitlines():
        if "build.py " in line:
            command = line.split("build.py ", 1)[1].split()[0]
            assert command in commands, f"{name} runs build.py {command}, which does not exist"
    assert isinstance(build.cli, click.Group)


def test_build_py_outside_the_virtual_environment_says_how_to_run_it() -> None:
    """Run with a Python that has none of the project's libraries (-S: no site-packages)."""
    import sys

    done = subprocess.run([sys.executable, "-S", "build.py", "check"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "make site" in done.stderr and ".venv/bin/python build.py" in done.stderr
