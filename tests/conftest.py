"""Shared fixtures: the mini issue copied into a temp folder, and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

TESTS = Path(__file__).parent
MINI_ISSUE = TESTS / "fixtures" / "mini-issue"


@pytest.fixture
def mini_issue(tmp_path: Path) -> Path:
    """A writable copy of the three-article test issue."""
    target = tmp_path / "2025-02"
    shutil.copytree(MINI_ISSUE, target)
    return target


@pytest.fixture
def run_cli():
    """Run `qhgy …` in-process; returns click's Result (exit_code, stdout, stderr)."""
    from qhgy_publish.cli import main

    def run(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
