"""Pages an editor can read: drawn for the screen's pixel ratio, fitted and zoomed, single pages
or spreads, moved through by keys, with a sidebar that stays in view and folds away."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from .conftest import mini_preview


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with mini_preview(tmp_path_factory, "reading") as (base, _issue):
        yield base


def _open(browser, base: str, scale: float = 1, width: int = 1440):
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=scale)
    page = context.new_page()
    page.goto(base)
    expect(page.locator("#status")).to_contain_text("已更新", timeout=60_000)
    return page


def _box(page, selector: str) -> dict:
    return page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect(); "
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height}; }",
        selector,
    )


def _sharp(page, index: int) -> tuple[float, float]:
    """(image pixels, screen pixels) across page ``index`` once its image is in."""
    page.locator(f"#page-{index}").scroll_into_view_if_needed()
    page.wait_for_function(
        "(i) => { const img = document.querySelector('#page-' + i + ' img'); "
        "return img.complete && img.naturalWidth > 0 && img.src.includes(img.dataset.scale == 1 ? 'v=' : 's=' + img.dataset.scale); }",
        arg=index,
        timeout=30_000,
    )
    natural = page.evaluate("(i) => document.querySelector('#page-' + i + ' img').naturalWidth", index)
    return natural, _box(page, f"#page-{index} img")["width"] * page.evaluate("devicePixelRatio")


@pytest.mark.parametrize("scale", [1, 2])
def test_pages_drawn_for_the_pixel_ratio(server: str, browser, scale: float) -> None:
    page = _open(browser, server, scale=scale)
    # Fit to width at 1440 px: far wider than the old 432 px.
    assert _box(page, "#page-3")["width"] > 500
    natural, needed = _sharp(page, 3)
    assert natural >= needed * 0.98, (natural, needed)  # never upscaled by the browser
    page.click("#zoom-in")
    page.click("#zoom-in")
    natural, needed = _sharp(page, 3)
    assert natural >= needed * 0.98, (natural, needed)
    page.context.close()


def test_fit_zoom_views_and_sidebar(server: str, browser) -> None:
    page = _open(browser, server)
    count = len(httpx.get(f"{server}/api/state").json()["pages"])
    viewer = _box(page, "#viewer")
    page.click("#fit-page")
    one = _box(page, "#page-3")
    assert one["height"] <= viewer["height"] and one["height"] > viewer["height"] * 0.8
    level = page.locator("#zoom-level").text_content()
    page.click("#zoom-in")
    assert _box(page, "#page-3")["width"] > one["width"] + 5  # the next step up
    assert page.locator("#zoom-level").text_content() != level
    page.click("#zoom-out")
    page.click("#zoom-out")
    assert _box(page, "#page-3")["width"] < one["width"]

    page.click("#view-single")
    expect(page.locator(".spread")).to_have_count(count)
    page.click("#fit-width")
    single = _box(page, "#page-3")
    assert single["width"] > viewer["width"] * 0.85
    page.click("#view-spread")
    expect(page.locator(".spread")).to_have_count(1 + (count - 1 + 1) // 2)
    assert page.locator(".spread").nth(1).locator(".page").count() == 2

    # The sidebar stays put while the pages scroll, and folds away to give them the room.
    page.keyboard.press("End")
    assert _box(page, "#side")["top"] == viewer["top"]
    wide = _box(page, "#page-3")["width"]
    page.click("#side-toggle")
    expect(page.locator("#side")).to_be_hidden()
    assert _box(page, "#viewer")["left"] == 0
    assert _box(page, "#page-3")["width"] > wide
    page.click("#side-toggle")
    expect(page.locator("#side")).to_be_visible()
    page.context.close()


def test_keys_and_go_to_page(server: str, browser) -> None:
    page = _open(browser, server)
    pages = httpx.get(f"{server}/api/state").json()["pages"]
    last = len(pages) - 1
    page.locator("#viewer").focus()

    def at_top(index: int) -> None:
        expect(page.locator(f"#page-{index}")).to_have_class("page current")
        top, viewer = _box(page, f"#page-{index}")["top"], _box(page, "#viewer")
        # Its top in view under no toolbar: at the top, or lower where the pages end.
        assert viewer["top"] <= top <= viewer["top"] + (40 if index < last else viewer["height"] / 2), (index, top)

    page.keyboard.press("End")
    at_top(last)
    expect(page.locator("#position")).to_contain_text(pages[last]["label"])
    page.keyboard.press("Home")
    at_top(0)
    page.keyboard.press("ArrowRight")  # 封一 alone, then the spread 封二 | 1
    at_top(1)
    page.keyboard.press("ArrowRight")
    at_top(3)
    page.keyboard.press("ArrowLeft")
    at_top(1)

    target = next(p for p in pages if p["label"] == "3")
    page.fill("#goto", "3")
    page.press("#goto", "Enter")
    at_top(target["index"])
    page.fill("#goto", "封四")
    page.press("#goto", "Enter")
    at_top(last)

    page.fill("#search", "工会")
    page.press("#search", "Enter")
    expect(page.locator("#search-results")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#search-results")).to_be_hidden()
    expect(page.locator(".page .hit")).to_have_count(0)
    page.context.close()


def test_jumping_to_an_article_shows_its_page_top(server: str, browser) -> None:
    page = _open(browser, server, width=1000)
    toc = httpx.get(f"{server}/api/state").json()["toc"]
    for column in toc:
        for article in column["articles"]:
            page.locator("#toc .article > a").filter(has_text=article["title"][:6]).click()
            top = _box(page, f"#page-{article['page']}")["top"]
            bar = _box(page, "#bar")["bottom"]
            assert top >= bar, (article["title"], top, bar)
            assert top < bar + 60
    page.context.close()
