"""The WeasyPrint patch as one unit (render/weasy_cjk_patch.py, render/weasy_columns.py): one
install() replaces every binding of each patched function, one uninstall() gives WeasyPrint its
own back, and each replacement does what upstream does where it should not differ."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import pytest
import weasyprint
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, column, inline, page
from weasyprint.text import line_break

from qhgy_publish.load import load_issue
from qhgy_publish.render import weasy_cjk_patch, weasy_columns
from qhgy_publish.render.weasy import render_html

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
BODY = "职工是工会的根基和力量源泉，工会工作要始终坚持以职工为中心的工作导向，把服务职工作为工会一切工作的出发点和落脚点。"


@pytest.fixture(scope="module")
def issue():  # type: ignore[no-untyped-def]
    return load_issue(MINI)


def test_uninstall_gives_weasyprint_its_own_functions_back_and_install_patches_every_binding() -> None:
    weasy_cjk_patch.uninstall()
    try:
        assert not weasy_cjk_patch.installed()
        assert block.block_container_layout.__module__ == "weasyprint.layout.block"
        assert page.block_container_layout is block.block_container_layout  # bound at import there
        assert block.columns_layout is column.columns_layout
        assert inline.split_first_line.__module__ == "weasyprint.text.line_break"
        assert inline.count_expandable_spaces.__module__ == "weasyprint.layout.inline"
        assert inline.strut is line_break.strut and inline.create_layout is line_break.create_layout
        assert line_break.Layout.set_text.__module__ == "weasyprint.text.line_break"
        assert "int" not in vars(draw_text)  # the builtin again
    finally:
        weasy_cjk_patch.install()
    assert weasy_cjk_patch.installed()
    patched = block.block_container_layout
    assert patched.__module__ == weasy_cjk_patch.__name__
    assert page.block_container_layout is patched
    assert block.columns_layout is weasy_columns.columns_layout
    assert weasy_columns.watch_trial is weasy_cjk_patch.watch_trial
    assert inline.strut is not line_break.strut and inline.create_layout is not line_break.create_layout
    weasy_cjk_patch.install()  # a second install changes nothing
    assert block.block_container_layout is patched


# The functions the patch replaces, each by one of its bindings
PATCHED = [
    (block, "block_container_layout"),
    (column, "columns_layout"),
    (inline, "count_expandable_spaces"),
    (inline, "split_first_line"),
    (inline, "text_align"),
]


def _holders(function: object) -> list[str]:
    """Every WeasyPrint module whose namespace holds ``function``, under any name."""
    return sorted(
        name
        for name, module in list(sys.modules.items())
        if name.startswith("weasyprint") and module is not None
        and any(value is function for value in vars(module).values())
    )


def test_every_module_that_bound_a_patched_function_sees_the_patch_and_uninstall_restores_it() -> None:
    """Found, not listed: every WeasyPrint module is imported and searched for the upstream
    function, so a binding made at import (page.py's block_container_layout, preferred.py's
    split_first_line) cannot keep upstream's function unnoticed."""
    for module in pkgutil.walk_packages(weasyprint.__path__, "weasyprint."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    weasy_cjk_patch.uninstall()
    try:
        upstream = {name: getattr(owner, name) for owner, name in PATCHED}
        holders = {name: _holders(function) for name, function in upstream.items()}
        set_text = line_break.Layout.set_text
    finally:
        weasy_cjk_patch.install()
    assert "weasyprint.layout.page" in holders["block_container_layout"]  # bound at import there
    assert "weasyprint.layout.preferred" in holders["split_first_line"]  # and there
    for owner, name in PATCHED:
        patched = getattr(owner, name)
        assert patched is not upstream[name]
        assert _holders(upstream[name]) == [], name  # no module kept upstream's
        for module in holders[name]:
            assert vars(sys.modules[module])[name] is patched, (module, name)
    assert line_break.Layout.set_text is not set_text and "int" in vars(draw_text)
    weasy_cjk_patch.uninstall()
    try:
        for name, function in upstream.items():
            assert _holders(function) == holders[name]
        assert line_break.Layout.set_text is set_text and "int" not in vars(draw_text)
    finally:
        weasy_cjk_patch.install()


def _text_boxes(document) -> list[list[tuple[str, float, float, float]]]:  # type: ignore[no-untyped-def]
    return [
        [
            (b.text, round(b.position_x, 4), round(b.position_y, 4), round(b.width, 4))
            for b in p._page_box.descendants()
            if isinstance(b, boxes.TextBox)
        ]
        for p in document.pages
    ]


def test_columns_kept_from_their_last_trial_are_the_columns_upstream_lays_out(issue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Column sets that run on over pages and balance on the last, one below a heading: the same
    boxes, text and places as WeasyPrint's own columns_layout, with some trials kept."""
    paragraphs = "".join(f"<p>{BODY * (1 + k % 3)}</p>" for k in range(40))
    html = (
        "<html><body>"
        "<h2>标题</h2><div class='cols' style='columns: 2; column-gap: 1em; text-align: justify'>"
        f"{paragraphs}</div>"
        "<div class='cols' style='columns: 2; column-gap: 1em; break-before: page'>"
        f"<p>{BODY * 3}</p><p>{BODY}</p></div>"
        "</body></html>"
    )
    weasy_cjk_patch.uninstall()
    upstream_columns = column.columns_layout
    weasy_cjk_patch.install()
    before = weasy_columns.STATS["kept"]
    ours = _text_boxes(render_html(issue, html)[0])
    kept = weasy_columns.STATS["kept"] - before
    monkeypatch.setattr(block, "columns_layout", upstream_columns)
    upstream = _text_boxes(render_html(issue, html)[0])
    assert len(upstream) > 2  # the columns did run on over pages
    assert ours == upstream
    assert kept > 0  # and the kept path ran


def test_a_balanced_heading_in_a_table_cell_is_balanced_too(issue) -> None:  # type: ignore[no-untyped-def]
    """A cell is laid out by table.py, which imports block_container_layout at each call: the
    patched one, so ``balance`` works there as in the flow."""
    title = "全省工会系统深入学习贯彻全总十八届三次执委会议精神推动工会工作高质量发展"

    def lines(cls: str) -> list[float]:
        html = (
            "<html><body><table style='width: 20em; border-spacing: 0'><tr>"
            f"<td class='{cls}' style='padding: 0; font-size: 12pt'>{title}</td></tr></table></body></html>"
        )
        document, _ = render_html(issue, html)
        cell = next(b for b in document.pages[0]._page_box.descendants() if isinstance(b, boxes.TableCellBox))
        return [line.width for line in cell.descendants() if isinstance(line, boxes.LineBox)]

    plain, balanced = lines(""), lines(weasy_cjk_patch.BALANCE_CLASS)
    assert len(plain) == len(balanced) >= 2
    assert max(plain) - min(plain) > 100  # the last line of the plain title is short
    assert max(balanced) - min(balanced) < 20  # the balanced one's lines are even


def test_glyph_adjustments_print_their_exact_value() -> None:
    """draw/text.py writes kerning through int(): patched, it prints thousandths, not a truncation."""
    assert f"{weasy_cjk_patch._PreciseInt(-12.3456)}" == "-12.346"
    assert f"{weasy_cjk_patch._PreciseInt(7.0)}" == "7"
    assert int(weasy_cjk_patch._PreciseInt(7.9)) == 7  # its other use, a Pango width, stays an integer
