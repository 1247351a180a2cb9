"""Picture attributes in the Markdown source: {size=…}, {height=…}, {#name}; slips named with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from qhgy_publish.errors import SourceErrors
from qhgy_publish.load import load_issue
from qhgy_publish.model import Figure, FigureSize

HEAD = "---\ncolumn: 新视点\nkind: news\ntitle: 图片测试\n---\n\n正文第一段。\n\n"


def _article(root: Path, body: str) -> Path:
    path = root / "articles" / "050-tupian.md"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _figures(root: Path) -> list[Figure]:
    issue = load_issue(root)
    article = next(a for a in issue.all_articles if a.id == "050-tupian")
    return [b for b in article.blocks if isinstance(b, Figure)]


def test_size_height_and_name_are_read(mini_issue: Path) -> None:
    _article(
        mini_issue,
        '![会场](images/cover.png "图注一"){size=wide}\n\n'
        "![会场](images/cover.png){size=half .placeholder}\n\n"
        "![会场](images/cover.png){height=6cm #huichang}\n\n"
        "![会场](images/cover.png)\n",
    )
    wide, half, tall, plain = _figures(mini_issue)
    assert (wide.size, wide.caption, wide.name) == (FigureSize.WIDE, "图注一", "fig-cover")
    assert (half.size, half.placeholder, half.name) == (FigureSize.HALF, True, "fig-cover-2")
    assert (tall.height_mm, tall.name) == (60.0, "huichang")
    assert plain.size is FigureSize.COLUMN and plain.height_mm is None and plain.name == "fig-cover-3"
    assert plain.pixels[0] > 0 and plain.pixels[1] > 0


@pytest.mark.parametrize(
    ("attrs", "words"),
    [
        ("{size=big}", "picture size “big” is not one of column, wide, half"),
        ("{height=60}", "picture height “60” is not a height between 10 and 240 mm"),
        ("{height=400mm}", "picture height “400mm”"),
        ("{width=50%}", "picture attributes “{width=50%}” could not be read"),
        ("{width=50mm}", "unknown picture attribute “width”"),
        ("{#会场}", "picture name “#会场” may hold only Latin letters"),
    ],
)
def test_slips_are_named_with_file_and_line(mini_issue: Path, attrs: str, words: str) -> None:
    path = _article(mini_issue, f"![会场](images/cover.png){attrs}\n")
    with pytest.raises(SourceErrors) as raised:
        load_issue(mini_issue)
    [error] = [e for e in raised.value.errors if e.where.path == path]
    assert error.code == "S-153" and words in error.message and error.hint
    assert error.where.line == HEAD.count("\n") + 1  # the picture's own line
