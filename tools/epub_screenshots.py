"""Screenshots of an EPUB's pages as a phone and a tablet show them (Playwright + Debian's Chromium).

    .venv/bin/python tools/epub_screenshots.py output/2025-01/qhgy-2025-01.epub /tmp/shots

The book is unpacked and each XHTML page is opened with its own CSS and
embedded fonts, at 390×844 (phone) and 1024×1366 (tablet held upright), in the
light and dark colour schemes. The first screen of each page is kept; for
profiles, the screen where the first profile begins.
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
SIZES = {"phone": (390, 844), "tablet": (1024, 1366)}
PAGES = {
    "cover": ("cover.xhtml", None),
    "contents": ("contents.xhtml", None),
    "speech": ("a-080-wangdongming-jianghua.xhtml", None),
    "profiles": ("a-260-laomo-fengcai.xhtml", ".profile"),
    "colophon": ("colophon.xhtml", None),
}


def main(epub: Path, out: Path, schemes: tuple[str, ...] = ("light", "dark")) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        zipfile.ZipFile(epub).extractall(tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for device, (width, height) in SIZES.items():
            for scheme in schemes:
                page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                for name, (file, scroll_to) in PAGES.items():
                    page.goto((Path(tmp) / "EPUB" / file).as_uri())
                    page.evaluate("document.fonts.ready")
                    if scroll_to:
                        page.locator(scroll_to).first.scroll_into_view_if_needed()
                        page.evaluate("window.scrollBy(0, -80)")
                    target = out / f"{name}-{device}-{scheme}.png"
                    page.screenshot(path=str(target))
                    shots.append(target)
                page.close()
        browser.close()
    return shots


if __name__ == "__main__":
    for shot in main(Path(sys.argv[1]), Path(sys.argv[2])):
        print(shot)
