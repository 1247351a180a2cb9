"""The balanced-height search of the column patch (render/weasy_columns.py): upstream's answer
in fewer trial layouts, checked against upstream's own step-by-step loop and against
WeasyPrint's own columns_layout on a real layout."""

from __future__ import annotations

from math import inf, log2
from pathlib import Path

import pytest
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, column

from qhgy_publish.load import load_issue
from qhgy_publish.render import weasy_cjk_patch
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
