"""The print markup of Chinese text (render/cjk_markup.py): where a Latin run may break (the
unbreakable pieces are its ``nw`` spans, a zero-width space between each two), the Han–Latin gap,
kinsoku and break chances, the last two characters of a paragraph, punctuation across runs."""

from __future__ import annotations

import re

from qhgy_publish.model import Run
from qhgy_publish.render.cjk_markup import WJ, ZWSP, markup, markup_runs, paragraph_runs, title_markup
from qhgy_publish.render.weasy_cjk_patch import pair_halts

_NW = re.compile(r'<span class="nw">([^<]*)</span>(\u200b?)')


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Each unbreakable piece of ``text``'s markup and whether a break may follow it."""
    return [(m.group(1), m.group(2) == ZWSP) for m in _NW.finditer(str(markup(text)))]


def test_a_url_breaks_after_a_slash_only() -> None:
    pieces = _pieces("电子版的下载地址是https://www.qhgh.org.cn/qhgy/2025-06/，欢迎下载。")
    assert pieces == [("https://", True), ("www.qhgh.org.cn/", True), ("qhgy/", True), ("2025-06/", False)]


def test_an_address_a_standard_and_a_number_with_its_unit_never_break() -> None:
    assert _pieces("来稿请发至qhgy2020@163.com，谢谢。") == [("qhgy2020@163.com", False)]
    assert _pieces("参照GB/T 15834—2011执行。") == [("GB/T 15834—2011", False)]
    assert _pieces("出血3 mm。") == [("3 mm", False)]


def test_a_han_latin_gap_goes_only_to_the_side_that_touches_han() -> None:
    assert str(markup("使用EPUB格式")) == '使用<span class="hl gl gr">EPUB</span>格式'
    assert str(markup("EPUB格式")) == '<span class="hl gr">EPUB</span>格式'
    assert str(markup("（EPUB）格式")) == "（EPUB）格式"  # never beside full-width punctuation
    assert str(markup("出版于2025年")) == '出版于<span class="hl gl gr">2025</span>年'


def test_kinsoku_and_the_break_chances_clreq_allows_around_quotes() -> None:
    assert str(markup("张·李")) == f"张{WJ}·李"  # · never starts a line
    assert str(markup("他说“好”吗")) == f"他说{ZWSP}“好”{ZWSP}吗"
    assert str(markup("“好”，")) == "“好”，"  # no break before a closing mark, none at the start


def test_a_paragraph_never_ends_on_a_line_of_one_character() -> None:
    assert str(paragraph_runs([Run(text="职工之家")])) == f"职工之{WJ}家"
    assert str(paragraph_runs([Run(text="职工之家。")])) == "职工之家。"  # 。 never starts a line anyway


def test_marks_that_straddle_two_runs_are_compressed_in_the_markup() -> None:
    """Inside one run the layout patch sets the pairs half-width; across a run boundary (a bold
    lead, then its text) the markup must, as a span.h, since the patch sees each run alone."""
    html = str(markup_runs([Run(text="他说：", strong=True), Run(text="“好。”")]))
    assert '<span class="h">：</span>' in html  # ：“ — a closing mark before a mark shrinks itself
    assert html.count('class="h"') == 1  # 。” lies inside one run: left to the patch
    assert pair_halts("好。”") == [False, True, False]


def test_a_short_credit_never_breaks_and_a_title_breaks_at_its_hint() -> None:
    credit = str(markup("（同仁市总工会）", whole=True))
    assert credit == WJ.join("（同仁市总工会）")
    title = str(title_markup("劳动|最光荣"))
    assert title.split(ZWSP)[0] == f"劳{WJ}动"  # a word kept whole, then the editor's break
