"""Shared by the make-up tests: the mini issue with one 补白 and a make-up cache of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qhgy_publish.render.makeup import cache

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE_FILLERS = Path(__file__).resolve().parents[2] / "content" / "2025-01" / "fillers"


@pytest.fixture
def issue_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini issue with one 补白, and a cache of its own."""
    root = tmp_path / "issue"
    shutil.copytree(FIXTURES / "mini-issue", root)
    (root / "fillers").mkdir()
    shutil.copy(SAMPLE_FILLERS / "010-zhenggao.md", root / "fillers")
    monkeypatch.setattr(cache, "MAKEUP_CACHE", tmp_path / "cache")
    return root
