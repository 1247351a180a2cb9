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


# -- every finding code fires on some test input ----------------------------------------------
# Each Finding made while the suite runs is noted by its code; tests/test_codes.py's last test
# compares them with the registry. It runs only with the whole suite (a subset fires a subset).

FIRED_CODES: set[str] = set()
WHOLE_SUITE_TEST = "test_every_code_fires_on_some_test_input"


def _note_fired_codes() -> None:
    from qhgy_publish.errors import Finding

    made = Finding.__init__

    def noting(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        made(self, *args, **kwargs)
        FIRED_CODES.add(self.code)

    Finding.__init__ = noting  # type: ignore[method-assign]


_note_fired_codes()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    last = [item for item in items if item.name == WHOLE_SUITE_TEST]
    if not last:
        return
    whole = (
        all(Path(a).resolve() in (TESTS, TESTS.parent) for a in config.args)
        and not config.option.keyword
        and not config.option.markexpr
        and not config.option.lf
    )
    for item in last:
        items.remove(item)
    if whole:
        items.extend(last)  # after every other test, so every code the suite fires is noted
    else:
        config.hook.pytest_deselected(items=last)
