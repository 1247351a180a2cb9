"""What the build reads from each laid-out page, kept apart from the page itself.

The build needs little of a page once it is laid out: its anchors (where the
articles start, the contents page, 封三), where it begins in the source (the
EPUB's page map, :mod:`.pagemap`) and where its pictures and captions stand
(the placement check, ``check/layout_pictures.py``). Reading those into plain
values lets a page drawn by an earlier build stand in for a layout
(:mod:`.pressed`): its facts are stored with its PDF page and read back, and
everything after the make-up works from the facts alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import BuildError
from .pagemap import PageTop, page_tops

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in CSS px


@dataclass(frozen=True)
class SeenFigure:
    """An article picture on a page: its print id, the picture's and the caption's boxes."""

    id: str
    picture: Rect | None
    caption: Rect | None


@dataclass(frozen=True)
class PageFacts:
    """One laid-out page: its anchors in order, where it begins, its type area and pictures."""

    anchors: tuple[str, ...]
    top: PageTop  # its index counts from the first page of the pages read together
    area: Rect
    figures: tuple[SeenFigure, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageFacts:
        return cls(
            anchors=tuple(data["anchors"]),
            top=PageTop(**data["top"]),
            area=_rect(data["area"]),
            figures=tuple(
                SeenFigure(f["id"], _rect(f["picture"]), _rect(f["caption"])) for f in data["figures"]
            ),
        )


def _rect(value: Sequence[float] | None) -> Rect | None:  # type: ignore[return]
    return None if value is None else (value[0], value[1], value[2], value[3])


def read_facts(pages: Sequence[Any]) -> list[PageFacts]:
    """The facts of ``pages`` (``weasyprint.Page``), read together: a block that runs over
    several of them is counted on from page to page (see :func:`.pagemap.page_tops`)."""
    return [
        PageFacts(tuple(page.anchors), top, _type_area(page), _figures_on(page))
        for page, top in zip(pages, page_tops(pages), strict=True)
    ]


def _type_area(page: Any) -> Rect:
    root = page._page_box  # WeasyPrint 70 keeps the page's box tree here
    x, y = root.content_box_x(), root.content_box_y()
    return (x, y, x + root.width, y + root.height)


def _box_rect(box: Any) -> Rect:
    x, y = box.border_box_x(), box.border_box_y()
    return (x, y, x + box.border_width(), y + box.border_height())


def _figures_on(page: Any) -> tuple[SeenFigure, ...]:
    """The article pictures on ``page`` (figures with an id), each with the first picture and
    caption box inside it."""
    found: dict[str, list[Rect | None]] = {}
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is None or getattr(box, "element_tag", "") != "figure" or not element.get("id"):
            continue
        seen = found.setdefault(element.get("id"), [None, None])
        for inner in box.descendants():
            tag = getattr(inner, "element_tag", "")
            if tag == "img" and seen[0] is None and inner is not box:
                seen[0] = _box_rect(inner)
            elif tag == "figcaption" and seen[1] is None:
                seen[1] = _box_rect(inner)
    return tuple(SeenFigure(fig_id, picture, caption) for fig_id, (picture, caption) in found.items())


def anchor_index(facts: Sequence[PageFacts], anchor: str) -> int:
    """Index of the first page holding ``anchor``."""
    found = next((i for i, page in enumerate(facts) if anchor in page.anchors), None)
    if found is None:
        raise BuildError(f"the page with #{anchor} is missing from the layout (layouts/print/parts.html.j2)")
    return found
