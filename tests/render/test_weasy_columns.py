"""The balanced-height search of the column patch (render/weasy_columns.py): upstream's answer
in fewer trial layouts, checked against upstream's own step-by-step loop and against
WeasyPrint's own columns_layout on a real layout."""

from __future__ import annotations

import shutil
from math import inf, log2
from pathlib import Path

import pytest
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, column

from qhgy_publish.load import load_issue
from qhgy_publish.render import weasy_cjk_patch, weasy_columns
from qhgy_publish.render.weasy import render_html
from qhgy_publish.render.weasy_columns import _HeightSearch

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
BODY = "职工是工会的根基和力量源泉，工会工作要始终坚持以职工为中心的工作导向。"


def upstream_search(start: float, fits, lack, max_height: float) -> tuple[float, bool, int]:  # type: ignore[no-untyped-def]
    """WeasyPrint 70's loop (layout/column.py): from the average, add the space the next box
    lacked (the least seen so far) or 1 px, until the columns fit or pass the type area.
    Returns (height, stopped at the bottom, trials)."""
    height, lost, trials = start, inf, 0
    while True:
        trials += 1
        if fits(height):
            return height, False, trials
        lost = min(lost, lack(height))
        height += 1 if lost == inf else lost
        if height > max_height:
            return max_height, True, trials


def our_search(start: float, fits, lack, max_height: float) -> tuple[float, bool, int]:  # type: ignore[no-untyped-def]
    search, height, lost, trials = _HeightSearch(), start, inf, 0
    while True:
        trials += 1
        ok = fits(height)
        if not ok:
            lost = min(lost, lack(height))
        following = search.next(height, ok, lost, max_height)
        if following is None:
            return height, False, trials
        height = following
        if height > max_height:
            return max_height, True, trials


@pytest.mark.parametrize("start", [45.5, 100.0, 7.25])
@pytest.mark.parametrize("need", [0, 1, 2, 3, 17, 45.5, 46, 90, 300, 301.4])
@pytest.mark.parametrize("max_height", [350.0, 146.0])
def test_the_search_finds_upstreams_height_where_no_box_says_what_it_lacks(start, need, max_height) -> None:  # type: ignore[no-untyped-def]
    """An unbreakable block (a picture, a 补白 kept together): every trial fails until the height
    reaches it, and no box tells by how much (upstream steps by 1 px)."""
    threshold = start + need

    def fits(h: float) -> bool:
        return h >= threshold

    expected = upstream_search(start, fits, lambda h: inf, max_height)
    found = our_search(start, fits, lambda h: inf, max_height)
    assert found[:2] == expected[:2]
    if need >= 16 and not expected[1]:
        assert found[2] <= 2 * log2(need) + 4 < expected[2]  # logarithmic, not one trial per px


@pytest.mark.parametrize("lack", [22.4, 5.6, 0.75])
def test_a_known_lack_is_stepped_as_upstream_steps_it(lack: float) -> None:
    """Where a box says how much room it lacked, the trial heights are upstream's, one for one."""
    start = 100.0
    threshold = start + 3 * lack + 0.1

    def fits(h: float) -> bool:
        return h >= threshold

    assert our_search(start, fits, lambda h: lack, 1000.0) == upstream_search(start, fits, lambda h: lack, 1000.0)


def _column_trials(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Count the layouts of column boxes at a trial height (what balancing costs)."""
    count = [0]
    original = block.block_box_layout

    def counting(context, box, bottom_space, *args, **kwargs):  # type: ignore[no-untyped-def]
        if getattr(box, "is_column", False) and bottom_space != inf:
            count[0] += 1
        return original(context, box, bottom_space, *args, **kwargs)

    monkeypatch.setattr(block, "block_box_layout", counting)  # both columns_layout import it per call
    return count


def _places(document) -> list[tuple[str, float, float]]:  # type: ignore[no-untyped-def]
    return [
        (type(b).__name__, round(b.position_x, 3), round(b.position_y, 3))
        for p in document.pages
        for b in p._page_box.descendants()
        if isinstance(b, boxes.TextBox | boxes.BlockBox)
    ]


def test_balancing_past_an_unbreakable_block_lays_it_out_as_upstream_in_few_trials(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A balanced column set whose first column must hold a block that cannot break: the same
    boxes in the same places as WeasyPrint's own columns_layout, in far fewer trials."""
    issue = load_issue(MINI)
    html = (
        "<html><body><p>标题</p>"
        "<div style='columns: 2; column-gap: 1em; column-fill: balance'>"
        "<div style='height: 240px; break-inside: avoid; background: #ccc'></div>"
        f"<p style='break-before: column'>{BODY}</p></div>"
        "</body></html>"
    )
    weasy_cjk_patch.uninstall()
    upstream_columns = column.columns_layout  # install() replaces column.py's own binding too
    weasy_cjk_patch.install()
    trials = _column_trials(monkeypatch)
    ours = _places(render_html(issue, html)[0])
    ours_trials, trials[0] = trials[0], 0
    monkeypatch.setattr(block, "columns_layout", upstream_columns)
    upstream = _places(render_html(issue, html)[0])
    assert ours == upstream
    assert trials[0] > 60  # upstream climbed from the average 1 px a trial
    assert ours_trials < trials[0] / 3


def _balanced_page(rule: str = "") -> str:
    """A page with one balanced column set: a heading and four paragraphs, 2 columns."""
    paragraphs = "".join(f"<p>{BODY * (i + 2)}</p>" for i in range(4))
    return (
        f"<html><head><style>{rule}</style></head><body><p>标题</p>"
        f"<div style='columns: 2; column-gap: 1em; column-fill: balance'>{paragraphs}</div>"
        "</body></html>"
    )


def test_a_column_set_laid_out_again_is_tried_once_at_its_remembered_height(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The make-up lays a 栏目 out again after each correction, the preview after each edit: a set
    that stands as it stood is laid out once, at the height its balancing found before, and its
    boxes stand where a layout that searched for the height puts them."""
    issue = load_issue(MINI)
    html = _balanced_page()
    weasy_columns.BALANCED.clear()
    trials = _column_trials(monkeypatch)
    searched = _places(render_html(issue, html)[0])
    searched_trials, trials[0] = trials[0], 0
    again = _places(render_html(issue, html)[0])
    assert again == searched
    assert searched_trials >= 3  # the whole content in the first column, then two at the average
    assert trials[0] == 2  # one trial: its two columns


def test_a_style_change_the_boxes_do_not_show_is_balanced_afresh(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The remembered height is keyed by the style the stylesheets gave each box too: after a rule
    in a stylesheet changed (the elements and their attributes as they were) the set is searched
    for again, and comes out as in a process that never laid the other page out. Here the text
    gets shorter, so the height remembered for the longer text would fit, too tall."""
    issue = load_issue(MINI)
    weasy_columns.BALANCED.clear()
    plain = _places(render_html(issue, _balanced_page())[0])
    weasy_columns.BALANCED.clear()
    spaced = _places(render_html(issue, _balanced_page("p { letter-spacing: 0.2em }"))[0])
    assert spaced != plain
    trials = _column_trials(monkeypatch)
    assert _places(render_html(issue, _balanced_page())[0]) == plain
    assert trials[0] > 2  # searched, not tried at the spaced page's height


def test_a_remembered_height_that_no_longer_fits_falls_back_to_the_search(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Should a remembered height be too low (it cannot be, with equal keys), the set is searched
    for as if nothing were remembered: the same boxes, in the same places."""
    issue = load_issue(MINI)
    html = _balanced_page()
    weasy_columns.BALANCED.clear()
    searched = _places(render_html(issue, html)[0])
    assert weasy_columns.BALANCED
    for key in weasy_columns.BALANCED:
        weasy_columns.BALANCED[key] = 20.0  # a line and a bit
    missed = weasy_columns.STATS["memo missed"]
    assert _places(render_html(issue, html)[0]) == searched
    assert weasy_columns.STATS["memo missed"] > missed


def test_a_picture_replaced_under_its_name_is_balanced_afresh(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The preview lays the issue out again in one process after an editor saves another photo
    under the same name: the set is keyed by the picture's size, not only its name. Here the new
    photo is shorter, so the height remembered for the taller one would fit, too tall."""
    from PIL import Image

    root = tmp_path / "issue"
    shutil.copytree(MINI, root)
    issue = load_issue(root)
    picture = root / "images" / "swap.png"
    html = (
        "<html><body><p>标题</p><div style='columns: 2; column-gap: 1em; column-fill: balance'>"
        f"<img src='images/swap.png' style='display: block; width: 100%'><p>{BODY * 3}</p>"
        f"<p>{BODY * 2}</p></div></body></html>"
    )
    weasy_columns.BALANCED.clear()
    Image.new("RGB", (200, 100), "gray").save(picture)
    wide = _places(render_html(issue, html)[0])
    weasy_columns.BALANCED.clear()
    Image.new("RGB", (200, 300), "gray").save(picture)
    tall = _places(render_html(issue, html)[0])
    assert tall != wide
    Image.new("RGB", (200, 100), "gray").save(picture)
    assert _places(render_html(issue, html)[0]) == wide


def test_each_font_configuration_has_its_own_token_even_at_a_reused_address() -> None:
    """The same text measures otherwise with other font files: the key names the layout's font
    configuration by a number never given twice (a freed object's ``id`` is given again)."""
    import gc

    from weasyprint.text.fonts import FontConfiguration

    tokens, addresses = set(), set()
    for _ in range(20):
        config = FontConfiguration()
        assert weasy_columns._fonts_token(config) == weasy_columns._fonts_token(config)
        tokens.add(weasy_columns._fonts_token(config))
        addresses.add(id(config))
        del config
        gc.collect()
    assert len(tokens) == 20
    assert len(addresses) < 20  # the case the token is for happened here
