"""Shared by the preview tests: one headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from qhgy_publish.preview.server import serve_in_thread

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Per module, not per session: a Playwright sync instance left running would stop the next
# module that starts its own (tests/workflow) with “Sync API inside the asyncio loop”.
@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@contextmanager
def mini_preview(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[str, Path]]:
    """A preview server on a copy of the mini issue: its base URL and the copy's folder."""
    issue = tmp_path_factory.mktemp(name) / "2025-02"
    shutil.copytree(MINI, issue)
    base, srv = serve_in_thread(issue)
    try:
        yield base, issue
    finally:
        srv.stop()
