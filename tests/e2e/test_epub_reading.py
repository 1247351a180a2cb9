"""The EPUB as a phone and a tablet show it: its XHTML and CSS in Debian's headless Chromium (Playwright)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
PHONE, TABLET = (390, 844), (1024, 1366)
PAGES = (
    "title.xhtml",
    "contents.xhtml",
    "colophon.xhtml",
    "a-080-wangdongming-jianghua.xhtml",
    "a-260-laomo-fengcai.xhtml",
    "a-900-chunjie-weiwenxin.xhtml",
)


@pytest.fixture(scope="module")
def unpacked(sample, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("book")
    zipfile.ZipFile(sample.epub).extractall(folder)
    return folder / "EPUB"


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _open(browser, unpacked: Path, name: str, size: tuple[int, int]):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto((unpacked / name).as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def _system_fonts(cdp, node: dict) -> list[str]:
    """Fonts not of the book that render text directly inside ``node`` or below it."""
    found = []
    if any(c.get("nodeType") == 3 and c.get("nodeValue", "").strip() for c in node.get("children", [])):
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        found += [f"{f['familyName']} in <{node['localName']}>" for f in fonts if not f["isCustomFont"]]
    for child in node.get("children", []):
        found += _system_fonts(cdp, child)
    return found


def test_every_character_is_drawn_with_the_books_own_fonts(browser, unpacked) -> None:
    """No glyph falls back to a system font: each role's subset holds what that role sets (辑 was missing)."""
    for name in PAGES:
        page = _open(browser, unpacked, name, PHONE)
        cdp = page.context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": False})["root"]
        assert _system_fonts(cdp, root) == [], name
        page.close()


def test_phone_and_tablet_layout(browser, unpacked) -> None:
    for size in (PHONE, TABLET):
        for name in PAGES:
            page = _open(browser, unpacked, name, size)
            # Nothing runs off the side of a phone.
            assert page.evaluate("document.scrollingElement.scrollWidth") <= size[0], (name, size)
            page.close()
        page = _open(browser, unpacked, "a-080-wangdongming-jianghua.xhtml", size)
        body = page.evaluate(
            """() => {
              const p = document.querySelector('.article > p:not(.salutation)');
              const s = getComputedStyle(p);
              const header = document.querySelector('header').getBoundingClientRect();
              return {line: parseFloat(s.lineHeight) / parseFloat(s.fontSize),
                      chars: p.getBoundingClientRect().width / parseFloat(s.fontSize),
                      gap: (p.getBoundingClientRect().top - header.bottom) / parseFloat(s.fontSize),
                      brs: document.querySelectorAll('h1 br, h2 br').length};
            }"""
        )
        assert 1.6 <= body["line"] <= 1.9, body  # Chinese leading
        assert body["chars"] <= 37, body  # a measure limit even on the tablet
        assert body["gap"] >= 1, body  # the byline does not touch the first paragraph
        assert body["brs"] == 0  # print line breaks stay in print
        page.close()
    # The colophon's names are never split across lines, and each label sits on its value's first line.
    page = _open(browser, unpacked, "colophon.xhtml", PHONE)
    split = page.evaluate(
        "[...document.querySelectorAll('.name')].filter(n => n.getClientRects().length > 1).map(n => n.textContent)"
    )
    assert split == []
    drift = page.evaluate(
        """[...document.querySelectorAll('.facts tr')].map(r =>
             Math.abs(r.querySelector('th').getBoundingClientRect().top - r.querySelector('td').getBoundingClientRect().top))"""
    )
    assert max(drift) < 1
    page.close()
