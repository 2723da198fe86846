"""Witnesses (keygen, cosign only what is consistent), cosignatures in the build, verify and the monitor."""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from harvest.proofs.checkpoint import checkpoint_body, parse_checkpoint
from harvest.proofs.cosignature import Policy, check_cosignatures, cosign, cosignature_time, witness_keygen
from tests.sitekit import ROOT, TinySite
from tests.test_signed_log import HEADER, KEYS, LOG_KEY, _rewrite, rows, run

ORIGIN = "harvest.example.org/sub/ledgers/test-campaign"
W1 = (KEYS / "witness.gongyi-partner.example.key").read_text().strip()
W2 = (KEYS / "witness.agri-university.example.key").read_text().strip()
EXAMPLE_TIME = 1551139200  # 2019-02-26 00:00 UTC, the day after the example ledgers' last entry
EXAMPLE_IDS = ("baojing-oranges-2019", "mountain-products-2019", "shanghe-flowers-2020", "wanrong-apples-2020")


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HARVEST_SIGNING_KEY"}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def test_cosignature_format_and_checks() -> None:
    signer, verifier = witness_keygen("witness.example.org")
    body = checkpoint_body("example.org/ledgers/x", 5, bytes(32))
    line = cosign(body, signer, 1700000000)
    assert line.startswith("— witness.example.org ")
    assert cosignature_time(line, body, verifier) == 1700000000
    other = checkpoint_body("example.org/ledgers/x", 6, bytes(32))
    with pytest.raises(ValueError, match="does not match"):
        cosignature_time(line, other, verifier)
    assert cosignature_time(line, body, witness_keygen("witness.example.org")[1]) is None  # another key
    seen = check_cosignatures([line, cosign(other, signer, 1), "— nobody AAAA"], body, Policy((verifier,), 1))
    assert seen.names() == ["witness.example.org"]
    assert len(seen.rejected) == 2
    assert "stale" in seen.rejected[0][1] and "not by any witness" in seen.rejected[1][1]


def test_keygen_writes_a_private_key(tmp_path: Path) -> None:
    done = cli("witness", "keygen", "witness.example.edu", "--out", str(tmp_path / "w.key"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "w.key").stat().st_mode) == 0o600
    verifier = done.stdout.strip().splitlines()[-1]
    assert verifier.startswith("witness.example.edu+") and (tmp_path / "w.key").read_text().startswith("PRIVATE+KEY+")
    again = cli("witness", "keygen", "witness.example.edu", "--out", str(tmp_path / "w.key"), cwd=tmp_path)
    assert again.returncode == 1 and "never overwritten" in again.stderr


@pytest.fixture
def witnessed_site(tiny: TinySite, tmp_path: Path) -> tuple[TinySite, Path]:
    tiny.with_basics()
    config = (tiny.path / "mkdocs.yml").read_text()
    keys = [line for line in (ROOT / "mkdocs.yml").read_text().splitlines() if "+" in line and "witness." in line]
    tiny.write("mkdocs.yml", config + "  witnesses:\n    quorum: 2\n    keys:\n" + "\n".join(keys) + "\n")
    tiny.write("ledgers/test-campaign.csv", HEADER + "".join(rows(6)))
    assert run(tiny, "build").returncode == 0
    (tmp_path / "w1.key").write_text(W1)
    (tmp_path / "w2.key").write_text(W2)
    return tiny, tmp_path


def cosign_cmd(site: TinySite, tmp: Path, witness: str, *more: str) -> subprocess.CompletedProcess[str]:
    return cli("witness", "cosign", str(site.path / "site"), "--key", str(tmp / f"{witness}.key"),
               "--state", str(tmp / f"{witness}-state"), *more, cwd=tmp)


def test_two_witnesses_cosign_and_the_build_attaches_them(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    page = site.read("ledgers/test-campaign/index.html")
    assert "还没有见证方为账本现在的样子联署（要求 2 个）" in page
    for w in ("w1", "w2"):
        done = cosign_cmd(site, tmp, w, "--write-to", str(site.path))
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("ledgers/test-campaign.cosignatures: — witness.")
    assert len((site.path / "ledgers/test-campaign.cosignatures").read_text().splitlines()) == 2
    done = run(site, "build")
    assert done.returncode == 0 and "cosignature" not in done.stderr, done.stderr
    note = site.read("ledgers/test-campaign/checkpoint")
    assert note.count("\n— witness.") == 2 and note.count("\n— harvest.example.org/sub/ledgers/test-campaign ") == 1
    page = site.read("ledgers/test-campaign/index.html")
    assert "witness.gongyi-partner.example" in page and "witness.agri-university.example" in page
    # Appending makes the cosignatures stale: the build leaves them out and says so.
    site.write("ledgers/test-campaign.csv", HEADER + "".join(rows(8)))
    done = run(site, "build")
    assert done.returncode == 0 and done.stderr.count("stale") == 2, done.stderr
    assert "\n— witness." not in site.read("ledgers/test-campaign/checkpoint")
    # The witnesses cosign the grown head: it is consistent with what they cosigned before.
    assert cosign_cmd(site, tmp, "w1").returncode == 0


def test_witness_refuses_a_rewritten_history(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    assert cosign_cmd(site, tmp, "w1").returncode == 0
    state = (tmp / "w1-state" / "heads.json").read_text()
    _rewrite(site)
    assert run(site, "build").returncode == 0  # not in git, no live site: only the witness can tell
    done = cosign_cmd(site, tmp, "w1")
    assert done.returncode == 1 and done.stdout == ""
    assert "INCONSISTENT" in done.stderr and "harvest.example.org/sub/ledgers/test-campaign at size 6" in done.stderr
    old = parse_checkpoint(site.read("ledgers/test-campaign/checkpoint"))
    assert old.root.hex()[:16] in done.stderr  # the new head is named too
    assert (tmp / "w1-state" / "heads.json").read_text() == state  # nothing recorded


def test_witness_refuses_a_changed_log_key(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    assert cosign_cmd(site, tmp, "w1").returncode == 0
    from harvest.proofs.checkpoint import generate_signer

    other = generate_signer("harvest.example.org")[0]
    assert run(site, "build", key=other).returncode == 0
    done = cosign_cmd(site, tmp, "w1")
    assert done.returncode == 1 and "was first seen with" in done.stderr


def test_witness_refuses_an_unsigned_site(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    assert run(site, "build", key=None).returncode == 0
    done = cosign_cmd(site, tmp, "w1")
    assert done.returncode == 1 and "unsigned preview" in done.stderr


def example_cosignatures(tmp_path: Path) -> dict[str, str]:
    """The example site, signed with the fixture log key, cosigned by both fixture witnesses."""
    repo = tmp_path / "example"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".git", ".venv", "site", "node_modules", "*.cosignatures"))
    env = {**os.environ, "HARVEST_SIGNING_KEY": LOG_KEY}
    built = subprocess.run([sys.executable, str(repo / "build.py"), "build", "-d", str(tmp_path / "site")],
                           capture_output=True, text=True, cwd=repo, env=env, timeout=600)
    assert built.returncode == 0, built.stderr
    for i, key in enumerate((W1, W2)):
        (tmp_path / f"w{i}.key").write_text(key)
        done = cli("witness", "cosign", str(tmp_path / "site"), "--key", str(tmp_path / f"w{i}.key"), "--state",
                   str(tmp_path / f"state{i}"), "--write-to", str(repo), "--time", str(EXAMPLE_TIME), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    return {lid: (repo / "ledgers" / f"{lid}.cosignatures").read_text() for lid in EXAMPLE_IDS}


def test_example_cosignatures_are_current(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The committed ledgers/<id>.cosignatures are what the two fixture witnesses give the
    example site now; `pytest --update-goldens` writes them again after the ledgers change."""
    made = example_cosignatures(tmp_path)
    for lid, text in made.items():
        path = ROOT / "ledgers" / f"{lid}.cosignatures"
        if request.config.getoption("--update-goldens"):
            path.write_text(text, encoding="utf-8")
        assert path.is_file() and path.read_text() == text, f"{path.name} is stale: run pytest --update-goldens"
    # The committed cosignatures verify in a local build without a key (an unsigned preview).
    repo = tmp_path / "example"
    env = {k: v for k, v in os.environ.items() if k != "HARVEST_SIGNING_KEY"}
    built = subprocess.run([sys.executable, str(repo / "build.py"), "build", "-d", str(tmp_path / "preview")],
                           capture_output=True, text=True, cwd=repo, env=env, timeout=600)
    assert built.returncode == 0 and "cosignature" not in built.stderr, built.stderr
    for lid in EXAMPLE_IDS:
        note = (tmp_path / "preview" / "ledgers" / lid / "checkpoint").read_text()
        assert "unsigned preview" in note and note.count("\n— witness.") == 2
        page = (tmp_path / "preview" / "ledgers" / lid / "index.html").read_text()
        assert "未签名预览" in page and "witness.gongyi-partner.example" in page and "witness.agri-university.example" in page


def test_verify_checks_published_keys_and_witnesses(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    built = str(site.path / "site")
    unwitnessed = cli("verify", built, cwd=tmp)
    assert unwitnessed.returncode == 1 and "only 0 of the 2 witness cosignatures" in unwitnessed.stderr
    assert cli("verify", built, "--quorum", "0", cwd=tmp).returncode == 0
    for w in ("w1", "w2"):
        assert cosign_cmd(site, tmp, w, "--write-to", str(site.path)).returncode == 0
    assert run(site, "build").returncode == 0
    good = cli("verify", built, cwd=tmp)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "cosigned by 2 witnesses" in good.stdout and "signature by harvest.example.org/sub/ledgers/" in good.stdout
    note = site.path / "site/ledgers/test-campaign/checkpoint"
    text = note.read_text()
    sig = text.split("\n— harvest.example.org/sub/ledgers/test-campaign ")[1][:10]
    note.write_text(text.replace(sig, sig[:-2] + ("AA" if sig[-2:] != "AA" else "BB"), 1))
    corrupted = cli("verify", built, cwd=tmp)
    assert corrupted.returncode == 1 and "(unsigned check)" not in corrupted.stdout
    assert cli("verify", built, "--quorum", "0", cwd=tmp).returncode == 1  # whatever the quorum
    assert run(site, "build", key=None).returncode == 0
    preview = cli("verify", built, cwd=tmp)
    assert preview.returncode == 1 and "unsigned" in preview.stderr
    assert cli("verify", built, "--allow-unsigned", cwd=tmp).returncode == 0  # cosigned body, unsigned note


# The monitor ----------------------------------------------------------------------------------------



def monitor(site: TinySite, tmp: Path) -> tuple[int, str, str]:
    done = cli("monitor", str(site.path / "site"), "--state", str(tmp / "monitor"), cwd=tmp)
    return done.returncode, done.stdout, done.stderr


def test_monitor_audits_and_tells_what_was_appended(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    code, out, err = monitor(site, tmp)
    assert code == 0, err
    assert f"{ORIGIN} at size 6" in out and "all 6 entries match the signed root" in out
    assert "appended 6 entries (first audit) seq 1–6: donation +21.00 CNY (6)" in out
    assert "only 0 of 2 witnesses cosigned this head" in out
    site.write("ledgers/test-campaign.csv", HEADER + "".join(rows(8)))
    assert run(site, "build").returncode == 0
    code, out, err = monitor(site, tmp)
    assert code == 0, err
    assert "appended 2 entries (since size 6) seq 7–8: donation +15.00 CNY (2)" in out


def test_monitor_alarms_on_a_rewrite(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    assert monitor(site, tmp)[0] == 0
    state = (tmp / "monitor" / "heads.json").read_text()
    _rewrite(site)
    assert run(site, "build").returncode == 0
    code, _, err = monitor(site, tmp)
    assert code == 1 and "ALARM" in err and "INCONSISTENT" in err and f"{ORIGIN} at size 6" in err
    assert (tmp / "monitor" / "heads.json").read_text() == state  # the last good head is kept


def test_monitor_alarms_on_a_bad_signature_or_entries_that_do_not_match(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    assert monitor(site, tmp)[0] == 0
    folder = site.path / "site" / "ledgers" / "test-campaign"
    bundle = folder / "tile/entries/000.p/6"
    good = bundle.read_bytes()
    bundle.write_bytes(good.replace(b"6.00", b"9.00"))
    code, _, err = monitor(site, tmp)
    assert code == 1 and "ALARM" in err and "do not hash to the checkpoint's root" in err
    bundle.write_bytes(good)
    note = folder / "checkpoint"
    text = note.read_text()
    sig = text.split(f"\n— {ORIGIN} ")[1]
    note.write_text(text.replace(sig, ("B" if sig[0] != "B" else "C") + sig[1:]))
    code, _, err = monitor(site, tmp)
    assert code == 1 and "ALARM" in err and "bad signature" in err


# The donor's check in the browser's script (run in Node) -------------------------------------


def snapshot(site: TinySite, tmp: Path, name: str) -> str:
    target = tmp / "snapshots" / name
    shutil.copytree(site.path / "site" / "ledgers", target)
    return f"{target}/test-campaign/"


def test_receipt_check_counts_signature_and_witnesses(witnessed_site: tuple[TinySite, Path]) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (v18 or later; CI installs nodejs) is needed to test theme/assets/javascripts/receipt.js")
    site, tmp = witnessed_site
    cases = [{"dir": snapshot(site, tmp, "signed"), "code": "R-0002", "status": "not-witnessed", "witnesses": 0}]
    for w in ("w1", "w2"):
        assert cosign_cmd(site, tmp, w, "--write-to", str(site.path)).returncode == 0
        assert run(site, "build").returncode == 0
        status = "verified" if w == "w2" else "not-witnessed"
        cases.append({"dir": snapshot(site, tmp, w), "code": "R-0002", "status": status, "witnesses": 1 + (w == "w2")})
    forged = tmp / "snapshots" / "w2" / "test-campaign" / "checkpoint"
    bad = tmp / "snapshots" / "bad-signature"
    shutil.copytree(tmp / "snapshots" / "w2", bad)
    text = forged.read_text()
    sig = text.split(f"\n— {ORIGIN} ")[1]
    (bad / "test-campaign/checkpoint").write_text(text.replace(sig, ("B" if sig[0] != "B" else "C") + sig[1:]))
    cases.append({"dir": f"{bad}/test-campaign/", "code": "R-0002", "status": "not-verified", "witnesses": 2})
    assert run(site, "build", key=None).returncode == 0
    cases.append({"dir": snapshot(site, tmp, "unsigned"), "code": "R-0002", "status": "unsigned", "witnesses": 0})
    # The attack, last step: the operator rewrote and re-signed; the witnesses' cosignatures
    # no longer hold, so the donor's check says "not yet witnessed", never "verified".
    _rewrite(site)
    assert run(site, "build").returncode == 0
    cases.append({"dir": snapshot(site, tmp, "rewritten"), "code": "R-0002", "status": "not-witnessed", "witnesses": 0})
    spec = tmp / "cases.json"
    spec.write_text(json.dumps(cases))
    done = subprocess.run([node, str(ROOT / "tests/js/witness.test.mjs"), str(spec)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    assert done.stdout.startswith(f"ok {2 * len(cases)} checks")


# Workflows --------------------------------------------------------------------------------------


def test_the_witness_example_workflow_is_valid_and_cosigns() -> None:
    from tests.test_workflows import validate

    workflow = ROOT / "examples/witness/.github/workflows/cosign.yml"
    done = validate(workflow)
    assert done.returncode == 0, done.stdout + done.stderr
    text = workflow.read_text()
    assert "schedule:" in text and "python tools/build.py witness cosign" in text
    assert "--state" in text and "--write-to site-repo" in text and "git add state" in text
    assert "umask 077" in text and "secrets.WITNESS_KEY" in text


def test_publish_is_signed_and_checked_against_the_live_site() -> None:
    text = (ROOT / ".github/workflows/publish.yml").read_text()
    assert 'if [ -z "$HARVEST_SIGNING_KEY" ]; then' in text and "exit 1" in text
    assert 'python build.py build --previous-site "$live"' in text


def test_a_missing_tile_is_told_as_missing_not_as_a_rewrite(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    assert cosign_cmd(site, tmp, "w1").returncode == 0
    site.write("ledgers/test-campaign.csv", HEADER + "".join(rows(9)))
    assert run(site, "build").returncode == 0
    (site.path / "site/ledgers/test-campaign/tile/0/000.p/9").unlink()
    done = cosign_cmd(site, tmp, "w1")
    assert done.returncode == 1 and "tile/0/000.p/9 is missing" in done.stderr and "INCONSISTENT" not in done.stderr


def test_a_broken_state_is_said_plainly(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    (tmp / "w1-state").mkdir()
    for text in ("[]", '{"x": {"size": 3}}', "{not json"):
        (tmp / "w1-state" / "heads.json").write_text(text)
        done = cosign_cmd(site, tmp, "w1")
        assert done.returncode == 1 and "is broken" in done.stderr and "Traceback" not in done.stderr


def test_hostile_cosignature_files_are_left_out_and_said(witnessed_site: tuple[TinySite, Path]) -> None:
    site, _ = witnessed_site
    path = site.path / "ledgers/test-campaign.cosignatures"
    path.write_text("— witness.gongyi-partner.example AAAA\n<script>alert(1)</script>\n")
    done = run(site, "build")
    assert done.returncode == 0 and done.stderr.count("left out the cosignature") == 2, done.stderr
    assert "alert(1)" not in site.read("ledgers/test-campaign/index.html")
    path.write_text("— x y\n" * 20_000)
    done = run(site, "build")
    assert done.returncode == 0 and "larger than 64 KB" in done.stderr, done.stderr


def test_a_hostile_listing_writes_nothing_outside_the_site_repository(witnessed_site: tuple[TinySite, Path]) -> None:
    site, tmp = witnessed_site
    listing = site.path / "site/ledgers/logs.json"
    data = json.loads(listing.read_text())
    data["logs"][0]["id"] = "../../../escaped"
    listing.write_text(json.dumps(data))
    done = cosign_cmd(site, tmp, "w1", "--write-to", str(site.path))
    assert done.returncode == 1 and "is not allowed" in done.stderr
    assert not list(tmp.rglob("escaped*"))


def test_the_preview_says_nothing_of_cosignatures_made_for_the_published_address(
        witnessed_site: tuple[TinySite, Path], caplog: pytest.LogCaptureFixture) -> None:
    """`serve` gives the site the preview's address, so no cosignature fits its ledgers' origins:
    warning about each would only alarm the editor."""
    import dataclasses

    from harvest.proofs import published
    from tests.test_ledger_pages import load

    site, _ = witnessed_site
    (site.path / "ledgers/test-campaign.cosignatures").write_text("— witness.gongyi-partner.example AAAA\n")
    loaded = load(site)
    book = loaded.books["test-campaign"]
    with caplog.at_level(logging.WARNING):
        published.log_files(dataclasses.replace(loaded, preview=True), "test-campaign", book)
    assert "left out the cosignature" not in caplog.text
    with caplog.at_level(logging.WARNING):
        published.log_files(loaded, "test-campaign", book)
    assert "left out the cosignature" in caplog.text
