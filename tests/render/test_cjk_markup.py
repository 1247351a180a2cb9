"""Where the print markup lets a Latin run break (render/cjk_markup.py): the unbreakable pieces
are its ``nw`` spans, with a zero-width space (a break opportunity) between each two."""

from __future__ import annotations

import re

from qhgy_publish.render.cjk_markup import ZWSP, markup

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
