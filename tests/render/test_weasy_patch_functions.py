"""Each function the WeasyPrint patch replaces (render/weasy_cjk_patch.py), shown on a small
snippet laid out with the patch installed and with WeasyPrint's own functions: the laid-out boxes
(and, for what only drawing shows, the PDF) differ exactly where the patch says they should.

The multi-column layout kept from its last trial (render/weasy_columns.py) and the binding of
each function are in test_weasy_patch_install.py.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from weasyprint import Document
from weasyprint.formatting_structure import boxes

from qhgy_publish.house import house
from qhgy_publish.load import load_issue
from qhgy_publish.render import weasy_cjk_patch
from qhgy_publish.render.weasy import render_html
from qhgy_publish.render.weasy_line_memo import LINES

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
EM = 16.0  # px: the snippets are set in 12 pt
STYLE = "font-family: 'QHGY Body'; font-size: 12pt; letter-spacing: 0; text-indent: 0"
BODY = "职工是工会的根基和力量源泉工会工作要始终坚持以职工为中心的工作导向把服务职工作为工会一切工作的出发点和落脚点"


@pytest.fixture(scope="module")
def issue():  # type: ignore[no-untyped-def]
    return load_issue(MINI)


def lay_out(issue, html: str, *, patched: bool, monkeypatch: pytest.MonkeyPatch) -> Document:  # type: ignore[no-untyped-def]
    """``html`` laid out with the print stylesheets, with the patch or with WeasyPrint's own functions."""
    weasy_cjk_patch.reset_line_end_halts()
    LINES.clear()  # a test may replace a function the memo's answers came from
    if patched:
        weasy_cjk_patch.install()
        return render_html(issue, html)[0]
    weasy_cjk_patch.uninstall()
    with monkeypatch.context() as m:
        m.setattr(weasy_cjk_patch, "install", lambda: None)  # render_html installs it otherwise
        try:
            return render_html(issue, html)[0]
        finally:
            m.undo()
            weasy_cjk_patch.install()


def both(issue, html: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Document, Document]:  # type: ignore[no-untyped-def]
    return lay_out(issue, html, patched=True, monkeypatch=monkeypatch), lay_out(
        issue, html, patched=False, monkeypatch=monkeypatch
    )


def lines(document: Document) -> list[tuple[str, float]]:
    """(text, width) of each line of the first page's body (the folio left out)."""
    page = document.pages[0]._page_box
    body = next(b for b in page.descendants() if isinstance(b, boxes.BlockBox) and b.element_tag == "body")
    return [
        ("".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox)), line.width)
        for line in body.descendants()
        if isinstance(line, boxes.LineBox)
    ]


def test_count_expandable_spaces_and_set_text_justify_a_cjk_line_to_the_column_edge(issue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Upstream widens spaces only, and Chinese has none: its justified lines stay short. Patched,
    each full line fills the column, in the boxes and in the drawn glyphs."""
    width = 20.3 * EM  # not a whole number of characters: 0.3 em to spread over each line
    html = f'<div style="{STYLE}; width: {width}px; text-align: justify">{BODY}</div>'
    ours, upstream = both(issue, html, monkeypatch)
    assert len(lines(ours)) == len(lines(upstream)) == 3
    for (text, ours_width), (_, upstream_width) in zip(lines(ours)[:2], lines(upstream)[:2], strict=True):
        assert len(text) == 20
        assert ours_width == pytest.approx(width, abs=0.01)
        assert upstream_width == pytest.approx(20 * EM, abs=0.01)  # 0.3 em short
    assert lines(ours)[2][1] == pytest.approx(lines(upstream)[2][1])  # the last line is not justified

    def right_edges(document: Document) -> list[float]:
        with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
            chars = [c for c in pdf.pages[0].chars if c["size"] > 11.9]
        rows: dict[int, float] = {}
        for c in chars:
            rows[round(c["top"])] = max(rows.get(round(c["top"]), 0.0), c["x1"])
        return [rows[top] for top in sorted(rows)]

    left = next(b for b in ours.pages[0]._page_box.descendants() if isinstance(b, boxes.LineBox)).position_x
    edge = (left + width) * 0.75  # px → pt
    drawn, plain = right_edges(ours), right_edges(upstream)
    assert drawn[0] == pytest.approx(edge, abs=0.05) and drawn[1] == pytest.approx(edge, abs=0.05)
    assert edge - plain[0] > 0.25 * 12 * 0.75  # upstream's glyphs stop short, as its boxes do


def test_split_first_line_lets_a_line_end_mark_go_half_width_to_stay_on_its_line(issue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """“十，” may not part, and at full width they do not fit the 10.5 em line: upstream breaks
    before 十 and leaves a line 1.5 em short; patched, ， is set half-width and the line is full."""
    text = "一二三四五六七八九十，十一十二十三十四十五十六十七"
    html = f'<div style="{STYLE}; width: {10.5 * EM}px; text-align: justify">{text}</div>'
    ours, upstream = both(issue, html, monkeypatch)
    assert lines(ours)[0] == ("一二三四五六七八九十，", pytest.approx(10.5 * EM, abs=0.01))
    assert lines(upstream)[0][0] == "一二三四五六七八九"
    assert lines(upstream)[1][0].startswith("十，")


def test_set_text_sets_one_mark_of_each_adjacent_pair_half_width(issue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """。” take 1.5 em, not 2 (clreq 3.1.6); a mark beside a character keeps its full width."""
    html = f'<div style="{STYLE}"><span>甲。”乙</span> <span>甲。乙</span></div>'
    ours, upstream = both(issue, html, monkeypatch)

    def widths(document: Document) -> list[float]:
        return [b.width for b in document.pages[0]._page_box.descendants() if isinstance(b, boxes.TextBox)][:3:2]

    assert widths(upstream) == pytest.approx([4 * EM, 3 * EM], abs=0.01)
    assert widths(ours) == pytest.approx([3.5 * EM, 3 * EM], abs=0.01)


def test_text_align_drops_the_han_latin_gap_where_it_touches_a_line_edge(issue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The ¼ em between Han and Latin (cjk.css, span.hl) stays inside a line and goes at its edges:
    no line starts indented or ends short because of it."""
    html = (
        f'<div style="{STYLE}; width: {10 * EM}px"><span class="hl gl gr">EPUB</span>职工书屋上线'
        f'{"职工" * 6}<span class="hl gl gr">PDF</span></div>'
    )
    ours, upstream = both(issue, html, monkeypatch)

    def gaps(document: Document) -> list[tuple[float, float]]:
        spans = [b for b in document.pages[0]._page_box.descendants() if isinstance(b, boxes.InlineBox)]
        return [(s.margin_left, s.margin_right) for s in spans if "hl" in (s.element.get("class") or "")]

    quarter = 0.25 * EM
    assert gaps(upstream) == [(quarter, quarter), (quarter, quarter)]
    assert gaps(ours) == [(0, quarter), (quarter, 0)]  # first of the first line, last of the last
    assert [w for _, w in lines(ours)] == pytest.approx([w - quarter if i != 1 else w for i, (_, w) in enumerate(lines(upstream))])


def test_block_container_layout_balances_a_title_and_snaps_a_block_to_the_grid(issue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    title = "全省工会系统深入学习贯彻全总十八届三次执委会议精神推动工会工作高质量发展"
    html = (
        f'<div style="{STYLE}; width: {20 * EM}px"><div class="balance">{title}</div>'
        '<div class="snap" style="height: 30px">图</div></div>'
    )
    ours, upstream = both(issue, html, monkeypatch)
    balanced, plain = lines(ours)[:2], lines(upstream)[:2]
    assert plain[0][1] - plain[1][1] >= 4 * EM  # upstream: a full line, then a short one
    assert balanced[0][1] == pytest.approx(balanced[1][1], abs=EM)  # even
    assert "".join(t for t, _ in balanced) == title

    def snap_height(document: Document) -> float:
        return next(
            b.border_height()
            for b in document.pages[0]._page_box.descendants()
            if isinstance(b, boxes.BlockBox) and b.element is not None and b.element.get("class") == "snap"
        )

    pitch = house().line_pt * 4 / 3
    assert snap_height(upstream) == pytest.approx(30)
    assert snap_height(ours) == pytest.approx(-(-30 // pitch) * pitch)  # padded to whole body lines


def _line_boxes(document: Document) -> list[boxes.LineBox]:
    page = document.pages[0]._page_box
    body = next(b for b in page.descendants() if isinstance(b, boxes.BlockBox) and b.element_tag == "body")
    return [line for line in body.descendants() if isinstance(line, boxes.LineBox)]


def test_split_first_line_sets_a_two_face_line_on_its_first_faces_baseline(issue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A 楷体 line whose compressed marks are set in the body face (WenKai has no halt) is as tall
    as its neighbours and its text stands where a 楷体-only line's does (CSS Inline 3: a fixed
    line height takes the first face's metrics). Without it, Pango's baseline for the mixed line
    is the body face's, lower: the line grew and every line after it left the grid."""
    pitch = 22.4  # 16.8 pt
    style = f"font-family: 'QHGY Kai'; font-size: 10.5pt; line-height: {pitch}px; width: {10 * 14}px"
    html = f'<div style="{style}">编者按十个字十个字十个字《管理办法（试行）》，经会议审议通过现予刊发请</div>'
    ours = lay_out(issue, html, patched=True, monkeypatch=monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(weasy_cjk_patch, "_on_primary_baseline", lambda result, style: result)
        pango_baseline = lay_out(issue, html, patched=True, monkeypatch=monkeypatch)

    def geometry(document: Document) -> tuple[list[float], list[float]]:
        found = _line_boxes(document)
        texts = [next(t for t in line.descendants() if isinstance(t, boxes.TextBox)) for line in found]
        return [line.height for line in found], [t.position_y + t.baseline - line.position_y for t, line in zip(texts, found, strict=True)]

    heights, baselines = geometry(ours)
    assert len(heights) >= 3
    assert heights == pytest.approx([pitch] * len(heights), abs=0.01)
    assert baselines == pytest.approx([baselines[0]] * len(baselines), abs=0.01)
    plain_heights, _ = geometry(pango_baseline)
    assert max(plain_heights) > pitch + 1  # the mixed line grew there


def test_a_run_in_another_face_leaves_its_line_at_the_body_line_height(issue) -> None:  # type: ignore[no-untyped-def]
    """magazine.css: a 黑体 lead and a 楷体 credit inside a body paragraph do not make their line
    taller (inheriting 16.8 pt, the credit's line grew 1.35 px and a column balanced a line short)."""
    html = (
        '<div class="article-body"><p><strong class="lead">七是</strong>财务资产监督管理和经费审查审计工作。'
        "加快工会财务一体化、数智化建设，建强统一领导、分级管理的财务管理体制。"
        "<em>（省总办公室）</em></p></div>"
    )
    weasy_cjk_patch.reset_line_end_halts()
    document = render_html(issue, html)[0]
    pitch = house().line_pt * 4 / 3
    heights = [line.height for line in _line_boxes(document)]
    assert len(heights) >= 2
    assert heights == pytest.approx([pitch] * len(heights), abs=0.01)


def test_a_floated_block_snapped_to_five_lines_lets_the_sixth_line_return_to_the_column(issue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A photo five line pitches tall (a profile card's): five lines stand beside it and the sixth
    starts at the column's left edge, wherever the card stands. Snapped exactly to the grid line,
    the pitches added up put the sixth line a rounding error inside the float at some positions,
    and it was set beside the photo too (a line more in each such card)."""
    pitch = house().line_pt * 4 / 3
    text = "职工是工会的根基和力量源泉" * 12
    card = (
        f'<div class="snap" style="float: left; width: 80px; height: {5 * pitch - 6.4}px; padding-bottom: 6.4px; '
        f'margin-right: 14px"></div>{text}'
    )
    html = f'<div style="{STYLE}; font-size: 10.5pt; line-height: {pitch}px; width: 300px">'
    html += "".join(f'<div style="clear: both">{card}</div>' for _ in range(6)) + "</div>"
    ours = lay_out(issue, html, patched=True, monkeypatch=monkeypatch)
    lines = _line_boxes(ours)
    left = min(line.position_x for line in lines)
    beside = [line.position_x > left + 50 for line in lines]
    runs, count = [], 0
    for flag in beside:
        if flag:
            count += 1
        elif count:
            runs.append(count)
            count = 0
    assert len(runs) >= 4
    assert set(runs) == {5}
