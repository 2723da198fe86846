"""A witnessed tiny site in headless Chromium: the donor's receipt check says "verified" only
with the log's signature and the quorum of witness cosignatures; "included, but not yet
witnessed" below it (and after the operator rewrote history); the same with the vendored
@noble/ed25519 when the browser's WebCrypto has no Ed25519."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import serving
from tests.browser.test_tiny_site import _check
from tests.sitekit import ROOT, TinySite
from tests.test_signed_log import HEADER, KEYS, _rewrite, rows, run
from tests.test_witness import cli

NO_WEBCRYPTO_ED25519 = """
(() => {
  const importKey = crypto.subtle.importKey.bind(crypto.subtle);
  crypto.subtle.importKey = (format, data, algorithm, ...rest) => {
    const name = typeof algorithm === "string" ? algorithm : algorithm && algorithm.name;
    if (name === "Ed25519") return Promise.reject(new DOMException("Unrecognized name", "NotSupportedError"));
    return importKey(format, data, algorithm, ...rest);
  };
})();
"""


@pytest.fixture(scope="module")
def witnessed(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[tuple[TinySite, Path, str]]:
    tmp = tmp_path_factory.mktemp("witnessed")
    site = TinySite(tmp / "repo").with_basics()
    keys = [line for line in (ROOT / "mkdocs.yml").read_text().splitlines() if "+" in line and "witness." in line]
    config = (site.path / "mkdocs.yml").read_text()
    site.write("mkdocs.yml", config + "  witnesses:\n    quorum: 2\n    keys:\n" + "\n".join(keys) + "\n")
    site.write("ledgers/test-campaign.csv", HEADER + "".join(rows(6)))
    assert run(site, "build").returncode == 0
    served = tmp / "served"
    shutil.copytree(site.path / "site", served)
    with serving(served) as base:
        yield site, served, base


def publish(site: TinySite, served: Path) -> None:
    assert run(site, "build").returncode == 0
    shutil.rmtree(served / "ledgers")
    shutil.copytree(site.path / "site" / "ledgers", served / "ledgers")


class _Ed25519Less:
    """A browser context whose WebCrypto has no Ed25519 (as many phones' in-app browsers)."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 390, "height": 844})
        self.context.add_init_script(NO_WEBCRYPTO_ED25519)

    def new_page(self, **kwargs: Any) -> Any:
        return self.context.new_page()  # the viewport is the context's


def test_verified_only_with_the_quorum_of_witnesses(witnessed: tuple[TinySite, Path, str], browser: Any,
                                                    tmp_path: Path) -> None:
    site, served, base = witnessed
    plain = _Ed25519Less(browser)
    for who in (browser, plain):
        status, text, requests = _check(who, base, "R-0002")
        assert status == "not-witnessed", text
        assert "尚未见证" in text and "需要 2 个" in text
        assert all(r.startswith(base) for r in requests)
    # Without WebCrypto Ed25519, the vendored library is loaded from the site itself.
    _, _, requests = _check(plain, base, "R-0002")
    assert base + "assets/javascripts/vendor/noble-ed25519/index.js" in requests
    for i, name in enumerate(("witness.gongyi-partner.example", "witness.agri-university.example")):
        (tmp_path / f"w{i}.key").write_text((KEYS / f"{name}.key").read_text())
        done = cli("witness", "cosign", base, "--key", str(tmp_path / f"w{i}.key"), "--state", str(tmp_path / f"s{i}"),
                   "--write-to", str(site.path), cwd=tmp_path)  # over http, as a witness does
        assert done.returncode == 0, done.stderr
    publish(site, served)
    for who in (browser, plain):
        status, text, _ = _check(who, base, "R-0002")
        assert status == "verified", text
        assert "witness.gongyi-partner.example" in text and "witness.agri-university.example" in text
    # The operator rewrites a donation and re-signs: the cosignatures no longer hold.
    _rewrite(site)
    publish(site, served)
    for who in (browser, plain):
        status, text, _ = _check(who, base, "R-0002")
        assert status == "not-witnessed", text
    plain.context.close()
