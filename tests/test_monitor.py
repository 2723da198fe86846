"""The monitor: a full audit of every ledger, what was appended, alarms on rewrites and bad signatures."""

from __future__ import annotations

from pathlib import Path

from tests.sitekit import TinySite
from tests.test_signed_log import HEADER, _rewrite, rows, run
from tests.test_witness import cli, witnessed_site  # noqa: F401  (the fixture)

ORIGIN = "harvest.example.org/sub/ledgers/test-campaign"


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
