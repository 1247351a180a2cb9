"""Shared by the preview tests: one headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

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


def open_preview(browser, base: str):  # type: ignore[no-untyped-def]
    """A 1440 × 900 tab on the preview at ``base``, once its first layout is in."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(base)
    expect(page.locator("#status")).to_contain_text("已更新", timeout=60_000)
    return page


def line_of(path: Path, text: str) -> int:
    """The line of ``path`` (1-based) that holds ``text``."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)
