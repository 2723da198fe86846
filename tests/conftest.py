from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.sitekit import TinySite

# The tests read the English messages (what the code says); tests of the Chinese ones, the
# default for editors, ask for it (`use_language("zh_CN")`, or HARVEST_LANG=zh_CN for a process).
os.environ["HARVEST_LANG"] = "en"


@pytest.fixture
def tiny(tmp_path: Path) -> TinySite:
    return TinySite(tmp_path / "repo")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with tests/golden/<name>; --update-goldens rewrites it (review the diff)."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, text: str) -> None:
        path = Path(__file__).parent / "golden" / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert path.exists(), f"no golden file {path}; run pytest --update-goldens and review it"
        assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"

    return check
