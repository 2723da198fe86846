from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitekit import TinySite


@pytest.fixture
def tiny(tmp_path: Path) -> TinySite:
    return TinySite(tmp_path / "repo")
