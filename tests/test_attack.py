"""The attack, end to end: an operator who holds the signing key rewrites a sealed donation,
re-seals, re-signs and rebuilds. Every line of defence catches it, one after the other."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.sitekit import ROOT, TinySite
from tests.test_signed_log import _rewrite, git, run
from tests.test_witness import cli, cosign_cmd, witnessed_site  # noqa: F401  (the fixture)

ORIGIN = "harvest.example.org/sub/ledgers/test-campaign"


def test_a_rewritten_sealed_donation_is_caught_at_every_step(witnessed_site: tuple[TinySite, Path]) -> None:  # noqa: F811
    site, tmp = witnessed_site
    (site.path / "ledgers/test-campaign.checkpoints").write_text("")
    assert run(site, "seal", "test-campaign", "--date", "2019-03-01").returncode == 0
    git(site.path, "init", "-q")
    git(site.path, "add", ".")
    git(site.path, "commit", "-qm", "sealed and published")
    for w in ("w1", "w2"):
        assert cosign_cmd(site, tmp, w, "--write-to", str(site.path)).returncode == 0
    git(site.path, "add", ".")
    git(site.path, "commit", "-qm", "cosigned")
    assert run(site, "build").returncode == 0
    live = tmp / "live"
    shutil.copytree(site.path / "site", live)
    monitor = ["monitor", str(site.path / "site"), "--state", str(tmp / "monitor")]
    assert cli(*monitor, cwd=tmp).returncode == 0

    # The operator edits sealed donation seq 2 and seals again.
    _rewrite(site)
    git(site.path, "commit", "-qam", "fix amount")
    # 1. The build refuses: the seals file lost the sealed head that git history holds.
    built = run(site, "build")
    assert built.returncode == 1 and "sealed heads only grow" in built.stderr

    # Forced past that: the operator rewrites the repository's history too.
    shutil.rmtree(site.path / ".git")
    git(site.path, "init", "-q")
    git(site.path, "add", ".")
    git(site.path, "commit", "-qm", "history rewritten")
    assert run(site, "build").returncode == 0
    # 2. The publish step refuses against the live site.
    publish = run(site, "build", "--previous-site", str(live))
    assert publish.returncode == 1 and "history was rewritten" in publish.stderr

    # Forced past that: deployed anyway. 3. The witnesses refuse to cosign, naming both heads.
    for w in ("w1", "w2"):
        done = cosign_cmd(site, tmp, w)
        assert done.returncode == 1 and "INCONSISTENT" in done.stderr and f"{ORIGIN} at size 6" in done.stderr
        assert done.stderr.count(f"{ORIGIN} at size 6, root ") == 2
    # 4. The monitor alarms.
    alarm = cli(*monitor, cwd=tmp)
    assert alarm.returncode == 1 and "ALARM" in alarm.stderr and "INCONSISTENT" in alarm.stderr
    # 5. The donor's receipt check on the new site says not witnessed (the old cosignatures no
    # longer hold and the build left them out).
    assert "\n— witness." not in (site.path / "site/ledgers/test-campaign/checkpoint").read_text()
    spec = tmp / "cases.json"
    spec.write_text(json.dumps([{"dir": str(site.path / "site/ledgers/test-campaign") + "/", "code": "R-0002",
                                 "status": "not-witnessed", "witnesses": 0}]))
    node = shutil.which("node") or "node"
    done = subprocess.run([node, str(ROOT / "tests/js/witness.test.mjs"), str(spec)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
