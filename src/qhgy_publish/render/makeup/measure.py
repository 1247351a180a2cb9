"""Reading a laid-out part the way a make-up editor reads a proof: where each page's
content ends, which column each line is in, where the headings, figures and
article heads stand, which lines are loose.

It reads WeasyPrint's box tree of each page (positions in CSS pixels), so
the make-up can judge a layout without writing a PDF; the tests judge the
PDF itself (:mod:`qhgy_publish.check.makeup`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes

PX = 4 / 3  # CSS pixels per point


@dataclass
class LineView:
    top: float
    bottom: float
    left: float
    right: float
    column: int | None  # index of the column box it stands in; None: full width
    block: str  # id of the nearest element with an id (paragraph, heading, …)
    article: str  # id of the article it belongs to ("" outside articles)
    spacing: float  # largest justification spacing of its text, in em
    starts_with_tail: bool = False  # its first text is a run-in credit or source （…）
    ends_in_tail: bool = False  # its last text is part of one
    room: float = 0.0  # px between its text's end and the end of its line box
    last_in_block: bool = True  # the last line of its paragraph (or of the part of it on this page)


@dataclass
class BlockView:
    id: str
    classes: frozenset[str]
    tag: str
    top: float
    bottom: float
    left: float
    right: float
    column: int | None
    article: str
    source_index: int | None = None  # an article picture's block in the source (its data-block)


@dataclass
class PageView:
    index: int
    area_top: float
    area_bottom: float
    area_left: float
    area_right: float
    lines: list[LineView] = field(default_factory=list)
    blocks: list[BlockView] = field(default_factory=list)
    content_bottom: float = 0.0  # lowest in-flow content (lines, images, rules)

    @property
    def fill(self) -> float:
        """How far down the type area the page's content reaches (0–1)."""
        height = self.area_bottom - self.area_top
        return max(0.0, min(1.0, (self.content_bottom - self.area_top) / height)) if height else 1.0

    def column_lines(self, column: int | None) -> list[LineView]:
        return [line for line in self.lines if line.column == column]

    def article_ids(self) -> list[str]:
        seen: list[str] = []
        for line in self.lines:
            if line.article and line.article not in seen:
                seen.append(line.article)
        return seen


def _classes(box: boxes.Box) -> frozenset[str]:
    element = getattr(box, "element", None)
    if element is None:
        return frozenset()
    return frozenset((element.get("class") or "").split())


def _data_block(box: boxes.Box) -> int | None:
    element = getattr(box, "element", None)
    value = element.get("data-block") if element is not None else None
    return int(value) if value and value.isdigit() else None


def _id(box: boxes.Box) -> str:
    element = getattr(box, "element", None)
    return (element.get("id") or "") if element is not None else ""


def read_page(index: int, page) -> PageView:  # type: ignore[no-untyped-def]
    """One laid-out page (:class:`weasyprint.Page`) as a :class:`PageView`."""
    root = page._page_box
    view = PageView(
        index=index,
        area_top=root.content_box_y(),
        area_bottom=root.content_box_y() + root.height,
        area_left=root.content_box_x(),
        area_right=root.content_box_x() + root.width,
    )
    view.content_bottom = view.area_top
    for child in root.children:
        if not isinstance(child, boxes.MarginBox):
            _walk(child, view, column=None, block="", article="", columns=[])
    return view


def _walk(
    box: boxes.Box,
    view: PageView,
    column: int | None,
    block: str,
    article: str,
    columns: list,
    parent: boxes.Box | None = None,
) -> None:
    ident = _id(box)
    classes = _classes(box)
    if getattr(box, "is_column", False):
        column = _column_index(box, view)
    if "article" in classes and box.element_tag == "article":
        article = ident
    if ident or classes & INTERESTING:
        view.blocks.append(
            BlockView(
                id=ident,
                classes=classes,
                tag=getattr(box, "element_tag", ""),
                top=box.position_y + box.margin_top,
                bottom=box.position_y + box.margin_height() - box.margin_bottom,
                left=box.position_x,
                right=box.position_x + box.margin_width(),
                column=column,
                article=article,
                source_index=_data_block(box),
            )
        )
        if ident:
            block = ident
    if isinstance(box, boxes.LineBox):
        texts = list(_texts(box))
        siblings = [c for c in getattr(parent, "children", ()) if isinstance(c, boxes.LineBox)] if parent else []
        if texts:
            top, bottom = box.position_y, box.position_y + box.height
            size = max(t.style["font_size"] for t in texts)
            spacing = max((getattr(t, "justification_spacing", 0) or 0) for t in texts) / size
            right = max(t.position_x + t.width for t in texts)
            first, last = texts[0], texts[-1]
            tail = first.element_tag == "em" and first.text.lstrip("\u200b\u2060").startswith("（")
            ends = last.element_tag == "em" and "（" in "".join(t.text for t in texts if t.element_tag == "em")
            room = box.position_x + box.width - right
            last_line = not siblings or siblings[-1] is box
            view.lines.append(
                LineView(top, bottom, box.position_x, right, column, block, article, spacing, tail, ends, room, last_line)
            )
            view.content_bottom = max(view.content_bottom, bottom)
        return
    if isinstance(box, boxes.ReplacedBox) or ("snap" in classes and box.element_tag in ("figure", "aside")):
        view.content_bottom = max(view.content_bottom, box.position_y + box.margin_height() - box.margin_bottom)
    for child in getattr(box, "children", ()):
        _walk(child, view, column, block, article, columns, box)


INTERESTING = frozenset(
    {"article-head", "heading-1", "heading-2", "runin-head", "photo", "profile", "fill", "note", "source-line"}
)


def _texts(box: boxes.Box) -> Iterator[boxes.TextBox]:
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.TextBox):
            if child.text.strip("\u200b\u2060 "):
                yield child
        else:
            yield from _texts(child)


def _column_index(box: boxes.Box, view: PageView) -> int:
    width = view.area_right - view.area_left
    return 0 if box.position_x < view.area_left + width / 3 else 1


def read_pages(pages: list) -> list[PageView]:  # type: ignore[type-arg]
    return [read_page(i, page) for i, page in enumerate(pages)]


def shape(pages: list) -> str:  # type: ignore[type-arg]
    """A digest of every piece of text and every picture on ``pages`` and where it stands in its
    page's type area: equal for two layouts that differ only in the pages' side and folios
    (the running heads and folios, in the margins, are left out)."""
    digest = hashlib.sha256()
    for page in pages:
        root = page._page_box
        x0, y0 = root.content_box_x(), root.content_box_y()
        digest.update(f"page {root.width:.2f} {root.height:.2f}\n".encode())
        for child in root.children:
            if isinstance(child, boxes.MarginBox):
                continue
            for box in child.descendants():
                if isinstance(box, boxes.TextBox):
                    what = box.text
                elif isinstance(box, boxes.ReplacedBox):
                    what = f"<{box.element_tag}> {box.width:.2f} {box.height:.2f}"
                else:
                    continue
                digest.update(f"{what}\0{box.position_x - x0:.2f} {box.position_y - y0:.2f}\n".encode())
    return digest.hexdigest()
