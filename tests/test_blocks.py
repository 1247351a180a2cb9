"""The one walk over an article's blocks (model.walk_blocks and the helpers built on it)."""

from __future__ import annotations

from pathlib import Path

from qhgy_publish.errors import Loc
from qhgy_publish.model import (
    Figure,
    Heading,
    Note,
    Paragraph,
    Profile,
    Run,
    block_texts,
    figures,
    iter_blocks,
    map_figures,
    paragraphs,
    walk_blocks,
)

HERE = Path("a.md")


def _p(text: str, line: int) -> Paragraph:
    return Paragraph(runs=[Run(text=text)], loc=Loc(HERE, line))


def _fig(name: str, line: int, caption: str = "") -> Figure:
    return Figure(src=Path(f"/i/{name}.jpg"), alt=name, caption=caption, loc=Loc(HERE, line), name=name)


def _blocks() -> list:
    return [
        Heading(level=1, text="一、总体", loc=Loc(HERE, 1)),
        Note(paragraphs=[_p("编者按一", 3), _p("编者按二", 4)], loc=Loc(HERE, 2)),
        _p("正文", 6),
        _fig("wide", 8, "图注"),
        Profile(figure=_fig("face", 11, "照片注"), paragraphs=[_p("张三，", 12), _p("事迹", 13)], loc=Loc(HERE, 10)),
        Profile(figure=None, paragraphs=[_p("李四", 16)], loc=Loc(HERE, 15)),
    ]


def test_walk_visits_nested_paragraphs_and_photos_after_their_block() -> None:
    walked = [(type(b).__name__, b.loc.line, parent.loc.line if parent else None) for b, parent in walk_blocks(_blocks())]
    assert walked == [
        ("Heading", 1, None),
        ("Note", 2, None),
        ("Paragraph", 3, 2),
        ("Paragraph", 4, 2),
        ("Paragraph", 6, None),
        ("Figure", 8, None),
        ("Profile", 10, None),
        ("Paragraph", 12, 10),
        ("Paragraph", 13, 10),
        ("Figure", 11, 10),
        ("Profile", 15, None),
        ("Paragraph", 16, 15),
    ]
    assert len(list(iter_blocks(_blocks()))) == len(walked)


def test_figures_paragraphs_and_texts_come_from_the_walk() -> None:
    blocks = _blocks()
    assert [f.name for f in figures(blocks)] == ["wide", "face"]
    assert [p.text for p in paragraphs(blocks)] == ["编者按一", "编者按二", "正文", "张三，", "事迹", "李四"]
    assert [(t.part, t.text) for t in block_texts(blocks)] == [
        ("heading", "一、总体"),
        ("note", "编者按一"),
        ("note", "编者按二"),
        ("body", "正文"),
        ("caption", "图注"),
        ("body", "张三，"),
        ("body", "事迹"),
        ("caption", "照片注"),
        ("body", "李四"),
    ]


def test_map_figures_replaces_every_picture_and_keeps_the_rest() -> None:
    blocks = _blocks()
    mapped = map_figures(blocks, lambda f: f.model_copy(update={"alt": f.alt.upper()}))
    assert [f.alt for f in figures(mapped)] == ["WIDE", "FACE"]
    assert [p.text for p in paragraphs(mapped)] == [p.text for p in paragraphs(blocks)]
    assert [f.alt for f in figures(blocks)] == ["wide", "face"]  # the model is frozen: a new list
