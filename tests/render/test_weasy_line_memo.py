"""The line memo (render/weasy_line_memo.py): each line break answered once per process, given
again only where the CJK patch's half-width line ends stand as they stood, and the same boxes,
glyphs and column-trial watches as the break computed each time."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pdfplumber
import pytest
from weasyprint.css import Style
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text import line_break

from qhgy_publish.load import load_issue
from qhgy_publish.render import weasy_cjk_patch
from qhgy_publish.render.weasy import render_html
from qhgy_publish.render.weasy_line_memo import LINE_PROPERTIES, LINES, LineMemo, strut

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini-issue"
EM = 16.0  # px: 12 pt
STYLE = "font-family: 'QHGY Body'; font-size: 12pt; letter-spacing: 0; text-indent: 0"
PULLED = "一二三四五六七八九十，十一十二十三十四十五十六十七"  # “十，” fit 10.5 em only with ， half-width
BODY = "职工是工会的根基和力量源泉，工会工作要始终坚持以职工为中心的工作导向，把服务职工作为工会一切工作的出发点和落脚点。"

# Every path of the line breaker: Chinese justified with a mark pulled in, Latin hyphenated,
# spaced, underlined, a tab kept, words broken anywhere, font features, a 楷体 line whose marks
# come from the body face (its baseline), and balanced columns laid out at trial heights.
VARIED = (
    "<html><body>"
    f'<div style="{STYLE}; width: {10.5 * EM}px; text-align: justify">{PULLED}</div>'
    f'<div lang="en" style="width: 6em; hyphens: auto; text-align: justify">Internationalization '
    "of the representative organisations</div>"
    '<p style="letter-spacing: 0.1em; word-spacing: 0.2em; text-decoration: underline">Trade union 工会</p>'
    '<pre style="tab-size: 3">a\tb</pre>'
    '<p style="width: 4em; overflow-wrap: anywhere; word-break: break-all">https://www.qhghw.org.cn/a/b</p>'
    '<p style="font-variant-caps: small-caps; font-feature-settings: \'kern\' 0">ACFTU 2025</p>'
    f"<p style=\"font-family: 'QHGY Kai'; line-height: 22.4px; width: 140px\">编者按《管理办法（试行）》，经会议审议通过</p>"
    "<div style='columns: 2; column-gap: 1em; text-align: justify'>"
    + "".join(f"<p>{BODY * (1 + k % 3)}</p>" for k in range(12))
    + "</div></body></html>"
)


@pytest.fixture(scope="module")
def issue():  # type: ignore[no-untyped-def]
    return load_issue(MINI)


@pytest.fixture
def fresh():  # type: ignore[no-untyped-def]
    """A layout with nothing remembered from before."""
    weasy_cjk_patch.reset_line_end_halts()
    LINES.clear()
    yield
    weasy_cjk_patch.reset_line_end_halts()
    LINES.clear()


def test_the_key_holds_every_style_property_the_line_breaker_reads(issue, fresh, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Recorded, not listed: each property read while a line is broken (upstream's breaker and
    the patch's) must be in the memo's key, or two styles that break differently would share
    answers."""
    read: set[str] = set()
    inside = [False]

    def recording(self, name):  # type: ignore[no-untyped-def]
        if inside[0]:
            read.add(name)
        return dict.__getitem__(self, name)

    def unremembered(split, *args):  # type: ignore[no-untyped-def]
        inside[0] = True
        try:
            return split(*args)
        finally:
            inside[0] = False

    monkeypatch.setattr(Style, "__getitem__", recording, raising=False)
    monkeypatch.setattr(weasy_cjk_patch, "_remembered", unremembered)
    render_html(issue, VARIED)
    assert read - set(LINE_PROPERTIES) == set()
    # the recording saw the paths the snippet means to take
    assert {"text_align_all", "hyphenate_limit_zone", "tab_size", "line_height", "text_decoration_line"} <= read


def _glyphs(document) -> list[tuple[str, float, float]]:  # type: ignore[no-untyped-def]
    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        return [(c["text"], round(c["x0"], 3), round(c["top"], 3)) for page in pdf.pages for c in page.chars]


def _text_boxes(document) -> list[tuple[str, float, float, float]]:  # type: ignore[no-untyped-def]
    return [
        (b.text, round(b.position_x, 4), round(b.position_y, 4), round(b.width, 4))
        for p in document.pages
        for b in p._page_box.descendants()
        if isinstance(b, boxes.TextBox)
    ]


def test_a_layout_from_the_memo_is_the_layout_computed_afresh(issue, fresh, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Laid out again as the make-up's next pass does (the line ends forgotten, the memo kept):
    nearly every line comes from the memo, and the boxes, the half-width line ends and the drawn
    glyphs are those of a layout that computes every break."""
    render_html(issue, VARIED)
    weasy_cjk_patch.reset_line_end_halts()
    hits = LINES.hits
    remembered, _ = render_html(issue, VARIED)
    halts = {text for _, text in weasy_cjk_patch.HALT_AT_LINE_END}
    assert LINES.hits - hits > len(_text_boxes(remembered))
    assert "一二三四五六七八九十，" in halts  # registered again by a replayed trace

    weasy_cjk_patch.reset_line_end_halts()
    with monkeypatch.context() as m:
        m.setattr(LineMemo, "recall", lambda self, key, holds: None)
        m.setattr(LineMemo, "keep", lambda self, key, trace, result: None)
        computed, _ = render_html(issue, VARIED)
        assert {text for _, text in weasy_cjk_patch.HALT_AT_LINE_END} == halts
    assert _text_boxes(remembered) == _text_boxes(computed)
    assert _glyphs(remembered) == _glyphs(computed)


@pytest.fixture
def pulled(issue):  # type: ignore[no-untyped-def]
    """A call to the line breaker whose line takes its end mark half-width."""
    html = f'<div style="{STYLE}; width: {10.5 * EM}px; text-align: justify">{PULLED}</div>'
    document, _ = render_html(issue, html)
    style = next(b for b in document.pages[0]._page_box.descendants() if isinstance(b, boxes.TextBox) and "十" in b.text).style
    context = SimpleNamespace()
    return style, lambda: inline.split_first_line(PULLED, style, context, 10.5 * EM, 0)


def _answer(result: tuple) -> tuple:
    return (result[0].text, *result[1:])


def test_an_answer_is_given_again_only_where_its_lookups_find_what_they_found(pulled, fresh) -> None:  # type: ignore[no-untyped-def]
    style, split = pulled
    key = (id(style), "一二三四五六七八九十，")
    first = split()
    assert first[0].text == "一二三四五六七八九十，" and key in weasy_cjk_patch.HALT_AT_LINE_END
    hits = LINES.hits
    # the line end is registered now: the first call's trace (looked up, not found) does not hold
    second = split()
    assert LINES.hits == hits
    third = split()  # the second call's trace holds
    assert LINES.hits == hits + 1
    weasy_cjk_patch.reset_line_end_halts()  # the next pass: the first call's trace holds again
    fourth = split()
    assert LINES.hits == hits + 2
    assert key in weasy_cjk_patch.HALT_AT_LINE_END  # and its registration was replayed
    assert _answer(first) == _answer(second) == _answer(third) == _answer(fourth)
    assert len({id(r[0]) for r in (first, second, third, fourth)}) == 4  # each a layout of its own
    fourth[0].text = "画"  # as drawing an ellipsis would: the memo's copy is not the caller's
    weasy_cjk_patch.reset_line_end_halts()
    fifth = split()  # the answer the fourth call had
    assert LINES.hits == hits + 3
    assert fifth[0].text == first[0].text


def test_a_replayed_answer_leaves_a_column_trials_watch_as_the_computed_one(pulled, fresh) -> None:  # type: ignore[no-untyped-def]
    _, split = pulled

    def watched() -> tuple:
        watch = weasy_cjk_patch.watch_trial()
        split()
        weasy_cjk_patch.end_trial(watch)
        return watch.clock, sorted(watch.missed.items()), watch.repeatable

    computed = watched()
    assert computed[0] > 0  # the call looked line ends up in vain
    weasy_cjk_patch.reset_line_end_halts()
    hits = LINES.hits
    replayed = watched()
    assert LINES.hits == hits + 1
    assert replayed == computed


def test_a_styles_strut_is_upstreams_and_its_own(issue, fresh) -> None:  # type: ignore[no-untyped-def]
    """Kept on each style: every text box's style of the snippet (body, 楷体, Latin, pre, sizes
    and line heights of its own) gets upstream's answer, asked after the layout asked it."""
    document, _ = render_html(issue, VARIED)
    styles = {id(b.style): b.style for p in document.pages for b in p._page_box.descendants() if isinstance(b, boxes.TextBox)}
    answers = {style_id: strut(style) for style_id, style in styles.items()}
    assert len(set(answers.values())) >= 3  # styles that differ
    for style_id, style in styles.items():
        style.__dict__.pop("_qhgy_strut", None)
        assert answers[style_id] == line_break.strut(style)


def test_a_justified_boxs_record_from_the_memo_is_the_one_made_and_counts_the_same_lookups(pulled, fresh) -> None:  # type: ignore[no-untyped-def]
    """add_word_spacing makes a layout for each justified text box only to keep its record; the
    record comes from the memo the second time, with the line-end lookup its making did (the
    column trials' watches count it)."""
    style, _ = pulled
    context = SimpleNamespace()

    def made() -> tuple[dict, tuple]:
        watch = weasy_cjk_patch.watch_trial()
        layout = inline.create_layout(PULLED, style, context, None, 1.5)
        layout.deactivate()
        weasy_cjk_patch.end_trial(watch)
        return dict(vars(layout)), (watch.clock, sorted(watch.missed.items()))

    computed = made()
    assert computed[1][0] > 0  # the making looked a line end up in vain
    weasy_cjk_patch.reset_line_end_halts()
    hits = LINES.hits
    remembered = made()
    assert LINES.hits == hits + 1
    assert remembered == computed
    assert computed[0]["justification_spacing"] == 1.5 and computed[0]["text"] == PULLED
