"""Shared by the preview tests: one headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

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
